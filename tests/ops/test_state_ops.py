"""Ref-variable state ops (TF1 semantics): assign*, scatter*, count_up_to, ordering by control dependencies."""

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.ops import state_ops


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def session_with(*variables):
    s = tf.Session()
    s.run(tf.variables_initializer(list(variables)))
    return s


# --------------------------------------------------------------------------------------------
# assign
# --------------------------------------------------------------------------------------------

def test_assign_op_and_value_after():
    v = tf.Variable([1.0, 2.0], name="v")
    a = tf.assign(v, [3.0, 4.0])
    assert a.op.type == "Assign" and a.op.name == "Assign" and a.dtype == tf.float32_ref
    assert a.op.get_attr("validate_shape") is True and a.op.get_attr("use_locking") is True
    with session_with(v) as s:
        np.testing.assert_array_equal(s.run(a), [3.0, 4.0])
        np.testing.assert_array_equal(s.run(v), [3.0, 4.0])


def test_assign_validate_shape():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        tf.assign(v, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        tf.assign(v, 5.0)     # no broadcasting with validate_shape=True
    a = tf.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
    assert a.shape.as_list() == [3]
    with session_with(v) as s:
        np.testing.assert_array_equal(s.run(a), [1.0, 2.0, 3.0])
        np.testing.assert_array_equal(s.run(v), [1.0, 2.0, 3.0])


def test_assign_converts_python_values_to_variable_dtype_and_rejects_others():
    v = tf.Variable([1, 2], dtype=tf.int64)
    a = tf.assign(v, [5, 6])
    with session_with(v) as s:
        got = s.run(a)
    assert got.dtype == np.int64 and list(got) == [5, 6]
    with pytest.raises((TypeError, ValueError)):
        tf.assign(v, tf.constant([1.0, 2.0]))
    with pytest.raises(TypeError):
        tf.assign(tf.constant([1.0]), [2.0])


def test_assign_from_placeholder_runtime_shape():
    v = tf.Variable([0.0, 0.0])
    p = tf.placeholder(tf.float32, [None])
    a = tf.assign(v, p)
    with session_with(v) as s:
        np.testing.assert_array_equal(s.run(a, {p: [1.0, 2.0]}), [1.0, 2.0])


# --------------------------------------------------------------------------------------------
# assign_add / assign_sub
# --------------------------------------------------------------------------------------------

def test_assign_add_sub_values_and_ops():
    v = tf.Variable([1.0, 2.0])
    add = tf.assign_add(v, [10.0, 20.0])
    sub = tf.assign_sub(v, [1.0, 1.0])
    assert (add.op.type, add.op.name, sub.op.type) == ("AssignAdd", "AssignAdd", "AssignSub")
    assert add.op.get_attr("use_locking") is False
    with session_with(v) as s:
        np.testing.assert_array_equal(s.run(add), [11.0, 22.0])
        np.testing.assert_array_equal(s.run(add), [21.0, 42.0])
        np.testing.assert_array_equal(s.run(sub), [20.0, 41.0])
        np.testing.assert_array_equal(s.run(v), [20.0, 41.0])


def test_assign_add_requires_equal_shapes_as_tf1():
    # TF1's AssignAdd shape function merges both shapes: a scalar does not broadcast
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        tf.assign_add(v, 1.0)
    with pytest.raises(ValueError):
        tf.assign_sub(v, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        v.assign_add(1.0)
    p = tf.placeholder(tf.float32)
    inc = tf.assign_add(v, p)
    with session_with(v) as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="must be the same size"):
            s.run(inc, {p: 1.0})
        np.testing.assert_array_equal(s.run(v), [1.0, 2.0])   # the failed run wrote nothing
        np.testing.assert_array_equal(s.run(inc, {p: [1.0, 1.0]}), [2.0, 3.0])


def test_assign_add_scalar_variable_and_ints():
    step = tf.Variable(0, name="step")
    inc = tf.assign_add(step, 1)
    c = tf.Variable(10, dtype=tf.int64)
    dec = tf.assign_sub(c, 3)
    with session_with(step, c) as s:
        for _ in range(3):
            s.run(inc)
        assert s.run(step) == 3
        got = s.run(dec)
        assert got == 7 and got.dtype == np.int64


def test_variable_methods_use_the_state_ops():
    v = tf.Variable([1.0, 2.0])
    a = v.assign([5.0, 6.0])
    b = v.assign_add([1.0, 1.0])
    c = v.assign_sub([2.0, 2.0])
    assert [t.op.type for t in (a, b, c)] == ["Assign", "AssignAdd", "AssignSub"]
    with session_with(v) as s:
        s.run(a)
        s.run(b)
        np.testing.assert_array_equal(s.run(c), [4.0, 5.0])


# --------------------------------------------------------------------------------------------
# reads ordered by control dependencies
# --------------------------------------------------------------------------------------------

def test_reads_after_assign_via_control_dependencies():
    v = tf.Variable(1.0)
    a = tf.assign(v, 5.0)
    with tf.control_dependencies([a]):
        after = tf.identity(v) * 2.0
        read = v.read_value()
    with session_with(v) as s:
        assert s.run(after) == 10.0
        assert s.run(read) == 5.0


def test_chained_updates_with_control_dependencies():
    v = tf.Variable(0.0)
    a1 = tf.assign_add(v, 1.0)
    with tf.control_dependencies([a1]):
        a2 = tf.assign_add(v, 10.0)
    with tf.control_dependencies([a2]):
        out = tf.identity(v)
    with session_with(v) as s:
        assert s.run(out) == 11.0
        assert s.run(out) == 22.0


def test_assign_output_feeds_later_ops():
    v = tf.Variable([1.0, 2.0])
    doubled = tf.assign(v, v * 2.0) + 1.0
    with session_with(v) as s:
        np.testing.assert_array_equal(s.run(doubled), [3.0, 5.0])
        np.testing.assert_array_equal(s.run(v), [2.0, 4.0])


def test_uninitialized_variable_raises():
    v = tf.Variable([1.0])
    a = tf.assign_add(v, [1.0])
    with tf.Session() as s:
        with pytest.raises(tf.errors.FailedPreconditionError):
            s.run(a)
        assert not s.run(tf.is_variable_initialized(v))
        s.run(tf.assign(v, [3.0]))     # an assign initializes it
        assert s.run(tf.is_variable_initialized(v))
        np.testing.assert_array_equal(s.run(a), [4.0])


# --------------------------------------------------------------------------------------------
# scatter updates on ref variables
# --------------------------------------------------------------------------------------------

BASE = np.arange(1.0, 13.0).reshape(4, 3)
IDX = np.array([2, 0, 2])
UPD = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]])


