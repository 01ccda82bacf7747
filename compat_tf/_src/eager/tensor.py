"""EagerTensor: a tf.Tensor holding its value (TF 1.15's EagerTensor).

What TF 1.15 gives an eager tensor: `.numpy()` (a copy; a NumPy scalar for rank 0),
`__array__` (NumPy functions take it), static `shape`/`dtype`, `device`, Python conversions
(`bool`, `int`, `float`, `__index__`, `format`), `len` and iteration over the first
dimension, and printing: `str` is `tf.Tensor(<value>, shape=(2, 2), dtype=float32)`, `repr`
`<tf.Tensor: id=7, shape=(2, 2), dtype=float32, numpy=array(...)>`. Operators build ops,
which run at once. As in TF 1.15 (not TF 2), `==` compares identity and tensors are hashable.

The value is a NumPy array or a JAX array; a tensor of a ref dtype (the output of `tf.assign`
on a variable, or a variable's `_ref()`) holds a `VarRef`, an alias of the variable read when
the tensor is used, as graph mode's ref tensors are.

Deviations: `.name`, `.value_index` and `.eval()` raise as in TF; `.op` and `.graph` stay
available (compat_tf's builders read them; TF raises AttributeError).
"""
import itertools

import jax
import numpy as np

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.runtime.lowering import VarRef

_ids = itertools.count(1)
_shape_cache = {}


def static_shape(np_shape):
    """The TensorShape of a NumPy shape tuple (cached: eager ops build many of them)."""
    s = _shape_cache.get(np_shape)
    if s is None:
        s = _ts.TensorShape(list(np_shape))
        if len(_shape_cache) < 8192:
            _shape_cache[np_shape] = s
    return s


def device_name():
    """TF's fully qualified name of the device eager ops run on (JAX's default backend, device 0)."""
    kind = "GPU" if jax.default_backend() == "gpu" else "CPU"
    return f"/job:localhost/replica:0/task:0/device:{kind}:0"


class EagerTensor(_graph.Tensor):
    """A tensor computed eagerly; see the module docstring."""

    def __init__(self, value, dtype, op=None, value_index=0, shape=None):
        self._value = value
        self._dtype = dtype
        self._op = op
        self._value_index = value_index
        if shape is None:
            shape = static_shape(tuple(value.shape)) if type(value) is not VarRef else _ts.unknown_shape()
        self._shape = shape
        self._consumers = ()
        self._id = next(_ids)

    # -- the value ------------------------------------------------------------------------
    def _numpy(self):
        v = self._value
        if type(v) is VarRef:
            from compat_tf._src.eager import variables
            v = variables.read_state(v)
        return np.asarray(v)

    def numpy(self):
        """The value as a NumPy array (a copy), or a NumPy scalar (bytes for strings) for rank 0."""
        arr = self._numpy()
        return arr.copy() if arr.ndim else arr[()]

    def __array__(self, dtype=None, copy=None):
        arr = self._numpy()
        return arr if dtype is None else arr.astype(dtype)

    def cpu(self):
        return self

    def gpu(self, gpu_index=0):
        if jax.default_backend() != "gpu":
            from compat_tf._src.framework import errors
            raise errors.InvalidArgumentError(None, None, "Could not satisfy device specification "
                                              f"'/job:localhost/replica:0/task:0/device:GPU:{gpu_index}'")
        return self

    # -- what TF's EagerTensor answers ------------------------------------------------------
    @property
    def device(self):
        return device_name()

    @property
    def backing_device(self):
        return device_name()

    @property
    def name(self):
        raise AttributeError("Tensor.name is meaningless when eager execution is enabled.")

    @property
    def value_index(self):
        raise AttributeError("Tensor.value_index is meaningless when eager execution is enabled.")

    @property
    def op(self):
        return self._op

    @property
    def graph(self):
        return self._op._graph if self._op is not None else _graph.get_default_graph()

    def set_shape(self, shape):
        if not self._shape.is_compatible_with(_ts.as_shape(shape)):
            raise ValueError(f"Tensor's shape {self._shape} is not compatible with supplied shape {shape}")

    def consumers(self):
        return []

    def _capture_into(self, graph):
        """This tensor's stand-in in a graph being built (see capture.py)."""
        from compat_tf._src.eager import capture
        return capture.capture_tensor(graph, self)

    def eval(self, feed_dict=None, session=None):
        raise NotImplementedError("eval is not supported when eager execution is enabled, is .numpy() the "
                                  "method you want?")

    def _shape_tuple(self):
        return tuple(self._shape.as_list()) if self._shape.ndims is not None else None

    def _rank(self):
        return self._shape.ndims

    def _num_elements(self):
        return self._shape.num_elements()

    # -- Python protocol --------------------------------------------------------------------
    def __bool__(self):
        return bool(self._numpy())

    def __int__(self):
        return int(self._numpy())

    def __float__(self):
        return float(self._numpy())

    def __complex__(self):
        return complex(self._numpy())

    def __index__(self):
        arr = self._numpy()
        if arr.ndim:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return arr.__index__() if arr.dtype.kind in "iub" else int(arr)

    def __format__(self, format_spec):
        return self.numpy().__format__(format_spec)

    def __len__(self):
        if not self._shape.ndims:
            raise TypeError("Scalar tensor has no `len()`")
        return self._shape.as_list()[0]

    def __iter__(self):
        shape = self._shape_tuple()
        if shape is None:
            raise TypeError("Cannot iterate over a tensor with unknown shape.")
        if not shape:
            raise TypeError("Cannot iterate over a scalar tensor.")
        for i in range(shape[0]):
            yield self[i]

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return EagerTensor(np.array(self._numpy()), self._dtype)

    def __reduce__(self):
        from compat_tf._src.ops import constant
        return constant.convert_to_tensor, (self.numpy(),)

    def __repr__(self):
        return (f"<tf.Tensor: id={self._id}, shape={self._shape}, dtype={self._dtype.name}, "
                f"numpy={_numpy_text(self, True)}>")

    def __str__(self):
        return f"tf.Tensor({_numpy_text(self, False)}, shape={self._shape}, dtype={self._dtype.name})"


def _numpy_text(tensor, is_repr):
    """TF 1.15's ops.numpy_text."""
    if tensor._dtype.base_dtype.is_numpy_compatible:
        value = tensor.numpy()
        # a scalar prints as NumPy 1.x printed it (NumPy 2's repr is "np.float32(2.5)")
        text = repr(value) if is_repr and (isinstance(value, (np.ndarray, bytes))) else str(value)
    else:
        text = "<unprintable>"
    if "\n" in text:
        text = "\n" + text
    return text


def as_value(x):
    """An eager op output as the array an EagerTensor holds (NumPy or JAX array, or a VarRef)."""
    if type(x) is VarRef or isinstance(x, (np.ndarray, jax.Array)):
        return x
    return np.asarray(x)
