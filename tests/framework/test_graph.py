"""tf.Graph / tf.Operation / tf.Tensor against TF 1.15 graph-mode behaviour.

Names, name scopes, element lookup, collections, control dependencies, device
scopes, finalize, default-graph nesting, static shapes and the Python-protocol
errors of symbolic tensors.
"""
import threading

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


# -- naming -------------------------------------------------------------------------


def test_default_op_names_and_suffixes():
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    assert (a.name, b.name) == ("Const:0", "Const_1:0")
    assert a.op.name == "Const" and a.op.type == "Const"
    s1 = a + b
    s2 = a + b
    assert (s1.name, s2.name) == ("add:0", "add_1:0")
    assert s1.op.type == "AddV2"          # TF 1.15: a + b is an AddV2 op named "add"
    # tf.add's default name is "Add", uniquified case-insensitively against add, add_1
    assert tf.add(a, b).name == "Add_2:0"
    assert s1.value_index == 0 and s1.op.outputs[0] is s1


def test_names_are_uniquified_case_insensitively_keeping_case():
    a = tf.constant(1.0, name="foo")
    b = tf.constant(1.0, name="Foo")
    c = tf.constant(1.0, name="FOO")
    assert [a.op.name, b.op.name, c.op.name] == ["foo", "Foo_1", "FOO_2"]


def test_explicit_suffixed_name_is_not_reused():
    tf.constant(1.0, name="x")
    tf.constant(1.0, name="x_1")
    # "x" is taken, and so is "x_1": TF1 skips to x_2
    assert tf.constant(1.0, name="x").op.name == "x_2"
    # asking for "x_1" again gives x_1_1
    assert tf.constant(1.0, name="x_1").op.name == "x_1_1"


def test_unique_name_without_marking(graph):
    tf.constant(1.0, name="u")
    assert graph.unique_name("u", mark_as_used=False) == "u_1"
    assert graph.unique_name("u", mark_as_used=False) == "u_1"
    assert graph.unique_name("v") == "v"
    assert graph.unique_name("v") == "v_1"


def test_name_scope_names_and_reentry():
    a = tf.constant(1.0)
    with tf.name_scope("scope") as scope:
        assert scope == "scope/"
        s = a + a
        assert s.name == "scope/add:0"
        assert tf.get_default_graph().get_name_scope() == "scope"
    with tf.name_scope("scope") as scope2:       # a second "scope" is uniquified
        assert scope2 == "scope_1/"
        assert (a + a).name == "scope_1/add:0"
    with tf.name_scope(scope):                    # re-entered as is with the trailing '/'
        assert (a + a).name == "scope/add_1:0"
    assert (a + a).name == "add:0"


def test_nested_scopes_and_none_resets_to_root():
    a = tf.constant(1.0)
    with tf.name_scope("outer"):
        with tf.name_scope("inner") as inner:
            assert inner == "outer/inner/"
            assert tf.identity(a).name == "outer/inner/Identity:0"
            with tf.name_scope(None) as root:
                assert root == ""
                assert tf.identity(a).name == "Identity:0"
                with tf.name_scope("fresh"):
                    assert tf.identity(a).name == "fresh/Identity:0"
            assert tf.identity(a).name == "outer/inner/Identity_1:0"
        assert tf.get_default_graph().get_name_scope() == "outer"
    assert tf.get_default_graph().get_name_scope() == ""


def test_name_scope_and_op_share_the_namespace():
    tf.constant(1.0, name="block")
    with tf.name_scope("block") as scope:
        assert scope == "block_1/"
    with tf.name_scope("other"):
        pass
    assert tf.constant(1.0, name="other").op.name == "other_1"


def test_name_scope_default_name_and_values(graph):
    a = tf.constant(1.0)
    with tf.name_scope(None, "Default", [a]) as scope:
        assert scope == "Default/"
    with tf.name_scope("given", "Default", [a]) as scope:
        assert scope == "given/"
    with pytest.raises(ValueError, match="At least one of name"):
        with tf.name_scope(None, None, [a]):
            pass


def test_name_scope_uses_graph_of_values():
    other = tf.Graph()
    with other.as_default():
        t = tf.constant(1.0)
    with tf.name_scope("in_other", values=[t]) as scope:
        assert scope == "in_other/"
        # TF1 makes the values' graph the default inside the scope
        assert tf.get_default_graph() is other
        c = tf.constant(2.0)
    assert c.graph is other and c.op.name == "in_other/Const"


