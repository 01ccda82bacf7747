"""TF1's string ops: decode_csv, as_string, string_to_number, string_join, substr, string_split, ...

Mirrors tensorflow/python/ops/parsing_ops.py (decode_csv), string_ops.py and
the kernels (decode_csv_op.cc, as_string_op.cc, string_to_number_op.cc,
string_join_op.cc, substr_op.cc, string_split_op.cc). Strings are bytes in
NumPy object arrays, so every op here is a host op (NumPy between jitted
segments) with an explicit static-shape rule. Run-time errors are TF1's
InvalidArgumentError with the kernels' messages.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant

__all__ = ["decode_csv", "as_string", "string_to_number", "string_join", "substr", "string_split",
           "string_strip", "string_length", "encode_base64", "decode_base64"]

_REG = dict(host=True, differentiable=False)


def _bytes(v):
    if isinstance(v, bytes):
        return v
    if isinstance(v, str):
        return v.encode()
    if isinstance(v, np.ndarray):
        return _bytes(v.item())
    return bytes(v)


def _obj_array(shape, values=None):
    out = np.empty(shape, dtype=object)
    if values is not None:
        out.reshape(-1)[:] = values
    return out


def _broadcast_static(shapes, what):
    """The broadcast of TensorShapes (None dims stay unknown); ValueError when they cannot match."""
    if any(s.ndims is None for s in shapes):
        return _ts.unknown_shape()
    rank = max(s.ndims for s in shapes)
    dims = []
    for k in range(rank):
        ds = [s.as_list()[s.ndims - rank + k] for s in shapes if s.ndims - rank + k >= 0]
        known = {d for d in ds if d is not None and d != 1}
        if len(known) > 1:
            raise ValueError(f"{what}: shapes {', '.join(str(s) for s in shapes)} are not broadcastable")
        if known:
            dims.append(known.pop())
        elif any(d is None for d in ds):
            dims.append(None)
        else:
            dims.append(1)
    return _ts.TensorShape(dims)


# --------------------------------------------------------------------------------------------
# decode_csv
# --------------------------------------------------------------------------------------------

_CSV_TYPES = (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64, _dtypes.string)
_INT_RANGE = {_dtypes.int32: (-2 ** 31, 2 ** 31 - 1), _dtypes.int64: (-2 ** 63, 2 ** 63 - 1)}
_TYPE_WORD = {_dtypes.int32: "int32", _dtypes.int64: "int64", _dtypes.float32: "float",
              _dtypes.float64: "double"}


def _split_csv(record, delim, use_quote, i):
    """The fields of one record (TF's ExtractFields)."""
    fields = []
    n = len(record)
    pos = 0
    while True:
        if use_quote and pos < n and record[pos:pos + 1] == b'"':
            buf = bytearray()
            pos += 1
            while True:
                q = record.find(b'"', pos)
                if q < 0:
                    raise errors.InvalidArgumentError(
                        None, None, f"Quoted field has to end with quote followed by delim or end in "
                        f"record {i}")
                buf += record[pos:q]
                if record[q + 1:q + 2] == b'"':
                    buf += b'"'
                    pos = q + 2
                    continue
                pos = q + 1
                break
            if pos < n and record[pos:pos + 1] != delim:
                raise errors.InvalidArgumentError(
                    None, None, f"Quote inside a string has to be escaped by another quote in record {i}")
            fields.append(bytes(buf))
        else:
            d = record.find(delim, pos)
            end = n if d < 0 else d
            field = record[pos:end]
            if use_quote and b'"' in field:
                raise errors.InvalidArgumentError(
                    None, None, f"Unquoted fields cannot have quotes/CRLFs inside in record {i}")
            fields.append(field)
            pos = end
        if pos >= n:
            break
        pos += 1           # the delimiter
        if pos == n:       # a trailing delimiter: one more (empty) field
            fields.append(b"")
            break
    return fields


def _parse_number(text, dtype):
    """TF's safe_strto32/64, safe_strtof/d: surrounding whitespace allowed, nothing else."""
    s = text.decode("utf-8", "replace").strip()
    if not s or "_" in s:
        return None
    if dtype.is_integer:
        try:
            v = int(s, 10)
        except ValueError:
            return None
        lo, hi = _INT_RANGE[dtype]
        return v if lo <= v <= hi else None
    try:
        v = float(s)
    except ValueError:
        return None
    low = s.lower().lstrip("+-")
    if low not in ("inf", "infinity", "nan") and not any(c.isdigit() for c in low):
        return None
    return v


def _decode_csv_rule(op):
    shape = op.inputs[0].shape
    return [(shape, d) for d in op.get_attr("OUT_TYPE")]


@register_op("DecodeCSV", shape=_decode_csv_rule, num_outputs=lambda attrs, n: len(attrs["OUT_TYPE"]), **_REG)
def _decode_csv(ctx, records, *defaults, OUT_TYPE=(), field_delim=",", use_quote_delim=True, na_value="",
                select_cols=()):
    records = np.asarray(records, dtype=object)
    delim = field_delim.encode() if isinstance(field_delim, str) else field_delim
    na = na_value.encode() if isinstance(na_value, str) else na_value
    ncols = len(OUT_TYPE)
    defs = []
    for f, (d, t) in enumerate(zip(defaults, OUT_TYPE)):
        d = np.asarray(d, dtype=object if t == _dtypes.string else t.as_numpy_dtype)
        if d.ndim > 1:
            raise errors.InvalidArgumentError(None, ctx.op, "Each record default should be at most rank 1")
        if d.size > 1:
            raise errors.InvalidArgumentError(
                None, ctx.op, f"There should only be 1 default per field but field {f} has {d.size}")
        defs.append(d.reshape(-1)[0] if d.size else None)
    outs = [np.empty(records.shape, dtype=object if t == _dtypes.string else t.as_numpy_dtype)
            for t in OUT_TYPE]
    flat_outs = [o.reshape(-1) for o in outs]
    for i, rec in enumerate(records.reshape(-1)):
        fields = _split_csv(_bytes(rec), delim, use_quote_delim, i)
        if select_cols:
            if len(fields) <= select_cols[-1]:
                raise errors.InvalidArgumentError(
                    None, ctx.op, f"Expect {select_cols[-1] + 1} fields but have {len(fields)} in record {i}")
            fields = [fields[c] for c in select_cols]
        elif len(fields) != ncols:
            raise errors.InvalidArgumentError(
                None, ctx.op, f"Expect {ncols} fields but have {len(fields)} in record {i}")
        for f, (text, t) in enumerate(zip(fields, OUT_TYPE)):
            if text == b"" or text == na:
                if defs[f] is None:
                    raise errors.InvalidArgumentError(
                        None, ctx.op, f"Field {f} is required but missing in record {i}!")
                flat_outs[f][i] = defs[f]
            elif t == _dtypes.string:
                flat_outs[f][i] = text
            else:
                v = _parse_number(text, t)
                if v is None:
                    raise errors.InvalidArgumentError(
                        None, ctx.op, f"Field {f} in record {i} is not a valid {_TYPE_WORD[t]}: "
                        f"{text.decode('utf-8', 'replace')}")
                flat_outs[f][i] = v
    return tuple(outs)


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None, na_value="",
               select_cols=None):
    """tf.decode_csv / tf.io.decode_csv (op DecodeCSV): one tensor per column, shaped like `records`.

    `record_defaults[i]` is a one-element list/tensor (the column's default and
    dtype: float32, float64, int32, int64 or string) or an empty tensor (the
    column is required). Fields equal to `na_value` count as missing.
    """
    if select_cols is not None:
        select_cols = [int(c) for c in select_cols]
        if any(select_cols[i] >= select_cols[i + 1] for i in range(len(select_cols) - 1)):
            raise ValueError("select_cols is not strictly increasing.")
        if select_cols and select_cols[0] < 0:
            raise ValueError("select_cols contains negative values.")
        if len(select_cols) != len(record_defaults):
            raise ValueError("Length of select_cols and record_defaults do not match.")
    if len(field_delim) != 1:
        raise ValueError(f"field_delim should be only 1 char, got {field_delim!r}")
    records = _constant.convert_to_tensor(records, dtype=_dtypes.string)
    g = records.graph
    with g.as_default(), _graph.name_scope(name, "DecodeCSV") as scope:
        defaults = []
        for i, d in enumerate(record_defaults):
            t = _constant.convert_to_tensor(d, name=f"record_defaults_{i}")
            if t.dtype.base_dtype not in _CSV_TYPES:
                raise TypeError(f"decode_csv: record_defaults[{i}] has dtype {t.dtype.base_dtype.name}; "
                                "supported are float32, float64, int32, int64, string")
            if t.shape.ndims is not None and t.shape.ndims > 1:
                raise ValueError(f"Shape must be at most rank 1 but is rank {t.shape.ndims} for "
                                 f"record_defaults[{i}]")
            defaults.append(t)
        op = g.create_op("DecodeCSV", [records] + defaults, {
            "OUT_TYPE": tuple(t.dtype.base_dtype for t in defaults), "field_delim": field_delim,
            "use_quote_delim": bool(use_quote_delim), "na_value": na_value,
            "select_cols": tuple(select_cols or ())}, name=scope)
    return list(op.outputs)


