"""Fuzzing tf.train.summary_iterator (compat_tf/_src/summary/writer.py) with mutated event files.

Allowed outcomes, as TF1's summary_iterator (tf_record_iterator, then Event.FromString of each
record): every Event, DataLossError for a corrupted or truncated record, google.protobuf
DecodeError for a record whose payload is not an Event. Mutations edit the file's bytes, or the
Event protos inside records framed again with valid checksums.
"""
import glob
import os
import random

import numpy as np
import pytest
from google.protobuf.message import DecodeError

import compat_tf as tf
from compat_tf._src.summary import protos as summary_protos
import _harness


def _event_file(scratch):
    logdir = os.path.join(scratch, "seed_events")
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None])
        merged = tf.summary.merge([tf.summary.scalar("mean", tf.reduce_mean(x)),
                                   tf.summary.histogram("values", x)])
        writer = tf.summary.FileWriter(logdir, graph=g)
        with tf.Session() as sess:
            for step in range(3):
                writer.add_summary(sess.run(merged, {x: np.arange(5.0) * step}), step)
        writer.close()
    (path,) = glob.glob(os.path.join(logdir, "events.out.tfevents.*"))
    with open(path, "rb") as f:
        return f.read()


class _EventMutator(_harness.Mutator):
    """Byte edits of the file; or its Event records, some edited as protos, framed again."""

    def __call__(self, number):
        rnd = random.Random(number)
        if rnd.random() < 0.4:
            return super().__call__(number)
        records = _harness.split_records(self.seeds[0])
        for i in range(len(records)):
            if rnd.random() < 0.3:
                records[i] = _harness.mutate_proto(rnd, summary_protos.Event, records[i])
            elif rnd.random() < 0.1:
                records[i] = _harness.mutate_bytes(rnd, records[i])
        return _harness.frame_records(records)


@pytest.fixture(scope="module")
def seeds(scratch):
    return [_event_file(scratch)]


@pytest.fixture(scope="module")
def target(scratch):
    path = os.path.join(scratch, "events.out.tfevents.fuzz")

    def read(data):
        with open(path, "wb") as f:
            f.write(data)
        n = sum(1 for _ in tf.train.summary_iterator(path))
        return "events" if n else "empty"
    return read


def test_seed_reads(target, seeds):
    assert target(seeds[0]) == "events"


@pytest.mark.parametrize("examples", _harness.example_counts())
def test_fuzz_summary_iterator(target, seeds, examples):
    fuzzer = _harness.Fuzzer(target, (tf.errors.DataLossError, DecodeError))
    outcomes = fuzzer.run(_EventMutator(seeds), examples)
    _harness.assert_reaches_parser(outcomes, "ok:events", 0.1)
