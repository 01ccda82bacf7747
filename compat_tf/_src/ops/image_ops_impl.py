"""TF1's tf.image geometry and colour ops (resize, crop/pad, flips, colour adjustments, NMS).

Mirrors tensorflow/python/ops/image_ops_impl.py (TF 1.15) for the composite functions and the CPU
kernels for the op types (ResizeBilinear, ResizeNearestNeighbor, ResizeBicubic, RGBToHSV, HSVToRGB,
AdjustContrastv2, AdjustSaturation, AdjustHue, NonMaxSuppressionV3):
- resize sampling: legacy (align_corners=False, half_pixel_centers=False) maps output pixel i to
  input i * in/out; align_corners to i * (in-1)/(out-1); half_pixel_centers to (i+0.5)*scale-0.5.
  Bilinear/bicubic give float32; nearest keeps the dtype. Bicubic uses TF's 1024-entry Keys table
  (a=-0.75 legacy, a=-0.5 with renormalised border weights for half_pixel_centers).
- random ops (random_flip_*, random_brightness, ...) draw from compat_tf's RNG (seeded op-by-op as
  tf.set_random_seed/seed= say), so their draws differ from TensorFlow's.
Area resizing, boxes, quality metrics and colour spaces live in image_boxes_ops.py and
image_quality_ops.py. Not implemented: preserve_aspect_ratio=True, extract_glimpse,
non_max_suppression_padded, combined_non_max_suppression.
"""
import numpy as np

import jax.numpy as jnp

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.shape_inference import constant_value as _constant_value
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, random_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor, static_ints

__all__ = []  # tf.image.* only (compat_tf/image.py)


def _g():
    return _graph.get_default_graph()


def _convert(x, dtype=None, name=None):
    return _constant.convert_to_tensor(x, dtype=dtype, name=name)


def _is_tensor(x):
    return hasattr(x, "op") and hasattr(x, "dtype")


class ResizeMethod:
    """tf.image.ResizeMethod (TF1's ResizeMethodV1)."""
    BILINEAR = 0
    NEAREST_NEIGHBOR = 1
    BICUBIC = 2
    AREA = 3


# --------------------------------------------------------------------------------------------
# resize kernels
# --------------------------------------------------------------------------------------------

def _resize_scale(in_size, out_size, align_corners):
    if align_corners and out_size > 1:
        return np.float32(in_size - 1) / np.float32(out_size - 1)
    return np.float32(in_size) / np.float32(out_size)


def _out_size(size):
    out_h, out_w = (int(v) for v in static_ints(size, "size"))
    if out_h <= 0 or out_w <= 0:
        raise ValueError(f"output dimensions must be positive, got size={[out_h, out_w]}")
    return out_h, out_w


def _bilinear_axis(in_size, out_size, align_corners, half_pixel_centers):
    scale = _resize_scale(in_size, out_size, align_corners)
    idx = np.arange(out_size, dtype=np.float32)
    src = ((idx + np.float32(0.5)) * scale - np.float32(0.5)) if half_pixel_centers else idx * scale
    src = src.astype(np.float32)
    floor = np.floor(src)
    lower = np.maximum(floor.astype(np.int64), 0)
    upper = np.minimum(np.ceil(src).astype(np.int64), in_size - 1)
    return lower, upper, (src - floor).astype(np.float32)


@register_op("ResizeBilinear")
def _resize_bilinear_op(images, size, align_corners=False, half_pixel_centers=False, T=None):
    _, in_h, in_w, _ = images.shape
    out_h, out_w = _out_size(size)
    x = images.astype(jnp.float32)
    y0, y1, ly = _bilinear_axis(in_h, out_h, align_corners, half_pixel_centers)
    x0, x1, lx = _bilinear_axis(in_w, out_w, align_corners, half_pixel_centers)
    lx = jnp.asarray(lx)[None, None, :, None]
    ly = jnp.asarray(ly)[None, :, None, None]
    top, bottom = x[:, y0], x[:, y1]
    top_left, top_right = top[:, :, x0], top[:, :, x1]
    bottom_left, bottom_right = bottom[:, :, x0], bottom[:, :, x1]
    top = top_left + (top_right - top_left) * lx
    bottom = bottom_left + (bottom_right - bottom_left) * lx
    return top + (bottom - top) * ly


def _nearest_axis(in_size, out_size, align_corners, half_pixel_centers):
    scale = _resize_scale(in_size, out_size, align_corners)
    idx = np.arange(out_size, dtype=np.float32)
    src = ((idx + np.float32(0.5)) * scale) if half_pixel_centers else idx * scale
    src = src.astype(np.float32)
    # roundf: half away from zero
    pos = np.floor(src + np.float32(0.5)) if align_corners else np.floor(src)
    pos = np.minimum(pos.astype(np.int64), in_size - 1)
    return np.maximum(pos, 0) if half_pixel_centers else pos


@register_op("ResizeNearestNeighbor")
def _resize_nearest_op(images, size, align_corners=False, half_pixel_centers=False, T=None):
    _, in_h, in_w, _ = images.shape
    out_h, out_w = _out_size(size)
    ys = _nearest_axis(in_h, out_h, align_corners, half_pixel_centers)
    xs = _nearest_axis(in_w, out_w, align_corners, half_pixel_centers)
    return images[:, ys][:, :, xs]


_CUBIC_TABLE_SIZE = 1024


