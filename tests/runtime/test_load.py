"""A load test of one Session shared by 16 threads: train steps, reads, queue enqueues and
dequeues (with timeouts), and runs holding a host callback, all at once; at the end every update
is counted exactly (TF1: no run loses or duplicates an update, whatever the interleaving).

The default run loads it for a few seconds; the `slow` run for 30 s.
"""
import collections
import threading
import time

import numpy as np
import pytest

import compat_tf as tf

THREADS = {"train": 4, "read": 4, "enqueue": 3, "dequeue": 3, "callback": 2}


def _graph():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        y = tf.placeholder(tf.float32, [None, 1], name="y")
        w = tf.Variable(np.zeros((3, 1), np.float32), name="w")
        step = tf.train.get_or_create_global_step()
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - y))
        train = tf.train.GradientDescentOptimizer(0.01).minimize(loss, global_step=step)

        q = tf.FIFOQueue(64, tf.int64, shapes=[[]])
        item = tf.placeholder(tf.int64, [], name="item")
        enqueued = tf.Variable(np.int64(0), name="enqueued")
        dequeued = tf.Variable(np.int64(0), name="dequeued")
        enq = q.enqueue(item)
        with tf.control_dependencies([enq]):          # counted only once the item is in the queue
            count_enq = tf.assign_add(enqueued, 1)
        value = q.dequeue()
        with tf.control_dependencies([value]):
            count_deq = tf.assign_add(dequeued, 1)

        calls = collections.Counter()
        lock = threading.Lock()

        def host(v):
            with lock:
                calls["n"] += 1
            return v

        called = tf.Variable(np.int64(0), name="called")
        through_host = tf.py_func(host, [tf.constant(np.int64(1))], tf.int64)
        count_cb = tf.assign_add(called, through_host)
        init = tf.global_variables_initializer()
    return g, dict(x=x, y=y, w=w, step=step, train=train, q=q, item=item, enqueued=enqueued,
                   dequeued=dequeued, count_enq=count_enq, value=value, count_deq=count_deq,
                   called=called, count_cb=count_cb, calls=calls, init=init)


def _load(seconds):
    g, t = _graph()
    sess = tf.Session(graph=g)
    sess.run(t["init"])
    rs = np.random.RandomState(0)
    xb = rs.rand(8, 3).astype(np.float32)
    yb = xb @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    timeout = tf.RunOptions(timeout_in_ms=200)
    stop = time.monotonic() + seconds
    done = collections.Counter()
    put, got, errors = [], [], []
    lock = threading.Lock()

    def trainer():
        while time.monotonic() < stop:
            sess.run(t["train"], {t["x"]: xb, t["y"]: yb})
            with lock:
                done["train"] += 1

    def reader():
        last = -1
        while time.monotonic() < stop:
            s = int(sess.run(t["step"]))
            assert s >= last, f"global step went back from {last} to {s}"
            last = s
            with lock:
                done["read"] += 1

    def enqueuer(k):
        i = 0
        while time.monotonic() < stop:
            v = k * 10**9 + i
            try:
                sess.run(t["count_enq"], {t["item"]: v}, options=timeout)
            except tf.errors.DeadlineExceededError:
                continue          # the queue was full: not enqueued, not counted; try again
            put.append(v)         # list.append is atomic
            i += 1

    def dequeuer():
        while time.monotonic() < stop:
            try:
                v, _ = sess.run([t["value"], t["count_deq"]], options=timeout)
            except tf.errors.DeadlineExceededError:
                continue
            got.append(int(v))

    def caller():
        while time.monotonic() < stop:
            sess.run(t["count_cb"])
            with lock:
                done["callback"] += 1

    def guarded(fn, *args):
        def run():
            try:
                fn(*args)
            except BaseException as e:  # noqa: BLE001 - reported by the test
                errors.append(e)
        return run

    roles = {"train": trainer, "read": reader, "enqueue": enqueuer, "dequeue": dequeuer, "callback": caller}
    threads = []
    for role, n in THREADS.items():
        for k in range(n):
            args = (k,) if role == "enqueue" else ()
            threads.append(threading.Thread(target=guarded(roles[role], *args), daemon=True))
    assert len(threads) == 16
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=seconds + 60)
    assert not any(th.is_alive() for th in threads), "a thread hung"
    assert not errors, errors

    left = int(sess.run(t["q"].size()))
    rest = list(sess.run(t["q"].dequeue_many(left))) if left else []
    return sess, t, done, put, got, rest


@pytest.mark.parametrize("seconds", [3, pytest.param(30, marks=pytest.mark.slow)])
def test_sixteen_threads_lose_no_update(seconds):
    sess, t, done, put, got, rest = _load(seconds)
    assert done["train"] > 0 and done["read"] > 0 and done["callback"] > 0 and put and got
    assert int(sess.run(t["step"])) == done["train"]                    # every train step counted
    assert int(sess.run(t["enqueued"])) == len(put)                     # every enqueue, once
    assert int(sess.run(t["dequeued"])) == len(got)
    assert sorted(got + [int(v) for v in rest]) == sorted(put)          # nothing lost or doubled
    assert int(sess.run(t["called"])) == t["calls"]["n"] == done["callback"]
    w = sess.run(t["w"])
    assert np.all(np.isfinite(w)) and not np.allclose(w, 0)
    print(f"\n{seconds} s, 16 threads: {done['train']} train steps, {done['read']} reads, {len(put)} "
          f"enqueued, {len(got)} dequeued (+{len(rest)} left), {done['callback']} host callbacks")
