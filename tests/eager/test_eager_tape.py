"""tf.GradientTape's rules (values are checked against TF in test_eager_reference.py)."""
import numpy as np
import pytest

import compat_tf as tf


def test_non_persistent_tape_gives_one_gradient():
    v = tf.Variable(2.0)
    with tf.GradientTape() as t:
        y = v * v
    assert t.gradient(y, v).numpy() == 4.0
    with pytest.raises(RuntimeError, match="can only be called once on non-persistent tapes"):
        t.gradient(y, v)


def test_recording_rules():
    t = tf.GradientTape()
    with pytest.raises(RuntimeError, match="stop recording a tape which is not recording"):
        with t.stop_recording():
            pass
    with t:
        with pytest.raises(ValueError, match="re-enter an already-active tape"):
            with t:
                pass
    with tf.GradientTape() as t:
        w = tf.Variable(3.0)             # made inside: its initializer is not recorded, its reads are
        y = w * w
    assert t.watched_variables() == (w,) and t.gradient(y, w).numpy() == 6.0
    x = tf.constant(2.0)
    with tf.GradientTape() as t:
        t.watch(x)
        y = x * x
        t.reset()
        t.watch(x)
        z = x * x * x
    assert t.gradient(z, x).numpy() == 12.0
    with pytest.raises(ValueError, match="not tf.Tensor"):
        tf.GradientTape().watch(3.0)


def test_gradient_op_is_cached_per_recorded_structure(policy):
    from compat_tf._src.eager import gradient_kernels
    from compat_tf._src.runtime import tiers
    policy(mode="auto", compile_after=2, background=False)
    w = tf.Variable(np.ones((3, 2), np.float32))
    before = len(gradient_kernels._grad_kernels)
    for i in range(6):
        x = tf.constant(np.full((4, 3), i, np.float32))
        with tf.GradientTape() as t:
            loss = tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)))
        g = t.gradient(loss, w)
        np.testing.assert_allclose(g.numpy(), np.full((3, 2), 4.0 * i, np.float32))
        if i == 3:
            compiles = tiers.STATS.compiles
    assert len(gradient_kernels._grad_kernels) == before + 1        # one structure for all the steps
    assert tiers.STATS.compiles == compiles              # compiled in the first steps, reused after


def test_tape_memory_does_not_chain_unrecorded_history():
    total = tf.constant(0.0)
    for _ in range(5):
        total = total + 1.0
    assert total.op.inputs == () and total.numpy() == 5.0


def test_gradient_in_graph_mode_uses_tf_gradients():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        v = tf.Variable([1.0, 2.0])
        with tf.GradientTape() as t:
            t.watch(x)
            y = tf.reduce_sum(x * v)
        gx, gv = t.gradient(y, [x, v])
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            assert sess.run([gx, gv], {x: [3.0, 4.0]})[1].tolist() == [3.0, 4.0]
