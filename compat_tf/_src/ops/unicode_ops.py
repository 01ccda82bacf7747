"""TF1's Unicode string ops: tf.strings.unicode_decode(_with_offsets), unicode_split(_with_offsets),
unicode_encode, unicode_transcode, unicode_script, bytes_split (ragged_string_ops.py /
string_ops.py, the UnicodeDecode*, UnicodeEncode, UnicodeTranscode and UnicodeScript kernels).
unicode_script reads ICU's script codes from a table recorded from TensorFlow (its Unicode version).

Host ops over NumPy object arrays of bytes. TF decodes with ICU; Python's codecs stand in (the
same code points for UTF-8/16/32, an ill-formed sequence becoming one replacement character per
maximal subpart as both follow the Unicode recommendation). errors='replace' writes
`replacement_char`, 'ignore' drops the bad sequence, 'strict' raises InvalidArgumentError;
replace_control_characters replaces C0/C1 controls (tab and newline included, as ICU's).

Deviation: compat_tf has no tf.RaggedTensor, so the ops whose TF1 result is ragged
(unicode_decode, unicode_split, bytes_split and the *_with_offsets forms of a string tensor of
rank >= 1, unicode_encode of a RaggedTensor) support the dense cases TF1 gives: a scalar string
decodes/splits to a 1-D Tensor; unicode_encode takes a dense [..., n] code point tensor. The
ragged cases raise NotImplementedError naming tf.RaggedTensor.
"""
import codecs
import functools
import os
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops.string_ops import _bytes, _obj_array

__all__ = []   # the names live in tf.strings

_REG = dict(host=True, differentiable=False)
_OUTPUT_ENCODINGS = ("UTF-8", "UTF-16-BE", "UTF-32-BE")
_ERRORS = ("strict", "replace", "ignore")
_MARK = "\ud800"      # a lone surrogate: never the result of decoding, so it marks a bad sequence
_BAD_INPUT = "Invalid formatting on input string"
_BAD_CODE_POINT = "Code point is out of range for Unicode, or is a surrogate."


def _codec(encoding):
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        raise ValueError(f"Could not create converter for input encoding: {encoding}") from None


def _is_control(cp):
    return cp < 0x20 or 0x7F <= cp < 0xA0


def _decode_one(b, encoding, errors_, replacement_char, replace_control):
    """(code points, byte offset of each) of one string, TF's UnicodeDecodeWithOffsets rules."""
    spans = _spans.list = []
    text = b.decode(_codec(encoding), "compat_tf_mark")
    points, offsets, pos = [], [], 0
    spans.reverse()
    for ch in text:
        if ch == _MARK:
            start, pos = spans.pop()
            if errors_ == "strict":
                raise errors.InvalidArgumentError(None, None, _BAD_INPUT)
            if errors_ == "ignore":
                continue
            points.append(replacement_char)
            offsets.append(start)
            continue
        cp = ord(ch)
        offsets.append(pos)
        pos += len(ch.encode(_codec(encoding)))
        if replace_control and _is_control(cp):
            cp = replacement_char
        points.append(cp)
    return points, offsets


_spans = threading.local()     # the ill-formed byte spans the current thread's decode met


def _record_bad_span(e):
    _spans.list.append((e.start, e.end))
    return _MARK, e.end


codecs.register_error("compat_tf_mark", _record_bad_span)


def _valid(cp):
    return 0 <= cp <= 0x10FFFF and not 0xD800 <= cp <= 0xDFFF


def _encode_points(points, encoding, errors_, replacement_char):
    out = []
    for cp in points:
        cp = int(cp)
        if not _valid(cp):
            if errors_ == "strict":
                raise errors.InvalidArgumentError(None, None, _BAD_CODE_POINT)
            if errors_ == "ignore":
                continue
            cp = replacement_char
        out.append(chr(cp))
    return "".join(out).encode(_codec(encoding))


