"""Fuzzing tf.train.get_checkpoint_state / latest_checkpoint with mutated `checkpoint` state files
(compat_tf/_src/train/checkpoint_management.py).

Allowed outcomes, as TF1: a CheckpointState, None (TF1 logs and ignores a file it cannot read or
parse), ValueError for a state without model_checkpoint_path.
"""
import os

import pytest

import compat_tf as tf
from compat_tf._src.protos import checkpoint_state_pb2
import _harness

SEEDS = [b'model_checkpoint_path: "model.ckpt-20"\nall_model_checkpoint_paths: "model.ckpt-10"\n'
         b'all_model_checkpoint_paths: "model.ckpt-20"\n',
         b'model_checkpoint_path: "/abs/dir/m-7"\nall_model_checkpoint_paths: "/abs/dir/m-7"\n'
         b'all_model_checkpoint_timestamps: 1700000000.5\nlast_preserved_timestamp: 1699999999.25\n']


@pytest.fixture(scope="module")
def target(scratch):
    path = os.path.join(scratch, "checkpoint")

    def read(data):
        with open(path, "wb") as f:
            f.write(data)
        state = tf.train.get_checkpoint_state(scratch)
        tf.train.latest_checkpoint(scratch)
        return "none" if state is None else "state"
    return read


def test_seeds_read(target):
    for s in SEEDS:
        assert target(s) == "state"


@pytest.mark.parametrize("examples", _harness.example_counts())
def test_fuzz_checkpoint_state(target, examples):
    fuzzer = _harness.Fuzzer(target, (ValueError,))
    outcomes = fuzzer.run(_harness.Mutator(SEEDS, checkpoint_state_pb2.CheckpointState), examples)
    _harness.assert_reaches_parser(outcomes, "ok:state", 0.1)
