"""tf.keras.layers core layers (TF 1.15's keras/layers/core.py): Dense, Dropout, Flatten,
Activation, Reshape, Permute, RepeatVector, Lambda, Masking, ActivityRegularization,
SpatialDropout1D/2D/3D. tf.layers.Dense/Dropout/Flatten subclass these.

Dense: `activation(inputs @ kernel + bias)`; rank > 2 inputs contract their last axis with the
kernel (tensordot, static shape [..., units]). Variables "kernel" [in, units] and "bias" [units].
Dropout: `tf.nn.dropout(rate=...)` when `training` (default K.learning_phase(), so `fit` drops
and `predict` does not; a bool tensor selects with tf.cond), the identity otherwise.
Flatten: reshape to [batch, -1]; channels_first inputs are moved to channels_last first.
"""
import marshal
import types

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import activations, constraints, initializers, regularizers
from compat_tf._src.keras import backend as K
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.keras.engine.input_spec import InputSpec
from compat_tf._src.keras.utils import conv_utils, tf_utils
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, nn_ops
from compat_tf._src.ops import constant as _constant


class Dense(Layer):
    """tf.keras.layers.Dense(units, activation=None, use_bias=True,
    kernel_initializer='glorot_uniform', bias_initializer='zeros', ...)."""

    def __init__(self, units, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, **kwargs):
        if "input_shape" not in kwargs and "input_dim" in kwargs:
            kwargs["input_shape"] = (kwargs.pop("input_dim"),)
        super().__init__(activity_regularizer=regularizers.get(activity_regularizer), **kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.supports_masking = True
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape):
        dtype = _dtypes.as_dtype(self.dtype or K.floatx())
        if not (dtype.is_floating or dtype.is_complex):
            raise TypeError(f"Unable to build `Dense` layer with non-floating point dtype {dtype.name}")
        input_shape = _ts.TensorShape(input_shape)
        if input_shape.ndims is None or input_shape[-1].value is None:
            raise ValueError("The last dimension of the inputs to `Dense` should be defined. Found `None`.")
        last_dim = input_shape[-1].value
        self.input_spec = InputSpec(min_ndim=2, axes={-1: last_dim})
        self.kernel = self.add_weight("kernel", shape=[last_dim, self.units], initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      dtype=self.dtype, trainable=True)
        if self.use_bias:
            self.bias = self.add_weight("bias", shape=[self.units], initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        dtype=self.dtype, trainable=True)
        else:
            self.bias = None
        self.built = True

    def call(self, inputs):
        rank = inputs.shape.ndims
        if rank is not None and rank > 2:
            outputs = math_ops.tensordot(inputs, self.kernel, [[rank - 1], [0]])
            outputs.set_shape(inputs.shape.as_list()[:-1] + [self.units])
        else:
            if self.dtype is not None and inputs.dtype.base_dtype.name != self.dtype:
                inputs = math_ops.cast(inputs, self.dtype)
            outputs = math_ops.matmul(inputs, self.kernel)
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        input_shape = _ts.TensorShape(input_shape).with_rank_at_least(2)
        if input_shape[-1].value is None:
            raise ValueError(f"The innermost dimension of input_shape must be defined, but saw: {input_shape}")
        return input_shape[:-1].concatenate(self.units)

    def get_config(self):
        config = super().get_config()
        config.update(units=self.units, activation=activations.serialize(self.activation), use_bias=self.use_bias,
                      kernel_initializer=initializers.serialize(self.kernel_initializer),
                      bias_initializer=initializers.serialize(self.bias_initializer),
                      kernel_regularizer=regularizers.serialize(self.kernel_regularizer),
                      bias_regularizer=regularizers.serialize(self.bias_regularizer),
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      kernel_constraint=constraints.serialize(self.kernel_constraint),
                      bias_constraint=constraints.serialize(self.bias_constraint))
        return config


