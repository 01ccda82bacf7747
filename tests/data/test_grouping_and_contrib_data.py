"""tf.data.experimental grouping/mixing and tf.contrib.data (expected values recorded from TF)."""
import numpy as np
import pytest

import compat_tf as tf

SEQS = [[1] * n for n in [1, 5, 2, 7, 3, 9, 4]]


def drain(ds):
    nx = ds.make_one_shot_iterator().get_next()
    out = []
    with tf.Session() as s:
        try:
            while True:
                out.append(s.run(nx).tolist())
        except tf.errors.OutOfRangeError:
            pass
    return out


def _seqs():
    return tf.data.Dataset.from_generator(lambda: iter(SEQS), tf.int32, [None])


def test_group_by_window():
    gbw = tf.contrib.data.group_by_window
    assert drain(tf.data.Dataset.range(10).apply(gbw(lambda x: x % 3, lambda k, w: w.batch(2), window_size=2))) == \
        [[0, 3], [1, 4], [2, 5], [6, 9], [7], [8]]
    ds = tf.data.Dataset.range(10).apply(gbw(lambda x: x % 2, lambda k, w: w.batch(5), window_size_func=lambda k: k + 2))
    assert drain(ds) == [[0, 2], [1, 3, 5], [4, 6], [8], [7, 9]]
    with pytest.raises(ValueError, match="key_func` must return a single tf.int64 scalar"):
        tf.data.Dataset.range(3).apply(gbw(lambda x: tf.cast(x, tf.int32), lambda k, w: w, window_size=2))
    with pytest.raises(ValueError, match="either window_size or window_size_func, but not both"):
        gbw(lambda x: x, lambda k, w: w, window_size=2, window_size_func=lambda k: k)


def test_bucket_by_sequence_length():
    bucket = tf.data.experimental.bucket_by_sequence_length
    assert drain(_seqs().apply(bucket(lambda x: tf.shape(x)[0], [3, 6], [2, 2, 2]))) == \
        [[[1, 0], [1, 1]], [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]],
         [[1, 1, 1, 1, 1, 1, 1, 0, 0], [1, 1, 1, 1, 1, 1, 1, 1, 1]], [[1, 1, 1, 1]]]
    assert drain(_seqs().apply(bucket(lambda x: tf.shape(x)[0], [3, 6, 10], [2, 2, 1, 1],
                                      pad_to_bucket_boundary=True))) == \
        [[[1, 0], [1, 1]], [[1, 1, 1, 1, 1, 1, 1, 0, 0]], [[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]],
         [[1, 1, 1, 1, 1, 1, 1, 1, 1]], [[1, 1, 1, 1, 0]]]
    with pytest.raises(ValueError, match="len\\(bucket_batch_sizes\\) must equal"):
        bucket(len, [3], [1])


def test_contrib_batch_and_drop_remainder():
    ds = tf.data.Dataset.range(7).apply(tf.contrib.data.batch_and_drop_remainder(3))
    assert ds.output_shapes.as_list() == [3]
    assert drain(ds) == [[0, 1, 2], [3, 4, 5]]
    ds = _seqs().apply(tf.contrib.data.padded_batch_and_drop_remainder(3, [None]))
    assert [np.shape(b) for b in drain(ds)] == [(3, 5), (3, 9)]


def test_choose_and_sample_from_datasets():
    choice = tf.data.Dataset.from_tensor_slices(np.array([0, 1, 1, 0, 1, 0], np.int64))
    zeros = tf.data.Dataset.from_tensors(np.int64(0)).repeat()
    # an exhausted input is skipped (TF 1.15's DirectedInterleave)
    assert drain(tf.data.experimental.choose_from_datasets([zeros, tf.data.Dataset.range(100, 102)], choice)) == \
        [0, 100, 101, 0, 0]
    ds = tf.data.experimental.sample_from_datasets([tf.data.Dataset.range(0, 50), tf.data.Dataset.range(100, 110)],
                                                   weights=[0.5, 0.5], seed=3)
    out = drain(ds)
    assert sorted(out) == list(range(50)) + list(range(100, 110))   # every element once, then the end
    assert [v for v in out if v < 50] == list(range(50))             # each input keeps its order


def test_counter_and_enumerate():
    ds = tf.data.Dataset.from_tensor_slices(np.array([5.0, 6.0])).apply(tf.data.experimental.enumerate_dataset(3))
    nx = ds.make_one_shot_iterator().get_next()
    c = tf.contrib.data.Counter(10, -2, tf.int32).make_one_shot_iterator().get_next()
    with tf.Session() as s:
        assert [tuple(s.run(nx)) for _ in range(2)] == [(3, 5.0), (4, 6.0)]
        assert [s.run(c) for _ in range(3)] == [10, 8, 6]
    assert c.dtype == tf.int32
