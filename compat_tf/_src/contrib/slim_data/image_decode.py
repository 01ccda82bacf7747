"""The decoding step of slim.tfexample_decoder.Image as one host op, `_SlimDecodeImage`.

TF 1.15 builds `tf.case` over the record's format (decode_raw for "raw"/"RAW") with a `tf.cond`
inside (decode_jpeg with `dct_method` when tf.image.is_jpeg, else decode_image), then casts to the
handler's dtype; with `repeated`, a `tf.map_fn` of that over a vector of encoded images.
compat_tf's tf.cond / tf.map_fn cannot hold host ops (the codecs are NumPy/Pillow code between
jitted segments), so the same dispatch runs on the host in one op, calling the very lowerings of
DecodeRaw, DecodeJpeg and DecodeImage (same results and InvalidArgumentErrors); the graph has one
node where TF's has the case/cond subgraph (a GraphDef export of it does not load in TF).
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor
from compat_tf._src.ops import image_ops, parsing_ops

__all__ = ["decode_image_or_raw"]

_JPEG_MAGIC = b"\xff\xd8\xff"


def _shape_rule(op):
    image = _ts.TensorShape([None, None, op.get_attr("channels")])
    if op.get_attr("repeated"):
        return [(op.inputs[0].shape[:1].concatenate(image), op.get_attr("dtype"))]
    return [(image, op.get_attr("dtype"))]


def _decode_one(ctx, buffer, is_raw, channels, dtype, dct_method):
    if is_raw:
        return parsing_ops._decode_raw_np(ctx, buffer, out_type=dtype)
    data = image_ops._scalar_bytes(ctx, buffer)
    if data[:3] == _JPEG_MAGIC:
        image = image_ops._decode_jpeg(ctx, buffer, channels=channels, dct_method=dct_method)
    else:
        image = image_ops._decode_image(ctx, buffer, channels=channels)
    return np.asarray(image).astype(dtype.as_numpy_dtype)


@register_op("_SlimDecodeImage", shape=_shape_rule, host=True, differentiable=False)
def _slim_decode_image(ctx, image_buffer, image_format, channels=3, dtype=_dtypes.uint8, dct_method="",
                       repeated=False):
    fmt = np.asarray(image_format, dtype=object)
    if fmt.ndim != 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"image format must be a scalar string, got shape "
                                          f"{list(fmt.shape)}")
    fmt = fmt.item()
    is_raw = (fmt.encode() if isinstance(fmt, str) else bytes(fmt)) in (b"raw", b"RAW")
    if not repeated:
        return _decode_one(ctx, image_buffer, is_raw, channels, dtype, dct_method)
    buffers = np.asarray(image_buffer, dtype=object)
    images = [_decode_one(ctx, np.asarray(b, dtype=object), is_raw, channels, dtype, dct_method)
              for b in buffers.reshape(-1)]
    if not images:
        return np.zeros((0, 0, 0, channels), dtype.as_numpy_dtype)
    if any(im.shape != images[0].shape for im in images):
        raise errors.InvalidArgumentError(
            None, ctx.op, "TensorArray has inconsistent shapes: decoded images of shapes "
            f"{sorted({im.shape for im in images})} cannot be stacked (tf.map_fn over the repeated images)")
    return np.stack(images)


def decode_image_or_raw(image_buffer, image_format, channels=3, dtype=_dtypes.uint8, dct_method="",
                        repeated=False, name=None):
    """The decoded image of `image_buffer` (raw bytes of `dtype` when `image_format` is "raw"/"RAW",
    else JPEG/PNG/GIF/BMP by their first bytes, cast to `dtype`); a stack of them if `repeated`."""
    dtype = _dtypes.as_dtype(dtype).base_dtype
    image_buffer = _constant.convert_to_tensor(image_buffer, dtype=_dtypes.string)
    image_format = _constant.convert_to_tensor(image_format, dtype=_dtypes.string)
    if dtype not in parsing_ops._DECODE_RAW_TYPES:
        # TF builds DecodeRaw(out_type=dtype) in the "raw" branch, which refuses other types
        raise TypeError(f"Value passed to parameter 'out_type' has DataType {dtype.name} not in list of "
                        "allowed values: float16, float32, float64, int32, uint16, uint8, int16, int8, int64")
    attrs = {"channels": int(channels), "dtype": dtype, "dct_method": dct_method or "",
             "repeated": bool(repeated)}
    return make_tensor("_SlimDecodeImage", [image_buffer, image_format], attrs, name=name or "decode_image")