# --------------------------------------------------------------------------------------------
# as_string, string_to_number
# --------------------------------------------------------------------------------------------

def _same_shape_rule(dtype):
    return lambda op: [(op.inputs[0].shape, dtype)]


@register_op("AsString", shape=_same_shape_rule(_dtypes.string), **_REG)
def _as_string(ctx, x, T=None, precision=-1, scientific=False, shortest=False, width=-1, fill=""):
    x = np.asarray(x)
    spec = "%" + fill + (str(width) if width > -1 else "")
    if T.is_floating or T.is_complex:
        spec += ("." + str(precision)) if precision > -1 else ""
        spec += "g" if shortest else "e" if scientific else "f"
    if T == _dtypes.bool:
        fmt = lambda v: (spec + "s") % ("true" if v else "false")  # noqa: E731
    elif T.is_complex:
        fmt = lambda v: "(" + spec % v.real + "," + spec % v.imag + ")"  # noqa: E731
    elif T.is_floating:
        fmt = lambda v: spec % float(v)  # noqa: E731
    else:
        spec += "d"
        fmt = lambda v: spec % int(v)  # noqa: E731
    return _obj_array(x.shape, [fmt(v).encode() for v in x.reshape(-1)])


def as_string(input, precision=-1, scientific=False, shortest=False, width=-1, fill="",  # noqa: A002
              name=None):
    """tf.as_string / tf.strings.as_string (op AsString): numbers and bools formatted printf-style."""
    x = _constant.convert_to_tensor(input)
    t = x.dtype.base_dtype
    if t == _dtypes.string or not (t.is_integer or t.is_floating or t.is_complex or t == _dtypes.bool):
        raise TypeError(f"Value passed to parameter 'input' has DataType {t.name} not in list of allowed "
                        "values: int8, int16, int32, int64, complex64, complex128, float32, float64, bool")
    if scientific and shortest:
        raise ValueError("Cannot select both scientific and shortest notation")
    if len(fill) > 1:
        raise ValueError(f"Fill string must be one or fewer characters, got {fill!r}")
    if fill and fill not in " +-0#":
        raise ValueError(f'Fill argument not supported: "{fill}"')
    if precision > -1 and not (t.is_floating or t.is_complex):
        raise ValueError(f"precision not supported for datatype {t.name}")
    return x.graph.create_op("AsString", [x], {
        "T": t, "precision": int(precision), "scientific": bool(scientific), "shortest": bool(shortest),
        "width": int(width), "fill": fill}, name=name or "AsString").outputs[0]