def _check_attrs(errors_, replacement_char):
    if errors_ not in _ERRORS:
        raise ValueError(f"errors must be one of {_ERRORS}, got {errors_!r}")
    if not _valid(int(replacement_char)):
        raise ValueError(f"replacement_char {replacement_char} is not a valid Unicode code point")


def _string_tensor(x, what="input"):
    t = _constant.convert_to_tensor(x, dtype=_dtypes.string, name=what)
    if t.dtype.base_dtype != _dtypes.string:
        raise TypeError(f"{what} must be a string tensor, got {t.dtype.name}")
    return t


# --------------------------------------------------------------------------------------------
# UnicodeDecode / UnicodeDecodeWithOffsets: (row_splits, char_values[, char_to_byte_starts])
# --------------------------------------------------------------------------------------------

def _decode_rows(input, input_encoding, errors, replacement_char, replace_control_characters):  # noqa: A002
    splits, values, offsets = [0], [], []
    for s in np.asarray(input, dtype=object).reshape(-1):
        p, o = _decode_one(_bytes(s), input_encoding, errors, replacement_char, replace_control_characters)
        values += p
        offsets += o
        splits.append(len(values))
    return (np.asarray(splits, np.int64), np.asarray(values, np.int32).reshape(-1),
            np.asarray(offsets, np.int64).reshape(-1))


def _decode_rule(with_offsets):
    def rule(op):
        n = op.inputs[0].shape.num_elements()
        out = [([None if n is None else n + 1], _dtypes.int64), ([None], _dtypes.int32)]
        return out + ([([None], _dtypes.int64)] if with_offsets else [])
    return rule


@register_op("UnicodeDecode", shape=_decode_rule(False), num_outputs=2, **_REG)
def _unicode_decode(ctx, input, input_encoding="", errors="replace", replacement_char=0xFFFD,  # noqa: A002
                    replace_control_characters=False, Tsplits=None):
    return _decode_rows(input, input_encoding, errors, replacement_char, replace_control_characters)[:2]


@register_op("UnicodeDecodeWithOffsets", shape=_decode_rule(True), num_outputs=3, **_REG)
def _unicode_decode_with_offsets(ctx, input, input_encoding="", errors="replace",  # noqa: A002
                                 replacement_char=0xFFFD, replace_control_characters=False, Tsplits=None):
    return _decode_rows(input, input_encoding, errors, replacement_char, replace_control_characters)


def _scalar_only(t, symbol):
    if t.shape.ndims != 0:
        raise NotImplementedError(
            f"{symbol} of a string tensor of rank {t.shape.ndims} returns a tf.RaggedTensor, which compat_tf "
            "does not implement (a scalar string gives a dense Tensor)")


def _decode_op(op_type, input, input_encoding, errors, replacement_char, replace_control_characters,  # noqa: A002
               name, symbol):
    _check_attrs(errors, replacement_char)
    _codec(input_encoding)
    x = _string_tensor(input)
    _scalar_only(x, symbol)
    return x.graph.create_op(op_type, [x], {
        "input_encoding": input_encoding, "errors": errors, "replacement_char": int(replacement_char),
        "replace_control_characters": bool(replace_control_characters), "Tsplits": _dtypes.int64},
        name=name)


def unicode_decode(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                   replace_control_characters=False, name=None):
    """tf.strings.unicode_decode: the code points (int32) of a scalar string."""
    with _graph.name_scope(name, "UnicodeDecode") as scope:
        op = _decode_op("UnicodeDecode", input, input_encoding, errors, replacement_char,
                        replace_control_characters, scope + "UnicodeDecode", "tf.strings.unicode_decode")
        return op.outputs[1]


def unicode_decode_with_offsets(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                                replace_control_characters=False, name=None):
    """tf.strings.unicode_decode_with_offsets: (code points, start byte offset of each) of a scalar string."""
    with _graph.name_scope(name, "UnicodeDecodeWithOffsets") as scope:
        op = _decode_op("UnicodeDecodeWithOffsets", input, input_encoding, errors, replacement_char,
                        replace_control_characters, scope + "UnicodeDecodeWithOffsets",
                        "tf.strings.unicode_decode_with_offsets")
        return op.outputs[1], op.outputs[2]


