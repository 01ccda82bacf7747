"""tf.feature_column (TF 1.15's v1 feature columns): compat_tf._src.feature_column.feature_column."""
