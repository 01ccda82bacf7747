"""tf.train input producers and batchers (queue-based pipelines) against TF 1.15's behaviour."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _drain(fetches, init_local=True, max_steps=1000):
    """Runs `fetches` under queue runners until OutOfRangeError; returns the values."""
    out = []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        if init_local:
            sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess=sess, coord=coord)
        try:
            for _ in range(max_steps):
                out.append(sess.run(fetches))
            raise AssertionError("the input never ran out")
        except tf.errors.OutOfRangeError:
            pass
        finally:
            coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
    return out


def test_limit_epochs_needs_local_init_and_stops():
    x = tf.train.limit_epochs(tf.constant([1, 2]), num_epochs=3)
    assert len(tf.local_variables()) == 1 and tf.local_variables()[0].dtype.base_dtype == tf.int64
    assert tf.train.limit_epochs(x, None) is x
    with pytest.raises(ValueError, match="num_epochs must be > 0"):
        tf.train.limit_epochs(x, 0)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(x)
        sess.run(tf.local_variables_initializer())
        for _ in range(3):
            np.testing.assert_array_equal(sess.run(x), [1, 2])
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(x)


def test_range_input_producer_epochs_in_order():
    q = tf.train.range_input_producer(4, num_epochs=2, shuffle=False)
    assert q.dtypes == [tf.int32] and q.shapes[0].as_list() == []
    got = [int(v) for v in _drain(q.dequeue())]
    assert got == [0, 1, 2, 3, 0, 1, 2, 3]


def test_string_input_producer_shuffles_each_epoch_as_a_permutation():
    names = [f"f{i}" for i in range(6)]
    q = tf.train.string_input_producer(names, num_epochs=3, shuffle=True, seed=1)
    got = [v.decode() for v in _drain(q.dequeue())]
    assert len(got) == 18
    for e in range(3):
        assert sorted(got[6 * e:6 * e + 6]) == sorted(names)
    assert got[:6] != names or got[6:12] != names
    with pytest.raises(ValueError, match="non-null"):
        tf.train.string_input_producer([])


def test_slice_input_producer_keeps_rows_together():
    a = np.arange(5, dtype=np.int32)
    x, y = tf.train.slice_input_producer([a, a.astype(np.float32) * 2], num_epochs=2, shuffle=True, seed=3)
    pairs = _drain([x, y])
    assert len(pairs) == 10
    assert all(float(b) == 2 * int(v) for v, b in pairs)
    assert sorted(int(v) for v, _ in pairs) == sorted(list(a) * 2)


def test_batch_shapes_and_final_smaller_batch():
    x = tf.train.range_input_producer(7, num_epochs=1, shuffle=False).dequeue()
    xb = tf.train.batch([x], batch_size=3, allow_smaller_final_batch=True)
    assert isinstance(xb, tf.Tensor)               # one tensor in, one tensor out (TF1 quirk)
    assert xb.shape.as_list() == [None]
    got = [v.tolist() for v in _drain(xb)]
    assert got == [[0, 1, 2], [3, 4, 5], [6]]


def test_batch_without_smaller_final_batch_drops_remainder():
    x = tf.train.range_input_producer(7, num_epochs=1, shuffle=False).dequeue()
    xb = tf.train.batch({"x": x, "y": x * 10}, batch_size=3)
    assert xb["x"].shape.as_list() == [3]
    got = _drain(xb)
    assert [b["x"].tolist() for b in got] == [[0, 1, 2], [3, 4, 5]]
    assert [b["y"].tolist() for b in got] == [[0, 10, 20], [30, 40, 50]]


def test_batch_enqueue_many_and_dynamic_pad():
    rows = tf.constant([[1, 2], [3, 4], [5, 6]])
    b = tf.train.batch([rows], batch_size=2, enqueue_many=True)
    assert b.shape.as_list() == [2, 2]
    with tf.Session() as sess:
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        np.testing.assert_array_equal(sess.run(b), [[1, 2], [3, 4]])
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
    with tf.Graph().as_default():
        src = tf.FIFOQueue(5, tf.int32)                # vectors of different lengths
        p = tf.placeholder(tf.int32, [None])
        fill = src.enqueue(p)
        v = src.dequeue()
        v.set_shape([None])
        padded = tf.train.batch([v], batch_size=3, dynamic_pad=True)
        assert padded.shape.as_list() == [3, None]
        with tf.Session() as sess:
            for n in (1, 2, 3):
                sess.run(fill, {p: [n] * n})
            sess.run(src.close())                     # else the runner stays blocked on src
            coord = tf.train.Coordinator()
            threads = tf.train.start_queue_runners(sess, coord)
            np.testing.assert_array_equal(sess.run(padded), [[1, 0, 0], [2, 2, 0], [3, 3, 3]])
            coord.request_stop()
            coord.join(threads, stop_grace_period_secs=10)


def test_unknown_shape_without_dynamic_pad_is_an_error():
    p = tf.placeholder(tf.int32, [None])
    with pytest.raises(ValueError, match="fully defined"):
        tf.train.batch([p], batch_size=2)


def test_shuffle_batch_with_threads_sees_every_item_once():
    x = tf.train.range_input_producer(40, num_epochs=1, shuffle=False).dequeue()
    xb, yb = tf.train.shuffle_batch([x, x * 3], batch_size=8, capacity=30, min_after_dequeue=10,
                                    num_threads=3, seed=2, allow_smaller_final_batch=True)
    got = _drain([xb, yb])
    xs = [int(v) for a, _ in got for v in a]
    assert sorted(xs) == list(range(40))
    assert xs != list(range(40))
    assert all(np.array_equal(b, a * 3) for a, b in got)
    with pytest.raises(ValueError, match="must be bigger than min_after_dequeue"):
        tf.train.shuffle_batch([x], 2, capacity=5, min_after_dequeue=5)


def test_batch_join_and_shuffle_batch_join_merge_sources():
    a = tf.train.range_input_producer(5, num_epochs=1, shuffle=False).dequeue()
    b = tf.train.range_input_producer(5, num_epochs=1, shuffle=False).dequeue() + 100
    joined = tf.train.batch_join([[a], [b]], batch_size=4, allow_smaller_final_batch=True)
    got = sorted(int(v) for batch in _drain(joined) for v in batch)
    assert got == [0, 1, 2, 3, 4, 100, 101, 102, 103, 104]
    with tf.Graph().as_default():
        a = tf.train.range_input_producer(6, num_epochs=1, shuffle=False).dequeue()
        b = tf.train.range_input_producer(6, num_epochs=1, shuffle=False).dequeue() * -1 - 1
        sj = tf.train.shuffle_batch_join([{"v": a}, {"v": b}], batch_size=5, capacity=20, min_after_dequeue=2,
                                         allow_smaller_final_batch=True)
        got = sorted(int(v) for batch in _drain(sj) for v in batch["v"])
        assert got == sorted(list(range(6)) + [-i - 1 for i in range(6)])
    with pytest.raises(TypeError, match="consistent"):
        tf.train.batch_join([[tf.constant(1)], [tf.constant(1.0)]], batch_size=2)


def test_maybe_batch_constant_keep_input():
    x = tf.train.range_input_producer(4, num_epochs=1, shuffle=False).dequeue()
    xb = tf.train.maybe_batch([x], keep_input=True, batch_size=2)
    assert [v.tolist() for v in _drain(xb)] == [[0, 1], [2, 3]]
    with pytest.raises(NotImplementedError):
        tf.train.maybe_batch([x], keep_input=tf.placeholder(tf.bool, []), batch_size=2)


def test_queues_report_their_fullness_as_tf1_summaries():
    """TF1's queue summaries, names as TF 2.21's compat.v1 builds them: fraction_of_<capacity>_full for
    producers and batchers, fraction_over_<min>_of_<capacity - min>_full for shuffling batchers."""
    with tf.Graph().as_default():
        tf.train.string_input_producer(["a", "b", "c"], shuffle=False, capacity=8)
        x = tf.constant([1.0, 2.0])
        tf.train.batch([x], 2, capacity=10)
        sb = tf.train.shuffle_batch([x], 2, capacity=12, min_after_dequeue=4)
        tf.train.batch_join([[x], [x]], 2, capacity=6)
        assert [op.name for op in tf.get_collection(tf.GraphKeys.SUMMARIES)] == [
            "input_producer/fraction_of_8_full:0", "batch/fraction_of_10_full:0",
            "shuffle_batch/fraction_over_4_of_8_full:0", "batch_join/fraction_of_6_full:0"]
        merged = tf.summary.merge_all()
        runners = tf.get_collection(tf.GraphKeys.QUEUE_RUNNERS)
        with tf.Session() as s:
            s.run(runners[0].enqueue_ops[0])                 # the producer's 3 names, capacity 8
            for _ in range(3):
                s.run(runners[2].enqueue_ops[0])             # 3 rows in the shuffling queue: below its 4
            values = {v.tag: v.simple_value for v in tf.Summary.FromString(s.run(merged)).value}
    assert values == {"input_producer/fraction_of_8_full": 3 / 8, "batch/fraction_of_10_full": 0.0,
                      "shuffle_batch/fraction_over_4_of_8_full": 0.0, "batch_join/fraction_of_6_full": 0.0}
    assert sb.shape.as_list() == [2, 2]          # one tensor in, one tensor out (as TF1)
