"""Array ops: shapes, reshapes, slicing, packing, ranges, padding, masks, diagonals.

Mirrors TF1's array_ops.py / gen_array_ops: op types and default op names are
TF 1.15's (ConcatV2 "concat", Split/SplitV "split", ExpandDims, Squeeze,
Tile, Pad/PadV2/MirrorPad, Fill, Slice, ReverseV2, OneHot, Where, Select,
Unique, MatrixDiag, ...). Shape/Size/Rank give int32 by default and are
Consts when the input's static shape is known (TF1's `optimize=True`);
`t[...]` builds one StridedSlice; a list holding tensors converts to a Pack.

compat_tf runs a graph as jitted XLA programs, whose shapes are static:

- Inputs that fix a shape (axis, perm, shape, multiples, paddings, sizes,
  depth) must be known when the step is traced. Under jit every shape is
  static, so values computed from `tf.shape(x)` qualify; a fed placeholder
  does not (`tf.range` and `tf.fill`/`tf.zeros`/`tf.ones` are the exceptions: with a
  run-time limit or shape they run on the host, as ops `_HostRange` / `_HostFill`).
- Ops whose output shape depends on input *values* (`tf.where(cond)` with one
  argument, `tf.unique`, `tf.setdiff1d`) run on the host between jitted
  segments (NumPy lowerings); gradients do not flow through them.
  `tf.boolean_mask` is TF1's composition (host Where, then a device
  GatherV2), so the gradient reaches the masked tensor as in TF1.
- Strided slices may index with a scalar tensor known only at run time
  (`x[i]`), and tf.slice may take a run-time `begin` with a static `size`; like
  XLA's dynamic slicing, an out-of-range run-time index is clamped instead of
  raising (static out-of-range indices raise as in TF1).
- MatrixDiag/MatrixDiagPart/MatrixSetDiag are used with the default k=0; with
  `k`, `num_rows`, `num_cols` or `padding_value` the V2 ops are used, whose
  band diagonals are left-aligned as in TF 1.15.
"""

import builtins
import dataclasses
import math

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import registry
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor, static_ints
from compat_tf._src.runtime.interp import eager as _interp_eager

__all__ = [
    "batch_to_space",
    "batch_to_space_nd",
    "boolean_mask",
    "broadcast_dynamic_shape",
    "broadcast_static_shape",
    "broadcast_to",
    "concat",
    "depth_to_space",
    "diag",
    "diag_part",
    "ensure_shape",
    "expand_dims",
    "eye",
    "fill",
    "identity_n",
    "invert_permutation",
    "matrix_band_part",
    "matrix_diag",
    "matrix_diag_part",
    "matrix_set_diag",
    "matrix_transpose",
    "meshgrid",
    "newaxis",
    "one_hot",
    "ones",
    "ones_like",
    "pad",
    "range",
    "rank",
    "reshape",
    "reverse",
    "reverse_sequence",
    "reverse_v2",
    "sequence_mask",
    "setdiff1d",
    "shape",
    "shape_n",
    "size",
    "slice",
    "space_to_batch",
    "space_to_batch_nd",
    "space_to_depth",
    "split",
    "squeeze",
    "stack",
    "strided_slice",
    "tile",
    "transpose",
    "unique",
    "unique_with_counts",
    "unstack",
    "where",
    "where_v2",
    "zeros",
    "zeros_like",
]

newaxis = None

_builtin_slice = builtins.slice


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _is_np(*xs):
    """Whether to compute with NumPy: all inputs are NumPy values, or some are strings (object arrays).

    String ops run on the host; their numeric inputs may come out of a jitted
    segment as concrete jax arrays, which NumPy converts.
    """
    if any(isinstance(x, np.ndarray) and x.dtype == object for x in xs):
        return True
    return all(isinstance(x, (np.ndarray, np.generic)) for x in xs)


def _xp(*xs):
    """NumPy when every value is a NumPy array (build-time folding, host strings), else jax.numpy."""
    return np if _is_np(*xs) else jnp


def _concrete(v):
    """`v` as a NumPy array when its value is known now (not a tracer of a jit trace), else None."""
    return _interp_eager.concrete_value(v)


def _is_tensor_like(v):
    return isinstance(v, _graph.Tensor) or (
        hasattr(v, "_as_graph_element") and not isinstance(v, (list, tuple))
    )


def _invalid(msg):
    return errors.InvalidArgumentError(None, None, msg)


def _fmt_shape(shape):
    return "[" + ",".join(str(int(d)) for d in shape) + "]"


def _g():
    return _graph.get_default_graph()


def _int_scalar(v, what):
    a = static_ints(v, what).reshape(-1)
    if a.size != 1:
        raise _invalid(f"{what} must be a scalar, got shape {list(np.shape(v))}")
    return int(a[0])


def _static_value(t):
    """The build-time value of `t` (TF1's tensor_util.constant_value), or None."""
    return shape_inference.constant_value(t)


_RUNTIME_SOURCES = frozenset(
    {"Placeholder", "PlaceholderWithDefault", "VariableV2", "Variable", "VarHandleOp", "ReadVariableOp"}
)


def value_is_static(tensor):
    """Whether `tensor`'s value is fixed when a step is traced (computed from constants and shapes).

    Such values may drive output shapes of device ops; values derived from
    feeds, variables or host ops are only known at run time.
    """
    memo = {}
    stack = [tensor]
    while stack:
        t = stack[-1]
        if t in memo:
            stack.pop()
            continue
        op = t.op
        if op.type in ("Shape", "Size", "Rank", "ShapeN") or _static_value_small(t):
            memo[t] = True
            stack.pop()
            continue
        opdef = registry.lookup(op.type)
        if (
            opdef is None
            or op.type in _RUNTIME_SOURCES
            or opdef.host
            or opdef.stateful
            or opdef.ctx
            or op._attrs.get("_captured_ops")
            or plan_is_host_dtype(t)
        ):
            memo[t] = False
            stack.pop()
            continue
        pending = [i for i in op.inputs if i not in memo]
        if pending:
            stack.extend(pending)
            continue
        memo[t] = all(memo[i] for i in op.inputs)
        stack.pop()
    return memo[tensor]


def _static_value_small(t):
    try:
        return _static_value(t) is not None
    except Exception:
        return False


def plan_is_host_dtype(t):
    return t.dtype.base_dtype in (_dtypes.string, _dtypes.resource, _dtypes.variant)


def _scalar_dim(t):
    """A scalar int tensor's build-time value as a dimension (None when unknown or negative)."""
    v = _static_value(t)
    if v is not None:
        v = int(np.asarray(v).reshape(()))
        return v if v >= 0 else None
    op = t.op
    if op.type == "StridedSlice" and op.get_attr("shrink_axis_mask") == 1 and op.inputs[0].op.type == "Shape":
        b = _static_value(op.inputs[1])
        shp = op.inputs[0].op.inputs[0].shape
        if b is not None and shp.ndims is not None and np.asarray(b).size == 1:
            i = int(np.asarray(b).reshape(-1)[0])
            if -shp.ndims <= i < shp.ndims:
                return shp.as_list()[i]
    if op.type == "Cast":
        return _scalar_dim(op.inputs[0])
    return None


def constant_value_as_shape(tensor):
    """TF1's tensor_util.constant_value_as_shape: the partial shape a 1-D int tensor describes."""
    t = _constant.convert_to_tensor(tensor)
    if t.shape.ndims == 0:
        v = _static_value(t)
        if v is not None and int(v) == -1:
            return _ts.unknown_shape()
        return _ts.unknown_shape()
    op = t.op
    if op.type == "Shape":
        return op.inputs[0].shape
    if op.type == "Pack":
        return _ts.TensorShape([_scalar_dim(i) for i in op.inputs])
    if op.type == "ConcatV2":
        axis = _static_value(op.inputs[-1])
        if axis is not None and int(axis) == 0:
            out = _ts.TensorShape([])
            for i in op.inputs[:-1]:
                out = out.concatenate(constant_value_as_shape(i))
            return out
    if op.type == "Cast":
        return constant_value_as_shape(op.inputs[0])
    if (
        op.type == "StridedSlice"
        and op.get_attr("shrink_axis_mask") == 0
        and op.get_attr("ellipsis_mask") == 0
        and op.get_attr("new_axis_mask") == 0
    ):
        b, e, s = (_static_value(i) for i in op.inputs[1:4])
        if b is not None and e is not None and s is not None and np.asarray(b).size == 1:
            prev = constant_value_as_shape(op.inputs[0])
            if prev.ndims is not None:
                b0 = None if op.get_attr("begin_mask") & 1 else int(np.asarray(b).reshape(-1)[0])
                e0 = None if op.get_attr("end_mask") & 1 else int(np.asarray(e).reshape(-1)[0])
                return _ts.TensorShape(prev.as_list()[b0 : e0 : int(np.asarray(s).reshape(-1)[0])])
    v = _static_value(t)
    if v is not None:
        return _ts.TensorShape([int(d) if d >= 0 else None for d in np.asarray(v).reshape(-1)])
    n = t.shape[0].value if t.shape.ndims == 1 else None
    return _ts.unknown_shape(rank=n)


def _maybe_set_static_shape(tensor, shape_tensor):
    try:
        partial = constant_value_as_shape(shape_tensor)
    except Exception:
        return
    if partial.ndims is not None and tensor.shape.is_compatible_with(partial):
        tensor.set_shape(partial)


def dtype_of_input(index):
    """A shape rule: the default (jax.eval_shape) inference, with the output dtype of input `index`.

    For ops whose first input is not the data (Fill, Split, ScatterNd, OneHot): when
    their shape depends on run-time values the default inference would otherwise
    guess the dtype from the first input.
    """

    def rule(op):
        base = dataclasses.replace(registry.get(op.type), shape=None)
        specs = shape_inference.infer(op, base)
        dt = op.inputs[index].dtype.base_dtype
        return [(s, dt) for s, _ in specs]

    return rule


def _check_int_dtype(t, what, op_type):
    if t.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(
            f"Value passed to parameter '{what}' has DataType {t.dtype.base_dtype.name} not in list of "
            f"allowed values: int32, int64 (op {op_type})"
        )


# --------------------------------------------------------------------------------------------
# shape queries: Consts when the static shape is known (TF1's optimize=True), else ops that
# lower to NumPy values (static under jit)
# --------------------------------------------------------------------------------------------


def _shape_shape(op):
    # a 1-D vector of the input's rank, also when the rank is unknown ([None], as TF1)
    return [([op.inputs[0].shape.ndims], op.attrs.get("out_type", _dtypes.int32))]


@register_op("Shape", differentiable=False, shape=_shape_shape)
def _shape(x, out_type=_dtypes.int32):
    return np.array(np.shape(x), dtype=out_type.as_numpy_dtype)


@register_op("ShapeN", num_outputs=lambda attrs, n: n, differentiable=False)
def _shape_n(*xs, out_type=_dtypes.int32, **_):
    return [np.array(np.shape(x), dtype=out_type.as_numpy_dtype) for x in xs]


@register_op("Size", differentiable=False)
def _size(x, out_type=_dtypes.int32):
    return np.array(int(np.prod(np.shape(x))), dtype=out_type.as_numpy_dtype)


@register_op("Rank", differentiable=False, shape=lambda op: [([], _dtypes.int32)])
def _rank(x):
    return np.array(len(np.shape(x)), dtype=np.int32)


def shape(input, name=None, out_type=_dtypes.int32):
    """tf.shape: a Const when the static shape is fully known, else op Shape (int32 by default)."""
    return shape_internal(input, name, optimize=True, out_type=out_type)


def shape_internal(input, name=None, optimize=True, out_type=_dtypes.int32):
    out_type = _dtypes.as_dtype(out_type)
    x = _constant.convert_to_tensor(input)
    with x.graph.name_scope(name or "Shape") as scope:
        if optimize and x.shape.is_fully_defined():
            return _constant.constant(x.shape.as_list(), out_type, name=scope)
        return make_tensor("Shape", [x], {"out_type": out_type}, name=scope)


def size(input, name=None, out_type=_dtypes.int32):
    """tf.size: a Const when the static shape is fully known, else op Size."""
    out_type = _dtypes.as_dtype(out_type)
    x = _constant.convert_to_tensor(input)
    with x.graph.name_scope(name or "Size") as scope:
        if x.shape.is_fully_defined():
            return _constant.constant(x.shape.num_elements(), out_type, name=scope)
        if x.shape.ndims and any(d == 0 for d in x.shape.as_list()):
            return _constant.constant(0, out_type, name=scope)
        return make_tensor("Size", [x], {"out_type": out_type}, name=scope)


def rank(input, name=None):
    """tf.rank: a Const when the rank is known, else op Rank."""
    x = _constant.convert_to_tensor(input)
    with x.graph.name_scope(name or "Rank") as scope:
        if x.shape.ndims is not None:
            return _constant.constant(x.shape.ndims, _dtypes.int32, name=scope)
        return make_tensor("Rank", [x], name=scope)


def shape_n(input, out_type=_dtypes.int32, name=None):
    """tf.shape_n (op ShapeN): the shapes of a list of tensors."""
    ins = [_constant.convert_to_tensor(x) for x in input]
    op = make_op(
        "ShapeN", ins, {"out_type": _dtypes.as_dtype(out_type), "N": len(ins)}, name=name or "ShapeN"
    )
    return op.outputs


# --------------------------------------------------------------------------------------------
# reshape
# --------------------------------------------------------------------------------------------


def _known_product(dims):
    """(index of the one unknown dim or -1, product of the known dims, more than one unknown)."""
    unknown, product = -1, 1
    for i, d in enumerate(dims):
        if d is None:
            if unknown >= 0:
                return unknown, product, True
            unknown = i
        else:
            product *= d
    return unknown, product, False


