"""tf.data.experimental.scan / take_while / unique (TF 1.15 scan_ops.py, take_while_ops.py, unique.py).

scan: `scan_func(state, element) -> (new_state, output)` over the input, the state starting at
`initial_state`; the output elements are the `output`s. As TF's ScanDataset, the new state must
have the initial state's structure and dtypes; where its static shapes differ, the function is
traced again with the state's shapes relaxed to the most specific compatible ones. A failed input
element, or a failed call, is passed on and leaves the state as it was.

take_while: the input's elements while `predicate(element)` is true; the first false ends it.
unique: the input's elements without repeats (a single int32/int64/string component).
"""
import numpy as np

from compat_tf._src.data import cardinality, structure
from compat_tf._src.data.dataset_ops import DatasetV1, TensorDataset
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors

__all__ = ["scan", "take_while", "unique"]


def trace_state_function(fn, state_spec, arg_spec, what, with_output):
    """Traces `fn(state, arg)`, relaxing the state's shapes
    until they are a fixed point (TF's StructuredFunctionWrapper loop of scan / group_by_reducer).

    Returns (TracedFunction, relaxed state spec, output spec or None). With `with_output`, `fn`
    returns `(new_state, output)`, else the new state.
    """
    from compat_tf._src.data.function import TracedFunction
    while True:
        traced = TracedFunction(fn, (state_spec, arg_spec), "map", what)
        ret = traced.output_spec
        if with_output:
            if not (structure.is_nested(ret) and isinstance(ret, tuple) and len(ret) == 2):
                raise TypeError(f"The {what} function must return a pair comprising the new state and the "
                                "output value.")
            new_state, out_spec = ret
        else:
            new_state, out_spec = ret, None
        if not structure.same_structure(state_spec, new_state):
            raise TypeError(f"The element structure for the new state must match the initial state. Expected "
                            f"{structure.types_of(state_spec)}; got {structure.types_of(new_state)}.")
        old, new = structure.flatten(state_spec), structure.flatten(new_state)
        if [s.dtype for s in old] != [s.dtype for s in new]:
            raise TypeError(f"The element types for the new state must match the initial state. Expected "
                            f"{structure.types_of(state_spec)}; got {structure.types_of(new_state)}.")
        relaxed = [structure.most_specific_compatible(a.shape, b.shape) for a, b in zip(old, new)]
        if all(a.shape.ndims is None or (r.ndims is not None and r.as_list() == a.shape.as_list())
               for a, r in zip(old, relaxed)):
            return traced, state_spec, out_spec
        state_spec = structure.pack_as(state_spec, [structure.Spec(a.dtype, r) for a, r in zip(old, relaxed)])


@cardinality.same_as_input
class _ScanDataset(DatasetV1):
    def __init__(self, input_ds, initial_state, scan_func):
        self._input = input_ds
        self._init = TensorDataset(initial_state)
        self._fn, self._state_spec, self._spec = trace_state_function(
            scan_func, self._init._spec, input_ds._spec, "scan", with_output=True)
        self._n_state = len(structure.flatten(self._state_spec))

    def _children(self):
        return [self._input, self._init]

    def _functions(self):
        return [self._fn]

    def _iterate(self, ictx):
        state = next(self._init._iterate(ictx))
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            try:
                out = self._fn.call(ictx, tuple(state) + tuple(el))
            except errors.OpError as e:
                yield ElementError(e)
                continue
            state = tuple(out[:self._n_state])
            yield tuple(out[self._n_state:])


def scan(initial_state, scan_func):
    """Dataset.apply(scan(initial_state, scan_func)): see the module docstring."""
    def apply(dataset):
        return _ScanDataset(dataset, initial_state, scan_func)
    return apply


class _TakeWhileDataset(DatasetV1):
    def __init__(self, input_ds, predicate):
        from compat_tf._src.data.function import TracedFunction
        self._input = input_ds
        self._fn = TracedFunction(predicate, input_ds._spec, "map", "take_while")
        spec = self._fn.output_spec
        if not (isinstance(spec, structure.Spec) and spec.dtype == _dtypes.bool and
                spec.shape.is_compatible_with([])):
            raise ValueError("`predicate` must return a scalar boolean tensor.")
        self._spec = input_ds._spec

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
                keep = bool(np.asarray(self._fn.call(ictx, el)[0]))
            except errors.OpError as e:
                yield ElementError(e)
                continue
            if not keep:
                return
            yield el


def take_while(predicate):
    """Dataset.apply(take_while(predicate)): elements until `predicate` is first false."""
    def apply(dataset):
        return _TakeWhileDataset(dataset, predicate)
    return apply


_UNIQUE_TYPES = (_dtypes.int32, _dtypes.int64, _dtypes.string)


class _UniqueDataset(DatasetV1):
    def __init__(self, input_ds):
        spec = input_ds._spec
        if not isinstance(spec, structure.Spec) or spec.dtype not in _UNIQUE_TYPES:
            raise TypeError(f"DataType {structure.types_of(spec)!r} not supported for unique.")
        self._input = input_ds
        self._spec = spec

    def _children(self):
        return [self._input]

    def _iterate(self, ictx):
        seen = set()
        for el in self._input._iterate(ictx):
            if is_error(el):
                yield el
                continue
            v = np.asarray(el[0])
            key = (v.shape, tuple(v.reshape(-1).tolist()))
            if key not in seen:
                seen.add(key)
                yield el


def unique():
    """Dataset.apply(unique()): the elements without repeats, in first-seen order."""
    def apply(dataset):
        return _UniqueDataset(dataset)
    return apply
