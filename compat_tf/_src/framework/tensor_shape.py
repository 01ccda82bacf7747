"""Static shapes: mirrors TensorFlow 1.15's `TensorShape` and `Dimension`.

This is the TF1 ("v1 TensorShape") behaviour: indexing or iterating a
`TensorShape` yields `Dimension` objects (use `.value`, `as_list()` or
`dimension_value` for plain ints/None); `Dimension.__eq__` returns None when
either side is unknown; arithmetic on Dimensions propagates unknowns.

Deviations from TF 1.15:
  * No `as_proto()` and no `TensorShapeProto` input (there are no protos).
  * No `enable_v2_tensorshape`/`disable_v2_tensorshape`: always v1.
  * `TensorShape.__eq__`/`__ne__` return NotImplemented (so `==` is False,
    `!=` True) for any value that cannot be converted to a shape, where TF
    lets a ValueError escape for e.g. `[1.5]`.
  * Constructing a shape from another `TensorShape` copies its dims list
    (TF shares it); the `Dimension` objects themselves are shared, so
    equality behaves the same.
  * Dimension values that `int()` rejects with TypeError are reported with a
    message naming the value.
"""

__all__ = [
    "Dimension",
    "TensorShape",
    "as_dimension",
    "as_shape",
    "dimension_value",
    "dimension_at_index",
    "unknown_shape",
    "scalar",
    "vector",
    "matrix",
]


