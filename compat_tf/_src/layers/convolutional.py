"""tf.layers convolutions (TF 1.15): Conv1D/2D/3D, SeparableConv1D/2D, Conv2DTranspose,
Conv3DTranspose and their functional forms.

Each class subclasses the tf.keras.layers class of the same name and tf.layers.Layer (as in
TF 1.15), so the computation is Keras' (compat_tf/_src/keras/layers/convolutional.py) and the
variables live in the layer's variable scope ("conv2d/kernel", "conv2d_1/kernel", ...,
`tf.get_variable` semantics, see base.py). tf.layers' defaults differ from Keras':
data_format='channels_last', kernel/depthwise/pointwise initializers None (the variable scope's
initializer, else glorot_uniform), bias initializer zeros_initializer().
"""
import inspect

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

def _functional(cls, fn_name, doc):
    """The functional form of layer class `cls`, as TF1's: `fn(inputs, <the class's arguments>,
    reuse=None)` builds the layer (its scope: `name`, reused with `reuse`) and applies it."""
    init = list(inspect.signature(cls.__init__).parameters.values())[1:]
    params = [inspect.Parameter("inputs", inspect.Parameter.POSITIONAL_OR_KEYWORD),
              *[p for p in init if p.kind is not inspect.Parameter.VAR_KEYWORD],
              inspect.Parameter("reuse", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None)]
    sig = inspect.Signature(params)

    def fn(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        inputs, reuse = arguments.pop("inputs"), arguments.pop("reuse")
        return cls(**arguments, _reuse=reuse, _scope=arguments["name"]).apply(inputs)

    fn.__signature__ = sig
    fn.__name__ = fn.__qualname__ = fn_name
    fn.__doc__ = doc
    fn.__module__ = __name__
    return fn


conv1d = _functional(Conv1D, "conv1d", "tf.layers.conv1d: 1-D convolution layer over [batch, width, channels].")
conv2d = _functional(Conv2D, "conv2d", "tf.layers.conv2d: 2-D convolution layer.")
conv3d = _functional(Conv3D, "conv3d", "tf.layers.conv3d: 3-D convolution layer.")
separable_conv1d = _functional(SeparableConv1D, "separable_conv1d",
                               "tf.layers.separable_conv1d: depthwise-separable 1-D convolution.")
separable_conv2d = _functional(SeparableConv2D, "separable_conv2d", "tf.layers.separable_conv2d: depthwise "
                               "conv (depth_multiplier per channel) then 1x1 conv.")
conv2d_transpose = _functional(Conv2DTranspose, "conv2d_transpose",
                               "tf.layers.conv2d_transpose: transposed 2-D convolution (\"deconvolution\").")
conv3d_transpose = _functional(Conv3DTranspose, "conv3d_transpose",
                               "tf.layers.conv3d_transpose: transposed 3-D convolution.")

convolution2d = conv2d
convolution3d = conv3d
convolution2d_transpose = deconvolution2d = deconv2d = conv2d_transpose
convolution3d_transpose = deconvolution3d = deconv3d = conv3d_transpose
