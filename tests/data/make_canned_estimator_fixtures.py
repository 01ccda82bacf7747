"""Writes tests/data/canned_estimators/ with REAL TensorFlow's canned estimators (the v1 classes of
tensorflow_estimator: DNN*, Linear*, DNNLinearCombined*, Baseline*), for
tests/estimator/test_canned.py.

For each model: a checkpoint after 3 training steps (TF's names, partitioned-variable slices and
slot names), then from that checkpoint TF's evaluate() metrics, predict() outputs, and every
variable after 2 more training steps.

TF 2.21 no longer ships tf.estimator; the last tensorflow_estimator (2.15, whose v1 classes are
TF 1.15's) runs on it with two small shims (below). Setup, once:
    /tmp/tfvenv/bin/pip install --no-deps --target /tmp/tfest tensorflow-estimator==2.15.0
Run: /tmp/tfvenv/bin/python tests/data/make_canned_estimator_fixtures.py [model names]
"""
import json
import os
import shutil
import sys
import tempfile
import types

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")   # estimator's DNN uses tf.keras 2 layers
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "canned_estimators")


def _import_estimator():
    """tensorflow_estimator 2.15 on TF 2.21: the estimator API name and one removed module."""
    import tensorflow.python.distribute as dist
    from tensorflow.python.util import tf_export as te
    mod = types.ModuleType("tensorflow.python.distribute.estimator_training")
    mod.should_run_distribute_coordinator = lambda config: False
    mod.init_run_config = lambda config, tf_config: None
    sys.modules[mod.__name__] = mod
    dist.estimator_training = mod
    te.ESTIMATOR_API_NAME = "estimator"
    te.API_ATTRS["estimator"] = te._Attributes("_estimator_api_names", "_estimator_api_constants")
    te.API_ATTRS_V1["estimator"] = te._Attributes("_estimator_api_names_v1", "_estimator_api_constants_v1")
    sys.path.insert(0, "/tmp/tfest")
    pkg = types.ModuleType("tensorflow_estimator")      # skip its __init__ (imports the TPU API)
    pkg.__path__ = ["/tmp/tfest/tensorflow_estimator"]
    sys.modules["tensorflow_estimator"] = pkg
    from tensorflow_estimator.python.estimator.canned import baseline, dnn, dnn_linear_combined, linear
    return types.SimpleNamespace(
        DNNClassifier=dnn.DNNClassifier, DNNRegressor=dnn.DNNRegressor,
        LinearClassifier=linear.LinearClassifier, LinearRegressor=linear.LinearRegressor,
        DNNLinearCombinedClassifier=dnn_linear_combined.DNNLinearCombinedClassifier,
        DNNLinearCombinedRegressor=dnn_linear_combined.DNNLinearCombinedRegressor,
        BaselineClassifier=baseline.BaselineClassifier, BaselineRegressor=baseline.BaselineRegressor)


def data():
    """Training / evaluation features and labels, shared with the test (written to data.json)."""
    rs = np.random.RandomState(7)
    n = 12
    x = rs.randn(n, 3).astype(np.float32)
    age = rs.uniform(15, 70, size=(n, 1)).astype(np.float32)
    c = np.array(["a", "b", "c", "a", "z", "b", "a", "c", "b", "c", "a", "b"])
    tags = np.array([["u", "v"], ["v", ""], ["w", "u"], ["", ""], ["u", "u"], ["x", "v"],
                     ["w", ""], ["v", "w"], ["u", ""], ["", "w"], ["v", "v"], ["w", "x"]])
    w = rs.uniform(0.5, 2.0, size=(n, 1)).astype(np.float32)
    y2 = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(np.int64)
    y3 = np.array(["lo", "mid", "hi"])[(np.digitize(x[:, 0], [-0.4, 0.4]))]
    yr = np.stack([x[:, 0] * 2.0 - x[:, 2], x[:, 1] + 1.0], 1).astype(np.float32)
    return {"x": x, "age": age, "c": c, "tags": tags, "w": w, "y2": y2, "y3": y3, "yr": yr}


