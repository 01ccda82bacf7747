"""compat_tf's own graphs through MetaGraphDef/GraphDef: save a model, import_meta_graph it into a
fresh graph, restore, and keep training or run inference by tensor names (TF1's checkpoint
workflow). Gradients, If/While, map_fn/scan owner ops are rebuilt from their `_compat_tf_*` attrs."""
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.protos import node_def_pb2

RNG = np.random.RandomState(0)
X = RNG.randn(16, 3).astype(np.float32)
Y = (X @ np.array([[1.0], [2.0], [-3.0]], np.float32) + 0.5).astype(np.float32)


def _build_model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 1], name="y")
    h = tf.layers.dense(x, 4, activation=tf.nn.tanh, name="hidden")
    pred = tf.layers.dense(h, 1, name="out")
    loss = tf.reduce_mean(tf.square(pred - y), name="loss")
    gs = tf.train.get_or_create_global_step()
    train_op = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=gs)
    tf.add_to_collection("train_op", train_op)
    return x, y, loss, train_op


def _var_values(sess, prefix=""):
    return {v.op.name[len(prefix):]: sess.run(v) for v in tf.global_variables()
            if v.op.name.startswith(prefix)}


def _train(sess, train_op, loss, feeds, n=3):
    return [sess.run([train_op, loss], feeds)[1] for _ in range(n)]


@pytest.mark.parametrize("scope", [None, "restored"])
def test_train_save_import_meta_graph_restore_and_keep_training(tmp_path, scope):
    prefix = str(tmp_path / "model.ckpt")
    with tf.Graph().as_default():
        x, y, loss, train_op = _build_model()
        saver = tf.train.Saver()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            first = _train(sess, train_op, loss, {x: X, y: Y})
            path = saver.save(sess, prefix, global_step=tf.train.get_global_step())
            at_save = _var_values(sess)
            expected_losses = _train(sess, train_op, loss, {x: X, y: Y})
            expected_vars = _var_values(sess)
    assert first[0] > first[-1] > expected_losses[-1]     # it trains at all
    assert path == prefix + "-3"
    # the Adam slots, beta powers and global step are part of what must carry over
    assert {"global_step", "beta1_power", "beta2_power", "hidden/kernel/Adam_1"} <= set(at_save)

    pre = scope + "/" if scope else ""
    with tf.Graph().as_default() as g:
        restorer = tf.train.import_meta_graph(path + ".meta", import_scope=scope)
        assert isinstance(restorer, tf.train.Saver)
        # tf.gradients was written as TF1's backward graph (TF loads and trains it, tests/oracle)
        types = [o.type for o in g.get_operations()]
        assert "Gradients" not in types and {"TanhGrad", "BiasAddGrad", "ApplyAdam"} <= set(types)
        train_op2 = tf.get_collection("train_op")[0]
        assert train_op2.name == pre + train_op.name
        loss2 = g.get_tensor_by_name(pre + "loss:0")
        with tf.Session() as sess:
            restorer.restore(sess, path)
            np.testing.assert_array_equal(sess.run(pre + "global_step:0"), 3)
            for k, v in at_save.items():
                np.testing.assert_array_equal(sess.run(pre + k + ":0"), v, err_msg=k)
            got_losses = _train(sess, train_op2, loss2, {pre + "x:0": X, pre + "y:0": Y})
            got_vars = _var_values(sess, pre)
            # inference by tensor names
            pred = sess.run(pre + "out/BiasAdd:0", {pre + "x:0": X[:2]})
    np.testing.assert_allclose(got_losses, expected_losses, rtol=1e-5, atol=1e-7)
    assert set(got_vars) == set(expected_vars)
    for k in expected_vars:
        np.testing.assert_allclose(got_vars[k], expected_vars[k], rtol=1e-5, atol=1e-6, err_msg=k)
    assert got_vars["global_step"] == 6
    assert pred.shape == (2, 1)


def test_imported_graph_exports_again_and_trains_the_same(tmp_path):
    """Import -> export -> import: the rebuilt owner ops serialise like the originals."""
    prefix = str(tmp_path / "m")
    with tf.Graph().as_default():
        x, y, loss, train_op = _build_model()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver().save(sess, prefix)
            expected = _train(sess, train_op, loss, {x: X, y: Y})
    with tf.Graph().as_default():
        tf.train.import_meta_graph(prefix + ".meta")
        mgd = tf.train.export_meta_graph()
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(mgd)
        with tf.Session() as sess:
            saver.restore(sess, prefix)
            got = _train(sess, tf.get_collection("train_op")[0], g.get_tensor_by_name("loss:0"),
                         {"x:0": X, "y:0": Y})
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-7)


