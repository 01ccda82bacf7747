"""tf.metrics (TF 1.15's streaming metrics): each returns `(value_tensor, update_op)`.

Mirrors tensorflow/python/ops/metrics_impl.py (Apache 2.0; ported graph for graph): accumulators
are non-trainable variables in GraphKeys.LOCAL_VARIABLES and GraphKeys.METRIC_VARIABLES named as
TF1 names them ('accuracy/total:0', 'auc/true_positives:0', ...), initialised to zeros by
tf.local_variables_initializer(); `update_op` adds a batch and returns the updated value; the value
tensor reads the accumulators. `metrics_collections` / `updates_collections` receive the value
tensor / update op.

Deviations: no DistributionStrategy (values are computed once, as with TF1's default strategy);
`_remove_squeezable_dimensions` uses static ranks only (with an unknown rank the inputs are used as
given, TF1 would squeeze at run time with tf.cond); num_classes of mean_iou / mean_per_class_accuracy
must be a Python int. Not implemented: the *_at_k / *_at_top_k families (need tf.sets).
"""
import functools

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import array_ops, check_ops, control_flow_ops, math_ops, state_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variables as _variables
from compat_tf._src.ops.losses_impl import _assert_broadcastable
from compat_tf._src.ops.variable_scope import variable_scope

__all__ = [
    "accuracy", "auc", "false_negatives", "false_negatives_at_thresholds", "false_positives",
    "false_positives_at_thresholds", "mean", "mean_absolute_error", "mean_cosine_distance", "mean_iou",
    "mean_per_class_accuracy", "mean_relative_error", "mean_squared_error", "mean_tensor", "percentage_below",
    "precision", "precision_at_thresholds", "recall", "recall_at_thresholds", "root_mean_squared_error",
    "sensitivity_at_specificity", "specificity_at_sensitivity", "true_negatives", "true_negatives_at_thresholds",
    "true_positives", "true_positives_at_thresholds",
]

_float32 = _dtypes.float32


def _g():
    return _graph.get_default_graph()


def _convert(x, dtype=None):
    return _constant.convert_to_tensor(x, dtype=dtype)


def metric_variable(shape, dtype, validate_shape=True, name=None):
    """TF1's metric_variable: a zero-initialised non-trainable variable in LOCAL_VARIABLES and
    METRIC_VARIABLES."""
    return _variables.Variable(
        lambda: array_ops.zeros(shape, dtype), trainable=False,
        collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.METRIC_VARIABLES],
        validate_shape=validate_shape, name=name)


def _add_to_collections(collections, value):
    if collections:
        _g().add_to_collections(collections, value)


def _remove_squeezable_dimensions_cm(labels, predictions, expected_rank_diff=0):
    """confusion_matrix.remove_squeezable_dimensions (static ranks)."""
    with _g().name_scope("remove_squeezable_dimensions"):
        predictions = _convert(predictions)
        labels = _convert(labels)
        p_rank, l_rank = predictions.shape.ndims, labels.shape.ndims
        if p_rank is not None and l_rank is not None:
            rank_diff = p_rank - l_rank
            if rank_diff == expected_rank_diff + 1 and predictions.shape.dims[-1].is_compatible_with(1):
                predictions = array_ops.squeeze(predictions, [-1])
            elif rank_diff == expected_rank_diff - 1 and labels.shape.dims[-1].is_compatible_with(1):
                labels = array_ops.squeeze(labels, [-1])
        return labels, predictions


def _remove_squeezable_dimensions(predictions, labels, weights):
    """Squeezes the last dim of predictions or labels when their ranks differ by 1; squeezes or
    expands the last dim of weights to the rank of predictions (scalar weights stay scalar)."""
    predictions = _convert(predictions)
    if labels is not None:
        labels, predictions = _remove_squeezable_dimensions_cm(labels, predictions)
        predictions.shape.assert_is_compatible_with(labels.shape)
    if weights is None:
        return predictions, labels, None
    weights = _convert(weights)
    w_rank, p_rank = weights.shape.ndims, predictions.shape.ndims
    if w_rank == 0:
        return predictions, labels, weights
    if p_rank is not None and w_rank is not None:
        if w_rank - p_rank == 1:
            weights = array_ops.squeeze(weights, [-1])
        elif p_rank - w_rank == 1:
            weights = array_ops.expand_dims(weights, -1)
    return predictions, labels, weights


