"""Behaviour the graph-construction fast paths must keep (graph.py, constant.py, shape_inference.py,
the broadcasting shape rule): op names in nested scopes, name-scope entry/exit, Const ops built by
the scalar fast path equal to the general path, cached shapes that are not shared mutable state,
and errors that are raised again (never cached)."""
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import shape_inference as si
from compat_tf._src.ops import constant as _constant


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


# -- names ------------------------------------------------------------------------------------

def test_suffixes_in_nested_scopes(graph):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    names = []
    for _ in range(3):
        with tf.name_scope("layer"):
            with tf.name_scope("inner"):
                names.append((x * 2.0 + 1.0).name)
            names.append(tf.tanh(x).name)
    assert names == ["layer/inner/add:0", "layer/Tanh:0",
                     "layer_1/inner/add:0", "layer_1/Tanh:0",
                     "layer_2/inner/add:0", "layer_2/Tanh:0"]
    # the operand constants are named inside the operator's scope, the Mul/Add as the scope
    assert graph.get_operation_by_name("layer_1/inner/mul/y").type == "Const"
    assert graph.get_operation_by_name("layer_1/inner/mul").type == "Mul"
    with tf.name_scope("Layer"):            # case-insensitive uniquification, case kept
        assert tf.identity(x).name == "Layer_3/Identity:0"
    assert tf.constant(1.0, name="layer/inner").name == "layer/inner_1:0"


def test_many_repeated_names_get_consecutive_suffixes(graph):
    a = tf.constant(1.0)
    outs = [tf.add(a, a) for _ in range(25)]
    assert [t.op.name for t in outs] == ["Add"] + [f"Add_{i}" for i in range(1, 25)]
    assert tf.constant(2.0, name="Add_30").op.name == "Add_30"
    assert tf.add(a, a).op.name == "Add_25"


def test_name_scope_restores_on_exception_and_when_dropped(graph):
    with pytest.raises(RuntimeError):
        with graph.name_scope("s"):
            raise RuntimeError("boom")
    assert graph.get_name_scope() == ""
    assert graph.name_scope("t").__enter__() == "t/"
    assert graph.get_name_scope() == ""      # dropped without __exit__: restored (as TF1's generator)
    cm = graph.name_scope("u")
    assert cm.__enter__() == "u/"
    assert graph.get_name_scope() == "u"
    cm.__exit__(None, None, None)
    assert graph.get_name_scope() == ""


def test_name_scope_checks_names_each_time(graph):
    for _ in range(2):
        with pytest.raises(ValueError, match="not a valid scope name"):
            with graph.name_scope("_bad"):          # valid only below the root
                pass
    with graph.name_scope("a"):
        with graph.name_scope("_ok") as s:
            assert s == "a/_ok/"
    with pytest.raises(ValueError, match="not a valid scope name"):
        with graph.name_scope("a b"):
            pass
    with graph.name_scope(b"bytes") as s:
        assert s == "bytes/"


def test_name_scope_as_decorator(graph):
    @graph.name_scope("fn")
    def build():
        return tf.constant(1.0).op.name
    assert build() == "fn/Const"
    assert build() == "fn_1/Const"


# -- constants: the scalar fast path gives what the general path gives -------------------------

DTYPES = [None, tf.float16, tf.bfloat16, tf.float32, tf.float64, tf.int8, tf.int32, tf.int64, tf.uint8,
          tf.uint32, tf.bool, tf.complex64, tf.complex128, tf.string, tf.qint8, tf.resource, tf.float32_ref]
VALUES = [0.5, -2.0, 1e40, 3, -1, 2**31, 2**40, 2**70, True, False, 0]


def _outcome(fn):
    try:
        t = fn()
    except Exception as e:  # noqa: BLE001 - compared as (type, message)
        return type(e), str(e)
    v = t.op.get_attr("value")
    return (t.dtype, t.shape.as_list(), t.op.get_attr("dtype"), v.dtype, v.shape, v.tolist(), t.op.type)


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
def test_scalar_constant_fast_path_matches_general_path(dtype):
    for value in VALUES:
        with np.errstate(all="ignore"):
            fast = _outcome(lambda: tf.constant(value, dtype=dtype))
            slow = _outcome(lambda: _constant._constant_slow(value, dtype, None, "Const", False))
        assert fast == slow, (value, dtype)


