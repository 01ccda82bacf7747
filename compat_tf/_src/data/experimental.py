"""A few of tf.data.experimental's transformations (TF 1.15), built from Dataset methods, and its
device-placement and debugging entry points."""
import collections.abc
import logging

import numpy as np

from compat_tf._src.data import cardinality, dataset_ops, structure
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.data.dataset_ops import AUTOTUNE  # noqa: F401
from compat_tf._src.data.csv_dataset import make_csv_dataset  # noqa: F401
from compat_tf._src.data.grouping import bucket_by_sequence_length, group_by_window  # noqa: F401
from compat_tf._src.data.interleave_ops import (  # noqa: F401
    Counter, choose_from_datasets, enumerate_dataset, sample_from_datasets)


class _ShuffleAndRepeatDataset(dataset_ops.DatasetV1):
    """TF 1.15's fused ShuffleAndRepeatDataset: one shuffle buffer over `count` epochs of the input
    (shuffle_buffer.shuffled with count), one Philox stream seeded (seed, seed2) for all of them. The
    order differs from shuffle().repeat() (TF 2.x builds shuffle_and_repeat that way)."""

    def __init__(self, input_ds, buffer_size, count, seed):
        self._input = input_ds
        self._buffer = dataset_ops._int_param(buffer_size, "buffer_size")
        self._count = dataset_ops._int_param(-1 if count is None else count, "count")
        self._seeds = dataset_ops._get_seed(seed)
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._buffer, self._count]

    def _iterate(self, ictx):
        from compat_tf._src.data import shuffle_buffer
        buffer_size, count = int(self._buffer.get(ictx)), int(self._count.get(ictx))
        if buffer_size <= 0:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        if count == 0 or count < -1:
            raise errors.InvalidArgumentError(None, None, "count must be greater than zero or equal to -1.")
        stream = shuffle_buffer.iteration_stream(self._seeds, False, ictx.state, id(self))
        return shuffle_buffer.shuffled(lambda: self._input._iterate(ictx), buffer_size, stream, count)


cardinality.register(_ShuffleAndRepeatDataset, cardinality._repeat)


def shuffle_and_repeat(buffer_size, count=None, seed=None):
    """Dataset.apply(shuffle_and_repeat(...)): TF 1.15's fused shuffle-and-repeat (see the class)."""
    def apply(ds):
        return _ShuffleAndRepeatDataset(ds, buffer_size, count, seed)
    return apply


def map_and_batch(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                  num_parallel_calls=None):
    """Dataset.apply(map_and_batch(...)): map then batch."""
    def apply(ds):
        return ds.map(map_func).batch(batch_size, drop_remainder=drop_remainder)
    return apply


def map_and_batch_with_legacy_function(map_func, batch_size, num_parallel_batches=None, drop_remainder=False,
                                       num_parallel_calls=None):
    """map_and_batch with a TF1 legacy (Defun-traced) function: the same here, functions are traced
    once either way."""
    return map_and_batch(map_func, batch_size, num_parallel_batches, drop_remainder, num_parallel_calls)


def unbatch():
    def apply(ds):
        return ds.unbatch()
    return apply


def parallel_interleave(map_func, cycle_length, block_length=1, sloppy=False, buffer_output_elements=None,
                        prefetch_input_elements=None):
    """Dataset.apply(parallel_interleave(...)): a deterministic interleave (as sloppy=False)."""
    def apply(ds):
        return ds.interleave(map_func, cycle_length=cycle_length, block_length=block_length)
    return apply


def ignore_errors():
    """Dataset.apply(ignore_errors()): drops the elements whose computation failed (TF1's
    IgnoreErrorsDataset); a reader retrying a file it cannot open is not an end, as in TF1."""
    def apply(ds):
        return dataset_ops.IgnoreErrorsDataset(ds)
    return apply


Options = dataset_ops.Options

SHARD_HINT = -1
"""The placeholder shard count of Dataset.shard under AutoShardPolicy.HINT (TF: -1)."""


@cardinality.same_as_input
class _DeviceDataset(dataset_ops.DatasetV1):
    """The input's elements, unchanged: what prefetch_to_device / copy_to_device produce here."""

    def __init__(self, input_ds, device):
        self._input = input_ds
        self._device = device
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _index_source(self, ictx):
        return self._input._index_source(ictx)

    def _iterate(self, ictx):
        return self._input._iterate(ictx)


def _check_device(device):
    from compat_tf._src.framework import device_spec as _device
    if not isinstance(device, str):
        raise TypeError(f"`device` must be a string, got {type(device).__name__}")
    _device.DeviceSpec.from_string(device)


