"""tf.keras.metrics (TF 1.15): stateful Metric layers and the metric functions.

A Metric keeps its state in variables made by `add_weight` (not in any collection, so Savers
skip them; the Keras session initializes them): `metric(y_true, y_pred)` returns the result
tensor after the update, `update_state` returns the update op, `result()` reads, and
`reset_states()` assigns zeros. Mean = total / count with `div_no_nan`; a MeanMetricWrapper
averages a per-sample function (accuracies, losses) weighted by `sample_weight`.
Confusion counts (TruePositives, ..., Precision, Recall) threshold predictions at 0.5 (or
`thresholds`).

Not provided: AUC, SensitivityAtSpecificity, SpecificityAtSensitivity, MeanIoU, MeanTensor,
MeanRelativeError (they raise NotImplementedError naming the TF 1.15 symbol).
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import backend_ops, losses as _losses
from compat_tf._src.keras.engine.base_layer import Layer, make_variable
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, nn_ops, state_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import init_ops


class Metric(Layer):
    """tf.keras.metrics.Metric(name=None, dtype=None): subclasses implement update_state/result."""

    def __init__(self, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype or K.floatx(), **kwargs)
        self.stateful = True
        self.built = True

    def __call__(self, *args, **kwargs):
        g = _graph.get_default_graph()
        with g.name_scope(self.name):
            update_op = self.update_state(*args, **kwargs)
            deps = [update_op] if update_op is not None else []
            with g.control_dependencies(deps):
                result = self.result()
        result._metric_obj = self
        self._call_result = result
        return result

    def reset_states(self):
        K.batch_set_value([(v, np.zeros(v.get_shape().as_list())) for v in self.variables])

    def update_state(self, *args, **kwargs):
        raise NotImplementedError("Must be implemented in subclasses.")

    def result(self):
        raise NotImplementedError("Must be implemented in subclasses.")

    def add_weight(self, name, shape=(), aggregation=None, synchronization=None, initializer=None, dtype=None):
        with _graph.get_default_graph().control_dependencies(None):
            v = make_variable(name, shape=shape, dtype=dtype or self.dtype,
                              initializer=init_ops.zeros_initializer() if initializer is None else initializer,
                              trainable=False, collections=[])
        K.track_variable(v)
        self._non_trainable_weights.append(v)
        return v

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}


class Reduce(Metric):
    _reduction = "mean"

    def __init__(self, reduction=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        if reduction is not None:
            self._reduction = reduction
        self.total = self.add_weight("total", initializer=init_ops.zeros_initializer())
        if self._reduction != "sum":
            self.count = self.add_weight("count", initializer=init_ops.zeros_initializer())

    def update_state(self, values, sample_weight=None):
        values = math_ops.cast(values, self.dtype)
        if sample_weight is not None:
            sample_weight = math_ops.cast(sample_weight, self.dtype)
            values, _, sample_weight = _losses.squeeze_or_expand_dimensions(values, None, sample_weight)
            sample_weight = array_ops.ones_like(values) * sample_weight
            values = math_ops.multiply(values, sample_weight)
        update_total = state_ops.assign_add(self.total, math_ops.reduce_sum(values))
        if self._reduction == "sum":
            return update_total.op
        if sample_weight is None:
            num = math_ops.cast(array_ops.size(values), self.dtype)
        else:
            num = math_ops.reduce_sum(sample_weight)
        with _graph.get_default_graph().control_dependencies([update_total]):
            return state_ops.assign_add(self.count, num).op

    def result(self):
        if self._reduction == "sum":
            return control_flow_ops.identity(self.total)
        return math_ops.div_no_nan(self.total, self.count)


class Sum(Reduce):
    """tf.keras.metrics.Sum: the running sum of values (weighted)."""
    _reduction = "sum"

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)


class Mean(Reduce):
    """tf.keras.metrics.Mean: the running (weighted) mean of values."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)


class MeanMetricWrapper(Mean):
    """The running mean of `fn(y_true, y_pred, **kwargs)`."""

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = math_ops.cast(y_true, self.dtype)
        y_pred = math_ops.cast(y_pred, self.dtype)
        y_pred, y_true, _ = _losses.squeeze_or_expand_dimensions(y_pred, y_true)
        matches = self._fn(y_true, y_pred, **self._fn_kwargs)
        return super().update_state(matches, sample_weight=sample_weight)

    def get_config(self):
        config = dict(self._fn_kwargs)
        config.update(super().get_config())
        return config


# -- metric functions --------------------------------------------------------------------------