def _broadcast_weights(weights, values):
    """weights_broadcast_ops.broadcast_weights: weights broadcast to the shape of values."""
    with _g().name_scope("broadcast_weights") as scope:
        values = _convert(values)
        weights = _convert(weights, dtype=values.dtype.base_dtype)
        if (weights.shape.is_fully_defined() and values.shape.is_fully_defined()
                and weights.shape.is_compatible_with(values.shape)):
            return weights
        _assert_broadcastable(weights, values)
        return math_ops.multiply(weights, array_ops.ones_like(values), name=scope)


def _after(t):
    """control_dependencies([t]) as TF1 writes it (a fed placeholder satisfies it: plan.prune)."""
    return [t]


def _read_variable(v, collections):
    """The value tensor of a single-accumulator metric (TF1's default strategy: identity(v))."""
    value = control_flow_ops.identity(v)
    _add_to_collections(collections, value)
    return value


# ---------------------------------------------------------------------------------------------
# mean and the metrics built on it
# ---------------------------------------------------------------------------------------------

def mean(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.mean: the (weighted) mean of `values` over all batches (variables total, count)."""
    with variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(values, _float32)
        total = metric_variable([], _float32, name="total")
        count = metric_variable([], _float32, name="count")
        if weights is None:
            num_values = math_ops.cast(array_ops.size(values), _float32)
        else:
            values, _, weights = _remove_squeezable_dimensions(predictions=values, labels=None, weights=weights)
            weights = _broadcast_weights(math_ops.cast(weights, _float32), values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.reduce_sum(weights)
        update_total_op = state_ops.assign_add(total, math_ops.reduce_sum(values))
        with _g().control_dependencies(_after(values)):
            update_count_op = state_ops.assign_add(count, num_values)
        mean_t = math_ops.div_no_nan(total, math_ops.maximum(count, 0), name="value")
        _add_to_collections(metrics_collections, mean_t)
        update_op = math_ops.div_no_nan(update_total_op, math_ops.maximum(update_count_op, 0), name="update_op")
        _add_to_collections(updates_collections, update_op)
        return mean_t, update_op


def accuracy(labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.accuracy: the (weighted) frequency of predictions == labels."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions, labels=labels,
                                                                 weights=weights)
    predictions.shape.assert_is_compatible_with(labels.shape)
    if labels.dtype != predictions.dtype:
        predictions = math_ops.cast(predictions, labels.dtype)
    is_correct = math_ops.cast(math_ops.equal(predictions, labels), _float32)
    return mean(is_correct, weights, metrics_collections, updates_collections, name or "accuracy")


def mean_absolute_error(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
                        name=None):
    """tf.metrics.mean_absolute_error."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions, labels=labels,
                                                                 weights=weights)
    absolute_errors = math_ops.abs(predictions - labels)
    return mean(absolute_errors, weights, metrics_collections, updates_collections, name or "mean_absolute_error")


def mean_squared_error(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
                       name=None):
    """tf.metrics.mean_squared_error."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions, labels=labels,
                                                                 weights=weights)
    squared_error = math_ops.squared_difference(labels, predictions)
    return mean(squared_error, weights, metrics_collections, updates_collections, name or "mean_squared_error")


def root_mean_squared_error(labels, predictions, weights=None, metrics_collections=None, updates_collections=None,
                            name=None):
    """tf.metrics.root_mean_squared_error: sqrt of the streaming mean squared error."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions, labels=labels,
                                                                 weights=weights)
    mse, update_mse_op = mean_squared_error(labels, predictions, weights, None, None,
                                            name or "root_mean_squared_error")
    rmse = math_ops.sqrt(mse)
    _add_to_collections(metrics_collections, rmse)
    update_rmse_op = math_ops.sqrt(update_mse_op)
    _add_to_collections(updates_collections, update_rmse_op)
    return rmse, update_rmse_op


