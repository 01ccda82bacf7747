"""The heads of TF 1.15's canned estimators (tensorflow_estimator canned/head.py, the v1 `_Head`s):
binary logistic (sigmoid cross entropy), multi-class (softmax cross entropy) and regression
(squared error), each turning logits into predictions, the loss, the train op, the evaluation
metrics and the export outputs of an EstimatorSpec.

As TF 1.15: losses are reduced with `loss_reduction` (SUM by default for the v1 estimators) over
the per-example losses weighted by `weight_column`; labels are checked against the logits' shape
(statically, and at run time with assert ops); string labels go through `label_vocabulary`;
predictions, metric keys ('accuracy', 'auc', 'label/mean', 'average_loss', ...), summaries
('loss', 'average_loss') and export signatures ('serving_default', 'classification',
'regression', 'predict') have TF's names, and the ops are built in TF's name scopes
('head/predictions/probabilities', 'metrics/accuracy', ...).
"""
import collections

from compat_tf._src.estimator.model_fn import (ClassificationOutput, EstimatorSpec, ModeKeys, PredictOutput,
                                               RegressionOutput)


def _tf():
    import compat_tf
    return compat_tf


class MetricKeys:
    """Metric names of the canned estimators (TF 1.15's canned/metric_keys.py)."""
    LOSS = "loss"
    LOSS_MEAN = "average_loss"
    LOSS_REGULARIZATION = "regularization_loss"
    ACCURACY = "accuracy"
    PRECISION = "precision"
    RECALL = "recall"
    ACCURACY_BASELINE = "accuracy_baseline"
    AUC = "auc"
    AUC_PR = "auc_precision_recall"
    LABEL_MEAN = "label/mean"
    PREDICTION_MEAN = "prediction/mean"
    ACCURACY_AT_THRESHOLD = "accuracy/positive_threshold_%g"
    PRECISION_AT_THRESHOLD = "precision/positive_threshold_%g"
    RECALL_AT_THRESHOLD = "recall/positive_threshold_%g"


class PredictionKeys:
    """Prediction dict keys of the canned estimators (TF 1.15's canned/prediction_keys.py)."""
    CLASSES = "classes"
    CLASS_IDS = "class_ids"
    ALL_CLASSES = "all_classes"
    ALL_CLASS_IDS = "all_class_ids"
    LOGISTIC = "logistic"
    LOGITS = "logits"
    PREDICTIONS = "predictions"
    PROBABILITIES = "probabilities"


DEFAULT_SERVING_KEY = "serving_default"
CLASSIFY_SERVING_KEY = "classification"
REGRESS_SERVING_KEY = "regression"
PREDICT_SERVING_KEY = "predict"

LossSpec = collections.namedtuple("LossSpec", ["training_loss", "unreduced_loss", "weights", "processed_labels"])


def _summary_key(head_name, val):
    return f"{val}/{head_name}" if head_name else val