def _np_scatter(kind):
    out = BASE.copy()
    for i, u in zip(IDX, UPD):
        if kind == "update":
            out[i] = u
        elif kind == "add":
            out[i] += u
        elif kind == "sub":
            out[i] -= u
        elif kind == "mul":
            out[i] *= u
        elif kind == "div":
            out[i] /= u
        elif kind == "min":
            out[i] = np.minimum(out[i], u)
        elif kind == "max":
            out[i] = np.maximum(out[i], u)
    return out


@pytest.mark.parametrize("kind", ["update", "add", "sub", "mul", "div", "min", "max"])
def test_scatter_ops(kind):
    fn = getattr(tf, "scatter_" + kind)
    v = tf.Variable(BASE)
    upd = UPD if kind != "update" else UPD[[0, 1, 1]]   # update: duplicate indices, same value
    idx = IDX if kind != "update" else np.array([2, 0, 3])
    out = fn(v, idx, upd, use_locking=True)
    assert out.op.type == "Scatter" + kind.capitalize() and out.dtype == tf.float64_ref
    want = _np_scatter(kind) if kind != "update" else None
    if kind == "update":
        want = BASE.copy()
        want[[2, 0, 3]] = upd
    with session_with(v) as s:
        np.testing.assert_allclose(s.run(out), want)
        np.testing.assert_allclose(s.run(v), want)


