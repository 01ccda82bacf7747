"""Fetch structures and feed dictionaries of Session.run.

Mirrors TF1's session.py `_FetchMapper`: a fetch may be a Tensor, an
Operation (gives None), a Variable, a tensor or op name string, or a list,
tuple, namedtuple or dict nesting any of these; the result has the same
structure. Feeds accept tensors, names and Variables as keys, and values as
NumPy arrays, Python scalars or nested lists; each value is converted to the
tensor's dtype once and its shape checked against the static shape.
"""
import collections

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework.graph import Operation, Tensor
from compat_tf._src.framework.sparse_tensor import SparseTensor, SparseTensorValue
from compat_tf._src.framework.indexed_slices import IndexedSlices, IndexedSlicesValue


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(x, "_fields")


class FetchMapper:
    """Flattens a nested fetch structure and rebuilds it from the fetched values."""

    def __init__(self, graph, fetches):
        self._graph = graph
        self.unique_tensors = []
        self.unique_ops = []
        self._tindex = {}
        self._structure = self._flatten(fetches)

    def _element(self, obj):
        try:
            el = self._graph.as_graph_element(obj, allow_tensor=True, allow_operation=True)
        except TypeError:
            raise TypeError(f"Fetch argument {obj!r} has invalid type {type(obj)}, must be a string or "
                            f"Tensor. (Can not convert a {type(obj).__name__} into a Tensor or "
                            "Operation.)") from None
        except (KeyError, ValueError) as e:
            raise ValueError(f"Fetch argument {obj!r} cannot be interpreted as a Tensor. ({e.args[0]})") \
                from None
        if self._graph._unfetchable_ops and not self._graph.is_fetchable(el):
            op = el.op if isinstance(el, Tensor) else el
            raise ValueError(f"Operation {op.name!r} has been marked as not fetchable.")
        return el

    def _flatten(self, f):
        if f is None:
            raise TypeError(f"Fetch argument None has invalid type {type(None)}")
        if isinstance(f, dict):
            factory = getattr(f, "default_factory", None) if isinstance(f, collections.defaultdict) else None
            return ("dict", (type(f), factory), [(k, self._flatten(v)) for k, v in f.items()])
        if _is_namedtuple(f):
            return ("namedtuple", type(f), [self._flatten(v) for v in f])
        if isinstance(f, (list, tuple)):
            return ("seq", type(f), [self._flatten(v) for v in f])
        if isinstance(f, SparseTensor):  # fetched as a SparseTensorValue, as TF1
            return ("sparse", [self._flatten(t) for t in (f.indices, f.values, f.dense_shape)])
        if isinstance(f, IndexedSlices):  # fetched as an IndexedSlicesValue, as TF1
            parts = (f.values, f.indices, f.dense_shape)
            return ("indexed", [None if t is None else self._flatten(t) for t in parts])
        el = self._element(f)
        if isinstance(el, Operation):
            if el not in self.unique_ops:
                self.unique_ops.append(el)
            return ("op",)
        if el not in self._tindex:
            self._tindex[el] = len(self.unique_tensors)
            self.unique_tensors.append(el)
        return ("tensor", self._tindex[el])

    def build(self, values):
        return self._build(self._structure, values)

    def _build(self, s, values):
        kind = s[0]
        if kind == "op":
            return None
        if kind == "tensor":
            return values[s[1]]
        if kind == "dict":
            cls, factory = s[1]
            # TF1 rebuilds the fetched dict's type, a defaultdict with its default_factory
            out = {} if cls is dict else (cls(factory) if issubclass(cls, collections.defaultdict) else cls())
            for k, sub in s[2]:
                out[k] = self._build(sub, values)
            return out
        if kind == "namedtuple":
            return s[1](*[self._build(sub, values) for sub in s[2]])
        if kind == "sparse":
            return SparseTensorValue(*[self._build(sub, values) for sub in s[1]])
        if kind == "indexed":
            return IndexedSlicesValue(*[None if sub is None else self._build(sub, values) for sub in s[1]])
        seq = [self._build(sub, values) for sub in s[2]]
        return seq if s[1] is list else (tuple(seq) if s[1] is tuple else s[1](seq))


def _feed_key(graph, key):
    try:
        el = graph.as_graph_element(key, allow_tensor=True, allow_operation=False)
    except (KeyError, ValueError) as e:
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {e.args[0]}") from None
    except TypeError as e:
        raise TypeError(f"Cannot interpret feed_dict key as Tensor: {e.args[0]}") from None
    if graph._unfeedable_tensors and not graph.is_feedable(el):
        raise ValueError(f"Tensor {el} may not be fed.")
    return el


