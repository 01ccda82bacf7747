"""tf.data.experimental's sources and mixers (TF 1.15): Counter, enumerate_dataset,
sample_from_datasets, choose_from_datasets, and the contrib.data batching shorthands.

sample_from_datasets / choose_from_datasets mirror TF's DirectedInterleave: each step picks an
input (at random by `weights`, or the next value of `choice_dataset`); an exhausted input is
skipped from then on, and the result ends when every input (or the choice dataset) is
exhausted. Random picks use NumPy's generator seeded as TF1's ops are (not TF's numbers).
"""
import numpy as np

from compat_tf._src.data import cardinality, dataset_ops, structure
from compat_tf._src.data.dataset_ops import DatasetV1
from compat_tf._src.data.element_error import is_error
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors

__all__ = ["Counter", "RandomDataset", "batch_and_drop_remainder", "choose_from_datasets", "enumerate_dataset",
           "padded_batch_and_drop_remainder", "sample_from_datasets", "sloppy_interleave"]


class _CounterDataset(DatasetV1):
    """start, start + step, ... of `dtype`, forever (TF1's Counter: a scan over an infinite repeat)."""

    def __init__(self, start, step, dtype):
        self._dtype = _dtypes.as_dtype(dtype).base_dtype
        self._p = [dataset_ops._param(start, self._dtype), dataset_ops._param(step, self._dtype)]
        self._spec = structure.Spec(self._dtype, [])

    def _params(self):
        return self._p

    def _iterate(self, ictx):
        start, step = (p.get(ictx) for p in self._p)
        v = start
        while True:
            yield (v,)
            v = (v + step).astype(v.dtype)


cardinality.register(_CounterDataset, lambda ds, ictx: cardinality.INFINITE)


class RandomDatasetV1(DatasetV1):
    """tf.data.experimental.RandomDataset(seed=None): an infinite stream of random int64 scalars.

    Seeded as TF1's random ops (graph seed, op seed): with a seed every iterator yields the same
    sequence (NumPy's generator, not TF's Philox numbers); without one each iterator draws anew."""

    def __init__(self, seed=None):
        self._seeds = dataset_ops._get_seed(seed)
        self._spec = structure.Spec(_dtypes.int64, [])

    def _iterate(self, ictx):
        rng = dataset_ops._rng(self._seeds, 0)
        info = np.iinfo(np.int64)
        while True:
            for v in rng.integers(info.min, info.max, size=64, dtype=np.int64, endpoint=True).tolist():
                yield (np.int64(v),)


RandomDataset = RandomDatasetV1
cardinality.register(RandomDatasetV1, lambda ds, ictx: cardinality.INFINITE)


def Counter(start=0, step=1, dtype=_dtypes.int64):  # noqa: N802 - TF1 name
    """An infinite dataset start, start + step, ... of `dtype`."""
    return _CounterDataset(start, step, dtype)


def enumerate_dataset(start=0):
    """Dataset.apply(enumerate_dataset()): (index, element) pairs, indices int64 from `start`."""
    def apply(dataset):
        return dataset_ops.DatasetV1.zip((Counter(start), dataset))
    return apply


def batch_and_drop_remainder(batch_size):
    """tf.contrib.data.batch_and_drop_remainder: Dataset.batch(batch_size, drop_remainder=True)."""
    def apply(dataset):
        return dataset.batch(batch_size, drop_remainder=True)
    return apply


def padded_batch_and_drop_remainder(batch_size, padded_shapes, padding_values=None):
    """tf.contrib.data.padded_batch_and_drop_remainder."""
    def apply(dataset):
        return dataset.padded_batch(batch_size, padded_shapes, padding_values, drop_remainder=True)
    return apply


def sloppy_interleave(map_func, cycle_length, block_length=1):
    """tf.contrib.data.sloppy_interleave: an interleave (compat_tf's order is the deterministic one)."""
    def apply(dataset):
        return dataset.interleave(map_func, cycle_length=cycle_length, block_length=block_length)
    return apply


