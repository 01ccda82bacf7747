"""Importing GraphDefs/MetaGraphDefs written by REAL TensorFlow (tests/data/tf_import_fixtures, made by
tests/data/make_tf_import_fixtures.py under the oracle venv): default-valued attrs left out
(strip_default_attrs=True), FusedBatchNorm's exponential_avg_factor, PreventGradient.
Resource variables: tests/ops/test_resource_variable_ops.py.
"""
import json
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import graph_io
from compat_tf._src.protos import graph_pb2, meta_graph_pb2, op_def_pb2

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "tf_import_fixtures")


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _graph_def(name):
    with open(os.path.join(DATA, name), "rb") as f:
        return graph_pb2.GraphDef.FromString(f.read())


def _npz(name):
    a = np.load(os.path.join(DATA, name))
    return {k: a[k] for k in a.files}


def train_like_tf(name):
    """Imports <name>/model.ckpt.meta, restores, runs 3 train steps; checks losses/variables against TF."""
    d = os.path.join(DATA, name)
    with open(os.path.join(d, "expected.json")) as f:
        meta = json.load(f)
    arrays = _npz(os.path.join(name, "expected.npz"))
    saver = tf.train.import_meta_graph(os.path.join(d, "model.ckpt.meta"))
    train_op = tf.get_collection("train_op")[0]
    feed = {k[len("feed/"):]: v for k, v in arrays.items() if k.startswith("feed/")}
    variables = tf.global_variables()
    expected = {k[len("var/"):]: v for k, v in arrays.items() if k.startswith("var/")}
    assert sorted(v.op.name for v in variables) == sorted(expected)
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(d, "model.ckpt"))
        losses = [sess.run(meta["loss"], feed)]
        for _ in range(meta["steps"]):
            sess.run(train_op, feed)
            losses.append(sess.run(meta["loss"], feed))
        after = {v.op.name: sess.run(v) for v in variables}
    np.testing.assert_allclose(losses, arrays["losses"], rtol=1e-4)
    assert abs(losses[-1] - losses[0]) > 1e-2
    for k, want in expected.items():
        np.testing.assert_allclose(after[k], want, rtol=1e-4, atol=1e-6, err_msg=k)
    return meta


# -- default-valued attrs left out ---------------------------------------------------------------

def test_meta_graph_saved_with_strip_default_attrs_trains_like_tf(graph):
    mgd = meta_graph_pb2.MetaGraphDef.FromString(open(os.path.join(DATA, "stripped_cnn", "model.ckpt.meta"),
                                                      "rb").read())
    nodes = {n.name: n for n in mgd.graph_def.node}
    # the fixture really leaves the defaults out, and lists the OpDefs that give them
    assert "validate_shape" not in nodes["k/Assign"].attr and "use_locking" not in nodes["k/Assign"].attr
    assert "data_format" not in nodes["Conv2D"].attr and "dilations" not in nodes["Conv2D"].attr
    assert "Assign" in {o.name for o in mgd.meta_info_def.stripped_op_list.op}
    train_like_tf("stripped_cnn")
    assign = graph.get_operation_by_name("k/Assign")
    assert assign.get_attr("validate_shape") is True and assign.get_attr("use_locking") is True
    conv = graph.get_operation_by_name("Conv2D")
    assert conv.get_attr("data_format") in ("NHWC", b"NHWC")
    assert tuple(conv.get_attr("dilations")) == (1, 1, 1, 1)
    assert graph.get_operation_by_name("MaxPool").get_attr("data_format") in ("NHWC", b"NHWC")


def test_graph_def_without_default_attrs_uses_tf_opdef_defaults(graph):
    gd = _graph_def("stripped_graph.pb")
    nodes = {n.name: n for n in gd.node}
    assert "keep_dims" not in nodes["Sum"].attr and "Tidx" not in nodes["Sum"].attr
    assert "data_format" not in nodes["Conv2D"].attr and "transpose_a" not in nodes["MatMul"].attr
    a = _npz("stripped_graph.npz")
    out, = tf.import_graph_def(gd, return_elements=["out:0"], name="")
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(out, {"x:0": a["x"]}), a["out"], rtol=1e-5, atol=1e-5)
    s = graph.get_operation_by_name("Sum")
    assert s.get_attr("keep_dims") is False and s.get_attr("Tidx") == tf.int32
    conv = graph.get_operation_by_name("Conv2D")
    assert conv.get_attr("data_format") in ("NHWC", b"NHWC") and tuple(conv.get_attr("explicit_paddings")) == ()
    assert conv.get_attr("use_cudnn_on_gpu") is True
    mm = graph.get_operation_by_name("MatMul")
    assert mm.get_attr("transpose_a") is False and mm.get_attr("transpose_b") is False
    assert graph.get_operation_by_name("AvgPool").get_attr("data_format") in ("NHWC", b"NHWC")


