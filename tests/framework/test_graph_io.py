"""GraphDef export/import against TF 1.15: Graph.as_graph_def, tf.import_graph_def,
tf.graph_util, tf.train.write_graph, and a frozen graph written by real TensorFlow."""
import json
import os

import numpy as np
import pytest
from google.protobuf import message as pb_message
from google.protobuf import text_format

import compat_tf as tf
from compat_tf._src.protos import types_pb2

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "frozen_cnn")     # written by real TensorFlow
FROZEN = os.path.join(DATA, "frozen_cnn.pb")
IMAGES = os.path.join(DATA, "frozen_cnn_input.npy")
EXPECTED = os.path.join(DATA, "expected.json")


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _frozen():
    gd = tf.GraphDef()
    with open(FROZEN, "rb") as f:
        gd.ParseFromString(f.read())
    return gd


def _roundtrip(gd):
    """Serialise and parse back, as a file would."""
    return tf.GraphDef.FromString(gd.SerializeToString())


# -- the TF-written frozen CNN ----------------------------------------------------------


def test_frozen_cnn_written_by_tf_runs_to_tf_outputs():
    expected = json.load(open(EXPECTED))
    images = np.load(IMAGES)
    tf.import_graph_def(_frozen(), name="")
    g = tf.get_default_graph()
    assert [op.name for op in g.get_operations()] == expected["graph_def_node_names"]
    with tf.Session() as sess:
        out = sess.run("output:0", {"input:0": images})
        logits = sess.run("fc/logits:0", {"input:0": images})
    np.testing.assert_allclose(out, np.array(expected["output_values"]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(logits, np.array(expected["logits"]), rtol=1e-5, atol=1e-5)
    assert g.get_tensor_by_name("pool:0").shape.as_list() == [None, 4, 4, 4]


def test_import_with_prefix_input_map_and_return_elements():
    images = np.load(IMAGES)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1], name="x")
    doubled = x * 2.0
    out, pool = tf.import_graph_def(_frozen(), input_map={"input": doubled},
                                    return_elements=["output:0", "pool"])
    assert out.name == "import/output:0" and isinstance(pool, tf.Operation) and pool.name == "import/pool"
    # the mapped placeholder is still imported, but conv reads the mapped tensor
    conv = tf.get_default_graph().get_operation_by_name("import/conv1/conv")
    assert conv.inputs[0] is doubled
    again = tf.import_graph_def(_frozen(), return_elements=["output:0"])[0]
    assert again.name == "import_1/output:0"       # the prefix is uniquified like a name scope
    with tf.Session() as sess:
        a = sess.run(out, {x: images / 2.0})
        b = sess.run(again, {"import_1/input:0": images})
    np.testing.assert_allclose(a, b, rtol=1e-6)


def test_input_map_key_not_in_graph_def_is_an_error():
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    with pytest.raises(ValueError, match="nope:0"):
        tf.import_graph_def(_frozen(), input_map={"nope:0": x})
    with pytest.raises(ValueError, match="not found"):
        tf.import_graph_def(_frozen(), return_elements=["missing:0"])


# -- atomic failures --------------------------------------------------------------------


def _snapshot(g):
    return [(op.name, op.type) for op in g.get_operations()]


def test_unknown_op_type_names_node_and_type_and_leaves_graph_unchanged(graph):
    tf.constant(1.0, name="keep")
    gd = tf.GraphDef()
    gd.node.add(name="c", op="Const").attr["dtype"].type = types_pb2.DT_FLOAT
    gd.node[0].attr["value"].tensor.CopyFrom(tf.make_tensor_proto(1.0))
    gd.node.add(name="weird", op="TotallyMadeUpOp", input=["c"])
    before = _snapshot(graph)
    with pytest.raises(ValueError, match=r"weird.*TotallyMadeUpOp"):
        tf.import_graph_def(gd)
    assert _snapshot(graph) == before
    # the names were not taken: a later import gets the plain "import" prefix
    del gd.node[1]
    c, = tf.import_graph_def(gd, return_elements=["c:0"])
    assert c.name == "import/c:0"


