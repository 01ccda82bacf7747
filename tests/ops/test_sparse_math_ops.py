"""tf.sparse.add / maximum / minimum / reduce_* / softmax on random SparseTensors against dense NumPy, fed
through tf.sparse_placeholder (run-time indices), with TF1's error classes and the documented deviations."""
import numpy as np
import pytest

import compat_tf as tf
from _sparse_util import assert_canonical, random_sparse, to_dense


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def _feed(ph, indices, values, shape):
    return {ph: tf.SparseTensorValue(indices, values, np.array(shape, np.int64))}


@pytest.mark.parametrize("seed", [0, 1])
def test_add_max_min_match_dense_numpy(seed):
    rs = np.random.RandomState(seed)
    ai, av, ad = random_sparse(rs, [4, 5])
    bi, bv, bd = random_sparse(rs, [4, 5])
    a, b = tf.sparse_placeholder(tf.float32), tf.sparse_placeholder(tf.float32)
    outs = [tf.sparse.add(a, b), tf.sparse.add(a, b, threshold=1.0), tf.sparse.maximum(a, b), tf.sparse.minimum(a, b)]
    feed = {**_feed(a, ai, av, [4, 5]), **_feed(b, bi, bv, [4, 5])}
    with tf.Session() as s:
        total, thresholded, mx, mn = s.run(outs, feed)
    union = (ad != 0) | (bd != 0)
    for got in (total, thresholded, mx, mn):
        assert_canonical(got.indices)
        assert got.dense_shape.tolist() == [4, 5]
    np.testing.assert_allclose(to_dense(total), ad + bd, rtol=1e-6)
    assert {tuple(r) for r in total.indices.tolist()} == {tuple(r) for r in np.argwhere(union).tolist()}
    both = (ad != 0) & (bd != 0)
    dropped = both & (np.abs(ad + bd) < 1.0)
    assert {tuple(r) for r in thresholded.indices.tolist()} == {tuple(r) for r in np.argwhere(union & ~dropped)}
    np.testing.assert_allclose(to_dense(mx), np.where(union, np.maximum(ad, bd), 0))
    np.testing.assert_allclose(to_dense(mn), np.where(union, np.minimum(ad, bd), 0))


def test_add_shape_mismatch_at_run_time_is_invalid_argument():
    a, b = tf.sparse_placeholder(tf.float32), tf.sparse_placeholder(tf.float32)
    out = tf.sparse.add(a, b)
    feed = {**_feed(a, [[0, 0]], [1.0], [2, 3]), **_feed(b, [[0, 0]], [1.0], [3, 3])}
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="shapes do not match"):
        s.run(out, feed)


def test_add_static_shape_mismatch_and_two_dense_inputs_raise_at_build():
    a = tf.SparseTensor([[0, 0]], [1.0], [2, 3])
    with pytest.raises(ValueError):
        tf.sparse.add(a, tf.SparseTensor([[0, 0]], [1.0], [3, 3]))
    with pytest.raises(TypeError, match="At least one input should be SparseTensor"):
        tf.sparse.add(tf.ones([2]), tf.ones([2]))


def test_dense_add_and_its_gradients():
    ind = np.array([[0, 1], [1, 0], [1, 0]], np.int64)      # a repeated index adds twice, as TF1's kernel
    vals = tf.constant([1.0, 2.0, 3.0])
    dense = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    out = tf.sparse.add(dense, tf.SparseTensor(ind, vals, [2, 3]))
    w = np.arange(1, 7, dtype=np.float32).reshape(2, 3)
    gv, gd = tf.gradients(tf.reduce_sum(out * w), [vals, dense])
    with tf.Session() as s:
        o, gv, gd = s.run([out, gv, gd])
    want = np.arange(6, dtype=np.float32).reshape(2, 3)
    want[0, 1] += 1
    want[1, 0] += 5
    np.testing.assert_allclose(o, want)
    np.testing.assert_allclose(gv, [w[0, 1], w[1, 0], w[1, 0]])
    np.testing.assert_allclose(gd, w)


