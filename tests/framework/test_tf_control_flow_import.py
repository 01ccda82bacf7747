"""tf.import_graph_def of GraphDefs with TF's own control flow, written by real TensorFlow.

Fixtures: tests/data/tf_graphs/*.pb with TF's inputs/outputs (*.npz), made by
tests/data/make_tf_graphs.py under the TensorFlow oracle venv (not needed here).
"""
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.protos import attr_value_pb2, graph_pb2, node_def_pb2

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "tf_graphs")
V1_CF = {"Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond", "StatelessIf", "StatelessWhile"}


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _load(name):
    gd = tf.GraphDef()
    with open(os.path.join(DATA, name + ".pb"), "rb") as f:
        gd.ParseFromString(f.read())
    data = np.load(os.path.join(DATA, name + ".npz"))
    cases = []
    for c in sorted({k.split("/")[0] for k in data.files}):
        feeds = {k.split("/", 2)[2]: data[k] for k in data.files if k.startswith(c + "/feed/")}
        fetches = {k.split("/", 2)[2]: data[k] for k in data.files if k.startswith(c + "/fetch/")}
        cases.append((feeds, fetches))
    return gd, cases


def _check(gd, cases, prefix="", graph=None, min_cases=1):
    """Imports `gd` and compares every case with TF's results (rtol 1e-5)."""
    tf.import_graph_def(gd, name=prefix)
    g = tf.get_default_graph()
    types = {op.type for op in g.get_operations()}
    assert not types & V1_CF, f"TF control-flow ops left in the imported graph: {types & V1_CF}"
    p = prefix + "/" if prefix else ""
    assert len(cases) >= min_cases
    with tf.Session() as s:
        for feeds, fetches in cases:
            names = sorted(fetches)
            out = s.run([p + n for n in names], {p + k: v for k, v in feeds.items()})
            for n, v in zip(names, out):
                np.testing.assert_allclose(v, fetches[n], rtol=1e-5, atol=1e-6, err_msg=f"{n} for {feeds}")
    return types


def test_v1_cond_nested_both_branches():
    gd, cases = _load("v1_cond")
    # the four (p, q) combinations give four different results: a wrong branch choice fails
    assert len({tuple(np.round(f["out_a:0"], 4)) + tuple(np.round(f["out_b:0"], 4)) for _, f in cases}) >= 3
    types = _check(gd, cases, min_cases=4)
    assert "If" in types
    g = tf.get_default_graph()
    ifs = [op for op in g.get_operations() if op.type == "If"]
    # outer cond, inner cond (nested in the outer's true branch), the second cond on the same predicate
    assert len(ifs) == 3
    owned = [op for op in ifs if op._func_owner is not None]
    assert len(owned) == 1 and owned[0]._func_owner_op.type == "If"
    # Merge names are kept (as identities of the If's outputs)
    assert g.get_operation_by_name("outer/Merge").type == "Identity"


def test_v1_cond_under_prefix_and_input_map():
    gd, cases = _load("v1_cond")
    x = tf.constant(np.array([1.5, -2.0, 3.0], np.float32)) * 2.0
    p = tf.placeholder(tf.bool, [])
    a, b = tf.import_graph_def(gd, input_map={"x:0": x, "p:0": p}, return_elements=["out_a:0", "out_b:0"],
                               name="imp")
    with tf.Session() as s:
        xv = np.array([3.0, -4.0, 6.0], np.float32)
        va, vb = s.run([a, b], {p: False, "imp/q:0": False})
        np.testing.assert_allclose(va, xv * xv - 3.0, rtol=1e-6)
        np.testing.assert_allclose(vb, xv, rtol=1e-6)
        va = s.run(a, {p: True, "imp/q:0": True})
        np.testing.assert_allclose(va, xv * 2 + 1, rtol=1e-6)


def test_v1_batch_norm_inference_and_training():
    gd, cases = _load("v1_batch_norm")
    outs = {bool(f["is_training:0"]): fetch["out:0"] for f, fetch in cases}
    assert not np.allclose(outs[True], outs[False])    # the branches differ: a fixed branch fails
    _check(gd, cases, min_cases=2)


def test_v1_while():
    gd, cases = _load("v1_while")
    types = _check(gd, cases, min_cases=3)
    assert "While" in types
    g = tf.get_default_graph()
    assert g.get_operation_by_name("loop/Exit_1").type == "Identity"


def test_v1_nested_while_with_cond():
    gd, cases = _load("v1_nested_while")
    types = _check(gd, cases, prefix="nest", min_cases=3)
    g = tf.get_default_graph()
    whiles = [op for op in g.get_operations() if op.type == "While"]
    assert len(whiles) == 2 and "If" in types
    inner = [op for op in whiles if op._func_owner is not None]
    assert len(inner) == 1 and inner[0]._func_owner_op in whiles


