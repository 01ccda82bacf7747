"""tf.data.experimental.snapshot (compat_tf/_src/data/snapshot.py) and the pipeline fingerprint that
names its directory (fingerprint.py). Layout and run semantics as recorded from TF 2.21."""
import gzip
import json
import os
import subprocess
import sys
import textwrap

import pytest

import compat_tf as tf
from compat_tf._src.data import snapshot as snapshot_impl

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _drain(sess, nxt, limit=100):
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(nxt))
        except tf.errors.OutOfRangeError:
            return out
        except tf.errors.InvalidArgumentError:
            out.append("IAE")
    raise AssertionError("the dataset did not end")


def _counting_range(n, calls):
    def gen():
        calls.append(1)
        yield from range(n)
    return tf.data.Dataset.from_generator(gen, tf.int64, [])


def _run(make_ds, feed=None):
    """All elements of make_ds() in a fresh graph and session."""
    with tf.Graph().as_default():
        it = make_ds().make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer, feed)
            return _drain(sess, nxt)


def _runs(path):
    """{fingerprint dir: metadata} under a snapshot path."""
    out = {}
    for d in sorted(os.listdir(path)):
        with open(os.path.join(path, d, "snapshot.metadata")) as f:
            out[d] = json.load(f)
    return out


def test_first_iteration_writes_then_new_graphs_read_the_finished_run(tmp_path):
    calls = []

    def make():
        return _counting_range(4, calls).map(lambda x: (x * 3, tf.as_string(x))).apply(
            tf.data.experimental.snapshot(str(tmp_path)))
    expected = [(0, b"0"), (3, b"1"), (6, b"2"), (9, b"3")]
    assert [(int(a), b) for a, b in _run(make)] == expected
    runs = _runs(tmp_path)
    (fp, meta), = runs.items()
    assert fp.isdigit() and 0 <= int(fp) < 2 ** 64      # TF's directory: a decimal uint64 hash
    assert meta["finalized"] is True and meta["num_elements"] == 4 and meta["dtypes"] == ["int64", "string"]
    assert os.listdir(tmp_path / fp / meta["run_id"]) == ["00000000.shard"]
    assert calls == [1]
    assert [(int(a), b) for a, b in _run(make)] == expected
    assert calls == [1]                                 # read from the snapshot, input untouched
    assert _runs(tmp_path) == runs


def test_a_different_pipeline_gets_a_new_fingerprint(tmp_path):
    def make(k):
        return lambda: tf.data.Dataset.range(3).map(lambda x: x * k).apply(
            tf.data.experimental.snapshot(str(tmp_path)))
    assert [int(v) for v in _run(make(2))] == [0, 2, 4]
    assert [int(v) for v in _run(make(5))] == [0, 5, 10]
    assert [int(v) for v in _run(make(2))] == [0, 2, 4]
    assert len(_runs(tmp_path)) == 2


def _py_double(x):
    return x * 2


def _py_triple(x):
    return x * 3


def test_py_func_code_and_fed_values_enter_the_fingerprint(tmp_path):
    def with_py(fn):
        return lambda: tf.data.Dataset.range(3).map(lambda x: tf.py_func(fn, [x], tf.int64)).apply(
            tf.data.experimental.snapshot(str(tmp_path / "py")))
    assert [int(v) for v in _run(with_py(_py_double))] == [0, 2, 4]
    assert [int(v) for v in _run(with_py(_py_triple))] == [0, 3, 6]
    assert len(_runs(tmp_path / "py")) == 2

    def fed():
        n = tf.placeholder(tf.int64, [], name="n")
        return tf.data.Dataset.range(n).apply(tf.data.experimental.snapshot(str(tmp_path / "fed"))), n
    for n, expected in ((2, [0, 1]), (3, [0, 1, 2]), (2, [0, 1])):
        with tf.Graph().as_default():
            ds, ph = fed()
            it = ds.make_initializable_iterator()
            nxt = it.get_next()
            with tf.Session() as sess:
                sess.run(it.initializer, {ph: n})
                assert [int(v) for v in _drain(sess, nxt)] == expected
    assert len(_runs(tmp_path / "fed")) == 2


def test_fingerprint_does_not_depend_on_what_the_graph_held_before(tmp_path):
    def make():
        return tf.data.Dataset.range(3).map(lambda x: x + 1).apply(tf.data.experimental.snapshot(str(tmp_path)))
    _run(make)
    with tf.Graph().as_default():
        for _ in range(3):      # other ops and traced functions first: every name gets a suffix
            tf.data.Dataset.range(9).map(lambda x: x + 1)
            tf.constant(1.0, name="map")
        it = make().make_one_shot_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            assert [int(v) for v in _drain(sess, nxt)] == [1, 2, 3]
    assert len(_runs(tmp_path)) == 1


def test_unfinished_run_is_ignored_and_redone(tmp_path):
    calls = []

    def make():
        return _counting_range(5, calls).apply(tf.data.experimental.snapshot(str(tmp_path)))
    with tf.Graph().as_default():
        it = make().make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer)
            assert [sess.run(nxt) for _ in range(2)] == [0, 1]
            (fp, meta), = _runs(tmp_path).items()
            assert meta["finalized"] is False and os.path.isdir(tmp_path / fp / meta["run_id"])
            sess.run(it.initializer)    # the unfinished run is dropped; a new one starts
            assert not os.path.exists(tmp_path / fp / meta["run_id"])
            assert [int(v) for v in _drain(sess, nxt)] == [0, 1, 2, 3, 4]
    (fp2, meta2), = _runs(tmp_path).items()
    assert fp2 == fp and meta2["finalized"] is True and meta2["run_id"] != meta["run_id"]
    assert sorted(os.listdir(tmp_path / fp)) == sorted(["snapshot.metadata", meta2["run_id"]])
    assert [int(v) for v in _run(make)] == [0, 1, 2, 3, 4] and len(calls) == 2