@register_op("StringToNumber", shape=lambda op: [(op.inputs[0].shape, op.get_attr("out_type"))], **_REG)
def _string_to_number(ctx, x, out_type=None):
    x = np.asarray(x, dtype=object)
    out = np.empty(x.shape, dtype=out_type.as_numpy_dtype)
    flat = out.reshape(-1)
    for i, s in enumerate(x.reshape(-1)):
        v = _parse_number(_bytes(s), out_type)
        if v is None:
            raise errors.InvalidArgumentError(
                None, ctx.op, "StringToNumberOp could not correctly convert string: "
                + _bytes(s).decode("utf-8", "replace"))
        flat[i] = v
    return out


def string_to_number(string_tensor, out_type=_dtypes.float32, name=None):
    """tf.string_to_number / tf.strings.to_number (op StringToNumber)."""
    out_type = _dtypes.as_dtype(out_type).base_dtype
    if out_type not in (_dtypes.float32, _dtypes.float64, _dtypes.int32, _dtypes.int64):
        raise TypeError(f"string_to_number: out_type must be float32, float64, int32 or int64, got "
                        f"{out_type.name}")
    x = _constant.convert_to_tensor(string_tensor, dtype=_dtypes.string)
    return x.graph.create_op("StringToNumber", [x], {"out_type": out_type},
                             name=name or "StringToNumber").outputs[0]


