"""Gather, scatter, segment and partition ops.

Mirrors TF1's gather/scatter family: GatherV2 (with `axis`, `batch_dims`),
GatherNd, ScatterNd (duplicates add), TensorScatterUpdate/Add/Sub/Max/Min, the sorted
Segment{Sum,Mean,Max,Min,Prod}, UnsortedSegment{Sum,Max,Min,Prod} (plus TF1's
composite unsorted_segment_mean / sqrt_n), DynamicPartition, DynamicStitch,
and the ref-variable updates Scatter{Update,Add,Sub,Mul,Div,Max,Min} and
ScatterNd{Update,Add,Sub}. Gradients follow TF1's gradient functions
(segment max/min split the gradient evenly among tied maxima; segment prod
handles zeros as TF1's UnsortedSegmentProd gradient does).

Deviations, all forced by running under XLA:

- Out-of-range indices: TF1 on CPU raises InvalidArgumentError. compat_tf
  raises the same error when the indices are known when the step is traced
  (constants, values computed from shapes); indices only known at run time
  cannot raise inside a jitted program, and behave as TF1 on GPU: a gather
  gives zeros for them, a scatter drops them.
- Sorted segment ops: the number of segments, max(segment_ids) + 1, is a
  run-time value. When the ids are not build-time constants, a small host op
  (`_IndexLimit`, which also checks that the ids are sorted and non-negative,
  raising InvalidArgumentError like TF1) computes it and hands it to the
  device op as the shape of an extra, empty input; the jitted step is
  re-traced for each new number of segments. DynamicStitch works the same way.
- unsorted_segment_*: `num_segments` must be known when the step is traced.
- dynamic_partition of float data is built from one host Where and a device
  GatherNd per partition, so gradients reach `data` (TF1 has a gradient for
  DynamicPartition); of other dtypes it is one host op. Partition values
  outside [0, num_partitions) are not checked in the float case.
- dynamic_stitch with duplicate indices: the last value wins as in TF1, but the
  gradient only reaches the winning entries (TF1 also sends it to overwritten ones).
"""

import dataclasses
import functools

import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import registry
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import state_ops
from compat_tf._src.ops._op_util import make_op, make_tensor, static_ints
from compat_tf._src.runtime import run_checks

__all__ = [
    "batch_gather",
    "dynamic_partition",
    "dynamic_stitch",
    "gather",
    "gather_nd",
    "parallel_dynamic_stitch",
    "scatter_add",
    "scatter_div",
    "scatter_max",
    "scatter_min",
    "scatter_mul",
    "scatter_nd",
    "scatter_nd_add",
    "scatter_nd_sub",
    "scatter_nd_update",
    "batch_scatter_update",
    "scatter_sub",
    "scatter_update",
    "segment_max",
    "segment_mean",
    "segment_min",
    "segment_prod",
    "segment_sum",
    "tensor_scatter_add",
    "tensor_scatter_nd_add",
    "tensor_scatter_nd_max",
    "tensor_scatter_nd_min",
    "tensor_scatter_nd_sub",
    "tensor_scatter_nd_update",
    "tensor_scatter_sub",
    "tensor_scatter_update",
    "unsorted_segment_max",
    "unsorted_segment_mean",
    "unsorted_segment_min",
    "unsorted_segment_prod",
    "unsorted_segment_sqrt_n",
    "unsorted_segment_sum",
]

_is_np = array_ops._is_np
_concrete = array_ops._concrete
_invalid = array_ops._invalid
_fmt_shape = array_ops._fmt_shape
_int_scalar = array_ops._int_scalar


def _g():
    return _graph.get_default_graph()


def _as_index_tensor(v, what, op_type):
    t = _constant.convert_to_tensor(v)
    if t.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(
            f"Value passed to parameter '{what}' has DataType {t.dtype.base_dtype.name} not in list of "
            f"allowed values: int32, int64 (op {op_type})"
        )
    return t


def _pos(flat_i, shape):
    return ",".join(str(int(v)) for v in np.unravel_index(flat_i, shape)) if shape else ""


def _check_indices(ci, n, what="indices"):
    """TF1's CPU error for a gather index outside [0, n)."""
    ci = np.asarray(ci)
    bad = (ci < 0) | (ci >= n)
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        raise _invalid(f"{what}[{_pos(i, ci.shape)}] = {int(ci.reshape(-1)[i])} is not in [0, {n})")


def _check_traced_indices(indices, n, what="indices"):
    """The same check on indices known only when the step runs (run_checks: fused into the step)."""
    xp = run_checks.array_module(indices)
    idx = xp.asarray(indices)
    if idx.size == 0:
        return
    flat = idx.reshape(-1)
    bad = (flat < 0) | (flat >= n)
    if xp is np and not bad.any():
        return
    i = xp.argmax(bad)
    # the sizes travel as payload: in a shape-polymorphic trace they are symbolic (runtime/tiers.py)
    sizes = [xp.asarray(d, xp.int64) for d in (n, *idx.shape)]
    run_checks.check(bad, lambda pos, val, size, *shape: f"{what}[{_pos(pos, shape)}] = {val} is not in [0, {size})",
                     i, flat[i], *sizes)


def _check_nd_indices(ci, dims, what="param shape"):
    ci = np.asarray(ci)
    k = ci.shape[-1]
    flat = ci.reshape(-1, k)
    bad = ((flat < 0) | (flat >= np.asarray(dims, np.int64))).any(axis=1) if k else np.zeros(len(flat), bool)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        vals = ", ".join(str(int(v)) for v in flat[i])
        raise _invalid(
            f"indices[{_pos(i, ci.shape[:-1])}] = [{vals}] does not index into {what} {_fmt_shape(dims)}"
        )


def _zero(dtype):
    return jnp.zeros((), dtype)


# --------------------------------------------------------------------------------------------
# gather
# --------------------------------------------------------------------------------------------


