"""Tridiagonal systems: tf.linalg.tridiagonal_solve (TridiagonalSolve) and
tf.linalg.tridiagonal_matmul (TridiagonalMatMul), with TF1's three diagonal formats.

Formats, as TF1: 'compact' is a [..., 3, M] tensor (superdiagonal, main diagonal, subdiagonal;
superdiag[..., M-1] and subdiag[..., 0] are ignored), 'sequence' a list of the three [..., M]
tensors, 'matrix' the [..., M, M] matrix itself (only its three diagonals are read).
The solve is Gaussian elimination along the diagonal (LAPACK gtsv: row interchanges when
partial_pivoting, the Thomas algorithm without), a `lax.scan` of O(M) work, differentiable
through JAX. Deviation: a singular system gives inf/NaN where TF1's kernel raises
InvalidArgumentError.
"""
import jax
import jax.numpy as jnp

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = []

_FORMATS = ("compact", "sequence", "matrix")


def _safe_div(num, den):
    ok = den != 0
    return jnp.where(ok, num / jnp.where(ok, den, 1), num / den)


def _gtsv(sup, main, sub, rhs, pivot):
    """Solves one batch of tridiagonal systems; diagonals [M, ...], rhs [M, ..., K] (M leading)."""
    m = main.shape[0]
    sup = sup.at[m - 1].set(0)
    if m == 1:
        return rhs / main[0][..., None]

    def eliminate(carry, row):
        d_i, du_i, b_i = carry                     # row i after the previous elimination step
        dl_i, d_n, du_n, b_n = row                 # row i+1 as given
        swap = (jnp.abs(dl_i) > jnp.abs(d_i)) if pivot else jnp.zeros(d_i.shape, bool)
        f_keep = _safe_div(dl_i, d_i)
        f_swap = _safe_div(d_i, dl_i)
        keep_row = (d_i, du_i, jnp.zeros_like(du_i), b_i)
        keep_next = (d_n - f_keep * du_i, du_n, b_n - f_keep[..., None] * b_i)
        swap_row = (dl_i, d_n, du_n, b_n)
        swap_next = (du_i - f_swap * d_n, -f_swap * du_n, b_i - f_swap[..., None] * b_n)
        pick = lambda keep, swapped: jnp.where(swap[..., None] if keep.ndim > swap.ndim else swap,  # noqa: E731
                                               swapped, keep)
        out = tuple(pick(a, b) for a, b in zip(keep_row, swap_row))
        nxt = tuple(pick(a, b) for a, b in zip(keep_next, swap_next))
        return nxt, out

    last, (d, du, du2, b) = jax.lax.scan(eliminate, (main[0], sup[0], rhs[0]),
                                         (sub[1:], main[1:], sup[1:], rhs[1:]))
    d_last, _, b_last = last
    x_last = b_last / d_last[..., None]

    def back(carry, row):
        x1, x2 = carry
        d_i, du_i, du2_i, b_i = row
        x = (b_i - du_i[..., None] * x1 - du2_i[..., None] * x2) / d_i[..., None]
        return (x, x1), x

    _, xs = jax.lax.scan(back, (x_last, jnp.zeros_like(x_last)), (d, du, du2, b), reverse=True)
    return jnp.concatenate([xs, x_last[None]], axis=0)


@register_op("TridiagonalSolve")
def _tridiagonal_solve(diagonals, rhs, partial_pivoting=True):
    diagonals, rhs = jnp.asarray(diagonals), jnp.asarray(rhs)
    batch = jnp.broadcast_shapes(diagonals.shape[:-2], rhs.shape[:-2])
    diagonals = jnp.broadcast_to(diagonals, batch + diagonals.shape[-2:])
    rhs = jnp.broadcast_to(rhs, batch + rhs.shape[-2:])
    lead = lambda x: jnp.moveaxis(x, -1, 0)  # noqa: E731    [..., M] -> [M, ...]
    x = _gtsv(lead(diagonals[..., 0, :]), lead(diagonals[..., 1, :]), lead(diagonals[..., 2, :]),
              jnp.moveaxis(rhs, -2, 0), bool(partial_pivoting))
    return jnp.moveaxis(x, 0, -2)


@register_op("TridiagonalMatMul")
def _tridiagonal_matmul(superdiag, maindiag, subdiag, rhs):
    sup, main, sub = (jnp.swapaxes(d, -1, -2) for d in (superdiag, maindiag, subdiag))   # [..., M, 1]
    zero = jnp.zeros_like(rhs[..., :1, :])
    above = jnp.concatenate([rhs[..., 1:, :], zero], axis=-2)
    below = jnp.concatenate([zero, rhs[..., :-1, :]], axis=-2)
    return sup * above + main * rhs + sub * below


def _static_m(diagonals, what):
    m = diagonals.shape[-1].value if diagonals.shape.ndims is not None else None
    if m is None:
        raise ValueError(f"{what}: the matrix size M must be known at graph build time with "
                         "diagonals_format='matrix'")
    return m


