"""Parity with real TensorFlow (tf.compat.v1): every tf.losses function x weights x Reduction.

Values and gradients (w.r.t. labels, predictions and weights), or the same exception type when
TF rejects the weights' shape at build time. Skipped without tensorflow; run this directory on
its own (`pytest tests/oracle`).
"""
import numpy as np
import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

import compat_tf  # noqa: E402

pytestmark = pytest.mark.oracle
RS = np.random.RandomState(0)
LAB = RS.uniform(0, 1, (4, 3)).astype(np.float32)
PRED = RS.uniform(0.05, 0.95, (4, 3)).astype(np.float32)
W_COL = np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)
W_FULL = np.array([[1.0, 0, 2], [0, 0, 0], [2.0, 1, 0], [0.5, 0.5, 0.5]], np.float32)

REDUCTIONS = ["none", "weighted_sum", "weighted_mean", "weighted_sum_over_batch_size",
              "weighted_sum_by_nonzero_weights"]
WEIGHTS = {"default": None, "scalar": 2.0, "col": W_COL, "full": W_FULL, "zero": np.zeros_like(W_FULL),
           "row": W_COL[:, 0], "wrong_rank_3": W_FULL[None]}

LOSSES = {
    "mean_squared_error": lambda tf, lab, p, kw: tf.losses.mean_squared_error(lab, p, **kw),
    "absolute_difference": lambda tf, lab, p, kw: tf.losses.absolute_difference(lab, p, **kw),
    "huber_loss": lambda tf, lab, p, kw: tf.losses.huber_loss(lab, p * 3, delta=0.5, **kw),
    "log_loss": lambda tf, lab, p, kw: tf.losses.log_loss(tf.round(lab), p, **kw),
    "hinge_loss": lambda tf, lab, p, kw: tf.losses.hinge_loss(tf.round(lab), p * 2 - 1, **kw),
    "sigmoid_cross_entropy": lambda tf, lab, p, kw: tf.losses.sigmoid_cross_entropy(
        tf.round(lab), p * 4 - 2, label_smoothing=0.1, **kw),
    "softmax_cross_entropy": lambda tf, lab, p, kw: tf.losses.softmax_cross_entropy(
        tf.nn.softmax(lab * 3), p * 4, label_smoothing=0.2, **kw),
    "sparse_softmax_cross_entropy": lambda tf, lab, p, kw: tf.losses.sparse_softmax_cross_entropy(
        tf.argmax(lab, 1), p * 4, **kw),
    "sparse_softmax_cross_entropy_col_labels": lambda tf, lab, p, kw: tf.losses.sparse_softmax_cross_entropy(
        tf.expand_dims(tf.argmax(lab, 1), 1), p * 4, **kw),
    "cosine_distance": lambda tf, lab, p, kw: tf.losses.cosine_distance(
        tf.nn.l2_normalize(lab, 1), tf.nn.l2_normalize(p, 1), axis=1, **kw),
}


def _run(tf, loss_name, weights, reduction):
    with tf.Graph().as_default():
        lab = tf.placeholder(tf.float32, LAB.shape)
        pred = tf.placeholder(tf.float32, PRED.shape)
        feeds = {lab: LAB, pred: PRED}
        kw = {"reduction": reduction}
        w = None
        if weights is not None:
            if isinstance(weights, float):
                kw["weights"] = weights
            else:
                w = tf.placeholder(tf.float32, weights.shape)
                feeds[w] = weights
                kw["weights"] = w
        try:
            loss = LOSSES[loss_name](tf, lab, pred, kw)
        except (ValueError, TypeError) as e:
            return type(e)
        xs = [x for x in (lab, pred, w) if x is not None]
        total = tf.reduce_sum(tf.reshape(loss, [-1]) * tf.cast(tf.range(1, tf.size(loss) + 1), tf.float32))
        grads = tf.gradients(total, xs)
        with tf.Session() as sess:
            out = sess.run([loss] + [g for g in grads if g is not None], feeds)
            coll = len(tf.get_collection(tf.GraphKeys.LOSSES))
        return out[0], out[1:], [g is None for g in grads], loss.shape.as_list(), coll


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weights", sorted(WEIGHTS))
@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_loss_matches_tensorflow(loss_name, weights, reduction):
    want = _run(real_tf, loss_name, WEIGHTS[weights], reduction)
    got = _run(compat_tf, loss_name, WEIGHTS[weights], reduction)
    if isinstance(want, type):
        assert got is want, f"TF raises {want.__name__}; compat_tf gave {got}"
        return
    assert not isinstance(got, type), f"compat_tf raised {got.__name__}; TF builds the loss"
    np.testing.assert_allclose(got[0], want[0], rtol=1e-5, atol=1e-6)
    assert got[2] == want[2] and got[3] == want[3] and got[4] == want[4]
    for g, w in zip(got[1], want[1]):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)