# --------------------------------------------------------------------------------------------
# string_join, substr, strip, length
# --------------------------------------------------------------------------------------------

def _join_shape(shapes):
    shape = _ts.TensorShape([])
    for s in shapes:
        if s.ndims != 0:
            shape = shape.merge_with(s) if shape.ndims != 0 else s
    return shape


def _join_rule(op):
    return [(_join_shape([t.shape for t in op.inputs]), _dtypes.string)]


@register_op("StringJoin", shape=_join_rule, **_REG)
def _string_join(ctx, *inputs, separator="", N=None):
    arrs = [np.asarray(x, dtype=object) for x in inputs]
    shape = ()
    for a in arrs:
        if a.ndim:
            if shape and a.shape != shape:
                raise errors.InvalidArgumentError(
                    None, ctx.op, f"Input shapes do not match: [{','.join(map(str, shape))}] vs. "
                    f"[{','.join(map(str, a.shape))}]")
            shape = a.shape
    sep = separator.encode() if isinstance(separator, str) else separator
    size = int(np.prod(shape)) if shape else 1
    parts = [a.reshape(-1) if a.ndim else np.full(size, a.item(), dtype=object) for a in arrs]
    return _obj_array(shape, [sep.join(_bytes(p[i]) for p in parts) for i in range(size)])


def _regex_full_match(ctx, input, pattern):    # noqa: A002 - TF's input name
    import re
    try:
        rx = re.compile(_bytes(np.asarray(pattern, dtype=object).item() if not isinstance(pattern, (str, bytes))
                               else pattern))
    except re.error as e:
        raise errors.InvalidArgumentError(None, ctx.op, f"Invalid pattern: {pattern!r}, error: {e}") from None
    arr = np.asarray(input, dtype=object)
    out = np.array([rx.fullmatch(_bytes(x)) is not None for x in arr.reshape(-1)], dtype=bool)
    return out.reshape(arr.shape)


def _bool_like_input(op):
    return [(op.inputs[0].shape, _dtypes.bool)]


@register_op("StaticRegexFullMatch", shape=_bool_like_input, **_REG)
def _static_regex_full_match(ctx, input, pattern=""):    # noqa: A002 - TF's input name
    """TF's StaticRegexFullMatch (Python `re` syntax stands in for RE2's; TF1's Saver uses `^s3://.*`)."""
    return _regex_full_match(ctx, input, pattern)


def string_join(inputs, separator="", name=None):
    """tf.string_join / tf.strings.join (op StringJoin): element-wise concatenation, scalars broadcast."""
    ts = [_constant.convert_to_tensor(x, dtype=_dtypes.string) for x in inputs]
    if not ts:
        raise ValueError("string_join needs at least one input")
    _join_shape([t.shape for t in ts])      # static shape check (ValueError on mismatch)
    return ts[0].graph.create_op("StringJoin", ts, {"separator": separator, "N": len(ts)},
                                 name=name or "StringJoin").outputs[0]


def _substr_rule(op):
    return [(_broadcast_static([t.shape for t in op.inputs], "Substr"), _dtypes.string)]


