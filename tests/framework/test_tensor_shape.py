"""Tests for compat_tf._src.framework.tensor_shape against TF 1.15 (v1)."""

import copy
import pickle

import numpy as np
import pytest

from compat_tf._src.framework import dtypes
from compat_tf._src.framework import tensor_shape
from compat_tf._src.framework.tensor_shape import Dimension
from compat_tf._src.framework.tensor_shape import TensorShape


# ----------------------------------------------------------------- Dimension


def test_dimension_construction():
    assert Dimension(3).value == 3
    assert Dimension(None).value is None
    assert Dimension(Dimension(4)).value == 4
    assert Dimension(np.int64(5)).value == 5
    assert type(Dimension(np.int64(5)).value) is int
    assert Dimension(2.0).value == 2
    assert Dimension("7").value == 7  # TF 1.15 accepts numeric strings.
    with pytest.raises(ValueError, match="Ambiguous"):
        Dimension(2.5)
    with pytest.raises(ValueError, match="must be >= 0"):
        Dimension(-1)
    with pytest.raises(TypeError):
        Dimension([3])
    with pytest.raises(TypeError):
        Dimension(dtypes.float32)
    with pytest.raises(TypeError):
        Dimension(object())


def test_dimension_repr_str_int_index():
    assert repr(Dimension(3)) == "Dimension(3)"
    assert repr(Dimension(None)) == "Dimension(None)"
    assert str(Dimension(3)) == "3"
    assert str(Dimension(None)) == "?"
    assert int(Dimension(6)) == 6
    assert list(range(Dimension(3))) == [0, 1, 2]
    assert [10, 20, 30][Dimension(1)] == 20
    with pytest.raises(TypeError):
        int(Dimension(None))


def test_dimension_equality_unknown_is_none():
    assert (Dimension(3) == Dimension(3)) is True
    assert (Dimension(3) == Dimension(4)) is False
    assert (Dimension(3) == 3) is True
    assert (3 == Dimension(3)) is True
    assert (Dimension(None) == Dimension(None)) is None
    assert (Dimension(None) == 3) is None
    assert (Dimension(3) == None) is None  # noqa: E711
    assert (Dimension(3) != Dimension(4)) is True
    assert (Dimension(3) != 3) is False
    assert (Dimension(None) != Dimension(3)) is None
    # Unconvertible values fall back to identity comparison.
    assert (Dimension(3) == "abc") is False
    assert (Dimension(3) == 2.5) is False
    with pytest.raises(TypeError):
        hash(Dimension(3))


def test_dimension_ordering():
    assert (Dimension(2) < Dimension(3)) is True
    assert (Dimension(3) <= 3) is True
    assert (Dimension(3) > 4) is False
    assert (Dimension(3) >= Dimension(4)) is False
    assert (Dimension(None) < 3) is None
    assert (Dimension(3) >= Dimension(None)) is None


