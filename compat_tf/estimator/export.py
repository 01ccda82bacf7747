"""tf.estimator.export: serving input receivers and export outputs."""
from compat_tf._src.estimator.export import (  # noqa: F401
    ServingInputReceiver, build_parsing_serving_input_receiver_fn, build_raw_serving_input_receiver_fn)
from compat_tf._src.estimator.model_fn import ClassificationOutput, PredictOutput, RegressionOutput  # noqa: F401

_UNIMPLEMENTED = frozenset(["ExportOutput", "TensorServingInputReceiver", "SupervisedInputReceiver"])


def __getattr__(name):
    from compat_tf._src.dropin.missing import UnimplementedSymbolError
    if name in _UNIMPLEMENTED:
        raise UnimplementedSymbolError(f"tf.estimator.export.{name} is not implemented by compat_tf "
                                       "(TensorFlow 1.15 API)")
    raise AttributeError(f"module 'tf.estimator.export' has no attribute '{name}'")
