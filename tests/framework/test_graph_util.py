"""tf.graph_util on graphs with compat_tf's owner ops (tf.cond, tf.while_loop, tf.map_fn, dynamic_rnn):
the sub-graph, freezing and training-node removal keep the ops inside branches and loop bodies."""
import numpy as np
import pytest

import compat_tf as tf

X = np.array([0.5, -1.0, 2.0], np.float32)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _control_flow_model():
    x = tf.placeholder(tf.float32, [3], name="x")
    p = tf.placeholder(tf.bool, [], name="p")
    v = tf.Variable(np.array([1.0, 2.0, 3.0], np.float32), name="v")
    w = tf.Variable(2.0, name="w")
    u = tf.Variable(np.array([0.5, 0.25, -1.0], np.float32), name="u")
    # branches read a snapshot (v/read from outside) and the variable itself (read_value: its reference)
    c = tf.cond(p, lambda: x * v + u.read_value(), lambda: tf.identity(x + w), name="c")
    _, loop = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * w + u.read_value()),
                            [tf.constant(0), x], name="wl")
    m = tf.map_fn(lambda r: tf.cond(r > 0, lambda: r * w.read_value(), lambda: r), x, name="m")
    tf.identity(c + loop + m, name="out")
    return x, p


def _run(graph_def, feeds):
    with tf.Graph().as_default():
        tf.import_graph_def(graph_def, name="")
        g = tf.get_default_graph()
        with tf.Session() as s:
            return [s.run("out:0", {g.get_tensor_by_name(k): v for k, v in f.items()}) for f in feeds]


FEEDS = [{"x:0": X, "p:0": True}, {"x:0": X, "p:0": False}]


def test_frozen_cond_while_and_map_fn_reading_variables_match_the_original():
    _control_flow_model()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        g = tf.get_default_graph()
        want = [s.run("out:0", {g.get_tensor_by_name(k): v for k, v in f.items()}) for f in FEEDS]
        frozen = tf.graph_util.convert_variables_to_constants(s, g.as_graph_def(), ["out"])
    ops = {n.name: n.op for n in frozen.node}
    assert {"c/mul", "c/add", "wl/mul"} <= set(ops)       # branch and body ops kept
    # in TF's vocabulary: TF1 control flow, no compat_tf owner ops (TF loads it; tests/oracle)
    assert {"Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond", "TensorArrayV3"} <= set(ops.values())
    assert not {"If", "While", "FunctionalScan", "_LoopVar"} & set(ops.values())
    assert not any(k.startswith("_compat_tf__owner") for n in frozen.node for k in n.attr)
    assert ops["v"] == ops["w"] == ops["u"] == "Const"
    assert not any(o in ("VariableV2", "Assign") for o in ops.values())
    got = _run(frozen, FEEDS)
    for a, b in zip(got, want):
        np.testing.assert_allclose(a, b, rtol=1e-6)
    # hand-computed: the true branch x*v+u, loop a -> a*w+u three times, map r*w where r > 0
    vv, ww, uu = np.array([1.0, 2.0, 3.0]), 2.0, np.array([0.5, 0.25, -1.0])
    loop = X
    for _ in range(3):
        loop = loop * ww + uu
    m = np.where(X > 0, X * ww, X)
    np.testing.assert_allclose(got[0], X * vv + uu + loop + m, rtol=1e-6)
    np.testing.assert_allclose(got[1], X + ww + loop + m, rtol=1e-6)


def test_extract_sub_graph_keeps_branch_and_body_ops_and_remove_training_nodes_keeps_them_wired():
    _control_flow_model()
    gd = tf.get_default_graph().as_graph_def()
    sub = tf.graph_util.extract_sub_graph(gd, ["out"])
    names = {n.name for n in sub.node}
    assert {"c/mul", "c/add", "c/read", "wl/LoopVar_3", "wl/mul", "m/LoopVar", "u", "w"} <= names
    assert "v/Assign" not in names and "v/initial_value" not in names
    stripped = tf.graph_util.remove_training_nodes(sub)
    with tf.Graph().as_default():
        tf.import_graph_def(stripped, name="")      # every name an owner refers to is still there
        g = tf.get_default_graph()
        assert g.get_operation_by_name("c").type == "If"
        assert g.get_operation_by_name("c/Identity").type == "Identity"   # inside a branch: kept


def test_freezing_a_variable_assigned_in_a_loop_body_is_an_error():
    cnt = tf.Variable(0.0, name="cnt")
    tf.identity(tf.map_fn(lambda r: tf.assign_add(cnt, r), tf.ones([3])), name="out")
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        gd = tf.get_default_graph().as_graph_def()
        with pytest.raises(ValueError, match="assigns variable 'cnt'"):
            tf.graph_util.convert_variables_to_constants(s, gd, ["out"])
        # kept as a variable, the loop still assigns it: TF's vocabulary (here) cannot say that, so the
        # export fails naming the op rather than writing a graph TF cannot load
        with pytest.raises(ValueError, match=r"map \(FunctionalScan\): its body assigns variables \(cnt\)"):
            tf.graph_util.convert_variables_to_constants(s, gd, ["out"], variable_names_blacklist=["cnt"])


def test_frozen_dynamic_rnn_lstm_matches_the_original():
    x = tf.placeholder(tf.float32, [2, 5, 3], name="x")
    lens = tf.placeholder(tf.int32, [2], name="lens")
    cell = tf.nn.rnn_cell.LSTMCell(4)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lens, dtype=tf.float32)
    tf.identity(outputs[:, -1] + state.h + state.c, name="out")
    xv = np.random.RandomState(0).randn(2, 5, 3).astype(np.float32)
    feeds = [{"x:0": xv, "lens:0": np.array([5, 3], np.int32)}]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        g = tf.get_default_graph()
        want = s.run("out:0", {x: xv, lens: feeds[0]["lens:0"]})
        frozen = tf.graph_util.convert_variables_to_constants(s, g.as_graph_def(), ["out"])
    assert {n.name: n.op for n in frozen.node}["rnn/lstm_cell/kernel"] == "Const"
    assert any(n.op == "MatMul" and n.name.startswith("rnn/while/") for n in frozen.node)
    np.testing.assert_allclose(_run(frozen, feeds)[0], want, rtol=1e-5, atol=1e-6)
    assert np.abs(want).sum() > 0