def mean_relative_error(labels, predictions, normalizer, weights=None, metrics_collections=None,
                        updates_collections=None, name=None):
    """tf.metrics.mean_relative_error: mean of |labels - predictions| / normalizer (0 where normalizer is 0)."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions, labels=labels,
                                                                 weights=weights)
    predictions, normalizer = _remove_squeezable_dimensions_cm(predictions, normalizer)
    predictions.shape.assert_is_compatible_with(normalizer.shape)
    relative_errors = array_ops.where(math_ops.equal(normalizer, 0.0), array_ops.zeros_like(labels),
                                      math_ops.divide(math_ops.abs(labels - predictions), normalizer))
    return mean(relative_errors, weights, metrics_collections, updates_collections, name or "mean_relative_error")


def mean_cosine_distance(labels, predictions, dim, weights=None, metrics_collections=None,
                         updates_collections=None, name=None):
    """tf.metrics.mean_cosine_distance: 1 - mean(sum(labels * predictions, dim)) (inputs unit-normalised)."""
    predictions, labels, weights = _remove_squeezable_dimensions(predictions=predictions, labels=labels,
                                                                 weights=weights)
    radial_diffs = math_ops.multiply(predictions, labels)
    radial_diffs = math_ops.reduce_sum(radial_diffs, axis=[dim], keepdims=True)
    mean_distance, update_op = mean(radial_diffs, weights, None, None, name or "mean_cosine_distance")
    mean_distance = math_ops.subtract(1.0, mean_distance)
    update_op = math_ops.subtract(1.0, update_op)
    _add_to_collections(metrics_collections, mean_distance)
    _add_to_collections(updates_collections, update_op)
    return mean_distance, update_op


def percentage_below(values, threshold, weights=None, metrics_collections=None, updates_collections=None,
                     name=None):
    """tf.metrics.percentage_below: the (weighted) fraction of values < threshold."""
    is_below_threshold = math_ops.cast(math_ops.less(values, threshold), _float32)
    return mean(is_below_threshold, weights, metrics_collections, updates_collections,
                name or "percentage_below_threshold")


def mean_tensor(values, weights=None, metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.mean_tensor: the element-wise streaming mean (variables total_tensor, count_tensor)."""
    with variable_scope(name, "mean", (values, weights)):
        values = math_ops.cast(values, _float32)
        total = metric_variable(values.shape, _float32, name="total_tensor")
        count = metric_variable(values.shape, _float32, name="count_tensor")
        num_values = array_ops.ones_like(values)
        if weights is not None:
            values, _, weights = _remove_squeezable_dimensions(predictions=values, labels=None, weights=weights)
            weights = _broadcast_weights(math_ops.cast(weights, _float32), values)
            values = math_ops.multiply(values, weights)
            num_values = math_ops.multiply(num_values, weights)
        update_total_op = state_ops.assign_add(total, values)
        with _g().control_dependencies(_after(values)):
            update_count_op = state_ops.assign_add(count, num_values)
        mean_t = math_ops.div_no_nan(total, math_ops.maximum(count, 0), name="value")
        _add_to_collections(metrics_collections, mean_t)
        update_op = math_ops.div_no_nan(update_total_op, math_ops.maximum(update_count_op, 0), name="update_op")
        _add_to_collections(updates_collections, update_op)
        return mean_t, update_op


# ---------------------------------------------------------------------------------------------
# counts: true/false positives/negatives, precision, recall
# ---------------------------------------------------------------------------------------------

def _count_condition(values, weights=None, metrics_collections=None, updates_collections=None):
    if values.dtype.base_dtype != _dtypes.bool:
        raise TypeError(f"values must be bool, got {values.dtype.name}")
    count = metric_variable([], _float32, name="count")
    values = math_ops.cast(values, _float32)
    if weights is not None:
        weights = _convert(weights)
        w_rank, v_rank = weights.shape.ndims, values.shape.ndims
        if w_rank is not None and v_rank is not None and w_rank not in (0, v_rank):
            raise ValueError(f"weights must have rank 0 or {v_rank} (the rank of values), got shape {weights.shape}")
        weights = math_ops.cast(weights, _float32)
        values = math_ops.multiply(values, weights)
    value_tensor = _read_variable(count, metrics_collections)
    update_op = state_ops.assign_add(count, math_ops.reduce_sum(values))
    _add_to_collections(updates_collections, update_op)
    return value_tensor, update_op


