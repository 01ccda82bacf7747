"""framework/tf_export: compat_tf graphs in TF's op vocabulary (issue 12 point 4), checked without TF.

That real TensorFlow imports and runs these graphs with the same outputs is tests/oracle/
test_persistence_oracle.py; here: no compat_tf op type or ownership attr is left, the TF control-flow
structure is there, compat_tf reads the TF form back to the same values, and what TF's vocabulary
cannot express fails at export naming the op (or is left out / kept, by the export's policy).
"""
import numpy as np
import pytest

import compat_tf as tf
import compat_tf.checkpoints
from compat_tf._src.framework import tf_export
from compat_tf._src.train import meta_graph

X = np.random.RandomState(1).randn(4, 5).astype(np.float32)
COMPAT_ONLY = {"If", "While", "FunctionalScan", "RnnScan", "_LoopVar", "Gradients", "Tensordot",
               "ReduceLogSumExp", "_HostRange", "_HostFill"}

CASES = {
    "cond": (lambda x: tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0 + 1.0, lambda: -x),
             {"Switch", "Merge", "Identity"}),
    "nested_cond_in_while": (lambda x: tf.while_loop(
        lambda i, a: i < 3, lambda i, a: (i + 1, tf.cond(i > 1, lambda: a * 2.0, lambda: a - 1.0)),
        [tf.constant(0), x], maximum_iterations=5)[1],
        {"Enter", "Merge", "Switch", "LoopCond", "NextIteration", "Exit", "LogicalAnd"}),
    "map_fn": (lambda x: tf.map_fn(lambda r: tf.reduce_max(r) * r, x),
               {"TensorArrayV3", "TensorArrayWriteV3", "TensorArrayGatherV3", "GatherV2"}),
    "scan_reverse": (lambda x: tf.scan(lambda a, r: a * 0.5 + r, x, reverse=True), {"ConcatV2"}),
    "dynamic_rnn": (lambda x: tf.nn.dynamic_rnn(tf.nn.rnn_cell.GRUCell(3), tf.reshape(x, [4, 5, 1]),
                                                sequence_length=[5, 2, 0, 4], dtype=tf.float32)[0],
                    {"Select", "GreaterEqual", "TensorArrayV3"}),
    "reductions": (lambda x: tf.reduce_logsumexp(x, axis=0) + tf.tensordot(x, tf.ones([4, 3]), [[0], [0]])[:, 0],
                   {"Einsum", "IsFinite", "StopGradient", "Log"}),
    "host_range": (lambda x: tf.cast(tf.range(tf.cast(tf.reduce_sum(tf.abs(x)), tf.int32) % 7 + 2), tf.float32),
                   {"Range"}),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_exported_graph_is_tf_vocabulary_and_reads_back_to_the_same_values(name):
    build, expected_types = CASES[name]
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [4, 5], name="x")
        tf.identity(build(x), name="y")
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            want = s.run("y:0", {x: X})
            gd = tf.graph_util.convert_variables_to_constants(s, g.as_graph_def(), ["y"])   # tf_export inside
    types = {n.op for n in gd.node}
    assert not types & COMPAT_ONLY, types & COMPAT_ONLY
    assert expected_types <= types, expected_types - types
    assert not any(k in ("_compat_tf__owner", "_compat_tf__output_specs") for n in gd.node for k in n.attr)
    for n in gd.node:          # every type attr TF's OpDef asks for is there
        if n.op in ("Switch", "Merge", "Enter", "Exit", "NextIteration", "Identity"):
            assert "T" in n.attr, n
        if n.op == "Enter":
            assert n.attr["frame_name"].s.endswith(b"/while_context")
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as s:
            np.testing.assert_allclose(s.run("y:0", {"x:0": X}), want, rtol=1e-5, atol=1e-6)


def _training_graph(activation=tf.nn.relu):
    x = tf.placeholder(tf.float32, [None, 5], name="x")
    labels = tf.placeholder(tf.int32, [None], name="labels")
    w = tf.Variable(np.linspace(-1, 1, 15).reshape(5, 3).astype(np.float32), name="w")
    b = tf.Variable(np.zeros(3, np.float32), name="b")
    y = tf.identity(activation(tf.nn.bias_add(tf.matmul(x, w), b)) * 2.0 + 0.5, name="y")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=y), name="loss")
    train = tf.train.AdamOptimizer(0.1).minimize(loss, name="train")
    tf.add_to_collection("train_op", train)
    return x, labels, y, loss, train


def _steps(sess, train, loss, feeds, n=3):
    return [sess.run([train, loss], feeds)[1] for _ in range(n)]


def test_a_training_graph_exports_tf1s_backward_graph_and_trains_the_same():
    feeds = {"x:0": X, "labels:0": np.array([0, 2, 1, 2], np.int32)}
    with tf.Graph().as_default() as g:
        x, labels, y, loss, train = _training_graph()
        init = tf.global_variables_initializer()
        gd = tf_export.to_tf_graph_def(g)
        with tf.Session() as s:
            s.run(init)
            want = _steps(s, train, loss, {x: feeds["x:0"], labels: feeds["labels:0"]})
    types = {n.op for n in gd.node}
    assert "Gradients" not in types
    assert {"MatMul", "BiasAddGrad", "ReluGrad", "BroadcastTo", "ApplyAdam"} <= types
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        with tf.Session() as s:
            s.run(g2.get_operation_by_name(init.name))
            got = _steps(s, g2.get_operation_by_name("train"), "loss:0", feeds)
    np.testing.assert_allclose(got, want, rtol=1e-5)


