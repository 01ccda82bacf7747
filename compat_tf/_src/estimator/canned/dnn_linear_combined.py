"""tf.estimator.DNNLinearCombinedClassifier / Regressor / Estimator (TF 1.15's
canned/dnn_linear_combined.py, v1 classes): the sum of the DNN's logits (variable scope 'dnn') and
the linear model's ('linear'), each part trained by its own optimizer (defaults: Adagrad with
learning rate 0.001 for the DNN, FTRL with min(0.005, 1/sqrt(number of linear columns)) for the
linear part), one train op that then increments the global step. The optimizers run outside the
model scopes, so slot keys are plain ('dnn/logits/kernel/Adagrad'), as TF's.
"""
import math

from compat_tf._src.estimator.canned import _saver
from compat_tf._src.estimator.canned import head as head_lib
from compat_tf._src.estimator.canned.dnn import _CannedEstimator, add_layer_summary, dnn_logits
from compat_tf._src.estimator.canned.linear import linear_logits
from compat_tf._src.estimator.canned.optimizers import get_optimizer_instance

_DNN_LEARNING_RATE = 0.001
_LINEAR_LEARNING_RATE = 0.005


def _tf():
    import compat_tf
    return compat_tf


def _linear_learning_rate(num_linear_feature_columns):
    return min(_LINEAR_LEARNING_RATE, 1. / math.sqrt(num_linear_feature_columns))


def _check_no_sync_replicas_optimizer(optimizer):
    if type(optimizer).__name__ == "SyncReplicasOptimizer":
        raise ValueError("SyncReplicasOptimizer does not support multi optimizers case. Therefore, it is not "
                         "supported in DNNLinearCombined model. If you want to use this optimizer, please use "
                         "either DNN or Linear model.")


def dnn_linear_combined_model_fn(features, labels, mode, head, linear_feature_columns=None,
                                 linear_optimizer="Ftrl", dnn_feature_columns=None, dnn_optimizer="Adagrad",
                                 dnn_hidden_units=None, dnn_activation_fn=None, dnn_dropout=None,
                                 input_layer_partitioner=None, config=None, batch_norm=False,
                                 linear_sparse_combiner="sum"):
    """TF 1.15's `_dnn_linear_combined_model_fn`."""
    tf = _tf()
    del input_layer_partitioner
    if not isinstance(features, dict):
        raise ValueError(f"features should be a dictionary of `Tensor`s. Given type: {type(features)}")
    if not linear_feature_columns and not dnn_feature_columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be defined.")
    optimizers, dnn_out, linear_out = [], None, None
    if dnn_feature_columns:
        dnn_optimizer = get_optimizer_instance(dnn_optimizer, learning_rate=_DNN_LEARNING_RATE)
        _check_no_sync_replicas_optimizer(dnn_optimizer)
        if not dnn_hidden_units:
            raise ValueError("dnn_hidden_units must be defined when dnn_feature_columns is specified.")
        with tf.variable_scope("dnn", values=tuple(features.values())) as scope:
            dnn_scope = scope.name
            dnn_out = dnn_logits(features, mode, head.logits_dimension, dnn_hidden_units, dnn_feature_columns,
                                 dnn_activation_fn if dnn_activation_fn is not None else tf.nn.relu, dnn_dropout,
                                 batch_norm)
        optimizers.append(dnn_optimizer)
    if linear_feature_columns:
        linear_optimizer = get_optimizer_instance(
            linear_optimizer, learning_rate=_linear_learning_rate(len(linear_feature_columns)))
        _check_no_sync_replicas_optimizer(linear_optimizer)
        with tf.variable_scope("linear", values=tuple(features.values())) as scope:
            linear_scope = scope.name
            linear_out = linear_logits(features, head.logits_dimension, linear_feature_columns,
                                       linear_sparse_combiner)
            add_layer_summary(linear_out, scope.name)
        optimizers.append(linear_optimizer)
    if dnn_out is not None and linear_out is not None:
        logits = dnn_out + linear_out
    else:
        logits = dnn_out if dnn_out is not None else linear_out

    def train_op_fn(loss):
        train_ops = []
        global_step = tf.train.get_global_step()
        if dnn_out is not None:
            train_ops.append(dnn_optimizer.minimize(
                loss, var_list=tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope=dnn_scope)))
        if linear_out is not None:
            train_ops.append(linear_optimizer.minimize(
                loss, var_list=tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope=linear_scope)))
        train_op = tf.group(*train_ops)
        with tf.control_dependencies([train_op]):
            return tf.assign_add(global_step, 1).op

    spec = head.create_estimator_spec(features=features, mode=mode, labels=labels, train_op_fn=train_op_fn,
                                      logits=logits)
    _saver.register_saver(config, optimizers, minimize_scope="")
    return spec


