"""tf.estimator: Estimator train/evaluate/predict/export on a linear model, checked against NumPy."""
import os

import numpy as np
import pytest

import compat_tf as tf

RNG = np.random.RandomState(0)
N, D = 64, 3
X = RNG.randn(N, D).astype(np.float32)
TRUE_W = np.array([[1.5], [-2.0], [0.5]], np.float32)
Y = (X @ TRUE_W + 0.3 + 0.05 * RNG.randn(N, 1)).astype(np.float32)


def linear_model_fn(features, labels, mode, params):
    x = features["x"]
    w = tf.get_variable("w", [D, 1], initializer=tf.zeros_initializer())
    b = tf.get_variable("b", [1], initializer=tf.zeros_initializer())
    pred = tf.matmul(x, w) + b
    if mode == tf.estimator.ModeKeys.PREDICT:
        return tf.estimator.EstimatorSpec(mode, predictions={"y": pred, "x2": 2.0 * x})
    loss = tf.reduce_mean(tf.square(pred - labels))
    train_op = tf.train.GradientDescentOptimizer(params["lr"]).minimize(
        loss, global_step=tf.train.get_global_step())
    metrics = {"mse": tf.metrics.mean_squared_error(labels, pred),
               "acc": tf.metrics.accuracy(tf.cast(labels > 0, tf.int32), tf.cast(pred > 0, tf.int32))}
    return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=train_op, eval_metric_ops=metrics,
                                      predictions={"y": pred})


def make_est(tmp_path, **config):
    return tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path / "m"), params={"lr": 0.1},
                                  config=tf.estimator.RunConfig(**config) if config else None)


def train_input(num_epochs=None, batch_size=16, shuffle=True):
    return tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=batch_size, num_epochs=num_epochs,
                                              shuffle=shuffle)


def lstsq():
    A = np.concatenate([X, np.ones((N, 1), np.float32)], 1)
    return np.linalg.lstsq(A.astype(np.float64), Y.astype(np.float64), rcond=None)[0]


def test_train_converges_to_least_squares(tmp_path):
    est = make_est(tmp_path)
    assert est.train(train_input(), steps=400) is est
    sol = lstsq()
    np.testing.assert_allclose(est.get_variable_value("w"), sol[:3], atol=2e-2)
    np.testing.assert_allclose(est.get_variable_value("b"), sol[3:, 0], atol=2e-2)
    assert est.get_variable_value("global_step") == 400
    names = dict(tf.train.list_variables(est.model_dir))
    assert names["w"] == [D, 1] and names["b"] == [1] and "global_step" in names
    assert set(est.get_variable_names()) == set(names)
    assert est.latest_checkpoint() == os.path.join(est.model_dir, "model.ckpt-400")
    assert est.params == {"lr": 0.1} and est.config.model_dir == est.model_dir


def test_train_twice_continues_and_max_steps(tmp_path):
    est = make_est(tmp_path)
    est.train(train_input(), steps=5)
    w5 = est.get_variable_value("w")
    est.train(train_input(), steps=7)
    assert est.get_variable_value("global_step") == 12
    assert not np.allclose(est.get_variable_value("w"), w5)
    est.train(train_input(), max_steps=10)          # already past: no training
    assert est.get_variable_value("global_step") == 12
    est.train(train_input(), max_steps=20)
    assert est.get_variable_value("global_step") == 20
    # a new Estimator on the same model_dir continues too
    est2 = make_est(tmp_path)
    est2.train(train_input(), steps=1)
    assert est2.get_variable_value("global_step") == 21


def test_train_until_input_ends_and_checkpoint_steps(tmp_path):
    est = make_est(tmp_path, save_checkpoints_steps=2, keep_checkpoint_max=100)
    # 2 epochs of 64 examples in batches of 10 -> ceil(128/10) = 13 steps
    est.train(train_input(num_epochs=2, batch_size=10, shuffle=False))
    assert est.get_variable_value("global_step") == 13
    steps = sorted(int(c.rsplit("-", 1)[1]) for c in tf.train.get_checkpoint_state(est.model_dir)
                   .all_model_checkpoint_paths)
    assert steps == [0, 2, 4, 6, 8, 10, 12, 13]


def test_sgd_first_step_matches_numpy(tmp_path):
    est = make_est(tmp_path)
    est.train(train_input(batch_size=N, shuffle=False), steps=1)
    # from w=0, b=0: grad of mean((Xw+b-Y)^2) is -2/N X^T Y, -2 mean(Y)
    np.testing.assert_allclose(est.get_variable_value("w"), 0.1 * 2.0 / N * X.T @ Y, rtol=1e-4)
    np.testing.assert_allclose(est.get_variable_value("b"), 0.1 * 2.0 * Y.mean(0), rtol=1e-4)


