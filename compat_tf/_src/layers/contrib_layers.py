"""tf.contrib.layers basics (TF 1.15): fully_connected, conv2d/convolution, flatten, dropout,
max_pool2d/avg_pool2d, batch_norm, regularizers and the xavier / variance-scaling initializers.

As TF1, the layer functions open `variable_scope(scope, <default name>, reuse=reuse)` with a
custom getter that renames the core layers' "kernel"/"bias" to "weights"/"biases" and creates
model variables (GLOBAL_VARIABLES + MODEL_VARIABLES, plus `variables_collections`), then
apply the tf.layers class (fully_connected: "fully_connected/weights"; conv2d: "Conv/weights";
batch_norm: "BatchNorm/beta", ...). `activation_fn` defaults to relu for fully_connected and
conv2d, then the normalizer_fn (if any) runs before the activation, and the bias is dropped
when a normalizer_fn is given.

batch_norm: defaults decay=0.999, center=True, scale=False, epsilon=0.001, is_training=True.
Rank-4 inputs with the default updates_collections use tf.layers.BatchNormalization; rank 2
(the default fused=None), or updates_collections other than UPDATE_OPS, use TF1's contrib
fused path: FusedBatchNormV3 over [N, 1, 1, C] with the Bessel-corrected batch variance for
the moving average; `updates_collections=None` makes the output depend on the updates.
Not supported (NotImplementedError): batch_weights, zero_debias_moving_mean, renorm,
adjustment, and non-fused inputs of other ranks outside the default updates collection.
"""
import functools
import math
import numbers

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.layers import base as _base
from compat_tf._src.layers import convolutional as _conv
from compat_tf._src.layers import core as _core
from compat_tf._src.layers import normalization as _norm
from compat_tf._src.layers import pooling as _pool
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, nn_ops, random_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import init_ops
from compat_tf._src.ops import variable_scope as _vs

__all__ = ["apply_regularization", "avg_pool2d", "batch_norm", "conv2d", "convolution", "convolution2d",
           "dropout", "flatten", "fully_connected", "l1_l2_regularizer", "l1_regularizer", "l2_regularizer",
           "linear", "max_pool2d", "sum_regularizer", "variance_scaling_initializer", "xavier_initializer",
           "xavier_initializer_conv2d"]


# --------------------------------------------------------------------------------------------
# initializers and regularizers
# --------------------------------------------------------------------------------------------

def variance_scaling_initializer(factor=2.0, mode="FAN_IN", uniform=False, seed=None, dtype=_dtypes.float32):
    """tf.contrib.layers.variance_scaling_initializer: uniform(+-sqrt(3 factor / n)) or
    truncated_normal(stddev=sqrt(1.3 factor / n)), n = fan_in / fan_out / their mean, where the
    fans multiply in every dimension but the last two (TF1's estimate)."""
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise TypeError("Cannot create initializer for non-floating point type.")
    if mode not in ("FAN_IN", "FAN_OUT", "FAN_AVG"):
        raise TypeError(f"Unknown mode {mode} [FAN_IN, FAN_OUT, FAN_AVG]")

    def _initializer(shape, dtype=dtype, partition_info=None):
        dtype = _dtypes.as_dtype(dtype)
        if not dtype.is_floating:
            raise TypeError("Cannot create initializer for non-floating point type.")
        shape = list(shape)
        if shape:
            fan_in = float(shape[-2]) if len(shape) > 1 else float(shape[-1])
            fan_out = float(shape[-1])
        else:
            fan_in = fan_out = 1.0
        for dim in shape[:-2]:
            fan_in *= float(dim)
            fan_out *= float(dim)
        n = {"FAN_IN": fan_in, "FAN_OUT": fan_out, "FAN_AVG": (fan_in + fan_out) / 2.0}[mode]
        if uniform:
            limit = math.sqrt(3.0 * factor / n)
            return random_ops.random_uniform(shape, -limit, limit, dtype, seed=seed)
        return random_ops.truncated_normal(shape, 0.0, math.sqrt(1.3 * factor / n), dtype, seed=seed)
    return _initializer