def _take(p, i, ax):
    """jnp.take along `ax`; out-of-range (and negative) indices give zeros, as TF1 on GPU."""
    p = jnp.asarray(p)
    i = jnp.asarray(i)
    n = p.shape[ax]
    out_shape = p.shape[:ax] + i.shape + p.shape[ax + 1 :]
    if n == 0:
        return jnp.zeros(out_shape, p.dtype)
    valid = (i >= 0) & (i < n)
    out = jnp.take(p, jnp.clip(i, 0, n - 1), axis=ax, mode="clip")
    mask = valid.reshape((1,) * ax + i.shape + (1,) * (p.ndim - ax - 1))
    return jnp.where(mask, out, _zero(out.dtype))


def gathered_size(params, axis=None):
    """A gather's Precheck static arguments: the size of the gathered axis of `params` (a graph
    tensor; `axis` a tensor too, or 0), or None where the graph does not know it."""
    ax = 0 if axis is None else shape_inference.constant_value(axis)
    shape = params.shape
    if ax is None or np.ndim(ax) or shape.ndims is None or not -shape.ndims <= int(ax) < shape.ndims:
        return None
    n = shape.as_list()[int(ax)]
    return None if n is None else (n,)


@register_op("GatherV2")
def _gather_v2(params, indices, axis, batch_dims=0, **_):
    nd = np.ndim(params)
    ax = _int_scalar(axis, "the gather axis")
    if not -nd <= ax < nd:
        raise _invalid(f"Expected axis in the range [{-nd}, {nd}), but got {ax}")
    ax %= nd
    bd = batch_dims + np.ndim(indices) if batch_dims < 0 else batch_dims
    if bd > ax:
        raise _invalid(f"batch_dims ({bd}) must be less than or equal to axis ({ax}).")
    if bd > np.ndim(indices) or np.shape(params)[:bd] != np.shape(indices)[:bd]:
        raise _invalid(
            f"params.shape[:{bd}] should match indices.shape[:{bd}]: {_fmt_shape(np.shape(params))} "
            f"vs. {_fmt_shape(np.shape(indices))}"
        )
    ci = _concrete(indices)
    if ci is not None:
        _check_indices(ci, np.shape(params)[ax])
    else:
        _check_traced_indices(indices, np.shape(params)[ax])
    if bd == 0 and _is_np(params, indices):
        return np.take(params, indices, axis=ax)
    fn = functools.partial(_take, ax=ax - bd)
    for _ in range(bd):
        fn = jax.vmap(fn)
    return fn(params, indices)


run_checks.register_checked_op("GatherV2", precheck=run_checks.Precheck(
    inputs=(1,), static=lambda op: gathered_size(op.inputs[0], op.inputs[2]), check=_check_traced_indices))


def gather(params, indices, validate_indices=None, name=None, axis=None, batch_dims=0):
    """tf.gather (op GatherV2): slices of `params` along `axis` (default batch_dims).

    Out-of-range indices raise InvalidArgumentError when known at trace time, and
    give zeros when only known at run time (see the module docstring).
    """
    del validate_indices
    params = _constant.convert_to_tensor(params)
    indices = _as_index_tensor(indices, "indices", "GatherV2")
    if axis is None:
        axis = batch_dims
    axis_t = axis if isinstance(axis, _graph.Tensor) else _constant.convert_to_tensor(axis, dtype=None)
    av = array_ops._static_value(axis_t)
    pr = params.shape.ndims
    if av is not None and pr is not None and not -pr <= int(av) < pr:
        raise ValueError(
            f"Shape must be at least rank {int(av) + 1 if int(av) >= 0 else -int(av)} but is rank "
            f"{pr} for '{name or 'GatherV2'}' (op: 'GatherV2') with input shapes: {params.shape}, "
            f"{indices.shape}, []."
        )
    return make_tensor(
        "GatherV2", [params, indices, axis_t], {"batch_dims": int(batch_dims)}, name=name or "GatherV2"
    )


def batch_gather(params, indices, name=None):
    """tf.batch_gather (deprecated in TF1): gather with batch_dims = rank(indices) - 1."""
    with _g().name_scope(name or "BatchGather"):
        indices = _as_index_tensor(indices, "indices", "BatchGather")
        params = _constant.convert_to_tensor(params)
        if indices.shape.ndims is None:
            raise ValueError("batch_gather does not allow indices with unknown shape.")
        bd = indices.shape.ndims - 1
        if params.shape.ndims is not None and bd >= params.shape.ndims:
            raise ValueError(f"batch_dims = {bd} must be less than rank(params) = {params.shape.ndims}")
        return gather(params, indices, axis=bd, batch_dims=bd)


def _gather_nd_one(params, indices):
    ps = tuple(np.shape(params))
    ishp = tuple(np.shape(indices))
    k = ishp[-1]
    out_shape = ishp[:-1] + ps[k:]
    if _is_np(params, indices):
        idx = np.asarray(indices).reshape(-1, k)
        if k == 0:
            return np.broadcast_to(params, out_shape).copy()
        return np.asarray(params)[tuple(idx[:, j] for j in range(k))].reshape(out_shape)
    params = jnp.asarray(params)
    if k == 0:
        return jnp.broadcast_to(params, out_shape)
    if any(d == 0 for d in ps[:k]):
        return jnp.zeros(out_shape, params.dtype)
    idx = jnp.asarray(indices).reshape(-1, k)
    dims = jnp.asarray(ps[:k], idx.dtype)
    valid = jnp.all((idx >= 0) & (idx < dims), axis=1)
    cl = jnp.clip(idx, 0, dims - 1)
    out = params[tuple(cl[:, j] for j in range(k))]
    out = jnp.where(valid.reshape((-1,) + (1,) * (len(ps) - k)), out, _zero(out.dtype))
    return out.reshape(out_shape)


@register_op("GatherNd")
def _gather_nd(params, indices, batch_dims=0, **_):
    ps, ishp = np.shape(params), np.shape(indices)
    if len(ishp) < 1:
        raise _invalid(f"indices must be at least a vector, got shape {_fmt_shape(ishp)}")
    k = ishp[-1]
    if k > len(ps) - batch_dims:
        raise _invalid(f"index innermost dimension length must be <= params rank; saw: {k} vs. {len(ps)}")
    if batch_dims and ps[:batch_dims] != ishp[:batch_dims]:
        raise _invalid(f"params.shape[:{batch_dims}] should match indices.shape[:{batch_dims}]")
    ci = _concrete(indices)
    if ci is not None:
        if batch_dims:
            _check_nd_indices(ci.reshape((-1,) + ci.shape[batch_dims:]), ps[batch_dims : batch_dims + k])
        else:
            _check_nd_indices(ci, ps[:k])
    fn = _gather_nd_one
    for _ in range(batch_dims):
        fn = jax.vmap(fn)
    return fn(params, indices)