# -- checks of labels, logits and weights ------------------------------------------------------
def _labels_like_logits(labels, logits, expected_labels_dimension):
    """labels as [D0, ..., DN, expected_labels_dimension] (a [D0..DN] tensor gets the last axis),
    checked against the logits' shape statically and at run time."""
    tf = _tf()
    if labels is None:
        raise ValueError("You must provide a labels Tensor. Given: None. Suggested troubleshooting steps: Check "
                         "that your data contain your label feature. Check that your input_fn properly parses "
                         "and returns labels.")
    with tf.name_scope(None, "labels", (labels, logits)) as scope:
        if isinstance(labels, tf.SparseTensor):
            raise ValueError(f"SparseTensor labels are not supported. labels must be a Tensor of shape [D0, D1, ..., "
                             f"DN, {expected_labels_dimension}], e.g. [batch_size, {expected_labels_dimension}]. "
                             "Suggested Fix: In your input_fn, use tf.sparse_tensor_to_dense() to turn labels into "
                             "a Tensor.")
        labels = tf.convert_to_tensor(labels)
        if labels.shape.ndims is not None and logits.shape.ndims is not None and \
                labels.shape.ndims == logits.shape.ndims - 1:
            labels = tf.expand_dims(labels, -1)
        err_msg = (f"labels shape must be [D0, D1, ... DN, {expected_labels_dimension}]. Suggested Fix: check your "
                   "n_classes argument to the estimator and/or the shape of your label.")
        assert_rank = tf.assert_rank_at_least(labels, 2, message=err_msg)
        with tf.control_dependencies([assert_rank]):
            static = labels.shape
            if static.ndims is not None:
                dim1 = static.dims[-1].value
                if dim1 is not None and dim1 != expected_labels_dimension:
                    raise ValueError(f"Mismatched label shape. Expected labels dimension={expected_labels_dimension}."
                                     f"  Received {dim1}. Suggested Fix:If your classifier expects one-hot encoding "
                                     "label,check your n_classes argument to the estimator and/or the shape of your "
                                     "label. Otherwise, check the shape of your label.")
            expected = tf.concat([tf.shape(logits)[:-1], [expected_labels_dimension]], axis=0)
            assert_dim = tf.assert_equal(expected, tf.shape(labels), message=err_msg)
            with tf.control_dependencies([assert_dim]):
                return tf.identity(labels, name=scope)


def _weights_like_logits(features, weight_column, logits, allow_per_logit_weights=False):
    """The example weights of `weight_column` (a key or a numeric column) as [D0, ..., DN, 1]
    (or [..., logits_dimension] where allowed); 1. without a weight column."""
    tf = _tf()
    from compat_tf._src.feature_column import feature_column as fc
    with tf.name_scope(None, "weights", tuple(features.values()) + (logits,)) as scope:
        if weight_column is None:
            return 1.
        if isinstance(weight_column, str):
            weight_column = fc.numeric_column(key=weight_column, shape=(1,))
        if not isinstance(weight_column, fc._DenseColumn):
            raise TypeError(f"Weight column must be either a string or _DenseColumn. Given type: "
                            f"{type(weight_column)}.")
        weights = weight_column._get_dense_tensor(fc._LazyBuilder(features))
        if not (weights.dtype.is_floating or weights.dtype.is_integer):
            raise ValueError(f"Weight column should be castable to float. Given dtype: {weights.dtype}")
        weights = tf.cast(weights, tf.float32, name="weights")
        logits_shape, weights_shape = tf.shape(logits, name="logits_shape"), tf.shape(weights, name="weights_shape")
        if weights.shape.ndims is not None and logits.shape.ndims is not None and \
                weights.shape.ndims == logits.shape.ndims - 1:
            check = tf.assert_equal(logits_shape[:-1], weights_shape,
                                    message="weights shape must be [D0, D1, ... DN] or [D0, D1, ... DN, 1]")
            with tf.control_dependencies([check]):
                return tf.expand_dims(weights, -1, name=scope)
        supported = tf.concat([logits_shape[:-1], [1]], axis=0)
        if allow_per_logit_weights:
            ok = tf.reduce_any([tf.reduce_all(tf.equal(logits_shape, weights_shape)),
                                tf.reduce_all(tf.equal(supported, weights_shape))])
            check = tf.Assert(ok, ["weights shape must be [D0, D1, ... DN], [D0, D1, ... DN, 1] or "
                                   "[D0, D1, ... DN, logits_dimension]", "logits_shape: ", logits_shape,
                                   "weights_shape: ", weights_shape])
        else:
            check = tf.assert_equal(supported, weights_shape,
                                    message="weights shape must be [D0, D1, ... DN] or [D0, D1, ... DN, 1]")
        with tf.control_dependencies([check]):
            return tf.identity(weights, name=scope)