def _dims_str(dims):
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def _reshape_shape(op):
    """TF1's Reshape shape function (SetOutputShapeForReshape in array_ops.cc), run at build time.

    The requested shape (-1 and values known only at run time as unknown dims) is checked against
    the input's static shape where both are known enough: element counts that cannot match raise
    ValueError when the op is created, as TF1's graph construction does; a -1 is inferred when the
    input's size is known. More than one unknown on either side is left to run time.
    """
    x, shape = op.inputs
    dtype = x.dtype.base_dtype
    value = shape_inference.constant_value(shape)
    if value is not None and np.ndim(value) == 1 and (np.asarray(value) < -1).any():
        bad = int(np.asarray(value)[np.asarray(value) < -1][0])
        raise ValueError(f"Dimension {bad} must be >= -1 for '{op.name}' (op: 'Reshape')")
    out = constant_value_as_shape(shape) if shape.shape.ndims == 1 else _ts.unknown_shape()
    if out.ndims is None or x.shape.ndims is None:
        return [(out, dtype)]
    out_dims, in_dims = out.as_list(), x.shape.as_list()
    out_unknown, out_n, many_out = _known_product(out_dims)
    in_unknown, in_n, many_in = _known_product(in_dims)
    where = (f" for '{op.name}' (op: 'Reshape') with input shapes: {x.shape}, {shape.shape} and the "
             f"requested shape {out}")
    if many_out or many_in:
        pass
    elif in_unknown < 0 and out_unknown < 0:
        if in_n != out_n:
            raise ValueError(f"Cannot reshape a tensor with {in_n} elements to shape {_dims_str(out_dims)} "
                             f"({out_n} elements){where}")
    elif in_unknown < 0 and out_n == 0:
        if in_n != 0:
            raise ValueError(f"Cannot reshape a tensor with {in_n} elements to shape {_dims_str(out_dims)} "
                             f"(0 elements){where}")
    elif in_unknown < 0:                        # infer the -1 from the input's size
        if in_n % out_n:
            raise ValueError(f"Dimension size must be evenly divisible by {out_n} but is {in_n}{where}")
        out_dims[out_unknown] = in_n // out_n
    elif out_unknown < 0 and in_n != 0 and out_n % in_n:
        raise ValueError(f"Dimension size must be evenly divisible by {in_n} but is {out_n}{where}")
    return [(out_dims, dtype)]


@register_op("Reshape", shape=_reshape_shape)
def _reshape(x, shape):
    shp = tuple(int(d) for d in static_ints(shape, "the shape given to tf.reshape").reshape(-1))
    size = math.prod(np.shape(x))      # symbolic in a new batch size's trace (tiers): kept so
    known = int(np.prod([d for d in shp if d != -1])) if shp else 1
    if list(shp).count(-1) > 1:
        raise ValueError("only one dimension of a reshape may be -1")
    if -1 in shp:
        if known == 0 or not _divisible(size, known):
            raise ValueError(
                f"Input to reshape is a tensor with {size} values, but the requested shape "
                f"{list(shp)} is not compatible"
            )
    elif known != size:
        raise ValueError(
            f"Input to reshape is a tensor with {size} values, but the requested shape has {known}"
        )
    return jnp.reshape(x, shp) if not isinstance(x, np.ndarray) else np.reshape(x, shp)


def _divisible(size, by):
    """Whether `by` divides `size`; True where `size` is symbolic and the question has no answer
    for every value of its dimensions (jnp.reshape then checks it for the shape it gets)."""
    try:
        return not size % by
    except jax.errors.InconclusiveDimensionOperation:
        return True


def reshape(tensor, shape, name=None):
    """tf.reshape (op Reshape): one dimension may be -1; partial static shapes are kept as in TF1."""
    t = _constant.convert_to_tensor(tensor)
    s = _constant.convert_to_tensor(shape, preferred_dtype=_dtypes.int32)   # [] is an int32 shape
    if not s.dtype.is_integer:
        raise TypeError(
            f"Value passed to parameter 'shape' has DataType {s.dtype.name} not in list of "
            "allowed values: int32, int64"
        )
    return make_tensor("Reshape", [t, s], name=name or "Reshape")


# --------------------------------------------------------------------------------------------
# pack / unpack
# --------------------------------------------------------------------------------------------


def _pack_shape(op):
    # TF1's Pack shape function: the inputs' shapes merged ([None, 3] and [2, None] stack to
    # [2, 2, 3]), N inserted at `axis`.
    merged = _ts.TensorShape(None)
    for t in op.inputs:
        merged = merged.merge_with(t.shape)
    dtype = op.inputs[0].dtype.base_dtype
    if merged.ndims is None:
        return [(_ts.TensorShape(None), dtype)]
    axis = op.get_attr("axis")
    dims = merged.as_list()
    dims.insert(axis + len(dims) + 1 if axis < 0 else axis, len(op.inputs))
    return [(dims, dtype)]


@register_op("Pack", shape=_pack_shape)
def _pack(*values, axis=0, **_):
    if all(isinstance(v, np.ndarray) for v in values):
        return np.stack(values, axis=axis)
    return jnp.stack(values, axis=axis)


def stack(values, axis=0, name="stack"):
    """tf.stack (op Pack): all values must have the same shape and dtype."""
    values = [_constant.convert_to_tensor(v) for v in values]
    dts = {v.dtype.base_dtype for v in values}
    if len(dts) > 1:
        raise TypeError(
            "Tensors in list passed to 'values' of 'Pack' Op have types "
            f"[{', '.join(v.dtype.base_dtype.name for v in values)}] that don't all match."
        )
    s0 = values[0].shape
    for v in values[1:]:
        if not s0.is_compatible_with(v.shape):
            raise ValueError(f"Shapes must be equal rank, but are {s0} and {v.shape}")
    rank_ = s0.ndims
    if rank_ is not None and not -rank_ - 1 <= axis <= rank_:
        raise ValueError(f"axis = {axis} not in [{-rank_ - 1}, {rank_}]")
    return make_tensor("Pack", values, {"axis": axis, "N": len(values)}, name=name)


def pack_autopacking(value, dtype, name):
    """Converts a (nested) list holding tensors to one tensor, as TF1's _autopacking_conversion."""

    def convert(v):
        if isinstance(v, (list, tuple)):
            return (
                stack([convert(e) for e in v], name="packed")
                if _has_tensor(v)
                else _constant.convert_to_tensor(v, dtype=target)
            )
        return _constant.convert_to_tensor(v, dtype=target)

    target = dtype
    if target is None:
        for t in _flat(value):
            if isinstance(t, _graph.Tensor) or hasattr(t, "_as_graph_element"):
                target = _constant.convert_to_tensor(t).dtype.base_dtype
                break
    elems = [convert(e) for e in value]
    return stack(elems, name=name)


def _has_tensor(v):
    return any(isinstance(e, _graph.Tensor) or hasattr(e, "_as_graph_element") for e in _flat(v))


def _flat(v):
    if isinstance(v, (list, tuple)):
        for e in v:
            yield from _flat(e)
    else:
        yield v


@register_op("Unpack", num_outputs=lambda attrs, n: attrs["num"])
def _unpack(value, num, axis=0, **_):
    xp = _xp(value)
    return [xp.squeeze(s, axis) for s in xp.split(value, num, axis=axis)]


def unstack(value, num=None, axis=0, name="unstack"):
    """tf.unstack (op Unpack): `num` is inferred from the static shape when not given."""
    value = _constant.convert_to_tensor(value)
    if num is None:
        if value.shape.ndims is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
        if not -value.shape.ndims <= axis < value.shape.ndims:
            raise ValueError(f"axis = {axis} not in [{-value.shape.ndims}, {value.shape.ndims})")
        num = value.shape[axis].value
        if num is None:
            raise ValueError(f"Cannot infer num from shape {value.shape}")
    g = _graph.get_default_graph()
    return g.create_op("Unpack", [value], {"num": num, "axis": axis}, name=name).outputs


# --------------------------------------------------------------------------------------------
# strided slice (t[...])
# --------------------------------------------------------------------------------------------


def _slice_entries(value, static, n, what):
    """Per-position ints (or traced scalars where only known at run time)."""
    arr = _concrete(value)
    if arr is not None:
        return [int(v) for v in arr.astype(np.int64).reshape(-1)]
    out = []
    for i in builtins.range(n):
        s = static[i] if static is not None and i < len(static) else None
        out.append(int(s) if s is not None else value[i])
    return out


@register_op("StridedSlice")
def _strided_slice(
    x,
    begin,
    end,
    strides,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
    _static_begin=None,
    _static_end=None,
    _static_strides=None,
    **_,
):
    n = int(np.shape(begin)[0]) if np.ndim(begin) else 0
    begin = _slice_entries(begin, _static_begin, n, "begin")
    end = _slice_entries(end, _static_end, n, "end")
    strides = _slice_entries(strides, _static_strides, n, "strides")
    if any(not isinstance(s, int) for s in strides):
        raise ValueError("strided_slice strides must be known when the graph is compiled")
    index = []
    dynamic = False
    for i in builtins.range(n):
        bit = 1 << i
        if ellipsis_mask & bit:
            index.append(Ellipsis)
        elif new_axis_mask & bit:
            index.append(None)
        elif shrink_axis_mask & bit:
            if not isinstance(begin[i], int):
                dynamic = True
            index.append(begin[i])
        else:
            b = None if begin_mask & bit else begin[i]
            e = None if end_mask & bit else end[i]
            if (b is not None and not isinstance(b, int)) or (e is not None and not isinstance(e, int)):
                raise ValueError(
                    "strided_slice: a slice `a:b` whose bounds are only known at run time is not "
                    "supported by compat_tf (XLA needs static shapes); a single run-time index "
                    "`x[i]` is"
                )
            if strides[i] == 0:
                raise _invalid(f"strides[{i}] must be non-zero")
            index.append(_builtin_slice(b, e, strides[i]))
    shp = np.shape(x)
    # bounds check for static shrink (scalar) indices, which NumPy/JAX would clamp or wrap silently
    dim = 0
    n_real = sum(1 for s in index if s is not None and s is not Ellipsis)
    for s in index:
        if s is Ellipsis:
            dim += len(shp) - n_real
            continue
        if s is None:
            continue
        if dim >= len(shp):
            raise _invalid(f"Index out of range using input dim {dim}; input has only {len(shp)} dims")
        if isinstance(s, int) and not -shp[dim] <= s < shp[dim]:
            raise _invalid(f"slice index {s} of dimension {dim} out of bounds.")
        dim += 1
    if dynamic:
        return jnp.asarray(x)[tuple(index)]
    return x[tuple(index)]


def strided_slice(
    input_,
    begin,
    end,
    strides=None,
    begin_mask=0,
    end_mask=0,
    ellipsis_mask=0,
    new_axis_mask=0,
    shrink_axis_mask=0,
    var=None,
    name=None,
):
    """tf.strided_slice (op StridedSlice) with TF1's masks."""
    if strides is None:
        strides = [1] * len(begin) if isinstance(begin, (list, tuple)) else ones_like(begin)
    return make_tensor(
        "StridedSlice",
        [input_, begin, end, strides],
        {
            "begin_mask": begin_mask,
            "end_mask": end_mask,
            "ellipsis_mask": ellipsis_mask,
            "new_axis_mask": new_axis_mask,
            "shrink_axis_mask": shrink_axis_mask,
        },
        name=name or "StridedSlice",
    )


def _slice_helper(tensor, slice_spec, var=None):
    """`tensor[slice_spec]`, as TF1's array_ops._slice_helper (a bool mask gives tf.boolean_mask)."""
    if (
        isinstance(slice_spec, (bool, np.bool_))
        or (isinstance(slice_spec, _graph.Tensor) and slice_spec.dtype.base_dtype == _dtypes.bool)
        or (isinstance(slice_spec, np.ndarray) and slice_spec.dtype == bool)
    ):
        return boolean_mask(tensor=tensor, mask=slice_spec)
    if not isinstance(slice_spec, (list, tuple)) or isinstance(slice_spec, _graph.Tensor):
        slice_spec = [slice_spec]
    if isinstance(slice_spec, list):
        # TF1 treats a list index like a tuple of indices
        slice_spec = tuple(slice_spec)
    begin, end, strides = [], [], []
    begin_mask = end_mask = ellipsis_mask = new_axis_mask = shrink_axis_mask = 0
    for index, s in enumerate(slice_spec):
        bit = 1 << index
        if isinstance(s, _builtin_slice):
            for v in (s.start, s.stop, s.step):
                if v is not None and not _is_index(v):
                    raise TypeError(
                        "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and "
                        f"scalar tf.int32/tf.int64 tensors are valid indices, got {s!r}"
                    )
            begin.append(0 if s.start is None else s.start)
            end.append(0 if s.stop is None else s.stop)
            strides.append(1 if s.step is None else s.step)
            if s.start is None:
                begin_mask |= bit
            if s.stop is None:
                end_mask |= bit
        elif s is Ellipsis:
            begin.append(0), end.append(0), strides.append(1)
            ellipsis_mask |= bit
        elif s is None:
            begin.append(0), end.append(0), strides.append(1)
            new_axis_mask |= bit
        else:
            if not _is_index(s):
                raise TypeError(
                    "Only integers, slices (`:`), ellipsis (`...`), tf.newaxis (`None`) and scalar "
                    f"tf.int32/tf.int64 tensors are valid indices, got {s!r}"
                )
            begin.append(s)
            end.append(s + 1 if isinstance(s, (int, np.integer)) else _plus_one(s))
            strides.append(1)
            shrink_axis_mask |= bit
    _check_static_indices(_constant.convert_to_tensor(tensor), slice_spec)
    g = _graph.get_default_graph()
    with g.name_scope("strided_slice") as scope:
        if not begin:
            begin_t = _constant.constant(np.zeros((0,), np.int32))
            end_t, strides_t = begin_t, begin_t
        else:
            begin_t = stack_or_const(begin)
            end_t = stack_or_const(end)
            strides_t = stack_or_const(strides)
        attrs = {
            "begin_mask": begin_mask,
            "end_mask": end_mask,
            "ellipsis_mask": ellipsis_mask,
            "new_axis_mask": new_axis_mask,
            "shrink_axis_mask": shrink_axis_mask,
        }
        # Python ints among tensor entries: recorded so the lowering can slice statically around a
        # run-time index (the packed begin/end vectors are traced as a whole).
        for key, vals in (("_static_begin", begin), ("_static_end", end), ("_static_strides", strides)):
            if not all(isinstance(v, (int, np.integer)) for v in vals):
                attrs[key] = tuple(int(v) if isinstance(v, (int, np.integer)) else None for v in vals)
        out = make_tensor("StridedSlice", [tensor, begin_t, end_t, strides_t], attrs, name=scope)
    return out


def _check_static_indices(tensor, slice_spec):
    """TF1's shape function rejects out-of-range constant indices when the graph is built."""
    shp = tensor.shape
    if shp.ndims is None:
        return
    n_real = sum(1 for s in slice_spec if s is not None and s is not Ellipsis)
    dim = 0
    for s in slice_spec:
        if s is Ellipsis:
            dim += shp.ndims - n_real
            continue
        if s is None:
            continue
        if dim >= shp.ndims:
            raise ValueError(
                f"Index out of range using input dim {dim}; input has only {shp.ndims} dims for "
                f"'strided_slice' (op: 'StridedSlice') with input shapes: {shp}."
            )
        if isinstance(s, (int, np.integer)) and not isinstance(s, (bool, np.bool_)):
            d = shp[dim].value
            if d is not None and not -d <= s < d:
                raise ValueError(
                    f"slice index {s} of dimension {dim} out of bounds. for 'strided_slice' "
                    f"(op: 'StridedSlice') with input shapes: {shp}."
                )
        dim += 1


