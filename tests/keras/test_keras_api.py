"""tf.keras behaviour beyond recorded values: the tf.layers/Keras class hierarchy and naming, saving
round trips (HDF5, TF checkpoint keys, JSON), fit over tf.data, callbacks with real files, progress
bar text, datasets from the Keras cache, utilities and the errors TF 1.15 raises."""
import csv
import glob
import os

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def fresh_graph():
    tf.reset_default_graph()
    tf.keras.backend.clear_session()
    yield


def _data(n=24, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 4).astype("float32")
    return x, (x[:, :1] - x[:, 1:2] > 0).astype("float32")


def _model():
    m = tf.keras.Sequential([tf.keras.layers.Dense(6, activation="relu", input_shape=(4,)),
                             tf.keras.layers.BatchNormalization(),
                             tf.keras.layers.Dense(1, activation="sigmoid")])
    m.compile(tf.keras.optimizers.Adam(0.05), "binary_crossentropy", metrics=["accuracy"])
    return m


def test_tf_layers_subclass_keras_layers_and_keep_their_scopes():
    assert issubclass(tf.layers.Dense, tf.keras.layers.Dense)
    assert issubclass(tf.layers.Conv2D, tf.keras.layers.Conv2D)
    assert issubclass(tf.layers.BatchNormalization, tf.keras.layers.BatchNormalization)
    assert issubclass(tf.layers.Layer, tf.keras.layers.Layer)
    x = tf.placeholder(tf.float32, [None, 3])
    tf.layers.dense(x, 2, name="fc")
    k = tf.keras.layers.Dense(2)
    k(x)
    t = tf.layers.Dense(2)
    t(x)
    names = [v.name for v in tf.global_variables()]
    # keras layers: name scope "dense" (zero-based uid); tf.layers: one-based uid "dense_2", variable
    # scope "dense" whose variable names collide with the Keras layer's ops (recorded from TF 1.x)
    assert names == ["fc/kernel:0", "fc/bias:0", "dense/kernel:0", "dense/bias:0", "dense/kernel_1:0",
                     "dense/bias_1:0"]
    assert k.name == "dense" and t.name == "dense_2"
    assert [v.name for v in tf.trainable_variables()] == names


def test_keras_layer_in_name_scope_and_second_call():
    x = tf.placeholder(tf.float32, [None, 3])
    with tf.name_scope("block"):
        d = tf.keras.layers.Dense(2, name="d")
        y1 = d(x)
    y2 = d(x)
    assert d.kernel.name == "block/d/kernel:0"
    assert y1.op.name.startswith("block/d/") and y2.op.name.startswith("d/")
    assert len(d.weights) == 2 and d.built


def test_save_load_h5_json_and_tf_checkpoint(tmp_path):
    x, y = _data()
    m = _model()
    m.fit(x, y, epochs=2, batch_size=8, verbose=0)
    p = m.predict(x)
    m.save(str(tmp_path / "m.h5"))
    import h5py
    with h5py.File(str(tmp_path / "m.h5"), "r") as f:
        assert f.attrs["keras_version"] in (b"2.2.4-tf", "2.2.4-tf")
        assert "model_weights" in f and "optimizer_weights" in f
        assert list(f["model_weights"]["dense"]["dense"]) == ["bias:0", "kernel:0"]
    m2 = tf.keras.models.load_model(str(tmp_path / "m.h5"))
    np.testing.assert_array_equal(m2.predict(x), p)
    np.testing.assert_array_equal(m2.optimizer.get_weights()[0], m.optimizer.get_weights()[0])
    m3 = tf.keras.models.model_from_json(m.to_json())
    assert [type(layer).__name__ for layer in m3.layers] == ["Dense", "BatchNormalization", "Dense"]
    m.save_weights(str(tmp_path / "ckpt" / "weights"))
    keys = dict(tf.train.list_variables(str(tmp_path / "ckpt" / "weights")))
    assert keys["layer_with_weights-0/kernel/.ATTRIBUTES/VARIABLE_VALUE"] == [4, 6]
    assert keys["layer_with_weights-1/moving_mean/.ATTRIBUTES/VARIABLE_VALUE"] == [6]
    assert "layer_with_weights-2/bias/.OPTIMIZER_SLOT/optimizer/m/.ATTRIBUTES/VARIABLE_VALUE" in keys
    assert "optimizer/iter/.ATTRIBUTES/VARIABLE_VALUE" in keys
    m3.load_weights(str(tmp_path / "ckpt" / "weights"))
    np.testing.assert_array_equal(m3.predict(x), p)
    m.save_weights(str(tmp_path / "w.h5"))
    m4 = tf.keras.models.model_from_json(m.to_json())
    m4.load_weights(str(tmp_path / "w.h5"))
    np.testing.assert_array_equal(m4.predict(x), p)
    other = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(4,))])
    with pytest.raises(ValueError, match="layers into a model with"):
        other.load_weights(str(tmp_path / "w.h5"))


