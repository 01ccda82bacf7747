"""TF1's element-wise string transforms and hashes: tf.strings.lower/upper, regex_replace,
regex_full_match, to_hash_bucket_fast / to_hash_bucket / to_hash_bucket_strong
(tf.string_to_hash_bucket*), reduce_join.

Host ops over NumPy object arrays of bytes, as the rest of string_ops.py. Hashing is TF's, so
bucket ids equal TensorFlow's: StringToHashBucketFast is farmhash Fingerprint64(s) (pyfarmhash),
StringToHashBucket TF's legacy Hash64 (a MurmurHash64A with seed 0xDECAFCAFFE,
core/lib/hash/hash.cc), StringToHashBucketStrong SipHash-2-4 keyed by `key` (highwayhash's
SipHash), each mod num_buckets. Regexes are RE2 in TF and Python `re` here (the same for the common
syntax; RE2-only constructs fail with InvalidArgumentError).
"""
import re

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor
from compat_tf._src.ops.string_ops import _bytes, _obj_array

__all__ = ["reduce_join", "regex_full_match", "regex_replace", "string_format", "string_to_hash_bucket",
           "string_to_hash_bucket_fast", "string_to_hash_bucket_strong"]

_REG = dict(host=True, differentiable=False)


def _same_shape(dtype):
    return lambda op: [(op.inputs[0].shape, dtype)]


def _map_strings(values, fn, dtype=object):
    arr = np.asarray(values, dtype=object)
    out = np.empty(arr.shape, dtype=dtype)
    flat = out.reshape(-1)
    for i, v in enumerate(arr.reshape(-1)):
        flat[i] = fn(_bytes(v))
    return out


def _string_input(x, name):
    t = _constant.convert_to_tensor(x, dtype=_dtypes.string, name=name)
    if t.dtype.base_dtype != _dtypes.string:
        raise TypeError(f"{name} must be a string tensor, got {t.dtype.name}")
    return t


# -- hashing ---------------------------------------------------------------------------------
def fingerprint64(b):
    import farmhash
    return farmhash.fingerprint64(b)


_M64 = (1 << 64) - 1
_MUL = 0xC6A4A7935BD1E995


def _shift_mix(v):
    return v ^ (v >> 47)


def fingerprint_cat64(fp1, fp2):
    """TF's FingerprintCat64 (tensorflow/core/platform/fingerprint.h) of uint64 Python ints: how
    SparseCrossHashed and crossed_column chain the fingerprints of a cross's features."""
    result = fp1 ^ _MUL
    result ^= (_shift_mix((fp2 * _MUL) & _M64) * _MUL) & _M64
    result = (result * _MUL) & _M64
    result = (_shift_mix(result) * _MUL) & _M64
    return _shift_mix(result)


def legacy_hash64(b, seed=0xDECAFCAFFE):
    """TF's Hash64(data, n, seed) (core/lib/hash/hash.cc): MurmurHash64A, bytes little-endian."""
    m, r = 0xC6A4A7935BD1E995, 47
    n = len(b)
    h = (seed ^ (n * m)) & _M64
    full = n - n % 8
    for i in range(0, full, 8):
        k = (int.from_bytes(b[i:i + 8], "little") * m) & _M64
        k = ((k ^ (k >> r)) * m) & _M64
        h = ((h ^ k) * m) & _M64
    if n % 8:
        h = ((h ^ int.from_bytes(b[full:], "little")) * m) & _M64
    h = ((h ^ (h >> r)) * m) & _M64
    return h ^ (h >> r)


def _rotl(x, b):
    return ((x << b) | (x >> (64 - b))) & _M64


