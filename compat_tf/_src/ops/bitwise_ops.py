"""tf.bitwise (TF1 gen_bitwise_ops): BitwiseAnd/Or/Xor, Invert, LeftShift, RightShift.

Integer dtypes only (int8..int64, uint8..uint64), equal dtypes, numpy broadcasting; no
gradients (TF1 registers them NotDifferentiable). Shifts follow TF's kernel: the shift count
is clamped to [0, bits - 1] (so x << 40 on int32 is x << 31), and right_shift is arithmetic
for signed types. BitwiseAnd/Or/Xor are registered in math_ops.
"""
import jax.numpy as jnp

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops as _math_ops
from compat_tf._src.ops._op_util import make_tensor

__all__ = []   # the names live in tf.bitwise

_INTS = (_dtypes.int8, _dtypes.int16, _dtypes.int32, _dtypes.int64,
         _dtypes.uint8, _dtypes.uint16, _dtypes.uint32, _dtypes.uint64)


def _check_int(t, what, op_type):
    if t.dtype.base_dtype not in _INTS:
        names = ", ".join(d.name for d in _INTS)
        raise TypeError(f"Value passed to parameter '{what}' has DataType {t.dtype.base_dtype.name} not in "
                        f"list of allowed values: {names} (op {op_type})")


def _clamped_shift(fn):
    def lower(x, y, **_):
        bits = jnp.iinfo(x.dtype).bits
        return fn(x, jnp.clip(y, 0, bits - 1).astype(x.dtype))
    return lower


register_op("LeftShift", differentiable=False, shape=_math_ops._broadcast_shape_rule("LeftShift"))(
    _clamped_shift(jnp.left_shift))
register_op("RightShift", differentiable=False, shape=_math_ops._broadcast_shape_rule("RightShift"))(
    _clamped_shift(jnp.right_shift))
register_op("Invert", differentiable=False)(lambda x, **_: jnp.invert(x))


def _binary(op_type, api):
    def builder(x, y, name=None):
        x, y = _constant.convert_binary_inputs(x, y)
        _check_int(x, "x", op_type)
        if y.dtype.base_dtype != x.dtype.base_dtype:
            raise TypeError(f"Input 'y' of '{op_type}' Op has type {y.dtype.name} that does not match type "
                            f"{x.dtype.name} of argument 'x'.")
        return make_tensor(op_type, [x, y], name=name or op_type)
    builder.__name__ = api
    builder.__doc__ = f"tf.bitwise.{api} (op {op_type}): element-wise, with broadcasting; integer dtypes."
    return builder


bitwise_and = _binary("BitwiseAnd", "bitwise_and")
bitwise_or = _binary("BitwiseOr", "bitwise_or")
bitwise_xor = _binary("BitwiseXor", "bitwise_xor")
left_shift = _binary("LeftShift", "left_shift")
right_shift = _binary("RightShift", "right_shift")


def invert(x, name=None):
    """tf.bitwise.invert (op Invert): bitwise NOT (~x); integer dtypes."""
    x = _constant.convert_to_tensor(x, name="x")
    _check_int(x, "x", "Invert")
    return make_tensor("Invert", [x], name=name or "Invert")
