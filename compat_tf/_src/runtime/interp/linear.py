"""NumPy rules of dot_general and conv_general_dilated (BLAS matmuls; convolution as im2col).

Both follow XLA's dimension-number conventions (batch, contracting, free
dimensions; lhs/rhs/out specs, lhs and rhs dilation, negative padding,
feature and batch groups). 16-bit float operands are multiplied in float32
(NumPy has no fast half-precision matmul), then cast back by the walker.
"""
import numpy as np

from compat_tf._src.runtime.interp.core import register
from compat_tf._src.runtime.interp.reductions import _BF16


def _compute_dtype(a, b, preferred):
    dt = np.result_type(a.dtype, b.dtype) if preferred is None else np.dtype(preferred)
    if dt in (np.float16, _BF16):
        return np.dtype(np.float32)
    if dt == np.bool_:
        return np.dtype(np.int32)
    return dt


@register("dot_general")
def _dot_general(lhs, rhs, dimension_numbers, preferred_element_type=None, **_):
    (lc, rc), (lb, rb) = dimension_numbers
    lc, rc, lb, rb = list(lc), list(rc), list(lb), list(rb)
    dt = _compute_dtype(lhs, rhs, preferred_element_type)
    lhs, rhs = lhs.astype(dt, copy=False), rhs.astype(dt, copy=False)
    lfree = [d for d in range(lhs.ndim) if d not in lc and d not in lb]
    rfree = [d for d in range(rhs.ndim) if d not in rc and d not in rb]
    batch = [lhs.shape[d] for d in lb]
    k = int(np.prod([lhs.shape[d] for d in lc], dtype=np.int64))
    m_shape = [lhs.shape[d] for d in lfree]
    n_shape = [rhs.shape[d] for d in rfree]
    m, n = int(np.prod(m_shape, dtype=np.int64)), int(np.prod(n_shape, dtype=np.int64))
    b = int(np.prod(batch, dtype=np.int64))
    if not lb:
        # 2-D: np.dot hands transposed (F-ordered) views to BLAS without copying them
        a = np.transpose(lhs, lfree + lc).reshape(m, k)
        c = np.transpose(rhs, rc + rfree).reshape(k, n)
        return np.dot(a, c).reshape(m_shape + n_shape)
    a = np.ascontiguousarray(np.transpose(lhs, lb + lfree + lc)).reshape(b, m, k)
    c = np.ascontiguousarray(np.transpose(rhs, rb + rc + rfree)).reshape(b, k, n)
    return np.matmul(a, c).reshape(batch + m_shape + n_shape)


def _dilate_spatial(x, factors, first_spatial):
    if all(f == 1 for f in factors):
        return x
    shape = list(x.shape)
    sl = [slice(None)] * x.ndim
    for i, f in enumerate(factors):
        d = first_spatial + i
        shape[d] = x.shape[d] + max(x.shape[d] - 1, 0) * (f - 1)
        sl[d] = slice(None, None, f)
    y = np.zeros(shape, x.dtype)
    y[tuple(sl)] = x
    return y


def _pad_spatial(x, padding, first_spatial):
    widths = [(0, 0)] * first_spatial + [(max(lo, 0), max(hi, 0)) for lo, hi in padding]
    if any(lo or hi for lo, hi in widths):
        x = np.pad(x, widths)
    crop = [slice(None)] * first_spatial + [
        slice(-lo if lo < 0 else 0, x.shape[first_spatial + i] + hi if hi < 0 else x.shape[first_spatial + i])
        for i, (lo, hi) in enumerate(padding)]
    return x[tuple(crop)]


def _conv_nchw(x, w, strides):
    """Cross-correlation of x (N, C, S...) with w (O, C, K...): (N, O, out...), no padding."""
    ns = x.ndim - 2
    ksize = w.shape[2:]
    v = np.lib.stride_tricks.sliding_window_view(x, ksize, axis=tuple(range(2, 2 + ns)))
    v = v[(slice(None), slice(None)) + tuple(slice(None, None, s) for s in strides)]
    # v: (N, C, out..., K...) -> (N, out..., C, K...) -> im2col matrix
    out_shape = v.shape[2:2 + ns]
    perm = (0,) + tuple(range(2, 2 + ns)) + (1,) + tuple(range(2 + ns, 2 + 2 * ns))
    cols = np.transpose(v, perm).reshape(x.shape[0] * int(np.prod(out_shape, dtype=np.int64)), -1)
    r = cols @ w.reshape(w.shape[0], -1).T                     # (N*out, O)
    r = r.reshape((x.shape[0],) + out_shape + (w.shape[0],))
    return np.moveaxis(r, -1, 1)


@register("conv_general_dilated")
def _conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None, rhs_dilation=None,
                          dimension_numbers=None, feature_group_count=1, batch_group_count=1,
                          preferred_element_type=None, **_):
    ns = lhs.ndim - 2
    if dimension_numbers is None:
        lhs_spec, rhs_spec, out_spec = tuple(range(lhs.ndim)), tuple(range(rhs.ndim)), tuple(range(lhs.ndim))
    else:
        lhs_spec, rhs_spec, out_spec = dimension_numbers
    dt = _compute_dtype(lhs, rhs, preferred_element_type)
    x = np.transpose(lhs, lhs_spec).astype(dt, copy=False)      # N, C, S...
    w = np.transpose(rhs, rhs_spec).astype(dt, copy=False)      # O, I, K...
    x = _dilate_spatial(x, lhs_dilation or (1,) * ns, 2)
    if isinstance(padding, str):
        raise ValueError("string padding must be resolved before lowering")
    x = _pad_spatial(x, padding, 2)
    w = _dilate_spatial(w, rhs_dilation or (1,) * ns, 2)
    strides = tuple(window_strides)
    g, bg = int(feature_group_count), int(batch_group_count)
    o = w.shape[0]
    if bg > 1:
        xs = np.split(x, bg, axis=0)
        ws = np.split(w, bg, axis=0)
        r = np.concatenate([_conv_nchw(xi, wi, strides) for xi, wi in zip(xs, ws)], axis=1)
    elif g > 1:
        xs = np.split(x, g, axis=1)
        ws = np.split(w, g, axis=0)
        r = np.concatenate([_conv_nchw(xi, wi, strides) for xi, wi in zip(xs, ws)], axis=1)
    else:
        r = _conv_nchw(x, w, strides)
    assert r.shape[1] == o
    perm = [0] * r.ndim
    for i, d in enumerate(out_spec):
        perm[d] = i
    return np.transpose(r, perm)