def _control_flow_graph():
    """tf.cond, a bounded tf.while_loop with a nested cond, map_fn, scan and tf.gradients through them."""
    x = tf.placeholder(tf.float32, [3], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    w = tf.Variable([0.5, -1.0, 2.0], name="w")
    c = tf.cond(p, lambda: tf.reduce_sum(x * w), lambda: tf.reduce_sum(tf.square(x)) * 2.0, name="c")

    def body(i, acc):
        acc = tf.cond(i < 2, lambda: acc * x, lambda: acc + w * w)
        return i + 1, acc
    _, acc = tf.while_loop(lambda i, a: i < 4, body, [tf.constant(0), tf.ones([3])], maximum_iterations=6,
                           name="loop")
    m = tf.map_fn(lambda e: tf.sin(e * w), tf.reshape(x, [1, 3]) * tf.ones([2, 1]), name="mp")
    s = tf.scan(lambda a, e: a * 0.5 + e, x, name="sc")
    y = tf.add_n([c, tf.reduce_sum(acc), tf.reduce_sum(m), tf.reduce_sum(s)], name="y")
    gx, gw = tf.gradients(y, [x, w])
    tf.identity(gx, name="gx")
    tf.identity(gw, name="gw")
    # second order: a Gradients op among the forward ops of another
    tf.identity(tf.gradients(tf.reduce_sum(gx * gx), x)[0], name="ggx")
    tf.identity(tf.hessians(tf.reduce_sum(x * x * w), x)[0], name="hess")
    return x, p


def _numpy_reference(xv, pv, wv):
    c = (xv * wv).sum() if pv else (xv ** 2).sum() * 2
    acc = np.ones(3)
    for i in range(4):
        acc = acc * xv if i < 2 else acc + wv * wv
    m = np.sin(xv * wv).sum() * 2
    s, a = [], 0.0
    for e in xv:
        a = a * 0.5 + e if s else e
        s.append(a)
    return c + acc.sum() + m + sum(s)


@pytest.mark.parametrize("scope", [None, "imp"])
def test_cond_while_map_scan_and_gradients_round_trip(scope):
    xv = np.array([0.5, -1.0, 2.0], np.float32)
    fetches = ["y:0", "gx:0", "gw:0", "ggx:0", "hess:0"]
    with tf.Graph().as_default():
        _control_flow_graph()
        mgd = tf.train.export_meta_graph()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            expected = {pv: sess.run(fetches, {"x:0": xv, "p:0": pv}) for pv in (True, False)}
    np.testing.assert_allclose(expected[True][0], _numpy_reference(xv, True, np.array([0.5, -1.0, 2.0])),
                               rtol=1e-5)
    assert not np.allclose(expected[True][1], expected[False][1])   # the branch matters for the gradient
    types = [n.op for n in mgd.graph_def.node]
    assert {"If", "While", "FunctionalScan", "Gradients"} <= set(types)
    data = mgd.SerializeToString()

    pre = scope + "/" if scope else ""
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(type(mgd).FromString(data), import_scope=scope)
        loop = g.get_operation_by_name(pre + "loop")
        body_ops = loop.get_attr("_body_ops")
        assert body_ops and all(op.graph is g and op._func_owner_op is loop for op in body_ops)
        assert all(op.name.startswith(pre) for op in body_ops)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for pv in (True, False):
                got = sess.run([pre + f for f in fetches], {pre + "x:0": xv, pre + "p:0": pv})
                for f, a, b in zip(fetches, got, expected[pv]):
                    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6, err_msg=f"{f} p={pv}")


def test_variables_assigned_inside_cond_and_loop_under_import_scope():
    """State keys (variable op names) written by owner ops get the import prefix."""
    with tf.Graph().as_default():
        p = tf.placeholder(tf.bool, [], name="p")
        v = tf.Variable(1.0, name="v")
        c = tf.cond(p, lambda: tf.assign_add(v, 1.0), lambda: tf.identity(v), name="c")

        def body(i):
            with tf.control_dependencies([tf.assign_add(v, 10.0)]):
                return i + 1
        tf.identity(tf.while_loop(lambda i: i < 3, body, [0], name="lp"), name="n")
        tf.identity(c, name="out")
        gd = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default() as g:
        tf.import_graph_def(gd, name="a")
        tf.import_graph_def(gd, name="b")     # a second copy: its own variable
        with tf.Session() as sess:
            sess.run(["a/v/Assign", "b/v/Assign"])
            assert sess.run("a/out:0", {"a/p:0": True}) == 2.0
            assert sess.run("a/out:0", {"a/p:0": False}) == 2.0
            assert sess.run("a/n:0") == 3
            assert sess.run("a/v:0") == 32.0
            assert sess.run("b/v:0") == 1.0
        assert g.get_operation_by_name("a/c").get_attr("_state_writes") == ("a/v",)


def test_node_defs_carry_the_structure_as_private_attrs():
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [2], name="x")
        w = tf.Variable([1.0, 2.0], name="w")
        loss = tf.reduce_sum(tf.square(x * w), name="loss")
        tf.gradients(loss, [w], name="grads")
        gd = g.as_graph_def()
    node = next(n for n in gd.node if n.op == "Gradients")
    import json
    assert json.loads(node.attr["_compat_tf_ys"].s) == {"T": [{"t": "loss:0"}]}
    assert json.loads(node.attr["_compat_tf_xs"].s) == {"T": [{"t": "w:0"}]}
    forward = [o["o"] for o in json.loads(node.attr["_compat_tf_ops"].s)["T"]]
    assert forward[-1] == "loss" and "mul" in forward
    assert node.attr["_compat_tf_mode"].s == b'"vjp"'
    # every attr the importer reads is a string/list attr TF itself can parse
    node_def_pb2.NodeDef.FromString(node.SerializeToString())