def test_fit_on_dataset_matches_arrays():
    x, y = _data(16)
    m = _model()
    w0 = m.get_weights()
    h1 = m.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0).history["loss"]
    m.set_weights(w0)
    m.optimizer.set_weights([np.zeros_like(w) for w in m.optimizer.get_weights()])
    ds = tf.data.Dataset.from_tensor_slices((x, y)).batch(4)
    h2 = m.fit(ds, epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(h2, h1, rtol=1e-5)
    assert abs(m.evaluate(ds, verbose=0)[0] - m.evaluate(x, y, verbose=0)[0]) < 1e-5


def test_callbacks_write_files_and_stop(tmp_path):
    x, y = _data()
    m = _model()
    log = str(tmp_path / "log.csv")
    tb = str(tmp_path / "tb")
    lrs = []
    cbs = [tf.keras.callbacks.CSVLogger(log), tf.keras.callbacks.TensorBoard(tb, histogram_freq=1),
           tf.keras.callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1)),
           tf.keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: lrs.append(logs["lr"])),
           tf.keras.callbacks.ModelCheckpoint(str(tmp_path / "w{epoch:02d}.h5"), save_weights_only=True)]
    h = m.fit(x, y, epochs=3, batch_size=8, validation_split=0.25, verbose=0, callbacks=cbs)
    np.testing.assert_allclose(lrs, [0.1, 0.05, 0.1 / 3], rtol=1e-6)
    with open(log) as f:
        rows = list(csv.DictReader(f))
    assert [r["epoch"] for r in rows] == ["0", "1", "2"]
    np.testing.assert_allclose([float(r["val_loss"]) for r in rows], h.history["val_loss"], rtol=1e-6)
    assert sorted(os.path.basename(p) for p in glob.glob(str(tmp_path / "w*.h5"))) == ["w01.h5", "w02.h5",
                                                                                       "w03.h5"]
    events = glob.glob(os.path.join(tb, "events.out.tfevents.*"))
    assert events
    tags = set()
    for e in tf.train.summary_iterator(events[0]):
        for v in e.summary.value:
            tags.add(v.tag)
    assert {"loss", "val_loss", "acc"} <= tags and any("kernel" in t for t in tags)
    stopper = tf.keras.callbacks.EarlyStopping(monitor="loss", min_delta=10.0, patience=1)
    h = m.fit(x, y, epochs=10, verbose=0, callbacks=[stopper])
    assert len(h.history["loss"]) == 2 and stopper.stopped_epoch == 1


def test_progress_bar_output(capsys):
    x, y = _data(20)
    m = _model()
    m.fit(x, y, epochs=2, batch_size=10, verbose=2, validation_data=(x[:4], y[:4]))
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Train on 20 samples, validate on 4 samples"
    assert out[1] == "Epoch 1/2"
    assert out[2].startswith("20/20 - ") and " - loss: " in out[2] and " - acc: " in out[2] and "val_loss" in out[2]


def test_errors_as_tf_1_15():
    m = tf.keras.Sequential([tf.keras.layers.Dense(1, input_shape=(4,))])
    with pytest.raises(RuntimeError, match="compile"):
        m.fit(np.zeros((2, 4)), np.zeros((2, 1)), verbose=0)
    m.compile("sgd", "mse")
    with pytest.raises(ValueError, match="expected dense_input to have shape \\(4,\\)"):
        m.fit(np.zeros((2, 5)), np.zeros((2, 1)), verbose=0)
    with pytest.raises(ValueError, match="same number of samples"):
        m.fit(np.zeros((3, 4)), np.zeros((2, 1)), verbose=0)
    with pytest.raises(ValueError, match="Graph disconnected"):
        a, b = tf.keras.Input((2,)), tf.keras.Input((2,))
        tf.keras.Model(a, tf.keras.layers.Add()([a, b]))
    with pytest.raises(TypeError, match="Keyword argument not understood"):
        tf.keras.layers.Dense(2, foo=1)
    with pytest.raises(NotImplementedError, match="tf.keras.layers.ConvLSTM2D"):
        tf.keras.layers.ConvLSTM2D


def test_subclassed_model_fit_and_weights():
    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.d1 = tf.keras.layers.Dense(3, activation="tanh")
            self.d2 = tf.keras.layers.Dense(1)

        def call(self, inputs):
            return self.d2(self.d1(inputs))

    x, y = _data(12)
    net = Net()
    net.compile(tf.keras.optimizers.SGD(0.1), "mse")
    h = net.fit(x, y, epochs=3, batch_size=4, verbose=0)
    assert h.history["loss"][-1] < h.history["loss"][0]
    assert [w.name for w in net.trainable_weights] == ["net/dense/kernel:0", "net/dense/bias:0",
                                                       "net/dense_1/kernel:0", "net/dense_1/bias:0"]
    assert net.predict(x).shape == (12, 1)


