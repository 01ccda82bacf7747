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
    """As the fixture script's: the predict input has an unknown batch size (see there why)."""
    def fn():
        feats = {k: tf.constant(d[k]) for k in ("x", "age", "c", "tags", "w")}
        if once:
            return tf.data.Dataset.from_tensor_slices((feats, tf.constant(d[label]))).batch(len(d[label]))
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


# -- checked against NumPy ---------------------------------------------------------------------------
def _softmax(z):
    e = np.exp(z - z.max())
    return e / e.sum()


def test_baseline_classifier_learns_the_class_distribution_with_sgd(tmp_path):
    d = data()
    m = tf.estimator.BaselineClassifier(model_dir=str(tmp_path), n_classes=3, optimizer="SGD",
                                        label_vocabulary=["lo", "mid", "hi"])
    m.train(input_fn(d, "y3"), steps=4)
    counts = np.array([(d["y3"] == c).sum() for c in ("lo", "mid", "hi")], np.float64)
    bias = np.zeros(3)
    for _ in range(4):   # SUM of the per-example softmax cross entropies; SGD with learning rate 0.3
        bias -= 0.3 * (len(d["y3"]) * _softmax(bias) - counts)
    np.testing.assert_allclose(m.get_variable_value("baseline/bias"), bias, rtol=1e-5)
    assert sorted(m.get_variable_names()) == ["baseline/bias", "global_step"]
    preds = list(m.predict(input_fn(d, "y3", once=True)))
    assert len(preds) == 12
    np.testing.assert_allclose(preds[5]["probabilities"], _softmax(bias), rtol=1e-5)
    assert preds[0]["classes"].shape == (1,)            # TF's classes: [batch, 1] strings
    assert preds[0]["classes"][0] == [b"lo", b"mid", b"hi"][int(np.argmax(bias))]
    metrics = m.evaluate(input_fn(d, "y3"), steps=1)
    ce = -np.log(_softmax(bias))[[("lo", "mid", "hi").index(y) for y in d["y3"]]]
    np.testing.assert_allclose(metrics["average_loss"], ce.mean(), rtol=1e-5)
    np.testing.assert_allclose(metrics["loss"], ce.sum(), rtol=1e-5)
    np.testing.assert_allclose(metrics["accuracy"], (d["y3"] == preds[0]["classes"][0].decode()).mean(), rtol=1e-6)


def test_baseline_regressor_weighted_mean_with_sgd(tmp_path):
    d = data()
    m = tf.estimator.BaselineRegressor(model_dir=str(tmp_path), label_dimension=2, weight_column="w",
                                       optimizer=tf.train.GradientDescentOptimizer(0.01))
    m.train(input_fn(d, "yr"), steps=3)
    b = np.zeros(2)
    w = d["w"].astype(np.float64)
    for _ in range(3):   # sum_i w_i (b - y_i)^2 over both outputs
        b -= 0.01 * (2 * (w * (b - d["yr"])).sum(0))
    np.testing.assert_allclose(m.get_variable_value("baseline/bias"), b, rtol=1e-5)
    metrics = m.evaluate(input_fn(d, "yr"), steps=1)
    sq = (b - d["yr"]) ** 2
    np.testing.assert_allclose(metrics["average_loss"], (w * sq).sum() / (2 * w.sum()), rtol=1e-5)
    np.testing.assert_allclose(metrics["label/mean"], (w * d["yr"]).sum() / (2 * w.sum()), rtol=1e-5)
    np.testing.assert_allclose(metrics["prediction/mean"], b.mean(), rtol=1e-5)


def test_optimizer_argument_errors_and_callables(tmp_path):
    d = data()
    dnn, _ = columns()
    with pytest.raises(ValueError, match="Unsupported optimizer name: Adamax"):
        tf.estimator.DNNClassifier([2], dnn, model_dir=str(tmp_path / "a"), optimizer="Adamax").train(
            input_fn(d, "y2"), steps=1)
    with pytest.raises(ValueError, match="not an Optimizer instance"):
        tf.estimator.DNNClassifier([2], dnn, model_dir=str(tmp_path / "b"), optimizer=lambda: 3).train(
            input_fn(d, "y2"), steps=1)
    with pytest.raises(ValueError, match="n_classes must be > 2"):
        tf.estimator.DNNClassifier([2], dnn, n_classes=1)
    with pytest.raises(ValueError, match="Invalid loss_reduction"):
        tf.estimator.DNNRegressor([2], dnn, loss_reduction=tf.losses.Reduction.NONE)
    m = tf.estimator.DNNClassifier([2], dnn, model_dir=str(tmp_path / "c"),
                                   optimizer=lambda: tf.train.AdamOptimizer(0.01))
    m.train(input_fn(d, "y2"), steps=1)
    assert "dnn/logits/kernel/t_0/Adam_1" in m.get_variable_names()


