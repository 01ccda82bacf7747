"""Sparse tensors to dense ones: tf.sparse_tensor_to_dense, tf.sparse_to_dense, tf.sparse_placeholder.

Mirrors tensorflow/python/ops/sparse_ops.py for these functions. SparseToDense is a host op
(NumPy): its output shape is the run-time value of `output_shape`, which parsing ops only
know on the host. Deviation: no gradient flows through SparseToDense (TF1 gives the values
a gradient). Other TF1 sparse ops are not implemented (NotImplementedError names them).
"""

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue, constant_value_as_shape
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["sparse_placeholder", "sparse_tensor_to_dense", "sparse_to_dense"]


def _fmt(idx):
    return "[" + ",".join(str(int(i)) for i in idx) + "]"


def _sparse_to_dense_shape(op):
    return [
        (
            constant_value_as_shape(op.inputs[1]) if op.inputs[1].shape.ndims == 1 else _ts.unknown_shape(),
            op.inputs[2].dtype.base_dtype,
        )
    ]


@register_op("SparseToDense", shape=_sparse_to_dense_shape, host=True, differentiable=False)
def _sparse_to_dense_np(
    ctx, sparse_indices, output_shape, sparse_values, default_value, validate_indices=True, **_
):
    op = ctx.op if ctx is not None else None
    idx = np.asarray(sparse_indices, np.int64)
    shape = np.asarray(output_shape, np.int64)
    vals = np.asarray(sparse_values)
    default = np.asarray(default_value)
    if idx.ndim > 2:
        raise errors.InvalidArgumentError(
            None, op, f"sparse_indices should be a scalar, vector, or matrix, got shape {list(idx.shape)}"
        )
    if shape.ndim > 1:
        raise errors.InvalidArgumentError(
            None, op, f"output_shape should be a vector, got shape {list(shape.shape)}"
        )
    num_elems = idx.shape[0] if idx.ndim > 0 else 1
    num_dims = idx.shape[1] if idx.ndim > 1 else 1
    idx = idx.reshape(num_elems, num_dims)
    shape = shape.reshape(-1)
    if vals.ndim not in (0, 1) or (vals.ndim == 1 and vals.shape[0] != num_elems):
        raise errors.InvalidArgumentError(
            None, op, f"sparse_values has incorrect shape {list(vals.shape)}, should be [] or [{num_elems}]"
        )
    if default.ndim != 0:
        raise errors.InvalidArgumentError(
            None, op, f"default_value should be a scalar, got shape {list(default.shape)}"
        )
    if num_dims != shape.shape[0]:
        raise errors.InvalidArgumentError(
            None, op, f"output_shape has incorrect number of elements: {shape.shape[0]} should be: {num_dims}"
        )
    if (shape < 0).any():
        raise errors.InvalidArgumentError(None, op, f"output_shape has negative dimensions: {_fmt(shape)}")
    for i in range(num_elems):
        if ((idx[i] < 0) | (idx[i] >= shape)).any():
            raise errors.InvalidArgumentError(
                None, op, f"indices[{i}] = {_fmt(idx[i])} is out of bounds: need 0 <= index < {_fmt(shape)}"
            )
        if validate_indices and i > 0:
            prev, cur = tuple(idx[i - 1]), tuple(idx[i])
            if cur == prev:
                raise errors.InvalidArgumentError(None, op, f"indices[{i}] = {_fmt(idx[i])} is repeated")
            if cur < prev:
                raise errors.InvalidArgumentError(
                    None,
                    op,
                    f"indices[{i}] = {_fmt(idx[i])} is out of order. "
                    "Many sparse ops require sorted indices.\n    Use "
                    "`tf.sparse.reorder` to create a correctly ordered copy.",
                )
    dtype = vals.dtype if vals.dtype != object else object
    out = np.empty(tuple(int(d) for d in shape), dtype=dtype)
    out[...] = default.astype(dtype) if dtype is not object else default.item()
    if num_elems and out.size:
        out[tuple(idx.T)] = vals
    return out


