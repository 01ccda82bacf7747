"""TF1 programs over the tf.sparse API, run both on real TensorFlow (tests/data/make_sparse_fixtures.py
records their results into tests/data/sparse/sparse_oracle.json) and on compat_tf (test_sparse_oracle.py).

Each case is `f(tf) -> fetches` built in a fresh graph; fetches are Tensors, SparseTensors or lists of them.
"""
import numpy as np


def _st(tf, indices, values, shape, dtype=None):
    return tf.SparseTensor(np.array(indices, np.int64).reshape(-1, len(shape)),
                           tf.constant(values, dtype=dtype) if dtype is not None else values, shape)


def _a(tf):
    return _st(tf, [[0, 0], [0, 2], [1, 1]], [1., 2., 3.], [2, 3])


def _b(tf):
    return _st(tf, [[0, 0], [1, 0], [1, 1]], [-1., 5., -2.9], [2, 3])


def _y(tf):
    return _st(tf, [[1, 0], [1, 2], [3, 1]], [1., 2., 3.], [5, 3])


def _r3(tf):
    return _st(tf, [[0, 0, 1], [0, 1, 0], [0, 2, 2], [1, 0, 3], [1, 2, 0]], [1., -2., 3., 4., -5.], [2, 3, 4])


CASES = {
    "add_thresh": lambda tf: tf.sparse.add(_a(tf), _b(tf), 0.2),
    "add_zero": lambda tf: tf.sparse_add(_a(tf), _b(tf)),
    "add_dense": lambda tf: tf.sparse.add(_a(tf), tf.reshape(tf.range(6, dtype=tf.float32), [2, 3])),
    "add_dense_first": lambda tf: tf.sparse_add(tf.ones([2, 3]), _a(tf)),
    "maximum": lambda tf: tf.sparse.maximum(_a(tf), _b(tf)),
    "minimum": lambda tf: tf.sparse_minimum(_a(tf), _b(tf)),
    "reduce_sum_all": lambda tf: tf.sparse.reduce_sum(_r3(tf)),
    "reduce_sum_1": lambda tf: tf.sparse_reduce_sum(_r3(tf), 1),
    "reduce_sum_02_keep": lambda tf: tf.sparse.reduce_sum(_r3(tf), [0, -1], keepdims=True),
    "reduce_max_1": lambda tf: tf.sparse.reduce_max(_r3(tf), 1),
    "reduce_max_neg": lambda tf: tf.sparse_reduce_max(_st(tf, [[0, 0], [0, 2], [2, 1]], [-1., -2., 3.], [3, 3]), 1),
    "reduce_sum_sparse": lambda tf: tf.sparse.reduce_sum_sparse(_r3(tf), 1),
    "reduce_sum_sparse_keep": lambda tf: tf.sparse_reduce_sum_sparse(_r3(tf), [2], keep_dims=True),
    "reduce_max_sparse": lambda tf: tf.sparse.reduce_max_sparse(_r3(tf), 0),
    "softmax": lambda tf: tf.sparse.softmax(_st(tf, [[0, 0], [0, 2], [1, 1], [1, 2], [2, 0]],
                                                [1., 2., 3., 4., 5.], [3, 3])),
    "softmax_r3": lambda tf: tf.sparse_softmax(_r3(tf)),
    "fill_empty_rows": lambda tf: tf.sparse.fill_empty_rows(_y(tf), -7.),
    "fill_empty_rows_str": lambda tf: tf.sparse_fill_empty_rows(
        _st(tf, [[1, 0]], [b"x"], [3, 2]), "pad"),
    "slice": lambda tf: tf.sparse.slice(_y(tf), [1, 1], [3, 5]),
    "slice_r3": lambda tf: tf.sparse_slice(_r3(tf), [0, 1, 0], [2, 2, 3]),
    "split_1": lambda tf: tf.sparse.split(sp_input=_y(tf), num_split=2, axis=1),
    "split_0": lambda tf: tf.sparse_split(sp_input=_y(tf), num_split=3, axis=0),
    "reorder": lambda tf: tf.sparse.reorder(_st(tf, [[1, 1], [0, 2], [1, 0], [0, 0]], [1., 2., 3., 4.], [2, 3])),
    "reshape": lambda tf: tf.sparse.reshape(_r3(tf), [4, -1]),
    "reshape_3": lambda tf: tf.sparse_reshape(_a(tf), [3, 1, 2]),
    "concat_1": lambda tf: tf.sparse.concat(1, [_a(tf), _st(tf, [[0, 0], [1, 1]], [7., 8.], [2, 2])]),
    "concat_0": lambda tf: tf.sparse_concat(0, [_a(tf), _b(tf)]),
    "concat_expand": lambda tf: tf.sparse.concat(1, [_a(tf), _st(tf, [[2, 0]], [9.], [3, 1])],
                                                 expand_nonconcat_dim=True),
    "transpose": lambda tf: tf.sparse.transpose(_r3(tf)),
    "transpose_perm": lambda tf: tf.sparse_transpose(_r3(tf), [1, 0, 2]),
    "expand_dims": lambda tf: tf.sparse.expand_dims(_a(tf), 1),
    "expand_dims_neg": lambda tf: tf.sparse.expand_dims(_a(tf), -1),
    "eye": lambda tf: tf.sparse.eye(3, 4),
    "from_dense": lambda tf: tf.sparse.from_dense([[0, 3, 0], [1, 0, 0]]),
    "reset_shape_tight": lambda tf: tf.sparse.reset_shape(_a(tf)),
    "reset_shape_new": lambda tf: tf.sparse_reset_shape(_a(tf), [4, 5]),
    "retain": lambda tf: tf.sparse.retain(_a(tf), [True, False, True]),
    "to_indicator": lambda tf: tf.sparse.to_indicator(
        _st(tf, [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2]], tf.constant([0, 3, 1, 2, 1], tf.int64), [2, 3]), 4),
    "merge": lambda tf: tf.sparse.merge(
        _st(tf, [[0, 0], [0, 1], [1, 0]], tf.constant([4, 1, 2], tf.int64), [2, 2]),
        _st(tf, [[0, 0], [0, 1], [1, 0]], [0.5, -1., 2.], [2, 2]), 5),
    "segment_sum": lambda tf: tf.sparse.segment_sum(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 2, 1], [0, 0, 2]),
    "segment_mean": lambda tf: tf.sparse_segment_mean(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 2, 1], [0, 0, 2]),
    "segment_sqrt_n": lambda tf: tf.sparse.segment_sqrt_n(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 1, 2],
                                                          [0, 0, 2]),
    "segment_mean_num": lambda tf: tf.sparse.segment_mean(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 1, 2],
                                                          [0, 0, 2], num_segments=5),
    "cross": lambda tf: tf.sparse.cross([
        _st(tf, [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2]),
        _st(tf, [[0, 0], [1, 0], [1, 1]], [b"x", b"y", b"z"], [2, 2]),
        tf.constant([[b"d1"], [b"d2"]])]),
    "cross_int": lambda tf: tf.sparse.cross([
        _st(tf, [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2]),
        _st(tf, [[0, 0], [1, 0]], tf.constant([3, 4], tf.int64), [2, 1])]),
    "cross_hashed": lambda tf: tf.sparse.cross_hashed([
        _st(tf, [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2]),
        _st(tf, [[0, 0], [1, 0]], tf.constant([3, 4], tf.int64), [2, 1])]),
    "cross_hashed_buckets": lambda tf: tf.sparse.cross_hashed([
        _st(tf, [[0, 0], [0, 1], [1, 0]], [b"a", b"b", b"c"], [2, 2]),
        tf.constant([[b"d1"], [b"d2"]])], num_buckets=100, hash_key=7),
    "serialize": lambda tf: tf.serialize_sparse(_a(tf)),
    "serialize_str": lambda tf: tf.io.serialize_sparse(_st(tf, [[0, 0], [1, 2]], [b"q", b"hello"], [2, 3])),
    "serialize_many": lambda tf: tf.serialize_many_sparse(_st(tf, [[0, 0], [1, 1]], tf.constant([1, 2]), [2, 3])),
    "deserialize_many": lambda tf: tf.deserialize_many_sparse(
        tf.serialize_many_sparse(_st(tf, [[0, 0], [1, 1], [1, 2]], tf.constant([1, 2, 3]), [2, 3])), tf.int32),
    "sparse_matmul": lambda tf: tf.sparse_matmul([[1., 0.], [0., 2.]], [[3., 4.], [5., 6.]], transpose_b=True,
                                                 a_is_sparse=True),
}

