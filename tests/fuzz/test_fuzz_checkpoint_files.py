"""Fuzzing the reading of compat_tf's own checkpoints (what tf.train.Saver writes by default:
compat_tf/_src/train/checkpoint_io.py, orbax-checkpoint underneath): every file of a saved
checkpoint, one at a time, mutated; then tf.train.NewCheckpointReader and get_tensor of every
tensor.

Allowed outcomes, as TF1's CheckpointReader on a damaged checkpoint: the tensors, or a
tf.errors.OpError (DataLossError, NotFoundError, ...). The files are found by walking what the
Saver wrote, so the test follows the format wherever it lives. A read that succeeds with values
other than the saved ones is counted apart ("ok:altered"): TF1 would have caught it by its
checksums; compat_tf's format checks them from the persistence work on (issue 12).
"""
import os
import random
import shutil

import numpy as np
import pytest

import compat_tf as tf
import _harness


SAVED = {"w": np.arange(6, dtype=np.float32).reshape(2, 3), "scope/n": np.array([1, -2], np.int64),
         "scalar": np.float64(3.5), "empty": np.zeros([0, 4], np.float32)}


def _save(directory):
    with tf.Graph().as_default():
        for name, value in SAVED.items():
            tf.Variable(value, name=name)
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return saver.save(sess, os.path.join(directory, "model.ckpt"), write_meta_graph=False)


def _files(directory):
    out = {}
    for root, _, names in os.walk(directory):
        for n in names:
            full = os.path.join(root, n)
            if n != "checkpoint":
                with open(full, "rb") as f:
                    out[os.path.relpath(full, directory)] = f.read()
    return out


@pytest.fixture(scope="module")
def seed(scratch):
    directory = os.path.join(scratch, "seed")
    _save(directory)
    return _files(directory)


class _FileMutator:
    """number -> (file's relative path, its mutated bytes): one file of the checkpoint changed."""

    def __init__(self, files):
        self.files = files
        self.names = sorted(files)

    def __call__(self, number):
        rnd = random.Random(number)
        name = rnd.choice(self.names)
        return name, _harness.mutate_bytes(rnd, self.files[name], list(self.files.values()))

    def __repr__(self):
        return f"<mutations of {len(self.names)} checkpoint files>"


@pytest.fixture(scope="module")
def target(scratch, seed):
    directory = os.path.join(scratch, "ckpt")

    def read(change):
        name, data = change
        if os.path.isdir(directory):
            shutil.rmtree(directory)
        for rel, content in seed.items():
            path = os.path.join(directory, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data if rel == name else content)
        reader = tf.train.NewCheckpointReader(os.path.join(directory, "model.ckpt"))
        names = sorted(reader.get_variable_to_shape_map())
        values = {n: reader.get_tensor(n) for n in names}
        if names != sorted(SAVED) or any(not np.array_equal(values[n], SAVED[n]) for n in names):
            return "altered"
        return "tensors"
    return read


def test_seed_reads(target, seed):
    name = sorted(seed)[0]
    assert target((name, seed[name])) == "tensors"


@pytest.mark.parametrize("examples", _harness.example_counts(10))
def test_fuzz_checkpoint_reader(target, seed, examples):
    fuzzer = _harness.Fuzzer(target, (tf.errors.OpError,))
    outcomes = fuzzer.run(_FileMutator(seed), examples)
    # the checkpoint's checksums (persistence work) reject nearly every changed byte with
    # DataLossError; a changed byte must never give other values than the saved ones
    assert "ok:altered" not in outcomes, outcomes
    assert outcomes.get("DataLossError", 0) >= 0.5 * sum(outcomes.values()), outcomes


def _rewritten_data_file(seed, directory, change):
    """The seed checkpoint under `directory`, each central-directory record of its ZIP data file
    (bytes from the b"PK\\1\\2" signature) passed through `change`."""
    for rel, content in seed.items():
        path = os.path.join(directory, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(content)
    data = os.path.join(directory, "model.ckpt.data-00000-of-00001")
    with open(data, "rb") as f:
        content = bytearray(f.read())
    at = content.find(b"PK\x01\x02")
    assert at > 0
    while at >= 0:
        change(content, at)
        at = content.find(b"PK\x01\x02", at + 4)
    with open(data, "wb") as f:
        f.write(content)
    return os.path.join(directory, "model.ckpt")


def _set_flag(content, at):
    content[at + 8] |= 0x1                                    # general purpose bit 0: encrypted


def _set_size(content, at):
    content[at + 24:at + 28] = (0xFFFFFFF0).to_bytes(4, "little")   # uncompressed size: 4 GiB


@pytest.mark.parametrize("what, change", [("encrypted", _set_flag), ("unpack to", _set_size)])
def test_zip_members_that_cannot_be_unpacked_are_data_loss(scratch, seed, what, change):
    """Found by the slow run: a member flagged as encrypted raised zipfile's RuntimeError; members
    claiming gigabytes would have been unpacked to disk. Both are DataLossError naming the file."""
    prefix = _rewritten_data_file(seed, os.path.join(scratch, "zip_" + what.split()[0]), change)
    reader = tf.train.NewCheckpointReader(prefix)
    with pytest.raises(tf.errors.DataLossError, match=what):
        reader.get_tensor("w")
