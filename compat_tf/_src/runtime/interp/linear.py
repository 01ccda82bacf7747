"""NumPy rules of dot_general and conv_general_dilated (BLAS matrix products).

Both follow XLA's dimension-number conventions (batch, contracting, free
dimensions; lhs/rhs/out specs, lhs and rhs dilation, negative padding,
feature and batch groups). 16-bit float operands are multiplied in float32
(NumPy has no fast half-precision matmul), then cast back by the walker.
Operands are read through strided views in their own memory layout: a copy
is made only where BLAS cannot read a view as it is.
"""
import itertools
import math
from typing import NamedTuple

import numpy as np

from compat_tf._src.ops import onednn_conv
from compat_tf._src.runtime.interp.core import register
from compat_tf._src.runtime.interp.reductions import _BF16


def _compute_dtype(a, b, preferred):
    dt = np.result_type(a.dtype, b.dtype) if preferred is None else np.dtype(preferred)
    if dt in (np.float16, _BF16):
        return np.dtype(np.float32)
    if dt == np.bool_:
        return np.dtype(np.int32)
    return dt


def _prod(lens):
    return int(np.prod(lens, dtype=np.int64))


def _blasable(a):
    """Whether BLAS can read each matrix of `a` (its last two axes) as it is, C- or F-ordered."""
    if a.size == 0:
        return True
    (s0, s1), (n0, n1), it = a.strides[-2:], a.shape[-2:], a.itemsize
    return ((s1 == it or n1 == 1) and s0 >= it * n1 and s0 % it == 0) or \
           ((s0 == it or n0 == 1) and s1 >= it * n0 and s1 % it == 0)


def _reshaped_view(a, shape):
    """`a` reshaped without a copy, or None where that needs one."""
    try:
        return a.reshape(shape, copy=False)
    except ValueError:
        return None
    except TypeError:                       # pragma: no cover - NumPy 2.0: no copy argument
        v = a.view()
        try:
            v.shape = shape
        except AttributeError:
            return None
        return v


def _matrices(a, shape, buf=None):
    """`a` reshaped to `shape` (its last two axes a matrix): a view where BLAS can read it as it is, else
    a C-ordered copy (into the flat array `buf` when given)."""
    m = _reshaped_view(a, shape)
    if m is not None and _blasable(m):
        return m
    if buf is None:
        return np.ascontiguousarray(a).reshape(shape)
    out = buf[:a.size].reshape(a.shape)
    np.copyto(out, a)
    return out.reshape(shape)


@register("dot_general")
def _dot_general(lhs, rhs, dimension_numbers, preferred_element_type=None, **_):
    (lc, rc), (lb, rb) = dimension_numbers
    lc, rc, lb, rb = list(lc), list(rc), list(lb), list(rb)
    dt = _compute_dtype(lhs, rhs, preferred_element_type)
    lhs, rhs = lhs.astype(dt, copy=False), rhs.astype(dt, copy=False)
    lfree = [d for d in range(lhs.ndim) if d not in lc and d not in lb]
    rfree = [d for d in range(rhs.ndim) if d not in rc and d not in rb]
    batch = [lhs.shape[d] for d in lb]
    k = _prod([lhs.shape[d] for d in lc])
    m_shape = [lhs.shape[d] for d in lfree]
    n_shape = [rhs.shape[d] for d in rfree]
    m, n = _prod(m_shape), _prod(n_shape)
    if not lb:
        # 2-D: np.dot hands transposed (F-ordered) views to BLAS without copying them
        a = np.transpose(lhs, lfree + lc).reshape(m, k)
        c = np.transpose(rhs, rc + rfree).reshape(k, n)
        return np.dot(a, c).reshape(m_shape + n_shape)
    b = _prod(batch)
    a = _matrices(np.transpose(lhs, lb + lfree + lc), (b, m, k))
    c = _matrices(np.transpose(rhs, rb + rc + rfree), (b, k, n))
    return np.matmul(a, c).reshape(batch + m_shape + n_shape)


# ---------------------------------------------------------------------------------------------------
# convolution: matrix products over im2col blocks of strided views


