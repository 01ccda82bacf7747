"""tf.nn.embedding_lookup_sparse (TF1's embedding_ops.embedding_lookup_sparse).

Mirrors TF1: the rows of `params` (a tensor, variable or list of partitions) at sp_ids.values
are combined per row of sp_ids (segment ids = sp_ids.indices[:, 0], which must be sorted):
'sum', 'mean' (weighted mean) or 'sqrtn' (sum / sqrt(sum of squared weights)), with weights
sp_weights.values or 1. The output has max(row id) + 1 rows (rows without ids give 0; with
sp_weights, 'mean'/'sqrtn' of such a row give NaN from 0/0, as TF1). combiner=None is TF1's
'mean' (with TF1's warning).

Deviation: TF1 looks up tf.unique(ids) and gathers back; compat_tf gathers every id directly
(same values and gradient, no Unique op in the graph).
"""
import logging as _py_logging

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.sparse_tensor import SparseTensor

__all__ = []   # the names live in tf.nn


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy="mod", name=None, combiner=None,
                            max_norm=None):
    """tf.nn.embedding_lookup_sparse: combined embeddings of each row of the SparseTensor sp_ids."""
    from compat_tf._src.ops import array_ops, control_flow_ops, gather_ops, math_ops, nn_impl
    if combiner is None:
        _py_logging.getLogger("tensorflow").warning(
            'The default value of combiner will change from "mean" to "sqrtn" after 2016/11/01.')
        combiner = "mean"
    if combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError("combiner must be one of 'mean', 'sqrtn' or 'sum'")
    if hasattr(params, "_get_variable_list"):   # a PartitionedVariable: its shards, as TF1
        params = params._get_variable_list()
    elif not isinstance(params, (list, tuple)):
        params = [params]
    params = list(params)
    if not isinstance(sp_ids, SparseTensor):
        raise TypeError("sp_ids must be SparseTensor")
    ignore_weights = sp_weights is None
    if not ignore_weights:
        if not isinstance(sp_weights, SparseTensor):
            raise TypeError("sp_weights must be either None or SparseTensor")
        sp_ids.values.shape.assert_is_compatible_with(sp_weights.values.shape)
        sp_ids.indices.shape.assert_is_compatible_with(sp_weights.indices.shape)
        sp_ids.dense_shape.shape.assert_is_compatible_with(sp_weights.dense_shape.shape)
    with _graph.get_default_graph().name_scope(name or "embedding_lookup_sparse") as scope:
        segment_ids = sp_ids.indices[:, 0]
        if segment_ids.dtype != _dtypes.int32:
            segment_ids = math_ops.cast(segment_ids, _dtypes.int32)
        ids = sp_ids.values
        embeddings = nn_impl.embedding_lookup(params, ids, partition_strategy=partition_strategy,
                                              max_norm=max_norm)
        if embeddings.dtype.base_dtype in (_dtypes.float16, _dtypes.bfloat16):
            embeddings = math_ops.cast(embeddings, _dtypes.float32)
        if ignore_weights:
            weights = array_ops.ones_like(ids, dtype=embeddings.dtype.base_dtype)
        else:
            weights = sp_weights.values
            if weights.dtype.base_dtype != embeddings.dtype.base_dtype:
                weights = math_ops.cast(weights, embeddings.dtype.base_dtype)
        nd = embeddings.shape.ndims
        if nd is None:
            raise NotImplementedError("tf.nn.embedding_lookup_sparse with params of unknown rank is not "
                                      "supported by compat_tf")
        bweights = array_ops.reshape(weights, array_ops.concat(
            [array_ops.shape(weights), [1] * (nd - 1)], 0)) if nd > 1 else weights
        bweights.set_shape(weights.shape.concatenate([1] * (nd - 1)))
        summed = gather_ops.segment_sum(embeddings * bweights, segment_ids)
        if combiner == "sum":
            return control_flow_ops.identity(summed, name=scope)
        if combiner == "mean":
            weight_sum = gather_ops.segment_sum(bweights, segment_ids)
        else:
            weight_sum = math_ops.sqrt(gather_ops.segment_sum(math_ops.pow(bweights, 2), segment_ids))
        if ignore_weights:
            # TF1's SparseSegmentMean/SqrtN: rows without ids are 0, not 0/0
            weight_sum = math_ops.maximum(weight_sum, 1.0)
        return math_ops.div(summed, weight_sum, name=scope)


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None, combiner="mean",
                                 default_id=None, name=None, partition_strategy="div", max_norm=None):
    """tf.nn.safe_embedding_lookup_sparse / tf.contrib.layers.safe_embedding_lookup_sparse (TF 1.15's
    embedding_ops version): embedding_lookup_sparse made safe for real feature data.

    As TF1: sparse ids of rank > 2 are flattened to [prod(leading dims), last dim] and the result reshaped
    back to [leading dims..., embedding dims]; negative ids (and, unless combiner is "sum", ids whose weight
    is <= 0) are dropped; a row left without ids gets `default_id`'s embedding, or zeros when default_id is
    None. `embedding_weights` is a tensor, a variable, a list of shards or a PartitionedVariable.
    """
    from compat_tf._src.framework import tensor_shape as _ts
    from compat_tf._src.ops import array_ops, gather_ops, math_ops
    from compat_tf._src.ops import constant as _constant
    from compat_tf._src.ops import sparse_compose_ops, sparse_reorder_ops, sparse_slice_ops
    if embedding_weights is None:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    if hasattr(embedding_weights, "_get_variable_list"):
        embedding_weights = embedding_weights._get_variable_list()
    elif not isinstance(embedding_weights, (list, tuple)):
        embedding_weights = [embedding_weights]
    embedding_weights = list(embedding_weights)
    if not embedding_weights:
        raise ValueError(f"Missing embedding_weights {embedding_weights}.")
    if combiner is None:
        combiner = "mean"
    if not isinstance(sparse_ids, SparseTensor):
        raise TypeError("sparse_ids must be SparseTensor")
    with _graph.get_default_graph().name_scope(name or "embedding_lookup") as scope:
        original_shape = sparse_ids.dense_shape
        rank_dim = original_shape.shape.dims[0].value if original_shape.shape.dims else None
        rank = array_ops.size(original_shape) if rank_dim is None else rank_dim
        sparse_ids = sparse_reorder_ops.sparse_reshape(sparse_ids, array_ops.stack([
            math_ops.reduce_prod(array_ops.slice(original_shape, [0], array_ops.reshape(rank - 1, [1]))),
            gather_ops.gather(original_shape, rank - 1)]))
        if sparse_weights is not None:
            sparse_weights = SparseTensor(sparse_ids.indices, sparse_weights.values, sparse_ids.dense_shape)
        # drop negative ids, then (mean/sqrtn) ids whose weight is not positive
        keep = math_ops.greater_equal(sparse_ids.values, 0)
        if sparse_weights is not None:
            if combiner != "sum":
                keep = math_ops.logical_and(keep, math_ops.greater(sparse_weights.values, 0))
            sparse_weights = sparse_compose_ops.sparse_retain(sparse_weights, keep)
        sparse_ids = sparse_compose_ops.sparse_retain(sparse_ids, keep)
        sparse_ids, is_row_empty = sparse_slice_ops.sparse_fill_empty_rows(sparse_ids, default_id or 0)
        if sparse_weights is not None:
            sparse_weights, _ = sparse_slice_ops.sparse_fill_empty_rows(sparse_weights, 1.0)
        result = embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights, combiner=combiner,
                                         partition_strategy=partition_strategy,
                                         name=None if default_id is None else scope, max_norm=max_norm)
        if default_id is None:
            is_row_empty = array_ops.tile(array_ops.reshape(is_row_empty, [-1, 1]),
                                          array_ops.stack([1, array_ops.shape(result)[1]]))
            result = array_ops.where(is_row_empty, array_ops.zeros_like(result), result, name=scope)
        leading = array_ops.slice(math_ops.cast(original_shape, _dtypes.int32), [0],
                                  array_ops.reshape(_constant.convert_to_tensor(rank - 1), [1]))
        final = array_ops.reshape(result, array_ops.concat([leading, array_ops.shape(result)[1:]], 0))
        leading_shape = _ts.unknown_shape(rank_dim - 1) if rank_dim is not None else _ts.unknown_shape()
        final.set_shape(leading_shape.concatenate(result.get_shape()[1:]))
        return final
