"""SparseTensors as strings and crossed features: TF1's SerializeSparse, SerializeManySparse,
DeserializeManySparse and SparseCross (tf.sparse.cross, tf.sparse.cross_hashed).

All are host ops (strings, and outputs whose size depends on the values). Serialized components are
TensorProtos encoded as TF's `Tensor::AsProtoTensorContent` (raw `tensor_content`, strings as varint
lengths then bytes), byte-for-byte what TF 1.15 writes. SparseCross joins features with "_X_" or
hashes them as TF's kernel: Fingerprint64 of strings (farmhash), int64 values as they are, chained
with FingerprintCat64 from `hash_key`, then modulo `num_buckets` (or 2**63 - 1).
"""
import itertools

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_util
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor
from compat_tf._src.ops.sparse_ops import _convert_to_sparse_tensor
from compat_tf._src.protos import tensor_pb2
from compat_tf._src.io import varint
from compat_tf._src.ops.string_transform_ops import fingerprint64, fingerprint_cat64

__all__ = ["deserialize_many_sparse", "serialize_many_sparse", "serialize_sparse"]

_HOST = dict(host=True, differentiable=False)
_DEFAULT_HASH_KEY = 0xDECAFCAFFE
_U64 = (1 << 64) - 1


def _invalid(msg):
    return errors.InvalidArgumentError(None, None, msg)




def _proto_bytes(array, dtype):
    """TF's Tensor::AsProtoTensorContent, serialized."""
    proto = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum, tensor_shape=tensor_util.shape_to_proto(array.shape))
    if array.size:
        if dtype == _dtypes.string:
            items = [v if isinstance(v, bytes) else str(v).encode() for v in array.reshape(-1).tolist()]
            proto.tensor_content = b"".join(varint.encode(len(s)) for s in items) + b"".join(items)
        else:
            proto.tensor_content = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<")).tobytes()
    return proto.SerializeToString()


def _proto_array(data, dtype):
    proto = tensor_pb2.TensorProto()
    try:
        proto.ParseFromString(bytes(data))
    except Exception:
        raise _invalid("Could not parse serialized sparse tensor component") from None
    if proto.dtype != dtype.as_datatype_enum:
        raise _invalid(f"Requested dtype {dtype.name} but the serialized tensor holds "
                       f"{_dtypes.as_dtype(proto.dtype).name}")
    shape = [d.size for d in proto.tensor_shape.dim]
    if dtype == _dtypes.string and proto.tensor_content:
        n, pos, buf = int(np.prod(shape)), 0, proto.tensor_content
        lengths = []
        try:
            for _ in range(n):
                length, pos = varint.decode(buf, pos, len(buf), "a serialized string tensor")
                lengths.append(length)
        except ValueError as e:
            raise _invalid(f"Could not parse serialized sparse tensor component: {e}") from None
        items = []
        for length in lengths:
            items.append(buf[pos:pos + length])
            pos += length
        return np.array(items, object).reshape(shape)
    return tensor_util.make_ndarray(proto)


def _values_dtype(values):
    values = np.asarray(values)
    return _dtypes.string if values.dtype.kind in "OSU" else _dtypes.as_dtype(values.dtype)


def _serialize_one(idx, vals, shape, dtype):
    return [_proto_bytes(np.asarray(idx, np.int64), _dtypes.int64), _proto_bytes(np.asarray(vals), dtype),
            _proto_bytes(np.asarray(shape, np.int64), _dtypes.int64)]


@register_op("SerializeSparse", shape=lambda op: [([3], op.get_attr("out_type"))], **_HOST)
def _serialize_sparse(ctx, sparse_indices, sparse_values, sparse_shape, out_type=_dtypes.string, **_):
    if out_type != _dtypes.string:
        raise NotImplementedError("tf.io.serialize_sparse(out_type=tf.variant) is not supported by compat_tf")
    dtype = _values_dtype(sparse_values)
    return np.array(_serialize_one(sparse_indices, sparse_values, sparse_shape, dtype), object)