@pytest.mark.parametrize(
    "op,a,b,expected",
    [
        (lambda x, y: x + y, 3, 4, 7),
        (lambda x, y: x - y, 7, 4, 3),
        (lambda x, y: x * y, 3, 4, 12),
        (lambda x, y: x // y, 7, 2, 3),
        (lambda x, y: x % y, 7, 4, 3),
    ],
)
def test_dimension_arithmetic(op, a, b, expected):
    for lhs, rhs in ((Dimension(a), Dimension(b)), (Dimension(a), b), (a, Dimension(b))):
        result = op(lhs, rhs)
        assert isinstance(result, Dimension)
        assert result.value == expected
    for lhs, rhs in (
        (Dimension(None), Dimension(b)),
        (Dimension(a), None),
        (a, Dimension(None)),
        (Dimension(None), b),
    ):
        result = op(lhs, rhs)
        assert isinstance(result, Dimension) and result.value is None


def test_dimension_arithmetic_errors():
    with pytest.raises(ValueError, match="must be >= 0"):
        Dimension(2) - 3
    with pytest.raises(TypeError, match="//"):
        Dimension(4) / 2
    with pytest.raises(TypeError, match="//"):
        4 / Dimension(2)
    with pytest.raises(TypeError):
        Dimension(4) + "x"
    with pytest.raises(TypeError):
        Dimension(4) + 1.5
    assert (10 - Dimension(3)).value == 7
    assert (10 // Dimension(3)).value == 3
    assert (10 % Dimension(3)).value == 1


def test_dimension_compatibility_and_merge():
    assert Dimension(3).is_compatible_with(3)
    assert Dimension(3).is_compatible_with(None)
    assert Dimension(None).is_compatible_with(Dimension(5))
    assert not Dimension(3).is_compatible_with(4)
    Dimension(None).assert_is_compatible_with(4)
    with pytest.raises(ValueError, match="not compatible"):
        Dimension(3).assert_is_compatible_with(Dimension(4))
    assert Dimension(None).merge_with(5).value == 5
    assert Dimension(5).merge_with(None).value == 5
    assert Dimension(5).merge_with(5).value == 5
    assert Dimension(None).merge_with(None).value is None
    with pytest.raises(ValueError):
        Dimension(5).merge_with(6)


def test_dimension_pickle():
    assert pickle.loads(pickle.dumps(Dimension(7))).value == 7
    assert pickle.loads(pickle.dumps(Dimension(None))).value is None


def test_dimension_helpers():
    assert tensor_shape.as_dimension(3).value == 3
    d = Dimension(4)
    assert tensor_shape.as_dimension(d) is d
    assert tensor_shape.dimension_value(Dimension(3)) == 3
    assert tensor_shape.dimension_value(Dimension(None)) is None
    assert tensor_shape.dimension_value(5) == 5
    assert tensor_shape.dimension_value(None) is None
    assert tensor_shape.dimension_at_index(TensorShape([2, 9]), 1).value == 9
    assert tensor_shape.dimension_at_index(TensorShape(None), 5).value is None


# --------------------------------------------------------------- TensorShape


def test_shape_construction():
    s = TensorShape([2, None, Dimension(3)])
    assert s.as_list() == [2, None, 3]
    assert all(isinstance(d, Dimension) for d in s.dims)
    assert s.rank == 3 and s.ndims == 3
    assert TensorShape((4,)).as_list() == [4]
    assert TensorShape(5).as_list() == [5]  # A scalar is a single dimension.
    assert TensorShape(np.array([1, 2])).as_list() == [1, 2]
    assert TensorShape(s).as_list() == [2, None, 3]
    assert TensorShape([]).as_list() == [] and TensorShape([]).rank == 0
    u = TensorShape(None)
    assert u.dims is None and u.rank is None and u.ndims is None
    with pytest.raises(TypeError, match="string"):
        TensorShape("32")
    with pytest.raises(TypeError):
        TensorShape([1, object()])
    with pytest.raises(ValueError):  # int("a") fails, as in TF 1.15.
        TensorShape([1, "a"])
    with pytest.raises(ValueError):
        TensorShape([1, -2])


def test_as_list_unknown_rank():
    with pytest.raises(
        ValueError,
        match=r"as_list\(\) is not defined on an "
        r"unknown TensorShape\.",
    ):
        TensorShape(None).as_list()


def test_repr_and_str():
    assert repr(TensorShape([2, None])) == "TensorShape([Dimension(2), Dimension(None)])"
    assert repr(TensorShape(None)) == "TensorShape(None)"
    assert repr(TensorShape([])) == "TensorShape([])"
    assert str(TensorShape([2, None])) == "(2, ?)"
    assert str(TensorShape([3])) == "(3,)"
    assert str(TensorShape([None])) == "(?,)"
    assert str(TensorShape([])) == "()"
    assert str(TensorShape(None)) == "<unknown>"


def test_len_iter_bool():
    s = TensorShape([2, None])
    assert len(s) == 2
    dims = list(s)
    assert isinstance(dims[0], Dimension) and dims[0].value == 2
    assert dims[1].value is None
    with pytest.raises(ValueError, match="unknown rank"):
        len(TensorShape(None))
    with pytest.raises(ValueError, match="unknown rank"):
        iter(TensorShape(None))
    assert bool(TensorShape([])) is True  # TF1: known rank, even rank 0.
    assert bool(TensorShape(None)) is False


def test_getitem():
    s = TensorShape([1, 2, None, 4])
    assert isinstance(s[1], Dimension) and s[1].value == 2
    assert s[-1].value == 4
    assert s[2].value is None
    sl = s[1:3]
    assert isinstance(sl, TensorShape) and sl.as_list() == [2, None]
    assert s[::2].as_list() == [1, None]
    with pytest.raises(IndexError):
        s[4]
    u = TensorShape(None)
    assert isinstance(u[3], Dimension) and u[3].value is None
    assert u[1:4].as_list() == [None, None, None]
    assert u[:2].as_list() == [None, None]
    assert u[1:].dims is None
    assert u[-2:].dims is None
    with pytest.raises(ValueError, match="Steps"):
        u[::2]


def test_num_elements_and_fully_defined():
    assert TensorShape([2, 3, 4]).num_elements() == 24
    assert TensorShape([]).num_elements() == 1
    assert TensorShape([0, 5]).num_elements() == 0
    assert TensorShape([2, None]).num_elements() is None
    assert TensorShape(None).num_elements() is None
    assert TensorShape([2, 3]).is_fully_defined()
    assert not TensorShape([2, None]).is_fully_defined()
    assert not TensorShape(None).is_fully_defined()
    TensorShape([1]).assert_is_fully_defined()
    with pytest.raises(ValueError, match="not fully defined"):
        TensorShape([None]).assert_is_fully_defined()


def test_compatibility():
    a = TensorShape([32, 784])
    assert a.is_compatible_with([32, None])
    assert a.is_compatible_with(TensorShape([None, None]))
    assert a.is_compatible_with(TensorShape(None))
    assert TensorShape(None).is_compatible_with([1, 2, 3])
    assert not a.is_compatible_with([None])
    assert not a.is_compatible_with([32, 1, 784])
    assert not a.is_compatible_with([64, None])
    a.assert_is_compatible_with([None, 784])
    with pytest.raises(ValueError, match="incompatible"):
        a.assert_is_compatible_with([4, 4])


def test_merge_with():
    m = TensorShape([None, 3]).merge_with([2, None])
    assert m.as_list() == [2, 3]
    assert TensorShape(None).merge_with([1, None]).as_list() == [1, None]
    assert TensorShape([1, None]).merge_with(TensorShape(None)).as_list() == [1, None]
    with pytest.raises(ValueError, match="not compatible"):
        TensorShape([1, 2]).merge_with([1, 3])
    with pytest.raises(ValueError, match="not compatible"):
        TensorShape([1, 2]).merge_with([1, 2, 3])


def test_concatenate_and_add():
    a, b = TensorShape([1, None]), TensorShape([3])
    assert a.concatenate(b).as_list() == [1, None, 3]
    assert a.concatenate([4, 5]).as_list() == [1, None, 4, 5]
    assert a.concatenate(None).dims is None
    assert TensorShape(None).concatenate(a).dims is None
    assert (a + b).as_list() == [1, None, 3]
    assert (a + [7]).as_list() == [1, None, 7]
    r = [7] + a
    assert isinstance(r, TensorShape) and r.as_list() == [7, 1, None]
    assert a.as_list() == [1, None]  # operands unchanged


def test_rank_helpers():
    s = TensorShape([1, 2])
    assert s.with_rank(2) is not None and s.with_rank(2).as_list() == [1, 2]
    assert TensorShape(None).with_rank(3).as_list() == [None, None, None]
    with pytest.raises(ValueError, match="must have rank 3"):
        s.with_rank(3)
    assert s.with_rank_at_least(1) is s
    assert s.with_rank_at_most(2) is s
    with pytest.raises(ValueError, match="at least 3"):
        s.with_rank_at_least(3)
    with pytest.raises(ValueError, match="at most 1"):
        s.with_rank_at_most(1)
    u = TensorShape(None)
    assert u.with_rank_at_least(5) is u and u.with_rank_at_most(0) is u
    s.assert_has_rank(2)
    u.assert_has_rank(7)
    with pytest.raises(ValueError, match="must have rank 1"):
        s.assert_has_rank(1)
    s.assert_same_rank([None, None])
    s.assert_same_rank(None)
    with pytest.raises(ValueError, match="same rank"):
        s.assert_same_rank([1])


def test_most_specific_compatible_shape():
    a = TensorShape([2, 1, 3])
    r = a.most_specific_compatible_shape([5, 1, 3])
    assert r.as_list() == [None, 1, 3]
    assert a.most_specific_compatible_shape(a).as_list() == [2, 1, 3]
    assert a.most_specific_compatible_shape([None, 1, 3]).as_list() == [None, 1, 3]
    assert a.most_specific_compatible_shape([2, 1]).dims is None
    assert a.most_specific_compatible_shape(None).dims is None


def test_equality_tf1_semantics():
    assert TensorShape([1, 2]) == TensorShape([1, 2])
    assert TensorShape([1, 2]) == [1, 2]
    assert TensorShape([1, 2]) == (1, 2)
    assert not TensorShape([1, 2]) == [1, 3]
    assert not TensorShape([1, 2]) == [1, 2, 3]
    # Unknown dims are never equal unless they are the same object.
    assert not TensorShape([None]) == TensorShape([None])
    s = TensorShape([3, None])
    assert s == s
    assert s == TensorShape(s)
    assert not s == [3, None]
    # Unknown-rank shapes compare equal (their dims are both None).
    assert TensorShape(None) == TensorShape(None)
    assert not TensorShape(None) == TensorShape([])
    # Garbage is never equal and does not raise.
    assert not TensorShape([1]) == "abc"
    assert not TensorShape([1]) == [1.5]
    assert not TensorShape([1]) == object()


def test_inequality():
    assert TensorShape([1, 2]) != [1, 3]
    assert TensorShape([1, 2]) != [1, 2, 3]
    assert not TensorShape([1, 2]) != [1, 2]
    assert TensorShape([None]) != TensorShape([None])
    with pytest.raises(ValueError, match="undefined"):
        TensorShape(None) != TensorShape([1])
    with pytest.raises(ValueError, match="undefined"):
        TensorShape([1]) != TensorShape(None)
    assert TensorShape([1]) != "abc"


def test_unhashable_and_pickle():
    with pytest.raises(TypeError):
        hash(TensorShape([1]))
    for s in (TensorShape([2, None, 3]), TensorShape(None), TensorShape([])):
        t = pickle.loads(pickle.dumps(s))
        assert t.dims is None if s.dims is None else t.as_list() == s.as_list()
        assert copy.deepcopy(s).rank == s.rank


def test_module_constructors():
    assert tensor_shape.as_shape([1, None]).as_list() == [1, None]
    s = TensorShape([1])
    assert tensor_shape.as_shape(s) is s
    assert tensor_shape.unknown_shape().dims is None
    assert tensor_shape.unknown_shape(2).as_list() == [None, None]
    assert tensor_shape.unknown_shape(ndims=3).as_list() == [None] * 3
    assert tensor_shape.unknown_shape(rank=0).as_list() == []
    assert tensor_shape.scalar().as_list() == []
    assert tensor_shape.scalar().rank == 0
    assert tensor_shape.vector(5).as_list() == [5]
    assert tensor_shape.vector(None).as_list() == [None]
    assert tensor_shape.matrix(2, None).as_list() == [2, None]


def test_copy_does_not_alias_dims_list():
    s = TensorShape([1, 2])
    t = TensorShape(s)
    t.dims.append(Dimension(3))
    assert s.as_list() == [1, 2]


def test_unknown_shape_of_a_hostile_rank_is_a_value_error():
    # a shape vector with a static length of 2**40 in an imported graph: TF's shape functions reject
    # ranks above 254; building a list of 2**40 dimensions would exhaust memory (found by fuzzing)
    assert tensor_shape.unknown_shape(rank=254).ndims == 254
    with pytest.raises(ValueError, match="at most 254"):
        tensor_shape.unknown_shape(rank=2 ** 40)
