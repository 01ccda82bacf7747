"""tf.train.Coordinator, LooperThread and QueueRunner / start_queue_runners against TF 1.15's behaviour."""
import threading
import time

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_request_stop_wakes_waiters_and_join_returns():
    coord = tf.train.Coordinator()
    assert not coord.should_stop()
    assert coord.wait_for_stop(0.01) is False
    woke = []

    def worker():
        coord.wait_for_stop()
        woke.append(True)
    threads = [threading.Thread(target=worker) for _ in range(3)]
    for t in threads:
        t.start()
    coord.request_stop()
    coord.join(threads, stop_grace_period_secs=5)
    assert woke == [True] * 3
    assert coord.should_stop() and coord.joined


def test_join_reraises_first_exception_only():
    coord = tf.train.Coordinator()

    def failing(msg, delay):
        with coord.stop_on_exception():
            time.sleep(delay)
            raise ValueError(msg)
    threads = [threading.Thread(target=failing, args=("first", 0.0)),
               threading.Thread(target=failing, args=("second", 0.1))]
    for t in threads:
        t.start()
    with pytest.raises(ValueError, match="^first$"):
        coord.join(threads, stop_grace_period_secs=5)


def test_out_of_range_is_a_clean_stop_and_custom_types():
    coord = tf.train.Coordinator()
    coord.request_stop(tf.errors.OutOfRangeError(None, None, "done"))
    assert coord.should_stop()
    coord.join([])                           # nothing re-raised
    coord2 = tf.train.Coordinator(clean_stop_exception_types=(KeyError,))
    try:
        raise tf.errors.OutOfRangeError(None, None, "not clean here")
    except tf.errors.OutOfRangeError as e:
        coord2.request_stop(e)
    with pytest.raises(tf.errors.OutOfRangeError):
        coord2.join([])


def test_raise_requested_exception_and_clear_stop():
    coord = tf.train.Coordinator()
    try:
        raise RuntimeError("x")
    except RuntimeError as e:
        coord.request_stop(e)
    with pytest.raises(RuntimeError, match="x"):
        coord.raise_requested_exception()
    coord.clear_stop()
    assert not coord.should_stop()
    coord.raise_requested_exception()       # cleared: nothing to raise


def test_join_raises_for_stragglers_unless_ignored():
    coord = tf.train.Coordinator()
    release = threading.Event()
    t = threading.Thread(target=release.wait, daemon=True)
    t.start()
    coord.request_stop()
    with pytest.raises(RuntimeError, match="threads still running"):
        coord.join([t], stop_grace_period_secs=0.05)
    coord.clear_stop()
    coord.request_stop()
    coord.join([t], stop_grace_period_secs=0.05, ignore_live_threads=True)
    release.set()
    t.join(5)


def test_join_waits_for_registered_threads_that_end_without_stop():
    coord = tf.train.Coordinator()
    done = []
    t = threading.Thread(target=lambda: (time.sleep(0.1), done.append(1)))
    coord.register_thread(t)
    t.start()
    coord.join()
    assert done == [1] and not t.is_alive()


def test_looper_thread_runs_until_stop():
    coord = tf.train.Coordinator()
    calls = []
    looper = tf.train.LooperThread.loop(coord, 0.01, target=calls.append, args=(1,))
    time.sleep(0.15)
    coord.request_stop()
    coord.join([looper], stop_grace_period_secs=5)
    assert len(calls) >= 3 and not looper.is_alive()


# -- QueueRunner ----------------------------------------------------------------------


def test_queue_runner_collection_and_namespace():
    q = tf.FIFOQueue(10, tf.float32, shapes=[[]])
    qr = tf.train.QueueRunner(q, [q.enqueue(1.0)])
    tf.train.add_queue_runner(qr)
    assert tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS) == [qr]
    assert tf.train.queue_runner.QueueRunner is tf.train.QueueRunner
    assert qr.queue_closed_exception_types == (tf.errors.OutOfRangeError,)
    assert qr.close_op.type == "QueueCloseV2" and qr.cancel_op.get_attr("cancel_pending_enqueues")
    with pytest.raises(ValueError):
        tf.train.QueueRunner(q, [])
    with pytest.raises(TypeError):
        tf.train.QueueRunner(q, [q.enqueue(1.0)], queue_closed_exception_types=[tf.errors.OutOfRangeError])


def test_start_queue_runners_threads_stop_and_release_blocked_enqueues(graph):
    q = tf.FIFOQueue(3, tf.int32, shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue(5)] * 2))
    deq = q.dequeue()
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        assert len(threads) == 3                     # 2 enqueue threads + close-on-stop
        assert [int(sess.run(deq)) for _ in range(10)] == [5] * 10
        time.sleep(0.05)                             # producers now blocked on a full queue
        qr = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)[0]
        assert qr.create_threads(sess, coord=coord) == []     # already running for this session
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
        assert not any(t.is_alive() for t in threads)
        assert sess.run(q.is_closed())


def test_queue_runner_closes_queue_when_input_runs_out(graph):
    src = tf.FIFOQueue(10, tf.int64, shapes=[[]])
    fill = src.enqueue_many([np.arange(5)])
    q = tf.FIFOQueue(10, tf.int64, shapes=[[]])
    # two threads move src's items into q; src running dry (OutOfRange) makes the last one close q
    qr = tf.train.QueueRunner(q, [q.enqueue(src.dequeue())] * 2)
    deq = q.dequeue()
    with tf.Session() as sess:
        sess.run(fill)
        sess.run(src.close())
        threads = qr.create_threads(sess, start=True)
        got = []
        with pytest.raises(tf.errors.OutOfRangeError):
            while True:
                got.append(int(sess.run(deq)))
        for t in threads:
            t.join(10)
        assert sorted(got) == [0, 1, 2, 3, 4]
        assert qr.exceptions_raised == []


def test_queue_runner_reports_other_errors_to_coordinator(graph):
    p = tf.placeholder(tf.float32, [])              # never fed: InvalidArgumentError in the thread
    q = tf.FIFOQueue(10, tf.float32, shapes=[[]])
    qr = tf.train.QueueRunner(q, [q.enqueue(p)])
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = qr.create_threads(sess, coord=coord, start=True)
        with pytest.raises(tf.errors.InvalidArgumentError, match="must feed a value"):
            coord.join(threads, stop_grace_period_secs=10)
    assert np.all([not t.is_alive() for t in threads])
