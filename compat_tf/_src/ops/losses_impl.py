"""tf.losses: TF1's loss functions, weighting and the LOSSES collection.

Mirrors TF 1.15's losses_impl.py / util.py: every loss computes per-element
losses, multiplies by `weights` (broadcast to the losses' shape), reduces by
`reduction` (default SUM_BY_NONZERO_WEIGHTS: the weighted sum divided by the
number of non-zero weights) and adds the result to `loss_collection`
(GraphKeys.LOSSES). Regularization losses live in REGULARIZATION_LOSSES
(filled by get_variable's regularizers).
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops


class Reduction:
    """How a weighted loss is reduced (TF1's tf.losses.Reduction)."""
    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_OVER_NONZERO_WEIGHTS,
                cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}.")


def _g():
    return _graph.get_default_graph()


# --------------------------------------------------------------------------------------------
# collection helpers
# --------------------------------------------------------------------------------------------

def add_loss(loss, loss_collection=GraphKeys.LOSSES):
    """tf.losses.add_loss: appends `loss` to `loss_collection`."""
    if loss_collection:
        _graph.add_to_collection(loss_collection, loss)


def get_losses(scope=None, loss_collection=GraphKeys.LOSSES):
    return _graph.get_collection(loss_collection, scope)


def get_regularization_losses(scope=None):
    return _graph.get_collection(GraphKeys.REGULARIZATION_LOSSES, scope)


def get_regularization_loss(scope=None, name="total_regularization_loss"):
    """The sum of the regularization losses (a 0.0 constant when there are none)."""
    losses = get_regularization_losses(scope)
    if losses:
        return math_ops.add_n(losses, name=name)
    return _constant.constant(0.0)


def get_total_loss(add_regularization_losses=True, name="total_loss", scope=None):
    """The sum of LOSSES (and REGULARIZATION_LOSSES); ValueError when there are none."""
    losses = get_losses(scope=scope)
    if add_regularization_losses:
        losses = losses + get_regularization_losses(scope)
    if not losses:
        raise ValueError("No losses found in collections.")
    return math_ops.add_n(losses, name=name)


# --------------------------------------------------------------------------------------------
# weighting and reduction
# --------------------------------------------------------------------------------------------

def _num_present(losses, weights, per_batch=False):
    """The number of elements whose broadcast weight is non-zero (TF1's _num_present)."""
    with _g().name_scope("num_present"):
        present = math_ops.cast(math_ops.not_equal(weights, 0.0), _dtypes.float32)
        present = math_ops.multiply(present, array_ops.ones_like(math_ops.cast(losses, _dtypes.float32)))
        if per_batch:
            axes = list(range(1, losses.shape.ndims))
            return math_ops.reduce_sum(present, axis=axes, keepdims=True)
        return math_ops.reduce_sum(present)


def _safe_mean(total, count):
    return math_ops.div_no_nan(total, count, name="value")


