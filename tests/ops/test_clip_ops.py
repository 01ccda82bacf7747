"""Clipping ops against NumPy re-implementations of TF1's clip_ops.py: values, None handling, gradients."""

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def numeric_grad(np_fn, x, w, eps=1e-6):
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (np.sum(w * np_fn(xp)) - np.sum(w * np_fn(xm))) / (2 * eps)
    return g


def check(tf_fn, np_fn, x, rtol=1e-6, atol=1e-8):
    x = np.asarray(x, np.float64)
    t = tf.constant(x)
    y = tf_fn(t)
    w = np.asarray(np.random.RandomState(0).randn(*np.shape(np_fn(x))), np.float64)
    g = tf.gradients(y, t, grad_ys=tf.constant(w))[0]
    got_y, got_g = run([y, g])
    np.testing.assert_allclose(got_y, np_fn(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got_g, numeric_grad(np_fn, x, w), rtol=rtol, atol=atol)


RS = np.random.RandomState(11)


# --------------------------------------------------------------------------------------------
# clip_by_value
# --------------------------------------------------------------------------------------------

def test_clip_by_value_values_and_graph():
    v = np.array([-3.0, -1.0, 0.5, 2.0, 5.0], np.float32)
    t = tf.clip_by_value(tf.constant(v), -1.0, 2.0)
    assert t.dtype == tf.float32 and t.op.name == "clip_by_value" and t.op.type == "Maximum"   # as TF 1.15
    np.testing.assert_array_equal(run(t), np.clip(v, -1.0, 2.0))
    np.testing.assert_array_equal(run(tf.clip_by_value(tf.constant([-9, 0, 9]), -8, 8)), [-8, 0, 8])
    lo, hi = tf.constant([0.0, 1.0, 1.0, 0.0, 0.0], tf.float32), tf.constant([1.0, 2.0, 3.0, 1.0, 4.0], tf.float32)
    np.testing.assert_array_equal(run(tf.clip_by_value(tf.constant(v), lo, hi)), [0, 1, 1, 1, 4])


def test_clip_by_value_gradient_is_zero_outside_and_one_on_boundaries():
    x = tf.constant([-3.0, -1.0, 0.5, 2.0, 5.0])
    g = run(tf.gradients(tf.clip_by_value(x, -1.0, 2.0), x)[0])
    np.testing.assert_array_equal(g, [0, 1, 1, 1, 0])   # TF1: ties go to t
    check(lambda t: tf.clip_by_value(t, -0.5, 0.5), lambda v: np.clip(v, -0.5, 0.5), RS.uniform(-1, 1, (3, 4)))


def test_clip_by_value_gradients_to_bounds():
    x = tf.constant([-3.0, 0.0, 5.0, 1.0])
    lo, hi = tf.constant(-1.0), tf.constant(1.0)
    gx, glo, ghi = run(tf.gradients(tf.clip_by_value(x, lo, hi), [x, lo, hi]))
    np.testing.assert_array_equal(gx, [0, 1, 0, 1])
    assert glo == 1.0 and ghi == 1.0


def test_clip_by_value_rejects_broadcasting_t():
    with pytest.raises(ValueError):
        tf.clip_by_value(tf.zeros([3]), tf.zeros([2, 3]), 1.0)
    with pytest.raises(TypeError):
        tf.clip_by_value(tf.constant([1, 2]), 0.5, 1.5)


def test_clip_by_value_op_registered_for_imported_graphs():
    # TF1 also has a ClipByValue kernel; its gradient passes where lo <= t <= hi
    from compat_tf._src.ops import math_ops
    x = tf.constant([-3.0, -1.0, 0.5, 2.0, 5.0])
    c = math_ops.clip_by_value_raw(x, -1.0, 2.0)
    assert c.op.type == "ClipByValue"
    got, g = run([c, tf.gradients(c, x)[0]])
    np.testing.assert_array_equal(got, [-1, -1, 0.5, 2, 2])
    np.testing.assert_array_equal(g, [0, 1, 1, 1, 0])


# --------------------------------------------------------------------------------------------
# clip_by_norm
# --------------------------------------------------------------------------------------------

def np_clip_by_norm(t, clip_norm, axes=None):
    l2 = np.sqrt(np.sum(t * t, axis=axes, keepdims=True))
    return t * clip_norm / np.maximum(l2, clip_norm)


@pytest.mark.parametrize("clip", [0.5, 100.0])
@pytest.mark.parametrize("axes", [None, [1], [0], [0, 1]], ids=str)
def test_clip_by_norm_values_and_gradients(axes, clip):
    x = RS.randn(3, 4)
    np_axes = tuple(axes) if axes else None
    t = tf.clip_by_norm(tf.constant(x), clip, axes=axes)
    assert t.shape.as_list() == [3, 4] and t.dtype == tf.float64
    check(lambda v: tf.clip_by_norm(v, clip, axes=axes), lambda v: np_clip_by_norm(v, clip, np_axes), x)


def test_clip_by_norm_examples_and_zero_tensor():
    got = run([tf.clip_by_norm(tf.constant([3.0, 4.0]), 2.5), tf.clip_by_norm(tf.constant([3.0, 4.0]), 10.0),
               tf.clip_by_norm(tf.constant([[3.0, 4.0], [0.3, 0.4]]), 1.0, axes=[1])])
    np.testing.assert_allclose(got[0], [1.5, 2.0], rtol=1e-6)
    np.testing.assert_allclose(got[1], [3.0, 4.0])
    np.testing.assert_allclose(got[2], [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)
    z = tf.zeros([3], tf.float64)
    c = tf.clip_by_norm(z, 1.0)
    out, g = run([c, tf.gradients(c, z)[0]])
    np.testing.assert_array_equal(out, [0, 0, 0])
    assert np.isfinite(g).all()     # TF1's two-tap where keeps the gradient finite at 0
    np.testing.assert_allclose(g, [1, 1, 1])


def test_clip_by_norm_tensor_clip_and_dtype():
    t = tf.clip_by_norm(tf.constant([3.0, 4.0], tf.float32), tf.constant(1.0))
    assert t.dtype == tf.float32
    np.testing.assert_allclose(run(t), [0.6, 0.8], rtol=1e-6)


# --------------------------------------------------------------------------------------------
# global_norm / clip_by_global_norm
# --------------------------------------------------------------------------------------------

def test_global_norm_ignores_none():
    a, b = RS.randn(2, 3), RS.randn(4)
    n = tf.global_norm([tf.constant(a), None, tf.constant(b)])
    np.testing.assert_allclose(run(n), np.sqrt(np.sum(a * a) + np.sum(b * b)), rtol=1e-12)
    with pytest.raises(TypeError):
        tf.global_norm(tf.constant(a))


def test_clip_by_global_norm_values_none_and_norm():
    a, b = np.array([3.0, 4.0], np.float32), np.array([[12.0]], np.float32)
    clipped, norm = tf.clip_by_global_norm([tf.constant(a), None, tf.constant(b)], 6.5)
    assert isinstance(clipped, list) and len(clipped) == 3 and clipped[1] is None
    ca, cb, n = run([clipped[0], clipped[2], norm])
    np.testing.assert_allclose(n, 13.0, rtol=1e-6)
    np.testing.assert_allclose(ca, a * 0.5, rtol=1e-6)
    np.testing.assert_allclose(cb, b * 0.5, rtol=1e-6)
    small, n2 = tf.clip_by_global_norm((tf.constant([0.3, 0.4]),), 6.5)
    s, n2v = run([small[0], n2])
    np.testing.assert_allclose(s, [0.3, 0.4], rtol=1e-6)
    np.testing.assert_allclose(n2v, 0.5, rtol=1e-6)
    with pytest.raises(TypeError):
        tf.clip_by_global_norm(tf.constant(a), 1.0)


def test_clip_by_global_norm_use_norm_and_zero_norm():
    a = tf.constant([3.0, 4.0])
    clipped, norm = tf.clip_by_global_norm([a], 1.0, use_norm=tf.constant(10.0))
    c, n = run([clipped[0], norm])
    np.testing.assert_allclose(c, [0.3, 0.4], rtol=1e-6)
    assert n == 10.0
    z, _ = tf.clip_by_global_norm([tf.zeros([2])], 1.0)
    np.testing.assert_array_equal(run(z[0]), [0, 0])


def test_clip_by_global_norm_inf_or_nan_norm_gives_nan():
    for bad in (np.inf, np.nan):
        clipped, norm = tf.clip_by_global_norm([tf.constant([1.0, bad]), tf.constant([2.0])], 1.0)
        c0, c1, n = run([clipped[0], clipped[1], norm])
        assert np.isnan(c0).all() and np.isnan(c1).all()
        assert np.isnan(n) or np.isinf(n)


def test_clip_by_global_norm_gradient():
    a, b = RS.randn(3), RS.randn(2, 2)

    def np_fn(x, y, clip=0.7):
        n = np.sqrt(np.sum(x * x) + np.sum(y * y))
        s = clip / max(n, clip)
        return np.concatenate([x * s, (y * s).reshape(-1)])
    x, y = tf.constant(a), tf.constant(b)
    (cx, cy), _ = tf.clip_by_global_norm([x, y], 0.7)
    out = tf.concat([cx, tf.reshape(cy, [-1])], 0)
    w = RS.randn(7)
    gx, gy = run(tf.gradients(out, [x, y], grad_ys=tf.constant(w)))
    np.testing.assert_allclose(gx, numeric_grad(lambda v: np_fn(v, b), a, w), rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(gy, numeric_grad(lambda v: np_fn(a, v), b, w), rtol=1e-6, atol=1e-8)


# --------------------------------------------------------------------------------------------
# clip_by_average_norm
# --------------------------------------------------------------------------------------------

def np_clip_by_average_norm(t, clip):
    n = t.size
    return t * clip * np.minimum(n / np.sqrt(np.sum(t * t)), 1.0 / clip)


@pytest.mark.parametrize("clip", [0.1, 10.0])
def test_clip_by_average_norm_values_and_gradients(clip):
    x = RS.randn(2, 3)
    check(lambda v: tf.clip_by_average_norm(v, clip), lambda v: np_clip_by_average_norm(v, clip), x)
    got = run(tf.clip_by_average_norm(tf.constant([3.0, 4.0]), 1.0))   # average norm 2.5 > 1
    np.testing.assert_allclose(got, [1.2, 1.6], rtol=1e-6)


def test_op_names_follow_tf1():
    clipped, norm = tf.clip_by_global_norm([tf.constant([3.0, 4.0]), None, tf.constant([1.0])], 1.0)
    assert norm.name == "global_norm/global_norm:0"
    assert clipped[0].name == "clip_by_global_norm/clip_by_global_norm/_0:0"
    assert clipped[2].name == "clip_by_global_norm/clip_by_global_norm/_2:0"
    c = tf.clip_by_norm(tf.constant([3.0, 4.0]), 1.0)
    assert c.op.type == "Identity" and c.name == "clip_by_norm:0"
    with pytest.raises(ValueError):
        tf.clip_by_norm(tf.constant([3.0, 4.0]), tf.constant([[1.0], [2.0]]))
