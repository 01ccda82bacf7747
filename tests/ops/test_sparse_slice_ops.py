"""tf.sparse.slice / split / fill_empty_rows (host ops) on random SparseTensors against NumPy."""
import numpy as np
import pytest

import compat_tf as tf
from _sparse_util import random_sparse, sparse_value as _value, to_dense


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def test_slice_and_split_match_numpy():
    rs = np.random.RandomState(0)
    ind, val, dense = random_sparse(rs, [5, 7], density=0.5)
    ph = tf.sparse_placeholder(tf.float32)
    start, size = tf.placeholder(tf.int64, [2]), tf.placeholder(tf.int64, [2])
    sl = tf.sparse.slice(ph, start, size)
    pieces = tf.sparse.split(sp_input=ph, num_split=3, axis=1)
    feed = {ph: _value(ind, val, [5, 7]), start: [1, 2], size: [3, 10]}
    with tf.Session() as s:
        got, parts = s.run([sl, pieces], feed)
    np.testing.assert_allclose(to_dense(got), dense[1:4, 2:])
    widths = [p.dense_shape[1] for p in parts]
    assert widths == [3, 2, 2]                      # the first shape % num_split pieces one larger, as TF1
    np.testing.assert_allclose(np.concatenate([to_dense(p) for p in parts], axis=1), dense)


def test_split_needs_keywords_and_a_valid_count():
    sp = tf.SparseTensor([[0, 0]], [1.0], [2, 3])
    with pytest.raises(ValueError, match="Keyword arguments are required"):
        tf.sparse.split(sp, 2, 1)
    out = tf.sparse.split(sp_input=sp, num_split=4, axis=1)
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="num_split"):
        s.run(out)


def test_fill_empty_rows_orders_by_row_and_maps_back():
    ph = tf.sparse_placeholder(tf.float32)
    filled, empty = tf.sparse.fill_empty_rows(ph, -1.0)
    rev = filled.indices.op.outputs[3]
    ind = [[3, 1], [1, 0], [1, 2]]                  # unordered rows: the output is by row
    with tf.Session() as s:
        got, e, r = s.run([filled, empty, rev], {ph: _value(ind, [3.0, 1.0, 2.0], [5, 3])})
    assert got.indices.tolist() == [[0, 0], [1, 0], [1, 2], [2, 0], [3, 1], [4, 0]]
    assert got.values.tolist() == [-1.0, 1.0, 2.0, -1.0, 3.0, -1.0]
    assert e.tolist() == [True, False, True, False, True]
    assert r.tolist() == [4, 1, 2]


def test_no_gradient_through_slice_is_a_lookup_error():
    vals = tf.constant([1.0, 2.0])
    out = tf.sparse.slice(tf.SparseTensor([[0, 0], [1, 1]], vals, [2, 2]), [0, 0], [1, 2])
    with pytest.raises(LookupError, match="SparseSlice"):
        tf.gradients(tf.reduce_sum(out.values), [vals])
