"""The Python-composed tf.sparse functions (transpose, expand_dims, eye, from_dense, reset_shape, retain, merge,
to_indicator, mask, convert_to_tensor_or_sparse_tensor) with fed inputs against NumPy, TF1's errors."""
import numpy as np
import pytest

import compat_tf as tf
from _sparse_util import assert_canonical, random_sparse, sparse_value as _value, to_dense


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def test_transpose_expand_dims_and_from_dense_match_numpy():
    rs = np.random.RandomState(0)
    ind, val, dense = random_sparse(rs, [2, 3, 4], density=0.5)
    ph = tf.sparse_placeholder(tf.float32, shape=[2, 3, 4])
    outs = [tf.sparse.transpose(ph, [2, 0, 1]), tf.sparse.expand_dims(ph, -2), tf.sparse.from_dense(tf.constant(dense))]
    with tf.Session() as s:
        tr, ex, fd = s.run(outs, {ph: _value(ind, val, [2, 3, 4])})
    assert_canonical(tr.indices)
    np.testing.assert_allclose(to_dense(tr), dense.transpose(2, 0, 1))
    np.testing.assert_allclose(to_dense(ex), dense[:, :, None, :])
    np.testing.assert_array_equal(fd.indices, np.argwhere(dense != 0))
    np.testing.assert_allclose(fd.values, dense[dense != 0])


def test_eye_retain_and_reset_shape():
    n = tf.placeholder(tf.int32, [])
    eye = tf.sparse.eye(n, 2, dtype=tf.int32)
    sp = tf.SparseTensor([[0, 1], [1, 0], [2, 2]], [1.0, 2.0, 3.0], [4, 4])
    keep = tf.placeholder(tf.bool, [3])
    kept = tf.sparse.retain(sp, keep)
    tight = tf.sparse.reset_shape(sp)
    with tf.Session() as s:
        e = s.run(eye, {n: 3})
        k = s.run(kept, {keep: [False, True, True]})
        t = s.run(tight)
    np.testing.assert_array_equal(to_dense(e), np.eye(3, 2, dtype=np.int32))
    assert k.indices.tolist() == [[1, 0], [2, 2]] and k.values.tolist() == [2.0, 3.0]
    assert t.dense_shape.tolist() == [3, 3]
    with pytest.raises(ValueError, match="new_shape should have dimension sizes >= sp_input.shape"):
        tf.sparse.reset_shape(sp, [3, 5])
    with pytest.raises(ValueError):
        tf.sparse.retain(sp, [True, False])


def test_to_indicator_and_merge_match_numpy():
    ids = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], tf.constant([3, 0, 2, 2], tf.int64), [2, 2])
    weights = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], [0.5, 1.5, 2.0, 4.0], [2, 2])
    ind = tf.sparse.to_indicator(ids, 4)
    merged = tf.sparse.merge(ids, weights, 4)
    with tf.Session() as s:
        i, m = s.run([ind, merged])
    np.testing.assert_array_equal(i, [[True, False, False, True], [False, False, True, False]])
    assert m.dense_shape.tolist() == [2, 4]
    np.testing.assert_allclose(to_dense(m), [[1.5, 0, 0, 0.5], [0, 0, 6.0, 0]])


def test_sparse_mask_and_convert_to_tensor_or_sparse_tensor():
    a = tf.IndexedSlices(tf.constant([[1.0], [2.0], [3.0]]), tf.constant([4, 7, 9]), tf.constant([10, 1]))
    masked = tf.sparse_mask(a, [7])
    with tf.Session() as s:
        v, i = s.run([masked.values, masked.indices])
    np.testing.assert_allclose(v, [[1.0], [3.0]])
    assert i.tolist() == [4, 9]
    st = tf.convert_to_tensor_or_sparse_tensor(_value([[0]], np.array([1.0], np.float32), [2]))
    assert isinstance(st, tf.SparseTensor)
    with pytest.raises(RuntimeError, match="Sparse dtype"):
        tf.convert_to_tensor_or_sparse_tensor(st, dtype=tf.int32)
    assert tf.convert_to_tensor_or_sparse_tensor([1, 2]).dtype == tf.int32


def test_sparse_matmul_is_a_float32_matmul():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.arange(12, dtype=np.float32).reshape(4, 3)
    out = tf.sparse_matmul(a, b, transpose_b=True, b_is_sparse=True)
    assert out.dtype == tf.float32 and out.op.type == "SparseMatMul"
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(out), a @ b.T)
    with pytest.raises(TypeError):
        tf.sparse_matmul(tf.ones([2, 2], tf.int32), tf.ones([2, 2], tf.int32))