def _serialize_many_shape(op):
    batch = None
    from compat_tf._src.framework.shape_inference import constant_value
    v = constant_value(op.inputs[2])
    if v is not None and len(v):
        batch = int(v[0])
    return [([batch, 3], op.get_attr("out_type"))]


@register_op("SerializeManySparse", shape=_serialize_many_shape, **_HOST)
def _serialize_many_sparse(ctx, sparse_indices, sparse_values, sparse_shape, out_type=_dtypes.string, **_):
    if out_type != _dtypes.string:
        raise NotImplementedError("tf.io.serialize_many_sparse(out_type=tf.variant) is not supported by compat_tf")
    dtype = _values_dtype(sparse_values)
    idx, vals, shape = np.asarray(sparse_indices, np.int64), np.asarray(sparse_values), np.asarray(sparse_shape)
    if shape.ndim != 1 or shape.shape[0] < 2:
        raise _invalid(f"Rank of input SparseTensor should be > 1, but saw rank: {shape.size}")
    if idx.size:
        order = idx[:, 0]
        if (np.diff(order) < 0).any():
            raise _invalid("SparseTensor is not correctly ordered along the minibatch dimension")
    rows = []
    for b in range(int(shape[0])):
        sel = idx[:, 0] == b if idx.size else np.zeros(len(idx), bool)
        rows.append(_serialize_one(idx[sel][:, 1:].reshape(-1, shape.shape[0] - 1), vals[sel], shape[1:], dtype))
    return np.array(rows, object).reshape(-1, 3)


def _deserialize_shape(op):
    return [([None, None], _dtypes.int64), ([None], op.get_attr("dtype")), ([None], _dtypes.int64)]


@register_op("DeserializeManySparse", num_outputs=3, shape=_deserialize_shape, **_HOST)
def _deserialize_many_sparse(ctx, serialized_sparse, dtype, **_):
    ser = np.asarray(serialized_sparse, object)
    if ser.ndim != 2 or ser.shape[1] != 3:
        raise _invalid(f"Serialized sparse should be a matrix with 3 columns but received shape "
                       f"{list(ser.shape)}")
    if ser.shape[0] == 0:
        raise _invalid("Serialized sparse should have non-zero number of rows")
    parts = []
    for i in range(ser.shape[0]):
        idx = _proto_array(ser[i, 0], _dtypes.int64)
        vals = _proto_array(ser[i, 1], dtype)
        shape = _proto_array(ser[i, 2], _dtypes.int64)
        if idx.ndim != 2 or vals.ndim != 1 or shape.ndim != 1 or idx.shape[0] != vals.shape[0] \
                or idx.shape[1] != shape.shape[0]:
            raise _invalid(f"Expected serialized_sparse[{i}] to hold a valid SparseTensor")
        if parts and shape.shape[0] != parts[0][2].shape[0]:
            raise _invalid(f"Inconsistent rank across SparseTensors: rank prior to SparseTensor[{i}] was: "
                           f"{parts[0][2].shape[0]} but rank of SparseTensor[{i}] is: {shape.shape[0]}")
        parts.append((idx, vals, shape))
    rank = parts[0][2].shape[0]
    out_shape = np.max(np.stack([p[2] for p in parts]), axis=0) if rank else np.zeros([0], np.int64)
    out_idx = np.concatenate([np.concatenate([np.full([len(p[0]), 1], b, np.int64), p[0]], axis=1)
                              for b, p in enumerate(parts)], axis=0).astype(np.int64)
    out_val = np.concatenate([p[1] for p in parts]) if dtype != _dtypes.string else \
        np.array([v for p in parts for v in p[1].tolist()], object)
    return out_idx, out_val.astype(dtype.as_numpy_dtype) if dtype != _dtypes.string else out_val, \
        np.concatenate([[len(parts)], out_shape]).astype(np.int64)


