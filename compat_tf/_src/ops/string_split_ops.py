"""TF1's splitting and joining string ops: tf.strings.split (StringSplitV2), tf.strings.ngrams
(StringNGrams), tf.strings.unsorted_segment_join (UnsortedSegmentJoin).

Host ops over NumPy object arrays of bytes, as string_ops.py. StringSplitV2 splits as Python's
str.split: no `sep` splits on runs of ASCII whitespace and drops empty tokens, a `sep` splits
on that exact string and keeps empty tokens; maxsplit limits the splits.

Deviation: compat_tf has no tf.RaggedTensor. tf.strings.split gives TF1's default SparseTensor
(for any input rank: rank+1 indices, as TF1's ragged to_sparse()); result_type="RaggedTensor"
raises NotImplementedError. tf.strings.ngrams takes a dense tensor (the rows along the last axis)
and gives a dense one (every row has as many n-grams), as TF1 does for a Tensor; the StringNGrams
op is TF 2's kernel (TF 1.15 composed ngrams from Python ops; the values are the same).
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import static_ints
from compat_tf._src.ops.string_ops import _bytes, _obj_array

__all__ = []   # the names live in tf.strings

_REG = dict(host=True, differentiable=False)


def _string_tensor(x, what):
    t = _constant.convert_to_tensor(x, dtype=_dtypes.string, name=what)
    if t.dtype.base_dtype != _dtypes.string:
        raise TypeError(f"{what} must be a string tensor, got {t.dtype.name}")
    return t


def dense_row_splits(x):
    """The row splits [0, n, 2n, ...] (int64) of a dense tensor's rows along its last axis (the
    ragged form the *Splits ops take); Python ints where the shape is static."""
    dims = x.shape.as_list()
    shape = array_ops.shape(x, out_type=_dtypes.int64)
    rows = int(np.prod(dims[:-1], dtype=np.int64)) if None not in dims[:-1] else math_ops.reduce_prod(shape[:-1])
    width = dims[-1] if dims[-1] is not None else shape[-1]
    return array_ops.range(rows + 1, dtype=_dtypes.int64) * width, rows


# --------------------------------------------------------------------------------------------
# split
# --------------------------------------------------------------------------------------------

@register_op("StringSplitV2", shape=lambda op: [([None, 2], _dtypes.int64), ([None], _dtypes.string),
                                                ([2], _dtypes.int64)], num_outputs=3, **_REG)
def _string_split_v2(ctx, input, sep, maxsplit=-1):  # noqa: A002
    x = np.asarray(input, dtype=object)
    if x.ndim != 1:
        raise errors.InvalidArgumentError(None, None, f"input must be a vector, got shape: "
                                                      f"[{','.join(map(str, x.shape))}]")
    sep = _bytes(np.asarray(sep, dtype=object).reshape(()).item()) or None
    indices, values, width = [], [], 0
    for i, s in enumerate(x):
        tokens = _bytes(s).split(sep, maxsplit)
        indices += [(i, j) for j in range(len(tokens))]
        values += tokens
        width = max(width, len(tokens))
    return (np.array(indices, np.int64).reshape(-1, 2), _obj_array((len(values),), values),
            np.array([x.shape[0], width], np.int64))


def split(input=None, sep=None, maxsplit=-1, result_type="SparseTensor", source=None, name=None):  # noqa: A002
    """tf.strings.split (TF 1.15's v1, ragged_string_ops.strings_split_v1): the tokens of each string
    of `input` (`source` is its deprecated name) as a SparseTensor of rank input.rank + 1 (a scalar
    counts as a one-element vector)."""
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    if input is not None and source is not None:
        raise ValueError("Cannot specify both 'input' and 'source'")
    input = source if input is None else input  # noqa: A001
    if result_type == "RaggedTensor":
        raise NotImplementedError("tf.strings.split(result_type='RaggedTensor') returns a tf.RaggedTensor, which "
                                  "compat_tf does not implement; use result_type='SparseTensor'")
    if result_type != "SparseTensor":
        raise ValueError("result_type must be 'RaggedTensor' or 'SparseTensor'.")
    with _graph.name_scope(name, "StringSplit"):
        x = _string_tensor(input, "input")
        rank = x.shape.ndims
        if rank is None:
            raise NotImplementedError("tf.strings.split of a string tensor of unknown rank is not supported by "
                                      "compat_tf (its SparseTensor's rank would be unknown)")
        if rank == 0:       # TF1 splits a scalar as a one-element vector
            x, rank = array_ops.expand_dims(x, 0), 1
        d = _constant.convert_to_tensor("" if sep is None else sep, dtype=_dtypes.string, name="sep")
        flat = x if rank == 1 else array_ops.reshape(x, [-1])
        idx, values, shape = x.graph.create_op("StringSplitV2", [flat, d], {"maxsplit": int(maxsplit)},
                                               name="StringSplitV2").outputs
        if rank == 1:
            return SparseTensor(idx, values, shape)
        # the flat row number -> the input's coordinates (TF1: a ragged result's to_sparse())
        dims = array_ops.shape(x, out_type=_dtypes.int64)
        row, col = idx[:, 0], idx[:, 1:]
        coords = []
        for k in range(rank - 1, -1, -1):
            coords.append(math_ops.floormod(row, dims[k]))
            row = math_ops.floordiv(row, dims[k])
        coords = array_ops.stack(coords[::-1], axis=1)
        return SparseTensor(array_ops.concat([coords, col], 1), values,
                            array_ops.concat([dims, shape[1:]], 0))


# --------------------------------------------------------------------------------------------
# ngrams
# --------------------------------------------------------------------------------------------

def _pad_count(width, pad_width):
    return min(width - 1 if pad_width < 0 else pad_width, width - 1)


def _row_ngrams(row, widths, sep, left, right, pad_width, preserve_short):
    out = []
    for w in widths:
        p = _pad_count(w, pad_width)
        seq = [left] * p + list(row) + [right] * p
        out += [sep.join(seq[i:i + w]) for i in range(len(seq) - w + 1)]
    if preserve_short and not out and len(row):
        p = max(pad_width, 0)
        out.append(sep.join([left] * p + list(row) + [right] * p))
    return out


@register_op("StringNGrams", shape=lambda op: [([None], _dtypes.string), ([None], op.inputs[1].dtype.base_dtype)],
             num_outputs=2, **_REG)
def _string_ngrams(ctx, data, data_splits, separator=" ", ngram_widths=(), left_pad="", right_pad="",
                   pad_width=-1, preserve_short_sequences=False, Tsplits=None):
    data, splits = np.asarray(data, dtype=object).reshape(-1), np.asarray(data_splits).reshape(-1)
    sep, left, right = _bytes(separator), _bytes(left_pad), _bytes(right_pad)
    values, out_splits = [], [0]
    for a, b in zip(splits[:-1], splits[1:]):
        values += _row_ngrams([_bytes(v) for v in data[int(a):int(b)]], ngram_widths, sep, left, right, pad_width,
                              preserve_short_sequences)
        out_splits.append(len(values))
    return _obj_array((len(values),), values), np.asarray(out_splits, splits.dtype)


def ngrams(data, ngram_width, separator=" ", pad_values=None, padding_width=None, preserve_short_sequences=False,
           name=None):
    """tf.strings.ngrams of a dense string tensor: the n-grams (each width of `ngram_width`, in order)
    of each row along the last axis, joined by `separator`; `pad_values` (a string or a
    (left, right) pair) pads each side by padding_width (default width - 1) tokens."""
    if type(data).__name__.startswith("Ragged"):
        raise NotImplementedError("tf.strings.ngrams of a tf.RaggedTensor: compat_tf does not implement "
                                  "tf.RaggedTensor")
    widths = (int(ngram_width),) if np.ndim(ngram_width) == 0 else tuple(int(w) for w in ngram_width)
    if any(w < 1 for w in widths):
        raise ValueError(f"All ngram_widths must be greater than 0. Got {list(widths)}")
    if padding_width is not None and padding_width < 1:
        raise ValueError("padding_width must be greater than 0.")
    if padding_width is not None and pad_values is None:
        raise ValueError("pad_values must be provided if padding_width is set.")
    if pad_values is None:
        left = right = ""
        pad_width = 0
    else:
        left, right = (pad_values, pad_values) if isinstance(pad_values, (str, bytes)) else tuple(pad_values)
        pad_width = -1 if padding_width is None else int(padding_width)
    with _graph.name_scope(name, "StringNGrams") as scope:
        x = _string_tensor(data, "data")
        rank = x.shape.ndims
        if rank is None or rank == 0:
            raise ValueError("Rank of data must be known and at least 1.")
        length = x.shape.as_list()[-1]
        dims = array_ops.shape(x, out_type=_dtypes.int64)
        splits, rows = dense_row_splits(x)
        out, _ = x.graph.create_op("StringNGrams", [array_ops.reshape(x, [-1]), splits], {
            "separator": separator, "ngram_widths": widths, "left_pad": left, "right_pad": right,
            "pad_width": pad_width, "preserve_short_sequences": bool(preserve_short_sequences),
            "Tsplits": _dtypes.int64}, name=scope + "StringNGrams").outputs
        if length is None:
            rows = max(rows, 1) if isinstance(rows, int) else math_ops.maximum(rows, np.int64(1))
            count = math_ops.floordiv(array_ops.size(out, out_type=_dtypes.int64), rows)
        else:
            count = len(_row_ngrams(["x"] * length, widths, "", "", "", pad_width, preserve_short_sequences))
        result = array_ops.reshape(out, array_ops.concat([dims[:-1], [count]], 0))
        result.set_shape(x.shape[:-1].concatenate([count if length is not None else None]))
        return result


# --------------------------------------------------------------------------------------------
# unsorted_segment_join
# --------------------------------------------------------------------------------------------

def _segment_join_rule(op):
    from compat_tf._src.framework import shape_inference
    data, ids = op.inputs[0].shape, op.inputs[1].shape
    n = shape_inference.constant_value(op.inputs[2])
    if data.ndims is None or ids.ndims is None:
        return [(_ts.unknown_shape(), _dtypes.string)]
    return [(_ts.TensorShape([None if n is None else int(n)]).concatenate(data[ids.ndims:]), _dtypes.string)]


@register_op("UnsortedSegmentJoin", shape=_segment_join_rule, **_REG)
def _unsorted_segment_join(ctx, inputs, segment_ids, num_segments, separator="", Tindices=None, Tnumsegments=None):
    data, ids = np.asarray(inputs, dtype=object), np.asarray(segment_ids)
    n = int(static_ints(num_segments, "num_segments"))
    if data.shape[:ids.ndim] != ids.shape:
        raise errors.InvalidArgumentError(None, None, "segment_ids should be the same size as dimension 0 of input, "
                                                      f"got segment_ids {list(ids.shape)} and input {list(data.shape)}")
    inner = data.shape[ids.ndim:]
    parts = [[[] for _ in range(int(np.prod(inner, dtype=np.int64)))] for _ in range(n)]
    rows = data.reshape((-1,) + inner).reshape(ids.size, -1)
    for i, seg in enumerate(ids.reshape(-1)):
        if not 0 <= seg < n:
            raise errors.InvalidArgumentError(None, None, f"segment_ids[{i}] = {seg} is out of range [0, {n})")
        for j, v in enumerate(rows[i]):
            parts[seg][j].append(_bytes(v))
    sep = _bytes(separator)
    return _obj_array((n,) + inner, [sep.join(p) for seg in parts for p in seg])


def unsorted_segment_join(inputs, segment_ids, num_segments, separator="", name=None):
    """tf.strings.unsorted_segment_join: the strings of `inputs` whose leading coordinates have the same
    segment id joined (in input order) by `separator`; [num_segments] + inputs.shape[ids.rank:]."""
    x = _string_tensor(inputs, "inputs")
    with x.graph.as_default():
        ids = _constant.convert_to_tensor(segment_ids, name="segment_ids")
        n = _constant.convert_to_tensor(num_segments, name="num_segments")
    if not ids.dtype.is_integer or not n.dtype.is_integer:
        raise TypeError("segment_ids and num_segments must be int32 or int64")
    return x.graph.create_op("UnsortedSegmentJoin", [x, ids, n], {
        "separator": separator, "Tindices": ids.dtype.base_dtype, "Tnumsegments": n.dtype.base_dtype},
        name=name or "UnsortedSegmentJoin").outputs[0]
