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
