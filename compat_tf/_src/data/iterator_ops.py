"""tf.data.Iterator for TF1 graphs and its ops.

Ops (host ops, run in NumPy between jitted segments; TF 1.15's op types):
  IteratorV2 / OneShotIterator -> a resource handle (the iterator's key);
  MakeIterator(handle, *captured tensors) -> the initializer: starts the
      dataset's generator with the captured tensors' values of this run;
  IteratorGetNext(handle) -> one element, as NumPy arrays;
  IteratorToStringHandle / IteratorFromStringHandleV2 -> feedable iterators.
A failed element (dataset_ops' ElementError) raises its TF1 error from that
get_next only; the next get_next goes on with the next element, as in TF1.
The iterator state lives in the session's resources (runtime/resources.py):
two sessions on one graph iterate independently, and `Session.close` drops it.
A training step fed by get_next runs as a host segment (get_next) followed by
the jitted step.
"""
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.runtime import resources
from compat_tf._src.data import structure
from compat_tf._src.data.dataset_ops import DatasetV1, IterContext
from compat_tf._src.data.element_error import is_error

_KEY_PREFIX = "tf.data.iterator:"
GLOBAL_ITERATORS = "iterators"
"""TF1's collection of every iterator's resource handle (CheckpointInputPipelineHook saves them)."""


class Source:
    """What started an iterator: the op that made it (MakeIterator, or the OneShotIterator itself,
    whose `_dataset` attr is the pipeline) and the values of the pipeline's run-time tensors."""
    __slots__ = ("op_name", "env")

    def __init__(self, op_name, env):
        self.op_name = op_name
        self.env = env


class _IteratorResource:
    """An iterator's state in one session: the running generator of elements, and its position.

    `count` is how many elements (failed ones included, as TF's kernels count them) the generator
    has produced since `reset`, `ended` whether it reached its end, and `source` what started it
    (data/iterator_saveable.Source): together the state make_saveable_from_iterator saves."""

    def __init__(self):
        self.lock = threading.RLock()
        self.gen = None
        self.initialized = False
        self.count = 0
        self.ended = False
        self.source = None

    def reset(self, gen, source=None, count=0, ended=False):
        with self.lock:
            old, self.gen = self.gen, (None if ended else gen)
            self.initialized = True
            self.count, self.ended, self.source = count, ended, source
        if old is not None and hasattr(old, "close"):
            try:
                old.close()
            except Exception:  # noqa: BLE001 - a finished pipeline may complain when closed
                pass

    def next(self, op):
        with self.lock:
            if not self.initialized:
                raise _uninitialized(op)
            if self.gen is None:
                raise _end_of_sequence(op)
            try:
                element = next(self.gen)
            except StopIteration:
                self.gen, self.ended = None, True
                raise _end_of_sequence(op) from None
            except Exception:
                # a pipeline that raised (rather than yielding an ElementError) is finished
                self.gen, self.ended = None, True
                raise
            self.count += 1
            if is_error(element):       # this element failed; the next get_next goes on
                raise element.error
            return element

    def close(self):
        self.gen = None


def _uninitialized(op):
    return errors.FailedPreconditionError(
        None, op, "GetNext() failed because the iterator has not been initialized. Ensure that you have run "
        "the initializer operation for this iterator before getting the next element."
        + (f"\n\t [[node {op.name}]]" if op is not None else ""))


def _end_of_sequence(op):
    return errors.OutOfRangeError(None, op, "End of sequence" + (f"\n\t [[node {op.name}]]" if op is not None
                                                                 else ""))


def _resource(session, key):
    return resources.get_or_create(session, key, _IteratorResource)


def resource_key(handle_op):
    """The session-resource key an IteratorV2 / OneShotIterator op's handle names (what its kernel returns)."""
    if handle_op.type == "IteratorV2" and handle_op.attrs.get("shared_name"):
        return _KEY_PREFIX + handle_op.attrs["shared_name"]
    return _KEY_PREFIX + handle_op.name


def _key_of(handle):
    if isinstance(handle, np.ndarray):
        handle = handle.item() if handle.size == 1 else handle
    if isinstance(handle, bytes):
        handle = handle.decode()
    return handle


# ---------------------------------------------------------------------------------------------
# ops
# ---------------------------------------------------------------------------------------------

def _resource_shape(op):
    return [([], _dtypes.resource)]


@register_op("IteratorV2", shape=_resource_shape, ctx=True, host=True, stateful=True, differentiable=False)
def _iterator_v2(ctx, **attrs):
    return resource_key(ctx.op)


@register_op("OneShotIterator", shape=_resource_shape, ctx=True, host=True, stateful=True,
             differentiable=False)
def _one_shot_iterator(ctx, **attrs):
    key = _KEY_PREFIX + ctx.op.name
    res = _resource(ctx.session, key)
    if not res.initialized:
        with ctx.session._lock, res.lock:   # lock order: session, then iterator (see get_next)
            if not res.initialized:
                dataset = attrs["_dataset"]
                tensors = dataset._tensor_inputs()
                values = ctx.session.run(tensors) if tensors else []
                env = dict(zip(tensors, values))
                res.reset(dataset._iterate(IterContext(ctx.session, env)), Source(ctx.op.name, env))
    return key


