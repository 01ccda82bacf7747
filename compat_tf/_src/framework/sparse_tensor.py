"""tf.SparseTensor and tf.SparseTensorValue (TF1's framework/sparse_tensor.py).

A SparseTensor is a composite of three graph tensors: `indices` (int64 [N, rank]),
`values` ([N]) and `dense_shape` (int64 [rank]). Session.run of a SparseTensor returns
a SparseTensorValue, and a SparseTensor (e.g. a tf.sparse_placeholder) is fed with a
SparseTensorValue or an (indices, values, dense_shape) triple (runtime/fetches.py).
"""

import collections

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts

__all__ = ["SparseTensor", "SparseTensorValue"]


class SparseTensorValue(collections.namedtuple("SparseTensorValue", ["indices", "values", "dense_shape"])):
    """The value of a SparseTensor: a namedtuple (indices, values, dense_shape) of NumPy arrays."""

    __slots__ = ()


def constant_value_as_shape(tensor):
    """A TensorShape from a 1-D int tensor: its build-time value, else rank-only (TF1's helper).

    Mirrors tensor_util.constant_value_as_shape for the cases compat_tf folds: a Const or a
    foldable expression gives the full shape (-1 entries as unknown), a Pack of scalars gives
    the dims that are constants, anything else gives `[None] * len` when the length is known.
    """
    from compat_tf._src.framework import shape_inference

    shape = tensor.get_shape().with_rank(1)
    value = shape_inference.constant_value(tensor)
    if value is not None:
        return _ts.TensorShape([None if int(d) < 0 else int(d) for d in np.asarray(value).reshape(-1)])
    if tensor.op.type == "Pack":
        dims = []
        for t in tensor.op.inputs:
            v = shape_inference.constant_value(t)
            dims.append(None if v is None or int(v) < 0 else int(v))
        return _ts.TensorShape(dims)
    if shape.dims[0].value is None:
        return _ts.unknown_shape()
    return _ts.TensorShape([None] * shape.dims[0].value)


class SparseTensor:
    """TF1's tf.SparseTensor(indices, values, dense_shape)."""

    @classmethod
    def from_value(cls, sparse_tensor_value):
        if isinstance(sparse_tensor_value, SparseTensor):
            return sparse_tensor_value
        if not is_sparse(sparse_tensor_value):
            raise TypeError(f"Neither a SparseTensor nor SparseTensorValue: {sparse_tensor_value}.")
        return SparseTensor(
            indices=sparse_tensor_value.indices,
            values=sparse_tensor_value.values,
            dense_shape=sparse_tensor_value.dense_shape,
        )

    def __init__(self, indices, values, dense_shape):
        from compat_tf._src.ops import constant as _constant

        with _graph.name_scope(None, "SparseTensor", [indices, values, dense_shape]):
            indices = _constant.convert_to_tensor(indices, name="indices", dtype=_dtypes.int64)
            values = _constant.convert_to_tensor(values, name="values")
            dense_shape = _constant.convert_to_tensor(dense_shape, name="dense_shape", dtype=_dtypes.int64)
        if not (indices.graph is values.graph is dense_shape.graph):
            raise ValueError("SparseTensor components must be from the same graph")
        self._indices = indices
        self._values = values
        self._dense_shape = dense_shape
        indices_shape = indices.shape.with_rank(2)
        values_shape = values.shape.with_rank(1)
        dense_shape_shape = dense_shape.shape.with_rank(1)
        # rows of indices == number of values; columns of indices == rank
        indices_shape.dims[0].merge_with(values_shape.dims[0])
        indices_shape.dims[1].merge_with(dense_shape_shape.dims[0])

    @property
    def indices(self):
        return self._indices

    @property
    def values(self):
        return self._values

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def op(self):
        return self._values.op

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def graph(self):
        return self._indices.graph

    @property
    def shape(self):
        return self.get_shape()

    def get_shape(self):
        """The static shape, from the value of dense_shape when it is known at build time."""
        return constant_value_as_shape(self._dense_shape)

    def eval(self, feed_dict=None, session=None):
        """Evaluates this sparse tensor in a Session; returns a SparseTensorValue."""
        from compat_tf._src.runtime import session as _session

        return _session.eval_in_session(self, feed_dict, session)

    def consumers(self):
        seen = []
        for t in (self._indices, self._values, self._dense_shape):
            for op in t.consumers():
                if op not in seen:
                    seen.append(op)
        return seen

    def __str__(self):
        return (
            f"SparseTensor(indices={self._indices}, values={self._values}, dense_shape={self._dense_shape})"
        )

    __repr__ = __str__

    @property
    def _component_tensors(self):
        return (self._indices, self._values, self._dense_shape)


def is_sparse(x):
    """True for a SparseTensor or SparseTensorValue."""
    return isinstance(x, (SparseTensor, SparseTensorValue))