def _columns(linear_feature_columns, dnn_feature_columns):
    linear_feature_columns = list(linear_feature_columns or [])
    dnn_feature_columns = list(dnn_feature_columns or [])
    if not linear_feature_columns + dnn_feature_columns:
        raise ValueError("Either linear_feature_columns or dnn_feature_columns must be defined.")
    return linear_feature_columns, dnn_feature_columns


class _Combined(_CannedEstimator):
    def __init__(self, head, model_dir, linear_feature_columns, linear_optimizer, dnn_feature_columns,
                 dnn_optimizer, dnn_hidden_units, dnn_activation_fn, dnn_dropout, input_layer_partitioner, config,
                 warm_start_from, batch_norm, linear_sparse_combiner):
        linear_cols, dnn_cols = _columns(linear_feature_columns, dnn_feature_columns)

        def model_fn(features, labels, mode, config):
            return dnn_linear_combined_model_fn(
                features, labels, mode, head, linear_cols, linear_optimizer, dnn_cols, dnn_optimizer,
                dnn_hidden_units, dnn_activation_fn, dnn_dropout, input_layer_partitioner, config, batch_norm,
                linear_sparse_combiner)
        super().__init__(model_fn, model_dir, config, warm_start_from)


class DNNLinearCombinedClassifier(_Combined):
    """tf.estimator.DNNLinearCombinedClassifier (TF 1.15, v1): wide & deep classification."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None, dnn_activation_fn=None,
                 dnn_dropout=None, n_classes=2, weight_column=None, label_vocabulary=None,
                 input_layer_partitioner=None, config=None, warm_start_from=None, loss_reduction=None,
                 batch_norm=False, linear_sparse_combiner="sum"):
        _columns(linear_feature_columns, dnn_feature_columns)
        head = head_lib.binary_or_multi_class_head(n_classes, weight_column, label_vocabulary, loss_reduction)
        super().__init__(head, model_dir, linear_feature_columns, linear_optimizer, dnn_feature_columns,
                         dnn_optimizer, dnn_hidden_units, dnn_activation_fn, dnn_dropout, input_layer_partitioner,
                         config, warm_start_from, batch_norm, linear_sparse_combiner)


class DNNLinearCombinedRegressor(_Combined):
    """tf.estimator.DNNLinearCombinedRegressor (TF 1.15, v1): wide & deep regression."""

    def __init__(self, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None, dnn_activation_fn=None,
                 dnn_dropout=None, label_dimension=1, weight_column=None, input_layer_partitioner=None, config=None,
                 warm_start_from=None, loss_reduction=None, batch_norm=False, linear_sparse_combiner="sum"):
        _columns(linear_feature_columns, dnn_feature_columns)
        head = head_lib.regression_head(weight_column=weight_column, label_dimension=label_dimension,
                                        loss_reduction=loss_reduction)
        super().__init__(head, model_dir, linear_feature_columns, linear_optimizer, dnn_feature_columns,
                         dnn_optimizer, dnn_hidden_units, dnn_activation_fn, dnn_dropout, input_layer_partitioner,
                         config, warm_start_from, batch_norm, linear_sparse_combiner)


class DNNLinearCombinedEstimator(_Combined):
    """tf.estimator.DNNLinearCombinedEstimator (TF 1.15, v1): wide & deep with a head of your choice."""

    def __init__(self, head, model_dir=None, linear_feature_columns=None, linear_optimizer="Ftrl",
                 dnn_feature_columns=None, dnn_optimizer="Adagrad", dnn_hidden_units=None, dnn_activation_fn=None,
                 dnn_dropout=None, input_layer_partitioner=None, config=None, linear_sparse_combiner="sum"):
        _columns(linear_feature_columns, dnn_feature_columns)
        super().__init__(head, model_dir, linear_feature_columns, linear_optimizer, dnn_feature_columns,
                         dnn_optimizer, dnn_hidden_units, dnn_activation_fn, dnn_dropout, input_layer_partitioner,
                         config, None, False, linear_sparse_combiner)
