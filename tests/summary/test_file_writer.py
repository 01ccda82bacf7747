"""tf.summary.FileWriter / FileWriterCache and tf.train.summary_iterator vs TF 1.15."""
import glob
import os
import time
import warnings

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _files(logdir):
    return sorted(glob.glob(os.path.join(str(logdir), "events.out.tfevents.*")))


def _events(logdir):
    files = _files(logdir)
    assert len(files) == 1, files
    return list(tf.train.summary_iterator(files[0]))


def _has_graph_def():
    try:
        tf.Graph().as_graph_def()
        return True
    except ImportError:
        return False


def test_summaries_written_and_read_back(tmp_path):
    x = tf.placeholder(tf.float32, [])
    with tf.name_scope("train"):
        tf.summary.scalar("x", x)
    tf.summary.histogram("h", tf.stack([x, 2 * x]))
    tf.summary.image("img", tf.cast(tf.fill([1, 2, 3, 1], x), tf.uint8))
    merged = tf.summary.merge_all()
    w = tf.summary.FileWriter(str(tmp_path), filename_suffix=".v1")
    assert w.get_logdir() == str(tmp_path)
    t0 = time.time()
    with tf.Session() as sess:
        for step in range(3):
            w.add_summary(sess.run(merged, {x: float(step + 1)}), global_step=step * 10)
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="manual", simple_value=-1.5)]))
    w.close()
    files = _files(tmp_path)
    assert len(files) == 1 and files[0].endswith(".v1")
    events = _events(tmp_path)
    assert events[0].file_version == "brain.Event:2"
    assert all(isinstance(e, tf.summary.Event) for e in events)
    body = events[1:]
    assert [e.step for e in body] == [0, 10, 20, 0]
    assert all(t0 - 1 <= e.wall_time <= time.time() + 1 for e in body)
    scal = [(e.step, v.simple_value) for e in body for v in e.summary.value if v.tag == "train/x"]
    assert scal == [(0, 1.0), (10, 2.0), (20, 3.0)]
    hist = [v.histo for e in body for v in e.summary.value if v.tag == "h"]
    assert [(h.min, h.max, h.sum, h.num) for h in hist] == [(1, 2, 3, 2), (2, 4, 6, 2), (3, 6, 9, 2)]
    imgs = [v.image for e in body for v in e.summary.value if v.tag == "img/image/0"]
    assert [(i.width, i.height, i.colorspace) for i in imgs] == [(3, 2, 1)] * 3
    with tf.Graph().as_default(), tf.Session() as s:
        px = s.run(tf.image.decode_png(imgs[2].encoded_image_string))
    np.testing.assert_array_equal(px, np.full((2, 3, 1), 3, np.uint8))
    assert body[-1].summary.value[0].tag == "manual" and body[-1].summary.value[0].simple_value == -1.5
    assert body[-1].step == 0  # no global_step


def test_metadata_kept_only_for_first_value_of_a_tag(tmp_path):
    t = tf.summary.text("note", tf.constant("hi"))
    with tf.Session() as sess, tf.summary.FileWriter(str(tmp_path)) as w:
        out = sess.run(t)
        w.add_summary(out, 1)
        w.add_summary(out, 2)
        parsed = tf.Summary()
        parsed.ParseFromString(out)
        w.add_summary(parsed, 3)
        # the caller's proto keeps its metadata
        assert parsed.value[0].metadata.plugin_data.plugin_name == "text"
    vals = [e.summary.value[0] for e in _events(tmp_path) if e.HasField("summary")]
    assert [v.metadata.plugin_data.plugin_name for v in vals] == ["text", "", ""]
    assert [list(v.tensor.string_val) for v in vals] == [[b"hi"]] * 3


def test_flush_writes_pending_events_without_close(tmp_path):
    w = tf.summary.FileWriter(str(tmp_path), max_queue=2, flush_secs=1000)
    for i in range(5):
        w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=i)]), i)
    w.flush()
    steps = [e.step for e in _events(tmp_path) if e.HasField("summary")]
    assert steps == [0, 1, 2, 3, 4]
    w.close()


def test_close_drops_events_until_reopen_which_starts_a_new_file(tmp_path):
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1)]), 1)
    w.close()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=2)]), 2)
    assert any("closed FileWriter" in str(c.message) for c in caught)
    assert len(_files(tmp_path)) == 1
    w.reopen()
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=3)]), 3)
    w.close()
    files = _files(tmp_path)
    assert len(files) == 2
    per_file = [[(e.step, e.summary.value[0].simple_value) for e in tf.train.summary_iterator(f)
                 if e.HasField("summary")] for f in files]
    assert per_file == [[(1, 1.0)], [(3, 3.0)]]
    assert all(next(iter(tf.train.summary_iterator(f))).file_version == "brain.Event:2" for f in files)


