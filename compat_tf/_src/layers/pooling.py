"""tf.layers pooling (TF 1.15): MaxPooling1D/2D/3D, AveragePooling1D/2D/3D and functional forms.

2-D: tf.nn.max_pool / avg_pool (ops MaxPool / AvgPool in the layer's scope); 1-D: the 2-D op
over an expanded axis; 3-D: MaxPool3D / AvgPool3D (channels_first inputs are transposed to
channels_last and back, as TF1 does). `strides` defaults to `pool_size` in the classes and is
required in the functional forms, as TF1.
"""
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.layers import base
from compat_tf._src.layers.base import InputSpec, Layer
from compat_tf._src.ops import array_ops, nn_ops

__all__ = ["MaxPooling1D", "MaxPooling2D", "MaxPooling3D", "AveragePooling1D", "AveragePooling2D",
           "AveragePooling3D", "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "max_pooling1d", "max_pooling2d", "max_pooling3d", "average_pooling1d", "average_pooling2d",
           "average_pooling3d"]


class _Pooling(Layer):
    _rank = 2
    _max = True

    def __init__(self, pool_size, strides=None, padding="valid", data_format="channels_last", name=None,
                 **kwargs):
        super().__init__(name=name, **kwargs)
        n = self._rank
        if strides is None:
            strides = pool_size
        self.pool_size = base.normalize_tuple(pool_size, n, "pool_size")
        self.strides = base.normalize_tuple(strides, n, "strides")
        self.padding = base.normalize_padding(padding)
        self.data_format = base.normalize_data_format(data_format)
        self.input_spec = InputSpec(ndim=n + 2)

    def call(self, inputs):
        cf = self.data_format == "channels_first"
        pad = self.padding.upper()
        n = self._rank
        if n == 1:
            axis = 3 if cf else 2   # TF1 expands after the width axis
            x = array_ops.expand_dims(inputs, axis)
            pool_size = self.pool_size + (1,)
            strides = self.strides + (1,)
            ksize = (1, 1) + pool_size if cf else (1,) + pool_size + (1,)
            st = (1, 1) + strides if cf else (1,) + strides + (1,)
            fn = nn_ops.max_pool if self._max else nn_ops.avg_pool
            out = fn(x, list(ksize), list(st), pad, data_format="NCHW" if cf else "NHWC")
            return array_ops.squeeze(out, [axis])
        if n == 2:
            ksize = (1, 1) + self.pool_size if cf else (1,) + self.pool_size + (1,)
            st = (1, 1) + self.strides if cf else (1,) + self.strides + (1,)
            fn = nn_ops.max_pool if self._max else nn_ops.avg_pool
            return fn(inputs, list(ksize), list(st), pad, data_format="NCHW" if cf else "NHWC")
        ksize = (1,) + self.pool_size + (1,)
        st = (1,) + self.strides + (1,)
        if cf:
            inputs = array_ops.transpose(inputs, (0, 2, 3, 4, 1))
        fn = nn_ops.max_pool3d if self._max else nn_ops.avg_pool3d
        out = fn(inputs, list(ksize), list(st), pad, data_format="NDHWC")
        if cf:
            out = array_ops.transpose(out, (0, 4, 1, 2, 3))
        return out

    def compute_output_shape(self, input_shape):
        shape = _ts.TensorShape(input_shape).as_list()
        cf = self.data_format == "channels_first"
        spatial = range(2, 2 + self._rank) if cf else range(1, 1 + self._rank)
        for i, a in enumerate(spatial):
            shape[a] = base.conv_output_length(shape[a], self.pool_size[i], self.padding, self.strides[i])
        return _ts.TensorShape(shape)

    def get_config(self):
        config = super().get_config()
        config.update(pool_size=self.pool_size, padding=self.padding, strides=self.strides,
                      data_format=self.data_format)
        return config


def _pool_class(name, rank, is_max, doc):
    cls = type(name, (_Pooling,), {"_rank": rank, "_max": is_max, "__doc__": doc})
    cls.__module__ = __name__
    return cls


MaxPooling1D = _pool_class("MaxPooling1D", 1, True,
                           "tf.layers.MaxPooling1D(pool_size, strides, padding='valid', "
                           "data_format='channels_last', name=None).")
MaxPooling2D = _pool_class("MaxPooling2D", 2, True,
                           "tf.layers.MaxPooling2D(pool_size, strides, padding='valid', "
                           "data_format='channels_last', name=None).")
MaxPooling3D = _pool_class("MaxPooling3D", 3, True,
                           "tf.layers.MaxPooling3D(pool_size, strides, padding='valid', "
                           "data_format='channels_last', name=None).")
AveragePooling1D = _pool_class("AveragePooling1D", 1, False, "tf.layers.AveragePooling1D(pool_size, strides, "
                               "padding='valid', data_format='channels_last', name=None).")
AveragePooling2D = _pool_class("AveragePooling2D", 2, False, "tf.layers.AveragePooling2D(pool_size, strides, "
                               "padding='valid', data_format='channels_last', name=None).")
AveragePooling3D = _pool_class("AveragePooling3D", 3, False, "tf.layers.AveragePooling3D(pool_size, strides, "
                               "padding='valid', data_format='channels_last', name=None).")
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
