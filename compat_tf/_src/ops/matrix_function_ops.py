"""Primary matrix functions: tf.linalg.sqrtm (MatrixSquareRoot) and tf.linalg.logm (MatrixLogarithm).

TF1 computes both on the CPU through Eigen's Schur decomposition. XLA has no Schur decomposition
off the CPU, so compat_tf uses algorithms made of matrix products and inverses that run on any
device:
- sqrtm: the scaled Denman-Beavers iteration (Higham, "Functions of Matrices", 6.3), run until
  the iterate stops changing.
- logm: inverse scaling and squaring: take square roots until ||X - I||_1 <= 0.25, then the
  8-node Gauss-Legendre (diagonal Pade) form of log(I + E), times 2^k.
Both act on the innermost two dimensions and batch over the rest. Gradients use the Frechet
derivative identity f([[A^T, G], [0, A^T]]) = [[f(A^T), L_f(A^T, G)], [0, f(A^T)]], the transpose
of the derivative of a primary matrix function (TF1 defines a gradient for MatrixSquareRoot and
none for MatrixLogarithm; compat_tf has both). Deviation: a matrix without a principal square
root/logarithm (eigenvalues on the closed negative real axis) gives NaN/garbage where Eigen may
return a complex-branch answer.
"""
import functools

import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["matrix_square_root"]

_MAX_ITERS = 64


def _norm1(x):
    return jnp.max(jnp.sum(jnp.abs(x), axis=-2), axis=-1)


def _eps(dtype):
    return float(jnp.finfo(jnp.real(jnp.zeros((), dtype)).dtype).eps)


def _denman_beavers(a):
    """sqrt(a) of one [n, n] matrix by the determinant-scaled Denman-Beavers iteration."""
    n = a.shape[-1]
    eye = jnp.eye(n, dtype=a.dtype)
    stop = np.sqrt(_eps(a.dtype) * n)   # quadratic convergence: one more step after this is at eps

    def step(y, z, scale):
        yi, zi = jnp.linalg.inv(y), jnp.linalg.inv(z)
        if scale is not None:
            _, ly = jnp.linalg.slogdet(y)
            _, lz = jnp.linalg.slogdet(z)
            mu = jnp.exp(-(jnp.real(ly) + jnp.real(lz)) / (2 * n)).astype(a.dtype)
            mu = jnp.where(scale, mu, jnp.ones_like(mu))
            return 0.5 * (mu * y + zi / mu), 0.5 * (mu * z + yi / mu)
        return 0.5 * (y + zi), 0.5 * (z + yi)

    def body(state):
        y, z, k, delta = state
        y1, z1 = step(y, z, delta > 1e-2)
        return y1, z1, k + 1, _norm1(y1 - y) / jnp.maximum(_norm1(y1), _eps(a.dtype))

    def cond(state):
        _, _, k, delta = state
        return (k < _MAX_ITERS) & (delta > stop)

    y, z, _, _ = jax.lax.while_loop(cond, body, (a, eye, 0, jnp.asarray(np.inf, jnp.real(a).dtype)))
    return step(y, z, None)[0]


_GL_NODES, _GL_WEIGHTS = np.polynomial.legendre.leggauss(8)


def _inverse_scaling_squaring_log(a):
    """log(a) of one [n, n] matrix: square roots until near I, then Gauss-Legendre log(I + E)."""
    n = a.shape[-1]
    eye = jnp.eye(n, dtype=a.dtype)

    def cond(state):
        x, k = state
        return (_norm1(x - eye) > 0.25) & (k < _MAX_ITERS)

    x, k = jax.lax.while_loop(cond, lambda s: (_denman_beavers(s[0]), s[1] + 1), (a, 0))
    e = x - eye
    out = jnp.zeros_like(a)
    for node, weight in zip(_GL_NODES, _GL_WEIGHTS):
        t = 0.5 * (node + 1.0)
        out = out + 0.5 * weight * jnp.linalg.solve(eye + t * e, e)
    return out * (2.0 ** k).astype(jnp.real(a).dtype)


def _primary_matrix_function(f):
    """Batches one-matrix `f` over leading dims, with the Frechet-derivative gradient."""
    @jax.custom_vjp
    def one(a):
        return f(a)

    def fwd(a):
        return f(a), a

    def bwd(a, g):
        n = a.shape[-1]
        at = a.T
        block = jnp.block([[at, g], [jnp.zeros_like(g), at]])
        return (f(block)[:n, n:],)

    one.defvjp(fwd, bwd)

    @functools.wraps(f)
    def batched(x):
        shape = x.shape
        flat = jnp.reshape(x, (-1,) + shape[-2:])
        return jnp.reshape(jax.vmap(one)(flat), shape)
    return batched


_sqrtm = _primary_matrix_function(_denman_beavers)
_logm = _primary_matrix_function(_inverse_scaling_squaring_log)


def _check_square(x, what):
    shape = x.shape
    if shape.ndims is not None and shape.ndims < 2:
        raise ValueError(f"{what}: input must have rank >= 2, got shape {shape}")
    if shape.ndims is not None and None not in (shape[-1].value, shape[-2].value) and \
            shape[-1].value != shape[-2].value:
        raise ValueError(f"{what}: input must be a batch of square matrices, got shape {shape}")


@register_op("MatrixSquareRoot")
def _matrix_square_root(x):
    return _sqrtm(jnp.asarray(x))


def matrix_square_root(input, name=None):
    """tf.linalg.sqrtm / tf.matrix_square_root: the principal square root (op MatrixSquareRoot);
    float32/64 and complex64/128, as TF1's kernel."""
    x = _constant.convert_to_tensor(input)
    if x.dtype.base_dtype not in (_dtypes.float32, _dtypes.float64, _dtypes.complex64, _dtypes.complex128):
        raise TypeError(f"tf.linalg.sqrtm: input must be float32, float64, complex64 or complex128, got {x.dtype}")
    _check_square(x, "tf.linalg.sqrtm")
    return make_tensor("MatrixSquareRoot", [x], name=name or "MatrixSquareRoot")


@register_op("MatrixLogarithm")
def _matrix_logarithm(x):
    return _logm(jnp.asarray(x))


def matrix_logarithm(input, name=None):
    """tf.linalg.logm: the principal matrix logarithm (op MatrixLogarithm). As TF1, complex64 and
    complex128 only (a real matrix can have a complex logarithm)."""
    x = _constant.convert_to_tensor(input)
    if x.dtype.base_dtype not in (_dtypes.complex64, _dtypes.complex128):
        raise TypeError(f"tf.linalg.logm: input must be complex64 or complex128, got {x.dtype} "
                        "(cast a real matrix with tf.cast(x, tf.complex128))")
    _check_square(x, "tf.linalg.logm")
    return make_tensor("MatrixLogarithm", [x], name=name or "MatrixLogarithm")
