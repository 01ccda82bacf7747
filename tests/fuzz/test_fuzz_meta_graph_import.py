"""Fuzzing tf.train.import_meta_graph with mutated .meta files, binary and text
(compat_tf/_src/train/meta_graph.py).

Allowed outcomes, as TF1's read_meta_graph_file and import_scoped_meta_graph: success; OSError
("Cannot parse file": neither binary nor text format parses); ValueError (UnicodeDecodeError of
a file that is not text, and every invalid graph, as import_graph_def); DecodeError from a
collection's serialized proto (a VariableDef or SaverDef that does not parse: TF1 parses them with
ParseFromString and lets the error through); NotImplementedError for an op type compat_tf
recognises but does not import; a TypeError compat_tf raises on purpose (a collection's variable
that is not a variable makes the Saver fail, as TF1's Saver fails building its Assign). Graph
construction only: nothing is run.
"""
import os

import numpy as np
import pytest
from google.protobuf import text_format
from google.protobuf.message import DecodeError

import compat_tf as tf
from compat_tf._src.protos import meta_graph_pb2
import _harness


def _seeds():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.get_variable("w", [3, 2], initializer=tf.zeros_initializer())
        b = tf.Variable(np.ones(2, np.float32), name="b")
        y = tf.nn.relu(tf.matmul(x, w) + b, name="y")
        tf.train.get_or_create_global_step()
        tf.add_to_collection("extra", 7)
        tf.add_to_collection("outputs", y)
        saver = tf.train.Saver()
        mgd = saver.export_meta_graph()
    # binary .meta files are the common case (and quick to parse): three to one
    return [mgd.SerializeToString()] * 3 + [text_format.MessageToString(mgd).encode()]


SEEDS = _seeds()


@pytest.fixture(scope="module")
def target(scratch):
    path = os.path.join(scratch, "model.meta")

    def load(data):
        with open(path, "wb") as f:
            f.write(data)
        with tf.Graph().as_default() as g:
            tf.train.import_meta_graph(path)
            return "imported" if g.get_operations() else "empty"
    return load


def test_seeds_import(target):
    for s in SEEDS:
        assert target(s) == "imported"


@pytest.mark.parametrize("examples", _harness.example_counts(4))
def test_fuzz_import_meta_graph(target, examples):
    fuzzer = _harness.Fuzzer(target, (OSError, ValueError, DecodeError, NotImplementedError,
                                      _harness.Deliberate(TypeError)))
    outcomes = fuzzer.run(_harness.Mutator(SEEDS, meta_graph_pb2.MetaGraphDef), examples)
    _harness.assert_reaches_parser(outcomes, "ok:imported", 0.05)


def test_a_deliberate_error_is_recognised_from_the_code_not_the_source_file():
    """The slow run's false failures: the Saver's deliberate TypeError was judged by its source
    line, read from a file edited (by a merge) while the run went on; the raise instruction itself
    is what counts."""
    with tf.Graph().as_default():
        w = tf.constant([1.0], name="w")
        with pytest.raises(TypeError) as info:
            tf.train.Saver({"w": w * 2})
    assert _harness.Deliberate(TypeError).matches(info.value)
    assert not _harness.Deliberate(TypeError).matches(_raised(lambda: None + 1))


def _raised(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the exception under test
        return e