def test_producer_op_list_defaults_come_first(graph):
    gd = _graph_def("stripped_graph.pb")
    ol = op_def_pb2.OpList()
    od = ol.op.add(name="Conv2D")
    a = od.attr.add(name="use_cudnn_on_gpu", type="bool")
    a.default_value.b = False
    tf.import_graph_def(gd, name="", producer_op_list=ol)
    assert graph.get_operation_by_name("Conv2D").get_attr("use_cudnn_on_gpu") is False
    # not in that op list: TF's OpDef default
    assert graph.get_operation_by_name("Sum").get_attr("keep_dims") is False


def test_fill_default_attrs_leaves_complete_graph_defs_alone():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2, 3], name="x")
        tf.reduce_sum(tf.matmul(x, tf.ones([3, 2])), axis=1, name="s")
        gd = g.as_graph_def()
    filled = graph_io.fill_default_attrs(gd)
    assert {n.name: dict(n.attr) for n in filled.node}["s"]["keep_dims"].b is False


# -- FusedBatchNorm's exponential_avg_factor --------------------------------------------------------

def test_fused_batch_norm_exponential_avg_factor_matches_tf(graph):
    a = _npz("fused_bn.npz")
    tf.import_graph_def(_graph_def("fused_bn.pb"), name="")
    names = sorted(k for k in a if ":" in k)
    assert len(names) == 3 * (3 * 4 + 1)
    with tf.Session() as sess:
        got = sess.run({k: graph.get_tensor_by_name(k) for k in names}, {"x:0": a["x"], "x_nchw:0": a["x_nchw"]})
    for k in names:
        np.testing.assert_allclose(got[k], a[k], rtol=1e-4, atol=1e-5, err_msg=k)
    # the factor changes the running statistics (not just the batch's)
    batch_mean = a["x"].mean(axis=(0, 1, 2))
    assert not np.allclose(a["V3_f3_train:1"], batch_mean, atol=1e-3)
    np.testing.assert_allclose(a["V3_f10_train:1"], batch_mean, rtol=1e-4, atol=1e-5)


def test_fused_batch_norm_builder_exponential_avg_factor():
    a = _npz("fused_bn.npz")
    y, m, v = tf.nn.fused_batch_norm(a["x"], a["scale"], a["offset"], mean=a["mean"], variance=a["var"],
                                     epsilon=1e-3, is_training=True, exponential_avg_factor=0.3)
    with tf.Session() as sess:
        got = sess.run([y, m, v])
    for i in range(3):
        np.testing.assert_allclose(got[i], a[f"V3_f3_train:{i}"], rtol=1e-4, atol=1e-5)
    with pytest.raises(ValueError, match="must be a 1D tensor"):
        tf.nn.fused_batch_norm(a["x"], a["scale"], a["offset"], exponential_avg_factor=0.5)
    # the attr is left out of the op at its default (TF 1.15's OpDef has no such attr)
    _, _, _ = tf.nn.fused_batch_norm(a["x"], a["scale"], a["offset"], name="plain")
    assert "exponential_avg_factor" not in tf.get_default_graph().get_operation_by_name("plain").attrs


# -- PreventGradient --------------------------------------------------------------------------------

def test_prevent_gradient_raises_tf_error(graph):
    with open(os.path.join(DATA, "prevent_gradient.json")) as f:
        want = json.load(f)
    tf.import_graph_def(_graph_def("prevent_gradient.pb"), name="")
    pg = graph.get_operation_by_name("pg")
    assert pg.type == "PreventGradient"
    x, z, other = (graph.get_tensor_by_name(n) for n in ("x:0", "z:0", "other:0"))
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(z, {x: [1.0, 2.0, 3.0]}), 4 * 14.0)
    assert want["error"]["type"] == "LookupError"
    with pytest.raises(LookupError) as e:
        tf.gradients(z, x)
    assert str(e.value) == want["error"]["message"]
    # off the path between ys and xs it is never asked for a gradient, as in TF
    assert want["unrelated_ok"]
    g, = tf.gradients(other + tf.stop_gradient(z), x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(g, {x: [1.0, 2.0, 3.0]}), [3.0, 3.0, 3.0])


def test_prevent_gradient_builder():
    from compat_tf._src.ops.gradients_impl import prevent_gradient
    x = tf.constant([1.0, 2.0])
    y = prevent_gradient(x * 3.0, message="nope")
    with pytest.raises(LookupError, match=r"Gradient explicitly disabled. Reason: b'nope'"):
        tf.gradients(tf.reduce_sum(y), x)
    with tf.Session() as sess:
        np.testing.assert_allclose(sess.run(y), [3.0, 6.0])
