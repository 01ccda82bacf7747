"""Cutting SparseTensors apart and padding them: TF1's SparseSlice, SparseSplit and SparseFillEmptyRows.

How many values each output holds depends on the index values, so these run on the host (NumPy)
between jitted segments, as tf.where and tf.unique do. Deviation: no gradient flows through them
(TF1 has gradients for SparseSlice's and SparseFillEmptyRows' values); tf.gradients raises
LookupError naming the op. Outputs follow TF1's kernels: entries keep their input order (SparseSlice,
SparseSplit), SparseFillEmptyRows orders by row, and its `reverse_index_map` gives each input value's
output position.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import first_or_default, make_op
from compat_tf._src.ops.sparse_ops import _convert_to_sparse_tensor

__all__ = ["sparse_fill_empty_rows", "sparse_slice", "sparse_split"]

_HOST = dict(host=True, differentiable=False)
# host ops with float outputs: tf.gradients through them raises LookupError naming the op (not None), as
# TF1 does for ops without a gradient (where TF1 has one, that is this module's documented deviation)
_HOST_GRADIENT_RAISES = dict(host=True)


def _invalid(msg):
    return errors.InvalidArgumentError(None, None, msg)


def _rank_of(op, i):
    t = op.inputs[i]
    return t.shape[0].value if t.shape.ndims == 1 else None


def _components(indices, values, shape):
    idx, vals, sh = np.asarray(indices, np.int64), np.asarray(values), np.asarray(shape, np.int64)
    if idx.ndim != 2:
        raise _invalid(f"Input indices should be a matrix but received shape {list(idx.shape)}")
    if vals.ndim != 1:
        raise _invalid(f"Input values should be a vector but received shape {list(vals.shape)}")
    if sh.ndim != 1:
        raise _invalid(f"Input shape should be a vector but received shape {list(sh.shape)}")
    return idx, vals, sh


# -- SparseSlice -------------------------------------------------------------------------------

def _slice_shape(op):
    rank = _rank_of(op, 2)
    return [([None, rank], _dtypes.int64), ([None], op.inputs[1].dtype.base_dtype), ([rank], _dtypes.int64)]


def _slice_np(idx, vals, shape, start, size):
    start, size = np.asarray(start, np.int64), np.asarray(size, np.int64)
    end = np.minimum(start + size, shape)
    out_shape = np.maximum(end - start, 0)
    keep = np.all((idx >= start) & (idx < start + size), axis=1) if idx.size else np.zeros(len(idx), bool)
    return idx[keep] - start, vals[keep], out_shape.astype(np.int64)


@register_op("SparseSlice", num_outputs=3, shape=_slice_shape, **_HOST_GRADIENT_RAISES)
def _sparse_slice(ctx, indices, values, shape, start, size, **_):
    idx, vals, sh = _components(indices, values, shape)
    start, size = np.asarray(start, np.int64), np.asarray(size, np.int64)
    if start.ndim != 1 or start.shape[0] != sh.shape[0]:
        raise _invalid(f"Expected start to be a vector of length {sh.shape[0]} but got length "
                       f"{start.size}")
    if size.ndim != 1 or size.shape[0] != sh.shape[0]:
        raise _invalid(f"Expected size to be a vector of length {sh.shape[0]} but got length {size.size}")
    return _slice_np(idx, vals, sh, start, size)


def sparse_slice(sp_input, start, size, name=None):
    """tf.sparse.slice / tf.sparse_slice (op SparseSlice): the values with start <= index < start + size,
    indices shifted by -start; each output dimension is min(start + size, shape) - start."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    start = _constant.convert_to_tensor(start, dtype=_dtypes.int64)
    size = _constant.convert_to_tensor(size, dtype=_dtypes.int64)
    with _graph.get_default_graph().name_scope(name or "SparseSlice") as scope:
        op = make_op("SparseSlice", [sp_input.indices, sp_input.values, sp_input.dense_shape, start, size],
                     name=scope)
    return SparseTensor(*op.outputs)


# -- SparseSplit -------------------------------------------------------------------------------

def _split_shape(op):
    n = op.get_attr("num_split")
    rank = _rank_of(op, 3)
    dt = op.inputs[2].dtype.base_dtype
    return ([([None, rank], _dtypes.int64)] * n + [([None], dt)] * n + [([rank], _dtypes.int64)] * n)


@register_op("SparseSplit", num_outputs=lambda attrs, n: 3 * attrs["num_split"], shape=_split_shape,
             **_HOST_GRADIENT_RAISES)
