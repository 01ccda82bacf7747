"""tf.saved_model.signature_def_utils (TF 1.15's signature_def_utils_impl.py): SignatureDef protos."""
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.saved_model import signature_constants as _sc
from compat_tf._src.saved_model import utils_impl as _utils

_DT_STRING = 7
_DT_FLOAT = 1


def _meta_graph_pb2():
    from compat_tf._src.protos import meta_graph_pb2
    return meta_graph_pb2


def build_signature_def(inputs=None, outputs=None, method_name=None):
    """A SignatureDef from {key: TensorInfo} inputs/outputs and a method name."""
    signature_def = _meta_graph_pb2().SignatureDef()
    if inputs is not None:
        for item in inputs:
            signature_def.inputs[item].CopyFrom(inputs[item])
    if outputs is not None:
        for item in outputs:
            signature_def.outputs[item].CopyFrom(outputs[item])
    if method_name is not None:
        signature_def.method_name = method_name
    return signature_def


def regression_signature_def(examples, predictions):
    """The Regress API's SignatureDef: string `examples` -> float `predictions`."""
    if examples is None:
        raise ValueError("Regression examples cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Regression examples must be a string Tensor.")
    if predictions is None:
        raise ValueError("Regression predictions cannot be None.")
    input_tensor_info = _utils.build_tensor_info(examples)
    if input_tensor_info.dtype != _DT_STRING:
        raise ValueError("Regression examples must be a string Tensor.")
    output_tensor_info = _utils.build_tensor_info(predictions)
    if output_tensor_info.dtype != _DT_FLOAT:
        raise ValueError("Regression output must be a float Tensor.")
    return build_signature_def({_sc.REGRESS_INPUTS: input_tensor_info},
                               {_sc.REGRESS_OUTPUTS: output_tensor_info}, _sc.REGRESS_METHOD_NAME)


def classification_signature_def(examples, classes, scores):
    """The Classify API's SignatureDef: string `examples` -> string `classes` and/or float `scores`."""
    if examples is None:
        raise ValueError("Classification examples cannot be None.")
    if not isinstance(examples, Tensor):
        raise ValueError("Classification examples must be a string Tensor.")
    if classes is None and scores is None:
        raise ValueError("Classification classes and scores cannot both be None.")
    input_tensor_info = _utils.build_tensor_info(examples)
    if input_tensor_info.dtype != _DT_STRING:
        raise ValueError("Classification examples must be a string Tensor.")
    signature_outputs = {}
    if classes is not None:
        classes_tensor_info = _utils.build_tensor_info(classes)
        if classes_tensor_info.dtype != _DT_STRING:
            raise ValueError("Classification classes must be a string Tensor.")
        signature_outputs[_sc.CLASSIFY_OUTPUT_CLASSES] = classes_tensor_info
    if scores is not None:
        scores_tensor_info = _utils.build_tensor_info(scores)
        if scores_tensor_info.dtype != _DT_FLOAT:
            raise ValueError("Classification scores must be a float Tensor.")
        signature_outputs[_sc.CLASSIFY_OUTPUT_SCORES] = scores_tensor_info
    return build_signature_def({_sc.CLASSIFY_INPUTS: input_tensor_info}, signature_outputs,
                               _sc.CLASSIFY_METHOD_NAME)


def predict_signature_def(inputs, outputs):
    """The Predict API's SignatureDef: {key: Tensor} inputs -> {key: Tensor} outputs."""
    if inputs is None or not inputs:
        raise ValueError("Prediction inputs cannot be None or empty.")
    if outputs is None or not outputs:
        raise ValueError("Prediction outputs cannot be None or empty.")
    signature_inputs = {key: _utils.build_tensor_info(tensor) for key, tensor in inputs.items()}
    signature_outputs = {key: _utils.build_tensor_info(tensor) for key, tensor in outputs.items()}
    return build_signature_def(signature_inputs, signature_outputs, _sc.PREDICT_METHOD_NAME)


def op_signature_def(op, key):
    """A SignatureDef whose one output `key` names the operation `op` (TF's init-op signature)."""
    info = _meta_graph_pb2().TensorInfo(name=op.name)
    return build_signature_def(outputs={key: info})


def is_valid_signature(signature_def):
    """Whether `signature_def` is a valid Classify, Regress or Predict signature (TF1's rules)."""
    if signature_def is None:
        return False
    return (_is_valid_classification_signature(signature_def)
            or _is_valid_regression_signature(signature_def)
            or _is_valid_predict_signature(signature_def))


def _is_valid_predict_signature(signature_def):
    if signature_def.method_name != _sc.PREDICT_METHOD_NAME:
        return False
    return bool(signature_def.inputs.keys()) and bool(signature_def.outputs.keys())


def _is_valid_regression_signature(signature_def):
    if signature_def.method_name != _sc.REGRESS_METHOD_NAME:
        return False
    if set(signature_def.inputs.keys()) != {_sc.REGRESS_INPUTS}:
        return False
    if signature_def.inputs[_sc.REGRESS_INPUTS].dtype != _DT_STRING:
        return False
    if set(signature_def.outputs.keys()) != {_sc.REGRESS_OUTPUTS}:
        return False
    return signature_def.outputs[_sc.REGRESS_OUTPUTS].dtype == _DT_FLOAT


def _is_valid_classification_signature(signature_def):
    if signature_def.method_name != _sc.CLASSIFY_METHOD_NAME:
        return False
    if set(signature_def.inputs.keys()) != {_sc.CLASSIFY_INPUTS}:
        return False
    if signature_def.inputs[_sc.CLASSIFY_INPUTS].dtype != _DT_STRING:
        return False
    allowed_outputs = {_sc.CLASSIFY_OUTPUT_CLASSES, _sc.CLASSIFY_OUTPUT_SCORES}
    if not signature_def.outputs.keys():
        return False
    if set(signature_def.outputs.keys()) - allowed_outputs:
        return False
    if (_sc.CLASSIFY_OUTPUT_CLASSES in signature_def.outputs
            and signature_def.outputs[_sc.CLASSIFY_OUTPUT_CLASSES].dtype != _DT_STRING):
        return False
    if (_sc.CLASSIFY_OUTPUT_SCORES in signature_def.outputs
            and signature_def.outputs[_sc.CLASSIFY_OUTPUT_SCORES].dtype != _DT_FLOAT):
        return False
    return True


__all__ = ["build_signature_def", "classification_signature_def", "is_valid_signature",
           "predict_signature_def", "regression_signature_def"]