class _DirectedInterleaveDataset(DatasetV1):
    def __init__(self, selector, datasets, pick):
        self._selector = selector
        self._inputs = list(datasets)
        self._pick = pick
        spec = self._inputs[0]._spec
        for ds in self._inputs[1:]:
            if structure.map_structure(lambda s: s.dtype, ds._spec) != structure.map_structure(lambda s: s.dtype,
                                                                                                spec):
                raise TypeError(f"Datasets must have the same type: {spec} vs {ds._spec}")
            spec = structure.map_structure(
                lambda a, b: structure.Spec(a.dtype, a.shape.most_specific_compatible_shape(b.shape)), spec,
                ds._spec)
        self._spec = spec

    def _children(self):
        return ([self._selector] if self._selector is not None else []) + self._inputs

    def _iterate(self, ictx):
        its = [ds._iterate(ictx) for ds in self._inputs]
        alive = [True] * len(its)
        for i in self._pick(ictx, alive):
            if i < 0 or i >= len(its):
                raise errors.InvalidArgumentError(None, None, f"Selector index out of range: {i} >= "
                                                              f"{len(its)}")
            if not alive[i]:
                continue
            try:
                yield next(its[i])
            except StopIteration:
                alive[i] = False
                if not any(alive):
                    return


def sample_from_datasets(datasets, weights=None, seed=None):
    """Elements drawn from `datasets` at random, with probabilities `weights`: uniform by default, a
    vector, or (TF 1.15) a dataset of float32 vectors, one per draw, which ends the result when it
    ends."""
    datasets = list(datasets)
    if not datasets:
        raise ValueError("`datasets` must be a non-empty list of datasets.")
    seeds = dataset_ops._get_seed(seed)
    if isinstance(weights, DatasetV1):
        spec = weights._spec
        if not isinstance(spec, structure.Spec) or spec.dtype != _dtypes.float32:
            raise TypeError("`weights` must be a dataset of `tf.float32` tensors.")
        if not spec.shape.is_compatible_with([len(datasets)]):
            raise TypeError(f"`weights` must be a dataset of tensors of shape [{len(datasets)}]; got "
                            f"{spec.shape}.")

        def weight_stream(ictx):
            for el in weights._iterate(ictx):
                if is_error(el):
                    raise el.error
                yield np.asarray(el[0], np.float64)
        selector = weights
    else:
        w = np.full(len(datasets), 1.0 / len(datasets)) if weights is None else np.asarray(weights, np.float64)
        if w.shape != (len(datasets),):
            raise ValueError(f"`weights` must have {len(datasets)} elements, got shape {w.shape}")

        def weight_stream(ictx):
            while True:
                yield w
        selector = None

    def pick(ictx, alive):
        rng = dataset_ops._rng(seeds, 0)
        for w in weight_stream(ictx):
            if not any(alive):
                return
            p = np.where(alive, w, 0.0)
            if p.sum() <= 0:
                return
            yield int(rng.choice(len(w), p=p / p.sum()))
    out = _DirectedInterleaveDataset(selector, datasets, pick)
    out._seeds = seeds      # random picks: None when unseeded (data/iterator_saveable checks it)
    return out


def choose_from_datasets(datasets, choice_dataset):
    """The element of datasets[i] for each i of `choice_dataset` (a tf.int64 scalar dataset)."""
    spec = choice_dataset._spec
    if not (isinstance(spec, structure.Spec) and spec.dtype == _dtypes.int64 and spec.shape.ndims == 0):
        raise TypeError("`choice_dataset` must be a dataset of scalar tf.int64 tensors.")

    def pick(ictx, alive):
        for (i,) in choice_dataset._iterate(ictx):
            yield int(i)
    ds = _DirectedInterleaveDataset(choice_dataset, datasets, pick)
    return ds
