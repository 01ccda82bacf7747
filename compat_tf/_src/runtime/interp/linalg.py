"""NumPy rules of JAX's linear-algebra and FFT primitives (LAPACK through NumPy, as XLA's CPU
kernels call LAPACK): lu, triangular_solve, cholesky, eigh, svd, qr, fft.

Output order and conventions are JAX's (eigh gives vectors then values, svd gives s, u, vt).
A factorisation that fails (cholesky of a matrix that is not positive definite) gives NaNs,
as XLA's kernels do, instead of NumPy's LinAlgError.
"""
import numpy as np

from compat_tf._src.runtime.interp.core import Fallback, register


@register("lu")
def _lu(a, **_):
    """LU with partial pivoting (LAPACK getrf's algorithm): (lu, pivots, permutation)."""
    m, n = a.shape[-2:]
    k = min(m, n)
    batch = a.shape[:-2]
    x = np.array(a.reshape((-1, m, n)), dtype=np.result_type(a.dtype, np.float32))
    nb = x.shape[0]
    rows = np.arange(nb)
    piv = np.zeros((nb, k), np.int32)
    perm = np.tile(np.arange(m, dtype=np.int32), (nb, 1))
    for j in range(k):
        p = j + np.argmax(np.abs(x[:, j:, j]), axis=1)
        piv[:, j] = p
        top = x[rows, j].copy()
        x[rows, j] = x[rows, p]
        x[rows, p] = top
        ptop = perm[rows, j].copy()
        perm[rows, j] = perm[rows, p]
        perm[rows, p] = ptop
        pivot = x[:, j, j]
        safe = np.where(pivot == 0, 1, pivot)
        x[:, j + 1:, j] = np.where((pivot != 0)[:, None], x[:, j + 1:, j] / safe[:, None], x[:, j + 1:, j])
        x[:, j + 1:, j + 1:] -= x[:, j + 1:, j:j + 1] * x[:, j:j + 1, j + 1:]
    return [x.reshape(batch + (m, n)), piv.reshape(batch + (k,)), perm.reshape(batch + (m,))]


@register("triangular_solve")
def _triangular_solve(a, b, left_side=False, lower=False, transpose_a=False, conjugate_a=False,
                      unit_diagonal=False, **_):
    """op(a) @ x = b (left_side) or x @ op(a) = b, a triangular; solved densely."""
    t = np.tril(a) if lower else np.triu(a)
    if unit_diagonal:
        t = t.copy()
        idx = np.arange(t.shape[-1])
        t[..., idx, idx] = 1
    if conjugate_a:
        t = np.conj(t)
    if transpose_a:
        t = np.swapaxes(t, -1, -2)
    if left_side:
        return np.linalg.solve(t, b)
    return np.swapaxes(np.linalg.solve(np.swapaxes(t, -1, -2), np.swapaxes(b, -1, -2)), -1, -2)



@register("cholesky")
def _cholesky(a, **_):
    try:
        return np.linalg.cholesky(a)
    except np.linalg.LinAlgError:
        return np.full(a.shape, np.nan, a.dtype)


@register("eigh")
def _eigh(a, lower=True, sort_eigenvalues=True, subset_by_index=None, **_):
    if subset_by_index is not None and tuple(subset_by_index) != (0, a.shape[-1]):
        raise Fallback("eigh with subset_by_index")
    w, v = np.linalg.eigh(a, UPLO="L" if lower else "U")
    return [v, w.astype(np.real(np.zeros((), a.dtype)).dtype)]


@register("svd")
def _svd(a, full_matrices=True, compute_uv=True, subset_by_index=None, **_):
    if subset_by_index is not None:
        raise Fallback("svd with subset_by_index")
    if not compute_uv:
        return [np.linalg.svd(a, compute_uv=False)]
    u, s, vt = np.linalg.svd(a, full_matrices=full_matrices)
    return [s, u, vt]


@register("qr")
def _qr(a, pivoting=False, full_matrices=False, **_):
    if pivoting:
        raise Fallback("qr with pivoting")
    q, r = np.linalg.qr(a, mode="complete" if full_matrices else "reduced")
    return [q, r]


_FFT = {0: np.fft.fftn, 1: np.fft.ifftn, 2: np.fft.rfftn, 3: np.fft.irfftn}


@register("fft")
def _fft(x, fft_type, fft_lengths, **_):
    kind = int(getattr(fft_type, "value", fft_type))
    axes = tuple(range(x.ndim - len(fft_lengths), x.ndim))
    if kind == 3:
        return _FFT[kind](x, s=tuple(fft_lengths), axes=axes)
    return _FFT[kind](x, axes=axes) if kind != 2 else _FFT[kind](x, s=tuple(fft_lengths), axes=axes)