def _count_metric(default_name, label_value, prediction_value):
    def metric(labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None):
        with variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _remove_squeezable_dimensions(
                predictions=math_ops.cast(predictions, _dtypes.bool), labels=math_ops.cast(labels, _dtypes.bool),
                weights=weights)
            condition = math_ops.logical_and(math_ops.equal(labels, label_value),
                                             math_ops.equal(predictions, prediction_value))
            return _count_condition(condition, weights, metrics_collections, updates_collections)
    metric.__name__ = default_name
    metric.__qualname__ = default_name
    metric.__doc__ = (f"tf.metrics.{default_name}: the (weighted) count of labels == {label_value} and "
                      f"predictions == {prediction_value} (inputs cast to bool); variable '{default_name}/count'.")
    return metric


true_positives = _count_metric("true_positives", True, True)
false_positives = _count_metric("false_positives", False, True)
true_negatives = _count_metric("true_negatives", False, False)
false_negatives = _count_metric("false_negatives", True, False)


def _ratio_metric(default_name, other):
    def metric(labels, predictions, weights=None, metrics_collections=None, updates_collections=None, name=None):
        with variable_scope(name, default_name, (predictions, labels, weights)):
            predictions, labels, weights = _remove_squeezable_dimensions(
                predictions=math_ops.cast(predictions, _dtypes.bool), labels=math_ops.cast(labels, _dtypes.bool),
                weights=weights)
            true_p, true_p_update = true_positives(labels, predictions, weights)
            other_v, other_update = other(labels, predictions, weights)

            def compute(tp, o, op_name):
                return array_ops.where(math_ops.greater(tp + o, 0), math_ops.divide(tp, tp + o), 0, op_name)

            value = compute(true_p, other_v, "value")
            _add_to_collections(metrics_collections, value)
            update_op = compute(true_p_update, other_update, "update_op")
            _add_to_collections(updates_collections, update_op)
            return value, update_op
    metric.__name__ = default_name
    metric.__qualname__ = default_name
    return metric


precision = _ratio_metric("precision", false_positives)
precision.__doc__ = "tf.metrics.precision: tp / (tp + fp) over all batches (0 when tp + fp == 0)."
recall = _ratio_metric("recall", false_negatives)
recall.__doc__ = "tf.metrics.recall: tp / (tp + fn) over all batches (0 when tp + fn == 0)."


# ---------------------------------------------------------------------------------------------
# at thresholds, auc
# ---------------------------------------------------------------------------------------------

def _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights=None, includes=None):
    """TF1's _confusion_matrix_at_thresholds: per-threshold tp/fn/tn/fp variables (prediction > threshold
    is positive). Predictions must lie in [0, 1] (checked at run time, InvalidArgumentError)."""
    all_includes = ("tp", "fn", "tn", "fp")
    if includes is None:
        includes = all_includes
    else:
        for include in includes:
            if include not in all_includes:
                raise ValueError(f"Invalid key: {include}")
    predictions = _convert(predictions)
    with _g().control_dependencies([
            check_ops.assert_greater_equal(predictions, math_ops.cast(0.0, dtype=predictions.dtype),
                                           message="predictions must be in [0, 1]"),
            check_ops.assert_less_equal(predictions, math_ops.cast(1.0, dtype=predictions.dtype),
                                        message="predictions must be in [0, 1]")]):
        predictions, labels, weights = _remove_squeezable_dimensions(
            predictions=math_ops.cast(predictions, _float32), labels=math_ops.cast(labels, dtype=_dtypes.bool),
            weights=weights)
    num_thresholds = len(thresholds)
    # [num_thresholds, num_predictions] by broadcasting (TF1 tiles; the values are the same)
    predictions_2d = array_ops.reshape(predictions, [1, -1])
    labels_2d = array_ops.reshape(math_ops.cast(labels, dtype=_dtypes.bool), [1, -1])
    thresh_2d = array_ops.reshape(_constant.constant(thresholds, dtype=_float32), [num_thresholds, 1])
    pred_is_pos = math_ops.greater(predictions_2d, thresh_2d)
    pred_is_neg = math_ops.logical_not(pred_is_pos)
    label_is_pos = labels_2d
    label_is_neg = math_ops.logical_not(label_is_pos)
    weights_2d = None
    if weights is not None:
        weights = _broadcast_weights(math_ops.cast(weights, _float32), predictions)
        weights_2d = array_ops.reshape(weights, [1, -1])
    values, update_ops = {}, {}
    for key, var_name, lab, pred in (("tp", "true_positives", label_is_pos, pred_is_pos),
                                     ("fn", "false_negatives", label_is_pos, pred_is_neg),
                                     ("tn", "true_negatives", label_is_neg, pred_is_neg),
                                     ("fp", "false_positives", label_is_neg, pred_is_pos)):
        if key not in includes:
            continue
        var = metric_variable([num_thresholds], _float32, name=var_name)
        hit = math_ops.cast(math_ops.logical_and(lab, pred), _float32)
        if weights_2d is not None:
            hit = hit * weights_2d
        update_ops[key] = state_ops.assign_add(var, math_ops.reduce_sum(hit, 1))
        values[key] = var
    return values, update_ops


