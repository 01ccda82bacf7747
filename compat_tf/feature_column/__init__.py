"""tf.feature_column (TF 1.15 v1 columns; see compat_tf._src.feature_column)."""
from compat_tf._src.feature_column.feature_column import (  # noqa: F401
    bucketized_column, categorical_column_with_hash_bucket, categorical_column_with_identity,
    categorical_column_with_vocabulary_file, categorical_column_with_vocabulary_list, embedding_column,
    indicator_column, input_layer, linear_model, make_parse_example_spec, numeric_column)
from compat_tf._src.feature_column.combined_columns import (  # noqa: F401
    crossed_column, shared_embedding_columns, weighted_categorical_column)
from compat_tf._src.feature_column.sequence_columns import (  # noqa: F401
    sequence_categorical_column_with_hash_bucket, sequence_categorical_column_with_identity,
    sequence_categorical_column_with_vocabulary_file, sequence_categorical_column_with_vocabulary_list,
    sequence_numeric_column)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.feature_column")
