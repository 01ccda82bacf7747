"""tf.edit_distance (op EditDistance, TF 1.15 array_ops.edit_distance): Levenshtein distances
between the sequences of two SparseTensors, grouped by all but their last index.

A host op (NumPy), as the sequences' lengths are data: the output has shape
max(hypothesis_shape, truth_shape)[:-1]; a position with no truth gives the hypothesis length
(normalized: inf, or nan when both are empty), no hypothesis the truth length (normalized: 1).
Values may be numbers or strings.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue, constant_value_as_shape
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["edit_distance"]


def _levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, y in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y))
        prev = cur
    return prev[-1]


def _sequences(indices, values):
    groups = {}
    order = np.lexsort(indices.T[::-1]) if len(indices) else np.zeros(0, np.int64)
    for k in order:
        groups.setdefault(tuple(int(i) for i in indices[k][:-1]), []).append(values[k])
    return groups


def _edit_distance_shape(op):
    h = constant_value_as_shape(op.inputs[2])
    t = constant_value_as_shape(op.inputs[5])
    if h.is_fully_defined() and t.is_fully_defined() and h.ndims == t.ndims:
        out = _ts.TensorShape([max(a.value, b.value) for a, b in zip(h.dims, t.dims)][:-1])
    else:
        rank = op.inputs[2].shape[0].value if op.inputs[2].shape.ndims == 1 else None
        out = _ts.unknown_shape() if rank is None else _ts.unknown_shape(rank - 1)
    return [(out, _dtypes.float32)]


@register_op("EditDistance", shape=_edit_distance_shape, host=True, differentiable=False)
def _edit_distance(ctx, h_indices, h_values, h_shape, t_indices, t_values, t_shape, normalize=True, **_):
    h_indices, t_indices = np.asarray(h_indices, np.int64), np.asarray(t_indices, np.int64)
    h_shape, t_shape = np.asarray(h_shape, np.int64), np.asarray(t_shape, np.int64)
    if h_shape.shape != t_shape.shape:
        raise errors.InvalidArgumentError(
            None, None, f"hypothesis_shape and truth_shape must have the same rank: {h_shape.shape[0]} vs "
                        f"{t_shape.shape[0]}")
    if h_shape.size < 1:
        raise errors.InvalidArgumentError(None, None, "Input SparseTensors must have rank at least 1")
    for name, ind, vals, shp in (("hypothesis", h_indices, h_values, h_shape), ("truth", t_indices, t_values,
                                                                               t_shape)):
        if ind.ndim != 2 or ind.shape[1] != shp.size or len(np.asarray(vals)) != ind.shape[0]:
            raise errors.InvalidArgumentError(None, None, f"{name} indices/values/shape do not form a SparseTensor")
    out_shape = np.maximum(h_shape, t_shape)[:-1]
    out = np.zeros(tuple(out_shape), np.float32)
    hyp, truth = _sequences(h_indices, list(np.asarray(h_values))), _sequences(t_indices, list(np.asarray(t_values)))
    with np.errstate(divide="ignore", invalid="ignore"):
        for loc in set(hyp) | set(truth):
            h, t = hyp.get(loc, []), truth.get(loc, [])
            d = np.float32(_levenshtein(h, t))
            out[loc] = d / np.float32(len(t)) if normalize else d
    return out


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance"):
    """tf.edit_distance: per-sequence Levenshtein distance between two SparseTensors (normalized by
    the truth length by default); see the module docstring."""
    if not isinstance(hypothesis, (SparseTensor, SparseTensorValue)):
        raise TypeError("Hypothesis must be a SparseTensor.")
    if not isinstance(truth, (SparseTensor, SparseTensorValue)):
        raise TypeError("Truth must be a SparseTensor.")
    parts = []
    for sp in (hypothesis, truth):
        parts += [_constant.convert_to_tensor(sp.indices, _dtypes.int64),
                  _constant.convert_to_tensor(sp.values),
                  _constant.convert_to_tensor(sp.dense_shape, _dtypes.int64)]
    if parts[1].dtype.base_dtype != parts[4].dtype.base_dtype:
        raise TypeError(f"hypothesis and truth values must have the same dtype: {parts[1].dtype.name} vs "
                        f"{parts[4].dtype.name}")
    return make_tensor("EditDistance", parts, {"normalize": bool(normalize)}, name=name)
