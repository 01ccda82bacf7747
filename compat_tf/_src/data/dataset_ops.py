"""tf.data.Dataset for TF1 graphs (TF 1.15's DatasetV1 API).

A Dataset is a Python object describing a pipeline: its element spec (nested
structure of dtype + static shape, as TF1's output_types/output_shapes), its
inputs (other datasets), its parameters (build-time constants or graph tensors
evaluated when an iterator is initialised), and its traced functions. An
iterator (iterator_ops.py) turns it into a Python generator of elements when
initialised; `get_next` is a host op pulling one element as NumPy arrays.

Elements travel as tuples of NumPy arrays (the flattened structure).
`from_tensor_slices -> shuffle/repeat/take/skip -> batch` runs on index arrays
(an "index source"): a batch is one fancy-index gather per component, with no
per-element Python work.

An element whose computation fails travels as an ElementError (element_error.py): get_next raises
its TF1 error and the next get_next goes on, each transformation treating it as TF1's kernel treats
an error from its input (see their `_iterate`); `ignore_errors` drops it.

Deviations from TF1: everything runs synchronously in the caller's thread
(`prefetch`, `num_parallel_calls`, `num_parallel_reads` are accepted and only
affect order where TF1's deterministic order would); a seeded shuffle gives TF's
order exactly (shuffle_buffer.py: TF's buffer algorithm and Philox numbers);
`cache(filename)` writes TF's file cache (file_cache.py).
"""
import collections
import glob as _glob
import itertools
import os

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.data import structure
from compat_tf._src.data import shuffle_buffer
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.data.options import Options
from compat_tf._src.data.structure import Spec

AUTOTUNE = -1


class IterContext:
    """What an iteration sees: the session, the values of the run-time tensors, per-node state."""
    __slots__ = ("session", "env", "state")

    def __init__(self, session, env):
        self.session = session
        self.env = env
        self.state = {}

    def child(self, env):
        merged = dict(self.env)
        merged.update(env)
        return IterContext(self.session, merged)


class _Param:
    """A dataset argument: a build-time value, or a tensor evaluated at initialisation."""
    __slots__ = ("tensor", "value")

    def __init__(self, tensor=None, value=None):
        self.tensor = tensor
        self.value = value

    def get(self, ictx):
        return ictx.env[self.tensor] if self.tensor is not None else self.value


def _param(x, dtype=None, what="argument"):
    from compat_tf._src.ops import constant as _constant
    if not isinstance(x, Tensor) and (hasattr(x, "_as_graph_element") or _constant._contains_tensor(x)):
        x = _constant.convert_to_tensor(x, dtype=dtype)
    if isinstance(x, Tensor) and hasattr(x, "numpy"):      # an eager tensor: its value is known now
        if dtype is not None and x.dtype.base_dtype != dtype:
            raise TypeError(f"{what} must be a {dtype.name} tensor, got {x.dtype.base_dtype.name}")
        return _Param(value=structure.as_numpy(x.numpy(), x.dtype.base_dtype))
    if isinstance(x, Tensor):
        if dtype is not None and x.dtype.base_dtype != dtype:
            raise TypeError(f"{what} must be a {dtype.name} tensor, got {x.dtype.base_dtype.name}")
        v = shape_inference.constant_value(x)
        if v is not None:
            return _Param(value=structure.as_numpy(v, x.dtype.base_dtype))
        return _Param(tensor=x)
    if dtype is not None:
        return _Param(value=structure.as_numpy(x, dtype))
    return _Param(value=structure.numpy_value(x)[0])


def _int_param(x, what):
    if isinstance(x, Tensor):
        if not x.dtype.base_dtype.is_integer:
            raise TypeError(f"{what} must be an integer tensor, got {x.dtype.base_dtype.name}")
        return _param(x, what=what)
    return _Param(value=np.int64(x))


def _static_int(p):
    """The build-time value of an int _Param, else None."""
    return None if p.tensor is not None else int(p.value)


def _leaf_param(v):
    """A from_tensors/from_tensor_slices leaf: (_Param, DType, TensorShape)."""
    if hasattr(v, "indices") and hasattr(v, "dense_shape") and not isinstance(v, Tensor):
        raise NotImplementedError("SparseTensor components of tf.data elements are not supported by "
                                  "compat_tf")
    from compat_tf._src.ops import constant as _constant
    if not isinstance(v, Tensor) and (hasattr(v, "_as_graph_element") or _constant._contains_tensor(v)):
        v = _constant.convert_to_tensor(v)
    if isinstance(v, Tensor):
        return _param(v), v.dtype.base_dtype, v.shape
    arr, dt = structure.numpy_value(v)
    return _Param(value=arr), dt, _ts.TensorShape(arr.shape)


def _get_seed(seed):
    from compat_tf._src.ops import random_ops
    s1, s2 = random_ops.get_seed(seed)
    return None if s1 is None else (int(s1), int(s2))


def _rng(seeds, epoch):
    if seeds is None:
        return np.random.default_rng()
    return np.random.default_rng([seeds[0], seeds[1], epoch])


# ---------------------------------------------------------------------------------------------
# index sources: from_tensor_slices -> shuffle / repeat / take / skip, consumed by batch
# ---------------------------------------------------------------------------------------------

def _elements_from_index(arrays, chunks):
    for idx in chunks:
        for i in idx.tolist():
            yield tuple(a[i] for a in arrays)


