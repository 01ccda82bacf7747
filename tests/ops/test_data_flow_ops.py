"""Queues (FIFOQueue, PaddingFIFOQueue, RandomShuffleQueue, PriorityQueue) against TF 1.15's semantics.

Threads are joined with timeouts: a deadlock fails the test instead of hanging it.
"""
import threading
import time

import numpy as np
import pytest

import compat_tf as tf

JOIN_TIMEOUT = 20.0


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess(graph):
    with tf.Session(graph=graph) as s:
        yield s


def _start(fn, *args):
    t = threading.Thread(target=fn, args=args, daemon=True)
    t.start()
    return t


def _join(threads):
    deadline = time.monotonic() + JOIN_TIMEOUT
    for t in threads:
        t.join(max(deadline - time.monotonic(), 0.0))
    alive = [t for t in threads if t.is_alive()]
    assert not alive, f"{len(alive)} thread(s) still blocked (deadlock?)"


# -- construction and static shapes -----------------------------------------------------


def test_queue_attributes_and_op_types():
    q = tf.FIFOQueue(3, "int32")
    assert q.dtypes == [tf.int32]
    assert q.shapes[0].ndims is None
    assert q.names is None
    assert q.name == "fifo_queue"
    assert q.queue_ref.dtype == tf.resource and q.queue_ref.op.type == "FIFOQueueV2"
    assert q.enqueue(1).type == "QueueEnqueueV2"
    assert q.dequeue().op.type == "QueueDequeueV2"
    assert q.close().type == "QueueCloseV2"
    assert q.size().dtype == tf.int32
    with tf.name_scope("scope"):
        q2 = tf.RandomShuffleQueue(5, 1, [tf.float32, tf.string], shapes=[[2], []])
    assert q2.name == "scope/random_shuffle_queue"
    assert q2.dequeue_many(4)[0].shape.as_list() == [4, 2]
    assert [t.shape.as_list() for t in q2.dequeue_up_to(4)] == [[None, 2], [None]]


def test_single_shape_and_validation_errors():
    q = tf.FIFOQueue(3, tf.float32, shapes=[2, 3])        # one shape given as a list of dims
    assert q.shapes[0].as_list() == [2, 3]
    with pytest.raises(ValueError, match="fully defined"):
        tf.FIFOQueue(3, tf.float32, shapes=[[None]])
    with pytest.raises(ValueError):
        q.enqueue(np.zeros([3, 3], np.float32))         # static shape mismatch
    with pytest.raises(ValueError, match="names"):
        q.enqueue({"a": np.zeros([2, 3], np.float32)})
    pq = tf.PaddingFIFOQueue(3, [tf.int32], shapes=[[None, 2]])
    assert pq.dequeue_many(2).shape.as_list() == [2, None, 2]


# -- semantics -------------------------------------------------------------------------


def test_fifo_order_size_and_closed_errors(sess):
    q = tf.FIFOQueue(10, tf.int32, shapes=[[]])
    sess.run(q.enqueue_many([[1, 2, 3, 4]]))
    assert sess.run(q.size()) == 4
    assert sess.run(q.dequeue()) == 1
    np.testing.assert_array_equal(sess.run(q.dequeue_many(2)), [2, 3])
    assert not sess.run(q.is_closed())
    sess.run(q.close())
    assert sess.run(q.is_closed())
    with pytest.raises(tf.errors.OutOfRangeError, match=r"is closed and has insufficient elements "
                       r"\(requested 2, current size 1\)"):
        sess.run(q.dequeue_many(2))
    # a failed dequeue_many leaves the remaining element in place
    assert sess.run(q.size()) == 1
    np.testing.assert_array_equal(sess.run(q.dequeue_up_to(5)), [4])
    with pytest.raises(tf.errors.OutOfRangeError, match=r"FIFOQueue '_\d+_fifo_queue' is closed"):
        sess.run(q.dequeue())
    with pytest.raises(tf.errors.CancelledError, match="is closed"):
        sess.run(q.enqueue(5))


