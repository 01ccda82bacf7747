"""tf.feature_column against TensorFlow (tests/data/make_feature_column_fixtures.py): the same
columns restore TF's checkpoint by name and give TF's input_layer / linear_model values."""
import json
import os
import types

import numpy as np
import pytest

import compat_tf as tf

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
FC = os.path.join(DATA, "feature_column")


def _fixture_module():
    src = open(os.path.join(DATA, "make_feature_column_fixtures.py")).read()
    body = src.split("def features():", 1)[1].split("\ndef main():", 1)[0]
    mod = types.ModuleType("fc_fixture")
    mod.np = np
    exec("def features():" + body, mod.__dict__)  # noqa: S102 - the fixture script's features and columns
    return mod


def test_input_layer_and_linear_model_match_tensorflow():
    fx = _fixture_module()
    with open(os.path.join(FC, "expected.json")) as f:
        expected = json.load(f)
    e = np.load(os.path.join(FC, "expected.npz"))
    with tf.Graph().as_default():
        dense, linear = fx.columns(tf.feature_column, os.path.join(FC, "cities.txt"))
        feats = {k: tf.constant(v) for k, v in fx.features().items()}
        net = tf.feature_column.input_layer(feats, dense)
        logits = tf.feature_column.linear_model(feats, linear, units=2)
        assert [v.op.name for v in tf.global_variables()] == expected["names"]
        assert net.shape.as_list() == [4, list(e["net"].shape)[1]]
        spec = tf.feature_column.make_parse_example_spec(dense + linear)
        assert sorted(spec) == sorted(expected["spec"])
        assert isinstance(spec["pos"], tf.FixedLenFeature) and spec["pos"].shape == (2,)
        assert isinstance(spec["id"], tf.VarLenFeature) and spec["id"].dtype == tf.int64
        with tf.Session() as s:
            s.run(tf.tables_initializer())
            tf.train.Saver().restore(s, os.path.join(FC, "model.ckpt"))
            net_v, logits_v = s.run([net, logits])
    np.testing.assert_allclose(net_v, e["net"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(logits_v, e["logits"], rtol=1e-5, atol=1e-6)


def _sparse(dense, missing):
    """The VarLenFeature form of a [batch, k] feature: its present entries, left-aligned."""
    rows = [[v for v in row if v != missing] for row in dense]
    idx = [[i, j] for i, r in enumerate(rows) for j in range(len(r))]
    vals = np.array([v for r in rows for v in r], dense.dtype)
    return tf.SparseTensor(np.array(idx, np.int64).reshape(-1, 2), vals, [len(rows), max(map(len, rows))])


def test_sparse_categorical_features_give_tensorflows_values():
    fx = _fixture_module()
    e = np.load(os.path.join(FC, "expected.npz"))
    with tf.Graph().as_default():
        dense, linear = fx.columns(tf.feature_column, os.path.join(FC, "cities.txt"))
        raw = fx.features()
        feats = {k: tf.constant(raw[k]) for k in ("age", "pos")}
        feats.update(color=_sparse(raw["color"], ""), city=_sparse(raw["city"], ""), id=_sparse(raw["id"], -1))
        net = tf.feature_column.input_layer(feats, dense)
        logits = tf.feature_column.linear_model(feats, linear, units=2)
        with tf.Session() as s:
            s.run(tf.tables_initializer())
            tf.train.Saver().restore(s, os.path.join(FC, "model.ckpt"))
            net_v, logits_v = s.run([net, logits])
        with pytest.raises(ValueError, match="numerical column must be a Tensor. SparseTensor is not supported"):
            tf.feature_column.input_layer({"age": _sparse(raw["age"], None)}, [tf.feature_column.numeric_column("age")])
    np.testing.assert_allclose(net_v, e["net"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(logits_v, e["logits"], rtol=1e-5, atol=1e-6)


def test_column_errors_and_unsupported():
    fc = tf.feature_column
    with pytest.raises(ValueError, match="boundaries must be a sorted list"):
        fc.bucketized_column(fc.numeric_column("a"), [3, 1])
    with pytest.raises(ValueError, match="Duplicate keys in vocabulary_list"):
        fc.categorical_column_with_vocabulary_list("c", ["a", "a"])
    with pytest.raises(NotImplementedError, match=r"tf.feature_column.embedding_column\(max_norm=...\)"):
        fc.embedding_column(fc.categorical_column_with_identity("i", 3), 2, max_norm=1.0)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Items of feature_columns must be a _DenseColumn"):
            fc.input_layer({"c": tf.constant([["a"]])}, [fc.categorical_column_with_hash_bucket("c", 3)])
        ident = fc.categorical_column_with_identity("i", 3)
        ids = tf.placeholder(tf.int64, [None, 1])
        out = fc.input_layer({"i": ids}, [fc.indicator_column(ident)])
        np.testing.assert_array_equal(tf.Session().run(out, {ids: [[1], [-1]]}), [[0, 1, 0], [0, 0, 0]])
        with pytest.raises(tf.errors.InvalidArgumentError, match="exceeds"):
            tf.Session().run(out, {ids: [[1], [5]]})
