"""Cases for tf.keras in graph mode, and their values recorded from real TensorFlow.

Each case is a function of a TF1-API module `tf` (real TensorFlow's tf.compat.v1 with tf_keras, or
compat_tf) building a model in a fresh graph with weights set explicitly (so RNG differences do
not matter) and returning {key: value}. tests/keras/test_keras_reference.py runs the same cases on
compat_tf and compares with keras_reference.json.

Record (TF 2.21 + tf_keras, v1 graph mode):
  TF_USE_LEGACY_KERAS=1 /tmp/tfvenv/bin/python tests/data/make_keras_reference.py
"""
import json
import os
import re

import numpy as np


def _arr(seed, *shape, scale=0.5):
    return (scale * np.random.RandomState(seed).randn(*shape)).astype(np.float32)


def _set_random_weights(model, seed):
    model.set_weights([_arr(seed + i, *w.shape, scale=0.3) for i, w in enumerate(model.get_weights())])


def _tf115_name(name):
    """tf_keras (TF 2.x) builds an RNN's cell under the cell's name scope ("lstm/lstm_cell/kernel:0");
    TF 1.15's RNN.build does not ("lstm/kernel:0"): recorded names are given in TF 1.15's form."""
    return re.sub(r"/(lstm|gru|simple_rnn)_cell(_\d+)?/", "/", name)


def _weight_info(model):
    return [[_tf115_name(w.name), list(w.shape.as_list())] for w in model.weights]


def _layer_case(make_layers, input_shape, seed, input_dtype="float32", data=None):
    def case(tf):
        inp = tf.keras.Input(shape=input_shape, dtype=input_dtype)
        out = make_layers(tf)(inp)
        model = tf.keras.Model(inp, out)
        _set_random_weights(model, seed)
        x = data if data is not None else _arr(seed + 100, 3, *input_shape, scale=1.0)
        outs = model.predict(x)
        outs = outs if isinstance(outs, list) else [outs]
        return {"outputs": [o.tolist() for o in outs], "weights": _weight_info(model)}
    return case


def _seq_ids():
    return np.array([[1, 4, 2, 0, 0], [3, 3, 1, 2, 4], [2, 0, 0, 0, 0]], dtype=np.int32)