def test_unshaped_dequeue_many_is_invalid_argument(sess):
    q = tf.FIFOQueue(5, tf.int32)
    sess.run(q.enqueue_many([[1, 2, 3]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="specified shapes"):
        sess.run(q.dequeue_many(2))
    assert sess.run(q.size()) == 3


def test_runtime_shape_mismatch(sess):
    q = tf.FIFOQueue(5, tf.float32, shapes=[[2]])
    p = tf.placeholder(tf.float32)
    enq = q.enqueue(p)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Shape mismatch in tuple component 0"):
        sess.run(enq, {p: [1.0, 2.0, 3.0]})
    sess.run(enq, {p: [1.0, 2.0]})
    np.testing.assert_allclose(sess.run(q.dequeue()), [1.0, 2.0])


def test_named_queue_dict_in_and_out(sess):
    q = tf.FIFOQueue(5, [tf.int32, tf.string], shapes=[[], []], names=["n", "s"])
    sess.run(q.enqueue_many({"n": [1, 2], "s": ["a", "b"]}))
    out = sess.run(q.dequeue_many(2))
    assert set(out) == {"n", "s"}
    np.testing.assert_array_equal(out["n"], [1, 2])
    assert list(out["s"]) == [b"a", b"b"]


def test_sessions_have_separate_queues(graph):
    q = tf.FIFOQueue(5, tf.int32, shapes=[[]])
    enq = q.enqueue(7)
    size = q.size()
    with tf.Session() as s1, tf.Session() as s2:
        s1.run(enq)
        s1.run(enq)
        assert s1.run(size) == 2
        assert s2.run(size) == 0


def test_padding_queue_pads_each_batch_to_its_longest(sess):
    q = tf.PaddingFIFOQueue(10, [tf.int32, tf.string], shapes=[[None], [None]])
    p = tf.placeholder(tf.int32, [None])
    s = tf.placeholder(tf.string, [None])
    enq = q.enqueue([p, s])
    for n in (2, 1, 3):
        sess.run(enq, {p: np.full([n], n), s: ["x"] * n})
    a, b = sess.run(q.dequeue_many(2))
    np.testing.assert_array_equal(a, [[2, 2], [1, 0]])
    assert b.tolist() == [[b"x", b"x"], [b"x", b""]]
    a, _ = sess.run(q.dequeue_many(1))
    np.testing.assert_array_equal(a, [[3, 3, 3]])


def test_random_shuffle_queue_keeps_min_after_dequeue(sess):
    q = tf.RandomShuffleQueue(20, 5, tf.int32, shapes=[[]], seed=1)
    sess.run(q.enqueue_many([np.arange(8, dtype=np.int32)]))
    got = sess.run(q.dequeue_many(3)).tolist()
    assert sess.run(q.size()) == 5
    # a 4th dequeue would leave fewer than min_after_dequeue: it blocks until close
    deq = q.dequeue()
    result = []
    t = _start(lambda: result.append(sess.run(deq)))
    time.sleep(0.2)
    assert t.is_alive() and not result
    sess.run(q.close())
    _join([t])
    rest = sess.run(q.dequeue_up_to(10)).tolist()
    items = got + [int(result[0])] + rest
    assert sorted(items) == list(range(8))
    assert items != list(range(8))        # shuffled (8! orders; seed fixed)


def test_random_shuffle_queue_seeded_order_is_reproducible(graph):
    def run():
        with tf.Graph().as_default():
            q = tf.RandomShuffleQueue(20, 0, tf.int32, shapes=[[]], seed=7)
            enq = q.enqueue_many([np.arange(10, dtype=np.int32)])
            deq = q.dequeue_many(10)
            with tf.Session() as s:
                s.run(enq)
                return s.run(deq).tolist()
    assert run() == run()


def test_priority_queue_lowest_first(sess):
    q = tf.PriorityQueue(10, [tf.string, tf.float32], shapes=[[], [2]])
    assert q.dtypes == [tf.int64, tf.string, tf.float32]
    sess.run(q.enqueue_many(([5, -1, 3], ["five", "minus", "three"], np.eye(3, 2, dtype=np.float32))))
    pri, names, vecs = sess.run(q.dequeue_many(3))
    np.testing.assert_array_equal(pri, [-1, 3, 5])
    assert names.tolist() == [b"minus", b"three", b"five"]
    np.testing.assert_array_equal(vecs, [[0, 1], [0, 0], [1, 0]])


def test_dequeue_many_larger_than_capacity_completes_with_producer(sess):
    q = tf.FIFOQueue(2, tf.int32, shapes=[[]])
    p = tf.placeholder(tf.int32, [])
    enq = q.enqueue(p)
    out = []
    t = _start(lambda: out.append(sess.run(q.dequeue_many(5))))
    producers = [_start(lambda i=i: sess.run(enq, {p: i})) for i in range(5)]
    _join(producers + [t])
    assert sorted(out[0].tolist()) == [0, 1, 2, 3, 4]


def test_enqueue_blocks_when_full_until_dequeue(sess):
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    sess.run(q.enqueue(1))
    done = threading.Event()

    def produce():
        sess.run(q.enqueue(2))
        done.set()
    t = _start(produce)
    assert not done.wait(0.2)           # blocked: the queue is full
    assert sess.run(q.dequeue()) == 1
    _join([t])
    assert done.is_set()
    assert sess.run(q.dequeue()) == 2


def test_close_without_cancel_lets_pending_enqueue_finish(sess):
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    sess.run(q.enqueue(1))
    errs = []

    def produce():
        try:
            sess.run(q.enqueue(2))
        except tf.errors.OpError as e:  # pragma: no cover - would be the bug
            errs.append(e)
    t = _start(produce)
    time.sleep(0.1)
    sess.run(q.close())
    assert sess.run(q.dequeue()) == 1
    _join([t])
    assert not errs
    assert sess.run(q.dequeue()) == 2


def test_session_close_cancels_blocked_dequeue(graph):
    q = tf.FIFOQueue(1, tf.int32, shapes=[[]])
    deq = q.dequeue()
    s = tf.Session()
    s.run(q.size())            # the queue exists in this session
    errs = []

    def consume():
        try:
            s.run(deq)
        except tf.errors.CancelledError as e:
            errs.append(e)
    t = _start(consume)
    time.sleep(0.2)
    s.close()
    _join([t])
    assert len(errs) == 1


# -- the load test ----------------------------------------------------------------------


def test_load_8_producers_10000_items_none_lost_or_duplicated(sess):
    n_producers, per_producer = 8, 1250
    q = tf.FIFOQueue(64, [tf.int32, tf.int32], shapes=[[], []])
    pid = tf.placeholder(tf.int32, [])
    seq = tf.placeholder(tf.int32, [])
    enq = q.enqueue([pid, seq])
    deq = q.dequeue()
    errors = []

    def produce(i):
        try:
            for k in range(per_producer):
                sess.run(enq, {pid: i, seq: k})
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [_start(produce, i) for i in range(n_producers)]
    seen = [[] for _ in range(n_producers)]
    deadline = time.monotonic() + 60
    for _ in range(n_producers * per_producer):
        assert time.monotonic() < deadline, "consumer too slow (deadlock?)"
        i, k = sess.run(deq)
        seen[int(i)].append(int(k))
    _join(threads)
    assert not errors, errors
    # none lost, none duplicated, and each producer's items in its enqueue order (FIFO)
    for i in range(n_producers):
        assert seen[i] == list(range(per_producer))
    assert sess.run(q.size()) == 0


def test_load_close_with_cancel_releases_blocked_producers(sess):
    q = tf.FIFOQueue(4, tf.int32, shapes=[[]])
    enq = q.enqueue(1)
    outcome = []
    lock = threading.Lock()

    def produce():
        try:
            while True:
                sess.run(enq)
        except tf.errors.CancelledError as e:
            with lock:
                outcome.append(str(e))
        except Exception as e:  # noqa: BLE001
            with lock:
                outcome.append(e)

    threads = [_start(produce) for _ in range(8)]
    deadline = time.monotonic() + JOIN_TIMEOUT
    while sess.run(q.size()) < 4:                       # queue full: producers are blocked
        assert time.monotonic() < deadline
        time.sleep(0.01)
    time.sleep(0.1)
    assert all(t.is_alive() for t in threads)
    sess.run(q.close(cancel_pending_enqueues=True))
    _join(threads)
    assert len(outcome) == 8
    assert all(isinstance(o, str) for o in outcome), outcome
    assert any("Enqueue operation was cancelled" in o for o in outcome)
    # the elements enqueued before the close are still there
    np.testing.assert_array_equal(sess.run(q.dequeue_up_to(10)), [1, 1, 1, 1])


def test_tf_queue_namespace():
    assert tf.queue.FIFOQueue is tf.FIFOQueue and tf.queue.QueueBase is tf.QueueBase
    assert tf.queue.RandomShuffleQueue is tf.RandomShuffleQueue
    assert tf.queue.PaddingFIFOQueue is tf.PaddingFIFOQueue and tf.queue.PriorityQueue is tf.PriorityQueue