def gather_nd(params, indices, name=None, batch_dims=0):
    """tf.gather_nd (op GatherNd): output shape indices.shape[:-1] + params.shape[indices.shape[-1]:]."""
    params = _constant.convert_to_tensor(params)
    indices = _as_index_tensor(indices, "indices", "GatherNd")
    bd = int(batch_dims)
    if bd < 0:
        raise ValueError("tf.gather_nd does not allow negative batch_dims.")
    k = indices.shape[-1].value if indices.shape.ndims else None
    if k is not None and params.shape.ndims is not None and k > params.shape.ndims - bd:
        raise ValueError(
            f"index innermost dimension length must be <= params rank; saw: {k} vs. "
            f"{params.shape.ndims} for '{name or 'GatherNd'}' (op: 'GatherNd') with input shapes: "
            f"{params.shape}, {indices.shape}."
        )
    attrs = {"batch_dims": bd} if bd else {}
    return make_tensor("GatherNd", [params, indices], attrs, name=name or "GatherNd")


# --------------------------------------------------------------------------------------------
# scatter into tensors
# --------------------------------------------------------------------------------------------


def _scatter_nd_core(base, indices, updates, kind, what="shape"):
    """Applies updates at the nd-indices of `base` (kind: set/add/sub/mul/div/min/max)."""
    shp = tuple(np.shape(base))
    ishp = tuple(np.shape(indices))
    if len(ishp) < 1:
        raise _invalid(f"Indices shape must have rank at least one. Found:{_fmt_shape(ishp)}")
    k = ishp[-1]
    if k > len(shp):
        raise _invalid(f"Index innermost dimension length must be <= {what} rank; saw: {k} vs. {len(shp)}")
    want = ishp[:-1] + shp[k:]
    if np.ndim(updates) == 0 and kind not in ("sum",):
        updates = jnp.broadcast_to(updates, want)
    if tuple(np.shape(updates)) != want:
        raise _invalid(
            f"Must have updates.shape = indices.shape[:-1] + {what}[indices.shape[-1]:], got "
            f"updates.shape {_fmt_shape(np.shape(updates))}, indices.shape {_fmt_shape(ishp)}, "
            f"{what} {_fmt_shape(shp)}"
        )
    ci = _concrete(indices)
    if ci is not None:
        _check_nd_indices(ci, shp[:k], what)
    base = jnp.asarray(base)
    upd = jnp.asarray(updates, base.dtype).reshape((-1,) + shp[k:])
    if k == 0:
        if kind == "set":
            return upd[-1] if upd.shape[0] else base
        red = {
            "add": jnp.sum,
            "sum": jnp.sum,
            "sub": jnp.sum,
            "mul": jnp.prod,
            "min": jnp.min,
            "max": jnp.max,
        }
        if kind == "div":
            return base / jnp.prod(upd, axis=0)
        r = red[kind](upd, axis=0)
        if kind in ("add", "sum"):
            return base + r
        if kind == "sub":
            return base - r
        if kind == "mul":
            return base * r
        return jnp.minimum(base, r) if kind == "min" else jnp.maximum(base, r)
    idx = jnp.asarray(indices).reshape(-1, k)
    dims = jnp.asarray(shp[:k], idx.dtype)
    valid = jnp.all((idx >= 0) & (idx < dims), axis=1)
    idx = jnp.where(valid[:, None], idx, dims)  # out of bounds: dropped (negative ones would wrap)
    ref = base.at[tuple(idx[:, j] for j in range(k))]
    if kind == "set":
        return ref.set(upd, mode="drop")
    if kind in ("add", "sum"):
        return ref.add(upd, mode="drop")
    if kind == "sub":
        return ref.add(-upd, mode="drop")
    if kind == "mul":
        return ref.multiply(upd, mode="drop")
    if kind == "div":
        return ref.divide(upd, mode="drop")
    if kind == "min":
        return ref.min(upd, mode="drop")
    if kind == "max":
        return ref.max(upd, mode="drop")
    raise ValueError(kind)


@register_op("ScatterNd", shape=array_ops.dtype_of_input(1))
def _scatter_nd(indices, updates, shape, **_):
    shp = tuple(int(d) for d in static_ints(shape, "scatter_nd's shape").reshape(-1))
    if any(d < 0 for d in shp):
        raise _invalid(f"shape must be non-negative, got {_fmt_shape(shp)}")
    base = jnp.zeros(shp, jnp.asarray(updates).dtype)
    return _scatter_nd_core(base, indices, updates, "sum")


def scatter_nd(indices, updates, shape, name=None):
    """tf.scatter_nd (op ScatterNd): zeros of `shape` with `updates` added at `indices` (duplicates add)."""
    indices = _as_index_tensor(indices, "indices", "ScatterNd")
    updates = _constant.convert_to_tensor(updates)
    shape_t = (
        shape if isinstance(shape, _graph.Tensor) else _constant.convert_to_tensor(shape, dtype=indices.dtype)
    )
    out = make_tensor("ScatterNd", [indices, updates, shape_t], name=name or "ScatterNd")
    if shape_t.shape.ndims == 1:
        array_ops._maybe_set_static_shape(out, shape_t)
    return out


