"""Constants, placeholders and tensor conversion (Const, Placeholder, PlaceholderWithDefault).

Mirrors TF1's constant_op.py / array_ops.placeholder / ops.convert_to_tensor:
Python floats become float32, ints int32 (int64 when they do not fit),
bools bool, strings string; NumPy arrays keep their dtype; a requested dtype
that cannot hold the value raises TypeError as TF1 does.
"""
import numbers

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework import tensor_util
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.framework.registry import register_op
from compat_tf._src.protos import tensor_pb2

_conversion_functions = []   # (type, fn(value, dtype, name, as_ref) -> Tensor), most recent first


def register_tensor_conversion_function(base_type, conversion_func, priority=100):
    """TF1's registry of converters for non-Tensor objects (Variables register one)."""
    _conversion_functions.insert(0, (base_type, conversion_func))


def _unwrap_shapes(value):
    """Dimensions and TensorShapes inside a Python value, as the ints they stand for.

    TF1 converts a Dimension or a fully defined TensorShape to int32 (its
    registered conversion functions), and an int-typed op input such as
    `tf.reshape(x, [x.shape[0], -1])` accepts Dimensions; an unknown one
    cannot be converted.
    """
    if isinstance(value, _ts.Dimension):
        if value.value is None:
            raise ValueError("Cannot convert an unknown Dimension to a Tensor: ?")
        return value.value
    if isinstance(value, _ts.TensorShape):
        if not value.is_fully_defined():
            raise ValueError(f"Cannot convert a partially known TensorShape to a Tensor: {value}")
        return value.as_list()
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            if isinstance(v, _ts.Dimension) and v.value is None:
                raise TypeError(f"Failed to convert object of type {type(value)} to Tensor. Contents: "
                                f"{value}. Consider casting elements to a supported type.")
            out.append(_unwrap_shapes(v))
        return out
    return value


def _infer_numpy(value):
    """The NumPy array TF1 would build for a Python value with no dtype requested."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    if isinstance(value, (bytes, str)):
        return np.asarray(value, dtype=object)
    arr = np.asarray(value)
    if arr.dtype.kind in "SU":
        return np.asarray(value, dtype=object)
    if arr.dtype == object and isinstance(value, (list, tuple)):
        unwrapped = _unwrap_shapes(value)       # [x.shape[0], 3] -> [2, 3]
        arr = np.asarray(unwrapped)
        if arr.dtype.kind in "SU":
            return np.asarray(unwrapped, dtype=object)
    if arr.dtype == object and _first_mismatch(value, _is_text) is not None:
        raise TypeError(f"Failed to convert object of type {type(value)} to Tensor. Contents: {value}. "
                        "Consider casting elements to a supported type.")
    if arr.dtype == np.float64 and not isinstance(value, np.ndarray):
        return arr.astype(np.float32)
    if arr.dtype == np.int64 and not isinstance(value, np.ndarray):
        if arr.size == 0 or (arr.min() >= -2**31 and arr.max() < 2**31):
            return arr.astype(np.int32)
    return arr


def _first_mismatch(value, ok):
    """TF1's _Filter*: the first leaf of a nested list/tuple that `ok` rejects, else None."""
    if isinstance(value, (list, tuple)):
        for v in value:
            bad = _first_mismatch(v, ok)
            if bad is not None:
                return bad
        return None
    return None if ok(value) else value


def _is_text(v):
    return isinstance(v, (bytes, str, np.bytes_, np.str_))


def _check_compatible(value, dtype):
    """TF1's _AssertCompatible for Python values: TypeError naming the first bad element."""
    if dtype == _dtypes.string:
        ok = _is_text
    elif dtype == _dtypes.bool:
        ok = lambda v: isinstance(v, (bool, np.bool_, np.ndarray))  # noqa: E731
    elif dtype.is_integer:
        ok = lambda v: isinstance(v, (numbers.Integral, np.ndarray, _ts.Dimension))  # noqa: E731
    elif dtype.is_floating:
        ok = lambda v: isinstance(v, (numbers.Real, np.ndarray))  # noqa: E731
    elif dtype.is_complex:
        ok = lambda v: isinstance(v, (numbers.Complex, np.ndarray))  # noqa: E731
    else:
        return
    bad = _first_mismatch(value, ok)
    if bad is not None:
        raise TypeError(f"Expected {dtype.name}, got {bad!r} of type '{type(bad).__name__}' instead.")


