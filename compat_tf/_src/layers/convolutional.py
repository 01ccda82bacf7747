"""tf.layers convolutions (TF 1.15): Conv1D/2D/3D, SeparableConv1D/2D, Conv2DTranspose,
Conv3DTranspose and their functional forms.

Variables: "kernel" [*kernel_size, in_channels, filters] (transposed convs:
[*kernel_size, filters, in_channels]), "bias" [filters] (zeros); separable convs use
"depthwise_kernel" [*kernel_size, in, depth_multiplier] and "pointwise_kernel"
[1, 1, in * depth_multiplier, filters]. Ops: Conv2D / Conv3D named "Conv2D" / "Conv3D" in the
layer's scope, conv1d as tf.nn.conv1d, then BiasAdd and the activation.

Deviation: dilated convolutions are one Conv op with `dilations` (TF1 wraps a plain conv in
SpaceToBatchND / BatchToSpaceND); the values are the same.
"""
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.layers import base
from compat_tf._src.layers.base import InputSpec, Layer
from compat_tf._src.ops import array_ops, nn_ops
from compat_tf._src.ops import init_ops

__all__ = ["Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "Conv2DTranspose",
           "Conv3DTranspose", "Convolution1D", "Convolution2D", "Convolution3D",
           "SeparableConvolution2D", "Convolution2DTranspose", "Convolution3DTranspose", "Deconvolution2D",
           "Deconvolution3D", "conv1d", "conv2d", "conv3d", "separable_conv1d", "separable_conv2d",
           "conv2d_transpose", "conv3d_transpose", "convolution2d", "convolution3d",
           "convolution2d_transpose", "convolution3d_transpose", "deconvolution2d"]


class _Conv(Layer):
    """Keras' Conv base: N-d convolution + bias + activation."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(trainable=trainable, name=name, activity_regularizer=activity_regularizer, **kwargs)
        self.rank = rank
        self.filters = int(filters) if filters is not None else None
        self.kernel_size = base.normalize_tuple(kernel_size, rank, "kernel_size")
        self.strides = base.normalize_tuple(strides, rank, "strides")
        self.padding = base.normalize_padding(padding)
        if self.padding == "causal" and not isinstance(self, (Conv1D, SeparableConv1D)):
            raise ValueError("Causal padding is only supported for `Conv1D` and ``SeparableConv1D`.")
        self.data_format = base.normalize_data_format(data_format)
        self.dilation_rate = base.normalize_tuple(dilation_rate, rank, "dilation_rate")
        if any(d > 1 for d in self.dilation_rate) and any(s > 1 for s in self.strides):
            raise ValueError("strides > 1 not supported in conjunction with dilation_rate > 1")
        self.activation = base.get_activation(activation)
        self.use_bias = use_bias
        self.kernel_initializer = base.get_initializer(kernel_initializer)
        self.bias_initializer = base.get_initializer(bias_initializer)
        self.kernel_regularizer = base.get_regularizer(kernel_regularizer)
        self.bias_regularizer = base.get_regularizer(bias_regularizer)
        self.kernel_constraint = base.get_constraint(kernel_constraint)
        self.bias_constraint = base.get_constraint(bias_constraint)
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
        df = base.convert_data_format(self.data_format, self.rank + 2)
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
        new_space = [base.conv_output_length(d, self.kernel_size[i], self.padding, self.strides[i],
                                             self.dilation_rate[i]) for i, d in enumerate(space)]
        if self.data_format == "channels_last":
            return _ts.TensorShape([input_shape[0]] + new_space + [self.filters])
        return _ts.TensorShape([input_shape[0], self.filters] + new_space)

    def get_config(self):
        config = super().get_config()
        config.update(filters=self.filters, kernel_size=self.kernel_size, strides=self.strides,
                      padding=self.padding, data_format=self.data_format, dilation_rate=self.dilation_rate,
                      use_bias=self.use_bias)
        return config


class Conv1D(_Conv):
    """tf.layers.Conv1D(filters, kernel_size, strides=1, padding='valid', ...): input [batch, width, in]."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(1, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, trainable, name, **kwargs)


class Conv2D(_Conv):
    """tf.layers.Conv2D(filters, kernel_size, strides=(1, 1), padding='valid', ...)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                 dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(2, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, trainable, name, **kwargs)


class Conv3D(_Conv):
    """tf.layers.Conv3D(filters, kernel_size, strides=(1, 1, 1), padding='valid', ...)."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format="channels_last",
                 dilation_rate=(1, 1, 1), activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        super().__init__(3, filters, kernel_size, strides, padding, data_format, dilation_rate, activation,
                         use_bias, kernel_initializer, bias_initializer, kernel_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, bias_constraint, trainable, name, **kwargs)