def _assert_broadcastable(weights, values):
    """TF1's weights_broadcast_ops.assert_broadcastable, static part: weights are a scalar, or have
    the losses' rank with each dimension 1 or equal (TF1 raises ValueError at build time; (4, 1)
    weights for (4,) losses are not broadcast to (4, 4))."""
    w_rank, v_rank = weights.shape.ndims, values.shape.ndims
    if w_rank == 0 or w_rank is None or v_rank is None:
        return
    prefix = "weights can not be broadcast to values."
    if w_rank != v_rank:
        raise ValueError(f"{prefix} values.rank={v_rank}. weights.rank={w_rank}. values.shape={values.shape}. "
                         f"weights.shape={weights.shape}.")
    if weights.shape.is_fully_defined() and values.shape.is_fully_defined():
        for dim, (w, v) in enumerate(zip(weights.shape.as_list(), values.shape.as_list())):
            if w not in (1, v):
                raise ValueError(f"{prefix} Mismatch at dim {dim}. values.shape={values.shape} "
                                 f"weights.shape={weights.shape}.")


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.losses.compute_weighted_loss: weights broadcast against the per-element losses."""
    Reduction.validate(reduction)
    with _g().name_scope(scope or "weighted_loss"):
        losses = _constant.convert_to_tensor(losses)
        input_dtype = losses.dtype.base_dtype
        losses = math_ops.cast(losses, _dtypes.float32)
        weights = math_ops.cast(_constant.convert_to_tensor(weights), _dtypes.float32)
        _assert_broadcastable(weights, losses)
        weighted = math_ops.multiply(losses, weights)
        if reduction == Reduction.NONE:
            loss = weighted
        else:
            loss = math_ops.reduce_sum(weighted)
            if reduction == Reduction.MEAN:
                loss = _safe_mean(loss, math_ops.reduce_sum(array_ops.ones_like(losses) * weights))
            elif reduction in (Reduction.SUM_BY_NONZERO_WEIGHTS, Reduction.SUM_OVER_NONZERO_WEIGHTS):
                loss = _safe_mean(loss, _num_present(losses, weights))
            elif reduction == Reduction.SUM_OVER_BATCH_SIZE:
                loss = _safe_mean(loss, math_ops.cast(array_ops.size(losses), _dtypes.float32))
        loss = math_ops.cast(loss, input_dtype)
        add_loss(loss, loss_collection)
        return loss


# --------------------------------------------------------------------------------------------
# the losses
# --------------------------------------------------------------------------------------------

def _check_shapes(predictions, labels):
    if not predictions.shape.is_compatible_with(labels.shape):
        raise ValueError(f"Shapes {predictions.shape} and {labels.shape} are incompatible")


def _pred_labels(labels, predictions):
    predictions = math_ops.cast(_constant.convert_to_tensor(predictions), _dtypes.float32)
    labels = math_ops.cast(_constant.convert_to_tensor(labels), _dtypes.float32)
    _check_shapes(predictions, labels)
    return labels, predictions


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                        reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """|labels - predictions|, weighted and reduced."""
    with _g().name_scope(scope or "absolute_difference"):
        labels, predictions = _pred_labels(labels, predictions)
        losses = math_ops.abs(math_ops.subtract(predictions, labels))
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                       reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """(labels - predictions)^2, weighted and reduced."""
    with _g().name_scope(scope or "mean_squared_error"):
        labels, predictions = _pred_labels(labels, predictions)
        losses = math_ops.squared_difference(predictions, labels)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """0.5 x^2 for |x| <= delta, else delta (|x| - 0.5 delta), with x = predictions - labels."""
    with _g().name_scope(scope or "huber_loss"):
        labels, predictions = _pred_labels(labels, predictions)
        err = math_ops.abs(math_ops.subtract(predictions, labels))
        quad = math_ops.minimum(err, delta)
        lin = math_ops.subtract(err, quad)
        losses = math_ops.add(math_ops.multiply(0.5, math_ops.multiply(quad, quad)),
                              math_ops.multiply(delta, lin))
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection=GraphKeys.LOSSES,
             reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """-labels log(p + eps) - (1 - labels) log(1 - p + eps)."""
    with _g().name_scope(scope or "log_loss"):
        labels, predictions = _pred_labels(labels, predictions)
        losses = -math_ops.multiply(labels, math_ops.log(predictions + epsilon)) - math_ops.multiply(
            (1 - labels), math_ops.log(1 - predictions + epsilon))
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
               reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """max(0, 1 - (2 labels - 1) logits) for labels in {0, 1}."""
    with _g().name_scope(scope or "hinge_loss"):
        labels, logits = _pred_labels(labels, logits)
        signed = math_ops.subtract(2 * labels, 1.0)
        losses = math_ops.maximum(0.0, 1.0 - math_ops.multiply(signed, logits))
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None,
                    loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS, dim=None):
    """1 - sum(labels * predictions, axis) (inputs assumed unit-normalized, as TF1)."""
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify 'axis'.")
    with _g().name_scope(scope or "cosine_distance_loss"):
        labels, predictions = _pred_labels(labels, predictions)
        radial = math_ops.multiply(predictions, labels)
        losses = 1 - math_ops.reduce_sum(radial, axis=[axis], keepdims=True)
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """tf.nn.sigmoid_cross_entropy_with_logits with optional label smoothing, weighted and reduced."""
    from compat_tf._src.ops import nn_ops
    with _g().name_scope(scope or "sigmoid_cross_entropy_loss"):
        logits = _constant.convert_to_tensor(logits)
        labels = math_ops.cast(_constant.convert_to_tensor(multi_class_labels), logits.dtype.base_dtype)
        _check_shapes(logits, labels)
        if label_smoothing > 0:
            labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
        losses = nn_ops.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection=GraphKeys.LOSSES, reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of one-hot labels (label smoothing spreads over the classes)."""
    from compat_tf._src.ops import nn_ops
    with _g().name_scope(scope or "softmax_cross_entropy_loss"):
        logits = _constant.convert_to_tensor(logits)
        labels = math_ops.cast(_constant.convert_to_tensor(onehot_labels), logits.dtype.base_dtype)
        _check_shapes(logits, labels)
        if label_smoothing > 0:
            n = math_ops.cast(array_ops.shape(labels)[-1], logits.dtype.base_dtype)
            labels = labels * (1 - label_smoothing) + label_smoothing / n
        losses = nn_ops.softmax_cross_entropy_with_logits_v2(labels=array_ops.stop_gradient(labels)
                                                             if hasattr(array_ops, "stop_gradient")
                                                             else labels,
                                                             logits=logits, name="xentropy")
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def _remove_squeezable_dimensions(labels, logits, weights):
    """TF1's losses_impl._remove_squeezable_dimensions with expected_rank_diff=1 (static ranks):
    labels [batch, 1] are squeezed to [batch], and weights one rank above the labels lose their
    last dimension ([batch, 1] weights for [batch] losses)."""
    labels = _constant.convert_to_tensor(labels)
    logits = _constant.convert_to_tensor(logits)
    l_rank, p_rank = labels.shape.ndims, logits.shape.ndims
    if l_rank is not None and p_rank is not None:
        diff = p_rank - l_rank
        if diff == 2 and logits.shape[-1] == 1:
            logits = array_ops.squeeze(logits, [-1])
        elif diff == 0 and labels.shape[-1] == 1:
            labels = array_ops.squeeze(labels, [-1])
    weights = _constant.convert_to_tensor(weights)
    l_rank, w_rank = labels.shape.ndims, weights.shape.ndims
    if l_rank is not None and w_rank is not None and w_rank - l_rank == 1:
        weights = array_ops.squeeze(weights, [-1])
    return labels, logits, weights


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection=GraphKeys.LOSSES,
                                 reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """Softmax cross-entropy of integer class labels, weighted and reduced."""
    from compat_tf._src.ops import nn_ops
    with _g().name_scope(scope or "sparse_softmax_cross_entropy_loss"):
        labels, logits, weights = _remove_squeezable_dimensions(labels, logits, weights)
        losses = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits,
                                                                 name="xentropy")
        return compute_weighted_loss(losses, weights, None, loss_collection, reduction)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None,
                                loss_collection=GraphKeys.LOSSES):
    raise NotImplementedError("tf.losses.mean_pairwise_squared_error is not supported by compat_tf")
