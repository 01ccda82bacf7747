"""tf.contrib.layers: provided names come from compat_tf; the rest raise UnimplementedSymbolError."""
from compat_tf._src.contrib.layers import (  # noqa: F401 - arg-scoped layer functions
    avg_pool2d, batch_norm, bias_add, conv2d, conv2d_transpose, convolution, convolution2d,
    convolution2d_transpose, dropout, flatten, fully_connected, layer_norm, linear, max_pool2d, one_hot_encoding,
    repeat, separable_conv2d, separable_convolution2d, softmax, stack, unit_norm)
from compat_tf._src.layers.contrib_layers import (  # noqa: F401
    apply_regularization, l1_l2_regularizer, l1_regularizer, l2_regularizer, sum_regularizer,
    variance_scaling_initializer, xavier_initializer, xavier_initializer_conv2d)
from compat_tf._src.ops.embedding_ops import safe_embedding_lookup_sparse  # noqa: E402,F401
from compat_tf.contrib.slim import initializers, regularizers, utils  # noqa: E402,F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.layers")
