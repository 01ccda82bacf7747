"""tf.image parity with real TensorFlow (tf.compat.v1): resize sampling, crop/pad, colour ops, NMS.
Optional like test_parity.py (skipped without TensorFlow)."""
import numpy as np
import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

import compat_tf  # noqa: E402

pytestmark = pytest.mark.oracle
RS = np.random.RandomState(3)
IMG = RS.uniform(0, 1, (2, 5, 7, 3)).astype(np.float32)
U8 = RS.randint(0, 256, (4, 6, 3)).astype(np.uint8)


def _resize_cases():
    out = {}
    for fn in ("resize_bilinear", "resize_nearest_neighbor", "resize_bicubic"):
        for size in ((3, 4), (8, 11), (5, 7), (1, 1), (10, 3)):
            for ac, hp in ((False, False), (True, False), (False, True)):
                out[f"{fn}-{size}-ac{ac}-hp{hp}"] = (
                    lambda tf, x, fn=fn, size=size, ac=ac, hp=hp: [
                        getattr(tf.image, fn)(x, size, align_corners=ac, half_pixel_centers=hp)], IMG)
    return out


CASES = dict(_resize_cases())
CASES.update({
    "resize_images_u8": (lambda tf, x: [tf.image.resize_images(x, [7, 9]), tf.image.resize_images(x, [3, 2], 1),
                                        tf.image.resize_images(x, [6, 5], tf.image.ResizeMethod.BICUBIC, True),
                                        tf.image.resize_images(x, [4, 6])], U8),
    "crop_pad": (lambda tf, x: [tf.image.resize_image_with_crop_or_pad(x, 3, 9),
                                tf.image.resize_image_with_crop_or_pad(x, 6, 4),
                                tf.image.central_crop(x, 0.5), tf.image.central_crop(x, 0.33),
                                tf.image.crop_to_bounding_box(x, 1, 2, 3, 3),
                                tf.image.pad_to_bounding_box(x, 1, 2, 7, 10)], IMG),
    "flips": (lambda tf, x: [tf.image.flip_left_right(x), tf.image.flip_up_down(x[0]), tf.image.transpose_image(x),
                             tf.image.rot90(x[0]), tf.image.rot90(x, 2), tf.image.rot90(x[1], 3)], IMG),
    "convert_dtype": (lambda tf, x: [
        tf.image.convert_image_dtype(x, tf.float32), tf.image.convert_image_dtype(x, tf.int32),
        tf.image.convert_image_dtype(x, tf.int16), tf.image.convert_image_dtype(tf.image.convert_image_dtype(
            x, tf.float32) * 1.5 - 0.2, tf.uint8, saturate=True),
        tf.image.convert_image_dtype(tf.image.convert_image_dtype(x, tf.int32), tf.uint8),
        tf.image.convert_image_dtype(tf.image.convert_image_dtype(x, tf.float32), tf.int16)], U8),
    "colour_float": (lambda tf, x: [
        tf.image.rgb_to_hsv(x), tf.image.hsv_to_rgb(x), tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(x)),
        tf.image.rgb_to_grayscale(x), tf.image.grayscale_to_rgb(x[..., :1]), tf.image.adjust_brightness(x, 0.3),
        tf.image.adjust_contrast(x, 1.7), tf.image.adjust_saturation(x, 0.4), tf.image.adjust_saturation(x, 2.5),
        tf.image.adjust_hue(x, 0.2), tf.image.adjust_hue(x, -0.45), tf.image.adjust_gamma(x, 2.2, 0.8),
        tf.image.per_image_standardization(x), tf.image.total_variation(x), tf.image.total_variation(x[0]),
        *tf.image.image_gradients(x)], IMG),
    "colour_u8": (lambda tf, x: [
        tf.image.rgb_to_grayscale(x), tf.image.adjust_brightness(x, 0.3), tf.image.adjust_contrast(x, 1.7),
        tf.image.adjust_saturation(x, 0.4), tf.image.adjust_hue(x, 0.2), tf.image.adjust_gamma(x, 0.5),
        tf.image.per_image_standardization(x)], U8),
})


def _run(tf, build, x):
    g = tf.Graph()
    with g.as_default():
        outs = build(tf, tf.constant(x))
        with tf.Session(graph=g) as s:
            return s.run(outs)


@pytest.mark.parametrize("case", sorted(CASES))
def test_image_op_matches_tensorflow(case):
    build, x = CASES[case]
    want, got = _run(real_tf, build, x), _run(compat_tf, build, x)
    for i, (w, c) in enumerate(zip(want, got)):
        assert c.dtype == w.dtype and c.shape == w.shape, (i, c.dtype, w.dtype, c.shape, w.shape)
        if np.issubdtype(w.dtype, np.integer) or case.startswith("resize_b") or case.startswith("resize_n"):
            # resize kernels: the same float32 arithmetic in the same order, bit for bit
            np.testing.assert_array_equal(c, w, err_msg=f"output {i}")
        else:
            np.testing.assert_allclose(c, w, rtol=2e-6, atol=2e-6, err_msg=f"output {i}")


@pytest.mark.parametrize("fn", ["resize_bilinear", "resize_bicubic", "resize_nearest_neighbor"])
def test_resize_gradients_match_tensorflow(fn):
    def grads(tf):
        g = tf.Graph()
        with g.as_default():
            x = tf.constant(IMG)
            y = getattr(tf.image, fn)(x, [8, 4])
            w = tf.constant(np.arange(np.prod([2, 8, 4, 3]), dtype=np.float32).reshape(2, 8, 4, 3))
            with tf.Session(graph=g) as s:
                return s.run(tf.gradients(tf.reduce_sum(y * w), x)[0])
    np.testing.assert_allclose(grads(compat_tf), grads(real_tf), rtol=1e-5, atol=1e-4)


def test_non_max_suppression_matches_tensorflow():
    rs = np.random.RandomState(5)
    corners = rs.uniform(0, 1, (40, 2, 2)).astype(np.float32)
    boxes = np.concatenate([corners[:, 0], corners[:, 0] + corners[:, 1] * 0.4], 1)
    boxes[::7] = boxes[::7][:, [2, 3, 0, 1]]  # some boxes given with flipped corners
    scores = rs.uniform(0, 1, 40).astype(np.float32)
    scores[5] = scores[9]  # a tie

    def run(tf):
        g = tf.Graph()
        with g.as_default():
            outs = [tf.image.non_max_suppression(boxes, scores, 10),
                    tf.image.non_max_suppression(boxes, scores, 40, iou_threshold=0.1),
                    tf.image.non_max_suppression(boxes, scores, 40, iou_threshold=0.3, score_threshold=0.4)]
            with tf.Session(graph=g) as s:
                return s.run(outs)
    for c, w in zip(run(compat_tf), run(real_tf)):
        np.testing.assert_array_equal(c, w)