def test_invalid_scope_name_raises():
    with pytest.raises(ValueError, match="not a valid scope name"):
        with tf.name_scope("bad name"):
            pass


def test_op_name_ending_in_slash_is_used_verbatim():
    with tf.name_scope("layer") as scope:
        c = tf.constant(1.0, name=scope)
    assert c.op.name == "layer"


def test_variable_names_follow_name_scopes():
    v = tf.Variable(1.0)
    w = tf.Variable(1.0)
    with tf.name_scope("s"):
        u = tf.Variable(1.0, name="u")
    assert (v.name, w.name, u.name) == ("Variable:0", "Variable_1:0", "s/u:0")
    assert v.initializer.name == "Variable/Assign"
    assert v.value().name == "Variable/read:0"
    assert v.initial_value.name == "Variable/initial_value:0"


# -- element lookup -------------------------------------------------------------------


def test_get_tensor_and_operation_by_name(graph):
    with tf.name_scope("s"):
        c = tf.constant(1.0, name="c")
    assert graph.get_tensor_by_name("s/c:0") is c
    assert graph.get_operation_by_name("s/c") is c.op
    assert graph.as_graph_element("s/c:0") is c
    assert graph.as_graph_element(c.op) is c.op


def test_lookup_errors_match_tf1(graph):
    tf.constant(1.0, name="c")
    with pytest.raises(KeyError, match="The operation, 'nope', does not exist in the graph"):
        graph.get_tensor_by_name("nope:0")
    with pytest.raises(KeyError, match="exists but only has 1 outputs"):
        graph.get_tensor_by_name("c:1")
    with pytest.raises(ValueError, match="refers to an Operation, not a Tensor"):
        graph.get_tensor_by_name("c")
    with pytest.raises(ValueError, match="looks like an \\(invalid\\) Operation name"):
        graph.get_tensor_by_name("nope")
    with pytest.raises(ValueError, match="appears to refer to a Tensor, not a Operation"):
        graph.get_operation_by_name("c:0")
    with pytest.raises(KeyError, match="refers to an Operation not in the graph"):
        graph.get_operation_by_name("nope")
    with pytest.raises(ValueError, match="looks a like a Tensor name, but is not a valid one"):
        graph.get_tensor_by_name("c:x")
    with pytest.raises(TypeError, match="Can not convert a int into a Tensor or Operation"):
        graph.as_graph_element(3)
    with pytest.raises(TypeError):
        graph.get_tensor_by_name(3)


def test_element_of_another_graph_is_rejected(graph):
    other = tf.Graph()
    with other.as_default():
        t = tf.constant(1.0)
    with pytest.raises(ValueError, match="is not an element of this graph"):
        graph.as_graph_element(t)
    with pytest.raises(ValueError, match="is not an element of this graph"):
        graph.as_graph_element(t.op)


def test_get_operations_in_creation_order_and_consumers(graph):
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    c = a * b
    assert [op.name for op in graph.get_operations()] == ["Const", "Const_1", "mul"]
    assert a.consumers() == [c.op] and list(c.op.inputs) == [a, b]
    assert graph.version == 3


# -- collections ------------------------------------------------------------------------


def test_collections(graph):
    with tf.name_scope("a"):
        x = tf.constant(1.0, name="x")
    with tf.name_scope("b"):
        y = tf.constant(1.0, name="y")
    tf.add_to_collection("mine", x)
    tf.add_to_collection("mine", y)
    tf.add_to_collection("mine", "no name attribute")
    assert tf.get_collection("mine") == [x, y, "no name attribute"]
    # scope is a regex matched at the start of item.name; nameless items are skipped
    assert tf.get_collection("mine", scope="b") == [y]
    assert tf.get_collection("mine", scope="a|b") == [x, y]
    assert tf.get_collection("mine", scope="x") == []
    assert tf.get_collection("missing") == []
    # get_collection returns a copy, get_collection_ref the live list
    tf.get_collection("mine").append(1)
    assert len(tf.get_collection("mine")) == 3
    ref = tf.get_collection_ref("mine")
    ref.remove("no name attribute")
    assert tf.get_collection("mine") == [x, y]
    new_ref = tf.get_collection_ref("created")
    new_ref.append(x)
    assert graph.get_collection("created") == [x]
    tf.add_to_collections(["c1", "c2"], y)
    tf.add_to_collections("c1", x)
    assert graph.get_collection("c1") == [y, x] and graph.get_collection("c2") == [y]
    tf.get_collection_ref("empty")
    tf.add_to_collection(("not", "a", "string"), x)
    assert sorted(graph.get_all_collection_keys()) == ["c1", "c2", "created", "empty", "mine"]
    graph.clear_collection("c1")
    assert graph.get_collection("c1") == []


