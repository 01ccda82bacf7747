"""tf.keras.layers.BatchNormalization (TF 1.15's V1 batch norm; tf.layers.BatchNormalization
subclasses it) and LayerNormalization.

Variables (param shape [channels] for one axis): trainable "gamma" (ones, when `scale`) and
"beta" (zeros, when `center`); non-trainable "moving_mean" (zeros) and "moving_variance"
(ones), in GLOBAL_VARIABLES only, as TF1.

- training (a Python bool, 0/1 or a bool tensor: then tf.cond): normalise with the batch's
  moments; inference: with the moving averages. `training` defaults to K.learning_phase() (tf.layers: False).
- the moving averages are updated by ops in the layer's `updates` and in
  GraphKeys.UPDATE_OPS, which the program must run (typically as control dependencies
  of the train op): `moving -= (moving - batch_stat) * (1 - momentum)`
  ("AssignMovingAvg" ops). Running the output alone does not update them.
- rank-4 inputs with one axis 1 or 3 use FusedBatchNormV3 (`fused=None` means yes, as TF1):
  the output uses the population variance, the moving variance is updated with the
  Bessel-corrected (n / (n - 1)) batch variance, epsilon at least 1.001e-5. Other ranks
  use tf.nn.moments + tf.nn.batch_normalization and the population variance for both.
  With a tensor `training`, fused updates use momentum 1 when not training (a no-op), the
  non-fused updates are a tf.cond that returns the unchanged variable.

Not supported (NotImplementedError): renorm=True, virtual_batch_size, adjustment.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import constraints, initializers, regularizers
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.keras.engine.input_spec import InputSpec
from compat_tf._src.keras.utils import tf_utils
from compat_tf._src.ops import array_ops, math_ops, nn_impl, nn_ops, state_ops
from compat_tf._src.ops import constant as _constant


class BatchNormalization(Layer):
    """tf.keras.layers.BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=True,
    scale=True, ..., fused=None, trainable=True, name=None): call(inputs, training=None), where
    None means K.learning_phase()."""

    def __init__(self, axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                 beta_initializer="zeros", gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, renorm=False,
                 renorm_clipping=None, renorm_momentum=0.99, fused=None, trainable=True,
                 virtual_batch_size=None, adjustment=None, name=None, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        if renorm:
            raise NotImplementedError("tf.keras.layers.BatchNormalization(renorm=True) is not supported by "
                                      "compat_tf")
        if virtual_batch_size is not None:
            raise NotImplementedError("tf.keras.layers.BatchNormalization(virtual_batch_size=...) is not supported "
                                      "by compat_tf")
        if adjustment is not None:
            raise NotImplementedError("tf.keras.layers.BatchNormalization(adjustment=...) is not supported by "
                                      "compat_tf")
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise TypeError(f"axis must be int or list, type given: {type(axis)}")
        self.momentum = momentum
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.moving_mean_initializer = initializers.get(moving_mean_initializer)
        self.moving_variance_initializer = initializers.get(moving_variance_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.renorm = False
        self.virtual_batch_size = None
        self.adjustment = None
        self.fused = True if fused is None else fused
        self.supports_masking = True

    @property
    def _param_dtype(self):
        if self.dtype in ("float16", "bfloat16"):
            return _dtypes.float32
        return _dtypes.as_dtype(self.dtype or "float32")

    def build(self, input_shape):
        input_shape = _ts.TensorShape(input_shape)
        if not input_shape.ndims:
            raise ValueError(f"Input has undefined rank: {input_shape}")
        ndims = input_shape.ndims
        if isinstance(self.axis, int):
            self.axis = [self.axis]
        self.axis = [x + ndims if x < 0 else x for x in self.axis]
        for x in self.axis:
            if x < 0 or x >= ndims:
                raise ValueError(f"Invalid axis: {x}")
        if len(self.axis) != len(set(self.axis)):
            raise ValueError(f"Duplicate axis: {self.axis}")
        if self.fused:
            # TF 1.15 (V1 behaviour): fused only for rank 4 over one channel axis
            self.fused = ndims == 4 and len(self.axis) == 1 and self.axis[0] in (1, 3) and \
                self._param_dtype == _dtypes.float32 and \
                self.dtype in ("float16", "bfloat16", "float32")
        axis_to_dim = {x: input_shape[x].value for x in self.axis}
        for x, d in axis_to_dim.items():
            if d is None:
                raise ValueError(f"Input has undefined `axis` dimension. Input shape: {input_shape}")
        self.input_spec = InputSpec(ndim=ndims, axes=axis_to_dim)
        if len(axis_to_dim) == 1:
            param_shape = (list(axis_to_dim.values())[0],)
        else:
            param_shape = [axis_to_dim[i] if i in axis_to_dim else 1 for i in range(ndims)]
        pd = self._param_dtype
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=param_shape, dtype=pd,
                                         initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint, trainable=True)
        else:
            self.gamma = None
            if self.fused:
                self._gamma_const = _constant.constant(1.0, dtype=pd, shape=param_shape)
        if self.center:
            self.beta = self.add_weight(name="beta", shape=param_shape, dtype=pd,
                                        initializer=self.beta_initializer, regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint, trainable=True)
        else:
            self.beta = None
            if self.fused:
                self._beta_const = _constant.constant(0.0, dtype=pd, shape=param_shape)
        self.moving_mean = self.add_weight(name="moving_mean", shape=param_shape, dtype=pd,
                                           initializer=self.moving_mean_initializer, trainable=False)
        self.moving_variance = self.add_weight(name="moving_variance", shape=param_shape, dtype=pd,
                                               initializer=self.moving_variance_initializer, trainable=False)
        self.built = True

    def _assign_moving_average(self, variable, value, momentum):
        g = _graph.get_default_graph()
        with g.name_scope("AssignMovingAvg") as scope:
            decay = _constant.convert_to_tensor(1.0 - momentum, name="decay") \
                if not isinstance(momentum, _graph.Tensor) else \
                math_ops.subtract(_constant.constant(1.0, dtype=momentum.dtype.base_dtype), momentum,
                                  name="decay")
            if decay.dtype.base_dtype != variable.dtype.base_dtype:
                decay = math_ops.cast(decay, variable.dtype.base_dtype)
            update_delta = (variable - math_ops.cast(value, variable.dtype.base_dtype)) * decay
            return state_ops.assign_sub(variable, update_delta, name=scope)

    def _fused_batch_norm(self, inputs, training):
        beta = self.beta if self.center else self._beta_const
        gamma = self.gamma if self.scale else self._gamma_const
        data_format = "NCHW" if self.axis[0] == 1 else "NHWC"

        def train():
            return nn_ops.fused_batch_norm(inputs, gamma, beta, epsilon=self.epsilon, data_format=data_format)

        def infer():
            return nn_ops.fused_batch_norm(inputs, gamma, beta, mean=self.moving_mean,
                                           variance=self.moving_variance, epsilon=self.epsilon,
                                           is_training=False, data_format=data_format)

        output, mean, variance = tf_utils.smart_cond(training, train, infer)
        training_value = tf_utils.constant_value(training)
        if training_value is None:
            momentum = tf_utils.smart_cond(training, lambda: _constant.constant(float(self.momentum)),
                                       lambda: _constant.constant(1.0))
        else:
            momentum = _constant.convert_to_tensor(self.momentum)
        if training_value or training_value is None:
            self.add_update(lambda: self._assign_moving_average(self.moving_mean, mean, momentum))
            self.add_update(lambda: self._assign_moving_average(self.moving_variance, variance, momentum))
        return output

    def call(self, inputs, training=None):
        if training is None:
            training = K.learning_phase()
        if self.fused:
            return self._fused_batch_norm(inputs, training)
        input_shape = inputs.shape
        ndims = input_shape.ndims
        reduction_axes = [i for i in range(ndims) if i not in self.axis]
        broadcast_shape = [1] * ndims
        broadcast_shape[self.axis[0]] = input_shape[self.axis[0]].value

        def _broadcast(v):
            if v is not None and v.shape.ndims != ndims and reduction_axes != list(range(ndims - 1)):
                return array_ops.reshape(v, broadcast_shape)
            return v

        scale, offset = _broadcast(self.gamma), _broadcast(self.beta)
        training_value = tf_utils.constant_value(training)
        if training_value is False:
            mean, variance = self.moving_mean, self.moving_variance
        else:
            keep_dims = len(self.axis) > 1
            batch_mean, batch_var = nn_impl.moments(math_ops.cast(inputs, self._param_dtype), reduction_axes,
                                                    keep_dims=keep_dims)
            moving_mean, moving_variance = self.moving_mean, self.moving_variance
            mean = tf_utils.smart_cond(training, lambda: batch_mean,
                                   lambda: _constant.convert_to_tensor(moving_mean))
            variance = tf_utils.smart_cond(training, lambda: batch_var,
                                       lambda: _constant.convert_to_tensor(moving_variance))
            new_mean, new_variance = mean, variance

            def mean_update():
                return tf_utils.smart_cond(training,
                                       lambda: self._assign_moving_average(self.moving_mean, new_mean,
                                                                           self.momentum),
                                       lambda: _constant.convert_to_tensor(self.moving_mean))

            def variance_update():
                return tf_utils.smart_cond(training,
                                       lambda: self._assign_moving_average(self.moving_variance, new_variance,
                                                                           self.momentum),
                                       lambda: _constant.convert_to_tensor(self.moving_variance))

            self.add_update(mean_update)
            self.add_update(variance_update)
        dt = inputs.dtype.base_dtype
        mean = math_ops.cast(mean, dt)
        variance = math_ops.cast(variance, dt)
        if offset is not None:
            offset = math_ops.cast(offset, dt)
        if scale is not None:
            scale = math_ops.cast(scale, dt)
        outputs = nn_impl.batch_normalization(inputs, _broadcast(mean), _broadcast(variance), offset, scale,
                                              self.epsilon)
        outputs.set_shape(input_shape)
        return outputs

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis, momentum=self.momentum, epsilon=self.epsilon, center=self.center,
                      scale=self.scale, beta_initializer=initializers.serialize(self.beta_initializer),
                      gamma_initializer=initializers.serialize(self.gamma_initializer),
                      moving_mean_initializer=initializers.serialize(self.moving_mean_initializer),
                      moving_variance_initializer=initializers.serialize(self.moving_variance_initializer),
                      beta_regularizer=regularizers.serialize(self.beta_regularizer),
                      gamma_regularizer=regularizers.serialize(self.gamma_regularizer),
                      beta_constraint=constraints.serialize(self.beta_constraint),
                      gamma_constraint=constraints.serialize(self.gamma_constraint))
        return config




class LayerNormalization(Layer):
    """tf.keras.layers.LayerNormalization(axis=-1, epsilon=1e-3, center=True, scale=True, ...):
    normalizes each example over `axis` with its own mean/variance, then gamma * x + beta."""

    def __init__(self, axis=-1, epsilon=1e-3, center=True, scale=True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                 gamma_constraint=None, trainable=True, name=None, **kwargs):
        super().__init__(name=name, trainable=trainable, **kwargs)
        if isinstance(axis, (list, tuple)):
            self.axis = list(axis)
        elif isinstance(axis, int):
            self.axis = axis
        else:
            raise ValueError("Expected an int or a list/tuple of ints for the argument 'axis', but received "
                             "instead: %s" % axis)
        self.epsilon = epsilon
        self.center = center
        self.scale = scale
        self.beta_initializer = initializers.get(beta_initializer)
        self.gamma_initializer = initializers.get(gamma_initializer)
        self.beta_regularizer = regularizers.get(beta_regularizer)
        self.gamma_regularizer = regularizers.get(gamma_regularizer)
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.supports_masking = True

    def build(self, input_shape):
        input_shape = _ts.TensorShape(input_shape)
        ndims = input_shape.ndims
        if ndims is None:
            raise ValueError("Input shape %s has undefined rank." % input_shape)
        if isinstance(self.axis, int):
            self.axis = [self.axis]
        for idx, x in enumerate(self.axis):
            if x < 0:
                self.axis[idx] = ndims + x
        for x in self.axis:
            if x < 0 or x >= ndims:
                raise ValueError("Invalid axis: %d" % x)
        if len(self.axis) != len(set(self.axis)):
            raise ValueError("Duplicate axis: {}".format(tuple(self.axis)))
        param_shape = [input_shape[dim].value for dim in self.axis]
        if self.scale:
            self.gamma = self.add_weight(name="gamma", shape=param_shape, initializer=self.gamma_initializer,
                                         regularizer=self.gamma_regularizer, constraint=self.gamma_constraint,
                                         trainable=True)
        else:
            self.gamma = None
        if self.center:
            self.beta = self.add_weight(name="beta", shape=param_shape, initializer=self.beta_initializer,
                                        regularizer=self.beta_regularizer, constraint=self.beta_constraint,
                                        trainable=True)
        else:
            self.beta = None
        self.built = True

    def call(self, inputs):
        input_shape = inputs.shape
        ndims = input_shape.ndims
        mean, variance = nn_impl.moments(inputs, self.axis, keep_dims=True)
        broadcast_shape = [1] * ndims
        for dim in self.axis:
            broadcast_shape[dim] = input_shape[dim].value

        def _broadcast(v):
            if v is not None and v.shape.ndims != ndims and self.axis != [ndims - 1]:
                return array_ops.reshape(v, broadcast_shape)
            return v
        outputs = nn_impl.batch_normalization(inputs, mean, variance, _broadcast(self.beta),
                                              _broadcast(self.gamma), self.epsilon)
        outputs.set_shape(input_shape)
        return outputs

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(axis=self.axis, epsilon=self.epsilon, center=self.center, scale=self.scale,
                      beta_initializer=initializers.serialize(self.beta_initializer),
                      gamma_initializer=initializers.serialize(self.gamma_initializer),
                      beta_regularizer=regularizers.serialize(self.beta_regularizer),
                      gamma_regularizer=regularizers.serialize(self.gamma_regularizer),
                      beta_constraint=constraints.serialize(self.beta_constraint),
                      gamma_constraint=constraints.serialize(self.gamma_constraint))
        return config