def _register_tensor_scatter(op_type, kind):
    def lower(tensor, indices, updates, **_):
        return _scatter_nd_core(tensor, indices, updates, kind, what="tensor.shape")

    lower.__name__ = "_" + op_type.lower()
    register_op(op_type)(lower)

    def builder(tensor, indices, updates, name=None):
        t = _constant.convert_to_tensor(tensor)
        i = _as_index_tensor(indices, "indices", op_type)
        u = _constant.convert_to_tensor(updates, dtype=t.dtype.base_dtype)
        _check_nd_update_shapes(t.shape, i.shape, u.shape, op_type, name or op_type)
        out = make_tensor(op_type, [t, i, u], name=name or op_type)
        out.set_shape(t.shape)
        return out

    builder.__name__ = {
        "TensorScatterUpdate": "tensor_scatter_nd_update",
        "TensorScatterAdd": "tensor_scatter_nd_add",
        "TensorScatterSub": "tensor_scatter_nd_sub",
        "TensorScatterMax": "tensor_scatter_nd_max",
        "TensorScatterMin": "tensor_scatter_nd_min",
    }[op_type]
    builder.__doc__ = (
        f"tf.{builder.__name__} (op {op_type}): a copy of `tensor` with `updates` {kind} at the nd-`indices`."
    )
    return builder


def _check_nd_update_shapes(ref_shape, ind_shape, upd_shape, op_type, name):
    if ref_shape.ndims is None or ind_shape.ndims is None or upd_shape.ndims is None:
        return
    k = ind_shape[-1].value if ind_shape.ndims else None
    if k is None:
        return
    if k > ref_shape.ndims:
        raise ValueError(
            f"Index innermost dimension length must be <= ref rank; saw: {k} vs. {ref_shape.ndims} "
            f"for '{name}' (op: '{op_type}')"
        )
    want = _ts.TensorShape(ind_shape.as_list()[:-1] + ref_shape.as_list()[k:])
    if upd_shape.ndims == 0:
        return
    if not want.is_compatible_with(upd_shape):
        raise ValueError(
            f"Dimensions of updates {upd_shape} must match indices.shape[:-1] + ref.shape[K:] = "
            f"{want} for '{name}' (op: '{op_type}') with input shapes: {ref_shape}, {ind_shape}, "
            f"{upd_shape}."
        )


tensor_scatter_nd_update = tensor_scatter_update = _register_tensor_scatter("TensorScatterUpdate", "set")
tensor_scatter_nd_add = tensor_scatter_add = _register_tensor_scatter("TensorScatterAdd", "add")
tensor_scatter_nd_sub = tensor_scatter_sub = _register_tensor_scatter("TensorScatterSub", "sub")
tensor_scatter_nd_max = _register_tensor_scatter("TensorScatterMax", "max")
tensor_scatter_nd_min = _register_tensor_scatter("TensorScatterMin", "min")


# --------------------------------------------------------------------------------------------
# scatter into variables (ref ops)
# --------------------------------------------------------------------------------------------


def _scatter_ref_shape(op):
    ref = op.inputs[0]
    return [(ref.shape, ref.dtype.base_dtype._as_ref)]


def _register_var_scatter(op_type, kind, nd):
    def lower(ctx, ref, indices, updates, use_locking=False, **_):
        old = ctx.read(ref)
        if nd:
            new = _scatter_nd_core(old, indices, updates, kind, what="ref.shape")
        else:
            if np.ndim(old) < 1:
                raise _invalid(f"{op_type}: ref must be at least 1-D")
            ci = _concrete(indices)
            if ci is not None:
                _check_indices(ci, np.shape(old)[0])
            want = tuple(np.shape(indices)) + tuple(np.shape(old))[1:]
            if np.ndim(updates) == 0:
                updates = jnp.broadcast_to(updates, want)
            if tuple(np.shape(updates)) != want:
                raise _invalid(
                    f"Must have updates.shape = indices.shape + params.shape[1:] or updates.shape = [], "
                    f"got updates.shape {_fmt_shape(np.shape(updates))}, indices.shape "
                    f"{_fmt_shape(np.shape(indices))}, params.shape {_fmt_shape(np.shape(old))}"
                )
            new = _scatter_nd_core(old, jnp.expand_dims(jnp.asarray(indices), -1), updates, kind)
        ctx.write(ref, state_ops._cast_like_var(ctx, ref, new))
        return ref

    lower.__name__ = "_" + op_type.lower()
    register_op(
        op_type,
        shape=_scatter_ref_shape,
        ctx=True,
        stateful=True,
        ref_inputs=(0,),
        ref_outputs=(0,),
        reads_ref=True,
        writes_ref=True,
    )(lower)


_VAR_SCATTERS = {
    "ScatterUpdate": ("set", False, True),
    "ScatterAdd": ("add", False, False),
    "ScatterSub": ("sub", False, False),
    "ScatterMul": ("mul", False, False),
    "ScatterDiv": ("div", False, False),
    "ScatterMin": ("min", False, False),
    "ScatterMax": ("max", False, False),
    "ScatterNdUpdate": ("set", True, True),
    "ScatterNdAdd": ("add", True, False),
    "ScatterNdSub": ("sub", True, False),
}
for _t, (_k, _nd, _lock) in _VAR_SCATTERS.items():
    _register_var_scatter(_t, _k, _nd)


def _var_scatter_builder(op_type, api_name):
    kind, nd, default_locking = _VAR_SCATTERS[op_type]

    def builder(ref, indices, updates, use_locking=default_locking, name=None):
        r = state_ops._as_ref(ref)
        if not isinstance(r, _graph.Tensor) or not r.dtype._is_ref_dtype:
            raise TypeError(
                f"'{op_type}' Op requires that input 'ref' be a mutable tensor (e.g.: a tf.Variable)"
            )
        i = _as_index_tensor(indices, "indices", op_type)
        u = _constant.convert_to_tensor(updates, dtype=r.dtype.base_dtype)
        if nd:
            _check_nd_update_shapes(r.shape, i.shape, u.shape, op_type, name or op_type)
        elif r.shape.ndims is not None and i.shape.ndims is not None and u.shape.ndims not in (None, 0):
            want = i.shape.concatenate(r.shape[1:])
            if not want.is_compatible_with(u.shape):
                raise ValueError(
                    f"Shapes must be equal rank, but are {u.shape.ndims} and {want.ndims} for "
                    f"'{name or op_type}' (op: '{op_type}') with input shapes: {r.shape}, {i.shape}, "
                    f"{u.shape}."
                    if u.shape.ndims != want.ndims
                    else f"Dimensions of updates {u.shape} must match indices.shape + ref.shape[1:] = "
                    f"{want} for '{name or op_type}' (op: '{op_type}')"
                )
        op = _g().create_op(op_type, [r, i, u], {"use_locking": bool(use_locking)}, name=name or op_type)
        return op.outputs[0]

    builder.__name__ = api_name
    builder.__doc__ = (
        f"tf.{api_name} (op {op_type}): updates the variable `ref` in place ({kind} at "
        f"{'nd-' if nd else ''}`indices`) and returns it (reading the new value)."
    )
    return builder