class _SeparableConv(_Conv):
    """Keras' SeparableConv: depthwise then pointwise convolution."""

    def __init__(self, rank, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer=None, pointwise_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), depthwise_regularizer=None,
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
        self.depthwise_initializer = base.get_initializer(depthwise_initializer)
        self.pointwise_initializer = base.get_initializer(pointwise_initializer)
        self.depthwise_regularizer = base.get_regularizer(depthwise_regularizer)
        self.pointwise_regularizer = base.get_regularizer(pointwise_regularizer)
        self.depthwise_constraint = base.get_constraint(depthwise_constraint)
        self.pointwise_constraint = base.get_constraint(pointwise_constraint)

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
    """tf.layers.SeparableConv2D(filters, kernel_size, strides=(1, 1), padding='valid', ...,
    depth_multiplier=1, depthwise_initializer=None, pointwise_initializer=None, ...)."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                 dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer=None, pointwise_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), depthwise_regularizer=None,
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
                                          data_format=base.convert_data_format(self.data_format, 4))
        outputs = self._add_bias(outputs)
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class SeparableConv1D(_SeparableConv):
    """tf.layers.SeparableConv1D: SeparableConv2D over [batch, 1, width, channels]."""

    def __init__(self, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                 dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer=None, pointwise_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), depthwise_regularizer=None,
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
                                          data_format=base.convert_data_format(self.data_format, 4))
        outputs = array_ops.squeeze(outputs, [spatial_start_dim])
        if self.use_bias:
            outputs = nn_ops.bias_add(outputs, self.bias, data_format="NCHW" if cf else "NHWC")
        if self.activation is not None:
            return self.activation(outputs)
        return outputs


class Conv2DTranspose(Conv2D):
    """tf.layers.Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding='valid', ...): the
    gradient of Conv2D (op Conv2DBackpropInput); kernel [kh, kw, filters, in_channels]."""

    def __init__(self, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
                 activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, output_padding=None, dilation_rate=(1, 1), **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                         bias_constraint=bias_constraint, trainable=trainable, name=name, **kwargs)
        self.output_padding = output_padding
        if output_padding is not None:
            self.output_padding = base.normalize_tuple(output_padding, 2, "output_padding")
            for stride, out_pad in zip(self.strides, self.output_padding):
                if out_pad >= stride:
                    raise ValueError(f"Stride {self.strides} must be greater than output padding "
                                     f"{self.output_padding}")

    def build(self, input_shape):
        input_shape = _ts.TensorShape(input_shape)
        if input_shape.ndims != 4:
            raise ValueError(f"Inputs should have rank 4. Received input shape: {input_shape}")
        input_dim = self._input_dim(input_shape)
        self.input_spec = InputSpec(ndim=4, axes={self._channel_axis(): input_dim})
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
            sizes.append(base.deconv_output_length(n, self.kernel_size[i], padding=self.padding,
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
            shape[a] = base.deconv_output_length(shape[a], self.kernel_size[i], padding=self.padding,
                                                 output_padding=pads[i], stride=self.strides[i],
                                                 dilation=self.dilation_rate[i])
        return _ts.TensorShape(shape)


class Conv3DTranspose(Conv3D):
    """tf.layers.Conv3DTranspose (op Conv3DBackpropInputV2); kernel [kd, kh, kw, filters, in_channels]."""

    def __init__(self, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format="channels_last",
                 activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                 bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, output_padding=None, **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                         activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         trainable=trainable, name=name, **kwargs)
        self.output_padding = None if output_padding is None else \
            base.normalize_tuple(output_padding, 3, "output_padding")

    def build(self, input_shape):
        input_shape = _ts.TensorShape(input_shape)
        if input_shape.ndims != 5:
            raise ValueError(f"Inputs should have rank 5, received input shape: {input_shape}")
        input_dim = self._input_dim(input_shape)
        self.input_spec = InputSpec(ndim=5, axes={self._channel_axis(): input_dim})
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
            shape[a] = base.deconv_output_length(shape[a], self.kernel_size[i], padding=self.padding,
                                                 output_padding=pads[i], stride=self.strides[i])
        return _ts.TensorShape(shape)


# aliases, as TF1
Convolution1D = Conv1D
Convolution2D = Conv2D
Convolution3D = Conv3D
SeparableConvolution2D = SeparableConv2D
Convolution2DTranspose = Deconvolution2D = Deconv2D = Conv2DTranspose
Convolution3DTranspose = Deconvolution3D = Deconv3D = Conv3DTranspose


# --------------------------------------------------------------------------------------------
# functional forms
# --------------------------------------------------------------------------------------------

def conv1d(inputs, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
           dilation_rate=1, activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """tf.layers.conv1d: 1-D convolution layer over [batch, width, channels]."""
    layer = Conv1D(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                   dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                   kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                   kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                   activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                   bias_constraint=bias_constraint, trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1), activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """tf.layers.conv2d: 2-D convolution layer."""
    layer = Conv2D(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                   dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                   kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                   kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                   activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                   bias_constraint=bias_constraint, trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def conv3d(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format="channels_last",
           dilation_rate=(1, 1, 1), activation=None, use_bias=True, kernel_initializer=None,
           bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None, bias_regularizer=None,
           activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True, name=None,
           reuse=None):
    """tf.layers.conv3d: 3-D convolution layer."""
    layer = Conv3D(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                   dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                   kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                   kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                   activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                   bias_constraint=bias_constraint, trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def separable_conv1d(inputs, filters, kernel_size, strides=1, padding="valid", data_format="channels_last",
                     dilation_rate=1, depth_multiplier=1, activation=None, use_bias=True,
                     depthwise_initializer=None, pointwise_initializer=None,
                     bias_initializer=init_ops.zeros_initializer(), depthwise_regularizer=None,
                     pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                     trainable=True,
                     name=None, reuse=None):
    """tf.layers.separable_conv1d: depthwise-separable 1-D convolution."""
    layer = SeparableConv1D(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                            dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
                            activation=activation, use_bias=use_bias,
                            depthwise_initializer=depthwise_initializer,
                            pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                            depthwise_regularizer=depthwise_regularizer,
                            pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
                            activity_regularizer=activity_regularizer,
                            depthwise_constraint=depthwise_constraint,
                            pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint,
                            trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def separable_conv2d(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last",
                     dilation_rate=(1, 1), depth_multiplier=1, activation=None, use_bias=True,
                     depthwise_initializer=None, pointwise_initializer=None,
                     bias_initializer=init_ops.zeros_initializer(), depthwise_regularizer=None,
                     pointwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                     depthwise_constraint=None, pointwise_constraint=None, bias_constraint=None,
                     trainable=True,
                     name=None, reuse=None):
    """tf.layers.separable_conv2d: depthwise conv (depth_multiplier per channel) then 1x1 conv."""
    layer = SeparableConv2D(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                            dilation_rate=dilation_rate, depth_multiplier=depth_multiplier,
                            activation=activation, use_bias=use_bias,
                            depthwise_initializer=depthwise_initializer,
                            pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                            depthwise_regularizer=depthwise_regularizer,
                            pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
                            activity_regularizer=activity_regularizer,
                            depthwise_constraint=depthwise_constraint,
                            pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint,
                            trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def conv2d_transpose(inputs, filters, kernel_size, strides=(1, 1), padding="valid",
                     data_format="channels_last",
                     activation=None, use_bias=True, kernel_initializer=None,
                     bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """tf.layers.conv2d_transpose: transposed 2-D convolution ("deconvolution")."""
    layer = Conv2DTranspose(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                            trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


def conv3d_transpose(inputs, filters, kernel_size, strides=(1, 1, 1), padding="valid",
                     data_format="channels_last", activation=None, use_bias=True, kernel_initializer=None,
                     bias_initializer=init_ops.zeros_initializer(), kernel_regularizer=None,
                     bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                     bias_constraint=None, trainable=True, name=None, reuse=None):
    """tf.layers.conv3d_transpose: transposed 3-D convolution."""
    layer = Conv3DTranspose(filters, kernel_size, strides=strides, padding=padding, data_format=data_format,
                            activation=activation, use_bias=use_bias, kernel_initializer=kernel_initializer,
                            bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                            bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                            kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                            trainable=trainable, name=name, _reuse=reuse, _scope=name)
    return layer.apply(inputs)


convolution2d = conv2d
convolution3d = conv3d
convolution2d_transpose = deconvolution2d = deconv2d = conv2d_transpose
convolution3d_transpose = deconvolution3d = deconv3d = conv3d_transpose
