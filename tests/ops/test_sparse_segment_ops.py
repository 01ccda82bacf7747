"""tf.sparse.segment_sum / mean / sqrt_n with static and fed ids against NumPy, gradients to data."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def _numpy(kind, data, idx, seg, n):
    out = np.zeros((n,) + data.shape[1:], data.dtype)
    counts = np.zeros(n)
    for i, s in zip(idx, seg):
        out[s] += data[i]
        counts[s] += 1
    scale = {"sum": np.ones(n), "mean": np.maximum(counts, 1), "sqrt_n": np.sqrt(np.maximum(counts, 1))}[kind]
    return out / scale.reshape(-1, *([1] * (data.ndim - 1)))


@pytest.mark.parametrize("kind", ["sum", "mean", "sqrt_n"])
def test_fed_ids_match_numpy_with_gradient(kind):
    fn = getattr(tf.sparse, "segment_" + kind)
    rs = np.random.RandomState(0)
    data = rs.uniform(-1, 1, (6, 3)).astype(np.float32)
    idx, seg = np.array([5, 0, 0, 3, 2]), np.array([0, 0, 2, 2, 4])
    x = tf.constant(data)
    ids_ph, seg_ph = tf.placeholder(tf.int32, [None]), tf.placeholder(tf.int32, [None])
    out = fn(x, ids_ph, seg_ph)
    with_num = fn(x, idx, seg, num_segments=7)
    w = rs.uniform(-1, 1, (5, 3)).astype(np.float32)
    g, = tf.gradients(tf.reduce_sum(out * w), [x])
    with tf.Session() as s:
        got, got_num, grad = s.run([out, with_num, g], {ids_ph: idx, seg_ph: seg})
    np.testing.assert_allclose(got, _numpy(kind, data, idx, seg, 5), rtol=1e-6)
    np.testing.assert_allclose(got_num, _numpy(kind, data, idx, seg, 7), rtol=1e-6)
    scale = {"sum": 1.0, "mean": 1.0 / np.array([2, 1, 2, 1, 1]), "sqrt_n": 1.0 / np.sqrt([2, 1, 2, 1, 1])}[kind]
    want = np.zeros_like(data)
    for i, sg in zip(idx, seg):
        want[i] += (w * np.reshape(scale, (-1, 1)) if kind != "sum" else w)[sg]
    np.testing.assert_allclose(grad, want, rtol=1e-5)


def test_errors_as_tf1():
    x = tf.constant(np.ones((3, 2), np.float32))
    ids = tf.placeholder(tf.int32, [None])
    out = tf.sparse.segment_sum(x, [0, 1, 2], ids)
    bad = tf.sparse.segment_mean(x, [0, 3, 1], [0, 0, 1])
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
            s.run(out, {ids: [1, 0, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
            s.run(bad)