def _counts_at_thresholds(key, default_name):
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None, updates_collections=None,
               name=None):
        with variable_scope(name, default_name, (predictions, labels, weights)):
            values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights=weights,
                                                                 includes=(key,))
            value = _read_variable(values[key], metrics_collections)
            _add_to_collections(updates_collections, update_ops[key])
            return value, update_ops[key]
    metric.__name__ = metric.__qualname__ = default_name + "_at_thresholds"
    metric.__doc__ = (f"tf.metrics.{default_name}_at_thresholds: per-threshold {default_name.replace('_', ' ')} "
                      "(prediction > threshold is positive).")
    return metric


true_positives_at_thresholds = _counts_at_thresholds("tp", "true_positives")
false_positives_at_thresholds = _counts_at_thresholds("fp", "false_positives")
true_negatives_at_thresholds = _counts_at_thresholds("tn", "true_negatives")
false_negatives_at_thresholds = _counts_at_thresholds("fn", "false_negatives")


def _ratio_at_thresholds(default_name, other):
    """tf.metrics.<default_name>_at_thresholds: tp / (tp + <other> + 1e-7) per threshold (TF1's
    precision: other = fp; recall: other = fn)."""
    def metric(labels, predictions, thresholds, weights=None, metrics_collections=None,
               updates_collections=None, name=None):
        with variable_scope(name, default_name + "_at_thresholds", (predictions, labels, weights)):
            values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights,
                                                                 includes=("tp", other))
            epsilon = 1e-7

            def compute(counts, op_name):
                tp = counts["tp"]
                return math_ops.divide(tp, epsilon + tp + counts[other], name=f"{default_name}_{op_name}")

            value = compute(values, "value")
            _add_to_collections(metrics_collections, value)
            update_op = compute(update_ops, "update_op")
            _add_to_collections(updates_collections, update_op)
            return value, update_op
    metric.__name__ = metric.__qualname__ = default_name + "_at_thresholds"
    metric.__doc__ = f"tf.metrics.{default_name}_at_thresholds: tp / (tp + {other} + 1e-7) per threshold."
    return metric


precision_at_thresholds = _ratio_at_thresholds("precision", "fp")
recall_at_thresholds = _ratio_at_thresholds("recall", "fn")


def _auc_thresholds(num_thresholds, last=1.0 + 1e-7):
    kepsilon = 1e-7
    inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
    return [0.0 - kepsilon] + inner + [last]


