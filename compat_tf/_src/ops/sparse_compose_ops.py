"""SparseTensor functions TF1 writes in Python over ordinary ops (tensorflow/python/ops/sparse_ops.py):
tf.sparse.transpose, expand_dims, eye, from_dense, reset_shape, retain, merge, to_indicator, tf.sparse_mask
and tf.convert_to_tensor_or_sparse_tensor.

Each builds the same op composition as TF1 (Where/Gather for retain and from_dense, Transpose/Gather
then SparseReorder for transpose, ListDiff/Gather for sparse_mask), so gradients reach the values
where TF1's do and the data-dependent sizes (how many values retain keeps) come from the host Where
as for tf.boolean_mask.
"""
import numbers

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.indexed_slices import IndexedSlices
from compat_tf._src.framework.shape_inference import constant_value
from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue
from compat_tf._src.framework.tensor_conversion import convert_to_tensor_or_sparse_tensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops.sparse_ops import _convert_to_sparse_tensor, sparse_tensor_to_dense
from compat_tf._src.ops.sparse_reorder_ops import sparse_reorder

__all__ = ["convert_to_tensor_or_sparse_tensor", "sparse_mask", "sparse_merge", "sparse_reset_shape",
           "sparse_retain", "sparse_to_indicator", "sparse_transpose"]


def _ops():
    from compat_tf._src.ops import array_ops, control_flow_ops, gather_ops, math_ops
    return array_ops, control_flow_ops, gather_ops, math_ops


def sparse_transpose(sp_input, perm=None, name=None):
    """tf.sparse.transpose / tf.sparse_transpose: indices' columns permuted (default: reversed), then
    SparseReorder, as TF1."""
    array_ops, _, gather_ops, math_ops = _ops()
    sp_input = _convert_to_sparse_tensor(sp_input)
    g = _graph.get_default_graph()
    with g.name_scope(name or "SparseTranspose") as scope:
        if perm is None:
            rank = sp_input.shape.ndims
            if rank is not None:
                perm = (rank - 1) - np.arange(0, rank, 1)
            else:
                rank = array_ops.size(sp_input.dense_shape)
                perm = (rank - 1) - array_ops.range(0, rank, 1)
        perm = _constant.convert_to_tensor(perm)
        transposed_indices = array_ops.transpose(gather_ops.gather(array_ops.transpose(sp_input.indices), perm))
        perm_ = constant_value(perm)
        if perm_ is not None and sp_input.get_shape().is_fully_defined():
            old = sp_input.get_shape().as_list()
            dense_shape = [old[int(p)] for p in np.asarray(perm_).reshape(-1)]
        else:
            dense_shape = gather_ops.gather(sp_input.dense_shape, perm)
        return sparse_reorder(SparseTensor(transposed_indices, sp_input.values, dense_shape), name=scope)


def sparse_expand_dims(sp_input, axis=None, name=None):
    """tf.sparse.expand_dims: a zero column inserted in the indices at `axis` (default -1) and a 1 in the
    dense shape, as TF1 (negative axes count from rank + 1)."""
    array_ops, _, _, _ = _ops()
    sp_input = _convert_to_sparse_tensor(sp_input)
    rank = sp_input.dense_shape.shape[0].value
    axis = -1 if axis is None else axis
    g = _graph.get_default_graph()
    with g.name_scope(name or "expand_dims"):
        if isinstance(axis, (numbers.Integral, np.integer)):
            if rank is not None and not -rank - 1 <= int(axis) <= rank:
                raise ValueError(f"axis {axis} is out of range [{-rank - 1}, {rank}] for a SparseTensor of rank "
                                 f"{rank}")
            axis = int(axis)
        elif not isinstance(axis, _graph.Tensor):
            raise TypeError("axis must be an integer value in range [-rank(sp_input) - 1, rank(sp_input)]")
        if isinstance(axis, int) and rank is not None:
            axis = axis if axis >= 0 else axis + rank + 1
        else:
            axis = _constant.convert_to_tensor(axis, dtype=_dtypes.int32, name="axis")
            r = rank if rank is not None else array_ops.size(sp_input.dense_shape)
            axis = array_ops.where(axis >= 0, axis, axis + r + 1)
        column_size = array_ops.shape(sp_input.indices)[0]
        new_index = array_ops.zeros(array_ops.stack([column_size, 1]), dtype=_dtypes.int64)
        before = array_ops.slice(sp_input.indices, [0, 0], array_ops.stack([-1, axis]))
        after = array_ops.slice(sp_input.indices, array_ops.stack([0, axis]), [-1, -1])
        indices = array_ops.concat([before, new_index, after], axis=1)
        shape_before = array_ops.slice(sp_input.dense_shape, [0], array_ops.reshape(axis, [1]))
        shape_after = array_ops.slice(sp_input.dense_shape, array_ops.reshape(axis, [1]), [-1])
        new_shape = _constant.convert_to_tensor([1], name="new_shape", dtype=_dtypes.int64)
        shape = array_ops.concat([shape_before, new_shape, shape_after], axis=0)
        return SparseTensor(indices=indices, values=sp_input.values, dense_shape=shape)