def _check_out_type(out_type, fn):
    if _dtypes.as_dtype(out_type) != _dtypes.string:
        raise NotImplementedError(f"tf.io.{fn}(out_type={_dtypes.as_dtype(out_type).name}) is not supported by "
                                  "compat_tf (variant tensors); use the default out_type=tf.string")


def serialize_sparse(sp_input, name=None, out_type=_dtypes.string):
    """tf.serialize_sparse / tf.io.serialize_sparse (op SerializeSparse): a [3] string vector of the
    serialized indices, values and dense_shape TensorProtos."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    _check_out_type(out_type, "serialize_sparse")
    return make_tensor("SerializeSparse", [sp_input.indices, sp_input.values, sp_input.dense_shape],
                       {"out_type": _dtypes.as_dtype(out_type)},
                       name=name or "SerializeSparse")


def serialize_many_sparse(sp_input, name=None, out_type=_dtypes.string):
    """tf.serialize_many_sparse / tf.io.serialize_many_sparse (op SerializeManySparse): one serialized
    SparseTensor per minibatch row (the first dimension), a [N, 3] string matrix; the input must be
    ordered along the first dimension."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    _check_out_type(out_type, "serialize_many_sparse")
    return make_tensor("SerializeManySparse", [sp_input.indices, sp_input.values, sp_input.dense_shape],
                       {"out_type": _dtypes.as_dtype(out_type)},
                       name=name or "SerializeManySparse")


def deserialize_many_sparse(serialized_sparse, dtype, rank=None, name=None):
    """tf.deserialize_many_sparse / tf.io.deserialize_many_sparse (op DeserializeManySparse): the [N, 3]
    serialized SparseTensors stacked along a new first dimension, the other dimensions the largest
    among them; `rank` (of the stacked result) sets the static rank."""
    serialized = _constant.convert_to_tensor(serialized_sparse, dtype=_dtypes.string)
    op = make_op("DeserializeManySparse", [serialized], {"dtype": _dtypes.as_dtype(dtype).base_dtype},
                 name=name or "DeserializeManySparse")
    if rank is not None:
        op.outputs[0].set_shape([None, int(rank)])
        op.outputs[2].set_shape([int(rank)])
    return SparseTensor(*op.outputs)


# -- SparseCross -------------------------------------------------------------------------------

def _cross_shape(op):
    return [([None, 2], _dtypes.int64), ([None], op.get_attr("out_type")), ([2], _dtypes.int64)]


def _num_outputs(attrs, n):
    return 3


@register_op("SparseCross", num_outputs=_num_outputs, shape=_cross_shape, **_HOST)
def _sparse_cross(ctx, *inputs, N, hashed_output, num_buckets, hash_key, out_type, **_):  # noqa: N803
    indices, values, shapes, dense = inputs[:N], inputs[N:2 * N], inputs[2 * N:3 * N], inputs[3 * N:]
    return _cross_np(indices, values, shapes, dense, hashed_output, num_buckets, hash_key, b"_X_")


def _cross_v2_shape(op):
    return [([None, 2], _dtypes.int64), ([None], _dtypes.string), ([2], _dtypes.int64)]


@register_op("SparseCrossV2", num_outputs=_num_outputs, shape=_cross_v2_shape, **_HOST)
def _sparse_cross_v2(ctx, *inputs, N, **_):  # noqa: N803
    """TF 2's string cross with a separator input (what graphs TF 2's tf.sparse.cross writes hold)."""
    indices, values, shapes, dense = inputs[:N], inputs[N:2 * N], inputs[2 * N:3 * N], inputs[3 * N:-1]
    sep = np.asarray(inputs[-1]).item()
    return _cross_np(indices, values, shapes, dense, False, 0, 0, sep if isinstance(sep, bytes) else sep.encode())