@pytest.mark.parametrize("axis,keepdims", [(None, False), (0, False), (1, True), ([0, 2], False), (-1, True)])
def test_reductions_match_numpy(axis, keepdims):
    rs = np.random.RandomState(3)
    ind, val, dense = random_sparse(rs, [3, 4, 2], density=0.5)
    ph = tf.sparse_placeholder(tf.float32, shape=[3, 4, 2])
    outs = [tf.sparse.reduce_sum(ph, axis, keepdims=keepdims), tf.sparse.reduce_max(ph, axis, keepdims=keepdims),
            tf.sparse.reduce_sum_sparse(ph, axis, keepdims=keepdims)]
    with tf.Session() as s:
        rsum, rmax, rsum_sp = s.run(outs, _feed(ph, ind, val, [3, 4, 2]))
    ax = tuple(range(3)) if axis is None else tuple(np.atleast_1d(axis) % 3)
    np.testing.assert_allclose(rsum, dense.sum(axis=ax, keepdims=keepdims), rtol=1e-5, atol=1e-6)
    present = (dense != 0).any(axis=ax, keepdims=keepdims)
    stored_max = np.where(dense != 0, dense, -np.inf).max(axis=ax, keepdims=keepdims)
    np.testing.assert_allclose(rmax, np.where(present, stored_max, 0))   # implicit zeros ignored, as TF1
    assert_canonical(rsum_sp.indices)
    np.testing.assert_allclose(to_dense(rsum_sp), dense.sum(axis=ax, keepdims=keepdims), rtol=1e-5, atol=1e-6)


def test_reduce_sum_gradient_and_unknown_dense_shape():
    vals = tf.constant([1.0, 2.0, 3.0])
    out = tf.sparse.reduce_sum(tf.SparseTensor([[0, 0], [0, 2], [1, 1]], vals, [2, 3]), 1)
    g, = tf.gradients(tf.reduce_sum(out * [10.0, 100.0]), [vals])
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(g), [10, 10, 100])
    ph = tf.sparse_placeholder(tf.float32)                   # dense_shape fed: the reduction runs on the host
    outs = [tf.sparse.reduce_sum(ph, 0), tf.sparse.reduce_max(ph, 1, keepdims=True)]
    with tf.Session() as s:
        rsum, rmax = s.run(outs, _feed(ph, [[0, 0], [1, 2]], [1.0, -2.0], [2, 3]))
    np.testing.assert_allclose(rsum, [1.0, 0.0, -2.0])
    np.testing.assert_allclose(rmax, [[1.0], [-2.0]])
    fed_vals = tf.placeholder(tf.float32, [None])
    dynamic = tf.sparse.reduce_sum(tf.SparseTensor(ph.indices, fed_vals, ph.dense_shape), 0)
    with pytest.raises(LookupError, match="SparseReduceSum"):
        tf.gradients(tf.reduce_sum(dynamic), [fed_vals])


def test_softmax_matches_numpy_with_unordered_indices():
    rs = np.random.RandomState(5)
    ind, val, dense = random_sparse(rs, [3, 2, 5], density=0.6, shuffle=True)
    ph = tf.sparse_placeholder(tf.float32)
    out = tf.sparse.softmax(ph)
    with tf.Session() as s:
        got = s.run(out, _feed(ph, ind, val, [3, 2, 5]))
    np.testing.assert_array_equal(got.indices, ind)
    for (i, j, k), v in zip(ind, got.values):
        row = dense[i, j][dense[i, j] != 0]
        np.testing.assert_allclose(v, np.exp(dense[i, j, k]) / np.exp(row).sum(), rtol=1e-5)


def test_softmax_rank_one_is_invalid_argument():
    with tf.Session() as s, pytest.raises((tf.errors.InvalidArgumentError, ValueError)):
        s.run(tf.sparse.softmax(tf.SparseTensor([[0]], [1.0], [3])))


def test_no_gradient_through_two_sparse_add_is_a_lookup_error():
    vals = tf.constant([1.0])
    out = tf.sparse.add(tf.SparseTensor([[0, 0]], vals, [2, 2]), tf.SparseTensor([[1, 1]], [2.0], [2, 2]))
    with pytest.raises(LookupError, match="SparseAdd"):
        tf.gradients(tf.reduce_sum(out.values), [vals])


def test_eager_mode_runs_the_host_and_device_sparse_ops():
    from compat_tf._src.eager import context

    with context.eager_mode():
        a = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [1.0, 2.0, 3.0], [2, 3])
        b = tf.SparseTensor([[0, 0], [1, 0]], [1.0, 5.0], [2, 3])
        total = tf.sparse.add(a, b)
        np.testing.assert_allclose(to_dense(tf.SparseTensorValue(total.indices.numpy(), total.values.numpy(),
                                                                 total.dense_shape.numpy())),
                                   [[2.0, 0, 2.0], [5.0, 3.0, 0]])
        np.testing.assert_allclose(tf.sparse.reduce_sum(a, 1).numpy(), [3.0, 3.0])
        np.testing.assert_allclose(tf.sparse.softmax(a).values.numpy(), [1 / (1 + np.e), np.e / (1 + np.e), 1.0],
                                   rtol=1e-6)
