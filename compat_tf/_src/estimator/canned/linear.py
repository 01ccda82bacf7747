"""tf.estimator.LinearClassifier / LinearRegressor / LinearEstimator (TF 1.15's canned/linear.py,
v1 classes).

The model is tf.feature_column.linear_model in variable scope 'linear' ('linear/linear_model/<column>
/weights', 'linear/linear_model/bias_weights'), categorical columns combined by `sparse_combiner`;
the default optimizer is FTRL with learning rate min(0.2, 1/sqrt(number of columns)); losses reduced
by SUM by default. Checkpoint keys are TF's (canned/_saver.py: '.../weights/part_0/Ftrl'), and the
summaries 'linear/bias' and 'linear/fraction_of_zero_weights' are written as TF writes them.

Not provided: the SDCA optimizer (tf.estimator.experimental.LinearSDCA raises NotImplementedError);
`partitioner` is accepted and ignored (compat_tf has no partitioned variables).
"""
import math

from compat_tf._src.estimator.canned import _saver
from compat_tf._src.estimator.canned import head as head_lib
from compat_tf._src.estimator.canned.dnn import _CannedEstimator
from compat_tf._src.estimator.canned.optimizers import get_optimizer_instance

_LEARNING_RATE = 0.2


def _tf():
    import compat_tf
    return compat_tf


def _fraction_of_zero(variables):
    """The fraction of zero weights over all the linear model's weights (TF's zero_fraction scope)."""
    tf = _tf()
    with tf.name_scope("zero_fraction"):
        sizes = [float(v.shape.num_elements()) for v in variables]
        total = sum(sizes)
        zeros = tf.add_n([tf.nn.zero_fraction(v) * s for v, s in zip(variables, sizes) if s])
        return tf.identity(zeros / total, name="zero_fraction_or_nan")


def linear_logits(features, units, feature_columns, sparse_combiner="sum"):
    """The linear model's logits with its summaries, in the current variable scope."""
    tf = _tf()
    cols_to_vars = {}
    logits = tf.feature_column.linear_model(features, feature_columns, units=units,
                                            sparse_combiner=sparse_combiner, cols_to_vars=cols_to_vars)
    bias = cols_to_vars.pop("bias")
    if units > 1:
        tf.summary.histogram("bias", bias[0])
    else:
        tf.summary.scalar("bias", bias[0][0])
    tf.summary.scalar("fraction_of_zero_weights",
                      _fraction_of_zero([v for vs in cols_to_vars.values() for v in vs]))
    return logits


def default_optimizer(feature_columns):
    from compat_tf._src.train.ftrl import FtrlOptimizer
    return FtrlOptimizer(learning_rate=min(_LEARNING_RATE, 1.0 / math.sqrt(len(feature_columns))))


def linear_model_fn(features, labels, mode, head, feature_columns, optimizer, partitioner, config,
                    sparse_combiner="sum"):
    """TF 1.15's `_linear_model_fn`: the model and the head's spec in variable scope 'linear'."""
    tf = _tf()
    del partitioner
    if not isinstance(features, dict):
        raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: {type(features)}")
    if type(optimizer).__name__ == "LinearSDCA":
        raise NotImplementedError("tf.estimator.experimental.LinearSDCA is not implemented by compat_tf")
    with tf.variable_scope("linear", values=tuple(features.values())):
        logits = linear_logits(features, head.logits_dimension, feature_columns, sparse_combiner)
        optimizer = get_optimizer_instance(optimizer or default_optimizer(feature_columns),
                                           learning_rate=_LEARNING_RATE)
        spec = head.create_estimator_spec(features=features, mode=mode, labels=labels, optimizer=optimizer,
                                          logits=logits)
    _saver.register_saver(config, [optimizer], minimize_scope="linear")
    return spec


def _check_combiner(sparse_combiner):
    if sparse_combiner not in ("mean", "sqrtn", "sum"):
        raise ValueError(f"sparse_combiner must be one of 'mean', 'sqrtn' or 'sum', got {sparse_combiner!r}")


class LinearClassifier(_CannedEstimator):
    """tf.estimator.LinearClassifier (TF 1.15, v1)."""

    def __init__(self, feature_columns, model_dir=None, n_classes=2, weight_column=None, label_vocabulary=None,
                 optimizer="Ftrl", config=None, partitioner=None, warm_start_from=None, loss_reduction=None,
                 sparse_combiner="sum"):
        _check_combiner(sparse_combiner)
        head = head_lib.binary_or_multi_class_head(n_classes, weight_column, label_vocabulary, loss_reduction)
        columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return linear_model_fn(features, labels, mode, head, columns, optimizer, partitioner, config,
                                   sparse_combiner)
        super().__init__(model_fn, model_dir, config, warm_start_from)


class LinearRegressor(_CannedEstimator):
    """tf.estimator.LinearRegressor (TF 1.15, v1)."""

    def __init__(self, feature_columns, model_dir=None, label_dimension=1, weight_column=None, optimizer="Ftrl",
                 config=None, partitioner=None, warm_start_from=None, loss_reduction=None, sparse_combiner="sum"):
        _check_combiner(sparse_combiner)
        head = head_lib.regression_head(weight_column=weight_column, label_dimension=label_dimension,
                                        loss_reduction=loss_reduction)
        columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return linear_model_fn(features, labels, mode, head, columns, optimizer, partitioner, config,
                                   sparse_combiner)
        super().__init__(model_fn, model_dir, config, warm_start_from)


class LinearEstimator(_CannedEstimator):
    """tf.estimator.LinearEstimator (TF 1.15, v1): the linear model with a head of your choice."""

    def __init__(self, head, feature_columns, model_dir=None, optimizer="Ftrl", config=None, partitioner=None,
                 sparse_combiner="sum"):
        _check_combiner(sparse_combiner)
        columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return linear_model_fn(features, labels, mode, head, columns, optimizer, partitioner, config,
                                   sparse_combiner)
        super().__init__(model_fn, model_dir, config)