def test_convert_to_tensor_scalar_errors_unchanged():
    with pytest.raises(TypeError, match="Expected int32, got 0.5 of type 'float' instead"):
        tf.convert_to_tensor(0.5, dtype=tf.int32)
    with pytest.raises(TypeError, match="Expected bool, got 1 of type 'int' instead"):
        tf.constant(1, dtype=tf.bool)
    x = tf.placeholder(tf.int32, [2])
    with pytest.raises(TypeError):
        x * 0.5


def test_constant_shapes_are_not_shared_mutable_state():
    a, b = tf.constant(1.0), tf.constant(2.0)
    assert a.shape.as_list() == [] and b.shape is not a.shape
    c = tf.constant(np.zeros((2, 3), np.float32))
    d = tf.constant(np.ones((2, 3), np.float32))
    assert c.shape.as_list() == [2, 3] and c.shape is not d.shape
    p = tf.placeholder(tf.float32)
    q = p + 1.0
    q.set_shape([2, 3])
    assert (p + 1.0).shape.ndims is None


# -- broadcasting rule -------------------------------------------------------------------------

def test_broadcast_rule_results_and_errors():
    cases = [([None, 3], [3], [None, 3]), ([2, 1], [1, 5], [2, 5]), ([None, 1], [4, None], [4, None]),
             ([], [None, 2], [None, 2]), ([1], [None], [None]), ([None, 3], [None, 3], [None, 3])]
    for _ in range(2):                        # the second round is served from the cache
        for sa, sb, want in cases:
            a, b = tf.placeholder(tf.float32, sa), tf.placeholder(tf.float32, sb)
            out = a + b
            assert out.shape.as_list() == want and out.dtype == tf.float32
            assert tf.less(a, b).dtype == tf.bool
    x, y = tf.placeholder(tf.float32, [None, 3]), tf.placeholder(tf.float32, [4])
    for i in range(2):                        # raised every time (never cached)
        with pytest.raises(ValueError, match=r"Dimensions must be equal, but are 3 and 4 for "
                                             rf"'add_{12 + i}' \(op: 'AddV2'\) with input "
                                             r"shapes: \[\?,3\], \[4\]\."):
            x + y
    s1 = tf.placeholder(tf.float32, [2, 3]) * 2.0
    s2 = tf.placeholder(tf.float32, [2, 3]) * 2.0
    assert s1.shape is not s2.shape
    s1.set_shape([2, 3])
    assert s2.shape.as_list() == [2, 3]


# -- eval_shape cache key ------------------------------------------------------------------------

def test_cache_key_distinguishes_constant_values_and_attrs():
    x = tf.placeholder(tf.float32, [None, 12])
    assert tf.reshape(x, [-1, 3, 4]).shape.as_list() == [None, 3, 4]
    assert tf.reshape(x, [-1, 4, 3]).shape.as_list() == [None, 4, 3]
    assert tf.reshape(x, [-1, 2, 6]).shape.as_list() == [None, 2, 6]
    m = tf.placeholder(tf.float32, [2, 3])
    assert tf.matmul(m, m, transpose_b=True).shape.as_list() == [2, 2]
    assert tf.matmul(m, m, transpose_a=True).shape.as_list() == [3, 3]
    op = tf.reshape(x, [-1, 3, 4]).op
    consts, key = si._consts_and_key(op)
    assert consts[0] is None and consts[1].tolist() == [-1, 3, 4]
    assert key[0] == "Reshape" and key[1][0][0] == (None, 12)


def test_unhashable_attr_values_are_not_cached(graph):
    x = tf.placeholder(tf.float32, [2, 3])
    op = graph.create_op("Identity", [x], {"odd": {1, 2}.__class__}, output_specs=[(x.shape, tf.float32)])
    consts, key = si._consts_and_key(op)
    assert key is not None        # a type is hashable
    op2 = graph.create_op("Identity", [x], {"odd": [{1, 2}]}, output_specs=[(x.shape, tf.float32)])
    consts, key = si._consts_and_key(op2)
    assert key is None and consts == [None]