def columns(fc):
    age = fc.numeric_column("age")
    c = fc.categorical_column_with_vocabulary_list("c", ["a", "b", "c"])
    tags = fc.categorical_column_with_vocabulary_list("tags", ["u", "v", "w"], num_oov_buckets=1)
    dnn = [fc.numeric_column("x", shape=[3]), fc.bucketized_column(age, [30, 50]), fc.embedding_column(c, 2),
           fc.indicator_column(tags)]
    lin = [fc.numeric_column("x", shape=[3]), fc.bucketized_column(age, [30, 50]), c, tags]
    return dnn, lin


def configs(est, fc):
    """name -> (constructor(model_dir), label key). Mirrored in tests/estimator/test_canned.py."""
    dnn, lin = columns(fc)
    v1 = tf.compat.v1
    return {
        "dnn_binary": (lambda d: est.DNNClassifier([4, 3], dnn, model_dir=d), "y2"),
        "dnn_multi": (lambda d: est.DNNClassifier([4], dnn, model_dir=d, n_classes=3,
                                                  label_vocabulary=["lo", "mid", "hi"], weight_column="w",
                                                  optimizer="Adam", batch_norm=True), "y3"),
        "dnn_regressor": (lambda d: est.DNNRegressor([5], dnn, model_dir=d, label_dimension=2, weight_column="w",
                                                     optimizer=v1.train.MomentumOptimizer(0.05, 0.9),
                                                     activation_fn=tf.nn.tanh,
                                                     loss_reduction=v1.losses.Reduction.SUM_OVER_BATCH_SIZE),
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
    """The whole data set as one batch: every step (train), or once (predict: input must end).

    The predict input has an unknown batch size: the Baseline estimators' predictions read only the
    features' batch size (tf.shape, a constant when the shape is static), so with a static shape
    the input is never read to its end and predict() never returns (in TF 1.15 as in compat_tf)."""
    def fn():
        feats = {k: tf.constant(d[k]) for k in ("x", "age", "c", "tags", "w")}
        if once:
            return tf.compat.v1.data.Dataset.from_tensor_slices((feats, tf.constant(d[label]))).batch(len(d[label]))
        return feats, tf.constant(d[label])
    return fn


def _jsonable(v):
    a = np.asarray(v)
    if a.dtype.kind in "SOU":
        return [s.decode() if isinstance(s, bytes) else s for s in a.reshape(-1).tolist()]
    return a.astype(np.float64).tolist()


def main(only=()):
    tf.compat.v1.disable_eager_execution()
    est = _import_estimator()
    fc = tf.compat.v1.feature_column
    d = data()
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "data.json"), "w") as f:
        json.dump({k: _jsonable(v) for k, v in d.items()}, f)
    for name, (make, label) in configs(est, fc).items():
        if only and name not in only:
            continue
        work = tempfile.mkdtemp()
        m = make(work)
        m.train(input_fn(d, label), steps=3)
        ckpt = tf.train.latest_checkpoint(work)
        dest = os.path.join(OUT, name)
        shutil.rmtree(dest, ignore_errors=True)
        os.makedirs(dest)
        for suffix in (".index", ".data-00000-of-00001"):
            shutil.copy(ckpt + suffix, os.path.join(dest, "model.ckpt-3" + suffix))
        names = {n: s for n, s in tf.train.list_variables(ckpt)}
        metrics = m.evaluate(input_fn(d, label), steps=1)
        preds = list(m.predict(input_fn(d, label, once=True), yield_single_examples=False))[0]
        m.train(input_fn(d, label), steps=2)
        after = tf.train.latest_checkpoint(work)
        np.savez(os.path.join(dest, "after_5_steps.npz"),
                 **{n: tf.train.load_variable(after, n) for n in names})
        record = {"variables": names,
                  "metrics": {k: float(v) for k, v in metrics.items()},
                  "predictions": {k: _jsonable(v) for k, v in preds.items()},
                  "prediction_shapes": {k: list(np.shape(v)) for k, v in preds.items()}}
        with open(os.path.join(dest, "expected.json"), "w") as f:
            json.dump(record, f, indent=1, sort_keys=True)
        shutil.rmtree(work)
        print(name, sorted(names), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
