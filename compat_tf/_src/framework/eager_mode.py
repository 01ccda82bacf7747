"""TF 1.x eager mode switches. compat_tf runs TF1 graphs (Session.run); eager execution is not
implemented: tf.enable_eager_execution raises NotImplementedError, tf.executing_eagerly() is False
(as in TF1's graph mode) and tf.disable_eager_execution / tf.disable_v2_behavior-style calls that
ask for graph mode are accepted."""

__all__ = ["enable_eager_execution", "executing_eagerly", "disable_eager_execution"]


def enable_eager_execution(config=None, device_policy=None, execution_mode=None):
    """tf.enable_eager_execution: not implemented (NotImplementedError naming it)."""
    raise NotImplementedError("tf.enable_eager_execution is not implemented by compat_tf (TensorFlow 1.15 API): "
                              "compat_tf runs TF1 programs in graph mode (build the graph, then tf.Session.run). "
                              "tf.contrib.eager, tf.GradientTape and eager tf.data iteration are not available.")


def executing_eagerly():
    """tf.executing_eagerly: False (graph mode)."""
    return False


def disable_eager_execution():
    """tf.disable_eager_execution: graph mode is the only mode, so nothing to do."""