def xavier_initializer(uniform=True, seed=None, dtype=_dtypes.float32):
    """tf.contrib.layers.xavier_initializer: variance_scaling(factor=1, FAN_AVG)."""
    return variance_scaling_initializer(factor=1.0, mode="FAN_AVG", uniform=uniform, seed=seed, dtype=dtype)


xavier_initializer_conv2d = xavier_initializer


def _check_scale(scale):
    if isinstance(scale, numbers.Integral):
        raise ValueError(f"scale cannot be an integer: {scale}")
    if isinstance(scale, numbers.Real):
        if scale < 0.:
            raise ValueError(f"Setting a scale less than 0 on a regularizer: {scale}")
        if scale == 0.:
            return False
    return True


def l1_regularizer(scale, scope=None):
    """tf.contrib.layers.l1_regularizer: w -> scale * sum(|w|) (op named by scope 'l1_regularizer')."""
    if not _check_scale(scale):
        return lambda _: None

    def l1(weights):
        g = _graph.get_default_graph()
        with g.name_scope(scope or "l1_regularizer") as name:
            my_scale = _constant.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return math_ops.multiply(my_scale, math_ops.reduce_sum(math_ops.abs(weights)), name=name)
    return l1


def l2_regularizer(scale, scope=None):
    """tf.contrib.layers.l2_regularizer: w -> scale * sum(w ** 2) / 2 (tf.nn.l2_loss)."""
    if not _check_scale(scale):
        return lambda _: None

    def l2(weights):
        g = _graph.get_default_graph()
        with g.name_scope(scope or "l2_regularizer") as name:
            my_scale = _constant.convert_to_tensor(scale, dtype=weights.dtype.base_dtype, name="scale")
            return math_ops.multiply(my_scale, nn_ops.l2_loss(weights), name=name)
    return l2


def sum_regularizer(regularizer_list, scope=None):
    """tf.contrib.layers.sum_regularizer: the sum of the regularizers' (non-None) penalties."""
    regularizer_list = [r for r in regularizer_list if r]
    if not regularizer_list:
        return None

    def sum_reg(weights):
        g = _graph.get_default_graph()
        with g.name_scope(scope or "sum_regularizer") as name:
            penalties = [p for p in (r(weights) for r in regularizer_list) if p is not None]
            return math_ops.add_n(penalties, name=name)
    return sum_reg


def l1_l2_regularizer(scale_l1=1.0, scale_l2=1.0, scope=None):
    """tf.contrib.layers.l1_l2_regularizer: l1 + l2 penalties."""
    if isinstance(scale_l1, numbers.Integral):
        raise ValueError(f"scale_l1 cannot be an integer: {scale_l1}")
    if isinstance(scale_l2, numbers.Integral):
        raise ValueError(f"scale_l2 cannot be an integer: {scale_l2}")
    scope = scope or "l1_l2_regularizer"
    if scale_l1 == 0.:
        return l2_regularizer(scale_l2, scope)
    if scale_l2 == 0.:
        return l1_regularizer(scale_l1, scope)
    return sum_regularizer([l1_regularizer(scale_l1), l2_regularizer(scale_l2)], scope=scope)


def apply_regularization(regularizer, weights_list=None):
    """tf.contrib.layers.apply_regularization: sum of regularizer(w) over weights_list (default: the
    WEIGHTS collection), each added to REGULARIZATION_LOSSES."""
    if not weights_list:
        weights_list = _graph.get_collection(GraphKeys.WEIGHTS)
    if not weights_list:
        raise ValueError("No weights to regularize.")
    g = _graph.get_default_graph()
    with g.name_scope("get_regularization_penalty"):
        penalties = [regularizer(w) for w in weights_list]
        penalties = [p for p in penalties if p is not None]
        for p in penalties:
            g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, p)
        summed = math_ops.add_n(penalties) if penalties else _constant.constant(0.0)
    return summed


# --------------------------------------------------------------------------------------------
# model-variable getter and collection helpers
# --------------------------------------------------------------------------------------------

