"""tf.image ops on boxes and areas (TF 1.15 kernels): ResizeArea, CropAndResize, DrawBoundingBoxes(V2),
SampleDistortedBoundingBox(V2), NonMaxSuppressionV5 (hard NMS with scores), NonMaxSuppressionWithOverlaps.

- ResizeArea: each output pixel averages the input area it covers (fractional edge weights),
  float32, as TF's resize_area_op.cc; separable, so it lowers to two matrix products.
- CropAndResize: bilinear or nearest sampling of normalized boxes, extrapolation_value outside
  the image; differentiable (JAX) in the image and the boxes.
- DrawBoundingBoxes: 1-pixel box outlines with TF's colour table (host op).
- SampleDistortedBoundingBox: TF's rejection sampler (aspect ratio, area, min_object_covered,
  max_attempts, whole image as fallback) on the host; draws come from compat_tf's RNG (seeded
  as TF1's ops), so the boxes are TF's distribution, not its numbers.
"""
import math

import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.shape_inference import constant_value
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor, static_ints

__all__ = []   # tf.image.* (compat_tf/image.py)


def _g():
    return _graph.get_default_graph()


# -- ResizeArea --------------------------------------------------------------------------------
def _area_weights(in_size, out_size, align_corners):
    scale = (in_size - 1) / (out_size - 1) if align_corners and out_size > 1 else in_size / out_size
    w = np.zeros((out_size, in_size), np.float64)
    for o in range(out_size):
        lo, hi = o * scale, (o + 1) * scale
        for i in range(int(math.floor(lo)), int(math.ceil(hi))):
            w[o, min(max(i, 0), in_size - 1)] += min(i + 1, hi) - max(i, lo)
    return w / scale


@register_op("ResizeArea")
def _resize_area(images, size, align_corners=False, T=None):
    h, w = static_ints(size, "size")
    x = jnp.asarray(images).astype(jnp.float32)
    wy = jnp.asarray(_area_weights(x.shape[1], h, align_corners), jnp.float32)
    wx = jnp.asarray(_area_weights(x.shape[2], w, align_corners), jnp.float32)
    return jnp.einsum("oh,bhwc,pw->bopc", wy, x, wx)


def resize_area(images, size, align_corners=False, name=None):
    """tf.image.resize_area (op ResizeArea): area-averaging resize of 4-D images, float32."""
    images = _constant.convert_to_tensor(images, name="images")
    if images.shape.ndims is not None and images.shape.ndims != 4:
        raise ValueError(f"ResizeArea: images must be 4-D, got shape {images.shape}")
    return make_tensor("ResizeArea", [images, _constant.convert_to_tensor(size, _dtypes.int32)],
                       {"align_corners": bool(align_corners), "T": images.dtype.base_dtype}, name=name or "ResizeArea")


# -- CropAndResize -----------------------------------------------------------------------------
def _crop_rule(op):
    crop = constant_value(op.inputs[3])
    n = op.inputs[1].shape[0].value if op.inputs[1].shape.ndims else None
    c = op.inputs[0].shape[3].value if op.inputs[0].shape.ndims == 4 else None
    hw = [None, None] if crop is None else [int(v) for v in np.reshape(crop, -1)]
    return [(_ts.TensorShape([n] + hw + [c]), _dtypes.float32)]


def _sample_coords(lo, hi, in_size, out_size):
    """Input coordinates of the out_size samples between normalized lo and hi (per box)."""
    if out_size > 1:
        scale = (hi - lo) * (in_size - 1) / (out_size - 1)
        return lo[:, None] * (in_size - 1) + jnp.arange(out_size)[None, :] * scale[:, None]
    return (0.5 * (lo + hi) * (in_size - 1))[:, None]