@register_op("MakeIterator", shape=lambda op: [], ctx=True, host=True, stateful=True, differentiable=False)
def _make_iterator(ctx, handle, *values, **attrs):
    dataset = attrs["_dataset"]
    tensors = ctx.op._inputs[1:]
    env = dict(zip(tensors, values))
    res = _resource(ctx.session, _key_of(handle))
    res.reset(dataset._iterate(IterContext(ctx.session, env)), Source(ctx.op.name, env))
    return ()


def _get_next_shape(op):
    return list(zip(op.get_attr("output_shapes"), op.get_attr("output_types")))


@register_op("IteratorGetNext", shape=_get_next_shape, ctx=True, host=True, stateful=True,
             differentiable=False,
             num_outputs=lambda attrs, n: len(attrs["output_types"]))
def _iterator_get_next(ctx, handle, output_types, output_shapes):
    op = ctx.op
    res = resources.lookup(ctx.session, _key_of(handle))
    if res is None:
        raise _uninitialized(op)
    # The pipeline may run function plans, which take the session lock: take it first, so a
    # train step holding it (serialized runs) and a bare get_next in another thread cannot deadlock.
    with ctx.session._lock:
        element = res.next(op)
    if len(element) != len(output_types):
        raise errors.InvalidArgumentError(None, op, f"The iterator produced {len(element)} components, "
                                          f"expected {len(output_types)}")
    checks = _output_checks(op, output_types, output_shapes)
    out = []
    for v, (dt, np_dtype, dims) in zip(element, checks):
        if not (isinstance(v, np.ndarray) and v.dtype == np_dtype):
            v = structure.as_numpy(v, dt)
        if dims is not None and (len(v.shape) != len(dims) or
                                 any(d is not None and d != n for d, n in zip(dims, v.shape))):
            raise errors.InvalidArgumentError(
                None, op, f"The iterator produced an element of shape {list(v.shape)}, which is not "
                f"compatible with the expected shape {_ts_str(dims)}.")
        out.append(v)
    return out


def _ts_str(dims):
    return "[" + ",".join("?" if d is None else str(d) for d in dims) + "]"


def _output_checks(op, output_types, output_shapes):
    """Per get_next op: (DType, NumPy dtype, static dims or None) of each component (cached)."""
    checks = op.__dict__.get("_data_output_checks")
    if checks is None:
        checks = [(dt, np.dtype(object) if dt == _dtypes.string else np.dtype(dt.as_numpy_dtype),
                   None if shp.ndims is None else tuple(shp.as_list()))
                  for dt, shp in zip(output_types, output_shapes)]
        op._data_output_checks = checks
    return checks


@register_op("IteratorToStringHandle", shape=lambda op: [([], _dtypes.string)], ctx=True, host=True,
             stateful=True, differentiable=False)
def _to_string_handle(ctx, handle):
    return np.asarray(_key_of(handle).encode(), dtype=object)


@register_op("IteratorFromStringHandleV2", shape=_resource_shape, ctx=True, host=True, stateful=True,
             differentiable=False)
def _from_string_handle(ctx, string_handle, **attrs):
    key = _key_of(string_handle)
    if not isinstance(key, str) or not key.startswith(_KEY_PREFIX):
        raise errors.InvalidArgumentError(None, ctx.op, f"Invalid iterator string handle: {key!r}")
    return key


# ---------------------------------------------------------------------------------------------
# Iterator
# ---------------------------------------------------------------------------------------------

def _flat_attrs(spec):
    flat = structure.flatten(spec)
    return tuple(s.dtype for s in flat), tuple(s.shape for s in flat)


def _check_no_placeholders(tensors):
    seen, stack = set(), [t.op for t in tensors]
    while stack:
        op = stack.pop()
        if op in seen:
            continue
        seen.add(op)
        if op.type in ("Placeholder", "PlaceholderV2"):
            raise ValueError(f"Cannot capture a placeholder (name:{op.name}, type:{op.type}) by value: "
                             "use make_initializable_iterator() for a dataset that depends on placeholders.")
        stack.extend(t.op for t in op._inputs)


