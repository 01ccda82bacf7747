"""Fast shape rules (shape_inference._FAST_RULES) give what jax.eval_shape of the lowering gives.

A fast rule stands in for the abstract evaluation of an op's lowering on common op types
(element-wise float ops, Cast, MatMul, BiasAdd, Fill, reductions, sparse softmax xent). Each
must either return exactly the (shape, dtype) list the evaluation (with its unknown-dimension
probing and fallbacks) returns, or None to leave the case to the evaluation. Here both are run on
the same ops over many shapes (known, partially known, unknown rank, mismatched) and dtypes.
"""
import itertools

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import registry
from compat_tf._src.framework import shape_inference as si
from compat_tf._src.framework import tensor_shape as _ts

FLOATS = [tf.float16, tf.bfloat16, tf.float32, tf.float64]
OTHERS = [tf.int32, tf.int64, tf.int8, tf.uint8, tf.complex64, tf.bool]
SHAPES = [None, [], [3], [None], [2, 3], [None, 3], [2, None], [None, None], [1, 4, 5],
          [None, 4, 1], [2, 3, 4, 5], [None, 5, 5, 2], [0, 3]]
FEW_SHAPES = [None, [], [None], [2, None, 4], [0, 3]]


def _specs(specs):
    return [(None if s.ndims is None else s.as_list(), d) for s, d in specs]


def _check(op):
    """The fast rule's answer (when it gives one) equals the abstract evaluation's."""
    fast = si._FAST_RULES[op.type](op)
    consts, _ = si._consts_and_key(op)
    slow = si._infer_uncached(op, registry.get(op.type), consts)
    if fast is not None:
        assert _specs(fast) == _specs(slow), (op.type, [(t.shape, t.dtype) for t in op.inputs], op.attrs)
        assert all(isinstance(s, _ts.TensorShape) for s, _ in fast)
    return fast


def _op(op_type, inputs, attrs=None):
    g = tf.get_default_graph()
    n = registry.get(op_type).num_outputs
    n = n if isinstance(n, int) else 2
    return g.create_op(op_type, inputs, attrs or {}, output_specs=[(_ts.unknown_shape(), tf.float32)] * n)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.mark.parametrize("op_type", si._SAME_SHAPE_FLOAT_OPS)
def test_unary_float_ops(op_type):
    covered = 0
    for dt, shape in itertools.product(FLOATS + [tf.int32, tf.complex64, tf.bool], FEW_SHAPES):
        x = tf.placeholder(dt, shape)
        attrs = {"alpha": 0.2} if op_type == "LeakyRelu" else {}
        covered += _check(_op(op_type, [x], attrs)) is not None
    assert covered == len(FLOATS) * (len(FEW_SHAPES) - 1)     # every float input of known rank


def test_unary_fast_rule_keeps_partially_known_shapes():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.tanh(x)
    assert y.shape.as_list() == [None, 3] and y.dtype == tf.float32
    assert y.shape is not x.shape          # its own TensorShape
    y.set_shape([5, 3])
    assert x.shape.as_list() == [None, 3]


def test_cast():
    covered = 0
    for src, dst, shape in itertools.product(FLOATS + OTHERS, FLOATS + OTHERS, [[], [None, 3]]):
        x = tf.placeholder(src, shape)
        op = _op("Cast", [x], {"DstT": dst, "SrcT": src, "Truncate": False})
        covered += _check(op) is not None
    assert covered == 200


MATMUL_SHAPES = [[2, 3], [None, 3], [3, 4], [3, None], [None, None], [4, 2], [3], None, [2, 3, 4], [3, 0]]


