"""NumPy rules of JAX's reductions, scans, sorts and windowed reductions (pooling).

Reductions over an empty axis give the operation's identity, as XLA's do;
16-bit floats accumulate in float32. Sorting uses JAX's comparator (-0.0 equals
0.0, NaN sorts last) with stable ties; top_k breaks ties by the lower index.
select_and_scatter_add (the gradient of max pooling) gives each window's
source value to the first maximal element of the window, as XLA's `ge`
selection does.
"""
import numpy as np

from compat_tf._src.runtime.interp.core import register


def _acc_dtype(x):
    return np.float32 if x.dtype in (np.float16, _BF16) else None


try:
    import ml_dtypes
    _BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:                               # pragma: no cover - ml_dtypes ships with jax
    _BF16 = None


def _identity(name, dtype):
    if name == "max":
        return -np.inf if np.issubdtype(dtype, np.inexact) else (
            False if dtype == np.bool_ else np.iinfo(dtype).min)
    if name == "min":
        return np.inf if np.issubdtype(dtype, np.inexact) else (
            True if dtype == np.bool_ else np.iinfo(dtype).max)
    raise KeyError(name)


@register("reduce_sum")
def _reduce_sum(x, axes, **_):
    return np.sum(x, axis=tuple(axes), dtype=_acc_dtype(x))


@register("reduce_prod")
def _reduce_prod(x, axes, **_):
    return np.prod(x, axis=tuple(axes), dtype=_acc_dtype(x))


def _reduce_extreme(kind, fn):
    def rule(x, axes, **_):
        axes = tuple(axes)
        if x.size == 0 or any(x.shape[a] == 0 for a in axes):
            shape = tuple(n for i, n in enumerate(x.shape) if i not in axes)
            return np.full(shape, _identity(kind, x.dtype), x.dtype)
        return fn(x, axis=axes)
    return rule


register("reduce_max")(_reduce_extreme("max", np.max))
register("reduce_min")(_reduce_extreme("min", np.min))


@register("reduce_and")
def _reduce_and(x, axes, **_):
    return np.all(x, axis=tuple(axes)) if x.dtype == np.bool_ else np.bitwise_and.reduce(x, axis=tuple(axes))


@register("reduce_or")
def _reduce_or(x, axes, **_):
    return np.any(x, axis=tuple(axes)) if x.dtype == np.bool_ else np.bitwise_or.reduce(x, axis=tuple(axes))


@register("reduce_xor")
def _reduce_xor(x, axes, **_):
    return np.bitwise_xor.reduce(x, axis=tuple(axes))


@register("argmax")
def _argmax(x, axes, index_dtype, **_):
    return np.argmax(x, axis=axes[0]).astype(index_dtype)


@register("argmin")
def _argmin(x, axes, index_dtype, **_):
    return np.argmin(x, axis=axes[0]).astype(index_dtype)


def _cumulative(fn):
    def rule(x, axis, reverse=False, **_):
        if reverse:
            x = np.flip(x, axis)
        acc = _acc_dtype(x)
        r = fn(x if acc is None else x.astype(acc), axis)
        return np.flip(r, axis) if reverse else r
    return rule


register("cumsum")(_cumulative(lambda x, a: np.cumsum(x, axis=a)))
register("cumprod")(_cumulative(lambda x, a: np.cumprod(x, axis=a)))
register("cummax")(_cumulative(lambda x, a: np.maximum.accumulate(x, axis=a)))
register("cummin")(_cumulative(lambda x, a: np.minimum.accumulate(x, axis=a)))
register("cumlogsumexp")(_cumulative(lambda x, a: np.logaddexp.accumulate(x, axis=a)))


def _sort_key(x):
    """`x` as a key NumPy orders as JAX's sort comparator does (-0.0 == 0.0, every NaN last)."""
    if np.issubdtype(x.dtype, np.floating):
        return np.where(x == 0, np.zeros((), x.dtype), x)
    if np.issubdtype(x.dtype, np.complexfloating):
        return x
    return x


@register("sort")
def _sort(*operands, dimension, is_stable=True, num_keys=1, **_):
    keys = [_sort_key(k) for k in operands[:num_keys]]
    if num_keys == 1:
        perm = np.argsort(keys[0], axis=dimension, kind="stable")
    else:
        moved = [np.moveaxis(k, dimension, -1) for k in keys]
        flat = [m.reshape(-1, m.shape[-1]) for m in moved]
        rows = [np.lexsort([f[i] for f in reversed(flat)]) for i in range(flat[0].shape[0])]
        perm = np.moveaxis(np.array(rows, dtype=np.int64).reshape(moved[0].shape), -1, dimension)
    return [np.take_along_axis(o, perm, axis=dimension) for o in operands]