def _fails_on_3(x):
    if x == 3:
        raise ValueError("bad element")
    return x * 2


def test_failed_elements_are_passed_on_and_not_written(tmp_path):
    def make():
        return tf.data.Dataset.range(5).map(lambda x: tf.py_func(_fails_on_3, [x], tf.int64)).apply(
            tf.data.experimental.snapshot(str(tmp_path)))
    assert [v if v == "IAE" else int(v) for v in _run(make)] == [0, 2, 4, "IAE", 8]
    assert [int(v) for v in _run(make)] == [0, 2, 4, 8]
    (_, meta), = _runs(tmp_path).items()
    assert meta["num_elements"] == 4


@pytest.mark.parametrize("compression, gzipped", [("GZIP", True), (None, False), ("AUTO", False)])
def test_compression(tmp_path, compression, gzipped):
    def make():
        return tf.data.Dataset.range(3).map(lambda x: tf.as_string(x)).apply(
            tf.data.experimental.snapshot(str(tmp_path), compression=compression))
    assert _run(make) == [b"0", b"1", b"2"]
    (fp, meta), = _runs(tmp_path).items()
    shard = tmp_path / fp / meta["run_id"] / "00000000.shard" / "00000000.snapshot"
    raw = shard.read_bytes()
    assert raw[:2] == b"\x1f\x8b" if gzipped else raw[:2] != b"\x1f\x8b"
    if gzipped:
        assert b"\x08\x07" in gzip.decompress(raw)       # TensorProto dtype DT_STRING inside
    assert _run(make) == [b"0", b"1", b"2"] and len(_runs(tmp_path)) == 1


def test_bad_arguments():
    snap = tf.data.experimental.snapshot
    with pytest.raises(NotImplementedError, match="SNAPPY"):
        snap("/tmp/x", compression="SNAPPY")
    with pytest.raises(ValueError, match="compression"):
        snap("/tmp/x", compression="LZ4")
    with pytest.raises(NotImplementedError, match="reader_func"):
        snap("/tmp/x", reader_func=lambda ds: ds)
    with pytest.raises(NotImplementedError, match="shard_func"):
        snap("/tmp/x", shard_func=lambda x: x % 2)


def test_unwritable_path_is_tf_error_class(tmp_path):
    (tmp_path / "a_file").write_bytes(b"x")
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(3).apply(tf.data.experimental.snapshot(str(tmp_path / "a_file" / "s")))
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            with pytest.raises(tf.errors.FailedPreconditionError):
                sess.run(nxt)
    assert os.listdir(tmp_path) == ["a_file"]


def test_cardinality_and_records_round_trip():
    import numpy as np
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(7).apply(tf.data.experimental.snapshot("/nonexistent/never/written"))
        with tf.Session() as sess:
            assert sess.run(tf.data.experimental.cardinality(ds)) == 7
    for arr, dt in ((np.arange(6, dtype=np.float32).reshape(2, 3), tf.float32),
                    (np.array([[b"ab", b""], [b"c" * 200, b"d"]], dtype=object), tf.string)):
        back = snapshot_impl.decode_tensor(snapshot_impl.encode_tensor(arr, dt), "x")
        assert back.dtype == arr.dtype and back.shape == arr.shape and (back == arr).all()
    with pytest.raises(tf.errors.DataLossError):
        snapshot_impl.decode_tensor(b"\xff\xff", "x")


_CHILD = textwrap.dedent("""
    import json, sys
    import compat_tf as tf
    cache, snap = sys.argv[1], sys.argv[2]
    out = {}
    with tf.Graph().as_default():
        # a different input than the parent's: the finished cache is read, not the input
        c = tf.data.Dataset.range(50).cache(cache).make_one_shot_iterator().get_next()
        s = (tf.data.Dataset.range(4).map(lambda x: x * x)
             .apply(tf.data.experimental.snapshot(snap)).make_one_shot_iterator().get_next())
        with tf.Session() as sess:
            for key, t in (("cache", c), ("snapshot", s)):
                vals = []
                try:
                    while True:
                        vals.append(int(sess.run(t)))
                except tf.errors.OutOfRangeError:
                    out[key] = vals
    print(json.dumps(out))
""")


def test_another_process_reads_the_cache_and_the_snapshot(tmp_path):
    cache, snap = str(tmp_path / "cache"), str(tmp_path / "snap")
    assert [int(v) for v in _run(lambda: tf.data.Dataset.range(3).cache(cache))] == [0, 1, 2]
    assert [int(v) for v in _run(lambda: tf.data.Dataset.range(4).map(lambda x: x * x).apply(
        tf.data.experimental.snapshot(snap)))] == [0, 1, 4, 9]
    runs = _runs(snap)
    env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    res = subprocess.run([sys.executable, "-c", _CHILD, cache, snap], capture_output=True, text=True, env=env,
                         timeout=120)
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads(res.stdout.strip().splitlines()[-1]) == {"cache": [0, 1, 2], "snapshot": [0, 1, 4, 9]}
    assert _runs(snap) == runs          # same fingerprint in the child: its run was read, none written
