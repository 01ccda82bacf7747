"""tf.metrics: TF 1.15's streaming metrics (defined in compat_tf._src.ops.metrics_impl).

The *_at_k / *_at_top_k families (recall_at_k, precision_at_k, average_precision_at_k, ...) are
not implemented and raise UnimplementedSymbolError.
"""
from compat_tf._src.ops import metrics_impl as _impl

_g = globals()
for _name in _impl.__all__:
    _g[_name] = getattr(_impl, _name)
del _g, _name

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.metrics")
