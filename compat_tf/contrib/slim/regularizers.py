"""slim.regularizers (tf.contrib.layers.regularizers)."""
from compat_tf._src.layers.contrib_layers import (  # noqa: F401
    apply_regularization, l1_l2_regularizer, l1_regularizer, l2_regularizer, sum_regularizer)
