"""tf.lookup (TF 1.15 compat.v1): static tables and their initializers (compat_tf._src.ops.lookup_tables)."""
from compat_tf._src.ops.lookup_tables import (  # noqa: F401
    KeyValueTensorInitializer, StaticHashTable, StaticVocabularyTable, TextFileIndex, TextFileInitializer)
from compat_tf.lookup import experimental  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.lookup")