def test_failure_while_building_rolls_back(graph):
    # input_map feeds an int32 tensor where the conv expects float32: the Placeholder and
    # Consts before the conv are built, then the conv fails.
    x = tf.placeholder(tf.int32, [None, 8, 8, 1], name="x")
    before = _snapshot(graph)
    with pytest.raises(ValueError, match="conv1/conv.*int32"):
        tf.import_graph_def(_frozen(), input_map={"input:0": x})
    assert _snapshot(graph) == before
    assert x.consumers() == []
    assert tf.constant(0.0, name="import").op.name == "import"  # scope name released


def test_malformed_bytes_raise_decode_error():
    with pytest.raises(pb_message.DecodeError):
        tf.GraphDef().ParseFromString(b"\x0a\xff\xff\xff")
    with pytest.raises(pb_message.DecodeError):
        tf.import_graph_def(b"\x0a\xff\xff\xff")


def test_imported_names_are_marked_used(graph):
    gd = tf.GraphDef()
    n = gd.node.add(name="x", op="Const")
    n.attr["dtype"].type = types_pb2.DT_INT32
    n.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(3))
    tf.import_graph_def(gd, name="")
    assert tf.constant(1, name="x").op.name == "x_1"
    with pytest.raises(ValueError, match="already used"):
        tf.import_graph_def(gd, name="")


def test_imported_names_scopes_are_marked_used(graph):
    # a Saver built after importing a graph that has one goes under save_1 (no duplicate save/SaveV2)
    with tf.Graph().as_default() as g0:
        tf.Variable(1.0, name="v")
        tf.train.Saver()
    tf.import_graph_def(g0.as_graph_def(), name="")
    with graph.name_scope("save") as scope:
        assert scope == "save_1/"
    tf.Variable(2.0, name="w")
    assert tf.train.Saver().saver_def.save_tensor_name.startswith("save_2/")


# -- export -------------------------------------------------------------------------------


def test_tiny_graph_def_matches_tf(graph):
    a = tf.constant(1.0, name="a")
    b = tf.constant(2.0, name="b")
    c = tf.add(a, b, name="c")
    d = c * 2.0
    with tf.control_dependencies([d]):
        tf.identity(b, name="e")
    gd = graph.as_graph_def()
    assert [[n.name, n.op, list(n.input)] for n in gd.node] == [
        ["a", "Const", []], ["b", "Const", []], ["c", "AddV2", ["a", "b"]], ["mul/y", "Const", []],
        ["mul", "Mul", ["c", "mul/y"]], ["e", "Identity", ["b", "^mul"]]]
    node = {n.name: n for n in gd.node}
    assert node["c"].attr["T"].type == types_pb2.DT_FLOAT
    assert node["a"].attr["dtype"].type == types_pb2.DT_FLOAT
    assert tf.make_ndarray(node["mul/y"].attr["value"].tensor) == np.float32(2.0)
    assert gd.versions.producer == tf.GRAPH_DEF_VERSION
    assert graph.as_graph_def(from_version=3).node[0].name == "mul/y"


def test_conv_pool_attrs_and_output_shapes(graph):
    x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
    w = tf.constant(np.ones((3, 3, 2, 4), np.float32), name="w")
    y = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME", name="conv")
    tf.nn.max_pool(y, [1, 2, 2, 1], [1, 1, 1, 1], "VALID", name="pool")
    tf.split(y, 2, axis=3, name="split")
    gd = graph.as_graph_def(add_shapes=True)
    node = {n.name: n for n in gd.node}
    conv = node["conv"]
    assert list(conv.attr["strides"].list.i) == [1, 2, 2, 1]
    assert conv.attr["padding"].s == b"SAME" and conv.attr["data_format"].s == b"NHWC"
    assert conv.attr["T"].type == types_pb2.DT_FLOAT
    assert list(node["pool"].attr["ksize"].list.i) == [1, 2, 2, 1]
    x_shape = node["x"].attr["shape"].shape
    assert [d.size for d in x_shape.dim] == [-1, 6, 6, 2]
    assert [[d.size for d in s.dim] for s in conv.attr["_output_shapes"].list.shape] == [[-1, 3, 3, 4]]
    assert len(node["split"].attr["_output_shapes"].list.shape) == 2
    assert "_output_shapes" not in graph.as_graph_def().node[0].attr
    assert graph.get_operation_by_name("conv").node_def == conv.__class__.FromString(
        tf.get_default_graph().as_graph_def().node[2].SerializeToString())


