"""tf.sparse.reorder / reshape / concat with run-time (fed) indices and shapes against NumPy; TF1's errors."""
import numpy as np
import pytest

import compat_tf as tf
from _sparse_util import assert_canonical, random_sparse, sparse_value as _value, to_dense


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def test_reorder_of_shuffled_indices_is_canonical_and_gradients_follow():
    rs = np.random.RandomState(0)
    ind, val, dense = random_sparse(rs, [4, 3, 5], density=0.5, shuffle=True)
    ph = tf.sparse_placeholder(tf.float32)
    out = tf.sparse.reorder(ph)
    with tf.Session() as s:
        got = s.run(out, {ph: _value(ind, val, [4, 3, 5])})
    assert_canonical(got.indices)
    np.testing.assert_allclose(to_dense(got), dense)
    vals = tf.constant([1.0, 2.0, 3.0])
    r = tf.sparse.reorder(tf.SparseTensor([[1, 0], [0, 1], [0, 0]], vals, [2, 2]))
    g, = tf.gradients(tf.reduce_sum(r.values * [1.0, 10.0, 100.0]), [vals])
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(r.values), [3.0, 2.0, 1.0])
        np.testing.assert_allclose(s.run(g), [100.0, 10.0, 1.0])


def test_reshape_with_run_time_shapes_matches_numpy():
    rs = np.random.RandomState(1)
    ind, val, dense = random_sparse(rs, [2, 3, 4], density=0.5)
    ph = tf.sparse_placeholder(tf.float32)
    new_shape = tf.placeholder(tf.int64, [2])
    out = tf.sparse.reshape(ph, new_shape)
    with tf.Session() as s:
        got = s.run(out, {ph: _value(ind, val, [2, 3, 4]), new_shape: [-1, 6]})
        assert got.dense_shape.tolist() == [4, 6]
        np.testing.assert_allclose(to_dense(got), dense.reshape(4, 6))
        with pytest.raises(tf.errors.InvalidArgumentError, match="24 dense values"):
            s.run(out, {ph: _value(ind, val, [2, 3, 4]), new_shape: [5, 5]})


def test_reshape_static_errors_as_tf1():
    sp = tf.SparseTensor([[0, 0]], [1.0], [2, 3])
    with pytest.raises(ValueError, match="Cannot reshape a tensor with 6 elements to shape"):
        tf.sparse.reshape(sp, [4, 2])
    with pytest.raises(ValueError, match="only one output dimension may be -1"):
        tf.sparse.reshape(sp, [-1, -1])
    assert tf.sparse.reshape(sp, [3, -1]).get_shape().as_list() == [3, 2]


def test_concat_of_fed_inputs_matches_numpy_and_is_canonical():
    rs = np.random.RandomState(2)
    parts = [random_sparse(rs, [3, w], density=0.5) for w in (2, 4, 1)]
    phs = [tf.sparse_placeholder(tf.float32) for _ in parts]
    out = tf.sparse.concat(1, phs)
    feed = {ph: _value(i, v, d.shape) for ph, (i, v, d) in zip(phs, parts)}
    with tf.Session() as s:
        got = s.run(out, feed)
    assert_canonical(got.indices)
    np.testing.assert_allclose(to_dense(got), np.concatenate([d for _, _, d in parts], axis=1))


def test_concat_errors():
    with pytest.raises(TypeError, match="Inputs must be a list"):
        tf.sparse.concat(0, tf.SparseTensor([[0]], [1.0], [2]))
    a = tf.sparse_placeholder(tf.float32)
    b = tf.sparse_placeholder(tf.float32)
    out = tf.sparse.concat(0, [a, b])
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError):
        s.run(out, {a: _value([[0, 0]], [1.0], [2, 2]), b: _value([[0, 0]], [1.0], [2, 3])})


def test_string_values_reorder_concat_and_transpose():
    words = tf.SparseTensor([[1, 0], [0, 1]], tf.constant([b"x", b"y"]), [2, 2])
    more = tf.SparseTensor([[0, 0]], tf.constant([b"z"]), [1, 2])
    outs = [tf.sparse.reorder(words), tf.sparse.concat(0, [words, more]), tf.sparse.transpose(words)]
    with tf.Session() as s:
        r, c, t = s.run(outs)
    assert r.indices.tolist() == [[0, 1], [1, 0]] and r.values.tolist() == [b"y", b"x"]
    assert c.indices.tolist() == [[0, 1], [1, 0], [2, 0]] and c.values.tolist() == [b"y", b"x", b"z"]
    assert c.dense_shape.tolist() == [3, 2]
    assert t.indices.tolist() == [[0, 1], [1, 0]] and t.values.tolist() == [b"x", b"y"]
