"""Dataset.cache(filename): TF 1.15's file cache (compat_tf/_src/data/file_cache.py).

File names, keys and error messages were recorded from TF 2.21 (tf.compat.v1, graph mode), whose
file cache is TF 1.15's (the lock/cleanup behaviour dates from TF PR #30825, July 2019)."""
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.io.tensor_bundle import BundleReader


def _drain(sess, nxt, limit=100):
    out = []
    for _ in range(limit):
        try:
            out.append(sess.run(nxt))
        except tf.errors.OutOfRangeError:
            return out
    raise AssertionError("the dataset did not end")


def _pairs(ds):
    return ds.map(lambda x: (x * 10, tf.as_string(x)))


def _values(elements):
    return [(int(a), bytes(b)) for a, b in elements]


def _counting_range(n, calls):
    def gen():
        calls.append(1)
        yield from range(n)
    return tf.data.Dataset.from_generator(gen, tf.int64, [])


def test_first_iteration_writes_tf_bundle_and_later_ones_read_it_even_if_input_changed(tmp_path):
    f = str(tmp_path / "cache")
    with tf.Graph().as_default():
        it = _pairs(tf.data.Dataset.range(3)).cache(f).make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer)
            assert _values(_drain(sess, nxt)) == [(0, b"0"), (10, b"1"), (20, b"2")]
    assert sorted(os.listdir(tmp_path)) == ["cache.data-00000-of-00001", "cache.index"]
    r = BundleReader(f)     # TF's key format "%7zu_%1zu" (space padded), as TF 2.21 writes it
    assert r.names() == ["      0_0", "      0_1", "      1_0", "      1_1", "      2_0", "      2_1"]
    assert r.read("      2_1") == b"2" and int(r.read("      1_0")) == 10
    # a fresh graph and session (another program would do the same) over a different input
    calls = []
    with tf.Graph().as_default():
        ds = _pairs(_counting_range(7, calls)).cache(f)
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            for _ in range(2):
                sess.run(it.initializer)
                assert _values(_drain(sess, nxt)) == [(0, b"0"), (10, b"1"), (20, b"2")]
    assert calls == []      # the input was never iterated


def test_cache_then_repeat_reads_later_epochs_from_the_files(tmp_path):
    calls = []
    with tf.Graph().as_default():
        ds = _counting_range(4, calls).cache(str(tmp_path / "c")).repeat(3)
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            assert [int(v) for v in _drain(sess, nxt)] == [0, 1, 2, 3] * 3
    assert len(calls) == 1
    assert os.path.exists(tmp_path / "c.index") and not os.path.exists(tmp_path / "c_0.lockfile")


def test_partial_iteration_leaves_no_cache_and_no_lock(tmp_path):
    f = str(tmp_path / "c")
    with tf.Graph().as_default():
        it = tf.data.Dataset.range(5).cache(f).make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer)
            assert [sess.run(nxt) for _ in range(2)] == [0, 1]
            # while writing: the lockfile (TF's contents) and the data temporary
            names = sorted(os.listdir(tmp_path))
            assert names[0].startswith("c_0.data-00000-of-00001.tempstate") and names[1] == "c_0.lockfile"
            assert (tmp_path / "c_0.lockfile").read_text().startswith("Created at: ")
            sess.run(it.initializer)        # the dropped iterator removes its files, as TF's destructor
            assert os.listdir(tmp_path) == []
            assert sess.run(nxt) == 0       # and the new one writes from the start
        assert os.listdir(tmp_path) == []   # session closed mid-way: nothing left either
    with tf.Graph().as_default():          # cache(f).take(k): the cache iterator is dropped unfinished
        nxt = tf.data.Dataset.range(5).cache(f).take(2).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            assert [int(v) for v in _drain(sess, nxt)] == [0, 1]
    assert os.listdir(tmp_path) == []


def test_concurrent_writer_is_already_exists_and_retries_on_the_next_get_next(tmp_path):
    f = str(tmp_path / "c")
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(3).cache(f)
        it1, it2 = ds.make_initializable_iterator(), ds.make_initializable_iterator()
        n1, n2 = it1.get_next(), it2.get_next()
        with tf.Session() as sess:
            sess.run([it1.initializer, it2.initializer])
            assert sess.run(n1) == 0
            with pytest.raises(tf.errors.AlreadyExistsError, match=r"There appears to be a concurrent caching "
                               r"iterator running - cache lockfile already exists \('.*c_0\.lockfile'\)\. .*"
                               r"Lockfile contents: Created at: \d+"):
                sess.run(n2)
            with pytest.raises(tf.errors.AlreadyExistsError):
                sess.run(n2)
            assert [int(v) for v in _drain(sess, n1)] == [1, 2]     # it1 finishes and releases the lock
            # it2 was made before the cache existed (write mode, as TF decides at MakeIterator): it
            # locks now and writes the cache again
            assert [int(v) for v in _drain(sess, n2)] == [0, 1, 2]
    assert sorted(os.listdir(tmp_path)) == ["c.data-00000-of-00001", "c.index"]