# cases that must raise, by TF1 exception class name (run-time errors)
ERROR_CASES = {
    "split_too_many": lambda tf: tf.sparse.split(sp_input=_y(tf), num_split=6, axis=1),
    "segment_unsorted": lambda tf: tf.sparse.segment_sum(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 1, 2],
                                                         [1, 0, 2]),
    "segment_bad_index": lambda tf: tf.sparse.segment_sum(tf.constant([[1., 2], [3, 4], [5, 6]]), [0, 7, 2],
                                                          [0, 0, 2]),
    "concat_mismatch": lambda tf: tf.sparse.concat(1, [_a(tf), _st(tf, [[0, 0]], [1.], [3, 3])]),
    "reset_shape_small": lambda tf: tf.sparse.reset_shape(
        _a(tf), tf.cast(tf.random.uniform([2], 1., 1.5), tf.int64)),     # [1, 1], known at run time only
    "fill_empty_rows_bad_row": lambda tf: tf.sparse.fill_empty_rows(_st(tf, [[5, 0]], [1.], [3, 2]), 0.),
}


def _grad_of_values(tf, build, n, weights_seed=0):
    """d(sum(w * f(values)))/d(values) for a function of a SparseTensor whose values are a constant."""
    values = tf.constant(np.linspace(-1.0, 2.0, n).astype(np.float32))
    out = build(values)
    if isinstance(out, tf.SparseTensor):
        out = out.values
    # uneven weights, so a gradient sent to the wrong value shows
    w = tf.cos(tf.cast(tf.reshape(tf.range(tf.size(out)), tf.shape(out)), tf.float32) + weights_seed)
    grad = tf.gradients(tf.reduce_sum(out * w), [values])[0]
    return None if grad is None else tf.convert_to_tensor(grad)     # TF's IndexedSlices made dense