def test_second_output_is_referenced_with_index(graph):
    x = tf.constant(np.arange(8.0, dtype=np.float32).reshape(2, 4))
    a, b = tf.split(x, 2, axis=1)
    tf.identity(b, name="second")
    node = {n.name: n for n in graph.as_graph_def().node}
    assert list(node["second"].input) == ["split:1"]


# -- round trips ------------------------------------------------------------------------


def _run_roundtrip(build, feeds_fn):
    """Builds with `build` (returns fetch names), runs, exports, imports into a fresh graph, runs again."""
    with tf.Graph().as_default() as g1:
        fetches = build()
        feeds = feeds_fn()
        with tf.Session() as sess:
            want = sess.run(fetches, {k + ":0": v for k, v in feeds.items()})
        gd = _roundtrip(g1.as_graph_def())
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="copy")
        with tf.Session() as sess:
            got = sess.run(["copy/" + f for f in fetches], {"copy/" + k + ":0": v for k, v in feeds.items()})
        assert [op.name for op in g2.get_operations()] == ["copy/" + n.name for n in gd.node]
    return want, got


def test_roundtrip_math_and_array_ops():
    def build():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        i = tf.placeholder(tf.int32, [3], name="i")
        y = tf.reduce_sum(tf.square(x) * 0.5 + tf.exp(-x), axis=1, keepdims=True)
        z = tf.concat([x[:, 1:3], tf.reverse(x, [1])[:, :2]], axis=1)
        g = tf.gather(x, i, axis=1)
        m = tf.argmax(x, axis=1)
        c = tf.cast(tf.reduce_max(x, 0), tf.int32)
        p = tf.pad(x, [[0, 1], [2, 0]])
        s = tf.stack([tf.reduce_mean(x), tf.reduce_min(x)])
        r = tf.reshape(tf.tile(x, [1, 2]), [-1, 2, 4])
        w = tf.where(x > 0.5, x, tf.zeros_like(x))
        return [t.name for t in (y, z, g, m, c, p, s, r, w)]

    def feeds():
        return {"x": np.array([[0.1, 0.9, -2.0, 3.0], [1.5, 0.2, 0.0, -0.5]], np.float32),
                "i": np.array([3, 0, 1], np.int32)}
    want, got = _run_roundtrip(build, feeds)
    for w_, g_ in zip(want, got):
        np.testing.assert_array_equal(w_, g_)
        assert w_.dtype == g_.dtype


def test_roundtrip_nn_conv_pool_dense_softmax():
    rng = np.random.RandomState(0)

    def build():
        x = tf.placeholder(tf.float32, [None, 8, 8, 3], name="x")
        w = tf.constant(rng.randn(3, 3, 3, 5).astype(np.float32))
        b = tf.constant(np.arange(5.0, dtype=np.float32))
        y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME"), b))
        y = tf.nn.max_pool(y, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        y = tf.nn.avg_pool(y, [1, 2, 2, 1], [1, 1, 1, 1], "SAME")
        flat = tf.reshape(y, [-1, 4 * 4 * 5])
        logits = tf.matmul(flat, tf.constant(rng.randn(80, 3).astype(np.float32)))
        return [tf.nn.softmax(logits).name, tf.nn.log_softmax(logits).name, y.name]

    images = np.random.RandomState(1).rand(2, 8, 8, 3).astype(np.float32)
    want, got = _run_roundtrip(build, lambda: {"x": images})
    for w_, g_ in zip(want, got):
        np.testing.assert_allclose(w_, g_, rtol=1e-6, atol=1e-6)


def test_freeze_variables_and_import():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.array([[1.0], [2.0], [-1.0]], np.float32), name="w")
    bias = tf.Variable([0.5], name="bias")
    tf.identity(tf.matmul(x, w) + bias, name="out")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(w.assign(w * 2.0))      # frozen values are the session's current ones
        frozen = tf.graph_util.convert_variables_to_constants(sess, sess.graph_def, ["out"])
    ops = {n.name: n.op for n in frozen.node}
    assert ops["w"] == "Const" and ops["bias"] == "Const"
    assert not any(op in ("VariableV2", "Assign") for op in ops.values())
    with tf.Graph().as_default():
        out, = tf.import_graph_def(_roundtrip(frozen), return_elements=["out:0"], name="")
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(out, {"x:0": [[1.0, 1.0, 1.0]]}), [[4.5]])


