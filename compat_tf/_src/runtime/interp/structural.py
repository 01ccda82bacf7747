"""NumPy rules of JAX's shape, slicing, gather and scatter primitives (XLA's semantics).

Start indices of dynamic slices are clamped into range as XLA clamps them;
gathers and scatters follow XLA's GatherDimensionNumbers/ScatterDimensionNumbers
(batching dimensions included) and JAX's index modes: CLIP clamps the window
start, FILL_OR_DROP gives the fill value for (gathers) or skips (scatters) a
window that is not wholly in bounds. Results may be read-only broadcast views;
no rule writes into an input.
"""
import numpy as np

from compat_tf._src.runtime.interp.core import register


@register("broadcast_in_dim")
def _broadcast_in_dim(x, *dyn_shape, shape, broadcast_dimensions, **_):
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = x.shape[i]
    return np.broadcast_to(x.reshape(expanded), shape)


@register("reshape")
def _reshape(x, *dyn_shape, new_sizes, dimensions=None, **_):
    if dimensions is not None:
        x = np.transpose(x, dimensions)
    return np.reshape(x, new_sizes)


@register("squeeze")
def _squeeze(x, dimensions, **_):
    return np.squeeze(x, axis=tuple(dimensions))


@register("expand_dims")
def _expand_dims(x, dimensions, **_):
    return np.expand_dims(x, tuple(dimensions))


@register("transpose")
def _transpose(x, permutation, **_):
    return np.transpose(x, permutation)


@register("rev")
def _rev(x, dimensions, **_):
    return np.flip(x, axis=tuple(dimensions)) if dimensions else x


@register("concatenate")
def _concatenate(*xs, dimension, **_):
    return np.concatenate(xs, axis=dimension)


@register("split")
def _split(x, sizes, axis, **_):
    return np.split(x, np.cumsum(sizes)[:-1], axis=axis)


@register("iota")
def _iota(dtype, shape, dimension, **_):
    r = np.arange(shape[dimension], dtype=dtype)
    expanded = [1] * len(shape)
    expanded[dimension] = shape[dimension]
    return np.broadcast_to(r.reshape(expanded), shape)


@register("slice")
def _slice(x, start_indices, limit_indices, strides=None, **_):
    strides = strides or (1,) * x.ndim
    return x[tuple(slice(s, e, st) for s, e, st in zip(start_indices, limit_indices, strides))]


def _clamped_starts(shape, sizes, starts):
    return [int(min(max(int(s), 0), n - k)) for s, n, k in zip(starts, shape, sizes)]


@register("dynamic_slice")
def _dynamic_slice(x, *starts, slice_sizes, **_):
    st = _clamped_starts(x.shape, slice_sizes, starts[:x.ndim])
    return x[tuple(slice(s, s + k) for s, k in zip(st, slice_sizes))]


@register("dynamic_update_slice")
def _dynamic_update_slice(x, update, *starts, **_):
    st = _clamped_starts(x.shape, update.shape, starts)
    out = np.array(x)
    out[tuple(slice(s, s + k) for s, k in zip(st, update.shape))] = update
    return out


@register("pad")
def _pad(x, padval, padding_config, **_):
    padval = padval.astype(x.dtype)
    if any(interior for _, _, interior in padding_config):
        shape = tuple(n + max(n - 1, 0) * i for n, (_, _, i) in zip(x.shape, padding_config))
        y = np.full(shape, padval, x.dtype)
        y[tuple(slice(None, None, i + 1) for _, _, i in padding_config)] = x
        x = y
    widths = [(max(lo, 0), max(hi, 0)) for lo, hi, _ in padding_config]
    if any(lo or hi for lo, hi in widths):
        x = np.pad(x, widths, constant_values=padval)
    crop = tuple(slice(-lo if lo < 0 else 0, x.shape[d] + hi if hi < 0 else x.shape[d])
                 for d, (lo, hi, _) in enumerate(padding_config))
    return x[crop]


# -- gather / scatter -----------------------------------------------------------------------------

def _mode_name(mode):
    return getattr(mode, "name", str(mode)).upper()


def _default_fill(dtype):
    if np.issubdtype(dtype, np.inexact):
        return np.nan
    if dtype == np.bool_:
        return True
    info = np.iinfo(dtype)
    return info.min if np.issubdtype(dtype, np.signedinteger) else info.max


def _window_starts(operand_shape, indices, index_map, operand_batch_dims, index_batch_dims):
    """Per operand dimension, the window start of every index position (int64 arrays)."""
    batch_shape = indices.shape[:-1]
    starts = [np.zeros(batch_shape, np.int64) for _ in operand_shape]
    for k, d in enumerate(index_map):
        starts[d] = indices[..., k].astype(np.int64)
    for od, idim in zip(operand_batch_dims, index_batch_dims):
        shape = [1] * len(batch_shape)
        shape[idim] = batch_shape[idim]
        starts[od] = np.broadcast_to(np.arange(batch_shape[idim], dtype=np.int64).reshape(shape), batch_shape)
    return starts


def _in_bounds(starts, dims, operand_shape, sizes, batch_shape):
    ok = np.ones(batch_shape, bool)
    for d in dims:
        ok &= (starts[d] >= 0) & (starts[d] <= operand_shape[d] - sizes[d])
    return ok


def _index_grid(starts, sizes, batch_shape):
    """Operand coordinates of every window element: arrays of shape batch + sizes."""
    nb, r = len(batch_shape), len(sizes)
    grid = []
    for d in range(r):
        s = starts[d].reshape(batch_shape + (1,) * r)
        a = np.arange(sizes[d], dtype=np.int64).reshape((1,) * nb + tuple(
            sizes[d] if j == d else 1 for j in range(r)))
        grid.append(s + a)
    return grid


