"""tf.contrib.data: provided names come from compat_tf; the rest raise UnimplementedSymbolError."""
from compat_tf._src.data.csv_dataset import make_csv_dataset  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook

__getattr__ = missing_attr_hook("tf.contrib.data")
