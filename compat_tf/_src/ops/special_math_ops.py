"""Special functions and statistics reductions of tf.math, and tf.linalg.expm.

Mirrors TF1.15: Erfinv, Ndtri, BesselI0e, BesselI1e, Betainc are single ops (gradients as TF1's
math_grad.py: Betainc has a gradient for x only, a and b get none, i.e. zero here);
lbeta, bessel_i0/i1, reduce_variance and reduce_std are TF1's composites (same name scopes
and ops). tf.linalg.expm is one op MatrixExponential in a name scope "matrix_exponential"
(TF1 builds a Pade approximation from many ops; values agree to float rounding, the gradient
is JAX's derivative of expm).
"""
import jax
import jax.numpy as jnp
import jax.scipy.special as _sp
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = []   # all names live in tf.math / tf.linalg (none is top-level in TF1.15)

_FLOATS = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)


def _check(x, allowed, what, op_type):
    if x.dtype.base_dtype not in allowed:
        names = ", ".join(d.name for d in allowed)
        raise TypeError(f"Value passed to parameter '{what}' has DataType {x.dtype.base_dtype.name} not in "
                        f"list of allowed values: {names} (op {op_type})")


def _unary(op_type, fn, allowed=_FLOATS[:1] + _FLOATS[2:]):
    register_op(op_type)(lambda x, **_: fn(x))

    def builder(x, name=None):
        x = _constant.convert_to_tensor(x, name="x")
        _check(x, allowed, "x", op_type)
        return make_tensor(op_type, [x], name=name or op_type)
    builder.__doc__ = f"tf.math (op {op_type}), element-wise; float16/32/64."
    return builder


erfinv = _unary("Erfinv", _sp.erfinv)
erfinv.__name__ = "erfinv"
ndtri = _unary("Ndtri", _sp.ndtri)
ndtri.__name__ = "ndtri"
bessel_i0e = _unary("BesselI0e", _sp.i0e)
bessel_i0e.__name__ = "bessel_i0e"
bessel_i1e = _unary("BesselI1e", _sp.i1e)
bessel_i1e.__name__ = "bessel_i1e"


def bessel_i0(x, name=None):
    """tf.math.bessel_i0 (TF1 special_math_ops): exp(|x|) * bessel_i0e(x) in a scope 'bessel_i0'."""
    from compat_tf._src.ops import math_ops
    with _graph.get_default_graph().name_scope(name or "bessel_i0"):
        x = _constant.convert_to_tensor(x, name="x")
        return math_ops.exp(math_ops.abs(x)) * bessel_i0e(x)


def bessel_i1(x, name=None):
    """tf.math.bessel_i1 (TF1 special_math_ops): exp(|x|) * bessel_i1e(x) in a scope 'bessel_i1'."""
    from compat_tf._src.ops import math_ops
    with _graph.get_default_graph().name_scope(name or "bessel_i1"):
        x = _constant.convert_to_tensor(x, name="x")
        return math_ops.exp(math_ops.abs(x)) * bessel_i1e(x)


@register_op("Betainc")
def _betainc(a, b, x, **_):
    # TF1's _BetaincGrad gives no gradient for a and b (JAX has none either)
    a, b = lax.stop_gradient(a), lax.stop_gradient(b)
    a, b, x = jnp.broadcast_arrays(a, b, x)
    return _sp.betainc(a, b, x)


def betainc(a, b, x, name=None):
    """tf.math.betainc (op Betainc): the regularized incomplete beta function I_x(a, b). a, b, x
    have one float32/float64 dtype and equal shapes (scalars broadcast), as TF1's kernel requires.
    Gradient: for x only (TF1 returns None for a and b; compat_tf gives zeros there)."""
    a = _constant.convert_to_tensor(a, name="a")
    b = _constant.convert_to_tensor(b, name="b", dtype=a.dtype)
    x = _constant.convert_to_tensor(x, name="x", dtype=a.dtype)
    _check(a, (_dtypes.float32, _dtypes.float64), "a", "Betainc")
    shapes = [t.shape for t in (a, b, x) if t.shape.ndims != 0]
    for s in shapes[1:]:
        if not s.is_compatible_with(shapes[0]):
            raise ValueError(f"Shapes of a, b and x are inconsistent: {a.shape} vs. {b.shape} vs. {x.shape} "
                             f"for '{name or 'Betainc'}' (op: 'Betainc')")
    return make_tensor("Betainc", [a, b, x], name=name or "Betainc")


