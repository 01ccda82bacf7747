"""tf.contrib.losses (also slim.losses): the pre-tf.losses loss functions, predictions first."""
from compat_tf._src.contrib.losses import (  # noqa: F401
    absolute_difference, add_loss, compute_weighted_loss, cosine_distance, get_losses, get_regularization_losses,
    get_total_loss, hinge_loss, log_loss, mean_pairwise_squared_error, mean_squared_error, sigmoid_cross_entropy,
    softmax_cross_entropy, sparse_softmax_cross_entropy)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.losses")