def _is_index(v):
    if isinstance(v, (bool, np.bool_)):
        return False
    if isinstance(v, (int, np.integer)):
        return True
    if isinstance(v, _ts.Dimension):
        return v.value is not None
    if isinstance(v, _graph.Tensor):
        return v.dtype.base_dtype in (_dtypes.int32, _dtypes.int64) and v.shape.ndims in (None, 0)
    return False


def _plus_one(t):
    from compat_tf._src.ops import math_ops

    return math_ops.add(t, 1)


def stack_or_const(values):
    """A 1-D int tensor from Python ints and scalar tensors (a Const when all are ints)."""
    values = [int(v) if isinstance(v, _ts.Dimension) else v for v in values]
    if all(isinstance(v, (int, np.integer)) for v in values):
        arr = np.asarray(values, dtype=np.int64)
        dt = np.int32 if (arr.size == 0 or (arr.min() >= -(2**31) and arr.max() < 2**31)) else np.int64
        return _constant.constant(arr.astype(dt))
    ts = [v if isinstance(v, _graph.Tensor) else v for v in values]
    dt = next(v.dtype.base_dtype for v in ts if isinstance(v, _graph.Tensor))
    return stack([_constant.convert_to_tensor(v, dtype=dt) for v in ts])


_graph.OVERLOADS["getitem"] = _slice_helper


# --------------------------------------------------------------------------------------------
# ranges
# --------------------------------------------------------------------------------------------


def _range_shape(op):
    """TF1's Range shape function: 1-D, with its length when start/limit/delta are build-time values
    (a limit read from tf.shape of a partly unknown shape leaves the length unknown, not the rank)."""
    dtype = op.inputs[0].dtype.base_dtype
    vals = [shape_inference.constant_value(t) for t in op.inputs]
    if all(v is not None for v in vals):
        try:
            return [([_range_length(*vals)], dtype)]     # the length, not the values: no allocation
        except errors.InvalidArgumentError as e:       # TF1's shape function fails the op's creation
            raise ValueError(f"{e.message} for '{op.name}' (op: 'Range')") from None
    return [([None], dtype)]


def _range_length(start, limit, delta):
    """The length of np.arange(start, limit, delta), after TF's checks (InvalidArgumentError)."""
    s, lim, d = (np.asarray(v) for v in (start, limit, delta))
    if d == 0:
        raise _invalid("Requires delta != 0: 0")
    if (d > 0 and s > lim) or (d < 0 and s < lim):
        raise _invalid(
            f"Requires start <= limit when delta > 0: {s}/{lim}"
            if d > 0
            else f"Requires start >= limit when delta < 0: {s}/{lim}"
        )
    if np.result_type(s, lim, d).kind in "iu":
        return (abs(int(lim) - int(s)) + abs(int(d)) - 1) // abs(int(d))
    return max(math.ceil((float(lim) - float(s)) / float(d)), 0)


@register_op("Range", shape=_range_shape)
def _range(start, limit, delta, **_):
    s, lim, d = (np.asarray(v) for v in (start, limit, delta))
    _range_length(s, lim, d)
    return np.arange(s, lim, d, dtype=np.result_type(s, lim, d))


def _host_range_shape(op):
    return [([None], op.inputs[0].dtype.base_dtype)]


@register_op("_HostRange", shape=_host_range_shape, host=True, differentiable=False)
def _host_range(ctx, start, limit, delta, **_):
    return _range(start, limit, delta)


def range(start, limit=None, delta=1, dtype=None, name="range"):  # noqa: A001 - TF1 name
    """tf.range (op Range): int32 for Python ints, like TF1.

    The bounds must be known when the step is traced (constants, values computed
    from shapes); a bound known only at run time (a feed, a reduction of data)
    makes the op run on the host instead (op type `_HostRange`).
    """
    if limit is None:
        start, limit = 0, start
    g = _graph.get_default_graph()
    with g.name_scope(name) as scope:
        start = _constant.convert_to_tensor(start, dtype=dtype)
        limit = _constant.convert_to_tensor(limit, dtype=dtype)
        delta = _constant.convert_to_tensor(delta, dtype=dtype)
        if dtype is None:
            order = [_dtypes.int32, _dtypes.int64, _dtypes.float32, _dtypes.float64]
            inferred = max((t.dtype.base_dtype for t in (start, limit, delta)), key=order.index)
            from compat_tf._src.ops import math_ops

            start, limit, delta = (math_ops.cast(t, inferred) for t in (start, limit, delta))
        op_type = "Range" if all(value_is_static(t) for t in (start, limit, delta)) else "_HostRange"
        return make_tensor(op_type, [start, limit, delta], name=scope)


# --------------------------------------------------------------------------------------------
# transpose
# --------------------------------------------------------------------------------------------


@register_op("Transpose")
def _transpose(x, perm):
    p = tuple(int(i) for i in static_ints(perm, "the transpose permutation"))
    if sorted(i % max(np.ndim(x), 1) for i in p) != list(builtins.range(np.ndim(x))):
        raise _invalid(f"{list(p)} is not a valid permutation of rank {np.ndim(x)}")
    return jnp.transpose(x, p) if not isinstance(x, np.ndarray) else np.transpose(x, p)


def transpose(a, perm=None, name="transpose", conjugate=False):
    """tf.transpose (op Transpose): reverses the dimensions when `perm` is None."""
    a = _constant.convert_to_tensor(a)
    g = _graph.get_default_graph()
    with g.name_scope(name) as scope:
        if perm is None:
            if a.shape.ndims is None:
                from compat_tf._src.ops import math_ops

                r = rank(a)
                perm = math_ops.subtract(math_ops.subtract(r, 1), range(0, r))
            else:
                perm = _constant.constant(np.arange(a.shape.ndims)[::-1].astype(np.int32))
        out = make_tensor("Transpose", [a, perm], name=scope)
        if conjugate and a.dtype.is_complex:
            from compat_tf._src.ops import math_ops

            out = math_ops.conj(out)
        return out


def matrix_transpose(a, name="matrix_transpose", conjugate=False):
    """tf.matrix_transpose / tf.linalg.matrix_transpose: swaps the two innermost dimensions."""
    a = _constant.convert_to_tensor(a)
    nd = a.shape.ndims
    if nd is None:
        raise ValueError("tf.matrix_transpose needs a tensor of known rank")
    if nd < 2:
        raise ValueError(f"Argument 'a' should be a (batch) matrix, with rank >= 2.  Found: {a.shape}")
    perm = list(builtins.range(nd - 2)) + [nd - 1, nd - 2]
    return transpose(a, perm, name=name, conjugate=conjugate)


# --------------------------------------------------------------------------------------------
# concat / split
# --------------------------------------------------------------------------------------------


def _concat_shape(op):
    values = op.inputs[:-1]
    if not values:
        raise ValueError(f"'{op.name}' (op: 'ConcatV2') needs at least one value to concatenate")
    dtype = values[0].dtype.base_dtype
    shapes = [v.shape for v in values]
    rank_ = next((s.ndims for s in shapes if s.ndims is not None), None)
    if rank_ is None:
        return [(_ts.unknown_shape(), dtype)]
    for s in shapes:
        if s.ndims is not None and s.ndims != rank_:
            raise ValueError(
                f"Shape must be rank {rank_} but is rank {s.ndims} for '{op.name}' (op: 'ConcatV2') "
                f"with input shapes: {', '.join(str(x) for x in shapes)}."
            )
    axis = _static_value(op.inputs[-1])
    if axis is None:
        return [(_ts.TensorShape([None] * rank_), dtype)]
    ax = int(np.asarray(axis).reshape(()))
    if not -rank_ <= ax < rank_:
        raise ValueError(
            f"ConcatOp : Expected concatenating dimensions in the range [{-rank_}, {rank_}), but "
            f"got {ax} for '{op.name}' (op: 'ConcatV2')"
        )
    ax %= rank_
    dims = [None] * rank_
    total = 0
    for s in shapes:
        if s.ndims is None:
            total = None
            continue
        for i, d in enumerate(s.as_list()):
            if i == ax:
                total = None if (total is None or d is None) else total + d
            elif d is not None:
                if dims[i] is not None and dims[i] != d:
                    raise ValueError(
                        f"Dimension {i} in both shapes must be equal, but are {dims[i]} and {d}. "
                        f"Shapes are {shapes[0]} and {s}. for '{op.name}' (op: 'ConcatV2') with input "
                        f"shapes: {', '.join(str(x) for x in shapes)}."
                    )
                dims[i] = d
    dims[ax] = total
    return [(_ts.TensorShape(dims), dtype)]


@register_op("ConcatV2", shape=_concat_shape)
def _concat_v2(*args, N=None, **_):
    values, axis = args[:-1], args[-1]
    nd = np.ndim(values[0])
    ax = _int_scalar(axis, "the concat axis")
    if not -nd <= ax < nd:
        raise _invalid(
            f"ConcatOp : Expected concatenating dimensions in the range [{-nd}, {nd}), but got {ax}"
        )
    ax %= nd
    s0 = np.shape(values[0])
    for i, v in enumerate(values[1:], 1):
        s = np.shape(v)
        if len(s) != nd or any(a != b for j, (a, b) in enumerate(zip(s0, s)) if j != ax):
            raise _invalid(
                f"ConcatOp : Dimensions of inputs should match: shape[0] = {_fmt_shape(s0)} vs. "
                f"shape[{i}] = {_fmt_shape(s)}"
            )
    return _xp(*values).concatenate(values, axis=ax)


def concat(values, axis, name="concat"):
    """tf.concat (op ConcatV2); a single value gives an Identity, as TF1.

    Static shapes follow TF1's shape function: `[None,2]` and `[None,3]` on axis 1
    give `[None,5]`; mismatched known dimensions raise ValueError.
    """
    if not isinstance(values, (list, tuple)):
        values = [values]
    g = _g()
    if len(values) == 1:
        with g.name_scope(name):
            ax = _constant.convert_to_tensor(axis, name="concat_dim", dtype=_dtypes.int32)
            if ax.shape.ndims not in (None, 0):
                raise ValueError(f"Shape must be rank 0 but is rank {ax.shape.ndims}")
            from compat_tf._src.ops import control_flow_ops

            return control_flow_ops.identity(values[0], name=name)
    dt = next((_constant.convert_to_tensor(v).dtype.base_dtype for v in values if _is_tensor_like(v)), None)
    ts = [
        _constant.convert_to_tensor(v) if _is_tensor_like(v) else _constant.convert_to_tensor(v, dtype=dt)
        for v in values
    ]
    dts = [t.dtype.base_dtype for t in ts]
    if len(set(dts)) > 1:
        raise TypeError(
            "Tensors in list passed to 'values' of 'ConcatV2' Op have types "
            f"[{', '.join(d.name for d in dts)}] that don't all match."
        )
    for t in ts:
        if t.shape.ndims == 0:
            raise ValueError(
                "Can't concatenate scalars (use tf.stack instead) for "
                f"'{name}' (op: 'ConcatV2') with input shapes: {t.shape}."
            )
    ax = _constant.convert_to_tensor(axis, dtype=None) if not isinstance(axis, _graph.Tensor) else axis
    _check_int_dtype(ax, "axis", "ConcatV2")
    return make_tensor("ConcatV2", ts + [ax], {"N": len(ts)}, name=name)


@register_op("Split", num_outputs=lambda attrs, n: attrs["num_split"], shape=dtype_of_input(1))
def _split(axis, value, num_split, **_):
    nd = np.ndim(value)
    ax = _int_scalar(axis, "the split axis")
    if not -nd <= ax < nd:
        raise _invalid(f"-input rank(-{nd}) <= split_dim < input rank ({nd}), but got {ax}")
    ax %= nd
    dim = np.shape(value)[ax]
    if dim % num_split:
        raise _invalid(
            f"Number of ways to split should evenly divide the split dimension, but got split_dim "
            f"{ax} (size = {dim}) and num_split {num_split}"
        )
    return list(_xp(value).split(value, num_split, axis=ax))


def _split_sizes(sizes, dim):
    sizes = [int(s) for s in sizes]
    if sizes.count(-1) > 1:
        raise _invalid(f"There can only be one -1 in the input, got {sizes}")
    if -1 in sizes:
        rest = dim - sum(s for s in sizes if s != -1)
        if rest < 0:
            raise _invalid(
                f"Determined shape must either match input shape along split_dim exactly if fully "
                f"specified, or be less than the size of the input along split_dim if not fully "
                f"specified.  Got: {sum(s for s in sizes if s != -1)}"
            )
        sizes[sizes.index(-1)] = rest
    if sum(sizes) != dim or any(s < 0 for s in sizes):
        raise _invalid(
            f"Determined shape must either match input shape along split_dim exactly if fully "
            f"specified, or be less than the size of the input along split_dim if not fully "
            f"specified.  Got: {sum(sizes)}"
        )
    return sizes


@register_op("SplitV", num_outputs=lambda attrs, n: attrs["num_split"])
def _split_v(value, size_splits, axis, num_split, **_):
    nd = np.ndim(value)
    ax = _int_scalar(axis, "the split axis")
    if not -nd <= ax < nd:
        raise _invalid(f"-input rank(-{nd}) <= split_dim < input rank ({nd}), but got {ax}")
    ax %= nd
    sizes = static_ints(size_splits, "the split sizes").reshape(-1)
    if len(sizes) != num_split:
        raise _invalid(f"size_splits has {len(sizes)} entries for num_split {num_split}")
    sizes = _split_sizes(sizes, np.shape(value)[ax])
    cuts = np.cumsum(sizes)[:-1].tolist()
    return list(_xp(value).split(value, cuts, axis=ax))


