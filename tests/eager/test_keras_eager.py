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