class Iterator(structure.HasElementSpec):
    """TF1's tf.data.Iterator: get_next() tensors and initializer ops over one iterator resource."""

    def __init__(self, iterator_resource, initializer, spec):
        self._iterator_resource = iterator_resource
        self._initializer = initializer
        self._spec = spec
        iterator_resource.graph.add_to_collection(GLOBAL_ITERATORS, iterator_resource)

    # -- constructors ------------------------------------------------------------------------
    @staticmethod
    def _one_shot(dataset):
        tensors = dataset._tensor_inputs()
        _check_no_placeholders(tensors)
        g = _graph.get_default_graph()
        types, shapes = _flat_attrs(dataset._spec)
        op = g.create_op("OneShotIterator", [], {"_dataset": dataset, "output_types": types,
                                                 "output_shapes": shapes, "container": "", "shared_name": ""},
                         name="OneShotIterator")
        return Iterator(op.outputs[0], None, dataset._spec)

    @staticmethod
    def _initializable(dataset, shared_name=None):
        g = _graph.get_default_graph()
        types, shapes = _flat_attrs(dataset._spec)
        handle = g.create_op("IteratorV2", [], {"output_types": types, "output_shapes": shapes,
                                                "container": "", "shared_name": shared_name or ""},
                             name="Iterator").outputs[0]
        it = Iterator(handle, None, dataset._spec)
        it._initializer = it._make_initializer_op(dataset, "MakeIterator")
        return it

    @staticmethod
    def from_structure(output_types, output_shapes=None, shared_name=None, output_classes=None):
        """A reinitializable iterator: `make_initializer(dataset)` for each dataset of this structure."""
        types = structure.normalize_types(output_types)
        spec = structure.spec_from(types, output_shapes)
        g = _graph.get_default_graph()
        ftypes, fshapes = _flat_attrs(spec)
        handle = g.create_op("IteratorV2", [], {"output_types": ftypes, "output_shapes": fshapes,
                                                "container": "", "shared_name": shared_name or ""},
                             name="Iterator").outputs[0]
        return Iterator(handle, None, spec)

    @staticmethod
    def from_string_handle(string_handle, output_types, output_shapes=None, output_classes=None):
        """A feedable iterator: get_next reads from the iterator whose string_handle() is fed."""
        from compat_tf._src.ops import constant as _constant
        string_handle = _constant.convert_to_tensor(string_handle, dtype=_dtypes.string)
        types = structure.normalize_types(output_types)
        spec = structure.spec_from(types, output_shapes)
        ftypes, fshapes = _flat_attrs(spec)
        handle = string_handle.graph.create_op(
            "IteratorFromStringHandleV2", [string_handle], {"output_types": ftypes, "output_shapes": fshapes},
            name="IteratorFromStringHandleV2").outputs[0]
        return Iterator(handle, None, spec)

    # -- TF1 API -----------------------------------------------------------------------------
    @property
    def initializer(self):
        if self._initializer is not None:
            return self._initializer
        raise ValueError("Iterator does not have an initializer.")


    def _make_initializer_op(self, dataset, name):
        tensors = dataset._tensor_inputs()
        g = self._iterator_resource.graph
        return g.create_op("MakeIterator", [self._iterator_resource] + list(tensors), {"_dataset": dataset},
                           name=name)

    def make_initializer(self, dataset, name=None):
        """An op that (re)starts this iterator on `dataset` (same types, compatible shapes)."""
        if not isinstance(dataset, DatasetV1):
            raise TypeError(f"make_initializer expects a Dataset, got {type(dataset).__name__}")
        mine, theirs = self.output_types, dataset.output_types
        if not structure.same_structure(mine, theirs) or structure.flatten(mine) != structure.flatten(theirs):
            raise TypeError(f"Expected output types {mine} but got dataset with output types {theirs}.")
        for a, b in zip(structure.flatten(self.output_shapes), structure.flatten(dataset.output_shapes)):
            if not a.is_compatible_with(b):
                raise TypeError(f"Expected output shapes compatible with {self.output_shapes} but got "
                                f"dataset with output shapes {dataset.output_shapes}.")
        g = self._iterator_resource.graph
        with g.name_scope(name or "make_initializer") as scope:
            return self._make_initializer_op(dataset, scope)

    def get_next(self, name=None):
        """The tensors of the next element (OutOfRangeError at the end of the dataset)."""
        g = self._iterator_resource.graph
        types, shapes = _flat_attrs(self._spec)
        op = g.create_op("IteratorGetNext", [self._iterator_resource],
                         {"output_types": types, "output_shapes": shapes}, name=name or "IteratorGetNext",
                         output_specs=list(zip(shapes, types)))
        return structure.pack_as(self._spec, op.outputs)

    def string_handle(self, name=None):
        """A string tensor naming this iterator, to feed an iterator made by from_string_handle."""
        g = self._iterator_resource.graph
        return g.create_op("IteratorToStringHandle", [self._iterator_resource], {},
                           name=name or "IteratorToStringHandle").outputs[0]


def make_one_shot_iterator(dataset):
    """tf.data.make_one_shot_iterator(dataset) (TF 1.15 compat.v1)."""
    return dataset.make_one_shot_iterator()


def make_initializable_iterator(dataset, shared_name=None):
    """tf.data.make_initializable_iterator(dataset) (TF 1.15 compat.v1)."""
    return dataset.make_initializable_iterator(shared_name)


def get_output_types(dataset_or_iterator):
    return dataset_or_iterator.output_types


def get_output_shapes(dataset_or_iterator):
    return dataset_or_iterator.output_shapes


def get_output_classes(dataset_or_iterator):
    return dataset_or_iterator.output_classes