def test_collections_are_per_graph(graph):
    tf.add_to_collection("k", 1)
    with tf.Graph().as_default():
        assert tf.get_collection("k") == []
    assert tf.get_collection("k") == [1]


def test_graph_keys_values():
    assert tf.GraphKeys.GLOBAL_VARIABLES == "variables"
    assert tf.GraphKeys.TRAINABLE_VARIABLES == "trainable_variables"
    assert tf.GraphKeys.LOCAL_VARIABLES == "local_variables"
    assert tf.GraphKeys.UPDATE_OPS == "update_ops"


# -- control dependencies -------------------------------------------------------------------


def test_control_dependencies_attach_to_ops_created_inside():
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    with tf.control_dependencies([a, b.op]):      # tensors and ops are both accepted
        c = tf.constant(3.0)
        with tf.control_dependencies([c]):
            d = tf.constant(4.0)
        with tf.control_dependencies(None):       # None clears the enclosing ones
            e = tf.constant(5.0)
            with tf.control_dependencies([c]):
                f = tf.constant(6.0)
    g = tf.constant(7.0)
    assert c.op.control_inputs == [a.op, b.op]
    assert set(d.op.control_inputs) == {a.op, b.op, c.op}
    assert e.op.control_inputs == []
    assert f.op.control_inputs == [c.op]
    assert g.op.control_inputs == []


def test_control_dependency_on_a_data_input_is_not_duplicated():
    a = tf.constant(1.0)
    with tf.control_dependencies([a]):
        b = tf.identity(a)        # `a` is already a data input of b
        c = b * 2.0               # b was created in this block: dominated, no control input
        d = tf.constant(2.0)
    assert b.op.control_inputs == []
    assert c.op.control_inputs == []
    assert d.op.control_inputs == [a.op]


def test_control_dependencies_rejects_non_ops():
    with pytest.raises(TypeError):
        with tf.control_dependencies([3]):
            pass


def test_control_dependency_runs_the_dependency():
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)
    with tf.control_dependencies([inc]):
        out = tf.constant(10.0)
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(out) == 10.0
        s.run(out)
        assert s.run(v) == 2.0


# -- devices ----------------------------------------------------------------------------------


def test_device_is_recorded_and_canonicalised():
    with tf.device("/cpu:0"):
        a = tf.constant(1.0)
        with tf.device("/job:worker/task:1"):
            b = tf.constant(1.0)
        with tf.device(None):       # None clears the device
            c = tf.constant(1.0)
        with tf.device(""):         # "" keeps the enclosing one
            d = tf.constant(1.0)
    e = tf.constant(1.0)
    assert a.op.device == "/device:CPU:0"
    assert a.device == "/device:CPU:0"
    assert b.op.device == "/job:worker/task:1/device:CPU:0"
    assert c.op.device == ""
    assert d.op.device == "/device:CPU:0"
    assert e.op.device == ""
    with tf.device("/gpu:1"):
        assert tf.constant(1.0).op.device == "/device:GPU:1"


def test_device_function_is_called_per_op():
    seen = []

    def chooser(op):
        seen.append(op.type)
        return "/cpu:0" if op.type == "Const" else "/gpu:0"

    with tf.device(chooser):
        a = tf.constant(1.0)
        b = tf.identity(a)
    # a function's string is recorded as returned ...
    assert a.op.device == "/cpu:0"
    assert b.op.device == "/gpu:0"
    assert seen == ["Const", "Identity"]
    # ... and an enclosing string scope fills in what it leaves unset
    with tf.device("/job:ps"):
        with tf.device(chooser):
            c = tf.constant(1.0)
    assert c.op.device == "/job:ps/device:CPU:0"


def test_variable_device():
    with tf.device("/cpu:0"):
        v = tf.Variable(1.0)
    assert v.device == "/device:CPU:0"
    assert v.op.device == "/device:CPU:0"


# -- finalize, default graph ------------------------------------------------------------------


