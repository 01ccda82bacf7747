"""tf.py_func / tf.numpy_function: host and in-jit execution, dtypes, errors, side-effect order, gradients."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_py_func_values_multiple_outputs_unknown_shape_and_no_gradient():
    calls = []

    def f(a, b):
        calls.append(a.copy())
        return a * b, np.array(len(calls), np.int64)
    x = tf.placeholder(tf.float32, [None])
    y, n = tf.py_func(f, [x, x], [tf.float32, tf.int64])
    single = tf.py_func(lambda a: a + 1, [x], tf.float32)
    assert y.shape.ndims is None and isinstance(single, tf.Tensor)
    z = tf.reduce_sum(y) * 2.0
    assert tf.gradients(z, x) == [None]
    with tf.Session() as s:
        yv, nv, zv = s.run([y, n, z], {x: [1, 2, 3]})
        np.testing.assert_allclose(yv, [1, 4, 9])
        assert nv == 1 and zv == 28.0
        assert s.run(y, {x: [2, 2]}).shape == (2,)
        np.testing.assert_allclose(s.run(single, {x: [0.5]}), [1.5])
    assert len(calls) == 2 and isinstance(calls[0], np.ndarray)


def test_py_func_strings_run_on_host():
    out = tf.py_func(lambda s: s + b"!", [tf.constant("hi")], tf.string)
    n = tf.py_func(lambda s: np.int32(len(s)), [tf.constant(["a", "bcd"])], tf.int32)
    with tf.Session() as s:
        assert s.run(out) == b"hi!"
        assert s.run(n) == 2


def test_py_func_errors_map_to_tf1_classes_and_leave_variables_unchanged():
    x = tf.placeholder(tf.float32, [None])
    v = tf.Variable(5.0)

    def boom(a):
        raise ValueError("boom")
    b = tf.py_func(boom, [x], tf.float32)
    with tf.control_dependencies([b]):
        up = tf.assign_add(v, 1.0)
    other = tf.assign_add(v, 10.0)
    unknown = tf.py_func(lambda a: {}["k"], [x], tf.float32)
    stop = tf.py_func(lambda a: next(iter([])), [x], tf.float32)
    wrong = tf.py_func(lambda a: a.astype(np.float64), [x], tf.float32)
    count = tf.py_func(lambda a: (a, a), [x], tf.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="ValueError: boom"):
            s.run([up, other], {x: [1.0]})
        assert s.run(v) == 5.0
        with pytest.raises(tf.errors.UnknownError, match="KeyError"):
            s.run(unknown, {x: [1.0]})
        with pytest.raises(tf.errors.OutOfRangeError):
            s.run(stop, {x: [1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="is double, but expects float"):
            s.run(wrong, {x: [1.0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="returns 2 values, but expects to see 1"):
            s.run(count, {x: [1.0]})


def test_in_jit_py_func_with_static_shape_stateful_order_and_errors():
    log = []

    def rec(tag):
        def f(a):
            log.append(tag)
            return (a * 3).astype(np.float32)
        return f
    x = tf.placeholder(tf.float32, [3])
    k1 = tf.py_func(rec("a"), [x], tf.float32)
    k1.set_shape([3])
    with tf.control_dependencies([k1]):
        k2 = tf.numpy_function(rec("b"), [k1], tf.float32)
    k2.set_shape([3])
    w = tf.Variable(0.0)
    up = tf.assign_add(w, tf.reduce_sum(k2))

    def bad(a):
        raise TypeError("bad input")
    kb = tf.py_func(bad, [x], tf.float32)
    kb.set_shape([3])
    upb = tf.assign_add(w, tf.reduce_sum(kb))
    # inside a loop body (the shapes are known there, so it runs in the jitted loop)
    def body(i, acc):
        y = tf.py_func(lambda v: (v + 1).astype(np.float32), [acc], tf.float32, stateful=False)
        y.set_shape([3])
        return i + 1, y
    _, loop = tf.while_loop(lambda i, acc: i < 4, body, [0, x])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(up, {x: [1, 2, 3]}) == 54.0
        assert log == ["a", "b"]
        with pytest.raises(tf.errors.InvalidArgumentError, match="TypeError: bad input"):
            s.run(upb, {x: [1, 2, 3]})
        assert s.run(w) == 54.0
        np.testing.assert_allclose(s.run(loop, {x: [0, 1, 2]}), [4, 5, 6])