def _pad_short(t, m, last_padding, what):
    """A 'sequence' diagonal may have M - 1 entries (the ignored one left out): padded to M, as TF."""
    n = t.shape[-1].value if t.shape.ndims else None
    if n is None or m is None or n == m:
        return t
    if n == m - 1:
        return array_ops.pad(t, [[0, 0]] * (t.shape.ndims - 1) + [last_padding])
    raise ValueError(f"Expected {what} to be have length {m} or {m - 1}, got {n}.")


def _split_diagonals(diagonals, diagonals_format, what):
    """(superdiag, maindiag, subdiag), each [..., M], from any of TF1's formats."""
    if diagonals_format not in _FORMATS:
        raise ValueError(f"Unrecognized diagonals_format: {diagonals_format}")
    if diagonals_format == "sequence":
        if not isinstance(diagonals, (list, tuple)) or len(diagonals) != 3:
            raise ValueError("Expected diagonals to be a sequence of length 3.")
        sup, main, sub = (_constant.convert_to_tensor(d) for d in diagonals)
        m = main.shape[-1].value if main.shape.ndims else None
        return _pad_short(sup, m, [0, 1], "superdiagonal"), main, _pad_short(sub, m, [1, 0], "subdiagonal")
    diagonals = _constant.convert_to_tensor(diagonals)
    if diagonals_format == "compact":
        if diagonals.shape.ndims is not None and (diagonals.shape.ndims < 2 or diagonals.shape[-2].value not in
                                                  (None, 3)):
            raise ValueError(f"Expected diagonals to have shape [..., 3, M], got {diagonals.shape}")
        return diagonals[..., 0, :], diagonals[..., 1, :], diagonals[..., 2, :]
    m = _static_m(diagonals, what)
    main = array_ops.matrix_diag_part(diagonals)
    if m == 1:
        zero = array_ops.zeros_like(main)
        return zero, main, zero
    pad = [[0, 0]] * (diagonals.shape.ndims - 2)
    sup = array_ops.pad(array_ops.matrix_diag_part(diagonals[..., :-1, 1:]), pad + [[0, 1]])
    sub = array_ops.pad(array_ops.matrix_diag_part(diagonals[..., 1:, :-1]), pad + [[1, 0]])
    return sup, main, sub


def tridiagonal_solve(diagonals, rhs, diagonals_format="compact", transpose_rhs=False, conjugate_rhs=False,
                      name=None, partial_pivoting=True):
    """tf.linalg.tridiagonal_solve: x with A x = rhs for tridiagonal A (op TridiagonalSolve).

    rhs is [..., M, K], or [..., M] (a vector; the result is then [..., M]); transpose_rhs takes rhs
    as [..., K, M]; conjugate_rhs conjugates it. As TF1, the result is [..., M, K].
    """
    g = _graph.get_default_graph()
    with g.name_scope(name or "tridiagonal_solve") as scope:
        sup, main, sub = _split_diagonals(diagonals, diagonals_format, "tf.linalg.tridiagonal_solve")
        rhs = _constant.convert_to_tensor(rhs, dtype=main.dtype.base_dtype)
        compact = array_ops.stack([sup, main, sub], axis=-2)
        is_vector = rhs.shape.ndims is not None and main.shape.ndims is not None and \
            rhs.shape.ndims == main.shape.ndims
        if is_vector:
            rhs = array_ops.expand_dims(rhs, -1)
            if conjugate_rhs:
                rhs = math_ops.conj(rhs)
        elif transpose_rhs:
            rhs = array_ops.matrix_transpose(rhs, conjugate=conjugate_rhs)
        elif conjugate_rhs:
            rhs = math_ops.conj(rhs)
        m = main.shape[-1].value if main.shape.ndims is not None else None
        if m is not None and rhs.shape.ndims is not None and rhs.shape[-2].value not in (None, m):
            raise ValueError(f"tf.linalg.tridiagonal_solve: rhs has {rhs.shape[-2].value} rows where the "
                             f"tridiagonal matrix has M={m} (rhs shape {rhs.shape})")
        out = make_tensor("TridiagonalSolve", [compact, rhs], {"partial_pivoting": bool(partial_pivoting)},
                          name="TridiagonalSolve")
        return array_ops.squeeze(out, [-1], name=scope) if is_vector else out


def tridiagonal_matmul(diagonals, rhs, diagonals_format="compact", name=None):
    """tf.linalg.tridiagonal_matmul: A @ rhs for tridiagonal A (op TridiagonalMatMul), rhs [..., M, N]."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "tridiagonal_matmul"):
        sup, main, sub = _split_diagonals(diagonals, diagonals_format, "tf.linalg.tridiagonal_matmul")
        rhs = _constant.convert_to_tensor(rhs, dtype=main.dtype.base_dtype)
        rows = [array_ops.expand_dims(d, -2) for d in (sup, main, sub)]
        return make_tensor("TridiagonalMatMul", rows + [rhs], name="TridiagonalMatMul")
