"""TF1's summary ops: tf.summary.scalar / histogram / image / audio / text / tensor_summary / merge.

Mirrors tensorflow/python/summary/summary.py, python/ops/summary_op_util.py and the
kernels (summary_op.cc, summary_image_op.cc, summary_audio_op.cc, summary_tensor_op.cc,
lib/histogram/histogram.cc). Each op outputs a scalar string: a serialized `Summary`
protocol buffer. They are host ops (NumPy between jitted segments).

Naming as TF1: the op opens `name_scope(clean_tag(name))` (or `family/name`); the op is
named by that scope (uniquified: a second 'loss' gives op and tag 'loss_1') and the tag is
the scope without its trailing '/', so under name_scope('train') the tag is 'train/loss'.
The ops go to the collections given (default GraphKeys.SUMMARIES).
"""
import logging
import re
import struct

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops.image_ops import png_encode
from compat_tf._src.summary import protos as _pb

_REG = dict(host=True, differentiable=False)
_INVALID_TAG_CHARACTERS = re.compile(r"[^-/\w\.]")


def _scalar_string_rule(op):
    return [(_ts.TensorShape([]), _dtypes.string)]


def _bytes(v):
    v = v.item() if isinstance(v, np.ndarray) else v
    return v.encode() if isinstance(v, str) else bytes(v)


def _tag_of(ctx, tag):
    a = np.asarray(tag, dtype=object)
    if a.ndim != 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"tag must be scalar, got shape "
                                          f"[{','.join(map(str, a.shape))}]")
    return _bytes(a).decode("utf-8", "replace")


def _out(summary):
    return np.array(summary.SerializeToString(), dtype=object)


def _shape_str(shape):
    return "[" + ",".join(map(str, shape)) + "]"


# --------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------

@register_op("ScalarSummary", shape=_scalar_string_rule, **_REG)
def _scalar_summary(ctx, tags, values, T=None):
    tags = np.asarray(tags, dtype=object)
    values = np.asarray(values)
    if tags.shape != values.shape:
        single = f" (tag '{_bytes(tags).decode()}')" if tags.ndim == 0 else ""
        raise errors.InvalidArgumentError(None, ctx.op, f"tags and values not the same shape: "
                                          f"{_shape_str(tags.shape)} != {_shape_str(values.shape)}{single}")
    s = _pb.Summary()
    for t, v in zip(tags.reshape(-1), values.reshape(-1)):
        s.value.add(tag=_bytes(t).decode("utf-8", "replace"), simple_value=float(np.float32(v)))
    return _out(s)


def _default_bucket_limits():
    pos, v = [], 1.0e-12
    while v < 1.0e20:
        pos.append(v)
        v *= 1.1
    pos.append(np.finfo(np.float64).max)
    return np.array([-x for x in reversed(pos)] + [0.0] + pos, np.float64)


_BUCKET_LIMITS = _default_bucket_limits()


_SUM_CHUNK = 1 << 15


def _sequential_sum(v, square=False):
    """The left-to-right double sum of `v` (of its squares), rounded as TF's Histogram::Add loop
    rounds it: np.add.accumulate over cache-sized chunks, each starting from the sum so far (a
    whole-array cumsum gives the same bits at the cost of an array as large as `v`)."""
    buf = np.empty(min(v.size, _SUM_CHUNK) + 1, np.float64)
    total = 0.0
    for lo in range(0, v.size, _SUM_CHUNK):
        chunk = v[lo:lo + _SUM_CHUNK]
        n = chunk.size
        buf[0] = total
        if square:
            np.multiply(chunk, chunk, out=buf[1:n + 1])
        else:
            buf[1:n + 1] = chunk
        np.add.accumulate(buf[:n + 1], out=buf[:n + 1])
        total = buf[n]
    return float(total)