def _sparse_split(ctx, split_dim, indices, values, shape, num_split, **_):
    idx, vals, sh = _components(indices, values, shape)
    rank = sh.shape[0]
    dim = int(np.asarray(split_dim))
    if not -rank <= dim < rank:
        raise _invalid(f"Input split_dim should be between {-rank} and {rank}, got {dim}")
    dim %= rank
    if not 1 <= num_split <= sh[dim]:
        raise _invalid(f"Input num_split should be between 1 and the splitting dimension size ({int(sh[dim])}), "
                       f"got {num_split}")
    base, extra = divmod(int(sh[dim]), num_split)
    sizes = [base + 1 if i < extra else base for i in range(num_split)]
    outs, begin = [], 0
    for s in sizes:
        start = np.zeros(rank, np.int64)
        start[dim] = begin
        size = sh.copy()
        size[dim] = s
        outs.append(_slice_np(idx, vals, sh, start, size))
        begin += s
    return [o[0] for o in outs] + [o[1] for o in outs] + [o[2] for o in outs]


def sparse_split(keyword_required=None, sp_input=None, num_split=None, axis=None, name=None, split_dim=None):
    """tf.sparse.split / tf.sparse_split (op SparseSplit): `num_split` SparseTensors along `axis`; the first
    `shape[axis] % num_split` pieces are one larger. Keyword arguments are required, as in TF1."""
    if keyword_required is not None:
        raise ValueError("Keyword arguments are required for this function.")
    if sp_input is None:
        raise ValueError("sp_input is required")
    if num_split is None:
        raise ValueError("num_split is required")
    axis = first_or_default(axis, split_dim)
    if axis is None:
        raise ValueError("axis is required")
    sp_input = _convert_to_sparse_tensor(sp_input)
    n = int(num_split)
    axis_t = _constant.convert_to_tensor(axis, dtype=_dtypes.int64)
    with _graph.get_default_graph().name_scope(name or "SparseSplit") as scope:
        op = make_op("SparseSplit", [axis_t, sp_input.indices, sp_input.values, sp_input.dense_shape],
                     {"num_split": n}, name=scope)
    outs = op.outputs
    return [SparseTensor(outs[i], outs[n + i], outs[2 * n + i]) for i in range(n)]


# -- SparseFillEmptyRows -----------------------------------------------------------------------

def _fill_shape(op):
    rank = op.inputs[0].shape[1].value if op.inputs[0].shape.ndims == 2 else None
    n = op.inputs[0].shape[0].value if op.inputs[0].shape.ndims == 2 else None
    return [([None, rank], _dtypes.int64), ([None], op.inputs[1].dtype.base_dtype), ([None], _dtypes.bool),
            ([n], _dtypes.int64)]


@register_op("SparseFillEmptyRows", num_outputs=4, shape=_fill_shape, **_HOST_GRADIENT_RAISES)
def _sparse_fill_empty_rows(ctx, indices, values, dense_shape, default_value, **_):
    idx, vals, sh = _components(indices, values, dense_shape)
    default = np.asarray(default_value)
    if default.ndim != 0:
        raise _invalid(f"default_value must be a scalar, saw: {list(default.shape)}")
    if sh.shape[0] == 0:
        raise _invalid("dense_shape must be a vector of length >= 1")
    n_rows = int(sh[0])
    rows = idx[:, 0] if idx.size else np.zeros([len(idx)], np.int64)
    for i, r in enumerate(rows):
        if not 0 <= r < n_rows:
            raise _invalid(f"indices({i}, 0) is invalid: {int(r)} >= {n_rows}" if r >= 0 else
                           f"indices({i}, 0) is invalid: {int(r)} < 0")
    counts = np.bincount(rows, minlength=n_rows) if len(rows) else np.zeros(n_rows, np.int64)
    empty = counts == 0
    per_row = np.maximum(counts, 1)
    offsets = np.concatenate([[0], np.cumsum(per_row)[:-1]]).astype(np.int64)
    total = int(per_row.sum())
    out_idx = np.zeros([total, sh.shape[0]], np.int64)
    out_val = np.empty([total], vals.dtype)
    filled = np.zeros(n_rows, np.int64)
    reverse = np.zeros([len(rows)], np.int64)
    for i, r in enumerate(rows):
        pos = offsets[r] + filled[r]
        filled[r] += 1
        out_idx[pos] = idx[i]
        out_val[pos] = vals[i]
        reverse[i] = pos
    for r in np.flatnonzero(empty):
        out_idx[offsets[r]] = 0
        out_idx[offsets[r], 0] = r
        out_val[offsets[r]] = default
    return out_idx, out_val, empty, reverse


def sparse_fill_empty_rows(sp_input, default_value, name=None):
    """tf.sparse.fill_empty_rows / tf.sparse_fill_empty_rows (op SparseFillEmptyRows): a value
    `default_value` at [row, 0, ..., 0] for every row with none; returns (SparseTensor, empty_row_indicator)."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    with _graph.get_default_graph().name_scope(name or "SparseFillEmptyRows") as scope:
        default_value = _constant.convert_to_tensor(default_value, dtype=sp_input.values.dtype.base_dtype)
        op = make_op("SparseFillEmptyRows", [sp_input.indices, sp_input.values, sp_input.dense_shape,
                                             default_value], name=scope)
    return SparseTensor(op.outputs[0], op.outputs[1], sp_input.dense_shape), op.outputs[2]