def _shuffle_chunks(chunks, buffer_size, stream):
    """TF's shuffle buffer (shuffle_buffer.py) over a stream of index chunks, as index chunks."""
    order = shuffle_buffer.shuffled(lambda: (i for c in chunks for i in c.tolist()), buffer_size, stream)
    while True:
        part = list(itertools.islice(order, 4096))
        if not part:
            return
        yield np.asarray(part, dtype=np.int64)


def _take_chunks(chunks, n):
    if n < 0:
        yield from chunks
        return
    left = n
    for c in chunks:
        if left <= 0:
            return
        if len(c) >= left:
            yield c[:left]
            return
        left -= len(c)
        yield c


def _skip_chunks(chunks, n):
    if n < 0:
        for _ in chunks:
            pass
        return
    left = n
    for c in chunks:
        if left > 0:
            if len(c) <= left:
                left -= len(c)
                continue
            c = c[left:]
            left = 0
        yield c


def _batch_from_index(arrays, chunks, batch_size, drop_remainder):
    pending = None
    for c in chunks:
        if pending is not None and len(pending):
            c = np.concatenate([pending, c])
            pending = None
        start, n = 0, len(c)
        while n - start >= batch_size:
            idx = c[start:start + batch_size]
            start += batch_size
            yield tuple(a[idx] for a in arrays)
        if start < n:
            pending = c[start:]
    if pending is not None and len(pending) and not drop_remainder:
        yield tuple(a[pending] for a in arrays)


# ---------------------------------------------------------------------------------------------
# Dataset
# ---------------------------------------------------------------------------------------------

class DatasetV1(structure.HasElementSpec):
    """TF1's tf.data.Dataset (graph mode): a description of an input pipeline."""

    _spec = None

    # -- internals -------------------------------------------------------------------------
    def _children(self):
        return []

    def _params(self):
        return []

    def _functions(self):
        return []

    def _tensor_inputs(self):
        """The graph tensors whose values the pipeline needs, evaluated at initialisation."""
        out, seen = [], set()

        def add(t):
            if t not in seen:
                seen.add(t)
                out.append(t)
        for p in self._params():
            if p.tensor is not None:
                add(p.tensor)
        for f in self._functions():
            for t in f.captures:
                add(t)
        for c in self._children():
            for t in c._tensor_inputs():
                add(t)
        return out

    def _iterate(self, ictx):
        """A Python iterator of elements (tuples of NumPy arrays, flattened structure)."""
        src = self._index_source(ictx)
        if src is None:
            raise NotImplementedError(type(self).__name__)
        return _elements_from_index(*src)

    def _index_source(self, ictx):
        """(arrays, index chunks) when the elements are rows of in-memory arrays, else None."""
        return None

    def __iter__(self):
        from compat_tf._src.eager import context, data
        if not context.executing_eagerly():
            raise RuntimeError("dataset.__iter__() is only supported when eager execution is enabled.")
        return data.Iterator(self)

    def __repr__(self):
        return f"<{type(self).__name__} shapes: {self.output_shapes}, types: {self.output_types}>"

    # -- sources ----------------------------------------------------------------------------
    @staticmethod
    def from_tensors(tensors):
        """A dataset with a single element, `tensors`."""
        return TensorDataset(tensors)

    @staticmethod
    def from_tensor_slices(tensors):
        """A dataset whose elements are slices of `tensors` along their first dimension."""
        return TensorSliceDataset(tensors)

    @staticmethod
    def from_sparse_tensor_slices(sparse_tensor):
        raise NotImplementedError("tf.data.Dataset.from_sparse_tensor_slices is not supported by compat_tf")

    @staticmethod
    def from_generator(generator, output_types, output_shapes=None, args=None):
        """Elements produced by the Python generator `generator()` (called per iteration)."""
        return GeneratorDataset(generator, output_types, output_shapes, args)

    @staticmethod
    def range(*args):
        """Dataset.range(stop) / (start, stop) / (start, stop, step): int64 scalars."""
        return RangeDataset(*args)

    @staticmethod
    def zip(datasets):
        """Elements zipped from a (nested) tuple or dict of datasets."""
        return ZipDataset(datasets)

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None):
        """The files matching `file_pattern` (a glob or list of globs); shuffled unless shuffle=False."""
        return ListFilesDataset(file_pattern, shuffle, seed)

    # -- transformations --------------------------------------------------------------------
    def concatenate(self, dataset):
        return ConcatenateDataset(self, dataset)

    def map(self, map_func, num_parallel_calls=None):
        return MapDataset(self, map_func)

    def map_with_legacy_function(self, map_func, num_parallel_calls=None):
        return MapDataset(self, map_func)

    def flat_map(self, map_func):
        return FlatMapDataset(self, map_func)

    def interleave(self, map_func, cycle_length=AUTOTUNE, block_length=1, num_parallel_calls=None):
        return InterleaveDataset(self, map_func, cycle_length, block_length)

    def filter(self, predicate):
        return FilterDataset(self, predicate)

    def filter_with_legacy_function(self, predicate):
        return FilterDataset(self, predicate)

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration=None):
        return ShuffleDataset(self, buffer_size, seed, reshuffle_each_iteration)

    def repeat(self, count=None):
        return RepeatDataset(self, count)

    def batch(self, batch_size, drop_remainder=False):
        return BatchDataset(self, batch_size, drop_remainder)

    def padded_batch(self, batch_size, padded_shapes, padding_values=None, drop_remainder=False):
        return PaddedBatchDataset(self, batch_size, padded_shapes, padding_values, drop_remainder)

    def prefetch(self, buffer_size):
        return PrefetchDataset(self, buffer_size)

    def take(self, count):
        return TakeDataset(self, count)

    def skip(self, count):
        return SkipDataset(self, count)

    def shard(self, num_shards, index):
        return ShardDataset(self, num_shards, index)

    def cache(self, filename=""):
        """The elements, cached by the first complete iteration: in memory (filename ""), or in TF's
        cache files FILENAME.index / FILENAME.data-00000-of-00001, which later iterations in any
        process read instead of the input (file_cache.py)."""
        return CacheDataset(self, filename)

    def apply(self, transformation_func):
        """`transformation_func(self)`, which must return a Dataset."""
        out = transformation_func(self)
        if not isinstance(out, DatasetV1):
            raise TypeError("`transformation_func` must return a Dataset. Got {}.".format(out))
        return out

    def unbatch(self):
        return UnbatchDataset(self)

    def with_options(self, options):
        """This dataset with `options` merged into its inputs' options (TF's _OptionsDataset)."""
        if not isinstance(options, Options):
            raise TypeError(f"options must be a tf.data.Options, got {type(options).__name__}")
        return OptionsDataset(self, options)

    def options(self):
        """The options of this dataset: those of its inputs merged (see options.py)."""
        out = Options()
        for child in self._children():
            out = out.merge(child.options())
        return out

    # -- iterators --------------------------------------------------------------------------
    def make_one_shot_iterator(self):
        """An iterator initialised on first use (the dataset may not capture placeholders)."""
        from compat_tf._src.eager import context, data
        if context.executing_eagerly():
            return data.Iterator(self)      # TF 1.15: an eager IteratorV2
        from compat_tf._src.data import iterator_ops
        return iterator_ops.Iterator._one_shot(self)

    def make_initializable_iterator(self, shared_name=None):
        """An iterator with an `initializer` op (run it, feeding any placeholders the dataset uses)."""
        from compat_tf._src.eager import context
        if context.executing_eagerly():
            raise RuntimeError("dataset.make_initializable_iterator is not supported when eager execution is "
                               "enabled. Use `for element in dataset` instead.")
        from compat_tf._src.data import iterator_ops
        return iterator_ops.Iterator._initializable(self, shared_name)


