"""A run that fetches forward values beside a gradient computes the forward pass once
(compat_tf/_src/runtime/lowering.py, _share_gradient_forwards).

The Gradients op re-evaluates its forward ops under jax.vjp; when the same run also needs those
ops' values (the loss fetched with the train op, an RNN's last state, batch-norm statistics), the
Gradients op hands them on instead of the forward ops running a second time. The values must be
those of the unshared evaluation, and what TF1 reads later (a variable through its aliasing
snapshot after an update) must stay late.
"""
import numpy as np
import pytest

import compat_tf as tf
from _jaxprs import step_jaxpr
from _jaxprs import walk as _walk
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import reroll


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def unshared(monkeypatch):
    def off():
        monkeypatch.setattr(lowering, "_share_gradient_forwards", lambda ops, env, needed: (ops, None))
        reroll._found.clear()
    return off


def _count(sess, fetches, feed, names):
    """How many equations of the kinds `names` the step of `sess.run(fetches, feed)` holds."""
    return sum(1 for e in _walk(step_jaxpr(sess, fetches, feed)) if e.primitive.name in names)


def _mlp(seed=0):
    rs = np.random.RandomState(seed)
    x = tf.placeholder(tf.float32, [None, 6])
    y = tf.placeholder(tf.int64, [None])
    h = tf.nn.relu(tf.matmul(x, tf.Variable(rs.randn(6, 8).astype(np.float32))) + tf.Variable(np.zeros(8, np.float32)))
    logits = tf.matmul(h, tf.Variable(rs.randn(8, 3).astype(np.float32)))
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return x, y, loss, tf.train.AdamOptimizer(0.05).minimize(loss)


def _static_rnn(steps=6, units=5, batch=3):
    tf.set_random_seed(3)
    cell = tf.nn.rnn_cell.BasicLSTMCell(units)
    inputs = tf.placeholder(tf.float32, [batch, steps, 4])
    state = cell.zero_state(batch, tf.float32)
    outs = []
    with tf.variable_scope("rnn"):
        for t, x in enumerate(tf.unstack(inputs, axis=1)):
            if t > 0:
                tf.get_variable_scope().reuse_variables()
            out, state = cell(x, state)
            outs.append(out)
    loss = tf.reduce_mean(tf.square(tf.stack(outs)))
    return inputs, loss, state, tf.train.GradientDescentOptimizer(0.5).minimize(loss)


def _mlp_trajectory(mode, policy):
    policy(mode=mode)
    x, y, loss, train = _mlp()
    rs = np.random.RandomState(1)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        losses = [s.run([loss, train], {x: rs.randn(5, 6), y: rs.randint(0, 3, 5)})[0] for _ in range(4)]
        return np.array(losses), s.run(tf.trainable_variables())


@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_loss_and_train_op_give_the_unshared_values(policy, unshared, mode):
    l1, w1 = _mlp_trajectory(mode, policy)
    unshared()
    with tf.Graph().as_default():
        l2, w2 = _mlp_trajectory(mode, policy)
    np.testing.assert_allclose(l1, l2, rtol=1e-6)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_fetching_the_loss_adds_no_forward_pass(policy, unshared):
    """The step of [loss, train] holds as many matrix products as the step of train alone; without
    the sharing it holds the forward products twice."""
    policy(mode="interpret")
    x, y, loss, train = _mlp()
    feed = {x: np.ones((4, 6), np.float32), y: np.zeros(4, np.int64)}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        alone = _count(s, train, feed, {"dot_general"})
        both = _count(s, [loss, train], feed, {"dot_general"})
    unshared()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        before = _count(s, [loss, train], feed, {"dot_general"})
    assert both == alone and before == alone + 2


def test_a_rolled_rnn_runs_its_forward_scan_once(policy, unshared):
    """An RNN's last state fetched with its train op: the forward scan is the gradient's own."""
    policy(mode="interpret")
    inputs, loss, state, train = _static_rnn()
    feed = {inputs: np.random.RandomState(0).randn(3, 6, 4).astype(np.float32)}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        alone = _count(s, train, feed, {"scan"})
        both = _count(s, [loss, state.h, train], feed, {"scan"})
        h = s.run(state.h, feed)
    unshared()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(train, feed)
        before = _count(s, [loss, state.h, train], feed, {"scan"})
        np.testing.assert_allclose(s.run(state.h, feed), h, rtol=1e-5, atol=1e-7)
    assert both == alone and before > alone


def test_a_snapshot_read_after_the_update_still_sees_it():
    """TF1's `w.value()` aliases the variable: read under a control dependency on the update, it
    gives the updated value, though it is also the forward pass's input to the gradient."""
    w = tf.Variable([1.0, -2.0])
    loss = tf.reduce_sum(tf.square(w.value()))
    step = tf.train.GradientDescentOptimizer(0.25).minimize(loss)
    copy = tf.Variable([0.0, 0.0])
    with tf.control_dependencies([step]):
        keep = tf.assign(copy, w.value())
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        got_loss, _ = s.run([loss, keep])
        np.testing.assert_allclose(got_loss, 5.0)
        np.testing.assert_allclose(s.run(copy), [0.5, -1.0])       # w - 0.25 * 2w
        np.testing.assert_allclose(s.run(w), [0.5, -1.0])


def test_higher_order_gradients_fetched_together():
    t = tf.placeholder(tf.float32, [])
    f = t * t * t + tf.sin(t)
    df = tf.gradients(f, t)[0]
    d2f = tf.gradients(df, t)[0]
    d3f = tf.gradients(d2f, t)[0]
    with tf.Session() as s:
        got = s.run([f, df, d2f, d3f], {t: 1.5})
    v = 1.5
    np.testing.assert_allclose(got, [v ** 3 + np.sin(v), 3 * v * v + np.cos(v), 6 * v - np.sin(v), 6 - np.cos(v)],
                               rtol=1e-5)
