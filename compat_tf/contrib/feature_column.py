"""tf.contrib.feature_column: TF 1.15's sequence columns and sequence_input_layer
(compat_tf._src.feature_column.sequence_columns)."""
from compat_tf._src.feature_column.sequence_columns import (  # noqa: F401
    sequence_categorical_column_with_hash_bucket, sequence_categorical_column_with_identity,
    sequence_categorical_column_with_vocabulary_file, sequence_categorical_column_with_vocabulary_list,
    sequence_input_layer, sequence_numeric_column)
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.feature_column")
