"""Host ops TF 1.15 has at top level for tensor bytes and time: tf.serialize_tensor (op
SerializeTensor), tf.parse_tensor (ParseTensor), tf.decode_compressed (DecodeCompressed) and
tf.timestamp (Timestamp).

- serialize_tensor: a scalar string holding the TensorProto TF's kernel writes
  (`AsProtoTensorContent`: dtype, shape and the raw little-endian bytes in tensor_content;
  strings in string_val), so the bytes equal TF's;
- parse_tensor: the tensor of a serialized TensorProto; its dtype must be `out_type`
  (InvalidArgumentError "Type mismatch between parsed tensor (...) and dtype (...)" otherwise,
  and for bytes that are no TensorProto); the shape is known only when it runs;
- decode_compressed: each string of `bytes` decompressed ("" leaves them, "ZLIB", "GZIP");
  corrupt data is DataLossError;
- decode_json_example: each JSON string (protobuf's JSON form of a tf.train.Example) as the
  serialized Example; bad JSON is InvalidArgumentError "Error while parsing JSON: ...".
  Deviation: repeated numbers are written packed (TF's C++ JSON converter writes them
  unpacked); the parsed Examples are the same;
- timestamp: seconds since the epoch as float64, read when the op runs (stateful).
All run on the host between jitted segments.
"""
import gzip
import time
import zlib

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework import tensor_util
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor
from compat_tf._src.protos import tensor_pb2

__all__ = ["decode_compressed", "decode_json_example", "parse_tensor", "serialize_tensor", "timestamp"]


def _serialize(value, dtype):
    proto = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum)
    proto.tensor_shape.CopyFrom(tensor_util.shape_to_proto(_ts.TensorShape(list(np.shape(value)))))
    if dtype == _dtypes.string:
        proto.string_val.extend(v if isinstance(v, bytes) else str(v).encode() for v in np.asarray(value).reshape(-1))
    else:
        arr = np.ascontiguousarray(np.asarray(value, dtype.as_numpy_dtype))
        if arr.size:
            proto.tensor_content = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
    return proto.SerializeToString()


@register_op("SerializeTensor", shape=lambda op: [(_ts.TensorShape([]), _dtypes.string)], host=True,
             differentiable=False)
def _serialize_tensor(ctx, tensor, **_):
    dtype = ctx.op.inputs[0].dtype.base_dtype
    return np.array(_serialize(tensor, dtype), dtype=object)


def serialize_tensor(tensor, name=None):
    """tf.serialize_tensor (tf.io.serialize_tensor): see the module docstring."""
    t = _constant.convert_to_tensor(tensor, name="tensor")
    return make_tensor("SerializeTensor", [t], name=name or "SerializeTensor")


@register_op("ParseTensor", shape=lambda op: [(_ts.unknown_shape(), op.get_attr("out_type"))], host=True,
             differentiable=False)
def _parse_tensor(ctx, serialized, out_type, **_):
    data = np.asarray(serialized, dtype=object).reshape(()).item()
    proto = tensor_pb2.TensorProto()
    try:
        proto.ParseFromString(data if isinstance(data, bytes) else str(data).encode())
    except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
        raise _errors.InvalidArgumentError(None, ctx.op, "Could not parse `serialized` as TensorProto: "
                                           f"'{data!r}'") from None
    parsed = _dtypes.as_dtype(proto.dtype) if proto.dtype else None
    if parsed is None or parsed != out_type:
        raise _errors.InvalidArgumentError(
            None, ctx.op, f"Type mismatch between parsed tensor ({_tf_type_name(parsed)}) and dtype "
            f"({_tf_type_name(out_type)})")
    return tensor_util.make_ndarray(proto)


def _tf_type_name(dtype):
    """TF's DataTypeString: "float" and "double" for float32/float64, else the dtype's name."""
    if dtype is None:
        return "invalid"
    return {"float32": "float", "float64": "double"}.get(dtype.name, dtype.name)


def parse_tensor(serialized, out_type, name=None):
    """tf.parse_tensor (tf.io.parse_tensor): see the module docstring."""
    s = _constant.convert_to_tensor(serialized, dtype=_dtypes.string, name="serialized")
    return make_tensor("ParseTensor", [s], {"out_type": _dtypes.as_dtype(out_type).base_dtype},
                       name=name or "ParseTensor")


_DECOMPRESS = {"": lambda b: b, "ZLIB": zlib.decompress, "GZIP": gzip.decompress}


@register_op("DecodeCompressed", shape=lambda op: [(op.inputs[0].shape, _dtypes.string)], host=True,
             differentiable=False)
def _decode_compressed(ctx, bytes, compression_type="", **_):   # noqa: A002 - TF's input name
    fn = _DECOMPRESS[compression_type]
    arr = np.asarray(bytes, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for i, b in np.ndenumerate(arr):
        try:
            out[i] = fn(b)
        except (zlib.error, OSError, EOFError) as e:
            raise _errors.DataLossError(None, ctx.op, f"{compression_type} decompression failed: {e}") from None
    return out


def decode_compressed(bytes, compression_type="", name=None):   # noqa: A002
    """tf.decode_compressed (tf.io.decode_compressed): see the module docstring."""
    if compression_type not in _DECOMPRESS:
        raise ValueError(f"compression_type must be one of '', 'ZLIB', 'GZIP', got {compression_type!r}")
    b = _constant.convert_to_tensor(bytes, dtype=_dtypes.string, name="bytes")
    return make_tensor("DecodeCompressed", [b], {"compression_type": compression_type},
                       name=name or "DecodeCompressed")


@register_op("DecodeJSONExample", shape=lambda op: [(op.inputs[0].shape, _dtypes.string)], host=True,
             differentiable=False)
def _decode_json_example(ctx, json_examples, **_):
    from google.protobuf import json_format

    from compat_tf._src.protos import example_pb2
    arr = np.asarray(json_examples, dtype=object)
    out = np.empty(arr.shape, dtype=object)
    for i, text in np.ndenumerate(arr):
        try:
            ex = json_format.Parse(text.decode() if isinstance(text, bytes) else str(text), example_pb2.Example())
        except (json_format.ParseError, UnicodeDecodeError) as e:
            raise _errors.InvalidArgumentError(None, ctx.op, f"Error while parsing JSON: {e}") from None
        out[i] = ex.SerializeToString()
    return out


def decode_json_example(json_examples, name=None):
    """tf.decode_json_example (tf.io.decode_json_example): see the module docstring."""
    j = _constant.convert_to_tensor(json_examples, dtype=_dtypes.string, name="json_examples")
    return make_tensor("DecodeJSONExample", [j], name=name or "DecodeJSONExample")


@register_op("Timestamp", shape=lambda op: [(_ts.TensorShape([]), _dtypes.float64)], host=True, stateful=True,
             differentiable=False)
def _timestamp(ctx, **_):
    return np.float64(time.time())


def timestamp(name=None):
    """tf.timestamp: see the module docstring."""
    from compat_tf._src.framework import graph as _graph
    g = _graph.get_default_graph()
    return g.create_op("Timestamp", [], {}, name=name or "Timestamp").outputs[0]