def histogram_proto(values):
    """TF's histogram::Histogram over `values` (doubles), encoded as EncodeToProto(.., false):
    default buckets (10% growth from 1e-12 to 1e20, mirrored, plus 0 and +-DBL_MAX); runs of
    empty buckets collapse into one entry with the run's last limit."""
    v = np.asarray(values, np.float64).reshape(-1)
    h = _pb.HistogramProto()
    if v.size:
        h.min, h.max, h.num = float(v.min()), float(v.max()), float(v.size)
        h.sum = _sequential_sum(v)                  # sequential double sums, as the C++ loop
        h.sum_squares = _sequential_sum(v, square=True)
    else:
        top = float(_BUCKET_LIMITS[-1])
        h.min, h.max, h.num, h.sum, h.sum_squares = top, -top, 0, 0, 0
    counts = np.bincount(np.searchsorted(_BUCKET_LIMITS, v, side="right"), minlength=len(_BUCKET_LIMITS))
    nz = np.flatnonzero(counts)
    limits, buckets = [], []
    prev = -1
    for i in nz:
        if i > prev + 1:                           # the run of empty buckets before i
            limits.append(_BUCKET_LIMITS[i - 1])
            buckets.append(0.0)
        limits.append(_BUCKET_LIMITS[i])
        buckets.append(float(counts[i]))
        prev = i
    if prev < len(_BUCKET_LIMITS) - 1:
        limits.append(_BUCKET_LIMITS[-1])
        buckets.append(0.0)
    h.bucket_limit.extend(float(x) for x in limits)
    h.bucket.extend(buckets)
    return h


@register_op("HistogramSummary", shape=_scalar_string_rule, **_REG)
def _histogram_summary(ctx, tag, values, T=None):
    tag = _tag_of(ctx, tag)
    v = np.asarray(values).astype(np.float64).reshape(-1)
    bad = ~np.isfinite(v)
    if bad.any():
        first = v[np.argmax(bad)]
        what = "Nan" if np.isnan(first) else "Infinity"
        raise errors.InvalidArgumentError(None, ctx.op, f"{what} in summary histogram for: {ctx.op.name}")
    s = _pb.Summary()
    s.value.add(tag=tag).histo.CopyFrom(histogram_proto(v))
    return _out(s)


def _normalize_image(img, bad_color):
    """TF's NormalizeFloatImage for one [hw, depth] float image: scale to uint8, bad pixels colored."""
    t = img.dtype.type
    f = img.astype(np.float32)
    finite = np.isfinite(f)
    fin = f[finite]
    lo = np.float32(fin.min()) if fin.size else np.float32(np.inf)
    hi = np.float32(fin.max()) if fin.size else np.float32(-np.inf)
    if lo < 0:
        max_val = max(abs(lo), abs(hi))
        scale = t(np.float32(0.0) if max_val < 1e-6 else np.float32(127.0) / max_val)
        offset = t(128.0)
    else:
        scale = t(np.float32(0.0) if hi < 1e-6 else np.float32(255.0) / hi)
        offset = t(0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        scaled = (img * scale + offset)
        out = np.where(finite, scaled, 0).astype(np.uint8)
    bad_px = ~finite.all(axis=1)
    out[bad_px] = bad_color[:img.shape[1]]
    return out


@register_op("ImageSummary", shape=_scalar_string_rule, **_REG)
def _image_summary(ctx, tag, tensor, max_images=3, T=None, bad_color=(255, 0, 0, 255)):
    tag = _tag_of(ctx, tag)
    x = np.asarray(tensor)
    if not (x.ndim == 4 and x.shape[3] in (1, 3, 4)):
        raise errors.InvalidArgumentError(None, ctx.op, f"Tensor must be 4-D with last dim 1, 3, or 4, not "
                                          f"{_shape_str(x.shape)}")
    batch, h, w, depth = x.shape
    if x.dtype != np.uint8 and len(bad_color) < depth:
        raise errors.InvalidArgumentError(None, ctx.op, f"expected depth <= bad_color.size, got depth = "
                                          f"{depth}, bad_color.size = {len(bad_color)}")
    bad = np.array(bad_color, np.uint8)
    s = _pb.Summary()
    for i in range(min(max_images, batch)):
        v = s.value.add(tag=f"{tag}/image/{i}" if max_images > 1 else f"{tag}/image")
        if x.dtype == np.uint8:
            img = x[i]
        else:
            img = _normalize_image(x[i].reshape(h * w, depth), bad).reshape(h, w, depth)
        v.image.height, v.image.width, v.image.colorspace = h, w, depth
        v.image.encoded_image_string = png_encode(img)
    return _out(s)


def _wav(samples, sample_rate):
    """TF's wav::EncodeAudioAsS16LEWav of float [frames, channels] samples."""
    frames, channels = samples.shape
    pcm = np.clip(np.round(samples.astype(np.float32) * np.float32(32768.0)), -32768, 32767)
    data = pcm.astype("<i2").tobytes()
    header = struct.pack("<4sI4s4sIHHIIHH4sI", b"RIFF", 36 + len(data), b"WAVE", b"fmt ", 16, 1, channels,
                         sample_rate, sample_rate * channels * 2, channels * 2, 16, b"data", len(data))
    return header + data


@register_op("AudioSummaryV2", shape=_scalar_string_rule, **_REG)
def _audio_summary(ctx, tag, tensor, sample_rate, max_outputs=3):
    tag = _tag_of(ctx, tag)
    x = np.asarray(tensor, np.float32)
    sr = np.asarray(sample_rate)
    if sr.ndim != 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"sample_rate must be rank-0, got shape "
                                          f"{_shape_str(sr.shape)}")
    sr = float(np.float32(sr))
    if not 2 <= x.ndim <= 3:
        raise errors.InvalidArgumentError(None, ctx.op,
                                          f"Tensor must be 3-D or 2-D, got: {_shape_str(x.shape)}")
    batch, frames = x.shape[:2]
    channels = 1 if x.ndim == 2 else x.shape[2]
    x = x.reshape(batch, frames, channels)
    rate = int(np.rint(np.float32(sr))) or 1
    s = _pb.Summary()
    for i in range(min(max_outputs, batch)):
        v = s.value.add(tag=f"{tag}/audio/{i}" if max_outputs > 1 else f"{tag}/audio")
        a = v.audio
        a.sample_rate, a.num_channels, a.length_frames, a.content_type = sr, channels, frames, "audio/wav"
        a.encoded_audio_string = _wav(x[i], rate)
    return _out(s)