scatter_update = _var_scatter_builder("ScatterUpdate", "scatter_update")
scatter_add = _var_scatter_builder("ScatterAdd", "scatter_add")
scatter_sub = _var_scatter_builder("ScatterSub", "scatter_sub")
scatter_mul = _var_scatter_builder("ScatterMul", "scatter_mul")
scatter_div = _var_scatter_builder("ScatterDiv", "scatter_div")
scatter_min = _var_scatter_builder("ScatterMin", "scatter_min")
scatter_max = _var_scatter_builder("ScatterMax", "scatter_max")
scatter_nd_update = _var_scatter_builder("ScatterNdUpdate", "scatter_nd_update")
scatter_nd_add = _var_scatter_builder("ScatterNdAdd", "scatter_nd_add")
scatter_nd_sub = _var_scatter_builder("ScatterNdSub", "scatter_nd_sub")


# --------------------------------------------------------------------------------------------
# segment reductions
# --------------------------------------------------------------------------------------------


def _lowest(dtype):
    return jnp.finfo(dtype).min if jnp.issubdtype(dtype, jnp.inexact) else jnp.iinfo(dtype).min


def _highest(dtype):
    return jnp.finfo(dtype).max if jnp.issubdtype(dtype, jnp.inexact) else jnp.iinfo(dtype).max


def _bcast(v, ndim):
    return v.reshape(v.shape + (1,) * (ndim - v.ndim))


@functools.partial(jax.custom_vjp, nondiff_argnums=(2, 3))
def _seg_extreme(data, ids, n, is_max):
    return (jax.ops.segment_max if is_max else jax.ops.segment_min)(data, ids, n)


def _seg_extreme_fwd(data, ids, n, is_max):
    out = _seg_extreme(data, ids, n, is_max)
    return out, (data, ids, out)


def _seg_extreme_bwd(n, is_max, res, g):
    # TF1's _SegmentMinOrMaxGrad: the gradient is divided evenly among the selected (tied) elements.
    data, ids, out = res
    if n == 0:
        return jnp.zeros_like(data), None
    valid = ids < n
    cl = jnp.clip(ids, 0, n - 1)
    sel = _bcast(valid, data.ndim) & (data == out[cl])
    num = jax.ops.segment_sum(sel.astype(g.dtype), ids, n)
    w = g / jnp.where(num > 0, num, jnp.ones((), num.dtype))
    return jnp.where(sel, w[cl], _zero(g.dtype)), None


_seg_extreme.defvjp(_seg_extreme_fwd, _seg_extreme_bwd)


@functools.partial(jax.custom_vjp, nondiff_argnums=(2,))
def _seg_prod(data, ids, n):
    return jax.ops.segment_prod(data, ids, n)


def _seg_prod_fwd(data, ids, n):
    out = _seg_prod(data, ids, n)
    return out, (data, ids, out)


def _seg_prod_bwd(n, res, g):
    # TF1's _UnsortedSegmentProdGrad (handles zeros without dividing by them).
    data, ids, out = res
    if n == 0:
        return jnp.zeros_like(data), None
    valid = _bcast(ids < n, data.ndim)
    cl = jnp.clip(ids, 0, n - 1)
    is_zero = data == 0
    num_zeros = jax.ops.segment_sum(is_zero.astype(jnp.int32), ids, n)
    g = jnp.where(num_zeros > 1, jnp.zeros_like(g), g)
    one = jnp.ones((), data.dtype)
    non_zero_prod = jax.ops.segment_prod(jnp.where(is_zero, one, data), ids, n)
    partial = jnp.where(is_zero, non_zero_prod[cl], out[cl] / jnp.where(is_zero, one, data))
    return jnp.where(valid, g[cl], _zero(g.dtype)) * partial, None


_seg_prod.defvjp(_seg_prod_fwd, _seg_prod_bwd)


def _segment_reduce(kind, data, ids, n, unsorted):
    """Reduces rows of `data` (first dim = len(ids)) into `n` segments; ids outside [0, n) are dropped."""
    data = jnp.asarray(data)
    ids = jnp.asarray(ids)
    valid = (ids >= 0) & (ids < n)
    ids = jnp.where(valid, ids, n)
    inexact = jnp.issubdtype(data.dtype, jnp.inexact)
    if kind == "sum":
        return jax.ops.segment_sum(data, ids, n)
    count = jax.ops.segment_sum(valid.astype(jnp.int32), ids, n)
    if kind == "mean":
        s = jax.ops.segment_sum(data, ids, n)
        c = _bcast(jnp.maximum(count, 1), data.ndim).astype(data.dtype)
        return jax.lax.div(s, c) if not inexact else s / c
    if kind == "prod":
        return _seg_prod(data, ids, n) if inexact else jax.ops.segment_prod(data, ids, n)
    is_max = kind == "max"
    out = (
        _seg_extreme(data, ids, n, is_max)
        if inexact
        else (jax.ops.segment_max if is_max else jax.ops.segment_min)(data, ids, n)
    )
    if unsorted:
        fill = _lowest(data.dtype) if is_max else _highest(data.dtype)
    else:
        fill = 0
    return jnp.where(_bcast(count > 0, out.ndim), out, jnp.asarray(fill, data.dtype))


def _index_limit_shape(op):
    return [([None, 0], _dtypes.int32)]


@register_op("_IndexLimit", shape=_index_limit_shape, host=True, differentiable=False)
def _index_limit(ctx, *ids, check_sorted=False, what="segment_ids", **_):
    """max(ids) + 1 over all inputs, as the first dimension of an empty int32 array (static under jit)."""
    n = 0
    for v in ids:
        v = np.asarray(v).reshape(-1)
        if v.size == 0:
            continue
        if check_sorted:
            _validate_sorted(v)
        elif (v < 0).any():
            raise _invalid(f"{what}[{int(np.argmax(v < 0))}] = {int(v[v < 0][0])} is out of range")
        n = max(n, int(v.max()) + 1)
    return np.zeros((n, 0), np.int32)