def _model_variable_getter(getter, name, shape=None, dtype=None, initializer=None, regularizer=None,
                           trainable=True, collections=None, rename=None, **kwargs):
    short = name.split("/")[-1]
    if rename and short in rename:
        name = "/".join(name.split("/")[:-1] + [rename[short]])
    collections = list(collections or [])
    for key in (GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES):
        if key not in collections:
            collections.append(key)
    return getter(name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                  trainable=trainable, collections=collections, **kwargs)


def _build_variable_getter(rename=None):
    def layer_variable_getter(getter, *args, **kwargs):
        kwargs["rename"] = rename
        return _model_variable_getter(getter, *args, **kwargs)
    return layer_variable_getter


def _model_variable(name, shape, dtype, initializer, regularizer=None, trainable=True, collections=None):
    """contrib.framework.model_variable: get_variable into GLOBAL + MODEL_VARIABLES (+ collections)."""
    collections = list(collections or []) + [GraphKeys.GLOBAL_VARIABLES, GraphKeys.MODEL_VARIABLES]
    return _vs.get_variable(name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                            trainable=trainable, collections=list(dict.fromkeys(collections)))


def _get_variable_collections(variables_collections, name):
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def _add_variable_to_collections(variable, collections_set, collections_name):
    collections = _get_variable_collections(collections_set, collections_name) or []
    if isinstance(collections, str):
        collections = [collections]
    for c in collections:
        if not any(v is variable for v in _graph.get_collection(c)):
            _graph.add_to_collection(c, variable)


def _collect_named_outputs(collections, alias, outputs):
    if collections:
        from compat_tf._src.contrib.layers_utils import collect_named_outputs
        return collect_named_outputs(collections, alias, outputs)   # TF1 appends the alias to tensor.aliases
    return outputs


def _channels(data_format):
    if data_format is None or data_format in ("NHWC", "NWC", "NDHWC"):
        return "channels_last"
    if data_format in ("NCHW", "NCW", "NCDHW"):
        return "channels_first"
    raise ValueError(f"Invalid data_format: {data_format}")


# --------------------------------------------------------------------------------------------
# layers
# --------------------------------------------------------------------------------------------

def fully_connected(inputs, num_outputs, activation_fn=nn_ops.relu, normalizer_fn=None,
                    normalizer_params=None,
                    weights_initializer=None, weights_regularizer=None,
                    biases_initializer=init_ops.zeros_initializer(), biases_regularizer=None, reuse=None,
                    variables_collections=None, outputs_collections=None, trainable=True, scope=None):
    """tf.contrib.layers.fully_connected: Dense in variable scope `scope` or "fully_connected"
    (variables "weights" [in, num_outputs], "biases"); relu by default."""
    if not isinstance(num_outputs, numbers.Integral):
        raise ValueError(f"num_outputs type should be one of {numbers.Integral}, got {type(num_outputs)}.")
    if weights_initializer is None:
        weights_initializer = xavier_initializer()
    layer_variable_getter = _build_variable_getter({"bias": "biases", "kernel": "weights"})
    with _vs.variable_scope(scope, "fully_connected", [inputs], reuse=reuse,
                            custom_getter=layer_variable_getter) as sc:
        inputs = _constant.convert_to_tensor(inputs)
        layer = _core.Dense(units=num_outputs, activation=None,
                            use_bias=not normalizer_fn and biases_initializer is not None,
                            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
                            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                            trainable=trainable, name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc,
                            _reuse=reuse)
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, variables_collections, "weights")
        if layer.bias is not None:
            _add_variable_to_collections(layer.bias, variables_collections, "biases")
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_named_outputs(outputs_collections, sc.name, outputs)


def linear(inputs, num_outputs, **kwargs):
    """tf.contrib.layers.linear: fully_connected without activation."""
    return fully_connected(inputs, num_outputs, activation_fn=None, **kwargs)