def accuracy(y_true, y_pred):
    y_pred.get_shape().assert_is_compatible_with(y_true.get_shape())
    if y_true.dtype.base_dtype != y_pred.dtype.base_dtype:
        y_pred = math_ops.cast(y_pred, y_true.dtype)
    return math_ops.cast(math_ops.equal(y_true, y_pred), K.floatx())


def binary_accuracy(y_true, y_pred, threshold=0.5):
    threshold = math_ops.cast(threshold, y_pred.dtype)
    y_pred = math_ops.cast(y_pred > threshold, y_pred.dtype)
    return backend_ops.mean(math_ops.equal(y_true, y_pred), axis=-1)


def categorical_accuracy(y_true, y_pred):
    return math_ops.cast(math_ops.equal(math_ops.argmax(y_true, axis=-1), math_ops.argmax(y_pred, axis=-1)),
                         K.floatx())


def sparse_categorical_accuracy(y_true, y_pred):
    y_true = _constant.convert_to_tensor(y_true)
    y_pred = _constant.convert_to_tensor(y_pred)
    if y_true.shape.ndims is not None and y_pred.shape.ndims is not None and \
            y_true.shape.ndims == y_pred.shape.ndims:
        y_true = array_ops.squeeze(y_true, [-1])
    y_pred = math_ops.argmax(y_pred, axis=-1)
    if y_pred.dtype.base_dtype != y_true.dtype.base_dtype:
        y_pred = math_ops.cast(y_pred, y_true.dtype)
    return math_ops.cast(math_ops.equal(y_true, y_pred), K.floatx())


def top_k_categorical_accuracy(y_true, y_pred, k=5):
    return backend_ops.mean(nn_ops.in_top_k(y_pred, math_ops.argmax(y_true, axis=-1), k), axis=-1)


def sparse_top_k_categorical_accuracy(y_true, y_pred, k=5):
    y_true = _constant.convert_to_tensor(y_true)
    if y_true.shape.ndims is not None and y_pred.shape.ndims is not None and \
            y_true.shape.ndims == y_pred.shape.ndims:
        y_true = array_ops.squeeze(y_true, [-1])
    return backend_ops.mean(nn_ops.in_top_k(y_pred, math_ops.cast(y_true, "int32"), k), axis=-1)


def cosine_proximity(y_true, y_pred, axis=-1):
    """sum(l2_normalize(y_true) * l2_normalize(y_pred)) (positive: the metric, not the loss)."""
    from compat_tf._src.ops import nn_impl
    y_true = nn_impl.l2_normalize(y_true, axis=axis)
    y_pred = nn_impl.l2_normalize(y_pred, axis=axis)
    return math_ops.reduce_sum(y_true * y_pred, axis=axis)


acc = ACC = accuracy
bce = BCE = binary_crossentropy = _losses.binary_crossentropy
mse = MSE = mean_squared_error = _losses.mean_squared_error
mae = MAE = mean_absolute_error = _losses.mean_absolute_error
mape = MAPE = mean_absolute_percentage_error = _losses.mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error = _losses.mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = _losses.kullback_leibler_divergence
cosine = cosine_proximity
categorical_crossentropy = _losses.categorical_crossentropy
sparse_categorical_crossentropy = _losses.sparse_categorical_crossentropy
hinge = _losses.hinge
squared_hinge = _losses.squared_hinge
categorical_hinge = _losses.categorical_hinge
poisson = _losses.poisson
logcosh = _losses.logcosh


