"""tf.layers Dense, Dropout, Flatten and their functional forms (TF 1.15 core layers).

Dense: `activation(inputs @ kernel + bias)`; rank > 2 inputs contract their last axis with the
kernel (tensordot, static shape [..., units]). Variables "kernel" [in, units] (glorot_uniform
unless given / set by the variable scope) and "bias" [units] (zeros).
Dropout: `tf.nn.dropout(rate=...)` when `training` (a Python bool or a bool tensor: tf.cond),
the identity otherwise; `training` defaults to False.
Flatten: reshape to [batch, -1]; channels_first inputs are moved to channels_last first.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.layers import base
from compat_tf._src.layers.base import InputSpec, Layer
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import init_ops

__all__ = ["Dense", "Dropout", "Flatten", "dense", "dropout", "flatten"]


class Dense(Layer):
    """tf.layers.Dense(units, activation=None, use_bias=True, kernel_initializer=None,
    bias_initializer=zeros, kernel_regularizer=None, ..., trainable=True, name=None)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer,
                         **kwargs)
        self.units = int(units)
        self.activation = base.get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = base.get_initializer(kernel_initializer)
        self.bias_initializer = base.get_initializer(bias_initializer)
        self.kernel_regularizer = base.get_regularizer(kernel_regularizer)
        self.bias_regularizer = base.get_regularizer(bias_regularizer)
        self.kernel_constraint = base.get_constraint(kernel_constraint)
        self.bias_constraint = base.get_constraint(bias_constraint)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        dtype = _dtypes.as_dtype(self.dtype or "float32")
        if not (dtype.is_floating or dtype.is_complex):
            raise TypeError(f"Unable to build `Dense` layer with non-floating point dtype {dtype.name}")
        input_shape = _ts.TensorShape(input_shape)
        if input_shape.ndims is None or input_shape[-1].value is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. Found `None`.")
        last_dim = input_shape[-1].value
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight("kernel", shape=[last_dim, self.units],
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, dtype=self.dtype, trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint, dtype=self.dtype, trainable=True)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            outputs = math_ops.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        else:
            inputs = math_ops.cast(inputs, self.dtype) if inputs.dtype.base_dtype.name != self.dtype \
                else inputs
            outputs = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        input_shape = _ts.TensorShape(input_shape).with_rank_at_least(2)
        if input_shape[-1].value is None:
            raise ValueError("The innermost dimension of input_shape must be defined, but saw: "
                             f"{input_shape}")
        return input_shape[:-1].concatenate(self.units)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, use_bias=self.use_bias)
        return config


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


class Dropout(Layer):
    """tf.layers.Dropout(rate=0.5, noise_shape=None, seed=None, name=None): call(inputs, training=False)."""

    def __init__(self, rate=0.5, noise_shape=None, seed=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        concrete = array_ops.shape(inputs)
        out = []
        for i, value in enumerate(self.noise_shape):
            out.append(concrete[i] if value is None else value)
        return array_ops.stack(out) if any(not isinstance(v, (int, np.integer)) for v in out) else out

    def call(self, inputs, training=False):
        def dropped():
            return nn_ops.dropout(inputs, noise_shape=self._get_noise_shape(inputs), seed=self.seed,
                                  rate=self.rate)
        return base.smart_cond(training, dropped, lambda: control_flow_ops.identity(inputs))

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)


def dropout(inputs, rate=0.5, noise_shape=None, seed=None, training=False, name=None):
    """tf.layers.dropout: drops with probability `rate` (scaling kept values by 1 / (1 - rate)) when
    `training` (Python bool or bool tensor); identity otherwise."""
    layer = Dropout(rate, noise_shape=noise_shape, seed=seed, name=name)
    return layer.apply(inputs, training=training)


class Flatten(Layer):
    """tf.layers.Flatten(data_format='channels_last'): [batch, ...] -> [batch, prod(...)]."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = base.normalize_data_format(data_format)
        self.input_spec = InputSpec(min_ndim=1)

    def call(self, inputs):
        ndim = inputs.shape.ndims
        if self.data_format == "channels_first" and ndim is not None and ndim > 1:
            perm = [0] + list(range(2, ndim)) + [1]
            inputs = array_ops.transpose(inputs, perm=perm)
        if ndim == 1:
            inputs = array_ops.expand_dims(inputs, 1)
        shape = inputs.shape
        if shape.ndims is not None and shape[1:].is_fully_defined():
            flat = int(np.prod(shape[1:].as_list(), dtype=np.int64))
            dtype = _dtypes.int64 if flat > np.iinfo(np.int32).max else _dtypes.int32
            outputs = array_ops.reshape(inputs, _constant.constant((-1, flat), dtype=dtype))
        else:
            batch = shape[0].value if shape.ndims else None
            if batch:
                outputs = array_ops.reshape(inputs, (batch, -1))
            else:
                outputs = array_ops.reshape(inputs, array_ops.stack([array_ops.shape(inputs)[0], -1]))
        outputs.set_shape(self.compute_output_shape(inputs.shape))
        return outputs

    def compute_output_shape(self, input_shape):
        input_shape = _ts.TensorShape(input_shape)
        if input_shape.ndims is None:
            return _ts.TensorShape([None, None])
        dims = input_shape.as_list()
        out = [dims[0]]
        rest = dims[1:]
        out.append(int(np.prod(rest)) if rest and all(d is not None for d in rest) else
                   (1 if not rest else None))
        return _ts.TensorShape(out)


def flatten(inputs, name=None, data_format="channels_last"):
    """tf.layers.flatten: keeps the batch axis, flattens the rest."""
    layer = Flatten(name=name, data_format=data_format)
    return layer.apply(inputs)