@register_op("CropAndResize", shape=_crop_rule)
def _crop_and_resize(image, boxes, box_ind, crop_size, method="bilinear", extrapolation_value=0.0, T=None):
    ch, cw = static_ints(crop_size, "crop_size")
    img = jnp.asarray(image).astype(jnp.float32)
    boxes = jnp.asarray(boxes).astype(jnp.float32)
    h, w = img.shape[1], img.shape[2]
    ys = _sample_coords(boxes[:, 0], boxes[:, 2], h, ch)          # [N, ch]
    xs = _sample_coords(boxes[:, 1], boxes[:, 3], w, cw)          # [N, cw]
    src = img[jnp.asarray(box_ind)]                               # [N, H, W, C]
    valid = ((ys >= 0) & (ys <= h - 1))[:, :, None] & ((xs >= 0) & (xs <= w - 1))[:, None, :]
    if method == "nearest":
        yi = jnp.clip(jnp.floor(ys + 0.5), 0, h - 1).astype(jnp.int32)   # roundf: halves away from 0
        xi = jnp.clip(jnp.floor(xs + 0.5), 0, w - 1).astype(jnp.int32)
        out = src[jnp.arange(src.shape[0])[:, None, None], yi[:, :, None], xi[:, None, :]]
    else:
        y0 = jnp.clip(jnp.floor(ys), 0, h - 1)
        x0 = jnp.clip(jnp.floor(xs), 0, w - 1)
        y1, x1 = jnp.clip(jnp.ceil(ys), 0, h - 1), jnp.clip(jnp.ceil(xs), 0, w - 1)
        dy, dx = (ys - y0)[:, :, None, None], (xs - x0)[:, None, :, None]
        n = jnp.arange(src.shape[0])[:, None, None]

        def at(yy, xx):
            return src[n, yy.astype(jnp.int32)[:, :, None], xx.astype(jnp.int32)[:, None, :]]
        top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * dx
        bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * dx
        out = top + (bottom - top) * dy
    return jnp.where(valid[..., None], out, jnp.float32(extrapolation_value))


def crop_and_resize(image, boxes, box_ind=None, crop_size=None, method="bilinear", extrapolation_value=0,
                    name=None, box_indices=None):
    """tf.image.crop_and_resize (op CropAndResize): boxes [N, 4] normalized (y1, x1, y2, x2) cut
    from image[box_ind] and resampled to crop_size, float32."""
    box_ind = box_indices if box_ind is None else box_ind
    if method not in ("bilinear", "nearest"):
        raise ValueError(f"method must be 'bilinear' or 'nearest', got {method!r}")
    image = _constant.convert_to_tensor(image, name="image")
    if image.shape.ndims is not None and image.shape.ndims != 4:
        raise ValueError(f"image must be 4-D, got shape {image.shape}")
    boxes = _constant.convert_to_tensor(boxes, dtype=_dtypes.float32, name="boxes")
    box_ind = _constant.convert_to_tensor(box_ind, dtype=_dtypes.int32, name="box_ind")
    crop_size = _constant.convert_to_tensor(crop_size, dtype=_dtypes.int32, name="crop_size")
    return make_tensor("CropAndResize", [image, boxes, box_ind, crop_size],
                       {"method": method, "extrapolation_value": float(extrapolation_value),
                        "T": image.dtype.base_dtype}, name=name or "CropAndResize")


# -- DrawBoundingBoxes -------------------------------------------------------------------------
_COLOR_TABLE = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1], [0.5, 0, 0.5, 1], [0.5, 0.5, 0, 1],
                         [0.5, 0, 0, 1], [0, 0, 0.5, 1], [0, 1, 1, 1], [1, 0, 1, 1]], np.float32)


def _draw(images, boxes, colors):
    images = np.array(images, copy=True)
    b, h, w, depth = images.shape
    colors = np.asarray(colors, np.float32) if colors is not None and np.size(colors) else _COLOR_TABLE
    if depth == 1 and colors is _COLOR_TABLE:
        colors = np.ones((1, 4), np.float32)
    for bi in range(b):
        for j, box in enumerate(np.asarray(boxes)[bi]):
            color = colors[j % len(colors)]
            ymin, xmin = int(box[0] * (h - 1)), int(box[1] * (w - 1))
            ymax, xmax = int(box[2] * (h - 1)), int(box[3] * (w - 1))
            if ymin > ymax or xmin > xmax or ymin >= h or xmin >= w or ymax < 0 or xmax < 0:
                continue
            y0, y1 = max(ymin, 0), min(ymax, h - 1)
            x0, x1 = max(xmin, 0), min(xmax, w - 1)
            c = color[:depth].astype(images.dtype)
            if 0 <= ymin < h:
                images[bi, ymin, x0:x1 + 1] = c
            if 0 <= ymax < h:
                images[bi, ymax, x0:x1 + 1] = c
            if 0 <= xmin < w:
                images[bi, y0:y1 + 1, xmin] = c
            if 0 <= xmax < w:
                images[bi, y0:y1 + 1, xmax] = c
    return images


