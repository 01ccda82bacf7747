"""tf.contrib.layers / TF-Slim layer functions (TF 1.15 contrib/layers/python/layers/layers.py),
all decorated with `add_arg_scope` so `slim.arg_scope([slim.conv2d], ...)` sets their defaults.

The basic layers (fully_connected, conv2d, pooling, batch_norm, dropout, flatten) are those of
compat_tf._src.layers.contrib_layers; this module adds the arg-scoped public objects and the
rest of what TF-Slim code calls: repeat, stack, separable_conv2d, conv2d_transpose, one_hot_encoding,
softmax, unit_norm, bias_add, layer_norm. Variable names are TF-Slim's ("Conv/weights",
"SeparableConv2d/depthwise_weights", "Conv2d_transpose/biases", "LayerNorm/gamma", ...), so
checkpoints of TF1 slim models restore.
"""
import functools

from compat_tf._src.contrib.arg_scope import add_arg_scope
from compat_tf._src.contrib.variables import model_variable
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.layers import contrib_layers as _cl
from compat_tf._src.layers import convolutional as _conv
from compat_tf._src.ops import array_ops, math_ops, nn_impl, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import init_ops
from compat_tf._src.ops import variable_scope as _vs

__all__ = ["avg_pool2d", "batch_norm", "bias_add", "conv2d", "conv2d_transpose", "convolution", "convolution2d",
           "convolution2d_transpose", "dropout", "flatten", "fully_connected", "layer_norm", "linear",
           "max_pool2d", "one_hot_encoding", "repeat", "separable_conv2d", "separable_convolution2d", "softmax",
           "stack", "unit_norm"]

avg_pool2d = add_arg_scope(_cl.avg_pool2d)
batch_norm = add_arg_scope(_cl.batch_norm)
convolution = add_arg_scope(_cl.convolution)
dropout = add_arg_scope(_cl.dropout)
flatten = add_arg_scope(_cl.flatten)
fully_connected = add_arg_scope(_cl.fully_connected)
max_pool2d = add_arg_scope(_cl.max_pool2d)


@add_arg_scope
@functools.wraps(_cl.convolution)
def convolution2d(*args, **kwargs):
    """tf.contrib.layers.conv2d (TF1's `convolution2d`, the name `repeat`/`stack` use by default)."""
    return convolution(*args, conv_dims=2, **kwargs)


convolution2d.__name__ = convolution2d.__qualname__ = "convolution2d"
conv2d = convolution2d
linear = functools.partial(fully_connected, activation_fn=None)


def _check_data_format(data_format):
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    return "channels_first" if data_format.startswith("NC") else "channels_last"


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


def _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, alias):
    if normalizer_fn is not None:
        outputs = normalizer_fn(outputs, **(normalizer_params or {}))
    if activation_fn is not None:
        outputs = activation_fn(outputs)
    return _cl._collect_named_outputs(outputs_collections, alias, outputs)