def siphash24(k0, k1, b):
    """SipHash-2-4 of `b` under the 128-bit key (k0, k1) (TF's StrongKeyedHash, highwayhash::SipHash)."""
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def rounds(count):
        for _ in range(count):
            v[0] = (v[0] + v[1]) & _M64
            v[1] = _rotl(v[1], 13) ^ v[0]
            v[0] = _rotl(v[0], 32)
            v[2] = (v[2] + v[3]) & _M64
            v[3] = _rotl(v[3], 16) ^ v[2]
            v[0] = (v[0] + v[3]) & _M64
            v[3] = _rotl(v[3], 21) ^ v[0]
            v[2] = (v[2] + v[1]) & _M64
            v[1] = _rotl(v[1], 17) ^ v[2]
            v[2] = _rotl(v[2], 32)

    n = len(b)
    tail = n - n % 8
    blocks = [int.from_bytes(b[i:i + 8], "little") for i in range(0, tail, 8)]
    blocks.append(int.from_bytes(b[tail:], "little") | ((n & 0xFF) << 56))
    for m in blocks:
        v[3] ^= m
        rounds(2)
        v[0] ^= m
    v[2] ^= 0xFF
    rounds(4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _check_buckets(num_buckets):
    if num_buckets < 1:
        raise errors.InvalidArgumentError(None, None, "num_buckets must be >= 1")


@register_op("StringToHashBucketFast", shape=_same_shape(_dtypes.int64), **_REG)
def _to_hash_bucket_fast(ctx, input, num_buckets=1):  # noqa: A002 - TF's input name
    _check_buckets(num_buckets)
    return _map_strings(input, lambda b: fingerprint64(b) % num_buckets, np.int64)


@register_op("StringToHashBucket", shape=_same_shape(_dtypes.int64), **_REG)
def _to_hash_bucket(ctx, string_tensor, num_buckets=1):
    _check_buckets(num_buckets)
    return _map_strings(string_tensor, lambda b: legacy_hash64(b) % num_buckets, np.int64)


@register_op("StringToHashBucketStrong", shape=_same_shape(_dtypes.int64), **_REG)
def _to_hash_bucket_strong(ctx, input, num_buckets=1, key=()):  # noqa: A002
    _check_buckets(num_buckets)
    k0, k1 = (int(k) & _M64 for k in key)
    return _map_strings(input, lambda b: siphash24(k0, k1, b) % num_buckets, np.int64)


def _buckets_attr(num_buckets, op_type):
    if int(num_buckets) < 1:
        raise ValueError(f"Attr 'num_buckets' of '{op_type}' Op passed {num_buckets} less than minimum 1.")
    return int(num_buckets)


def string_to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """tf.string_to_hash_bucket_fast / tf.strings.to_hash_bucket_fast: Fingerprint64 mod num_buckets."""
    return make_tensor("StringToHashBucketFast", [_string_input(input, "input")],
                       {"num_buckets": _buckets_attr(num_buckets, "StringToHashBucketFast")},
                       name=name or "StringToHashBucketFast")


def string_to_hash_bucket(string_tensor=None, num_buckets=None, name=None, input=None):  # noqa: A002
    """tf.string_to_hash_bucket / tf.strings.to_hash_bucket: TF's legacy Hash64 mod num_buckets
    (TF 1.15 names the string argument `string_tensor` at the top level, `input` in tf.strings)."""
    string_tensor = input if string_tensor is None else string_tensor
    return make_tensor("StringToHashBucket", [_string_input(string_tensor, "string_tensor")],
                       {"num_buckets": _buckets_attr(num_buckets, "StringToHashBucket")},
                       name=name or "StringToHashBucket")


def string_to_hash_bucket_strong(input, num_buckets, key, name=None):  # noqa: A002
    """tf.string_to_hash_bucket_strong / tf.strings.to_hash_bucket_strong: SipHash-2-4 under the
    two-integer `key`, mod num_buckets."""
    key = [int(k) for k in key]
    if len(key) != 2:
        raise errors.InvalidArgumentError(None, None, f"Key must have 2 elements, got {len(key)}")
    if any(not -2 ** 63 <= k < 2 ** 63 for k in key):
        raise ValueError(f"Value out of range: key {key} (each an int64)")
    return make_tensor("StringToHashBucketStrong", [_string_input(input, "input")],
                       {"num_buckets": _buckets_attr(num_buckets, "StringToHashBucketStrong"), "key": tuple(key)},
                       name=name or "StringToHashBucketStrong")


# -- case --------------------------------------------------------------------------------------
@register_op("StringLower", shape=_same_shape(_dtypes.string), **_REG)
def _lower(ctx, input, encoding=""):  # noqa: A002
    if encoding:
        return _map_strings(input, lambda b: b.decode(encoding).lower().encode(encoding))
    return _map_strings(input, lambda b: b.lower())


@register_op("StringUpper", shape=_same_shape(_dtypes.string), **_REG)
def _upper(ctx, input, encoding=""):  # noqa: A002
    if encoding:
        return _map_strings(input, lambda b: b.decode(encoding).upper().encode(encoding))
    return _map_strings(input, lambda b: b.upper())


def lower(input, name=None, encoding=""):  # noqa: A002
    """tf.strings.lower: ASCII lower case (or Unicode with encoding="utf-8")."""
    return make_tensor("StringLower", [_string_input(input, "input")], {"encoding": encoding},
                       name=name or "StringLower")


def upper(input, name=None, encoding=""):  # noqa: A002
    """tf.strings.upper."""
    return make_tensor("StringUpper", [_string_input(input, "input")], {"encoding": encoding},
                       name=name or "StringUpper")


# -- regexes -----------------------------------------------------------------------------------
def _compile(pattern):
    try:
        return re.compile(_bytes(pattern))
    except re.error as e:
        raise errors.InvalidArgumentError(None, None, f"Invalid pattern: {_bytes(pattern)!r}, error: {e}") from None


def _re2_rewrite(rewrite):
    # RE2 rewrites name groups \1..\9 as Python does; `\0` is the whole match (Python: \g<0>)
    return re.sub(rb"\\0", rb"\\g<0>", _bytes(rewrite))


@register_op("RegexReplace", shape=_same_shape(_dtypes.string), **_REG)
def _regex_replace(ctx, input, pattern, rewrite, replace_global=True):  # noqa: A002
    rx, rw = _compile(np.asarray(pattern).item()), _re2_rewrite(np.asarray(rewrite).item())
    count = 0 if replace_global else 1
    return _map_strings(input, lambda b: rx.sub(rw, b, count=count))


@register_op("RegexFullMatch", shape=_same_shape(_dtypes.bool), **_REG)
def _regex_full_match(ctx, input, pattern):  # noqa: A002
    rx = _compile(np.asarray(pattern).item())
    return _map_strings(input, lambda b: rx.fullmatch(b) is not None, np.bool_)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):  # noqa: A002
    """tf.strings.regex_replace / tf.regex_replace: every (or the first) match replaced."""
    return make_tensor("RegexReplace", [_string_input(input, "input"), _string_input(pattern, "pattern"),
                                        _string_input(rewrite, "rewrite")],
                       {"replace_global": bool(replace_global)}, name=name or "RegexReplace")