Dataset = DatasetV1


# ---------------------------------------------------------------------------------------------
# sources
# ---------------------------------------------------------------------------------------------

class TensorDataset(DatasetV1):
    def __init__(self, tensors):
        leaves = structure.flatten(tensors)
        info = [_leaf_param(v) for v in leaves]
        self._p = [i[0] for i in info]
        self._spec = structure.pack_as(tensors, [Spec(dt, shp) for _, dt, shp in info])

    def _params(self):
        return self._p

    def _iterate(self, ictx):
        yield tuple(p.get(ictx) for p in self._p)


class TensorSliceDataset(DatasetV1):
    def __init__(self, tensors):
        leaves = structure.flatten(tensors)
        if not leaves:
            raise ValueError("Expected at least one tensor in from_tensor_slices().")
        info = [_leaf_param(v) for v in leaves]
        self._p = [i[0] for i in info]
        first = None
        specs = []
        for _, dt, shp in info:
            if shp.ndims == 0:
                raise ValueError("Unbatching a tensor is only supported for rank >= 1")
            if shp.ndims is not None:
                d0 = _ts.dimension_value(shp[0])
                if first is not None and d0 is not None and first != d0:
                    raise ValueError(f"Dimensions {first} and {d0} are not compatible")
                first = d0 if first is None else first
                specs.append(Spec(dt, shp[1:]))
            else:
                specs.append(Spec(dt, _ts.unknown_shape()))
        self._spec = structure.pack_as(tensors, specs)

    def _params(self):
        return self._p

    def _index_source(self, ictx):
        arrays = [np.asarray(p.get(ictx)) for p in self._p]
        n = None
        for a in arrays:
            if a.ndim == 0:
                raise errors.InvalidArgumentError(None, None,
                                                  "Unbatching a tensor is only supported for rank >= 1")
            if n is None:
                n = a.shape[0]
            elif a.shape[0] != n:
                raise errors.InvalidArgumentError(
                    None, None, f"All components must have the same size in the 0th dimension ({n} vs "
                    f"{a.shape[0]})")
        return arrays, iter([np.arange(n, dtype=np.int64)])


class RangeDataset(DatasetV1):
    def __init__(self, *args):
        if not 1 <= len(args) <= 3:
            raise ValueError("Invalid arguments to RangeDataset: " + repr(args))
        if len(args) == 1:
            args = (0, args[0], 1)
        elif len(args) == 2:
            args = (args[0], args[1], 1)
        self._p = [_int_param(a, "range argument") for a in args]
        self._spec = Spec(_dtypes.int64, [])

    def _params(self):
        return self._p

    def _iterate(self, ictx):
        start, stop, step = (int(p.get(ictx)) for p in self._p)
        if step == 0:
            raise errors.InvalidArgumentError(None, None, "step must be a non-zero integer.")
        for v in range(start, stop, step):
            yield (np.int64(v),)