class Dimension(object):
    """Represents the value of one dimension in a `TensorShape`."""

    __slots__ = ("_value",)

    def __init__(self, value):
        if value is None:
            self._value = None
        elif isinstance(value, Dimension):
            self._value = value.value
        else:
            try:
                int_value = int(value)
            except TypeError:
                raise TypeError(
                    "Dimension value must be an integer or None, got %r of type %s"
                    % (value, type(value).__name__)
                ) from None
            if not isinstance(value, (str, bytes)) and int_value != value:
                raise ValueError("Ambiguous dimension: %s" % (value,))
            if int_value < 0:
                raise ValueError("Dimension %d must be >= 0" % int_value)
            self._value = int_value

    @property
    def value(self):
        """The value of this dimension, or None if it is unknown."""
        return self._value

    def __repr__(self):
        return "Dimension(%r)" % (self._value,)

    def __str__(self):
        return "?" if self._value is None else str(self._value)

    def __int__(self):
        return self._value

    def __index__(self):
        return self._value

    def _both_known(self, other):
        return self._value is not None and other.value is not None

    def __eq__(self, other):
        """True/False if both values are known, otherwise None."""
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        if not self._both_known(other):
            return None
        return self._value == other.value

    def __ne__(self, other):
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        if not self._both_known(other):
            return None
        return self._value != other.value

    __hash__ = None  # Like TF: Dimensions are mutable-looking and unhashable.

    def is_compatible_with(self, other):
        """True if `other` is unknown, `self` is unknown, or the values match."""
        other = as_dimension(other)
        return not self._both_known(other) or self._value == other.value

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError("Dimensions %s and %s are not compatible" % (self, other))

    def merge_with(self, other):
        """Combines the information in `self` and `other` (ValueError if they
        are incompatible)."""
        other = as_dimension(other)
        self.assert_is_compatible_with(other)
        if self._value is None:
            return Dimension(other.value)
        return Dimension(self._value)

    def _binary(self, other, fn, reverse=False):
        try:
            other = as_dimension(other)
        except (TypeError, ValueError):
            return NotImplemented
        if not self._both_known(other):
            return Dimension(None)
        if reverse:
            return Dimension(fn(other.value, self._value))
        return Dimension(fn(self._value, other.value))

    def __add__(self, other):
        return self._binary(other, lambda a, b: a + b)

    def __radd__(self, other):
        return self._binary(other, lambda a, b: a + b, reverse=True)

    def __sub__(self, other):
        return self._binary(other, lambda a, b: a - b)

    def __rsub__(self, other):
        return self._binary(other, lambda a, b: a - b, reverse=True)

    def __mul__(self, other):
        return self._binary(other, lambda a, b: a * b)

    def __rmul__(self, other):
        return self._binary(other, lambda a, b: a * b, reverse=True)

    def __floordiv__(self, other):
        return self._binary(other, lambda a, b: a // b)

    def __rfloordiv__(self, other):
        return self._binary(other, lambda a, b: a // b, reverse=True)

    def __mod__(self, other):
        return self._binary(other, lambda a, b: a % b)

    def __rmod__(self, other):
        return self._binary(other, lambda a, b: a % b, reverse=True)

    def __truediv__(self, other):
        raise TypeError(
            "unsupported operand type(s) for /: 'Dimension' and '{}', please use // instead".format(
                type(other).__name__
            )
        )

    def __rtruediv__(self, other):
        raise TypeError(
            "unsupported operand type(s) for /: '{}' and 'Dimension', please use // instead".format(
                type(other).__name__
            )
        )

    def _compare(self, other, fn):
        other = as_dimension(other)
        if not self._both_known(other):
            return None
        return fn(self._value, other.value)

    def __lt__(self, other):
        return self._compare(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._compare(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._compare(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._compare(other, lambda a, b: a >= b)

    def __reduce__(self):
        return Dimension, (self._value,)


def as_dimension(value):
    """Returns `value` if it is a Dimension, else `Dimension(value)`."""
    if isinstance(value, Dimension):
        return value
    return Dimension(value)


def dimension_value(dimension):
    """Returns the plain value (int or None) of a Dimension; other values are
    returned unchanged."""
    if isinstance(dimension, Dimension):
        return dimension.value
    return dimension


def dimension_at_index(shape, index):
    """Returns `shape.dims[index]`, or `Dimension(None)` for unknown rank."""
    assert isinstance(shape, TensorShape)
    if shape.rank is None:
        return Dimension(None)
    return shape.dims[index]


class TensorShape(object):
    """Represents the (possibly partially known) shape of a `Tensor`."""

    __slots__ = ("_dims",)

    def __init__(self, dims):
        if dims is None:
            self._dims = None
        elif isinstance(dims, (str, bytes)):
            raise TypeError(
                "A string has ambiguous TensorShape, please wrap in a list or convert to an int: %s" % (dims,)
            )
        elif isinstance(dims, TensorShape):
            self._dims = None if dims.dims is None else list(dims.dims)
        else:
            try:
                dims_iter = iter(dims)
            except TypeError:
                self._dims = [as_dimension(dims)]  # A single dimension.
            else:
                self._dims = [as_dimension(d) for d in dims_iter]

    @property
    def dims(self):
        """List of `Dimension`s, or None if the rank is unknown."""
        return self._dims

    @property
    def rank(self):
        return None if self._dims is None else len(self._dims)

    @property
    def ndims(self):
        return self.rank

    def __repr__(self):
        return "TensorShape(%r)" % (self._dims,)

    def __str__(self):
        if self._dims is None:
            return "<unknown>"
        if len(self._dims) == 1:
            return "(%s,)" % self._dims[0]
        return "(%s)" % ", ".join(str(d) for d in self._dims)

    def __len__(self):
        if self._dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self._dims)

    def __bool__(self):
        return self._dims is not None

    def __iter__(self):
        if self._dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self._dims)

    def __getitem__(self, key):
        """int key -> `Dimension`; slice -> `TensorShape`."""
        if self._dims is not None:
            if isinstance(key, slice):
                return TensorShape(self._dims[key])
            return self._dims[key]
        if not isinstance(key, slice):
            return Dimension(None)
        if key.step is not None:
            raise ValueError("Steps are not yet handled")
        start = 0 if key.start is None else key.start
        stop = key.stop
        if stop is None or start < 0 or stop < 0:
            return unknown_shape()
        return unknown_shape(rank=max(stop - start, 0))

    def num_elements(self):
        """Total number of elements, or None if not fully defined."""
        if not self.is_fully_defined():
            return None
        size = 1
        for dim in self._dims:
            size *= dim.value
        return size

    def is_fully_defined(self):
        return self._dims is not None and all(d.value is not None for d in self._dims)

    def assert_is_fully_defined(self):
        if not self.is_fully_defined():
            raise ValueError("Shape %s is not fully defined" % self)

    def as_list(self):
        if self._dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return [d.value for d in self._dims]

    def merge_with(self, other):
        """Elementwise `Dimension.merge_with`; ValueError if incompatible."""
        other = as_shape(other)
        if self._dims is None:
            return other
        try:
            self.assert_same_rank(other)
            return TensorShape([d.merge_with(other[i]) for i, d in enumerate(self._dims)])
        except ValueError:
            raise ValueError("Shapes %s and %s are not compatible" % (self, other)) from None

    def concatenate(self, other):
        """Concatenation of dims; unknown rank on either side gives unknown."""
        other = as_shape(other)
        if self._dims is None or other.dims is None:
            return unknown_shape()
        return TensorShape(self._dims + other.dims)

    def __add__(self, other):
        return self.concatenate(as_shape(other))

    def __radd__(self, other):
        return as_shape(other).concatenate(self)

    def assert_same_rank(self, other):
        other = as_shape(other)
        if self.rank is not None and other.rank is not None:
            if self.rank != other.rank:
                raise ValueError("Shapes %s and %s must have the same rank" % (self, other))

    def assert_has_rank(self, rank):
        if self.rank not in (None, rank):
            raise ValueError("Shape %s must have rank %d" % (self, rank))

    def with_rank(self, rank):
        try:
            return self.merge_with(unknown_shape(rank=rank))
        except ValueError:
            raise ValueError("Shape %s must have rank %d" % (self, rank)) from None

    def with_rank_at_least(self, rank):
        if self.rank is not None and self.rank < rank:
            raise ValueError("Shape %s must have rank at least %d" % (self, rank))
        return self

    def with_rank_at_most(self, rank):
        if self.rank is not None and self.rank > rank:
            raise ValueError("Shape %s must have rank at most %d" % (self, rank))
        return self

    def is_compatible_with(self, other):
        """True iff some fully defined shape is represented by both shapes."""
        other = as_shape(other)
        if self._dims is not None and other.dims is not None:
            if self.rank != other.rank:
                return False
            for x_dim, y_dim in zip(self._dims, other.dims):
                if not x_dim.is_compatible_with(y_dim):
                    return False
        return True

    def assert_is_compatible_with(self, other):
        if not self.is_compatible_with(other):
            raise ValueError("Shapes %s and %s are incompatible" % (self, other))

    def most_specific_compatible_shape(self, other):
        """Keeps the dims on which `self` and `other` agree, others unknown."""
        other = as_shape(other)
        if self._dims is None or other.dims is None or self.rank != other.rank:
            return unknown_shape()
        return TensorShape([d1 if d1 == d2 else Dimension(None) for d1, d2 in zip(self._dims, other.dims)])

    def __eq__(self, other):
        """TF1 semantics: compares the dims lists, so an unknown Dimension only
        equals itself (the same object) and two unknown-rank shapes are equal."""
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        return self._dims == other.dims

    def __ne__(self, other):
        try:
            other = as_shape(other)
        except (TypeError, ValueError):
            return NotImplemented
        if self.rank is None or other.rank is None:
            raise ValueError("The inequality of unknown TensorShapes is undefined.")
        if self.rank != other.rank:
            return True
        return self._dims != other.dims

    __hash__ = None

    def __reduce__(self):
        return TensorShape, (self._dims,)


def as_shape(shape):
    """Returns `shape` if it is a TensorShape, else `TensorShape(shape)`."""
    if isinstance(shape, TensorShape):
        return shape
    return TensorShape(shape)


# TF's TensorShape::MaxDimensions(): the highest rank a tensor can have
MAX_RANK = 254


def unknown_shape(rank=None, ndims=None):
    """Unknown shape; with `rank` (or legacy `ndims`) it has that many unknown
    dimensions. A rank above MAX_RANK (a shape vector with a hostile static length in an
    imported graph) is a ValueError, as TF's shape functions reject it, not a huge list."""
    if rank is None:
        rank = ndims
    if rank is None:
        return TensorShape(None)
    if rank > MAX_RANK:
        raise ValueError(f"Shape of rank {rank} has too many dimensions: TensorFlow allows at most {MAX_RANK}")
    return TensorShape([Dimension(None)] * rank)


def scalar():
    return TensorShape([])


def vector(length):
    return TensorShape([length])


def matrix(rows, cols):
    return TensorShape([rows, cols])
