"""Fuzzing tf.parse_single_example / tf.parse_example with mutated serialized tf.train.Examples
(compat_tf/_src/ops/parsing_ops.py).

Allowed outcomes, as TF1's ParseExample kernels: a parsed value, or InvalidArgumentError (an
input that is not an Example, a feature of the wrong type or length, a missing required
feature). One graph and session for the whole run: each input is fed to both ops.
"""
import pytest

import compat_tf as tf
from compat_tf._src.protos import example_pb2
import _harness


def _example(i):
    f = {"label": tf.train.Feature(int64_list=tf.train.Int64List(value=[i])),
         "x": tf.train.Feature(float_list=tf.train.FloatList(value=[0.5 * i, -1.0, 2.0])),
         "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"n%d" % i])),
         "tags": tf.train.Feature(int64_list=tf.train.Int64List(value=list(range(i)))),
         "seq": tf.train.Feature(float_list=tf.train.FloatList(value=[1.0, 2.0] * i))}
    return tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString()


SEEDS = [_example(i) for i in range(4)]
FEATURES = {
    "label": tf.FixedLenFeature([], tf.int64),
    "x": tf.FixedLenFeature([3], tf.float32),
    "name": tf.FixedLenFeature([], tf.string, default_value=b""),
    "tags": tf.VarLenFeature(tf.int64),
    "seq": tf.FixedLenSequenceFeature([2], tf.float32, allow_missing=True),
}


@pytest.fixture(scope="module")
def target():
    g = tf.Graph()
    with g.as_default():
        one = tf.placeholder(tf.string, [])
        batch = tf.placeholder(tf.string, [None])
        single = tf.parse_single_example(one, FEATURES)
        batched = tf.parse_example(batch, FEATURES)
    sess = tf.Session(graph=g)

    def parse(data):
        got = sess.run(single, {one: data})
        sess.run(batched, {batch: [SEEDS[1], data]})
        return f"label={int(got['label']) if got['label'] in range(4) else 'other'}"
    yield parse
    sess.close()


def test_seeds_parse(target):
    for i, s in enumerate(SEEDS):
        assert target(s) == f"label={i}"


@pytest.mark.parametrize("examples", _harness.example_counts())
def test_fuzz_parse_example(target, examples):
    fuzzer = _harness.Fuzzer(target, (tf.errors.InvalidArgumentError,))
    outcomes = fuzzer.run(_harness.Mutator(SEEDS, example_pb2.Example), examples)
    _harness.assert_reaches_parser(outcomes, "ok:", 0.05)
    assert outcomes["InvalidArgumentError"] > 0