def test_py_func_graph_exports_but_import_names_the_node(tmp_path):
    prefix = str(tmp_path / "pf")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2], name="x")
        v = tf.Variable([1.0, 1.0], name="v")
        tf.py_func(lambda a: a * 2, [x + v], tf.float32, name="double")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            tf.train.Saver().save(sess, prefix)          # writes the .meta (export must not fail)
    with tf.Graph().as_default() as g:
        with pytest.raises(NotImplementedError,
                           match=r"Node 'double'.*PyFunc.*Python function of a tf.py_func"):
            tf.train.import_meta_graph(prefix + ".meta")
        assert g.get_operations() == []                  # nothing half-imported


def test_dataset_iterator_import_names_the_node():
    with tf.Graph().as_default() as g:
        it = tf.data.Dataset.from_tensor_slices(np.arange(4.0, dtype=np.float32)).make_one_shot_iterator()
        it.get_next(name="next")
        gd = g.as_graph_def()
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="tf.data Dataset"):
            tf.import_graph_def(gd)


def test_tf_written_save_restore_subgraph_runs(tmp_path):
    """A MetaGraphDef written by TF carries its Saver's save/SaveV2, save/RestoreV2, save/Assign_*,
    save/restore_all: they run as host ops, as TF1 programs (and TF's Java training sample) run them."""
    d = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "tf_meta_graphs", "mlp_gd")
    tf_prefix = os.path.join(d, "model.ckpt")
    from compat_tf._src.train import checkpoint_io
    want = checkpoint_io.CheckpointIndex(tf_prefix).read_all()
    with tf.Graph().as_default() as g:
        saver = tf.train.import_meta_graph(tf_prefix + ".meta")
        sd = saver.saver_def
        assert g.get_operation_by_name(sd.restore_op_name).type == "NoOp"
        assert g.get_operation_by_name("save/RestoreV2").type == "RestoreV2"
        with tf.Session() as sess:
            sess.run(sd.restore_op_name, {sd.filename_tensor_name: tf_prefix})
            for name, value in want.items():
                np.testing.assert_array_equal(sess.run(name + ":0"), value)
            out = str(tmp_path / "again")
            assert sess.run(sd.save_tensor_name, {sd.filename_tensor_name: out}) == out.encode()
            got = checkpoint_io.CheckpointIndex(out).read_all()
            assert sorted(got) == sorted(want)
            for name in want:
                np.testing.assert_array_equal(got[name], want[name])
            with pytest.raises(tf.errors.NotFoundError):
                sess.run(sd.restore_op_name, {sd.filename_tensor_name: str(tmp_path / "nothing")})


def test_compat_tf_saver_graph_has_tf1s_ops_and_runs(tmp_path):
    with tf.Graph().as_default() as g:
        w = tf.Variable(np.ones((2, 3), np.float32), name="w")
        saver = tf.train.Saver()
        names = [o.name for o in g.get_operations() if o.name.startswith("save/")]
        assert names == ["save/filename/input", "save/filename", "save/Const", "save/SaveV2/tensor_names",
                         "save/SaveV2/shape_and_slices", "save/SaveV2", "save/control_dependency",
                         "save/RestoreV2/tensor_names", "save/RestoreV2/shape_and_slices", "save/RestoreV2",
                         "save/Assign", "save/restore_all"]
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            path = str(tmp_path / "m")
            sess.run(saver.saver_def.save_tensor_name, {saver.saver_def.filename_tensor_name: path})
            sess.run(tf.assign(w, tf.zeros_like(w)))
            sess.run(saver.saver_def.restore_op_name, {saver.saver_def.filename_tensor_name: path})
            np.testing.assert_array_equal(sess.run(w), np.ones((2, 3)))


def test_export_scope_renames_the_private_references():
    with tf.Graph().as_default():
        with tf.name_scope("tower"):
            x = tf.placeholder(tf.float32, [], name="x")
            y = tf.cond(x > 0, lambda: x * 2.0, lambda: -x, name="c")
            tf.identity(tf.gradients(y * y, x)[0], name="g")
        mgd = tf.train.export_meta_graph(export_scope="tower")
    assert all(not n.name.startswith("tower/") for n in mgd.graph_def.node)
    with tf.Graph().as_default() as g:
        tf.train.import_meta_graph(mgd, import_scope="t2")
        assert g.get_operation_by_name("t2/c").get_attr("_branches")[0][0].name.startswith("t2/c/")
        with tf.Session() as sess:
            assert sess.run("t2/g:0", {"t2/x:0": 3.0}) == pytest.approx(24.0)    # d(4x^2) = 8x
            assert sess.run("t2/g:0", {"t2/x:0": -3.0}) == pytest.approx(-6.0)   # d(x^2) = 2x
