"""tf.contrib.tensorboard: only `plugins.projector` (the embedding projector config)."""
from compat_tf._src.dropin.missing import missing_attr_hook

__getattr__ = missing_attr_hook("tf.contrib.tensorboard", package=__name__)
