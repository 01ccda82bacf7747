"""tf.contrib.metrics: the streaming_* metrics (tf.metrics with predictions first) and aggregators."""
from compat_tf._src.contrib.metrics import *  # noqa: F401,F403
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.metrics")