def _take_rows(operand, starts, sizes, batch_shape, dn):
    """The gather as np.take when it picks whole slices along one indexed dimension (an embedding
    lookup, tf.gather along an axis): [batch..., sizes...] without the index grid, whose int64
    arrays of the output's size cost more than the gather (first touches of that memory above all).
    None when the gather is of another form."""
    if len(dn.start_index_map) != 1 or dn.operand_batching_dims:
        return None
    d0 = dn.start_index_map[0]
    if sizes[d0] != 1 or any(sizes[d] != operand.shape[d] for d in range(operand.ndim) if d != d0):
        return None
    g = np.take(operand, starts[d0], axis=d0)        # operand[:d0] + batch + operand[d0 + 1:]
    nb = len(batch_shape)
    g = np.moveaxis(g, tuple(range(d0, d0 + nb)), tuple(range(nb))) if d0 else g
    return g.reshape(batch_shape + sizes)


@register("gather")
def _gather(operand, indices, dimension_numbers, slice_sizes, mode=None, fill_value=None, **_):
    dn = dimension_numbers
    batch_shape = indices.shape[:-1]
    nb = len(batch_shape)
    sizes = tuple(int(s) for s in slice_sizes)
    starts = _window_starts(operand.shape, indices, dn.start_index_map, dn.operand_batching_dims,
                            dn.start_indices_batching_dims)
    fill = _mode_name(mode) == "FILL_OR_DROP"
    if fill:
        ok = _in_bounds(starts, dn.start_index_map, operand.shape, sizes, batch_shape)
    for d in range(operand.ndim):
        starts[d] = np.clip(starts[d], 0, operand.shape[d] - sizes[d])
    g = _take_rows(operand, starts, sizes, batch_shape, dn)
    if g is None:
        g = operand[tuple(_index_grid(starts, sizes, batch_shape))]
    if fill:
        fv = _default_fill(operand.dtype) if fill_value is None else fill_value
        g = np.where(ok.reshape(batch_shape + (1,) * operand.ndim), g, np.asarray(fv).astype(operand.dtype))
    drop = set(dn.collapsed_slice_dims) | set(dn.operand_batching_dims)
    kept = [d for d in range(operand.ndim) if d not in drop]
    g = g.reshape(batch_shape + tuple(sizes[d] for d in kept))
    out_rank = nb + len(kept)
    perm, b = [], 0
    offset_pos = {o: k for k, o in enumerate(dn.offset_dims)}
    for j in range(out_rank):
        if j in offset_pos:
            perm.append(nb + offset_pos[j])
        else:
            perm.append(b)
            b += 1
    return np.transpose(g, perm)


_SCATTER_COMBINE = {"scatter-add": np.add, "scatter-mul": np.multiply, "scatter-min": np.minimum,
                    "scatter-max": np.maximum}


def _scatter_rule(name):
    combine = _SCATTER_COMBINE.get(name)

    def rule(operand, indices, updates, dimension_numbers, mode=None, **_):
        dn = dimension_numbers
        window_dims = tuple(dn.update_window_dims)
        scatter_dims = [d for d in range(updates.ndim) if d not in window_dims]
        u = np.transpose(updates, scatter_dims + list(window_dims))
        batch_shape = indices.shape[:-1]
        u = u.reshape(batch_shape + u.shape[len(scatter_dims):])
        skip = set(dn.inserted_window_dims) | set(dn.operand_batching_dims)
        win_operand_dims = [d for d in range(operand.ndim) if d not in skip]
        sizes = [1] * operand.ndim
        for d, n in zip(win_operand_dims, u.shape[len(batch_shape):]):
            sizes[d] = n
        starts = _window_starts(operand.shape, indices, dn.scatter_dims_to_operand_dims,
                                dn.operand_batching_dims, dn.scatter_indices_batching_dims)
        if _mode_name(mode) == "CLIP":
            ok = None
            for d in range(operand.ndim):
                starts[d] = np.clip(starts[d], 0, operand.shape[d] - sizes[d])
        else:
            ok = _in_bounds(starts, range(operand.ndim), operand.shape, sizes, batch_shape)
        grid = _index_grid(starts, sizes, batch_shape)
        # updates laid out as batch + the operand-rank window (size 1 on inserted dims)
        u = u.reshape(batch_shape + tuple(sizes))
        full = batch_shape + tuple(sizes)
        grid = [np.broadcast_to(g, full) for g in grid]
        u = np.broadcast_to(u, full)
        if ok is not None and not ok.all():
            grid = [g[ok] for g in grid]
            u = u[ok]
        out = np.array(operand)
        if combine is None:
            out[tuple(grid)] = u
        else:
            combine.at(out, tuple(grid), u)
        return out
    return rule


for _name in ("scatter", "scatter-add", "scatter_add", "scatter-mul", "scatter_mul", "scatter-min",
              "scatter_min", "scatter-max", "scatter_max"):
    register(_name)(_scatter_rule(_name.replace("_", "-")))


@register("stack")
def _stack(*xs, axis, **_):
    return np.stack(xs, axis=axis)


@register("unstack")
def _unstack(x, axis, **_):
    return [np.take(x, i, axis=axis) for i in range(x.shape[axis])]


@register("empty", "empty2")
def _empty(*_args, dtype=None, shape=(), **_):
    return np.zeros(shape, dtype)


@register("dim_as_value")
def _dim_as_value(dim, **_):
    """A shape-polymorphic dimension as a value (its symbol already evaluated: symbolic.py)."""
    return np.asarray(int(dim))