def _to_numpy(value, dtype):
    if value is None:
        raise ValueError("None values not supported.")
    if isinstance(value, (_ts.Dimension, _ts.TensorShape)):
        value = _unwrap_shapes(value)
    if dtype is None:
        return _infer_numpy(value)
    dtype = _dtypes.as_dtype(dtype).base_dtype
    if isinstance(value, (np.ndarray, np.generic)):
        # NumPy values are cast without checks, as TF1's make_tensor_proto does
        if dtype == _dtypes.string:
            return np.asarray(value, dtype=object)
        return np.asarray(value).astype(dtype.as_numpy_dtype)
    _check_compatible(value, dtype)
    if dtype == _dtypes.string:
        return np.asarray(value, dtype=object)
    return np.asarray(value, dtype=dtype.as_numpy_dtype)


def _fit_to_shape(arr, shape, verify_shape):
    """TF1's tf.constant(value, shape=...): reshape, or fill up with the last element."""
    shape = tuple(shape)
    if arr.shape == shape:
        return arr
    if verify_shape:
        raise TypeError(f"Expected Tensor's shape: {shape}, got {arr.shape}.")
    n = int(np.prod(shape, dtype=np.int64))
    if n == 0:
        return np.empty(shape, dtype=arr.dtype)
    if arr.size > n:
        raise ValueError(f"Too many elements provided. Needed at most {n}, but received {arr.size}")
    flat = arr.reshape(-1)
    if flat.size == 0:
        return np.zeros(shape, dtype=arr.dtype) if arr.dtype != object else np.full(shape, b"", dtype=object)
    if flat.size < n:
        flat = np.concatenate([flat, np.repeat(flat[-1:], n - flat.size)])
    return flat.reshape(shape)


def _const_shape(op):
    v = op.get_attr("value")
    return [(list(v.shape), op.get_attr("dtype"))]


def _check_value_dtype(value, dtype):
    """InvalidArgumentError when a Const's value does not have its `dtype` attr's type (TF1's Const
    kernel: a GraphDef may pair any TensorProto with any dtype; running it fails)."""
    have = np.dtype(value.dtype)
    is_string = have.kind in "OSU"                 # bytes/str arrays are TF strings too
    if (is_string and dtype == _dtypes.string) or (
            not is_string and dtype != _dtypes.string and have == np.dtype(dtype.as_numpy_dtype)):
        return
    from compat_tf._src.framework import errors
    got = "string" if is_string else _dtypes.as_dtype(have).name
    raise errors.InvalidArgumentError(
        None, None, f"Type mismatch between value ({got}) and dtype ({dtype.name})")


@register_op("Const", shape=_const_shape, differentiable=False)
def _const(value, dtype):
    if isinstance(value, tensor_util.LazyConstValue):     # a huge imported Const, built when it runs
        _check_value_dtype(value, dtype)
        fill = value.uniform_value
        if fill is not None:
            import jax.numpy as jnp
            return jnp.full(value.shape, fill, value.dtype)
        return value.materialize()
    if getattr(value, "dtype", None) is not None:     # (folding passes it wrapped: interp/eager.py)
        _check_value_dtype(value, dtype)
    return value


# Python scalar types a DType accepts without a TypeError (what _check_compatible lets through),
# computed once per dtype: the fast path of `constant` for `x * 0.5`, `tf.constant(1.0)`.
_SCALAR_SAMPLES = ((float, 0.5), (int, 1), (bool, True))
_scalar_types_for = {}