def split(value, num_or_size_splits, axis=0, num=None, name="split"):
    """tf.split: op Split for an int number of pieces, SplitV for a list of sizes (one may be -1)."""
    size_splits = _constant.convert_to_tensor(num_or_size_splits)  # TF1 makes this (unused) Const too
    value = _constant.convert_to_tensor(value)
    if isinstance(num_or_size_splits, (int, np.integer, _ts.Dimension)) and not isinstance(
        num_or_size_splits, (bool, np.bool_)
    ):
        n = int(num_or_size_splits)
        if n <= 0:
            raise ValueError(f"num_split must be positive, got {n}")
        ax_t = (
            _constant.convert_to_tensor(axis, dtype=_dtypes.int32)
            if not isinstance(axis, _graph.Tensor)
            else axis
        )
        ax_v = _static_value(ax_t)
        if ax_v is not None and value.shape.ndims is not None:
            ax = int(ax_v)
            nd = value.shape.ndims
            if not -nd <= ax < nd:
                raise ValueError(
                    f"Dimension must be in range [{-nd}, {nd}), but is {ax} for '{name}' (op: 'Split')"
                )
            d = value.shape[ax % nd].value
            if d is not None and d % n:
                raise ValueError(
                    f"Dimension size must be evenly divisible by {n} but is {d} for '{name}' "
                    f"(op: 'Split') with input shapes: [], {value.shape}."
                )
        op = make_op("Split", [ax_t, value], {"num_split": n}, name=name)
        return list(op.outputs)
    if size_splits.shape.ndims == 0:
        raise ValueError(
            "Rank-0 tensors are not supported as the num_or_size_splits argument to split. "
            f"Argument provided: {num_or_size_splits}"
        )
    if num is None:
        if size_splits.shape.ndims == 1:
            num = size_splits.shape[0].value
        if num is None:
            raise ValueError(f"Cannot infer num from shape {num_or_size_splits}")
    ax_t = (
        _constant.convert_to_tensor(axis, dtype=_dtypes.int32)
        if not isinstance(axis, _graph.Tensor)
        else axis
    )
    sizes_v = _static_value(size_splits)
    ax_v = _static_value(ax_t)
    if sizes_v is not None and ax_v is not None and value.shape.ndims is not None:
        d = value.shape[int(ax_v) % value.shape.ndims].value
        if d is not None:
            try:
                _split_sizes(np.asarray(sizes_v).reshape(-1), d)
            except errors.InvalidArgumentError as e:
                raise ValueError(
                    f"{e.message} for '{name}' (op: 'SplitV') with input shapes: {value.shape}"
                ) from None
    op = make_op("SplitV", [value, size_splits, ax_t], {"num_split": int(num)}, name=name)
    return list(op.outputs)


# --------------------------------------------------------------------------------------------
# expand_dims / squeeze
# --------------------------------------------------------------------------------------------


@register_op("ExpandDims")
def _expand_dims(x, dim, **_):
    d = static_ints(dim, "the expand_dims axis").reshape(-1)
    if d.size != 1:
        raise _invalid(f"'dim' must be a tensor with a single value, got {d.size} values")
    d = int(d[0])
    nd = np.ndim(x)
    if not -nd - 1 <= d <= nd:
        raise _invalid(f"Tried to expand dim index {d} for tensor with {nd} dimensions.")
    return _xp(x).expand_dims(x, d)


def expand_dims(input, axis=None, name=None, dim=None):
    """tf.expand_dims (op ExpandDims); `dim` is TF1's deprecated alias of `axis`."""
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("Must specify an axis argument to tf.expand_dims()")
    x = _constant.convert_to_tensor(input)
    ax = (
        _constant.convert_to_tensor(axis, dtype=_dtypes.int32)
        if not isinstance(axis, _graph.Tensor)
        else axis
    )
    v = _static_value(ax)
    nd = x.shape.ndims
    if v is not None and nd is not None:
        d = int(np.asarray(v).reshape(-1)[0])
        if not -nd - 1 <= d <= nd:
            raise ValueError(
                f"dim {d} not in the interval [{-nd - 1}, {nd}]. for '{name or 'ExpandDims'}' "
                f"(op: 'ExpandDims') with input shapes: {x.shape}, []."
            )
    return make_tensor("ExpandDims", [x, ax], name=name or "ExpandDims")


def _squeeze_shape(op):
    s = op.inputs[0].shape
    dt = op.inputs[0].dtype.base_dtype
    dims = tuple(op.get_attr("squeeze_dims"))
    if s.ndims is None:
        return [(_ts.unknown_shape(), dt)]
    nd = s.ndims
    if not dims:
        if any(d is None for d in s.as_list()):
            return [(_ts.unknown_shape(), dt)]
        return [([d for d in s.as_list() if d != 1], dt)]
    keep = []
    norm = set()
    for d in dims:
        if not -nd <= d < nd:
            raise ValueError(
                f"Tried to squeeze dim index {d} for tensor with {nd} dimensions. for "
                f"'{op.name}' (op: 'Squeeze') with input shapes: {s}."
            )
        norm.add(d % nd)
    for i, d in enumerate(s.as_list()):
        if i in norm:
            if d is not None and d != 1:
                raise ValueError(
                    f"Can not squeeze dim[{i}], expected a dimension of 1, got {d} for "
                    f"'{op.name}' (op: 'Squeeze') with input shapes: {s}."
                )
            continue
        keep.append(d)
    return [(keep, dt)]


@register_op("Squeeze", shape=_squeeze_shape)
def _squeeze(x, squeeze_dims=(), **_):
    shp = np.shape(x)
    nd = len(shp)
    if squeeze_dims:
        axes = []
        for d in squeeze_dims:
            if not -nd <= d < nd:
                raise _invalid(f"Tried to squeeze dim index {d} for tensor with {nd} dimensions.")
            if shp[d % nd] != 1:
                raise _invalid(f"Can not squeeze dim[{d % nd}], expected a dimension of 1, got {shp[d % nd]}")
            axes.append(d % nd)
        axes = tuple(sorted(set(axes)))
    else:
        axes = tuple(i for i, d in enumerate(shp) if d == 1)
    return _xp(x).reshape(x, tuple(d for i, d in enumerate(shp) if i not in axes))


def squeeze(input, axis=None, name=None, squeeze_dims=None):
    """tf.squeeze (op Squeeze); `squeeze_dims` is TF1's deprecated alias of `axis`."""
    if axis is not None and squeeze_dims is not None:
        raise ValueError("Cannot specify both 'axis' and 'squeeze_dims'")
    axis = squeeze_dims if axis is None else axis
    if np.isscalar(axis):
        axis = [axis]
    axis = tuple(int(a) for a in (axis or ()))
    x = _constant.convert_to_tensor(input)
    return make_tensor("Squeeze", [x], {"squeeze_dims": axis}, name=name or "Squeeze")


# --------------------------------------------------------------------------------------------
# tile / pad / fill / zeros / ones
# --------------------------------------------------------------------------------------------


@register_op("Tile")
def _tile(x, multiples, **_):
    m = static_ints(multiples, "tf.tile's multiples").reshape(-1)
    if len(m) != np.ndim(x):
        raise _invalid(
            f"Expected multiples argument to be a vector of length {np.ndim(x)} but got length {len(m)}"
        )
    if (m < 0).any():
        raise _invalid(f"Expected multiples[{int(np.argmax(m < 0))}] >= 0, but got {int(m[m < 0][0])}")
    return _xp(x).tile(x, tuple(int(i) for i in m))


def tile(input, multiples, name=None):
    """tf.tile (op Tile)."""
    x = _constant.convert_to_tensor(input)
    m = (
        _constant.convert_to_tensor(multiples, dtype=None)
        if not isinstance(multiples, _graph.Tensor)
        else multiples
    )
    _check_int_dtype(m, "multiples", "Tile")
    mv = _static_value(m)
    if mv is not None and x.shape.ndims is not None and np.asarray(mv).size != x.shape.ndims:
        raise ValueError(
            f"Shape must be rank {x.shape.ndims} but is rank {np.asarray(mv).size} for "
            f"'{name or 'Tile'}' (op: 'Tile') with input shapes: {x.shape}, [{np.asarray(mv).size}]."
        )
    out = make_tensor("Tile", [x, m], name=name or "Tile")
    if out.shape.ndims is None and x.shape.ndims is not None:
        out.set_shape([None] * x.shape.ndims)
    return out


def _paddings(paddings, x):
    p = static_ints(paddings, "tf.pad's paddings")
    nd = np.ndim(x)
    if p.shape != (nd, 2):
        raise _invalid(
            f"The first dimension of paddings must be the rank of inputs{list(p.shape)}, "
            f"{_fmt_shape(np.shape(x))}"
        )
    if (p < 0).any():
        raise _invalid(f"Paddings must be non-negative: {int(p[p < 0][0])}")
    return [(int(a), int(b)) for a, b in p]


@register_op("Pad")
def _pad(x, paddings, **_):
    p = _paddings(paddings, x)
    if isinstance(x, np.ndarray):
        return np.pad(x, p)
    return lax.pad(x, jnp.zeros((), x.dtype), [(a, b, 0) for a, b in p])


@register_op("PadV2")
def _pad_v2(x, paddings, constant_values, **_):
    p = _paddings(paddings, x)
    if _is_np(x, constant_values):
        return np.pad(x, p, constant_values=np.asarray(constant_values).reshape(()))
    # TF1's PadV2 gradient gives no gradient to constant_values
    c = lax.stop_gradient(jnp.asarray(constant_values, dtype=x.dtype).reshape(()))
    return lax.pad(jnp.asarray(x), c, [(a, b, 0) for a, b in p])


@register_op("MirrorPad")
def _mirror_pad(x, paddings, mode="REFLECT", **_):
    p = _paddings(paddings, x)
    off = 1 if mode == "REFLECT" else 0
    for i, ((a, b), d) in enumerate(zip(p, np.shape(x))):
        if a > d - off or b > d - off:
            raise _invalid(
                f"paddings must be no greater than the dimension size: {a}, {b} greater than {d - off}"
            )
    return _xp(x).pad(x, p, mode="reflect" if mode == "REFLECT" else "symmetric")


def pad(tensor, paddings, mode="CONSTANT", name=None, constant_values=0):
    """tf.pad: Pad (CONSTANT with 0), PadV2 (other constant), MirrorPad (REFLECT, SYMMETRIC)."""
    mode = mode.upper()
    x = _constant.convert_to_tensor(tensor)
    p = (
        _constant.convert_to_tensor(paddings, dtype=None)
        if not isinstance(paddings, _graph.Tensor)
        else paddings
    )
    _check_int_dtype(p, "paddings", "Pad")
    pv = _static_value(p)
    if pv is not None and x.shape.ndims is not None and np.asarray(pv).shape != (x.shape.ndims, 2):
        raise ValueError(
            f"Shape must be rank {x.shape.ndims} but is rank {np.asarray(pv).shape[0]} ... "
            f"paddings must have shape [{x.shape.ndims}, 2], got {list(np.asarray(pv).shape)} for "
            f"'{name or 'Pad'}' with input shapes: {x.shape}."
        )
    if mode == "CONSTANT":
        if not _is_tensor_like(constant_values) and np.all(np.asarray(constant_values) == 0):
            out = make_tensor("Pad", [x, p], name=name or "Pad")
        else:
            c = _constant.convert_to_tensor(constant_values, dtype=x.dtype.base_dtype)
            out = make_tensor("PadV2", [x, p, c], name=name or "PadV2")
    elif mode in ("REFLECT", "SYMMETRIC"):
        out = make_tensor("MirrorPad", [x, p], {"mode": mode}, name=name or "MirrorPad")
    else:
        raise ValueError(f"Unknown padding mode: {mode}")
    if out.shape.ndims is None and x.shape.ndims is not None:
        out.set_shape([None] * x.shape.ndims)
    return out


@register_op("Fill", shape=dtype_of_input(1))
def _fill(dims, value, **_):
    shp = tuple(int(d) for d in static_ints(dims, "the shape given to tf.fill").reshape(-1))
    if any(d < 0 for d in shp):
        raise _invalid(f"dims must be non-negative, got {list(shp)}")
    if np.ndim(value) != 0:
        raise _invalid(f"value must be a scalar, got shape {list(np.shape(value))}")
    if isinstance(value, (np.ndarray, np.generic)):
        return np.full(shp, value, dtype=np.asarray(value).dtype)
    return jnp.broadcast_to(value, shp)


def _host_fill_shape(op):
    d = op.inputs[0].shape
    rank = _ts.dimension_value(d[0]) if d.ndims == 1 else None
    return [(_ts.unknown_shape(rank=rank), op.inputs[1].dtype.base_dtype)]


@register_op("_HostFill", shape=_host_fill_shape, host=True, differentiable=False)
def _host_fill(ctx, dims, value, **_):
    return _fill(np.asarray(dims), np.asarray(value))


def fill(dims, value, name=None):
    """tf.fill (op Fill). `dims` fixes the output shape, so XLA needs it when the step is traced
    (constants, values computed from shapes: `tf.fill(tf.shape(x), v)`); dims known only at run
    time (a feed, `tf.zeros([batch_ph, 4])`) make the op run on the host instead (op type
    `_HostFill`, like tf.range's `_HostRange`), between jitted segments. Deviation: no gradient
    flows to `value` through a host fill."""
    d = _constant.convert_to_tensor(dims, dtype=None) if not isinstance(dims, _graph.Tensor) else dims
    if not isinstance(dims, _graph.Tensor) and d.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        d = _constant.convert_to_tensor(dims, dtype=_dtypes.int32)
    v = _constant.convert_to_tensor(value)
    if v.shape.ndims not in (None, 0):
        raise ValueError(
            f"Shape must be rank 0 but is rank {v.shape.ndims} for '{name or 'Fill'}' (op: 'Fill') "
            f"with input shapes: {d.shape}, {v.shape}."
        )
    op_type = "Fill" if value_is_static(d) else "_HostFill"
    out = make_tensor(op_type, [d, v], name=name or "Fill")
    if d.shape.ndims == 1:
        _maybe_set_static_shape(out, d)
    return out


def _fill_value(dtype, one):
    if dtype == _dtypes.bool:
        return bool(one)
    if dtype == _dtypes.string:
        return b"" if not one else None
    return 1 if one else 0


def _python_dims(shape):
    """A shape given as Python ints (list, tuple, NumPy array, int), or None when it holds tensors."""
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, (bool, np.bool_)):
        return [int(shape)]
    if isinstance(shape, np.ndarray):
        return [int(d) for d in shape.reshape(-1)]
    if isinstance(shape, (list, tuple)):
        dims = []
        for d in shape:
            if isinstance(d, _ts.Dimension):
                if d.value is None:
                    raise ValueError(f"Cannot convert a partially known shape {shape} to a Tensor")
                d = d.value
            if not isinstance(d, (int, np.integer)) or isinstance(d, (bool, np.bool_)):
                return None
            dims.append(int(d))
        return dims
    return None


def _zeros_or_ones(shape, dtype, name, one):
    dtype = _dtypes.as_dtype(dtype).base_dtype
    value = _fill_value(dtype, one)
    if value is None:
        raise TypeError("tf.ones does not support dtype string")
    g = _g()
    with g.name_scope(name or ("ones" if one else "zeros")) as scope:
        if isinstance(shape, _ts.TensorShape):
            if not shape.is_fully_defined():
                raise ValueError(f"Cannot convert a partially known TensorShape {shape} to a Tensor")
            shape = shape.as_list()
        if _is_tensor_like(shape):
            shape_t = _constant.convert_to_tensor(shape)
        else:
            dims = _python_dims(shape)
            if dims is not None:
                if int(np.prod(dims)) < 1000:
                    return _constant.constant(value, dtype=dtype, shape=dims, name=scope)
                arr = np.asarray(dims, np.int64)
                shape_t = _constant.constant(arr.astype(np.int32 if arr.max(initial=0) < 2**31 else np.int64))
            else:
                shape_t = _constant.convert_to_tensor(shape, dtype=_dtypes.int32)
        if shape_t.shape.ndims == 0:
            shape_t = reshape(shape_t, [-1])
        return fill(shape_t, _constant.constant(value, dtype=dtype), name=scope)


