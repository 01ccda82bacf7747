"""tf.data.experimental.group_by_window / bucket_by_sequence_length (TF 1.15 grouping.py), also
tf.contrib.data's.

group_by_window: each element goes to the window of `key_func(element)` (an int64 scalar); a
window that reaches `window_size` (or `window_size_func(key)`) elements is handed to
`reduce_func(key, window_dataset)` and the dataset it returns is emitted; at the end of the
input the unfinished windows are flushed in increasing key order (TF's std::map order).
`reduce_func` is traced once, over a key placeholder and a window dataset whose elements are
supplied at run time.
"""
import numpy as np

from compat_tf._src.data import structure
from compat_tf._src.data.dataset_ops import DatasetV1
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors

__all__ = ["Reducer", "bucket_by_sequence_length", "group_by_reducer", "group_by_window"]


class _WindowDataset(DatasetV1):
    """The `window` argument of reduce_func: its elements are those of the current window."""

    def __init__(self, spec):
        self._spec = spec

    def _iterate(self, ictx):
        yield from ictx.env[self]


class _GroupByWindowDataset(DatasetV1):
    def __init__(self, input_ds, key_func, reduce_func, window_size_func):
        from compat_tf._src.data.function import TracedFunction
        self._input = input_ds
        self._key_fn = TracedFunction(key_func, input_ds._spec, "map", "key_func")
        if not _is_int64_scalar(self._key_fn.output_spec):
            raise ValueError("`key_func` must return a single tf.int64 scalar tensor.")
        self._window = _WindowDataset(input_ds._spec)
        window = self._window
        self._reduce_fn = TracedFunction(lambda key: reduce_func(key, window), structure.Spec(_dtypes.int64, []),
                                         "dataset", "reduce_func")
        self._size_fn = TracedFunction(window_size_func, structure.Spec(_dtypes.int64, []), "map",
                                       "window_size_func")
        if not _is_int64_scalar(self._size_fn.output_spec):
            raise ValueError("`window_size_func` must return a single tf.int64 scalar tensor.")
        self._spec = self._reduce_fn.output_spec

    def _children(self):
        return [self._input]

    def _functions(self):
        return [self._key_fn, self._reduce_fn, self._size_fn]

    def _emit(self, ictx, key, elements):
        ds, sub = self._reduce_fn.call_dataset(ictx, (np.int64(key),))
        sub.env[self._window] = elements
        yield from ds._iterate(sub)

    def _iterate(self, ictx):
        groups, sizes = {}, {}
        for el in self._input._iterate(ictx):
            key = int(self._key_fn.call(ictx, el)[0])
            if key not in sizes:
                size = int(self._size_fn.call(ictx, (np.int64(key),))[0])
                if size <= 0:
                    raise errors.InvalidArgumentError(
                        None, None, f"Window size must be greater than zero, but got {size}.")
                sizes[key] = size
            window = groups.setdefault(key, [])
            window.append(el)
            if len(window) == sizes[key]:
                del groups[key]
                yield from self._emit(ictx, key, window)
        for key in sorted(groups):
            yield from self._emit(ictx, key, groups[key])


def _is_int64_scalar(spec):
    return isinstance(spec, structure.Spec) and spec.dtype == _dtypes.int64 and spec.shape.is_compatible_with([])


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """Dataset.apply(group_by_window(key_func, reduce_func, window_size)): see the module docstring."""
    if window_size is not None:
        if window_size_func is not None:
            raise ValueError("Must pass either window_size or window_size_func, but not both.")
        from compat_tf._src.ops import constant as _constant

        def window_size_func(key):
            return _constant.convert_to_tensor(window_size, dtype=_dtypes.int64)
    elif window_size_func is None:
        raise ValueError("Must pass either window_size or window_size_func.")

    def apply(dataset):
        return _GroupByWindowDataset(dataset, key_func, reduce_func, window_size_func)
    return apply