def test_scatter_update_scalar_index_and_ints():
    v = tf.Variable([1, 2, 3])
    u = tf.scatter_update(v, 1, 9)
    a = tf.scatter_add(v, [0, 0], [5, 5])
    with session_with(v) as s:
        np.testing.assert_array_equal(s.run(u), [1, 9, 3])
        np.testing.assert_array_equal(s.run(a), [11, 9, 3])


def test_scatter_nd_ops():
    v = tf.Variable(np.zeros((3, 2)))
    up = tf.scatter_nd_update(v, [[0, 1], [2, 0]], [5.0, 6.0])
    add = tf.scatter_nd_add(v, [[0], [0]], [[1.0, 1.0], [2.0, 2.0]])
    sub = tf.scatter_nd_sub(v, [[1, 1]], [3.0], use_locking=True)
    assert (up.op.type, add.op.type, sub.op.type) == ("ScatterNdUpdate", "ScatterNdAdd", "ScatterNdSub")
    with session_with(v) as s:
        np.testing.assert_array_equal(s.run(up), [[0, 5], [0, 0], [6, 0]])
        np.testing.assert_array_equal(s.run(add), [[3, 8], [0, 0], [6, 0]])
        np.testing.assert_array_equal(s.run(sub), [[3, 8], [0, -3], [6, 0]])


def test_scatter_shape_errors():
    v = tf.Variable(BASE)
    with pytest.raises(ValueError):
        tf.scatter_update(v, [0, 1], np.ones((2, 4)))
    with pytest.raises(TypeError):
        tf.scatter_add(tf.constant(BASE), [0], np.ones((1, 3)))


# --------------------------------------------------------------------------------------------
# count_up_to
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", [tf.int32, tf.int64])
def test_count_up_to(dtype):
    v = tf.Variable(0, dtype=dtype)
    c = state_ops.count_up_to(v, 3)
    assert c.op.type == "CountUpTo" and c.dtype == dtype and c.shape.as_list() == []
    assert c.op.get_attr("limit") == 3
    with session_with(v) as s:
        assert [int(s.run(c)) for _ in range(3)] == [0, 1, 2]   # the value before the increment
        assert s.run(v) == 3
        with pytest.raises(tf.errors.OutOfRangeError, match="Reached limit of 3"):
            s.run(c)
        assert s.run(v) == 3


def test_count_up_to_argument_checks():
    with pytest.raises(TypeError):
        state_ops.count_up_to(tf.Variable(0.0), 3)
    with pytest.raises(ValueError):
        state_ops.count_up_to(tf.Variable([0, 0]), 3)
    with pytest.raises(TypeError):
        state_ops.count_up_to(tf.constant(0), 3)


def test_count_up_to_ordered_with_other_updates():
    v = tf.Variable(0)
    c = state_ops.count_up_to(v, 10)
    with tf.control_dependencies([c]):
        doubled = tf.identity(v) * 2
    with session_with(v) as s:
        assert s.run(doubled) == 2
        assert [int(x) for x in s.run([c, doubled])] == [1, 4]   # fetched together: increments once
        assert s.run(v) == 2


def test_variable_count_up_to_method_and_top_level_name():
    with tf.Graph().as_default():
        v = tf.Variable(0, dtype=tf.int64)
        c = v.count_up_to(2)
        assert tf.count_up_to is not None and c.op.type == "CountUpTo"
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert [sess.run(c), sess.run(c)] == [0, 1]
            with pytest.raises(tf.errors.OutOfRangeError):
                sess.run(c)
            assert sess.run(v) == 2
