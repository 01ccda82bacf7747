"""tf.data pipelines with failing elements, and the get_next sequence TF1 gives for each.

Shared by tests/data/test_element_errors.py (compat_tf) and tests/oracle/test_data_error_parity.py
(real TensorFlow). A sequence lists, for consecutive `get_next` calls, the element's value or the
error class name, up to the first OutOfRangeError. The expected sequences were recorded from
TensorFlow's tf.compat.v1 (graph mode, one-shot iterator); `TF2_DIFFERS` names the cases where
TF 1.15 (followed here) and TF 2.x differ.

Each builder takes the `tf` module (compat_tf or tensorflow.compat.v1) and a scratch directory.
"""
import os

IAE, OOR = "InvalidArgumentError", "OutOfRangeError"


def _bad(x):
    if x in (3, 6):
        raise ValueError("bad element")
    return x * 2


def _raises_by_value(x):
    if x == 1:
        raise KeyError("k")
    if x == 2:
        raise NotImplementedError("n")
    if x == 3:
        raise MemoryError("m")
    if x == 4:
        raise StopIteration()
    return x


def _gen_raises():
    for i in range(6):
        if i == 3:
            raise ValueError("generator failed")
        yield i


def _gen_bad_type():
    for i in range(5):
        yield "x" if i == 2 else i


def _gen_bad_shape():
    for i in range(5):
        yield [i] * (2 if i == 2 else 1)


def _gen_not_callable_result():
    return 1 // 0


def _write_records(tf, path, records, corrupt_at=None, truncate=0):
    with tf.python_io.TFRecordWriter(path) as w:
        for r in records:
            w.write(r)
    data = bytearray(open(path, "rb").read())
    if corrupt_at is not None:
        data[corrupt_at] ^= 0xFF
    open(path, "wb").write(bytes(data[:len(data) - truncate]))
    return path


def _records(tf, tmp, bad_kind):
    """[a file whose 2nd record is corrupted / truncated / a missing file, a good file]."""
    good = _write_records(tf, os.path.join(tmp, "good"), [b"a", b"b", b"c"])
    bad = os.path.join(tmp, bad_kind)
    if bad_kind == "corrupt":          # records of 2 bytes take 18 bytes: flip the 2nd one's payload
        _write_records(tf, bad, [b"x1", b"x2", b"x3"], corrupt_at=18 + 12)
    elif bad_kind == "truncated":
        _write_records(tf, bad, [b"x1", b"x2"], truncate=5)
    return [bad, good]


def _csv(tmp):
    """Rows: good, too few fields, float missing (required), good, bad int, good."""
    path = os.path.join(tmp, "rows.csv")
    with open(path, "w") as f:
        f.write("1,2.5\n7\n2,\n3,1.5\nx,1\n,0.5\n")
    return path


def _bad_map(tf):
    return tf.data.Dataset.range(8).map(lambda x: tf.py_func(_bad, [x], tf.int64))


