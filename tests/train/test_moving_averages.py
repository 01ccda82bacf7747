"""tf.train.ExponentialMovingAverage: shadow variables, decay with num_updates, names, restore map."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_plain_decay_history():
    v = tf.Variable([1.0, 2.0], name="v")
    ema = tf.train.ExponentialMovingAverage(0.5)
    maintain = ema.apply([v])
    avg = ema.average(v)
    assert avg.name == "v/ExponentialMovingAverage:0" and not avg.trainable
    assert ema.average_name(v) == "v/ExponentialMovingAverage"
    assert tf.moving_average_variables() == [v]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(avg), [1.0, 2.0])     # starts at the variable's initial value
        hist = []
        for target in ([3.0, 0.0], [5.0, -2.0], [5.0, -2.0]):
            s.run(tf.assign(v, target))
            s.run(maintain)
            hist.append(s.run(avg).tolist())
    assert hist == [[2.0, 1.0], [3.5, -0.5], [4.25, -1.25]]


def test_num_updates_caps_the_decay_and_training_pattern():
    w = tf.Variable([4.0], name="w")
    gs = tf.Variable(0, name="global_step", trainable=False)
    opt = tf.train.GradientDescentOptimizer(0.25)
    apply_op = opt.apply_gradients(opt.compute_gradients(w * w), global_step=gs)
    ema = tf.train.ExponentialMovingAverage(0.99, num_updates=gs)
    with tf.control_dependencies([apply_op]):
        averages_op = ema.apply(tf.trainable_variables())
    with tf.control_dependencies([apply_op, averages_op]):
        train_op = tf.no_op(name="train")
    ref_w, ref_avg = 4.0, 4.0
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for step in range(4):
            s.run(train_op)
            ref_w -= 0.25 * 2 * ref_w
            n = step + 1                      # the average runs after the global step's increment
            decay = min(0.99, (1.0 + n) / (10.0 + n))
            ref_avg -= (1 - decay) * (ref_avg - ref_w)
        np.testing.assert_allclose(s.run(w), [ref_w], rtol=1e-6)
        np.testing.assert_allclose(s.run(ema.average(w)), [ref_avg], rtol=1e-6)


def test_variables_to_restore_maps_averages_onto_variables():
    w = tf.Variable(1.0, name="w")
    b = tf.Variable(2.0, name="b")
    gs = tf.Variable(0, name="global_step", trainable=False)
    ema = tf.train.ExponentialMovingAverage(0.9)
    ema.apply([w])
    restore = ema.variables_to_restore()
    assert restore == {"w/ExponentialMovingAverage": w, "b/ExponentialMovingAverage": b, "global_step": gs}
    assert ema.average(b) is None


def test_zero_debiased_average_of_a_tensor():
    x = tf.placeholder(tf.float32, [2], name="x")
    t = tf.identity(x, name="t")
    ema = tf.train.ExponentialMovingAverage(0.5, zero_debias=True)
    update = ema.apply([t])
    names = sorted(v.name for v in tf.global_variables())
    assert names == ["t/ExponentialMovingAverage/biased:0", "t/ExponentialMovingAverage/local_step:0",
                     "t/ExponentialMovingAverage:0"]
    assert tf.moving_average_variables() == []      # only Variables are recorded there
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(update, {x: [3.0, 0.0]})
        np.testing.assert_allclose(s.run(ema.average(t)), [3.0, 0.0])        # debiased: no pull to 0
        s.run(update, {x: [5.0, -2.0]})
        np.testing.assert_allclose(s.run(ema.average(t)), [13 / 3, -4 / 3], rtol=1e-6)


def test_integer_variables_are_rejected():
    with pytest.raises(TypeError, match="half, float, or double"):
        tf.train.ExponentialMovingAverage(0.9).apply([tf.Variable(1, name="i")])