def convert_feed_value(tensor, value):
    """Converts one fed value to the tensor's dtype and checks its shape (ValueError)."""
    dtype = tensor.dtype.base_dtype
    if isinstance(value, Tensor):
        raise TypeError(f"The value of a feed cannot be a tf.Tensor object ({value.name}). Acceptable feed "
                        "values include Python scalars, strings, lists, numpy ndarrays, or TensorHandles. "
                        "For reference, the tensor object was fed to " + tensor.name)
    if isinstance(value, int) and not isinstance(value, bool) and dtype.is_integer:
        lo, hi = dtype.min, dtype.max
        if not lo <= value <= hi:
            raise TypeError(f"Type of feed value {value} with type {type(value)} is not compatible with "
                            f"Tensor type {dtype.as_numpy_dtype}. Try explicitly setting the type of the "
                            "feed tensor to a larger type (e.g. int64).")
    if dtype == _dtypes.string:
        # TF1 strings are bytes: a fed str comes back (and reaches string ops) utf-8 encoded
        arr = np.asarray(value, dtype=object)
        if arr.size:
            arr = np.vectorize(lambda e: e.encode() if isinstance(e, str) else e, otypes=[object])(arr)
    else:
        try:
            arr = np.asarray(value, dtype=dtype.as_numpy_dtype)
        except (TypeError, ValueError) as e:
            raise ValueError(f"Cannot feed value {value!r} for Tensor '{tensor.name}' of dtype "
                             f"{dtype.name}: {e}") from None
    if not tensor.shape.is_compatible_with(arr.shape):
        raise ValueError(f"Cannot feed value of shape {arr.shape} for Tensor '{tensor.name}', which has "
                         f"shape '{tensor.shape}'")
    return arr


def _sparse_feed(key, value):
    if isinstance(value, SparseTensor) or not isinstance(value, (tuple, list)) or len(value) != 3:
        raise TypeError(f"The value fed to SparseTensor {key.values.name} must be a tf.SparseTensorValue or "
                        f"an (indices, values, dense_shape) tuple, got {type(value).__name__}")
    pairs = list(zip((key.indices, key.values, key.dense_shape), value))
    # a dense_shape known when the graph was built (tf.sparse_placeholder with a full shape) fed its
    # own value is not fed: ops that need it statically (the rows of a sparse matmul) keep it
    shape = key.dense_shape
    if shape.op.type == "Const":
        known = np.asarray(shape.op.get_attr("value"))
        try:
            same = np.array_equal(np.asarray(value[2], np.int64).reshape(known.shape), known)
        except (TypeError, ValueError):
            same = False
        if same:
            pairs.pop()
    return pairs


def _nest_flatten(x):
    """tf.nest.flatten for feed keys and values: tuples/lists (namedtuples such as LSTMStateTuple)
    and dicts (by sorted key) are sequences; everything else (arrays, tensors) is a leaf."""
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _nest_flatten(x[k])]
    if isinstance(x, (tuple, list)) and not isinstance(x, SparseTensorValue):
        return [leaf for e in x for leaf in _nest_flatten(e)]
    return [x]


def _flatten_feed_items(feed_dict):
    """TF1's nest.flatten_dict_items: a tuple key (an LSTMStateTuple, a multi-layer cell's tuple of
    them) feeds each component from the same-structured value."""
    for key, value in feed_dict.items():
        if not isinstance(key, tuple):
            yield key, value
            continue
        flat_k, flat_v = _nest_flatten(key), _nest_flatten(value)
        if len(flat_k) != len(flat_v):
            raise ValueError(f"Could not flatten dictionary. Key had {len(flat_k)} elements, but value had "
                             f"{len(flat_v)} elements. Key: {flat_k}, value: {flat_v}.")
        yield from zip(flat_k, flat_v)


def prepare_feeds(graph, feed_dict):
    if not feed_dict:
        return [], []
    tensors, values = [], []
    for key, value in _flatten_feed_items(feed_dict):
        if isinstance(key, SparseTensor):  # fed with a SparseTensorValue or (indices, values, shape)
            for t, v in _sparse_feed(key, value):
                tensors.append(_feed_key(graph, t))
                values.append(convert_feed_value(tensors[-1], v))
            continue
        t = _feed_key(graph, key)
        tensors.append(t)
        values.append(convert_feed_value(t, value))
    # a stable order so the same feed set plans (and compiles) once
    order = sorted(range(len(tensors)), key=lambda i: (tensors[i].op._id, tensors[i].value_index))
    return [tensors[i] for i in order], [values[i] for i in order]


def to_numpy(value, tensor):
    """A fetched value as TF1 returns it: ndarray, or a NumPy scalar for 0-d tensors.

    Like TF1's, the array is the caller's own and writable.
    """
    if value is None:
        return None
    # always a copy: a device buffer's view is read-only, and a host value may be a
    # Const's attr or the caller's own fed array
    if tensor.dtype.base_dtype == _dtypes.string:
        arr = np.array(value, dtype=object)
    else:
        arr = np.array(value, dtype=tensor.dtype.base_dtype.as_numpy_dtype)
    return arr[()] if arr.ndim == 0 else arr
