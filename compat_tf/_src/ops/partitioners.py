"""TF 1.15's variable partitioners (ops/partitioned_variables.py): tf.fixed_size_partitioner,
tf.variable_axis_size_partitioner, tf.min_max_variable_partitioner.

Each returns `partitioner(shape, dtype)`, giving the number of shards per dimension (1 except
along `axis`), computed as TF's. compat_tf does not build partitioned variables:
`tf.get_variable(partitioner=...)` (and a variable_scope's partitioner) raises
NotImplementedError, and tf.create_partitioned_variables is not provided.
"""
import math

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts

__all__ = ["fixed_size_partitioner", "min_max_variable_partitioner", "variable_axis_size_partitioner"]


def _element_size(dtype, bytes_per_string_element):
    dtype = _dtypes.as_dtype(dtype)
    return bytes_per_string_element if dtype.base_dtype == _dtypes.string else dtype.size


def fixed_size_partitioner(num_shards, axis=0):
    """tf.fixed_size_partitioner: `num_shards` shards along `axis` (at most that dimension's size)."""
    def _partitioner(shape, **unused_args):
        shape = _ts.as_shape(shape)
        partitions = [1] * len(shape)
        partitions[axis] = min(num_shards, shape.dims[axis].value)
        return partitions
    return _partitioner


def variable_axis_size_partitioner(max_shard_bytes, axis=0, bytes_per_string_element=16, max_shards=None):
    """tf.variable_axis_size_partitioner: shards along `axis` of at most `max_shard_bytes` each
    (at least one slice per shard), at most `max_shards`."""
    if max_shard_bytes < 1 or bytes_per_string_element < 1:
        raise ValueError("Both max_shard_bytes and bytes_per_string_element must be positive.")
    if max_shards and max_shards < 1:
        raise ValueError("max_shards must be positive.")

    def _partitioner(shape, dtype):
        if not isinstance(shape, _ts.TensorShape):
            raise ValueError(f"shape is not a TensorShape: {shape}")
        if not shape.is_fully_defined():
            raise ValueError(f"shape is not fully defined: {shape}")
        element_size = _element_size(dtype, bytes_per_string_element)
        partitions = [1] * shape.ndims
        axis_len = shape.dims[axis].value
        bytes_per_slice = 1.0 * (shape.num_elements() / axis_len) * element_size
        slices_per_shard = max(1, math.floor(max_shard_bytes / bytes_per_slice))
        axis_shards = int(math.ceil(1.0 * axis_len / slices_per_shard))
        if max_shards:
            axis_shards = min(max_shards, axis_shards)
        partitions[axis] = axis_shards
        return partitions
    return _partitioner


def min_max_variable_partitioner(max_partitions=1, axis=0, min_slice_size=256 << 10, bytes_per_string_element=16):
    """tf.min_max_variable_partitioner: as many shards along `axis` as keep each at least
    `min_slice_size` bytes, between 1 and min(max_partitions, that dimension's size)."""
    def _partitioner(shape, dtype):
        shape = _ts.as_shape(shape)
        if axis >= len(shape):
            raise ValueError(f"Cannot partition variable along axis {axis} when shape is only {shape}")
        total_bytes = shape.num_elements() * _element_size(dtype, bytes_per_string_element)
        partitions = [1] * len(shape)
        partitions[axis] = max(1, min(shape.dims[axis].value, max_partitions,
                                      int(math.ceil(total_bytes / min_slice_size))))
        return partitions
    return _partitioner
