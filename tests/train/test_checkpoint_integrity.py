"""Checkpoints compat_tf writes: checksums verified on restore, atomic commits, both formats, TF1 idioms.

Issue 12 points 1-3. Every test runs for both formats ("orbax", compat_tf's default, and "tf",
TensorFlow's V2 tensor bundle) where it applies. TF-written fixtures: tests/data/tf_checkpoints
(tests/data/make_tf_checkpoints.py, real TensorFlow).
"""
import errno
import glob
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import compat_tf as tf
import compat_tf.checkpoints
from compat_tf._src.io import tensor_bundle
from compat_tf._src.train import checkpoint_commit, checkpoint_io

FORMATS = ["orbax", "tf"]
DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "tf_checkpoints")
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(autouse=True)
def _default_format():
    prev = compat_tf.checkpoints.set_format(None)
    yield
    compat_tf.checkpoints.set_format(prev)


def _model():
    g = tf.Graph()
    with g.as_default():
        w = tf.Variable(np.arange(12, dtype=np.float32).reshape(3, 4), name="w")
        b = tf.Variable(np.array([1.5, -2.0], np.float64), name="scope/b")
        step = tf.Variable(7, dtype=tf.int64, name="global_step")
        saver = tf.train.Saver(max_to_keep=3)
        init = tf.global_variables_initializer()
        bump = [tf.assign_add(w, tf.ones_like(w)), tf.assign(b, b * 2.0), tf.assign_add(step, 1)]
    sess = tf.Session(graph=g)
    sess.run(init)
    return sess, saver, (w, b, step), bump


def _values(sess, vs):
    return [np.array(x) for x in sess.run(list(vs))]


def _assert_values(got, want):
    for a, b in zip(got, want):
        if a.dtype == object:
            assert list(a.ravel()) == list(b.ravel())
        else:
            np.testing.assert_array_equal(a, b)


# -- 1. integrity ------------------------------------------------------------------------------

def _tensor_range(prefix, name):
    """(file, start, end) of tensor `name`'s bytes in the checkpoint's data file."""
    index = checkpoint_io.CheckpointIndex(prefix)
    if index._bundle is not None:
        e = index._bundle.entries[name]
        return index.data_path, e.offset, e.offset + e.size
    key = index.entries[name][2]["key"]
    with zipfile.ZipFile(index.data_path) as z:
        # the orbax chunk files hold the arrays (zarr/OCDBT); flip inside the largest one
        infos = [i for i in z.infolist() if "/d/" in "/" + i.filename]
        info = max(infos, key=lambda i: i.file_size)
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        del key
        return index.data_path, start, start + info.compress_size