def test_evaluate_matches_numpy(tmp_path):
    est = make_est(tmp_path)
    est.train(train_input(), steps=30)
    w, b = est.get_variable_value("w"), est.get_variable_value("b")
    xe = RNG.randn(40, D).astype(np.float32)
    ye = (xe @ TRUE_W).astype(np.float32) + 0.5
    pred = xe @ w + b
    res = est.evaluate(tf.estimator.inputs.numpy_input_fn({"x": xe}, ye, batch_size=8, shuffle=False))
    assert set(res) == {"mse", "acc", "loss", "global_step"}
    assert res["global_step"] == 30
    np.testing.assert_allclose(res["mse"], np.mean((pred - ye) ** 2), rtol=1e-4)
    np.testing.assert_allclose(res["acc"], np.mean((ye > 0) == (pred > 0)), rtol=1e-6)
    # loss: mean of the 5 equal-size batches' losses
    np.testing.assert_allclose(res["loss"], np.mean((pred - ye) ** 2), rtol=1e-4)
    # steps limits the batches read
    res2 = est.evaluate(tf.estimator.inputs.numpy_input_fn({"x": xe}, ye, batch_size=8, shuffle=False), steps=2,
                        name="two")
    np.testing.assert_allclose(res2["mse"], np.mean((pred[:16] - ye[:16]) ** 2), rtol=1e-4)
    assert os.listdir(os.path.join(est.model_dir, "eval")) and os.listdir(os.path.join(est.model_dir, "eval_two"))
    events = [e for f in os.listdir(os.path.join(est.model_dir, "eval"))
              for e in tf.train.summary_iterator(os.path.join(est.model_dir, "eval", f))]
    vals = {v.tag: v.simple_value for e in events for v in e.summary.value}
    np.testing.assert_allclose(vals["mse"], res["mse"], rtol=1e-5)


def test_predict_yields_examples(tmp_path):
    est = make_est(tmp_path)
    est.train(train_input(), steps=20)
    w, b = est.get_variable_value("w"), est.get_variable_value("b")
    xp = RNG.randn(11, D).astype(np.float32)
    fn = tf.estimator.inputs.numpy_input_fn({"x": xp}, batch_size=4, shuffle=False)
    preds = list(est.predict(fn))
    assert len(preds) == 11 and set(preds[0]) == {"y", "x2"}
    np.testing.assert_allclose(np.stack([p["y"] for p in preds]), xp @ w + b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(preds[3]["x2"], 2 * xp[3], rtol=1e-6)
    only = list(est.predict(fn, predict_keys=["y"]))
    assert set(only[0]) == {"y"}
    batches = list(est.predict(fn, yield_single_examples=False))
    assert [len(bt["y"]) for bt in batches] == [4, 4, 3]
    with pytest.raises(ValueError):
        list(est.predict(fn, predict_keys=["nope"]))


def test_dataset_input_fn_and_tensor_predictions(tmp_path):
    def model_fn(features, labels, mode):
        w = tf.get_variable("w", [], initializer=tf.constant_initializer(3.0))
        pred = features * w
        if mode == tf.estimator.ModeKeys.PREDICT:
            return tf.estimator.EstimatorSpec(mode, predictions=pred)
        loss = tf.reduce_mean(tf.square(pred - labels))
        return tf.estimator.EstimatorSpec(mode, loss=loss, train_op=tf.train.GradientDescentOptimizer(0.2).minimize(
            loss, global_step=tf.train.get_or_create_global_step()))

    xs = np.arange(1, 7, dtype=np.float32) / 6
    est = tf.estimator.Estimator(model_fn, model_dir=str(tmp_path / "d"))
    est.train(lambda: tf.data.Dataset.from_tensor_slices((xs, 5 * xs)).repeat().batch(3), steps=200)
    assert abs(est.get_variable_value("w") - 5.0) < 1e-3
    preds = list(est.predict(lambda: tf.data.Dataset.from_tensor_slices(xs).batch(4)))
    np.testing.assert_allclose(preds, xs * est.get_variable_value("w"), rtol=1e-6)
    res = est.evaluate(lambda: (tf.constant(xs), tf.constant(5 * xs)), steps=1)
    assert res["loss"] < 1e-5 and res["global_step"] == 200


def test_hooks_are_called(tmp_path):
    calls = []

    class Hook:
        def begin(self):
            calls.append("begin")

        def after_create_session(self, session, coord):
            calls.append("create")

        def before_run(self, run_context):
            calls.append("before")

        def after_run(self, run_context, run_values):
            calls.append("after")
            if calls.count("after") == 3:
                run_context.request_stop()

        def end(self, session):
            calls.append("end")

    est = make_est(tmp_path)
    est.train(train_input(), hooks=[Hook()], steps=10)
    assert calls == ["begin", "create"] + ["before", "after"] * 3 + ["end"]
    assert est.get_variable_value("global_step") == 3


def test_temp_model_dir_and_validation(tmp_path):
    est = tf.estimator.Estimator(linear_model_fn, params={"lr": 0.1})
    assert os.path.isdir(est.model_dir)
    with pytest.raises(ValueError):
        tf.estimator.Estimator(lambda features, labels, mode: None, params={"a": 1})
    with pytest.raises(ValueError):
        tf.estimator.Estimator(linear_model_fn, model_dir=str(tmp_path / "a"),
                               config=tf.estimator.RunConfig(model_dir=str(tmp_path / "b")))
    with pytest.raises(ValueError):
        est.train(train_input(), steps=1, max_steps=2)
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="train_op"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.TRAIN, loss=tf.constant(1.0))
        with pytest.raises(ValueError, match="loss"):
            tf.estimator.EstimatorSpec(tf.estimator.ModeKeys.EVAL)
    assert tf.estimator.ModeKeys.PREDICT == "infer"
    c = tf.estimator.RunConfig(save_checkpoints_steps=5, tf_random_seed=3)
    assert c.save_checkpoints_secs is None and c.replace(save_checkpoints_secs=9).save_checkpoints_steps is None
    assert tf.estimator.RunConfig().save_checkpoints_secs == 600