def convolution(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format=None, rate=1,
                activation_fn=nn_ops.relu, normalizer_fn=None, normalizer_params=None,
                weights_initializer=None,
                weights_regularizer=None, biases_initializer=init_ops.zeros_initializer(),
                biases_regularizer=None, reuse=None, variables_collections=None, outputs_collections=None,
                trainable=True, scope=None, conv_dims=None):
    """tf.contrib.layers.convolution: Conv1D/2D/3D (by input rank) in scope `scope` or "Conv"
    (variables "weights", "biases"); SAME padding and relu by default."""
    if data_format not in (None, "NWC", "NCW", "NHWC", "NCHW", "NDHWC", "NCDHW"):
        raise ValueError(f"Invalid data_format: {data_format!r}")
    if weights_initializer is None:
        weights_initializer = xavier_initializer()
    layer_variable_getter = _build_variable_getter({"bias": "biases", "kernel": "weights"})
    with _vs.variable_scope(scope, "Conv", [inputs], reuse=reuse, custom_getter=layer_variable_getter) as sc:
        inputs = _constant.convert_to_tensor(inputs)
        input_rank = inputs.shape.ndims
        if conv_dims is not None and conv_dims + 2 != input_rank:
            raise ValueError(f"Convolution expects input with rank {conv_dims + 2}, got {input_rank}")
        cls = {3: _conv.Conv1D, 4: _conv.Conv2D, 5: _conv.Conv3D}.get(input_rank)
        if cls is None:
            raise ValueError(f"Convolution not supported for input with rank {input_rank}")
        layer = cls(filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding,
                    data_format=_channels(data_format), dilation_rate=rate, activation=None,
                    use_bias=not normalizer_fn and biases_initializer is not None,
                    kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
                    kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                    trainable=trainable, name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc, _reuse=reuse)
        outputs = layer.apply(inputs)
        _add_variable_to_collections(layer.kernel, variables_collections, "weights")
        if layer.use_bias:
            _add_variable_to_collections(layer.bias, variables_collections, "biases")
        if normalizer_fn is not None:
            outputs = normalizer_fn(outputs, **(normalizer_params or {}))
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_named_outputs(outputs_collections, sc.name, outputs)


conv2d = convolution2d = functools.partial(convolution, conv_dims=2)
functools.update_wrapper(conv2d, convolution)
conv2d.__doc__ = "tf.contrib.layers.conv2d: convolution over rank-4 inputs (scope 'Conv')."


def flatten(inputs, outputs_collections=None, scope=None):
    """tf.contrib.layers.flatten: [batch, ...] -> [batch, k] under name scope "Flatten"."""
    g = _graph.get_default_graph()
    with g.name_scope(scope or "Flatten") as sc:
        inputs = _constant.convert_to_tensor(inputs)
        outputs = _core.flatten(inputs)
        return _collect_named_outputs(outputs_collections, sc, outputs)


def dropout(inputs, keep_prob=0.5, noise_shape=None, is_training=True, outputs_collections=None, scope=None,
            seed=None):
    """tf.contrib.layers.dropout: keeps with probability keep_prob when is_training (default True)."""
    with _vs.variable_scope(scope, "Dropout", [inputs], custom_getter=_model_variable_getter) as sc:
        inputs = _constant.convert_to_tensor(inputs)
        layer = _core.Dropout(rate=1 - keep_prob, noise_shape=noise_shape, seed=seed, name=sc.name, _scope=sc)
        outputs = layer.apply(inputs, training=is_training)
        return _collect_named_outputs(outputs_collections, sc.name, outputs)


def _pool2d(cls, default_name, inputs, kernel_size, stride, padding, data_format, outputs_collections, scope):
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    g = _graph.get_default_graph()
    with g.name_scope(scope or default_name) as sc:
        inputs = _constant.convert_to_tensor(inputs)
        layer = cls(pool_size=kernel_size, strides=stride, padding=padding,
                    data_format=_channels(data_format),
                    _scope=sc)
        outputs = layer.apply(inputs)
        return _collect_named_outputs(outputs_collections, sc, outputs)


def max_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC", outputs_collections=None,
               scope=None):
    """tf.contrib.layers.max_pool2d: stride 2 and VALID padding by default."""
    return _pool2d(_pool.MaxPooling2D, "MaxPool2D", inputs, kernel_size, stride, padding, data_format,
                   outputs_collections, scope)


