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
