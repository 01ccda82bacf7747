"""tf.contrib.legacy_seq2seq and tf.contrib.seq2seq.sequence_loss against NumPy."""
import numpy as np
import pytest

import compat_tf as tf

legacy = tf.contrib.legacy_seq2seq


def _xent(logits, target):
    z = logits - logits.max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    return -np.take_along_axis(logp, target[..., None], -1)[..., 0]


def test_legacy_sequence_loss_values():
    rng = np.random.RandomState(0)
    logits = [rng.randn(3, 4).astype(np.float32) for _ in range(2)]
    targets = [np.array([0, 3, 1]), np.array([2, 2, 0])]
    weights = [np.array([1.0, 1.0, 0.0], np.float32), np.array([1.0, 0.5, 0.0], np.float32)]
    with tf.Graph().as_default():
        by_ex = legacy.sequence_loss_by_example([tf.constant(x) for x in logits], [tf.constant(t) for t in targets],
                                                [tf.constant(w) for w in weights])
        loss = legacy.sequence_loss([tf.constant(x) for x in logits], [tf.constant(t) for t in targets],
                                    [tf.constant(w) for w in weights])
        with tf.Session() as s:
            by_ex_v, loss_v = s.run([by_ex, loss])
    per = sum(_xent(x, t) * w for x, t, w in zip(logits, targets, weights)) / (weights[0] + weights[1] + 1e-12)
    np.testing.assert_allclose(by_ex_v, per, rtol=1e-5)
    np.testing.assert_allclose(loss_v, per.sum() / 3, rtol=1e-5)
    with pytest.raises(ValueError, match="Lengths of logits, weights, and targets must be the same"):
        legacy.sequence_loss_by_example([1], [1, 2], [1])


def _div_no_nan(a, b):
    return np.where(b == 0, 0.0, a / np.where(b == 0, 1.0, b))


@pytest.mark.parametrize("kwargs, reduce", [
    ({}, lambda c, w: (c * w).sum() / w.sum()),
    ({"average_across_batch": False}, lambda c, w: (c * w).sum(1) / w.sum(1)),
    ({"average_across_timesteps": False}, lambda c, w: _div_no_nan((c * w).sum(0), w.sum(0))),   # 0 for 0/0
    ({"average_across_timesteps": False, "average_across_batch": False}, lambda c, w: c * w),
    ({"average_across_timesteps": False, "average_across_batch": False, "sum_over_timesteps": True,
      "sum_over_batch": True}, lambda c, w: (c * w).sum() / np.count_nonzero(w)),
])
def test_seq2seq_sequence_loss(kwargs, reduce):
    rng = np.random.RandomState(1)
    logits = rng.randn(2, 3, 5).astype(np.float32)
    targets = rng.randint(0, 5, (2, 3))
    weights = np.array([[1, 1, 0], [1, 0, 0]], np.float32)
    with tf.Graph().as_default():
        loss = tf.contrib.seq2seq.sequence_loss(tf.constant(logits), tf.constant(targets), tf.constant(weights),
                                                **kwargs)
        got = tf.Session().run(loss)
    np.testing.assert_allclose(got, reduce(_xent(logits, targets), weights), rtol=1e-5)


def test_rnn_decoder_and_basic_seq2seq_names_and_values():
    rng = np.random.RandomState(2)
    enc = [rng.randn(2, 3).astype(np.float32) for _ in range(2)]
    dec = [rng.randn(2, 3).astype(np.float32) for _ in range(3)]
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicRNNCell(4)
        outputs, state = legacy.basic_rnn_seq2seq([tf.constant(x) for x in enc], [tf.constant(x) for x in dec], cell)
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["basic_rnn_seq2seq/rnn/basic_rnn_cell/kernel", "basic_rnn_seq2seq/rnn/basic_rnn_cell/bias",
                         "basic_rnn_seq2seq/rnn_decoder/basic_rnn_cell/kernel",
                         "basic_rnn_seq2seq/rnn_decoder/basic_rnn_cell/bias"]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            outs, st, (ek, eb, dk, db) = s.run([outputs, state, tf.global_variables()])
    h = np.zeros((2, 4), np.float32)
    for x in enc:
        h = np.tanh(np.concatenate([x, h], 1) @ ek + eb)
    for i, x in enumerate(dec):
        h = np.tanh(np.concatenate([x, h], 1) @ dk + db)
        np.testing.assert_allclose(outs[i], h, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st, h, rtol=1e-5, atol=1e-6)


def test_embedding_rnn_decoder_feed_previous():
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.OutputProjectionWrapper(tf.nn.rnn_cell.GRUCell(3), 5)
        inputs = [tf.constant([1, 2]), tf.constant([0, 0]), tf.constant([0, 0])]
        outputs, _ = legacy.embedding_rnn_decoder(inputs, tf.zeros([2, 3]), cell, 5, 4, feed_previous=True)
        emb = [v for v in tf.global_variables() if v.op.name == "embedding_rnn_decoder/embedding"]
        assert len(emb) == 1 and emb[0].shape.as_list() == [5, 4]
        # fed-back argmax: the later (zero) inputs are ignored, so changing them changes nothing
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            other, _ = legacy.embedding_rnn_decoder([inputs[0], tf.constant([3, 4]), tf.constant([1, 1])],
                                                    tf.zeros([2, 3]), cell, 5, 4, feed_previous=True)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            a, b = s.run([outputs, other])
        np.testing.assert_allclose(a, b, rtol=1e-6)