def _logits_checked(logits, expected_logits_dimension):
    tf = _tf()
    with tf.name_scope(None, "logits", (logits,)) as scope:
        logits = tf.cast(logits, tf.float32)
        static = logits.shape
        if static.ndims is not None and static.ndims < 2:
            raise ValueError(f"logits shape must be [D0, D1, ... DN, logits_dimension], got {static}.")
        if static.ndims is not None and static.dims[-1].value is not None:
            if static.dims[-1].value != expected_logits_dimension:
                raise ValueError(f"logits shape must be [D0, D1, ... DN, logits_dimension={expected_logits_dimension}]"
                                 f", got {static}.")
            return logits
        check = tf.assert_equal(expected_logits_dimension, tf.shape(logits)[-1],
                                message=f"logits shape must be [D0, D1, ... DN, logits_dimension="
                                        f"{expected_logits_dimension}]")
        with tf.control_dependencies([check]):
            return tf.identity(logits, name=scope)


def _assert_range(labels, n_classes, message=None):
    tf = _tf()
    with tf.name_scope(None, "assert_range", (labels,)):
        less = tf.assert_less_equal(labels, tf.convert_to_tensor(n_classes - 1, dtype=labels.dtype),
                                    message=message or "Labels must <= n_classes - 1")
        non_negative = tf.assert_non_negative(labels, message=message or "Labels must >= 0")
        with tf.control_dependencies((less, non_negative)):
            return tf.identity(labels)


def _broadcast_weights(weights, values):
    tf = _tf()
    if weights is None or isinstance(weights, float):
        return None if weights is None else weights * tf.ones_like(values, dtype=tf.float32)
    return weights * tf.ones_like(values, dtype=tf.float32)


def _all_class_ids(logits, n_classes):
    tf = _tf()
    return tf.tile(tf.expand_dims(tf.range(n_classes), 0), [tf.shape(logits)[0], 1])


def _class_strings(n_classes, label_vocabulary):
    tf = _tf()
    return tf.constant(list(label_vocabulary)) if label_vocabulary else tf.as_string(tf.range(n_classes))


def _all_classes(logits, n_classes, label_vocabulary=None):
    tf = _tf()
    return tf.tile(tf.expand_dims(_class_strings(n_classes, label_vocabulary), 0), [tf.shape(logits)[0], 1])


def _classification_output(scores, n_classes, label_vocabulary=None):
    return ClassificationOutput(scores=scores, classes=_all_classes(scores, n_classes, label_vocabulary))


def _class_id_lookup(labels, label_vocabulary):
    tf = _tf()
    if labels.dtype != tf.string:
        raise ValueError(f"Labels dtype should be string if there is a vocabulary. Instead got {labels.dtype}")
    ids = tf.contrib.lookup.index_table_from_tensor(vocabulary_list=tuple(label_vocabulary),
                                                    name="class_id_lookup").lookup(labels)
    ids.set_shape(labels.shape)
    return ids


def _class_names(class_ids, label_vocabulary):
    tf = _tf()
    if label_vocabulary:
        table = tf.contrib.lookup.index_to_string_table_from_tensor(vocabulary_list=label_vocabulary,
                                                                    name="class_string_lookup")
        return table.lookup(class_ids)
    return tf.as_string(class_ids, name="str_classes")


# -- metrics -----------------------------------------------------------------------------------
def _labels_mean(labels, weights=None, name=None):
    tf = _tf()
    with tf.name_scope(name, "labels_mean", (labels, weights)) as scope:
        labels = tf.cast(labels, tf.float32, name="labels")
        return tf.metrics.mean(labels, weights=_broadcast_weights(weights, labels), name=scope)


def _predictions_mean(predictions, weights=None, name=None):
    tf = _tf()
    with tf.name_scope(name, "predictions_mean", (predictions, weights)) as scope:
        predictions = tf.cast(predictions, tf.float32, name="predictions")
        return tf.metrics.mean(predictions, weights=_broadcast_weights(weights, predictions), name=scope)


def _auc(labels, predictions, weights=None, curve="ROC", name=None):
    tf = _tf()
    with tf.name_scope(name, "auc", (predictions, labels, weights)) as scope:
        predictions = tf.cast(predictions, tf.float32, name="predictions")
        return tf.metrics.auc(labels=labels, predictions=predictions,
                              weights=_broadcast_weights(weights, predictions), curve=curve, name=scope)


