"""tf.complex and tf.angle (TF1 math_ops.complex / math_ops.angle).

tf.real, tf.imag and tf.conj are in math_ops. Gradients follow TF's convention for complex
tensors (tf.gradients of a real loss L with respect to z = x + iy is dL/dx + i dL/dy; see
gradients_impl): Complex sends real(g) to `real` and imag(g) to `imag`, as TF1's _ComplexGrad.
"""
import jax.numpy as jnp
from jax import lax
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops as _math_ops
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["complex", "angle"]


@register_op("Complex")
def _complex_lower(real, imag, Tout=_dtypes.complex64, **_):
    re, im = jnp.broadcast_arrays(jnp.asarray(real), jnp.asarray(imag))
    return lax.complex(re, im).astype(_dtypes.to_jax_dtype(Tout))


register_op("Angle")(lambda x, Tout=_dtypes.float32, **_: jnp.angle(x).astype(_dtypes.to_jax_dtype(Tout)))


def complex(real, imag, name=None):  # noqa: A001 - TF1 name
    """tf.complex (op Complex): real + i * imag with broadcasting; float32 pairs give complex64,
    float64 pairs complex128, anything else raises TypeError (as TF1)."""
    real = _constant.convert_to_tensor(real, name="real")
    imag = _constant.convert_to_tensor(imag, name="imag")
    with _graph.get_default_graph().name_scope(name or "Complex") as scope:
        types = (real.dtype.base_dtype, imag.dtype.base_dtype)
        if types == (_dtypes.float64, _dtypes.float64):
            tout = _dtypes.complex128
        elif types == (_dtypes.float32, _dtypes.float32):
            tout = _dtypes.complex64
        else:
            raise TypeError(f"real and imag have incorrect types: {real.dtype.name} {imag.dtype.name}")
        return make_tensor("Complex", [real, imag], {"Tout": tout}, name=scope)


def angle(input, name=None):  # noqa: A002 - TF1 name
    """tf.angle (TF1 math_ops.angle): the argument of a complex tensor (op Angle, real dtype); for a
    real tensor, pi where it is negative and 0 elsewhere (TF1's where(x < 0, pi, 0))."""
    from compat_tf._src.ops import array_ops
    with _graph.get_default_graph().name_scope(name or "Angle") as scope:
        x = _constant.convert_to_tensor(input, name="input")
        if x.dtype.is_complex:
            return make_tensor("Angle", [x], {"Tout": x.dtype.real_dtype}, name=scope)
        return array_ops.where(_math_ops.less(x, _constant.constant(np.zeros((), x.dtype.as_numpy_dtype))),
                               np.pi * array_ops.ones_like(x), array_ops.zeros_like(x))