def lbeta(x, name=None):
    """tf.math.lbeta (TF1 special_math_ops.lbeta): log(|Beta(x)|) over the last axis,
    sum(lgamma(x), -1) - lgamma(sum(x, -1)), in a name scope 'lbeta'."""
    from compat_tf._src.ops import math_ops
    with _graph.get_default_graph().name_scope(name or "lbeta"):
        x = _constant.convert_to_tensor(x, name="x")
        log_prod_gamma_x = math_ops.reduce_sum(math_ops.lgamma(x), axis=[-1])
        sum_x = math_ops.reduce_sum(x, axis=[-1])
        log_gamma_sum_x = math_ops.lgamma(sum_x)
        return log_prod_gamma_x - log_gamma_sum_x


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_variance (TF1 math_ops): mean(|x - mean(x)|^2) over `axis`, in a name scope
    'reduce_variance'; integer inputs raise TypeError, complex give a real variance."""
    from compat_tf._src.ops import math_ops
    with _graph.get_default_graph().name_scope(name or "reduce_variance"):
        x = _constant.convert_to_tensor(input_tensor)
        means = math_ops.reduce_mean(x, axis=axis, keepdims=True)
        if means.dtype.is_integer:
            raise TypeError("Input must be either real or complex")
        diff = x - means
        if diff.dtype.is_complex:
            squared_deviations = math_ops.real(diff * math_ops.conj(diff))
        else:
            squared_deviations = math_ops.square(diff)
        return math_ops.reduce_mean(squared_deviations, axis=axis, keepdims=keepdims)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """tf.math.reduce_std (TF1 math_ops): sqrt(reduce_variance) in a name scope 'reduce_std'."""
    from compat_tf._src.ops import math_ops
    with _graph.get_default_graph().name_scope(name or "reduce_std"):
        x = _constant.convert_to_tensor(input_tensor)
        if x.dtype.is_integer:
            raise TypeError("Input must be either real or complex")
        return math_ops.sqrt(reduce_variance(x, axis=axis, keepdims=keepdims))


@register_op("MatrixExponential")
def _matrix_exponential(x, **_):
    return jax.scipy.linalg.expm(x) if x.ndim == 2 else jax.vmap(jax.scipy.linalg.expm)(
        x.reshape((-1,) + x.shape[-2:])).reshape(x.shape)


def matrix_exponential(input, name=None):  # noqa: A002 - TF1 name
    """tf.linalg.expm (TF1 linalg_impl.matrix_exponential): exp of each innermost square matrix
    of a float16/32/64 or complex64/128 tensor of shape [..., M, M]."""
    with _graph.get_default_graph().name_scope(name or "matrix_exponential") as scope:
        x = _constant.convert_to_tensor(input, name="input")
        _check(x, (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.complex64, _dtypes.complex128),
               "input", "MatrixExponential")
        s = x.shape
        if s.ndims is not None:
            if s.ndims < 2:
                raise ValueError(f"Shape must be at least rank 2 but is rank {s.ndims} for "
                                 f"'{scope.rstrip('/')}' (op: 'MatrixExponential')")
            if s[-1].value is not None and s[-2].value is not None and s[-1].value != s[-2].value:
                raise ValueError(f"Dimensions must be equal, but are {s[-2].value} and {s[-1].value}: "
                                 f"tf.linalg.expm needs square matrices, got shape {s}")
        return make_tensor("MatrixExponential", [x], name=scope)
