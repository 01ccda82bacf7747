"""What TF1's Graph refuses: invalid node names (ValueError at construction and at import), a
duplicate node name, feeding a tensor marked by prevent_feeding and fetching an op marked by
prevent_fetching (ValueError from Session.run). Cases checked against tensorflow.compat.v1."""
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.protos import graph_pb2, types_pb2


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


_BUILDERS = {
    "constant": lambda name, c: tf.constant(1.0, name=name),
    "add": lambda name, c: tf.add(c, c, name=name),
    "placeholder": lambda name, c: tf.placeholder(tf.float32, name=name),
    "identity": lambda name, c: tf.identity(c, name=name),
    "Variable": lambda name, c: tf.Variable(c, name=name),
    "name_scope": lambda name, c: tf.name_scope(name).__enter__(),
}


@pytest.mark.parametrize("builder", sorted(_BUILDERS))
@pytest.mark.parametrize("name", ["bad name!", "_lead", "-x", "/a", "a:0", "ünï"])
def test_invalid_root_names_raise_value_error(graph, builder, name):
    c = tf.constant(1.0)
    before = len(graph.get_operations())
    with pytest.raises(ValueError, match="is not a valid"):
        _BUILDERS[builder](name, c)
    assert len(graph.get_operations()) == before


@pytest.mark.parametrize("name", ["ok.name", "a/b", "x>y", "a//b", "7up", ".dot"])
def test_valid_names_are_kept(name):
    assert tf.constant(1.0, name=name).op.name == name
    assert tf.identity(tf.constant(1.0), name=name).op.name == name + "_1"


def test_nested_names_may_start_with_any_scope_character():
    with tf.name_scope("s"):
        assert tf.constant(1.0, name="_x").op.name == "s/_x"
        assert tf.identity(tf.constant(1.0), name="-y").op.name == "s/-y"
        with pytest.raises(ValueError, match="not a valid node name"):
            tf.constant(1.0, name="a b")


def test_empty_names():
    with pytest.raises(ValueError, match="not a valid node name"):
        tf.constant(1.0, name="")
    assert tf.add(1.0, 2.0, name="").op.name == "Add"
    assert tf.Variable(1.0, name="").op.name == "Variable"


def test_a_scope_name_for_an_existing_node_is_a_duplicate():
    tf.constant(1.0, name="a")
    with pytest.raises(ValueError, match="Duplicate node name in graph: 'a'"):
        tf.identity(tf.constant(2.0), name="a/")


def test_import_rejects_an_invalid_node_name():
    gd = graph_pb2.GraphDef()
    n = gd.node.add(name="bad name!", op="NoOp")
    assert n.name == "bad name!"
    with pytest.raises(ValueError, match="bad name!"):
        tf.import_graph_def(gd)
    assert tf.get_default_graph().get_operations() == []


def test_prevent_feeding(graph):
    t = tf.constant(1.0)
    x = tf.placeholder(tf.float32, [])
    y = t * 2.0 + x
    assert graph.is_feedable(t) and graph.is_feedable(x)
    graph.prevent_feeding(t)
    assert not graph.is_feedable(t) and graph.is_feedable(x) and graph.is_feedable(y)
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="may not be fed"):
            sess.run(y, {t: 3.0, x: 1.0})
        with pytest.raises(ValueError, match="may not be fed"):
            sess.run(y, {t.name: 3.0, x: 1.0})
        assert sess.run(y, {x: 1.0}) == 3.0
        assert sess.run(y, {x: 1.0, y: 7.0}) == 7.0      # other tensors stay feedable


def test_prevent_fetching(graph):
    a = tf.constant(np.arange(3.0))
    b = a + 1.0
    graph.prevent_fetching(a.op)
    assert not graph.is_fetchable(a) and not graph.is_fetchable(a.op) and graph.is_fetchable(b)
    with tf.Session() as sess:
        for fetch in (a, a.op, [b, a], {"x": a.name}):
            with pytest.raises(ValueError, match="marked as not fetchable"):
                sess.run(fetch)
        np.testing.assert_array_equal(sess.run(b), [1.0, 2.0, 3.0])


def test_feeding_marks_are_per_graph():
    g1, g2 = tf.Graph(), tf.Graph()
    with g1.as_default():
        t1 = tf.constant(1.0)
        g1.prevent_feeding(t1)
    with g2.as_default():
        t2 = tf.constant(1.0)
        with tf.Session() as sess:
            assert sess.run(t2 * 2.0, {t2: 4.0}) == 8.0
    assert g2.is_feedable(t2) and not g1.is_feedable(t1)


def test_import_wraps_a_bad_attr_in_a_value_error_naming_the_node():
    gd = graph_pb2.GraphDef()
    n = gd.node.add(name="c", op="Const")
    n.attr["dtype"].type = 77
    n.attr["value"].tensor.dtype = types_pb2.DT_FLOAT
    with pytest.raises(ValueError, match="Node 'c'.*attr 'dtype'"):
        tf.import_graph_def(gd)


@pytest.mark.parametrize("attr,field,value", [
    ("value", "f", 0.0),          # a float where TF's Const has a tensor
    ("value", "placeholder", "x"),  # a function's attr placeholder outside any function
    ("dtype", "i", 1),
])
def test_import_rejects_an_attr_of_the_wrong_kind(attr, field, value):
    """Found by tests/fuzz/test_fuzz_graph_def_import.py: each attr must use the AttrValue field of TF's
    OpDef (framework/tf_op_attr_kinds.py), as TF's importer validates a NodeDef."""
    gd = graph_pb2.GraphDef()
    n = gd.node.add(name="c", op="Const")
    n.attr["dtype"].type = types_pb2.DT_FLOAT
    n.attr["value"].tensor.dtype = types_pb2.DT_FLOAT
    n.attr["value"].tensor.float_val.append(1.0)
    n.attr[attr].Clear()
    setattr(n.attr[attr], field, value)
    with pytest.raises(ValueError, match=f"Node 'c'.*type '{field}' when '.*' expected for attr '{attr}'"):
        tf.import_graph_def(gd)
    assert tf.get_default_graph().get_operations() == []
