"""tf.confusion_matrix / tf.math.confusion_matrix (TF 1.15's ops/confusion_matrix.py).

Rows are labels, columns predictions; entry [i, j] counts (or sums `weights` of) the examples
with label i predicted j. As TF: both are cast to int64 and squeezed of a trailing size-1
dimension where the other lacks it; negative values (and, with `num_classes`, values >=
num_classes) fail TF's assertions (InvalidArgumentError at run time). Without `num_classes`
the size is max(labels, predictions) + 1, which compat_tf needs to know when the step is
traced (labels and predictions computed from constants); give `num_classes` otherwise.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import constant as _constant

__all__ = ["confusion_matrix"]


def _remove_squeezable_dimensions(labels, predictions):
    from compat_tf._src.ops import array_ops
    lr, pr = labels.shape.ndims, predictions.shape.ndims
    if lr is not None and pr is not None:
        if pr - lr == 1 and predictions.shape[-1].is_compatible_with(1):
            predictions = array_ops.squeeze(predictions, [-1])
        elif lr - pr == 1 and labels.shape[-1].is_compatible_with(1):
            labels = array_ops.squeeze(labels, [-1])
    return labels, predictions


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=_dtypes.int32, name=None):
    """tf.confusion_matrix: see the module docstring."""
    from compat_tf._src.ops import array_ops, check_ops, control_flow_ops, gather_ops, math_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "confusion_matrix"):
        labels, predictions = _remove_squeezable_dimensions(
            _constant.convert_to_tensor(labels, name="labels"),
            _constant.convert_to_tensor(predictions, name="predictions"))
        predictions = math_ops.cast(predictions, _dtypes.int64)
        labels = math_ops.cast(labels, _dtypes.int64)
        labels = control_flow_ops.with_dependencies(
            [check_ops.assert_non_negative(labels, message="`labels` contains negative values")], labels)
        predictions = control_flow_ops.with_dependencies(
            [check_ops.assert_non_negative(predictions, message="`predictions` contains negative values")],
            predictions)
        if num_classes is None:
            num_classes = math_ops.maximum(math_ops.reduce_max(predictions), math_ops.reduce_max(labels)) + 1
        else:
            n64 = math_ops.cast(num_classes, _dtypes.int64)
            labels = control_flow_ops.with_dependencies(
                [check_ops.assert_less(labels, n64, message="`labels` out of bound")], labels)
            predictions = control_flow_ops.with_dependencies(
                [check_ops.assert_less(predictions, n64, message="`predictions` out of bound")], predictions)
        if weights is not None:
            weights = _constant.convert_to_tensor(weights, name="weights")
            predictions.shape.assert_is_compatible_with(weights.shape)
            weights = math_ops.cast(weights, dtype)
        shape = array_ops.stack([math_ops.cast(num_classes, _dtypes.int64)] * 2)
        indices = array_ops.stack([labels, predictions], axis=1)
        values = array_ops.ones_like(predictions, dtype) if weights is None else weights
        return gather_ops.scatter_nd(indices, values, shape)
