"""tf.train learning-rate schedules against TF1's formulas, and a decayed rate driving training."""
import math

import numpy as np
import pytest

import compat_tf as tf

STEPS = [0, 1, 2, 3, 4, 5, 7, 10, 15]


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _values(make):
    step = tf.placeholder(tf.int32, [], name="step")
    rate = make(step)
    with tf.Session() as s:
        return rate, np.array([s.run(rate, {step: k}) for k in STEPS], np.float64)


def _poly(lr, k, steps, end, power, cycle):
    if cycle:
        steps = steps * (1.0 if k == 0 else math.ceil(k / steps))
    else:
        k = min(k, steps)
    return (lr - end) * (1 - k / steps) ** power + end


SCHEDULES = [
    ("exp", lambda s: tf.train.exponential_decay(0.1, s, 3, 0.5), lambda k: 0.1 * 0.5 ** (k / 3)),
    ("exp_stair", lambda s: tf.train.exponential_decay(0.1, s, 3, 0.5, staircase=True),
     lambda k: 0.1 * 0.5 ** (k // 3)),
    ("natural_exp", lambda s: tf.train.natural_exp_decay(0.1, s, 2, 0.5),
     lambda k: 0.1 * math.exp(-0.5 * k / 2)),
    ("natural_exp_stair", lambda s: tf.train.natural_exp_decay(0.1, s, 2, 0.5, staircase=True),
     lambda k: 0.1 * math.exp(-0.5 * (k // 2))),
    ("inv_time", lambda s: tf.train.inverse_time_decay(0.1, s, 2, 0.5), lambda k: 0.1 / (1 + 0.5 * k / 2)),
    ("inv_time_stair", lambda s: tf.train.inverse_time_decay(0.1, s, 2, 0.5, staircase=True),
     lambda k: 0.1 / (1 + 0.5 * (k // 2))),
    ("poly", lambda s: tf.train.polynomial_decay(0.1, s, 10, end_learning_rate=0.01, power=0.5),
     lambda k: _poly(0.1, k, 10, 0.01, 0.5, False)),
    ("poly_linear", lambda s: tf.train.polynomial_decay(0.1, s, 10),
     lambda k: _poly(0.1, k, 10, 1e-4, 1.0, False)),
    ("poly_cycle",
     lambda s: tf.train.polynomial_decay(0.1, s, 4, end_learning_rate=0.01, power=2.0, cycle=True),
     lambda k: _poly(0.1, k, 4, 0.01, 2.0, True)),
    ("cosine", lambda s: tf.train.cosine_decay(0.1, s, 10, alpha=0.1),
     lambda k: 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * min(k, 10) / 10)) + 0.1)),
    ("linear_cosine",
     lambda s: tf.train.linear_cosine_decay(0.1, s, 10, num_periods=1.0, alpha=0.1, beta=0.01),
     lambda k: 0.1 * ((0.1 + (10 - min(k, 10)) / 10) * 0.5 * (1 + math.cos(2 * math.pi * min(k, 10) / 10))
                      + 0.01)),
    ("sgdr_t1", lambda s: tf.train.cosine_decay_restarts(0.1, s, 4, t_mul=1.0, m_mul=0.5),
     lambda k: 0.1 * 0.5 * 0.5 ** (k // 4) * (1 + math.cos(math.pi * (k / 4 - k // 4)))),
]


def _sgdr(k, first, t_mul, m_mul):
    frac = k / first
    i = math.floor(math.log(1 - frac * (1 - t_mul)) / math.log(t_mul))
    frac = (frac - (1 - t_mul ** i) / (1 - t_mul)) / t_mul ** i
    return 0.1 * 0.5 * m_mul ** i * (1 + math.cos(math.pi * frac))


SCHEDULES.append(("sgdr_t2", lambda s: tf.train.cosine_decay_restarts(0.1, s, 2, t_mul=2.0, m_mul=0.5),
                  lambda k: _sgdr(k, 2, 2.0, 0.5)))


@pytest.mark.parametrize("make, formula", [s[1:] for s in SCHEDULES], ids=[s[0] for s in SCHEDULES])
def test_schedule_matches_tf1_formula(make, formula):
    rate, got = _values(make)
    assert rate.dtype == tf.float32
    np.testing.assert_allclose(got, [formula(k) for k in STEPS], rtol=2e-6, atol=1e-8)


def test_piecewise_constant():
    rate, got = _values(lambda s: tf.train.piecewise_constant(s, [3, 6], [1.0, 0.5, 0.1]))
    np.testing.assert_allclose(got, [1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.1, 0.1, 0.1], rtol=1e-7)
    assert rate.dtype == tf.float32
    # int64 step, float boundaries cast to the step's dtype; one boundary
    step = tf.placeholder(tf.int64, [])
    one = tf.train.piecewise_constant_decay(step, [5.0], [2.0, 3.0])
    with tf.Session() as s:
        assert [s.run(one, {step: k}) for k in (4, 5, 6)] == [2.0, 2.0, 3.0]


def test_schedule_argument_errors():
    with pytest.raises(ValueError, match="global_step is required"):
        tf.train.exponential_decay(0.1, None, 3, 0.5)
    with pytest.raises(ValueError, match="1 less than"):
        tf.train.piecewise_constant(tf.constant(1), [1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="same dtype"):
        tf.train.piecewise_constant(tf.constant(1), [1], [0.1, tf.constant(1, tf.int32)])


def test_decayed_rate_follows_the_global_step_during_training():
    w = tf.Variable(5.0, name="w")
    gs = tf.train.get_or_create_global_step()
    lr = tf.train.exponential_decay(0.2, gs, 2, 0.5, staircase=True)
    train = tf.train.GradientDescentOptimizer(lr).minimize(w * w, global_step=gs)
    ref_w, rates = 5.0, []
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for k in range(5):
            rates.append(s.run(lr))
            s.run(train)
            ref_w -= 0.2 * 0.5 ** (k // 2) * 2 * ref_w
        np.testing.assert_allclose(rates, [0.2, 0.2, 0.1, 0.1, 0.05], rtol=1e-6)
        np.testing.assert_allclose(s.run(w), ref_w, rtol=1e-5)
        assert s.run(gs) == 5
