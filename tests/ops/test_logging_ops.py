"""tf.Print / tf.print: printed text (capfd), order, first_n, summarize, identity values and gradients."""
import sys

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_print_is_identity_and_prints_tf1_format(capfd):
    x = tf.placeholder(tf.float32, [None])
    p = tf.Print(x * 2.0, [x, tf.constant([[1, 2], [3, 4]])], "vals: ")
    g = tf.gradients(tf.reduce_sum(p * p), x)[0]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(p, {x: [1.5, 2, 3, 4]}), [3, 4, 6, 8])
        err = capfd.readouterr().err
        assert "vals: [1.5 2 3...][[1 2][3...]...]\n" in err
        np.testing.assert_allclose(s.run(g, {x: [1.0, 2.0]}), [8.0, 16.0])
        assert capfd.readouterr().err.count("vals: ") == 1      # the gradient needs the forward value
        s.run([p, g], {x: [1.0, 2.0]})
        assert capfd.readouterr().err.count("vals: ") == 1      # once per run, not again for the gradient


def test_print_first_n_and_summarize(capfd):
    x = tf.placeholder(tf.int32, [5])
    p = tf.Print(x, [x], "n=", first_n=2, summarize=5)
    with tf.Session() as s:
        for i in range(4):
            s.run(p, {x: np.arange(5) + i})
    err = capfd.readouterr().err
    assert err.count("n=") == 2
    assert "n=[0 1 2 3 4]" in err and "n=[1 2 3 4 5]" in err and "n=[2" not in err


def test_tf_print_v2_format_order_and_control_dependencies(capfd):
    x = tf.placeholder(tf.float32, [None])
    v = tf.Variable(0.0)
    p1 = tf.print("first", x, {"k": x}, output_stream=sys.stdout)
    with tf.control_dependencies([p1]):
        p2 = tf.print("second", tf.reshape(tf.range(12), [3, 4]), summarize=1)
    with tf.control_dependencies([p2]):
        up = tf.assign_add(v, 1.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(up, {x: np.arange(10)}) == 1.0
    out = capfd.readouterr()
    assert out.out == "first [0 1 2 ... 7 8 9] {'k': [0 1 2 ... 7 8 9]}\n"
    assert out.err.endswith("second [[0 ... 3]\n ...\n [8 ... 11]]\n")