def auc(labels, predictions, weights=None, num_thresholds=200, metrics_collections=None, updates_collections=None,
        curve="ROC", name=None, summation_method="trapezoidal", thresholds=None):
    """tf.metrics.auc: area under the ROC or PR curve from per-threshold confusion counts (TF1's
    Riemann sums: 'trapezoidal' (default), 'careful_interpolation' (PR: Davis & Goadrich
    interpolation), 'minoring', 'majoring')."""
    with variable_scope(name, "auc", (labels, predictions, weights)):
        if curve != "ROC" and curve != "PR":
            raise ValueError(f"Curve must be either ROC or PR. Curve {curve} is unknown.")
        kepsilon = 1e-7
        if thresholds is not None:
            thresholds = sorted(thresholds)
            num_thresholds = len(thresholds) + 2
            thresholds = [0.0 - kepsilon] + list(thresholds) + [1.0 + kepsilon]
        else:
            thresholds = _auc_thresholds(num_thresholds)
        values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, thresholds, weights)
        epsilon = 1e-6
        n = num_thresholds

        def interpolate_pr_auc(tp, fp, fn):
            dtp = tp[:n - 1] - tp[1:]
            p = tp + fp
            prec_slope = math_ops.div_no_nan(dtp, math_ops.maximum(p[:n - 1] - p[1:], 0), name="prec_slope")
            intercept = tp[1:] - math_ops.multiply(prec_slope, p[1:])
            safe_p_ratio = array_ops.where(
                math_ops.logical_and(p[:n - 1] > 0, p[1:] > 0),
                math_ops.div_no_nan(p[:n - 1], math_ops.maximum(p[1:], 0), name="recall_relative_ratio"),
                array_ops.ones_like(p[1:]))
            return math_ops.reduce_sum(
                math_ops.div_no_nan(prec_slope * (dtp + intercept * math_ops.log(safe_p_ratio)),
                                    math_ops.maximum(tp[1:] + fn[1:], 0), name="pr_auc_increment"),
                name="interpolate_pr_auc")

        def compute_auc(tp, fn, tn, fp, op_name):
            if curve == "PR" and summation_method == "careful_interpolation":
                return interpolate_pr_auc(tp, fp, fn)
            rec = math_ops.divide(tp + epsilon, tp + fn + epsilon)
            if curve == "ROC":
                x, y = math_ops.divide(fp, fp + tn + epsilon), rec
            else:
                x, y = rec, math_ops.divide(tp + epsilon, tp + fp + epsilon)
            if summation_method in ("trapezoidal", "careful_interpolation"):
                return math_ops.reduce_sum(math_ops.multiply(x[:n - 1] - x[1:], (y[:n - 1] + y[1:]) / 2.0),
                                           name=op_name)
            if summation_method == "minoring":
                return math_ops.reduce_sum(math_ops.multiply(x[:n - 1] - x[1:], math_ops.minimum(y[:n - 1], y[1:])),
                                           name=op_name)
            if summation_method == "majoring":
                return math_ops.reduce_sum(math_ops.multiply(x[:n - 1] - x[1:], math_ops.maximum(y[:n - 1], y[1:])),
                                           name=op_name)
            raise ValueError(f"Invalid summation_method: {summation_method} summation_method should be "
                             "'trapezoidal', 'careful_interpolation', 'minoring', or 'majoring'.")

        auc_value = compute_auc(values["tp"], values["fn"], values["tn"], values["fp"], "value")
        _add_to_collections(metrics_collections, auc_value)
        update_op = compute_auc(update_ops["tp"], update_ops["fn"], update_ops["tn"], update_ops["fp"], "update_op")
        _add_to_collections(updates_collections, update_op)
        return auc_value, update_op


