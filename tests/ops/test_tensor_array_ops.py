"""tf.TensorArray as a stacked array: write/read/stack/unstack/gather/scatter/concat/split, in loops, gradients."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_write_read_stack_gather_concat_size():
    ta = tf.TensorArray(tf.float32, size=3).write(0, tf.constant([1., 2.])).write(2, tf.constant([5., 6.]))
    with tf.Session() as s:
        st, r2, g, c, n = s.run([ta.stack(), ta.read(2), ta.gather([2, 0]), ta.concat(), ta.size()])
    np.testing.assert_array_equal(st, [[1, 2], [0, 0], [5, 6]])
    np.testing.assert_array_equal(r2, [5, 6])
    np.testing.assert_array_equal(g, [[5, 6], [1, 2]])
    np.testing.assert_array_equal(c, [1, 2, 0, 0, 5, 6])
    assert n == 3


def test_unstack_scatter_split_and_dtype_check():
    v = np.arange(12, dtype=np.float32).reshape(4, 3)
    ta = tf.TensorArray(tf.float32, size=4).unstack(v)
    sc = tf.TensorArray(tf.float32, size=4).scatter([3, 1], v[:2])
    sp = tf.TensorArray(tf.float32, size=2).split(v, [2, 2])
    with tf.Session() as s:
        r1, st, scs, sps = s.run([ta.read(1), ta.stack(), sc.stack(), sp.read(1)])
    np.testing.assert_array_equal(r1, v[1])
    np.testing.assert_array_equal(st, v)
    np.testing.assert_array_equal(scs, [[0, 0, 0], v[1], [0, 0, 0], v[0]])
    np.testing.assert_array_equal(sps, v[2:])
    with pytest.raises(ValueError, match="trying to write dtype float32"):
        tf.TensorArray(tf.int32, size=2).write(0, tf.constant(1.5))
    with pytest.raises(NotImplementedError, match="dynamic_size"):
        tf.TensorArray(tf.float32, size=2, dynamic_size=True)


def test_rnn_loop_values_and_gradients_match_numpy():
    T, B, D, H = 4, 2, 3, 5
    rs = np.random.RandomState(0)
    Wv = rs.randn(D, H).astype(np.float32) * 0.3
    x = tf.placeholder(tf.float32, [T, B, D])
    W = tf.placeholder(tf.float32, [D, H])
    in_ta = tf.TensorArray(tf.float32, size=T).unstack(x)
    out_ta = tf.TensorArray(tf.float32, size=T, element_shape=[B, H])

    def body(t, h, ta):
        h = tf.tanh(tf.matmul(in_ta.read(t), W) + h)
        return t + 1, h, ta.write(t, h)
    _, _, ta = tf.while_loop(lambda t, h, ta: t < T, body, (0, tf.zeros([B, H]), out_ta), maximum_iterations=T)
    outs = ta.stack()
    assert isinstance(ta, tf.TensorArray) and outs.shape.as_list() == [T, B, H]
    loss = tf.reduce_sum(outs * outs)
    gW = tf.gradients(loss, W)[0]
    X = rs.randn(T, B, D).astype(np.float32)

    def ref(Wn):
        h, out = np.zeros((B, H)), []
        for t in range(T):
            h = np.tanh(X[t].astype(np.float64) @ Wn + h)
            out.append(h)
        return np.stack(out)
    with tf.Session() as s:
        o, g = s.run([outs, gW], {x: X, W: Wv})
    np.testing.assert_allclose(o, ref(Wv.astype(np.float64)), rtol=1e-5, atol=1e-5)
    num = np.zeros_like(Wv, dtype=np.float64)
    eps = 1e-4
    for i in range(D):
        for j in range(H):
            Wp, Wm = Wv.astype(np.float64).copy(), Wv.astype(np.float64).copy()
            Wp[i, j] += eps
            Wm[i, j] -= eps
            num[i, j] = ((ref(Wp) ** 2).sum() - (ref(Wm) ** 2).sum()) / (2 * eps)
    np.testing.assert_allclose(g, num, rtol=1e-3, atol=1e-3)


def test_unknown_element_shape_inside_loop_is_explained():
    ta = tf.TensorArray(tf.float32, size=3)
    with pytest.raises(NotImplementedError, match="element_shape"):
        tf.while_loop(lambda i, ta: i < 3, lambda i, ta: (i + 1, ta.write(i, tf.ones([2]))), (0, ta))
