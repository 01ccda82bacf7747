"""TF 1.15's v2-behaviour switches: the TF1 side is accepted, TF2 semantics raise NotImplementedError."""
import pytest

import compat_tf as tf


def test_disable_v2_behavior_through_compat_v1_keeps_graph_mode():
    tf.compat.v1.disable_v2_behavior()
    assert not tf.executing_eagerly()
    assert not tf.resource_variables_enabled()
    assert not tf.control_flow_v2_enabled()
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [2])
        with tf.Session() as s:
            assert s.run(x * 2, {x: [1, 2]}).tolist() == [2, 4]


@pytest.mark.parametrize("name", ["enable_v2_behavior", "enable_tensor_equality", "enable_v2_tensorshape"])
def test_enabling_tf2_semantics_raises_naming_the_symbol(name):
    with pytest.raises(NotImplementedError, match=f"tf.{name}"):
        getattr(tf, name)()
    # nothing changed: TF1 identity comparison and Dimension indexing
    with tf.Graph().as_default():
        a = tf.constant(1.0)
        assert (a == tf.constant(1.0)) is False
        assert isinstance(tf.TensorShape([3])[0], tf.Dimension)


def test_control_flow_v2_switch_is_recorded():
    try:
        tf.enable_control_flow_v2()
        assert tf.control_flow_v2_enabled()
    finally:
        tf.disable_control_flow_v2()
    assert not tf.control_flow_v2_enabled()
    tf.disable_tensor_equality()
    tf.disable_v2_tensorshape()
