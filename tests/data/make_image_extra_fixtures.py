"""Writes tests/data/image_extra/expected.npz with REAL TensorFlow (the oracle venv): resize_area,
crop_and_resize, draw_bounding_boxes, psnr/ssim/ms-ssim, sobel_edges, yiq/yuv, resize_image_with_pad,
extract_image_patches, extract_jpeg_shape, nms variants, for tests/ops/test_image_extra_ops.py.

Run: /tmp/tfvenv/bin/python tests/data/make_image_extra_fixtures.py
"""
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "image_extra", "expected.npz")


def cases(inp):
    im, big, boxes, nms_boxes, nms_scores, ov = (tf.convert_to_tensor(inp[k]) for k in ("im", "big", "boxes", "nms_boxes",
                                                                               "nms_scores", "ov"))
    i = tf.image
    out = {
        "area_down": i.resize_area(im, [3, 4]), "area_up": i.resize_area(im, [7, 9]),
        "area_ac": i.resize_area(im, [4, 3], align_corners=True),
        "area_method": i.resize_images(im, [3, 5], method=i.ResizeMethod.AREA),
        "crop_bilinear": i.crop_and_resize(im, boxes, [0, 1, 0], [3, 4]),
        "crop_nearest": i.crop_and_resize(im, boxes, [1, 0, 1], [2, 5], method="nearest", extrapolation_value=-1.0),
        "crop_1x1": i.crop_and_resize(im, boxes, [0, 0, 1], [1, 1]),
        "draw": i.draw_bounding_boxes(im, [[[0.1, 0.2, 0.8, 0.9], [0.5, 0.0, 1.2, 0.4]], [[0.0, 0.0, 1.0, 1.0],
                                                                                         [0.3, 0.3, 0.3, 0.3]]]),
        "draw_gray": i.draw_bounding_boxes(im[..., :1], [[[0.2, 0.2, 0.6, 0.7]], [[0.0, 0.5, 0.5, 1.0]]]),
        "psnr": i.psnr(big, big * 0.9 + 0.05, 1.0),
        "ssim": i.ssim(big, big * 0.8 + 0.1, 1.0),
        "ssim_u8": i.ssim(tf.cast(big * 255, tf.uint8), tf.cast(big * 200, tf.uint8), 255),
        "msssim": i.ssim_multiscale(tf.image.resize_images(big, [180, 180]), tf.image.resize_images(big * 0.9, [180, 180]),
                                    1.0),
        "sobel": i.sobel_edges(im), "yiq": i.rgb_to_yiq(im), "yiq_back": i.yiq_to_rgb(im),
        "yuv": i.rgb_to_yuv(im), "yuv_back": i.yuv_to_rgb(im),
        "pad": i.resize_image_with_pad(im, 8, 5), "pad3": i.resize_image_with_pad(im[0], 3, 9),
        "patches": i.extract_image_patches(im, [1, 2, 3, 1], [1, 2, 1, 1], [1, 1, 1, 1], "VALID"),
        "patches_same": i.extract_image_patches(im, [1, 3, 2, 1], [1, 2, 2, 1], [1, 2, 1, 1], "SAME"),
        "jpeg_shape": i.extract_jpeg_shape(i.encode_jpeg(tf.cast(im[0] * 255, tf.uint8))),
        "nms_ov": i.non_max_suppression_overlaps(ov, nms_scores[:4], 3, 0.5),
    }
    sel, sc = i.non_max_suppression_with_scores(nms_boxes, nms_scores, 3, 0.4)
    out["nms_sel"], out["nms_scores_out"] = sel, sc
    return out


def inputs():
    rng = np.random.RandomState(0)
    return {"im": rng.rand(2, 5, 6, 3).astype(np.float32), "big": rng.rand(2, 24, 24, 3).astype(np.float32),
            "boxes": np.array([[0.1, 0.2, 0.7, 0.9], [-0.2, 0.3, 0.5, 1.3], [0.6, 0.6, 0.2, 0.1]], np.float32),
            "nms_boxes": np.array([[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, -0.1, 1, 0.9], [0, 10, 1, 11],
                                   [0, 10.1, 1, 11.1], [0, 100, 1, 101]], np.float32),
            "nms_scores": np.array([0.9, 0.75, 0.6, 0.95, 0.5, 0.3], np.float32),
            "ov": np.array([[1, 0.7, 0.2, 0.0], [0.7, 1, 0.0, 0.6], [0.2, 0.0, 1, 0.1], [0.0, 0.6, 0.1, 1]], np.float32)}


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    inp = inputs()
    with tf.Graph().as_default():
        c = cases(inp)
        with tf.Session() as sess:
            values = sess.run(c)
    inp.update(values)
    np.savez(OUT, **inp)


if __name__ == "__main__":
    main()