def test_datasets_read_the_keras_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    os.makedirs(tmp_path / "datasets")
    rng = np.random.RandomState(0)
    arrays = dict(x=rng.randn(10, 13), y=rng.randn(10))
    np.savez(tmp_path / "datasets" / "my_boston.npz", **arrays)
    assert tf.keras.utils.get_file("my_boston.npz", origin="http://unused.invalid/x") == \
        str(tmp_path / "datasets" / "my_boston.npz")
    from compat_tf._src.keras.utils import data_utils
    monkeypatch.setattr(data_utils, "validate_file", lambda *a, **k: True)   # our file is not the real one
    (xt, yt), (xs, ys) = tf.keras.datasets.boston_housing.load_data(path="my_boston.npz")
    perm = np.arange(10)
    np.random.RandomState(113).shuffle(perm)
    np.testing.assert_array_equal(xt, arrays["x"][perm][:8])
    np.testing.assert_array_equal(ys, arrays["y"][perm][8:])
    import urllib.request

    def no_network(*a, **k):
        raise OSError("network unreachable")
    monkeypatch.setattr(urllib.request, "urlretrieve", no_network)
    monkeypatch.undo()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(urllib.request, "urlretrieve", no_network)
    with pytest.raises(Exception, match="not in the Keras cache .*datasets.*could not be downloaded"):
        tf.keras.datasets.mnist.load_data()


def test_utils_and_preprocessing():
    np.testing.assert_array_equal(tf.keras.utils.to_categorical([[1], [0], [2]]),
                                  [[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    np.testing.assert_allclose(tf.keras.utils.normalize(np.array([[3.0, 4.0]])), [[0.6, 0.8]])
    pad = tf.keras.preprocessing.sequence.pad_sequences
    np.testing.assert_array_equal(pad([[1, 2, 3], [4]], maxlen=2), [[2, 3], [0, 4]])
    np.testing.assert_array_equal(pad([[1, 2, 3], [4]], maxlen=2, padding="post", truncating="post"),
                                  [[1, 2], [4, 0]])
    tok = tf.keras.preprocessing.text.Tokenizer(num_words=3, oov_token="<unk>")
    tok.fit_on_texts(["the cat sat", "the dog"])
    assert tok.word_index["<unk>"] == 1 and tok.word_index["the"] == 2
    assert tok.texts_to_sequences(["the bird"]) == [[2, 1]]


def test_backend_function_and_learning_phase():
    K = tf.keras.backend
    x = K.placeholder(shape=(None, 2))
    d = tf.keras.layers.Dropout(0.5)
    y = d(x)
    f = K.function([x, K.learning_phase()], [y])
    ones = np.ones((1000, 2), "float32")
    np.testing.assert_array_equal(f([ones, 0])[0], ones)
    train = f([ones, 1])[0]
    assert set(np.unique(train)) == {0.0, 2.0}
    v = K.variable(np.array([1.0, 2.0]), name="v")
    K.set_value(v, [3.0, 4.0])
    np.testing.assert_array_equal(K.get_value(v), [3.0, 4.0])
    np.testing.assert_allclose(K.eval(K.sum(v * 2)), 14.0)
    assert K.int_shape(x) == (None, 2) and K.image_data_format() == "channels_last"


def test_model_to_estimator_trains_from_keras_weights(tmp_path):
    x, y = _data(16)
    m = _model()
    m.fit(x, y, epochs=1, verbose=0)
    keras_loss = m.evaluate(x, y, verbose=0)[0]
    est = tf.keras.estimator.model_to_estimator(keras_model=m, model_dir=str(tmp_path))

    def input_fn():
        return tf.data.Dataset.from_tensor_slices(({m.input_names[0]: x}, y)).batch(16)
    result = est.evaluate(input_fn, steps=1)
    np.testing.assert_allclose(result["loss"], keras_loss, rtol=1e-5)
    est.train(input_fn, steps=5)
    assert est.evaluate(input_fn, steps=1)["loss"] < keras_loss


@pytest.mark.parametrize("make", [
    lambda K: K.SGD(0.1, momentum=0.9, nesterov=True), lambda K: K.Adam(amsgrad=True),
    lambda K: K.RMSprop(centered=True, momentum=0.5), lambda K: K.Adagrad(initial_accumulator_value=0.2),
    lambda K: K.Adadelta(rho=0.9), lambda K: K.Adamax(beta_1=0.8), lambda K: K.Nadam(epsilon=1e-6),
    lambda K: K.Ftrl(l2_shrinkage_regularization_strength=0.1)])
def test_optimizer_config_round_trips(make):
    opt = make(tf.keras.optimizers)
    config = opt.get_config()
    assert config["name"] == type(opt).__name__ and "learning_rate" in config and "decay" in config
    assert type(opt).from_config(config).get_config() == config


def test_optimizer_configs_have_tf_keys():
    # the keys and defaults of TF 1.15's tf.keras optimizers' get_config
    assert tf.keras.optimizers.Adam().get_config() == {
        "name": "Adam", "learning_rate": 0.001, "decay": 0.0, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-07,
        "amsgrad": False}
    assert tf.keras.optimizers.Ftrl().get_config() == {
        "name": "Ftrl", "learning_rate": 0.001, "decay": 0.0, "learning_rate_power": -0.5,
        "l1_regularization_strength": 0.0, "l2_regularization_strength": 0.0, "initial_accumulator_value": 0.1,
        "l2_shrinkage_regularization_strength": 0.0}
    assert tf.keras.optimizers.Nadam().get_config()["decay"] == 0.004          # its schedule_decay
