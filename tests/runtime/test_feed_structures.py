"""feed_dict keys that are structures: TF1 flattens tuple keys (nest.flatten_dict_items), so an
LSTMStateTuple or a multi-layer cell's tuple of them feeds each component."""
import numpy as np
import pytest

import compat_tf as tf


def _lstm_graph():
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(3) for _ in range(2)])
    x = tf.placeholder(tf.float32, [2, 4, 5])
    init = cell.zero_state(2, tf.float32)
    out, state = tf.nn.dynamic_rnn(cell, x, initial_state=init)
    return x, init, out, state


def test_tuple_of_lstm_state_tuples_as_feed_key():
    with tf.Graph().as_default():
        x, init, out, state = _lstm_graph()
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        xv = np.random.RandomState(0).rand(2, 4, 5).astype(np.float32)
        out0, s1 = sess.run([out, state], {x: xv})
        fed_whole, _ = sess.run([out, state], {x: xv, init: s1})
        fed_parts = sess.run(out, {x: xv, init[0].c: s1[0].c, init[0].h: s1[0].h,
                                   init[1].c: s1[1].c, init[1].h: s1[1].h})
        np.testing.assert_allclose(fed_whole, fed_parts, rtol=1e-6)
        assert not np.allclose(fed_whole, out0)        # the fed state was used
        # one LSTMStateTuple as the key
        fed_layer0 = sess.run(out, {x: xv, init[0]: s1[0]})
        fed_layer0_parts = sess.run(out, {x: xv, init[0].c: s1[0].c, init[0].h: s1[0].h})
        np.testing.assert_allclose(fed_layer0, fed_layer0_parts, rtol=1e-6)


def test_structure_mismatch_is_value_error():
    with tf.Graph().as_default():
        x, init, out, _ = _lstm_graph()
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        with pytest.raises(ValueError, match="Key had 4 elements, but value had 1"):
            sess.run(out, {x: np.zeros((2, 4, 5), np.float32), init: np.zeros(3)})
