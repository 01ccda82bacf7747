"""tf.keras.layers convolutions (TF 1.15): Conv1D/2D/3D, SeparableConv1D/2D, DepthwiseConv2D,
Conv2DTranspose, Conv3DTranspose; UpSampling, ZeroPadding, Cropping 1D/2D/3D. tf.layers'
convolutions subclass these (compat_tf/_src/layers/convolutional.py).

Variables: "kernel" [*kernel_size, in_channels, filters] (transposed convs:
[*kernel_size, filters, in_channels]), "bias" [filters]; separable convs use
"depthwise_kernel" [*kernel_size, in, depth_multiplier] and "pointwise_kernel"
[1, 1, in * depth_multiplier, filters]; DepthwiseConv2D "depthwise_kernel". Ops: Conv2D /
Conv3D named "Conv2D" / "Conv3D" in the layer's scope, conv1d as tf.nn.conv1d, then BiasAdd and
the activation. `data_format=None` means K.image_data_format().

Deviation: dilated convolutions are one Conv op with `dilations` (TF1 wraps a plain conv in
SpaceToBatchND / BatchToSpaceND); the values are the same.
"""
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import activations, constraints, initializers, regularizers
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.keras.engine.input_spec import InputSpec
from compat_tf._src.keras.utils import conv_utils
from compat_tf._src.ops import array_ops, nn_ops

class _Conv(Layer):
    """Keras' Conv base: N-d convolution + bias + activation."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = int(filters) if filters is not None else None
        self.kernel_size = conv_utils.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = conv_utils.normalize_tuple(strides, rank, "strides")
        self.padding = conv_utils.normalize_padding(padding)
        if self.padding == "causal" and not isinstance(self, (Conv1D, SeparableConv1D)):
            raise ValueError("Causal padding is only supported for `Conv1D` and ``SeparableConv1D`.")
        self.data_format = conv_utils.normalize_data_format_or_default(data_format)
        self.dilation_rate = conv_utils.normalize_tuple(dilation_rate, rank, "dilation_rate")
        if any(d > 1 for d in self.dilation_rate) and any(s > 1 for s in self.strides):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.input_spec = InputSpec(ndim=self.rank + 2)

    def _channel_axis(self):
        return 1 if self.data_format == "channels_first" else -1

    def _input_dim(self, input_shape):
        input_shape = _ts.TensorShape(input_shape)
        if input_shape.ndims is None:
            raise ValueError(f"The rank of the inputs to `{type(self).__name__}` should be defined.")
        ca = self._channel_axis()
        if input_shape[ca].value is None:
            raise ValueError("The channel dimension of the inputs should be defined. Found `None`.")
        return input_shape[ca].value

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        kernel_shape = self.kernel_size + (input_dim, self.filters)
        self.kernel = self.add_weight(name="kernel", shape=kernel_shape, initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      trainable=True, dtype=self.dtype)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        trainable=True, dtype=self.dtype)
        else:
            self.bias = None
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): input_dim})
        self.built = True

    def _op_padding(self):
        return "VALID" if self.padding == "causal" else self.padding.upper()

    def _convolve(self, inputs):
        df = conv_utils.convert_data_format(self.data_format, self.rank + 2)
        if self.rank == 1:
            return nn_ops.conv1d(inputs, self.kernel, stride=self.strides[0], padding=self._op_padding(),
                                 data_format=df, dilations=list(self.dilation_rate))
        op_type = "Conv2D" if self.rank == 2 else "Conv3D"
        cf = self.data_format == "channels_first"
        if self.rank == 2:
            return nn_ops._conv_op(op_type, inputs, self.kernel, list(self.strides), self._op_padding(), df,
                                   list(self.dilation_rate), None, 2, ("NHWC", "NCHW"), allow_explicit=True)
        full = (lambda v: [1, 1] + list(v)) if cf else (lambda v: [1] + list(v) + [1])
        return nn_ops._conv_op(op_type, inputs, self.kernel, full(self.strides), self._op_padding(), df,
                               full(self.dilation_rate), None, 3, ("NDHWC", "NCDHW"), full_strides=True)

    def _add_bias(self, outputs):
        if not self.use_bias:
            return outputs
        if self.data_format == "channels_first":
            if self.rank == 1:
                return outputs + array_ops.reshape(self.bias, (1, self.filters, 1))
            return nn_ops.bias_add(outputs, self.bias, data_format="NCHW")
        return nn_ops.bias_add(outputs, self.bias, data_format="NHWC")

    def call(self, inputs):
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pads = [[0, 0], [0, 0], [left, 0]] if self.data_format == "channels_first" else \
                [[0, 0], [left, 0], [0, 0]]
            inputs = array_ops.pad(inputs, pads)
        outputs = self._add_bias(self._convolve(inputs))
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        input_shape = _ts.TensorShape(input_shape).as_list()
        if self.data_format == "channels_last":
            space = input_shape[1:-1]
        else:
            space = input_shape[2:]
        new_space = [conv_utils.conv_output_length(d, self.kernel_size[i], self.padding, self.strides[i],
                                             self.dilation_rate[i]) for i, d in enumerate(space)]
        if self.data_format == "channels_last":
            return _ts.TensorShape([input_shape[0]] + new_space + [self.filters])
        return _ts.TensorShape([input_shape[0], self.filters] + new_space)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, strides=self.strides,
                      padding=self.padding, data_format=self.data_format, dilation_rate=self.dilation_rate,
                      activation=activations.serialize(self.activation), use_bias=self.use_bias,
                      kernel_initializer=initializers.serialize(self.kernel_initializer),
                      bias_initializer=initializers.serialize(self.bias_initializer),
                      kernel_regularizer=regularizers.serialize(self.kernel_regularizer),
                      bias_regularizer=regularizers.serialize(self.bias_regularizer),
                      activity_regularizer=regularizers.serialize(self.activity_regularizer),
                      kernel_constraint=constraints.serialize(self.kernel_constraint),
                      bias_constraint=constraints.serialize(self.bias_constraint))
        return config


class Conv1D(_Conv):
    """tf.keras.layers.Conv1D(filters, kernel_size, strides=1, padding='valid', ...): input [batch, width, in]."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, trainable, name, **kwargs)