@add_arg_scope
def separable_convolution2d(inputs, num_outputs, kernel_size, depth_multiplier=1, stride=1, padding="SAME",
                            data_format="NHWC", rate=1, activation_fn=nn_ops.relu, normalizer_fn=None,
                            normalizer_params=None, weights_initializer=None, pointwise_initializer=None,
                            weights_regularizer=None, biases_initializer=init_ops.zeros_initializer(),
                            biases_regularizer=None, reuse=None, variables_collections=None,
                            outputs_collections=None, trainable=True, scope=None):
    """Depthwise then pointwise convolution in scope "SeparableConv2d" (variables
    "depthwise_weights", "pointwise_weights", "biases"); with num_outputs=None only the depthwise
    convolution (depth_multiplier channels per input channel) and its bias."""
    df = _check_data_format(data_format)
    if weights_initializer is None:
        weights_initializer = _cl.xavier_initializer()
    getter = _cl._build_variable_getter({"bias": "biases", "depthwise_kernel": "depthwise_weights",
                                         "pointwise_kernel": "pointwise_weights"})
    with _vs.variable_scope(scope, "SeparableConv2d", [inputs], reuse=reuse, custom_getter=getter) as sc:
        inputs = _constant.convert_to_tensor(inputs)
        if pointwise_initializer is None:
            pointwise_initializer = weights_initializer
        if num_outputs is not None:
            layer = _conv.SeparableConv2D(
                filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding, data_format=df,
                dilation_rate=_pair(rate), activation=None, depth_multiplier=depth_multiplier,
                use_bias=not normalizer_fn and biases_initializer is not None,
                depthwise_initializer=weights_initializer, pointwise_initializer=pointwise_initializer,
                bias_initializer=biases_initializer, depthwise_regularizer=weights_regularizer,
                pointwise_regularizer=weights_regularizer, bias_regularizer=biases_regularizer,
                trainable=trainable, name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc, _reuse=reuse)
            outputs = layer.apply(inputs)
            _cl._add_variable_to_collections(layer.depthwise_kernel, variables_collections, "weights")
            _cl._add_variable_to_collections(layer.pointwise_kernel, variables_collections, "weights")
            if layer.bias is not None:
                _cl._add_variable_to_collections(layer.bias, variables_collections, "biases")
            return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections,
                           sc.name)
        dtype = inputs.dtype.base_dtype
        kh, kw = _pair(kernel_size)
        sh, sw = _pair(stride)
        channel_axis = 1 if df == "channels_first" else -1
        num_in = inputs.shape[channel_axis].value
        if inputs.shape.ndims is None or inputs.shape.ndims < 4 or num_in is None:
            raise ValueError(f"Inputs must have rank 4 and a known channel dimension: {inputs.shape}")
        depthwise_weights = model_variable(
            "depthwise_weights", shape=[kh, kw, num_in, depth_multiplier], dtype=dtype,
            initializer=weights_initializer, regularizer=weights_regularizer, trainable=trainable,
            collections=_cl._get_variable_collections(variables_collections, "weights"))
        strides = [1, 1, sh, sw] if df == "channels_first" else [1, sh, sw, 1]
        outputs = nn_ops.depthwise_conv2d(inputs, depthwise_weights, strides, padding, rate=list(_pair(rate)),
                                          data_format=data_format)
        if normalizer_fn is None and biases_initializer is not None:
            biases = model_variable(
                "biases", shape=[depth_multiplier * num_in], dtype=dtype, initializer=biases_initializer,
                regularizer=biases_regularizer, trainable=trainable,
                collections=_cl._get_variable_collections(variables_collections, "biases"))
            outputs = nn_ops.bias_add(outputs, biases, data_format=data_format)
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc.name)


separable_conv2d = separable_convolution2d


@add_arg_scope
def convolution2d_transpose(inputs, num_outputs, kernel_size, stride=1, padding="SAME", data_format="NHWC",
                            activation_fn=nn_ops.relu, normalizer_fn=None, normalizer_params=None,
                            weights_initializer=None, weights_regularizer=None,
                            biases_initializer=init_ops.zeros_initializer(), biases_regularizer=None, reuse=None,
                            variables_collections=None, outputs_collections=None, trainable=True, scope=None):
    """Transposed convolution in scope "Conv2d_transpose" (variables "weights" [kh, kw, out, in],
    "biases")."""
    if weights_initializer is None:
        weights_initializer = _cl.xavier_initializer()
    getter = _cl._build_variable_getter({"bias": "biases", "kernel": "weights"})
    with _vs.variable_scope(scope, "Conv2d_transpose", [inputs], reuse=reuse, custom_getter=getter) as sc:
        df = _check_data_format(data_format)
        inputs = _constant.convert_to_tensor(inputs)
        layer = _conv.Conv2DTranspose(
            filters=num_outputs, kernel_size=kernel_size, strides=stride, padding=padding, data_format=df,
            activation=None, use_bias=not normalizer_fn and biases_initializer is not None,
            kernel_initializer=weights_initializer, bias_initializer=biases_initializer,
            kernel_regularizer=weights_regularizer, bias_regularizer=biases_regularizer, trainable=trainable,
            name=sc.name, dtype=inputs.dtype.base_dtype, _scope=sc, _reuse=reuse)
        outputs = layer.apply(inputs)
        _cl._add_variable_to_collections(layer.kernel, variables_collections, "weights")
        if layer.bias is not None:
            _cl._add_variable_to_collections(layer.bias, variables_collections, "biases")
        return _finish(outputs, normalizer_fn, normalizer_params, activation_fn, outputs_collections, sc.name)


