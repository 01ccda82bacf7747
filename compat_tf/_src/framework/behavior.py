"""TF 1.15's behaviour switches between TF1 and TF2 semantics (tensorflow/python/compat/v2_compat.py,
ops/control_flow_util.py, framework/ops.py, framework/tensor_shape.py).

compat_tf is TensorFlow 1.x: every switch's TF1 side is what it always does, so the `disable_*`
functions (and `tf.compat.v1.disable_v2_behavior`, which programs written for `tf.compat.v1` call
first) are accepted and keep TF1 behaviour. Turning TF2 semantics on:
- `enable_v2_behavior`, `enable_tensor_equality` and `enable_v2_tensorshape` raise
  NotImplementedError (compat_tf's Tensors hash and compare by identity, its TensorShape indexes
  to `Dimension`s, and it has no TF2 mode);
- `enable_control_flow_v2` is recorded only (`control_flow_v2_enabled()` returns True after it):
  compat_tf builds one If/While op per tf.cond / tf.while_loop either way (the op types of TF's
  control flow v2) and their values and gradients do not depend on the switch.
"""
from compat_tf._src.eager import context as _context
from compat_tf._src.ops import resource_variable_ops as _resource_variable_ops

__all__ = ["control_flow_v2_enabled", "disable_control_flow_v2", "disable_tensor_equality",
           "disable_v2_behavior", "disable_v2_tensorshape", "enable_control_flow_v2",
           "enable_tensor_equality", "enable_v2_behavior", "enable_v2_tensorshape"]

_CONTROL_FLOW_V2 = [False]


def _tf2_only(symbol, what):
    raise NotImplementedError(f"{symbol} is not supported by compat_tf: compat_tf implements TensorFlow "
                              f"1.15's API ({what}); keep TF1 behaviour (the default)")


def disable_v2_behavior():
    """tf.disable_v2_behavior (tf.compat.v1.disable_v2_behavior): TF1 behaviour everywhere, as TF 1.15's:
    eager execution off, ref variables, control flow v1, TF1 tensor equality and TensorShape."""
    _context.disable_eager_execution()
    _resource_variable_ops.disable_resource_variables()
    disable_control_flow_v2()


def enable_v2_behavior():
    """tf.enable_v2_behavior: NotImplementedError (compat_tf has no TF2 mode)."""
    _tf2_only("tf.enable_v2_behavior", "TF2 behaviour (eager by default, tf.function, TF2 semantics)")


def enable_control_flow_v2():
    """tf.enable_control_flow_v2: recorded (see the module docstring)."""
    _CONTROL_FLOW_V2[0] = True


def disable_control_flow_v2():
    """tf.disable_control_flow_v2."""
    _CONTROL_FLOW_V2[0] = False


def control_flow_v2_enabled():
    """tf.control_flow_v2_enabled: what enable/disable_control_flow_v2 last set (False in TF 1.15)."""
    return _CONTROL_FLOW_V2[0]


def enable_tensor_equality():
    """tf.enable_tensor_equality: NotImplementedError (TF1 Tensors compare and hash by identity)."""
    _tf2_only("tf.enable_tensor_equality", "Tensors compare by identity and are hashable")


def disable_tensor_equality():
    """tf.disable_tensor_equality: TF1's identity comparison, compat_tf's only behaviour."""


def enable_v2_tensorshape():
    """tf.enable_v2_tensorshape: NotImplementedError (TensorShape[i] is a Dimension, as in TF1)."""
    _tf2_only("tf.enable_v2_tensorshape", "TensorShape indexing returns Dimension objects")


def disable_v2_tensorshape():
    """tf.disable_v2_tensorshape: TF1's TensorShape, compat_tf's only behaviour."""