def test_leftover_shard_index_is_already_exists(tmp_path):
    (tmp_path / "c_0.index").write_bytes(b"")
    with tf.Graph().as_default():
        nxt = tf.data.Dataset.range(3).cache(str(tmp_path / "c")).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            with pytest.raises(tf.errors.AlreadyExistsError, match="Existing cache files found"):
                sess.run(nxt)
    assert sorted(os.listdir(tmp_path)) == ["c_0.index"]


@pytest.mark.parametrize("where, error", [
    ("missing/dir/c", tf.errors.NotFoundError),           # TF: NotFound from NewWritableFile
    ("a_file/c", tf.errors.FailedPreconditionError),      # ENOTDIR, TF's FAILED_PRECONDITION
])
def test_unwritable_location_raises_tf_error_class(tmp_path, where, error):
    (tmp_path / "a_file").write_bytes(b"x")
    with tf.Graph().as_default():
        nxt = tf.data.Dataset.range(3).cache(str(tmp_path / where)).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            with pytest.raises(error, match="c_0.lockfile"):
                sess.run(nxt)
    assert sorted(os.listdir(tmp_path)) == ["a_file"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes anywhere")
def test_read_only_directory_is_permission_denied(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with tf.Graph().as_default():
            nxt = tf.data.Dataset.range(3).cache(str(ro / "c")).make_one_shot_iterator().get_next()
            with tf.Session() as sess:
                with pytest.raises(tf.errors.PermissionDeniedError):
                    sess.run(nxt)
    finally:
        ro.chmod(0o700)


def _fails_on_3(x):
    if x == 3:
        raise ValueError("bad element")
    return x * 2


def test_failed_elements_are_passed_on_and_not_cached(tmp_path):
    f = str(tmp_path / "c")
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(5).map(lambda x: tf.py_func(_fails_on_3, [x], tf.int64)).cache(f)
        it = ds.make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer)
            got = []
            for _ in range(6):
                try:
                    got.append(int(sess.run(nxt)))
                except tf.errors.InvalidArgumentError:
                    got.append("IAE")
                except tf.errors.OutOfRangeError:
                    got.append("OOR")
            assert got == [0, 2, 4, "IAE", 8, "OOR"]
            sess.run(it.initializer)
            assert [int(v) for v in _drain(sess, nxt)] == [0, 2, 4, 8]
    assert len(BundleReader(f).names()) == 4


def test_placeholder_filename_and_empty_string_is_memory_cache(tmp_path):
    with tf.Graph().as_default():
        name = tf.placeholder(tf.string, [])
        it = tf.data.Dataset.range(2).cache(name).make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            sess.run(it.initializer, {name: ""})
            assert [int(v) for v in _drain(sess, nxt)] == [0, 1]
            assert os.listdir(tmp_path) == []
            sess.run(it.initializer, {name: str(tmp_path / "p")})
            assert [int(v) for v in _drain(sess, nxt)] == [0, 1]
    assert sorted(os.listdir(tmp_path)) == ["p.data-00000-of-00001", "p.index"]


def test_empty_input_is_cached_as_empty(tmp_path):
    f = str(tmp_path / "e")
    calls = []
    for _ in range(2):
        with tf.Graph().as_default():
            nxt = _counting_range(0, calls).cache(f).make_one_shot_iterator().get_next()
            with tf.Session() as sess:
                assert _drain(sess, nxt) == []
    assert len(calls) == 1 and BundleReader(f).names() == []


def test_cache_with_different_dtypes_is_invalid_argument(tmp_path):
    f = str(tmp_path / "c")
    with tf.Graph().as_default():
        nxt = tf.data.Dataset.range(2).cache(f).make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            _drain(sess, nxt)
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensor_slices(np.array([1.5, 2.5], np.float32)).cache(f)
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            with pytest.raises(tf.errors.InvalidArgumentError, match="expected float32"):
                sess.run(nxt)