class GeneratorDataset(DatasetV1):
    def __init__(self, generator, output_types, output_shapes, args):
        if not callable(generator):
            raise TypeError("`generator` must be callable.")
        types = structure.normalize_types(output_types)
        self._spec = structure.spec_from(types, output_shapes)
        self._gen = generator
        self._args = [] if args is None else [_param(a) for a in (args if isinstance(args, (tuple, list))
                                                                  else (args,))]

    def _params(self):
        return self._args

    def _iterate(self, ictx):
        """The generator's elements. An element of the wrong structure, type or shape fails alone
        (the generator goes on); an exception raised by the generator fails that element and ends
        the dataset, since a Python generator that raised is finished; a generator function that
        raises when called fails every element (TF1: the same sequences)."""
        args = [p.get(ictx) for p in self._args]
        flat_specs = structure.flatten(self._spec)
        try:
            gen = iter(self._gen(*args))
        except Exception as e:  # noqa: BLE001 - reported as TF1's py_func would
            while True:     # TF1 asks for the generator again on every get_next, failing each time
                yield ElementError(_py_error(e))
        while True:
            try:
                value = next(gen)
            except StopIteration:
                return
            except Exception as e:  # noqa: BLE001
                yield ElementError(_py_error(e))
                return
            try:
                yield self._convert(value, flat_specs)
            except errors.InvalidArgumentError as e:
                yield ElementError(e)

    def _convert(self, value, flat_specs):
        """One yielded element as a tuple of arrays (InvalidArgumentError when it does not fit)."""
        try:
            flat = _flatten_up_to(self._spec, value)
        except (TypeError, ValueError):
            raise errors.InvalidArgumentError(
                None, None, "TypeError: `generator` yielded an element that did not match the expected "
                f"structure. The expected structure was {structure.types_of(self._spec)}, but the yielded "
                f"element was {value}.") from None
        out = []
        for v, s in zip(flat, flat_specs):
            try:
                arr = structure.as_numpy(v, s.dtype)
            except (TypeError, ValueError):
                raise errors.InvalidArgumentError(
                    None, None, "TypeError: `generator` yielded an element that could not be converted to "
                    f"the expected type. The expected type was {s.dtype.name}, but the yielded element "
                    f"was {v}.") from None
            if not s.shape.is_compatible_with(arr.shape):
                raise errors.InvalidArgumentError(
                    None, None, f"`generator` yielded an element of shape {arr.shape} where an element "
                    f"of shape {tuple(s.shape.as_list()) if s.shape.ndims is not None else None} "
                    "was expected.")
            out.append(arr)
        return tuple(out)


def _py_error(e):
    """A Python exception from a generator as the TF1 error py_func gives it (ValueError ->
    InvalidArgumentError, MemoryError -> ResourceExhaustedError, ...)."""
    from compat_tf._src.ops import script_ops
    return script_ops.convert_exception(e, None, "generator")


def _flatten_up_to(spec, value):
    if not structure.is_nested(spec):
        return [value]
    if isinstance(spec, collections.abc.Mapping):
        if not isinstance(value, collections.abc.Mapping) or set(value) != set(spec):
            raise TypeError("structure")
        out = []
        for k in sorted(spec):
            out.extend(_flatten_up_to(spec[k], value[k]))
        return out
    if not isinstance(value, (tuple, list)) or len(value) != len(spec):
        raise TypeError("structure")
    out = []
    for s, v in zip(spec, value):
        out.extend(_flatten_up_to(s, v))
    return out


class ListFilesDataset(DatasetV1):
    def __init__(self, file_pattern, shuffle, seed):
        self._pattern = _param(file_pattern, _dtypes.string) if not isinstance(file_pattern, Tensor) \
            else _param(file_pattern)
        self._shuffle = True if shuffle is None else bool(shuffle)
        self._seeds = _get_seed(seed)
        self._spec = Spec(_dtypes.string, [])

    def _params(self):
        return [self._pattern]

    def _files(self, ictx):
        patterns = [p.decode() if isinstance(p, bytes) else str(p)
                    for p in np.asarray(self._pattern.get(ictx), dtype=object).reshape(-1)]
        files = sorted({f for p in patterns for f in _glob.glob(p)})
        if not files:
            raise errors.InvalidArgumentError(
                None, None, "Expected 'tf.Tensor(False, shape=(), dtype=bool)' to be true. Summarized data: "
                f"b'No files matched pattern: ' b'{', '.join(patterns)}'")
        return files

    def _iterate(self, ictx):
        files = self._files(ictx)
        if self._shuffle:     # TF: .shuffle(buffer_size=len(files), seed=seed), reshuffled each pass
            stream = shuffle_buffer.iteration_stream(self._seeds, True, ictx.state, id(self))
            files = list(shuffle_buffer.shuffled(lambda: iter(files), len(files), stream))
        for f in files:
            yield (np.asarray(f.encode(), dtype=object),)


# ---------------------------------------------------------------------------------------------
# combining datasets
# ---------------------------------------------------------------------------------------------

class ZipDataset(DatasetV1):
    def __init__(self, datasets):
        for d in structure.flatten(datasets):
            if not isinstance(d, DatasetV1):
                raise TypeError(f"The argument to `Dataset.zip()` must be a (nested) structure of "
                                f"`Dataset` objects, got {type(d).__name__}.")
        self._datasets = structure.flatten(datasets)
        self._spec = structure.map_structure(lambda d: d._spec, datasets)
        # the spec of each leaf dataset may itself be nested: re-pack as a structure of specs
        self._spec = structure.pack_as(datasets, [d._spec for d in self._datasets])

    def _children(self):
        return self._datasets

    def _iterate(self, ictx):
        """An element from every input; a failed component fails the element, and the other inputs
        still advance, so the components stay in step (TF's ZipDataset)."""
        its = [d._iterate(ictx) for d in self._datasets]
        while True:
            out, failed = [], None
            for it in its:
                try:
                    el = next(it)
                except StopIteration:
                    if failed is not None:
                        yield failed
                    return
                if is_error(el):
                    failed = failed or el
                elif failed is None:
                    out.extend(el)
            yield failed or tuple(out)