LAYER_CASES = {
    "dense_3d": _layer_case(lambda tf: tf.keras.layers.Dense(3, activation="relu"), (2, 4), 1),
    "conv1d_causal": _layer_case(lambda tf: tf.keras.layers.Conv1D(3, 2, padding="causal", dilation_rate=2),
                                 (6, 2), 2),
    "conv2d_same_strided": _layer_case(lambda tf: tf.keras.layers.Conv2D(2, 3, strides=2, padding="same",
                                                                         activation="tanh"), (5, 5, 2), 3),
    "conv2d_transpose": _layer_case(lambda tf: tf.keras.layers.Conv2DTranspose(2, 3, strides=2), (3, 3, 2), 4),
    "separable_conv2d": _layer_case(lambda tf: tf.keras.layers.SeparableConv2D(3, 2, depth_multiplier=2),
                                    (4, 4, 2), 5),
    "depthwise_conv2d": _layer_case(lambda tf: tf.keras.layers.DepthwiseConv2D(2, depth_multiplier=2), (4, 4, 2), 6),
    "pooling": _layer_case(lambda tf: lambda x: tf.keras.layers.Concatenate()([
        tf.keras.layers.GlobalMaxPooling2D()(tf.keras.layers.MaxPooling2D(2)(x)),
        tf.keras.layers.GlobalAveragePooling2D()(tf.keras.layers.AveragePooling2D(2, padding="same")(x))]),
        (5, 5, 2), 7),
    "batchnorm_inference": _layer_case(lambda tf: tf.keras.layers.BatchNormalization(), (3,), 8),
    "layernorm": _layer_case(lambda tf: tf.keras.layers.LayerNormalization(), (2, 3), 9),
    "embedding": _layer_case(lambda tf: tf.keras.layers.Embedding(5, 3), (5,), 10, "int32", _seq_ids()),
    "simple_rnn_seq_state": _layer_case(lambda tf: tf.keras.layers.SimpleRNN(3, return_sequences=True,
                                                                             return_state=True), (4, 2), 11),
    "gru_backwards": _layer_case(lambda tf: tf.keras.layers.GRU(3, go_backwards=True), (4, 2), 12),
    "gru_reset_after": _layer_case(lambda tf: tf.keras.layers.GRU(2, reset_after=True, return_sequences=True),
                                   (3, 2), 13),
    "lstm_state": _layer_case(lambda tf: tf.keras.layers.LSTM(3, return_state=True), (4, 2), 14),
    "masked_lstm": _layer_case(lambda tf: lambda x: tf.keras.layers.LSTM(2, return_sequences=True)(
        tf.keras.layers.Embedding(5, 3, mask_zero=True)(x)), (5,), 15, "int32", _seq_ids()),
    "bidirectional": _layer_case(lambda tf: tf.keras.layers.Bidirectional(tf.keras.layers.LSTM(2,
                                                                                               return_sequences=True)),
                                 (3, 2), 16),
    "time_distributed": _layer_case(lambda tf: tf.keras.layers.TimeDistributed(tf.keras.layers.Dense(2)), (3, 4), 17),
    "merge_dot": _layer_case(lambda tf: lambda x: tf.keras.layers.Dot(axes=-1, normalize=True)([
        tf.keras.layers.Dense(3)(x), tf.keras.layers.Dense(3)(x)]), (4,), 18),
    "activations": _layer_case(lambda tf: lambda x: tf.keras.layers.Add()([
        tf.keras.layers.LeakyReLU(0.2)(x), tf.keras.layers.ELU(0.5)(x), tf.keras.layers.PReLU()(x),
        tf.keras.layers.ThresholdedReLU(0.3)(x), tf.keras.layers.ReLU(max_value=0.5)(x),
        tf.keras.layers.Activation("hard_sigmoid")(x), tf.keras.layers.Softmax()(x)]), (4,), 19),
    "reshaping": _layer_case(lambda tf: lambda x: tf.keras.layers.Flatten()(tf.keras.layers.Cropping2D(
        ((1, 0), (0, 1)))(tf.keras.layers.ZeroPadding2D(1)(tf.keras.layers.UpSampling2D(2)(
            tf.keras.layers.Permute((2, 1, 3))(tf.keras.layers.Reshape((2, 3, 1))(x)))))), (6,), 20),
    "repeat_vector_lambda": _layer_case(lambda tf: lambda x: tf.keras.layers.Lambda(lambda t: t * 2.0 + 1.0)(
        tf.keras.layers.RepeatVector(2)(x)), (3,), 21),
}


def _fit_case(optimizer_fn, loss="mse", epochs=2, seed=30):
    def case(tf):
        x = _arr(seed, 16, 4, scale=1.0)
        y = _arr(seed + 1, 16, 2, scale=1.0)
        model = tf.keras.Sequential([tf.keras.layers.Dense(5, activation="tanh", input_shape=(4,)),
                                     tf.keras.layers.Dense(2)])
        _set_random_weights(model, seed)
        model.compile(optimizer=optimizer_fn(tf), loss=loss, metrics=["mae"])
        hist = model.fit(x, y, batch_size=4, epochs=epochs, shuffle=False, verbose=0)
        return {"loss": hist.history["loss"], "mae": hist.history.get("mean_absolute_error",
                                                                      hist.history.get("mae")),
                "weights": [w.tolist() for w in model.get_weights()],
                # tf_keras's Ftrl has a "beta" hyperparameter (TF 2.x); TF 1.15's has not
                "opt_vars": sorted(v.name for v in tf.global_variables() if "training" in v.name and
                                   v.name != "training/Ftrl/beta:0")}
    return case


