"""slim.learning: create_train_op, train_step, train (a Supervisor-driven loop)."""
from compat_tf._src.contrib.learning import (  # noqa: F401
    add_gradients_summaries, clip_gradient_norms, create_train_op, multiply_gradients, train, train_step)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.slim.learning")