@register_op("DrawBoundingBoxes", shape=lambda op: [(op.inputs[0].shape, op.inputs[0].dtype.base_dtype)],
             host=True, differentiable=False)
def _draw_bounding_boxes(ctx, images, boxes, T=None):
    return _draw(images, boxes, None)


@register_op("DrawBoundingBoxesV2", shape=lambda op: [(op.inputs[0].shape, op.inputs[0].dtype.base_dtype)],
             host=True, differentiable=False)
def _draw_bounding_boxes_v2(ctx, images, boxes, colors, T=None):
    return _draw(images, boxes, colors)


def draw_bounding_boxes(images, boxes, name=None, colors=None):
    """tf.image.draw_bounding_boxes: box outlines drawn on float images [batch, h, w, depth]."""
    images = _constant.convert_to_tensor(images, name="images")
    boxes = _constant.convert_to_tensor(boxes, dtype=_dtypes.float32, name="boxes")
    if colors is None:
        return make_tensor("DrawBoundingBoxes", [images, boxes], {"T": images.dtype.base_dtype},
                           name=name or "DrawBoundingBoxes")
    colors = _constant.convert_to_tensor(colors, dtype=_dtypes.float32, name="colors")
    return make_tensor("DrawBoundingBoxesV2", [images, boxes, colors], {"T": images.dtype.base_dtype},
                       name=name or "DrawBoundingBoxesV2")


# -- SampleDistortedBoundingBox ----------------------------------------------------------------
def _generate_random_crop(rng, width, height, min_area_frac, max_area_frac, aspect_ratio):
    min_area = min_area_frac * width * height
    max_area = max_area_frac * width * height
    lr = lambda v: int(np.rint(v))   # noqa: E731 - lrintf
    h = lr(math.sqrt(min_area / aspect_ratio))
    max_h = lr(math.sqrt(max_area / aspect_ratio))
    if lr(max_h * aspect_ratio) > width:
        max_h = int((width + 0.5 - 1e-7) / aspect_ratio)
        if lr(max_h * aspect_ratio) > width:
            max_h -= 1
    max_h = min(max_h, height)
    h = min(h, max_h)
    if h < max_h:
        h += int(rng.integers(0, max_h - h + 1))
    w = lr(h * aspect_ratio)
    area = w * h
    if area < min_area:
        h += 1
        w = lr(h * aspect_ratio)
        area = w * h
    if area > max_area:
        h -= 1
        w = lr(h * aspect_ratio)
        area = w * h
    if area < min_area or area > max_area or w > width or h > height or w <= 0 or h <= 0:
        return None
    y = int(rng.integers(0, height - h)) if h < height else 0
    x = int(rng.integers(0, width - w)) if w < width else 0
    return x, y, x + w, y + h


def _covers(crop, boxes, min_covered):
    x0, y0, x1, y1 = crop
    for bx0, by0, bx1, by1 in boxes:
        area = (bx1 - bx0) * (by1 - by0)
        if area <= 0:
            continue
        iw = max(0, min(x1, bx1) - max(x0, bx0))
        ih = max(0, min(y1, by1) - max(y0, by0))
        if iw * ih / area >= min_covered:
            return True
    return False


def _sdbb_shape(op):
    dt = op.inputs[0].dtype.base_dtype
    return [(_ts.TensorShape([3]), dt), (_ts.TensorShape([3]), dt), (_ts.TensorShape([1, 1, 4]), _dtypes.float32)]