def test_finalize(graph):
    a = tf.constant(1.0)
    graph.finalize()
    assert graph.finalized
    with pytest.raises(RuntimeError, match="finalized"):
        tf.constant(2.0)
    with pytest.raises(RuntimeError, match="finalized"):
        tf.add_to_collection("k", a)
    # running existing ops is still fine
    with tf.Session(graph=graph) as s:
        assert s.run(a) == 1.0


def test_as_default_nesting(graph):
    g1, g2 = tf.Graph(), tf.Graph()
    assert tf.get_default_graph() is graph
    with g1.as_default():
        assert tf.get_default_graph() is g1
        with g2.as_default():
            assert tf.get_default_graph() is g2
            assert tf.constant(1.0).graph is g2
        assert tf.get_default_graph() is g1
    assert tf.get_default_graph() is graph


def test_default_graph_is_thread_local(graph):
    seen = {}

    def worker():
        seen["g"] = tf.get_default_graph()

    t = threading.Thread(target=worker)
    t.start()
    t.join()
    assert seen["g"] is not graph


def test_reset_default_graph_inside_as_default_raises():
    with pytest.raises(AssertionError, match="nested graphs"):
        tf.reset_default_graph()


def test_reset_default_graph_replaces_global_graph():
    def body(out):
        # a fresh thread has no as_default stack, so it sees the global graph
        before = tf.get_default_graph()
        tf.constant(1.0)
        tf.reset_default_graph()
        after = tf.get_default_graph()
        out.extend([before, after, after.get_operations()])

    out = []
    t = threading.Thread(target=body, args=(out,))
    t.start()
    t.join()
    before, after, ops = out
    assert before is not after and ops == []


def test_ops_from_two_graphs_raise():
    a = tf.constant(1.0)
    with tf.Graph().as_default():
        b = tf.constant(2.0)
        with pytest.raises(ValueError, match="must be from the same graph"):
            tf.add(a, b)


# -- static shapes ------------------------------------------------------------------------------


def test_static_shape_inference():
    x = tf.placeholder(tf.float32, [None, 2])
    w = tf.constant(np.zeros((2, 3), np.float32))
    y = tf.matmul(x, w)
    assert y.shape.as_list() == [None, 3]
    assert y.get_shape().as_list() == [None, 3]
    assert y.dtype == tf.float32
    assert tf.placeholder(tf.float32).shape.ndims is None
    with pytest.raises(ValueError):
        tf.matmul(x, tf.constant(np.zeros((3, 3), np.float32)))


def test_set_shape_merges_and_rejects_incompatible():
    x = tf.placeholder(tf.float32)
    x.set_shape([None, 3])
    assert x.shape.as_list() == [None, 3]
    x.set_shape([4, None])
    assert x.shape.as_list() == [4, 3]
    with pytest.raises(ValueError):
        x.set_shape([4, 5])
    with pytest.raises(ValueError):
        x.set_shape([4])
    assert x.shape.as_list() == [4, 3]


def test_tensor_python_protocol_errors():
    t = tf.constant([1.0, 2.0])
    with pytest.raises(TypeError, match="as a Python `bool`"):
        bool(t)
    with pytest.raises(TypeError):
        if t:
            pass
    with pytest.raises(TypeError, match="only iterable when eager execution is enabled"):
        iter(t)
    with pytest.raises(TypeError, match="len is not well defined"):
        len(t)
    with pytest.raises(TypeError):
        [0, 1][t]


def test_tensors_hash_and_compare_by_identity():
    a = tf.constant(1.0)
    b = tf.constant(1.0)
    assert a == a and a != b and not (a == b)
    assert len({a, b, a}) == 2
    assert {a: 1}[a] == 1


def test_tensor_and_operation_repr():
    x = tf.placeholder(tf.float32, [None, 2], name="x")
    assert str(x) == 'Tensor("x:0", shape=(?, 2), dtype=float32)'
    assert repr(x.op) == "<tf.Operation 'x' type=Placeholder>"
    assert x.op.get_attr("dtype") == tf.float32
    with pytest.raises(ValueError):
        x.op.get_attr("nope")


def test_operation_values_and_node_def():
    a = tf.constant(1.0, name="a")
    c = tf.constant(2.0, name="c")
    with tf.control_dependencies([a]):
        b = tf.identity(c, name="b")
    nd = b.op.node_def
    assert nd.name == "b" and nd.op == "Identity"     # a NodeDef proto, as TF1
    assert list(nd.input) == ["c", "^a"]
    assert b.op.values() == (b,)