def regex_full_match(input, pattern, name=None):  # noqa: A002
    """tf.strings.regex_full_match: whether each string matches `pattern` entirely."""
    return make_tensor("RegexFullMatch", [_string_input(input, "input"), _string_input(pattern, "pattern")],
                       name=name or "RegexFullMatch")


# -- reduce_join -------------------------------------------------------------------------------
def _reduce_join_rule(op):
    from compat_tf._src.framework import shape_inference
    shape = op.inputs[0].shape
    keep = op.get_attr("keep_dims")
    axes = shape_inference.constant_value(op.inputs[1])
    if shape.ndims is None or axes is None:
        return [(_ts.unknown_shape(), _dtypes.string)]
    rank = shape.ndims
    axes = {int(a) % max(rank, 1) for a in np.atleast_1d(axes)}
    dims = [1 if i in axes else d for i, d in enumerate(shape.as_list())]
    return [(_ts.TensorShape([d for i, d in enumerate(dims) if keep or i not in axes]), _dtypes.string)]


@register_op("ReduceJoin", shape=_reduce_join_rule, **_REG)
def _reduce_join(ctx, inputs, reduction_indices, keep_dims=False, separator=""):
    arr = np.asarray(inputs, dtype=object)
    axes = tuple(sorted({int(a) % max(arr.ndim, 1) for a in np.atleast_1d(reduction_indices)}))
    for a in np.atleast_1d(reduction_indices):
        if not -arr.ndim <= int(a) < arr.ndim:
            raise errors.InvalidArgumentError(None, None, f"Invalid reduction dimension {int(a)} for input with "
                                                          f"{arr.ndim} dimensions.")
    sep = _bytes(separator)
    moved = np.moveaxis(arr, axes, tuple(range(arr.ndim - len(axes), arr.ndim)))
    lead = moved.shape[:arr.ndim - len(axes)]
    flat = moved.reshape(lead + (-1,))
    out = _obj_array(lead)
    for idx in np.ndindex(*lead):
        out[idx] = sep.join(_bytes(v) for v in flat[idx])
    if keep_dims:
        out = out.reshape(tuple(1 if i in axes else d for i, d in enumerate(arr.shape)))
    return out