def _int64_tensor(value, name):
    if isinstance(value, (numbers.Integral, np.integer)):
        return _constant.convert_to_tensor(int(value), dtype=_dtypes.int64, name=name)
    if not isinstance(value, _graph.Tensor) or not value.dtype.is_integer:
        raise TypeError(f"{name} must be an integer value")
    if value.dtype.base_dtype == _dtypes.int64:
        return value
    return _ops()[3].cast(value, _dtypes.int64)


def sparse_eye(num_rows, num_columns=None, dtype=_dtypes.float32, name=None):
    """tf.sparse.eye: a [num_rows, num_columns] SparseTensor with ones on the diagonal."""
    array_ops, _, _, math_ops = _ops()
    g = _graph.get_default_graph()
    with g.name_scope(name or "eye"):
        num_rows = _int64_tensor(num_rows, "num_rows")
        num_columns = num_rows if num_columns is None else _int64_tensor(num_columns, "num_columns")
        diag_size = math_ops.minimum(num_rows, num_columns)
        diag_range = array_ops.range(diag_size, dtype=_dtypes.int64)
        return SparseTensor(indices=array_ops.stack([diag_range, diag_range], axis=1),
                            values=array_ops.ones(array_ops.reshape(diag_size, [1]), dtype=dtype),
                            dense_shape=array_ops.stack([num_rows, num_columns]))


def from_dense(tensor, name=None):
    """tf.sparse.from_dense: the entries not equal to zero ('' for strings), via Where and GatherNd."""
    array_ops, _, gather_ops, math_ops = _ops()
    g = _graph.get_default_graph()
    with g.name_scope(name or "dense_to_sparse"):
        tensor = _constant.convert_to_tensor(tensor)
        indices = array_ops.where(math_ops.not_equal(tensor, array_ops.zeros_like(tensor)))
        values = gather_ops.gather_nd(tensor, indices)
        shape = array_ops.shape(tensor, out_type=_dtypes.int64)
        return SparseTensor(indices, values, shape)


def sparse_retain(sp_input, to_retain):
    """tf.sparse.retain / tf.sparse_retain: the values where the bool vector `to_retain` is true
    (host Where, then Gather, so gradients reach the kept values as in TF1)."""
    array_ops, control_flow_ops, gather_ops, _ = _ops()
    sp_input = _convert_to_sparse_tensor(sp_input)
    to_retain = _constant.convert_to_tensor(to_retain)
    retain_shape = to_retain.get_shape()
    retain_shape.assert_has_rank(1)
    if sp_input.values.get_shape().dims is not None:
        sp_input.values.get_shape().dims[0].assert_is_compatible_with(retain_shape.dims[0])
    where_true = array_ops.reshape(array_ops.where(to_retain), [-1])
    new_indices = gather_ops.gather(sp_input.indices, where_true)
    new_values = gather_ops.gather(sp_input.values, where_true)
    return SparseTensor(new_indices, new_values, control_flow_ops.identity(sp_input.dense_shape))


def sparse_reset_shape(sp_input, new_shape=None):
    """tf.sparse.reset_shape / tf.sparse_reset_shape: the same indices and values with the tight bounding
    box as dense shape (new_shape=None), or `new_shape`, which must be at least as large in every
    dimension (ValueError at build time when both are known, else InvalidArgumentError at run time)."""
    array_ops, control_flow_ops, _, math_ops = _ops()
    from compat_tf._src.ops import check_ops

    sp_input = _convert_to_sparse_tensor(sp_input)
    in_indices = control_flow_ops.identity(sp_input.indices)
    in_values = control_flow_ops.identity(sp_input.values)
    in_shape = control_flow_ops.identity(sp_input.dense_shape)
    if new_shape is None:
        dim_low_bound = math_ops.reduce_max(in_indices, axis=0)
        output_shape = math_ops.maximum(_constant.constant(0, dtype=_dtypes.int64),
                                        math_ops.add(dim_low_bound, array_ops.ones_like(in_shape)))
    else:
        output_shape = _constant.convert_to_tensor(new_shape)
        output_shape.get_shape().assert_has_rank(1)
        output_shape = math_ops.cast(output_shape, _dtypes.int64)
        if output_shape.get_shape().ndims is not None:
            output_shape.get_shape().dims[0].assert_is_compatible_with(in_shape.get_shape().dims[0])
        const = constant_value(output_shape)
        if const is not None and sp_input.get_shape().is_fully_defined():
            in_const = np.array(sp_input.get_shape().as_list())
            if not np.all(in_const <= const):
                raise ValueError("Requested new_shape should have dimension sizes >= sp_input.shape.  Found "
                                 f"new_shape ({in_const}), sp_input.shape ({const}).")
            output_shape = _constant.convert_to_tensor(np.asarray(const, np.int64))
        else:
            output_shape = control_flow_ops.with_dependencies(
                [check_ops.assert_equal(array_ops.shape(in_shape), array_ops.shape(output_shape))], output_shape)
            output_shape = control_flow_ops.with_dependencies(
                [check_ops.assert_less_equal(in_shape, output_shape)], output_shape)
    return SparseTensor(in_indices, in_values, output_shape)