class ConcatenateDataset(DatasetV1):
    def __init__(self, a, b):
        ta, tb = a.output_types, b.output_types
        if not structure.same_structure(ta, tb) or structure.flatten(ta) != structure.flatten(tb):
            raise TypeError(f"Two datasets to concatenate have different types {ta} and {tb}")
        self._a, self._b = a, b
        self._spec = structure.map_structure(
            lambda x, y: Spec(x.dtype, structure.most_specific_compatible(x.shape, y.shape)),
            a._spec, b._spec)

    def _children(self):
        return [self._a, self._b]

    def _iterate(self, ictx):
        yield from self._a._iterate(ictx)
        yield from self._b._iterate(ictx)


# ---------------------------------------------------------------------------------------------
# functions
# ---------------------------------------------------------------------------------------------

class MapDataset(DatasetV1):
    def __init__(self, input_ds, fn):
        from compat_tf._src.data.function import TracedFunction
        self._input = input_ds
        self._fn = TracedFunction(fn, input_ds._spec, "map", "map")
        self._spec = self._fn.output_spec

    def _children(self):
        return [self._input]

    def _functions(self):
        return [self._fn]

    def _iterate(self, ictx):
        """The function of each element. An error in it fails that element only; OutOfRangeError
        (a py_func raising StopIteration) ends the dataset (TF1's MapDataset)."""
        fn = self._fn
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            try:
                out = fn.call(ictx, el)
            except errors.OutOfRangeError:
                return
            except errors.OpError as e:
                yield ElementError(e)
                continue
            yield tuple(out)


class FilterDataset(DatasetV1):
    def __init__(self, input_ds, predicate):
        from compat_tf._src.data.function import TracedFunction
        self._input = input_ds
        self._fn = TracedFunction(predicate, input_ds._spec, "map", "filter")
        outs = self._fn.output_tensors
        if len(outs) != 1 or outs[0].dtype.base_dtype != _dtypes.bool or \
                not outs[0].shape.is_compatible_with([]):
            raise ValueError("`predicate` return type must be convertible to a scalar boolean tensor. Was "
                             f"{self._fn.output_spec}.")
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _functions(self):
        return [self._fn]

    def _iterate(self, ictx):
        fn = self._fn
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            try:
                keep = bool(np.asarray(fn.call(ictx, el)[0]))
            except errors.OpError as e:
                yield ElementError(e)
                continue
            if keep:
                yield el


class FlatMapDataset(DatasetV1):
    def __init__(self, input_ds, fn):
        from compat_tf._src.data.function import TracedFunction
        self._input = input_ds
        self._fn = TracedFunction(fn, input_ds._spec, "dataset", "flat_map")
        self._spec = self._fn.output_spec

    def _children(self):
        return [self._input]

    def _functions(self):
        return [self._fn]

    def _iterate(self, ictx):
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            try:
                ds, sub = self._fn.call_dataset(ictx, el)
                inner = ds._iterate(sub)
            except errors.OpError as e:
                yield ElementError(e)
                continue
            yield from inner


class InterleaveDataset(DatasetV1):
    def __init__(self, input_ds, fn, cycle_length, block_length):
        from compat_tf._src.data.function import TracedFunction
        self._input = input_ds
        self._fn = TracedFunction(fn, input_ds._spec, "dataset", "interleave")
        self._spec = self._fn.output_spec
        self._cycle = _int_param(cycle_length, "cycle_length")
        self._block = _int_param(block_length, "block_length")

    def _children(self):
        return [self._input]

    def _functions(self):
        return [self._fn]

    def _params(self):
        return [self._cycle, self._block]

    def _iterate(self, ictx):
        cycle = int(self._cycle.get(ictx))
        block = int(self._block.get(ictx))
        if cycle == AUTOTUNE:
            cycle = os.cpu_count() or 1
        if cycle <= 0:
            raise errors.InvalidArgumentError(None, None, "cycle_length must be greater than zero.")
        if block <= 0:
            raise errors.InvalidArgumentError(None, None, "block_length must be greater than zero.")

        def open_element(el):
            ds, sub = self._fn.call_dataset(ictx, el)
            return ds._iterate(sub)
        return interleave_iterators(self._input._iterate(ictx), open_element, cycle, block)


def interleave_iterators(inputs, open_fn, cycle_length, block_length):
    """TF's InterleaveDataset order: `cycle_length` open iterators, `block_length` from each in turn.

    Errors as TF's kernel: a failed sub-element is passed on without moving the position; a
    failed input element, or an error opening its iterator, is passed on and the slot stays
    empty (the next input element fills it).
    """
    slots = [None] * cycle_length
    index = block_index = num_open = 0
    end_of_input = False
    while not end_of_input or num_open > 0:
        cur = slots[index]
        if cur is not None:
            try:
                el = next(cur)
            except StopIteration:
                slots[index] = None
                num_open -= 1
                index, block_index = (index + 1) % cycle_length, 0
                continue
            if not is_error(el):
                block_index += 1
                if block_index == block_length:
                    index, block_index = (index + 1) % cycle_length, 0
            yield el
        elif not end_of_input:
            try:
                item = next(inputs)
            except StopIteration:
                end_of_input = True
                continue
            if is_error(item):
                yield item
                continue
            try:
                slots[index] = open_fn(item)
            except errors.OpError as e:
                yield ElementError(e)
                continue
            num_open += 1
        else:
            index, block_index = (index + 1) % cycle_length, 0


# ---------------------------------------------------------------------------------------------
# reordering, repeating, slicing
# ---------------------------------------------------------------------------------------------