def tensor_proto(value, dtype):
    """TF's Tensor::AsProtoField for strings, AsProtoTensorContent otherwise."""
    a = np.asarray(value)
    p = _pb.TensorProto(dtype=dtype.as_datatype_enum)
    for d in a.shape:
        p.tensor_shape.dim.add(size=int(d))
    if dtype.base_dtype == _dtypes.string:
        p.string_val.extend(_bytes(x) for x in a.reshape(-1))
    else:
        p.tensor_content = np.ascontiguousarray(a.astype(a.dtype.newbyteorder("<"))).tobytes()
    return p


@register_op("TensorSummaryV2", shape=_scalar_string_rule, **_REG)
def _tensor_summary(ctx, tag, tensor, serialized_summary_metadata, T=None):
    tag = _tag_of(ctx, tag)
    s = _pb.Summary()
    v = s.value.add(tag=tag)
    v.tensor.CopyFrom(tensor_proto(tensor, ctx.op.inputs[1].dtype))
    v.metadata.ParseFromString(_bytes(np.asarray(serialized_summary_metadata, dtype=object)))
    return _out(s)


@register_op("MergeSummary", shape=_scalar_string_rule, **_REG)
def _merge_summary(ctx, *inputs, N=None):
    s = _pb.Summary()
    seen = set()
    for x in inputs:
        for item in np.asarray(x, dtype=object).reshape(-1):
            part = _pb.Summary()
            try:
                part.ParseFromString(_bytes(item))
            except Exception:  # noqa: BLE001 - protobuf's DecodeError
                raise errors.InvalidArgumentError(None, ctx.op, "Could not parse one of the summary inputs") \
                    from None
            for v in part.value:
                if v.tag and v.tag in seen:
                    raise errors.InvalidArgumentError(None, ctx.op, f"Duplicate tag {v.tag} found in summary "
                                                      "inputs")
                seen.add(v.tag)
                s.value.add().CopyFrom(v)
    return _out(s)


# --------------------------------------------------------------------------------------------
# Python API
# --------------------------------------------------------------------------------------------

