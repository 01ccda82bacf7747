"""tf.init_scope, tf.container, tf.op_scope, tf.variable_creator_scope, tf.is_tensor, tf.get_static_value."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_init_scope_leaves_control_dependencies_and_keeps_name_scope(graph):
    a = tf.constant(1.0, name="a")
    with tf.name_scope("outer"), tf.control_dependencies([a]):
        inside = tf.constant(2.0)
        with tf.init_scope():
            lifted = tf.constant(3.0)
    assert inside.op.control_inputs == [a.op]
    assert lifted.op.control_inputs == []
    assert lifted.name == "outer/Const_1:0"
    assert tf.get_default_graph() is graph


def test_op_scope_and_container(graph):
    x = tf.constant(1.0)
    with tf.op_scope([x], None, "default") as scope:
        assert scope == "default/"
    with tf.container("experiment"):
        assert graph._container == "experiment"
    assert graph._container == ""
    with pytest.raises(TypeError):
        with tf.container(3):
            pass


def test_variable_creator_scope_sees_tf1_kwargs_and_chains(graph):
    seen = []

    def outer(next_creator, **kwargs):
        seen.append(("outer", kwargs["name"]))
        return next_creator(**kwargs)

    def inner(next_creator, **kwargs):
        seen.append(("inner", kwargs["name"], kwargs["trainable"]))
        kwargs["trainable"] = False
        return next_creator(**kwargs)
    with tf.variable_creator_scope(outer), tf.variable_creator_scope(inner):
        v = tf.Variable(1.0, name="v")
        w = tf.get_variable("w", [2])
    u = tf.Variable(2.0, name="u")
    assert seen == [("inner", "v", None), ("outer", "v"), ("inner", "w", True), ("outer", "w")]
    assert v.name == "v:0" and w.name == "w:0" and u.name == "u:0"
    assert tf.trainable_variables() == [u]
    assert len(tf.global_variables()) == 3


def test_is_tensor_and_get_static_value(graph):
    c = tf.constant([1, 2])
    v = tf.Variable(1.0)
    p = tf.placeholder(tf.float32, [None, 3])
    assert all(tf.is_tensor(t) for t in (c, v, p, tf.SparseTensor([[0]], [1.0], [2])))
    assert not any(tf.is_tensor(t) for t in (1.0, np.ones(2), [c]))
    np.testing.assert_array_equal(tf.get_static_value(c), [1, 2])
    np.testing.assert_array_equal(tf.get_static_value(tf.concat([c, c], 0)), [1, 2, 1, 2])
    np.testing.assert_array_equal(tf.get_static_value(tf.shape(tf.zeros([2, 3]))), [2, 3])
    assert tf.get_static_value(c + 2) is None          # TF 1.15's constant_value has no rule for Add
    assert tf.get_static_value(p) is None and tf.get_static_value(v) is None
    assert tf.get_static_value(tf.shape(p)) is None
    assert tf.get_static_value(5) == 5
    assert not graph.is_feedable(c)
