"""Arithmetic on SparseTensors: TF1's SparseAdd, SparseTensorDenseAdd, SparseSparseMaximum/Minimum,
SparseReduceSum/Max (dense and Sparse outputs) and SparseSoftmax.

Where the output holds as many values as the input (SparseSoftmax) or is dense (SparseTensorDenseAdd,
SparseReduceSum/Max) the op lowers onto the device, so gradients reach the values (TF1 has gradients
for SparseTensorDenseAdd, SparseReduceSum and SparseSoftmax). The dense reductions lower onto the
device when the dense shape and axes are build-time constants (a SparseTensor built from NumPy
values, a tf.sparse_placeholder with a known shape); otherwise (a parsed VarLenFeature, a fed
dense_shape) they run on the host, where tf.gradients through them raises LookupError.
Ops whose number of output values depends on the index values (SparseAdd of two SparseTensors,
SparseSparseMaximum/Minimum, the *Sparse reductions) run on the host between jitted segments, as
tf.where and tf.unique do. Deviation: no gradient flows through SparseAdd of two SparseTensors
(TF1 has one); tf.gradients raises LookupError naming the op.
As TF1's kernels, these assume canonical (row-major) order where TF1 does: SparseAdd and
SparseSparseMaximum/Minimum merge two ordered index lists.
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.shape_inference import constant_value
from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import first_or_default, make_op, make_tensor, static_ints
from compat_tf._src.ops.sparse_ops import _convert_to_sparse_tensor
from compat_tf._src.runtime.interp import eager as _interp_eager

__all__ = ["sparse_add", "sparse_maximum", "sparse_minimum", "sparse_reduce_max", "sparse_reduce_max_sparse",
           "sparse_reduce_sum", "sparse_reduce_sum_sparse", "sparse_softmax"]

_HOST = dict(host=True, differentiable=False)
# host ops with float outputs: tf.gradients through them raises LookupError naming the op (not None), as
# TF1 does for ops without a gradient (where TF1 has one, that is this module's documented deviation)
_HOST_GRADIENT_RAISES = dict(host=True)


def _invalid(msg):
    return errors.InvalidArgumentError(None, None, msg)


def _fmt(v):
    return "[" + ",".join(str(int(d)) for d in np.asarray(v).reshape(-1)) + "]"


def _check_same_shape(a_shape, b_shape):
    if a_shape.shape != b_shape.shape:
        raise _invalid(f"Operands do not have the same ranks; got shapes: {_fmt(a_shape)} and {_fmt(b_shape)}")
    for d, (x, y) in enumerate(zip(a_shape, b_shape)):
        if x != y:
            raise _invalid(f"Operands' shapes do not match: got {int(x)} and {int(y)} for dimension {d}")


def _check_components(idx, vals, shape, which=""):
    if idx.ndim != 2:
        raise _invalid(f"Input {which}indices should be a matrix but received shape {list(idx.shape)}")
    if vals.ndim != 1:
        raise _invalid(f"Input {which}values should be a vector but received shape {list(vals.shape)}")
    if shape.ndim != 1:
        raise _invalid(f"Input {which}shape should be a vector but received shape {list(shape.shape)}")


def _union(a_idx, b_idx):
    """Merge of two ordered index lists (TF1's kernels walk both): for each output entry, the position
    in a and in b (-1 when absent), in row-major order."""
    keys = {}
    for i, row in enumerate(map(tuple, a_idx)):
        keys.setdefault(row, [-1, -1])[0] = i
    for j, row in enumerate(map(tuple, b_idx)):
        keys.setdefault(row, [-1, -1])[1] = j
    rows = sorted(keys)
    pos = np.array([keys[r] for r in rows], np.int64).reshape(-1, 2)
    out_idx = np.array(rows, np.int64).reshape(-1, a_idx.shape[1])
    return out_idx, pos[:, 0], pos[:, 1]


# -- SparseAdd ---------------------------------------------------------------------------------

def _sparse_add_shape(op):
    rank = op.inputs[2].shape[0].value if op.inputs[2].shape.ndims == 1 else None
    return [([None, rank], _dtypes.int64), ([None], op.inputs[1].dtype.base_dtype), ([rank], _dtypes.int64)]


@register_op("SparseAdd", num_outputs=3, shape=_sparse_add_shape, **_HOST_GRADIENT_RAISES)
def _sparse_add(ctx, a_indices, a_values, a_shape, b_indices, b_values, b_shape, thresh, **_):
    a_idx, a_val, a_sh = (np.asarray(x) for x in (a_indices, a_values, a_shape))
    b_idx, b_val, b_sh = (np.asarray(x) for x in (b_indices, b_values, b_shape))
    _check_components(a_idx, a_val, a_sh, "a_")
    _check_components(b_idx, b_val, b_sh, "b_")
    _check_same_shape(a_sh, b_sh)
    out_idx, ia, ib = _union(a_idx.astype(np.int64), b_idx.astype(np.int64))
    out_val = np.where(ia >= 0, a_val[np.maximum(ia, 0)] if a_val.size else 0, 0).astype(a_val.dtype)
    out_val = out_val + np.where(ib >= 0, b_val[np.maximum(ib, 0)] if b_val.size else 0, 0).astype(a_val.dtype)
    both = (ia >= 0) & (ib >= 0)
    keep = ~both | (np.abs(out_val) >= np.asarray(thresh))
    return out_idx[keep], out_val[keep], a_sh.astype(np.int64)


@register_op("SparseTensorDenseAdd")
def _sparse_tensor_dense_add(a_indices, a_values, a_shape, b, **_):
    if np.ndim(b) != np.shape(a_shape)[0]:
        raise _invalid(f"Dimension mismatch: a_shape has {np.shape(a_shape)[0]} entries, b has rank {np.ndim(b)}")
    shape = _interp_eager.concrete_value(a_shape)
    if shape is not None and tuple(int(d) for d in shape) != tuple(np.shape(b)):
        raise _invalid(f"Dimension mismatch: a_shape {_fmt(shape)} vs. b.shape {_fmt(np.shape(b))}")
    idx = jnp.asarray(a_indices).astype(jnp.int32)
    return jnp.asarray(b).at[tuple(idx[:, d] for d in range(idx.shape[1]))].add(
        jnp.asarray(a_values).astype(jnp.asarray(b).dtype))


def sparse_add(a, b, threshold=None, thresh=None):
    """tf.sparse.add / tf.sparse_add: SparseTensor + SparseTensor (op SparseAdd: the union of the indices,
    sums whose magnitude is below `threshold` dropped), or SparseTensor + dense Tensor (op
    SparseTensorDenseAdd, a dense result). Two SparseTensors must be in canonical order (as TF1)."""
    threshold = first_or_default(threshold, thresh, 0)
    sparse_classes = (SparseTensor, SparseTensorValue)
    if not any(isinstance(inp, sparse_classes) for inp in (a, b)):
        raise TypeError("At least one input should be SparseTensor; do you mean to use tf.add?")
    if all(isinstance(inp, sparse_classes) for inp in (a, b)):
        a, b = _convert_to_sparse_tensor(a), _convert_to_sparse_tensor(b)
        real = a.values.dtype.base_dtype.real_dtype if hasattr(a.values.dtype.base_dtype, "real_dtype") else \
            a.values.dtype.base_dtype
        thresh_t = _constant.convert_to_tensor(threshold, dtype=real, name="threshold")
        op = make_op("SparseAdd", [a.indices, a.values, a.dense_shape, b.indices, b.values, b.dense_shape,
                                   thresh_t], name="SparseAdd")
        a.get_shape().assert_is_compatible_with(b.get_shape())
        static = a.get_shape().merge_with(b.get_shape())
        out_shape = static.as_list() if static.is_fully_defined() else op.outputs[2]
        return SparseTensor(op.outputs[0], op.outputs[1], out_shape)
    if isinstance(b, sparse_classes):
        a, b = b, a
    a = _convert_to_sparse_tensor(a)
    b = _constant.convert_to_tensor(b, dtype=a.dtype.base_dtype)
    return make_tensor("SparseTensorDenseAdd", [a.indices, a.values, a.dense_shape, b],
                       output_specs=[(b.shape, b.dtype.base_dtype)], name="SparseTensorDenseAdd")


# -- SparseSparseMaximum / SparseSparseMinimum -------------------------------------------------

def _minmax_shape(op):
    rank = op.inputs[2].shape[0].value if op.inputs[2].shape.ndims == 1 else None
    return [([None, rank], _dtypes.int64), ([None], op.inputs[1].dtype.base_dtype)]


def _register_minmax(op_type, fn):
    @register_op(op_type, num_outputs=2, shape=_minmax_shape, **_HOST_GRADIENT_RAISES)
    def lower(ctx, a_indices, a_values, a_shape, b_indices, b_values, b_shape, **_):
        a_idx, a_val, a_sh = (np.asarray(x) for x in (a_indices, a_values, a_shape))
        b_idx, b_val, b_sh = (np.asarray(x) for x in (b_indices, b_values, b_shape))
        _check_components(a_idx, a_val, a_sh, "a_")
        _check_components(b_idx, b_val, b_sh, "b_")
        _check_same_shape(a_sh, b_sh)
        out_idx, ia, ib = _union(a_idx.astype(np.int64), b_idx.astype(np.int64))
        zero = np.zeros([], a_val.dtype)
        av = np.where(ia >= 0, a_val[np.maximum(ia, 0)] if a_val.size else zero, zero)
        bv = np.where(ib >= 0, b_val[np.maximum(ib, 0)] if b_val.size else zero, zero)
        return out_idx, fn(av, bv).astype(a_val.dtype)

    def builder(sp_a, sp_b, name=None):
        sp_a, sp_b = _convert_to_sparse_tensor(sp_a), _convert_to_sparse_tensor(sp_b)
        with _graph.get_default_graph().name_scope(name or op_type) as scope:
            op = make_op(op_type, [sp_a.indices, sp_a.values, sp_a.dense_shape, sp_b.indices, sp_b.values,
                                   sp_b.dense_shape], name=scope)
        return SparseTensor(op.outputs[0], op.outputs[1], sp_a.dense_shape)

    builder.__doc__ = (f"tf.sparse.{fn.__name__} (op {op_type}): the element-wise {fn.__name__} of two "
                       "SparseTensors of the same shape in canonical order, missing entries counting as zero; "
                       "the output holds the union of the indices.")
    return builder


sparse_maximum = _register_minmax("SparseSparseMaximum", np.maximum)
sparse_minimum = _register_minmax("SparseSparseMinimum", np.minimum)


# -- SparseReduceSum / SparseReduceMax ---------------------------------------------------------

def _axes(reduction_axes, rank):
    axes = np.asarray(reduction_axes, np.int64).reshape(-1)
    out = set()
    for a in axes:
        if not -rank <= a < rank:
            raise _invalid(f"Invalid reduction dimension {int(a)}, for input with {rank} dimensions.")
        out.add(int(a) % rank)
    return sorted(out)


def _reduce_plan(indices, shape, reduction_axes, keep_dims):
    """(segment id of each value, number of output cells, dense output shape) of a sparse reduction."""
    rank = len(shape)
    axes = _axes(reduction_axes, rank)
    kept = [d for d in range(rank) if d not in axes]
    kept_shape = [int(shape[d]) for d in kept]
    out_shape = [1 if d in axes else int(shape[d]) for d in range(rank)] if keep_dims else kept_shape
    idx = jnp.asarray(indices, jnp.int64)
    seg = jnp.zeros([idx.shape[0]], jnp.int64)
    for d, size in zip(kept, kept_shape):
        seg = seg * size + idx[:, d]
    return seg, int(np.prod(kept_shape)) if kept_shape else 1, out_shape


def _reduce_dense_shape(op):
    shape, axes = constant_value(op.inputs[2]), constant_value(op.inputs[3])
    dt = op.inputs[1].dtype.base_dtype
    if shape is None or axes is None:
        return [(_ts.unknown_shape(), dt)]
    rank = len(shape)
    ax = _axes(axes, rank)
    if op.get_attr("keep_dims"):
        return [([1 if d in ax else int(shape[d]) for d in range(rank)], dt)]
    return [([int(shape[d]) for d in range(rank) if d not in ax], dt)]


def _shape_known_at_build(op):
    return constant_value(op.inputs[2]) is not None and constant_value(op.inputs[3]) is not None


def _on_host_when_shape_is_dynamic(op):
    """The dense reductions run in the step when the dense shape and axes are build-time constants
    (gradients flow), else on the host, where the fed or computed shape is a concrete value."""
    return not _shape_known_at_build(op)


def _host_result(out):
    return out if isinstance(out, jax.core.Tracer) else np.asarray(out)


@register_op("SparseReduceSum", shape=_reduce_dense_shape, host=_on_host_when_shape_is_dynamic)
def _sparse_reduce_sum(*args, keep_dims=False, **_):
    input_indices, input_values, input_shape, reduction_axes = args[-4:]   # a host call passes the context first
    shape = static_ints(input_shape, "the dense_shape of tf.sparse.reduce_sum's input")
    axes = static_ints(reduction_axes, "tf.sparse.reduce_sum's axis")
    seg, n, out_shape = _reduce_plan(input_indices, shape, axes, keep_dims)
    return _host_result(jax.ops.segment_sum(jnp.asarray(input_values), seg, num_segments=n).reshape(out_shape))


@register_op("SparseReduceMax", shape=_reduce_dense_shape, host=_on_host_when_shape_is_dynamic,
             differentiable=False)
def _sparse_reduce_max(*args, keep_dims=False, **_):
    input_indices, input_values, input_shape, reduction_axes = args[-4:]   # a host call passes the context first
    shape = static_ints(input_shape, "the dense_shape of tf.sparse.reduce_max's input")
    axes = static_ints(reduction_axes, "tf.sparse.reduce_max's axis")
    seg, n, out_shape = _reduce_plan(input_indices, shape, axes, keep_dims)
    values = jnp.asarray(input_values)
    out = jax.ops.segment_max(values, seg, num_segments=n)
    count = jax.ops.segment_sum(jnp.ones_like(seg), seg, num_segments=n)
    # TF1's kernel reduces the stored values only (implicit zeros ignored); a cell with none is 0
    return _host_result(jnp.where(count > 0, out, jnp.zeros([], values.dtype)).reshape(out_shape))


def _reduce_sparse_shape(op):
    shape, axes = constant_value(op.inputs[2]), constant_value(op.inputs[3])
    dt = op.inputs[1].dtype.base_dtype
    rank = None
    if shape is not None and axes is not None:
        n = len(shape)
        rank = n if op.get_attr("keep_dims") else n - len(_axes(axes, n))
    return [([None, rank], _dtypes.int64), ([None], dt), ([rank], _dtypes.int64)]


def _register_reduce_sparse(op_type, np_reduce):
    @register_op(op_type, num_outputs=3, shape=_reduce_sparse_shape, **_HOST_GRADIENT_RAISES)
    def lower(ctx, input_indices, input_values, input_shape, reduction_axes, keep_dims=False, **_):
        idx, vals, shape = np.asarray(input_indices, np.int64), np.asarray(input_values), np.asarray(input_shape)
        _check_components(idx, vals, shape)
        rank = shape.shape[0]
        axes = _axes(reduction_axes, rank)
        kept = [d for d in range(rank) if d not in axes]
        out_shape = np.array([1 if d in axes else shape[d] for d in range(rank)] if keep_dims
                             else [shape[d] for d in kept], np.int64)
        groups = {}
        for i, row in enumerate(idx):
            key = tuple(0 if (keep_dims and d in axes) else int(row[d]) for d in range(rank)
                        if keep_dims or d in kept)
            groups.setdefault(key, []).append(i)
        keys = sorted(groups)
        out_idx = np.array(keys, np.int64).reshape(len(keys), len(out_shape))
        out_val = np.array([np_reduce(vals[groups[k]]) for k in keys], vals.dtype).reshape(-1)
        return out_idx, out_val, out_shape

    return lower


_register_reduce_sparse("SparseReduceSumSparse", np.sum)
_register_reduce_sparse("SparseReduceMaxSparse", np.max)


def _reduction_axes(sp_input, axis):
    if axis is not None:
        return _constant.convert_to_tensor(axis, dtype=_dtypes.int32, name="reduction_axes")
    rank = sp_input.dense_shape.shape[0].value
    if rank is not None:
        return _constant.convert_to_tensor(np.arange(rank, dtype=np.int32), name="reduction_axes")
    from compat_tf._src.ops import array_ops
    return array_ops.range(0, array_ops.size(sp_input.dense_shape))


def _reduce_builder(op_type, sparse_output):
    def builder(sp_input, axis=None, keepdims=None, reduction_axes=None, keep_dims=None):
        sp_input = _convert_to_sparse_tensor(sp_input)
        keepdims = bool(first_or_default(keepdims, keep_dims, False))
        axes = _reduction_axes(sp_input, first_or_default(axis, reduction_axes))
        op = make_op(op_type, [sp_input.indices, sp_input.values, sp_input.dense_shape, axes],
                     {"keep_dims": keepdims}, name=op_type)
        return SparseTensor(*op.outputs) if sparse_output else op.outputs[0]

    kind = "sum" if "Sum" in op_type else "max"
    builder.__doc__ = (f"tf.sparse.reduce_{kind}{'_sparse' if sparse_output else ''} (op {op_type}): the {kind} "
                       "over `axis` (all axes by default) of the stored values "
                       + ("as a SparseTensor of the non-empty cells (host op, no gradient)." if sparse_output else
                          "as a dense tensor (cells with no value are 0)."))
    return builder


sparse_reduce_sum = _reduce_builder("SparseReduceSum", False)
sparse_reduce_max = _reduce_builder("SparseReduceMax", False)
sparse_reduce_sum_sparse = _reduce_builder("SparseReduceSumSparse", True)
sparse_reduce_max_sparse = _reduce_builder("SparseReduceMaxSparse", True)


# -- SparseSoftmax -----------------------------------------------------------------------------

def _softmax_shape(op):
    vals = op.inputs[1].shape
    return [(vals if vals.ndims is not None else _ts.TensorShape([None]), op.inputs[1].dtype.base_dtype)]


@register_op("SparseSoftmax", shape=_softmax_shape)
def _sparse_softmax(sp_indices, sp_values, sp_shape, **_):
    idx = jnp.asarray(sp_indices, jnp.int64)
    if idx.ndim != 2:
        raise _invalid(f"Input should be a matrix but received shape {list(idx.shape)}")
    if np.shape(sp_shape)[0] < 2:
        raise _invalid("Input should have rank >= 2, but received shape: " + _fmt(np.shape(sp_shape)))
    n = idx.shape[0]
    if n == 0:
        return jnp.asarray(sp_values)
    # group the values by all but the last index (any order: a stable sort by the leading columns)
    lead = idx[:, :-1]
    perm = jnp.lexsort(tuple(lead[:, d] for d in reversed(range(lead.shape[1]))))
    sorted_lead = jnp.take(lead, perm, axis=0)
    new_group = jnp.concatenate([jnp.ones([1], bool), jnp.any(sorted_lead[1:] != sorted_lead[:-1], axis=1)])
    seg_sorted = jnp.cumsum(new_group) - 1
    seg = jnp.zeros([n], seg_sorted.dtype).at[perm].set(seg_sorted)
    values = jnp.asarray(sp_values)
    top = jax.lax.stop_gradient(jax.ops.segment_max(values, seg, num_segments=n))
    e = jnp.exp(values - top[seg])
    return e / jax.ops.segment_sum(e, seg, num_segments=n)[seg]


def sparse_softmax(sp_input, name=None):
    """tf.sparse.softmax / tf.sparse_softmax (op SparseSoftmax): softmax over the last dimension among the
    stored values of each row (implicit zeros take no part); rank >= 2. Gradients reach the values."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    with _graph.get_default_graph().name_scope(name or "SparseSoftmax") as scope:
        out = make_tensor("SparseSoftmax", [sp_input.indices, sp_input.values, sp_input.dense_shape], name=scope)
    return SparseTensor(sp_input.indices, out, sp_input.dense_shape)
