"""tf.parse_single_sequence_example (outputs recorded from TensorFlow on the same SequenceExample)."""
import numpy as np
import pytest

import compat_tf as tf


def _serialized():
    ex = tf.train.SequenceExample()
    ex.context.feature["length"].int64_list.value.append(3)
    ex.context.feature["tags"].bytes_list.value.extend([b"a", b"b"])
    for toks in ([1, 2], [3], [4, 5, 6]):
        ex.feature_lists.feature_list["tokens"].feature.add().int64_list.value.extend(toks)
    for v in ([0.5, 1.0], [1.5, 2.0], [2.5, 3.0]):
        ex.feature_lists.feature_list["vec"].feature.add().float_list.value.extend(v)
    return ex.SerializeToString()


def test_parse_single_sequence_example_matches_tensorflow():
    with tf.Graph().as_default():
        s = tf.placeholder(tf.string, [])
        ctx, seq = tf.parse_single_sequence_example(
            s, context_features={"length": tf.FixedLenFeature([], tf.int64), "tags": tf.VarLenFeature(tf.string),
                                 "missing": tf.FixedLenFeature([2], tf.float32, default_value=[7.0, 8.0])},
            sequence_features={"tokens": tf.VarLenFeature(tf.int64), "vec": tf.FixedLenSequenceFeature([2], tf.float32),
                               "none": tf.FixedLenSequenceFeature([], tf.int64, allow_missing=True)})
        assert ctx["length"].shape.as_list() == [] and ctx["missing"].shape.as_list() == [2]
        assert seq["vec"].shape.as_list() == [None, 2] and seq["none"].shape.as_list() == [None]
        c, q = tf.Session().run([ctx, seq], {s: _serialized()})
        assert tf.io.parse_single_sequence_example is tf.parse_single_sequence_example
    assert c["length"] == 3
    np.testing.assert_array_equal(c["missing"], [7.0, 8.0])
    assert list(c["tags"].values) == [b"a", b"b"] and c["tags"].indices.tolist() == [[0], [1]]
    assert q["tokens"].indices.tolist() == [[0, 0], [0, 1], [1, 0], [2, 0], [2, 1], [2, 2]]
    np.testing.assert_array_equal(q["tokens"].values, [1, 2, 3, 4, 5, 6])
    np.testing.assert_array_equal(q["tokens"].dense_shape, [3, 3])
    np.testing.assert_array_equal(q["vec"], [[0.5, 1.0], [1.5, 2.0], [2.5, 3.0]])
    assert q["none"].shape == (0,) and q["none"].dtype == np.int64


def test_missing_required_features():
    with tf.Graph().as_default():
        s = tf.constant(_serialized())
        _, seq = tf.parse_single_sequence_example(s, sequence_features={"nope": tf.FixedLenSequenceFeature([],
                                                                                                         tf.int64)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Feature list 'nope' is required"):
            tf.Session().run(seq)
        ctx, _ = tf.parse_single_sequence_example(s, context_features={"x": tf.FixedLenFeature([], tf.float32)})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Context feature 'x' is required"):
            tf.Session().run(ctx)
        with pytest.raises(ValueError, match="Missing features"):
            tf.parse_single_sequence_example(s)