@register("top_k")
def _top_k(x, k, axis=-1, **_):
    axis = axis % x.ndim if x.ndim else 0
    if np.issubdtype(x.dtype, np.floating):
        key = -np.where(x == 0, 0.0, x.astype(np.float64))   # descending; -0.0 ties with 0.0
        key = np.where(np.isnan(x), -np.inf, key)             # NaN first, as the largest
    else:
        key = np.invert(x)                                     # order-reversing, no overflow
    idx = np.take(np.argsort(key, axis=axis, kind="stable"), np.arange(k), axis=axis)
    return [np.take_along_axis(x, idx, axis=axis), idx.astype(np.int32)]


# -- windowed reductions --------------------------------------------------------------------------

def _dilate(x, factors, fill):
    if all(f == 1 for f in factors):
        return x
    shape = tuple(n + max(n - 1, 0) * (f - 1) for n, f in zip(x.shape, factors))
    y = np.full(shape, fill, x.dtype)
    y[tuple(slice(None, None, f) for f in factors)] = x
    return y


def _windows(x, window_dimensions, window_strides, padding, base_dilation, window_dilation, fill):
    """A view of every window: shape (output positions..., window elements...)."""
    x = _dilate(x, base_dilation or (1,) * x.ndim, fill)
    pads = [(max(lo, 0), max(hi, 0)) for lo, hi in padding]
    if any(lo or hi for lo, hi in pads):
        x = np.pad(x, pads, constant_values=fill)
    crop = tuple(slice(-lo if lo < 0 else 0, x.shape[d] + hi if hi < 0 else x.shape[d])
                 for d, (lo, hi) in enumerate(padding))
    x = x[crop]
    wd = window_dilation or (1,) * x.ndim
    span = tuple((k - 1) * d + 1 for k, d in zip(window_dimensions, wd))
    v = np.lib.stride_tricks.sliding_window_view(x, span)
    n = x.ndim
    return v[tuple(slice(None, None, s) for s in window_strides) + tuple(slice(None, None, d) for d in wd)], n


def _reduce_window(kind, fn):
    def rule(x, window_dimensions, window_strides, padding, base_dilation=None, window_dilation=None, **_):
        fill = 0 if kind == "sum" else _identity(kind, x.dtype)
        v, n = _windows(x, window_dimensions, window_strides, padding, base_dilation, window_dilation, fill)
        axes = tuple(range(n, 2 * n))
        if kind == "sum":
            return np.sum(v, axis=axes, dtype=_acc_dtype(x))
        if v.size == 0:
            return np.full(v.shape[:n], fill, x.dtype)
        return fn(v, axis=axes)
    return rule


register("reduce_window_sum")(_reduce_window("sum", None))
register("reduce_window_max")(_reduce_window("max", np.max))
register("reduce_window_min")(_reduce_window("min", np.min))


@register("select_and_scatter_add")
def _select_and_scatter_add(source, operand, select_prim, window_dimensions, window_strides, padding, **_):
    is_max = getattr(select_prim, "name", str(select_prim)) in ("ge", "gt")
    fill = _identity("max" if is_max else "min", operand.dtype)
    v, n = _windows(operand, window_dimensions, window_strides, padding, None, None, fill)
    out_shape = v.shape[:n]
    flat = v.reshape(out_shape + (-1,))
    pick = np.argmax(flat, axis=-1) if is_max else np.argmin(flat, axis=-1)
    offsets = np.unravel_index(pick, tuple(window_dimensions))
    coords = []
    for d in range(n):
        pos = np.arange(out_shape[d]).reshape([out_shape[d] if j == d else 1 for j in range(n)])
        coords.append(pos * window_strides[d] + offsets[d] - padding[d][0])
    coords = [np.broadcast_to(c, out_shape) for c in coords]
    inside = np.ones(out_shape, bool)
    for d in range(n):
        inside &= (coords[d] >= 0) & (coords[d] < operand.shape[d])
    out = np.zeros(operand.shape, source.dtype)
    np.add.at(out, tuple(c[inside] for c in coords), source[inside])
    return out
