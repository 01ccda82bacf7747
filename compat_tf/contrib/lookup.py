"""tf.contrib.lookup (TF 1.15): tables, initializers and the index_table constructors."""
from compat_tf._src.ops.lookup_ops import tables_initializer  # noqa: F401
from compat_tf._src.ops.lookup_tables import (  # noqa: F401
    FastHashSpec, HashTable, HasherSpec, IdTableWithHashBuckets, KeyValueTensorInitializer, LookupInterface,
    MutableHashTable, StrongHashSpec, TableInitializerBase, TextFileIdTableInitializer, TextFileIndex,
    TextFileInitializer, TextFileStringTableInitializer, index_table_from_file, index_table_from_tensor,
    index_to_string, index_to_string_table_from_file, index_to_string_table_from_tensor, string_to_index)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.lookup")