_R3_IDX = [[0, 0, 1], [0, 1, 0], [0, 2, 2], [1, 0, 3], [1, 2, 0]]
_SOFT_IDX = [[0, 0], [0, 2], [1, 1], [1, 2], [2, 0]]

GRADIENT_CASES = {
    "grad_softmax": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.softmax(tf.SparseTensor(_SOFT_IDX, v, [3, 3])), 5),
    "grad_reduce_sum": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.reduce_sum(tf.SparseTensor(_R3_IDX, v, [2, 3, 4]), 1), 5),
    "grad_reorder": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.reorder(tf.SparseTensor([[1, 1], [0, 2], [1, 0], [0, 0]], v, [2, 3])), 4),
    "grad_concat": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.concat(1, [tf.SparseTensor([[0, 2], [1, 0]], v[:2], [2, 3]),
                                           tf.SparseTensor([[0, 0], [1, 1]], v[2:], [2, 2])]), 4),
    "grad_dense_add": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.add(tf.SparseTensor([[0, 1], [1, 0], [1, 2]], v, [2, 3]), tf.ones([2, 3])), 3),
    "grad_retain": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.retain(tf.SparseTensor([[0, 1], [1, 0], [1, 2]], v, [2, 3]), [True, False, True]),
        3),
    "grad_transpose": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.transpose(tf.SparseTensor(_R3_IDX, v, [2, 3, 4])), 5),
    "grad_segment_sqrt_n": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.segment_sqrt_n(tf.reshape(v, [3, 2]), [0, 2, 1, 2], [0, 0, 1, 3]), 6),
    "grad_segment_mean_num": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.segment_mean(tf.reshape(v, [3, 2]), [0, 2, 1], [0, 0, 2], num_segments=4), 6),
    "grad_sparse_dense_matmul_after_reorder": lambda tf: _grad_of_values(
        tf, lambda v: tf.sparse.sparse_dense_matmul(
            tf.sparse.reorder(tf.SparseTensor([[1, 1], [0, 2], [1, 0]], v, [2, 3])), tf.ones([3, 2])), 3),
}
CASES.update(GRADIENT_CASES)
