"""TF 1.15's conversion helpers and small framework names at top level:
tf.convert_to_tensor_or_indexed_slices, tf.convert_to_tensor_or_sparse_tensor,
tf.is_symbolic_tensor, tf.OpError, tf.VariableAggregation, tf.VariableSynchronization and the
build constants tf.CXX11_ABI_FLAG / tf.CXX_VERSION / tf.MONOLITHIC_BUILD.

- convert_to_tensor_or_indexed_slices: an IndexedSlices is kept, anything else goes through
  convert_to_tensor; a dtype that does not match is ValueError, as TF;
- convert_to_tensor_or_sparse_tensor: the same for SparseTensor / SparseTensorValue;
- is_symbolic_tensor: a graph Tensor (not an eager one);
- the enums have TF 1.15's members and values; the build constants are TF 1.15's pip build's
  (compat_tf loads no C++ op libraries: tf.load_op_library raises NotImplementedError).
"""
import enum

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import graph as _graph

__all__ = ["CXX11_ABI_FLAG", "CXX_VERSION", "MONOLITHIC_BUILD", "OpError", "VariableAggregation",
           "VariableSynchronization", "convert_to_tensor_or_indexed_slices", "convert_to_tensor_or_sparse_tensor",
           "is_symbolic_tensor"]

OpError = _errors.OpError
CXX11_ABI_FLAG = 0       # TF 1.15's pip builds: the pre-C++11 libstdc++ ABI
CXX_VERSION = 201103     # C++11
MONOLITHIC_BUILD = 0


class VariableSynchronization(enum.Enum):
    """tf.VariableSynchronization: when a distributed variable's copies are aggregated."""
    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class VariableAggregation(enum.Enum):
    """tf.VariableAggregation (TF1's, with ONLY_FIRST_TOWER): how a distributed variable's updates combine."""
    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3
    ONLY_FIRST_TOWER = 3


def _check_dtype(value, dtype):
    if dtype is not None and not _dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
        raise ValueError(f"Tensor conversion requested dtype {_dtypes.as_dtype(dtype).name} for Tensor with dtype "
                         f"{value.dtype.name}: {value!r}")
    return value


def convert_to_tensor_or_indexed_slices(value, dtype=None, name=None):
    """tf.convert_to_tensor_or_indexed_slices (see the module docstring)."""
    from compat_tf._src.framework.indexed_slices import IndexedSlices
    from compat_tf._src.ops import constant
    if isinstance(value, IndexedSlices):
        return _check_dtype(value, dtype)
    return constant.convert_to_tensor(value, dtype=dtype, name=name)


def convert_to_tensor_or_sparse_tensor(value, dtype=None, name=None):
    """tf.convert_to_tensor_or_sparse_tensor: a SparseTensor(Value) as a SparseTensor (its dtype must
    match `dtype`, else RuntimeError as in TF1), anything else through tf.convert_to_tensor."""
    from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue
    from compat_tf._src.ops import constant
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype)
    if isinstance(value, SparseTensorValue):
        value = SparseTensor.from_value(value)
    if isinstance(value, SparseTensor):
        if dtype is not None and not dtype.is_compatible_with(value.dtype):
            raise RuntimeError(f"Sparse dtype: requested = {dtype.name}, actual = {value.dtype.name}")
        return value
    return constant.convert_to_tensor(value, dtype=dtype, name=name)


def is_symbolic_tensor(tensor):
    """tf.is_symbolic_tensor: whether `tensor` is a graph Tensor (not an eager one)."""
    return isinstance(tensor, _graph.Tensor) and type(tensor).__name__ != "EagerTensor"
