"""tf.estimator.BaselineClassifier / BaselineRegressor / BaselineEstimator (TF 1.15's
canned/baseline.py, v1 classes): logits are one learned bias per output ('baseline/bias', zeros),
the same for every example, so the model learns the label distribution (classifier) or the label
mean (regressor). Default optimizer FTRL with learning rate 0.3; losses reduced by SUM.
"""
from compat_tf._src.estimator.canned import _saver
from compat_tf._src.estimator.canned import head as head_lib
from compat_tf._src.estimator.canned.dnn import _CannedEstimator
from compat_tf._src.estimator.canned.optimizers import get_optimizer_instance

_LEARNING_RATE = 0.3


def _tf():
    import compat_tf
    return compat_tf


def _weight_column_key(weight_column):
    from compat_tf._src.feature_column import feature_column as fc
    if weight_column is None or isinstance(weight_column, str):
        return weight_column
    if not isinstance(weight_column, fc._NumericColumn):
        raise TypeError(f"Weight column must be either a string or _NumericColumn. Given type: "
                        f"{type(weight_column)}.")
    return weight_column.key


def baseline_model_fn(features, labels, mode, head, optimizer, weight_column=None, config=None):
    """TF 1.15's `_baseline_model_fn`: the batch size checked equal over the features (the weight
    column excepted), logits = bias * ones([batch, outputs])."""
    tf = _tf()
    key = _weight_column_key(weight_column)
    checks, batch_size = [], None
    for name, feature in features.items():
        if name == key:
            continue
        shape = feature.dense_shape if isinstance(feature, tf.SparseTensor) else tf.shape(feature)
        first = shape[0]
        if batch_size is None:
            batch_size = first
        else:
            checks.append(tf.assert_equal(batch_size, first))
    with tf.control_dependencies(checks):
        with tf.variable_scope("baseline"):
            bias = tf.get_variable("bias", shape=[head.logits_dimension], initializer=tf.zeros_initializer())
            logits = tf.multiply(bias, tf.ones(tf.stack([tf.cast(batch_size, tf.int32), head.logits_dimension])))
    opts = []

    def train_op_fn(loss):
        opt = get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
        opts.append(opt)
        return opt.minimize(loss, global_step=tf.train.get_global_step())

    spec = head.create_estimator_spec(features=features, mode=mode, logits=logits, labels=labels,
                                      train_op_fn=train_op_fn)
    _saver.register_saver(config, opts, minimize_scope="")
    return spec


class BaselineClassifier(_CannedEstimator):
    """tf.estimator.BaselineClassifier (TF 1.15, v1): predicts the class distribution of the labels."""

    def __init__(self, model_dir=None, n_classes=2, weight_column=None, label_vocabulary=None, optimizer="Ftrl",
                 config=None, loss_reduction=None):
        head = head_lib.binary_or_multi_class_head(n_classes, weight_column, label_vocabulary, loss_reduction)

        def model_fn(features, labels, mode, config):
            return baseline_model_fn(features, labels, mode, head, optimizer, weight_column, config)
        super().__init__(model_fn, model_dir, config)


class BaselineRegressor(_CannedEstimator):
    """tf.estimator.BaselineRegressor (TF 1.15, v1): predicts the (weighted) mean of the labels."""

    def __init__(self, model_dir=None, label_dimension=1, weight_column=None, optimizer="Ftrl", config=None,
                 loss_reduction=None):
        head = head_lib.regression_head(weight_column=weight_column, label_dimension=label_dimension,
                                        loss_reduction=loss_reduction)

        def model_fn(features, labels, mode, config):
            return baseline_model_fn(features, labels, mode, head, optimizer, weight_column, config)
        super().__init__(model_fn, model_dir, config)


class BaselineEstimator(_CannedEstimator):
    """tf.estimator.BaselineEstimator (TF 1.15, v1): the baseline with a head of your choice."""

    def __init__(self, head, model_dir=None, optimizer="Ftrl", config=None):
        def model_fn(features, labels, mode, config):
            return baseline_model_fn(features, labels, mode, head, optimizer, None, config)
        super().__init__(model_fn, model_dir, config)