def _accuracy_baseline(labels_mean):
    """The best accuracy of always predicting one class: max(mean, 1 - mean)."""
    tf = _tf()
    with tf.name_scope(None, "accuracy_baseline", labels_mean):
        value, update_op = labels_mean
        return tf.maximum(value, 1. - value, name="value"), tf.maximum(update_op, 1 - update_op, name="update_op")


def _at_threshold(kind, labels, predictions, weights, threshold, name):
    tf = _tf()
    with tf.name_scope(name, f"{kind}_at_{threshold}", (predictions, labels, weights, threshold)) as scope:
        if kind == "accuracy":
            return tf.metrics.accuracy(labels=labels, predictions=tf.to_float(predictions >= threshold),
                                       weights=weights, name=scope)
        fn = tf.metrics.precision_at_thresholds if kind == "precision" else tf.metrics.recall_at_thresholds
        value, update = fn(labels=labels, predictions=predictions, thresholds=(threshold,), weights=weights,
                           name=scope)
        return tf.squeeze(value), tf.squeeze(update)


# -- the heads ---------------------------------------------------------------------------------
class _Head:
    """The v1 `_Head` protocol: name, logits_dimension, create_loss, create_estimator_spec."""

    def __init__(self, weight_column=None, loss_reduction=None, loss_fn=None, name=None):
        tf = _tf()
        reduction = tf.losses.Reduction
        loss_reduction = reduction.SUM if loss_reduction is None else loss_reduction
        if loss_reduction not in reduction.all() or loss_reduction == reduction.NONE:
            raise ValueError(f"Invalid loss_reduction: {loss_reduction}")
        if loss_fn is not None:
            _validate_loss_fn_args(loss_fn)
        self._weight_column = weight_column
        self._loss_reduction = loss_reduction
        self._loss_fn = loss_fn
        self._name = name

    name = property(lambda self: self._name)

    def _unweighted_loss(self, features, labels, logits, default_fn, expected_dim):
        if self._loss_fn is None:
            return default_fn()
        return _call_loss_fn(self._loss_fn, labels, logits, features, expected_dim)

    def _reduce(self, features, logits, unweighted_loss, processed_labels, per_logit_weights=False):
        tf = _tf()
        weights = _weights_like_logits(features, self._weight_column, logits, per_logit_weights)
        training_loss = tf.losses.compute_weighted_loss(unweighted_loss, weights=weights,
                                                        reduction=self._loss_reduction)
        return LossSpec(training_loss, unweighted_loss, weights, processed_labels)

    def _train_spec(self, predictions, loss_spec, optimizer, train_op_fn, regularization_losses):
        """The TRAIN EstimatorSpec: optimizer.minimize (or train_op_fn), UPDATE_OPS, loss summaries."""
        tf = _tf()
        training_loss, unreduced_loss, weights, _ = loss_spec
        regularization_loss, loss = self._regularized(training_loss, regularization_losses)
        if optimizer is not None:
            if train_op_fn is not None:
                raise ValueError("train_op_fn and optimizer cannot both be set.")
            train_op = optimizer.minimize(loss, global_step=tf.train.get_global_step())
        elif train_op_fn is not None:
            train_op = train_op_fn(loss)
        else:
            raise ValueError("train_op_fn and optimizer cannot both be None.")
        update_ops = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
        if update_ops:
            train_op = tf.group(train_op, *update_ops)
        mean_loss = None
        if self._loss_reduction == tf.losses.Reduction.SUM:
            mean_loss = training_loss / tf.reduce_sum(weights * tf.ones_like(unreduced_loss))
        return train_op, loss, mean_loss, regularization_loss

    @staticmethod
    def _regularized(training_loss, regularization_losses):
        tf = _tf()
        if regularization_losses:
            reg = tf.add_n(regularization_losses)
            return reg, tf.add_n([training_loss, reg])
        return None, training_loss

    def _write_summaries(self, loss, mean_loss, regularization_loss):
        tf = _tf()
        with tf.name_scope(""):
            tf.summary.scalar(_summary_key(self._name, MetricKeys.LOSS), loss)
            if mean_loss is not None:
                tf.summary.scalar(_summary_key(self._name, MetricKeys.LOSS_MEAN), mean_loss)
            if regularization_loss is not None:
                tf.summary.scalar(_summary_key(self._name, MetricKeys.LOSS_REGULARIZATION), regularization_loss)

    def create_estimator_spec(self, features, mode, logits, labels=None, optimizer=None, train_op_fn=None,
                              regularization_losses=None):
        """An EstimatorSpec for `mode` (TF 1.15's `_Head.create_estimator_spec`)."""
        tf = _tf()
        with tf.name_scope(self._name, "head"):
            predictions, export_outputs, metric_args = self._predictions(logits)
            if mode == ModeKeys.PREDICT:
                return EstimatorSpec(mode=ModeKeys.PREDICT, predictions=predictions, export_outputs=export_outputs)
            loss_spec = self.create_loss(features=features, mode=mode, logits=metric_args["logits"], labels=labels)
            if mode == ModeKeys.EVAL:
                regularization_loss, loss = self._regularized(loss_spec.training_loss, regularization_losses)
                metrics = self._eval_metric_ops(loss_spec, labels, metric_args, regularization_loss)
                return EstimatorSpec(mode=ModeKeys.EVAL, predictions=predictions, loss=loss,
                                     eval_metric_ops=metrics)
            train_op, loss, mean_loss, regularization_loss = self._train_spec(
                predictions, loss_spec, optimizer, train_op_fn, regularization_losses)
        self._write_summaries(loss, mean_loss, regularization_loss)
        return EstimatorSpec(mode=ModeKeys.TRAIN, predictions=predictions, loss=loss, train_op=train_op)