def test_cond_round_trips_and_foreign_if_is_not_implemented(graph):
    p = tf.placeholder(tf.bool, [], name="p")
    x = tf.placeholder(tf.float32, [], name="x")
    tf.identity(tf.cond(p, lambda: x * 3.0, lambda: x - 1.0), name="out")
    gd = graph.as_graph_def()          # exporting works (summary writers, meta graphs need it)
    node = next(n for n in gd.node if n.op == "If")
    assert "_compat_tf_branches" in node.attr and "_compat_tf_outputs" in node.attr
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(_roundtrip(gd), name="")
        with tf.Session() as sess:
            assert sess.run("out:0", {"p:0": True, "x:0": 2.0}) == 6.0
            assert sess.run("out:0", {"p:0": False, "x:0": 2.0}) == 1.0
        # the branch ops belong to the imported If again (not run on their own)
        assert g2.get_operation_by_name("cond/mul")._func_owner_op is g2.get_operation_by_name("cond")
    # an If without compat_tf's private attrs (another producer) cannot be rebuilt
    for n in gd.node:
        for k in [k for k in n.attr if k.startswith("_compat_tf_")]:
            del n.attr[k]
    with tf.Graph().as_default() as g3:
        with pytest.raises(NotImplementedError, match="tf.cond"):
            tf.import_graph_def(gd)
        assert g3.get_operations() == []


def test_input_map_reaches_inside_cond_branches_and_gradients(graph):
    x = tf.placeholder(tf.float32, [], name="x")
    w = tf.Variable(3.0, name="w")
    y = tf.cond(x > 0, lambda: x * w, lambda: -x * x, name="c")
    tf.identity(tf.gradients(y, x)[0], name="g")
    tf.identity(y, name="out")
    gd = _roundtrip(graph.as_graph_def())
    with tf.Graph().as_default():
        z = tf.placeholder(tf.float32, [], name="z")
        out, g = tf.import_graph_def(gd, input_map={"x:0": z * 2.0}, return_elements=["out:0", "g:0"])
        with tf.Session() as sess:
            sess.run("import/w/Assign")
            # the branch reads the mapped tensor (2z), not the imported placeholder (unfed here)
            assert sess.run([out, g], {z: 1.5}) == [9.0, 3.0]
            assert sess.run([out, g], {z: -1.0}) == [-4.0, 4.0]


# -- graph_util / write_graph ------------------------------------------------------------


def test_extract_sub_graph_and_remove_training_nodes(graph):
    a = tf.constant(1.0, name="a")
    b = tf.identity(a, name="b")
    c = tf.check_numerics(b, "bad", name="chk")
    tf.add(c, 1.0, name="d")
    tf.constant(5.0, name="unrelated")
    gd = graph.as_graph_def()
    sub = tf.graph_util.extract_sub_graph(gd, ["d"])
    assert [n.name for n in sub.node] == [n.name for n in gd.node if n.name != "unrelated"]
    assert len(sub.node) == 5
    with pytest.raises(AssertionError, match="nope is not in graph"):
        tf.graph_util.extract_sub_graph(gd, ["nope"])
    stripped = tf.graph_util.remove_training_nodes(sub)
    names = {n.name: n for n in stripped.node}
    assert "b" not in names and "chk" not in names
    assert names["d"].input[0] == "a"
    kept = tf.graph_util.remove_training_nodes(sub, protected_nodes=["b"])
    assert "b" in {n.name for n in kept.node}
    assert tf.graph_util.must_run_on_cpu(tf.constant(1, name="i32").op)
    assert not tf.graph_util.must_run_on_cpu(a.op)


