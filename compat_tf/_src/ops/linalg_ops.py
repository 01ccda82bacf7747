"""Linear algebra: inverses, determinants, solves, decompositions, norms, matvec.

Mirrors TF1's linalg_ops.py with TF op types (MatrixInverse,
MatrixDeterminant, MatrixSolve, Cholesky, Qr, Svd, SelfAdjointEigV2, ...).
All ops act on the innermost two dimensions and broadcast over the batch.
Deviation: a singular matrix gives inf/NaN (XLA) where TF1's CPU kernels
raise InvalidArgumentError.
"""
import jax.numpy as jnp
import jax.scipy.linalg as jsl
import numpy as np

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.ops._op_util import make_op, make_tensor

__all__ = ["cholesky", "cholesky_solve", "matrix_determinant", "matrix_inverse", "matrix_solve",
           "matrix_solve_ls", "matrix_triangular_solve", "norm", "qr", "self_adjoint_eig",
           "self_adjoint_eigvals", "svd", "log_matrix_determinant"]


def _adjoint(x):
    return jnp.conj(jnp.swapaxes(x, -1, -2))


@register_op("MatrixInverse")
def _matrix_inverse(x, adjoint=False):
    return jnp.linalg.inv(_adjoint(x) if adjoint else x)


def matrix_inverse(input, adjoint=False, name=None):
    """tf.matrix_inverse / tf.linalg.inv (op MatrixInverse)."""
    return make_tensor("MatrixInverse", [input], {"adjoint": bool(adjoint)}, name=name or "MatrixInverse")


@register_op("MatrixDeterminant")
def _matrix_determinant(x):
    return jnp.linalg.det(x)


def matrix_determinant(input, name=None):
    """tf.matrix_determinant / tf.linalg.det (op MatrixDeterminant)."""
    return make_tensor("MatrixDeterminant", [input], name=name or "MatrixDeterminant")


@register_op("LogMatrixDeterminant", num_outputs=2)
def _log_matrix_determinant(x):
    sign, logdet = jnp.linalg.slogdet(x)
    return sign.astype(x.dtype), logdet.astype(x.dtype)


def log_matrix_determinant(input, name=None):
    """tf.linalg.slogdet: (sign, log|det|) (op LogMatrixDeterminant)."""
    return tuple(make_op("LogMatrixDeterminant", [input], name=name or "LogMatrixDeterminant").outputs)


@register_op("MatrixSolve")
def _matrix_solve(a, b, adjoint=False):
    return jnp.linalg.solve(_adjoint(a) if adjoint else a, b)


def matrix_solve(matrix, rhs, adjoint=False, name=None):
    """tf.matrix_solve / tf.linalg.solve: X with matrix @ X = rhs (op MatrixSolve)."""
    matrix, rhs = _constant.convert_binary_inputs(matrix, rhs)
    return make_tensor("MatrixSolve", [matrix, rhs], {"adjoint": bool(adjoint)}, name=name or "MatrixSolve")


@register_op("MatrixTriangularSolve")
def _matrix_triangular_solve(a, b, lower=True, adjoint=False):
    return jsl.solve_triangular(a, b, lower=lower, trans="C" if adjoint else 0)


def matrix_triangular_solve(matrix, rhs, lower=True, adjoint=False, name=None):
    """tf.matrix_triangular_solve (op MatrixTriangularSolve)."""
    matrix, rhs = _constant.convert_binary_inputs(matrix, rhs)
    return make_tensor("MatrixTriangularSolve", [matrix, rhs], {"lower": bool(lower), "adjoint": bool(adjoint)},
                       name=name or "MatrixTriangularSolve")


@register_op("MatrixSolveLs")
def _matrix_solve_ls(a, b, l2, fast=True):
    at = _adjoint(a)
    n = a.shape[-1]
    gram = at @ a + l2 * jnp.eye(n, dtype=a.dtype)
    return jnp.linalg.solve(gram, at @ b)


def matrix_solve_ls(matrix, rhs, l2_regularizer=0.0, fast=True, name=None):
    """tf.matrix_solve_ls: least squares by the regularized normal equations (TF1's fast path)."""
    matrix, rhs = _constant.convert_binary_inputs(matrix, rhs)
    l2 = _constant.convert_to_tensor(l2_regularizer, dtype=matrix.dtype.base_dtype)
    return make_tensor("MatrixSolveLs", [matrix, rhs, l2], {"fast": fast}, name=name or "MatrixSolveLs")


@register_op("Cholesky")
def _cholesky(x):
    return jnp.linalg.cholesky(x)


def cholesky(input, name=None):
    """tf.cholesky: lower-triangular L with L L^H = input (op Cholesky)."""
    return make_tensor("Cholesky", [input], name=name or "Cholesky")