def _validate_loss_fn_args(loss_fn):
    import inspect
    args = set(inspect.signature(loss_fn).parameters)
    for required in ("labels", "logits"):
        if required not in args:
            raise ValueError(f"loss_fn must contain argument: {required}. Given arguments: {sorted(args)}")
    invalid = sorted(args - {"labels", "logits", "features"})
    if invalid:
        raise ValueError(f"loss_fn has unexpected args: {invalid}")


def _call_loss_fn(loss_fn, labels, logits, features, expected_loss_dim=1):
    """loss_fn(labels, logits[, features]), checked to be [D0, ..., DN, expected_loss_dim]."""
    import inspect
    tf = _tf()
    kwargs = {"features": features} if "features" in inspect.signature(loss_fn).parameters else {}
    with tf.name_scope(None, "call_loss_fn", [labels, logits] + list(features.values())):
        loss = loss_fn(labels=labels, logits=logits, **kwargs)
        expected = tf.concat([tf.shape(logits, name="logits_shape")[:-1], [expected_loss_dim]], axis=0,
                             name="expected_loss_shape")
        check = tf.Assert(tf.reduce_all(tf.equal(tf.shape(loss, name="loss_shape"), expected)),
                          [f"loss_fn must return Tensor of shape [D0, D1, ... DN, {expected_loss_dim}]. ",
                           "logits_shape: ", tf.shape(logits), "loss_shape: ", tf.shape(loss)],
                          name="check_loss_shape")
        with tf.control_dependencies([check]):
            return tf.identity(loss)