conv2d_transpose = convolution2d_transpose


def _layer_name(layer, fallback):
    if hasattr(layer, "__name__"):
        return layer.__name__
    if hasattr(layer, "func") and hasattr(layer.func, "__name__"):   # a functools.partial
        return layer.func.__name__
    return fallback


@add_arg_scope
def repeat(inputs, repetitions, layer, *args, **kwargs):
    """Applies `layer` `repetitions` times in variable scope `scope` (default "Repeat"), the i-th call
    with scope "<scope>_<i>" (`slim.repeat(net, 2, slim.conv2d, 64, [3, 3], scope='conv1')` gives
    "conv1/conv1_1", "conv1/conv1_2")."""
    scope = kwargs.pop("scope", None)
    with _vs.variable_scope(scope, "Repeat", [inputs]):
        inputs = _constant.convert_to_tensor(inputs)
        if scope is None:
            scope = _layer_name(layer, "repeat")
        outputs = inputs
        for i in range(repetitions):
            kwargs["scope"] = f"{scope}_{i + 1}"
            outputs = layer(outputs, *args, **kwargs)
        return outputs


@add_arg_scope
def stack(inputs, layer, stack_args, **kwargs):
    """Applies `layer` once per element of `stack_args` (its positional arguments), in scope
    `scope` (default "Stack"), the i-th call with scope "<scope>_<i>"."""
    scope = kwargs.pop("scope", None)
    if not isinstance(stack_args, (list, tuple)):
        raise ValueError("stack_args need to be a list or tuple")
    with _vs.variable_scope(scope, "Stack", [inputs]):
        inputs = _constant.convert_to_tensor(inputs)
        if scope is None:
            scope = _layer_name(layer, "stack")
        outputs = inputs
        for i, layer_args in enumerate(stack_args):
            kwargs["scope"] = f"{scope}_{i + 1}"
            if not isinstance(layer_args, (list, tuple)):
                layer_args = [layer_args]
            outputs = layer(outputs, *layer_args, **kwargs)
        return outputs


@add_arg_scope
def one_hot_encoding(labels, num_classes, on_value=1.0, off_value=0.0, outputs_collections=None, scope=None):
    """tf.one_hot of the labels (int32 labels cast to int64 first, as TF1) under "OneHotEncoding"."""
    g = _graph.get_default_graph()
    with g.name_scope(scope or "OneHotEncoding") as sc:
        labels = _constant.convert_to_tensor(labels)
        if labels.dtype == _dtypes.int32:
            labels = math_ops.cast(labels, _dtypes.int64)
        outputs = array_ops.one_hot(labels, num_classes, on_value=on_value, off_value=off_value)
        return _cl._collect_named_outputs(outputs_collections, sc, outputs)


@add_arg_scope
def softmax(logits, scope=None):
    """Softmax over the last dimension of an N-d tensor (reshaped to 2-D and back)."""
    with _vs.variable_scope(scope, "softmax", [logits]):
        logits = _constant.convert_to_tensor(logits)
        num_logits = logits.shape[-1].value
        logits_2d = array_ops.reshape(logits, [-1, num_logits])
        predictions = nn_ops.softmax(logits_2d)
        predictions = array_ops.reshape(predictions, array_ops.shape(logits))
        predictions.set_shape(logits.shape)
        return predictions


@add_arg_scope
def unit_norm(inputs, dim, epsilon=1e-7, scope=None):
    """inputs / sqrt(epsilon + sum(inputs**2, dim)) under "UnitNorm"."""
    with _vs.variable_scope(scope, "UnitNorm", [inputs]):
        inputs = _constant.convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("The input rank must be known.")
        if dim < 0:
            raise ValueError(f"dim must be non-negative but got {dim}")
        if dim >= rank:
            raise ValueError(f"dim must be less than the rank of the input ({dim} >= {rank})")
        lengths = math_ops.sqrt(epsilon + math_ops.reduce_sum(math_ops.square(inputs), dim, keepdims=True))
        return inputs / lengths