@register_op("Substr", shape=_substr_rule, **_REG)
def _substr(ctx, x, pos, length, T=None, unit="BYTE"):
    x = np.asarray(x, dtype=object)
    pos = np.asarray(pos)
    length = np.asarray(length)
    try:
        bx, bp, bl = np.broadcast_arrays(x, pos, length)
    except ValueError:
        raise errors.InvalidArgumentError(None, ctx.op, f"Incompatible shapes: input {list(x.shape)}, pos "
                                          f"{list(pos.shape)}, len {list(length.shape)}") from None
    out = np.empty(bx.shape, dtype=object)
    flat = out.reshape(-1)
    for i, (s, p, n) in enumerate(zip(bx.reshape(-1), bp.reshape(-1), bl.reshape(-1))):
        s = _bytes(s)
        seq = s.decode("utf-8") if unit == "UTF8_CHAR" else s
        p, n = int(p), int(n)
        size = len(seq)
        if not (-size <= p <= size):
            raise errors.InvalidArgumentError(None, ctx.op, f"pos {p} out of range for string at index {i}")
        if p < 0:
            p += size
        piece = seq[p:p + max(n, 0)]
        flat[i] = piece.encode("utf-8") if unit == "UTF8_CHAR" else piece
    return out


def substr(input, pos, len, name=None, unit="BYTE"):  # noqa: A002 - TF1 names
    """tf.substr / tf.strings.substr (op Substr): substrings [pos, pos+len) in bytes or UTF-8 chars.

    pos/len broadcast against `input`; a negative pos counts from the end; pos past the
    end raises InvalidArgumentError; a len past the end is clipped.
    """
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"unit must be 'BYTE' or 'UTF8_CHAR', got {unit!r}")
    x = _constant.convert_to_tensor(input, dtype=_dtypes.string)
    with x.graph.as_default():
        p = _constant.convert_to_tensor(pos)
        n = _constant.convert_to_tensor(len, dtype=p.dtype.base_dtype)
    if p.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"substr: pos must be int32 or int64, got {p.dtype.base_dtype.name}")
    return x.graph.create_op("Substr", [x, p, n], {"T": p.dtype.base_dtype, "unit": unit},
                             name=name or "Substr").outputs[0]


@register_op("StringStrip", shape=_same_shape_rule(_dtypes.string), **_REG)
def _string_strip(ctx, x):
    x = np.asarray(x, dtype=object)
    return _obj_array(x.shape, [_bytes(s).strip(b" \t\n\v\f\r") for s in x.reshape(-1)])


def string_strip(input, name=None):  # noqa: A002
    """tf.string_strip / tf.strings.strip (op StringStrip): leading and trailing whitespace removed."""
    x = _constant.convert_to_tensor(input, dtype=_dtypes.string)
    return x.graph.create_op("StringStrip", [x], {}, name=name or "StringStrip").outputs[0]


@register_op("StringLength", shape=_same_shape_rule(_dtypes.int32), **_REG)
def _string_length(ctx, x, unit="BYTE"):
    x = np.asarray(x, dtype=object)
    if unit == "UTF8_CHAR":
        vals = [len(_bytes(s).decode("utf-8")) for s in x.reshape(-1)]
    else:
        vals = [len(_bytes(s)) for s in x.reshape(-1)]
    return np.array(vals, dtype=np.int32).reshape(x.shape)


def string_length(input, name=None, unit="BYTE"):  # noqa: A002
    """tf.strings.length (op StringLength): lengths in bytes or UTF-8 characters."""
    x = _constant.convert_to_tensor(input, dtype=_dtypes.string)
    return x.graph.create_op("StringLength", [x], {"unit": unit}, name=name or "StringLength").outputs[0]


# --------------------------------------------------------------------------------------------
# string_split (a SparseTensor)
# --------------------------------------------------------------------------------------------

def _string_split_rule(op):
    return [([None, 2], _dtypes.int64), ([None], _dtypes.string), ([2], _dtypes.int64)]


