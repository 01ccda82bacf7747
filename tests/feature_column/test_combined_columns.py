"""crossed_column, weighted_categorical_column, shared_embedding_columns against TensorFlow
(tests/data/make_feature_column_cross_fixtures.py): variable names, TF's checkpoint restored,
input_layer / linear_model values for dense and SparseTensor features."""
import json
import os
import types

import numpy as np
import pytest

import compat_tf as tf

DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
FC = os.path.join(DATA, "feature_column_cross")


def _fixture_module():
    src = open(os.path.join(DATA, "make_feature_column_cross_fixtures.py")).read()
    body = src.split("def features():", 1)[1].split("\ndef run(", 1)[0]
    mod = types.ModuleType("fc_cross_fixture")
    mod.np, mod.tf = np, tf
    exec("def features():" + body, mod.__dict__)  # noqa: S102 - the fixture script's features and columns
    return mod


@pytest.mark.parametrize("sparse", [False, True])
def test_columns_restore_tensorflows_checkpoint_and_give_its_values(sparse):
    fx = _fixture_module()
    with open(os.path.join(FC, "expected.json")) as f:
        expected = json.load(f)
    e = np.load(os.path.join(FC, "expected.npz"))
    suffix = "_sparse" if sparse else ""
    with tf.Graph().as_default():
        dense, linear = fx.columns(tf.feature_column)
        assert sorted(c.name for c in dense + linear) == expected["columns"]
        feats = fx.sparse_features(tf) if sparse else {k: tf.constant(v) for k, v in fx.features().items()}
        net = tf.feature_column.input_layer(feats, dense)
        logits = tf.feature_column.linear_model(feats, linear, units=2)
        assert [v.op.name for v in tf.global_variables()] == expected["names"]
        spec = tf.feature_column.make_parse_example_spec(dense + linear)
        assert {k: repr(v) for k, v in sorted(spec.items())} == expected["spec"]
        with tf.Session() as s:
            s.run(tf.tables_initializer())
            tf.train.Saver().restore(s, os.path.join(FC, "model.ckpt"))
            net_v, logits_v = s.run([net, logits])
    np.testing.assert_allclose(net_v, e["net" + suffix], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(logits_v, e["logits" + suffix], rtol=1e-5, atol=1e-6)


def test_fingerprint_cat64_is_tfs():
    from compat_tf._src.ops.string_transform_ops import fingerprint_cat64
    # FingerprintCat64 is order-dependent and mixes both halves
    assert fingerprint_cat64(1, 2) != fingerprint_cat64(2, 1)
    assert 0 <= fingerprint_cat64(2 ** 64 - 1, 2 ** 64 - 1) < 2 ** 64


def test_column_argument_errors():
    fc = tf.feature_column
    ident = fc.categorical_column_with_identity("i", 4)
    with pytest.raises(ValueError, match="keys must be a list with length > 1"):
        fc.crossed_column(["a"], 10)
    with pytest.raises(ValueError, match="hash_bucket_size must be > 1"):
        fc.crossed_column(["a", "b"], 0)
    with pytest.raises(ValueError, match="categorical_column_with_hash_bucket is not supported for crossing"):
        fc.crossed_column(["a", fc.categorical_column_with_hash_bucket("h", 3)], 10)
    with pytest.raises(ValueError, match="must be of type _CategoricalColumn"):
        fc.weighted_categorical_column("i", "w")
    with pytest.raises(ValueError, match="same number of buckets"):
        fc.shared_embedding_columns([ident, fc.categorical_column_with_identity("j", 5)], 2)
    with pytest.raises(ValueError, match="must have the same type"):
        fc.shared_embedding_columns([ident, fc.categorical_column_with_vocabulary_list("v", ["a", "b", "c", "d"])], 2)
    weighted = fc.weighted_categorical_column(ident, "w")
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="crossed_column does not support weight_tensor"):
            fc.input_layer({"i": tf.constant([[1]], tf.int64), "w": tf.constant([[1.0]]), "a": tf.constant([["x"]])},
                           [fc.indicator_column(fc.crossed_column([weighted, "a"], 5))])
        with pytest.raises(ValueError, match="Bad dtype, expected"):
            fc.input_layer({"i": tf.constant([[1]], tf.int64), "w": tf.constant([[1]], tf.int64)},
                           [fc.indicator_column(weighted)])
        with pytest.raises(ValueError, match="Missing weights w"):
            fc.input_layer({"i": tf.constant([[1]], tf.int64)}, [fc.indicator_column(weighted)])