class Dropout(Layer):
    """tf.keras.layers.Dropout(rate, noise_shape=None, seed=None): call(inputs, training=None)."""

    def __init__(self, rate, noise_shape=None, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.noise_shape = noise_shape
        self.seed = seed
        self.supports_masking = True

    def _get_noise_shape(self, inputs):
        if self.noise_shape is None:
            return None
        concrete = array_ops.shape(inputs)
        out = [concrete[i] if value is None else value for i, value in enumerate(self.noise_shape)]
        return array_ops.stack(out) if any(not isinstance(v, (int, np.integer)) for v in out) else out

    def call(self, inputs, training=None):
        if training is None:
            training = K.learning_phase()

        def dropped():
            return nn_ops.dropout(inputs, noise_shape=self._get_noise_shape(inputs), seed=self.seed,
                                  rate=self.rate)
        return tf_utils.smart_cond(training, dropped, lambda: control_flow_ops.identity(inputs))

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(rate=self.rate, noise_shape=self.noise_shape, seed=self.seed)
        return config


class _SpatialDropout(Dropout):
    _rank = 1

    def __init__(self, rate, data_format=None, **kwargs):
        super().__init__(rate, **kwargs)
        self.data_format = "channels_last" if self._rank == 1 else \
            conv_utils.normalize_data_format_or_default(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _get_noise_shape(self, inputs):
        s = array_ops.shape(inputs)
        if self.data_format == "channels_first":
            return array_ops.stack([s[0], s[1]] + [1] * self._rank)
        return array_ops.stack([s[0]] + [1] * self._rank + [s[-1]])


class SpatialDropout1D(_SpatialDropout):
    """tf.keras.layers.SpatialDropout1D(rate): drops whole channels of [batch, time, channels]."""
    _rank = 1

    def __init__(self, rate, **kwargs):
        super().__init__(rate, **kwargs)


class SpatialDropout2D(_SpatialDropout):
    """tf.keras.layers.SpatialDropout2D(rate, data_format=None): drops whole feature maps."""
    _rank = 2


class SpatialDropout3D(_SpatialDropout):
    """tf.keras.layers.SpatialDropout3D(rate, data_format=None)."""
    _rank = 3


class Flatten(Layer):
    """tf.keras.layers.Flatten(data_format=None): [batch, ...] -> [batch, prod(...)]."""

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format_or_default(data_format)
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
        rest = dims[1:]
        flat = int(np.prod(rest)) if rest and all(d is not None for d in rest) else (1 if not rest else None)
        return _ts.TensorShape([dims[0], flat])

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


class Activation(Layer):
    """tf.keras.layers.Activation(activation): applies an activation function."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.activation = activations.get(activation)

    def call(self, inputs):
        return self.activation(inputs)

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config


class Reshape(Layer):
    """tf.keras.layers.Reshape(target_shape): [batch, ...] -> [batch, *target_shape] (one -1 allowed)."""

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(target_shape)

    def _fix_unknown_dimension(self, input_shape, output_shape):
        output_shape = list(output_shape)
        msg = "total size of new array must be unchanged"
        known, unknown = 1, None
        for index, dim in enumerate(output_shape):
            if dim < 0:
                if unknown is None:
                    unknown = index
                else:
                    raise ValueError("Can only specify one unknown dimension.")
            else:
                known *= dim
        original = np.prod(input_shape, dtype=int)
        if unknown is not None:
            if known == 0 or original % known != 0:
                raise ValueError(msg)
            output_shape[unknown] = original // known
        elif original != known:
            raise ValueError(msg)
        return output_shape

    def compute_output_shape(self, input_shape):
        input_shape = _ts.TensorShape(input_shape).as_list()
        if None in input_shape[1:]:
            out = [input_shape[0]] + [d if d != -1 else None for d in self.target_shape]
        else:
            out = [input_shape[0]] + self._fix_unknown_dimension(input_shape[1:], self.target_shape)
        return _ts.TensorShape(out)

    def call(self, inputs):
        out = array_ops.reshape(inputs, array_ops.concat([array_ops.shape(inputs)[:1],
                                                          _constant.constant(list(self.target_shape),
                                                                             dtype="int32")], 0))
        out.set_shape(self.compute_output_shape(inputs.shape))
        return out

    def get_config(self):
        config = super().get_config()
        config["target_shape"] = self.target_shape
        return config


class Permute(Layer):
    """tf.keras.layers.Permute(dims): permutes the non-batch axes (1-based `dims`)."""

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        self.dims = tuple(dims)
        if sorted(dims) != list(range(1, len(dims) + 1)):
            raise ValueError("Invalid permutation `dims` for Permute Layer: %s. The set of indices in `dims` "
                             "must be consecutive and start from 1." % (dims,))
        self.input_spec = InputSpec(ndim=len(self.dims) + 1)

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        return _ts.TensorShape([s[0]] + [s[d] for d in self.dims])

    def call(self, inputs):
        return array_ops.transpose(inputs, perm=(0,) + self.dims)

    def get_config(self):
        config = super().get_config()
        config["dims"] = self.dims
        return config


class RepeatVector(Layer):
    """tf.keras.layers.RepeatVector(n): [batch, features] -> [batch, n, features]."""

    def __init__(self, n, **kwargs):
        super().__init__(**kwargs)
        self.n = n
        self.input_spec = InputSpec(ndim=2)

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        return _ts.TensorShape([s[0], self.n, s[1]])

    def call(self, inputs):
        from compat_tf._src.keras import backend_ops
        return backend_ops.repeat(inputs, self.n)

    def get_config(self):
        config = super().get_config()
        config["n"] = self.n
        return config


class Masking(Layer):
    """tf.keras.layers.Masking(mask_value=0.): masks time steps whose features all equal mask_value."""

    def __init__(self, mask_value=0., **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True
        self.mask_value = mask_value
        self._compute_output_and_mask_jointly = True

    def compute_mask(self, inputs, mask=None):
        return math_ops.reduce_any(math_ops.not_equal(inputs, self.mask_value), axis=-1)

    def call(self, inputs):
        boolean_mask = math_ops.reduce_any(math_ops.not_equal(inputs, self.mask_value), axis=-1, keepdims=True)
        outputs = inputs * math_ops.cast(boolean_mask, inputs.dtype)
        outputs._keras_mask = array_ops.squeeze(boolean_mask, axis=-1)
        return outputs

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config["mask_value"] = self.mask_value
        return config


class ActivityRegularization(Layer):
    """tf.keras.layers.ActivityRegularization(l1=0., l2=0.): identity adding an activity loss."""

    def __init__(self, l1=0., l2=0., **kwargs):
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.supports_masking = True
        self.l1 = l1
        self.l2 = l2

    def compute_output_shape(self, input_shape):
        return _ts.TensorShape(input_shape)

    def get_config(self):
        config = super().get_config()
        config.update(l1=self.l1, l2=self.l2)
        return config


def func_dump(func):
    """A function's code as base64 marshal text, its defaults and closure (Keras' func_dump)."""
    import codecs
    code = codecs.encode(marshal.dumps(func.__code__), "base64").decode("ascii")
    closure = tuple(c.cell_contents for c in func.__closure__) if func.__closure__ else None
    return code, func.__defaults__, closure


def func_load(code, defaults=None, closure=None, globs=None):
    """The inverse of func_dump (same Python version only, as Keras)."""
    import codecs
    if isinstance(code, (tuple, list)):
        code, defaults, closure = code
        if isinstance(defaults, list):
            defaults = tuple(defaults)

    def ensure_value_to_cell(value):
        def dummy_fn():
            value  # noqa: B018 - creates the closure cell
        return dummy_fn.__closure__[0]
    if closure is not None:
        closure = tuple(ensure_value_to_cell(c) for c in closure)
    raw = codecs.decode(code.encode("ascii"), "base64")
    code = marshal.loads(raw)
    if globs is None:
        globs = globals()
    return types.FunctionType(code, globs, name=code.co_name, argdefs=defaults, closure=closure)


class Lambda(Layer):
    """tf.keras.layers.Lambda(function, output_shape=None, mask=None, arguments=None): wraps an
    expression as a layer; `function(inputs, **arguments)` (with mask/training when it takes them)."""

    def __init__(self, function, output_shape=None, mask=None, arguments=None, **kwargs):
        super().__init__(**kwargs)
        self.function = function
        self.arguments = arguments if arguments else {}
        if mask is not None:
            self.supports_masking = True
        self.mask = mask
        self._output_shape = output_shape
        import inspect
        try:
            params = inspect.signature(function).parameters
        except (TypeError, ValueError):
            params = {}
        self._fn_expects_training_arg = "training" in params
        self._fn_expects_mask_arg = "mask" in params

    def compute_output_shape(self, input_shape):
        if self._output_shape is None:
            return super().compute_output_shape(input_shape)
        if callable(self._output_shape):
            return tf_utils.convert_shapes(self._output_shape(tf_utils.convert_shapes(input_shape)),
                                           to_tuples=False)
        input_shape = tf_utils.convert_shapes(input_shape, to_tuples=False)
        batch = input_shape[0][0] if isinstance(input_shape, list) else input_shape[0]
        return _ts.TensorShape((batch,) + tuple(self._output_shape))

    def call(self, inputs, mask=None, training=None):
        arguments = dict(self.arguments)
        if self._fn_expects_mask_arg:
            arguments["mask"] = mask
        if self._fn_expects_training_arg:
            arguments["training"] = training
        return self.function(inputs, **arguments)

    def compute_mask(self, inputs, mask=None):
        if callable(self.mask):
            return self.mask(inputs, mask)
        return self.mask

    def get_config(self):
        if isinstance(self.function, types.LambdaType) and self.function.__name__ == "<lambda>":
            function, function_type = func_dump(self.function), "lambda"
        else:
            function, function_type = self.function.__name__, "function"
        output_shape_type = "raw"
        output_shape = self._output_shape
        if callable(output_shape):
            output_shape, output_shape_type = func_dump(output_shape), "lambda"
        config = super().get_config()
        config.update(function=function, function_type=function_type, module=self.function.__module__,
                      output_shape=output_shape, output_shape_type=output_shape_type,
                      output_shape_module=None, arguments=self.arguments)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        import sys
        config = dict(config)
        globs = dict(globals())
        module = config.pop("module", None)
        if module in sys.modules:
            globs.update(sys.modules[module].__dict__)
        if custom_objects:
            globs.update(custom_objects)
        function_type = config.pop("function_type")
        if function_type == "function":
            from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object
            function = deserialize_keras_object(config["function"], custom_objects=custom_objects,
                                                module_objects=globs, printable_module_name="function in Lambda")
        elif function_type == "lambda":
            function = func_load(config["function"], globs=globs)
        else:
            raise TypeError("Unknown function type:", function_type)
        output_shape_type = config.pop("output_shape_type")
        config.pop("output_shape_module", None)
        if output_shape_type == "lambda":
            config["output_shape"] = func_load(config["output_shape"], globs=globs)
        elif output_shape_type == "raw" and isinstance(config.get("output_shape"), list):
            config["output_shape"] = tuple(config["output_shape"])
        config["function"] = function
        return cls(**config)
