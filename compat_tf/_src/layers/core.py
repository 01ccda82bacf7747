"""tf.layers Dense, Dropout, Flatten and their functional forms (TF 1.15 core layers).

Each class subclasses the tf.keras.layers class (compat_tf/_src/keras/layers/core.py, where
the computation is described) and tf.layers.Layer (variable scopes). tf.layers' defaults:
Dense kernel_initializer=None (the scope's initializer, else glorot_uniform), bias zeros;
Dropout's `training` defaults to False; Flatten's data_format to 'channels_last'.
"""
from compat_tf._src.keras.layers import core as keras_core
from compat_tf._src.layers.base import Layer
from compat_tf._src.ops import init_ops

__all__ = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]


class Dense(keras_core.Dense, Layer):
    """tf.layers.Dense(units, activation=None, use_bias=True, kernel_initializer=None,
    bias_initializer=zeros, kernel_regularizer=None, ..., trainable=True, name=None)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(units=units, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, trainable=trainable, name=name, **kwargs)


def dense(inputs, units, activation=None, use_bias=True, kernel_initializer=None,
          bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
          name=None, reuse=None):
    """tf.layers.dense: `Dense(...)(inputs)` with variable scope `name` (reuse with reuse=True)."""
    layer = Dense(units, activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                  bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                  bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                  kernel_constraint=kernel_constraint, bias_constraint=bias_constraint, trainable=trainable,
                  name=name, _scope=name, _reuse=reuse)
    return layer.apply(inputs)


class Dropout(keras_core.Dropout, Layer):
    """tf.layers.Dropout(rate=0.5, noise_shape=None, seed=None, name=None): call(inputs, training=False)."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(rate=rate, noise_shape=noise_shape, seed=seed, name=name, **kwargs)

    def call(self, inputs, training=False):
        return super().call(inputs, training=training)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """tf.layers.dropout: drops with probability `rate` (scaling kept values by 1 / (1 - rate)) when
    `training` (Python bool or bool tensor); identity otherwise."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


class Flatten(keras_core.Flatten, Layer):
    """tf.layers.Flatten(data_format='channels_last'): [batch, ...] -> [batch, prod(...)]."""

    def __init__(self, data_format="channels_last", **kwargs):
        super().__init__(data_format=data_format, **kwargs)


def flatten(inputs, name=None, data_format="channels_last"):
    """tf.layers.flatten: keeps the batch axis, flattens the rest."""
    layer = Flatten(name=name, data_format=data_format)
    return layer.apply(inputs)
