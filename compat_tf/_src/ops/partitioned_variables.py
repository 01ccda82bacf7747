"""Partitioned variables: tf.get_variable(partitioner=...), tf.PartitionedVariable and
tf.create_partitioned_variables (TF 1.15's variable_scope._get_partitioned_variable,
variables.PartitionedVariable, partitioned_variables.create_partitioned_variables).

As TF 1.15: the partitioner's shard counts (one dimension at most may exceed 1) split the full
shape along that dimension, the first `size % n` shards one longer; shard i is an ordinary
variable "<name>/part_<i>" (in the collections, trainable, saved by name) carrying its
`SaveSliceInfo` (full name, full shape, offset, shape) and initialised by the initializer called
with the shard's shape and a `PartitionInfo` (variance-scaling initializers scale by the full
shape; a constant or Tensor initializer is sliced). A PartitionedVariable iterates its shards
in offset order and converts to their concatenation ("<name>/ConcatPartitions/concat", then
an Identity named <name>); `assign*` split the value across shards. Reuse (reuse=True or
AUTO_REUSE) returns the same PartitionedVariable, with TF's ValueErrors for a different shape,
dtype or partitioning.

Deviation: tf.train.Saver cannot save shards (NotImplementedError naming the variable): TF
writes them as slices of one checkpoint tensor, which compat_tf's writers do not produce.
"""
import collections.abc

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import constant as _constant

__all__ = ["PartitionedVariable", "create_partitioned_variables"]


class SaveSliceInfo:
    """TF1's Variable.SaveSliceInfo: where a shard lies in the full variable."""

    def __init__(self, full_name=None, full_shape=None, var_offset=None, var_shape=None, save_slice_info_def=None,
                 import_scope=None):
        if save_slice_info_def is not None:
            raise NotImplementedError("Variable.SaveSliceInfo(save_slice_info_def=...) is not supported by compat_tf")
        self.full_name = full_name
        self.full_shape = list(full_shape)
        self.var_offset = list(var_offset)
        self.var_shape = list(var_shape)

    @property
    def spec(self):
        """TF's slice spec string: "<full shape> <offset>,<length>:..."."""
        full = " ".join(str(d) for d in self.full_shape) + " "
        return full + ":".join(f"{o},{s}" for o, s in zip(self.var_offset, self.var_shape))


class PartitionInfo:
    """TF's variable_scope._PartitionInfo: a shard's full shape and offset, given to initializers."""

    def __init__(self, full_shape, var_offset):
        if not isinstance(full_shape, collections.abc.Sequence) or isinstance(full_shape, str):
            raise TypeError(f"`full_shape` must be a sequence (like tuple or list) instead of {type(full_shape)}")
        if not isinstance(var_offset, collections.abc.Sequence) or isinstance(var_offset, str):
            raise TypeError(f"`var_offset` must be a sequence (like tuple or list) instead of {type(var_offset)}")
        if len(var_offset) != len(full_shape):
            raise ValueError(f"Expected equal length, but `var_offset` is of length {len(var_offset)} while "
                             f"full_shape is of length {len(full_shape)}.")
        self.full_shape = list(full_shape)
        self.var_offset = list(var_offset)

    def single_offset(self, shape):
        dim = self.single_slice_dim(shape)
        return 0 if dim is None else self.var_offset[dim]

    def single_slice_dim(self, shape):
        dims = [i for i, (s, f) in enumerate(zip(shape, self.full_shape)) if s != f]
        if len(dims) > 1:
            raise ValueError(f"Cannot use single_slice_dim() with shape={shape} and full_shape={self.full_shape} "
                             "since slicing along more than one dimension")
        return dims[0] if dims else None


def _call_partitioner(partitioner, shape, dtype):
    if not shape.is_fully_defined():
        raise ValueError(f"Shape of a new partitioned variable must be fully defined, but instead was {shape}.")
    if shape.ndims < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1, shape: {shape}")
    slicing = partitioner(shape=shape, dtype=dtype)
    if not isinstance(slicing, collections.abc.Sequence):
        raise ValueError(f"Partitioner must return a sequence, but saw: {slicing}")
    if len(slicing) != shape.ndims:
        raise ValueError(f"Partitioner returned a partition list that does not match the Variable's rank: "
                         f"{slicing} vs. {shape}")
    if any(p < 1 for p in slicing):
        raise ValueError(f"Partitioner returned zero partitions for some axes: {slicing}")
    if sum(p > 1 for p in slicing) > 1:
        raise ValueError(f"Can only slice a variable along one dimension: shape: {shape}, partitioning: {slicing}")
    return list(slicing)


def _slice_dim_and_count(slicing):
    for dim, n in enumerate(slicing):
        if n > 1:
            return dim, n
    return 0, 1