def _validate_sorted(v):
    if (v < 0).any():
        i = int(np.argmax(v < 0))
        raise _invalid(f"segment ids must be >= 0: segment_ids[{i}] = {int(v[i])}")
    if v.size > 1 and (np.diff(v) < 0).any():
        raise _invalid("segment ids are not increasing")


def _segment_shape(op):
    data, ids = op.inputs[0], op.inputs[1]
    dt = data.dtype.base_dtype
    if ids.shape.ndims not in (None, 1):
        raise ValueError(
            f"Shape must be rank 1 but is rank {ids.shape.ndims} for '{op.name}' (op: '{op.type}') "
            f"with input shapes: {data.shape}, {ids.shape}."
        )
    if data.shape.ndims is None:
        return [(_ts.unknown_shape(), dt)]
    if data.shape.ndims == 0:
        raise ValueError(f"Shape must be at least rank 1 but is rank 0 for '{op.name}' (op: '{op.type}')")
    if ids.shape.ndims == 1 and not _ts.TensorShape([data.shape[0]]).is_compatible_with(ids.shape):
        raise ValueError(
            f"Dimensions must be equal, but are {data.shape[0]} and {ids.shape[0]} for '{op.name}' "
            f"(op: '{op.type}') with input shapes: {data.shape}, {ids.shape}."
        )
    return [([None] + data.shape.as_list()[1:], dt)]


def _register_segment(op_type, kind):
    def lower(data, segment_ids, *limit, **_):
        if np.ndim(segment_ids) != 1:
            raise _invalid(f"segment_ids should be a vector, got shape {_fmt_shape(np.shape(segment_ids))}")
        if np.ndim(data) < 1 or np.shape(data)[0] != np.shape(segment_ids)[0]:
            raise _invalid("segment_ids should be the same size as dimension 0 of input.")
        c = _concrete(segment_ids)
        if limit:
            n = np.shape(limit[0])[0]
        elif c is not None:
            _validate_sorted(c)
            n = int(c[-1]) + 1 if c.size else 0
        else:
            raise ValueError(
                f"{op_type}: the number of segments (max(segment_ids) + 1) must be known when the "
                "graph is compiled; build the op with tf.math.segment_* so it is computed first"
            )
        return _segment_reduce(kind, data, segment_ids, n, unsorted=False)

    lower.__name__ = "_" + op_type.lower()
    register_op(op_type, shape=_segment_shape)(lower)

    def builder(data, segment_ids, name=None):
        data = _constant.convert_to_tensor(data)
        ids = _as_index_tensor(segment_ids, "segment_ids", op_type)
        g = _g()
        if array_ops.value_is_static(ids):
            return make_tensor(op_type, [data, ids], name=name or op_type)
        op_name = g.unique_name(name or op_type)
        limit = make_tensor("_IndexLimit", [ids], {"check_sorted": True}, name=op_name + "/num_segments/")
        return make_tensor(op_type, [data, ids, limit], name=op_name + "/")

    builder.__name__ = "segment_" + kind
    builder.__doc__ = (
        f"tf.math.segment_{kind} (op {op_type}): the {kind} over each segment of sorted "
        "`segment_ids`; the output has max(segment_ids) + 1 rows (empty segments give "
        f"{'1' if kind == 'prod' else '0'})."
    )
    return builder


segment_sum = _register_segment("SegmentSum", "sum")
segment_mean = _register_segment("SegmentMean", "mean")
segment_max = _register_segment("SegmentMax", "max")
segment_min = _register_segment("SegmentMin", "min")
segment_prod = _register_segment("SegmentProd", "prod")


def _unsorted_shape(op):
    data, ids, num = op.inputs
    dt = data.dtype.base_dtype
    nv = array_ops._static_value(num)
    n = None if nv is None else int(np.asarray(nv).reshape(()))
    if data.shape.ndims is None or ids.shape.ndims is None:
        return [(_ts.unknown_shape(), dt)]
    r = ids.shape.ndims
    prefix = _ts.TensorShape(data.shape.as_list()[:r])
    if prefix.ndims != r or not prefix.is_compatible_with(ids.shape):
        raise ValueError(
            f"Dimensions must be equal: data.shape = {data.shape} does not start with "
            f"segment_ids.shape = {ids.shape} for '{op.name}' (op: '{op.type}')"
        )
    return [([n] + data.shape.as_list()[r:], dt)]


def _register_unsorted(op_type, kind):
    def lower(data, segment_ids, num_segments, **_):
        n = _int_scalar(num_segments, "num_segments")
        ds, isx = tuple(np.shape(data)), tuple(np.shape(segment_ids))
        if ds[: len(isx)] != isx:
            raise _invalid(
                f"data.shape = {_fmt_shape(ds)} does not start with segment_ids.shape = {_fmt_shape(isx)}"
            )
        c = _concrete(segment_ids)
        if c is not None and (c >= n).any():
            i = int(np.flatnonzero(c.reshape(-1) >= n)[0])
            raise _invalid(
                f"segment_ids[{_pos(i, c.shape)}] = {int(c.reshape(-1)[i])} is out of range [0, {n})"
            )
        flat = jnp.reshape(data, (-1,) + ds[len(isx) :])
        return _segment_reduce(kind, flat, jnp.reshape(segment_ids, (-1,)), n, unsorted=True)

    lower.__name__ = "_" + op_type.lower()
    register_op(op_type, shape=_unsorted_shape)(lower)

    def builder(data, segment_ids, num_segments, name=None):
        data = _constant.convert_to_tensor(data)
        ids = _as_index_tensor(segment_ids, "segment_ids", op_type)
        num = (
            num_segments
            if isinstance(num_segments, _graph.Tensor)
            else _constant.convert_to_tensor(num_segments, dtype=None)
        )
        return make_tensor(op_type, [data, ids, num], name=name or op_type)

    builder.__name__ = "unsorted_segment_" + kind
    builder.__doc__ = (
        f"tf.math.unsorted_segment_{kind} (op {op_type}): the {kind} over each of `num_segments` "
        "segments; negative ids are dropped; `num_segments` must be known when the step is traced."
    )
    return builder


