"""tf.losses: weighting, reductions and the LOSSES collection against NumPy."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def ev(t):
    with tf.Session() as s:
        return s.run(t)


LABELS = np.array([[1.0, 0.0], [2.0, -1.0], [0.5, 0.5]], np.float32)
PREDS = np.array([[0.5, 0.5], [1.0, 1.0], [0.0, 1.5]], np.float32)


def test_mse_default_reduction_divides_by_nonzero_weights():
    w = np.array([[1.0], [0.0], [2.0]], np.float32)
    loss = tf.losses.mean_squared_error(LABELS, PREDS, weights=w)
    sq = (PREDS - LABELS) ** 2 * w
    assert ev(loss) == pytest.approx(sq.sum() / 4.0)   # 4 elements have non-zero weight
    assert tf.get_collection(tf.GraphKeys.LOSSES) == [loss]


@pytest.mark.parametrize("reduction,expect", [
    ("none", lambda v: v), ("weighted_sum", lambda v: v.sum()), ("weighted_mean", lambda v: v.sum() / 6.0),
    ("weighted_sum_over_batch_size", lambda v: v.sum() / 6.0)])
def test_reductions(reduction, expect):
    loss = tf.losses.absolute_difference(LABELS, PREDS, weights=1.0, reduction=reduction)
    np.testing.assert_allclose(ev(loss), expect(np.abs(PREDS - LABELS)), rtol=1e-6)


def test_huber_and_hinge_and_log_loss():
    d = PREDS - LABELS
    hub = np.where(np.abs(d) <= 1.0, 0.5 * d ** 2, np.abs(d) - 0.5)
    assert ev(tf.losses.huber_loss(LABELS, PREDS)) == pytest.approx(hub.mean(), rel=1e-6)
    lab01 = np.array([[1.0, 0.0]], np.float32)
    logits = np.array([[0.3, -2.0]], np.float32)
    hinge = np.maximum(0, 1 - (2 * lab01 - 1) * logits)
    assert ev(tf.losses.hinge_loss(lab01, logits)) == pytest.approx(hinge.mean(), rel=1e-6)
    p = np.array([[0.9, 0.2]], np.float32)
    ll = -(lab01 * np.log(p + 1e-7) + (1 - lab01) * np.log(1 - p + 1e-7))
    assert ev(tf.losses.log_loss(lab01, p)) == pytest.approx(ll.mean(), rel=1e-5)


def test_shape_mismatch_is_value_error():
    with pytest.raises(ValueError):
        tf.losses.mean_squared_error(np.zeros((3, 2), np.float32), np.zeros((2, 3), np.float32))


def test_total_and_regularization_loss():
    w = tf.get_variable("w", initializer=np.array([1.0, 2.0], np.float32),
                        regularizer=lambda t: tf.reduce_sum(t * t))
    tf.losses.mean_squared_error(LABELS, PREDS)
    total = tf.losses.get_total_loss()
    reg = tf.losses.get_regularization_loss()
    with tf.Session() as s:
        s.run(w.initializer)
        assert s.run(reg) == pytest.approx(5.0)
        assert s.run(total) == pytest.approx(5.0 + ((PREDS - LABELS) ** 2).mean(), rel=1e-6)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="No losses"):
            tf.losses.get_total_loss()
        assert ev(tf.losses.get_regularization_loss()) == 0.0


def test_weights_that_do_not_broadcast_raise_value_error():
    # TF1's weights_broadcast_ops.assert_broadcastable: same rank, each dim 1 or equal; a [4, 1]
    # weight for [4] losses is an error, not a [4, 4] broadcast (recorded from TF 2.21's tf.compat.v1).
    logits = tf.constant(np.ones((4, 3), np.float32))
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.softmax_cross_entropy(tf.one_hot([0, 1, 2, 0], 3), logits, weights=tf.ones([4, 1]))
    with pytest.raises(ValueError, match="weights can not be broadcast to values"):
        tf.losses.mean_squared_error(LABELS, PREDS, weights=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="Mismatch at dim 0"):
        tf.losses.mean_squared_error(LABELS, PREDS, weights=[[1.0], [2.0]])


def test_sparse_softmax_cross_entropy_squeezes_labels_and_weights():
    # TF1's _remove_squeezable_dimensions: [batch, 1] labels and [batch, 1] weights are squeezed.
    # Expected value recorded from TF 2.21's tf.compat.v1: 1.8782105.
    logits = tf.constant([[0.4, 2.0, -1.0], [1.0, 1.0, 3.0], [0.0, 0.5, 0.25], [2.0, -2.0, 0.0]])
    w = tf.constant([[1.0], [0.0], [2.0], [0.5]])
    loss = tf.losses.sparse_softmax_cross_entropy([[0], [2], [1], [1]], logits, w)
    assert loss.shape.as_list() == []
    x = np.array([[0.4, 2.0, -1.0], [1.0, 1.0, 3.0], [0.0, 0.5, 0.25], [2.0, -2.0, 0.0]])
    ce = np.log(np.exp(x).sum(1)) - x[np.arange(4), [0, 2, 1, 1]]
    want = (ce * [1.0, 0.0, 2.0, 0.5]).sum() / 3.0
    assert want == pytest.approx(1.8782105, rel=1e-6)
    assert ev(loss) == pytest.approx(1.8782105, rel=1e-5)
    unreduced = tf.losses.sparse_softmax_cross_entropy([[0], [2], [1], [1]], logits, w, reduction="none")
    assert unreduced.shape.as_list() == [4]