def _cross_np(indices, values, shapes, dense, hashed_output, num_buckets, hash_key, sep):
    batch = None
    for s in shapes:
        b = int(np.asarray(s)[0])
        if batch is not None and b != batch:
            raise _invalid(f"Expected batch size {batch} got {b}")
        batch = b
    for d in dense:
        b = np.shape(d)[0]
        if batch is not None and b != batch:
            raise _invalid(f"Expected batch size {batch} got {b}")
        batch = b
    batch = batch or 0
    columns = []
    for idx, vals in zip(indices, values):
        idx, vals = np.asarray(idx, np.int64), np.asarray(vals)
        rows = [[] for _ in range(batch)]
        for r, v in zip(idx[:, 0] if idx.size else [], vals.tolist()):
            rows[int(r)].append(v)
        columns.append(rows)
    for d in dense:
        d = np.asarray(d)
        columns.append([list(d[b].reshape(-1).tolist()) for b in range(batch)])
    out_idx, out_val = [], []
    width = 0
    for b in range(batch):
        feats = [col[b] for col in columns]
        k = 0
        for combo in itertools.product(*feats):
            if hashed_output:
                h = hash_key & _U64
                for f in combo:
                    h = fingerprint_cat64(h, fingerprint64(f) if isinstance(f, bytes) else int(f) & _U64)
                out_val.append(h % num_buckets if num_buckets > 0 else h % ((1 << 63) - 1))
            else:
                out_val.append(sep.join(f if isinstance(f, bytes) else str(int(f)).encode() for f in combo))
            out_idx.append([b, k])
            k += 1
        width = max(width, k)
    out_idx = np.array(out_idx, np.int64).reshape(-1, 2)
    out_val = np.array(out_val, np.int64 if hashed_output else object).reshape(-1)
    return out_idx, out_val, np.array([batch, width], np.int64)


def _cross(inputs, hashed_output, num_buckets, hash_key, name):
    from compat_tf._src.ops import math_ops

    if not isinstance(inputs, (tuple, list)):
        raise TypeError("Inputs must be a list")
    inputs = [SparseTensor.from_value(i) if isinstance(i, SparseTensorValue) else i for i in inputs]
    if not all(isinstance(i, (SparseTensor, _graph.Tensor)) for i in inputs):
        raise TypeError("All inputs must be SparseTensors")
    sparse = [i for i in inputs if isinstance(i, SparseTensor)]
    dense = [i for i in inputs if not isinstance(i, SparseTensor)]
    values = [s.values for s in sparse]
    internal = _dtypes.string
    for i, v in enumerate(values):
        if v.dtype.base_dtype != _dtypes.string:
            values[i] = math_ops.cast(v, _dtypes.int64)
            internal = _dtypes.int64
    for i, d in enumerate(dense):
        if d.dtype.base_dtype != _dtypes.string:
            dense[i] = math_ops.cast(d, _dtypes.int64)
            internal = _dtypes.int64
    attrs = {"N": len(sparse), "hashed_output": bool(hashed_output), "num_buckets": int(num_buckets),
             "hash_key": int(hash_key or _DEFAULT_HASH_KEY),
             "out_type": _dtypes.int64 if hashed_output else _dtypes.string, "internal_type": internal,
             "sparse_types": tuple(v.dtype.base_dtype for v in values),
             "dense_types": tuple(d.dtype.base_dtype for d in dense)}
    op = make_op("SparseCross", [s.indices for s in sparse] + values + [s.dense_shape for s in sparse] + dense,
                 attrs, name=name or "SparseCross")
    return SparseTensor(*op.outputs)


def sparse_cross(inputs, name=None):
    """tf.sparse.cross (op SparseCross): per batch row, every combination of one feature from each input
    (SparseTensor or dense 2-D Tensor, strings or ints; SparseTensors first, as TF1's kernel orders
    them, the last input varying fastest), joined with "_X_"."""
    return _cross(inputs, False, 0, None, name)


def sparse_cross_hashed(inputs, num_buckets=0, hash_key=None, name=None):
    """tf.sparse.cross_hashed (op SparseCross, hashed_output): the crosses as int64 hashes
    (FingerprintCat64 chain), modulo `num_buckets` when it is > 0."""
    return _cross(inputs, True, num_buckets, hash_key, name)