def _accepted_scalar_types(dtype):
    types = _scalar_types_for.get(dtype._type_enum)
    if types is None:
        types = set()
        if dtype != _dtypes.string and dtype.is_numpy_compatible:
            for t, sample in _SCALAR_SAMPLES:
                try:
                    _check_compatible(sample, dtype)
                except TypeError:
                    continue
                types.add(t)
        types = _scalar_types_for[dtype._type_enum] = frozenset(types)
    return types


_shape_of_ndim = {}   # numpy shape tuple -> tuple of Dimensions


def _static_shape(np_shape):
    dims = _shape_of_ndim.get(np_shape)
    if dims is None:
        dims = tuple(_ts.Dimension(d) for d in np_shape)
        if len(_shape_of_ndim) < 4096:
            _shape_of_ndim[np_shape] = dims
    return _shape_from_dims(list(dims))


def _shape_from_dims(dims):
    s = _ts.TensorShape.__new__(_ts.TensorShape)
    s._dims = dims
    return s


def constant(value, dtype=None, shape=None, name="Const", verify_shape=False):
    """tf.constant: a Const op holding `value` (broadcast or reshaped to `shape`)."""
    if shape is None and type(value) in _SCALAR_TYPE_SET:
        # fast path, same result as below: a Python scalar (no checks beyond the dtype's)
        if dtype is None:
            arr = _infer_numpy(value)
            tf_dtype = _dtypes.as_dtype(arr.dtype)
        else:
            tf_dtype = _dtypes.as_dtype(dtype).base_dtype
            if type(value) not in _accepted_scalar_types(tf_dtype):
                return _constant_slow(value, dtype, shape, name, verify_shape)
            arr = np.asarray(value, dtype=tf_dtype.as_numpy_dtype)
        op = _graph.get_default_graph().create_op("Const", [], {"value": arr, "dtype": tf_dtype}, name=name,
                                                  output_specs=[(_static_shape(arr.shape), tf_dtype)])
        return op._outputs[0]
    return _constant_slow(value, dtype, shape, name, verify_shape)


_SCALAR_TYPE_SET = frozenset((float, int, bool))


def _constant_slow(value, dtype, shape, name, verify_shape):
    if isinstance(value, tensor_pb2.TensorProto):
        # TF1's make_tensor_proto returns a TensorProto as it is: the Const takes its dtype
        dtype = _dtypes.as_dtype(value.dtype)
        value = tensor_util.make_ndarray(value)
    arr = _to_numpy(value, dtype)
    if arr.dtype == object:
        arr = np.vectorize(lambda s: s.encode() if isinstance(s, str) else s, otypes=[object])(arr) \
            if arr.size else arr
    if shape is not None:
        arr = _fit_to_shape(arr, _ts.as_shape(shape).as_list(), verify_shape)
    tf_dtype = _dtypes.as_dtype(dtype).base_dtype if dtype is not None else _dtypes.as_dtype(
        arr.dtype if arr.dtype != object else _dtypes.string)
    g = _graph.get_default_graph()
    op = g.create_op("Const", [], {"value": arr, "dtype": tf_dtype}, name=name,
                     output_specs=[(_static_shape(arr.shape), tf_dtype)])
    return op._outputs[0]