def sparse_to_dense(
    sparse_indices, output_shape, sparse_values, default_value=0, validate_indices=True, name=None
):
    """tf.sparse_to_dense (op SparseToDense): a dense tensor with `sparse_values` at `sparse_indices`.

    Deprecated in TF1 in favour of tf.sparse.to_dense; same checks (out-of-bounds, and with
    `validate_indices` unsorted or repeated indices raise InvalidArgumentError at run time).
    """
    values = _constant.convert_to_tensor(sparse_values, name="sparse_values")
    indices = _constant.convert_to_tensor(sparse_indices, name="sparse_indices")
    if indices.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"sparse_indices must be int32 or int64, got {indices.dtype.name}")
    shape = _constant.convert_to_tensor(output_shape, name="output_shape", dtype=indices.dtype.base_dtype)
    default = _constant.convert_to_tensor(default_value, dtype=values.dtype.base_dtype, name="default_value")
    return make_tensor(
        "SparseToDense",
        [indices, shape, values, default],
        {"validate_indices": bool(validate_indices)},
        name=name or "SparseToDense",
    )


def _shape_dims_rule(op):
    n = op.inputs[0].shape[0].value if op.inputs[0].shape.ndims == 1 else None
    return [(_ts.unknown_shape() if n is None else _ts.unknown_shape(rank=n).concatenate([0]), _dtypes.int8)]


@register_op("_SparseShapeDims", shape=_shape_dims_rule, host=True, differentiable=False)
def _sparse_shape_dims(ctx, dense_shape, **_):
    """An empty int8 array shaped dense_shape + [0]: a run-time dense_shape as a static shape in the step
    (the way op `_IndexLimit` passes segment counts), for ops whose output size it fixes."""
    dims = np.asarray(dense_shape, np.int64).reshape(-1)
    if (dims < 0).any():
        raise errors.InvalidArgumentError(None, ctx.op if ctx is not None else None,
                                          f"dense_shape has negative dimensions: {_fmt(dims)}")
    return np.zeros(tuple(int(d) for d in dims) + (0,), np.int8)


def dense_shape_dims(dense_shape, name):
    """The `_SparseShapeDims` of a dense_shape tensor (see there); None when its value is a build-time constant."""
    from compat_tf._src.framework.shape_inference import constant_value

    if constant_value(dense_shape) is not None:
        return None
    return make_tensor("_SparseShapeDims", [dense_shape], name=name)


def _convert_to_sparse_tensor(sp_input):
    if isinstance(sp_input, SparseTensorValue):
        return SparseTensor.from_value(sp_input)
    if not isinstance(sp_input, SparseTensor):
        raise TypeError("Input must be a SparseTensor.")
    return sp_input


def sparse_tensor_to_dense(sp_input, default_value=0, validate_indices=True, name=None):
    """tf.sparse_tensor_to_dense / tf.sparse.to_dense: SparseToDense of a SparseTensor.

    As TF1, the default_value of 0 does not convert to a string SparseTensor's dtype (pass
    default_value=''); compat_tf also accepts default_value=None meaning zero / ''.
    """
    sp_input = _convert_to_sparse_tensor(sp_input)
    if default_value is None:
        default_value = b"" if sp_input.dtype.base_dtype == _dtypes.string else 0
    return sparse_to_dense(
        sp_input.indices,
        sp_input.dense_shape,
        sp_input.values,
        default_value=default_value,
        validate_indices=validate_indices,
        name=name,
    )


def sparse_placeholder(dtype, shape=None, name=None):
    """tf.sparse_placeholder: a SparseTensor of placeholders, fed with a SparseTensorValue.

    As TF1: values is a [None] placeholder, indices a [None, rank] int64 placeholder, and
    dense_shape a constant when `shape` is fully known (else an int64 placeholder).
    """
    shape_name = (name + "/shape") if name is not None else None
    rank = None
    dense_shape = None
    if shape is not None:
        if isinstance(shape, _graph.Tensor):
            rank = shape.get_shape()[0]
            rank = getattr(rank, "value", rank)
            dense_shape = shape
        else:
            dims = _ts.as_shape(shape).as_list() if not isinstance(shape, (list, tuple)) else list(shape)
            rank = len(dims)
            if not any(d is None or (isinstance(d, _ts.Dimension) and d.value is None) for d in dims):
                dense_shape = _constant.convert_to_tensor(
                    [int(getattr(d, "value", d)) for d in dims], dtype=_dtypes.int64, name=shape_name
                )
    if dense_shape is None:
        dense_shape = _constant.placeholder(_dtypes.int64, shape=[rank], name=shape_name)
    return SparseTensor(
        values=_constant.placeholder(
            dtype, shape=[None], name=(name + "/values") if name is not None else None
        ),
        indices=_constant.placeholder(
            _dtypes.int64, shape=[None, rank], name=(name + "/indices") if name is not None else None
        ),
        dense_shape=dense_shape,
    )