def _iter_slices(full_shape, num_slices, slice_dim):
    excess = full_shape[slice_dim] % num_slices
    offset = [0] * len(full_shape)
    min_len = full_shape[slice_dim] // num_slices
    for i in range(num_slices):
        shape = list(full_shape)
        shape[slice_dim] = min_len + (1 if i < excess else 0)
        yield list(offset), shape
        offset[slice_dim] += shape[slice_dim]


def get_partitioned_variable(store, name, partitioner, shape=None, dtype=_dtypes.float32, initializer=None,
                             regularizer=None, reuse=None, trainable=None, collections=None, validate_shape=True,
                             constraint=None):
    """TF 1.15's _VariableStore._get_partitioned_variable for compat_tf's store (variable_scope.py)."""
    from compat_tf._src.ops import array_ops
    dtype = _dtypes.as_dtype(dtype).base_dtype
    from_tensor = isinstance(initializer, _graph.Tensor)
    if name in store._vars:
        raise ValueError(f"A partitioner was provided, but an unpartitioned version of the variable was found: "
                         f"{name}.  Perhaps a variable of the same name was already created without partitioning?")
    shape = _ts.as_shape(shape)
    if from_tensor:
        shape = shape.merge_with(initializer.shape)
    partitions = None
    if not reuse or partitioner:
        partitions = _call_partitioner(partitioner, shape, dtype)
    if name in store._partitioned_vars:
        if reuse is False:
            raise ValueError(f"Partitioned variable with name {name} already exists. Did you mean to set reuse=True "
                             "or reuse=tf.AUTO_REUSE in VarScope?")
        existing = store._partitioned_vars[name]
        if not shape.is_compatible_with(existing.get_shape()):
            raise ValueError(f"Trying to reuse partitioned variable {name}, but specified shape {shape} and found "
                             f"shape {existing.get_shape()}.")
        if not dtype.is_compatible_with(existing.dtype):
            raise ValueError(f"Trying to reuse partitioned variable {name}, but specified dtype {dtype.name} and "
                             f"found dtype {existing.dtype.name}.")
        if partitions is not None and existing._get_partitions() != partitions:
            raise ValueError(f"Trying to reuse partitioned variable {name}, but specified partitions {partitions} "
                             f"and found partitions {existing._get_partitions()}.")
        return existing
    if reuse is True:
        raise ValueError(f"PartitionedVariable {name} does not exist, or was not created with tf.get_variable(). "
                         "Did you mean to set reuse=False or reuse=tf.AUTO_REUSE in VarScope?")
    slice_dim, num_slices = _slice_dim_and_count(partitions)
    if f"{name}/part_0" in store._vars:
        raise ValueError(f"Partitioner returned a different partitioning than what was already found: shard "
                         f"{name}/part_0 exists already.")
    g = _graph.get_default_graph()
    parts = []
    for i, (offset, part_shape) in enumerate(_iter_slices(shape.as_list(), num_slices, slice_dim)):
        info = PartitionInfo(full_shape=shape.as_list(), var_offset=offset)
        part_name = f"{name}/part_{i}"
        part_dtype = dtype
        with g.name_scope(part_name + "/PartitionedInitializer"):
            if initializer is None or callable(initializer) and not isinstance(initializer, _graph.Tensor):
                init, init_shape = initializer, part_shape
            elif from_tensor:
                init = array_ops.slice(initializer, offset, part_shape)
                part_dtype, init_shape = init.dtype.base_dtype, None
            else:
                init = array_ops.slice(_constant.convert_to_tensor(initializer, dtype=dtype), offset, part_shape)
                init_shape = None
        with g.name_scope(None):
            v = store._get_single_variable(part_name, init_shape, part_dtype, init, regularizer, reuse, trainable,
                                           collections, validate_shape, constraint, partition_info=info)
        v._save_slice_info = SaveSliceInfo(name, shape.as_list(), offset, part_shape)
        parts.append(v)
    pv = PartitionedVariable(name, shape, dtype, parts, partitions)
    store._partitioned_vars[name] = pv
    return pv


