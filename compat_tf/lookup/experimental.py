"""tf.lookup.experimental: MutableHashTable (DenseHashTable is not implemented)."""
from compat_tf._src.ops.lookup_tables import MutableHashTable  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.lookup.experimental")
