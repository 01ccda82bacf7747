"""tf.data.experimental.rejection_resample (TF 1.15 resampling.py), built as TF builds it.

The result is a dataset of `(class_func(element), element)` pairs whose class distribution tends to
`target_dist`. With `initial_dist` (the input's class distribution) known, each class i is accepted
with probability a_i = (r_i - m) / (max r - m), r = target / initial and m = min r, and the output
mixes the unfiltered input (probability m) with the filtered one (sample_from_datasets). Without
it, the initial distribution is estimated as the input goes: class counts start at 10 per class and
are updated per batch of 32 class values (the estimate for an element includes its own batch), and
the acceptance probabilities and m follow each element's estimate. m == 1 (known initial
distribution equal to the target) gives the input itself, m == 0 the filtered stream only.

The random draws (acceptance, mixing) are seeded as TF1's ops; the numbers are not TF's.
"""
import numpy as np

from compat_tf._src.data.dataset_ops import DatasetV1
from compat_tf._src.framework import dtypes as _dtypes

__all__ = ["rejection_resample"]

_ESTIMATION_BATCH = 32
_SMOOTHING = 10


def _acceptance_probs_with_mixing(initial, target):
    """(a, m): per-class acceptance probabilities and the probability of the unfiltered stream."""
    from compat_tf._src.ops import math_ops
    denom = initial + np.finfo(initial.dtype.as_numpy_dtype).tiny
    ratio = target / denom
    max_ratio, min_ratio = math_ops.reduce_max(ratio), math_ops.reduce_min(ratio)
    return (ratio - min_ratio) / (max_ratio - min_ratio), min_ratio


def _static_prob_original(initial, target):
    from compat_tf._src.framework import shape_inference
    i, t = shape_inference.constant_value(initial), shape_inference.constant_value(target)
    if i is None or t is None:
        return None
    ratio = t / (i + np.finfo(i.dtype).tiny)
    return float(np.min(ratio))


def _estimate_initial_dist(target, class_values, num_classes):
    from compat_tf._src.data.scan_ops import scan
    from compat_tf._src.ops import array_ops, math_ops

    def update(counts, classes):
        counts = counts + math_ops.reduce_sum(array_ops.one_hot(classes, num_classes, dtype=_dtypes.int64), 0)
        dist = math_ops.cast(math_ops.truediv(counts, math_ops.reduce_sum(counts)), _dtypes.float32)
        return counts, array_ops.tile(array_ops.expand_dims(dist, 0), [_ESTIMATION_BATCH, 1])
    start = np.full([num_classes], _SMOOTHING, np.int64)
    return class_values.batch(_ESTIMATION_BATCH).apply(scan(start, update)).unbatch()


def _filtered(dataset, acceptance, initial, class_values, seed):
    from compat_tf._src.ops import gather_ops, random_ops
    del initial     # TF only logs a warning from it when over half the input would be rejected
    zipped = DatasetV1.zip((class_values, acceptance, dataset)).map(
        lambda c, a, data: (c, gather_ops.gather(a, c), data))
    kept = zipped.filter(lambda c, p, data: random_ops.random_uniform([], seed=seed) < p)
    return kept.map(lambda c, p, data: (c, data))


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """Dataset.apply(rejection_resample(class_func, target_dist)): see the module docstring."""
    from compat_tf._src.data.interleave_ops import sample_from_datasets
    from compat_tf._src.ops import constant as _constant

    def apply(dataset):
        target = _constant.convert_to_tensor(target_dist, name="target_dist")
        class_values = dataset.map(class_func)
        if initial_dist is not None:
            initial = _constant.convert_to_tensor(initial_dist, name="initial_dist")
            acceptance, prob_original = _acceptance_probs_with_mixing(initial, target)
            initial_ds = DatasetV1.from_tensors(initial).repeat()
            acceptance_ds = DatasetV1.from_tensors(acceptance).repeat()
            prob_original_ds = DatasetV1.from_tensors(prob_original).repeat()
            static = _static_prob_original(initial, target)
        else:
            num_classes = target.shape[0].value if target.shape.ndims == 1 else None
            if num_classes is None:
                raise ValueError("rejection_resample needs a target_dist of static length when initial_dist "
                                 "is not given.")
            initial_ds = _estimate_initial_dist(target, class_values, num_classes)
            both = initial_ds.map(lambda initial: _acceptance_probs_with_mixing(initial, target))
            acceptance_ds = both.map(lambda a, m: a)
            prob_original_ds = both.map(lambda a, m: m)
            static = None
        filtered = _filtered(dataset, acceptance_ds, initial_ds, class_values, seed).prefetch(3)
        if static == 1:
            return DatasetV1.zip((class_values, dataset))
        if static == 0:
            return filtered
        weights = prob_original_ds.map(lambda m: _stack_pair(m))
        return sample_from_datasets([DatasetV1.zip((class_values, dataset)), filtered], weights=weights, seed=seed)
    return apply


def _stack_pair(m):
    from compat_tf._src.ops import array_ops, math_ops
    m = math_ops.cast(m, _dtypes.float32)
    return array_ops.stack([m, 1.0 - m])
