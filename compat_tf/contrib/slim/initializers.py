"""slim.initializers (tf.contrib.layers.initializers)."""
from compat_tf._src.layers.contrib_layers import (  # noqa: F401
    variance_scaling_initializer, xavier_initializer, xavier_initializer_conv2d)
