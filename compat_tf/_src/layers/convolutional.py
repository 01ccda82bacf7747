"""tf.layers convolutions (TF 1.15): Conv1D/2D/3D, SeparableConv1D/2D, Conv2DTranspose,
Conv3DTranspose and their functional forms.

Each class subclasses the tf.keras.layers class of the same name and tf.layers.Layer (as in
TF 1.15), so the computation is Keras' (compat_tf/_src/keras/layers/convolutional.py) and the
variables live in the layer's variable scope ("conv2d/kernel", "conv2d_1/kernel", ...,
`tf.get_variable` semantics, see base.py). tf.layers' defaults differ from Keras':
data_format='channels_last', kernel/depthwise/pointwise initializers None (the variable scope's
initializer, else glorot_uniform), bias initializer zeros_initializer().
"""
from compat_tf._src.keras.layers import convolutional as keras_conv
from compat_tf._src.layers.base import Layer
from compat_tf._src.ops import init_ops

__all__ = ["Conv1D", "Conv2D", "Conv3D", "SeparableConv1D", "SeparableConv2D", "Conv2DTranspose",
           "Conv3DTranspose", "Convolution1D", "Convolution2D", "Convolution3D",
           "SeparableConvolution2D", "Convolution2DTranspose", "Convolution3DTranspose", "Deconvolution2D",
           "Deconvolution3D", "conv1d", "conv2d", "conv3d", "separable_conv1d", "separable_conv2d",
           "conv2d_transpose", "conv3d_transpose", "convolution2d", "convolution3d",
           "convolution2d_transpose", "convolution3d_transpose", "deconvolution2d"]

_ZEROS = init_ops.zeros_initializer()


def _conv_class(keras_cls, doc, strides):
    """tf.layers.<keras_cls>(filters, kernel_size, strides, padding='valid',
    data_format='channels_last', dilation_rate, activation=None, use_bias=True,
    kernel_initializer=None, bias_initializer=zeros, ..., trainable=True, name=None)."""
    ones = (1,) * len(strides) if isinstance(strides, tuple) else 1

    def __init__(self, filters, kernel_size, strides=strides, padding="valid", data_format="channels_last",
                 dilation_rate=ones, activation=None, use_bias=True, kernel_initializer=None,
                 bias_initializer=_ZEROS, kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None, trainable=True,
                 name=None, **kwargs):
        keras_cls.__init__(self, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                           data_format=data_format, dilation_rate=dilation_rate, activation=activation,
                           use_bias=use_bias, kernel_initializer=kernel_initializer,
                           bias_initializer=bias_initializer, kernel_regularizer=kernel_regularizer,
                           bias_regularizer=bias_regularizer, activity_regularizer=activity_regularizer,
                           kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                           trainable=trainable, name=name, **kwargs)
    cls = type(keras_cls.__name__, (keras_cls, Layer), {"__init__": __init__, "__doc__": doc,
                                                         "__module__": __name__})
    return cls


Conv1D = _conv_class(keras_conv.Conv1D, "tf.layers.Conv1D(filters, kernel_size, strides=1, padding='valid', "
                     "...): input [batch, width, in].", 1)
Conv2D = _conv_class(keras_conv.Conv2D, "tf.layers.Conv2D(filters, kernel_size, strides=(1, 1), "
                     "padding='valid', ...).", (1, 1))
Conv3D = _conv_class(keras_conv.Conv3D, "tf.layers.Conv3D(filters, kernel_size, strides=(1, 1, 1), "
                     "padding='valid', ...).", (1, 1, 1))


def _separable_class(keras_cls, doc, strides):
    ones = (1,) * len(strides) if isinstance(strides, tuple) else 1

    def __init__(self, filters, kernel_size, strides=strides, padding="valid", data_format="channels_last",
                 dilation_rate=ones, depth_multiplier=1, activation=None, use_bias=True,
                 depthwise_initializer=None, pointwise_initializer=None, bias_initializer=_ZEROS,
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, trainable=True, name=None, **kwargs):
        keras_cls.__init__(self, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                           data_format=data_format, dilation_rate=dilation_rate,
                           depth_multiplier=depth_multiplier, activation=activation, use_bias=use_bias,
                           depthwise_initializer=depthwise_initializer,
                           pointwise_initializer=pointwise_initializer, bias_initializer=bias_initializer,
                           depthwise_regularizer=depthwise_regularizer,
                           pointwise_regularizer=pointwise_regularizer, bias_regularizer=bias_regularizer,
                           activity_regularizer=activity_regularizer, depthwise_constraint=depthwise_constraint,
                           pointwise_constraint=pointwise_constraint, bias_constraint=bias_constraint,
                           trainable=trainable, name=name, **kwargs)
    return type(keras_cls.__name__, (keras_cls, Layer), {"__init__": __init__, "__doc__": doc,
                                                         "__module__": __name__})


SeparableConv1D = _separable_class(keras_conv.SeparableConv1D, "tf.layers.SeparableConv1D: SeparableConv2D "
                                   "over [batch, 1, width, channels].", 1)
SeparableConv2D = _separable_class(keras_conv.SeparableConv2D, "tf.layers.SeparableConv2D(filters, "
                                   "kernel_size, ..., depth_multiplier=1, depthwise_initializer=None, "
                                   "pointwise_initializer=None, ...).", (1, 1))


def _transpose_class(keras_cls, doc, strides):
    def __init__(self, filters, kernel_size, strides=strides, padding="valid", data_format="channels_last",
                 activation=None, use_bias=True, kernel_initializer=None, bias_initializer=_ZEROS,
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, trainable=True, name=None, **kwargs):
        keras_cls.__init__(self, filters=filters, kernel_size=kernel_size, strides=strides, padding=padding,
                           data_format=data_format, activation=activation, use_bias=use_bias,
                           kernel_initializer=kernel_initializer, bias_initializer=bias_initializer,
                           kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                           activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                           bias_constraint=bias_constraint, trainable=trainable, name=name, **kwargs)
    return type(keras_cls.__name__, (keras_cls, Layer), {"__init__": __init__, "__doc__": doc,
                                                         "__module__": __name__})


Conv2DTranspose = _transpose_class(keras_conv.Conv2DTranspose, "tf.layers.Conv2DTranspose(filters, "
                                   "kernel_size, strides=(1, 1), padding='valid', ...): the gradient of Conv2D "
                                   "(op Conv2DBackpropInput); kernel [kh, kw, filters, in_channels].", (1, 1))
Conv3DTranspose = _transpose_class(keras_conv.Conv3DTranspose, "tf.layers.Conv3DTranspose (op "
                                   "Conv3DBackpropInputV2); kernel [kd, kh, kw, filters, in_channels].",
                                   (1, 1, 1))

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