@add_arg_scope
def bias_add(inputs, activation_fn=None, initializer=init_ops.zeros_initializer(), regularizer=None, reuse=None,
             variables_collections=None, outputs_collections=None, trainable=True, data_format="NHWC",
             scope=None):
    """A "biases" model variable over the channel dimension, added with tf.nn.bias_add ("BiasAdd")."""
    if data_format not in ("NCHW", "NHWC"):
        raise ValueError("data_format has to be either NCHW or NHWC.")
    with _vs.variable_scope(scope, "BiasAdd", [inputs], reuse=reuse) as sc:
        inputs = _constant.convert_to_tensor(inputs)
        rank = inputs.shape.ndims
        if rank is None:
            raise ValueError("Dims of shape must be known but is None")
        if rank == 1:
            raise ValueError("Rank of shape must be at least 2 but is 1")
        axis = 1 if data_format == "NCHW" else -1
        num_features = inputs.shape[axis].value
        if num_features is None:
            raise ValueError("`C` dimension must be known but is None")
        biases = model_variable("biases", shape=[num_features], dtype=inputs.dtype.base_dtype,
                                initializer=initializer, regularizer=regularizer,
                                collections=_cl._get_variable_collections(variables_collections, "biases"),
                                trainable=trainable)
        outputs = nn_ops.bias_add(inputs, biases, data_format=data_format)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _cl._collect_named_outputs(outputs_collections, sc.name, outputs)


@add_arg_scope
def layer_norm(inputs, center=True, scale=True, activation_fn=None, reuse=None, variables_collections=None,
               outputs_collections=None, trainable=True, begin_norm_axis=1, begin_params_axis=-1, scope=None):
    """Layer normalization (Ba et al.) in scope "LayerNorm": moments over the axes from
    begin_norm_axis on, "beta"/"gamma" over the dimensions from begin_params_axis on,
    variance epsilon 1e-12 (TF 1.15's values)."""
    with _vs.variable_scope(scope, "LayerNorm", [inputs], reuse=reuse) as sc:
        inputs = _constant.convert_to_tensor(inputs)
        shape = inputs.shape
        rank = shape.ndims
        if rank is None:
            raise ValueError(f"Inputs {inputs.name} has undefined rank.")
        dtype = inputs.dtype.base_dtype
        if begin_norm_axis < 0:
            begin_norm_axis = rank + begin_norm_axis
        if begin_params_axis >= rank or begin_norm_axis >= rank:
            raise ValueError(f"begin_params_axis ({begin_params_axis}) and begin_norm_axis ({begin_norm_axis}) "
                             f"must be < rank(inputs) ({rank})")
        params_shape = shape[begin_params_axis:]
        if not params_shape.is_fully_defined():
            raise ValueError(f"Inputs {inputs.name}: shape(inputs)[{begin_params_axis}:] is not fully defined: "
                             f"{shape}")
        beta = gamma = None
        if center:
            beta = model_variable("beta", shape=params_shape.as_list(), dtype=dtype,
                                  initializer=init_ops.zeros_initializer(),
                                  collections=_cl._get_variable_collections(variables_collections, "beta"),
                                  trainable=trainable)
        if scale:
            gamma = model_variable("gamma", shape=params_shape.as_list(), dtype=dtype,
                                   initializer=init_ops.ones_initializer(),
                                   collections=_cl._get_variable_collections(variables_collections, "gamma"),
                                   trainable=trainable)
        norm_axes = list(range(begin_norm_axis, rank))
        mean, variance = nn_impl.moments(inputs, norm_axes, keep_dims=True)
        outputs = nn_impl.batch_normalization(inputs, mean, variance, offset=beta, scale=gamma,
                                              variance_epsilon=1e-12)
        outputs.set_shape(shape)
        if activation_fn is not None:
            outputs = activation_fn(outputs)
        return _cl._collect_named_outputs(outputs_collections, sc.name, outputs)
