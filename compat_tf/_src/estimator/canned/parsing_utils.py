"""tf.estimator.classifier_parse_example_spec / regressor_parse_example_spec (TF 1.15's
canned/parsing_utils.py): the feature columns' parse spec plus the label (FixedLenFeature of
shape [1] / [label_dimension]) and the weight column."""


def _add_label_and_weight(spec, label_key, label_spec, weight_column):
    from compat_tf._src.feature_column import feature_column as fc
    if label_key in spec:
        raise ValueError(f"label should not be used as feature. label_key: {label_key}, features: {spec.keys()}")
    spec[label_key] = label_spec
    if weight_column is None:
        return spec
    if isinstance(weight_column, str):
        weight_column = fc.numeric_column(weight_column)
    if not isinstance(weight_column, fc._NumericColumn):
        raise ValueError(f"weight_column should be an instance of tf.feature_column.numeric_column. Given type: "
                         f"{type(weight_column)} value: {weight_column}")
    if weight_column.key in spec:
        raise ValueError(f"weight_column should not be used as feature. weight_column: {weight_column.key}, "
                         f"features: {spec.keys()}")
    spec.update(weight_column._parse_example_spec)
    return spec


def classifier_parse_example_spec(feature_columns, label_key, label_dtype=None, label_default=None,
                                  weight_column=None):
    from compat_tf._src.feature_column import feature_column as fc
    from compat_tf._src.framework import dtypes
    from compat_tf._src.ops.parsing_ops import FixedLenFeature
    spec = fc.make_parse_example_spec(feature_columns)
    label = FixedLenFeature((1,), label_dtype or dtypes.int64, label_default)
    return _add_label_and_weight(spec, label_key, label, weight_column)


def regressor_parse_example_spec(feature_columns, label_key, label_dtype=None, label_default=None,
                                 label_dimension=1, weight_column=None):
    from compat_tf._src.feature_column import feature_column as fc
    from compat_tf._src.framework import dtypes
    from compat_tf._src.ops.parsing_ops import FixedLenFeature
    spec = fc.make_parse_example_spec(feature_columns)
    label = FixedLenFeature((label_dimension,), label_dtype or dtypes.float32, label_default)
    return _add_label_and_weight(spec, label_key, label, weight_column)
