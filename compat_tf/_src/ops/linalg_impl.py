"""tf.linalg's composite functions (TF1's linalg_impl.py): adjoint, the LU family (Lu op),
matrix_rank, pinv, normalize, eigh_tridiagonal.

They are built from public ops in a name scope, as TF1 builds them, so their graphs export as TF
graphs; only `lu` is an op of its own (Lu).
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops, linalg_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op

__all__ = []


def _scope(name, default):
    return _graph.get_default_graph().name_scope(name or default)


def adjoint(matrix, name=None):
    """tf.linalg.adjoint: the conjugate transpose of the innermost two dimensions."""
    with _scope(name, "adjoint"):
        matrix = _constant.convert_to_tensor(matrix, name="matrix")
        return array_ops.matrix_transpose(matrix, conjugate=True)


# --------------------------------------------------------------------------------------------
# LU
# --------------------------------------------------------------------------------------------

@register_op("Lu", num_outputs=2)
def _lu(x, output_idx_type=_dtypes.int32):
    lu, _, perm = jax.lax.linalg.lu(jnp.asarray(x))
    return lu, perm.astype(_dtypes.as_dtype(output_idx_type).as_numpy_dtype)


def lu(input, output_idx_type=_dtypes.int32, name=None):
    """tf.linalg.lu: (lu, p) with L U = input[..., p, :] (op Lu), L unit lower triangular.

    Deviation: a singular matrix gives inf/NaN factors where TF1's kernel raises."""
    x = _constant.convert_to_tensor(input)
    idx = _dtypes.as_dtype(output_idx_type)
    if idx not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"tf.linalg.lu: output_idx_type must be int32 or int64, got {idx}")
    if x.shape.ndims is not None and x.shape.ndims < 2:
        raise ValueError(f"tf.linalg.lu: input must have rank >= 2, got shape {x.shape}")
    outs = make_op("Lu", [x], {"output_idx_type": idx}, name=name or "Lu").outputs
    return tuple(outs)


def _unit_lower_and_upper(lower_upper):
    lower = array_ops.matrix_band_part(lower_upper, -1, 0)
    lower = array_ops.matrix_set_diag(lower, array_ops.ones_like(array_ops.matrix_diag_part(lower_upper)))
    return lower, array_ops.matrix_band_part(lower_upper, 0, -1)


def _permutation_matrix(perm, n, dtype):
    """P with (P x)[i] = x[perm[i]]: one_hot rows (batched perm gives batched P)."""
    return array_ops.one_hot(perm, n, dtype=dtype)


def _n_of(lower_upper):
    n = lower_upper.shape[-1].value if lower_upper.shape.ndims is not None else None
    return n if n is not None else array_ops.shape(lower_upper)[-1]


def lu_solve(lower_upper, perm, rhs, validate_args=False, name=None):
    """tf.linalg.lu_solve: X with A X = rhs from A's (lower_upper, perm) = tf.linalg.lu(A)."""
    with _scope(name, "lu_solve"):
        lower_upper = _constant.convert_to_tensor(lower_upper, name="lower_upper")
        perm = _constant.convert_to_tensor(perm, name="perm")
        rhs = _constant.convert_to_tensor(rhs, dtype=lower_upper.dtype.base_dtype, name="rhs")
        lower, upper = _unit_lower_and_upper(lower_upper)
        permuted = math_ops.matmul(_permutation_matrix(perm, _n_of(lower_upper), lower_upper.dtype), rhs)
        y = linalg_ops.matrix_triangular_solve(lower, permuted, lower=True)
        return linalg_ops.matrix_triangular_solve(upper, y, lower=False)


def lu_matrix_inverse(lower_upper, perm, validate_args=False, name=None):
    """tf.linalg.lu_matrix_inverse: A^-1 from A's (lower_upper, perm)."""
    with _scope(name, "lu_matrix_inverse"):
        lower_upper = _constant.convert_to_tensor(lower_upper, name="lower_upper")
        shape = array_ops.shape(lower_upper)
        eye = array_ops.eye(shape[-1], batch_shape=shape[:-2], dtype=lower_upper.dtype.base_dtype) \
            if lower_upper.shape.ndims != 2 else array_ops.eye(_n_of(lower_upper), dtype=lower_upper.dtype.base_dtype)
        return lu_solve(lower_upper, perm, eye)


def lu_reconstruct(lower_upper, perm, validate_args=False, name=None):
    """tf.linalg.lu_reconstruct: A = P^T L U from A's (lower_upper, perm)."""
    with _scope(name, "lu_reconstruct"):
        lower_upper = _constant.convert_to_tensor(lower_upper, name="lower_upper")
        perm = _constant.convert_to_tensor(perm, name="perm")
        lower, upper = _unit_lower_and_upper(lower_upper)
        p = _permutation_matrix(perm, _n_of(lower_upper), lower_upper.dtype)
        return math_ops.matmul(p, math_ops.matmul(lower, upper), transpose_a=True)


# --------------------------------------------------------------------------------------------
# rank, pseudo-inverse, normalize
# --------------------------------------------------------------------------------------------

def _float_matrix(a):
    a = _constant.convert_to_tensor(a, name="a")
    if not a.dtype.is_floating:
        raise TypeError(f"Input `a` must have `float`-like `dtype` (saw {a.dtype.name}).")
    if a.shape.ndims is not None and a.shape.ndims < 2:
        raise ValueError(f"Input `a` must have at least 2 dimensions (saw: {a.shape.ndims}).")
    return a