def test_v1_dynamic_rnn_lstm_sequence_length():
    gd, cases = _load("v1_dynamic_rnn")
    # sequence_length zeroes the outputs past each sequence's end
    feeds, fetches = cases[1]
    assert np.all(fetches["outputs:0"][0, 1:] == 0) and np.any(fetches["outputs:0"][1, 2] != 0)
    _check(gd, cases, min_cases=2)


def test_functional_if_while():
    gd, cases = _load("fn_cond_while")
    assert len(gd.library.function) > 0
    types = _check(gd, cases, min_cases=4)
    assert {"If", "While"} <= types


def test_reexport_roundtrip_of_imported_tf_control_flow():
    gd, cases = _load("v1_nested_while")
    tf.import_graph_def(gd, name="")
    again = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default():
        _check(again, cases)


# -- unsupported structures: a clear error naming the node, nothing added ------------------------

def _node(name, op, inputs=(), **attrs):
    n = node_def_pb2.NodeDef(name=name, op=op)
    n.input.extend(inputs)
    for k, v in attrs.items():
        n.attr[k].CopyFrom(v)
    return n


def _dtype(t):
    return attr_value_pb2.AttrValue(type=t.as_datatype_enum)


def _const(name, value):
    from compat_tf._src.framework import tensor_util
    return _node(name, "Const", value=attr_value_pb2.AttrValue(tensor=tensor_util.make_tensor_proto(
        np.asarray(value, np.float32))), dtype=_dtype(tf.float32))


def _assert_unchanged_after(gd, match, exc=NotImplementedError):
    g = tf.get_default_graph()
    tf.constant(1.0, name="before")
    n_ops = len(g.get_operations())
    with pytest.raises(exc, match=match):
        tf.import_graph_def(gd, name="")
    assert len(g.get_operations()) == n_ops
    # and the names are still free
    tf.constant(2.0, name="a")


def test_merge_value_index_is_rejected():
    gd, _ = _load("v1_cond")
    gd.node.extend([_node("uses_index", "Identity", ["outer/Merge:1"], T=_dtype(tf.int32))])
    _assert_unchanged_after(gd, "'uses_index'.*value_index")


def test_merge_without_switch_is_rejected():
    gd = tf.GraphDef()
    gd.node.extend([_const("a", 1.0), _const("b", 2.0),
                    _node("m", "Merge", ["a", "b"], T=_dtype(tf.float32), N=attr_value_pb2.AttrValue(i=2))])
    _assert_unchanged_after(gd, "Node 'm'.*Merge")


def test_stateful_op_in_branch_is_rejected():
    from compat_tf._src.framework import tensor_util
    gd = tf.GraphDef()
    f32 = _dtype(tf.float32)
    gd.node.extend([
        _node("v", "VariableV2", dtype=f32, shape=attr_value_pb2.AttrValue(
            shape=tensor_util.shape_to_proto(tf.TensorShape([])))),
        _node("p", "Placeholder", dtype=_dtype(tf.bool)), _const("one", 1.0),
        _node("sw", "Switch", ["v", "p"], T=f32), _node("sw1", "Switch", ["one", "p"], T=f32),
        _node("assign", "Assign", ["sw:1", "sw1:1"], T=f32),
        _node("m", "Merge", ["sw1", "assign"], T=f32, N=attr_value_pb2.AttrValue(i=2)),
    ])
    _assert_unchanged_after(gd, "'assign'.*writes a variable")


def test_body_reading_the_condition_is_rejected():
    gd, cases = _load("v1_while")
    body = next(n for n in gd.node if n.name == "loop/add_2")       # s + x[i], in the body
    body.input[0] = "loop/Merge_1"           # read the loop var without its Switch
    _assert_unchanged_after(gd, "'loop/add_2'.*loop condition")


def test_dynamic_size_tensor_array_is_rejected():
    gd, _ = _load("v1_dynamic_rnn")
    for n in gd.node:
        if n.op == "TensorArrayV3":
            n.attr["dynamic_size"].b = True
    _assert_unchanged_after(gd, "dynamic_size")


@pytest.mark.parametrize("fname", ["v1_while.pb", "v1_nested_while.pb"])
def test_a_graph_def_missing_any_one_node_imports_or_raises_value_error(fname):
    """Found by tests/fuzz/test_fuzz_graph_def_import.py: frames broken in ways no explicit check names
    (an Exit without its Enter, ...) end in ValueError, TF1's importer error, not an IndexError."""
    with open(os.path.join(DATA, fname), "rb") as f:
        gd0 = graph_pb2.GraphDef.FromString(f.read())
    outcomes = set()
    for i in range(len(gd0.node)):
        gd = graph_pb2.GraphDef()
        gd.CopyFrom(gd0)
        del gd.node[i]
        with tf.Graph().as_default():
            try:
                tf.import_graph_def(gd, name="")
                outcomes.add("ok")
            except (ValueError, NotImplementedError) as e:
                outcomes.add(type(e).__name__)
    assert "ValueError" in outcomes
