"""tf.variable_scope / tf.get_variable: naming, sharing, reuse errors, inherited defaults."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def const(v):
    return lambda shape, dtype=None, partition_info=None: tf.constant(
        np.full(shape, v, np.float32 if dtype is None else dtype.as_numpy_dtype))


def test_names_come_from_variable_scope_not_name_scope():
    with tf.name_scope("ns"):
        a = tf.get_variable("a", [1], initializer=const(1.0))
        b = tf.Variable(1.0, name="b")
    with tf.variable_scope("vs"):
        c = tf.get_variable("c", [1], initializer=const(1.0))
        op = tf.add(c, 1.0, name="op")
        with tf.name_scope("inner"):
            d = tf.get_variable("d", [1], initializer=const(1.0))
    assert [a.name, b.name, c.name, op.name, d.name] == ["a:0", "ns/b:0", "vs/c:0", "vs/op:0", "vs/d:0"]


def test_reuse_shares_and_reentry_uniquifies_op_names():
    with tf.variable_scope("s"):
        v = tf.get_variable("v", [2], initializer=const(3.0))
    with tf.variable_scope("s", reuse=True):
        again = tf.get_variable("v")
        op = tf.identity(again, name="id")
    assert again is v
    assert op.name == "s_1/id:0"
    with tf.variable_scope("s") as scope:
        scope.reuse_variables()
        assert tf.get_variable("v") is v
        assert tf.get_variable_scope().reuse


def test_sharing_errors_are_value_errors():
    with tf.variable_scope("d"):
        tf.get_variable("v", [1], initializer=const(0.0))
    with pytest.raises(ValueError, match="already exists"):
        with tf.variable_scope("d"):
            tf.get_variable("v", [1], initializer=const(0.0))
    with pytest.raises(ValueError, match="does not exist"):
        with tf.variable_scope("nowhere", reuse=True):
            tf.get_variable("missing", [1])
    with pytest.raises(ValueError, match="shape"):
        with tf.variable_scope("d", reuse=True):
            tf.get_variable("v", [2])
    n_before = len(tf.global_variables())
    assert n_before == 1


def test_auto_reuse_creates_once():
    def make():
        with tf.variable_scope("auto", reuse=tf.AUTO_REUSE):
            return tf.get_variable("c", [], initializer=const(3.0))
    assert make() is make()
    assert len(tf.global_variables()) == 1


def test_default_name_scopes_are_uniquified():
    with tf.variable_scope(None, default_name="layer"):
        a = tf.get_variable("w", [1], initializer=const(0.0))
    with tf.variable_scope(None, default_name="layer"):
        b = tf.get_variable("w", [1], initializer=const(0.0))
    assert (a.name, b.name) == ("layer/w:0", "layer_1/w:0")


def test_captured_scope_reenters_its_name_scope():
    with tf.variable_scope("captured") as cap:
        w = tf.get_variable("w", [2], initializer=const(1.0))
    with tf.variable_scope("elsewhere"):
        with tf.variable_scope(cap, reuse=True):
            assert tf.get_variable("w") is w
            assert tf.get_variable_scope().name == "captured"
            op = tf.identity(w, name="cap_id")
    assert op.name == "elsewhere/captured/cap_id:0"     # TF 1.15: a new name scope, not the original
    assert cap.original_name_scope == "captured/"


def test_inherited_initializer_dtype_and_values():
    with tf.variable_scope("init", initializer=tf.constant_initializer(0.5)
                           if hasattr(tf, "constant_initializer") else const(0.5)):
        a = tf.get_variable("a", [2])
        with tf.variable_scope("deeper"):
            b = tf.get_variable("b", [1])
            c = tf.get_variable("c", [1], initializer=const(-2.0))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(a), [0.5, 0.5])
        np.testing.assert_array_equal(s.run(b), [0.5])
        np.testing.assert_array_equal(s.run(c), [-2.0])


def test_initializer_from_value_and_shape_conflict():
    v = tf.get_variable("from_value", initializer=np.array([5.0, 6.0], np.float32))
    assert v.get_shape().as_list() == [2]
    with pytest.raises(ValueError, match="do not specify shape"):
        tf.get_variable("bad", [2], initializer=np.array([1.0, 2.0], np.float32))
    with pytest.raises(ValueError, match="fully defined"):
        tf.get_variable("noshape")


def test_regularizer_adds_loss_once_on_creation():
    def reg(w):
        return tf.reduce_sum(w) * 0.5
    with tf.variable_scope("r", regularizer=reg):
        w = tf.get_variable("w", [3], initializer=const(2.0))
    with tf.variable_scope("r", reuse=True):
        tf.get_variable("w")
    losses = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(losses) == 1
    assert losses[0].op.name.startswith("r/w/Regularizer/")
    with tf.Session() as s:
        s.run(w.initializer)
        assert s.run(losses[0]) == pytest.approx(3.0)


def test_trainable_false_and_custom_getter():
    seen = []

    def getter(next_getter, name, *args, **kwargs):
        seen.append(name)
        return next_getter(name, *args, **kwargs)
    with tf.variable_scope("g", custom_getter=getter):
        v = tf.get_variable("v", [1], initializer=const(1.0), trainable=False)
    assert seen == ["g/v"]
    assert v not in tf.trainable_variables() and v in tf.global_variables()


def test_partitioner_makes_shards_scalar_ignores_it():     # more in test_partitioned_variables.py
    p = tf.get_variable("p", [4], initializer=const(0.0), partitioner=lambda shape, dtype: [2])
    assert [v.name for v in p] == ["p/part_0:0", "p/part_1:0"]
    s = tf.get_variable("s", [], initializer=const(0.0), partitioner=lambda shape, dtype: [2])
    assert s.name == "s:0"