def test_write_graph_text_and_binary_parse_back(graph, tmp_path):
    x = tf.placeholder(tf.float32, [2], name="x")
    tf.multiply(x, tf.constant([1.0, 2.0]), name="m")
    text_path = tf.train.write_graph(graph, str(tmp_path / "sub"), "g.pbtxt")
    bin_path = tf.train.write_graph(graph.as_graph_def(), str(tmp_path), "g.pb", as_text=False)
    assert text_path == os.path.join(str(tmp_path / "sub"), "g.pbtxt")
    text = open(text_path).read()
    assert 'name: "m"' in text and "node {" in text
    parsed = text_format.Parse(text, tf.GraphDef())
    assert parsed == graph.as_graph_def()
    assert tf.GraphDef.FromString(open(bin_path, "rb").read()) == parsed
    assert tf.io.write_graph is tf.train.write_graph


def test_older_tf_op_types_import_through_aliases():
    gd = tf.GraphDef()
    for name, val in (("a", np.arange(12.0, dtype=np.float32).reshape(1, 3, 4)),
                      ("b", np.ones((1, 3, 2), np.float32))):
        n = gd.node.add(name=name, op="Const")
        n.attr["dtype"].type = types_pb2.DT_FLOAT
        n.attr["value"].tensor.CopyFrom(tf.make_tensor_proto(val))
    mm = gd.node.add(name="mm", op="BatchMatMul", input=["a", "b"])   # TF1's pre-V2 op, adj_x attr
    mm.attr["adj_x"].b = True
    mm.attr["T"].type = types_pb2.DT_FLOAT
    out, = tf.import_graph_def(gd, return_elements=["mm:0"])
    with tf.Session() as sess:
        a = np.arange(12.0, dtype=np.float32).reshape(1, 3, 4)
        np.testing.assert_allclose(sess.run(out), np.swapaxes(a, 1, 2) @ np.ones((1, 3, 2), np.float32))


def test_import_of_a_fill_whose_dims_vector_has_a_hostile_static_length():
    """A Fill whose dims come from a placeholder of static shape [2**40] (a mutated GraphDef, found
    by the slow fuzz run): ValueError as TF1's importer, not a MemoryError from a 2**40-long shape."""
    with tf.Graph().as_default() as g:
        dims = tf.placeholder(tf.int32, [3], name="dims")
        tf.fill(dims, 1.0, name="f")
        gd = g.as_graph_def()
    for n in gd.node:
        if n.name == "dims":
            n.attr["shape"].shape.dim[0].size = 2 ** 40
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="at most 254"):
            tf.import_graph_def(gd, name="")


def test_import_of_a_concat_with_no_values_is_a_value_error():
    """A ConcatV2 node left with only its axis input (a mutated GraphDef, found by the slow fuzz
    run): ValueError naming the node, not an IndexError in its shape rule."""
    with tf.Graph().as_default() as g:
        tf.concat([tf.constant([1.0]), tf.constant([2.0])], 0, name="c")
        gd = g.as_graph_def()
    for n in gd.node:
        if n.name == "c":
            del n.input[:2]
            n.attr["N"].i = 0
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="'c'"):
            tf.import_graph_def(gd, name="")


@pytest.mark.parametrize("n_attr", [0, None], ids=["N=0", "N=2, no inputs"])
@pytest.mark.parametrize("build,name", [
    (lambda: tf.stack([tf.constant(1.0), tf.constant(2.0)], name="p"), "p"),
    (lambda: tf.add_n([tf.constant(1.0), tf.constant(2.0)], name="a"), "a"),
    (lambda: tf.dynamic_stitch([tf.constant([0])], [tf.constant([1.0])], name="d"), "d")])
def test_import_checks_variadic_inputs_against_the_opdef(build, name, n_attr):
    """A variadic node whose N is below TF's OpDef minimum, or whose inputs do not match N: TF1's
    importer rejects both (ValidateNodeDef) with ValueError naming the node (they reached shape
    rules that indexed the missing inputs: IndexError; the class of the fuzzers' finds)."""
    with tf.Graph().as_default() as g:
        build()
        gd = g.as_graph_def()
    for n in gd.node:
        if n.name == name:
            del n.input[:]
            if n_attr is not None:
                n.attr["N"].i = n_attr
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match=f"'{name}'.*(minimum|expected 2 inputs)"):
            tf.import_graph_def(gd, name="")