def _merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    array_ops, _, _, math_ops = _ops()
    if isinstance(sp_ids, (SparseTensor, SparseTensorValue)):
        sp_ids = [sp_ids]
        if not isinstance(vocab_size, (_graph.Tensor, numbers.Integral)):
            raise TypeError(f"vocab_size has to be a Tensor or Python int. Found {type(vocab_size)}")
        vocab_size = [vocab_size]
    else:
        if not isinstance(sp_ids, (list, tuple)):
            raise TypeError(f"sp_ids has to be a SparseTensor or list thereof. Found {type(sp_ids)}")
        if not isinstance(vocab_size, (list, tuple)):
            raise TypeError(f"vocab_size has to be a list of Tensors or Python ints. Found {type(vocab_size)}")
        for dim in vocab_size:
            if not isinstance(dim, (_graph.Tensor, numbers.Integral)):
                raise TypeError(f"vocab_size has to be a list of Tensors or Python ints. Found {type(dim)}")
    if len(sp_ids) != len(vocab_size):
        raise ValueError("sp_ids and vocab_size have to have equal lengths.")
    g = _graph.get_default_graph()
    with g.name_scope(name or "SparseMerge"):
        sp_ids = [_convert_to_sparse_tensor(s) for s in sp_ids]
        sp_values = _convert_to_sparse_tensor(sp_values)
        ids = []
        for s in sp_ids:
            v = s.values if s.dtype.base_dtype == _dtypes.int64 else math_ops.cast(s.values, _dtypes.int64)
            ids.append(array_ops.expand_dims(v, axis=1))
        vocab_size = [math_ops.cast(_constant.convert_to_tensor(x), _dtypes.int64) for x in vocab_size]
        vocab_size = array_ops.stack(vocab_size)
        new_indices = array_ops.concat([sp_ids[0].indices[:, :-1]] + ids, 1)
        new_shape = array_ops.concat([sp_ids[0].dense_shape[:-1], vocab_size], 0)
        result = SparseTensor(new_indices, sp_values.values, new_shape)
        if already_sorted:
            return result
        ordered = sparse_reorder(result)
        return SparseTensor(ordered.indices, ordered.values, new_shape)


def sparse_merge(sp_ids, sp_values, vocab_size, name=None, already_sorted=False):
    """tf.sparse.merge / tf.sparse_merge (deprecated in TF1): ids and values SparseTensors combined, the
    ids' last index column replaced by the id values, new last dimension `vocab_size` (one per id
    tensor when lists), reordered unless `already_sorted`."""
    return _merge(sp_ids, sp_values, vocab_size, name, already_sorted)


def sparse_to_indicator(sp_input, vocab_size, name=None):
    """tf.sparse.to_indicator / tf.sparse_to_indicator: a dense bool tensor, True at [..., id] for every
    id in each row (the last index column replaced by the values), as TF1's (duplicates allowed)."""
    array_ops, _, _, _ = _ops()
    sp_input = _convert_to_sparse_tensor(sp_input)
    g = _graph.get_default_graph()
    with g.name_scope(name or "SparseToIndicator") as scope:
        num_entries = array_ops.shape(sp_input.indices)[0]
        new_values = array_ops.fill(array_ops.expand_dims(num_entries, 0), True)
        sp_values = SparseTensor(sp_input.indices, new_values, sp_input.dense_shape)
        sp_new = _merge(sp_input, sp_values, vocab_size, scope)
        return sparse_tensor_to_dense(sp_new, default_value=False, validate_indices=False, name=scope)


def sparse_mask(a, mask_indices, name=None):
    """tf.sparse_mask: the IndexedSlices `a` without the rows in `mask_indices` (ListDiff then Gather)."""
    _, _, gather_ops, _ = _ops()
    from compat_tf._src.ops import array_ops

    g = _graph.get_default_graph()
    with g.name_scope(name or "sparse_mask") as scope:
        out_indices, to_gather = array_ops.setdiff1d(a.indices, mask_indices)
        out_values = gather_ops.gather(a.values, to_gather, name=scope)
        return IndexedSlices(out_values, out_indices, a.dense_shape)