def _fill_growing(tf):
    """Elements [0], [1], [2], [3,3], [4,4], [5,5]: batches of 2 mix shapes at [2], [3,3]."""
    return tf.data.Dataset.range(6).map(
        lambda x: tf.fill(tf.reshape(tf.cast(1 + x // 3, tf.int32), [1]), x))


_MAP = [0, 2, 4, IAE, 8, 10, IAE, 14, OOR]

CASES = {
    # map / py_func: the element fails, the iterator goes on
    "map": (lambda tf, tmp: _bad_map(tf), _MAP),
    "map_parallel": (lambda tf, tmp: tf.data.Dataset.range(8).map(
        lambda x: tf.py_func(_bad, [x], tf.int64), num_parallel_calls=4), _MAP),
    "map_prefetch": (lambda tf, tmp: _bad_map(tf).prefetch(2), _MAP),
    # py_func's error classes; StopIteration (OutOfRangeError) ends a map
    "map_error_classes": (lambda tf, tmp: tf.data.Dataset.range(6).map(
        lambda x: tf.py_func(_raises_by_value, [x], tf.int64)),
        [0, "UnknownError", "UnimplementedError", "ResourceExhaustedError", OOR]),
    "ignore_errors": (lambda tf, tmp: _bad_map(tf).apply(tf.data.experimental.ignore_errors()),
                      [0, 2, 4, 8, 10, 14, OOR]),
    "ignore_errors_batch": (lambda tf, tmp: _bad_map(tf).apply(tf.data.experimental.ignore_errors()).batch(3),
                            [[0, 2, 4], [8, 10, 14], OOR]),
    # batch right after map is TF1's fused MapAndBatch: the whole batch is consumed, then fails
    "map_batch": (lambda tf, tmp: _bad_map(tf).batch(2), [[0, 2], IAE, [8, 10], IAE, OOR]),
    "map_batch3": (lambda tf, tmp: _bad_map(tf).batch(3), [[0, 2, 4], IAE, IAE, OOR]),
    "map_and_batch": (lambda tf, tmp: tf.data.Dataset.range(8).apply(tf.data.experimental.map_and_batch(
        lambda x: tf.py_func(_bad, [x], tf.int64), 3, drop_remainder=True)), [[0, 2, 4], IAE, IAE, OOR]),
    # an unfused batch fails as soon as it pulls the error, dropping what it gathered
    "unfused_batch": (lambda tf, tmp: _bad_map(tf).prefetch(1).batch(3), [[0, 2, 4], IAE, IAE, [14], OOR]),
    "filter_batch": (lambda tf, tmp: _bad_map(tf).filter(lambda x: x > 0).batch(2),
                     [[2, 4], IAE, [8, 10], IAE, [14], OOR]),
    "padded_batch": (lambda tf, tmp: _bad_map(tf).map(lambda x: tf.fill([x % 3], x)).padded_batch(2, [None]),
                     [[[0, 0], [2, 2]], IAE, [[8, 8], [10, 0]], IAE, [[14, 14]], OOR]),
    "batch_shape_mismatch": (lambda tf, tmp: _fill_growing(tf).batch(2),
                             [[[0], [1]], IAE, [[4, 4], [5, 5]], OOR]),
    "batch_shape_mismatch_unfused": (lambda tf, tmp: _fill_growing(tf).prefetch(1).batch(2),
                                     [[[0], [1]], IAE, [[4, 4], [5, 5]], OOR]),
    "unbatch": (lambda tf, tmp: _bad_map(tf).batch(2).apply(tf.data.experimental.unbatch()),
                [0, 2, IAE, 8, 10, IAE, OOR]),
    "filter": (lambda tf, tmp: tf.data.Dataset.range(8).filter(
        lambda x: tf.py_func(lambda v: bool(_bad(v) % 4 == 0), [x], tf.bool)), [0, 2, IAE, 4, IAE, OOR]),
    # take / skip / shard do not count failed elements
    "take": (lambda tf, tmp: _bad_map(tf).take(4), [0, 2, 4, IAE, 8, OOR]),
    "skip2": (lambda tf, tmp: _bad_map(tf).skip(2), [4, IAE, 8, 10, IAE, 14, OOR]),
    "skip4": (lambda tf, tmp: _bad_map(tf).skip(4), [IAE, 10, IAE, 14, OOR]),
    "shard1": (lambda tf, tmp: _bad_map(tf).shard(2, 1), [2, IAE, 8, IAE, 14, OOR]),
    "shard0": (lambda tf, tmp: _bad_map(tf).shard(2, 0), [0, 4, IAE, 10, IAE, OOR]),
    "repeat": (lambda tf, tmp: tf.data.Dataset.range(5).map(lambda x: tf.py_func(_bad, [x], tf.int64)).repeat(2),
               [0, 2, 4, IAE, 8, 0, 2, 4, IAE, 8, OOR]),
    "cache": (lambda tf, tmp: tf.data.Dataset.range(5).map(
        lambda x: tf.py_func(_bad, [x], tf.int64)).cache().repeat(2), [0, 2, 4, IAE, 8, 0, 2, 4, 8, OOR]),
    # a file cache (TF 1.15's FileDataset): the second epoch reads the file, which lacks the failed element
    "cache_file": (lambda tf, tmp: tf.data.Dataset.range(5).map(
        lambda x: tf.py_func(_bad, [x], tf.int64)).cache(os.path.join(tmp, "cache")).repeat(2),
        [0, 2, 4, IAE, 8, 0, 2, 4, 8, OOR]),
    "concatenate": (lambda tf, tmp: tf.data.Dataset.range(5).map(
        lambda x: tf.py_func(_bad, [x], tf.int64)).concatenate(tf.data.Dataset.range(2)),
        [0, 2, 4, IAE, 8, 0, 1, OOR]),
    # zip advances every input, so the components stay in step
    "zip": (lambda tf, tmp: tf.data.Dataset.zip((_bad_map(tf), tf.data.Dataset.range(8))),
            [[0, 0], [2, 1], [4, 2], IAE, [8, 4], [10, 5], IAE, [14, 7], OOR]),
    "zip_second": (lambda tf, tmp: tf.data.Dataset.zip((tf.data.Dataset.range(8), _bad_map(tf))),
                   [[0, 0], [1, 2], [2, 4], IAE, [4, 8], [5, 10], IAE, [7, 14], OOR]),
    "flat_map_function": (lambda tf, tmp: tf.data.Dataset.range(6).flat_map(
        lambda x: tf.data.Dataset.from_tensors(tf.py_func(_bad, [x], tf.int64))), [0, 2, 4, IAE, 8, 10, OOR]),
    "flat_map_inner": (lambda tf, tmp: tf.data.Dataset.range(2).flat_map(
        lambda x: tf.data.Dataset.range(5).map(lambda y: tf.py_func(_bad, [y], tf.int64))),
        [0, 2, 4, IAE, 8, 0, 2, 4, IAE, 8, OOR]),
    # interleave: a failed sub-element does not move the position; a failed open leaves the slot empty
    "interleave_inner": (lambda tf, tmp: tf.data.Dataset.range(3).interleave(
        lambda x: tf.data.Dataset.range(5).map(lambda y: tf.py_func(_bad, [y], tf.int64)),
        cycle_length=2, block_length=2),
        [0, 2, 0, 2, 4, IAE, 8, 4, IAE, 8, 0, 2, 4, IAE, 8, OOR]),
    "interleave_open": (lambda tf, tmp: tf.data.Dataset.range(6).interleave(
        lambda x: tf.data.Dataset.from_tensors(tf.py_func(_bad, [x], tf.int64)).repeat(2), cycle_length=2),
        [0, 2, 0, 2, 4, IAE, 8, 4, 8, 10, 10, OOR]),
    # from_generator: a bad element fails alone; an exception ends the generator
    "generator_raises": (lambda tf, tmp: tf.data.Dataset.from_generator(_gen_raises, tf.int64),
                         [0, 1, 2, IAE, OOR]),
    "generator_raises_ignored": (lambda tf, tmp: tf.data.Dataset.from_generator(_gen_raises, tf.int64).apply(
        tf.data.experimental.ignore_errors()).repeat(2), [0, 1, 2, 0, 1, 2, OOR]),
    "generator_bad_type": (lambda tf, tmp: tf.data.Dataset.from_generator(_gen_bad_type, tf.int64),
                           [0, 1, IAE, 3, 4, OOR]),
    "generator_bad_shape": (lambda tf, tmp: tf.data.Dataset.from_generator(_gen_bad_shape, tf.int64, [1]),
                            [[0], [1], IAE, [3], [4], OOR]),
    "generator_bad_structure": (lambda tf, tmp: tf.data.Dataset.from_generator(
        lambda: iter([(1, 2), (3,), (5, 6)]), (tf.int64, tf.int64)), [[1, 2], IAE, [5, 6], OOR]),
    "generator_call_fails": (lambda tf, tmp: tf.data.Dataset.from_generator(
        _gen_not_callable_result, tf.int64), ["UnknownError"] * 8),
    # readers: a corrupted or truncated record ends its file; a missing file fails every call
    "tfrecord_corrupt": (lambda tf, tmp: tf.data.TFRecordDataset(_records(tf, tmp, "corrupt")),
                         [b"x1", "DataLossError", b"a", b"b", b"c", OOR]),
    "tfrecord_truncated": (lambda tf, tmp: tf.data.TFRecordDataset(_records(tf, tmp, "truncated")),
                           [b"x1", "DataLossError", b"a", b"b", b"c", OOR]),
    "tfrecord_corrupt_ignored": (lambda tf, tmp: tf.data.TFRecordDataset(_records(tf, tmp, "corrupt")).apply(
        tf.data.experimental.ignore_errors()), [b"x1", b"a", b"b", b"c", OOR]),
    "tfrecord_corrupt_parallel": (lambda tf, tmp: tf.data.TFRecordDataset(
        _records(tf, tmp, "corrupt"), num_parallel_reads=2), [b"x1", b"a", "DataLossError", b"b", b"c", OOR]),
    "tfrecord_missing": (lambda tf, tmp: tf.data.TFRecordDataset(_records(tf, tmp, "missing")),
                         ["NotFoundError"] * 8),
    # tf.data.experimental transformations (failed elements pass through, the state is unchanged)
    "scan": (lambda tf, tmp: _bad_map(tf).apply(tf.data.experimental.scan(
        tf.constant(0, tf.int64), lambda s, x: (s + x, s + x))), [0, 2, 6, IAE, 14, 24, IAE, 38, OOR]),
    "take_while": (lambda tf, tmp: _bad_map(tf).apply(tf.data.experimental.take_while(lambda x: x < 9)),
                   [0, 2, 4, IAE, 8, OOR]),
    "unique": (lambda tf, tmp: _bad_map(tf).map(lambda x: x % 4).apply(tf.data.experimental.unique()),
               [0, 2, IAE, IAE, OOR]),
    "group_by_reducer": (lambda tf, tmp: _bad_map(tf).apply(tf.data.experimental.group_by_reducer(
        lambda x: x % 4, tf.data.experimental.Reducer(lambda k: tf.constant(0, tf.int64), lambda s, x: s + x,
                                                      lambda s: s))), [IAE, IAE, 12, 26, OOR]),
    "assert_cardinality": (lambda tf, tmp: _bad_map(tf).apply(tf.data.experimental.assert_cardinality(6)),
                           [0, 2, 4, IAE, 8, 10, IAE, 14, OOR]),
    "assert_cardinality_short": (lambda tf, tmp: _bad_map(tf).apply(tf.data.experimental.assert_cardinality(7)),
                                 [0, 2, 4, IAE, 8, 10, IAE, 14] + ["FailedPreconditionError"] * 3),
    "csv": (lambda tf, tmp: tf.data.experimental.CsvDataset(_csv(tmp), [0, tf.float32]),
            [[1, 2.5], IAE, IAE, [3, 1.5], IAE, [0, 0.5], OOR]),
}

# TF 2.x's SkipDataset skips through its input's Skip(), which fails differently; TF 1.15 calls
# GetNext count times and returns an error as it comes (not counting it), as compat_tf does.
TF2_DIFFERS = {"skip4"}

def _plain(v):
    if isinstance(v, tuple):
        return [_plain(x) for x in v]
    if hasattr(v, "tolist"):
        return v.tolist()
    return v


def get_next_sequence(tf, ds):
    """The outcome of consecutive get_next calls, up to an OutOfRangeError or 40 calls."""
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    out = []
    with tf.Session() as sess:
        for _ in range(40):
            try:
                out.append(_plain(sess.run(nxt)))
            except tf.errors.OpError as e:
                out.append(type(e).__name__)
                if isinstance(e, tf.errors.OutOfRangeError):
                    break
    return out


def run_case(tf, name, tmp):
    build, expected = CASES[name]
    with tf.Graph().as_default():
        got = get_next_sequence(tf, build(tf, str(tmp)))
    # cases that never end (TF1 retries) are compared on their first len(expected) calls
    return got[:len(expected)] if expected[-1] != OOR else got, expected