class Conv2D(_Conv):
    """tf.keras.layers.Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', ...)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, trainable, name, **kwargs)


class Conv3D(_Conv):
    """tf.keras.layers.Conv3D(filters, kernel_size, strides=(1, 1, 1), padding='valid', ...)."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1, 1), activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, trainable, name, **kwargs)


class _SeparableConv(_Conv):
    """Keras' SeparableConv: depthwise then pointwise convolution."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(rank, filters, kernel_size, strides=strides, padding=padding,
                         data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         bias_initializer=bias_initializer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, bias_constraint=bias_constraint,
                         trainable=trainable, name=name, **kwargs)
        self.depth_multiplier = int(depth_multiplier)
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.pointwise_initializer = initializers.get(pointwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.pointwise_regularizer = regularizers.get(pointwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)
        self.pointwise_constraint = constraints.get(pointwise_constraint)

    def build(self, input_shape):
        input_dim = self._input_dim(input_shape)
        self.input_spec = InputSpec(ndim=self.rank + 2, axes={self._channel_axis(): input_dim})
        dw_shape = self.kernel_size + (input_dim, self.depth_multiplier)
        pw_shape = (1,) * self.rank + (self.depth_multiplier * input_dim, self.filters)
        self.depthwise_kernel = self.add_weight(
            name="depthwise_kernel", shape=dw_shape, initializer=self.depthwise_initializer,
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint, trainable=True,
            dtype=self.dtype)
        self.pointwise_kernel = self.add_weight(
            name="pointwise_kernel", shape=pw_shape, initializer=self.pointwise_initializer,
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint, trainable=True,
            dtype=self.dtype)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        trainable=True, dtype=self.dtype)
        else:
            self.bias = None
        self.built = True


class SeparableConv2D(_SeparableConv):
    """tf.keras.layers.SeparableConv2D(filters, kernel_size, strides=(1, 1), padding='valid', ...,
    depth_multiplier=1, depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform", ...)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer, pointwise_initializer,
                         bias_initializer, depthwise_regularizer, pointwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, pointwise_constraint, bias_constraint,
                         trainable, name, **kwargs)

    def call(self, inputs):
        cf = self.data_format == "channels_first"
        strides = (1, 1) + self.strides if cf else (1,) + self.strides + (1,)
        outputs = nn_ops.separable_conv2d(inputs, self.depthwise_kernel, self.pointwise_kernel,
                                          strides=list(strides), padding=self.padding.upper(),
                                          rate=list(self.dilation_rate),
                                          data_format=conv_utils.convert_data_format(self.data_format, 4))
        outputs = self._add_bias(outputs)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class SeparableConv1D(_SeparableConv):
    """tf.keras.layers.SeparableConv1D: SeparableConv2D over [batch, 1, width, channels]."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format=None,
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer="glorot_uniform", pointwise_initializer="glorot_uniform",
                 bias_initializer="zeros", depthwise_regularizer=None,
                 pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate,
                         depth_multiplier, activation, use_bias, depthwise_initializer, pointwise_initializer,
                         bias_initializer, depthwise_regularizer, pointwise_regularizer, bias_regularizer,
                         activity_regularizer, depthwise_constraint, pointwise_constraint, bias_constraint,
                         trainable, name, **kwargs)

    def call(self, inputs):
        cf = self.data_format == "channels_first"
        if self.padding == "causal":
            left = self.dilation_rate[0] * (self.kernel_size[0] - 1)
            pads = [[0, 0], [0, 0], [left, 0]] if cf else [[0, 0], [left, 0], [0, 0]]
            inputs = array_ops.pad(inputs, pads)
        if cf:
            strides = (1, 1, 1) + self.strides
            spatial_start_dim = 2
        else:
            strides = (1, 1) + self.strides + (1,)
            spatial_start_dim = 1
        inputs = array_ops.expand_dims(inputs, spatial_start_dim)
        dw = array_ops.expand_dims(self.depthwise_kernel, 0)
        pw = array_ops.expand_dims(self.pointwise_kernel, 0)
        outputs = nn_ops.separable_conv2d(inputs, dw, pw, strides=list(strides), padding=self._op_padding(),
                                          rate=(1,) + self.dilation_rate,
                                          data_format=conv_utils.convert_data_format(self.data_format, 4))
        outputs = array_ops.squeeze(outputs, [spatial_start_dim])
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format="NCHW" if cf else "NHWC")
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class Conv2DTranspose(Conv2D):
    """tf.keras.layers.Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding='valid', ...): the
    gradient of Conv2D (op Conv2DBackpropInput); kernel [kh, kw, filters, in_channels]."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", output_padding=None,
                 data_format=None, dilation_rate=(1, 1), activation=None, use_bias=True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", kernel_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 trainable=True, name=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, trainable=trainable, name=name, **kwargs)
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = conv_utils.normalize_tuple(output_padding, 2, "output_padding")
            for stride, out_pad in zip(self.strides, self.output_padding):
                if out_pad >= stride:
                    raise ValueError(f"Stride {self.strides} must be greater than output padding "
                                     f"{self.output_padding}")

    # TF 1.15's rank error of each transposed convolution's build
    _RANK_ERROR = (4, "Inputs should have rank 4. Received input shape: {}")

    def build(self, input_shape):
        """The kernel is [*kernel_size, filters, input channels] (the transpose of the forward's)."""
        input_shape = _ts.TensorShape(input_shape)
        rank, message = self._RANK_ERROR
        if input_shape.ndims != rank:
            raise ValueError(message.format(input_shape))
        input_dim = self._input_dim(input_shape)
        self.input_spec = InputSpec(ndim=rank, axes={self._channel_axis(): input_dim})
        self.kernel = self.add_weight(name="kernel", shape=self.kernel_size + (self.filters, input_dim),
                                      initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint, trainable=True, dtype=self.dtype)
        if self.use_bias:
            self.bias = self.add_weight(name="bias", shape=(self.filters,), initializer=self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        trainable=True, dtype=self.dtype)
        else:
            self.bias = None
        self.built = True

    def _out_dims(self, inputs, spatial_axes):
        dyn = array_ops.shape(inputs)
        out = [dyn[0]]
        static = inputs.shape.as_list()
        pads = self.output_padding or (None,) * len(spatial_axes)
        sizes = []
        for i, a in enumerate(spatial_axes):
            n = static[a]
            if n is None:
                n = dyn[a]
            sizes.append(conv_utils.deconv_output_length(n, self.kernel_size[i], padding=self.padding,
                                                   output_padding=pads[i], stride=self.strides[i],
                                                   dilation=self.dilation_rate[i]))
        return out, sizes

    def call(self, inputs):
        cf = self.data_format == "channels_first"
        spatial = (2, 3) if cf else (1, 2)
        (batch,), sizes = self._out_dims(inputs, spatial)
        shape = [batch, self.filters] + sizes if cf else [batch] + sizes + [self.filters]
        output_shape = array_ops.stack(shape)
        df = "NCHW" if cf else "NHWC"
        outputs = nn_ops.conv2d_transpose(inputs, self.kernel, output_shape,
                                          strides=[1, 1] + list(self.strides) if cf else
                                          [1] + list(self.strides) + [1],
                                          padding=self.padding.upper(), data_format=df,
                                          dilations=[1, 1] + list(self.dilation_rate) if cf else
                                          [1] + list(self.dilation_rate) + [1])
        outputs.set_shape(self.compute_output_shape(inputs.shape))
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format=df)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        shape = _ts.TensorShape(input_shape).as_list()
        cf = self.data_format == "channels_first"
        spatial = (2, 3) if cf else (1, 2)
        ca = 1 if cf else 3
        pads = self.output_padding or (None, None)
        shape[ca] = self.filters
        for i, a in enumerate(spatial):
            shape[a] = conv_utils.deconv_output_length(shape[a], self.kernel_size[i], padding=self.padding,
                                                 output_padding=pads[i], stride=self.strides[i],
                                                 dilation=self.dilation_rate[i])
        return _ts.TensorShape(shape)