unsorted_segment_sum = _register_unsorted("UnsortedSegmentSum", "sum")
unsorted_segment_max = _register_unsorted("UnsortedSegmentMax", "max")
unsorted_segment_min = _register_unsorted("UnsortedSegmentMin", "min")
unsorted_segment_prod = _register_unsorted("UnsortedSegmentProd", "prod")


def _unsorted_segment_n(data, segment_ids, num_segments):
    """TF1's _unsorted_segment_N: the per-segment counts (at least 1), shaped to broadcast against data."""
    ones_t = array_ops.ones(array_ops.shape_internal(segment_ids), dtype=data.dtype.base_dtype)
    n = unsorted_segment_sum(ones_t, segment_ids, num_segments)
    if data.shape.ndims is not None and segment_ids.shape.ndims is not None:
        extra = data.shape.ndims - segment_ids.shape.ndims
        nv = array_ops._static_value(num_segments)
        lead = int(nv) if nv is not None else -1
        n = array_ops.reshape(n, [lead] + [1] * extra)
    from compat_tf._src.ops import math_ops

    return math_ops.maximum(n, _constant.constant(1, dtype=data.dtype.base_dtype))


def unsorted_segment_mean(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_mean: sum / max(count, 1), built as TF1."""
    from compat_tf._src.ops import math_ops

    with _g().name_scope(name or "UnsortedSegmentMean"):
        data = _constant.convert_to_tensor(data)
        segment_ids = _as_index_tensor(segment_ids, "segment_ids", "UnsortedSegmentMean")
        num_segments = _constant.convert_to_tensor(num_segments)
        n = _unsorted_segment_n(data, segment_ids, num_segments)
        summed = unsorted_segment_sum(data, segment_ids, num_segments)
        return math_ops.truediv(summed, n)


def unsorted_segment_sqrt_n(data, segment_ids, num_segments, name=None):
    """tf.math.unsorted_segment_sqrt_n: sum / sqrt(max(count, 1)), built as TF1."""
    from compat_tf._src.ops import math_ops

    with _g().name_scope(name or "UnsortedSegmentSqrtN"):
        data = _constant.convert_to_tensor(data)
        segment_ids = _as_index_tensor(segment_ids, "segment_ids", "UnsortedSegmentSqrtN")
        num_segments = _constant.convert_to_tensor(num_segments)
        n = _unsorted_segment_n(data, segment_ids, num_segments)
        summed = unsorted_segment_sum(data, segment_ids, num_segments)
        return math_ops.truediv(summed, math_ops.sqrt(n))


# --------------------------------------------------------------------------------------------
# dynamic_partition / dynamic_stitch
# --------------------------------------------------------------------------------------------


def _partition_shape(op):
    data, parts = op.inputs
    n = op.get_attr("num_partitions")
    dt = data.dtype.base_dtype
    if data.shape.ndims is None or parts.shape.ndims is None:
        return [(_ts.unknown_shape(), dt)] * n
    return [([None] + data.shape.as_list()[parts.shape.ndims :], dt)] * n


@register_op(
    "DynamicPartition",
    num_outputs=lambda attrs, n: attrs["num_partitions"],
    shape=_partition_shape,
    host=True,
    differentiable=False,
)
def _dynamic_partition(ctx, data, partitions, num_partitions, **_):
    data, p = np.asarray(data), np.asarray(partitions)
    if data.shape[: p.ndim] != p.shape:
        raise _invalid(
            f"data.shape must start with partitions.shape, got data.shape = {_fmt_shape(data.shape)}, "
            f"partitions.shape = {_fmt_shape(p.shape)}"
        )
    bad = (p < 0) | (p >= num_partitions)
    if bad.any():
        i = int(np.flatnonzero(bad.reshape(-1))[0])
        raise _invalid(
            f"partitions[{_pos(i, p.shape)}] = {int(p.reshape(-1)[i])} is not in [0, {num_partitions})"
        )
    return [data[p == i] for i in range(num_partitions)]


def dynamic_partition(data, partitions, num_partitions, name=None):
    """tf.dynamic_partition: splits `data` into `num_partitions` tensors by the `partitions` values.

    For float data it is built from host Where ops and device GatherNd ops so that
    gradients reach `data` (see the module docstring); otherwise it is one host
    DynamicPartition op.
    """
    data = _constant.convert_to_tensor(data)
    parts = _constant.convert_to_tensor(partitions, dtype=_dtypes.int32)
    if parts.dtype.base_dtype != _dtypes.int32:
        raise TypeError(
            f"Value passed to parameter 'partitions' has DataType {parts.dtype.base_dtype.name} not in "
            "list of allowed values: int32"
        )
    num = int(num_partitions)
    if num < 1:
        raise ValueError(f"Value for attr 'num_partitions' of {num} must be at least minimum 1")
    if data.shape.ndims is not None and parts.shape.ndims is not None:
        if (
            not _ts.TensorShape(data.shape.as_list()[: parts.shape.ndims]).is_compatible_with(parts.shape)
            or parts.shape.ndims > data.shape.ndims
        ):
            raise ValueError(
                f"Dimensions must be equal: data.shape {data.shape} must start with partitions.shape "
                f"{parts.shape}"
            )
    if not (data.dtype.is_floating or data.dtype.is_complex) or parts.shape.ndims is None:
        op = make_op(
            "DynamicPartition", [data, parts], {"num_partitions": num}, name=name or "DynamicPartition"
        )
        return list(op.outputs)
    from compat_tf._src.ops import math_ops

    outs = []
    with _g().name_scope(name or "DynamicPartition"):
        for i in range(num):
            mask = math_ops.equal(parts, _constant.constant(i, dtype=_dtypes.int32))
            outs.append(gather_nd(data, array_ops.where(mask)))
    return outs


def _stitch_lower(*args, N, **_):
    idx, data = args[:N], args[N : 2 * N]
    limit = args[2 * N :]
    rest = None
    for i, (ix, d) in enumerate(zip(idx, data)):
        ds, isx = tuple(np.shape(d)), tuple(np.shape(ix))
        if ds[: len(isx)] != isx:
            raise _invalid(
                f"data[{i}].shape = {_fmt_shape(ds)} does not start with indices[{i}].shape = "
                f"{_fmt_shape(isx)}"
            )
        r = ds[len(isx) :]
        if rest is None:
            rest = r
        elif r != rest:
            raise _invalid(
                f"All data must have the same trailing shape: {_fmt_shape(rest)} vs. {_fmt_shape(r)}"
            )
    cs = [_concrete(ix) for ix in idx]
    if _is_np(*data) and all(c is not None for c in cs):
        # host (string) data: plain NumPy, later entries overwrite earlier ones
        flat = [c.reshape(-1) for c in cs]
        n = max((int(f.max()) + 1 for f in flat if f.size), default=0)
        if any((f < 0).any() for f in flat):
            raise _invalid("DynamicStitchOp: negative index in indices")
        out = np.zeros((n,) + rest, dtype=np.asarray(data[0]).dtype)
        if out.dtype == object:
            out[...] = b""
        for f, d in zip(flat, data):
            out[f] = np.asarray(d).reshape((-1,) + rest)
        return out
    if all(c is not None for c in cs):
        flat = np.concatenate([c.reshape(-1) for c in cs]) if cs else np.zeros((0,), np.int64)
        if (flat < 0).any():
            raise _invalid(f"DynamicStitchOp: index {int(flat[flat < 0][0])} is not in valid range")
        n = int(flat.max()) + 1 if flat.size else 0
    elif limit:
        n = np.shape(limit[0])[0]
    else:
        raise ValueError(
            "DynamicStitch: the output size (max(indices) + 1) must be known when the graph is "
            "compiled; build the op with tf.dynamic_stitch so it is computed first"
        )
    dtype = jnp.asarray(data[0]).dtype
    flat_idx = jnp.concatenate([jnp.reshape(jnp.asarray(ix), (-1,)) for ix in idx])
    flat_data = jnp.concatenate([jnp.reshape(jnp.asarray(d, dtype), (-1,) + rest) for d in data])
    total = flat_idx.shape[0]
    if total == 0 or n == 0:
        return jnp.zeros((n,) + rest, dtype)
    valid = (flat_idx >= 0) & (flat_idx < n)
    safe = jnp.where(valid, flat_idx, n)
    # the last (input, position) writing a slot wins, as in TF1
    winner = jax.ops.segment_max(jnp.arange(total), safe, n)
    has = winner >= 0
    vals = flat_data[jnp.clip(winner, 0, total - 1)]
    return jnp.where(_bcast(has, vals.ndim), vals, _zero(dtype))


def _stitch_shape(op):
    base = dataclasses.replace(registry.get(op.type), shape=None)
    specs = shape_inference.infer(op, base)
    return [(specs[0][0], op.inputs[op.get_attr("N")].dtype.base_dtype)]


register_op("DynamicStitch", shape=_stitch_shape)(_stitch_lower)
register_op("ParallelDynamicStitch", shape=_stitch_shape)(_stitch_lower)


def _stitch_builder(op_type, indices, data, name):
    indices = [_as_index_tensor(i, "indices", op_type) for i in indices]
    data = [_constant.convert_to_tensor(d) for d in data]
    if len(indices) != len(data) or not indices:
        raise ValueError(
            f"{op_type} needs the same positive number of indices and data tensors, got "
            f"{len(indices)} and {len(data)}"
        )
    dts = {d.dtype.base_dtype for d in data}
    if len(dts) > 1:
        raise TypeError(
            f"Tensors in list passed to 'data' of '{op_type}' Op have types "
            f"[{', '.join(d.dtype.base_dtype.name for d in data)}] that don't all match."
        )
    attrs = {"N": len(indices)}
    if all(array_ops.value_is_static(i) for i in indices):
        return make_tensor(op_type, indices + data, attrs, name=name or op_type)
    g = _g()
    op_name = g.unique_name(name or op_type)
    limit = make_tensor("_IndexLimit", indices, {"what": "indices"}, name=op_name + "/size/")
    out = make_tensor(op_type, indices + data + [limit], attrs, name=op_name + "/")
    return out


def dynamic_stitch(indices, data, name=None):
    """tf.dynamic_stitch (op DynamicStitch): `merged[indices[m][i]] = data[m][i]`; later entries win."""
    return _stitch_builder("DynamicStitch", indices, data, name)


def parallel_dynamic_stitch(indices, data, name=None):
    """tf.parallel_dynamic_stitch (op ParallelDynamicStitch): as dynamic_stitch."""
    return _stitch_builder("ParallelDynamicStitch", indices, data, name)


def batch_scatter_update(ref, indices, updates, use_locking=True, name=None):
    """tf.batch_scatter_update (TF 1.15's state_ops.batch_scatter_update): for every leading
    (batch) position of `indices`, `ref[batch..., indices[batch..., j]] = updates[batch..., j]`,
    built as TF's: the batch coordinates (tf.range over each leading dimension) concatenated
    with `indices` feed one ScatterNdUpdate. `indices` must have a known rank (ValueError)."""
    from compat_tf._src.ops import math_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "batch_scatter_update"):
        indices = _constant.convert_to_tensor(indices, name="indices")
        rank = indices.shape.ndims
        if rank is None:
            raise ValueError("batch_gather does not allow indices with unknown shape.")
        indices_shape = array_ops.shape(indices)
        nd_indices = array_ops.expand_dims(indices, axis=-1)
        parts = []
        for dim in range(rank - 1):
            size = indices_shape[dim]
            bshape = [1] * (rank + 1)
            bshape[dim] = size
            dim_range = array_ops.reshape(array_ops.range(0, size, 1), array_ops.stack(bshape))
            if dim_range.dtype.base_dtype != nd_indices.dtype.base_dtype:
                dim_range = math_ops.cast(dim_range, nd_indices.dtype.base_dtype)
            parts.append(dim_range * array_ops.ones_like(nd_indices))
        parts.append(nd_indices)
        final = array_ops.concat(parts, axis=-1)
        return scatter_nd_update(ref, final, updates, use_locking=use_locking)