class ShuffleDataset(DatasetV1):
    def __init__(self, input_ds, buffer_size, seed, reshuffle_each_iteration):
        self._input = input_ds
        self._buffer = _int_param(buffer_size, "buffer_size")
        self._seeds = _get_seed(seed)
        self._reshuffle = True if reshuffle_each_iteration is None else bool(reshuffle_each_iteration)
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._buffer]

    def _next_stream(self, ictx):
        buffer_size = int(self._buffer.get(ictx))
        if buffer_size <= 0:
            raise errors.InvalidArgumentError(None, None, "buffer_size must be greater than zero.")
        return buffer_size, shuffle_buffer.iteration_stream(self._seeds, self._reshuffle, ictx.state, id(self))

    def _index_source(self, ictx):
        src = self._input._index_source(ictx)
        if src is None:
            return None
        arrays, chunks = src
        buffer_size, stream = self._next_stream(ictx)
        return arrays, _shuffle_chunks(chunks, buffer_size, stream)

    def _iterate(self, ictx):
        src = self._index_source(ictx)
        if src is not None:
            return _elements_from_index(*src)
        buffer_size, stream = self._next_stream(ictx)
        return shuffle_buffer.shuffled(lambda: self._input._iterate(ictx), buffer_size, stream)


class RepeatDataset(DatasetV1):
    def __init__(self, input_ds, count):
        self._input = input_ds
        self._count = _int_param(-1 if count is None else count, "count")
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._count]

    def _epochs(self, ictx):
        count = int(self._count.get(ictx))
        return itertools.count() if count < 0 else range(count)

    def _index_source(self, ictx):
        first = self._input._index_source(ictx)
        if first is None:
            return None
        count = int(self._count.get(ictx))

        def chunks():
            epoch_src = first
            for e in (itertools.count() if count < 0 else range(count)):
                if e > 0:
                    epoch_src = self._input._index_source(ictx)
                got = False
                for c in epoch_src[1]:
                    got = got or len(c) > 0
                    yield c
                if not got:      # an empty input repeated forever is empty
                    return
        if count == 0:
            return first[0], iter(())
        return first[0], chunks()

    def _iterate(self, ictx):
        src = self._index_source(ictx)
        if src is not None:
            return _elements_from_index(*src)
        return self._iterate_elements(ictx)

    def _iterate_elements(self, ictx):
        for _ in self._epochs(ictx):
            got = False
            for el in self._input._iterate(ictx):
                got = True
                yield el
            if not got:
                return


class TakeDataset(DatasetV1):
    def __init__(self, input_ds, count):
        self._input = input_ds
        self._count = _int_param(count, "count")
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._count]

    def _index_source(self, ictx):
        src = self._input._index_source(ictx)
        if src is None:
            return None
        return src[0], _take_chunks(src[1], int(self._count.get(ictx)))

    def _iterate(self, ictx):
        src = self._index_source(ictx)
        if src is not None:
            return _elements_from_index(*src)
        n = int(self._count.get(ictx))
        it = self._input._iterate(ictx)
        return it if n < 0 else _take_elements(it, n)


def _take_elements(it, n):
    """The first n elements of `it`; failed elements are passed on and not counted (TF1)."""
    if n == 0:
        return
    for el in it:
        yield el
        if not is_error(el):
            n -= 1
            if n == 0:
                return


class SkipDataset(DatasetV1):
    def __init__(self, input_ds, count):
        self._input = input_ds
        self._count = _int_param(count, "count")
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._count]

    def _index_source(self, ictx):
        src = self._input._index_source(ictx)
        if src is None:
            return None
        return src[0], _skip_chunks(src[1], int(self._count.get(ictx)))

    def _iterate(self, ictx):
        src = self._index_source(ictx)
        if src is not None:
            return _elements_from_index(*src)
        return self._skip(ictx)

    def _skip(self, ictx):
        """Drops n elements; a failed element met while skipping is passed on and not counted
        (TF 1.15's SkipDataset calls GetNext n times, returning an error as it comes)."""
        n = int(self._count.get(ictx))
        it = self._input._iterate(ictx)
        for el in it:
            if is_error(el):
                yield el
            elif n == 0:
                yield el
                break
            else:
                n -= 1
        yield from it


class ShardDataset(DatasetV1):
    def __init__(self, input_ds, num_shards, index):
        self._input = input_ds
        self._n = _int_param(num_shards, "num_shards")
        self._i = _int_param(index, "index")
        n, i = _static_int(self._n), _static_int(self._i)
        if n is not None and n <= 0:
            raise ValueError("num_shards must be greater than zero.")
        if n is not None and i is not None and not 0 <= i < n:
            raise ValueError("index must be between 0 and num_shards - 1.")
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._n, self._i]

    def _iterate(self, ictx):
        """Every n-th element from the i-th; failed elements are passed on and not counted (TF1)."""
        n, i = int(self._n.get(ictx)), int(self._i.get(ictx))
        pos = 0
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            if pos % n == i:
                yield el
            pos += 1


class PrefetchDataset(DatasetV1):
    def __init__(self, input_ds, buffer_size):
        self._input = input_ds
        self._buffer = _int_param(buffer_size, "buffer_size")
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._buffer]

    def _index_source(self, ictx):
        return self._input._index_source(ictx)

    def _iterate(self, ictx):
        return self._input._iterate(ictx)