class _BucketBySequenceLengthDataset(DatasetV1):
    """bucket_by_sequence_length as one host dataset: TF builds it from group_by_window with a
    key from the length and a padded_batch per bucket; the windows, flush order and padding
    are the same here, without tensor-valued padded shapes."""

    def __init__(self, input_ds, length_fn, boundaries, batch_sizes, padded_shapes, padding_values,
                 pad_to_bucket_boundary, no_padding, drop_remainder):
        from compat_tf._src.data.function import TracedFunction
        from compat_tf._src.framework import tensor_shape as _ts
        self._input = input_ds
        self._length_fn = TracedFunction(length_fn, input_ds._spec, "map", "element_length_func")
        self._boundaries = list(boundaries)
        self._batch_sizes = list(batch_sizes)
        self._pad_to_boundary = pad_to_bucket_boundary
        self._no_padding = no_padding
        self._drop = drop_remainder
        shapes = padded_shapes if padded_shapes is not None else structure.map_structure(lambda s: s.shape,
                                                                                        input_ds._spec)
        if isinstance(input_ds._spec, structure.Spec):
            self._padded = [_ts.as_shape(shapes)]
        else:
            self._padded = [_ts.as_shape(x) for x in structure.flatten(shapes)]
        flat_specs = structure.flatten(input_ds._spec)
        if padding_values is None:
            self._pad_values = [b"" if sp.dtype == _dtypes.string else 0 for sp in flat_specs]
        else:
            self._pad_values = [np.asarray(v) for v in structure.flatten(padding_values)]
        dim = None
        if no_padding:
            self._spec = structure.map_structure(
                lambda sp: structure.Spec(sp.dtype, _ts.TensorShape([dim]).concatenate(sp.shape)), input_ds._spec)
        else:
            self._spec = structure.pack_as(input_ds._spec, [
                structure.Spec(sp.dtype, _ts.TensorShape([dim]).concatenate(
                    [None if pad_to_bucket_boundary and d.value is None else d.value for d in shp.dims]))
                for sp, shp in zip(flat_specs, self._padded)])

    def _children(self):
        return [self._input]

    def _functions(self):
        return [self._length_fn]

    def _batch(self, bucket, window):
        n = len(window[0])
        out = []
        for c in range(n):
            values = [np.asarray(el[c]) for el in window]
            if self._no_padding:
                out.append(np.stack(values))
                continue
            shape = self._padded[c]
            target = []
            for axis in range(len(values[0].shape)):
                d = shape.dims[axis].value if shape.ndims is not None else None
                if d is None:
                    d = (self._boundaries[bucket] - 1) if self._pad_to_boundary else max(v.shape[axis] for v in values)
                target.append(d)
            batch = np.full([len(values)] + target, self._pad_values[c], dtype=values[0].dtype)
            for i, v in enumerate(values):
                if any(a > b for a, b in zip(v.shape, target)):
                    raise errors.InvalidArgumentError(
                        None, None, f"Attempted to pad to a smaller size than the input element: {v.shape} vs "
                                    f"{tuple(target)}")
                batch[(i,) + tuple(slice(0, k) for k in v.shape)] = v
            out.append(batch)
        return tuple(out)

    def _iterate(self, ictx):
        windows = {}
        for el in self._input._iterate(ictx):
            length = int(self._length_fn.call(ictx, el)[0])
            bucket = sum(1 for b in self._boundaries if b <= length)
            if self._pad_to_boundary and bucket == len(self._boundaries):
                raise errors.InvalidArgumentError(None, None, "When pad_to_bucket_boundary=True, elements must "
                                                              "have length < max(bucket_boundaries).")
            window = windows.setdefault(bucket, [])
            window.append(el)
            if len(window) == self._batch_sizes[bucket]:
                del windows[bucket]
                yield self._batch(bucket, window)
        for bucket in sorted(windows):
            if not self._drop:
                yield self._batch(bucket, windows[bucket])


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes=None,
                              padding_values=None, pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """Batches elements of similar length: bucket i holds lengths in [boundaries[i-1],
    boundaries[i]) and is batched by bucket_batch_sizes[i], padded to its longest element (or to
    boundary - 1 with pad_to_bucket_boundary)."""
    if len(bucket_batch_sizes) != len(bucket_boundaries) + 1:
        raise ValueError("len(bucket_batch_sizes) must equal len(bucket_boundaries) + 1")

    def apply(dataset):
        return _BucketBySequenceLengthDataset(dataset, element_length_func, bucket_boundaries, bucket_batch_sizes,
                                              padded_shapes, padding_values, pad_to_bucket_boundary, no_padding,
                                              drop_remainder)
    return apply


class Reducer:
    """tf.data.experimental.Reducer: `init_func(key) -> state`, `reduce_func(state, element) -> state`,
    `finalize_func(state) -> output`."""

    def __init__(self, init_func, reduce_func, finalize_func):
        self._init_func = init_func
        self._reduce_func = reduce_func
        self._finalize_func = finalize_func

    @property
    def init_func(self):
        return self._init_func

    @property
    def reduce_func(self):
        return self._reduce_func

    @property
    def finalize_func(self):
        return self._finalize_func


class _GroupByReducerDataset(DatasetV1):
    """TF's GroupByReducerDataset: the whole input is reduced per key (the state of a key starts as
    `init_func(key)`); then one element per key, `finalize_func(state)`, in increasing key order
    (TF's std::map). A failed input element or reduce call is passed on when met (that key's state is
    unchanged); the rest of the input is still reduced."""

    def __init__(self, input_ds, key_func, reducer):
        from compat_tf._src.data.function import TracedFunction
        from compat_tf._src.data.scan_ops import trace_state_function
        self._input = input_ds
        self._key_fn = TracedFunction(key_func, input_ds._spec, "map", "key_func")
        if not _is_int64_scalar(self._key_fn.output_spec):
            raise ValueError("`key_func` must return a single tf.int64 scalar tensor.")
        key_spec = structure.Spec(_dtypes.int64, [])
        self._init_fn = TracedFunction(reducer.init_func, key_spec, "map", "init_func")
        self._reduce_fn, state_spec, _ = trace_state_function(
            reducer.reduce_func, self._init_fn.output_spec, input_ds._spec, "reduce_func", with_output=False)
        self._n_state = len(structure.flatten(state_spec))
        self._finalize_fn = TracedFunction(reducer.finalize_func, state_spec, "map", "finalize_func")
        self._spec = self._finalize_fn.output_spec

    def _children(self):
        return [self._input]

    def _functions(self):
        return [self._key_fn, self._init_fn, self._reduce_fn, self._finalize_fn]

    def _iterate(self, ictx):
        states = {}
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            try:
                key = int(self._key_fn.call(ictx, el)[0])
                if key not in states:
                    states[key] = tuple(self._init_fn.call(ictx, (np.int64(key),)))
                states[key] = tuple(self._reduce_fn.call(ictx, states[key] + tuple(el))[:self._n_state])
            except errors.OpError as e:
                yield ElementError(e)
        for key in sorted(states):
            try:
                yield tuple(self._finalize_fn.call(ictx, states[key]))
            except errors.OpError as e:
                yield ElementError(e)


def group_by_reducer(key_func, reducer):
    """Dataset.apply(group_by_reducer(key_func, reducer)): one reduced element per key."""
    def apply(dataset):
        return _GroupByReducerDataset(dataset, key_func, reducer)
    return apply
