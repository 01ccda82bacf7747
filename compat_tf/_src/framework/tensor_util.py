"""TensorProto <-> NumPy (TF1's tensor_util.make_tensor_proto / make_ndarray) and
TensorShape <-> TensorShapeProto.

Encodes as TF 1.15 does, so GraphDefs we write carry the same `value` attrs as
TF's: numeric tensors of more than one element go to `tensor_content` (raw
little-endian bytes); scalars, one-element tensors, bools, complex, half and
strings go to the typed `*_val` fields; a scalar broadcast to `shape` is
stored once (TF's compact form for `tf.constant(0., shape=[...])`).
`make_ndarray` decodes all these forms, padding a short `*_val` with its last
element as TF does.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.protos import tensor_pb2, tensor_shape_pb2

__all__ = ["make_tensor_proto", "make_ndarray"]

# dtypes whose multi-element values TF writes to tensor_content
_CONTENT_ENUMS = frozenset([1, 2, 3, 4, 5, 6, 9, 11, 12, 13, 15, 16, 17, 22, 23])


def shape_to_proto(shape):
    """TensorShape (or anything as_shape takes) -> TensorShapeProto (unknown dims are -1)."""
    shape = _ts.as_shape(shape)
    proto = tensor_shape_pb2.TensorShapeProto()
    if shape.dims is None:
        proto.unknown_rank = True
        return proto
    for d in shape.as_list():
        proto.dim.add(size=-1 if d is None else d)
    return proto


def shape_from_proto(proto):
    """TensorShapeProto -> TensorShape."""
    if proto.unknown_rank:
        return _ts.TensorShape(None)
    return _ts.TensorShape([None if d.size == -1 else d.size for d in proto.dim])


def _np_dtype(dtype):
    np_dt = dtype.as_numpy_dtype
    if np_dt is None:
        raise TypeError(f"tensors of dtype {dtype.name} have no NumPy value and no TensorProto encoding "
                        "in compat_tf")
    return np_dt


def make_tensor_proto(values, dtype=None, shape=None, verify_shape=False, allow_broadcast=False):
    """TF1's tf.make_tensor_proto: a TensorProto holding `values` (converted to `dtype`).

    With `shape`, a single value is broadcast to it (stored once); otherwise the number
    of values must equal the shape's (TypeError/ValueError as TF1).
    """
    if isinstance(values, tensor_pb2.TensorProto):
        return values
    if dtype is not None:
        dtype = _dtypes.as_dtype(dtype).base_dtype
    if isinstance(values, (np.ndarray, np.generic)):
        nparray = values
        if dtype is not None and nparray.dtype != _np_dtype(dtype):
            nparray = nparray.astype(_np_dtype(dtype))
    else:
        if values is None:
            raise ValueError("None values not supported.")
        np_dt = _np_dtype(dtype) if dtype is not None else None
        if np_dt is None:
            nparray = np.array(values)
            if nparray.dtype == np.float64 and not _has_float64(values):
                nparray = nparray.astype(np.float32)   # Python floats are float32 in TF
            elif nparray.dtype == np.int64 and _fits_int32(nparray):
                nparray = nparray.astype(np.int32)     # Python ints are int32 when they fit
        else:
            nparray = np.array(values, dtype=np_dt)
    if nparray.dtype.kind in "USO":
        dtype = _dtypes.string
        strings = [v if isinstance(v, bytes) else str(v).encode() for v in nparray.ravel().tolist()]
        nparray = np.array(strings, dtype=object).reshape(nparray.shape)
    elif dtype is None:
        dtype = _dtypes.as_dtype(nparray.dtype)
    if dtype.base_dtype.as_numpy_dtype is not None and nparray.dtype != _np_dtype(dtype) \
            and dtype != _dtypes.string:
        nparray = nparray.astype(_np_dtype(dtype))

    if shape is None:
        shape = nparray.shape
        is_same_size = True
    else:
        shape = [int(d) for d in shape]
        size = int(np.prod(shape, dtype=np.int64))
        is_same_size = size == nparray.size
        if allow_broadcast:
            if nparray.shape != tuple(shape) and not (nparray.size == 1):
                np.broadcast_to(nparray, shape)   # ValueError if not broadcastable
                nparray = np.broadcast_to(nparray, shape)
                is_same_size = True
        elif verify_shape and nparray.shape != tuple(shape):
            raise TypeError(f"Expected Tensor's shape: {tuple(shape)}, got {nparray.shape}.")
        elif nparray.size > size:
            raise ValueError(f"Too many elements provided. Needed at most {size}, but received "
                             f"{nparray.size}")
        elif not is_same_size and nparray.size != 1 and nparray.size != 0:
            raise ValueError(f"Expected {size} elements for shape {shape}, got {nparray.size}")

    proto = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum, tensor_shape=shape_to_proto(shape))
    enum = dtype.base_dtype.as_datatype_enum
    if is_same_size and enum in _CONTENT_ENUMS and nparray.size > 1:
        if nparray.nbytes >= (1 << 31):
            raise ValueError("Cannot create a tensor proto whose content is larger than 2GB.")
        proto.tensor_content = np.ascontiguousarray(nparray).astype(nparray.dtype.newbyteorder("<")).tobytes()
        return proto
    flat = nparray.ravel()
    _append_values(proto, enum, flat)
    return proto


def _has_float64(values):
    return isinstance(values, np.ndarray) and values.dtype == np.float64


def _fits_int32(a):
    return a.size == 0 or (a.min() >= -2 ** 31 and a.max() < 2 ** 31)


def _append_values(proto, enum, flat):
    if enum == 7:
        proto.string_val.extend(flat.tolist())
    elif enum == 1:
        proto.float_val.extend(flat.astype(np.float32).tolist())
    elif enum == 2:
        proto.double_val.extend(flat.tolist())
    elif enum in (19, 14):  # half, bfloat16: the 16-bit patterns in int32s
        proto.half_val.extend(flat.view(np.uint16).astype(np.int32).tolist())
    elif enum in (3, 4, 5, 6, 17, 11, 12, 13, 15, 16):
        if flat.dtype.names:  # quantized types are structured dtypes
            flat = flat[flat.dtype.names[0]]
        proto.int_val.extend(flat.astype(np.int64).tolist())
    elif enum == 9:
        proto.int64_val.extend(flat.tolist())
    elif enum == 10:
        proto.bool_val.extend(flat.tolist())
    elif enum == 8:
        proto.scomplex_val.extend(np.stack([flat.real, flat.imag], -1).ravel().astype(np.float32).tolist())
    elif enum == 18:
        proto.dcomplex_val.extend(np.stack([flat.real, flat.imag], -1).ravel().tolist())
    elif enum == 22:
        proto.uint32_val.extend(flat.tolist())
    elif enum == 23:
        proto.uint64_val.extend(flat.tolist())
    else:
        raise TypeError(f"cannot encode values of DataType {enum} in a TensorProto")


# A proto storing fewer values than elements stands for the last value repeated (TF's compact
# encoding). Above this many elements, a repeat of one value is a read-only broadcast view (no
# memory, whatever shape the proto claims), and strings are not expanded from several values.
COMPACT_VIEW_ELEMENTS = 1 << 20
_MAX_ELEMENTS = (1 << 63) - 1


def proto_shape(tensor):
    """The dims of a TensorProto and its element count, checked as TF's TensorShape::IsValidShape
    (ValueError for a negative dim or more than 2**63-1 elements)."""
    shape = [d.size for d in tensor.tensor_shape.dim]
    num, nonzero = 1, 1
    for d in shape:
        if d < 0:
            raise ValueError(f"Shape {shape} of a TensorProto has a negative dimension")
        num *= d
        nonzero *= max(d, 1)
    if nonzero > _MAX_ELEMENTS:        # also a zero-size shape NumPy cannot hold
        raise ValueError(f"Shape {shape} of a TensorProto has more than 2**63 - 1 elements")
    return shape, num


def _filled(values, shape, num, max_elements):
    """`values` (1-D, fewer than num) followed by its last value repeated, shaped `shape`."""
    if num > COMPACT_VIEW_ELEMENTS and values.size <= 1:
        one = values[0] if values.size else np.zeros((), values.dtype)[()]
        return np.broadcast_to(np.array(one, dtype=values.dtype), shape)
    if (max_elements is not None and num > max_elements) or \
            (values.dtype == object and num > COMPACT_VIEW_ELEMENTS):
        raise ValueError(f"A TensorProto storing {values.size} values stands for {num} elements (shape "
                         f"{shape}): too many to expand here")
    out = np.empty(num, values.dtype)
    out[:values.size] = values
    out[values.size:] = values[-1] if values.size else np.zeros((), values.dtype)[()]
    return out.reshape(shape)


def make_ndarray(tensor, max_elements=None):
    """TF1's tf.make_ndarray: the NumPy array a TensorProto holds.

    As TF's kernels read a TensorProto: fewer `*_val` values than elements repeat the last
    (none: zeros), extra values are ignored, `tensor_content` must hold exactly the elements.
    A large repeat of one value is a read-only broadcast view; `max_elements` bounds the
    expansion of a compact encoding (ValueError beyond it). Malformed protos raise ValueError.
    """
    shape, num = proto_shape(tensor)
    dtype = _dtypes.as_dtype(tensor.dtype).base_dtype
    enum = dtype.as_datatype_enum
    np_dt = _np_dtype(dtype)
    if tensor.tensor_content:
        if enum == 7 or len(tensor.tensor_content) != num * np.dtype(np_dt).itemsize:
            raise ValueError(f"TensorProto of dtype {dtype.name} and shape {shape}: tensor_content holds "
                             f"{len(tensor.tensor_content)} bytes, not {num} elements")
        return np.frombuffer(tensor.tensor_content, dtype=np.dtype(np_dt).newbyteorder("<")) \
            .astype(np_dt).copy().reshape(shape)
    if enum == 7:
        values = np.empty(min(len(tensor.string_val), num), dtype=object)
        values[:] = tensor.string_val[:num]
        if values.size < num:
            return _filled(values if values.size else np.array([b""], dtype=object), shape, num, max_elements)
        return values.reshape(shape)
    if enum in (19, 14):        # the 16 bits of each value, as TF's kernels take them
        values = np.array(tensor.half_val, dtype=np.int64).astype(np.uint16).view(np_dt)
    elif enum == 1:
        values = np.array(tensor.float_val, dtype=np_dt)
    elif enum == 2:
        values = np.array(tensor.double_val, dtype=np_dt)
    elif enum in (3, 4, 5, 6, 17):
        values = np.array(tensor.int_val, dtype=np.int64).astype(np_dt)
    elif enum in (11, 12, 13, 15, 16):   # quantized: the integer cast to the storage type, as TF's
        values = np.array(tensor.int_val, dtype=np.int64).astype(np_dt[0]).view(np_dt)
    elif enum == 9:
        values = np.array(tensor.int64_val, dtype=np_dt)
    elif enum == 10:
        values = np.array(tensor.bool_val, dtype=np_dt)
    elif enum in (8, 18):
        raw = np.array(tensor.scomplex_val if enum == 8 else tensor.dcomplex_val, dtype=np.float64)
        values = (raw[0::2] + 1j * raw[1::2]).astype(np_dt)
    elif enum == 22:
        values = np.array(tensor.uint32_val, dtype=np_dt)
    elif enum == 23:
        values = np.array(tensor.uint64_val, dtype=np_dt)
    else:
        raise TypeError(f"Unsupported tensor type: {tensor.dtype}")
    if values.size < num:
        return _filled(values, shape, num, max_elements)
    if values.size != num:
        values = values[:num]
    return values.reshape(shape)


# Imported Consts larger than this whose TensorProto stores fewer values than elements (TF's
# compact encoding: the last value repeats) are kept as the proto until they run.
LAZY_CONST_ELEMENTS = 1 << 20


class LazyConstValue:
    """The value of an imported Const kept as its TensorProto until the graph runs it.

    TF writes a constant whose trailing elements repeat (tf.zeros, tf.fill, ...) with only the
    values that differ; a ~150-byte GraphDef can claim 5e8 floats. Import keeps the proto and
    its shape and dtype (all that graph construction needs); the Const's lowering then builds
    the value: a broadcast of the one value inside the compiled program when every element is
    the same, otherwise the array on the host (`materialize`), which raises
    ResourceExhaustedError naming the op when it does not fit in memory.
    """
    __slots__ = ("proto", "shape", "dtype", "num_elements", "_stored")

    def __init__(self, proto, shape, dtype, num_elements, stored):
        self.proto = proto
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.num_elements = num_elements
        self._stored = stored

    @property
    def uniform_value(self):
        """The one value every element has, or None."""
        if self._stored.size == 0:
            return self.dtype.type(0)
        if self._stored.size == 1 or (self._stored == self._stored[0]).all():
            return self._stored[0]
        return None

    def materialize(self, what="a Const"):
        from compat_tf._src.framework import errors
        try:
            return make_ndarray(self.proto)
        except MemoryError:
            raise errors.ResourceExhaustedError(
                None, None, f"{what}: cannot materialise a constant of shape {list(self.shape)} "
                f"({self.num_elements * self.dtype.itemsize} bytes of {self.dtype.name}) in host memory") from None

    def __array__(self, dtype=None, copy=None):
        arr = self.materialize()
        return arr if dtype is None else arr.astype(dtype)

    def __repr__(self):
        return f"LazyConstValue(shape={list(self.shape)}, dtype={self.dtype.name})"


def make_ndarray_or_lazy(tensor):
    """make_ndarray, or a LazyConstValue for a large compactly-encoded numeric TensorProto."""
    shape = [d.size for d in tensor.tensor_shape.dim]
    num = int(np.prod(shape, dtype=np.int64))
    if num <= LAZY_CONST_ELEMENTS or tensor.tensor_content or tensor.dtype == 7 or any(s < 0 for s in shape):
        return make_ndarray(tensor)
    vals = [(f.name, len(v)) for f, v in tensor.ListFields() if f.name.endswith("_val")]
    k = (vals[0][1] // 2 if vals[0][0] in ("scomplex_val", "dcomplex_val") else vals[0][1]) if vals else 0
    small = type(tensor)()
    small.CopyFrom(tensor)
    small.tensor_shape.Clear()
    small.tensor_shape.dim.add(size=k)
    stored = make_ndarray(small).reshape(-1)       # only the values the proto stores
    if stored.size >= num:
        return make_ndarray(tensor)
    return LazyConstValue(tensor, shape, stored.dtype, num, stored)


# -- tf.is_tensor / tf.get_static_value (TF 1.15's tensor_util.is_tensor / constant_value) --------

def is_tensor(x):
    """tf.is_tensor: whether `x` is a tensor-like TF object (Tensor, Variable, SparseTensor,
    IndexedSlices), not a NumPy array or Python value."""
    from compat_tf._src.framework.graph import Tensor
    from compat_tf._src.framework.indexed_slices import IndexedSlices
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    from compat_tf._src.ops.variables import Variable
    return isinstance(x, (Tensor, Variable, SparseTensor, IndexedSlices)) or bool(getattr(x, "is_tensor_like", False))


def get_static_value(tensor, partial=False):
    """tf.get_static_value: the value of `tensor` if it is known when the graph is built, else None.

    As TF 1.15: an eager tensor gives its value, a non-tensor is returned as it is, a Variable
    (or other non-Tensor tensor-like) gives None, only TF's `constant_value` op types fold (Const,
    Shape/Size/Rank of static shapes, Range, Cast, Concat, Pack, Unpack, Split, Fill, Equal,
    NotEqual, StopGradient, Identity, CheckNumerics: `tf.constant(3) + 2` has no static value),
    and a tensor with a known value is marked unfeedable. Deviation: `partial=True` gives the
    same as False (no partially known values).
    """
    from compat_tf._src.framework import shape_inference
    from compat_tf._src.framework.graph import Tensor
    if isinstance(tensor, Tensor) and type(tensor).__name__ == "EagerTensor":
        return tensor.numpy()
    if not is_tensor(tensor):
        return tensor
    if not isinstance(tensor, Tensor):
        return None
    result = shape_inference.constant_value(tensor) if _folds_in_tf(tensor) else None
    if result is not None:
        tensor.graph.prevent_feeding(tensor)
        result = np.asarray(result)
    return result


_TF_STATIC_SHAPE_TYPES = frozenset({"Shape", "Size", "Rank"})
_TF_FOLDED_TYPES = frozenset({"Const", "Range", "Cast", "Concat", "ConcatV2", "Pack", "Unpack", "Split", "Fill",
                              "Equal", "NotEqual", "StopGradient", "Identity", "CheckNumerics"})


def _folds_in_tf(tensor):
    """Whether TF 1.15's tensor_util.constant_value handles every op `tensor` is computed from."""
    stack, seen = [tensor], set()
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.add(t)
        op_type = t.op.type
        if op_type in _TF_STATIC_SHAPE_TYPES:
            continue
        if op_type not in _TF_FOLDED_TYPES:
            return False
        stack.extend(t.op.inputs)
    return True
