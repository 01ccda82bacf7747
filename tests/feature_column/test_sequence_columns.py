"""Sequence feature columns and tf.contrib.feature_column.sequence_input_layer: parse specs as
TensorFlow's (tests/data/make_feature_column_cross_fixtures.py), values and lengths vs NumPy."""
import json
import os

import numpy as np
import pytest

import compat_tf as tf

FC = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "feature_column_cross")


def _columns(fc):
    return [fc.sequence_categorical_column_with_identity("sid", 5),
            fc.sequence_categorical_column_with_hash_bucket("shash", 7),
            fc.sequence_categorical_column_with_vocabulary_list("svocab", ["a", "b"]),
            fc.sequence_numeric_column("snum", shape=(2,)),
            fc.sequence_numeric_column("sint", dtype=tf.int64)]


def test_parse_specs_equal_tensorflows():
    with open(os.path.join(FC, "expected.json")) as f:
        want = json.load(f)["seq_spec"]
    spec = tf.feature_column.make_parse_example_spec(_columns(tf.feature_column))
    assert {k: repr(v) for k, v in sorted(spec.items())} == want


def test_sequence_input_layer_values_lengths_and_variables():
    fc = tf.contrib.feature_column
    sid = fc.sequence_categorical_column_with_identity("sid", 5)
    vocab = fc.sequence_categorical_column_with_vocabulary_list("svocab", ["a", "b"])
    cols = [tf.feature_column.embedding_column(sid, 3), tf.feature_column.indicator_column(vocab),
            fc.sequence_numeric_column("snum", shape=(2,), normalizer_fn=lambda x: x * 10.0)]
    with tf.Graph().as_default():
        # lengths 2, 1, 0 (an empty example); snum has 2 values per step
        feats = {"sid": tf.SparseTensor([[0, 0], [0, 1], [1, 0]], np.array([4, 1, 2], np.int64), [3, 2]),
                 "svocab": tf.SparseTensor([[0, 0], [0, 1], [1, 0]], ["b", "zz", "a"], [3, 2]),
                 "snum": tf.SparseTensor([[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1]],
                                         np.array([1, 2, 3, 4, 5, 6], np.float32), [3, 4])}
        out, length = fc.sequence_input_layer(feats, cols)
        assert [v.op.name for v in tf.global_variables()] == ["sequence_input_layer/sid_embedding/embedding_weights"]
        with tf.Session() as s:
            s.run([tf.global_variables_initializer(), tf.tables_initializer()])
            table = s.run(tf.global_variables()[0])
            out_v, len_v = s.run([out, length])
        with pytest.raises(ValueError, match="sequence_input_layer instead of input_layer"):
            tf.feature_column.input_layer(feats, [cols[0]])
        with pytest.raises(ValueError, match="must be of type _SequenceDenseColumn"):
            fc.sequence_input_layer(feats, [tf.feature_column.numeric_column("x")])
        bad = dict(feats, snum=tf.SparseTensor([[0, 0]], np.array([1.0], np.float32), [3, 4]))
        with pytest.raises(tf.errors.InvalidArgumentError, match="sequence_length of the feature columns differ"):
            fc.sequence_input_layer(bad, cols)     # constant lengths: checked when built, as TF1's assert_equal
        # dense categorical ids: the lengths come from the missing markers (-1)
        ids = tf.placeholder(tf.int64, [None, 3])
        _, dense_len = fc.sequence_input_layer({"sid": ids}, [tf.feature_column.indicator_column(sid)])
        np.testing.assert_array_equal(tf.Session().run(dense_len, {ids: [[1, -1, 2], [-1, -1, -1]]}), [3, 0])
    np.testing.assert_array_equal(len_v, [2, 1, 0])
    # columns in name order: sid_embedding (3), snum (2), svocab_indicator (2)
    want = np.zeros((3, 2, 7), np.float32)
    want[0, 0, :3], want[0, 1, :3], want[1, 0, :3] = table[4], table[1], table[2]
    want[0, 0, 3:5], want[0, 1, 3:5], want[1, 0, 3:5] = [10, 20], [30, 40], [50, 60]
    want[0, 0, 5:], want[1, 0, 5:] = [0, 1], [1, 0]        # "zz" is out of vocabulary: zeros
    np.testing.assert_allclose(out_v, want, rtol=1e-6)