def _flip(path, start, end):
    with open(path, "r+b") as f:
        f.seek((start + end) // 2)
        byte = f.read(1)
        f.seek((start + end) // 2)
        f.write(bytes([byte[0] ^ 0x40]))


@pytest.mark.parametrize("fmt", FORMATS)
def test_corrupted_data_index_or_metadata_is_data_loss_and_changes_nothing(tmp_path, fmt):
    compat_tf.checkpoints.set_format(fmt)
    sess, saver, vs, bump = _model()
    path = saver.save(sess, str(tmp_path / "model.ckpt"))
    pristine = {f: open(f, "rb").read() for f in glob.glob(path + ".*")}
    saved = _values(sess, vs)
    sess.run(bump)
    changed = _values(sess, vs)

    def restore_fails(pattern):
        with pytest.raises(tf.errors.DataLossError, match=pattern):
            saver.restore(sess, path)
        _assert_values(_values(sess, vs), changed)           # the variables are unchanged
        for f, raw in pristine.items():
            with open(f, "wb") as out:
                out.write(raw)

    # data: a byte of the tensor w -> its checksum fails, naming the tensor and the data file
    data_file, start, end = _tensor_range(path, "w")
    _flip(data_file, start, end)
    restore_fails("w" if fmt == "tf" else "data-00000-of-00001")
    # index: every byte of it matters (entries, block checksums, the index checksum)
    index_file = path + ".index"
    size = os.path.getsize(index_file)
    for offset in range(0, size, max(1, size // 7)):
        _flip(index_file, offset, offset + 1)
        restore_fails(r"\.index|Checksum|corrupted|tensor")
    # metadata: orbax's metadata files in the data file / the bundle's header entry
    if fmt == "orbax":
        with zipfile.ZipFile(data_file) as z:
            info = next(i for i in z.infolist() if i.filename.endswith("_METADATA"))
        start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
        _flip(data_file, start, start + info.compress_size)
    else:
        raw = open(index_file, "rb").read()
        header_at = raw.index(b"\x08\x01")         # BundleHeaderProto: num_shards = 1
        _flip(index_file, header_at + 1, header_at + 2)
    restore_fails(None)
    saver.restore(sess, path)                        # pristine again: restores
    _assert_values(_values(sess, vs), saved)


@pytest.mark.parametrize("fmt", FORMATS)
def test_tensor_checksum_names_tensor_and_file(tmp_path, fmt):
    prefix = str(tmp_path / "c")
    checkpoint_io.write_checkpoint(prefix, {"a": np.ones(4, np.float32), "big": np.arange(1000.0)}, fmt=fmt)
    if fmt == "tf":
        _, start, end = _tensor_range(prefix, "big")
        _flip(prefix + ".data-00000-of-00001", start, end)
        with pytest.raises(tf.errors.DataLossError, match=r"tensor big in .*c\.data-00000-of-00001"):
            checkpoint_io.CheckpointIndex(prefix).read(["big"])
        np.testing.assert_array_equal(checkpoint_io.CheckpointIndex(prefix).read(["a"])["a"], np.ones(4))
    else:
        # a consistent rewrite of the orbax data (valid zip, valid orbax) with other values: only the
        # per-tensor CRC32C can tell
        other = str(tmp_path / "other")
        checkpoint_io.write_checkpoint(other, {"a": np.ones(4, np.float32), "big": np.arange(1000.0) + 1},
                                       fmt=fmt)
        shutil.copy(other + ".data-00000-of-00001", prefix + ".data-00000-of-00001")
        with pytest.raises(tf.errors.DataLossError, match=r"tensor big in .*c\.data-00000-of-00001"):
            checkpoint_io.CheckpointIndex(prefix).read(["a", "big"])


# -- 2. atomicity ------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_disk_full_keeps_the_previous_checkpoint(tmp_path, fmt, monkeypatch):
    compat_tf.checkpoints.set_format(fmt)
    sess, saver, vs, bump = _model()
    path = saver.save(sess, str(tmp_path / "model.ckpt"))
    saved = _values(sess, vs)
    sess.run(bump)
    real_open = checkpoint_commit._synced_open

    class _Full:
        def __init__(self, f):
            self.f, self.n = f, 0

        def write(self, data):
            self.n += len(data)
            if self.n > 64:
                raise OSError(errno.ENOSPC, "No space left on device")
            return self.f.write(data)

        def __getattr__(self, name):
            return getattr(self.f, name)

    import contextlib

    @contextlib.contextmanager
    def full_open(p, mode):
        with real_open(p, mode) as f:
            yield _Full(f)
    monkeypatch.setattr(checkpoint_commit.StagedWrite, "open", staticmethod(full_open))
    for target in (str(tmp_path / "model.ckpt"), str(tmp_path / "model.ckpt-2")):
        with pytest.raises(tf.errors.ResourceExhaustedError, match="No space left"):
            saver.save(sess, target)
    monkeypatch.undo()
    assert tf.train.latest_checkpoint(str(tmp_path)) == path
    assert not glob.glob(str(tmp_path / "*tempstate*")) and not glob.glob(str(tmp_path / "model.ckpt-2*"))
    saver.restore(sess, tf.train.latest_checkpoint(str(tmp_path)))
    _assert_values(_values(sess, vs), saved)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("renames_done", [0, 1, 2])
def test_commit_killed_between_renames_recovers_a_whole_checkpoint(tmp_path, fmt, renames_done, monkeypatch):
    prefix = str(tmp_path / "m")
    old = {"v": np.zeros(5, np.float32)}
    new = {"v": np.arange(5, dtype=np.float32)}
    checkpoint_io.write_checkpoint(prefix, old, fmt=fmt)
    real_replace, calls = os.replace, []

    class Killed(BaseException):
        pass

    def dying_replace(src, dst):
        if ".tempstate" in str(src) and not str(dst).endswith(checkpoint_commit.JOURNAL_SUFFIX):
            if len(calls) == renames_done:
                raise Killed()
            calls.append(dst)
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", dying_replace)
    real_remove = checkpoint_commit._remove

    def dying_remove(path):              # killed after every rename, before the journal is removed
        if path.endswith(checkpoint_commit.JOURNAL_SUFFIX):
            raise Killed()
        return real_remove(path)
    monkeypatch.setattr(checkpoint_commit, "_remove", dying_remove)
    with pytest.raises(Killed):
        checkpoint_io.write_checkpoint(prefix, new, fmt=fmt)
    monkeypatch.undo()
    got = checkpoint_io.CheckpointIndex(prefix).read_all()["v"]     # recovers, then verifies
    np.testing.assert_array_equal(got, (new if renames_done else old)["v"])
    if renames_done:
        assert not os.path.exists(prefix + checkpoint_commit.JOURNAL_SUFFIX)     # rolled forward
    else:                              # nothing renamed: the old checkpoint, the journal left for the writer
        assert os.path.exists(prefix + checkpoint_commit.JOURNAL_SUFFIX)
        checkpoint_io.write_checkpoint(prefix, new, fmt=fmt)       # a later save takes over
        np.testing.assert_array_equal(checkpoint_io.CheckpointIndex(prefix).read_all()["v"], new["v"])


def test_state_file_is_written_after_the_commit(tmp_path, monkeypatch):
    sess, saver, vs, _ = _model()
    first = saver.save(sess, str(tmp_path / "m"), global_step=1)
    from compat_tf._src.train import checkpoint_io as cio

    def failing(prefix, tensors, fmt=None):
        raise tf.errors.UnknownError(None, None, "boom")
    monkeypatch.setattr(cio, "write_checkpoint", failing)
    with pytest.raises(tf.errors.UnknownError):
        saver.save(sess, str(tmp_path / "m"), global_step=2)
    assert tf.train.latest_checkpoint(str(tmp_path)) == first


# -- 3. both formats, the switch, the converter, TF1 idioms ----------------------------------------

def test_tf_format_is_a_tensor_bundle_and_default_is_orbax(tmp_path, monkeypatch):
    sess, saver, vs, _ = _model()
    assert compat_tf.checkpoints.get_format() == "orbax"
    a = saver.save(sess, str(tmp_path / "a"))
    assert not tensor_bundle.is_tensor_bundle_prefix(a) and compat_tf.checkpoints.format_of(a) == "orbax"
    monkeypatch.setenv("COMPAT_TF_CHECKPOINT_FORMAT", "tf")
    b = saver.save(sess, str(tmp_path / "b"))
    assert tensor_bundle.is_tensor_bundle_prefix(b)
    compat_tf.checkpoints.set_format("orbax")             # wins over the variable
    c = saver.save(sess, str(tmp_path / "c"))
    assert compat_tf.checkpoints.format_of(c) == "orbax"
    with pytest.raises(ValueError, match="unknown checkpoint format"):
        compat_tf.checkpoints.set_format("hdf5")


def test_bundle_writer_reproduces_tensorflows_data_file():
    """Converting TF's own checkpoint to orbax and back gives TF's data file byte for byte."""
    src = os.path.join(DATA, "dtypes", "model.ckpt")
    reader = checkpoint_io.CheckpointIndex(src)
    values = reader.read_all()
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        compat_tf.checkpoints.convert(src, os.path.join(d, "o"), to="orbax")
        assert compat_tf.checkpoints.format_of(os.path.join(d, "o")) == "orbax"
        compat_tf.checkpoints.convert(os.path.join(d, "o"), os.path.join(d, "t"), to="tf")
        with open(src + ".data-00000-of-00001", "rb") as f1, \
                open(os.path.join(d, "t.data-00000-of-00001"), "rb") as f2:
            assert f1.read() == f2.read()
        back = checkpoint_io.CheckpointIndex(os.path.join(d, "t"))
        for name, v in values.items():
            assert back.entries[name][:2] == reader.entries[name][:2]
            assert back._bundle.entries[name].crc32c == reader._bundle.entries[name].crc32c, name


def test_convert_checkpoint_cli_both_ways(tmp_path):
    sess, saver, vs, _ = _model()
    src = saver.save(sess, str(tmp_path / "src" / "model.ckpt"), global_step=3)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    dst = str(tmp_path / "tf" / "model.ckpt-3")
    r = subprocess.run([sys.executable, "-m", "compat_tf", "convert-checkpoint", str(tmp_path / "src"), dst,
                        "--to", "tf"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert tensor_bundle.is_tensor_bundle_prefix(dst) and os.path.isfile(dst + ".meta")
    r = subprocess.run([sys.executable, "-m", "compat_tf", "convert-checkpoint", dst, str(tmp_path / "back"),
                        "--to", "orbax"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    want = checkpoint_io.CheckpointIndex(src).read_all()
    got = checkpoint_io.CheckpointIndex(str(tmp_path / "back")).read_all()
    assert sorted(got) == sorted(want)
    for k in want:
        _assert_values([np.asarray(got[k])], [np.asarray(want[k])])
    with open(dst + ".index", "r+b") as f:
        f.seek(20)
        f.write(b"\xff\xff")
    r = subprocess.run([sys.executable, "-m", "compat_tf", "convert-checkpoint", dst, str(tmp_path / "x"),
                        "--to", "orbax"], capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 1 and "Data loss" in r.stderr and not os.path.exists(str(tmp_path / "x.index"))


def test_run_checkpoint_format_flag(tmp_path):
    script = tmp_path / "train.py"
    script.write_text(
        "import sys\nimport tensorflow as tf\n"
        "v = tf.Variable([1.0, 2.0], name='v')\n"
        "with tf.Session() as s:\n"
        "    s.run(tf.global_variables_initializer())\n"
        "    tf.train.Saver().save(s, sys.argv[1])\n")
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("COMPAT_TF_CHECKPOINT_FORMAT", None)
    prefix = str(tmp_path / "m")
    r = subprocess.run([sys.executable, "-m", "compat_tf", "run", "--checkpoint-format", "tf", str(script), prefix],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    assert tensor_bundle.is_tensor_bundle_prefix(prefix)
    np.testing.assert_array_equal(checkpoint_io.CheckpointIndex(prefix).read_all()["v"], [1.0, 2.0])


@pytest.mark.parametrize("fmt", FORMATS)
def test_tf1_file_idioms(tmp_path, fmt):
    compat_tf.checkpoints.set_format(fmt)
    sess, saver, vs, bump = _model()
    prefix = saver.save(sess, str(tmp_path / "run" / "model.ckpt"), global_step=5)
    saved = _values(sess, vs)
    assert os.path.exists(prefix + ".index") and tf.train.checkpoint_exists(prefix)
    # copy by glob with gfile, as TF1 scripts back up their best checkpoint
    best = tmp_path / "best"
    tf.gfile.MakeDirs(str(best))
    files = tf.gfile.Glob(prefix + ".*")
    assert sorted(os.path.basename(f) for f in files) == [
        "model.ckpt-5.data-00000-of-00001", "model.ckpt-5.index", "model.ckpt-5.meta"]
    for f in files:
        tf.gfile.Copy(f, str(best / os.path.basename(f)), overwrite=True)
    sess.run(bump)
    saver.restore(sess, str(best / "model.ckpt-5"))
    _assert_values(_values(sess, vs), saved)
    # shutil works too: plain files
    for f in files:
        shutil.copy(f, str(tmp_path / os.path.basename(f).replace("model", "other")))
    saver.restore(sess, str(tmp_path / "other.ckpt-5"))
    mtimes = tf.train.get_checkpoint_mtimes([prefix, str(tmp_path / "nothing")])
    assert mtimes == [os.stat(prefix + ".index").st_mtime]
    tf.train.remove_checkpoint(prefix)
    assert not glob.glob(prefix + ".*") and not tf.train.checkpoint_exists(prefix)


def test_save_under_a_regular_file_is_value_error(tmp_path):
    sess, saver, vs, _ = _model()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ValueError, match="Parent directory of .* doesn't exist, can't save"):
        saver.save(sess, str(blocker / "model.ckpt"))
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("fmt", FORMATS)
def test_max_to_keep_with_glob_characters_in_the_directory(tmp_path, fmt):
    compat_tf.checkpoints.set_format(fmt)
    sess, saver, vs, bump = _model()
    d = tmp_path / "run[1]*?"
    for step in range(5):
        saver.save(sess, str(d / "model.ckpt"), global_step=step)
    left = sorted(os.listdir(str(d)))
    kept = [f"model.ckpt-{s}" for s in (2, 3, 4)]
    assert left == sorted(["checkpoint"] + [k + suffix for k in kept for suffix in
                                            (".data-00000-of-00001", ".index", ".meta")])
    for k in kept:
        checkpoint_io.CheckpointIndex(str(d / k)).read_all()
    assert tf.train.latest_checkpoint(str(d)) == str(d / "model.ckpt-4")


def test_state_file_names_paths_like_tensorflow(tmp_path):
    sess, saver, vs, _ = _model()
    saver.save(sess, str(tmp_path / "m"), global_step=1)
    text = (tmp_path / "checkpoint").read_text()
    assert json.dumps(str(tmp_path / "m-1")) in text
