"""Element structures of tf.data: nesting, static specs, value conversion.

Mirrors tf.data's own `nest` (tensorflow/python/data/util/nest.py): tuples
(namedtuples too) and dicts are structure, dict entries are ordered by sorted
key, and lists are *not* structure (a list is one tensor, as
`from_tensor_slices([1, 2, 3])` shows). A dataset's element spec is such a
structure whose leaves are `Spec(dtype, shape)`.
"""
import collections

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts


class Spec(collections.namedtuple("Spec", ["dtype", "shape"])):
    """One component of an element: its DType and static TensorShape."""
    __slots__ = ()

    def __new__(cls, dtype, shape):
        return super().__new__(cls, _dtypes.as_dtype(dtype).base_dtype, _ts.as_shape(shape))


def _is_namedtuple(x):
    return isinstance(x, tuple) and hasattr(type(x), "_fields")


def is_nested(x):
    # Spec is a namedtuple but a leaf
    return isinstance(x, (tuple, collections.abc.Mapping)) and not isinstance(x, Spec)


def _sorted_keys(d):
    try:
        return sorted(d)
    except TypeError:
        raise TypeError("nest only supports dicts with sortable keys.") from None


def flatten(x):
    """The leaves of `x`, depth first, dict values in sorted-key order."""
    if not is_nested(x):
        return [x]
    out = []
    items = (x[k] for k in _sorted_keys(x)) if isinstance(x, collections.abc.Mapping) else x
    for v in items:
        out.extend(flatten(v))
    return out


def pack_as(structure, flat):
    """`flat` (a sequence of leaves) packed into the shape of `structure`."""
    flat = list(flat)
    n = len(flatten(structure))
    if n != len(flat):
        raise ValueError(f"Structure had {n} elements, but flat_sequence had {len(flat)} elements.")
    out, _ = _pack(structure, flat, 0)
    return out


def _pack(s, flat, i):
    if not is_nested(s):
        return flat[i], i + 1
    if isinstance(s, collections.abc.Mapping):
        vals = {}
        for k in _sorted_keys(s):
            vals[k], i = _pack(s[k], flat, i)
        out = {k: vals[k] for k in s}
        if type(s) is not dict:
            try:
                out = type(s)(out)
            except TypeError:
                pass
        return out, i
    items = []
    for v in s:
        item, i = _pack(v, flat, i)
        items.append(item)
    if _is_namedtuple(s):
        return type(s)(*items), i
    return type(s)(items), i


def map_structure(fn, *structures):
    """`fn` applied leaf-wise over same-shaped structures."""
    first = structures[0]
    for s in structures[1:]:
        assert_same_structure(first, s)
    flats = [flatten(s) for s in structures]
    return pack_as(first, [fn(*leaves) for leaves in zip(*flats)])


def _shape_sig(x):
    if not is_nested(x):
        return "."
    if isinstance(x, collections.abc.Mapping):
        return {k: _shape_sig(x[k]) for k in _sorted_keys(x)}
    return tuple(_shape_sig(v) for v in x)


def assert_same_structure(a, b):
    if _shape_sig(a) != _shape_sig(b):
        raise ValueError(f"The two structures don't have the same nested structure.\n\nFirst structure: {a}"
                         f"\n\nSecond structure: {b}")


def same_structure(a, b):
    return _shape_sig(a) == _shape_sig(b)


# -- specs ------------------------------------------------------------------------------

def types_of(spec):
    return map_structure(lambda s: s.dtype, spec)


def shapes_of(spec):
    return map_structure(lambda s: s.shape, spec)


def classes_of(spec):
    from compat_tf._src.framework.graph import Tensor
    return map_structure(lambda s: Tensor, spec)


class HasElementSpec:
    """TF1's output_types / output_shapes / output_classes / element_spec, read off `self._spec`
    (shared by Dataset and Iterator)."""

    @property
    def output_types(self):
        return types_of(self._spec)

    @property
    def output_shapes(self):
        return shapes_of(self._spec)

    @property
    def output_classes(self):
        return classes_of(self._spec)

    @property
    def element_spec(self):
        return self._spec


def spec_from(types, shapes=None):
    """A spec from TF1's (output_types, output_shapes) pair (shapes default to unknown)."""
    if shapes is None:
        shapes = map_structure(lambda _: _ts.unknown_shape(), types)
    else:
        shapes = _broadcast_shapes(types, shapes)
    return map_structure(lambda t, s: Spec(t, s), types, shapes)


def _broadcast_shapes(types, shapes):
    """TF1 lets output_shapes be a shape-like (list/TensorShape) per leaf of output_types."""
    if not is_nested(types):
        return _ts.as_shape(shapes)
    if isinstance(types, collections.abc.Mapping):
        if not isinstance(shapes, collections.abc.Mapping):
            raise TypeError(f"output_shapes {shapes!r} does not match the structure of output_types "
                            f"{types!r}")
        return {k: _broadcast_shapes(types[k], shapes[k]) for k in types}
    if not isinstance(shapes, (tuple, list)) or len(shapes) != len(types):
        raise TypeError(f"output_shapes {shapes!r} does not match the structure of output_types {types!r}")
    out = [_broadcast_shapes(t, s) for t, s in zip(types, shapes)]
    return type(types)(*out) if _is_namedtuple(types) else tuple(out)


def most_specific_compatible(a, b):
    """The most specific shape compatible with both (dims that differ become None)."""
    if a.ndims is None or b.ndims is None or a.ndims != b.ndims:
        return _ts.unknown_shape()
    return _ts.TensorShape([da if da == db else None for da, db in zip(a.as_list(), b.as_list())])


def normalize_types(types):
    return map_structure(lambda t: _dtypes.as_dtype(t).base_dtype, types)


# -- values ---------------------------------------------------------------------------------

def _encode(s):
    return s.encode("utf-8") if isinstance(s, str) else bytes(s) if isinstance(s, np.bytes_) else s


def encode_strings(arr):
    """An object array of bytes from any array of str/bytes."""
    arr = np.asarray(arr, dtype=object)
    if arr.size == 0:
        return arr
    flat = [_encode(v) for v in arr.reshape(-1)]
    out = np.empty(len(flat), dtype=object)
    out[:] = flat
    return out.reshape(arr.shape)


def numpy_value(value):
    """A Python/NumPy leaf as TF1 would convert it: (ndarray, DType).

    Python floats become float32 and Python ints int32 (int64 if they do not
    fit); NumPy arrays keep their dtype; text becomes an object array of bytes.
    """
    from compat_tf._src.ops import constant as _constant
    if isinstance(value, np.ndarray) and value.dtype.kind in "SU":
        arr = encode_strings(value)
    else:
        arr = _constant._infer_numpy(value)
    if arr.dtype == object:
        arr = encode_strings(arr)
        return arr, _dtypes.string
    return arr, _dtypes.as_dtype(arr.dtype)


def as_numpy(value, dtype):
    """`value` as a NumPy array of `dtype` (object array of bytes for strings)."""
    if dtype == _dtypes.string:
        if isinstance(value, np.ndarray) and value.dtype == object:
            return value
        return encode_strings(value)
    np_dtype = dtype.as_numpy_dtype
    if isinstance(value, np.ndarray) and value.dtype == np_dtype:
        return value
    return np.asarray(value, dtype=np_dtype)