class _BinaryLogisticHead(_Head):
    """Two classes, logits [D0..DN, 1], sigmoid cross entropy; labels in [0, 1] (or vocabulary strings)."""

    def __init__(self, weight_column=None, thresholds=None, label_vocabulary=None, loss_reduction=None,
                 loss_fn=None, name=None):
        super().__init__(weight_column, loss_reduction, loss_fn, name)
        if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
            raise ValueError(f"label_vocabulary should be a list or a tuple. Given type: {type(label_vocabulary)}")
        for t in thresholds or ():
            if t <= 0.0 or t >= 1.0:
                raise ValueError(f"thresholds not in (0, 1): {thresholds}.")
        self._thresholds = tuple(thresholds) if thresholds else ()
        self._label_vocabulary = label_vocabulary

    logits_dimension = property(lambda self: 1)

    def _predictions(self, logits):
        tf = _tf()
        keys = PredictionKeys
        with tf.name_scope(None, "predictions", (logits,)):
            logits = _logits_checked(logits, 1)
            logistic = tf.sigmoid(logits, name=keys.LOGISTIC)
            two_class_logits = tf.concat((tf.zeros_like(logits), logits), axis=-1, name="two_class_logits")
            probabilities = tf.nn.softmax(two_class_logits, name=keys.PROBABILITIES)
            class_ids = tf.expand_dims(tf.argmax(two_class_logits, axis=-1, name=keys.CLASS_IDS), axis=-1)
            predictions = {keys.LOGITS: logits, keys.LOGISTIC: logistic, keys.PROBABILITIES: probabilities,
                           keys.CLASS_IDS: class_ids,
                           keys.CLASSES: _class_names(class_ids, self._label_vocabulary),
                           keys.ALL_CLASS_IDS: _all_class_ids(logits, 2),
                           keys.ALL_CLASSES: _all_classes(logits, 2, self._label_vocabulary)}
        classifier = _classification_output(probabilities, 2, self._label_vocabulary)
        exports = {DEFAULT_SERVING_KEY: classifier, CLASSIFY_SERVING_KEY: classifier,
                   REGRESS_SERVING_KEY: RegressionOutput(value=logistic),
                   PREDICT_SERVING_KEY: PredictOutput(predictions)}
        return predictions, exports, {"logits": logits, "logistic": logistic, "class_ids": class_ids}

    def create_loss(self, features, mode, logits, labels):
        tf = _tf()
        logits = tf.convert_to_tensor(logits)
        labels = _labels_like_logits(labels, logits, 1)
        if self._label_vocabulary is not None:
            labels = _class_id_lookup(labels, self._label_vocabulary)
        labels = _assert_range(tf.cast(labels, tf.float32), n_classes=2)
        unweighted = self._unweighted_loss(
            features, labels, logits,
            lambda: tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), 1)
        return self._reduce(features, logits, unweighted, labels)

    def _eval_metric_ops(self, loss_spec, labels, args, regularization_loss):
        tf = _tf()
        _, unreduced_loss, weights, labels = loss_spec
        logistic, class_ids = args["logistic"], args["class_ids"]
        keys, key = MetricKeys, lambda k: _summary_key(self._name, k)
        with tf.name_scope(None, "metrics", (labels, logistic, class_ids, weights, unreduced_loss)):
            labels_mean = _labels_mean(labels, weights=weights, name=keys.LABEL_MEAN)
            ops = {
                key(keys.LOSS_MEAN): tf.metrics.mean(unreduced_loss, weights=weights, name=keys.LOSS_MEAN),
                key(keys.ACCURACY): tf.metrics.accuracy(labels=labels, predictions=class_ids, weights=weights,
                                                        name=keys.ACCURACY),
                key(keys.PRECISION): tf.metrics.precision(labels=labels, predictions=class_ids, weights=weights,
                                                          name=keys.PRECISION),
                key(keys.RECALL): tf.metrics.recall(labels=labels, predictions=class_ids, weights=weights,
                                                    name=keys.RECALL),
                key(keys.PREDICTION_MEAN): _predictions_mean(logistic, weights=weights, name=keys.PREDICTION_MEAN),
                key(keys.LABEL_MEAN): labels_mean,
                key(keys.ACCURACY_BASELINE): _accuracy_baseline(labels_mean),
                key(keys.AUC): _auc(labels, logistic, weights=weights, name=keys.AUC),
                key(keys.AUC_PR): _auc(labels, logistic, weights=weights, curve="PR", name=keys.AUC_PR),
            }
            if regularization_loss is not None:
                ops[key(keys.LOSS_REGULARIZATION)] = tf.metrics.mean(regularization_loss,
                                                                     name=keys.LOSS_REGULARIZATION)
            for threshold in self._thresholds:
                for kind, fmt in (("accuracy", keys.ACCURACY_AT_THRESHOLD),
                                  ("precision", keys.PRECISION_AT_THRESHOLD),
                                  ("recall", keys.RECALL_AT_THRESHOLD)):
                    ops[key(fmt % threshold)] = _at_threshold(kind, labels, logistic, weights, threshold,
                                                              fmt % threshold)
        return ops