def test_session_log_run_metadata_and_raw_events(tmp_path):
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_session_log(tf.SessionLog(status=tf.SessionLog.START), 5)
    w.add_session_log(tf.summary.SessionLog(status=tf.SessionLog.CHECKPOINT, checkpoint_path="/ck"), 6)
    md = tf.RunMetadata()
    md.partition_graphs.add().node.add(name="n1")
    w.add_run_metadata(md, "step1", 7)
    with pytest.raises(ValueError, match="already used"):
        w.add_run_metadata(md, "step1", 8)
    w.add_event(tf.Event(step=9, wall_time=123.0, file_version="custom"))
    w.close()
    ev = _events(tmp_path)[1:]
    assert [(e.step, e.session_log.status) for e in ev[:2]] == [(5, tf.SessionLog.START),
                                                                 (6, tf.SessionLog.CHECKPOINT)]
    assert ev[1].session_log.checkpoint_path == "/ck"
    assert ev[2].step == 7 and ev[2].tagged_run_metadata.tag == "step1"
    back = tf.RunMetadata()
    back.ParseFromString(ev[2].tagged_run_metadata.run_metadata)
    assert back.partition_graphs[0].node[0].name == "n1"
    assert (ev[3].step, ev[3].wall_time, ev[3].file_version) == (9, 123.0, "custom")
    assert len(ev) == 4


def test_add_graph_with_graph_def_proto(tmp_path):
    gd = tf.GraphDef()
    gd.node.add(name="x", op="Placeholder")
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_graph(None, global_step=3, graph_def=gd)
    with pytest.raises(TypeError, match="Graph"):
        w.add_graph("not a graph")
    w.close()
    ev = [e for e in _events(tmp_path) if e.graph_def]
    assert len(ev) == 1 and ev[0].step == 3
    back = tf.GraphDef()
    back.ParseFromString(ev[0].graph_def)
    assert [n.name for n in back.node] == ["x"]


@pytest.mark.skipif(not _has_graph_def(), reason="Graph.as_graph_def not available yet")
def test_file_writer_with_graph_writes_graph_and_meta_graph(tmp_path, graph):
    x = tf.placeholder(tf.float32, [2], name="x")
    tf.reduce_sum(x * 3.0, name="total")
    w = tf.summary.FileWriter(str(tmp_path), graph)
    w.add_graph(graph, global_step=4)
    w.close()
    ev = _events(tmp_path)
    graphs = [e for e in ev if e.graph_def]
    metas = [e for e in ev if e.meta_graph_def]
    assert len(graphs) == 2 and len(metas) == 1 and graphs[1].step == 4
    gd = tf.GraphDef()
    gd.ParseFromString(graphs[0].graph_def)
    names = {n.name for n in gd.node}
    assert {"x", "total"} <= names
    mg = tf.MetaGraphDef()
    mg.ParseFromString(metas[0].meta_graph_def)
    assert {n.name for n in mg.graph_def.node} == names


@pytest.mark.skipif(not _has_graph_def(), reason="Graph.as_graph_def not available yet")
def test_file_writer_cache(tmp_path):
    a = tf.summary.FileWriterCache.get(str(tmp_path))
    assert tf.summary.FileWriterCache.get(str(tmp_path)) is a
    tf.summary.FileWriterCache.clear()
    b = tf.summary.FileWriterCache.get(str(tmp_path))
    assert b is not a
    tf.summary.FileWriterCache.clear()


def test_summary_iterator_reads_tf_framing_and_rejects_corruption(tmp_path):
    w = tf.summary.FileWriter(str(tmp_path))
    w.add_summary(tf.Summary(value=[tf.Summary.Value(tag="a", simple_value=1)]), 1)
    w.close()
    path = _files(tmp_path)[0]
    # TFRecord framing readable by compat_tf's own tf_record reader
    records = list(tf.python_io.tf_record_iterator(path))
    assert len(records) == 2 and tf.Event.FromString(records[0]).file_version == "brain.Event:2"
    data = bytearray(open(path, "rb").read())
    data[-6] ^= 0xFF
    open(path, "wb").write(bytes(data))
    with pytest.raises(tf.errors.DataLossError):
        list(tf.train.summary_iterator(path))


def test_public_proto_names():
    assert tf.Summary is tf.summary.Summary and tf.Event is tf.summary.Event
    assert tf.SessionLog is tf.summary.SessionLog
    s = tf.Summary(value=[tf.Summary.Value(tag="i", image=tf.Summary.Image(height=2, width=3))])
    assert tf.Summary.FromString(s.SerializeToString()).value[0].image.width == 3
    assert tf.summary.SummaryDescription(type_hint="x").type_hint == "x"
    assert tf.summary.TaggedRunMetadata(tag="t").tag == "t"
    h = tf.HistogramProto(min=1.0)
    assert h.min == 1.0 and tf.SummaryMetadata().plugin_data.plugin_name == ""
