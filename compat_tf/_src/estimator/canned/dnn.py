"""tf.estimator.DNNClassifier / DNNRegressor / DNNEstimator (TF 1.15's canned/dnn.py, v1 classes).

The model: input_layer of the feature columns in variable scope 'dnn/input_from_feature_columns',
then per hidden layer a dense layer 'dnn/hiddenlayer_<i>' (glorot-uniform kernel, zero bias,
activation_fn), dropout while training, batch normalization 'dnn/hiddenlayer_<i>/batchnorm_<i>'
(momentum 0.999) when asked, and the linear 'dnn/logits' layer; a head turns the logits into the
EstimatorSpec. Optimizer by name ('Adagrad' by default, learning rate 0.05), instance or callable;
losses reduced by SUM by default (TF 1.15's v1 estimators). Checkpoint keys are TF's (see
canned/_saver.py), so a model_dir written by TF 1.15's DNNClassifier trains on, evaluates and
predicts here, and the other way round. Summaries as TF: 'dnn/hiddenlayer_<i>/fraction_of_zero_values'
and '/activation' per layer.

Deviation: `input_layer_partitioner` is accepted and ignored (compat_tf has no partitioned
variables; TF uses one partition without parameter servers).
"""
from compat_tf._src.estimator.canned import _saver
from compat_tf._src.estimator.canned import head as head_lib
from compat_tf._src.estimator.canned.optimizers import get_optimizer_instance
from compat_tf._src.estimator.estimator import Estimator
from compat_tf._src.estimator.model_fn import ModeKeys

_LEARNING_RATE = 0.05


def _tf():
    import compat_tf
    return compat_tf


def add_layer_summary(value, tag):
    tf = _tf()
    tf.summary.scalar(f"{tag}/fraction_of_zero_values", tf.nn.zero_fraction(value))
    tf.summary.histogram(f"{tag}/activation", value)


def validate_features(features):
    if not isinstance(features, dict):
        raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: {type(features)}")


def _dense(net, units, activation, initializer):
    """A tf.layers.Dense in the current variable scope ('kernel', 'bias')."""
    tf = _tf()
    kernel = tf.get_variable("kernel", [net.shape.dims[-1].value, units], initializer=initializer)
    bias = tf.get_variable("bias", [units], initializer=tf.zeros_initializer())
    out = tf.nn.bias_add(tf.matmul(net, kernel), bias)
    return activation(out) if activation is not None else out


def dnn_logits(features, mode, units, hidden_units, feature_columns, activation_fn, dropout, batch_norm):
    """The logits of the DNN, built in the current variable scope (TF's `_DNNModel.call`)."""
    tf = _tf()
    if not isinstance(units, int):
        raise ValueError(f"units must be an int.  Given type: {type(units)}")
    is_training = mode == ModeKeys.TRAIN
    glorot = tf.glorot_uniform_initializer()
    with tf.variable_scope("input_from_feature_columns"):
        net = tf.feature_column.input_layer(features, feature_columns)
    for layer_id, num_units in enumerate(hidden_units):
        with tf.variable_scope(f"hiddenlayer_{layer_id}") as scope:
            net = _dense(net, num_units, activation_fn, glorot)
            if dropout is not None and is_training:
                net = tf.layers.dropout(net, rate=dropout, training=True)
            if batch_norm:
                net = tf.layers.batch_normalization(net, momentum=0.999, training=is_training,
                                                    name=f"batchnorm_{layer_id}")
        add_layer_summary(net, scope.name)
    with tf.variable_scope("logits") as scope:
        logits = _dense(net, units, None, glorot)
    add_layer_summary(logits, scope.name)
    return logits


def dnn_model_fn(features, labels, mode, head, hidden_units, feature_columns, optimizer="Adagrad",
                 activation_fn=None, dropout=None, input_layer_partitioner=None, config=None, batch_norm=False):
    """TF 1.15's `_dnn_model_fn`: the model in variable scope 'dnn', the head's spec built inside it."""
    tf = _tf()
    del input_layer_partitioner
    optimizer = get_optimizer_instance(optimizer, learning_rate=_LEARNING_RATE)
    validate_features(features)
    with tf.variable_scope("dnn", values=tuple(features.values())):
        logits = dnn_logits(features, mode, head.logits_dimension, hidden_units, feature_columns,
                            activation_fn if activation_fn is not None else tf.nn.relu, dropout, batch_norm)
        spec = head.create_estimator_spec(features=features, mode=mode, labels=labels, optimizer=optimizer,
                                          logits=logits)
    _saver.register_saver(config, [optimizer], minimize_scope="dnn")
    return spec


class _CannedEstimator(Estimator):
    """An Estimator whose model_fn is `model_fn(features, labels, mode, config)` of a canned model."""

    def __init__(self, model_fn, model_dir=None, config=None, warm_start_from=None):
        def _model_fn(features, labels, mode, config):
            return model_fn(features, labels, mode, config)
        super().__init__(model_fn=_model_fn, model_dir=model_dir, config=config, warm_start_from=warm_start_from)


class DNNClassifier(_CannedEstimator):
    """tf.estimator.DNNClassifier (TF 1.15, v1): a feed-forward classifier on feature columns."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, n_classes=2, weight_column=None,
                 label_vocabulary=None, optimizer="Adagrad", activation_fn=None, dropout=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None, loss_reduction=None,
                 batch_norm=False):
        head = head_lib.binary_or_multi_class_head(n_classes, weight_column, label_vocabulary, loss_reduction)
        columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return dnn_model_fn(features, labels, mode, head, hidden_units, columns, optimizer, activation_fn,
                                dropout, input_layer_partitioner, config, batch_norm)
        super().__init__(model_fn, model_dir, config, warm_start_from)


class DNNRegressor(_CannedEstimator):
    """tf.estimator.DNNRegressor (TF 1.15, v1): a feed-forward regressor on feature columns."""

    def __init__(self, hidden_units, feature_columns, model_dir=None, label_dimension=1, weight_column=None,
                 optimizer="Adagrad", activation_fn=None, dropout=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False):
        head = head_lib.regression_head(weight_column=weight_column, label_dimension=label_dimension,
                                        loss_reduction=loss_reduction)
        columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return dnn_model_fn(features, labels, mode, head, hidden_units, columns, optimizer, activation_fn,
                                dropout, input_layer_partitioner, config, batch_norm)
        super().__init__(model_fn, model_dir, config, warm_start_from)


class DNNEstimator(_CannedEstimator):
    """tf.estimator.DNNEstimator (TF 1.15, v1): the DNN with a head of your choice."""

    def __init__(self, head, hidden_units, feature_columns, model_dir=None, optimizer="Adagrad",
                 activation_fn=None, dropout=None, input_layer_partitioner=None, config=None, warm_start_from=None,
                 batch_norm=False):
        columns = tuple(feature_columns or [])

        def model_fn(features, labels, mode, config):
            return dnn_model_fn(features, labels, mode, head, hidden_units, columns, optimizer, activation_fn,
                                dropout, input_layer_partitioner, config, batch_norm)
        super().__init__(model_fn, model_dir, config, warm_start_from)
