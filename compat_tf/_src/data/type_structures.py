"""tf.data.experimental.Structure and its kinds (TF 1.15 data/util/structure.py): descriptions of the
values a dataset element component can be, as TF 1.15 exposed them (TF 2 renamed them *Spec).

`TensorStructure(dtype, shape)` is compat_tf's element spec itself (`Dataset.element_spec` leaves
compare equal to it and it is accepted wherever a spec is). The others describe component kinds that
compat_tf's pipelines do not carry (SparseTensor, TensorArray, RaggedTensor, Dataset components):
they exist as descriptions (equality, compatibility, legacy types/shapes), so code that builds or
inspects them works; a dataset built from them raises NotImplementedError where it is built.
"""
import abc

from compat_tf._src.data.structure import Spec
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts

__all__ = ["DatasetStructure", "RaggedTensorStructure", "SparseTensorStructure", "Structure",
           "TensorArrayStructure", "TensorStructure"]


class Structure(abc.ABC):
    """The type of a tf.data element component (TF 1.15's abstract base)."""
    __slots__ = ()

    @abc.abstractmethod
    def is_compatible_with(self, other):
        """Whether a value of `other`'s type is also a value of this type."""

    @abc.abstractmethod
    def _to_legacy_output_types(self):
        ...

    @abc.abstractmethod
    def _to_legacy_output_shapes(self):
        ...

    @abc.abstractmethod
    def _to_legacy_output_classes(self):
        ...


class TensorStructure(Spec, Structure):
    """A dense tensor of `dtype` and (partially known) `shape`."""
    __slots__ = ()

    def __new__(cls, dtype, shape):
        return super().__new__(cls, dtype, shape)

    def is_compatible_with(self, other):
        return (isinstance(other, Spec) and self.dtype == other.dtype and
                self.shape.is_compatible_with(other.shape))

    @staticmethod
    def from_value(value):
        from compat_tf._src.ops import constant as _constant
        t = _constant.convert_to_tensor(value)
        return TensorStructure(t.dtype.base_dtype, t.shape)

    def _to_legacy_output_types(self):
        return self.dtype

    def _to_legacy_output_shapes(self):
        return self.shape

    def _to_legacy_output_classes(self):
        from compat_tf._src.framework.graph import Tensor
        return Tensor

    def __repr__(self):
        return f"TensorStructure(dtype={self.dtype!r}, shape={self.shape})"


class _FieldStructure(Structure):
    """A structure described by a few fields (dtype first), compared field by field."""
    __slots__ = ("_fields",)
    _FIELD_NAMES = ()

    def __init__(self, *values):
        object.__setattr__(self, "_fields", values)

    def __getattr__(self, name):
        names = type(self)._FIELD_NAMES
        if name in names:
            return self._fields[names.index(name)]
        raise AttributeError(name)

    def __eq__(self, other):
        return type(self) is type(other) and _key(self._fields) == _key(other._fields)

    def __hash__(self):
        return hash((type(self), self._fields[0]))

    def __repr__(self):
        args = ", ".join(f"{n}={v!r}" for n, v in zip(self._FIELD_NAMES, self._fields))
        return f"{type(self).__name__}({args})"

    def is_compatible_with(self, other):
        if type(self) is not type(other):
            return False
        for a, b in zip(self._fields, other._fields):
            if isinstance(a, _ts.TensorShape):
                if not a.is_compatible_with(b):
                    return False
            elif a != b:
                return False
        return True

    def _to_legacy_output_types(self):
        return self._fields[0]

    def _to_legacy_output_shapes(self):
        return self._fields[1]

    def _to_legacy_output_classes(self):
        return self


def _key(fields):
    return tuple(tuple(f.as_list()) if isinstance(f, _ts.TensorShape) and f.ndims is not None else
                 ("?",) if isinstance(f, _ts.TensorShape) else f for f in fields)


class SparseTensorStructure(_FieldStructure):
    """A SparseTensor of `dtype` and `dense_shape`."""
    __slots__ = ()
    _FIELD_NAMES = ("dtype", "dense_shape")

    def __init__(self, dtype, dense_shape):
        super().__init__(_dtypes.as_dtype(dtype).base_dtype, _ts.as_shape(dense_shape))

    def _to_legacy_output_classes(self):
        from compat_tf._src.framework.sparse_tensor import SparseTensor
        return SparseTensor

    @staticmethod
    def from_value(value):
        from compat_tf._src.framework import shape_inference
        shape = shape_inference.constant_value(value.dense_shape)
        return SparseTensorStructure(value.dtype, _ts.as_shape(shape.tolist()) if shape is not None
                                     else _ts.unknown_shape())


class TensorArrayStructure(_FieldStructure):
    """A TensorArray of `dtype` whose elements have `element_shape`."""
    __slots__ = ()
    _FIELD_NAMES = ("dtype", "element_shape", "dynamic_size", "infer_shape")

    def __init__(self, dtype, element_shape, dynamic_size, infer_shape):
        super().__init__(_dtypes.as_dtype(dtype).base_dtype, _ts.as_shape(element_shape), bool(dynamic_size),
                         bool(infer_shape))


class RaggedTensorStructure(_FieldStructure):
    """A RaggedTensor of `dtype`, `shape` (ragged dims None) and `ragged_rank`."""
    __slots__ = ()
    _FIELD_NAMES = ("dtype", "shape", "ragged_rank")

    def __init__(self, dtype, shape, ragged_rank):
        shape = _ts.as_shape(shape)
        if shape.ndims is not None and not 0 <= ragged_rank < max(shape.ndims, 1):
            raise ValueError(f"ragged_rank must be non-negative and less than the rank ({shape.ndims}); "
                             f"got {ragged_rank}")
        super().__init__(_dtypes.as_dtype(dtype).base_dtype, shape, int(ragged_rank))


class DatasetStructure(_FieldStructure):
    """A Dataset whose elements have `element_structure` (a dataset-valued component)."""
    __slots__ = ()
    _FIELD_NAMES = ("element_structure",)

    def is_compatible_with(self, other):
        from compat_tf._src.data import structure
        if type(other) is not DatasetStructure:
            return False
        a, b = self.element_structure, other.element_structure
        return structure.same_structure(a, b) and all(
            x.is_compatible_with(y) if hasattr(x, "is_compatible_with") else x == y
            for x, y in zip(structure.flatten(a), structure.flatten(b)))

    def _to_legacy_output_types(self):
        return self

    def _to_legacy_output_shapes(self):
        return _ts.scalar()

    @staticmethod
    def from_value(value):
        return DatasetStructure(value.element_spec)