@pytest.mark.parametrize("dt", [tf.float32, tf.bfloat16, tf.int8, tf.complex128])
def test_matmul(dt):
    covered = 0
    for sa, sb, (ta, tb) in itertools.product(MATMUL_SHAPES, MATMUL_SHAPES, [(False, False), (True, True)]):
        a, b = tf.placeholder(dt, sa), tf.placeholder(dt, sb)
        covered += _check(_op("MatMul", [a, b], {"transpose_a": ta, "transpose_b": tb})) is not None
    assert covered >= 12
    # mixed dtypes are left to the evaluation
    a, b = tf.placeholder(tf.float32, [2, 3]), tf.placeholder(tf.float64, [3, 4])
    assert si._FAST_RULES["MatMul"](_op("MatMul", [a, b])) is None


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW", b"NCHW"])
def test_bias_add(fmt):
    covered = 0
    for dt in [tf.float32, tf.int32]:
        values = FEW_SHAPES + [[2, 3], [None, 5, 5, 2], [None, 3]]
        for sv, sb in itertools.product(values, [[3], [2], [None], None, [3, 1]]):
            v, b = tf.placeholder(dt, sv), tf.placeholder(dt, sb)
            covered += _check(_op("BiasAdd", [v, b], {"data_format": fmt})) is not None
    assert covered >= 4


@pytest.mark.parametrize("value_dt", FLOATS + OTHERS)
def test_fill(value_dt):
    covered = 0
    for dims in [[], [3], [2, 3], [0, 4], [1, 1, 1, 2]]:
        for dims_dt in (np.int32, np.int64):
            d = tf.constant(np.array(dims, dims_dt).reshape(-1))
            v = tf.placeholder(value_dt, [])
            covered += _check(_op("Fill", [d, v])) is not None
    for dims_dt in (tf.int32, tf.int64):      # dims known only at run time
        d = tf.placeholder(dims_dt, [2])
        covered += _check(_op("Fill", [d, tf.placeholder(value_dt, [])])) is not None
        d = tf.shape(tf.placeholder(tf.float32, [None, 3]), out_type=dims_dt)
        covered += _check(_op("Fill", [d, tf.placeholder(value_dt, [])])) is not None
    assert covered == 14


@pytest.mark.parametrize("op_type", ["Sum", "Mean", "Max", "Min", "Prod"])
def test_reductions(op_type):
    covered = 0
    axes = [[], [1], [-1], [1, 1], [-2, 1], [3], [-4], 0]
    shapes = [None, [], [None], [2, 3], [None, 4, 1], [2, 0, 4, 5]]
    for dt, shape, axis, keep in itertools.product([tf.float32, tf.bfloat16, tf.int32], shapes, axes, [False, True]):
        x = tf.placeholder(dt, shape)
        a = tf.constant(np.array(axis, np.int32))
        covered += _check(_op(op_type, [x, a], {"keep_dims": keep})) is not None
    x = tf.placeholder(tf.float32, [2, 3])
    a = tf.placeholder(tf.int32, [1])             # axis known only at run time
    assert si._FAST_RULES[op_type](_op(op_type, [x, a], {"keep_dims": False})) is None
    assert covered >= 40


def test_sparse_softmax_cross_entropy():
    covered = 0
    for dt, ldt in [(tf.float32, tf.int32), (tf.float16, tf.int64), (tf.int32, tf.int32), (tf.float32, tf.float32)]:
        for sf, sl in itertools.product([[4, 10], [None, 10], [None, None], [4, None], [3, 4, 5], None],
                                        [[4], [None], [5], [1], [], None]):
            f, lab = tf.placeholder(dt, sf), tf.placeholder(ldt, sl)
            covered += _check(_op("SparseSoftmaxCrossEntropyWithLogits", [f, lab])) is not None
    assert covered >= 4


def test_ref_inputs_read_as_values():
    v = tf.Variable(np.ones((3, 4), np.float32))
    y = tf.tanh(v._variable if hasattr(v, "_variable") else v)
    assert y.dtype == tf.float32 and y.shape.as_list() == [3, 4]
    m = tf.matmul(v, tf.ones([4, 2]))
    assert m.dtype == tf.float32 and m.shape.as_list() == [3, 2]