def clean_tag(name):
    """TF1's summary_op_util.clean_tag: characters outside [-/\\w.] become '_', leading '/' dropped."""
    if name is not None:
        new_name = _INVALID_TAG_CHARACTERS.sub("_", name).lstrip("/")
        if new_name != name:
            logging.getLogger("tensorflow").info("Summary name %s is illegal; using %s instead.",
                                                 name, new_name)
            name = new_name
    return name


class _SummaryScope:
    def __init__(self, name, family=None, default_name=None, values=None):
        name, family = clean_tag(name), clean_tag(family)
        self._base = name if family is None else f"{family}/{name}"
        self._family, self._default, self._values = family, default_name, values

    def __enter__(self):
        self._cm = _graph.name_scope(self._base, self._default, self._values)
        scope = self._cm.__enter__()
        tag = scope.rstrip("/")
        if self._family is not None:
            tag = f"{self._family}/{tag}"
        return tag, scope

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


def summary_scope(name, family=None, default_name=None, values=None):
    """TF1's summary_op_util.summary_scope: yields (tag, scope)."""
    return _SummaryScope(name, family, default_name, values)


def _collect(val, collections, default_collections):
    for key in (default_collections if collections is None else collections):
        _graph.add_to_collection(key, val)


def _summary_op(op_type, scope, named_inputs, attrs=None):
    """Creates the summary op in `scope`: string inputs become Consts named after the input."""
    g = _graph.get_default_graph()
    ins = []
    for arg, value, dtype in named_inputs:
        ins.append(_constant.convert_to_tensor(value, dtype=dtype, name=arg))
    return g.create_op(op_type, ins, attrs or {}, name=scope).outputs[0]


def _real_tensor(tensor, what, name="values"):
    t = _constant.convert_to_tensor(tensor, name=name)
    dt = t.dtype.base_dtype
    if not (dt.is_floating or dt.is_integer):
        raise TypeError(f"{what}: Value passed to parameter '{name}' has DataType {dt.name} not in list of "
                        "allowed values: real number types")
    return t


def scalar(name, tensor, collections=None, family=None):
    """tf.summary.scalar (op ScalarSummary): a Summary with one simple_value (float32)."""
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        t = _real_tensor(tensor, "ScalarSummary")
        val = _summary_op("ScalarSummary", scope, [("tags", tag, _dtypes.string), ("values", t, None)],
                          {"T": t.dtype.base_dtype})
        _collect(val, collections, [_graph.GraphKeys.SUMMARIES])
    return val


def histogram(name, values, collections=None, family=None):
    """tf.summary.histogram (op HistogramSummary): TF's default-bucket histogram of all values."""
    with summary_scope(name, family, values=[values], default_name="HistogramSummary") as (tag, scope):
        t = _real_tensor(values, "HistogramSummary")
        val = _summary_op("HistogramSummary", scope, [("tag", tag, _dtypes.string), ("values", t, None)],
                          {"T": t.dtype.base_dtype})
        _collect(val, collections, [_graph.GraphKeys.SUMMARIES])
    return val


def image(name, tensor, max_outputs=3, collections=None, family=None):
    """tf.summary.image (op ImageSummary): PNGs of the first max_outputs images of a
    [batch, height, width, 1|3|4] tensor; uint8 as is, floats rescaled per image as TF1
    (all >= 0: x * 255/max; else x * 127/max|x| + 128). Tags 'tag/image/i' (max_outputs > 1)
    or 'tag/image'."""
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        t = _constant.convert_to_tensor(tensor, name="tensor")
        if t.dtype.base_dtype not in (_dtypes.uint8, _dtypes.float32, _dtypes.float16, _dtypes.float64):
            raise TypeError(f"ImageSummary: Value passed to parameter 'tensor' has DataType {t.dtype.name} "
                            "not in list of allowed values: uint8, float32, float16, float64")
        val = _summary_op("ImageSummary", scope, [("tag", tag, _dtypes.string), ("tensor", t, None)],
                          {"max_images": int(max_outputs), "T": t.dtype.base_dtype,
                           "bad_color": (255, 0, 0, 255)})
        _collect(val, collections, [_graph.GraphKeys.SUMMARIES])
    return val


