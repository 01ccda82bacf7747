"""tf.train.Example parsing: tf.parse_single_example, tf.parse_example, tf.decode_raw.

Mirrors tensorflow/python/ops/parsing_ops.py (TF 1.15) and the ParseExample /
ParseSingleExample kernels (example_proto_fast_parsing.cc): features sorted by key,
FixedLenFeature -> dense tensor of its shape (batched: [batch] + shape), VarLenFeature ->
SparseTensor (indices [N, 1] / [N, 2] with the batch index first), FixedLenSequenceFeature
-> [rows] + shape (batched: padded with default_value to the longest example). Missing
required features, type mismatches and wrong value counts raise InvalidArgumentError
naming the feature key, at run time as in TF1.

The parsing ops are host ops (NumPy over protobuf messages). Their node layout is TF's:
ParseExample(serialized, names, sparse_keys..., dense_keys..., dense_defaults...) and
ParseSingleExample(serialized, dense_defaults...) with keys as attrs.
Deviations: SparseFeature is not implemented (parse_single_sequence_example: sequence_parsing_ops.py).
"""

import collections

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor

__all__ = [
    "FixedLenFeature",
    "FixedLenSequenceFeature",
    "VarLenFeature",
    "decode_raw",
    "parse_example",
    "parse_single_example",
]


class VarLenFeature(collections.namedtuple("VarLenFeature", ["dtype"])):
    """Configuration for parsing a variable-length input feature (gives a SparseTensor)."""

    __slots__ = ()


class FixedLenFeature(collections.namedtuple("FixedLenFeature", ["shape", "dtype", "default_value"])):
    """Configuration for parsing a fixed-length input feature (gives a dense Tensor of `shape`)."""

    __slots__ = ()

    def __new__(cls, shape, dtype, default_value=None):
        return super().__new__(cls, shape, dtype, default_value)


class FixedLenSequenceFeature(
    collections.namedtuple("FixedLenSequenceFeature", ["shape", "dtype", "allow_missing", "default_value"])
):
    """Configuration for parsing a variable-length run of fixed-shape elements ([rows] + shape)."""

    __slots__ = ()

    def __new__(cls, shape, dtype, allow_missing=False, default_value=None):
        return super().__new__(cls, shape, dtype, allow_missing, default_value)


_SUPPORTED = (_dtypes.float32, _dtypes.int64, _dtypes.string)
_KIND = {_dtypes.float32: "float_list", _dtypes.int64: "int64_list", _dtypes.string: "bytes_list"}
_KIND_TYPE = {"float_list": "float", "int64_list": "int64", "bytes_list": "string"}
_TYPE_STR = {_dtypes.float32: "float", _dtypes.int64: "int64", _dtypes.string: "string"}


def _example_cls():
    from compat_tf._src.protos import example_pb2

    return example_pb2.Example


def _shape_str(shape):
    return "[" + ",".join(str(d) for d in shape) + "]"


# --------------------------------------------------------------------------------------------
# The host kernel, shared by ParseExample and ParseSingleExample
# --------------------------------------------------------------------------------------------


def _np_dtype(dtype):
    return object if dtype == _dtypes.string else dtype.as_numpy_dtype


def _values_of(feature, key, dtype, name, index, op):
    """The values of one Feature as a 1-D NumPy array of `dtype` (InvalidArgumentError on a type mismatch)."""
    kind = feature.WhichOneof("kind")
    if kind is None:
        return np.zeros((0,), _np_dtype(dtype))
    if kind != _KIND[dtype]:
        raise errors.InvalidArgumentError(
            None,
            op,
            f"Name: {name}, Key: {key}, Index: {index}.  Data types don't match. Data type: "
            f"{_KIND_TYPE[kind]} but expected type: {_TYPE_STR[dtype]}",
        )
    vals = getattr(feature, kind).value
    if dtype == _dtypes.string:
        out = np.empty((len(vals),), object)
        out[:] = list(vals)
        return out
    return np.asarray(vals, dtype=dtype.as_numpy_dtype).reshape(-1)


def _parse_protos(serialized, names, op):
    cls = _example_cls()
    out = []
    for i, s in enumerate(serialized):
        ex = cls()
        try:
            ex.ParseFromString(bytes(s))
        except Exception:  # noqa: BLE001 - protobuf's DecodeError and friends
            name = names[i] if names else "<unknown>"
            raise errors.InvalidArgumentError(
                None, op, f"Could not parse example input, value: '{bytes(s)[:100]!r}' (Name: {name})"
            ) from None
        out.append(ex)
    return out


