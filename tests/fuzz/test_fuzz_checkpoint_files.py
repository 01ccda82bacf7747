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