def prefetch_to_device(device, buffer_size=None):
    """Dataset.apply(prefetch_to_device(device)): TF1 stages elements into `device`'s memory.

    compat_tf's pipelines produce host (NumPy) elements that each Session.run hands to JAX, which
    places them on the device of the step that consumes them, so this is the input dataset unchanged
    (the device string is checked); the iterator must still be one-shot/initializable as in TF1.
    """
    _check_device(device)

    def apply(dataset):
        return _DeviceDataset(dataset, device)
    return apply


def copy_to_device(target_device, source_device="/cpu:0"):
    """Dataset.apply(copy_to_device(target_device)): as prefetch_to_device, the input unchanged
    (placement is JAX's when the elements are used)."""
    _check_device(target_device)
    _check_device(source_device)

    def apply(dataset):
        return _DeviceDataset(dataset, target_device)
    return apply


def get_structure(dataset_or_iterator):
    """The element spec of a dataset or iterator (a structure of specs with .dtype / .shape)."""
    spec = getattr(dataset_or_iterator, "_spec", None)
    if spec is None:
        raise TypeError(f"`dataset_or_iterator` must be a `tf.data.Dataset` or tf.data.Iterator object, but "
                        f"got {type(dataset_or_iterator)}.")
    return spec


_DEBUG_MODE = []


def enable_debug_mode():
    """TF 2: runs tf.data functions eagerly and in order for debugging. compat_tf's pipelines already
    run synchronously and in order on the calling thread, so this only records the request."""
    if not _DEBUG_MODE:
        logging.getLogger("tensorflow").info("tf.data debug mode: pipelines already run synchronously in "
                                            "compat_tf.")
    _DEBUG_MODE.append(True)


def from_list(elements, name=None):
    """A dataset whose elements are `elements` (a non-empty list of same-structured values): their
    components stacked and sliced (TF's from_list)."""
    from compat_tf._src.ops import array_ops
    elements = list(elements)
    if not elements:
        raise ValueError("Invalid `elements`. `elements` should not be empty.")
    first = elements[0]
    for e in elements[1:]:
        structure.assert_same_structure(first, e)
    flat = [structure.flatten(e) for e in elements]
    stacked = [array_ops.stack([f[i] for f in flat]) for i in range(len(flat[0]))]
    return dataset_ops.DatasetV1.from_tensor_slices(structure.pack_as(first, stacked))


class _PadToCardinalityDataset(dataset_ops.DatasetV1):
    """pad_to_cardinality: the input's dict elements with `mask_key` True, then zero-filled elements
    with `mask_key` False up to `cardinality` (an input longer than that fails the element past it)."""

    def __init__(self, input_ds, count, mask_key):
        spec = input_ds._spec
        if not isinstance(spec, collections.abc.Mapping):
            raise TypeError(f"`pad_to_cardinality` requires its input dataset to be a dictionary, got {spec}.")
        if mask_key in spec:
            raise ValueError(f"mask_key '{mask_key}' is already a key of the dataset's elements.")
        for s in structure.flatten(spec):
            if not s.shape.is_fully_defined():
                raise ValueError(f"pad_to_cardinality needs fully defined component shapes, got {s.shape}.")
        self._input = input_ds
        self._count = int(count)
        self._mask_key = mask_key
        full = dict(spec)
        full[mask_key] = structure.Spec(_dtypes.bool, [])
        self._spec = full
        self._mask_pos = sorted(full).index(mask_key)
        self._input_specs = structure.flatten(spec)

    def _children(self):
        return [self._input]

    def _iterate(self, ictx):
        seen = 0
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            seen += 1
            if seen > self._count:
                yield ElementError(errors.InvalidArgumentError(
                    None, None, f"The dataset has more than {self._count} elements (pad_to_cardinality)."))
                return
            yield self._with_mask(el, np.bool_(True))
        zeros = tuple(np.full(s.shape.as_list(), b"", dtype=object) if s.dtype == _dtypes.string
                      else np.zeros(s.shape.as_list(), s.dtype.as_numpy_dtype) for s in self._input_specs)
        for _ in range(self._count - seen):
            yield self._with_mask(zeros, np.bool_(False))

    def _with_mask(self, el, mask):
        el = list(el)
        el.insert(self._mask_pos, mask)
        return tuple(el)


def pad_to_cardinality(cardinality, mask_key="valid"):
    """Dataset.apply(pad_to_cardinality(n)): pads a dataset of dicts to n elements (TF 2), marking the
    real ones with `mask_key`."""
    def apply(dataset):
        return _PadToCardinalityDataset(dataset, cardinality, mask_key)
    return apply