def convert_to_tensor(value, dtype=None, name=None, preferred_dtype=None, dtype_hint=None, as_ref=False):
    """TF1's ops.convert_to_tensor."""
    preferred_dtype = preferred_dtype or dtype_hint
    if isinstance(value, Tensor):
        if dtype is not None and not _dtypes.as_dtype(dtype).is_compatible_with(value.dtype):
            raise ValueError(f"Tensor conversion requested dtype {_dtypes.as_dtype(dtype).name} for Tensor "
                             f"with dtype {value.dtype.name}: {value!r}")
        return value
    for base, fn in _conversion_functions:
        if isinstance(value, base):
            t = fn(value, dtype=dtype, name=name, as_ref=as_ref)
            if dtype is not None and not _dtypes.as_dtype(dtype).is_compatible_with(t.dtype):
                raise ValueError(f"Tensor conversion requested dtype {_dtypes.as_dtype(dtype).name} for "
                                 f"Tensor with dtype {t.dtype.name}: {t!r}")
            return t
    if isinstance(value, (list, tuple)) and any(_contains_tensor(v) for v in value):
        from compat_tf._src.ops import array_ops
        return array_ops.pack_autopacking(value, dtype, name or "packed")
    if isinstance(value, _graph.Operation):
        raise TypeError(f"Can't convert Operation '{value.name}' to Tensor (target dtype={dtype}, "
                        f"name={name}, as_ref={as_ref})")
    if dtype is None and preferred_dtype is not None:
        try:
            return constant(value, preferred_dtype, name=name or "Const")
        except (TypeError, ValueError):
            pass
    return constant(value, dtype, name=name or "Const")


def _contains_tensor(v):
    if isinstance(v, Tensor) or hasattr(v, "_as_graph_element"):
        return True
    if isinstance(v, (list, tuple)):
        return any(_contains_tensor(e) for e in v)
    return False


def convert_n_to_tensor(values, dtype=None, name=None):
    return [convert_to_tensor(v, dtype, name) for v in values]


def convert_binary_inputs(x, y):
    """Converts the operands of a binary op: a Python value takes the dtype of the Tensor operand."""
    if isinstance(x, Tensor) or hasattr(x, "_as_graph_element") and not isinstance(x, (list, tuple)):
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype) if not _is_tensor_like(y) else convert_to_tensor(y)
    elif _is_tensor_like(y):
        y = convert_to_tensor(y)
        x = convert_to_tensor(x, dtype=y.dtype.base_dtype)
    else:
        x = convert_to_tensor(x)
        y = convert_to_tensor(y, dtype=x.dtype.base_dtype) if not isinstance(y, np.ndarray) \
            else convert_to_tensor(y)
    if x.dtype.base_dtype != y.dtype.base_dtype:
        raise TypeError(f"Input 'y' of op has type {y.dtype.base_dtype.name} that does not match type "
                        f"{x.dtype.base_dtype.name} of argument 'x'.")
    return x, y


def _is_tensor_like(v):
    return isinstance(v, Tensor) or any(isinstance(v, b) for b, _ in _conversion_functions)


# -- placeholders ---------------------------------------------------------------

def _placeholder_shape(op):
    return [(op.get_attr("shape"), op.get_attr("dtype"))]


@register_op("Placeholder", shape=_placeholder_shape, differentiable=False)
def _placeholder(dtype, shape):
    raise AssertionError("placeholders are fed, never lowered")  # the planner raises first


def placeholder(dtype, shape=None, name=None):
    """tf.placeholder: must be fed (InvalidArgumentError at run time otherwise)."""
    dtype = _dtypes.as_dtype(dtype).base_dtype
    shape = _ts.as_shape(shape) if shape is not None else _ts.unknown_shape()
    op = _graph.get_default_graph().create_op("Placeholder", [], {"dtype": dtype, "shape": shape},
                                              name=name or "Placeholder")
    return op.outputs[0]


def _pwd_shape(op):
    return [(op.get_attr("shape"), op.inputs[0].dtype.base_dtype)]


@register_op("PlaceholderWithDefault", shape=_pwd_shape)
def _placeholder_with_default(x, shape):
    return x


def placeholder_with_default(input, shape, name=None):
    """tf.placeholder_with_default: the default flows unless a value is fed."""
    x = convert_to_tensor(input)
    shape = _ts.as_shape(shape)
    if not x.shape.is_compatible_with(shape):
        raise ValueError(f"default value of shape {x.shape} is not compatible with shape {shape}")
    op = _graph.get_default_graph().create_op("PlaceholderWithDefault", [x], {"shape": shape},
                                              name=name or "PlaceholderWithDefault")
    return op.outputs[0]
