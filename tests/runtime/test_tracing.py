"""Session.run with RunOptions(trace_level=FULL_TRACE): RunMetadata.step_stats from measured timings,
FileWriter.add_run_metadata, and tensorflow.python.client.timeline (issue 12 point 6).

TF-written fixture: tests/data/tf_persistence/run_metadata.pb and timeline.json (a FULL_TRACE run in real
TensorFlow and the Chrome trace TF's Timeline made of it; tests/data/make_tf_persistence_fixtures.py).
"""
import glob
import json
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.runtime import timeline

D = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "tf_persistence")
FULL = tf.RunOptions(trace_level=tf.RunOptions.FULL_TRACE)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _model():
    x = tf.placeholder(tf.float32, [None, 256], name="x")
    w = tf.Variable(np.full((256, 256), 0.01, np.float32), name="w")
    y = tf.reduce_sum(tf.nn.relu(tf.matmul(tf.matmul(x, w), w)), name="y")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(y)
    text = tf.strings.join([tf.as_string(y), "!"], name="text")      # host ops after the device part
    return x, w, y, train, text


def test_full_trace_fills_step_stats_with_device_segments_and_host_ops():
    x, w, y, train, text = _model()
    feed = {x: np.ones((64, 256), np.float32)}
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        rm = tf.RunMetadata()
        got = sess.run([y, text], feed, options=FULL, run_metadata=rm)
        want = sess.run([y, text], feed)                            # same values as an untraced run
        np.testing.assert_allclose(got[0], want[0], rtol=1e-6)     # (which may be the NumPy tier's:
        assert got[1].endswith(b"!")                                # float32 rounding may differ)
        np.testing.assert_allclose(float(got[1][:-1]), float(want[1][:-1]), rtol=1e-6)
    stats = [ns for dev in rm.step_stats.dev_stats for ns in dev.node_stats]
    assert all(dev.device.startswith("/job:localhost/replica:0/task:0/device:") for dev in rm.step_stats.dev_stats)
    segments = [ns for ns in stats if ns.node_name.startswith("XlaSegment[")]
    assert segments and "MatMul" in segments[0].node_name and "y" in segments[0].node_name
    assert "= XlaSegment(" in segments[0].timeline_label and "MatMul" in segments[0].timeline_label
    host = {ns.node_name: ns for ns in stats if not ns.node_name.startswith("XlaSegment[")}
    assert {"AsString", "text"} <= set(host)
    assert host["text"].timeline_label.startswith("text = StringJoin(AsString:0")
    # measured: each node has a start and a duration, in the order the run executed them
    starts = [ns.all_start_nanos for ns in stats]
    assert starts == sorted(starts) and all(ns.all_end_rel_nanos > 0 for ns in stats)
    seg = segments[0]
    assert host["AsString"].all_start_nanos >= seg.all_start_nanos + seg.all_end_rel_nanos


def test_traced_training_step_commits_like_an_untraced_one():
    x, w, y, train, _ = _model()
    feed = {x: np.ones((4, 256), np.float32)}
    results = []
    for traced in (False, True):
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(2):
                kwargs = dict(options=FULL, run_metadata=tf.RunMetadata()) if traced else {}
                sess.run(train, feed, **kwargs)
            results.append(sess.run(w))
    np.testing.assert_allclose(results[0], results[1], rtol=1e-6)   # to float32 rounding (tiers)


def test_no_trace_leaves_run_metadata_empty():
    x, w, y, _, _ = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        rm = tf.RunMetadata()
        sess.run(y, {x: np.ones((1, 256), np.float32)}, options=tf.RunOptions(), run_metadata=rm)
        assert not rm.step_stats.dev_stats
        sess.run(y, {x: np.ones((1, 256), np.float32)}, run_metadata=rm)
        assert not rm.step_stats.dev_stats


def test_add_run_metadata_writes_the_node_stats(tmp_path):
    x, w, y, train, text = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        rm = tf.RunMetadata()
        sess.run([train, text], {x: np.ones((2, 256), np.float32)}, options=FULL, run_metadata=rm)
        writer = tf.summary.FileWriter(str(tmp_path), sess.graph)
        writer.add_run_metadata(rm, "step1", global_step=1)
        writer.close()
    events = [e for f in glob.glob(str(tmp_path / "events.*")) for e in tf.train.summary_iterator(f)]
    tagged = [e for e in events if e.HasField("tagged_run_metadata")]
    assert [e.tagged_run_metadata.tag for e in tagged] == ["step1"]
    back = tf.RunMetadata.FromString(tagged[0].tagged_run_metadata.run_metadata)
    names = [ns.node_name for dev in back.step_stats.dev_stats for ns in dev.node_stats]
    assert any(n.startswith("XlaSegment[") for n in names) and "text" in names


def test_timeline_of_a_compat_tf_trace_is_a_chrome_trace():
    tf.install()
    from tensorflow.python.client import timeline as tf_timeline     # the TF1 import path
    assert tf_timeline.Timeline is timeline.Timeline
    x, w, y, _, text = _model()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        rm = tf.RunMetadata()
        sess.run(text, {x: np.ones((2, 256), np.float32)}, options=FULL, run_metadata=rm)
    trace = json.loads(tf_timeline.Timeline(rm.step_stats).generate_chrome_trace_format())
    events = trace["traceEvents"]
    ops = [e for e in events if e["ph"] == "X"]
    assert {e["name"] for e in ops} >= {"XlaSegment", "AsString", "StringJoin"}
    assert all(e["dur"] >= 0 and e["cat"] == "Op" for e in ops)
    names = {e["args"]["name"] for e in events if e["ph"] == "M"}
    assert "Allocators" in names and any(n.endswith(" Compute") for n in names)


def test_timeline_reads_tensorflows_step_stats_as_tensorflow_does():
    rm = tf.RunMetadata.FromString(open(os.path.join(D, "run_metadata.pb"), "rb").read())
    ours = json.loads(timeline.Timeline(rm.step_stats).generate_chrome_trace_format(show_dataflow=True))
    theirs = json.loads(open(os.path.join(D, "timeline.json")).read())

    def key(events, ph):
        return sorted(json.dumps(e, sort_keys=True) for e in events["traceEvents"] if e["ph"] == ph)
    assert key(ours, "X") == key(theirs, "X")
    assert key(ours, "M") == key(theirs, "M")