def test_gradients_without_tf_rules_are_an_export_error_naming_the_op():
    with tf.Graph().as_default() as g:
        _training_graph(activation=tf.sin)
        with pytest.raises(tf_export.NotExportableError) as e:
            tf_export.to_tf_graph_def(g)
    msg = str(e.value)
    assert "(Gradients): Sin (Sin): no TF gradient rule" in msg and "tf.gradients" in msg
    assert "convert_variables_to_constants" in msg and e.value.ops and all(
        g.get_operation_by_name(n).type == "Gradients" for n in e.value.ops)
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [3], name="x")
        tf.hessians(tf.reduce_sum(x * x * x), x)
        with pytest.raises(tf_export.NotExportableError, match="tf.hessians"):
            tf_export.to_tf_graph_def(g)


def test_a_stateful_loop_body_is_an_export_error():
    with tf.Graph().as_default() as g:
        v = tf.Variable(0.0, name="v")
        tf.while_loop(lambda i: i < 3, lambda i: tf.tuple([i + 1, tf.assign_add(v, 1.0)])[0], [0], name="loop")
        with pytest.raises(tf_export.NotExportableError, match=r"loop \(While\): its body assigns variables \(v\)"):
            tf_export.to_tf_graph_def(g)


def test_export_policies_for_a_graph_tf_cannot_express(tmp_path):
    prev = compat_tf.checkpoints.set_format(None)
    try:
        with tf.Graph().as_default() as g:
            _training_graph(activation=tf.sin)
            gd = g.as_graph_def()
            kept, dropped = tf_export.export_graph_def(gd, "test", "auto")          # default format: kept
            assert kept is gd and not dropped
            pruned, dropped = tf_export.export_graph_def(gd, "test", "prune", graph=g)
            grads = [op.name for op in g.get_operations() if op.type == "Gradients"]
            assert grads and set(grads) <= set(dropped) and "train" in dropped and "y" not in dropped
            assert not {n.op for n in pruned.node} & COMPAT_ONLY
            assert {"w", "x", "y", "loss"} <= {n.name for n in pruned.node}
            compat_tf.checkpoints.set_format("tf")
            with pytest.raises(tf_export.NotExportableError):
                tf_export.export_graph_def(gd, "test", "auto")
            tf.train.Saver()
            mgd = meta_graph.create_meta_graph_def(graph=g, saver_def=None, on_compat_only="prune")
            assert "train_op" not in mgd.collection_def          # the collection named only dropped ops
            assert not {n.op for n in mgd.graph_def.node} & COMPAT_ONLY
    finally:
        compat_tf.checkpoints.set_format(prev)


@pytest.mark.parametrize("activation", [tf.nn.relu, tf.sin], ids=["tf_vocabulary", "compat_tf_encoding"])
def test_a_training_meta_graph_resumes_in_compat_tf(tmp_path, activation):
    with tf.Graph().as_default():
        x, labels, y, loss, train = _training_graph(activation)
        saver = tf.train.Saver()
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            prefix = saver.save(s, str(tmp_path / "m"))
    with tf.Graph().as_default():
        saver = tf.train.import_meta_graph(prefix + ".meta")
        with tf.Session() as s:
            saver.restore(s, prefix)
            w0 = s.run("w:0")
            s.run(tf.get_collection("train_op")[0], {"x:0": X, "labels:0": np.array([0, 1, 2, 0], np.int32)})
            assert np.abs(s.run("w:0") - w0).max() > 1e-3


GRAD_CASES = {
    "conv_pool": lambda x, w: tf.reduce_sum(tf.nn.max_pool(tf.nn.relu(tf.nn.conv2d(
        tf.reshape(x, [1, 4, 5, 1]), tf.reshape(w[:2, :2], [2, 2, 1, 1]), [1, 1, 1, 1], "SAME")),
        [1, 2, 2, 1], [1, 1, 1, 1], "VALID")),
    "broadcast_arith": lambda x, w: tf.reduce_mean((x * w[0, :] - w[1:2, :]) / (tf.abs(w[2, :]) + 1.0),
                                                   axis=1),
    "reduce_axes": lambda x, w: tf.reduce_sum(tf.square(x) * tf.reduce_mean(w, axis=0, keepdims=True), axis=[0]),
    "softmax_sigmoid_tanh": lambda x, w: tf.nn.softmax(tf.sigmoid(x) * w + tf.tanh(x)) * w,
    "avg_pool_elu": lambda x, w: tf.nn.avg_pool(tf.nn.elu(tf.reshape(x - w[:4, :], [1, 4, 5, 1])),
                                                [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
}


@pytest.mark.parametrize("name", sorted(GRAD_CASES))
def test_exported_backward_graph_gives_the_gradients_of_compat_tf(name):
    """The TF1 backward graph tf_export writes for tf.gradients, run here (compat_tf lowers TF's gradient
    kernels), gives JAX's gradients; tests/oracle runs it in TF."""
    wv = np.random.RandomState(3).randn(4, 5).astype(np.float32)
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [4, 5], name="x")
        w = tf.constant(wv, name="w")
        y = GRAD_CASES[name](x, w)
        gx, = tf.gradients(y, [x])
        tf.identity(gx, name="gx")
        with tf.Session() as s:
            want = s.run(gx, {x: X})
        gd = tf_export.to_tf_graph_def(g)
    assert "Gradients" not in {n.op for n in gd.node}
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as s:
            np.testing.assert_allclose(s.run("gx:0", {"x:0": X}), want, rtol=1e-5, atol=1e-6)