def _max_rows_cols(a):
    dims = a.shape[-2:]
    if dims.is_fully_defined():
        return float(max(dims.as_list()))
    return math_ops.cast(math_ops.reduce_max(array_ops.shape(a)[-2:]), a.dtype.base_dtype)


def matrix_rank(a, tol=None, validate_args=False, name=None):
    """tf.linalg.matrix_rank: the number of singular values above tol (int32), TF1's default tol
    eps * max(M, N) * max(s)."""
    with _scope(name, "matrix_rank"):
        a = _float_matrix(a)
        s = linalg_ops.svd(a, compute_uv=False)
        if tol is None:
            eps = float(np.finfo(a.dtype.base_dtype.as_numpy_dtype).eps)
            tol = eps * _max_rows_cols(a) * math_ops.reduce_max(s, axis=-1, keepdims=True)
        return math_ops.reduce_sum(math_ops.cast(s > tol, _dtypes.int32), axis=-1)


def pinv(a, rcond=None, validate_args=False, name=None):
    """tf.linalg.pinv: the Moore-Penrose pseudo-inverse by the SVD, singular values below
    rcond * max(s) dropped (TF1's default rcond 10 * max(M, N) * eps)."""
    with _scope(name, "pinv"):
        a = _float_matrix(a)
        dtype = a.dtype.base_dtype
        if rcond is None:
            rcond = 10.0 * _max_rows_cols(a) * float(np.finfo(dtype.as_numpy_dtype).eps)
        rcond = _constant.convert_to_tensor(rcond, dtype=dtype, name="rcond")
        s, u, v = linalg_ops.svd(a, full_matrices=False, compute_uv=True)
        cutoff = rcond * math_ops.reduce_max(s, axis=-1)
        s = array_ops.where(s > array_ops.expand_dims(cutoff, -1), s,
                            np.inf * array_ops.ones_like(s))
        return math_ops.matmul(v / array_ops.expand_dims(s, -2), u, adjoint_b=True)


def normalize(tensor, ord="euclidean", axis=None, name=None):
    """tf.linalg.normalize: (tensor / norm, norm), the norm kept with keepdims=True."""
    with _scope(name, "normalize"):
        tensor = _constant.convert_to_tensor(tensor)
        norm = linalg_ops.norm(tensor, ord, axis, keepdims=True)
        norm = math_ops.cast(norm, tensor.dtype.base_dtype)
        return tensor / norm, norm


# --------------------------------------------------------------------------------------------
# eigh_tridiagonal
# --------------------------------------------------------------------------------------------

def eigh_tridiagonal(alpha, beta, eigvals_only=True, select="a", select_range=None, tol=None, name=None):
    """tf.linalg.eigh_tridiagonal: eigenvalues (ascending) and optionally eigenvectors (columns)
    of the Hermitian tridiagonal matrix with diagonal alpha, superdiagonal beta (subdiagonal
    conj(beta)).

    Deviation: TF computes by bisection and inverse iteration; compat_tf builds the dense matrix
    and uses SelfAdjointEigV2 (same values to rounding; eigenvectors up to sign/phase; `tol`
    unused). select='v' keeps the eigenvalues in [lo, hi] (TF documents (lo, hi], but its bisection
    keeps an eigenvalue equal to lo too), a count known at run time (host Where).
    """
    with _scope(name, "eigh_tridiagonal"):
        alpha = _constant.convert_to_tensor(alpha, name="alpha")
        beta = _constant.convert_to_tensor(beta, name="beta")
        if alpha.dtype.base_dtype != beta.dtype.base_dtype:
            raise ValueError("'alpha' and 'beta' must have the same type.")
        if select not in ("a", "v", "i"):
            raise ValueError("'select' must have a value in {'a', 'v', 'i'}.")
        n = alpha.shape[-1].value if alpha.shape.ndims == 1 else None
        if alpha.shape.ndims is not None and alpha.shape.ndims != 1:
            raise ValueError(f"tf.linalg.eigh_tridiagonal: alpha must be a vector, got shape {alpha.shape}")
        if n is not None and beta.shape.ndims == 1 and beta.shape[0].value not in (None, n - 1):
            raise ValueError(f"tf.linalg.eigh_tridiagonal: beta must have {n - 1} entries, got shape {beta.shape}")
        matrix = array_ops.matrix_diag(alpha) + array_ops.matrix_diag(beta, k=1) + \
            array_ops.matrix_diag(math_ops.conj(beta), k=-1)
        values, vectors = linalg_ops.self_adjoint_eig(matrix)
        if values.dtype.is_complex:
            values = math_ops.real(values)
        if select in ("i", "v") and (select_range is None or len(select_range) != 2):
            raise ValueError(f"select_range must be a pair (lo, hi) with select={select!r}")
        if select == "i":
            lo, hi = (int(i) for i in select_range)
            values, vectors = values[lo:hi + 1], vectors[:, lo:hi + 1]
        elif select == "v":      # a run-time count of eigenvalues, through the host Where
            lo, hi = (_constant.convert_to_tensor(v, dtype=values.dtype) for v in select_range)
            keep = math_ops.logical_and(values >= lo, values <= hi)
            values, vectors = array_ops.boolean_mask(values, keep), array_ops.boolean_mask(vectors, keep, axis=1)
        return values if eigvals_only else (values, vectors)