class PartitionedVariable:
    """TF1's tf.PartitionedVariable (see the module docstring)."""

    def __init__(self, name, shape, dtype, variable_list, partitions):
        if not isinstance(variable_list, (list, tuple)):
            raise TypeError(f"variable_list is not a list or tuple: {variable_list}")
        if not isinstance(partitions, (list, tuple)):
            raise TypeError(f"partitions is not a list or tuple: {partitions}")
        if not all(p >= 1 for p in partitions):
            raise ValueError(f"partition values must be positive: {partitions}")
        if not variable_list:
            raise ValueError("variable_list may not be empty")
        shape = _ts.as_shape(shape)
        for v in variable_list:
            info = getattr(v, "_save_slice_info", None)
            if info is None:
                raise ValueError("All variables must have a save_slice_info available: "
                                 f"{[x.name for x in variable_list]}")
            if len(shape) != len(partitions):
                raise ValueError(f"len(shape) != len(partitions): {shape} vs. {partitions}")
            if info.full_shape != shape.as_list():
                raise ValueError(f"All variables' full shapes must match shape: {shape}; but full shapes were: "
                                 f"{info.full_shape}")
        self._variable_list = sorted(variable_list, key=lambda v: v._save_slice_info.var_offset)
        self._name = name
        self._shape = shape
        self._dtype = _dtypes.as_dtype(dtype)
        self._partitions = list(partitions)
        self._as_tensor = None

    def __iter__(self):
        return iter(self._variable_list)

    def __len__(self):
        axes = self._partition_axes()
        if len(axes) > 1:
            raise ValueError(f"Cannot get a length of {len(axes)} > 1 partitions")
        return len(self._variable_list)

    def _partition_axes(self):
        if all(p == 1 for p in self._partitions):
            return [0]
        return [i for i, p in enumerate(self._partitions) if p > 1]

    def _concat(self):
        from compat_tf._src.ops import array_ops, control_flow_ops
        g = _graph.get_default_graph()
        if len(self._variable_list) == 1:
            with g.name_scope(None):
                return control_flow_ops.identity(self._variable_list[0], name=self._name)
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError(f"Cannot concatenate along more than one dimension: {axes}.  Multi-axis "
                                      "partition concat is not supported")
        with g.name_scope(self._name + "/ConcatPartitions/"):
            concatenated = array_ops.concat(list(self._variable_list), axes[0])
        with g.name_scope(None):
            return control_flow_ops.identity(concatenated, name=self._name)

    def as_tensor(self):
        """The full value: the shards concatenated (outside any control_dependencies block)."""
        with _graph.get_default_graph().control_dependencies(None):
            return self._concat()

    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    shape = property(lambda self: self._shape)

    def get_shape(self):
        return self._shape

    def _get_variable_list(self):
        return self._variable_list

    def _get_partitions(self):
        return self._partitions

    def _apply_assign_fn(self, assign_fn, value):
        from compat_tf._src.ops import array_ops
        axes = self._partition_axes()
        if len(axes) > 1:
            raise NotImplementedError(f"Cannot do assign action along more than one dimension: {axes}.  "
                                      "Multi-axis partition assign action is not supported ")
        if isinstance(value, list):
            if len(value) != len(self._variable_list):
                raise ValueError(f"expected {len(self._variable_list)} values, one per shard, got {len(value)}")
            values = value
        elif isinstance(value, PartitionedVariable):
            values = list(value)
        else:
            sizes = [v.shape[axes[0]].value for v in self._variable_list]
            values = array_ops.split(value, sizes, axis=axes[0])
        return [assign_fn(v, values[i]) for i, v in enumerate(self._variable_list)]

    def _assign_with(self, method, value, use_locking, name, read_value):
        out = self._apply_assign_fn(lambda v, x: getattr(v, method)(x, use_locking=use_locking, name=name), value)
        return out if read_value else [t.op for t in out]

    def assign(self, value, use_locking=False, name=None, read_value=True):
        return self._assign_with("assign", value, use_locking, name, read_value)

    def assign_add(self, value, use_locking=False, name=None, read_value=True):
        return self._assign_with("assign_add", value, use_locking, name, read_value)

    def assign_sub(self, value, use_locking=False, name=None, read_value=True):
        return self._assign_with("assign_sub", value, use_locking, name, read_value)


def _to_tensor(v, dtype=None, name=None, as_ref=False):
    if dtype is not None and not _dtypes.as_dtype(dtype).is_compatible_with(v.dtype):
        raise ValueError(f"Incompatible type conversion requested to type '{_dtypes.as_dtype(dtype).name}' for "
                         f"variable of type '{v.dtype.name}'")
    if as_ref:
        raise NotImplementedError("PartitionedVariable doesn't support being used as a reference.")
    return v.as_tensor()


_constant.register_tensor_conversion_function(PartitionedVariable, _to_tensor)


def create_partitioned_variables(shape, slicing, initializer, dtype=_dtypes.float32, trainable=True,
                                 collections=None, name=None, reuse=None):
    """tf.create_partitioned_variables (deprecated TF1): the shards of a variable of `shape` split by
    `slicing` (one count per dimension), as a list, via get_variable in variable scope `name`
    (default "PartitionedVariable")."""
    from compat_tf._src.ops import variable_scope as _vs
    if len(shape) != len(slicing):
        raise ValueError(f"The 'shape' and 'slicing' of a partitioned Variable must have the length: shape: "
                         f"{shape}, slicing: {slicing}")
    if len(shape) < 1:
        raise ValueError(f"A partitioned Variable must have rank at least 1: shape: {shape}")
    slicing = list(slicing)
    with _vs.variable_scope(name, "PartitionedVariable", reuse=reuse) as scope:
        g = _graph.get_default_graph()
        with g.name_scope(None):
            pv = get_partitioned_variable(_vs._store(), scope.name, lambda **_: slicing, shape=shape, dtype=dtype,
                                          initializer=initializer, reuse=scope.reuse, trainable=trainable,
                                          collections=collections)
    return list(pv)