class CacheDataset(DatasetV1):
    def __init__(self, input_ds, filename):
        self._input = input_ds
        self._filename = _param(filename, _dtypes.string)
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._filename]

    def _iterate(self, ictx):
        """filename "": TF's MemoryDataset (below); a filename: TF's FileDataset (file_cache.py)."""
        filename = self._filename.get(ictx)
        filename = filename.item() if isinstance(filename, np.ndarray) else filename
        filename = filename.decode() if isinstance(filename, bytes) else str(filename)
        if filename:
            from compat_tf._src.data import file_cache
            return file_cache.iterate(self._input, filename, ictx, structure.flatten(self._spec))
        return self._iterate_memory(ictx)

    def _iterate_memory(self, ictx):
        key = ("cache", id(self))
        cached = ictx.state.get(key)
        if cached is not None:
            yield from cached
            return
        got = []
        for el in self._input._iterate(ictx):
            if not is_error(el):     # TF's memory cache records only the elements it produced
                got.append(el)
            yield el
        ictx.state[key] = got


class OptionsDataset(DatasetV1):
    """Dataset.with_options: the input unchanged, with options (compat_tf tunes nothing)."""

    def __init__(self, input_ds, options):
        self._input = input_ds
        self._options = input_ds.options().merge(options)
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def options(self):
        return self._options

    def _index_source(self, ictx):
        return self._input._index_source(ictx)

    def _iterate(self, ictx):
        return self._input._iterate(ictx)


class IgnoreErrorsDataset(DatasetV1):
    """tf.data.experimental.ignore_errors(): the input's elements without the failed ones."""

    def __init__(self, input_ds):
        self._input = input_ds
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _index_source(self, ictx):
        return self._input._index_source(ictx)     # in-memory rows never fail

    def _iterate(self, ictx):
        return (el for el in self._input._iterate(ictx) if not is_error(el))


# ---------------------------------------------------------------------------------------------
# batching
# ---------------------------------------------------------------------------------------------

def _batch_dim(batch_param, drop_remainder):
    n = _static_int(batch_param)
    return n if (drop_remainder and n is not None) else None


def _stack(values, component):
    first = values[0]
    shp = np.shape(first)
    for i, v in enumerate(values[1:], 1):
        if np.shape(v) != shp:
            raise errors.InvalidArgumentError(
                None, None, f"Cannot batch tensors with different shapes in component {component}. First "
                f"element had shape [{','.join(map(str, shp))}] and element {i} had shape "
                f"[{','.join(map(str, np.shape(v)))}].")
    if isinstance(first, np.ndarray) and first.dtype == object or isinstance(first, (bytes, str)):
        return np.stack([np.asarray(v, dtype=object) for v in values])
    return np.stack(values)


def _gather(it, bs, fused=False):
    """Up to bs elements of `it` for one batch, and the ElementError that fails the batch (or None).

    Unfused, gathering stops at a failed element; fused, all bs elements are pulled first.
    """
    items, failed = [], None
    while len(items) < bs:
        el = next(it, None)
        if el is None:
            break
        if is_error(el):
            if not fused:
                return items, el
            failed = failed or el
            bs -= 1
            continue
        items.append(el)
    return items, failed


class BatchDataset(DatasetV1):
    def __init__(self, input_ds, batch_size, drop_remainder=False):
        self._input = input_ds
        self._batch = _int_param(batch_size, "batch_size")
        if _static_int(self._batch) is not None and _static_int(self._batch) <= 0:
            raise ValueError("batch_size must be greater than zero.")
        self._drop = bool(drop_remainder)
        dim = _batch_dim(self._batch, self._drop)
        self._spec = structure.map_structure(
            lambda s: Spec(s.dtype, _ts.TensorShape([dim]).concatenate(s.shape)), input_ds._spec)

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._batch]

    def _iterate(self, ictx):
        bs = int(self._batch.get(ictx))
        if bs <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        src = self._input._index_source(ictx)
        if src is not None:
            return _batch_from_index(src[0], src[1], bs, self._drop)
        fused = isinstance(self._input, MapDataset)
        return self._batch_elements(self._input._iterate(ictx), bs, fused)

    def _batch_elements(self, it, bs, fused):
        """Batches of bs elements. A failed element fails its batch. Unfused (TF's BatchDataset),
        the error is returned as soon as it is pulled and the elements gathered so far are dropped;
        a batch right after a map is TF1's fused MapAndBatch (map_and_batch_fusion, on by
        default), which gathers all bs elements and then fails the batch with the first error."""
        while True:
            items, failed = _gather(it, bs, fused)
            if failed is not None:
                yield failed
                continue
            if not items or (len(items) < bs and self._drop):
                return
            try:
                yield tuple(_stack([el[c] for el in items], c) for c in range(len(items[0])))
            except errors.InvalidArgumentError as e:
                yield ElementError(e)
            if len(items) < bs:
                return


