"""tf.keras.layers pooling (TF 1.15): MaxPooling1D/2D/3D, AveragePooling1D/2D/3D (tf.layers'
pooling classes subclass these) and the global poolings.

2-D: tf.nn.max_pool / avg_pool (ops MaxPool / AvgPool in the layer's scope); 1-D: the 2-D op
over an expanded axis; 3-D: MaxPool3D / AvgPool3D (channels_first inputs are transposed to
channels_last and back, as TF1 does). `strides` defaults to `pool_size`.
Global poolings reduce the spatial axes with reduce_max / reduce_mean (GlobalAveragePooling1D
honours a mask: masked steps are left out of the mean).
"""
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.keras.engine.input_spec import InputSpec
from compat_tf._src.keras.utils import conv_utils
from compat_tf._src.ops import array_ops, math_ops, nn_ops


class _Pooling(Layer):
    _rank = 2
    _max = True

    def __init__(self, pool_size=2, strides=None, padding="valid", data_format=None, name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        n = self._rank
        if strides is None:
            strides = pool_size
        self.pool_size = conv_utils.normalize_tuple(pool_size, n, "pool_size")
        self.strides = conv_utils.normalize_tuple(strides, n, "strides")
        self.padding = conv_utils.normalize_padding(padding)
        self.data_format = conv_utils.normalize_data_format_or_default(data_format)
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
            shape[a] = conv_utils.conv_output_length(shape[a], self.pool_size[i], self.padding, self.strides[i])
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
                           "tf.keras.layers.MaxPooling1D(pool_size, strides, padding='valid', "
                           "data_format=None, name=None).")
MaxPooling2D = _pool_class("MaxPooling2D", 2, True,
                           "tf.keras.layers.MaxPooling2D(pool_size, strides, padding='valid', "
                           "data_format=None, name=None).")
MaxPooling3D = _pool_class("MaxPooling3D", 3, True,
                           "tf.keras.layers.MaxPooling3D(pool_size, strides, padding='valid', "
                           "data_format=None, name=None).")
AveragePooling1D = _pool_class("AveragePooling1D", 1, False, "tf.keras.layers.AveragePooling1D(pool_size, strides, "
                               "padding='valid', data_format=None, name=None).")
AveragePooling2D = _pool_class("AveragePooling2D", 2, False, "tf.keras.layers.AveragePooling2D(pool_size, strides, "
                               "padding='valid', data_format=None, name=None).")
AveragePooling3D = _pool_class("AveragePooling3D", 3, False, "tf.keras.layers.AveragePooling3D(pool_size, strides, "
                               "padding='valid', data_format=None, name=None).")
MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D


MaxPool1D, MaxPool2D, MaxPool3D = MaxPooling1D, MaxPooling2D, MaxPooling3D
AvgPool1D, AvgPool2D, AvgPool3D = AveragePooling1D, AveragePooling2D, AveragePooling3D


class _GlobalPooling(Layer):
    _rank = 2
    _max = True

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = conv_utils.normalize_data_format_or_default(data_format)
        self.input_spec = InputSpec(ndim=self._rank + 2)
        self.supports_masking = self._rank == 1 and not self._max

    def _axes(self):
        return list(range(2, 2 + self._rank)) if self.data_format == "channels_first" else \
            list(range(1, 1 + self._rank))

    def call(self, inputs, mask=None):
        axes = self._axes()
        if self._max:
            return math_ops.reduce_max(inputs, axis=axes)
        if mask is not None:
            mask = math_ops.cast(mask, inputs.dtype)
            mask = array_ops.expand_dims(mask, 2 if self.data_format == "channels_last" else 1)
            inputs = inputs * mask
            return math_ops.reduce_sum(inputs, axis=axes) / math_ops.reduce_sum(mask, axis=axes)
        return math_ops.reduce_mean(inputs, axis=axes)

    def compute_mask(self, inputs, mask=None):
        return None

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        return _ts.TensorShape([s[0], s[1] if self.data_format == "channels_first" else s[-1]])

    def get_config(self):
        config = super().get_config()
        config["data_format"] = self.data_format
        return config


def _global_class(name, rank, is_max):
    cls = type(name, (_GlobalPooling,), {"_rank": rank, "_max": is_max, "__module__": __name__,
                                         "__doc__": f"tf.keras.layers.{name}(data_format=None)."})
    return cls


GlobalMaxPooling1D = _global_class("GlobalMaxPooling1D", 1, True)
GlobalMaxPooling2D = _global_class("GlobalMaxPooling2D", 2, True)
GlobalMaxPooling3D = _global_class("GlobalMaxPooling3D", 3, True)
GlobalAveragePooling1D = _global_class("GlobalAveragePooling1D", 1, False)
GlobalAveragePooling2D = _global_class("GlobalAveragePooling2D", 2, False)
GlobalAveragePooling3D = _global_class("GlobalAveragePooling3D", 3, False)
GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPool3D = GlobalMaxPooling1D, GlobalMaxPooling2D, GlobalMaxPooling3D
GlobalAvgPool1D, GlobalAvgPool2D, GlobalAvgPool3D = (GlobalAveragePooling1D, GlobalAveragePooling2D,
                                                     GlobalAveragePooling3D)