def _wrapper_class(name, fn, default_name, doc, **defaults):
    def __init__(self, name=default_name, dtype=None, **kwargs):
        args = dict(defaults)
        for k, v in kwargs.items():
            if k not in args:
                raise TypeError(f"{type(self).__name__}.__init__() got an unexpected keyword argument '{k}'")
            args[k] = v
        MeanMetricWrapper.__init__(self, fn, name=name, dtype=dtype, **args)
    return type(name, (MeanMetricWrapper,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


Accuracy = _wrapper_class("Accuracy", accuracy, "accuracy", "tf.keras.metrics.Accuracy: y_pred == y_true.")
BinaryAccuracy = _wrapper_class("BinaryAccuracy", binary_accuracy, "binary_accuracy",
                                "tf.keras.metrics.BinaryAccuracy(threshold=0.5).", threshold=0.5)
CategoricalAccuracy = _wrapper_class("CategoricalAccuracy", categorical_accuracy, "categorical_accuracy",
                                     "tf.keras.metrics.CategoricalAccuracy.")
SparseCategoricalAccuracy = _wrapper_class("SparseCategoricalAccuracy", sparse_categorical_accuracy,
                                           "sparse_categorical_accuracy",
                                           "tf.keras.metrics.SparseCategoricalAccuracy.")
TopKCategoricalAccuracy = _wrapper_class("TopKCategoricalAccuracy", top_k_categorical_accuracy,
                                         "top_k_categorical_accuracy",
                                         "tf.keras.metrics.TopKCategoricalAccuracy(k=5).", k=5)
SparseTopKCategoricalAccuracy = _wrapper_class("SparseTopKCategoricalAccuracy", sparse_top_k_categorical_accuracy,
                                               "sparse_top_k_categorical_accuracy",
                                               "tf.keras.metrics.SparseTopKCategoricalAccuracy(k=5).", k=5)
MeanSquaredError = _wrapper_class("MeanSquaredError", mean_squared_error, "mean_squared_error",
                                  "tf.keras.metrics.MeanSquaredError.")
MeanAbsoluteError = _wrapper_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error",
                                   "tf.keras.metrics.MeanAbsoluteError.")
MeanAbsolutePercentageError = _wrapper_class("MeanAbsolutePercentageError", mean_absolute_percentage_error,
                                             "mean_absolute_percentage_error",
                                             "tf.keras.metrics.MeanAbsolutePercentageError.")
MeanSquaredLogarithmicError = _wrapper_class("MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
                                             "mean_squared_logarithmic_error",
                                             "tf.keras.metrics.MeanSquaredLogarithmicError.")
BinaryCrossentropy = _wrapper_class("BinaryCrossentropy", _losses.binary_crossentropy, "binary_crossentropy",
                                    "tf.keras.metrics.BinaryCrossentropy(from_logits=False, label_smoothing=0).",
                                    from_logits=False, label_smoothing=0)
CategoricalCrossentropy = _wrapper_class("CategoricalCrossentropy", _losses.categorical_crossentropy,
                                         "categorical_crossentropy",
                                         "tf.keras.metrics.CategoricalCrossentropy(from_logits=False, "
                                         "label_smoothing=0).", from_logits=False, label_smoothing=0)
SparseCategoricalCrossentropy = _wrapper_class("SparseCategoricalCrossentropy",
                                               _losses.sparse_categorical_crossentropy,
                                               "sparse_categorical_crossentropy",
                                               "tf.keras.metrics.SparseCategoricalCrossentropy(from_logits=False, "
                                               "axis=-1).", from_logits=False, axis=-1)
Hinge = _wrapper_class("Hinge", hinge, "hinge", "tf.keras.metrics.Hinge.")
SquaredHinge = _wrapper_class("SquaredHinge", squared_hinge, "squared_hinge", "tf.keras.metrics.SquaredHinge.")
CategoricalHinge = _wrapper_class("CategoricalHinge", categorical_hinge, "categorical_hinge",
                                  "tf.keras.metrics.CategoricalHinge.")
Poisson = _wrapper_class("Poisson", poisson, "poisson", "tf.keras.metrics.Poisson.")
KLDivergence = _wrapper_class("KLDivergence", kullback_leibler_divergence, "kullback_leibler_divergence",
                              "tf.keras.metrics.KLDivergence.")
LogCoshError = _wrapper_class("LogCoshError", logcosh, "logcosh", "tf.keras.metrics.LogCoshError.")
CosineSimilarity = _wrapper_class("CosineSimilarity", cosine_proximity, "cosine_similarity",
                                  "tf.keras.metrics.CosineSimilarity(axis=-1).", axis=-1)


class RootMeanSquaredError(Mean):
    """tf.keras.metrics.RootMeanSquaredError: sqrt of the running mean squared error."""

    def __init__(self, name="root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = math_ops.cast(y_true, self.dtype)
        y_pred = math_ops.cast(y_pred, self.dtype)
        y_pred, y_true, _ = _losses.squeeze_or_expand_dimensions(y_pred, y_true)
        return super().update_state(math_ops.squared_difference(y_pred, y_true), sample_weight=sample_weight)

    def result(self):
        return math_ops.sqrt(math_ops.div_no_nan(self.total, self.count))


class _ConfusionMatrixConditionCount(Metric):
    """Counts of one confusion-matrix cell per threshold (predictions > threshold are positive)."""
    _cell = "tp"

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = [0.5] if thresholds is None else \
            (list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds])
        self.accumulator = self.add_weight("accumulator", shape=(len(self.thresholds),))

    def _cells(self, y_true, y_pred, sample_weight):
        y_true = math_ops.cast(array_ops.reshape(y_true, [1, -1]), _dtypes.bool)
        y_pred = math_ops.cast(array_ops.reshape(y_pred, [1, -1]), self.dtype)
        th = _constant.constant(np.array(self.thresholds, dtype=np.float32).reshape(-1, 1), dtype=self.dtype)
        pred_pos = math_ops.greater(y_pred, th)
        weights = 1.0 if sample_weight is None else \
            math_ops.cast(array_ops.reshape(array_ops.ones_like(y_pred) * math_ops.cast(
                array_ops.reshape(sample_weight, [1, -1]) if _is_t(sample_weight) else sample_weight,
                self.dtype), [1, -1]), self.dtype)
        true_pos = array_ops.tile(y_true, [len(self.thresholds), 1])
        return true_pos, pred_pos, weights

    def _count(self, cell, y_true, y_pred, sample_weight):
        t, p, w = self._cells(y_true, y_pred, sample_weight)
        nt, npred = math_ops.logical_not(t), math_ops.logical_not(p)
        cond = {"tp": math_ops.logical_and(t, p), "fp": math_ops.logical_and(nt, p),
                "tn": math_ops.logical_and(nt, npred), "fn": math_ops.logical_and(t, npred)}[cell]
        return math_ops.reduce_sum(math_ops.cast(cond, self.dtype) * w, axis=1)

    def update_state(self, y_true, y_pred, sample_weight=None):
        return state_ops.assign_add(self.accumulator, self._count(self._cell, y_true, y_pred, sample_weight)).op

    def result(self):
        if isinstance(self.init_thresholds, (list, tuple)):
            return control_flow_ops.identity(self.accumulator)
        return self.accumulator[0]

    def get_config(self):
        config = super().get_config()
        config["thresholds"] = self.init_thresholds
        return config


def _is_t(x):
    return hasattr(x, "op")


class TruePositives(_ConfusionMatrixConditionCount):
    """tf.keras.metrics.TruePositives(thresholds=None)."""
    _cell = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """tf.keras.metrics.FalsePositives(thresholds=None)."""
    _cell = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """tf.keras.metrics.TrueNegatives(thresholds=None)."""
    _cell = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """tf.keras.metrics.FalseNegatives(thresholds=None)."""
    _cell = "fn"


class _PrecisionRecall(_ConfusionMatrixConditionCount):
    _other = "fp"

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        if top_k is not None or class_id is not None:
            raise NotImplementedError(f"tf.keras.metrics.{type(self).__name__}(top_k=..., class_id=...) is not "
                                      "supported by compat_tf")
        Metric.__init__(self, name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = [0.5] if thresholds is None else \
            (list(thresholds) if isinstance(thresholds, (list, tuple)) else [thresholds])
        n = len(self.thresholds)
        self.true_positives = self.add_weight("true_positives", shape=(n,))
        setattr(self, _NAMES[self._other], self.add_weight(_NAMES[self._other], shape=(n,)))

    def update_state(self, y_true, y_pred, sample_weight=None):
        a = state_ops.assign_add(self.true_positives, self._count("tp", y_true, y_pred, sample_weight))
        other = getattr(self, _NAMES[self._other])
        b = state_ops.assign_add(other, self._count(self._other, y_true, y_pred, sample_weight))
        return control_flow_ops.group(a, b)

    def result(self):
        other = getattr(self, _NAMES[self._other])
        r = math_ops.div_no_nan(self.true_positives, self.true_positives + other)
        return r if isinstance(self.init_thresholds, (list, tuple)) else r[0]


_NAMES = {"fp": "false_positives", "fn": "false_negatives"}


class Precision(_PrecisionRecall):
    """tf.keras.metrics.Precision(thresholds=None): tp / (tp + fp)."""
    _other = "fp"


class Recall(_PrecisionRecall):
    """tf.keras.metrics.Recall(thresholds=None): tp / (tp + fn)."""
    _other = "fn"


_MODULE_OBJECTS = {k: v for k, v in dict(globals()).items()
                   if not k.startswith("_") and callable(v) and getattr(v, "__module__", "") in
                   (__name__, _losses.__name__)}


def serialize(metric):
    return serialize_keras_object(metric)


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, module_objects=_MODULE_OBJECTS, custom_objects=custom_objects,
                                    printable_module_name="metric function")


def get(identifier):
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize(str(identifier))
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret metric function identifier: %s" % identifier)
