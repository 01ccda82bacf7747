"""tf.sparse.segment_sum / segment_mean / segment_sqrt_n: TF1's SparseSegmentSum/Mean/SqrtN ops and their
*WithNumSegments forms (one table).

`output[i] = reduce(data[indices[j]] for j with segment_ids[j] == i)`; segment_ids sorted. Lowered on the
device as a gather of the rows then a segment sum, so gradients reach `data` as TF1's do. The output row
count (segment_ids[-1] + 1 without num_segments) comes from the host when the ids are only known at run
time (op `_IndexLimit`, as tf.math.segment_sum). Empty segments give 0 (Mean and SqrtN too, as TF1).
Out-of-range indices and unsorted ids raise TF1's InvalidArgumentError.
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor
from compat_tf._src.runtime import run_checks
from compat_tf._src.runtime.interp import eager as _interp_eager

__all__ = ["sparse_segment_mean", "sparse_segment_sqrt_n", "sparse_segment_sum"]


def _invalid(msg):
    return errors.InvalidArgumentError(None, None, msg)


def _shape_rule(with_num):
    def rule(op):
        data = op.inputs[0].shape
        dt = op.inputs[0].dtype.base_dtype
        if data.ndims is None:
            return [(_ts.unknown_shape(), dt)]
        rows = None
        if with_num:
            from compat_tf._src.framework.shape_inference import constant_value
            v = constant_value(op.inputs[3])
            rows = None if v is None else int(np.asarray(v).reshape(()))
        return [([rows] + data.as_list()[1:], dt)]
    return rule


def _lower(kind, with_num):
    def lower(data, indices, segment_ids, *extra, **_):
        data = jnp.asarray(data)
        if np.ndim(indices) != 1:
            raise _invalid(f"indices should be a vector, got shape {list(np.shape(indices))}")
        if np.ndim(segment_ids) != 1 or np.shape(segment_ids)[0] != np.shape(indices)[0]:
            raise _invalid("segment_ids and indices should have same size.")
        ids_c = _interp_eager.concrete_value(segment_ids)
        if with_num:
            n = int(np.asarray(extra[0]).reshape(()))
            if ids_c is not None and ids_c.size and int(ids_c.max()) >= n:
                raise _invalid(f"segment ids must be < num_segments: {int(ids_c.max())} >= {n}")
        elif extra:
            n = np.shape(extra[0])[0]
        elif ids_c is not None:
            if ids_c.size > 1 and (np.diff(ids_c) < 0).any():
                raise _invalid("segment ids are not increasing")
            n = int(ids_c[-1]) + 1 if ids_c.size else 0
        else:
            raise ValueError("the number of segments of a sparse segment reduction must be known when the graph "
                             "is compiled; build it with tf.sparse.segment_*")
        rows = data.shape[0]
        idx = jnp.asarray(indices).astype(jnp.int64)
        bad = (idx < 0) | (idx >= rows)
        first = jnp.argmax(bad)
        run_checks.check(bad, lambda at, v, lim: f"Bad: indices[{at}] == {v} out of range [0, {lim})",
                         first, idx[first] if idx.shape[0] else 0, jnp.asarray(rows, jnp.int64))
        gathered = jnp.take(data, jnp.clip(idx, 0, max(rows - 1, 0)), axis=0)
        ids = jnp.asarray(segment_ids).astype(jnp.int64)
        total = jax.ops.segment_sum(gathered, ids, num_segments=n)
        if kind == "sum":
            return total
        count = jax.ops.segment_sum(jnp.ones(ids.shape, data.dtype), ids, num_segments=n)
        denom = jnp.maximum(count, 1) if kind == "mean" else jnp.sqrt(jnp.maximum(count, 1))
        return total / denom.reshape((-1,) + (1,) * (data.ndim - 1))
    return lower


_TABLE = [("SparseSegmentSum", "sum"), ("SparseSegmentMean", "mean"), ("SparseSegmentSqrtN", "sqrt_n")]
for _op_type, _kind in _TABLE:
    register_op(_op_type, shape=_shape_rule(False))(_lower(_kind, False))
    register_op(_op_type + "WithNumSegments", shape=_shape_rule(True))(_lower(_kind, True))
    run_checks.register_checked_op(_op_type, _op_type + "WithNumSegments")


def _builder(op_type, kind):
    def builder(data, indices, segment_ids, name=None, num_segments=None):
        from compat_tf._src.ops import array_ops
        from compat_tf._src.ops.gather_ops import _as_index_tensor

        data = _constant.convert_to_tensor(data, name="data")
        indices = _as_index_tensor(indices, "indices", op_type)
        ids = _as_index_tensor(segment_ids, "segment_ids", op_type)
        if num_segments is not None:
            num = _constant.convert_to_tensor(num_segments, name="num_segments")
            return make_tensor(op_type + "WithNumSegments", [data, indices, ids, num],
                               name=name or op_type + "WithNumSegments")
        if array_ops.value_is_static(ids):
            return make_tensor(op_type, [data, indices, ids], name=name or op_type)
        op_name = _graph.get_default_graph().unique_name(name or op_type)
        limit = make_tensor("_IndexLimit", [ids], {"check_sorted": True}, name=op_name + "/num_segments/")
        return make_tensor(op_type, [data, indices, ids, limit], name=op_name + "/")

    builder.__name__ = "sparse_segment_" + kind
    builder.__doc__ = (f"tf.sparse.segment_{kind} / tf.sparse_segment_{kind} (op {op_type}, or "
                       f"{op_type}WithNumSegments with `num_segments`): the {kind} of data[indices] over each "
                       "segment of the sorted segment_ids; empty segments are 0.")
    return builder


sparse_segment_sum = _builder("SparseSegmentSum", "sum")
sparse_segment_mean = _builder("SparseSegmentMean", "mean")
sparse_segment_sqrt_n = _builder("SparseSegmentSqrtN", "sqrt_n")
