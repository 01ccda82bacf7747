"""A character-level language model in the structure of the public TF1 project "char-rnn-tensorflow":
two LSTM layers of 128 units unrolled statically over 50 time steps, batches of 50, a
65-character vocabulary (tinyshakespeare's), on synthetic text.

As the project does: inputs split into 50 time steps and fed through `legacy_seq2seq.rnn_decoder`
(written out below: the cell applied step by step in one variable scope, reusing its variables),
`sequence_loss_by_example` (per-step sparse softmax cross entropy, averaged), gradients clipped by
global norm 5, Adam with a learning-rate variable assigned each epoch, and the LSTM state carried
from batch to batch by feeding each layer's c and h. 40 training steps; the first step (where
the unrolled graph is first run) and the steady steps are reported separately.
"""
import time

import numpy as np
import tensorflow as tf

from _timing import phase, record, report

RNN, LAYERS, BATCH, SEQ, VOCAB, STEPS = 128, 2, 50, 50, 65, 40
rs = np.random.RandomState(0)
text = rs.randint(0, VOCAB, BATCH * SEQ * STEPS + 1)
xdata = text[:-1].reshape(BATCH, -1)
ydata = text[1:].reshape(BATCH, -1)


def rnn_decoder(decoder_inputs, initial_state, cell, scope=None):
    """tf.contrib.legacy_seq2seq.rnn_decoder (TF 1.x), as the project calls it."""
    with tf.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                tf.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
    return outputs, state


def sequence_loss_by_example(logits, targets, weights):
    """tf.contrib.legacy_seq2seq.sequence_loss_by_example (TF 1.x), averaged across time steps."""
    log_perp_list = [tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=lg) * w
                     for lg, t, w in zip(logits, targets, weights)]
    return tf.add_n(log_perp_list) / (tf.add_n(weights) + 1e-12)


with phase("total"):
    with phase("build"):
        cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(RNN) for _ in range(LAYERS)])
        input_data = tf.placeholder(tf.int32, [BATCH, SEQ])
        targets = tf.placeholder(tf.int32, [BATCH, SEQ])
        initial_state = cell.zero_state(BATCH, tf.float32)
        with tf.variable_scope("rnnlm"):
            softmax_w = tf.get_variable("softmax_w", [RNN, VOCAB])
            softmax_b = tf.get_variable("softmax_b", [VOCAB])
            embedding = tf.get_variable("embedding", [VOCAB, RNN])
            inputs = tf.split(tf.nn.embedding_lookup(embedding, input_data), SEQ, 1)
            inputs = [tf.squeeze(i, [1]) for i in inputs]
        outputs, last_state = rnn_decoder(inputs, initial_state, cell, scope="rnnlm")
        output = tf.reshape(tf.concat(outputs, 1), [-1, RNN])
        logits = tf.matmul(output, softmax_w) + softmax_b
        loss = sequence_loss_by_example([logits], [tf.reshape(targets, [-1])], [tf.ones([BATCH * SEQ])])
        cost = tf.reduce_sum(loss) / BATCH / SEQ
        lr = tf.Variable(0.0, trainable=False)
        tvars = tf.trainable_variables()
        grads, _ = tf.clip_by_global_norm(tf.gradients(cost, tvars), 5.0)
        train_op = tf.train.AdamOptimizer(lr).apply_gradients(zip(grads, tvars))

    with tf.Session() as sess:
        with phase("init"):
            sess.run(tf.global_variables_initializer())
            sess.run(tf.assign(lr, 0.002))
            state = sess.run(initial_state)
        steps = []
        for b in range(STEPS):
            feed = {input_data: xdata[:, b * SEQ:(b + 1) * SEQ], targets: ydata[:, b * SEQ:(b + 1) * SEQ]}
            for i, (c, h) in enumerate(initial_state):
                feed[c] = state[i].c
                feed[h] = state[i].h
            t = time.perf_counter()
            train_loss, state, _ = sess.run([cost, last_state, train_op], feed)
            steps.append(time.perf_counter() - t)
            if b % 10 == 0:
                print(f"{b}/{STEPS}, train_loss = {train_loss:.3f}, time/batch = {steps[-1]:.3f}")
        record("first_step", steps[0])
        record("steady_step_median", float(np.median(steps[-10:])))

report()
