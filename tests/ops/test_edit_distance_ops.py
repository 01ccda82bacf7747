"""tf.edit_distance (values recorded from TensorFlow)."""
import numpy as np
import pytest

import compat_tf as tf


def test_edit_distance_strings_and_ints():
    with tf.Graph().as_default():
        h = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0], [1, 1, 1]], ["a", "b", "c", "x", "y"],
                            [2, 2, 2])
        t = tf.SparseTensor([[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1], [1, 1, 0]], ["a", "c", "c", "d", "y"],
                            [2, 2, 3])
        e1, e2 = tf.edit_distance(h, t), tf.edit_distance(h, t, normalize=False)
        hi = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [2, 0]], [1, 2, 3, 4], [3, 3])
        ti = tf.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 3, 5], [3, 2])
        e3 = tf.edit_distance(hi, ti)
        assert e1.shape.as_list() == [2, 2] and e3.shape.as_list() == [3] and e1.dtype == tf.float32
        assert e1.op.type == "EditDistance" and e1.op.name == "edit_distance"
        with tf.Session() as s:
            v1, v2, v3 = s.run([e1, e2, e3])
    np.testing.assert_array_equal(v1, [[0.5, 0.5], [np.inf, 0.0]])
    np.testing.assert_array_equal(v2, [[1.0, 1.0], [1.0, 0.0]])
    np.testing.assert_array_equal(v3, [0.5, 1.0, np.inf])


def test_edit_distance_fed_sparse_placeholders():
    with tf.Graph().as_default():
        h, t = tf.sparse_placeholder(tf.int32), tf.sparse_placeholder(tf.int32)
        d = tf.edit_distance(h, t, normalize=False)
        with tf.Session() as s:
            got = s.run(d, {h: ([[0, 0], [0, 1], [0, 2]], [1, 2, 3], [1, 3]),
                            t: ([[0, 0], [0, 1], [0, 2], [0, 3]], [2, 2, 3, 4], [1, 4])})
    np.testing.assert_array_equal(got, [2.0])       # kitten/sitting-like: one substitution, one insertion


def test_edit_distance_errors():
    with pytest.raises(TypeError, match="Hypothesis must be a SparseTensor"):
        tf.edit_distance(tf.constant([1]), tf.SparseTensor([[0]], [1], [1]))
    with tf.Graph().as_default():
        with pytest.raises(TypeError, match="must have the same dtype"):
            tf.edit_distance(tf.SparseTensor([[0]], [1], [1]), tf.SparseTensor([[0]], ["a"], [1]))