def cholesky_solve(chol, rhs, name=None):
    """tf.linalg.cholesky_solve: solves A X = rhs given A's Cholesky factor."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "cholesky_solve"):
        y = matrix_triangular_solve(chol, rhs, adjoint=False, lower=True)
        return matrix_triangular_solve(chol, y, adjoint=True, lower=True)


@register_op("Qr", num_outputs=2)
def _qr(x, full_matrices=False):
    q, r = jnp.linalg.qr(x, mode="complete" if full_matrices else "reduced")
    return q, r


def qr(input, full_matrices=False, name=None):
    """tf.qr: (q, r) (op Qr)."""
    return tuple(make_op("Qr", [input], {"full_matrices": bool(full_matrices)}, name=name or "Qr").outputs)


@register_op("Svd", num_outputs=3)
def _svd(x, compute_uv=True, full_matrices=False):
    if not compute_uv:
        s = jnp.linalg.svd(x, compute_uv=False)
        return s, jnp.zeros((0,), x.dtype), jnp.zeros((0,), x.dtype)
    u, s, vh = jnp.linalg.svd(x, full_matrices=full_matrices)
    return s, u, _adjoint(vh)


def svd(tensor, full_matrices=False, compute_uv=True, name=None):
    """tf.svd: s, or (s, u, v) with v not transposed, as TF1 returns them (op Svd)."""
    outs = make_op("Svd", [tensor], {"compute_uv": bool(compute_uv), "full_matrices": bool(full_matrices)},
                   name=name or "Svd").outputs
    return tuple(outs) if compute_uv else outs[0]


@register_op("SelfAdjointEigV2", num_outputs=2)
def _self_adjoint_eig(x, compute_v=True):
    w, v = jnp.linalg.eigh(x)
    return w, v


def self_adjoint_eig(tensor, name=None):
    """tf.self_adjoint_eig: (eigenvalues ascending, eigenvectors as columns)."""
    return tuple(make_op("SelfAdjointEigV2", [tensor], {"compute_v": True}, name=name or "SelfAdjointEigV2")
                 .outputs)


def self_adjoint_eigvals(tensor, name=None):
    return self_adjoint_eig(tensor, name=name)[0]


def norm(tensor, ord="euclidean", axis=None, keepdims=None, name=None, keep_dims=None):
    """tf.norm, as TF 1.15 builds it: vector norms ('euclidean', 1, 2, inf, any p > 0) over all
    elements (axis=None) or one axis; matrix norms ('euclidean'/'fro', 1, 2, inf) over a 2-tuple of
    axes (ord=2: the largest singular value). Unsupported (ord, axis) pairs raise ValueError."""
    keep = bool(keepdims if keepdims is not None else (keep_dims or False))
    is_matrix = isinstance(axis, (list, tuple)) and len(axis) == 2
    if is_matrix:
        axis = tuple(axis)
        if not all(isinstance(a, (int, np.integer)) for a in axis) or axis[0] == axis[1]:
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        if ord not in ("euclidean", "fro", 1, 2, np.inf):
            raise ValueError(f"'ord' must be a supported matrix norm in ['euclidean', 'fro', 1, 2, inf], "
                             f"got {ord}")
    else:
        if not (axis is None or isinstance(axis, (int, np.integer))):
            raise ValueError(f"'axis' must be None, an integer, or a tuple of 2 unique integers, got {axis}")
        if ord not in ("euclidean", 1, 2, np.inf) and (
                isinstance(ord, str) or not np.isreal(ord) or ord <= 0):
            raise ValueError(f"'ord' must be a supported vector norm, got {ord}")
        if axis is not None:
            axis = (int(axis),)
    from compat_tf._src.ops import array_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "norm"):
        t = _constant.convert_to_tensor(tensor)
        if ord in ("fro", "euclidean", 2, 2.0):
            if is_matrix and ord in (2, 2.0):
                rank = t.shape.ndims
                if rank is None:
                    raise ValueError("tf.norm(ord=2) of matrices needs the tensor's rank at graph build time")
                pos = [a % rank for a in axis]
                perm = [i for i in range(rank) if i not in pos] + pos
                s = svd(array_ops.transpose(t, perm), compute_uv=False)
                top = math_ops.reduce_max(math_ops.abs(s), axis=-1, keepdims=True)
                result = array_ops.transpose(array_ops.expand_dims(top, -1), list(np.argsort(perm)))
            else:
                sq = t * math_ops.conj(t) if t.dtype.is_complex else t * t
                result = math_ops.sqrt(math_ops.reduce_sum(sq, axis, keepdims=True))
                if t.dtype.is_complex:
                    result = math_ops.real(result)
        else:
            result = math_ops.abs(t)
            if ord == 1:
                sum_axis = None if axis is None else axis[0]
                result = math_ops.reduce_sum(result, sum_axis, keepdims=True)
                if is_matrix:
                    result = math_ops.reduce_max(result, axis[-1], keepdims=True)
            elif ord == np.inf:
                if is_matrix:
                    result = math_ops.reduce_sum(result, axis[1], keepdims=True)
                max_axis = None if axis is None else axis[0]
                result = math_ops.reduce_max(result, max_axis, keepdims=True)
            else:
                result = math_ops.pow(math_ops.reduce_sum(math_ops.pow(result, float(ord)), axis, keepdims=True),
                                      1.0 / ord)
        if not keep:
            result = array_ops.squeeze(result, list(axis) if axis is not None else None)
        return result


def matvec(a, b, transpose_a=False, adjoint_a=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.linalg.matvec: a @ b for a batch of matrices and vectors."""
    from compat_tf._src.ops import array_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "MatVec"):
        b = array_ops.expand_dims(b, -1)
        out = math_ops.matmul(a, b, transpose_a=transpose_a, adjoint_a=adjoint_a)
        return array_ops.squeeze(out, [-1])


def cross(a, b, name=None):
    return make_tensor("Cross", [a, b], name=name or "Cross")


@register_op("Cross")
def _cross(a, b):
    return jnp.cross(a, b)


def logdet(matrix, name=None):
    """tf.linalg.logdet of a Hermitian positive definite matrix: 2 sum log diag(cholesky)."""
    from compat_tf._src.ops import array_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "logdet"):
        chol = cholesky(matrix)
        return 2.0 * math_ops.reduce_sum(math_ops.log(math_ops.real(array_ops.matrix_diag_part(chol))),
                                         axis=[-1])
