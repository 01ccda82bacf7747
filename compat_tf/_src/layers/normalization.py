"""tf.layers.BatchNormalization / tf.layers.batch_normalization (TF 1.15): the Keras V1 batch
norm (compat_tf/_src/keras/layers/normalization.py, where the behaviour is described) as a
tf.layers.Layer; `training` defaults to False.

Not supported (NotImplementedError): renorm=True, virtual_batch_size, adjustment.
"""
from compat_tf._src.keras.layers import normalization as keras_normalization
from compat_tf._src.layers.base import Layer
from compat_tf._src.ops import init_ops

__all__ = ["BatchNormalization", "batch_normalization", "BatchNorm", "batch_norm"]


class BatchNormalization(keras_normalization.BatchNormalization, Layer):
    """tf.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
    ..., fused=None, trainable=True, name=None): call(inputs, training=False)."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer=init_ops.zeros_initializer(), gamma_initializer=init_ops.ones_initializer(),
                 moving_mean_initializer=init_ops.zeros_initializer(),
                 moving_variance_initializer=init_ops.ones_initializer(), beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, renorm=False,
                 renorm_clipping=None, renorm_momentum=0.99, fused=None, trainable=True,
                 virtual_batch_size=None, adjustment=None, name=None, **kwargs):
        super().__init__(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                         beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                         moving_mean_initializer=moving_mean_initializer,
                         moving_variance_initializer=moving_variance_initializer,
                         beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                         beta_constraint=beta_constraint, gamma_constraint=gamma_constraint, renorm=renorm,
                         renorm_clipping=renorm_clipping, renorm_momentum=renorm_momentum, fused=fused,
                         trainable=trainable, virtual_batch_size=virtual_batch_size, adjustment=adjustment,
                         name=name, **kwargs)

    def call(self, inputs, training=False):
        return super().call(inputs, training=False if training is None else training)


BatchNorm = BatchNormalization


def batch_normalization(inputs, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                        beta_initializer=init_ops.zeros_initializer(),
                        gamma_initializer=init_ops.ones_initializer(),
                        moving_mean_initializer=init_ops.zeros_initializer(),
                        moving_variance_initializer=init_ops.ones_initializer(), beta_regularizer=None,
                        gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, training=False,
                        trainable=True, name=None, reuse=None, renorm=False, renorm_clipping=None,
                        renorm_momentum=0.99, fused=None, virtual_batch_size=None, adjustment=None):
    """tf.layers.batch_normalization: BatchNormalization applied with `training`; the moving-average
    updates are added to GraphKeys.UPDATE_OPS (run them with the train op)."""
    layer = BatchNormalization(axis=axis, momentum=momentum, epsilon=epsilon, center=center, scale=scale,
                               beta_initializer=beta_initializer, gamma_initializer=gamma_initializer,
                               moving_mean_initializer=moving_mean_initializer,
                               moving_variance_initializer=moving_variance_initializer,
                               beta_regularizer=beta_regularizer, gamma_regularizer=gamma_regularizer,
                               beta_constraint=beta_constraint, gamma_constraint=gamma_constraint,
                               renorm=renorm, renorm_clipping=renorm_clipping,
                               renorm_momentum=renorm_momentum,
                               fused=fused, trainable=trainable, virtual_batch_size=virtual_batch_size,
                               adjustment=adjustment, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs, training=training)


batch_norm = batch_normalization
