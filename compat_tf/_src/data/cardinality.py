"""tf.data.experimental.cardinality / assert_cardinality (TF 1.15 cardinality.py).

`cardinality(dataset)` is a scalar int64 tensor (TF's DatasetCardinality op, evaluated when run,
so it sees the values of placeholders the dataset uses): the number of elements when it is known
without iterating, INFINITE_CARDINALITY (-1) or UNKNOWN_CARDINALITY (-2). The rules are the
kernels' `Cardinality()` methods: a map in a TF1 (DatasetV1) pipeline does not preserve
cardinality, filter/flat_map/interleave/unbatch/ignore_errors are unknown, repeat/take/skip/batch/
shard/zip/concatenate combine their inputs' counts.
"""
import numpy as np

from compat_tf._src.data import dataset_ops as _ds
from compat_tf._src.data.dataset_host_ops import dataset_op, iter_context
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework.registry import register_op

INFINITE_CARDINALITY = -1
UNKNOWN_CARDINALITY = -2
INFINITE = INFINITE_CARDINALITY
UNKNOWN = UNKNOWN_CARDINALITY

__all__ = ["INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "assert_cardinality", "cardinality"]


def _known(n):
    return n not in (INFINITE, UNKNOWN)


def _repeat(ds, ictx):
    n, count = of(ds._input, ictx), int(ds._count.get(ictx))
    if count < 0:
        return 0 if n == 0 else INFINITE
    if count == 0:
        return 0
    return n * count if _known(n) else n


def _take(ds, ictx):
    n, count = of(ds._input, ictx), int(ds._count.get(ictx))
    if count < 0 or n == UNKNOWN:
        return n
    return count if n == INFINITE else min(n, count)


def _skip(ds, ictx):
    n, count = of(ds._input, ictx), int(ds._count.get(ictx))
    if not _known(n):
        return n
    return 0 if count < 0 else max(0, n - count)


def _batch(ds, ictx):
    n, bs = of(ds._input, ictx), int(ds._batch.get(ictx))
    if not _known(n):
        return n
    return n // bs + (0 if n % bs == 0 or ds._drop else 1)


def _shard(ds, ictx):
    n, shards, index = of(ds._input, ictx), int(ds._n.get(ictx)), int(ds._i.get(ictx))
    if not _known(n):
        return n
    return n // shards + (1 if index < n % shards else 0)


def _zip(ds, ictx):
    out = INFINITE
    for child in ds._datasets:
        n = of(child, ictx)
        if n == UNKNOWN:
            return UNKNOWN
        if n != INFINITE and (out == INFINITE or n < out):
            out = n
    return out


def _concatenate(ds, ictx):
    a, b = of(ds._a, ictx), of(ds._b, ictx)
    if INFINITE in (a, b):
        return INFINITE
    if UNKNOWN in (a, b):
        return UNKNOWN
    return a + b


def _range(ds, ictx):
    start, stop, step = (int(p.get(ictx)) for p in ds._p)
    return len(range(start, stop, step)) if step != 0 else UNKNOWN


def _slices(ds, ictx):
    return int(np.shape(ds._p[0].get(ictx))[0])


def _list_files(ds, ictx):
    return len(ds._files(ictx))


def _same_as_input(ds, ictx):
    return of(ds._input, ictx)


_RULES = {
    _ds.TensorDataset: lambda ds, ictx: 1,
    _ds.TensorSliceDataset: _slices,
    _ds.RangeDataset: _range,
    _ds.ListFilesDataset: _list_files,
    _ds.ZipDataset: _zip,
    _ds.ConcatenateDataset: _concatenate,
    _ds.ShuffleDataset: _same_as_input,
    _ds.PrefetchDataset: _same_as_input,
    _ds.CacheDataset: _same_as_input,
    _ds.OptionsDataset: _same_as_input,
    _ds.RepeatDataset: _repeat,
    _ds.TakeDataset: _take,
    _ds.SkipDataset: _skip,
    _ds.ShardDataset: _shard,
    _ds.BatchDataset: _batch,
    _ds.PaddedBatchDataset: _batch,
}


def register(cls, rule):
    """Declares the cardinality rule `rule(dataset, ictx)` of a dataset class defined elsewhere."""
    _RULES[cls] = rule


def same_as_input(cls):
    """Class decorator: a pass-through dataset (an `_input`) has its input's cardinality."""
    _RULES[cls] = _same_as_input
    return cls


def of(dataset, ictx):
    """The cardinality of `dataset` (an int, or INFINITE / UNKNOWN) for the run-time values in `ictx`."""
    rule = _RULES.get(type(dataset))
    return UNKNOWN if rule is None else int(rule(dataset, ictx))


@register_op("DatasetCardinality", shape=lambda op: [([], _dtypes.int64)], ctx=True, host=True,
             stateful=False, differentiable=False)
def _dataset_cardinality(ctx, *values, **attrs):
    return np.int64(of(attrs["_dataset"], iter_context(ctx, values)))


def cardinality(dataset):
    """The cardinality of `dataset` as a scalar tf.int64 tensor (see the module docstring)."""
    def eager(ictx):
        return [np.int64(of(dataset, ictx))]
    return dataset_op("DatasetCardinality", dataset, [([], _dtypes.int64)], "DatasetCardinality",
                      eager_fn=eager)[0]


class _AssertCardinalityDataset(_ds.DatasetV1):
    """TF's AssertCardinalityDataset: the input's elements, failing (FailedPreconditionError) with the
    element past the asserted count, or at the end when there were fewer; once failed, every later
    get_next fails the same way (TF checks again on each call)."""

    def __init__(self, input_ds, expected):
        self._input = input_ds
        self._expected = _ds._int_param(expected, "expected_cardinality")
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._expected]

    def _iterate(self, ictx):
        expected = int(self._expected.get(ictx))
        seen = 0
        for el in self._input._iterate(ictx):
            if not is_error(el):
                seen += 1
                if expected != INFINITE and seen > expected:
                    yield from _forever(f"Input dataset was expected to contain {_count(expected)} but "
                                        f"contained at least {_count(seen)}.")
            yield el
        if seen != expected:
            yield from _forever(f"Input dataset was expected to contain {_count(expected)} but contained only "
                                f"{_count(seen)}.")


def _forever(message):
    error = ElementError(errors.FailedPreconditionError(None, None, message))
    while True:
        yield error


def _count(n):
    return "an infinite number of elements" if n == INFINITE else f"{n} element{'s' if n != 1 else ''}"


register(_AssertCardinalityDataset, lambda ds, ictx: int(ds._expected.get(ictx)))


def assert_cardinality(expected_cardinality):
    """Dataset.apply(assert_cardinality(n)): the input, checked to have exactly n elements."""
    def apply(dataset):
        return _AssertCardinalityDataset(dataset, expected_cardinality)
    return apply

