"""tf.data.experimental.Optional and get_next_as_optional (TF 1.15 optional_ops.py, iterator_ops.py).

An Optional is a variant tensor holding either a value (a structure of tensors) or nothing. Its ops
are host ops of TF's types: OptionalFromValue, OptionalNone, IteratorGetNextAsOptional (the next
element of an iterator, or nothing at its end: end of sequence is not an error here), OptionalHasValue
and OptionalGetValue (InvalidArgumentError "The given optional does not have a value." when empty).
The variant value passed between them is an `OptionalValue` (None or the flat tuple of arrays).
"""
import numpy as np

from compat_tf._src.data import structure, type_structures
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op

__all__ = ["Optional", "OptionalStructure", "get_next_as_optional"]


class OptionalValue:
    """The run-time value of an optional variant tensor: `components` is None when it has no value."""
    __slots__ = ("components",)

    def __init__(self, components):
        self.components = components


def _variant(op):
    return [([], _dtypes.variant)]


@register_op("OptionalFromValue", shape=_variant, host=True, differentiable=False)
def _optional_from_value(ctx, *components, **attrs):
    return OptionalValue(tuple(np.asarray(c) if not isinstance(c, np.ndarray) else c for c in components))


@register_op("OptionalNone", shape=_variant, host=True, differentiable=False)
def _optional_none(ctx, **attrs):
    return OptionalValue(None)


@register_op("OptionalHasValue", shape=lambda op: [([], _dtypes.bool)], host=True, differentiable=False)
def _optional_has_value(ctx, optional, **attrs):
    return np.bool_(optional.components is not None)


def _get_value_shapes(op):
    return list(zip(op.get_attr("output_shapes"), op.get_attr("output_types")))


@register_op("OptionalGetValue", shape=_get_value_shapes, ctx=True, host=True, differentiable=False,
             num_outputs=lambda attrs, n: len(attrs["output_types"]))
def _optional_get_value(ctx, optional, output_types, output_shapes):
    if optional.components is None:
        raise errors.InvalidArgumentError(None, ctx.op, "The given optional does not have a value.")
    return [structure.as_numpy(v, dt) for v, dt in zip(optional.components, output_types)]


@register_op("IteratorGetNextAsOptional", shape=_variant, ctx=True, host=True, stateful=True,
             differentiable=False)
def _iterator_get_next_as_optional(ctx, handle, output_types, output_shapes):
    from compat_tf._src.data import iterator_ops
    try:
        element = iterator_ops._iterator_get_next(ctx, handle, output_types, output_shapes)
    except errors.OutOfRangeError:
        return OptionalValue(None)
    return OptionalValue(tuple(element))


class Optional:
    """tf.data.experimental.Optional: a value that may be absent (see the module docstring)."""

    def __init__(self, variant_tensor, value_structure):
        self._variant_tensor = variant_tensor
        self._spec = value_structure

    @staticmethod
    def from_value(value, name=None):
        """An Optional holding `value` (a structure of tensors)."""
        from compat_tf._src.ops import constant as _constant
        with _graph.name_scope(name, "OptionalFromValue", structure.flatten(value)):
            flat = [_constant.convert_to_tensor(v) for v in structure.flatten(value)]
            spec = structure.pack_as(value, [structure.Spec(t.dtype.base_dtype, t.shape) for t in flat])
            g = flat[0].graph if flat else _graph.get_default_graph()
            op = g.create_op("OptionalFromValue", flat, {"Toutput_types": tuple(t.dtype.base_dtype for t in flat)},
                             name="OptionalFromValue")
        return Optional(op.outputs[0], spec)

    @staticmethod
    def none_from_structure(value_structure):
        """An Optional with no value, whose value would have `value_structure` (specs or a
        Structure)."""
        spec = _as_spec(value_structure)
        op = _graph.get_default_graph().create_op("OptionalNone", [], {}, name="OptionalNone")
        return Optional(op.outputs[0], spec)

    empty = none_from_structure

    @property
    def value_structure(self):
        return OptionalStructure(self._spec)._value_structure

    @property
    def element_spec(self):
        return self._spec

    def has_value(self, name=None):
        """A scalar bool tensor: whether this optional has a value."""
        return self._variant_tensor.graph.create_op("OptionalHasValue", [self._variant_tensor], {},
                                                    name=name or "OptionalHasValue").outputs[0]

    def get_value(self, name=None):
        """The value (a structure of tensors); InvalidArgumentError when run on an empty optional."""
        flat = structure.flatten(self._spec)
        types, shapes = tuple(s.dtype for s in flat), tuple(s.shape for s in flat)
        op = self._variant_tensor.graph.create_op(
            "OptionalGetValue", [self._variant_tensor], {"output_types": types, "output_shapes": shapes},
            name=name or "OptionalGetValue", output_specs=list(zip(shapes, types)))
        return structure.pack_as(self._spec, op.outputs)


def _as_spec(value_structure):
    if isinstance(value_structure, OptionalStructure):
        raise TypeError("An Optional's value cannot be an Optional in compat_tf.")
    if hasattr(value_structure, "_to_spec"):
        return value_structure._to_spec()
    return structure.map_structure(
        lambda s: structure.Spec(s.dtype, s.shape) if hasattr(s, "dtype") else _bad(s), value_structure)


def _bad(s):
    raise TypeError(f"Expected a structure of tf.data element specs, got {s!r}")


class OptionalStructure(type_structures.Structure):
    """tf.data.experimental.OptionalStructure: the type of an Optional whose value has
    `value_structure` (TF 2's OptionalSpec)."""

    def __init__(self, value_structure):
        self._value_structure = value_structure

    @property
    def value_type(self):
        return Optional

    def is_compatible_with(self, other):
        if not isinstance(other, OptionalStructure):
            return False
        a, b = _as_spec(self._value_structure), _as_spec(other._value_structure)
        return structure.same_structure(a, b) and all(
            x.dtype == y.dtype and x.shape.is_compatible_with(y.shape)
            for x, y in zip(structure.flatten(a), structure.flatten(b)))

    @staticmethod
    def from_value(value):
        return OptionalStructure(value.element_spec)

    def _to_legacy_output_types(self):
        return self

    def _to_legacy_output_shapes(self):
        return _ts.scalar()

    def _to_legacy_output_classes(self):
        return self

    def __eq__(self, other):
        return isinstance(other, OptionalStructure) and self._value_structure == other._value_structure

    def __hash__(self):
        return hash(OptionalStructure)

    def __repr__(self):
        return f"OptionalStructure({self._value_structure!r})"


def get_next_as_optional(iterator):
    """An Optional holding `iterator`'s next element, or nothing at its end."""
    from compat_tf._src.data import iterator_ops
    if not isinstance(iterator, iterator_ops.Iterator):
        raise TypeError(f"get_next_as_optional expects a tf.data Iterator, got {type(iterator).__name__}")
    res = iterator._iterator_resource
    flat = structure.flatten(iterator._spec)
    op = res.graph.create_op("IteratorGetNextAsOptional", [res],
                             {"output_types": tuple(s.dtype for s in flat),
                              "output_shapes": tuple(s.shape for s in flat)},
                             name="IteratorGetNextAsOptional")
    return Optional(op.outputs[0], iterator._spec)