def _sample_distorted(ctx, image_size, bounding_boxes, min_object_covered, seed, seed2, aspect_ratio_range,
                      area_range, max_attempts, use_image_if_no_bounding_boxes):
    size = np.asarray(image_size).reshape(-1)
    if size.shape[0] != 3:
        raise errors.InvalidArgumentError(None, ctx.op, f"image_size must contain 3 elements, got {size.shape[0]}")
    height, width = int(size[0]), int(size[1])
    boxes = np.asarray(bounding_boxes, np.float32).reshape(-1, 4)
    if np.any(boxes < 0) or np.any(boxes > 1):
        raise errors.InvalidArgumentError(None, ctx.op, f"All bounding box coordinates must be in [0.0, 1.0]: "
                                                        f"{boxes[(boxes < 0).any(1) | (boxes > 1).any(1)][0]}")
    rects = [(int(b[1] * width), int(b[0] * height), int(b[3] * width), int(b[2] * height)) for b in boxes]
    if not rects:
        if not use_image_if_no_bounding_boxes:
            raise errors.InvalidArgumentError(
                None, ctx.op, "No bounding boxes provided as input. One must enable use_image_if_no_bounding_boxes "
                              "if you wish to not provide any bounding boxes.")
        rects = [(0, 0, width, height)]
    rng = np.random.default_rng(np.asarray(ctx.rng_key()).astype(np.uint32).reshape(-1).tolist())
    crop = None
    for _ in range(int(max_attempts)):
        ratio = rng.uniform(aspect_ratio_range[0], aspect_ratio_range[1])
        cand = _generate_random_crop(rng, width, height, area_range[0], area_range[1], ratio)
        if cand is not None and _covers(cand, rects, float(np.asarray(min_object_covered))):
            crop = cand
            break
    if crop is None:
        crop = (0, 0, width, height)
    x0, y0, x1, y1 = crop
    dt = np.asarray(image_size).dtype
    return (np.array([y0, x0, 0], dt), np.array([y1 - y0, x1 - x0, -1], dt),
            np.array([[[y0 / height, x0 / width, y1 / height, x1 / width]]], np.float32))


@register_op("SampleDistortedBoundingBoxV2", num_outputs=3, shape=_sdbb_shape, ctx=True, host=True, stateful=True,
             differentiable=False)
def _sdbb_v2(ctx, image_size, bounding_boxes, min_object_covered, seed=0, seed2=0, aspect_ratio_range=(0.75, 1.33),
             area_range=(0.05, 1.0), max_attempts=100, use_image_if_no_bounding_boxes=False, T=None):
    return _sample_distorted(ctx, image_size, bounding_boxes, min_object_covered, seed, seed2, aspect_ratio_range,
                             area_range, max_attempts, use_image_if_no_bounding_boxes)


def sample_distorted_bounding_box(image_size, bounding_boxes, seed=None, seed2=None, min_object_covered=0.1,
                                  aspect_ratio_range=None, area_range=None, max_attempts=None,
                                  use_image_if_no_bounding_boxes=None, name=None):
    """tf.image.sample_distorted_bounding_box (op SampleDistortedBoundingBoxV2): (begin, size,
    bboxes) of a random crop covering at least min_object_covered of one of the boxes (the
    Inception preprocessing crop); see the module docstring."""
    from compat_tf._src.ops import random_ops
    image_size = _constant.convert_to_tensor(image_size, name="image_size")
    if image_size.dtype.base_dtype not in (_dtypes.uint8, _dtypes.int8, _dtypes.int16, _dtypes.int32, _dtypes.int64):
        raise TypeError(f"image_size must be an integer tensor, got {image_size.dtype.name}")
    bounding_boxes = _constant.convert_to_tensor(bounding_boxes, dtype=_dtypes.float32, name="bounding_boxes")
    min_object_covered = _constant.convert_to_tensor(min_object_covered, dtype=_dtypes.float32,
                                                     name="min_object_covered")
    s1, s2 = random_ops.get_seed(seed)
    attrs = {"seed": int(s1 or 0), "seed2": int(s2 if s2 is not None else (seed2 or 0)),
             "aspect_ratio_range": tuple(aspect_ratio_range or (0.75, 1.33)),
             "area_range": tuple(area_range or (0.05, 1.0)), "max_attempts": int(max_attempts or 100),
             "use_image_if_no_bounding_boxes": bool(use_image_if_no_bounding_boxes),
             "T": image_size.dtype.base_dtype}
    op = make_op("SampleDistortedBoundingBoxV2", [image_size, bounding_boxes, min_object_covered], attrs,
                 name=name or "SampleDistortedBoundingBoxV2")
    return tuple(op.outputs)


# -- NMS variants ------------------------------------------------------------------------------
def _nms_general(ious, scores, max_output_size, iou_threshold, score_threshold):
    order = [i for i in np.argsort(-scores, kind="stable") if scores[i] > score_threshold]
    selected = []
    for i in order:
        if len(selected) >= max_output_size:
            break
        if all(ious(i, j) <= iou_threshold for j in selected):
            selected.append(int(i))
    return np.asarray(selected, np.int32)


