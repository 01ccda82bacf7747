"""tf.contrib.tensorboard.plugins: `projector`."""
from compat_tf._src.dropin.missing import missing_attr_hook

__getattr__ = missing_attr_hook("tf.contrib.tensorboard.plugins", package=__name__)
