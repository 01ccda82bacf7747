"""tf.layers pooling (TF 1.15): MaxPooling1D/2D/3D, AveragePooling1D/2D/3D and functional forms.

Each class subclasses the tf.keras.layers class (compat_tf/_src/keras/layers/pooling.py) and
tf.layers.Layer; tf.layers' signature takes `pool_size, strides` (strides defaults to
pool_size in the classes and is required in the functional forms) and
data_format='channels_last'.
"""
from compat_tf._src.keras.layers import pooling as keras_pooling
from compat_tf._src.layers.base import Layer

__all__ = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
           "AveragePooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "max_pooling1d", "max_pooling2d", "max_pooling3d", "average_pooling1d", "average_pooling2d",
           "average_pooling3d"]


def _pool_class(keras_cls):
    def __init__(self, pool_size, strides=None, padding="valid", data_format="channels_last", name=None,
                 **kwargs):
        keras_cls.__init__(self, pool_size=pool_size, strides=strides, padding=padding, data_format=data_format,
                           name=name, **kwargs)
    name = keras_cls.__name__
    doc = f"tf.layers.{name}(pool_size, strides=None, padding='valid', data_format='channels_last', name=None)."
    return type(name, (keras_cls, Layer), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


MaxPooling1D = _pool_class(keras_pooling.MaxPooling1D)
MaxPooling2D = _pool_class(keras_pooling.MaxPooling2D)
MaxPooling3D = _pool_class(keras_pooling.MaxPooling3D)
AveragePooling1D = _pool_class(keras_pooling.AveragePooling1D)
AveragePooling2D = _pool_class(keras_pooling.AveragePooling2D)
AveragePooling3D = _pool_class(keras_pooling.AveragePooling3D)
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D


def _functional(cls, fname):
    def fn(inputs, pool_size, strides, padding="valid", data_format="channels_last", name=None):
        layer = cls(pool_size=pool_size, strides=strides, padding=padding, data_format=data_format, name=name)
        return layer.apply(inputs)
    fn.__name__ = fname
    fn.__doc__ = f"tf.layers.{fname}(inputs, pool_size, strides, padding='valid', " \
                 f"data_format='channels_last', name=None): {cls.__name__} applied to inputs."
    return fn


max_pooling1d = _functional(MaxPooling1D, "max_pooling1d")
max_pooling2d = _functional(MaxPooling2D, "max_pooling2d")
max_pooling3d = _functional(MaxPooling3D, "max_pooling3d")
average_pooling1d = _functional(AveragePooling1D, "average_pooling1d")
average_pooling2d = _functional(AveragePooling2D, "average_pooling2d")
average_pooling3d = _functional(AveragePooling3D, "average_pooling3d")
