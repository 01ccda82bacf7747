"""tf.ConditionalAccumulator: apply_grad / take_grad / num_accumulated / set_global_step as TF 1.15's
kernel (the same program gives the same values in tf.compat.v1), blocking and errors."""
import threading
import time

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import errors


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _acc(**kw):
    acc = tf.ConditionalAccumulator(tf.float32, shape=[2], **kw)
    g = tf.placeholder(tf.float32, [None])
    step = tf.placeholder(tf.int64, [])
    return acc, g, step, acc.apply_grad(g, local_step=step)


def test_mean_stale_gradients_and_global_step():
    acc, g, step, apply = _acc()
    take, n = acc.take_grad(2), acc.num_accumulated()
    assert acc.name == "conditional_accumulator" and take.shape.as_list() == [2]
    assert n.name == "conditional_accumulator_NumAccumulated:0" and n.dtype == tf.int32
    with tf.Session() as s:
        s.run(apply, {g: [1, 2], step: 0})
        s.run(apply, {g: [3, 4], step: 0})
        assert s.run(n) == 2
        np.testing.assert_allclose(s.run(take), [2, 3])
        assert s.run(n) == 0
        s.run(apply, {g: [1, 1], step: 0})      # older than the global step (now 1): dropped
        assert s.run(n) == 0
        s.run(acc.set_global_step(5))
        s.run(apply, {g: [1, 1], step: 4})
        s.run(apply, {g: [5, 7], step: 5})
        assert s.run(n) == 1


def test_take_blocks_until_enough_and_sum_reduction():
    acc, g, step, apply = _acc(reduction_type="SUM")
    take = acc.take_grad(2)
    with tf.Session() as s:
        s.run(apply, {g: [1, 1], step: 0})
        producer = threading.Thread(target=lambda: (time.sleep(0.2), s.run(apply, {g: [3, 3], step: 0})))
        producer.start()
        np.testing.assert_allclose(s.run(take), [4, 4])
        producer.join()
        with pytest.raises(errors.DeadlineExceededError):
            s.run(take, options=tf.RunOptions(timeout_in_ms=100))


def test_errors():
    acc, g, step, apply = _acc()
    with tf.Session() as s:
        with pytest.raises(errors.InvalidArgumentError, match="num_required must be positive, but was 0"):
            s.run(acc.take_grad(0))
        with pytest.raises(errors.InvalidArgumentError, match="Shape mismatch"):
            s.run(apply, {g: [1, 2, 3], step: 0})
        assert s.run(acc.num_accumulated()) == 0
    with pytest.raises(ValueError):
        acc.apply_grad(tf.zeros([3]))
    with pytest.raises(ValueError, match="reduction_type"):
        tf.ConditionalAccumulator(tf.float32, reduction_type="MAX")


def test_session_close_cancels_a_blocked_take():
    acc, g, step, apply = _acc()
    take = acc.take_grad(1)
    s = tf.Session()
    failure = []

    def blocked():
        try:
            s.run(take)
        except errors.CancelledError as e:
            failure.append(e)
    t = threading.Thread(target=blocked)
    t.start()
    time.sleep(0.2)
    s.close()
    t.join(5)
    assert failure and not t.is_alive()