def reduce_join(inputs, axis=None, keep_dims=False, separator="", name=None, reduction_indices=None,
                keepdims=None):
    """tf.reduce_join / tf.strings.reduce_join: joins the strings along `axis` (all by default,
    TF1 passes them in reverse order, which joins the same way)."""
    if keepdims is not None:
        keep_dims = keepdims
    axis = reduction_indices if axis is None else axis
    inputs = _string_input(inputs, "inputs")
    if axis is None:
        if inputs.shape.ndims is None:
            raise NotImplementedError("tf.reduce_join(axis=None) of an input of unknown rank is not supported by "
                                      "compat_tf")
        axis = list(range(inputs.shape.ndims - 1, -1, -1))
    axes = _constant.convert_to_tensor(axis, dtype=_dtypes.int32, name="reduction_indices")
    return make_tensor("ReduceJoin", [inputs, axes], {"keep_dims": bool(keep_dims), "separator": separator},
                       name=name or "ReduceJoin")


# -- format ------------------------------------------------------------------------------------
@register_op("StringFormat", shape=lambda op: [(_ts.TensorShape([]), _dtypes.string)], **_REG)
def _string_format(ctx, *inputs, template="", placeholder="{}", summarize=3, T=()):
    from compat_tf._src.ops.logging_ops import summarize_v2
    pieces = template.split(placeholder)
    out = [pieces[0]]
    for value, piece in zip(inputs, pieces[1:]):
        value = np.asarray(value)
        if value.dtype == np.bool_:
            value = value.astype(np.int8)     # the kernel's SummarizeValue prints bools as 1/0
        out += [summarize_v2(value, summarize), piece]
    return np.asarray("".join(out).encode(), dtype=object)


def string_format(template, inputs, placeholder="{}", summarize=3, name=None):
    """tf.strings.format: `template` with each `placeholder` replaced by the next input's summary
    (as tf.print writes it: numpy-like brackets, the first and last `summarize` entries of each
    dimension, strings quoted); a scalar string."""
    if not isinstance(inputs, (list, tuple)):
        inputs = [inputs]
    ts = [_constant.convert_to_tensor(x) for x in inputs]
    count = template.count(placeholder)
    if count != len(ts):
        raise ValueError(f"The template expects {count} tensors, but the inputs only has {len(ts)}. Please ensure "
                         "the number of placeholders in template matches inputs length.")
    return make_tensor("StringFormat", ts, {"template": template, "placeholder": placeholder,
                                            "summarize": int(summarize), "T": tuple(t.dtype.base_dtype for t in ts)},
                       name=name or "StringFormat")
