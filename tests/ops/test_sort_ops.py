"""tf.sort, tf.argsort, tf.searchsorted, tf.roll, tf.cross against NumPy: values, op types, static
shapes and gradients."""

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


X = np.array([[3., 1., 2., 1.], [0., -1., 5., 5.], [2., 2., 2., -3.]])


def test_sort_values_both_directions_and_axes():
    x = tf.constant(X)
    got = run([tf.sort(x), tf.sort(x, direction="DESCENDING"), tf.sort(x, axis=0), tf.sort(x, axis=-2,
                                                                                          direction="DESCENDING")])
    np.testing.assert_array_equal(got[0], np.sort(X, -1))
    np.testing.assert_array_equal(got[1], -np.sort(-X, -1))
    np.testing.assert_array_equal(got[2], np.sort(X, 0))
    np.testing.assert_array_equal(got[3], -np.sort(-X, 0))


def test_argsort_is_stable_in_both_directions():
    x = tf.constant(X)
    asc, desc, ax0 = run([tf.argsort(x), tf.argsort(x, direction="DESCENDING"), tf.argsort(x, axis=0)])
    np.testing.assert_array_equal(asc, np.argsort(X, -1, kind="stable"))
    np.testing.assert_array_equal(desc, np.argsort(-X, -1, kind="stable"))   # ties: lower index first
    np.testing.assert_array_equal(ax0, np.argsort(X, 0, kind="stable"))
    assert tf.argsort(x).dtype == tf.int32


def test_sort_graph_structure_and_shape():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.sort(x, name="s")
    assert y.name.startswith("s/")
    assert y.shape.as_list() == [None, 4]
    assert "TopKV2" in [op.type for op in tf.get_default_graph().get_operations()]
    with pytest.raises(ValueError, match="ASCENDING"):
        tf.sort(x, direction="UP")
    with pytest.raises(ValueError, match="constant scalar"):
        tf.sort(x, axis=tf.placeholder(tf.int32, []))


def test_sort_gradient_scatters_back():
    x = tf.constant(X)
    w = np.arange(12.).reshape(3, 4)
    for direction, axis in (("ASCENDING", -1), ("DESCENDING", 0)):
        g, = run(tf.gradients(tf.reduce_sum(tf.sort(x, axis, direction) * w), x))
        idx = np.argsort(X if direction == "ASCENDING" else -X, axis, kind="stable")
        want = np.zeros_like(X)
        np.put_along_axis(want, idx, w, axis)
        np.testing.assert_array_equal(g, want)


def test_int_sort():
    x = tf.constant([[3, -1, 7, 0]], tf.int32)
    np.testing.assert_array_equal(run(tf.sort(x)), [[-1, 0, 3, 7]])
    np.testing.assert_array_equal(run(tf.argsort(x, direction="DESCENDING")), [[2, 0, 3, 1]])


def test_searchsorted_sides_dtypes_and_shapes():
    seq = np.array([[1., 2., 2., 4.], [0., 0., 1., 3.]])
    vals = np.array([[2., 5., 0.], [0., 2., -1.]])
    left = tf.searchsorted(seq, vals)
    right = tf.searchsorted(seq, vals, side="right", out_type=tf.int64)
    assert left.dtype == tf.int32 and right.dtype == tf.int64
    assert left.op.type == "Reshape" and "LowerBound" in [o.type for o in tf.get_default_graph().get_operations()]
    got_l, got_r = run([left, right])
    np.testing.assert_array_equal(got_l, [np.searchsorted(s, v, "left") for s, v in zip(seq, vals)])
    np.testing.assert_array_equal(got_r, [np.searchsorted(s, v, "right") for s, v in zip(seq, vals)])
    one = tf.searchsorted([1, 3, 5], [0, 3, 6])
    np.testing.assert_array_equal(run(one), [0, 1, 3])
    p = tf.placeholder(tf.float32, [None, 3])
    assert tf.searchsorted(tf.placeholder(tf.float32, [None, 8]), p).shape.as_list() == [None, 3]
    with pytest.raises(ValueError, match="side"):
        tf.searchsorted(seq, vals, side="middle")


def test_roll_values_and_gradient():
    x = tf.constant(X)
    r1, r2, r3 = run([tf.roll(x, 1, 0), tf.roll(x, [1, -2], [0, 1]), tf.roll(x, [1, 5], [1, 1])])
    np.testing.assert_array_equal(r1, np.roll(X, 1, 0))
    np.testing.assert_array_equal(r2, np.roll(X, (1, -2), (0, 1)))
    np.testing.assert_array_equal(r3, np.roll(X, 6, 1))
    y = tf.roll(x, [1, -2], [0, 1])
    assert y.op.type == "Roll" and y.shape.as_list() == [3, 4]
    w = np.arange(12.).reshape(3, 4)
    g, = run(tf.gradients(tf.reduce_sum(y * w), x))
    np.testing.assert_array_equal(g, np.roll(w, (-1, 2), (0, 1)))
    s = tf.placeholder(tf.int32, [])
    np.testing.assert_array_equal(run(tf.roll(x, s, 1), {s: 3}), np.roll(X, 3, 1))


def test_cross_top_level():
    a, b = np.array([[1., 0, 0], [1, 2, 3]]), np.array([[0., 1, 0], [4, 5, 6]])
    c = tf.cross(a, b)
    assert c.op.type == "Cross"
    np.testing.assert_allclose(run(c), np.cross(a, b))
    ta, tb = tf.constant(a), tf.constant(b)
    w = np.array([1., 2., 3.])
    ga, gb = run(tf.gradients(tf.reduce_sum(tf.cross(ta, tb) * w), [ta, tb]))
    np.testing.assert_allclose(ga, np.cross(b, np.broadcast_to(w, b.shape)))   # d(a x b).w/da = b x w
    np.testing.assert_allclose(gb, np.cross(np.broadcast_to(w, a.shape), a))
