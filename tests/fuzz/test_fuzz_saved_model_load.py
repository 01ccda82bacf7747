"""Fuzzing tf.saved_model.loader.load with a mutated saved_model.pb or saved_model.pbtxt
(compat_tf/_src/saved_model/loader_impl.py), the variables being a valid checkpoint.

Allowed outcomes, as TF1's loader: a loaded graph; OSError ("Cannot parse file" for a SavedModel
proto that does not parse); RuntimeError (no MetaGraphDef with the tags); ValueError (an invalid
graph, as import_graph_def, or a text file that is not UTF-8); google.protobuf DecodeError (a
collection's serialized proto); NotImplementedError (an op type compat_tf does not import); a
tf.errors.OpError from restoring the variables into a graph that no longer matches them; a
TypeError compat_tf raises on purpose (a collection's "variable" that is not one, as TF1's Saver).
"""
import os

import numpy as np
import pytest
from google.protobuf import text_format
from google.protobuf.message import DecodeError

import compat_tf as tf
from compat_tf._src.protos import saved_model_pb2
import _harness


def _export(directory):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 2], name="x")
        w = tf.Variable(np.array([[1.0], [2.0]], np.float32), name="w")
        y = tf.identity(tf.matmul(x, w), name="y")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.saved_model.simple_save(sess, directory, {"x": x}, {"y": y})
    with open(os.path.join(directory, "saved_model.pb"), "rb") as f:
        return f.read()


@pytest.fixture(scope="module")
def export_dir(scratch):
    return os.path.join(scratch, "model")


@pytest.fixture(scope="module")
def seeds(export_dir):
    binary = _export(export_dir)
    text = text_format.MessageToString(saved_model_pb2.SavedModel.FromString(binary)).encode()
    return [binary] * 3 + [text]


@pytest.fixture(scope="module")
def target(export_dir):
    pb, pbtxt = (os.path.join(export_dir, n) for n in ("saved_model.pb", "saved_model.pbtxt"))

    def load(data):
        is_text = data[:1].isalpha() or data[:1] in (b" ", b"\n")
        path, other = (pbtxt, pb) if is_text else (pb, pbtxt)
        if os.path.exists(other):
            os.remove(other)
        with open(path, "wb") as f:
            f.write(data)
        with tf.Session(graph=tf.Graph()) as sess:
            mgd = tf.saved_model.loader.load(sess, [tf.saved_model.tag_constants.SERVING], export_dir)
            return "loaded" if mgd.signature_def else "no signature"
    return load


def test_seeds_load(target, seeds):
    for s in seeds:
        assert target(s) == "loaded"


@pytest.mark.parametrize("examples", _harness.example_counts(8))
def test_fuzz_saved_model_loader(target, seeds, examples):
    fuzzer = _harness.Fuzzer(target, (OSError, RuntimeError, ValueError, DecodeError, NotImplementedError,
                                      tf.errors.OpError, _harness.Deliberate(TypeError)))
    outcomes = fuzzer.run(_harness.Mutator(seeds, saved_model_pb2.SavedModel), examples)
    _harness.assert_reaches_parser(outcomes, "ok:", 0.05)