def _parse(
    op,
    serialized,
    names,
    sparse_keys,
    sparse_types,
    dense_keys,
    dense_types,
    dense_shapes,
    dense_defaults,
    batched,
):
    serialized = np.asarray(serialized, dtype=object)
    if batched:
        if serialized.ndim != 1:
            raise errors.InvalidArgumentError(
                None, op, f"Expected serialized to be a vector, got shape: {_shape_str(serialized.shape)}"
            )
        names = [
            n.decode() if isinstance(n, bytes) else str(n) for n in np.asarray(names, object).reshape(-1)
        ]
        if names and len(names) != serialized.shape[0]:
            raise errors.InvalidArgumentError(
                None,
                op,
                f"Expected len(names) == len(serialized), but got: {len(names)} vs. {serialized.shape[0]}",
            )
        items = list(serialized)
    else:
        if serialized.ndim != 0:
            raise errors.InvalidArgumentError(
                None, op, f"Expected serialized to be a scalar, got shape: {_shape_str(serialized.shape)}"
            )
        items = [serialized.item()]
        names = []
    examples = _parse_protos(items, names, op)
    batch = len(examples)

    def name_of(i):
        return names[i] if names else "<unknown>"

    sp_idx, sp_vals, sp_shapes = [], [], []
    for key, dtype in zip(sparse_keys, sparse_types):
        per = []
        for i, ex in enumerate(examples):
            fmap = ex.features.feature
            per.append(
                _values_of(fmap[key], key, dtype, name_of(i), i, op)
                if key in fmap
                else np.zeros((0,), _np_dtype(dtype))
            )
        lens = [len(v) for v in per]
        total = sum(lens)
        values = np.concatenate(per) if total else np.zeros((0,), _np_dtype(dtype))
        if dtype == _dtypes.string:
            values = values.astype(object)
        pos = (
            np.concatenate([np.arange(n, dtype=np.int64) for n in lens])
            if total
            else np.zeros((0,), np.int64)
        )
        maxlen = max(lens) if lens else 0
        if batched:
            rows = np.repeat(np.arange(batch, dtype=np.int64), lens)
            sp_idx.append(np.stack([rows, pos], axis=1).reshape(total, 2))
            sp_shapes.append(np.array([batch, maxlen], np.int64))
        else:
            sp_idx.append(pos.reshape(total, 1))
            sp_shapes.append(np.array([maxlen], np.int64))
        sp_vals.append(values)

    dense_out = []
    for key, dtype, shape, default in zip(dense_keys, dense_types, dense_shapes, dense_defaults):
        default = np.asarray(default)
        is_seq = bool(shape) and shape[0] == -1
        inner = tuple(shape[1:]) if is_seq else tuple(shape)
        stride = int(np.prod(inner, dtype=np.int64))
        required = default.size == 0 and not is_seq
        rows_out = []
        for i, ex in enumerate(examples):
            fmap = ex.features.feature
            if key not in fmap:
                if is_seq:
                    rows_out.append(np.zeros((0,) + inner, _np_dtype(dtype)))
                    continue
                if required:
                    raise errors.InvalidArgumentError(
                        None,
                        op,
                        f"Name: {name_of(i)}, Feature: {key} (data type: {_TYPE_STR[dtype]}) is required "
                        "but could not be found.",
                    )
                rows_out.append(default.astype(_np_dtype(dtype)).reshape(inner))
                continue
            vals = _values_of(fmap[key], key, dtype, name_of(i), i, op)
            if is_seq:
                if stride == 0 or vals.size % stride:
                    raise errors.InvalidArgumentError(
                        None,
                        op,
                        f"Name: {name_of(i)}, Key: {key}, Index: {i}.  Number of {_TYPE_STR[dtype]} "
                        f"values is not a multiple of stride length. Saw {vals.size} values but output shape "
                        f"is: {_shape_str(('?',) + inner)}",
                    )
                rows_out.append(vals.reshape((vals.size // stride,) + inner))
            else:
                if vals.size != stride:
                    raise errors.InvalidArgumentError(
                        None,
                        op,
                        f"Name: {name_of(i)}, Key: {key}, Index: {i}.  Number of {_TYPE_STR[dtype]} "
                        f"values != expected.  Values size: {vals.size} but output shape: "
                        f"{_shape_str(inner)}",
                    )
                rows_out.append(vals.reshape(inner))
        if is_seq:
            nrows = max((r.shape[0] for r in rows_out), default=0)
            pad = (
                default.astype(_np_dtype(dtype)).reshape(())
                if default.size == 1
                else (b"" if dtype == _dtypes.string else np.zeros((), _np_dtype(dtype)))
            )
            padded = []
            for r in rows_out:
                full = np.empty((nrows,) + inner, _np_dtype(dtype))
                full[...] = pad if not isinstance(pad, np.ndarray) else pad.item()
                full[: r.shape[0]] = r
                padded.append(full)
            rows_out = padded
        if batched:
            row_shape = rows_out[0].shape if rows_out else ((0,) + inner if is_seq else inner)
            out = np.empty((batch,) + row_shape, _np_dtype(dtype))
            for i, r in enumerate(rows_out):
                out[i] = r
        else:
            out = rows_out[0]
        dense_out.append(out)
    return sp_idx + sp_vals + sp_shapes + dense_out


def _dims(shape):
    """A dense shape as a tuple with -1 for an unknown dim (from a tuple, list or TensorShape)."""
    if isinstance(shape, _ts.TensorShape):
        shape = shape.as_list()
    out = []
    for d in shape:
        d = getattr(d, "value", d)
        out.append(-1 if d is None or int(d) < 0 else int(d))
    return tuple(out)


def _out_shapes(op, batch_dims):
    a = op.attrs
    n_sparse = len(a["sparse_types"])
    ext = len(batch_dims)
    outs = [([None, 1 + ext], _dtypes.int64)] * n_sparse
    outs += [([None], t) for t in a["sparse_types"]]
    outs += [([1 + ext], _dtypes.int64)] * n_sparse
    for t, shape in zip(a["Tdense"], a["dense_shapes"]):
        dims = [None if d == -1 else d for d in _dims(shape)]
        outs.append((list(batch_dims) + dims, t))
    return outs


def _num_outputs(attrs, n_inputs):
    return 3 * len(attrs["sparse_types"]) + len(attrs["Tdense"])


def _single_shape(op):
    return _out_shapes(op, [])


def _batch_shape(op):
    s = op.inputs[0].shape
    b = s.with_rank(1).dims[0].value if s.ndims is not None else None
    return _out_shapes(op, [b])


@register_op(
    "ParseSingleExample", num_outputs=_num_outputs, shape=_single_shape, host=True, differentiable=False
)
def _parse_single_example_np(
    ctx, serialized, *dense_defaults, sparse_keys, dense_keys, sparse_types, Tdense, dense_shapes, **_
):
    return _parse(
        ctx.op,
        serialized,
        [],
        _str_keys(sparse_keys),
        sparse_types,
        _str_keys(dense_keys),
        Tdense,
        [_dims(d) for d in dense_shapes],
        dense_defaults,
        batched=False,
    )


def _str_keys(keys):
    return [k.decode() if isinstance(k, bytes) else str(k) for k in keys]


@register_op("ParseExample", num_outputs=_num_outputs, shape=_batch_shape, host=True, differentiable=False)
def _parse_example_np(ctx, serialized, names, *rest, sparse_types, Tdense, dense_shapes, **_):
    # TF's node layout: the keys are (constant) string inputs, as in an imported GraphDef
    ns, nd = len(sparse_types), len(Tdense)
    sparse_keys = _str_keys(np.asarray(k, object).item() for k in rest[:ns])
    dense_keys = _str_keys(np.asarray(k, object).item() for k in rest[ns : ns + nd])
    dense_defaults = rest[ns + nd :]
    return _parse(
        ctx.op,
        serialized,
        names,
        sparse_keys,
        sparse_types,
        dense_keys,
        Tdense,
        [_dims(d) for d in dense_shapes],
        dense_defaults,
        batched=True,
    )


# --------------------------------------------------------------------------------------------
# Python builders
# --------------------------------------------------------------------------------------------


def _check_dtype(key, dtype):
    dtype = _dtypes.as_dtype(dtype).base_dtype
    if dtype not in _SUPPORTED:
        raise ValueError(
            f"Unsupported dtype {dtype.name} for feature {key!r}: Example features are "
            "float32, int64 or string"
        )
    return dtype


def _features_to_params(features):
    """(sparse_keys, sparse_types, dense) from `features`; dense: (key, dtype, dims, default, is_seq)."""
    if not features:
        raise ValueError("Missing: features was {}.")
    sparse_keys, sparse_types, dense = [], [], []
    for key in sorted(features):
        f = features[key]
        if isinstance(f, VarLenFeature):
            sparse_keys.append(key)
            sparse_types.append(_check_dtype(key, f.dtype))
        elif isinstance(f, FixedLenFeature):
            shape = _ts.as_shape(f.shape)
            if not shape.is_fully_defined():
                raise ValueError(
                    f"Cannot parse a FixedLenFeature with an unknown shape: key {key!r}, shape {shape}"
                )
            dense.append((key, _check_dtype(key, f.dtype), _dims(shape.as_list()), f.default_value, False))
        elif isinstance(f, FixedLenSequenceFeature):
            shape = _ts.as_shape(f.shape)
            if not shape.is_fully_defined():
                raise ValueError(f"Cannot parse a FixedLenSequenceFeature with an unknown shape: key {key!r}")
            if not f.allow_missing:
                raise ValueError(
                    f"Unsupported: FixedLenSequenceFeature requires allow_missing to be True (key {key!r})."
                )
            dense.append(
                (key, _check_dtype(key, f.dtype), (-1,) + _dims(shape.as_list()), f.default_value, True)
            )
        elif type(f).__name__ == "SparseFeature":
            raise NotImplementedError("tf.SparseFeature is not supported by compat_tf")
        else:
            raise ValueError(f"Invalid feature {key}:{f}.")
    return sparse_keys, sparse_types, dense


def _dense_default_tensor(key, dtype, shape, default, is_seq):
    if default is None:
        return _constant.constant(np.zeros((0,), _np_dtype(dtype)), dtype=dtype, name=f"key_{_safe(key)}")
    t = _constant.convert_to_tensor(default, dtype=dtype, name=f"key_{_safe(key)}")
    want = 1 if is_seq else int(np.prod(shape, dtype=np.int64))
    if t.shape.is_fully_defined() and t.shape.num_elements() != want:
        raise ValueError(
            f"default_value of feature {key!r} has {t.shape.num_elements()} elements, expected "
            f"{want} (shape {list(shape[1:] if is_seq else shape)})"
        )
    return t


def _safe(key):
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in key) or "key"


def _build(op_type, inputs_front, features, name, batched):
    sparse_keys, sparse_types, dense = _features_to_params(features)
    dense_keys = [d[0] for d in dense]
    defaults = [_dense_default_tensor(k, t, s, dv, seq) for k, t, s, dv, seq in dense]
    attrs = {
        "sparse_keys": tuple(sparse_keys),
        "dense_keys": tuple(dense_keys),
        "sparse_types": tuple(sparse_types),
        "Tdense": tuple(d[1] for d in dense),
        # TensorShapes (TF's list(shape) attr, so a written graph keeps it); -1 (unknown) -> None
        "dense_shapes": tuple(_ts.TensorShape([None if x == -1 else x for x in _dims(d[2])]) for d in dense),
        "num_sparse": len(sparse_keys),
    }
    if batched:
        keys = [_constant.constant(k, dtype=_dtypes.string, name="sparse_keys") for k in sparse_keys] + [
            _constant.constant(k, dtype=_dtypes.string, name="dense_keys") for k in dense_keys
        ]
        attrs["Nsparse"], attrs["Ndense"] = len(sparse_keys), len(dense_keys)
        del attrs["sparse_keys"], attrs["dense_keys"], attrs["num_sparse"]  # inputs in TF's ParseExample
        inputs = inputs_front + keys + defaults
    else:
        inputs = inputs_front + defaults
    op = make_op(op_type, inputs, attrs, name=name)
    outs = op.outputs
    n = len(sparse_keys)
    result = {}
    for i, k in enumerate(sparse_keys):
        result[k] = SparseTensor(outs[i], outs[n + i], outs[2 * n + i])
    for i, k in enumerate(dense_keys):
        result[k] = outs[3 * n + i]
    return result


def parse_single_example(serialized, features, name=None, example_names=None):
    """tf.parse_single_example: parses one serialized tf.train.Example (a scalar string).

    Returns a dict: FixedLenFeature keys -> Tensor of the feature's shape, VarLenFeature keys ->
    SparseTensor (indices [N, 1], dense_shape [1]), FixedLenSequenceFeature -> [rows] + shape.
    """
    with _graph.name_scope(name, "ParseSingleExample", [serialized, example_names]):
        serialized = _constant.convert_to_tensor(serialized, name="serialized")
        if serialized.dtype.base_dtype != _dtypes.string:
            raise TypeError(f"serialized must be a string tensor, got {serialized.dtype.name}")
        if serialized.shape.ndims is not None:
            serialized.shape.with_rank(0)
        return _build("ParseSingleExample", [serialized], features, "ParseSingleExample", batched=False)


def parse_example(serialized, features, name=None, example_names=None):
    """tf.parse_example: parses a batch (a string vector) of serialized tf.train.Example protos.

    FixedLenFeature keys -> [batch] + shape; VarLenFeature keys -> SparseTensor with indices
    [N, 2] = (batch index, position) and dense_shape [batch, longest]; FixedLenSequenceFeature
    -> [batch, longest] + shape padded with default_value.
    """
    with _graph.name_scope(name, "ParseExample", [serialized, example_names]):
        serialized = _constant.convert_to_tensor(serialized, name="serialized")
        if serialized.dtype.base_dtype != _dtypes.string:
            raise TypeError(f"serialized must be a string tensor, got {serialized.dtype.name}")
        if serialized.shape.ndims is not None:
            serialized.shape.with_rank(1)
        names = _constant.convert_to_tensor(
            example_names if example_names is not None else [], dtype=_dtypes.string, name="names"
        )
        return _build("ParseExample", [serialized, names], features, "ParseExample", batched=True)


# --------------------------------------------------------------------------------------------
# DecodeRaw
# --------------------------------------------------------------------------------------------

_DECODE_RAW_TYPES = (
    _dtypes.float16,
    _dtypes.float32,
    _dtypes.float64,
    _dtypes.int32,
    _dtypes.uint16,
    _dtypes.uint8,
    _dtypes.int16,
    _dtypes.int8,
    _dtypes.int64,
)


def _decode_raw_shape(op):
    s = op.inputs[0].shape
    out = _ts.unknown_shape() if s.ndims is None else s.concatenate([None])
    return [(out, op.get_attr("out_type"))]


@register_op("DecodeRaw", shape=_decode_raw_shape, host=True, differentiable=False)
def _decode_raw_np(ctx, data, out_type, little_endian=True, **_):
    arr = np.asarray(data, dtype=object)
    np_dt = np.dtype(out_type.as_numpy_dtype).newbyteorder("<" if little_endian else ">")
    flat = [bytes(x) for x in arr.reshape(-1)]
    size = np_dt.itemsize
    if not flat:
        return np.zeros(arr.shape + (0,), out_type.as_numpy_dtype)
    n0 = len(flat[0])
    if n0 % size:
        raise errors.InvalidArgumentError(
            None,
            ctx.op,
            f"Input to DecodeRaw has length {n0} that is not a multiple of {size}, the size of "
            f"{_TYPE_STR.get(out_type, out_type.name)}",
        )
    for i, b in enumerate(flat):
        if len(b) != n0:
            raise errors.InvalidArgumentError(
                None,
                ctx.op,
                f"DecodeRaw requires input strings to all be the same size, but element {i} has "
                f"size {len(b)} != {n0}",
            )
    out = np.frombuffer(b"".join(flat), dtype=np_dt).astype(out_type.as_numpy_dtype)
    return out.reshape(arr.shape + (n0 // size,))


def decode_raw(input_bytes=None, out_type=None, little_endian=True, name=None, bytes=None):  # noqa: A002
    """tf.decode_raw (op DecodeRaw): reinterprets the bytes of each string as a vector of `out_type`.

    Output shape is input shape + [length / itemsize]; all strings must have the same length.
    `bytes` is TF1's deprecated alias of `input_bytes`.
    """
    if input_bytes is None:
        input_bytes = bytes
    if input_bytes is None:
        raise ValueError("decode_raw needs input_bytes")
    if out_type is None:
        raise ValueError("decode_raw needs out_type")
    out_type = _dtypes.as_dtype(out_type).base_dtype
    if out_type not in _DECODE_RAW_TYPES:
        raise TypeError(
            f"Value passed to parameter 'out_type' has DataType {out_type.name} not in list of "
            f"allowed values: {', '.join(t.name for t in _DECODE_RAW_TYPES)}"
        )
    x = _constant.convert_to_tensor(input_bytes, dtype=_dtypes.string)
    return make_tensor(
        "DecodeRaw",
        [x],
        {"out_type": out_type, "little_endian": bool(little_endian)},
        name=name or "DecodeRaw",
    )
