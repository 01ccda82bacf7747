"""tf.serialize_sparse / serialize_many_sparse / deserialize_many_sparse round trips and tf.sparse.cross."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


@pytest.mark.parametrize("dtype,values", [(tf.float32, [1.5, -2.0, 3.0]), (tf.string, [b"a", b"", b"long string"]),
                                          (tf.int64, [7, 8, 2 ** 40])])
def test_serialize_many_then_deserialize_round_trips(dtype, values):
    ph = tf.sparse_placeholder(dtype)
    back = tf.deserialize_many_sparse(tf.serialize_many_sparse(ph), dtype, rank=3)
    assert back.indices.shape.as_list() == [None, 3]
    value = tf.SparseTensorValue(np.array([[0, 0, 1], [2, 1, 0], [2, 1, 3]], np.int64),
                                 np.array(values, object if dtype == tf.string else dtype.as_numpy_dtype),
                                 np.array([3, 2, 4], np.int64))
    with tf.Session() as s:
        got = s.run(back, {ph: value})
    # row 1 is empty; the dense shape is [N] + the largest of the rows' shapes
    assert got.indices.tolist() == value.indices.tolist()
    assert got.values.tolist() == list(values)
    assert got.dense_shape.tolist() == [3, 2, 4]


def test_deserialize_of_mismatched_ranks_is_invalid_argument():
    a = tf.serialize_sparse(tf.SparseTensor([[0]], [1.0], [2]))
    b = tf.serialize_sparse(tf.SparseTensor([[0, 0]], [1.0], [2, 2]))
    out = tf.deserialize_many_sparse(tf.stack([a, b]), tf.float32)
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="rank"):
        s.run(out)


def test_serialize_many_needs_rank_two():
    out = tf.serialize_many_sparse(tf.SparseTensor([[0]], [1.0], [2]))
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError):
        s.run(out)


def test_cross_of_fed_inputs_and_hashing_into_buckets():
    a = tf.sparse_placeholder(tf.string)
    b = tf.placeholder(tf.int64, [None, 2])
    crossed = tf.sparse.cross([a, b])
    hashed = tf.sparse.cross_hashed([a, b], num_buckets=5)
    feed = {a: tf.SparseTensorValue(np.array([[0, 0], [1, 0], [1, 1]], np.int64), np.array([b"p", b"q", b"r"], object),
                                    np.array([2, 2], np.int64)),
            b: [[1, 2], [3, 4]]}
    with tf.Session() as s:
        c, h = s.run([crossed, hashed], feed)
    assert c.values.tolist() == [b"p_X_1", b"p_X_2", b"q_X_3", b"q_X_4", b"r_X_3", b"r_X_4"]
    assert c.indices.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1], [1, 2], [1, 3]]
    assert c.dense_shape.tolist() == [2, 4]
    assert h.indices.tolist() == c.indices.tolist()
    assert ((h.values >= 0) & (h.values < 5)).all() and h.values.dtype == np.int64


def test_variant_serialization_is_not_implemented():
    with pytest.raises(NotImplementedError, match="serialize_sparse"):
        tf.serialize_sparse(tf.SparseTensor([[0]], [1.0], [2]), out_type=tf.variant)


def test_deserialize_of_corrupt_string_contents_is_invalid_argument():
    """A serialized string component whose length prefixes run past its bytes (a truncated or
    corrupted record) is TF1's InvalidArgumentError, not an IndexError."""
    ser = tf.serialize_many_sparse(tf.SparseTensor([[0, 0], [0, 1]], [b"abc", b"defg"], [1, 2]))
    with tf.Session() as s:
        good = s.run(ser)
    from compat_tf._src.protos import tensor_pb2
    values = tensor_pb2.TensorProto.FromString(good[0, 1])
    values.tensor_content = b"\x83\x80"            # a varint that never ends
    bad = good.copy()
    bad[0, 1] = values.SerializeToString()
    out = tf.deserialize_many_sparse(tf.constant(bad), tf.string)
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="serialized"):
        s.run(out)