def test_numpy_input_fn_epochs_and_errors():
    with tf.Graph().as_default():
        feats, labels = tf.estimator.inputs.numpy_input_fn({"a": np.arange(5)}, np.arange(5) * 10, batch_size=2,
                                                           num_epochs=1, shuffle=False)()
        with tf.Session() as s:
            got = [s.run([feats["a"], labels]) for _ in range(3)]
            with pytest.raises(tf.errors.OutOfRangeError):
                s.run(feats)
        assert [list(g[0]) for g in got] == [[0, 1], [2, 3], [4]]
        assert list(got[2][1]) == [40]
    with pytest.raises(ValueError):
        tf.estimator.inputs.numpy_input_fn({"a": np.arange(5)}, shuffle=None)
    with pytest.raises(ValueError):
        tf.estimator.inputs.numpy_input_fn({"a": np.arange(5)}, np.arange(4), shuffle=False)


def test_train_and_evaluate(tmp_path):
    est = make_est(tmp_path, save_checkpoints_steps=10)
    ev_fn = tf.estimator.inputs.numpy_input_fn({"x": X}, Y, batch_size=N, shuffle=False)
    res, exports = tf.estimator.train_and_evaluate(
        est, tf.estimator.TrainSpec(train_input(), max_steps=30), tf.estimator.EvalSpec(ev_fn, steps=None,
                                                                                        throttle_secs=0))
    assert res["global_step"] == 30 and exports == []
    w, b = est.get_variable_value("w"), est.get_variable_value("b")
    np.testing.assert_allclose(res["mse"], np.mean((X @ w + b - Y) ** 2), rtol=1e-4)


def test_export_saved_model(tmp_path):
    est = make_est(tmp_path)
    est.train(train_input(), steps=10)
    w, b = est.get_variable_value("w"), est.get_variable_value("b")

    def serving_fn():
        x = tf.placeholder(tf.float32, [None, D], name="x")
        return tf.estimator.export.ServingInputReceiver({"x": x}, {"x": x})

    path = est.export_saved_model(str(tmp_path / "export"), serving_fn)
    assert isinstance(path, bytes) and os.path.exists(os.path.join(path.decode(), "saved_model.pb"))
    xs = RNG.randn(4, D).astype(np.float32)
    with tf.Graph().as_default(), tf.Session() as s:
        mg = tf.saved_model.loader.load(s, [tf.saved_model.tag_constants.SERVING], path.decode())
        sig = mg.signature_def["serving_default"]
        out = s.run(sig.outputs["y"].name, {sig.inputs["x"].name: xs})
    np.testing.assert_allclose(out, xs @ w + b, rtol=1e-5)


def test_unimplemented_names_are_clear():
    for name in ("BoostedTreesClassifier", "LatestExporter", "add_metrics"):
        with pytest.raises(NotImplementedError, match=f"tf.estimator.{name}"):
            getattr(tf.estimator, name)
    assert not hasattr(tf.estimator, "not_a_name_zz")
    with pytest.raises(ValueError, match="warm_start_from must be a string or a WarmStartSettings"):
        tf.estimator.Estimator(linear_model_fn, params={"lr": 1.0}, warm_start_from=3)
