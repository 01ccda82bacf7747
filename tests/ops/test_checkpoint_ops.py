"""TF1 artefacts in (issue 12 point 5): TF-written save/restore sub-graphs run as host ops, producer <= 21
placeholders, text protos with TF 2.x fields, large Consts materialised lazily.

Fixtures written by real TensorFlow: tests/data/tf_persistence (tests/data/make_tf_persistence_fixtures.py).
"""
import json
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import tensor_util
from compat_tf._src.train import checkpoint_io, meta_graph

D = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "tf_persistence")
EXPECTED = json.load(open(os.path.join(D, "expected.json")))


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_tf_sharded_saver_subgraph_restores_and_saves(tmp_path):
    """TF's Saver(sharded=True) graph: StaticRegexFullMatch, Select, StringJoin, ShardedFilename, SaveV2,
    MergeV2Checkpoints on save; RestoreV2 + Assign on restore."""
    saver = tf.train.import_meta_graph(os.path.join(D, "sharded", "model.meta"))
    sd = saver.saver_def
    assert sd.sharded
    want = EXPECTED["sharded"]
    with tf.Session() as sess:
        sess.run(sd.restore_op_name, {sd.filename_tensor_name: os.path.join(D, "sharded", "model.ckpt")})
        np.testing.assert_array_equal(sess.run("a:0"), want["a"])
        np.testing.assert_array_equal(sess.run("scope/b:0"), want["scope/b"])
        out = str(tmp_path / "run" / "model.ckpt")
        assert sess.run(sd.save_tensor_name, {sd.filename_tensor_name: out}) == out.encode()
    assert sorted(os.listdir(str(tmp_path / "run"))) == ["model.ckpt.data-00000-of-00001", "model.ckpt.index"]
    got = checkpoint_io.CheckpointIndex(out).read_all()
    np.testing.assert_array_equal(got["a"], want["a"])
    assert got["scope/b"].dtype == np.int64 and got["scope/b"].tolist() == want["scope/b"]


def test_restore_v2_errors_are_tf_classes(tmp_path):
    prefix = str(tmp_path / "c")
    checkpoint_io.write_checkpoint(prefix, {"v": np.zeros(3, np.float32)})
    from compat_tf._src.ops import checkpoint_ops  # noqa: F401

    def restore(names, dtypes):
        g = tf.get_default_graph()
        return g.create_op("RestoreV2", [tf.constant(prefix), tf.constant(names), tf.constant([""] * len(names))],
                           {"dtypes": tuple(dtypes)}, name="r").outputs
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(restore(["v"], [tf.float32]))[0], np.zeros(3))
        with pytest.raises(tf.errors.InvalidArgumentError, match="expected dtype float64 does not equal"):
            sess.run(restore(["v"], [tf.float64]))
        with pytest.raises(tf.errors.NotFoundError, match="Key w not found"):
            sess.run(restore(["w"], [tf.float32]))
        with pytest.raises(tf.errors.UnimplementedError, match="slice"):
            g = tf.get_default_graph()
            sess.run(g.create_op("RestoreV2", [tf.constant(prefix), tf.constant(["v"]), tf.constant(["3 0,1"])],
                                 {"dtypes": (tf.float32,)}, name="s").outputs)


def test_producer_21_placeholder_shape_is_unknown():
    gd = tf.GraphDef.FromString(open(os.path.join(D, "old_producer.pb"), "rb").read())
    assert gd.versions.producer == 21
    p, out = tf.import_graph_def(gd, return_elements=["Placeholder:0", "add:0"], name="")
    assert p.shape.ndims is None                          # TF: "<unknown>", not a scalar
    want = EXPECTED["old_producer"]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(out, {p: want["feed"]}), want["add"])
    gd.versions.producer = 22                             # from 22 on, `shape {}` is a scalar
    with tf.Graph().as_default():
        p2 = tf.import_graph_def(gd, return_elements=["Placeholder:0"], name="")[0]
        assert p2.shape.as_list() == []


def test_text_meta_graph_with_tf2_fields_parses_and_keeps_them():
    mgd = meta_graph.read_meta_graph_file(os.path.join(D, "new_fields.pbtxt"))
    typed = [n for n in mgd.graph_def.node if n.HasField("experimental_type")]
    assert typed and typed[0].experimental_type.type_id != 0
    ops = mgd.meta_info_def.stripped_op_list.op
    assert any(a.HasField("experimental_full_type") for o in ops for a in list(o.input_arg) + list(o.output_arg))
    keep = [n for n in mgd.graph_def.node if n.op != "TensorListReserve"
            and not any(i.split(":")[0] == "list" for i in n.input)]
    del mgd.graph_def.node[:]
    mgd.graph_def.node.extend(keep)
    tf.train.import_meta_graph(mgd)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run("y:0", {"x:0": np.ones((1, 3))}), 2 * np.ones((1, 3)))


def _const_graph_def(n, values):
    gd = tf.GraphDef()
    c = gd.node.add(name="big", op="Const")
    c.attr["dtype"].type = tf.float32.as_datatype_enum
    t = c.attr["value"].tensor
    t.dtype = tf.float32.as_datatype_enum
    t.tensor_shape.dim.add(size=n)
    t.float_val.extend(values)
    return gd


def test_huge_compact_const_is_not_materialised_at_import():
    gd = _const_graph_def(500_000_000, [2.0])            # 5e8 floats in a ~60-byte GraphDef
    assert len(gd.SerializeToString()) < 100
    tf.import_graph_def(gd, name="")
    op = tf.get_default_graph().get_operation_by_name("big")
    value = op.get_attr("value")
    assert isinstance(value, tensor_util.LazyConstValue) and value.uniform_value == 2.0
    assert op.outputs[0].shape.as_list() == [500_000_000]
    again = tf.get_default_graph().as_graph_def()          # exported as the same compact proto
    assert len(again.SerializeToString()) < 200


@pytest.mark.parametrize("values, expect", [([3.0], [3.0] * 40), ([1.0, 5.0], [1.0] + [5.0] * 39)])
def test_lazy_const_runs_to_tf_values(monkeypatch, values, expect):
    monkeypatch.setattr(tensor_util, "LAZY_CONST_ELEMENTS", 10)
    tf.import_graph_def(_const_graph_def(40, values), name="")
    t = tf.get_default_graph().get_tensor_by_name("big:0")
    assert isinstance(t.op.get_attr("value"), tensor_util.LazyConstValue)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(t), expect)
        assert sess.run(tf.reduce_sum(t * 2.0)) == pytest.approx(2 * sum(expect))


def test_lazy_const_that_cannot_be_materialised_is_resource_exhausted(monkeypatch):
    monkeypatch.setattr(tensor_util, "LAZY_CONST_ELEMENTS", 10)
    tf.import_graph_def(_const_graph_def(40, [1.0, 2.0]), name="")
    value = tf.get_default_graph().get_operation_by_name("big").get_attr("value")

    def no_memory(proto):
        raise MemoryError()
    monkeypatch.setattr(tensor_util, "make_ndarray", no_memory)
    with pytest.raises(tf.errors.ResourceExhaustedError, match=r"shape \[40\] \(160 bytes of float32\)"):
        value.materialize("Const big")