FIT_CASES = {
    "sgd_nesterov": _fit_case(lambda tf: tf.keras.optimizers.SGD(0.1, momentum=0.9, nesterov=True)),
    "sgd_decay": _fit_case(lambda tf: tf.keras.optimizers.SGD(0.2, decay=0.1)),
    "adam": _fit_case(lambda tf: tf.keras.optimizers.Adam(0.05)),
    "adam_amsgrad": _fit_case(lambda tf: tf.keras.optimizers.Adam(0.05, amsgrad=True)),
    "rmsprop": _fit_case(lambda tf: tf.keras.optimizers.RMSprop(0.01)),
    "rmsprop_centered_momentum": _fit_case(lambda tf: tf.keras.optimizers.RMSprop(0.01, momentum=0.5,
                                                                                 centered=True)),
    "adagrad": _fit_case(lambda tf: tf.keras.optimizers.Adagrad(0.1)),
    "adadelta": _fit_case(lambda tf: tf.keras.optimizers.Adadelta(1.0)),
    "adamax": _fit_case(lambda tf: tf.keras.optimizers.Adamax(0.05)),
    "nadam": _fit_case(lambda tf: tf.keras.optimizers.Nadam(0.05)),
    "ftrl": _fit_case(lambda tf: tf.keras.optimizers.Ftrl(0.1, l1_regularization_strength=0.01)),
    "tf_train_optimizer": _fit_case(lambda tf: tf.train.MomentumOptimizer(0.05, 0.9)),
    "string_optimizer_huber": _fit_case(lambda tf: "adagrad", loss="logcosh"),
}


def _loss_values(tf):
    y_true = np.array([[0., 1., 0.], [1., 0., 0.]], dtype=np.float32)
    y_prob = np.array([[0.2, 0.7, 0.1], [0.5, 0.3, 0.2]], dtype=np.float32)
    y_reg = _arr(40, 2, 3)
    out = {}
    sess = tf.keras.backend.get_session()
    for name in ("mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
                 "mean_squared_logarithmic_error", "squared_hinge", "hinge", "categorical_hinge", "logcosh",
                 "categorical_crossentropy", "binary_crossentropy", "kullback_leibler_divergence", "poisson",
                 "cosine_proximity"):
        fn = getattr(tf.keras.losses, name)
        out[name] = sess.run(fn(tf.constant(y_true), tf.constant(y_prob if "entropy" in name or name in (
            "kullback_leibler_divergence", "poisson") else y_reg))).tolist()
    out["sparse_cce"] = sess.run(tf.keras.losses.sparse_categorical_crossentropy(
        tf.constant([1, 0]), tf.constant(y_prob))).tolist()
    out["huber_weighted"] = float(sess.run(tf.keras.losses.Huber(delta=0.5)(
        tf.constant(y_true), tf.constant(y_reg), sample_weight=tf.constant([0.3, 2.0]))))
    out["cce_smoothing_logits"] = float(sess.run(tf.keras.losses.CategoricalCrossentropy(
        from_logits=True, label_smoothing=0.2)(tf.constant(y_true), tf.constant(y_reg))))
    out["bce_sum"] = float(sess.run(tf.keras.losses.BinaryCrossentropy(reduction="sum")(
        tf.constant(y_true), tf.constant(y_prob))))
    return out


