"""The canned estimators against real TensorFlow's (tests/data/make_canned_estimator_fixtures.py):
a model_dir written by TF's DNN / Linear / DNNLinearCombined / Baseline estimators is evaluated,
predicts and trains on here, with TF's metrics, predictions, checkpoint keys and updates."""
import json
import os
import shutil

import numpy as np
import pytest

import compat_tf as tf

DATA = os.path.join(os.path.dirname(__file__), "..", "data", "canned_estimators")
with open(os.path.join(DATA, "data.json")) as f:
    _RAW = json.load(f)
EXPECTED = {}
for _name in sorted(os.listdir(DATA)):
    if os.path.exists(os.path.join(DATA, _name, "expected.json")):
        with open(os.path.join(DATA, _name, "expected.json")) as f:
            EXPECTED[_name] = json.load(f)


def data():
    """The fixture script's data (stored flattened): 12 examples."""
    shapes = {"x": (12, 3), "age": (12, 1), "w": (12, 1), "yr": (12, 2), "tags": (12, 2)}
    d = {k: np.array(v).reshape(shapes.get(k, (12,))) for k, v in _RAW.items()}
    for k in ("x", "age", "w", "yr"):
        d[k] = d[k].astype(np.float32)
    d["y2"] = d["y2"].astype(np.int64)
    return d


def columns():
    fc = tf.feature_column
    age = fc.numeric_column("age")
    c = fc.categorical_column_with_vocabulary_list("c", ["a", "b", "c"])
    tags = fc.categorical_column_with_vocabulary_list("tags", ["u", "v", "w"], num_oov_buckets=1)
    dnn = [fc.numeric_column("x", shape=[3]), fc.bucketized_column(age, [30, 50]), fc.embedding_column(c, 2),
           fc.indicator_column(tags)]
    lin = [fc.numeric_column("x", shape=[3]), fc.bucketized_column(age, [30, 50]), c, tags]
    return dnn, lin


def configs():
    """The models of the fixture script, built with compat_tf."""
    dnn, lin = columns()
    est = tf.estimator
    return {
        "dnn_binary": (lambda d: est.DNNClassifier([4, 3], dnn, model_dir=d), "y2"),
        "dnn_multi": (lambda d: est.DNNClassifier([4], dnn, model_dir=d, n_classes=3,
                                                  label_vocabulary=["lo", "mid", "hi"], weight_column="w",
                                                  optimizer="Adam", batch_norm=True), "y3"),
        "dnn_regressor": (lambda d: est.DNNRegressor([5], dnn, model_dir=d, label_dimension=2, weight_column="w",
                                                     optimizer=tf.train.MomentumOptimizer(0.05, 0.9),
                                                     activation_fn=tf.nn.tanh,
                                                     loss_reduction=tf.losses.Reduction.SUM_OVER_BATCH_SIZE),
                          "yr"),
        "linear_binary": (lambda d: est.LinearClassifier(lin, model_dir=d), "y2"),
        "linear_multi": (lambda d: est.LinearClassifier(lin, model_dir=d, n_classes=3,
                                                        label_vocabulary=["lo", "mid", "hi"], optimizer="SGD",
                                                        sparse_combiner="mean"), "y3"),
        "linear_regressor": (lambda d: est.LinearRegressor(lin, model_dir=d, weight_column="w", label_dimension=2,
                                                           optimizer="Adagrad"), "yr"),
        "combined_binary": (lambda d: est.DNNLinearCombinedClassifier(
            linear_feature_columns=lin, dnn_feature_columns=dnn, dnn_hidden_units=[4], model_dir=d), "y2"),
        "combined_regressor": (lambda d: est.DNNLinearCombinedRegressor(
            linear_feature_columns=lin, dnn_feature_columns=dnn, dnn_hidden_units=[3], model_dir=d,
            label_dimension=2, linear_optimizer="SGD", dnn_optimizer="RMSProp"), "yr"),
        "baseline_multi": (lambda d: est.BaselineClassifier(model_dir=d, n_classes=3,
                                                            label_vocabulary=["lo", "mid", "hi"]), "y3"),
        "baseline_regressor": (lambda d: est.BaselineRegressor(model_dir=d, label_dimension=2,
                                                               weight_column="w"), "yr"),
    }


def input_fn(d, label, once=False):
    def fn():
        feats = {k: tf.constant(d[k]) for k in ("x", "age", "c", "tags", "w")}
        if once:
            return tf.data.Dataset.from_tensors((feats, tf.constant(d[label])))
        return feats, tf.constant(d[label])
    return fn


def tf_model_dir(tmp_path, name):
    """A model_dir holding TF's checkpoint after 3 steps."""
    model_dir = str(tmp_path / name)
    os.makedirs(model_dir)
    for f in os.listdir(os.path.join(DATA, name)):
        if f.startswith("model.ckpt"):
            shutil.copy(os.path.join(DATA, name, f), model_dir)
    with open(os.path.join(model_dir, "checkpoint"), "w") as f:
        f.write('model_checkpoint_path: "model.ckpt-3"\nall_model_checkpoint_paths: "model.ckpt-3"\n')
    return model_dir


NAMES = sorted(EXPECTED)


@pytest.mark.parametrize("name", NAMES)
def test_evaluate_and_predict_from_tf_checkpoint(tmp_path, name):
    make, label = configs()[name]
    d = data()
    m = make(tf_model_dir(tmp_path, name))
    want = EXPECTED[name]
    metrics = m.evaluate(input_fn(d, label), steps=1)
    assert sorted(metrics) == sorted(want["metrics"])
    for k, v in want["metrics"].items():
        np.testing.assert_allclose(metrics[k], v, rtol=2e-5, atol=2e-6, err_msg=k)
    preds = list(m.predict(input_fn(d, label, once=True), yield_single_examples=False))[0]
    assert sorted(preds) == sorted(want["predictions"])
    for k, v in want["predictions"].items():
        got = np.asarray(preds[k])
        assert list(got.shape) == want["prediction_shapes"][k], k
        if got.dtype.kind in "SOU":
            assert [s.decode() if isinstance(s, bytes) else s for s in got.reshape(-1)] == v, k
        else:
            np.testing.assert_allclose(got.reshape(-1), np.reshape(v, -1), rtol=2e-5, atol=2e-6, err_msg=k)


@pytest.mark.parametrize("name", NAMES)
def test_training_continues_tf_checkpoint_with_tf_names_and_updates(tmp_path, name):
    make, label = configs()[name]
    d = data()
    model_dir = tf_model_dir(tmp_path, name)
    m = make(model_dir)
    m.train(input_fn(d, label), steps=2)
    ckpt = tf.train.latest_checkpoint(model_dir)
    assert ckpt.endswith("model.ckpt-5")
    names = dict(tf.train.list_variables(ckpt))
    assert names == {k: v for k, v in EXPECTED[name]["variables"].items()}
    after = np.load(os.path.join(DATA, name, "after_5_steps.npz"))
    for k in after.files:
        np.testing.assert_allclose(tf.train.load_variable(ckpt, k), after[k], rtol=2e-4, atol=2e-5, err_msg=k)