def zeros(shape, dtype=_dtypes.float32, name=None):
    """tf.zeros: a Const when small (< 1000 elements), else Fill, as TF1 (a host fill when `shape`
    is only known at run time, see tf.fill)."""
    return _zeros_or_ones(shape, dtype, name, one=False)


def ones(shape, dtype=_dtypes.float32, name=None):
    """tf.ones: a Const when small (< 1000 elements), else Fill, as TF1 (a host fill when `shape`
    is only known at run time, see tf.fill)."""
    return _zeros_or_ones(shape, dtype, name, one=True)


@register_op("ZerosLike", differentiable=False)
def _zeros_like(x, **_):
    return _xp(x).zeros_like(x)


@register_op("OnesLike", differentiable=False)
def _ones_like(x, **_):
    return _xp(x).ones_like(x)


def zeros_like(tensor, dtype=None, name=None, optimize=True):
    """tf.zeros_like: zeros of the static shape when known (TF1's optimize), else ZerosLike / Fill."""
    g = _g()
    with g.name_scope(name or "zeros_like") as scope:
        t = _constant.convert_to_tensor(tensor)
        if dtype is not None:
            dtype = _dtypes.as_dtype(dtype).base_dtype
        if optimize and t.shape.is_fully_defined() and t.dtype.base_dtype != _dtypes.variant:
            return zeros(t.shape, dtype=dtype or t.dtype.base_dtype, name=scope)
        if dtype is not None and dtype != t.dtype.base_dtype:
            return zeros(shape_internal(t, optimize=optimize), dtype=dtype, name=scope)
        return make_tensor("ZerosLike", [t], name=scope)


def ones_like(tensor, dtype=None, name=None, optimize=True):
    """tf.ones_like: tf.ones of the input's shape (static when known), as TF1."""
    g = _g()
    with g.name_scope(name or "ones_like") as scope:
        t = _constant.convert_to_tensor(tensor)
        shp = shape_internal(t, optimize=optimize)
        out = ones(shp, dtype=dtype or t.dtype.base_dtype, name=scope)
        out.set_shape(t.shape)
        return out


# --------------------------------------------------------------------------------------------
# slice / reverse
# --------------------------------------------------------------------------------------------


@register_op("Slice")
def _slice(x, begin, size, **_):
    shp = np.shape(x)
    nd = len(shp)
    s = static_ints(size, "tf.slice's size").reshape(-1)
    if len(s) != nd:
        raise _invalid(f"Expected size and begin to be 1-D tensors of size {nd}, but got {len(s)}")
    b = _concrete(begin)
    if b is None:
        # run-time offsets: XLA's dynamic slice (out-of-range offsets are clamped)
        if (s < 0).any():
            raise ValueError("tf.slice with a run-time `begin` needs a static `size` without -1")
        starts = [jnp.asarray(begin)[i] for i in builtins.range(nd)]
        return lax.dynamic_slice(jnp.asarray(x), starts, [int(v) for v in s])
    b = b.astype(np.int64).reshape(-1)
    if len(b) != nd:
        raise _invalid(
            f"Expected begin and size arguments to be 1-D tensors of size {nd}, but got shapes "
            f"[{len(b)}] and [{len(s)}] instead."
        )
    idx = []
    for i in builtins.range(nd):
        n = shp[i] - b[i] if s[i] == -1 else s[i]
        if not (0 <= b[i] <= shp[i] and 0 <= n and b[i] + n <= shp[i]):
            raise _invalid(
                f"Expected size[{i}] in [0, {shp[i] - b[i]}], but got {s[i]}"
                if 0 <= b[i] <= shp[i]
                else f"Expected begin[{i}] in [0, {shp[i]}], but got {b[i]}"
            )
        idx.append(_builtin_slice(int(b[i]), int(b[i] + n)))
    return x[tuple(idx)]


def slice(input_, begin, size, name=None):  # noqa: A001 - TF1 name
    """tf.slice (op Slice): `size[i] = -1` takes the rest of dimension i.

    `begin` may be known only at run time when `size` is static (XLA's dynamic
    slice; out-of-range offsets are clamped rather than raising).
    """
    x = _constant.convert_to_tensor(input_)
    b = _constant.convert_to_tensor(begin, dtype=None) if not isinstance(begin, _graph.Tensor) else begin
    s = (
        _constant.convert_to_tensor(size, dtype=b.dtype.base_dtype)
        if not isinstance(size, _graph.Tensor)
        else size
    )
    out = make_tensor("Slice", [x, b, s], name=name or "Slice")
    if out.shape.ndims is None:
        sv = _static_value(s)
        bv = _static_value(b)
        if sv is not None:
            dims = []
            for i, n in enumerate(np.asarray(sv).reshape(-1)):
                if n >= 0:
                    dims.append(int(n))
                elif bv is not None and x.shape.ndims is not None and x.shape[i].value is not None:
                    dims.append(x.shape[i].value - int(np.asarray(bv).reshape(-1)[i]))
                else:
                    dims.append(None)
            out.set_shape(dims)
    return out


@register_op("ReverseV2")
def _reverse_v2(x, axis, **_):
    nd = np.ndim(x)
    axes = static_ints(axis, "tf.reverse's axis").reshape(-1)
    norm = []
    for a in axes:
        if not -nd <= a < nd:
            raise _invalid(f"'axis'[{len(norm)}] = {a} is out of valid range [0, {nd - 1}]")
        if int(a) % nd in norm:
            raise _invalid(f"axis {int(a) % nd} specified more than once.")
        norm.append(int(a) % nd)
    if not norm:
        return x
    return _xp(x).flip(x, axis=tuple(norm))


def reverse_v2(tensor, axis, name=None):
    """tf.reverse / tf.reverse_v2 (op ReverseV2): reverses the listed axes."""
    x = _constant.convert_to_tensor(tensor)
    a = _constant.convert_to_tensor(axis, dtype=None) if not isinstance(axis, _graph.Tensor) else axis
    _check_int_dtype(a, "axis", "ReverseV2")
    return make_tensor("ReverseV2", [x, a], name=name or "ReverseV2")


reverse = reverse_v2


@register_op("ReverseSequence")
def _reverse_sequence(x, seq_lengths, seq_dim, batch_dim=0, **_):
    nd = np.ndim(x)
    if not (-nd <= seq_dim < nd and -nd <= batch_dim < nd):
        raise _invalid(f"seq_dim ({seq_dim}) and batch_dim ({batch_dim}) must be < input rank ({nd})")
    sd, bd = seq_dim % nd, batch_dim % nd
    if sd == bd:
        raise _invalid(f"seq_dim == batch_dim == {sd}")
    shp = np.shape(x)
    if np.shape(seq_lengths) != (shp[bd],):
        raise _invalid(
            f"Length of seq_lengths != input.dims({bd}), ({np.shape(seq_lengths)[0]} vs. {shp[bd]})"
        )
    lens = _concrete(seq_lengths)
    if lens is not None and ((lens < 0).any() or (lens > shp[sd]).any()):
        bad = int(np.argmax((lens < 0) | (lens > shp[sd])))
        raise _invalid(f"seq_lens({bad}) > input.dims({sd})" if lens[bad] > 0 else f"seq_lens({bad}) < 0")
    xp = _xp(x, seq_lengths)
    i = xp.arange(shp[sd]).reshape([-1 if k == sd else 1 for k in builtins.range(nd)])
    L = xp.asarray(seq_lengths).astype(i.dtype).reshape([-1 if k == bd else 1 for k in builtins.range(nd)])
    src = xp.where(i < L, L - 1 - i, i)
    src = xp.broadcast_to(src, [shp[k] if k in (sd, bd) else 1 for k in builtins.range(nd)])
    return xp.take_along_axis(x, xp.broadcast_to(src, shp), axis=sd)


def reverse_sequence(
    input, seq_lengths, seq_axis=None, batch_axis=None, name=None, seq_dim=None, batch_dim=None
):
    """tf.reverse_sequence (op ReverseSequence): reverses the first seq_lengths[b] entries of each row."""
    if seq_axis is not None and seq_dim is not None:
        raise ValueError("Cannot specify both 'seq_axis' and 'seq_dim'")
    if batch_axis is not None and batch_dim is not None:
        raise ValueError("Cannot specify both 'batch_axis' and 'batch_dim'")
    seq_axis = seq_dim if seq_axis is None else seq_axis
    batch_axis = batch_dim if batch_axis is None else batch_axis
    if seq_axis is None:
        raise TypeError("reverse_sequence() missing required argument 'seq_axis'")
    x = _constant.convert_to_tensor(input)
    lens = _constant.convert_to_tensor(seq_lengths, dtype=None)
    _check_int_dtype(lens, "seq_lengths", "ReverseSequence")
    return make_tensor(
        "ReverseSequence",
        [x, lens],
        {"seq_dim": int(seq_axis), "batch_dim": 0 if batch_axis is None else int(batch_axis)},
        name=name or "ReverseSequence",
    )


# --------------------------------------------------------------------------------------------
# masks: sequence_mask, boolean_mask, where, one_hot
# --------------------------------------------------------------------------------------------


def _all_dimensions(x):
    if x.shape.ndims is not None:
        return _constant.constant(np.arange(x.shape.ndims, dtype=np.int32))
    return range(0, rank(x))


def sequence_mask(lengths, maxlen=None, dtype=_dtypes.bool, name=None):
    """tf.sequence_mask: `mask[..., j] = j < lengths[...]`, bool by default.

    Built as TF1 (Range, ExpandDims, Less, Cast). With `maxlen=None` the mask
    width is max(lengths), a run-time value unless `lengths` is a constant: the
    Range then runs on the host and the width is unknown statically.
    """
    from compat_tf._src.ops import math_ops

    g = _g()
    with g.name_scope(name or "SequenceMask"):
        lengths = _constant.convert_to_tensor(lengths)
        if maxlen is None:
            maxlen = math_ops.reduce_max(lengths, _all_dimensions(lengths))
            maxlen = math_ops.maximum(_constant.constant(0, dtype=maxlen.dtype.base_dtype), maxlen)
        else:
            maxlen = _constant.convert_to_tensor(maxlen)
        if maxlen.shape.ndims is not None and maxlen.shape.ndims != 0:
            raise ValueError("maxlen must be scalar for sequence_mask")
        mdt = maxlen.dtype.base_dtype
        row_vector = range(_constant.constant(0, dtype=mdt), maxlen, _constant.constant(1, dtype=mdt))
        matrix = math_ops.cast(expand_dims(lengths, -1), mdt)
        result = math_ops.less(row_vector, matrix)
        if dtype is None or result.dtype.base_dtype == _dtypes.as_dtype(dtype).base_dtype:
            return result
        return math_ops.cast(result, dtype)


def _where_shape(op):
    c = op.inputs[0].shape
    return [([None, c.ndims], _dtypes.int64)]


@register_op("Where", shape=_where_shape, host=True, differentiable=False)
def _where(ctx, condition, **_):
    c = np.asarray(condition)
    return np.argwhere(c).astype(np.int64).reshape(-1, c.ndim)


def _select_shape(op):
    c, x, y = (t.shape for t in op.inputs)
    dt = op.inputs[1].dtype.base_dtype
    if not x.is_compatible_with(y):
        raise ValueError(
            f"Dimensions must be equal, but are {x} and {y} for '{op.name}' (op: 'Select') with "
            f"input shapes: {c}, {x}, {y}."
        )
    out = x.merge_with(y)
    if c.ndims is None or out.ndims is None:
        return [(out, dt)]
    if c.ndims == 0:
        return [(out, dt)]
    if c.ndims == 1 and out.ndims != 1:
        if out.ndims == 0 or not _ts.TensorShape([c[0]]).is_compatible_with(_ts.TensorShape([out[0]])):
            raise ValueError(
                f"Shapes must be equal rank, but are {out.ndims} and {c.ndims} for '{op.name}' "
                f"(op: 'Select') with input shapes: {c}, {x}, {y}."
            )
        return [(_ts.TensorShape([c[0]]).merge_with(_ts.TensorShape([out[0]])).concatenate(out[1:]), dt)]
    if not c.is_compatible_with(out):
        raise ValueError(
            f"Shapes must be equal rank, but are {c.ndims} and {out.ndims} for '{op.name}' "
            f"(op: 'Select') with input shapes: {c}, {x}, {y}."
            if c.ndims != out.ndims
            else f"Dimensions must be equal, but are {c} and {out} for '{op.name}' (op: 'Select') with "
            f"input shapes: {c}, {x}, {y}."
        )
    return [(out.merge_with(c), dt)]


@register_op("Select", shape=_select_shape)
def _select(condition, t, e, **_):
    cs, xs = np.shape(condition), np.shape(t)
    if xs != np.shape(e):
        raise _invalid(
            f"'then' and 'else' must have the same size.  but received: {_fmt_shape(xs)} vs. "
            f"{_fmt_shape(np.shape(e))}"
        )
    xp = _xp(condition, t, e)
    if cs == xs or cs == ():
        c = condition
    elif len(cs) == 1 and len(xs) >= 1 and cs[0] == xs[0]:
        c = xp.reshape(condition, cs + (1,) * (len(xs) - 1))
    else:
        raise _invalid(
            "'condition' must be a scalar, a vector with the same size as the first dimension of "
            f"'then', or have the same shape as 'then': {_fmt_shape(cs)} vs. {_fmt_shape(xs)}"
        )
    return xp.where(c, t, e)


@register_op("SelectV2")
def _select_v2(condition, t, e, **_):
    try:
        np.broadcast_shapes(np.shape(condition), np.shape(t), np.shape(e))
    except ValueError:
        raise _invalid(
            f"condition {_fmt_shape(np.shape(condition))}, then {_fmt_shape(np.shape(t))} and else "
            f"{_fmt_shape(np.shape(e))} must be broadcastable"
        ) from None
    return _xp(condition, t, e).where(condition, t, e)


def _where_indices(condition, name):
    g = _g()
    with g.name_scope(name or "Where") as scope:
        c = _constant.convert_to_tensor(condition, preferred_dtype=_dtypes.bool)
        return make_tensor("Where", [c], name=scope)