class _MultiClassHead(_Head):
    """n_classes > 2, logits [D0..DN, n_classes], sparse softmax cross entropy on integer labels
    (or vocabulary strings)."""

    def __init__(self, n_classes, weight_column=None, label_vocabulary=None, loss_reduction=None, loss_fn=None,
                 name=None):
        if n_classes is None:
            raise ValueError("n_classes cannot be None")
        if isinstance(n_classes, int) and n_classes <= 2:
            raise ValueError(f"n_classes must be > 2: {n_classes}.")
        if label_vocabulary is not None and not isinstance(label_vocabulary, (list, tuple)):
            raise ValueError(f"label_vocabulary should be a list or a tuple. Given type: {type(label_vocabulary)}")
        super().__init__(weight_column, loss_reduction, loss_fn, name)
        self._n_classes = n_classes
        self._label_vocabulary = label_vocabulary

    logits_dimension = property(lambda self: self._n_classes)

    def _predictions(self, logits):
        tf = _tf()
        keys = PredictionKeys
        logits = _logits_checked(logits, self._n_classes)
        with tf.name_scope(None, "predictions", (logits,)):
            all_class_ids = _all_class_ids(logits, self._n_classes)
            all_classes = _all_classes(logits, self._n_classes, self._label_vocabulary)
            class_ids = tf.expand_dims(tf.argmax(logits, axis=-1, name=keys.CLASS_IDS), axis=-1)
            classes = _class_names(class_ids, self._label_vocabulary)
            probabilities = tf.nn.softmax(logits, name=keys.PROBABILITIES)
            predictions = {keys.LOGITS: logits, keys.PROBABILITIES: probabilities, keys.CLASS_IDS: class_ids,
                           keys.CLASSES: classes, keys.ALL_CLASS_IDS: all_class_ids, keys.ALL_CLASSES: all_classes}
        classifier = _classification_output(probabilities, self._n_classes, self._label_vocabulary)
        exports = {DEFAULT_SERVING_KEY: classifier, CLASSIFY_SERVING_KEY: classifier,
                   PREDICT_SERVING_KEY: PredictOutput(predictions)}
        return predictions, exports, {"logits": logits, "class_ids": class_ids}

    def _label_ids(self, labels):
        if self._label_vocabulary is None:
            if not labels.dtype.is_integer:
                raise ValueError(f"Labels dtype should be integer. Instead got {labels.dtype}.")
            ids = labels
        else:
            ids = _class_id_lookup(labels, self._label_vocabulary)
        return _assert_range(ids, self._n_classes)

    def create_loss(self, features, mode, logits, labels):
        tf = _tf()
        logits = tf.convert_to_tensor(logits)
        labels = _labels_like_logits(labels, logits, 1)
        label_ids = self._label_ids(labels)

        def default():
            loss = tf.losses.sparse_softmax_cross_entropy(labels=label_ids, logits=logits,
                                                          reduction=tf.losses.Reduction.NONE)
            return tf.expand_dims(loss, axis=-1)
        unweighted = self._unweighted_loss(features, label_ids, logits, default, 1)
        return self._reduce(features, logits, unweighted, label_ids)

    def _eval_metric_ops(self, loss_spec, labels, args, regularization_loss):
        tf = _tf()
        _, unreduced_loss, weights, label_ids = loss_spec
        keys, key = MetricKeys, lambda k: _summary_key(self._name, k)
        with tf.name_scope(None, "metrics", (label_ids, args["class_ids"], weights, unreduced_loss)):
            ops = {key(keys.LOSS_MEAN): tf.metrics.mean(unreduced_loss, weights=weights, name=keys.LOSS_MEAN),
                   key(keys.ACCURACY): tf.metrics.accuracy(labels=label_ids, predictions=args["class_ids"],
                                                           weights=weights, name=keys.ACCURACY)}
            if regularization_loss is not None:
                ops[key(keys.LOSS_REGULARIZATION)] = tf.metrics.mean(regularization_loss,
                                                                     name=keys.LOSS_REGULARIZATION)
        return ops