def _zero_pad(x, axes, lo, hi):
    """x with lo[i] / hi[i] zeros before / after it along axes[i], laid out in x's own memory order (later
    strided reads stay sequential); x itself where there is nothing to add."""
    if not any(lo) and not any(hi):
        return x
    shape, inner = list(x.shape), [slice(None)] * x.ndim
    for a, before, after in zip(axes, lo, hi):
        shape[a] += before + after
        inner[a] = slice(before, before + x.shape[a])
    order = sorted(range(x.ndim), key=lambda a: -abs(x.strides[a]))   # x's memory order, outermost first
    y = np.zeros([shape[a] for a in order], x.dtype).transpose(np.argsort(order))
    y[tuple(inner)] = x
    return y


class _Phase(NamedTuple):
    """Along one spatial axis, the outputs o0, o0 + period, ... and the kernel taps that reach x there."""
    o0: int
    period: int
    count: int          # outputs in the phase
    j0: int             # first kernel tap; taps j0, j0 + tap_step, ...
    tap_step: int
    taps: int
    base: int           # x index of output o0 at tap j0; q outputs and t taps on: + q * stride + t * dilation
    stride: int
    dilation: int


def _phases(k, s, r, d, lo, out):
    """Output o reads the lhs-dilated (factor d), padded x at o * s + j * r for kernel taps j; only where
    that is lo + a multiple of d is it a value of x, (o * s + j * r - lo) / d. The outputs in one residue
    class modulo d / gcd(s, d) all have the same taps (every d / gcd(r, d)-th): each class is an ordinary
    convolution of x (undilated), so the zeros of the dilation are never multiplied. Without dilation:
    one phase, the padding a shift."""
    period, tap_step = d // math.gcd(s, d), d // math.gcd(r, d)
    phases = []
    for o0 in range(min(period, out)):
        j0 = next((j for j in range(min(k, tap_step)) if (o0 * s + j * r - lo) % d == 0), None)
        taps = 0 if j0 is None else len(range(j0, k, tap_step))
        base = 0 if j0 is None else (o0 * s + j0 * r - lo) // d
        phases.append(_Phase(o0, period, len(range(o0, out, period)), j0 or 0, tap_step, taps, base,
                             s // math.gcd(s, d), r // math.gcd(r, d)))
    return phases


def _conv_axes(x, w, lhs_spec, rhs_spec, window_strides, rhs_dilation, feature_groups, batch_groups):
    """The convolution's logical axes: name -> (length, stride in x, stride in w), strides in bytes.

    n: the output's batch; c: input features (of one group); o: output features (of one group);
    g: the group, the major part of w's output features and of x's features (feature groups) or
    batch (batch groups); s<i>: output positions along spatial axis i, a window stride apart in x;
    k<i>: kernel positions, a rhs dilation apart in x (so dilating the kernel costs nothing)."""
    groups = max(feature_groups, batch_groups)
    xs, ws = x.strides, w.strides
    n_len, c_len, o_len = x.shape[lhs_spec[0]], x.shape[lhs_spec[1]], w.shape[rhs_spec[0]]
    sn, sc, so, si = xs[lhs_spec[0]], xs[lhs_spec[1]], ws[rhs_spec[0]], ws[rhs_spec[1]]
    og = o_len // groups
    ax = {"o": (og, 0, so)}
    if batch_groups > 1:
        ax.update(g=(groups, n_len // groups * sn, og * so), n=(n_len // groups, sn, 0), c=(c_len, sc, si))
    else:
        ax.update(g=(groups, c_len // groups * sc, og * so), n=(n_len, sn, 0), c=(c_len // groups, sc, si))
    for i, (d, dk) in enumerate(zip(lhs_spec[2:], rhs_spec[2:])):
        k, r, s = w.shape[dk], rhs_dilation[i], window_strides[i]
        span = (k - 1) * r + 1
        ax[f"s{i}"] = ((x.shape[d] - span) // s + 1 if x.shape[d] >= span else 0, s * xs[d], 0)
        ax[f"k{i}"] = (k, r * xs[d], ws[dk])
    return ax


def _run_length(lengths, strides, itemsize):
    """Elements a copy over these axes (outermost first) reads contiguously per pass of its inner loop."""
    run = 1
    for n, s in zip(reversed(lengths), reversed(strides)):
        if n == 1:
            continue
        if abs(s) != run * itemsize:
            break
        run *= n
    return run


def _merged_stride(lens, strides):
    """The stride of these axes (outermost first) merged into one without a copy; None where impossible."""
    axes = [(n, s) for n, s in zip(lens, strides) if n != 1]
    if any(s0 != n1 * s1 for (_, s0), (n1, s1) in zip(axes, axes[1:])):
        return None
    return axes[-1][1] if axes else 0


def _blocks(lens, target):
    """Index tuples (slices, keeping every axis) covering an array of shape `lens` in blocks of about
    `target` elements: whole trailing axes, a slice of one axis, single positions of the leading ones."""
    if not lens:
        return [()]
    p = 0
    while p < len(lens) - 1 and _prod(lens[p + 1:]) > target:
        p += 1
    step = max(1, target // _prod(lens[p + 1:]))
    return [tuple(slice(j, j + 1) for j in idx) + (slice(i, min(i + step, lens[p])),)
            for idx in np.ndindex(*lens[:p]) for i in range(0, lens[p], step)]


# im2col elements materialised at a time (2 MiB of float32): a block is still in cache when BLAS reads
# it, and one buffer serves every block (the freshly mapped pages of a whole im2col matrix, tens of MB
# for a CNN's gradient convolutions, cost about as much as filling them)
_BLOCK_ELEMENTS = 1 << 19


class _ConvPlan(NamedTuple):
    """How a convolution runs as matrix products (see _conv_plan)."""
    loop: list          # axes with a product each: g, and the output axes before o in column layouts
    free: list          # the output axes that are the products' rows (or columns)
    kc: list            # the contracted axes, in the order a block lays them out
    rows_first: bool    # output features innermost: y[free, o] = block @ w; else y[o, free] = w.T @ block.T
    k_inner: bool       # the contraction is the block's inner axis (else `free` is)
    split_k: bool       # the blocks split the contraction, partial products summed (else they split `free`)
    blocks: list        # index tuples of the blocks, over the free axes then the contracted ones


def _conv_plan(ax, out_axes, itemsize):
    """Products and im2col blocks of a convolution whose result is laid out as `out_axes` (C order).

    The output axes before its feature axis are the products' rows (features innermost: NHWC, the
    HWIO filter gradient); when some come after it (NCHW) those are the columns, and the axes before
    it a loop of products. A block is laid out the way it reads x best: contraction innermost or
    outermost, whichever gives longer contiguous runs (NHWC: a kernel row's features; a filter
    gradient: its rows, x's features). Blocks split the rows, unless the contraction is the longer
    side (a filter gradient: batch x output-sized kernel): splitting it costs a sum of small partial
    products where splitting the rows would reread w for each block. The operand of a 1x1
    convolution is a matrix already: one product, no copy."""
    at = out_axes.index("o")
    rows_first = at == len(out_axes) - 1
    free = out_axes[:at] if rows_first else out_axes[at + 1:]
    loop = ["g"] + ([] if rows_first else out_axes[:at])
    kc = sorted(["c"] + [a for a in ax if a[0] == "k"], key=lambda a: (-abs(ax[a][1]), -abs(ax[a][2])))
    flens, klens = [ax[a][0] for a in free], [ax[a][0] for a in kc]
    fstr, kstr = [ax[a][1] for a in free], [ax[a][1] for a in kc]
    k_inner = _run_length(flens + klens, fstr + kstr, itemsize) >= _run_length(klens + flens, kstr + fstr, itemsize)
    fprod, kprod = _prod(flens), _prod(klens)
    outer, inner = ((flens, fstr), (klens, kstr)) if k_inner else ((klens, kstr), (flens, fstr))
    so, si = _merged_stride(*outer), _merged_stride(*inner)
    is_matrix = so is not None and si in (itemsize, 0) and _prod(inner[0]) * itemsize <= abs(so)
    split_k = kprod > 2 * fprod and fprod * kprod > _BLOCK_ELEMENTS and not is_matrix
    if split_k:
        blocks = [(slice(None),) * len(free) + b for b in _blocks(klens, max(1, _BLOCK_ELEMENTS // fprod))]
    elif is_matrix or fprod * kprod <= _BLOCK_ELEMENTS:
        blocks = [()]
    else:
        blocks = _blocks(flens, max(64, _BLOCK_ELEMENTS // kprod))
    return _ConvPlan(loop, free, kc, rows_first, k_inner, split_k, blocks)


def _conv_products(x, w, y, ax, out_axes, plan):
    """Writes the convolution into y (laid out as `out_axes`) as `plan` says."""
    loop, free, kc = plan.loop, plan.free, plan.kc
    nf, nk = len(free), len(kc)
    og = ax["o"][0]
    axes_e = [b for a in out_axes for b in (["g", "o"] if a == "o" else [a])]
    y_e = _reshaped_view(y, [ax[a][0] for a in axes_e])      # splits one axis: a view even of a strided y
    if y_e is None:                                          # pragma: no cover - kept safe all the same
        y_c = np.empty(y.shape, y.dtype)
        _conv_products(x, w, y_c, ax, out_axes, plan)
        y[...] = y_c
        return
    y_v = y_e.transpose(
        [axes_e.index(a) for a in loop + (free + ["o"] if plan.rows_first else ["o"] + free)])
    view = np.lib.stride_tricks.as_strided
    w_v = view(w, [ax[a][0] for a in ["g"] + kc + ["o"]], [ax[a][2] for a in ["g"] + kc + ["o"]], writeable=False)
    x_v = view(x, [ax[a][0] for a in loop + free + kc], [ax[a][1] for a in loop + free + kc], writeable=False)
    lens = [ax[a][0] for a in free + kc]
    block_len = max(_prod([len(range(*b.indices(n))) for b, n in zip(blk, lens)] + lens[len(blk):])
                    for blk in plan.blocks)
    buf = np.empty(block_len, x.dtype) if len(plan.blocks) > 1 or _prod([ax[a][0] for a in loop]) > 1 else None
    partial = None
    for li in np.ndindex(*[ax[a][0] for a in loop]):
        wg = w_v[li[0]]                                                 # (kc..., o)
        w_mat = None if plan.split_k else _matrices(wg, (-1, og))
        y_l = y_v[li]
        for bi, blk in enumerate(plan.blocks):
            xb = x_v[li + blk]                                          # (free..., kc...) of this block
            if plan.k_inner:
                a = _matrices(xb, (-1, _prod(xb.shape[nf:])), buf)
            else:
                a = _matrices(xb.transpose(list(range(nf, nf + nk)) + list(range(nf))),
                              (_prod(xb.shape[nf:]), -1), buf).T
            wb = _matrices(wg[blk[nf:]], (-1, og)) if plan.split_k else w_mat
            yb = y_l if plan.split_k else y_l[blk if plan.rows_first else (slice(None),) + blk]
            shape = (a.shape[0], og) if plan.rows_first else (og, a.shape[0])
            out = _reshaped_view(yb, shape)
            if out is None or not _blasable(out) or (plan.split_k and bi > 0):
                if partial is None or partial.shape != shape:
                    partial = np.empty(shape, y.dtype)
                out, dst = partial, yb
            else:
                dst = None
            if plan.rows_first:
                np.matmul(a, wb, out=out)
            else:
                np.matmul(wb.T, a.T, out=out)
            if dst is not None and plan.split_k and bi > 0:
                dst += out.reshape(dst.shape)
            elif dst is not None:
                dst[...] = out.reshape(dst.shape)


def _conv_into(y, x, w, specs, strides, rhs_dilation, feature_groups, batch_groups):
    """y = the convolution of x with w (no padding, no lhs dilation), y possibly a strided view."""
    lhs_spec, rhs_spec, out_spec = specs
    ax = _conv_axes(x, w, lhs_spec, rhs_spec, strides, rhs_dilation, feature_groups, batch_groups)
    names = ["n", "o"] + [f"s{i}" for i in range(x.ndim - 2)]
    out_axes = [names[out_spec.index(p)] for p in range(x.ndim)]
    if ax["c"][0] == 0:
        y[...] = 0
        return
    _conv_products(x, w, y, ax, out_axes, _conv_plan(ax, out_axes, x.itemsize))


@register("conv_general_dilated")
def _conv_general_dilated(lhs, rhs, window_strides, padding, lhs_dilation=None, rhs_dilation=None,
                          dimension_numbers=None, feature_group_count=1, batch_group_count=1,
                          preferred_element_type=None, **_):
    """Cross-correlation as matrix products of im2col blocks of x with w, both read through strided views
    in their own memory layout; the result is C-contiguous in out_spec's order. Padding is a shift of the
    view (zeros are added only where a window reaches past x); lhs dilation splits the outputs into
    phases that each see a fixed subset of the kernel (_phases)."""
    ns = lhs.ndim - 2
    if dimension_numbers is None:
        specs = (tuple(range(lhs.ndim)),) * 3
    else:
        specs = tuple(tuple(sp) for sp in dimension_numbers)
    lhs_spec, rhs_spec, out_spec = specs
    if isinstance(padding, str):
        raise ValueError("string padding must be resolved before lowering")
    dt = _compute_dtype(lhs, rhs, preferred_element_type)
    x, w = lhs.astype(dt, copy=False), rhs.astype(dt, copy=False)
    ld, rd = tuple(lhs_dilation or (1,) * ns), tuple(rhs_dilation or (1,) * ns)
    axis_phases = []
    for i in range(ns):
        n, k = x.shape[lhs_spec[2 + i]], w.shape[rhs_spec[2 + i]]
        (lo, hi), s = padding[i], window_strides[i]
        size, span = max((n - 1) * ld[i] + 1, 0) + lo + hi, (k - 1) * rd[i] + 1
        out = (size - span) // s + 1 if size >= span else 0
        axis_phases.append(_phases(k, s, rd[i], ld[i], lo, out))
    out_shape = [0] * lhs.ndim
    out_shape[out_spec[0]] = x.shape[lhs_spec[0]] // int(batch_group_count)
    out_shape[out_spec[1]] = w.shape[rhs_spec[0]]
    for i, ph in enumerate(axis_phases):
        out_shape[out_spec[2 + i]] = sum(p.count for p in ph)
    y = np.empty(out_shape, dt)
    reaching = [[p for p in ph if p.taps] for ph in axis_phases]
    if y.size == 0 or not all(reaching):        # (or every window sees only the dilation's zeros)
        y[...] = 0
        return y
    # zeros around x for the windows that reach past it, then one convolution per phase combination
    first = [min(p.base for p in ph) for ph in reaching]
    last = [max(p.base + (p.count - 1) * p.stride + (p.taps - 1) * p.dilation for p in ph) for ph in reaching]
    lo_pad = [max(0, -f) for f in first]
    hi_pad = [max(0, e - (x.shape[d] - 1)) for e, d in zip(last, lhs_spec[2:])]
    x = _zero_pad(x, lhs_spec[2:], lo_pad, hi_pad)
    for combo in itertools.product(*axis_phases):
        ys, xs, ws = [slice(None)] * y.ndim, [slice(None)] * x.ndim, [slice(None)] * w.ndim
        for i, p in enumerate(combo):
            ys[out_spec[2 + i]] = slice(p.o0, None, p.period)
            start = p.base + lo_pad[i]
            xs[lhs_spec[2 + i]] = slice(start, start + (p.count - 1) * p.stride + (p.taps - 1) * p.dilation + 1)
            ws[rhs_spec[2 + i]] = slice(p.j0, p.j0 + (p.taps - 1) * p.tap_step + 1, p.tap_step)
        if any(p.taps == 0 for p in combo):
            y[tuple(ys)] = 0
            continue
        _conv_into(y[tuple(ys)], x[tuple(xs)], w[tuple(ws)], specs, tuple(p.stride for p in combo),
                   tuple(p.dilation for p in combo), int(feature_group_count), int(batch_group_count))
    return y


def _onednn_rule(prim):
    def rule(*operands, geometry):
        return onednn_conv.run_kernel(prim, geometry, *operands)
    return rule


for _prim in onednn_conv.PRIMITIVES:         # the oneDNN convolutions (ops/onednn_conv.py): direct calls
    register(_prim.name)(_onednn_rule(_prim))