def sensitivity_at_specificity(labels, predictions, specificity, weights=None, num_thresholds=200,
                               metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.sensitivity_at_specificity: recall at the threshold whose specificity is closest."""
    if specificity < 0 or specificity > 1:
        raise ValueError(f"`specificity` must be in the range [0, 1]. Currently, `specificity` got {specificity}.")
    with variable_scope(name, "sensitivity_at_specificity", (predictions, labels, weights)):
        kepsilon = 1e-7
        values, update_ops = _confusion_matrix_at_thresholds(labels, predictions, _auc_thresholds(num_thresholds),
                                                             weights)

        def compute(tp, tn, fp, fn, op_name):
            specificities = math_ops.divide(tn, tn + fp + kepsilon)
            tf_index = math_ops.cast(math_ops.argmin(math_ops.abs(specificities - specificity), 0), _dtypes.int32)
            return math_ops.divide(tp[tf_index], tp[tf_index] + fn[tf_index] + kepsilon, op_name)

        value = compute(values["tp"], values["tn"], values["fp"], values["fn"], "value")
        _add_to_collections(metrics_collections, value)
        update_op = compute(update_ops["tp"], update_ops["tn"], update_ops["fp"], update_ops["fn"], "update_op")
        _add_to_collections(updates_collections, update_op)
        return value, update_op


def specificity_at_sensitivity(labels, predictions, sensitivity, weights=None, num_thresholds=200,
                               metrics_collections=None, updates_collections=None, name=None):
    """tf.metrics.specificity_at_sensitivity: specificity at the (last) threshold whose sensitivity is closest."""
    if sensitivity < 0 or sensitivity > 1:
        raise ValueError(f"`sensitivity` must be in the range [0, 1]. Currently, `sensitivity` is {sensitivity}.")
    with variable_scope(name, "specificity_at_sensitivity", (predictions, labels, weights)):
        kepsilon = 1e-7
        values, update_ops = _confusion_matrix_at_thresholds(
            labels, predictions, _auc_thresholds(num_thresholds, last=1.0 - kepsilon), weights)

        def compute(tp, tn, fp, fn, op_name):
            sensitivities = math_ops.divide(tp, tp + fn + kepsilon)
            min_val = math_ops.reduce_min(math_ops.abs(sensitivities - sensitivity))
            at_min = math_ops.cast(math_ops.equal(math_ops.abs(sensitivities - sensitivity), min_val), _dtypes.int64)
            tf_index = math_ops.cast(math_ops.argmax(math_ops.cumsum(at_min), 0), _dtypes.int32)
            return math_ops.divide(tn[tf_index], tn[tf_index] + fp[tf_index] + kepsilon, op_name)

        value = compute(values["tp"], values["tn"], values["fp"], values["fn"], "value")
        _add_to_collections(metrics_collections, value)
        update_op = compute(update_ops["tp"], update_ops["tn"], update_ops["fp"], update_ops["fn"], "update_op")
        _add_to_collections(updates_collections, update_op)
        return value, update_op


# ---------------------------------------------------------------------------------------------
# per class: mean_iou, mean_per_class_accuracy
# ---------------------------------------------------------------------------------------------

def _static_num_classes(num_classes, fn):
    try:
        return int(num_classes)
    except TypeError:
        raise NotImplementedError(f"tf.metrics.{fn}(num_classes=<Tensor>) is not supported by compat_tf: "
                                  "pass a Python int") from None


def _confusion_matrix(labels, predictions, num_classes, weights=None):
    """tf.confusion_matrix (float64): rows are labels, columns predictions; labels and predictions
    outside [0, num_classes) raise InvalidArgumentError at run time as in TF1."""
    with _g().name_scope("confusion_matrix"):
        checks = [check_ops.assert_non_negative(labels, message="`labels` contains negative values"),
                  check_ops.assert_non_negative(predictions, message="`predictions` contains negative values"),
                  check_ops.assert_less(labels, _constant.constant(num_classes, _dtypes.int64),
                                        message="`labels` out of bound"),
                  check_ops.assert_less(predictions, _constant.constant(num_classes, _dtypes.int64),
                                        message="`predictions` out of bound")]
        with _g().control_dependencies(checks):
            flat = labels * num_classes + predictions
        ones = array_ops.ones_like(flat, dtype=_dtypes.float64)
        vals = ones if weights is None else math_ops.cast(weights, _dtypes.float64) * ones
        from compat_tf._src.ops import gather_ops
        cm = gather_ops.unsorted_segment_sum(vals, flat, num_classes * num_classes)
        return array_ops.reshape(cm, [num_classes, num_classes])


def mean_iou(labels, predictions, num_classes, weights=None, metrics_collections=None, updates_collections=None,
             name=None):
    """tf.metrics.mean_iou: mean over classes (with a non-empty union) of TP / (TP + FP + FN) from a
    streaming float64 confusion matrix (variable 'mean_iou/total_confusion_matrix')."""
    num_classes = _static_num_classes(num_classes, "mean_iou")
    with variable_scope(name, "mean_iou", (predictions, labels, weights)):
        labels, predictions = _convert(labels), _convert(predictions)
        predictions.shape.assert_is_compatible_with(labels.shape)
        total_cm = metric_variable([num_classes, num_classes], _dtypes.float64, name="total_confusion_matrix")
        predictions = math_ops.cast(predictions, _dtypes.int64)
        labels = math_ops.cast(labels, _dtypes.int64)
        if predictions.shape.ndims != 1:
            predictions = array_ops.reshape(predictions, [-1])
        if labels.shape.ndims != 1:
            labels = array_ops.reshape(labels, [-1])
        if weights is not None:
            weights = _convert(weights)
            if weights.shape.ndims is None or weights.shape.ndims > 1:
                weights = array_ops.reshape(weights, [-1])
        current_cm = _confusion_matrix(labels, predictions, num_classes, weights)
        update_op = state_ops.assign_add(total_cm, current_cm)

        sum_over_row = math_ops.cast(math_ops.reduce_sum(total_cm, 0), _float32)
        sum_over_col = math_ops.cast(math_ops.reduce_sum(total_cm, 1), _float32)
        cm_diag = math_ops.cast(array_ops.diag_part(total_cm), _float32)
        denominator = sum_over_row + sum_over_col - cm_diag
        num_valid_entries = math_ops.reduce_sum(math_ops.cast(math_ops.not_equal(denominator, 0), dtype=_float32))
        denominator = array_ops.where(math_ops.greater(denominator, 0), denominator,
                                      array_ops.ones_like(denominator))
        iou = math_ops.divide(cm_diag, denominator)
        mean_iou_v = array_ops.where(math_ops.greater(num_valid_entries, 0),
                                     math_ops.reduce_sum(iou, name="mean_iou") / num_valid_entries, 0)
        _add_to_collections(metrics_collections, mean_iou_v)
        _add_to_collections(updates_collections, update_op)
        return mean_iou_v, update_op


def mean_per_class_accuracy(labels, predictions, num_classes, weights=None, metrics_collections=None,
                            updates_collections=None, name=None):
    """tf.metrics.mean_per_class_accuracy: mean over classes of (weighted) correct / total per label class
    (variables 'mean_accuracy/total', 'mean_accuracy/count'; update_op is the per-class accuracy vector)."""
    num_classes = _static_num_classes(num_classes, "mean_per_class_accuracy")
    with variable_scope(name, "mean_accuracy", (predictions, labels, weights)):
        labels = math_ops.cast(labels, _dtypes.int64)
        predictions = _convert(predictions)
        if labels.shape.ndims > 1:
            labels = array_ops.reshape(labels, [-1])
        if predictions.shape.ndims > 1:
            predictions = array_ops.reshape(predictions, [-1])
        predictions.shape.assert_is_compatible_with(labels.shape)
        total = metric_variable([num_classes], _float32, name="total")
        count = metric_variable([num_classes], _float32, name="count")
        ones = array_ops.ones([array_ops.size(labels)], _float32)
        if labels.dtype != predictions.dtype:
            predictions = math_ops.cast(predictions, labels.dtype)
        is_correct = math_ops.cast(math_ops.equal(predictions, labels), _float32)
        if weights is not None:
            weights = _convert(weights)
            if weights.shape.ndims > 1:
                weights = array_ops.reshape(weights, [-1])
            weights = math_ops.cast(weights, _float32)
            is_correct *= weights
            ones *= weights
        from compat_tf._src.ops import gather_ops
        update_total_op = gather_ops.scatter_add(total, labels, ones)
        update_count_op = gather_ops.scatter_add(count, labels, is_correct)
        per_class_accuracy = math_ops.div_no_nan(count, math_ops.maximum(total, 0))
        mean_accuracy_v = math_ops.reduce_mean(per_class_accuracy, name="mean_accuracy")
        _add_to_collections(metrics_collections, mean_accuracy_v)
        update_op = math_ops.div_no_nan(update_count_op, math_ops.maximum(update_total_op, 0), name="update_op")
        _add_to_collections(updates_collections, update_op)
        return mean_accuracy_v, update_op


def _graph_mode_only(fn):
    """TF 1.15's metric functions raise RuntimeError while executing eagerly (use tfe.metrics)."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if _graph._eager_graph is not None and not _graph._default_graph_state.stack:
            raise RuntimeError(f"tf.metrics.{fn.__name__} is not supported when eager execution is enabled.")
        return fn(*args, **kwargs)
    return wrapper


for _name in __all__:
    globals()[_name] = _graph_mode_only(globals()[_name])
del _name
