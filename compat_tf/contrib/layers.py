"""tf.contrib.layers: provided names come from compat_tf; the rest raise UnimplementedSymbolError."""
from compat_tf._src.layers.contrib_layers import (  # noqa: F401
    apply_regularization, avg_pool2d, batch_norm, conv2d, convolution, convolution2d, dropout, flatten,
    fully_connected, l1_l2_regularizer, l1_regularizer, l2_regularizer, linear, max_pool2d, sum_regularizer,
    variance_scaling_initializer, xavier_initializer, xavier_initializer_conv2d)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.layers")