def _metric_values(tf):
    sess = tf.keras.backend.get_session()
    y_true = tf.constant([[0., 1.], [1., 0.], [1., 0.], [0., 1.]])
    y_pred = tf.constant([[0.3, 0.7], [0.6, 0.4], [0.2, 0.8], [0.9, 0.1]])
    ms = {"acc": tf.keras.metrics.CategoricalAccuracy(), "bacc": tf.keras.metrics.BinaryAccuracy(threshold=0.35),
          "prec": tf.keras.metrics.Precision(), "rec": tf.keras.metrics.Recall(),
          "tp": tf.keras.metrics.TruePositives(thresholds=[0.3, 0.65]), "rmse": tf.keras.metrics.RootMeanSquaredError(),
          "mean": tf.keras.metrics.Mean()}
    results = {}
    for k, m in ms.items():
        results[k] = m(tf.constant([3.0, 5.0]), sample_weight=tf.constant([1.0, 3.0])) if k == "mean" else \
            m(y_true, y_pred)
    sess.run(tf.variables_initializer([v for m in ms.values() for v in m.variables]))
    vals = sess.run(results)
    return {k: np.asarray(v).tolist() for k, v in vals.items()}


def _functional_names(tf):
    a = tf.keras.Input(shape=(3,), name="a")
    b = tf.keras.Input(shape=(2,), name="b")
    shared = tf.keras.layers.Dense(4, name="shared")
    h = tf.keras.layers.concatenate([shared(tf.keras.layers.Dense(3)(a)), shared(tf.keras.layers.Dense(3)(b))])
    o1 = tf.keras.layers.Dense(1, name="o1")(h)
    o2 = tf.keras.layers.Dense(2, activation="softmax", name="o2")(h)
    model = tf.keras.Model([a, b], [o1, o2])
    _set_random_weights(model, 50)
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"], loss_weights=[0.5, 1.0],
                  metrics={"o2": "accuracy"})
    xa, xb = _arr(51, 8, 3), _arr(52, 8, 2)
    y1, y2 = _arr(53, 8, 1), np.array([0, 1, 1, 0, 1, 0, 0, 1])
    hist = model.fit([xa, xb], [y1, y2], batch_size=4, epochs=2, shuffle=False, verbose=0)
    return {"layers": [layer.name for layer in model.layers], "metrics_names": model.metrics_names,
            "history": {k: v for k, v in sorted(hist.history.items())},
            "eval": model.evaluate([xa, xb], [y1, y2], verbose=0), "weights": _weight_info(model)}


def _regularized_fit(tf):
    x, y = _arr(60, 12, 3), _arr(61, 12, 1)
    model = tf.keras.Sequential([
        tf.keras.layers.Dense(4, input_shape=(3,), kernel_regularizer=tf.keras.regularizers.l2(0.1),
                              activity_regularizer=tf.keras.regularizers.l1(0.01), kernel_constraint=
                              tf.keras.constraints.MaxNorm(0.8)),
        tf.keras.layers.BatchNormalization(), tf.keras.layers.Dense(1)])
    _set_random_weights(model, 62)
    model.compile(tf.keras.optimizers.SGD(0.1), "mse")
    hist = model.fit(x, y, batch_size=6, epochs=2, shuffle=False, verbose=0, validation_split=0.25)
    return {"history": {k: v for k, v in sorted(hist.history.items())},
            "weights": [w.tolist() for w in model.get_weights()],
            "predict": model.predict(x[:3]).tolist()}


MISC_CASES = {"losses": _loss_values, "metrics": _metric_values, "functional_multi_output": _functional_names,
              "regularized_bn_fit": _regularized_fit}
ALL_CASES = dict(**{"layer/" + k: v for k, v in LAYER_CASES.items()}, **{"fit/" + k: v for k, v in FIT_CASES.items()},
                 **{"misc/" + k: v for k, v in MISC_CASES.items()})


def run_case(tf, name):
    tf.reset_default_graph()
    tf.keras.backend.clear_session()
    return json.loads(json.dumps(ALL_CASES[name](tf), default=lambda o: o.tolist() if hasattr(o, "tolist")
                                 else float(o)))


def main():
    import tensorflow.compat.v1 as tf
    tf.disable_v2_behavior()
    out = {name: run_case(tf, name) for name in ALL_CASES}
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_reference.json")
    with open(path, "w") as f:
        json.dump(out, f, indent=1, sort_keys=True)
    print("wrote", path, len(out), "cases")


if __name__ == "__main__":
    main()
