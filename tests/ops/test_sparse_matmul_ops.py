"""tf.sparse_tensor_dense_matmul (SparseTensorDenseMatMul) against NumPy: adjoints, duplicate
indices summed, gradients to the values and to b, TF1's errors."""
import numpy as np
import pytest

import compat_tf as tf

RS = np.random.RandomState(0)
IND = np.array([[0, 1], [2, 0], [2, 3], [1, 1], [0, 1]], np.int64)      # (0, 1) twice: summed
VAL = np.array([1.0, 2.0, -3.0, 4.0, 0.5])


def _dense(ind=IND, val=VAL, shape=(3, 4)):
    a = np.zeros(shape, val.dtype)
    for (i, j), v in zip(ind, val):
        a[i, j] += v
    return a


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.mark.parametrize("adjoint_a,adjoint_b", [(False, False), (True, False), (False, True), (True, True)])
def test_values_match_numpy(adjoint_a, adjoint_b):
    a = _dense()
    a_op = a.T if adjoint_a else a
    b = RS.randn(5, a_op.shape[1]) if adjoint_b else RS.randn(a_op.shape[1], 5)
    y = tf.sparse_tensor_dense_matmul(tf.SparseTensor(IND, VAL, [3, 4]), b, adjoint_a=adjoint_a,
                                      adjoint_b=adjoint_b)
    assert y.op.type == "SparseTensorDenseMatMul" and y.shape.as_list() == [a_op.shape[0], 5]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(y), a_op @ (b.T if adjoint_b else b), rtol=1e-12)
    assert tf.sparse.sparse_dense_matmul is tf.sparse_tensor_dense_matmul is tf.sparse.matmul


def test_gradients_to_values_and_b_match_numpy():
    b = RS.randn(4, 2)
    dy = RS.randn(3, 2)
    values = tf.constant(VAL)
    bt = tf.constant(b)
    y = tf.sparse_tensor_dense_matmul(tf.SparseTensor(IND, values, [3, 4]), bt)
    gv, gb = tf.gradients(tf.reduce_sum(y * dy), [values, bt])
    with tf.Session() as s:
        gv, gb = s.run([gv, gb])
    np.testing.assert_allclose(gb, _dense().T @ dy, rtol=1e-12)
    # d/d value_n = dy[row_n] . b[col_n]
    np.testing.assert_allclose(gv, [dy[i] @ b[j] for i, j in IND], rtol=1e-12)


def test_fed_sparse_placeholder_with_known_shape_trains():
    sp = tf.sparse_placeholder(tf.float32, shape=[3, 4])
    w = tf.Variable(np.ones((4, 2), np.float32))
    loss = tf.reduce_sum(tf.square(tf.sparse_tensor_dense_matmul(sp, w)))
    step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    feed = {sp: tf.SparseTensorValue(IND, VAL.astype(np.float32), [3, 4])}
    a = _dense().astype(np.float32)
    with tf.Session() as s:
        s.run(w.initializer)
        s.run(step, feed)
        want = np.ones((4, 2)) - 0.01 * 2 * a.T @ (a @ np.ones((4, 2)))
        np.testing.assert_allclose(s.run(w), want, rtol=1e-5)


def test_errors_as_tf1():
    sp = tf.SparseTensor(IND, VAL, [3, 4])
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.sparse_tensor_dense_matmul(sp, np.zeros((5, 2)))
    with pytest.raises(TypeError):
        tf.sparse_tensor_dense_matmul(sp, np.zeros((4, 2), np.float32))
    ind = tf.placeholder(tf.int64, [None, 2])
    y = tf.sparse_tensor_dense_matmul(tf.SparseTensor(ind, VAL[:2], [3, 4]), np.zeros((4, 2)))
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"k \(7\) from index\[1,1\] out of bounds \(>=4\)"):
            s.run(y, {ind: [[0, 1], [1, 7]]})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"i \(3\) from index\[0,0\] out of bounds \(>=3\)"):
            s.run(y, {ind: [[3, 1], [1, 1]]})
    shape = tf.placeholder(tf.int64, [2])
    y = tf.sparse_tensor_dense_matmul(tf.SparseTensor(IND, VAL, shape), np.zeros((4, 2)))
    assert y.shape.as_list() == [None, 2]
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"i \(2\) from index\[1,0\] out of bounds \(>=2\)"):
            s.run(y, {shape: [2, 4]})     # the fed row count bounds the indices


def test_a_dense_shape_fed_at_run_time_gives_values_and_gradients():
    sp = tf.sparse_placeholder(tf.float64)               # no shape: dense_shape is fed with the values
    w = tf.Variable(np.ones((4, 2)))
    y = tf.sparse_tensor_dense_matmul(sp, w)
    assert y.shape.as_list() == [None, 2]
    g, = tf.gradients(tf.reduce_sum(y * y), [w])
    a = _dense()
    with tf.Session() as s:
        s.run(w.initializer)
        for rows in (3, 5):                               # two row counts: one trace each
            feed = {sp: tf.SparseTensorValue(IND, VAL, np.array([rows, 4], np.int64))}
            got_y, got_g = s.run([y, g], feed)
            dense = np.zeros((rows, 4))
            dense[:3] = a
            np.testing.assert_allclose(got_y, dense @ np.ones((4, 2)), rtol=1e-12)
            np.testing.assert_allclose(got_g, 2 * dense.T @ (dense @ np.ones((4, 2))), rtol=1e-12)


def test_graph_def_round_trip():
    y = tf.sparse_tensor_dense_matmul(tf.SparseTensor(IND, VAL, [3, 4]), np.eye(3), adjoint_a=True, name="spmm")
    assert y.name == "spmm:0"
    gd = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default():
        out, = tf.import_graph_def(gd, return_elements=["spmm:0"], name="")
        with tf.Session() as s:
            np.testing.assert_allclose(s.run(out), _dense().T, rtol=1e-12)
