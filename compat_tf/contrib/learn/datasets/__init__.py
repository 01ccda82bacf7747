"""tf.contrib.learn.datasets: base (CSV loaders) and mnist (read_data_sets)."""
from compat_tf.contrib.learn.datasets import base, mnist  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.learn.datasets", package=__name__)
