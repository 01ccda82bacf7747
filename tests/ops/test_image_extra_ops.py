"""tf.image area resize, boxes, quality metrics, colour spaces, patches (values recorded from TF by
tests/data/make_image_extra_fixtures.py) and sample_distorted_bounding_box's invariants."""
import os

import numpy as np
import pytest

import compat_tf as tf

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
E = dict(np.load(os.path.join(DATA, "image_extra", "expected.npz")))


def _cases(inp):
    """make_image_extra_fixtures.cases with compat_tf as tf (the same code)."""
    import types
    src = open(os.path.join(DATA, "make_image_extra_fixtures.py")).read()
    src = src.split("def cases(inp):", 1)[1].split("\ndef inputs():", 1)[0]
    mod = types.ModuleType("cases_mod")
    mod.tf = tf
    exec("def cases(inp):" + src, mod.__dict__)  # noqa: S102 - the fixture script's own case list
    return mod.cases(inp)


def test_image_extra_values_match_tensorflow():
    names = ("im", "big", "boxes", "nms_boxes", "nms_scores", "ov")
    with tf.Graph().as_default():
        # fed placeholders (not constants), so XLA does not constant-fold the filters
        inp = {k: tf.placeholder(tf.as_dtype(E[k].dtype), E[k].shape, name=k) for k in names}
        cases = _cases(inp)
        for k, t in cases.items():
            assert t.dtype.as_numpy_dtype == E[k].dtype, k
        got = tf.Session().run(cases, {inp[k]: E[k] for k in names})
    for k, v in got.items():
        np.testing.assert_allclose(v, E[k], rtol=2e-4, atol=2e-5, err_msg=k)


def test_crop_and_resize_gradient_reaches_image_and_boxes():
    with tf.Graph().as_default():
        im = tf.constant(E["im"])
        boxes = tf.constant(E["boxes"][:1])
        out = tf.image.crop_and_resize(im, boxes, [0], [3, 3])
        g_im, g_box = tf.gradients(tf.reduce_sum(out), [im, boxes])
        gi, gb = tf.Session().run([g_im, g_box])
    assert gi.shape == E["im"].shape and gi[1].sum() == 0 and gi[0].sum() == pytest.approx(9 * 3, rel=1e-5)
    assert np.abs(gb).sum() > 0


def test_sample_distorted_bounding_box_invariants():
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        boxes = tf.constant([[[0.2, 0.3, 0.6, 0.8]]])
        begin, size, bbox = tf.image.sample_distorted_bounding_box(
            [100, 200, 3], boxes, min_object_covered=0.5, aspect_ratio_range=(0.5, 2.0), area_range=(0.1, 0.9))
        assert begin.shape.as_list() == [3] and bbox.shape.as_list() == [1, 1, 4]
        with tf.Session() as s:
            draws = [s.run([begin, size, bbox]) for _ in range(30)]
        with pytest.raises(tf.errors.InvalidArgumentError, match="must be in \\[0.0, 1.0\\]"):
            tf.Session().run(tf.image.sample_distorted_bounding_box([10, 10, 3], [[[0.0, 0.0, 1.5, 1.0]]])[0])
    assert len({tuple(b) for b, _, _ in draws}) > 5                  # a new crop each run
    for b, sz, bb in draws:
        y, x, h, w = b[0], b[1], sz[0], sz[1]
        assert b[2] == 0 and sz[2] == -1 and 0 <= y and y + h <= 100 and 0 <= x and x + w <= 200
        np.testing.assert_allclose(bb[0, 0], [y / 100, x / 200, (y + h) / 100, (x + w) / 200], rtol=1e-6)
        if (h, w) != (100, 200):                                     # not the fallback
            assert 0.1 * 20000 <= h * w <= 0.9 * 20000 + 200
            bx0, by0, bx1, by1 = 60, 20, 160, 60
            inter = max(0, min(x + w, bx1) - max(x, bx0)) * max(0, min(y + h, by1) - max(y, by0))
            assert inter / ((bx1 - bx0) * (by1 - by0)) >= 0.5


def test_non_max_suppression_padded():
    # TF 1.15's signature (pad_to_max_output_size); the selection is non_max_suppression's (recorded from TF)
    with tf.Graph().as_default():
        sel, n = tf.image.non_max_suppression_padded(E["nms_boxes"], E["nms_scores"], 5, 0.4,
                                                     pad_to_max_output_size=True)
        sel2, n2 = tf.image.non_max_suppression_padded(E["nms_boxes"], E["nms_scores"], 5, 0.4)
        assert sel.shape.as_list() == [5]
        got = tf.Session().run([sel, n, sel2, n2])
    expected = list(E["nms_sel"]) if len(E["nms_sel"]) >= 3 else []
    assert got[1] == got[3] == len(got[2]) and list(got[2][:3]) == expected[:3]
    assert list(got[0][:got[1]]) == list(got[2]) and list(got[0][got[1]:]) == [0] * (5 - got[1])
