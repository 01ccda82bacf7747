"""tf.contrib.opt: LazyAdamOptimizer; the rest raise UnimplementedSymbolError."""
from compat_tf._src.contrib.opt import LazyAdamOptimizer  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.opt")