def _cubic_table(a):
    i = np.arange(_CUBIC_TABLE_SIZE + 1)
    x = (i * 1.0 / _CUBIC_TABLE_SIZE).astype(np.float32).astype(np.float64)
    t0 = (((a + 2) * x - (a + 3)) * x * x + 1).astype(np.float32)
    x1 = (x.astype(np.float32) + np.float32(1.0)).astype(np.float64)
    t1 = (((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a).astype(np.float32)
    return t0, t1


def _bicubic_axis(in_size, out_size, align_corners, half_pixel_centers):
    scale = _resize_scale(in_size, out_size, align_corners)
    idx = np.arange(out_size, dtype=np.float32)
    src = (((idx + np.float32(0.5)) * scale - np.float32(0.5)) if half_pixel_centers else idx * scale)
    src = src.astype(np.float32)
    in_loc = np.floor(src).astype(np.int64)
    delta = (src - in_loc.astype(np.float32)).astype(np.float32)
    offset = np.rint(delta * np.float32(_CUBIC_TABLE_SIZE)).astype(np.int64)
    t0, t1 = _cubic_table(-0.5 if half_pixel_centers else -0.75)
    weights = np.stack([t1[offset], t0[offset], t0[_CUBIC_TABLE_SIZE - offset],
                        t1[_CUBIC_TABLE_SIZE - offset]]).astype(np.float32)
    raw = np.stack([in_loc - 1, in_loc, in_loc + 1, in_loc + 2])
    indices = np.clip(raw, 0, in_size - 1)
    if half_pixel_centers:
        weights = np.where(indices == raw, weights, np.float32(0)).astype(np.float32)
        total = weights[0] + weights[1] + weights[2] + weights[3]
        ok = np.abs(total) >= np.float32(1000.0) * np.finfo(np.float32).tiny
        weights = np.where(ok, weights * (np.float32(1) / np.where(ok, total, 1)).astype(np.float32), weights)
    return indices, weights.astype(np.float32)


@register_op("ResizeBicubic")
def _resize_bicubic_op(images, size, align_corners=False, half_pixel_centers=False, T=None):
    _, in_h, in_w, _ = images.shape
    out_h, out_w = _out_size(size)
    x = images.astype(jnp.float32)
    yi, yw = _bicubic_axis(in_h, out_h, align_corners, half_pixel_centers)
    xi, xw = _bicubic_axis(in_w, out_w, align_corners, half_pixel_centers)
    # TF's CPU kernel interpolates along y first (per input column), then along x
    wy = [jnp.asarray(yw[j])[None, :, None, None] for j in range(4)]
    cols = x[:, yi[0]] * wy[0] + x[:, yi[1]] * wy[1] + x[:, yi[2]] * wy[2] + x[:, yi[3]] * wy[3]
    wx = [jnp.asarray(xw[j])[None, None, :, None] for j in range(4)]
    return cols[:, :, xi[0]] * wx[0] + cols[:, :, xi[1]] * wx[1] + cols[:, :, xi[2]] * wx[2] + cols[:, :, xi[3]] * wx[3]


def _resize_builder(op_type, default_name):
    def fn(images, size, align_corners=False, name=None, half_pixel_centers=False):
        images = _convert(images)
        if images.shape.ndims is not None and images.shape.ndims != 4:
            raise ValueError(f"{op_type}: images must be 4-D [batch, height, width, channels], got shape "
                             f"{images.shape}")
        size = _convert(size, dtype=_dtypes.int32)
        return make_tensor(op_type, [images, size], {"align_corners": bool(align_corners),
                                                      "half_pixel_centers": bool(half_pixel_centers),
                                                      "T": images.dtype.base_dtype},
                           name=name or default_name)
    return fn


resize_bilinear = _resize_builder("ResizeBilinear", "ResizeBilinear")
resize_bilinear.__doc__ = "tf.image.resize_bilinear (op ResizeBilinear; float32 result)."
resize_nearest_neighbor = _resize_builder("ResizeNearestNeighbor", "ResizeNearestNeighbor")
resize_nearest_neighbor.__doc__ = "tf.image.resize_nearest_neighbor (op ResizeNearestNeighbor; keeps the dtype)."
resize_bicubic = _resize_builder("ResizeBicubic", "ResizeBicubic")
resize_bicubic.__doc__ = "tf.image.resize_bicubic (op ResizeBicubic; float32 result)."


def resize_images(images, size, method=ResizeMethod.BILINEAR, align_corners=False, preserve_aspect_ratio=False,
                  name=None):
    """tf.image.resize_images (TF1, alias tf.image.resize): 3-D or 4-D images to `size` [h, w]; the
    images are returned as they are when the static size already matches."""
    if preserve_aspect_ratio:
        raise NotImplementedError("tf.image.resize_images(preserve_aspect_ratio=True) is not supported by compat_tf")
    fns = {ResizeMethod.BILINEAR: resize_bilinear, ResizeMethod.NEAREST_NEIGHBOR: resize_nearest_neighbor,
           ResizeMethod.BICUBIC: resize_bicubic}
    if method == ResizeMethod.AREA:
        from compat_tf._src.ops.image_boxes_ops import resize_area
        fns[ResizeMethod.AREA] = resize_area
    if method not in fns:
        raise ValueError("Resize method is not implemented: {}".format(method))
    with _g().name_scope(name or "resize"):
        images = _convert(images, name="images")
        if images.shape.ndims is None:
            raise ValueError("'images' contains no shape.")
        is_batch = True
        if images.shape.ndims == 3:
            is_batch = False
            images = array_ops.expand_dims(images, 0)
        elif images.shape.ndims != 4:
            raise ValueError("'images' must have either 3 or 4 dimensions.")
        _, height, width, _ = images.shape.as_list()
        size = _convert(size, dtype=_dtypes.int32, name="size")
        if not size.shape.is_compatible_with([2]):
            raise ValueError("'size' must be a 1-D Tensor of 2 elements: new_height, new_width")
        const = _constant_value(size)
        new_h, new_w = (None, None) if const is None else (int(const[0]), int(const[1]))
        if None not in (new_h, new_w, height, width) and (height, width) == (new_h, new_w):
            return images if is_batch else array_ops.squeeze(images, axis=[0])
        images = fns[method](images, size, align_corners=align_corners)
        if not is_batch:
            images = array_ops.squeeze(images, axis=[0])
        return images


# --------------------------------------------------------------------------------------------
# crop / pad / flip / rotate
# --------------------------------------------------------------------------------------------

def _assert(cond, ex_type, msg):
    if _is_tensor(cond):
        from compat_tf._src.ops.check_ops import Assert
        return [Assert(cond, [msg])]
    if not cond:
        raise ex_type(msg)
    return []


def _image_dims(image, rank):
    """Static dims where known, else scalar tensors from tf.shape (TF1's _ImageDimensions)."""
    static = image.shape.with_rank(rank).as_list()
    if all(d is not None for d in static):
        return static
    dyn = array_ops.shape(image)
    return [s if s is not None else dyn[i] for i, s in enumerate(static)]


def _as_batch(image, fn_name):
    image = _convert(image, name="image")
    nd = image.shape.ndims
    if nd == 3:
        return array_ops.expand_dims(image, 0), False
    if nd is None:
        raise NotImplementedError(f"tf.image.{fn_name} on an image of unknown rank is not supported by compat_tf")
    if nd != 4:
        raise ValueError("'image' must have either 3 or 4 dimensions.")
    return image, True


def _with_deps(deps, t):
    return control_flow_ops.with_dependencies(deps, t) if deps else t


def _static_or_tensor(v):
    if _is_tensor(v):
        c = _constant_value(v)
        return int(c) if c is not None else v
    return v


def crop_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """tf.image.crop_to_bounding_box: image[offset_h:offset_h+target_h, offset_w:offset_w+target_w]."""
    with _g().name_scope("crop_to_bounding_box"):
        image, is_batch = _as_batch(image, "crop_to_bounding_box")
        batch, height, width, depth = _image_dims(image, 4)
        offset_height, offset_width, target_height, target_width = (
            _static_or_tensor(v) for v in (offset_height, offset_width, target_height, target_width))
        deps = (_assert(offset_width >= 0, ValueError, "offset_width must be >= 0.")
                + _assert(offset_height >= 0, ValueError, "offset_height must be >= 0.")
                + _assert(target_width > 0, ValueError, "target_width must be > 0.")
                + _assert(target_height > 0, ValueError, "target_height must be > 0.")
                + _assert(width >= (target_width + offset_width), ValueError, "width must be >= target + offset.")
                + _assert(height >= (target_height + offset_height), ValueError,
                          "height must be >= target + offset."))
        image = _with_deps(deps, image)
        cropped = array_ops.slice(image, array_ops.stack([0, offset_height, offset_width, 0]),
                                  array_ops.stack([-1, target_height, target_width, -1]))
        cropped.set_shape([None if _is_tensor(i) else i for i in (batch, target_height, target_width, depth)])
        return cropped if is_batch else array_ops.squeeze(cropped, axis=[0])


def pad_to_bounding_box(image, offset_height, offset_width, target_height, target_width):
    """tf.image.pad_to_bounding_box: zero-pads to [target_height, target_width] with the image at the offset."""
    with _g().name_scope("pad_to_bounding_box"):
        image, is_batch = _as_batch(image, "pad_to_bounding_box")
        batch, height, width, depth = _image_dims(image, 4)
        offset_height, offset_width, target_height, target_width = (
            _static_or_tensor(v) for v in (offset_height, offset_width, target_height, target_width))
        after_w = target_width - offset_width - width
        after_h = target_height - offset_height - height
        deps = (_assert(offset_height >= 0, ValueError, "offset_height must be >= 0")
                + _assert(offset_width >= 0, ValueError, "offset_width must be >= 0")
                + _assert(after_w >= 0, ValueError, "width must be <= target - offset")
                + _assert(after_h >= 0, ValueError, "height must be <= target - offset"))
        image = _with_deps(deps, image)
        paddings = array_ops.reshape(array_ops.stack([0, 0, offset_height, after_h, offset_width, after_w, 0, 0]),
                                     [4, 2])
        padded = array_ops.pad(image, paddings)
        padded.set_shape([None if _is_tensor(i) else i for i in (batch, target_height, target_width, depth)])
        return padded if is_batch else array_ops.squeeze(padded, axis=[0])


def resize_image_with_crop_or_pad(image, target_height, target_width):
    """tf.image.resize_image_with_crop_or_pad (alias resize_with_crop_or_pad): centrally crops and/or
    zero-pads to the target size (TF1's offsets: crop (in - target) // 2, pad (target - in) // 2)."""
    with _g().name_scope("resize_image_with_crop_or_pad"):
        image = _convert(image, name="image")
        if image.shape.ndims not in (3, 4):
            raise ValueError("'image' must have either 3 or 4 dimensions.")
        target_height, target_width = _static_or_tensor(target_height), _static_or_tensor(target_width)
        deps = (_assert(target_width > 0, ValueError, "target_width must be > 0.")
                + _assert(target_height > 0, ValueError, "target_height must be > 0."))
        image = _with_deps(deps, image)
        dims = _image_dims(image, image.shape.ndims)
        height, width = dims[-3], dims[-2]

        def max_(x, y):
            return math_ops.maximum(x, y) if _is_tensor(x) or _is_tensor(y) else max(x, y)

        def min_(x, y):
            return math_ops.minimum(x, y) if _is_tensor(x) or _is_tensor(y) else min(x, y)

        width_diff = target_width - width
        height_diff = target_height - height
        cropped = crop_to_bounding_box(image, max_(-height_diff // 2, 0), max_(-width_diff // 2, 0),
                                       min_(target_height, height), min_(target_width, width))
        return pad_to_bounding_box(cropped, max_(height_diff // 2, 0), max_(width_diff // 2, 0),
                                   target_height, target_width)


def central_crop(image, central_fraction):
    """tf.image.central_crop: keeps the central `central_fraction` of height and width (offsets
    int((h - h * fraction) / 2), as TF 1.15; `central_fraction` must be a Python number)."""
    with _g().name_scope("central_crop"):
        image = _convert(image, name="image")
        if central_fraction <= 0.0 or central_fraction > 1.0:
            raise ValueError("central_fraction must be within (0, 1]")
        if central_fraction == 1.0:
            return image
        if image.shape.ndims not in (3, 4):
            raise ValueError("'image' must have either 3 or 4 dimensions.")
        rank = image.shape.ndims
        dims = _image_dims(image, rank)
        img_h, img_w = dims[-3], dims[-2]
        def start(dim):
            if _is_tensor(dim):
                d = math_ops.cast(dim, _dtypes.float64)
                return math_ops.cast((d - d * central_fraction) / 2, _dtypes.int32)
            return int((float(dim) - float(dim) * central_fraction) / 2)

        h_start, w_start = start(img_h), start(img_w)
        h_size = img_h - h_start * 2
        w_size = img_w - w_start * 2
        if rank == 3:
            begin, size = array_ops.stack([h_start, w_start, 0]), array_ops.stack([h_size, w_size, -1])
        else:
            begin, size = array_ops.stack([0, h_start, w_start, 0]), array_ops.stack([-1, h_size, w_size, -1])
        out = array_ops.slice(image, begin, size)
        static = [None if _is_tensor(v) else v for v in (h_size, w_size)]
        out.set_shape(([dims[0]] if rank == 4 and not _is_tensor(dims[0]) else [None] * (rank - 3))
                      + static + [image.shape.as_list()[-1]])
        return out


def _flip(image, axis3, scope):
    with _g().name_scope(scope):
        image = _convert(image, name="image")
        nd = image.shape.ndims
        if nd not in (3, 4):
            raise ValueError("'image' must have either 3 or 4 dimensions." if nd is not None
                             else "'image' (shape <unknown>) must be at least three-dimensional.")
        return array_ops.reverse(image, [axis3 + (nd - 3)])


def flip_left_right(image):
    """tf.image.flip_left_right: reverses the width axis (3-D or 4-D images)."""
    return _flip(image, 1, "flip_left_right")


def flip_up_down(image):
    """tf.image.flip_up_down: reverses the height axis (3-D or 4-D images)."""
    return _flip(image, 0, "flip_up_down")


def _random_flip(image, axis3, seed, scope):
    with _g().name_scope(scope):
        image = _convert(image, name="image")
        nd = image.shape.ndims
        if nd == 3:
            u = random_ops.random_uniform([], 0, 1.0, seed=seed)
            return control_flow_ops.cond(math_ops.less(u, 0.5), lambda: array_ops.reverse(image, [axis3]),
                                         lambda: image)
        if nd == 4:
            batch_size = array_ops.shape(image)[0]
            u = random_ops.random_uniform(array_ops.stack([batch_size]), 0, 1.0, seed=seed)
            flips = math_ops.cast(math_ops.round(array_ops.reshape(u, array_ops.stack([batch_size, 1, 1, 1]))),
                                  image.dtype)
            flipped = array_ops.reverse(image, [axis3 + 1])
            return flips * flipped + (1 - flips) * image
        raise ValueError("'image' must have either 3 or 4 dimensions.")


def random_flip_left_right(image, seed=None):
    """tf.image.random_flip_left_right: flips with probability 1/2 (each image of a batch independently)."""
    return _random_flip(image, 1, seed, "random_flip_left_right")


def random_flip_up_down(image, seed=None):
    """tf.image.random_flip_up_down: flips with probability 1/2 (each image of a batch independently)."""
    return _random_flip(image, 0, seed, "random_flip_up_down")


def transpose_image(image, name=None):
    """tf.image.transpose_image (alias tf.image.transpose): swaps height and width."""
    with _g().name_scope(name or "transpose"):
        image = _convert(image, name="image")
        nd = image.shape.ndims
        if nd == 3:
            return array_ops.transpose(image, [1, 0, 2], name=name)
        if nd == 4:
            return array_ops.transpose(image, [0, 2, 1, 3], name=name)
        raise ValueError("'image' must have either 3 or 4 dimensions.")


def rot90(image, k=1, name=None):
    """tf.image.rot90: rotates counter-clockwise by k * 90 degrees (k must be known at build time)."""
    with _g().name_scope(name or "rot90"):
        image = _convert(image, name="image")
        nd = image.shape.ndims
        if nd not in (3, 4):
            raise ValueError("'image' must have either 3 or 4 dimensions.")
        kv = _constant_value(k) if _is_tensor(k) else k
        if kv is None:
            raise NotImplementedError("tf.image.rot90 with k only known at run time is not supported by compat_tf")
        kv = int(kv) % 4
        h, w = nd - 3, nd - 2
        perm = list(range(nd))
        perm[h], perm[w] = w, h
        if kv == 0:
            return control_flow_ops.identity(image)
        if kv == 1:
            return array_ops.transpose(array_ops.reverse(image, [w]), perm)
        if kv == 2:
            return array_ops.reverse(image, [h, w])
        return array_ops.reverse(array_ops.transpose(image, perm), [w])


# --------------------------------------------------------------------------------------------
# dtype conversion and colour
# --------------------------------------------------------------------------------------------

def convert_image_dtype(image, dtype, saturate=False, name=None):
    """tf.image.convert_image_dtype: integers are scaled to [0, MAX], floats to [0, 1] (TF1's scaling:
    integer narrowing divides by (in.max+1)//(out.max+1), widening multiplies; float -> int multiplies
    by out.max + 0.5 then casts, saturating when `saturate`)."""
    image = _convert(image, name="image")
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating and not dtype.is_integer:
        raise AttributeError("dtype must be either floating point or integer")
    if dtype == image.dtype.base_dtype:
        return control_flow_ops.identity(image, name=name)
    src = image.dtype.base_dtype
    with _g().name_scope(name or "convert_image") as scope:
        if src.is_integer and dtype.is_integer:
            scale_in, scale_out = src.max, dtype.max
            if scale_in > scale_out:
                scale = (scale_in + 1) // (scale_out + 1)
                scaled = math_ops.floordiv(image, _constant.constant(scale, dtype=src))
                return (math_ops.saturate_cast(scaled, dtype, name=scope) if saturate
                        else math_ops.cast(scaled, dtype, name=scope))
            cast = math_ops.saturate_cast(image, dtype) if saturate else math_ops.cast(image, dtype)
            scale = (scale_out + 1) // (scale_in + 1)
            return math_ops.multiply(cast, _constant.constant(scale, dtype=dtype), name=scope)
        if src.is_floating and dtype.is_floating:
            return math_ops.cast(image, dtype, name=scope)
        if src.is_integer:
            cast = math_ops.cast(image, dtype)
            return math_ops.multiply(cast, _constant.constant(1.0 / src.max, dtype=dtype), name=scope)
        scaled = math_ops.multiply(image, _constant.constant(dtype.max + 0.5, dtype=src))
        return (math_ops.saturate_cast(scaled, dtype, name=scope) if saturate
                else math_ops.cast(scaled, dtype, name=scope))


def _float_wrapped(image, scope, fn):
    """TF1's pattern: float16/32 images as they are, others via convert_image_dtype to float32; the
    result converted back to the input dtype with saturation."""
    with _g().name_scope(scope):
        image = _convert(image, name="image")
        orig = image.dtype.base_dtype
        flt = image if orig in (_dtypes.float16, _dtypes.float32) else convert_image_dtype(image, _dtypes.float32)
        return convert_image_dtype(fn(flt), orig, saturate=True)


def adjust_brightness(image, delta):
    """tf.image.adjust_brightness: image + delta in float (integer images scaled to [0, 1] first)."""
    return _float_wrapped(image, "adjust_brightness",
                          lambda f: math_ops.add(f, math_ops.cast(delta, f.dtype)))


@register_op("AdjustContrastv2")
def _adjust_contrast_op(images, contrast_factor, T=None):
    x = images.astype(jnp.float32)
    mean = jnp.mean(x, axis=(-3, -2), keepdims=True)
    return ((x - mean) * jnp.asarray(contrast_factor, jnp.float32) + mean).astype(images.dtype)


def adjust_contrast(images, contrast_factor):
    """tf.image.adjust_contrast (op AdjustContrastv2): (x - mean) * factor + mean per channel."""
    return _float_wrapped(images, "adjust_contrast", lambda f: make_tensor(
        "AdjustContrastv2", [f, math_ops.cast(contrast_factor, _dtypes.float32)], {"T": f.dtype.base_dtype},
        name="AdjustContrastv2"))


def adjust_gamma(image, gamma=1, gain=1):
    """tf.image.adjust_gamma: gain * image ** gamma in float (gamma must be >= 0)."""
    def fn(f):
        if not _is_tensor(gamma) and gamma < 0:
            raise ValueError("Gamma should be a non-negative real number.")
        return gain * f ** gamma
    return _float_wrapped(image, "adjust_gamma", fn)


def _rgb_to_hsv_kernel(x):
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    v = jnp.maximum(jnp.maximum(r, g), b)
    rng = v - jnp.minimum(jnp.minimum(r, g), b)
    s = jnp.where(v > 0, rng / jnp.where(v > 0, v, 1), 0)
    safe = jnp.where(rng > 0, rng, 1)
    norm = (1 / safe) * (x.dtype.type(1) / x.dtype.type(6))
    h = jnp.where(r == v, norm * (g - b),
                  jnp.where(g == v, norm * (b - r) + x.dtype.type(2) / x.dtype.type(6),
                            norm * (r - g) + x.dtype.type(4) / x.dtype.type(6)))
    h = jnp.where(rng > 0, h, 0)
    h = jnp.where(h < 0, h + 1, h)
    return jnp.stack([h, s, v], axis=-1).astype(x.dtype)


def _hsv_to_rgb_kernel(x):
    h, s, v = x[..., 0], x[..., 1], x[..., 2]
    dh = h * 6
    dr = jnp.clip(jnp.abs(dh - 3) - 1, 0, 1)
    dg = jnp.clip(-jnp.abs(dh - 2) + 2, 0, 1)
    db = jnp.clip(-jnp.abs(dh - 4) + 2, 0, 1)
    one_s = -s + 1
    return jnp.stack([(one_s + s * dr) * v, (one_s + s * dg) * v, (one_s + s * db) * v], axis=-1).astype(x.dtype)


@register_op("RGBToHSV")
def _rgb_to_hsv_op(images, T=None):
    return _rgb_to_hsv_kernel(images)


@register_op("HSVToRGB")
def _hsv_to_rgb_op(images, T=None):
    return _hsv_to_rgb_kernel(images)


def _check_rgb(images, fn):
    images = _convert(images, name="images")
    last = images.shape.as_list()[-1] if images.shape.ndims else None
    if images.shape.ndims is not None and (images.shape.ndims < 1 or last not in (None, 3)):
        raise ValueError(f"{fn}: the last dimension of images must be 3 (RGB/HSV), got shape {images.shape}")
    return images


def rgb_to_hsv(images, name=None):
    """tf.image.rgb_to_hsv (op RGBToHSV): float images in [0, 1], hue in [0, 1)."""
    images = _check_rgb(images, "rgb_to_hsv")
    return make_tensor("RGBToHSV", [images], {"T": images.dtype.base_dtype}, name=name or "RGBToHSV")


def hsv_to_rgb(images, name=None):
    """tf.image.hsv_to_rgb (op HSVToRGB)."""
    images = _check_rgb(images, "hsv_to_rgb")
    return make_tensor("HSVToRGB", [images], {"T": images.dtype.base_dtype}, name=name or "HSVToRGB")


def _hsv_scalar(r, g, b):
    """adjust_saturation_op.cc's rgb_to_hsv (per pixel, vectorised)."""
    vv = jnp.maximum(r, jnp.maximum(g, b))
    rng = vv - jnp.minimum(r, jnp.minimum(g, b))
    s = jnp.where(vv > 0, rng / jnp.where(vv > 0, vv, 1), 0)
    norm = 1.0 / (6.0 * jnp.where(rng > 0, rng, 1)).astype(jnp.float32)
    hh = jnp.where(r == vv, norm * (g - b),
                   jnp.where(g == vv, norm * (b - r) + np.float32(2.0 / 6.0), norm * (r - g) + np.float32(4.0 / 6.0)))
    hh = jnp.where(rng <= 0, 0, hh)
    hh = jnp.where(hh < 0, hh + 1, hh)
    return hh, s, vv


def _hsv_to_rgb_scalar(h, s, v):
    c = s * v
    m = v - c
    dh = h * 6
    cat = jnp.floor(dh).astype(jnp.int32)
    fmodu = dh - 2 * jnp.floor(dh / 2)
    x = c * (1 - jnp.abs(fmodu - 1))
    zero = jnp.zeros_like(c)
    rr = jnp.select([cat == 0, cat == 1, cat == 2, cat == 3, cat == 4, cat == 5], [c, x, zero, zero, x, c], zero)
    gg = jnp.select([cat == 0, cat == 1, cat == 2, cat == 3, cat == 4, cat == 5], [x, c, c, x, zero, zero], zero)
    bb = jnp.select([cat == 0, cat == 1, cat == 2, cat == 3, cat == 4, cat == 5], [zero, zero, x, c, c, x], zero)
    return rr + m, gg + m, bb + m


@register_op("AdjustSaturation")
def _adjust_saturation_op(images, scale, T=None):
    x = images.astype(jnp.float32)
    h, s, v = _hsv_scalar(x[..., 0], x[..., 1], x[..., 2])
    s = jnp.minimum(1.0, jnp.maximum(0.0, s * jnp.asarray(scale, jnp.float32)))
    return jnp.stack(_hsv_to_rgb_scalar(h, s, v), axis=-1).astype(images.dtype)


@register_op("AdjustHue")
def _adjust_hue_op(images, delta, T=None):
    x = images.astype(jnp.float32)
    r, g, b = x[..., 0], x[..., 1], x[..., 2]
    # adjust_hue_op.cc: hue in [0, 6) from the sorted channels
    r_lt_g = r < g
    cat = jnp.where(r_lt_g, jnp.where(b < r, 1, jnp.where(b > g, 3, 2)),
                    jnp.where(b < g, 0, jnp.where(b > r, 4, 5)))
    v_max = jnp.where(r_lt_g, jnp.where(b < r, g, jnp.where(b > g, b, g)), jnp.where(b < g, r, jnp.where(b > r, b, r)))
    v_mid = jnp.where(r_lt_g, jnp.where(b < r, r, jnp.where(b > g, g, b)), jnp.where(b < g, g, jnp.where(b > r, r, b)))
    v_min = jnp.where(r_lt_g, jnp.where(b < r, b, r), jnp.where(b < g, b, jnp.where(b > r, g, g)))
    same = v_max == v_min
    ratio = (v_mid - v_min) / jnp.where(same, 1, v_max - v_min)
    increase = (cat & 1) == 0
    h = jnp.where(same, 0, cat.astype(jnp.float32) + jnp.where(increase, ratio, 1 - ratio))
    h = h + jnp.asarray(delta, jnp.float32) * 6
    h = h - 6 * jnp.floor(h / 6)
    h = jnp.where(h >= 6, h - 6, h)
    hcat = jnp.clip(h.astype(jnp.int32), 0, 5)
    rat = h - hcat.astype(jnp.float32)
    rat = jnp.where((hcat & 1) == 0, rat, 1 - rat)
    vmid = v_min + rat * (v_max - v_min)
    conds = [hcat == i for i in range(6)]
    rr = jnp.select(conds, [v_max, vmid, v_min, v_min, vmid, v_max])
    gg = jnp.select(conds, [vmid, v_max, v_max, vmid, v_min, v_min])
    bb = jnp.select(conds, [v_min, v_min, vmid, v_max, v_max, vmid])
    return jnp.stack([rr, gg, bb], axis=-1).astype(images.dtype)


def adjust_saturation(image, saturation_factor, name=None):
    """tf.image.adjust_saturation (op AdjustSaturation): HSV saturation scaled and clipped to [0, 1]."""
    return _float_wrapped(image, name or "adjust_saturation", lambda f: make_tensor(
        "AdjustSaturation", [f, math_ops.cast(saturation_factor, _dtypes.float32)], {"T": f.dtype.base_dtype},
        name="AdjustSaturation"))


def adjust_hue(image, delta, name=None):
    """tf.image.adjust_hue (op AdjustHue): hue rotated by delta (in [-1, 1]) turns."""
    return _float_wrapped(image, name or "adjust_hue", lambda f: make_tensor(
        "AdjustHue", [f, math_ops.cast(delta, _dtypes.float32)], {"T": f.dtype.base_dtype}, name="AdjustHue"))


def random_brightness(image, max_delta, seed=None):
    """tf.image.random_brightness: adjust_brightness by a delta uniform in [-max_delta, max_delta)."""
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_brightness(image, random_ops.random_uniform([], -max_delta, max_delta, seed=seed))


def random_contrast(image, lower, upper, seed=None):
    """tf.image.random_contrast: adjust_contrast by a factor uniform in [lower, upper)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    return adjust_contrast(image, random_ops.random_uniform([], lower, upper, seed=seed))


def random_saturation(image, lower, upper, seed=None):
    """tf.image.random_saturation: adjust_saturation by a factor uniform in [lower, upper)."""
    if upper <= lower:
        raise ValueError("upper must be > lower.")
    if lower < 0:
        raise ValueError("lower must be non-negative.")
    return adjust_saturation(image, random_ops.random_uniform([], lower, upper, seed=seed))


def random_hue(image, max_delta, seed=None):
    """tf.image.random_hue: adjust_hue by a delta uniform in [-max_delta, max_delta) (max_delta <= 0.5)."""
    if max_delta > 0.5:
        raise ValueError("max_delta must be <= 0.5.")
    if max_delta < 0:
        raise ValueError("max_delta must be non-negative.")
    return adjust_hue(image, random_ops.random_uniform([], -max_delta, max_delta, seed=seed))


def rgb_to_grayscale(images, name=None):
    """tf.image.rgb_to_grayscale: 0.2989 R + 0.5870 G + 0.1140 B in float32, converted back to the dtype."""
    with _g().name_scope(name or "rgb_to_grayscale"):
        images = _convert(images, name="images")
        orig = images.dtype.base_dtype
        flt = convert_image_dtype(images, _dtypes.float32)
        weights = _constant.constant([0.2989, 0.5870, 0.1140], dtype=_dtypes.float32)
        gray = math_ops.tensordot(flt, weights, [[-1], [-1]])
        gray = array_ops.expand_dims(gray, -1)
        return convert_image_dtype(gray, orig)


def grayscale_to_rgb(images, name=None):
    """tf.image.grayscale_to_rgb: repeats the single channel three times."""
    with _g().name_scope(name or "grayscale_to_rgb"):
        images = _convert(images, name="images")
        if images.shape.ndims is not None and (images.shape.ndims < 2 or images.shape.as_list()[-1] not in (1, None)):
            raise ValueError(f"grayscale_to_rgb: the last dimension must be 1, got shape {images.shape}")
        nd = images.shape.ndims
        return array_ops.tile(images, [1] * (nd - 1) + [3])


def per_image_standardization(image):
    """tf.image.per_image_standardization: (x - mean) / max(stddev, 1/sqrt(num_pixels)) per image, float32
    (TF 1.15's variance: mean(x^2) - mean(x)^2, clipped at 0)."""
    with _g().name_scope("per_image_standardization") as scope:
        image = _convert(image, name="image")
        if image.shape.ndims is not None and image.shape.ndims < 3:
            raise ValueError(f"'image' (shape {image.shape}) must be at least three-dimensional.")
        num_pixels = math_ops.reduce_prod(array_ops.shape(image)[-3:])
        image = math_ops.cast(image, dtype=_dtypes.float32)
        image_mean = math_ops.reduce_mean(image, axis=[-1, -2, -3], keepdims=True)
        variance = (math_ops.reduce_mean(math_ops.square(image), axis=[-1, -2, -3], keepdims=True)
                    - math_ops.square(image_mean))
        from compat_tf._src.ops import nn_ops
        variance = nn_ops.relu(variance)
        stddev = math_ops.sqrt(variance)
        min_stddev = math_ops.rsqrt(math_ops.cast(num_pixels, _dtypes.float32))
        pixel_value_scale = math_ops.maximum(stddev, min_stddev)
        image = math_ops.subtract(image, image_mean)
        return math_ops.div(image, pixel_value_scale, name=scope)


def total_variation(images, name=None):
    """tf.image.total_variation: sum of absolute differences of neighbouring pixels (per image for 4-D)."""
    with _g().name_scope(name or "total_variation"):
        images = _convert(images, name="images")
        nd = images.shape.ndims
        if nd == 3:
            d1 = images[1:, :, :] - images[:-1, :, :]
            d2 = images[:, 1:, :] - images[:, :-1, :]
            axis = None
        elif nd == 4:
            d1 = images[:, 1:, :, :] - images[:, :-1, :, :]
            d2 = images[:, :, 1:, :] - images[:, :, :-1, :]
            axis = [1, 2, 3]
        else:
            raise ValueError("'images' must be either 3 or 4-dimensional.")
        return (math_ops.reduce_sum(math_ops.abs(d1), axis=axis)
                + math_ops.reduce_sum(math_ops.abs(d2), axis=axis))


def image_gradients(image):
    """tf.image.image_gradients: (dy, dx) forward differences of a 4-D image, zero in the last row/column."""
    image = _convert(image)
    if image.shape.ndims != 4:
        raise ValueError("image_gradients expects a 4D tensor [batch_size, h, w, d], not {}.".format(image.shape))
    dy = image[:, 1:, :, :] - image[:, :-1, :, :]
    dx = image[:, :, 1:, :] - image[:, :, :-1, :]
    dy = array_ops.pad(dy, [[0, 0], [0, 1], [0, 0], [0, 0]])
    dx = array_ops.pad(dx, [[0, 0], [0, 0], [0, 1], [0, 0]])
    return dy, dx


# --------------------------------------------------------------------------------------------
# non-max suppression (host op)
# --------------------------------------------------------------------------------------------

def _nms_numpy(boxes, scores, max_output_size, iou_threshold, score_threshold):
    boxes = np.asarray(boxes, np.float32)
    scores = np.asarray(scores, np.float32)
    ymin = np.minimum(boxes[:, 0], boxes[:, 2])
    xmin = np.minimum(boxes[:, 1], boxes[:, 3])
    ymax = np.maximum(boxes[:, 0], boxes[:, 2])
    xmax = np.maximum(boxes[:, 1], boxes[:, 3])
    area = (ymax - ymin) * (xmax - xmin)
    cand = [i for i in np.argsort(-scores, kind="stable") if scores[i] > score_threshold]
    selected = []
    for i in cand:
        if len(selected) >= max_output_size:
            break
        keep = True
        for j in reversed(selected):
            if area[i] <= 0 or area[j] <= 0:
                continue
            ih = max(np.float32(min(ymax[i], ymax[j]) - max(ymin[i], ymin[j])), np.float32(0))
            iw = max(np.float32(min(xmax[i], xmax[j]) - max(xmin[i], xmin[j])), np.float32(0))
            inter = np.float32(ih * iw)
            iou = np.float32(inter / np.float32(area[i] + area[j] - inter))
            if iou > iou_threshold:
                keep = False
                break
        if keep:
            selected.append(int(i))
    return np.asarray(selected, np.int32)


@register_op("NonMaxSuppressionV3", shape=lambda op: [(_ts.TensorShape([None]), _dtypes.int32)], ctx=True,
             host=True, differentiable=False)
def _nms_v3(ctx, boxes, scores, max_output_size, iou_threshold, score_threshold, T=None, T_threshold=None):
    from compat_tf._src.framework import errors
    boxes, scores = np.asarray(boxes), np.asarray(scores)
    iou = float(np.asarray(iou_threshold))
    if not 0 <= iou <= 1:
        raise errors.InvalidArgumentError(None, ctx.op, "iou_threshold must be in [0, 1]")
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise errors.InvalidArgumentError(None, ctx.op, f"boxes must be [num_boxes, 4], got {list(boxes.shape)}")
    if scores.shape != (boxes.shape[0],):
        raise errors.InvalidArgumentError(None, ctx.op, "scores has incompatible shape")
    return _nms_numpy(boxes, scores, int(np.asarray(max_output_size)), np.float32(iou),
                      np.float32(np.asarray(score_threshold)))


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                        name=None):
    """tf.image.non_max_suppression (op NonMaxSuppressionV3, run on the host): indices of greedily
    selected boxes by descending score (ties: lower index first), dropping boxes with IoU >
    iou_threshold against a selected one and scores <= score_threshold."""
    with _g().name_scope(name or "non_max_suppression"):
        boxes = _convert(boxes, name="boxes")
        scores = _convert(scores, dtype=boxes.dtype.base_dtype, name="scores")
        iou_threshold = _convert(iou_threshold, dtype=_dtypes.float32, name="iou_threshold")
        score_threshold = _convert(score_threshold, dtype=_dtypes.float32, name="score_threshold")
        max_output_size = _convert(max_output_size, dtype=_dtypes.int32)
        return make_tensor("NonMaxSuppressionV3", [boxes, scores, max_output_size, iou_threshold, score_threshold],
                           {"T": boxes.dtype.base_dtype, "T_threshold": _dtypes.float32},
                           name="NonMaxSuppressionV3")