@register_op("NonMaxSuppressionWithOverlaps", shape=lambda op: [(_ts.TensorShape([None]), _dtypes.int32)],
             ctx=True, host=True, differentiable=False)
def _nms_overlaps(ctx, overlaps, scores, max_output_size, overlap_threshold, score_threshold):
    overlaps = np.asarray(overlaps, np.float32)
    return _nms_general(lambda i, j: overlaps[i, j], np.asarray(scores, np.float32), int(np.asarray(max_output_size)),
                        float(np.asarray(overlap_threshold)), float(np.asarray(score_threshold)))


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None):
    """tf.image.non_max_suppression_overlaps: greedy NMS with a given [n, n] overlap matrix."""
    ins = [_constant.convert_to_tensor(overlaps, _dtypes.float32), _constant.convert_to_tensor(scores, _dtypes.float32),
           _constant.convert_to_tensor(max_output_size, _dtypes.int32),
           _constant.convert_to_tensor(overlap_threshold, _dtypes.float32),
           _constant.convert_to_tensor(score_threshold, _dtypes.float32)]
    return make_tensor("NonMaxSuppressionWithOverlaps", ins, name=name or "NonMaxSuppressionWithOverlaps")


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                                    soft_nms_sigma=0.0, name=None):
    """tf.image.non_max_suppression_with_scores: (selected indices, their scores); hard NMS only
    (soft_nms_sigma > 0 raises NotImplementedError)."""
    from compat_tf._src.ops import gather_ops
    from compat_tf._src.ops import image_ops_impl
    if soft_nms_sigma:
        raise NotImplementedError("tf.image.non_max_suppression_with_scores(soft_nms_sigma > 0) is not "
                                  "implemented by compat_tf")
    with _g().name_scope(name or "non_max_suppression_with_scores"):
        idx = image_ops_impl.non_max_suppression(boxes, scores, max_output_size, iou_threshold, score_threshold)
        return idx, gather_ops.gather(_constant.convert_to_tensor(scores, _dtypes.float32), idx)


def _nms_v4_shape(op):
    n = None
    if op.get_attr("pad_to_max_output_size"):
        v = constant_value(op.inputs[2])
        n = None if v is None else int(v)
    return [(_ts.TensorShape([n]), _dtypes.int32), (_ts.TensorShape([]), _dtypes.int32)]


@register_op("NonMaxSuppressionV4", num_outputs=2, shape=_nms_v4_shape, ctx=True, host=True, differentiable=False)
def _nms_v4(ctx, boxes, scores, max_output_size, iou_threshold, score_threshold, pad_to_max_output_size=False,
            T=None, T_threshold=None):
    from compat_tf._src.ops.image_ops_impl import _nms_v3
    selected = _nms_v3(ctx, boxes, scores, max_output_size, iou_threshold, score_threshold)
    valid = np.int32(len(selected))
    if pad_to_max_output_size:
        selected = np.pad(selected, (0, int(np.asarray(max_output_size)) - len(selected)))
    return selected.astype(np.int32), valid


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5, score_threshold=float("-inf"),
                               pad_to_max_output_size=False, name=None):
    """tf.image.non_max_suppression_padded (TF 1.15, op NonMaxSuppressionV4): (selected indices,
    number of valid ones); with pad_to_max_output_size the indices are zero-padded to max_output_size."""
    with _g().name_scope(name or "non_max_suppression_padded"):
        boxes = _constant.convert_to_tensor(boxes, name="boxes")
        ins = [boxes, _constant.convert_to_tensor(scores, dtype=boxes.dtype.base_dtype, name="scores"),
               _constant.convert_to_tensor(max_output_size, _dtypes.int32),
               _constant.convert_to_tensor(iou_threshold, _dtypes.float32, name="iou_threshold"),
               _constant.convert_to_tensor(score_threshold, _dtypes.float32, name="score_threshold")]
        op = make_op("NonMaxSuppressionV4", ins, {"pad_to_max_output_size": bool(pad_to_max_output_size),
                                                  "T": boxes.dtype.base_dtype, "T_threshold": _dtypes.float32},
                     name="NonMaxSuppressionV4")
        return op.outputs[0], op.outputs[1]
