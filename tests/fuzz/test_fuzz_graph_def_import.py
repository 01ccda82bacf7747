"""Fuzzing tf.import_graph_def with mutated GraphDefs (compat_tf/_src/framework/graph_io.py).

Allowed outcomes, as TF1: success; google.protobuf DecodeError from GraphDef.FromString (TF1's
own protobuf parse raises it); ValueError from import_graph_def (TF1 reports every invalid graph
so: unknown op types, bad attrs, dangling inputs, type and shape errors); NotImplementedError
for an op type compat_tf recognises but does not import (its contract for missing pieces).
Graph construction only: the imported graph is not run.
"""
import pathlib

import numpy as np
import pytest
from google.protobuf.message import DecodeError

import compat_tf as tf
from compat_tf._src.protos import graph_pb2
import _harness

DATA = pathlib.Path(__file__).parents[1] / "data"
TF_WRITTEN = ["tf_graphs/v1_cond.pb", "tf_import_fixtures/stripped_graph.pb", "tf_import_fixtures/fused_bn.pb",
              "tf_import_fixtures/prevent_gradient.pb"]


def _compat_tf_graphs():
    out = []
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        w = tf.constant(np.arange(12, dtype=np.float32).reshape(4, 3), name="w")
        h = tf.nn.relu(tf.matmul(x, w) + tf.constant([0.5, 0.0, -1.0]), name="h")
        y = tf.reduce_mean(tf.nn.softmax(tf.reshape(h, [-1, 3])), axis=1, name="y")
        tf.cast(tf.argmax(h, 1), tf.float32) * y
        tf.concat([tf.shape(x), tf.constant([7])], 0, name="shapes")
        tf.strings.join([tf.constant(["a", "b"]), "c"], name="s")
        out.append(g.as_graph_def().SerializeToString())
    with tf.Graph().as_default() as g:
        v = tf.Variable(tf.zeros([2, 2]), name="v")
        tf.assign_add(v, tf.ones([2, 2]), name="step")
        tf.gather(tf.constant([1, 2, 3], tf.int64), tf.constant([0, 2]), name="g")
        out.append(g.as_graph_def().SerializeToString())
    return out


SEEDS = _compat_tf_graphs() + [(DATA / p).read_bytes() for p in TF_WRITTEN]


def _import(data):
    gd = graph_pb2.GraphDef.FromString(data)
    with tf.Graph().as_default() as g:
        tf.import_graph_def(gd, name="")
        return "imported" if g.get_operations() else "empty"


def test_seeds_import():
    for s in SEEDS:
        assert _import(s) == "imported"


@pytest.mark.parametrize("examples", _harness.example_counts(2))
def test_fuzz_import_graph_def(examples):
    fuzzer = _harness.Fuzzer(_import, (DecodeError, ValueError, NotImplementedError))
    outcomes = fuzzer.run(_harness.Mutator(SEEDS, graph_pb2.GraphDef), examples)
    _harness.assert_reaches_parser(outcomes, "ok:imported", 0.05)
    assert outcomes["ValueError"] > 0