class Conv3DTranspose(Conv3D):
    """tf.keras.layers.Conv3DTranspose (op Conv3DBackpropInputV2); kernel [kd, kh, kw, filters, in_channels]."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", output_padding=None,
                 data_format=None, activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         trainable=trainable, name=name, **kwargs)
        self.output_padding = None if output_padding is None else \
            conv_utils.normalize_tuple(output_padding, 3, "output_padding")

    _RANK_ERROR = (5, "Inputs should have rank 5, received input shape: {}")
    build = Conv2DTranspose.build
    _out_dims = Conv2DTranspose._out_dims

    def call(self, inputs):
        cf = self.data_format == "channels_first"
        spatial = (2, 3, 4) if cf else (1, 2, 3)
        (batch,), sizes = self._out_dims(inputs, spatial)
        shape = [batch, self.filters] + sizes if cf else [batch] + sizes + [self.filters]
        df = "NCDHW" if cf else "NDHWC"
        strides = [1, 1] + list(self.strides) if cf else [1] + list(self.strides) + [1]
        outputs = nn_ops.conv3d_transpose(inputs, self.kernel, array_ops.stack(shape), strides=strides,
                                          padding=self.padding.upper(), data_format=df)
        outputs.set_shape(self.compute_output_shape(inputs.shape))
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format="NCHW" if cf else "NHWC")
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        shape = _ts.TensorShape(input_shape).as_list()
        cf = self.data_format == "channels_first"
        spatial = (2, 3, 4) if cf else (1, 2, 3)
        pads = self.output_padding or (None,) * 3
        shape[1 if cf else 4] = self.filters
        for i, a in enumerate(spatial):
            shape[a] = conv_utils.deconv_output_length(shape[a], self.kernel_size[i], padding=self.padding,
                                                 output_padding=pads[i], stride=self.strides[i])
        return _ts.TensorShape(shape)




# aliases, as TF 1.15
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
SeparableConvolution1D = SeparableConv1D
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Conv2DTranspose
Convolution3DTranspose = Conv3DTranspose


class DepthwiseConv2D(Conv2D):
    """tf.keras.layers.DepthwiseConv2D(kernel_size, strides=(1, 1), padding='valid',
    depth_multiplier=1, ...): one filter bank per input channel ("depthwise_kernel"
    [kh, kw, in, depth_multiplier]), op DepthwiseConv2dNative."""

    def __init__(self, kernel_size, strides=(1, 1), padding="valid", depth_multiplier=1, data_format=None,
                 activation=None, use_bias=True, depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(filters=None, kernel_size=kernel_size, strides=strides, padding=padding,
                         data_format=data_format, activation=activation, use_bias=use_bias,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         bias_constraint=bias_constraint, bias_initializer=bias_initializer, **kwargs)
        self.depth_multiplier = depth_multiplier
        self.depthwise_initializer = initializers.get(depthwise_initializer)
        self.depthwise_regularizer = regularizers.get(depthwise_regularizer)
        self.depthwise_constraint = constraints.get(depthwise_constraint)

    def build(self, input_shape):
        input_shape = _ts.TensorShape(input_shape)
        if input_shape.ndims < 4:
            raise ValueError("Inputs to `DepthwiseConv2D` should have rank 4. Received input shape:",
                             str(input_shape))
        channel_axis = 1 if self.data_format == "channels_first" else 3
        if input_shape[channel_axis].value is None:
            raise ValueError("The channel dimension of the inputs to `DepthwiseConv2D` should be defined. "
                             "Found `None`.")
        input_dim = int(input_shape[channel_axis].value)
        self.depthwise_kernel = self.add_weight(
            shape=(self.kernel_size[0], self.kernel_size[1], input_dim, self.depth_multiplier),
            initializer=self.depthwise_initializer, name="depthwise_kernel",
            regularizer=self.depthwise_regularizer, constraint=self.depthwise_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=(input_dim * self.depth_multiplier,),
                                        initializer=self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.input_spec = InputSpec(ndim=4, axes={channel_axis: input_dim})
        self.built = True

    def call(self, inputs):
        cf = self.data_format == "channels_first"
        strides = (1, 1) + self.strides if cf else (1,) + self.strides + (1,)
        outputs = nn_ops.depthwise_conv2d(inputs, self.depthwise_kernel, strides=list(strides),
                                          padding=self.padding.upper(), rate=list(self.dilation_rate),
                                          data_format="NCHW" if cf else "NHWC")
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format="NCHW" if cf else "NHWC")
        if self.activation is not None:
            return self.activation(outputs)
        return outputs

    def compute_output_shape(self, input_shape):
        shape = _ts.TensorShape(input_shape).as_list()
        cf = self.data_format == "channels_first"
        rows, cols = (shape[2], shape[3]) if cf else (shape[1], shape[2])
        channels = shape[1] if cf else shape[3]
        out_filters = None if channels is None else channels * self.depth_multiplier
        rows = conv_utils.conv_output_length(rows, self.kernel_size[0], self.padding, self.strides[0])
        cols = conv_utils.conv_output_length(cols, self.kernel_size[1], self.padding, self.strides[1])
        if cf:
            return _ts.TensorShape([shape[0], out_filters, rows, cols])
        return _ts.TensorShape([shape[0], rows, cols, out_filters])

    def get_config(self):
        config = super().get_config()
        for k in ("filters", "kernel_initializer", "kernel_regularizer", "kernel_constraint"):
            config.pop(k, None)
        config.update(depth_multiplier=self.depth_multiplier,
                      depthwise_initializer=initializers.serialize(self.depthwise_initializer),
                      depthwise_regularizer=regularizers.serialize(self.depthwise_regularizer),
                      depthwise_constraint=constraints.serialize(self.depthwise_constraint))
        return config


def _spatial_axes(data_format, rank):
    return list(range(2, 2 + rank)) if data_format == "channels_first" else list(range(1, 1 + rank))


class UpSampling1D(Layer):
    """tf.keras.layers.UpSampling1D(size=2): repeats each step `size` times along the time axis."""

    def __init__(self, size=2, **kwargs):
        super().__init__(**kwargs)
        self.size = int(size)
        self.input_spec = InputSpec(ndim=3)

    def call(self, inputs):
        from compat_tf._src.keras import backend_ops
        return backend_ops.repeat_elements(inputs, self.size, axis=1)

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        return _ts.TensorShape([s[0], None if s[1] is None else self.size * s[1], s[2]])

    def get_config(self):
        config = super().get_config()
        config["size"] = self.size
        return config


class _UpSamplingND(Layer):
    _rank = 2

    def __init__(self, size=2, data_format=None, interpolation="nearest", **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format_or_default(data_format)
        self.size = conv_utils.normalize_tuple(size, self._rank, "size")
        if self._rank == 2 and interpolation not in {"nearest", "bilinear"}:
            raise ValueError("`interpolation` argument should be one of `\"nearest\"` or `\"bilinear\"`.")
        self.interpolation = interpolation
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def call(self, inputs):
        from compat_tf._src.keras import backend_ops
        if self._rank == 2:
            return backend_ops.resize_images(inputs, self.size[0], self.size[1], self.data_format,
                                             interpolation=self.interpolation)
        return backend_ops.resize_volumes(inputs, self.size[0], self.size[1], self.size[2], self.data_format)

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        for i, a in enumerate(_spatial_axes(self.data_format, self._rank)):
            s[a] = None if s[a] is None else s[a] * self.size[i]
        return _ts.TensorShape(s)

    def get_config(self):
        config = super().get_config()
        config.update(size=self.size, data_format=self.data_format)
        if self._rank == 2:
            config["interpolation"] = self.interpolation
        return config


class UpSampling2D(_UpSamplingND):
    """tf.keras.layers.UpSampling2D(size=(2, 2), data_format=None, interpolation='nearest')."""
    _rank = 2


class UpSampling3D(_UpSamplingND):
    """tf.keras.layers.UpSampling3D(size=(2, 2, 2), data_format=None): repetition per axis."""
    _rank = 3

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(size=size, data_format=data_format, **kwargs)


def _pair_tuple(value, rank, name):
    """An int, a tuple of `rank` ints (symmetric), or `rank` (before, after) pairs."""
    if isinstance(value, int):
        return ((value, value),) * rank
    if hasattr(value, "__len__"):
        if len(value) != rank:
            raise ValueError(f"`{name}` should have {rank} elements. Found: {value}")
        out = []
        for v in value:
            if isinstance(v, int):
                out.append((v, v))
            else:
                out.append(conv_utils.normalize_tuple(v, 2, f"1st entry of {name}"))
        return tuple(out)
    raise ValueError(f"`{name}` should be either an int, a tuple of {rank} ints, or a tuple of {rank} tuples of "
                     f"2 ints. Found: {value}")


class _ZeroPadding(Layer):
    _rank = 2

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = "channels_last" if self._rank == 1 else \
            conv_utils.normalize_data_format_or_default(data_format)
        if self._rank == 1:
            self.padding = conv_utils.normalize_tuple(padding, 2, "padding")
        else:
            self.padding = _pair_tuple(padding, self._rank, "padding")
        self.input_spec = InputSpec(ndim=self._rank + 2)

    def _pairs(self):
        return (self.padding,) if self._rank == 1 else self.padding

    def call(self, inputs):
        pattern = [[0, 0]] * (self._rank + 2)
        for a, p in zip(_spatial_axes(self.data_format, self._rank), self._pairs()):
            pattern[a] = list(p)
        return array_ops.pad(inputs, pattern)

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        for a, p in zip(_spatial_axes(self.data_format, self._rank), self._pairs()):
            s[a] = None if s[a] is None else s[a] + p[0] + p[1]
        return _ts.TensorShape(s)

    def get_config(self):
        config = super().get_config()
        config["padding"] = self.padding
        if self._rank > 1:
            config["data_format"] = self.data_format
        return config


class ZeroPadding1D(_ZeroPadding):
    """tf.keras.layers.ZeroPadding1D(padding=1): zeros before/after the time axis."""
    _rank = 1

    def __init__(self, padding=1, **kwargs):
        super().__init__(padding=padding, **kwargs)


class ZeroPadding2D(_ZeroPadding):
    """tf.keras.layers.ZeroPadding2D(padding=(1, 1), data_format=None)."""
    _rank = 2


class ZeroPadding3D(_ZeroPadding):
    """tf.keras.layers.ZeroPadding3D(padding=(1, 1, 1), data_format=None)."""
    _rank = 3


class _Cropping(_ZeroPadding):
    def __init__(self, cropping=1, data_format=None, **kwargs):
        super().__init__(padding=cropping, data_format=data_format, **kwargs)
        self.cropping = self.padding

    def call(self, inputs):
        index = [slice(None)] * (self._rank + 2)
        for a, (lo, hi) in zip(_spatial_axes(self.data_format, self._rank), self._pairs()):
            index[a] = slice(lo, -hi if hi else None)
        return inputs[tuple(index)]

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        for a, p in zip(_spatial_axes(self.data_format, self._rank), self._pairs()):
            s[a] = None if s[a] is None else s[a] - p[0] - p[1]
        return _ts.TensorShape(s)

    def get_config(self):
        config = super().get_config()
        config["cropping"] = config.pop("padding")
        return config


class Cropping1D(_Cropping):
    """tf.keras.layers.Cropping1D(cropping=(1, 1))."""
    _rank = 1

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(cropping=cropping, **kwargs)


class Cropping2D(_Cropping):
    """tf.keras.layers.Cropping2D(cropping=((0, 0), (0, 0)), data_format=None)."""
    _rank = 2

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(cropping=cropping, data_format=data_format, **kwargs)


class Cropping3D(_Cropping):
    """tf.keras.layers.Cropping3D(cropping=((1, 1), (1, 1), (1, 1)), data_format=None)."""
    _rank = 3

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(cropping=cropping, data_format=data_format, **kwargs)