def where(condition, x=None, y=None, name=None):
    """tf.where (TF1): coordinates of true elements (op Where), or Select(condition, x, y).

    With one argument the result is int64 `[num_true, rank]`, computed on the host
    (its size is only known at run time; no gradient flows through it). With x
    and y, TF1's rule holds: `condition` is a scalar, a vector matching x's first
    dimension, or has x's shape; x and y must have the same shape.
    """
    if x is None and y is None:
        return _where_indices(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = _constant.convert_to_tensor(condition, dtype=_dtypes.bool)
    x, y = _constant.convert_binary_inputs(x, y)
    return make_tensor("Select", [c, x, y], name=name or "Select")


def where_v2(condition, x=None, y=None, name=None):
    """tf.where_v2: like tf.where, with NumPy broadcasting of condition, x and y (op SelectV2)."""
    if x is None and y is None:
        return _where_indices(condition, name)
    if x is None or y is None:
        raise ValueError("x and y must both be non-None or both be None.")
    c = _constant.convert_to_tensor(condition, dtype=_dtypes.bool)
    x, y = _constant.convert_binary_inputs(x, y)
    try:
        if c.shape.ndims is not None and x.shape.ndims is not None and y.shape.ndims is not None:
            broadcast_static_shape(broadcast_static_shape(c.shape, x.shape), y.shape)
    except ValueError:
        raise ValueError(
            f"Incompatible shapes for broadcasting: {c.shape}, {x.shape} and {y.shape}"
        ) from None
    return make_tensor("SelectV2", [c, x, y], name=name or "SelectV2")


def boolean_mask(tensor, mask, name="boolean_mask", axis=None):
    """tf.boolean_mask: `tensor[mask]`, built as TF1 (Reshape, host Where, Squeeze, GatherV2).

    The indices of the true entries are computed on the host (their number is a
    run-time value); the gather runs on the device, so gradients flow into
    `tensor` as in TF1. `mask` must have a known rank.
    """
    from compat_tf._src.ops import gather_ops, math_ops

    g = _g()
    with g.name_scope(name or "boolean_mask"):
        tensor = _constant.convert_to_tensor(tensor, name="tensor")
        mask = _constant.convert_to_tensor(mask, name="mask")
        shape_mask = mask.shape
        ndims_mask = shape_mask.ndims
        shape_tensor = tensor.shape
        if ndims_mask == 0:
            raise ValueError("mask cannot be scalar.")
        if ndims_mask is None:
            raise ValueError(
                "Number of mask dimensions must be specified, even if some dimensions are None.  "
                "E.g. shape=[None] is ok, but shape=None is not."
            )
        axis = 0 if axis is None else int(axis)
        if shape_tensor.ndims is not None:
            if axis < 0:
                axis += shape_tensor.ndims
            part = _ts.TensorShape(shape_tensor.as_list()[axis : axis + ndims_mask])
            if part.ndims != ndims_mask or not part.is_compatible_with(shape_mask):
                raise ValueError(f"Shapes {part} and {shape_mask} are incompatible")
        if ndims_mask > 1 or shape_tensor.ndims is None:
            if shape_tensor.ndims is not None and shape_tensor.is_fully_defined():
                dims = shape_tensor.as_list()
                new = dims[:axis] + [int(np.prod(dims[axis : axis + ndims_mask]))] + dims[axis + ndims_mask :]
                tensor = reshape(tensor, new)
            else:
                s = shape(tensor)
                leading = math_ops.reduce_prod(s[axis : axis + ndims_mask], [0])
                tensor = reshape(tensor, concat([s[:axis], [leading], s[axis + ndims_mask :]], 0))
                if shape_tensor.ndims is not None:
                    first = _ts.TensorShape(shape_tensor.as_list()[axis : axis + ndims_mask]).num_elements()
                    tensor.set_shape(
                        _ts.TensorShape(shape_tensor.as_list()[:axis])
                        .concatenate([first])
                        .concatenate(shape_tensor.as_list()[axis + ndims_mask :])
                    )
            mask = reshape(mask, [-1])
        indices = squeeze(where(mask), axis=[1])
        # The axis Const waits for the gather's other inputs, so the planner places it in the
        # device segment after the host Where (a Const from an earlier segment reaches a later one
        # as a traced argument, and GatherV2 needs its axis when the step is traced).
        deps = [t.op for t in (tensor, indices) if t.op.type not in _RUNTIME_SOURCES]
        with g.control_dependencies(deps):
            axis_t = _constant.constant(axis, dtype=_dtypes.int32, name="axis")
        return gather_ops.gather(tensor, indices, axis=axis_t)


@register_op("OneHot", differentiable=False, shape=dtype_of_input(2))
def _one_hot(indices, depth, on_value, off_value, axis=-1, **_):
    d = _int_scalar(depth, "one_hot's depth")
    if d < 0:
        raise _invalid(f"depth must be non-negative, got: {d}")
    nd = np.ndim(indices)
    ax = nd if axis == -1 else axis
    xp = _xp(indices, on_value, off_value)
    eq = xp.expand_dims(indices, -1) == xp.arange(d, dtype=xp.asarray(indices).dtype)
    out = xp.where(eq, xp.asarray(on_value).reshape(()), xp.asarray(off_value).reshape(()))
    return xp.moveaxis(out, -1, ax) if ax != nd else out


def one_hot(indices, depth, on_value=None, off_value=None, axis=None, dtype=None, name=None):
    """tf.one_hot (op OneHot): float32 unless on/off values or dtype say otherwise.

    Negative or too large indices give a row of off values, as in TF1.
    """
    g = _g()
    with g.name_scope(name or "one_hot") as scope:
        on_exists, off_exists = on_value is not None, off_value is not None
        if dtype is not None:
            dtype = _dtypes.as_dtype(dtype).base_dtype
        on_t = _constant.convert_to_tensor(on_value, name="on_value") if on_exists else None
        off_t = _constant.convert_to_tensor(off_value, name="off_value") if off_exists else None
        on_dtype = on_t.dtype.base_dtype if on_exists else None
        off_dtype = off_t.dtype.base_dtype if off_exists else None
        if on_exists or off_exists:
            if dtype is not None:
                if on_exists and on_dtype != dtype:
                    raise TypeError(f"dtype {on_dtype} of on_value does not match dtype parameter {dtype}")
                if off_exists and off_dtype != dtype:
                    raise TypeError(f"dtype {off_dtype} of off_value does not match dtype parameter {dtype}")
            else:
                dtype = on_dtype if on_exists else off_dtype
        elif dtype is None:
            dtype = _dtypes.float32
        if not on_exists:
            on_t = _constant.convert_to_tensor(1, dtype, name="on_value")
            on_dtype = dtype
        if not off_exists:
            off_t = _constant.convert_to_tensor(0, dtype, name="off_value")
            off_dtype = dtype
        if on_dtype != off_dtype:
            raise TypeError(f"dtype {on_dtype} of on_value does not match dtype {off_dtype} of off_value")
        on_value, off_value = on_t, off_t
        indices = _constant.convert_to_tensor(indices)
        if indices.dtype.base_dtype not in (_dtypes.uint8, _dtypes.int32, _dtypes.int64):
            raise TypeError(
                f"Value passed to parameter 'indices' has DataType {indices.dtype.base_dtype.name} not "
                "in list of allowed values: uint8, int32, int64"
            )
        depth = _constant.convert_to_tensor(depth, dtype=_dtypes.int32)
        axis = -1 if axis is None else int(axis)
        nd = indices.shape.ndims
        if nd is not None and not (axis == -1 or 0 <= axis <= nd):
            raise ValueError(
                f"Expected axis to be -1 or between [0, {nd}).  But received: {axis} for '{scope[:-1]}'"
            )
        out = make_tensor("OneHot", [indices, depth, on_value, off_value], {"axis": axis}, name=scope)
        if out.shape.ndims is None and nd is not None:
            dims = indices.shape.as_list()
            dims.insert(nd if axis == -1 else axis, _scalar_dim(depth))
            out.set_shape(dims)
        return out


# --------------------------------------------------------------------------------------------
# unique / setdiff1d (host: run-time output sizes)
# --------------------------------------------------------------------------------------------


def _unique_shape(op):
    x = op.inputs[0]
    if x.shape.ndims not in (None, 1):
        raise ValueError(
            f"Shape must be rank 1 but is rank {x.shape.ndims} for '{op.name}' (op: '{op.type}') "
            f"with input shapes: {x.shape}."
        )
    out = [([None], x.dtype.base_dtype), (x.shape if x.shape.ndims == 1 else [None], op.get_attr("out_idx"))]
    if op.type == "UniqueWithCounts":
        out.append(([None], op.get_attr("out_idx")))
    return out


def _unique_np(x):
    x = np.asarray(x)
    if x.ndim != 1:
        raise _invalid(f"unique expects a 1D vector. {_fmt_shape(x.shape)}")
    if x.size == 0:
        return x, np.zeros((0,), np.int64), np.zeros((0,), np.int64)
    vals, first, inv, counts = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    order = np.argsort(first, kind="stable")
    new_pos = np.empty_like(order)
    new_pos[order] = np.arange(order.size)
    return vals[order], new_pos[np.asarray(inv).reshape(-1)], counts[order]


@register_op("Unique", num_outputs=2, shape=_unique_shape, host=True, differentiable=False)
def _unique(ctx, x, out_idx=_dtypes.int32, **_):
    y, idx, _c = _unique_np(x)
    return y, idx.astype(out_idx.as_numpy_dtype)


@register_op("UniqueWithCounts", num_outputs=3, shape=_unique_shape, host=True, differentiable=False)
def _unique_with_counts(ctx, x, out_idx=_dtypes.int32, **_):
    y, idx, c = _unique_np(x)
    return y, idx.astype(out_idx.as_numpy_dtype), c.astype(out_idx.as_numpy_dtype)


class _UniqueOutput(tuple):
    """TF1's Unique namedtuple (y, idx)."""

    __slots__ = ()

    @property
    def y(self):
        return self[0]

    @property
    def idx(self):
        return self[1]


class _UniqueWithCountsOutput(_UniqueOutput):
    __slots__ = ()

    @property
    def count(self):
        return self[2]


def unique(x, out_idx=_dtypes.int32, name=None):
    """tf.unique (op Unique): values in order of first occurrence and each element's index (host op)."""
    x = _constant.convert_to_tensor(x)
    op = make_op("Unique", [x], {"out_idx": _dtypes.as_dtype(out_idx)}, name=name or "Unique")
    return _UniqueOutput(op.outputs)


def unique_with_counts(x, out_idx=_dtypes.int32, name=None):
    """tf.unique_with_counts (op UniqueWithCounts): y, idx and the count of each unique value (host op)."""
    x = _constant.convert_to_tensor(x)
    op = make_op(
        "UniqueWithCounts", [x], {"out_idx": _dtypes.as_dtype(out_idx)}, name=name or "UniqueWithCounts"
    )
    return _UniqueWithCountsOutput(op.outputs)


def _list_diff_shape(op):
    return [([None], op.inputs[0].dtype.base_dtype), ([None], op.get_attr("out_idx"))]


@register_op("ListDiff", num_outputs=2, shape=_list_diff_shape, host=True, differentiable=False)
def _list_diff(ctx, x, y, out_idx=_dtypes.int32, **_):
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim != 1 or y.ndim != 1:
        raise _invalid(
            f"x should be a 1D vector. {_fmt_shape(x.shape)}"
            if x.ndim != 1
            else f"y should be a 1D vector. {_fmt_shape(y.shape)}"
        )
    keep = ~np.isin(x, y)
    return x[keep], np.nonzero(keep)[0].astype(out_idx.as_numpy_dtype)


def setdiff1d(x, y, index_dtype=_dtypes.int32, name=None):
    """tf.setdiff1d (op ListDiff): the values of x not in y, and their positions in x (host op)."""
    x, y = _constant.convert_binary_inputs(x, y)
    op = make_op("ListDiff", [x, y], {"out_idx": _dtypes.as_dtype(index_dtype)}, name=name or "ListDiff")
    return _UniqueOutput(op.outputs)


# --------------------------------------------------------------------------------------------
# diagonals: diag, matrix_diag, matrix_diag_part, matrix_set_diag, matrix_band_part, eye
# --------------------------------------------------------------------------------------------


def _diag_range(k):
    k = np.asarray(k).astype(np.int64).reshape(-1)
    if k.size == 1:
        return int(k[0]), int(k[0])
    if k.size != 2:
        raise _invalid(f"diag_index must be a scalar or a vector with 2 elements, got {k.size}")
    if k[0] > k[1]:
        raise _invalid(f"lower_diag_index must not be larger than upper_diag_index: {k[0]} > {k[1]}")
    return int(k[0]), int(k[1])


def _band_positions(rows, cols, lo, hi, diag_len, xp=np):
    """For each output (row, col): the flat index m*diag_len + n into the band's diagonals, and validity.

    `xp` is jax.numpy in a traced lowering: the index arrays, the size of the output, are then
    computed in the program, not built on the host (graph construction's shape inference would
    otherwise allocate them for every static shape, however large)."""
    r = xp.arange(rows)[:, None]
    c = xp.arange(cols)[None, :]
    d = c - r
    m = hi - d
    n = c - xp.maximum(d, 0)
    valid = (d >= lo) & (d <= hi) & (n < diag_len)
    flat = xp.where(valid, m * diag_len + n, 0)
    return flat, valid


def _diag_part_index(rows, cols, lo, hi, xp=np):
    max_len = min(rows + min(hi, 0), cols + min(-lo, 0))
    max_len = max(max_len, 0)
    num = hi - lo + 1
    m = xp.arange(num)[:, None]
    n = xp.arange(max_len)[None, :]
    d = hi - m
    y = n + xp.maximum(-d, 0)
    x = n + xp.maximum(d, 0)
    valid = (y < rows) & (x < cols)
    return xp.where(valid, y * cols + x, 0), valid, max_len


def _matrix_diag_part_impl(x, lo, hi, padding):
    shp = np.shape(x)
    if len(shp) < 2:
        raise _invalid(f"input must be at least 2-dim, received shape: {_fmt_shape(shp)}")
    rows, cols = shp[-2], shp[-1]
    if not (-rows < lo or lo == 0) or not (hi < cols or hi == 0):
        raise _invalid(f"The diagonal indices must be in [{-rows + 1}, {cols - 1}], got ({lo}, {hi})")
    xp = _xp(x)
    flat_idx, valid, _ = _diag_part_index(rows, cols, lo, hi, xp)
    flat = xp.reshape(x, shp[:-2] + (rows * cols,))
    out = (
        xp.take(flat, flat_idx.reshape(-1), axis=-1).reshape(shp[:-2] + flat_idx.shape)
        if flat_idx.size
        else xp.zeros(shp[:-2] + flat_idx.shape, dtype=xp.asarray(x).dtype)
    )
    out = xp.where(valid, out, xp.asarray(padding, dtype=xp.asarray(x).dtype).reshape(()))
    if lo == hi:
        out = out[..., 0, :]
    return out


def _matrix_diag_impl(diagonal, lo, hi, num_rows, num_cols, padding):
    shp = np.shape(diagonal)
    num = hi - lo + 1
    if num > 1:
        if len(shp) < 2 or shp[-2] != num:
            raise _invalid(
                "The number of diagonals provided in the input does not match the lower_diag_index "
                "and upper_diag_index range."
            )
        batch = shp[:-2]
    else:
        if len(shp) < 1:
            raise _invalid(f"input must be at least 1-dim, received shape: {_fmt_shape(shp)}")
        batch = shp[:-1]
    diag_len = shp[-1]
    min_rows = diag_len - min(hi, 0)
    min_cols = diag_len + max(lo, 0)
    if num_rows == -1 and num_cols == -1:
        num_rows = num_cols = max(min_rows, min_cols)
    elif num_rows == -1:
        num_rows = min_rows
    elif num_cols == -1:
        num_cols = min_cols
    if num_rows < min_rows or num_cols < min_cols:
        raise _invalid(
            f"The number of rows or columns is not consistent with the specified d_lower, d_upper, and "
            f"diagonal: ({num_rows}, {num_cols}) vs. at least ({min_rows}, {min_cols})"
        )
    xp = _xp(diagonal)
    flat_idx, valid = _band_positions(num_rows, num_cols, lo, hi, diag_len, xp)
    flat = xp.reshape(diagonal, batch + (num * diag_len,))
    if flat.shape[-1] == 0:
        vals = xp.zeros(batch + flat_idx.shape, dtype=xp.asarray(diagonal).dtype)
    else:
        vals = xp.take(flat, flat_idx.reshape(-1), axis=-1).reshape(batch + flat_idx.shape)
    return xp.where(valid, vals, xp.asarray(padding, dtype=xp.asarray(diagonal).dtype).reshape(()))


def _matrix_set_diag_impl(x, diagonal, lo, hi):
    shp = np.shape(x)
    if len(shp) < 2:
        raise _invalid(f"input must be at least a matrix, received shape: {_fmt_shape(shp)}")
    rows, cols = shp[-2], shp[-1]
    num = hi - lo + 1
    max_len = max(min(rows + min(hi, 0), cols + min(-lo, 0)), 0)
    expected = shp[:-2] + ((num,) if num > 1 else ()) + (max_len,)
    if np.shape(diagonal) != expected:
        raise _invalid(
            f"diagonal must have shape {_fmt_shape(expected)}, got {_fmt_shape(np.shape(diagonal))}"
        )
    xp = _xp(x, diagonal)
    flat_idx, valid = _band_positions(rows, cols, lo, hi, max_len, xp)
    flat = xp.reshape(diagonal, shp[:-2] + (num * max_len,))
    if flat.shape[-1] == 0:
        return x
    vals = xp.take(flat, flat_idx.reshape(-1), axis=-1).reshape(shp[:-2] + flat_idx.shape)
    return xp.where(valid, vals, x)


@register_op("MatrixDiag")
def _matrix_diag(diagonal, **_):
    return _matrix_diag_impl(diagonal, 0, 0, -1, -1, 0)


@register_op("MatrixDiagV2")
def _matrix_diag_v2(diagonal, k, num_rows, num_cols, padding_value, **_):
    lo, hi = _diag_range(static_ints(k, "matrix_diag's k"))
    return _matrix_diag_impl(
        diagonal, lo, hi, _int_scalar(num_rows, "num_rows"), _int_scalar(num_cols, "num_cols"), padding_value
    )


@register_op("MatrixDiagPart")
def _matrix_diag_part(x, **_):
    return _matrix_diag_part_impl(x, 0, 0, 0)


@register_op("MatrixDiagPartV2")
def _matrix_diag_part_v2(x, k, padding_value, **_):
    lo, hi = _diag_range(static_ints(k, "matrix_diag_part's k"))
    return _matrix_diag_part_impl(x, lo, hi, padding_value)


@register_op("MatrixSetDiag")
def _matrix_set_diag(x, diagonal, **_):
    return _matrix_set_diag_impl(x, diagonal, 0, 0)


@register_op("MatrixSetDiagV2")
def _matrix_set_diag_v2(x, diagonal, k, **_):
    lo, hi = _diag_range(static_ints(k, "matrix_set_diag's k"))
    return _matrix_set_diag_impl(x, diagonal, lo, hi)


def _k_tensor(k):
    return _constant.convert_to_tensor(k, dtype=_dtypes.int32)


def matrix_diag(diagonal, name="diag", k=0, num_rows=-1, num_cols=-1, padding_value=0):
    """tf.matrix_diag / tf.linalg.diag: batched diagonal matrices (op MatrixDiag; MatrixDiagV2 with k...)."""
    d = _constant.convert_to_tensor(diagonal)
    if d.shape.ndims == 0:
        raise ValueError(f"Shape must be at least rank 1 but is rank 0 for '{name}' (op: 'MatrixDiag')")
    if (
        np.all(np.asarray(k) == 0)
        and np.size(k) == 1
        and num_rows == -1
        and num_cols == -1
        and not isinstance(padding_value, _graph.Tensor)
        and padding_value == 0
    ):
        return make_tensor("MatrixDiag", [d], name=name)
    if d.dtype.base_dtype == _dtypes.bool:
        padding_value = bool(padding_value)
    pv = _constant.convert_to_tensor(padding_value, dtype=d.dtype.base_dtype)
    return make_tensor(
        "MatrixDiagV2",
        [
            d,
            _k_tensor(k),
            _constant.convert_to_tensor(num_rows, dtype=_dtypes.int32),
            _constant.convert_to_tensor(num_cols, dtype=_dtypes.int32),
            pv,
        ],
        name=name,
    )


def matrix_diag_part(input, name="diag_part", k=0, padding_value=0):
    """tf.matrix_diag_part / tf.linalg.diag_part (op MatrixDiagPart; MatrixDiagPartV2 with k/padding)."""
    x = _constant.convert_to_tensor(input)
    if x.shape.ndims is not None and x.shape.ndims < 2:
        raise ValueError(
            f"Shape must be at least rank 2 but is rank {x.shape.ndims} for '{name}' (op: 'MatrixDiagPart')"
        )
    if (
        np.all(np.asarray(k) == 0)
        and np.size(k) == 1
        and not isinstance(padding_value, _graph.Tensor)
        and padding_value == 0
    ):
        return make_tensor("MatrixDiagPart", [x], name=name)
    if x.dtype.base_dtype == _dtypes.bool:
        padding_value = bool(padding_value)
    pv = _constant.convert_to_tensor(padding_value, dtype=x.dtype.base_dtype)
    return make_tensor("MatrixDiagPartV2", [x, _k_tensor(k), pv], name=name)


def matrix_set_diag(input, diagonal, name="set_diag", k=0):
    """tf.matrix_set_diag / tf.linalg.set_diag (op MatrixSetDiag; MatrixSetDiagV2 with k)."""
    x = _constant.convert_to_tensor(input)
    d = _constant.convert_to_tensor(diagonal, dtype=x.dtype.base_dtype)
    if np.all(np.asarray(k) == 0) and np.size(k) == 1:
        s = x.shape
        if s.ndims is not None and d.shape.ndims is not None:
            if s.ndims < 2 or d.shape.ndims != s.ndims - 1:
                raise ValueError(
                    f"Shape must be rank {s.ndims - 1} but is rank {d.shape.ndims} for '{name}' "
                    f"(op: 'MatrixSetDiag') with input shapes: {s}, {d.shape}."
                )
            rows, cols = s[-2].value, s[-1].value
            exp = _ts.TensorShape(
                s.as_list()[:-2] + [None if rows is None or cols is None else min(rows, cols)]
            )
            if not exp.is_compatible_with(d.shape):
                raise ValueError(
                    f"Dimensions must be equal: diagonal shape {d.shape} does not match input shape "
                    f"{s} for '{name}' (op: 'MatrixSetDiag')"
                )
        out = make_tensor("MatrixSetDiag", [x, d], name=name)
    else:
        out = make_tensor("MatrixSetDiagV2", [x, d, _k_tensor(k)], name=name)
    out.set_shape(x.shape)
    return out


@register_op("MatrixBandPart")
def _matrix_band_part(x, num_lower, num_upper, **_):
    shp = np.shape(x)
    if len(shp) < 2:
        raise _invalid(f"input must be at least 2-dim, received shape: {_fmt_shape(shp)}")
    rows, cols = shp[-2], shp[-1]
    xp = _xp(x, num_lower, num_upper)
    lo = xp.asarray(num_lower).reshape(())
    hi = xp.asarray(num_upper).reshape(())
    for name_, v, lim in (("num_lower", lo, rows), ("num_upper", hi, cols)):
        cv = _concrete(v)
        if cv is not None and int(cv) > lim:
            raise _invalid(
                f"{name_} must be negative or less or equal to number of rows ({lim}) got: {int(cv)}"
            )
    r = np.arange(rows)[:, None]
    c = np.arange(cols)[None, :]
    band = ((lo < 0) | ((r - c) <= lo)) & ((hi < 0) | ((c - r) <= hi))
    return xp.where(band, x, xp.zeros((), dtype=xp.asarray(x).dtype))


def matrix_band_part(input, num_lower, num_upper, name=None):
    """tf.matrix_band_part / tf.linalg.band_part (op MatrixBandPart); a negative bound keeps a triangle."""
    x = _constant.convert_to_tensor(input)
    lo = (
        _constant.convert_to_tensor(num_lower, dtype=None)
        if not isinstance(num_lower, _graph.Tensor)
        else num_lower
    )
    hi = (
        _constant.convert_to_tensor(num_upper, dtype=lo.dtype.base_dtype)
        if not isinstance(num_upper, _graph.Tensor)
        else num_upper
    )
    return make_tensor("MatrixBandPart", [x, lo, hi], name=name or "MatrixBandPart")


@register_op("Diag")
def _diag(x, **_):
    shp = np.shape(x)
    xp = _xp(x)
    flat = xp.reshape(x, (-1,))
    n = flat.shape[0]
    out = xp.zeros((n, n), dtype=xp.asarray(x).dtype)
    if xp is np:
        out[np.arange(n), np.arange(n)] = flat
    else:
        out = out.at[jnp.arange(n), jnp.arange(n)].set(flat)
    return xp.reshape(out, shp + shp)


@register_op("DiagPart")
def _diag_part(x, **_):
    shp = np.shape(x)
    k = len(shp) // 2
    if len(shp) % 2 or shp[:k] != shp[k:]:
        raise _invalid(
            f"The rank of the tensor should be even and positive and its first half of dimensions "
            f"should equal its second half, got shape {_fmt_shape(shp)}"
        )
    n = int(np.prod(shp[:k]))
    xp = _xp(x)
    m = xp.reshape(x, (n, n))
    return xp.reshape(xp.diagonal(m), shp[:k])


def diag(diagonal, name=None):
    """tf.diag (op Diag): a tensor of rank 2k with `diagonal` (rank k) on its diagonal."""
    return make_tensor("Diag", [diagonal], name=name or "Diag")


def diag_part(input, name=None):
    """tf.diag_part (op DiagPart): the inverse of tf.diag."""
    return make_tensor("DiagPart", [input], name=name or "DiagPart")


def eye(num_rows, num_columns=None, batch_shape=None, dtype=_dtypes.float32, name=None):
    """tf.eye: identity matrices (ones + MatrixDiag, or zeros + MatrixSetDiag when not square), as TF1."""
    from compat_tf._src.ops import math_ops

    g = _g()
    with g.name_scope(name or "eye"):
        is_square = num_columns is None
        batch_shape = [] if batch_shape is None else batch_shape
        num_columns = num_rows if num_columns is None else num_columns
        if isinstance(num_rows, _graph.Tensor) or isinstance(num_columns, _graph.Tensor):
            diag_size = math_ops.minimum(num_rows, num_columns)
        else:
            if not isinstance(num_rows, (int, np.integer)) or not isinstance(num_columns, (int, np.integer)):
                raise TypeError(
                    f"num_rows and num_columns must be positive integer values, got {num_rows!r} and "
                    f"{num_columns!r}"
                )
            is_square = num_rows == num_columns
            diag_size = min(num_rows, num_columns)
        static = (
            not isinstance(batch_shape, _graph.Tensor)
            and not _has_tensor(list(batch_shape))
            and not isinstance(diag_size, _graph.Tensor)
        )
        if static:
            diag_shape = [int(b) for b in batch_shape] + [int(diag_size)]
            shape_ = [int(b) for b in batch_shape] + [int(num_rows), int(num_columns)]
        else:
            # an int32 batch shape, also when it is the empty list (which would convert to float32)
            batch_t = _constant.convert_to_tensor(batch_shape, dtype=_dtypes.int32)
            diag_shape = concat((batch_t, [diag_size]), 0)
            shape_ = concat((batch_t, [num_rows, num_columns]), 0)
        diag_ones = ones(diag_shape, dtype=dtype)
        if is_square:
            return matrix_diag(diag_ones)
        zero_matrix = zeros(shape_, dtype=dtype)
        return matrix_set_diag(zero_matrix, diag_ones)


# --------------------------------------------------------------------------------------------
# broadcasting, identity_n, meshgrid, invert_permutation, ensure_shape
# --------------------------------------------------------------------------------------------


@register_op("BroadcastTo")
def _broadcast_to(x, shape, **_):
    shp = tuple(int(d) for d in static_ints(shape, "the shape given to tf.broadcast_to").reshape(-1))
    try:
        np.broadcast_shapes(np.shape(x), shp)
        if len(shp) < np.ndim(x):
            raise ValueError
        if np.broadcast_shapes(np.shape(x), shp) != shp:
            raise ValueError
    except ValueError:
        raise _invalid(f"Incompatible shapes: {_fmt_shape(np.shape(x))} vs. {_fmt_shape(shp)}") from None
    return _xp(x).broadcast_to(x, shp)


def broadcast_to(input, shape, name=None):
    """tf.broadcast_to (op BroadcastTo): `shape` must be known when the step is traced."""
    x = _constant.convert_to_tensor(input)
    s = _constant.convert_to_tensor(shape, dtype=None) if not isinstance(shape, _graph.Tensor) else shape
    _check_int_dtype(s, "shape", "BroadcastTo")
    sv = _static_value(s)
    if sv is not None and x.shape.ndims is not None:
        try:
            broadcast_static_shape(x.shape, _ts.TensorShape([int(d) for d in np.asarray(sv).reshape(-1)]))
            if x.shape.ndims > np.asarray(sv).size:
                raise ValueError
        except ValueError:
            raise ValueError(
                f"Incompatible shapes for broadcast_to: {x.shape} vs. {list(np.asarray(sv))}"
            ) from None
    out = make_tensor("BroadcastTo", [x, s], name=name or "BroadcastTo")
    if s.shape.ndims == 1:
        _maybe_set_static_shape(out, s)
    return out


@register_op("BroadcastArgs", differentiable=False)
def _broadcast_args(s0, s1, **_):
    a, b = _concrete(s0), _concrete(s1)
    if a is not None and b is not None:
        try:
            out = np.broadcast_shapes(tuple(int(v) for v in a), tuple(int(v) for v in b))
        except ValueError:
            raise _invalid(f"Incompatible shapes: {_fmt_shape(a)} vs. {_fmt_shape(b)}") from None
        return np.asarray(out, dtype=a.dtype)
    n = max(np.shape(s0)[0], np.shape(s1)[0])
    a = jnp.concatenate([jnp.ones(n - np.shape(s0)[0], s0.dtype), s0])
    b = jnp.concatenate([jnp.ones(n - np.shape(s1)[0], s1.dtype), s1.astype(s0.dtype)])
    return jnp.where(a == 1, b, a)


def broadcast_dynamic_shape(shape_x, shape_y):
    """tf.broadcast_dynamic_shape (op BroadcastArgs): the broadcast of two shape vectors."""
    x = _constant.convert_to_tensor(shape_x, dtype=None)
    y = _constant.convert_to_tensor(shape_y, dtype=x.dtype.base_dtype)
    return make_tensor("BroadcastArgs", [x, y], name="BroadcastArgs")


def broadcast_static_shape(shape_x, shape_y):
    """tf.broadcast_static_shape: the broadcast of two TensorShapes (ValueError when incompatible)."""
    x, y = _ts.as_shape(shape_x), _ts.as_shape(shape_y)
    if x.ndims is None or y.ndims is None:
        return _ts.unknown_shape()
    xd, yd = x.as_list(), y.as_list()
    n = max(len(xd), len(yd))
    xd = [1] * (n - len(xd)) + xd
    yd = [1] * (n - len(yd)) + yd
    out = []
    for a, b in zip(xd, yd):
        if a is None or b is None:
            if a is not None and a > 1:
                out.append(a)
            elif b is not None and b > 1:
                out.append(b)
            else:
                out.append(None)
        elif a == b or b == 1:
            out.append(a)
        elif a == 1:
            out.append(b)
        else:
            raise ValueError(f"Incompatible shapes for broadcasting: {x} and {y}")
    return _ts.TensorShape(out)


@register_op("IdentityN", num_outputs=lambda attrs, n: n)
def _identity_n(*xs, **_):
    return list(xs)


def identity_n(input, name=None):
    """tf.identity_n (op IdentityN): identities of a list of tensors, as one op."""
    ins = [_constant.convert_to_tensor(x) for x in input]
    op = make_op(
        "IdentityN",
        ins,
        {"T": tuple(t.dtype.base_dtype for t in ins)},
        name=name or "IdentityN",
        output_specs=[(t.shape, t.dtype.base_dtype) for t in ins],
    )
    return list(op.outputs)


def meshgrid(*args, **kwargs):
    """tf.meshgrid: N-D coordinate grids ('xy' (default) or 'ij' indexing), built as TF1."""
    from compat_tf._src.ops import math_ops

    indexing = kwargs.pop("indexing", "xy")
    name = kwargs.pop("name", "meshgrid")
    if kwargs:
        key = list(kwargs.keys())[0]
        raise TypeError(f"'{key}' is an invalid keyword argument for this function")
    if indexing not in ("xy", "ij"):
        raise ValueError("indexing parameter must be either 'xy' or 'ij'")
    g = _g()
    with g.name_scope(name or "meshgrid"):
        ndim = len(args)
        s0 = (1,) * ndim
        args = [_constant.convert_to_tensor(x) for x in args]
        output = []
        for i, x in enumerate(args):
            output.append(reshape(x, list(s0[:i] + (-1,) + s0[i + 1 :])))
        shapes = [size(x) for x in args]
        output_dtype = args[0].dtype.base_dtype
        if indexing == "xy" and ndim > 1:
            output[0] = reshape(output[0], [1, -1] + [1] * (ndim - 2))
            output[1] = reshape(output[1], [-1, 1] + [1] * (ndim - 2))
            shapes[0], shapes[1] = shapes[1], shapes[0]
        mult_fact = ones(shapes, output_dtype)
        return [math_ops.multiply(x, mult_fact, name="mul") for x in output]


@register_op("InvertPermutation", differentiable=False)
def _invert_permutation(x, **_):
    if np.ndim(x) != 1:
        raise _invalid(f"invert_permutation expects a 1D vector. {_fmt_shape(np.shape(x))}")
    n = np.shape(x)[0]
    c = _concrete(x)
    if c is not None:
        out = np.full((n,), -1, dtype=c.dtype)
        for i, v in enumerate(c):
            if not 0 <= v < n:
                raise _invalid(f"{v} is not between 0 and {n}")
            if out[v] != -1:
                raise _invalid(f"{v} is duplicated in the input.")
            out[v] = i
        return out
    return jnp.zeros_like(x).at[x].set(jnp.arange(n, dtype=x.dtype))


def invert_permutation(x, name=None):
    """tf.invert_permutation (op InvertPermutation)."""
    t = _constant.convert_to_tensor(x)
    _check_int_dtype(t, "x", "InvertPermutation")
    return make_tensor("InvertPermutation", [t], name=name or "InvertPermutation")


def _ensure_shape_shape(op):
    x = op.inputs[0]
    want = op.get_attr("shape")
    if not x.shape.is_compatible_with(want):
        raise ValueError(f"Shapes {x.shape} and {want} are incompatible")
    return [(x.shape.merge_with(want), x.dtype.base_dtype)]


@register_op("EnsureShape", shape=_ensure_shape_shape)
def _ensure_shape(x, shape, **_):
    if not _ts.TensorShape(list(np.shape(x))).is_compatible_with(shape):
        raise _invalid(
            f"Shape of tensor {_fmt_shape(np.shape(x))} is not compatible with expected shape {shape}."
        )
    return x


def ensure_shape(x, shape, name=None):
    """tf.ensure_shape (op EnsureShape): checks the run-time shape, and refines the static one."""
    t = _constant.convert_to_tensor(x)
    return make_tensor("EnsureShape", [t], {"shape": _ts.as_shape(shape)}, name=name or "EnsureShape")


# --------------------------------------------------------------------------------------------
# space <-> depth / batch
# --------------------------------------------------------------------------------------------


def _to_nhwc(x, data_format):
    if data_format == "NCHW":
        return (
            jnp.transpose(x, (0, 2, 3, 1)) if not isinstance(x, np.ndarray) else np.transpose(x, (0, 2, 3, 1))
        )
    return x


def _from_nhwc(x, data_format):
    if data_format == "NCHW":
        return (
            jnp.transpose(x, (0, 3, 1, 2)) if not isinstance(x, np.ndarray) else np.transpose(x, (0, 3, 1, 2))
        )
    return x


@register_op("SpaceToDepth")
def _space_to_depth(x, block_size, data_format="NHWC", **_):
    if np.ndim(x) != 4:
        raise _invalid(f"input rank should be: 4 instead of: {np.ndim(x)}")
    b = block_size
    y = _to_nhwc(x, data_format)
    n, h, w, c = np.shape(y)
    if h % b or w % b:
        raise _invalid(f"Image width {w} and height {h} should be divisible by block_size: {b}")
    xp = _xp(y)
    y = xp.reshape(y, (n, h // b, b, w // b, b, c))
    y = xp.transpose(y, (0, 1, 3, 2, 4, 5))
    y = xp.reshape(y, (n, h // b, w // b, b * b * c))
    return _from_nhwc(y, data_format)


@register_op("DepthToSpace")
def _depth_to_space(x, block_size, data_format="NHWC", **_):
    if np.ndim(x) != 4:
        raise _invalid(f"input rank should be: 4 instead of: {np.ndim(x)}")
    b = block_size
    y = _to_nhwc(x, data_format)
    n, h, w, c = np.shape(y)
    if c % (b * b):
        raise _invalid(f"Input depth dimension {c} should be divisible by: {b * b}")
    xp = _xp(y)
    y = xp.reshape(y, (n, h, w, b, b, c // (b * b)))
    y = xp.transpose(y, (0, 1, 3, 2, 4, 5))
    y = xp.reshape(y, (n, h * b, w * b, c // (b * b)))
    return _from_nhwc(y, data_format)


def _check_block_size(block_size):
    if int(block_size) < 2:
        raise ValueError(f"Value for attr 'block_size' of {block_size} must be at least minimum 2")
    return int(block_size)


def space_to_depth(input, block_size, name=None, data_format="NHWC"):
    """tf.space_to_depth (op SpaceToDepth)."""
    return make_tensor(
        "SpaceToDepth",
        [input],
        {"block_size": _check_block_size(block_size), "data_format": data_format},
        name=name or "SpaceToDepth",
    )


def depth_to_space(input, block_size, name=None, data_format="NHWC"):
    """tf.depth_to_space (op DepthToSpace)."""
    return make_tensor(
        "DepthToSpace",
        [input],
        {"block_size": _check_block_size(block_size), "data_format": data_format},
        name=name or "DepthToSpace",
    )


@register_op("SpaceToBatchND")
def _space_to_batch_nd(x, block_shape, paddings, **_):
    bs = [int(b) for b in static_ints(block_shape, "block_shape").reshape(-1)]
    m = len(bs)
    p = static_ints(paddings, "paddings").reshape(-1, 2) if m else np.zeros((0, 2), np.int64)
    shp = np.shape(x)
    if np.ndim(x) < 1 + m:
        raise _invalid(f"input rank should be >= {1 + m} instead of {np.ndim(x)}")
    if any(b < 1 for b in bs) or (p < 0).any():
        raise _invalid("block_shape must be positive and paddings non-negative")
    xp = _xp(x)
    pad_width = [(0, 0)] + [(int(a), int(c)) for a, c in p] + [(0, 0)] * (len(shp) - 1 - m)
    y = xp.pad(x, pad_width)
    ps = np.shape(y)
    for i, b in enumerate(bs):
        if ps[1 + i] % b:
            raise _invalid(f"padded_shape[{i}]={ps[1 + i]} is not divisible by block_shape[{i}]={b}")
    batch = ps[0]
    rest = ps[1 + m :]
    new = [batch]
    for i, b in enumerate(bs):
        new += [ps[1 + i] // b, b]
    y = xp.reshape(y, tuple(new) + rest)
    perm = (
        [2 + 2 * i for i in builtins.range(m)]
        + [0]
        + [1 + 2 * i for i in builtins.range(m)]
        + [1 + 2 * m + i for i in builtins.range(len(rest))]
    )
    y = xp.transpose(y, perm)
    return xp.reshape(y, (batch * int(np.prod(bs)),) + tuple(ps[1 + i] // b for i, b in enumerate(bs)) + rest)


@register_op("BatchToSpaceND")
def _batch_to_space_nd(x, block_shape, crops, **_):
    bs = [int(b) for b in static_ints(block_shape, "block_shape").reshape(-1)]
    m = len(bs)
    cr = static_ints(crops, "crops").reshape(-1, 2) if m else np.zeros((0, 2), np.int64)
    shp = np.shape(x)
    prod = int(np.prod(bs))
    if shp[0] % prod:
        raise _invalid(
            f"Input batch dimension ({shp[0]}) is not divisible by product of block sizes ({prod})"
        )
    xp = _xp(x)
    batch = shp[0] // prod
    spatial = shp[1 : 1 + m]
    rest = shp[1 + m :]
    y = xp.reshape(x, tuple(bs) + (batch,) + spatial + rest)
    perm = [m]
    for i in builtins.range(m):
        perm += [m + 1 + i, i]
    perm += [2 * m + 1 + i for i in builtins.range(len(rest))]
    y = xp.transpose(y, perm)
    y = xp.reshape(y, (batch,) + tuple(s * b for s, b in zip(spatial, bs)) + rest)
    idx = [_builtin_slice(None)]
    for i in builtins.range(m):
        full = spatial[i] * bs[i]
        a, c = int(cr[i, 0]), int(cr[i, 1])
        if a < 0 or c < 0 or a + c > full:
            raise _invalid(
                f"Crops must be non-negative and not exceed the block-scaled size: {a}, {c} vs. {full}"
            )
        idx.append(_builtin_slice(a, full - c))
    return y[tuple(idx)]


def space_to_batch_nd(input, block_shape, paddings, name=None):
    """tf.space_to_batch_nd (op SpaceToBatchND)."""
    x = _constant.convert_to_tensor(input)
    bs = _constant.convert_to_tensor(block_shape, dtype=None)
    p = _constant.convert_to_tensor(paddings, dtype=None)
    return make_tensor("SpaceToBatchND", [x, bs, p], name=name or "SpaceToBatchND")


def batch_to_space_nd(input, block_shape, crops, name=None):
    """tf.batch_to_space_nd (op BatchToSpaceND)."""
    x = _constant.convert_to_tensor(input)
    bs = _constant.convert_to_tensor(block_shape, dtype=None)
    c = _constant.convert_to_tensor(crops, dtype=None)
    return make_tensor("BatchToSpaceND", [x, bs, c], name=name or "BatchToSpaceND")


def space_to_batch(input, paddings, block_size=None, name=None, block_shape=None):
    """tf.space_to_batch (TF1): SpaceToBatchND with block [block_size, block_size] on a 4-D input."""
    if block_size is not None and block_shape is not None:
        raise ValueError("Cannot specify both 'block_shape' and 'block_size'")
    block_size = block_shape if block_size is None else block_size
    out = space_to_batch_nd(input, np.array([block_size, block_size], np.int64), paddings, name=name)
    out.set_shape(out.shape.with_rank(4))
    return out


def batch_to_space(input, crops, block_size, name=None, block_shape=None):
    """tf.batch_to_space (TF1): BatchToSpaceND with block [block_size, block_size] on a 4-D input."""
    if block_size is not None and block_shape is not None:
        raise ValueError("Cannot specify both 'block_shape' and 'block_size'")
    block_size = block_shape if block_size is None else block_size
    out = batch_to_space_nd(input, np.array([block_size, block_size], np.int64), crops, name=name)
    out.set_shape(out.shape.with_rank(4))
    return out


def stop_gradient(input, name=None):
    """tf.stop_gradient (op StopGradient; defined in gradients_impl)."""
    from compat_tf._src.ops import gradients_impl

    return gradients_impl.stop_gradient(input, name=name)