class PaddedBatchDataset(DatasetV1):
    def __init__(self, input_ds, batch_size, padded_shapes, padding_values, drop_remainder=False):
        self._input = input_ds
        self._batch = _int_param(batch_size, "batch_size")
        self._drop = bool(drop_remainder)
        spec = input_ds._spec
        shapes = _shapes_up_to(spec, padded_shapes)
        flat_specs = structure.flatten(spec)
        flat_shapes = structure.flatten(shapes)
        for s, p in zip(flat_specs, flat_shapes):
            if s.shape.ndims is not None and p.ndims is not None and s.shape.ndims != p.ndims:
                raise ValueError(f"The padded shape {p} is not compatible with the corresponding input "
                                 f"component shape {s.shape}.")
            if not p.is_compatible_with(s.shape) and p.ndims is not None:
                # a known padded dim smaller than a known element dim
                for dp, ds in zip(p.as_list(), s.shape.as_list()):
                    if dp is not None and ds is not None and dp < ds:
                        raise ValueError(f"The padded shape {p} is not compatible with the corresponding "
                                         f"input component shape {s.shape}.")
        self._padded = flat_shapes
        if padding_values is None:
            pads = [_Param(value=structure.as_numpy(b"" if s.dtype == _dtypes.string else 0, s.dtype))
                    for s in flat_specs]
        else:
            pv = _values_up_to(spec, padding_values)
            pads = []
            for v, s in zip(pv, flat_specs):
                p = _param(v, s.dtype if not isinstance(v, Tensor) else None)
                if isinstance(v, Tensor) and v.dtype.base_dtype != s.dtype:
                    raise TypeError(f"Padding value type {v.dtype.base_dtype.name} does not match the "
                                    f"component type {s.dtype.name}")
                pads.append(p)
        self._pads = pads
        dim = _batch_dim(self._batch, self._drop)
        self._spec = structure.pack_as(spec, [
            Spec(s.dtype, _ts.TensorShape([dim]).concatenate(p)) for s, p in zip(flat_specs, flat_shapes)])

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._batch] + self._pads

    def _iterate(self, ictx):
        bs = int(self._batch.get(ictx))
        if bs <= 0:
            raise errors.InvalidArgumentError(None, None, "Batch size must be greater than zero.")
        pads = [np.asarray(p.get(ictx)) for p in self._pads]
        for pv in pads:
            if pv.ndim != 0:
                raise errors.InvalidArgumentError(None, None, "Padding value must be a scalar")
        it = self._input._iterate(ictx)
        while True:
            items, failed = _gather(it, bs)
            if failed is not None:      # TF's PaddedBatchDataset returns the error at once
                yield failed
                continue
            if not items or (len(items) < bs and self._drop):
                return
            try:
                yield self._pad_batch(items, pads)
            except errors.InvalidArgumentError as e:
                yield ElementError(e)
            if len(items) < bs:
                return

    def _pad_batch(self, items, pads):
        """One padded batch of `items` (InvalidArgumentError when an element does not fit)."""
        out = []
        for c, (pshape, pv) in enumerate(zip(self._padded, pads)):
            vals = [np.asarray(el[c]) for el in items]
            rank = vals[0].ndim
            for v in vals:
                if v.ndim != rank:
                    raise errors.InvalidArgumentError(
                        None, None, f"All elements in a batch must have the same rank as the padded "
                        f"shape for component{c}: expected rank {rank} but got element with rank "
                        f"{v.ndim}")
            target = []
            for d in range(rank):
                want = pshape[d] if pshape.ndims is not None else None
                want = _ts.dimension_value(want) if want is not None else None
                biggest = max(v.shape[d] for v in vals)
                if want is None or want == -1:
                    target.append(biggest)
                else:
                    if biggest > want:
                        raise errors.InvalidArgumentError(
                            None, None, "Attempted to pad to a smaller size than the input element.")
                    target.append(want)
            dtype = vals[0].dtype
            res = np.empty((len(vals),) + tuple(target), dtype=dtype)
            res[...] = pv
            for i, v in enumerate(vals):
                res[(i,) + tuple(slice(0, n) for n in v.shape)] = v
            out.append(res)
        return tuple(out)


def _shapes_up_to(spec, padded_shapes):
    """padded_shapes as a structure of TensorShapes matching `spec` (a list is one shape)."""
    if not structure.is_nested(spec):
        if isinstance(padded_shapes, Tensor):
            v = shape_inference.constant_value(padded_shapes)
            if v is None:
                raise NotImplementedError("padded_shapes computed at run time are not supported by compat_tf")
            padded_shapes = [None if d == -1 else int(d) for d in np.asarray(v).tolist()]
        if isinstance(padded_shapes, (list, tuple)):
            padded_shapes = [None if (d is not None and not isinstance(d, _ts.Dimension) and int(d) == -1)
                             else d for d in padded_shapes]
        return _ts.as_shape(padded_shapes)
    if isinstance(spec, collections.abc.Mapping):
        if not isinstance(padded_shapes, collections.abc.Mapping):
            raise TypeError(f"padded_shapes {padded_shapes!r} must match the element structure {spec}")
        return {k: _shapes_up_to(spec[k], padded_shapes[k]) for k in spec}
    if not isinstance(padded_shapes, (tuple, list)) or len(padded_shapes) != len(spec):
        raise TypeError(f"padded_shapes {padded_shapes!r} must match the element structure {spec}")
    return tuple(_shapes_up_to(s, p) for s, p in zip(spec, padded_shapes))


def _values_up_to(spec, values):
    if not structure.is_nested(spec):
        return [values]
    if isinstance(spec, collections.abc.Mapping):
        return [v for k in sorted(spec) for v in _values_up_to(spec[k], values[k])]
    if not isinstance(values, (tuple, list)) or len(values) != len(spec):
        raise TypeError(f"padding_values {values!r} must match the element structure {spec}")
    return [v for s, x in zip(spec, values) for v in _values_up_to(s, x)]


class UnbatchDataset(DatasetV1):
    def __init__(self, input_ds):
        self._input = input_ds
        self._spec = structure.map_structure(
            lambda s: Spec(s.dtype, s.shape[1:] if s.shape.ndims else _ts.unknown_shape()), input_ds._spec)

    def _children(self):
        return [self._input]

    def _iterate(self, ictx):
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            n = len(el[0]) if el else 0
            for i in range(n):
                yield tuple(c[i] for c in el)