def test_warm_start_from_another_model_dir(tmp_path):
    d = data()
    dnn, _ = columns()
    src = tf.estimator.DNNClassifier([4], dnn, model_dir=str(tmp_path / "src"))
    src.train(input_fn(d, "y2"), steps=2)
    settings = tf.estimator.WarmStartSettings(str(tmp_path / "src"), vars_to_warm_start=".*hiddenlayer.*")
    dst = tf.estimator.DNNClassifier([4], dnn, model_dir=str(tmp_path / "dst"), warm_start_from=settings)
    dst.train(input_fn(d, "y2"), steps=1)
    # one Adagrad step from the warm-started hidden layer: close to, not equal to, the source
    before = src.get_variable_value("dnn/hiddenlayer_0/kernel")
    after = dst.get_variable_value("dnn/hiddenlayer_0/kernel")
    assert np.abs(after - before).max() < 0.06 and not np.array_equal(after, before)
    # the logits were not warm-started: glorot-uniform draws, unrelated to the source's
    assert not np.allclose(dst.get_variable_value("dnn/logits/kernel"), src.get_variable_value("dnn/logits/kernel"),
                           atol=0.06)
    with pytest.raises(ValueError, match="warm_start_from must be a string or a WarmStartSettings"):
        tf.estimator.DNNClassifier([4], dnn, warm_start_from=3)


def test_warm_start_vocab_remapping_against_numpy(tmp_path):
    old_vocab, new_vocab = tmp_path / "old.txt", tmp_path / "new.txt"
    old_vocab.write_text("a\nb\nc\nd\n")
    new_vocab.write_text("c\nz\na\n")
    old = np.arange(12, dtype=np.float32).reshape(4, 3)
    with tf.Graph().as_default():
        tf.Variable(old, name="emb")
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            tf.train.Saver().save(s, str(tmp_path / "ckpt"))
    with tf.Graph().as_default():
        emb = tf.get_variable("emb", [5, 3], initializer=tf.ones_initializer())    # 3 words + 2 OOV buckets
        info = tf.train.VocabInfo(str(new_vocab), 3, 2, str(old_vocab),
                                  backup_initializer=tf.constant_initializer(-1.0))
        tf.train.warm_start(str(tmp_path / "ckpt"), ["emb"], {"emb": info})
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            got = s.run(emb)
    want = np.full((5, 3), -1.0, np.float32)
    want[0], want[2] = old[2], old[0]
    np.testing.assert_array_equal(got, want)


def test_export_saved_model_signatures_follow_the_receiver(tmp_path):
    d = data()
    dnn, _ = columns()
    m = tf.estimator.DNNClassifier([3], dnn, model_dir=str(tmp_path / "m"), label_vocabulary=["no", "yes"])
    labels = np.array(["yes" if v else "no" for v in d["y2"]])

    def train_fn():
        return {k: tf.constant(d[k]) for k in ("x", "age", "c", "tags")}, tf.constant(labels)
    m.train(train_fn, steps=1)
    spec = tf.feature_column.make_parse_example_spec(dnn)
    parsing = tf.estimator.export.build_parsing_serving_input_receiver_fn(spec)
    path = m.export_saved_model(str(tmp_path / "export"), parsing).decode()
    want = list(m.predict(input_fn(d, "y2", once=True), yield_single_examples=False))[0]

    def example(i):   # the categorical features as VarLenFeatures: '' entries are absent
        f = tf.train.Feature
        return tf.train.Example(features=tf.train.Features(feature={
            "x": f(float_list=tf.train.FloatList(value=d["x"][i])),
            "age": f(float_list=tf.train.FloatList(value=d["age"][i])),
            "c": f(bytes_list=tf.train.BytesList(value=[d["c"][i].encode()])),
            "tags": f(bytes_list=tf.train.BytesList(value=[t.encode() for t in d["tags"][i] if t]))})
        ).SerializeToString()
    with tf.Graph().as_default(), tf.Session() as s:
        meta = tf.saved_model.loader.load(s, ["serve"], path)
        assert sorted(meta.signature_def) == ["classification", "predict", "regression", "serving_default"]
        sig = meta.signature_def["serving_default"]
        assert sig.method_name == "tensorflow/serving/classify"
        classes, scores = s.run([sig.outputs["classes"].name, sig.outputs["scores"].name],
                                {sig.inputs["inputs"].name: [example(i) for i in range(4)]})
    np.testing.assert_array_equal(classes, [[b"no", b"yes"]] * 4)
    np.testing.assert_allclose(scores, want["probabilities"][:4], rtol=1e-5, atol=1e-6)
    raw = tf.estimator.export.build_raw_serving_input_receiver_fn(
        {"x": tf.placeholder(tf.float32, [None, 3]), "age": tf.placeholder(tf.float32, [None, 1]),
         "c": tf.placeholder(tf.string, [None]), "tags": tf.placeholder(tf.string, [None, 2])})
    path = m.export_saved_model(str(tmp_path / "export2"), raw).decode()
    with tf.Graph().as_default(), tf.Session() as s:
        meta = tf.saved_model.loader.load(s, ["serve"], path)
        assert sorted(meta.signature_def) == ["predict"]      # classify/regress need serialized examples
        sig = meta.signature_def["predict"]
        probs = s.run(sig.outputs["probabilities"].name,
                      {sig.inputs[k].name: d[k][:2] for k in ("x", "age", "c", "tags")})
    np.testing.assert_allclose(probs, want["probabilities"][:2], rtol=1e-5, atol=1e-6)