def unicode_split(input, input_encoding, errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """tf.strings.unicode_split: the characters of a scalar string, each re-encoded in input_encoding
    (an ill-formed sequence becomes the encoded replacement character, as TF1)."""
    with _graph.name_scope(name, "UnicodeSplit"):
        points = unicode_decode(input, input_encoding, errors, replacement_char)
        return _encode_dense(array_ops.expand_dims(points, -1), input_encoding, errors, replacement_char)


def unicode_split_with_offsets(input, input_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                               name=None):
    """tf.strings.unicode_split_with_offsets: (characters, start byte offsets) of a scalar string."""
    with _graph.name_scope(name, "UnicodeSplitWithOffsets"):
        points, offsets = unicode_decode_with_offsets(input, input_encoding, errors, replacement_char)
        chars = _encode_dense(array_ops.expand_dims(points, -1), input_encoding, errors, replacement_char)
        return chars, offsets


def bytes_split(input, name=None):  # noqa: A002
    """tf.strings.bytes_split: the bytes of a scalar string as a 1-D string Tensor."""
    from compat_tf._src.ops.string_ops import string_split
    with _graph.name_scope(name, "BytesSplit"):
        x = _string_tensor(input)
        _scalar_only(x, "tf.strings.bytes_split")
        return string_split(array_ops.expand_dims(x, 0), delimiter="", skip_empty=False).values


# --------------------------------------------------------------------------------------------
# UnicodeEncode, UnicodeTranscode
# --------------------------------------------------------------------------------------------

def _encode_rule(op):
    n = op.inputs[1].shape.num_elements()
    return [([None if n is None else max(n - 1, 0)], _dtypes.string)]


@register_op("UnicodeEncode", shape=_encode_rule, **_REG)
def _unicode_encode(ctx, input_values, input_splits, errors="replace", output_encoding="UTF-8",
                    replacement_char=0xFFFD, Tsplits=None):
    values, splits = np.asarray(input_values).reshape(-1), np.asarray(input_splits).reshape(-1)
    out = [_encode_points(values[int(a):int(b)], output_encoding, errors, replacement_char)
           for a, b in zip(splits[:-1], splits[1:])]
    return _obj_array((len(out),), out)


def _encode_dense(points, output_encoding, errors="replace", replacement_char=65533, name=None):
    """UnicodeEncode of the rows of a dense [..., n] tensor: a [...] string tensor."""
    from compat_tf._src.ops.string_split_ops import dense_row_splits
    with _graph.name_scope(name, "UnicodeEncode") as scope:
        shape = array_ops.shape(points, out_type=_dtypes.int64)
        flat = array_ops.reshape(points, [-1])
        splits, _ = dense_row_splits(points)
        out = points.graph.create_op("UnicodeEncode", [flat, splits], {
            "errors": errors, "output_encoding": output_encoding, "replacement_char": int(replacement_char),
            "Tsplits": _dtypes.int64}, name=scope + "UnicodeEncode").outputs[0]
        result = array_ops.reshape(out, shape[:-1])
        result.set_shape(points.shape[:-1])
        return result


def unicode_encode(input, output_encoding, errors="replace", replacement_char=65533, name=None):  # noqa: A002
    """tf.strings.unicode_encode: each row of code points along the last axis of a dense int32
    tensor of rank >= 1 encoded as one string (shape: input's without the last axis)."""
    if output_encoding not in _OUTPUT_ENCODINGS:
        raise ValueError(f"Attr 'output_encoding' of 'UnicodeEncode' Op passed string {output_encoding!r} not in: "
                         + ", ".join(f'"{e}"' for e in _OUTPUT_ENCODINGS) + ".")
    _check_attrs(errors, replacement_char)
    if type(input).__name__.startswith("Ragged"):
        raise NotImplementedError("tf.strings.unicode_encode of a tf.RaggedTensor: compat_tf does not implement "
                                  "tf.RaggedTensor")
    x = _constant.convert_to_tensor(input, dtype=_dtypes.int32, name="input")
    if x.dtype.base_dtype != _dtypes.int32:
        raise TypeError(f"unicode_encode: input must be int32 code points, got {x.dtype.name}")
    if x.shape.ndims == 0:
        raise ValueError("Rank of input must be statically known and at least 1.")
    return _encode_dense(x, output_encoding, errors, replacement_char, name)


@register_op("UnicodeTranscode", shape=lambda op: [(op.inputs[0].shape, _dtypes.string)], **_REG)
def _unicode_transcode(ctx, input, input_encoding="", output_encoding="UTF-8", errors="replace",  # noqa: A002
                       replacement_char=0xFFFD, replace_control_characters=False):
    arr = np.asarray(input, dtype=object)
    out = [_encode_points(_decode_one(_bytes(s), input_encoding, errors, replacement_char,
                                      replace_control_characters)[0], output_encoding, errors, replacement_char)
           for s in arr.reshape(-1)]
    return _obj_array(arr.shape, out)


def unicode_transcode(input, input_encoding, output_encoding, errors="replace", replacement_char=65533,  # noqa: A002
                      replace_control_characters=False, name=None):
    """tf.strings.unicode_transcode: each string decoded from input_encoding and encoded in
    output_encoding (UTF-8, UTF-16-BE or UTF-32-BE), element-wise."""
    if output_encoding not in _OUTPUT_ENCODINGS:
        raise ValueError(f"Attr 'output_encoding' of 'UnicodeTranscode' Op passed string {output_encoding!r} not "
                         "in: " + ", ".join(f'"{e}"' for e in _OUTPUT_ENCODINGS) + ".")
    _check_attrs(errors, replacement_char)
    _codec(input_encoding)
    x = _string_tensor(input)
    return x.graph.create_op("UnicodeTranscode", [x], {
        "input_encoding": input_encoding, "output_encoding": output_encoding, "errors": errors,
        "replacement_char": int(replacement_char), "replace_control_characters": bool(replace_control_characters)},
        name=name or "UnicodeTranscode").outputs[0]



# --------------------------------------------------------------------------------------------
# UnicodeScript
# --------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _script_runs():
    """(first code point of each run, its ICU UScriptCode): the table TensorFlow's ICU gives
    (compat_tf/_data/unicode_scripts.npz, written by tests/data/make_unicode_script_table.py)."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(__file__))), "_data", "unicode_scripts.npz")
    with np.load(path) as data:
        return data["starts"].astype(np.int64), data["codes"].astype(np.int32)


@register_op("UnicodeScript", shape=lambda op: [(op.inputs[0].shape, _dtypes.int32)], **_REG)
def _unicode_script(ctx, input):  # noqa: A002
    points = np.asarray(input, np.int64)
    starts, codes = _script_runs()
    out = codes[np.clip(np.searchsorted(starts, points, side="right") - 1, 0, None)]
    return np.where((points < 0) | (points > 0x10FFFF), np.int32(-1), out).astype(np.int32)


def unicode_script(input, name=None):  # noqa: A002
    """tf.strings.unicode_script: the ICU script code (UScriptCode: 0 Common, 1 Inherited, 25 Latin,
    ...) of each int32 code point; -1 for a value that is not a code point (as TF1)."""
    x = _constant.convert_to_tensor(input, dtype=_dtypes.int32, name="input")
    if x.dtype.base_dtype != _dtypes.int32:
        raise TypeError(f"unicode_script: input must be int32 code points, got {x.dtype.name}")
    return x.graph.create_op("UnicodeScript", [x], {}, name=name or "UnicodeScript").outputs[0]