class _RegressionHead(_Head):
    """logits [D0..DN, label_dimension] are the predictions (through inverse_link_fn if given),
    squared error loss; weights per example or per logit."""

    def __init__(self, label_dimension=1, weight_column=None, loss_reduction=None, loss_fn=None,
                 inverse_link_fn=None, name=None):
        if label_dimension < 1:
            raise ValueError(f"Invalid label_dimension {label_dimension}.")
        super().__init__(weight_column, loss_reduction, loss_fn, name)
        self._logits_dimension = label_dimension
        self._inverse_link_fn = inverse_link_fn

    logits_dimension = property(lambda self: self._logits_dimension)

    def _predictions(self, logits):
        keys = PredictionKeys
        logits = _logits_checked(logits, self._logits_dimension)
        if self._inverse_link_fn:
            value = self._inverse_link_fn(logits)
            predictions = {keys.PREDICTIONS: value, keys.LOGITS: logits}
        else:
            value = logits
            predictions = {keys.PREDICTIONS: value}
        regression = RegressionOutput(value=value)
        exports = {DEFAULT_SERVING_KEY: regression, REGRESS_SERVING_KEY: regression,
                   PREDICT_SERVING_KEY: PredictOutput(predictions)}
        return predictions, exports, {"logits": logits, "predicted_value": value}

    def create_loss(self, features, mode, logits, labels):
        tf = _tf()
        logits = tf.convert_to_tensor(logits)
        labels = tf.cast(_labels_like_logits(labels, logits, self._logits_dimension), tf.float32)
        unweighted = self._unweighted_loss(
            features, labels, logits,
            lambda: tf.losses.mean_squared_error(labels=labels, predictions=logits,
                                                 reduction=tf.losses.Reduction.NONE),
            self._logits_dimension)
        return self._reduce(features, logits, unweighted, labels, per_logit_weights=True)

    def _eval_metric_ops(self, loss_spec, labels, args, regularization_loss):
        tf = _tf()
        _, unreduced_loss, weights, _ = loss_spec
        keys, key = MetricKeys, lambda k: _summary_key(self._name, k)
        ops = {key(keys.LOSS_MEAN): tf.metrics.mean(unreduced_loss, weights=_broadcast_weights(weights,
                                                                                              unreduced_loss)),
               key(keys.PREDICTION_MEAN): _predictions_mean(args["predicted_value"], weights=weights,
                                                            name=keys.PREDICTION_MEAN),
               key(keys.LABEL_MEAN): tf.metrics.mean(labels, weights=_broadcast_weights(
                   weights, tf.cast(labels, tf.float32)))}
        if regularization_loss is not None:
            ops[key(keys.LOSS_REGULARIZATION)] = tf.metrics.mean(regularization_loss, name=keys.LOSS_REGULARIZATION)
        return ops


def binary_or_multi_class_head(n_classes, weight_column, label_vocabulary, loss_reduction):
    """TF 1.15's `_binary_logistic_or_multi_class_head`."""
    if n_classes == 2:
        return _BinaryLogisticHead(weight_column=weight_column, label_vocabulary=label_vocabulary,
                                   loss_reduction=loss_reduction)
    return _MultiClassHead(n_classes, weight_column=weight_column, label_vocabulary=label_vocabulary,
                           loss_reduction=loss_reduction)


def regression_head(weight_column=None, label_dimension=1, loss_reduction=None, loss_fn=None, inverse_link_fn=None,
                    name=None):
    return _RegressionHead(label_dimension, weight_column, loss_reduction, loss_fn, inverse_link_fn, name)
