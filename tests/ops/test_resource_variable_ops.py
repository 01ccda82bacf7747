"""Resource variables (compat_tf/_src/ops/resource_variable_ops.py).

Graphs written by REAL TensorFlow (tests/data/tf_import_fixtures, tests/data/make_tf_import_fixtures.py):
a use_resource=True MLP trained with Adam (import_meta_graph, restore, 3 steps == TF) and a GraphDef of
every ResourceApply* kernel, ResourceGather/ScatterAdd/ScatterUpdate and AssignAdd/SubVariableOp
(2 runs == TF). Then the Python side: imported ResourceVariables (read/assign/save/export), and
compat_tf's builders with use_resource=True / tf.enable_resource_variables().
"""
import json
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.ops import resource_variable_ops
from compat_tf._src.protos import graph_pb2

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "tf_import_fixtures")


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _npz(name):
    a = np.load(os.path.join(DATA, name))
    return {k: a[k] for k in a.files}


def _import_resource_adam():
    d = os.path.join(DATA, "resource_adam")
    with open(os.path.join(d, "expected.json")) as f:
        meta = json.load(f)
    arrays = _npz("resource_adam/expected.npz")
    saver = tf.train.import_meta_graph(os.path.join(d, "model.ckpt.meta"))
    feed = {k[len("feed/"):]: v for k, v in arrays.items() if k.startswith("feed/")}
    return d, meta, arrays, saver, feed


def test_tf_written_resource_adam_mlp_trains_like_tf(graph):
    d, meta, arrays, saver, feed = _import_resource_adam()
    types = {o.type for o in graph.get_operations()}
    assert {"VarHandleOp", "ReadVariableOp", "AssignVariableOp", "VarIsInitializedOp", "ResourceApplyAdam"} <= types
    variables = tf.global_variables()
    expected = {k[len("var/"):]: v for k, v in arrays.items() if k.startswith("var/")}
    assert sorted(v.op.name for v in variables) == sorted(expected)
    w = [v for v in variables if v.op.name == "l1/w"][0]
    assert isinstance(w, resource_variable_ops.ResourceVariable)
    assert w.dtype == tf.float32 and w.shape.as_list() == [5, 6] and w in tf.trainable_variables()
    train_op = tf.get_collection("train_op")[0]
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(d, "model.ckpt"))
        before = {v.op.name: sess.run(v) for v in variables}
        losses = [sess.run(meta["loss"], feed)]
        for _ in range(meta["steps"]):
            sess.run(train_op, feed)
            losses.append(sess.run(meta["loss"], feed))
        after = {v.op.name: sess.run(v) for v in variables}
        assert sess.run(tf.train.get_global_step()) == 3
    np.testing.assert_allclose(losses, arrays["losses"], rtol=1e-4)
    moved = 0
    for k, want in expected.items():
        np.testing.assert_allclose(after[k], want, rtol=1e-4, atol=1e-6, err_msg=k)
        moved += not np.allclose(before[k], want, rtol=1e-4, atol=1e-6)
    assert moved >= 10      # 4 weights, 8 Adam slots, 2 beta powers (global step too)


def test_tf_written_resource_adam_initializer_and_export_roundtrip(graph, tmp_path):
    d, meta, arrays, saver, feed = _import_resource_adam()
    with tf.Session() as sess:
        inited = sess.run("l1/w/IsInitialized/VarIsInitializedOp:0")
        assert not inited
        assert set(sess.run(tf.report_uninitialized_variables())) >= {b"l1/w", b"l1/w/Adam"}
        sess.run(tf.global_variables_initializer())
        assert sess.run("l1/w/IsInitialized/VarIsInitializedOp:0")
        np.testing.assert_allclose(sess.run("l1/b/Read/ReadVariableOp:0"), np.full(6, 0.05, np.float32))
        sess.run(tf.get_collection("train_op")[0], feed)
        path = saver.save(sess, str(tmp_path / "m"))
        want = {v.op.name: sess.run(v) for v in tf.global_variables()}
    # the re-exported .meta keeps the resource variables; its checkpoint restores them
    with tf.Graph().as_default():
        saver2 = tf.train.import_meta_graph(path + ".meta")
        vs = tf.global_variables()
        assert all(isinstance(v, resource_variable_ops.ResourceVariable) for v in vs if v.op.type == "VarHandleOp")
        with tf.Session() as sess:
            saver2.restore(sess, path)
            for v in vs:
                np.testing.assert_allclose(sess.run(v), want[v.op.name], err_msg=v.op.name)


