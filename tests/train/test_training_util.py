"""The global step: create_global_step, get_global_step, get_or_create_global_step, global_step."""
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_create_get_and_increment():
    assert tf.train.get_global_step() is None
    with tf.name_scope("somewhere"):   # created at the root name scope
        gs = tf.train.get_or_create_global_step()
    assert gs.name == "global_step:0" and gs.dtype.base_dtype == tf.int64 and not gs.trainable
    assert tf.get_collection(tf.GraphKeys.GLOBAL_STEP) == [gs]
    assert tf.train.get_global_step() is gs and tf.train.get_or_create_global_step() is gs
    with pytest.raises(ValueError, match="already exists"):
        tf.train.create_global_step()
    w = tf.Variable(1.0, name="w")
    train = tf.train.AdagradOptimizer(0.1).minimize(w * w, global_step=gs)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert tf.train.global_step(s, gs) == 0
        for _ in range(3):
            s.run(train)
        assert tf.train.global_step(s, gs) == 3


def test_found_by_name_and_checked():
    v = tf.Variable(0, name="global_step", trainable=False)
    assert tf.train.get_global_step().name == v.name
    with tf.Graph().as_default():
        tf.Variable(0.0, name="global_step")
        with pytest.raises(TypeError, match="integer type"):
            tf.train.get_global_step()
    with tf.Graph().as_default():
        g = tf.get_default_graph()
        g.add_to_collection(tf.GraphKeys.GLOBAL_STEP, tf.Variable([1, 2], name="step"))
        with pytest.raises(TypeError, match="not scalar"):
            tf.train.get_global_step()
