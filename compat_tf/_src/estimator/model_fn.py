"""tf.estimator.ModeKeys, EstimatorSpec and the export outputs (TF 1.15's estimator/model_fn.py)."""
import collections


class ModeKeys:
    """Standard names for model modes (TF 1.15 values: 'train', 'eval', 'infer')."""
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


def _is_tensor_like(x):
    from compat_tf._src.framework.graph import Operation, Tensor
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    return isinstance(x, (Tensor, Operation, SparseTensor)) or hasattr(x, "op")


def _single_string_input(receiver_tensors, kind):
    """TF's rule: classify/regress signatures take one string tensor (serialized tf.Examples)."""
    from compat_tf._src.framework import dtypes
    tensors = list(receiver_tensors.values()) if isinstance(receiver_tensors, dict) else [receiver_tensors]
    if len(tensors) != 1 or tensors[0].dtype.base_dtype != dtypes.string:
        raise ValueError(f"{kind} input must be a single string Tensor; got {receiver_tensors}")
    return tensors[0]


class _ExportOutput:
    def as_signature_def(self, receiver_tensors):
        raise NotImplementedError


class PredictOutput(_ExportOutput):
    """tf.estimator.export.PredictOutput: a dict (or single tensor) of outputs for a predict signature."""

    def __init__(self, outputs):
        if not isinstance(outputs, dict):
            outputs = {"output": outputs}
        for k, v in outputs.items():
            if not isinstance(k, str):
                raise ValueError(f"Prediction output key must be a string; got {k!r}.")
            if not _is_tensor_like(v):
                raise ValueError(f"Prediction output value must be a Tensor; got {v!r} for key {k!r}.")
        self.outputs = dict(outputs)

    def as_signature_def(self, receiver_tensors):
        from compat_tf._src.saved_model import signature_def_utils_impl as sdu
        return sdu.predict_signature_def(receiver_tensors, self.outputs)


class RegressionOutput(_ExportOutput):
    """tf.estimator.export.RegressionOutput: a float `value` tensor (needs a single string-tensor input)."""

    def __init__(self, value):
        if not _is_tensor_like(value):
            raise ValueError(f"Regression output value must be a Tensor; got {value!r}.")
        self.value = value

    def as_signature_def(self, receiver_tensors):
        from compat_tf._src.saved_model import signature_def_utils_impl as sdu
        return sdu.regression_signature_def(_single_string_input(receiver_tensors, "Regression"), self.value)


class ClassificationOutput(_ExportOutput):
    """tf.estimator.export.ClassificationOutput (scores and/or classes)."""

    def __init__(self, scores=None, classes=None):
        if scores is None and classes is None:
            raise ValueError("At least one of scores and classes must be set.")
        self.scores, self.classes = scores, classes

    def as_signature_def(self, receiver_tensors):
        from compat_tf._src.saved_model import signature_def_utils_impl as sdu
        return sdu.classification_signature_def(_single_string_input(receiver_tensors, "Classification"),
                                                self.classes, self.scores)


_SPEC_FIELDS = ["mode", "predictions", "loss", "train_op", "eval_metric_ops", "export_outputs",
                "training_chief_hooks", "training_hooks", "scaffold", "evaluation_hooks", "prediction_hooks"]


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _SPEC_FIELDS)):
    """tf.estimator.EstimatorSpec: what a model_fn returns, validated as TF 1.15 does."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None, scaffold=None,
                evaluation_hooks=None, prediction_hooks=None):
        if mode not in (ModeKeys.TRAIN, ModeKeys.EVAL, ModeKeys.PREDICT):
            raise ValueError(f"mode={mode!r} is not a tf.estimator.ModeKeys value")
        if train_op is None and mode == ModeKeys.TRAIN:
            raise ValueError("Missing train_op.")
        if loss is None and mode in (ModeKeys.TRAIN, ModeKeys.EVAL):
            raise ValueError("Missing loss.")
        if loss is not None:
            if not _is_tensor_like(loss):
                raise TypeError(f"loss must be Tensor. Given: {loss!r}")
            shape = loss.shape
            if shape.ndims is not None and shape.num_elements() not in (None, 1):
                raise ValueError(f"Loss must be scalar, given: {loss!r}")
        if predictions is None:
            if mode == ModeKeys.PREDICT:
                raise ValueError("Missing predictions.")
            predictions = {}
        elif isinstance(predictions, dict):
            for k, v in predictions.items():
                if not _is_tensor_like(v):
                    raise TypeError(f"predictions[{k!r}] must be Tensor, given: {v!r}")
        elif not _is_tensor_like(predictions):
            raise TypeError(f"predictions must be Tensor or dict of Tensor. Given: {predictions!r}")
        eval_metric_ops = dict(eval_metric_ops or {})
        for k, v in eval_metric_ops.items():
            if not (isinstance(v, tuple) and len(v) == 2):
                raise TypeError(f"Values of eval_metric_ops must be (metric_value, update_op) tuples, given: "
                                f"{v!r} for key: {k}")
        if export_outputs is not None:
            for k, v in export_outputs.items():
                if not isinstance(v, _ExportOutput):
                    raise TypeError(f"Values in export_outputs must be ExportOutput objects. Given: {k}: {v!r}")
        hooks = [tuple(h or ()) for h in (training_chief_hooks, training_hooks, evaluation_hooks,
                                           prediction_hooks)]
        return super().__new__(cls, mode, predictions, loss, train_op, eval_metric_ops, export_outputs,
                               hooks[0], hooks[1], scaffold, hooks[2], hooks[3])

    def _replace(self, **kwds):
        if "mode" in kwds and self.mode != kwds["mode"]:
            raise ValueError("mode of EstimatorSpec cannot be changed.")
        return EstimatorSpec(**dict(self._asdict(), **kwds))
