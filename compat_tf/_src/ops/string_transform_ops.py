"""TF1's element-wise string transforms and hashes: tf.strings.lower/upper, regex_replace,
regex_full_match, to_hash_bucket_fast (tf.string_to_hash_bucket_fast), reduce_join.

Host ops over NumPy object arrays of bytes, as the rest of string_ops.py. Hashing is TF's:
StringToHashBucketFast is farmhash Fingerprint64(s) mod num_buckets (pyfarmhash), so bucket
ids equal TensorFlow's. Regexes are RE2 in TF and Python `re` here (the same for the common
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

__all__ = ["reduce_join", "regex_full_match", "regex_replace", "string_to_hash_bucket_fast"]

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


@register_op("StringToHashBucketFast", shape=_same_shape(_dtypes.int64), **_REG)
def _to_hash_bucket_fast(ctx, input, num_buckets=1):  # noqa: A002 - TF's input name
    if num_buckets < 1:
        raise errors.InvalidArgumentError(None, None, "num_buckets must be >= 1")
    return _map_strings(input, lambda b: fingerprint64(b) % num_buckets, np.int64)


def string_to_hash_bucket_fast(input, num_buckets, name=None):  # noqa: A002
    """tf.string_to_hash_bucket_fast / tf.strings.to_hash_bucket_fast: Fingerprint64 mod num_buckets."""
    if int(num_buckets) < 1:
        raise ValueError(f"num_buckets must be >= 1, got {num_buckets}")
    return make_tensor("StringToHashBucketFast", [_string_input(input, "input")], {"num_buckets": int(num_buckets)},
                       name=name or "StringToHashBucketFast")


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