def avg_pool2d(inputs, kernel_size, stride=2, padding="VALID", data_format="NHWC", outputs_collections=None,
               scope=None):
    """tf.contrib.layers.avg_pool2d: stride 2 and VALID padding by default."""
    return _pool2d(_pool.AveragePooling2D, "AvgPool2D", inputs, kernel_size, stride, padding, data_format,
                   outputs_collections, scope)


def batch_norm(inputs, decay=0.999, center=True, scale=False, epsilon=0.001, activation_fn=None,
               param_initializers=None, param_regularizers=None, updates_collections=GraphKeys.UPDATE_OPS,
               is_training=True, reuse=None, variables_collections=None, outputs_collections=None,
               trainable=True, batch_weights=None, fused=None, data_format="NHWC",
               zero_debias_moving_mean=False, scope=None, renorm=False, renorm_clipping=None,
               renorm_decay=0.99,
               adjustment=None):
    """tf.contrib.layers.batch_norm (TF 1.15); see the module docstring for the paths."""
    if batch_weights is not None or zero_debias_moving_mean or renorm or adjustment is not None:
        raise NotImplementedError("tf.contrib.layers.batch_norm(batch_weights / zero_debias_moving_mean / "
                                  "renorm / adjustment) is not supported by compat_tf")
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    if fused is None:
        fused = True
    inputs = _constant.convert_to_tensor(inputs)
    rank = inputs.shape.ndims
    default_updates = updates_collections == GraphKeys.UPDATE_OPS
    if fused and rank in (2, 4) and (rank == 2 or not default_updates):
        return _fused_batch_norm(inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
                                 param_regularizers, updates_collections, is_training, reuse,
                                 variables_collections, outputs_collections, trainable, data_format, scope)
    if not default_updates:
        raise NotImplementedError("tf.contrib.layers.batch_norm(fused=False, updates_collections other than "
                                  "UPDATE_OPS) is not supported by compat_tf")
    layer_variable_getter = _build_variable_getter()
    with _vs.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse,
                            custom_getter=layer_variable_getter) as sc:
        pi = param_initializers or {}
        pr = param_regularizers or {}
        layer = _norm.BatchNormalization(
            axis=1 if data_format == "NCHW" else -1, momentum=decay, epsilon=epsilon, center=center,
            scale=scale,
            beta_initializer=pi.get("beta", init_ops.zeros_initializer()),
            gamma_initializer=pi.get("gamma", init_ops.ones_initializer()),
            moving_mean_initializer=pi.get("moving_mean", init_ops.zeros_initializer()),
            moving_variance_initializer=pi.get("moving_variance", init_ops.ones_initializer()),
            beta_regularizer=pr.get("beta"), gamma_regularizer=pr.get("gamma"), trainable=trainable,
            name=sc.name, _scope=sc, _reuse=reuse, fused=fused)
        outputs = layer.apply(inputs, training=is_training)
        _add_variable_to_collections(layer.moving_mean, variables_collections, "moving_mean")
        _add_variable_to_collections(layer.moving_variance, variables_collections, "moving_variance")
        if layer.beta is not None:
            _add_variable_to_collections(layer.beta, variables_collections, "beta")
        if layer.gamma is not None:
            _add_variable_to_collections(layer.gamma, variables_collections, "gamma")
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_named_outputs(outputs_collections, sc.name, outputs)


def _assign_moving_average(variable, value, decay):
    """moving_averages.assign_moving_average(zero_debias=False): v -= (v - value) * (1 - decay)."""
    g = _graph.get_default_graph()
    from compat_tf._src.ops import state_ops
    with g.name_scope("AssignMovingAvg") as scope:
        d = _constant.convert_to_tensor(1.0 - decay, name="decay")
        if d.dtype.base_dtype != variable.dtype.base_dtype:
            d = math_ops.cast(d, variable.dtype.base_dtype)
        return state_ops.assign_sub(variable, (variable - value) * d, name=scope)


