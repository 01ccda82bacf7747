"""tf.contrib.losses / slim.losses (TF 1.15 contrib/losses/python/losses/loss_ops.py): the
pre-tf.losses API, with predictions/logits first (`slim.losses.softmax_cross_entropy(logits,
onehot_labels)`).

Each function computes what tf.losses computes for the same arguments (weighted, summed and
divided by the number of non-zero weights, added to GraphKeys.LOSSES), so they are adapters onto
compat_tf._src.ops.losses_impl; `hinge_loss` keeps contrib's unweighted per-element result (not
added to LOSSES). `get_total_loss` has no scope argument (contrib's signature).
"""
from compat_tf._src.contrib.arg_scope import add_arg_scope
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import losses_impl as _tl
from compat_tf._src.ops import array_ops, math_ops, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.framework import dtypes as _dtypes

__all__ = ["absolute_difference", "add_loss", "compute_weighted_loss", "cosine_distance", "get_losses",
           "get_regularization_losses", "get_total_loss", "hinge_loss", "log_loss",
           "mean_pairwise_squared_error", "mean_squared_error", "sigmoid_cross_entropy", "softmax_cross_entropy",
           "sparse_softmax_cross_entropy"]

get_losses = _tl.get_losses
get_regularization_losses = _tl.get_regularization_losses


@add_arg_scope
def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    if loss_collection:
        _graph.add_to_collection(loss_collection, loss)


def get_total_loss(add_regularization_losses=True, name="total_loss"):
    return _tl.get_total_loss(add_regularization_losses=add_regularization_losses, name=name)


def compute_weighted_loss(losses, weights=1.0, scope=None):
    return _tl.compute_weighted_loss(losses, weights, scope=scope or "weighted_loss")


def absolute_difference(predictions, labels=None, weights=1.0, scope=None):
    return _tl.absolute_difference(labels, predictions, weights, scope=scope)


def mean_squared_error(predictions, labels=None, weights=1.0, scope=None):
    return _tl.mean_squared_error(labels, predictions, weights, scope=scope)


def _safe_div(num, den):
    ok = math_ops.greater(den, 0)
    return array_ops.where(ok, math_ops.divide(num, array_ops.where(ok, den, array_ops.ones_like(den))),
                           array_ops.zeros_like(num))


def _num_present_per_batch(values, weights):
    """contrib's _num_present(per_batch=True): per batch row, the elements with non-zero weight."""
    batch = array_ops.shape(values)[0]
    if weights.shape.ndims == 0:
        per_row = math_ops.cast(array_ops.size(values), _dtypes.float32) / math_ops.cast(batch, _dtypes.float32)
        per_row = array_ops.where(math_ops.equal(weights, 0), 0.0 * per_row, per_row)
        return array_ops.ones(array_ops.reshape(batch, [1])) * per_row
    nonzero = math_ops.reduce_sum(math_ops.cast(math_ops.not_equal(weights, 0), _dtypes.float32),
                                  axis=list(range(1, weights.shape.ndims)))
    broadcast = array_ops.shape(values)[weights.shape.ndims:]
    return nonzero * math_ops.cast(math_ops.reduce_prod(broadcast), _dtypes.float32)


def mean_pairwise_squared_error(predictions, labels=None, weights=1.0, scope=None):
    """contrib's pairwise loss: per batch row, the mean over pairs (i, j) of
    ((p_i - p_j) - (l_i - l_j))^2, weighted per row and summed (TF 1.15's formula:
    2 sum(d^2)/n - 2 (sum d)^2/n^2 with d = p - l)."""
    g = _graph.get_default_graph()
    with g.name_scope(scope or "mean_pairwise_squared_error"):
        predictions = math_ops.cast(_constant.convert_to_tensor(predictions), _dtypes.float32)
        labels = math_ops.cast(_constant.convert_to_tensor(labels), _dtypes.float32)
        predictions.shape.assert_is_compatible_with(labels.shape)
        weights = math_ops.cast(_constant.convert_to_tensor(weights), _dtypes.float32)
        diffs = predictions - labels
        if diffs.shape.ndims is None:
            raise ValueError("diffs.get_shape().ndims cannot be None")
        axes = list(range(1, diffs.shape.ndims))
        n = _num_present_per_batch(diffs, weights)
        term1 = 2.0 * _safe_div(math_ops.reduce_sum(math_ops.square(diffs), axis=axes), n)
        term2 = 2.0 * _safe_div(math_ops.square(math_ops.reduce_sum(diffs, axis=axes)), math_ops.square(n))
        per_row = term1 - term2
        start = max(0, weights.shape.ndims)
        reduced = math_ops.reduce_sum(per_row, axis=list(range(start, per_row.shape.ndims)))
        loss = math_ops.reduce_sum(reduced * weights)
        mean_loss = array_ops.where(math_ops.reduce_sum(n) > 0, loss, array_ops.zeros_like(loss), name="value")
        add_loss(mean_loss)
        return mean_loss


def log_loss(predictions, labels=None, weights=1.0, epsilon=1e-7, scope=None):
    return _tl.log_loss(labels, predictions, weights, epsilon=epsilon, scope=scope)


def cosine_distance(predictions, labels=None, axis=None, weights=1.0, scope=None, dim=None):
    if dim is not None:
        if axis is not None:
            raise ValueError("Cannot specify both 'axis' and 'dim'")
        axis = dim
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    return _tl.cosine_distance(labels, predictions, axis=axis, weights=weights, scope=scope)


def sigmoid_cross_entropy(logits, multi_class_labels, weights=1.0, label_smoothing=0, scope=None):
    return _tl.sigmoid_cross_entropy(multi_class_labels, logits, weights, label_smoothing, scope=scope)


def softmax_cross_entropy(logits, onehot_labels, weights=1.0, label_smoothing=0, scope=None):
    return _tl.softmax_cross_entropy(onehot_labels, logits, weights, label_smoothing, scope=scope)


def sparse_softmax_cross_entropy(logits, labels, weights=1.0, scope=None):
    return _tl.sparse_softmax_cross_entropy(labels, logits, weights, scope=scope)


def hinge_loss(logits, labels=None, scope=None):
    """Per-element relu(1 - (2 labels - 1) * logits), unweighted and not added to LOSSES."""
    g = _graph.get_default_graph()
    with g.name_scope(scope or "hinge_loss"):
        logits = _constant.convert_to_tensor(logits)
        labels = math_ops.cast(_constant.convert_to_tensor(labels), _dtypes.float32)
        logits.shape.assert_is_compatible_with(labels.shape)
        all_ones = array_ops.ones_like(labels)
        labels = math_ops.subtract(2 * labels, all_ones)
        return nn_ops.relu(math_ops.subtract(all_ones, math_ops.multiply(labels, logits)))
