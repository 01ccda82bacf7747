"""tf.contrib.metrics (and slim.metrics) streaming_* functions (TF 1.15 contrib/metrics/python/ops/
metric_ops.py): the same (value, update_op) metrics as tf.metrics with contrib's argument order
(predictions first), plus streaming_recall_at_k and the aggregate_metrics helpers.

Each is a thin call of compat_tf._src.ops.metrics_impl with the arguments reordered, so values,
local variables and collections are tf.metrics'. streaming_auc keeps contrib's default
summation_method ('trapezoidal').
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import math_ops, metrics_impl as _m, nn_ops

__all__ = ["aggregate_metric_map", "aggregate_metrics", "streaming_accuracy", "streaming_auc",
           "streaming_false_negatives", "streaming_false_positives", "streaming_mean",
           "streaming_mean_absolute_error", "streaming_mean_cosine_distance", "streaming_mean_iou",
           "streaming_mean_relative_error", "streaming_mean_squared_error", "streaming_mean_tensor",
           "streaming_percentage_less", "streaming_precision", "streaming_precision_at_thresholds",
           "streaming_recall", "streaming_recall_at_k", "streaming_recall_at_thresholds",
           "streaming_root_mean_squared_error", "streaming_sensitivity_at_specificity",
           "streaming_specificity_at_sensitivity", "streaming_true_negatives", "streaming_true_positives"]



def _swap(fn, doc):
    """contrib's fn(predictions, labels, *rest, **kw) calling tf.metrics' fn(labels, predictions, ...)."""
    def streaming(predictions, labels, *args, **kwargs):
        return fn(labels, predictions, *args, **kwargs)
    streaming.__doc__ = doc
    return streaming


streaming_accuracy = _swap(_m.accuracy, "tf.contrib.metrics.streaming_accuracy(predictions, labels, weights=None)")
streaming_precision = _swap(_m.precision, "tf.contrib.metrics.streaming_precision(predictions, labels, weights)")
streaming_recall = _swap(_m.recall, "tf.contrib.metrics.streaming_recall(predictions, labels, weights)")
streaming_mean_absolute_error = _swap(_m.mean_absolute_error, "streaming_mean_absolute_error(predictions, labels)")
streaming_mean_squared_error = _swap(_m.mean_squared_error, "streaming_mean_squared_error(predictions, labels)")
streaming_root_mean_squared_error = _swap(_m.root_mean_squared_error,
                                          "streaming_root_mean_squared_error(predictions, labels)")
streaming_mean_relative_error = _swap(_m.mean_relative_error,
                                      "streaming_mean_relative_error(predictions, labels, normalizer)")
streaming_mean_cosine_distance = _swap(_m.mean_cosine_distance,
                                       "streaming_mean_cosine_distance(predictions, labels, dim)")
streaming_mean_iou = _swap(_m.mean_iou, "streaming_mean_iou(predictions, labels, num_classes)")
streaming_true_positives = _swap(_m.true_positives, "streaming_true_positives(predictions, labels)")
streaming_true_negatives = _swap(_m.true_negatives, "streaming_true_negatives(predictions, labels)")
streaming_false_positives = _swap(_m.false_positives, "streaming_false_positives(predictions, labels)")
streaming_false_negatives = _swap(_m.false_negatives, "streaming_false_negatives(predictions, labels)")
streaming_precision_at_thresholds = _swap(_m.precision_at_thresholds,
                                          "streaming_precision_at_thresholds(predictions, labels, thresholds)")
streaming_recall_at_thresholds = _swap(_m.recall_at_thresholds,
                                       "streaming_recall_at_thresholds(predictions, labels, thresholds)")
streaming_sensitivity_at_specificity = _swap(_m.sensitivity_at_specificity,
                                             "streaming_sensitivity_at_specificity(predictions, labels, specificity)")
streaming_specificity_at_sensitivity = _swap(_m.specificity_at_sensitivity,
                                             "streaming_specificity_at_sensitivity(predictions, labels, sensitivity)")
streaming_mean = _m.mean
streaming_mean_tensor = _m.mean_tensor


def streaming_percentage_less(values, threshold, weights=None, metrics_collections=None, updates_collections=None,
                              name=None):
    return _m.percentage_below(values, threshold, weights, metrics_collections, updates_collections, name)


def streaming_auc(predictions, labels, weights=None, num_thresholds=200, metrics_collections=None,
                  updates_collections=None, curve="ROC", name=None, summation_method="trapezoidal"):
    return _m.auc(labels, predictions, weights, num_thresholds, metrics_collections, updates_collections, curve,
                  name, summation_method)


def streaming_recall_at_k(predictions, labels, k, weights=None, metrics_collections=None, updates_collections=None,
                          name=None):
    """The mean of in_top_k(predictions, labels, k) (contrib's dense-label recall@k)."""
    with _graph.get_default_graph().name_scope(name or "recall_at_k"):
        in_top_k = math_ops.cast(nn_ops.in_top_k(predictions, labels, k), _dtypes.float32)
        return _m.mean(in_top_k, weights, metrics_collections, updates_collections, name="recall_at_k")


def aggregate_metrics(*value_update_tuples):
    """([values], [update_ops]) from (value, update_op) pairs."""
    if not value_update_tuples:
        raise ValueError("Expected at least one value_tensor/update_op pair")
    values, updates = zip(*value_update_tuples)
    return list(values), list(updates)


def aggregate_metric_map(names_to_tuples):
    """({name: value}, {name: update_op}) from {name: (value, update_op)}."""
    return (dict((k, v[0]) for k, v in names_to_tuples.items()),
            dict((k, v[1]) for k, v in names_to_tuples.items()))


