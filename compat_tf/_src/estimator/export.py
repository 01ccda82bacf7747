"""tf.estimator.export: ServingInputReceiver and the serving input_fn builders (TF 1.15)."""
import collections

from compat_tf._src.estimator.model_fn import ClassificationOutput, PredictOutput, RegressionOutput  # noqa: F401


def _tf():
    import compat_tf
    return compat_tf


def _wrap(x, default_key):
    return x if isinstance(x, dict) else {default_key: x}


class ServingInputReceiver(collections.namedtuple(
        "ServingInputReceiver", ["features", "receiver_tensors", "receiver_tensors_alternatives"])):
    """The features a serving model_fn gets and the placeholders a SavedModel's signatures take."""

    def __new__(cls, features, receiver_tensors, receiver_tensors_alternatives=None):
        if features is None:
            raise ValueError("features must be defined.")
        if receiver_tensors is None:
            raise ValueError("receiver_tensors must be defined.")
        if receiver_tensors_alternatives:
            raise NotImplementedError("tf.estimator.export.ServingInputReceiver(receiver_tensors_alternatives=...) "
                                      "is not supported by compat_tf")
        return super().__new__(cls, features=_wrap(features, "feature"),
                               receiver_tensors=_wrap(receiver_tensors, "input"),
                               receiver_tensors_alternatives=None)


def build_raw_serving_input_receiver_fn(features, default_batch_size=None):
    """A serving_input_receiver_fn with one placeholder per feature (shape of the feature, batch dim free)."""
    def serving_input_receiver_fn():
        tf = _tf()
        receivers = {}
        for name, t in features.items():
            shape = [default_batch_size] + t.shape.as_list()[1:]
            receivers[name] = tf.placeholder(t.dtype, shape, name=name)
        return ServingInputReceiver(dict(receivers), receivers)
    return serving_input_receiver_fn


def build_parsing_serving_input_receiver_fn(feature_spec, default_batch_size=None):
    """A serving_input_receiver_fn parsing serialized tf.Example protos with `feature_spec`."""
    def serving_input_receiver_fn():
        tf = _tf()
        serialized = tf.placeholder(tf.string, [default_batch_size], name="input_example_tensor")
        features = tf.parse_example(serialized, feature_spec)
        return ServingInputReceiver(features, {"examples": serialized})
    return serving_input_receiver_fn