def test_imported_resource_variable_read_and_assign(graph):
    d, meta, arrays, saver, feed = _import_resource_adam()
    b = [v for v in tf.global_variables() if v.op.name == "out/b"][0]
    inc = b.assign_add(tf.ones([3]))
    dec = b.assign_sub([0.5, 0.5, 0.5], read_value=False)
    put = b.assign([1.0, 2.0, 3.0])
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(d, "model.ckpt"))
        np.testing.assert_allclose(sess.run(b), [0.05] * 3, rtol=1e-6)
        np.testing.assert_allclose(sess.run(inc), [1.05] * 3, rtol=1e-6)
        sess.run(dec)
        np.testing.assert_allclose(sess.run(b.read_value()), [0.55] * 3, rtol=1e-6)
        np.testing.assert_allclose(sess.run(put), [1.0, 2.0, 3.0])
        np.testing.assert_allclose(b.eval(session=sess), [1.0, 2.0, 3.0])
        b.load(np.array([4.0, 5.0, 6.0]), sess)
        np.testing.assert_allclose(sess.run(b), [4.0, 5.0, 6.0])


def test_tf_written_resource_ops_match_tf(graph):
    gd = graph_pb2.GraphDef.FromString(open(os.path.join(DATA, "resource_ops.pb"), "rb").read())
    a = _npz("resource_ops.npz")
    tf.import_graph_def(gd, name="")
    types = {o.type for o in graph.get_operations()}
    for t in ("ResourceApplyGradientDescent", "ResourceApplyMomentum", "ResourceApplyRMSProp",
              "ResourceApplyCenteredRMSProp", "ResourceApplyAdagrad", "ResourceApplyAdadelta", "ResourceApplyFtrl",
              "ResourceApplyFtrlV2", "ResourceApplyProximalGradientDescent", "ResourceApplyProximalAdagrad",
              "ResourceGather", "ResourceScatterAdd", "ResourceScatterUpdate", "AssignAddVariableOp",
              "AssignSubVariableOp"):
        assert t in types, t
    names = sorted(k[len("after/"):] for k in a if k.startswith("after/"))
    with tf.Session() as sess:
        sess.run([graph.get_operation_by_name(n + "/Assign") for n in names])
        np.testing.assert_allclose(sess.run("gathered:0"), a["gathered"])
        for n in names:
            np.testing.assert_allclose(sess.run(n + "/Read/ReadVariableOp:0"), a["before/" + n], err_msg=n)
        sess.run("train")
        sess.run("train")
        for n in names:
            got = sess.run(n + "/Read/ReadVariableOp:0")
            np.testing.assert_allclose(got, a["after/" + n], rtol=1e-4, atol=1e-6, err_msg=n)
            if n not in ("crms_mg",):     # (an unused slot)
                assert not np.allclose(got, a["before/" + n]), n


def test_read_variable_op_sees_assign_ordered_by_control_dependency():
    h = tf.get_default_graph().create_op("VarHandleOp", [], {"dtype": tf.float32, "shape": tf.TensorShape([2]),
                                                            "shared_name": "v"}, name="v").outputs[0]
    init = tf.get_default_graph().create_op("AssignVariableOp", [h, tf.constant([1.0, 2.0])],
                                            {"dtype": tf.float32}, name="init")
    r0 = resource_variable_ops.read_variable_op(h, tf.float32)
    assert r0.shape.as_list() == [2] and r0.dtype == tf.float32
    add = tf.get_default_graph().create_op("AssignAddVariableOp", [h, r0 * 10.0], {"dtype": tf.float32})
    with tf.control_dependencies([add]):
        r1 = resource_variable_ops.read_variable_op(h, tf.float32)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(r0)
        sess.run(init)
        np.testing.assert_allclose(sess.run(r1), [11.0, 22.0])
        np.testing.assert_allclose(sess.run(r0), [11.0, 22.0])


# -- compat_tf's builders ----------------------------------------------------------------------------

@pytest.mark.parametrize("how", ["get_variable", "variable_scope", "Variable", "enable"])
def test_use_resource_variables_train(how):
    x = np.array([[1.0, 2.0], [3.0, -1.0]], np.float32)
    w0 = np.array([[0.5], [-0.25]], np.float32)
    if how == "enable":
        tf.enable_resource_variables()
        assert tf.resource_variables_enabled()
    try:
        if how == "get_variable":
            w = tf.get_variable("w", initializer=w0, use_resource=True)
        elif how == "variable_scope":
            with tf.variable_scope("s", use_resource=True):
                w = tf.get_variable("w", initializer=w0)
        elif how == "Variable":
            w = tf.Variable(w0, use_resource=True)
        else:
            w = tf.get_variable("w", initializer=w0)
    finally:
        tf.disable_resource_variables()
    assert not tf.resource_variables_enabled()
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w)))
    step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(step)
        got = sess.run(w)
    grad = 2 * x.T @ (x @ w0)
    np.testing.assert_allclose(got, w0 - 0.01 * grad, rtol=1e-5)