def audio(name, tensor, sample_rate, max_outputs=3, collections=None, family=None):
    """tf.summary.audio (op AudioSummaryV2): 16-bit PCM WAVs of float32 [batch, frames(, channels)]
    audio in [-1, 1]. Tags 'tag/audio/i' (max_outputs > 1) or 'tag/audio'."""
    with summary_scope(name, family=family, values=[tensor]) as (tag, scope):
        sr = _constant.convert_to_tensor(sample_rate, dtype=_dtypes.float32, name="sample_rate")
        t = _constant.convert_to_tensor(tensor, dtype=_dtypes.float32, name="tensor")
        val = _summary_op("AudioSummaryV2", scope, [("tag", tag, _dtypes.string), ("tensor", t, None),
                                                    ("sample_rate", sr, None)],
                          {"max_outputs": int(max_outputs)})
        _collect(val, collections, [_graph.GraphKeys.SUMMARIES])
    return val


def tensor_summary(name, tensor, summary_description=None, collections=None, summary_metadata=None,
                   family=None, display_name=None):
    """tf.summary.tensor_summary (op TensorSummaryV2): the whole tensor as a TensorProto."""
    if summary_metadata is None:
        summary_metadata = _pb.SummaryMetadata()
    else:
        md = _pb.SummaryMetadata()
        md.ParseFromString(summary_metadata.SerializeToString())
        summary_metadata = md
    if summary_description is not None:
        summary_metadata.summary_description = summary_description
    if display_name is not None:
        summary_metadata.display_name = display_name
    serialized = summary_metadata.SerializeToString()
    with summary_scope(name, family, values=[tensor]) as (tag, scope):
        t = _constant.convert_to_tensor(tensor, name="tensor")
        val = _summary_op("TensorSummaryV2", scope,
                          [("tag", tag, _dtypes.string), ("tensor", t, None),
                           ("serialized_summary_metadata", serialized, _dtypes.string)],
                          {"T": t.dtype.base_dtype})
        _collect(val, collections, [_graph.GraphKeys.SUMMARIES])
    return val


def text(name, tensor, collections=None):
    """tf.summary.text: a string tensor as a tensor summary for TensorBoard's 'text' plugin."""
    t = _constant.convert_to_tensor(tensor)
    if t.dtype.base_dtype != _dtypes.string:
        raise ValueError(f"Expected tensor {t.name} to have dtype string, got {t.dtype}")
    md = _pb.SummaryMetadata(plugin_data=_pb.SummaryMetadata.PluginData(plugin_name="text"))
    return tensor_summary(name=name, tensor=t, summary_metadata=md, collections=collections)


def merge(inputs, collections=None, name=None):
    """tf.summary.merge (op MergeSummary): the union of the summaries' values; duplicate tags are an
    InvalidArgumentError at run time. Added only to `collections` (default none)."""
    name = clean_tag(name)
    inputs = [_constant.convert_to_tensor(x, dtype=_dtypes.string) for x in inputs]
    with _graph.name_scope(name, "Merge", inputs):
        g = _graph.get_default_graph()
        val = g.create_op("MergeSummary", inputs, {"N": len(inputs)}, name=name or "MergeSummary").outputs[0]
        _collect(val, collections, [])
    return val


def merge_all(key=_graph.GraphKeys.SUMMARIES, scope=None, name=None):
    """tf.summary.merge_all: merge() of the collection `key` (filtered by `scope`); None if empty."""
    summary_ops = _graph.get_collection(key, scope=scope)
    if not summary_ops:
        return None
    return merge(summary_ops, name=name)


def get_summary_description(node_def):
    """tf.summary.get_summary_description: the SummaryDescription (JSON attr 'description') of a
    TensorSummary node."""
    from google.protobuf import json_format
    op = node_def.op if hasattr(node_def, "op") else node_def["op"]
    if op != "TensorSummary":
        raise ValueError(f"Can't get_summary_description on {op}")
    attr = node_def.attr["description"]
    desc = attr.s if hasattr(attr, "s") else attr
    desc = desc.decode() if isinstance(desc, bytes) else str(desc)
    out = _pb.SummaryDescription()
    json_format.Parse(desc, out)
    return out