@register_op("StringSplit", shape=_string_split_rule, num_outputs=3, **_REG)
def _string_split(ctx, x, delimiter, skip_empty=True):
    x = np.asarray(x, dtype=object)
    if x.ndim != 1:
        raise errors.InvalidArgumentError(None, ctx.op, f"input must be a vector, got shape: "
                                          f"[{','.join(map(str, x.shape))}]")
    delim = _bytes(np.asarray(delimiter, dtype=object).reshape(()).item())
    indices, values, width = [], [], 0
    for i, s in enumerate(x):
        s = _bytes(s)
        if not delim:
            tokens = [bytes([c]) for c in s]
        else:
            tokens, cur = [], bytearray()
            for c in s:
                if bytes([c]) in delim:
                    tokens.append(bytes(cur))
                    cur = bytearray()
                else:
                    cur.append(c)
            tokens.append(bytes(cur))
        if skip_empty:
            tokens = [t for t in tokens if t]
        for j, tok in enumerate(tokens):
            indices.append((i, j))
            values.append(tok)
        width = max(width, len(tokens))
    idx = np.array(indices, dtype=np.int64).reshape(-1, 2)
    return idx, _obj_array((len(values),), values), np.array([x.shape[0], width], dtype=np.int64)


def string_split(source, sep=None, skip_empty=True, delimiter=None, result_type="SparseTensor", name=None):
    """tf.string_split (op StringSplit): a 2-D SparseTensor of tokens of the 1-D `source`.

    As TF1: every character of `delimiter` is a delimiter; an empty delimiter
    splits into bytes; skip_empty drops empty tokens. `sep` and `delimiter` are
    the same argument (TF 1.15 renamed it); the default is " ".
    """
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    if result_type != "SparseTensor":
        raise NotImplementedError(f"tf.string_split(result_type={result_type!r}) is not supported by "
                                  "compat_tf")
    if sep is not None and delimiter is not None:
        raise ValueError("Cannot specify both 'sep' and 'delimiter'")
    delimiter = sep if sep is not None else delimiter if delimiter is not None else " "
    x = _constant.convert_to_tensor(source, dtype=_dtypes.string)
    if x.shape.ndims is not None and x.shape.ndims != 1:
        raise ValueError(f"Shape must be rank 1 but is rank {x.shape.ndims} for 'StringSplit'")
    with x.graph.as_default():
        d = _constant.convert_to_tensor(delimiter, dtype=_dtypes.string)
    op = x.graph.create_op("StringSplit", [x, d], {"skip_empty": bool(skip_empty)},
                           name=name or "StringSplit")
    return SparseTensor(*op.outputs)


@register_op("EncodeBase64", shape=_same_shape_rule(_dtypes.string), **_REG)
def _encode_base64(ctx, x, pad=False):
    import base64
    x = np.asarray(x, dtype=object)
    vals = [base64.urlsafe_b64encode(_bytes(s)) for s in x.reshape(-1)]
    return _obj_array(x.shape, vals if pad else [v.rstrip(b"=") for v in vals])


def encode_base64(input, pad=False, name=None):  # noqa: A002
    """tf.encode_base64 / tf.io.encode_base64 (op EncodeBase64): web-safe base64 ('-' and '_'), unpadded
    unless `pad`."""
    x = _constant.convert_to_tensor(input, dtype=_dtypes.string)
    return x.graph.create_op("EncodeBase64", [x], {"pad": bool(pad)}, name=name or "EncodeBase64").outputs[0]


@register_op("DecodeBase64", shape=_same_shape_rule(_dtypes.string), **_REG)
def _decode_base64(ctx, x):
    import base64
    import binascii
    x = np.asarray(x, dtype=object)
    out = []
    for s in x.reshape(-1):
        b = _bytes(s)
        try:
            out.append(base64.urlsafe_b64decode(b + b"=" * (-len(b) % 4)))
        except (binascii.Error, ValueError):
            from compat_tf._src.framework import errors
            raise errors.InvalidArgumentError(None, ctx.op, f"Invalid character found in base64: {b!r}") from None
    return _obj_array(x.shape, out)


def decode_base64(input, name=None):  # noqa: A002
    """tf.decode_base64 / tf.io.decode_base64 (op DecodeBase64): web-safe base64, padded or not."""
    x = _constant.convert_to_tensor(input, dtype=_dtypes.string)
    return x.graph.create_op("DecodeBase64", [x], {}, name=name or "DecodeBase64").outputs[0]
