"""tf.IndexedSlices and tf.IndexedSlicesValue (TF1's framework/indexed_slices.py).

An IndexedSlices is the sparse representation of a tensor's rows: `values[i]` is row
`indices[i]` of a dense tensor of shape `dense_shape`. compat_tf provides the class and its
conversion: `tf.convert_to_tensor(slices)` (and any op taking it) densifies with
UnsortedSegmentSum(values, indices, dense_shape[0]), warning as TF1 does when the dense shape
is unknown at build time or has >= 100M elements; Session.run of one gives an
IndexedSlicesValue. tf.gradients never returns IndexedSlices in compat_tf (gradients are
dense; see gradients_impl).
"""
import collections
import warnings

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes

__all__ = ["IndexedSlices", "IndexedSlicesValue"]

_LARGE_SPARSE_NUM_ELEMENTS = 100000000


class IndexedSlicesValue(collections.namedtuple("IndexedSlicesValue", ["values", "indices", "dense_shape"])):
    """The value of an IndexedSlices: a namedtuple (values, indices, dense_shape) of NumPy arrays."""

    __slots__ = ()

    def __str__(self):
        return (f"IndexedSlicesValue(values={self.values}, indices={self.indices}, "
                f"dense_shape={self.dense_shape})")


class IndexedSlices:
    """TF1's tf.IndexedSlices(values, indices, dense_shape=None): rows `indices` of a dense tensor."""

    def __init__(self, values, indices, dense_shape=None):
        self._values = values
        self._indices = indices
        self._dense_shape = dense_shape

    @property
    def values(self):
        return self._values

    @property
    def indices(self):
        return self._indices

    @property
    def dense_shape(self):
        return self._dense_shape

    @property
    def name(self):
        return self._values.name

    @property
    def device(self):
        return self._values.device

    @property
    def op(self):
        return self._values.op

    @property
    def dtype(self):
        return self._values.dtype

    @property
    def graph(self):
        return self._values.graph

    @property
    def shape(self):
        """The static dense shape (TensorShape): from `dense_shape` when known, else the values' rows."""
        from compat_tf._src.framework import sparse_tensor
        from compat_tf._src.framework import tensor_shape as _ts
        if self._dense_shape is None:
            return _ts.TensorShape([None]).concatenate(self._values.shape[1:]) \
                if self._values.shape.ndims else _ts.unknown_shape()
        return sparse_tensor.constant_value_as_shape(self._dense_shape)

    def get_shape(self):
        return self.shape

    def __str__(self):
        shape = "" if self._dense_shape is None else f", dense_shape={self._dense_shape}"
        return f"IndexedSlices(indices={self._indices}, values={self._values}{shape})"

    __repr__ = __str__

    def __neg__(self):
        from compat_tf._src.ops import math_ops
        return IndexedSlices(math_ops.negative(self._values), self._indices, self._dense_shape)

    def consumers(self):
        return self._values.consumers() + self._indices.consumers()


def _indexed_slices_to_tensor(value, dtype=None, name=None, as_ref=False):
    """TF1's conversion: UnsortedSegmentSum of the values at their indices (with TF1's warnings)."""
    del as_ref
    from compat_tf._src.framework import shape_inference
    from compat_tf._src.ops import gather_ops
    if dtype is not None and not _dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
        raise ValueError(f"Tensor conversion requested dtype {_dtypes.as_dtype(dtype).name} for IndexedSlices "
                         f"with dtype {value.dtype.name}")
    if value.dense_shape is None:
        raise ValueError(f"Tensor conversion requested for IndexedSlices without dense_shape: {value}")
    dense_shape_value = shape_inference.constant_value(value.dense_shape)
    if dense_shape_value is not None:
        num_elements = int(np.prod(np.asarray(dense_shape_value)))
        if num_elements >= _LARGE_SPARSE_NUM_ELEMENTS:
            warnings.warn(f"Converting sparse IndexedSlices to a dense Tensor with {num_elements} elements. "
                          "This may consume a large amount of memory.", stacklevel=3)
    else:
        warnings.warn("Converting sparse IndexedSlices to a dense Tensor of unknown shape. This may consume a "
                      "large amount of memory.", stacklevel=3)
    return gather_ops.unsorted_segment_sum(value.values, value.indices, value.dense_shape[0], name=name)


def _register():
    from compat_tf._src.ops import constant as _constant
    _constant.register_tensor_conversion_function(IndexedSlices, _indexed_slices_to_tensor)


_register()
