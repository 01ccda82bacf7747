"""tf.SparseTensor / SparseTensorValue / sparse_placeholder / sparse_tensor_to_dense against TF 1.15."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess(graph):
    with tf.Session(graph=graph) as s:
        yield s


def test_components_dtypes_and_static_shape(graph):
    sp = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0, 2.0], dense_shape=[3, 4])
    assert sp.indices.dtype == tf.int64 and sp.dense_shape.dtype == tf.int64
    assert sp.dtype == tf.float32
    assert sp.get_shape().as_list() == [3, 4] and sp.shape.as_list() == [3, 4]
    assert sp.op is sp.values.op and sp.graph is graph
    assert sp.indices.op.name.startswith("SparseTensor/")


def test_inconsistent_component_shapes_raise():
    with pytest.raises(ValueError):
        tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1.0], dense_shape=[3, 4])
    with pytest.raises(ValueError):
        tf.SparseTensor(indices=[[0, 0]], values=[1.0], dense_shape=[3, 4, 5])


def test_fetch_gives_sparse_tensor_value(sess):
    sp = tf.SparseTensor(indices=[[0, 1], [2, 3]], values=[5, 6], dense_shape=[3, 4])
    v = sess.run(sp)
    assert isinstance(v, tf.SparseTensorValue)
    np.testing.assert_array_equal(v.indices, [[0, 1], [2, 3]])
    np.testing.assert_array_equal(v.values, [5, 6])
    np.testing.assert_array_equal(v.dense_shape, [3, 4])
    assert v.indices.dtype == np.int64
    # nested in a structure, alongside a plain tensor
    out = sess.run({"sp": sp, "n": tf.constant(3)})
    assert isinstance(out["sp"], tf.SparseTensorValue) and out["n"] == 3
    with sess.as_default():
        np.testing.assert_array_equal(sp.eval().values, [5, 6])


def test_to_dense_values_and_default(sess):
    sp = tf.SparseTensor(indices=[[0, 1], [2, 3]], values=[5.0, 6.0], dense_shape=[3, 4])
    d = tf.sparse_tensor_to_dense(sp, default_value=-1.0)
    assert d.shape.as_list() == [3, 4] and d.dtype == tf.float32
    want = np.full((3, 4), -1.0, np.float32)
    want[0, 1], want[2, 3] = 5, 6
    np.testing.assert_array_equal(sess.run(d), want)
    np.testing.assert_array_equal(sess.run(tf.sparse.to_dense(sp)), np.where(want < 0, 0, want))


def test_to_dense_of_strings(sess):
    sp = tf.SparseTensor(indices=[[1]], values=["b"], dense_shape=[3])
    out = sess.run(tf.sparse_tensor_to_dense(sp, default_value=""))
    assert list(out) == [b"", b"b", b""]


def test_to_dense_validates_order_and_bounds(sess):
    unordered = tf.SparseTensor(indices=[[2, 0], [0, 1]], values=[1, 2], dense_shape=[3, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of order"):
        sess.run(tf.sparse_tensor_to_dense(unordered))
    # without validation the unordered indices are scattered as given
    out = sess.run(tf.sparse_tensor_to_dense(unordered, validate_indices=False))
    assert out[2, 0] == 1 and out[0, 1] == 2 and out.sum() == 3
    oob = tf.SparseTensor(indices=[[0, 5]], values=[1], dense_shape=[3, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of bounds"):
        sess.run(tf.sparse_tensor_to_dense(oob))
    rep = tf.SparseTensor(indices=[[0, 1], [0, 1]], values=[1, 2], dense_shape=[3, 3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="repeated"):
        sess.run(tf.sparse_tensor_to_dense(rep))


def test_sparse_to_dense_legacy_forms(sess):
    d = tf.sparse_to_dense([1, 3], [5], 7, default_value=1)  # 1-D indices, scalar value
    np.testing.assert_array_equal(sess.run(d), [1, 7, 1, 7, 1])
    assert d.shape.as_list() == [5]
    d2 = tf.sparse_to_dense([[0, 0], [1, 1]], [2, 2], [3.0, 4.0])
    np.testing.assert_array_equal(sess.run(d2), [[3, 0], [0, 4]])


def test_sparse_placeholder_feed_value_and_tuple(sess):
    sp = tf.sparse_placeholder(tf.float32)
    assert sp.indices.shape.as_list() == [None, None] and sp.values.shape.as_list() == [None]
    dense = tf.sparse_tensor_to_dense(sp)
    v = tf.SparseTensorValue(np.array([[0, 0], [1, 2]]), np.array([1.5, 2.5], np.float32), np.array([2, 3]))
    np.testing.assert_array_equal(sess.run(dense, {sp: v}), [[1.5, 0, 0], [0, 0, 2.5]])
    out = sess.run(dense, {sp: ([[1, 1]], [9.0], [2, 2])})
    np.testing.assert_array_equal(out, [[0, 0], [0, 9]])
    # fetching the fed sparse tensor itself
    got = sess.run(sp, {sp: v})
    assert isinstance(got, tf.SparseTensorValue)
    np.testing.assert_array_equal(got.values, [1.5, 2.5])
    with pytest.raises(TypeError):
        sess.run(dense, {sp: np.zeros(3)})


def test_sparse_placeholder_with_known_shape(sess):
    sp = tf.sparse_placeholder(tf.int64, shape=[2, 4], name="sp")
    assert sp.get_shape().as_list() == [2, 4]
    assert sp.values.op.name == "sp/values" and sp.indices.op.name == "sp/indices"
    assert sp.indices.shape.as_list() == [None, 2]
    d = tf.sparse_tensor_to_dense(sp)
    assert d.shape.as_list() == [2, 4]
    out = sess.run(d, {sp: tf.SparseTensorValue([[1, 3]], [7], [2, 4])})
    assert out.shape == (2, 4) and out[1, 3] == 7 and out.sum() == 7
    unk = tf.sparse_placeholder(tf.float32, shape=[None, 3])
    assert unk.get_shape().as_list() == [None, None]  # shape fed at run time (rank 2 known)


def test_sparse_tensor_not_a_tensor():
    sp = tf.SparseTensor([[0]], [1.0], [2])
    with pytest.raises((TypeError, ValueError)):
        tf.convert_to_tensor(sp)
