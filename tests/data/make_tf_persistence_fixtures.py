"""Writes tests/data/tf_persistence/ with REAL TensorFlow (the oracle venv, not compat_tf).

Run: /tmp/tfvenv/bin/python tests/data/make_tf_persistence_fixtures.py

  old_producer.pb         a GraphDef as TF 1.0/1.1 wrote it (versions.producer 21, a Placeholder with
                          `shape {}`): TF reads that shape as unknown, so a vector can be fed;
                          expected.json["old_producer"] holds what TF computed for a fed vector
  new_fields.pbtxt        a text MetaGraphDef written by TF 2.x whose nodes and stripped op list carry
                          fields TF 1.15 did not have (experimental_type, experimental_full_type)
  sharded/model.meta      the meta graph of a `Saver(sharded=True)`: its save sub-graph uses
                          StringJoin, ShardedFilename, SaveV2 per device and MergeV2Checkpoints
  sharded/model.ckpt*     a checkpoint TF wrote with it; expected.json["sharded"]: the variables
  run_metadata.pb         the RunMetadata of a FULL_TRACE run in TF, and timeline.json: what TF's
                          timeline.Timeline(step_stats).generate_chrome_trace_format() made of it
"""
import json
import os
import shutil

import numpy as np
import tensorflow.compat.v1 as tf
from google.protobuf import text_format

tf.disable_v2_behavior()
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_persistence")
expected = {}


def old_producer():
    with tf.Graph().as_default() as g:
        p = tf.placeholder(tf.float32, name="Placeholder")
        tf.add(p, 1.0, name="add")
        gd = g.as_graph_def()
    for n in gd.node:
        if n.op == "Placeholder":
            n.attr["shape"].shape.Clear()           # TF 1.0: `shape {}` for an unknown shape
    gd.versions.Clear()
    gd.versions.producer = 21
    with open(os.path.join(OUT, "old_producer.pb"), "wb") as f:
        f.write(gd.SerializeToString())
    with tf.Graph().as_default():
        p, out = tf.import_graph_def(gd, return_elements=["Placeholder:0", "add:0"], name="")
        with tf.Session() as sess:
            got = sess.run(out, {p: [1.0, 2.0]})
        expected["old_producer"] = {"feed": [1.0, 2.0], "add": got.tolist(), "shape": str(p.shape)}


def new_fields():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        handle = tf.raw_ops.TensorListReserve(element_shape=[3], num_elements=2, element_dtype=tf.float32,
                                              name="list")
        tf.identity(x * 2.0, name="y")
        del handle
        mgd = tf.train.export_meta_graph(graph=g)
    text = text_format.MessageToString(mgd)
    assert "experimental_type" in text or "experimental_full_type" in text, "no TF 2.x fields written"
    with open(os.path.join(OUT, "new_fields.pbtxt"), "w") as f:
        f.write(text)
    expected["new_fields"] = {"has_experimental_type": "experimental_type" in text,
                              "has_experimental_full_type": "experimental_full_type" in text}


def sharded():
    d = os.path.join(OUT, "sharded")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with tf.Graph().as_default():
        a = tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3), name="a")
        b = tf.Variable(np.array([7, 8], np.int64), name="scope/b")
        saver = tf.train.Saver(sharded=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, os.path.join(d, "model.ckpt"), write_meta_graph=False)
            saver.export_meta_graph(os.path.join(d, "model.meta"))
            expected["sharded"] = {"a": sess.run(a).tolist(), "scope/b": sess.run(b).tolist(),
                                   "save_op_types": sorted({op.type for op in tf.get_default_graph()
                                                            .get_operations() if op.name.startswith("save/")})}


def trace():
    from tensorflow.python.client import timeline
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 16], name="x")
        w = tf.Variable(np.ones((16, 4), np.float32), name="w")
        y = tf.reduce_sum(tf.nn.relu(tf.matmul(x, w)), name="y")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            rm = tf.RunMetadata()
            sess.run(y, {x: np.ones((2, 16), np.float32)},
                     options=tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE), run_metadata=rm)
    with open(os.path.join(OUT, "run_metadata.pb"), "wb") as f:
        f.write(rm.SerializeToString())
    with open(os.path.join(OUT, "timeline.json"), "w") as f:
        f.write(timeline.Timeline(rm.step_stats).generate_chrome_trace_format(show_dataflow=True,
                                                                             show_memory=False))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    old_producer()
    new_fields()
    sharded()
    trace()
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True)
