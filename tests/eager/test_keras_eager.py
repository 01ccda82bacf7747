"""tf.keras models called eagerly (training against TF's values is in test_eager_reference.py)."""
import numpy as np

import compat_tf as tf


def test_layers_and_models_return_eager_tensors_with_tf_names():
    layer = tf.keras.layers.Dense(10, input_shape=(None, 5))
    out = layer(tf.zeros([10, 5]))
    assert isinstance(out, tf.Tensor) and out.numpy().shape == (10, 10)
    assert [v.name for v in layer.variables] == ["dense/kernel:0", "dense/bias:0"]
    model = tf.keras.Sequential([tf.keras.layers.Conv2D(2, 3, activation="relu"),
                                 tf.keras.layers.GlobalAveragePooling2D(), tf.keras.layers.Dense(3)])
    logits = model(tf.ones([2, 8, 8, 1]))
    assert isinstance(logits, tf.Tensor) and logits.shape == (2, 3) and len(model.trainable_variables) == 4


def test_subclassed_model_variables_and_training_flag():
    class Block(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.dense = tf.keras.layers.Dense(4)
            self.bn = tf.keras.layers.BatchNormalization()
            self.drop = tf.keras.layers.Dropout(0.5)

        def call(self, x, training=False):
            return self.drop(self.bn(self.dense(x), training=training), training=training)
    block = Block()
    x = tf.constant(np.random.RandomState(0).randn(8, 3).astype(np.float32))
    eval_out = block(x)
    np.testing.assert_allclose(eval_out.numpy(), block(x).numpy())          # inference is deterministic
    moving = block.bn.moving_mean.numpy().copy()
    block(x, training=True)
    assert not np.allclose(block.bn.moving_mean.numpy(), moving)           # training updates the statistics
    assert len(block.trainable_variables) == 4 and len(block.variables) == 6


def test_keras_backend_in_eager_mode():
    v = tf.keras.backend.variable(np.ones(3, np.float32))
    tf.keras.backend.set_value(v, [1.0, 2.0, 3.0])
    assert tf.keras.backend.get_value(v).tolist() == [1.0, 2.0, 3.0]
    assert tf.keras.backend.learning_phase() == 0


def _fit_history():
    x = np.random.RandomState(0).rand(48, 4).astype(np.float32)
    y = (x.sum(1) > 2).astype(np.int64)
    model = tf.keras.Sequential([tf.keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                                 tf.keras.layers.Dense(2, activation="softmax")])
    model.set_weights([np.full(w.shape, 0.1 * (i + 1), np.float32) * (-1) ** i
                       for i, w in enumerate(model.get_weights())])
    model.compile(optimizer=tf.train.AdamOptimizer(0.05), loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    hist = model.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False).history
    return hist, model.evaluate(x, y, verbose=0), model.predict(x[:3]), [w.copy() for w in model.get_weights()]


def test_compile_fit_evaluate_predict_eagerly_match_graph_mode():
    eager = _fit_history()
    with tf.Graph().as_default():
        graph = _fit_history()
    assert sorted(eager[0]) == ["acc", "loss"]
    for k in eager[0]:
        np.testing.assert_allclose(eager[0][k], graph[0][k], rtol=1e-5)
    np.testing.assert_allclose(eager[1], graph[1], rtol=1e-5)
    np.testing.assert_allclose(eager[2], graph[2], rtol=1e-5, atol=1e-6)
    for a, b in zip(eager[3], graph[3]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