def _fused_batch_norm(inputs, decay, center, scale, epsilon, activation_fn, param_initializers,
                      param_regularizers, updates_collections, is_training, reuse, variables_collections,
                      outputs_collections, trainable, data_format, scope):
    with _vs.variable_scope(scope, "BatchNorm", [inputs], reuse=reuse) as sc:
        original_inputs = inputs
        original_shape = inputs.shape
        original_rank = original_shape.ndims
        if original_rank is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank")
        if original_rank not in (2, 4):
            raise ValueError(f"Inputs {inputs.name} has unsupported rank. Expected 2 or 4 but got "
                             f"{original_rank}")
        if original_rank == 2:
            channels = original_shape[-1].value
            if channels is None:
                raise ValueError(f"Inputs {inputs.name} has undefined last dimension {original_shape}.")
            new_shape = [-1, 1, 1, channels] if data_format == "NHWC" else [-1, channels, 1, 1]
            inputs = array_ops.reshape(inputs, new_shape)
        inputs_shape = inputs.shape
        params_shape = inputs_shape[-1:] if data_format == "NHWC" else inputs_shape[1:2]
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs {inputs.name} has undefined channels dimension {params_shape}.")
        dtype = inputs.dtype.base_dtype
        pi = param_initializers or {}
        pr = param_regularizers or {}
        shape = params_shape.as_list()
        if center:
            beta = _model_variable("beta", shape, dtype, pi.get("beta", init_ops.zeros_initializer()),
                                   pr.get("beta"), trainable, _get_variable_collections(variables_collections,
                                                                                        "beta"))
        else:
            beta = _constant.constant(0.0, dtype=dtype, shape=shape)
        if scale:
            gamma = _model_variable("gamma", shape, dtype, pi.get("gamma", init_ops.ones_initializer()),
                                    pr.get("gamma"), trainable,
                                    _get_variable_collections(variables_collections,
                                                                                          "gamma"))
        else:
            gamma = _constant.constant(1.0, dtype=dtype, shape=shape)
        moving_mean = _model_variable("moving_mean", shape, dtype,
                                      pi.get("moving_mean", init_ops.zeros_initializer()), None, False,
                                      _get_variable_collections(variables_collections, "moving_mean"))
        moving_variance = _model_variable("moving_variance", shape, dtype,
                                          pi.get("moving_variance", init_ops.ones_initializer()), None, False,
                                          _get_variable_collections(variables_collections, "moving_variance"))

        def train():
            return nn_ops.fused_batch_norm(inputs, gamma, beta, epsilon=epsilon, data_format=data_format)

        def infer():
            return nn_ops.fused_batch_norm(inputs, gamma, beta, mean=moving_mean, variance=moving_variance,
                                           epsilon=epsilon, is_training=False, data_format=data_format)

        outputs, mean, variance = _base.smart_cond(is_training, train, infer)
        training_value = _base.constant_value(is_training)
        if training_value is None or training_value:
            if updates_collections is None:
                def force_updates():
                    um = _assign_moving_average(moving_mean, mean, decay)
                    uv = _assign_moving_average(moving_variance, variance, decay)
                    g = _graph.get_default_graph()
                    with g.control_dependencies([um, uv]):
                        return control_flow_ops.identity(outputs)
                outputs = _base.smart_cond(is_training, force_updates, lambda: outputs)
            else:
                def delay_updates():
                    return (_assign_moving_average(moving_mean, mean, decay),
                            _assign_moving_average(moving_variance, variance, decay))
                um, uv = _base.smart_cond(is_training, delay_updates,
                                          lambda: (_constant.convert_to_tensor(moving_mean),
                                                   _constant.convert_to_tensor(moving_variance)))
                keys = [updates_collections] if isinstance(updates_collections, str) else updates_collections
                for k in keys:
                    _graph.add_to_collection(k, um)
                    _graph.add_to_collection(k, uv)
        outputs.set_shape(inputs_shape)
        if original_rank == 2:
            outputs = array_ops.reshape(outputs, array_ops.shape(original_inputs))
            outputs.set_shape(original_shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _collect_named_outputs(outputs_collections, sc.name, outputs)
