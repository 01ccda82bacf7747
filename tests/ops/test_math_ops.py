"""Math ops against NumPy: values, TF1 op types/names, dtype rules, and gradients (TF1's math_grad.py)."""

import numpy as np
import pytest
import scipy.special as sps

import compat_tf as tf
import _gradcheck
from _gradcheck import run


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def check(tf_fn, np_fn, *xs, rtol=1e-6, atol=1e-8, seed=0):
    """Values and tf.gradients of tf_fn against np_fn and central differences."""
    _gradcheck.check(tf_fn, np_fn, *xs, rtol=rtol, atol=atol, value_rtol=1e-10, value_atol=1e-12, seed=seed)


RS = np.random.RandomState(7)


# --------------------------------------------------------------------------------------------
# element-wise unary: values and analytic derivatives
# --------------------------------------------------------------------------------------------

# name -> (numpy value, numpy derivative, input sampler)
_ANY = lambda: RS.uniform(-2, 2, (2, 3))  # noqa: E731
_POS = lambda: RS.uniform(0.2, 3, (2, 3))  # noqa: E731
_UNIT = lambda: RS.uniform(-0.9, 0.9, (2, 3))  # noqa: E731
UNARY = {
    "abs": (np.abs, np.sign, _ANY),
    "negative": (np.negative, lambda x: -np.ones_like(x), _ANY),
    "square": (np.square, lambda x: 2 * x, _ANY),
    "sqrt": (np.sqrt, lambda x: 0.5 / np.sqrt(x), _POS),
    "rsqrt": (lambda x: x ** -0.5, lambda x: -0.5 * x ** -1.5, _POS),
    "exp": (np.exp, np.exp, _ANY),
    "expm1": (np.expm1, np.exp, _ANY),
    "log": (np.log, lambda x: 1 / x, _POS),
    "log1p": (np.log1p, lambda x: 1 / (1 + x), _UNIT),
    "sin": (np.sin, np.cos, _ANY),
    "cos": (np.cos, lambda x: -np.sin(x), _ANY),
    "tan": (np.tan, lambda x: 1 / np.cos(x) ** 2, _UNIT),
    "asin": (np.arcsin, lambda x: 1 / np.sqrt(1 - x * x), _UNIT),
    "acos": (np.arccos, lambda x: -1 / np.sqrt(1 - x * x), _UNIT),
    "atan": (np.arctan, lambda x: 1 / (1 + x * x), _ANY),
    "sinh": (np.sinh, np.cosh, _ANY),
    "cosh": (np.cosh, np.sinh, _ANY),
    "tanh": (np.tanh, lambda x: 1 - np.tanh(x) ** 2, _ANY),
    "asinh": (np.arcsinh, lambda x: 1 / np.sqrt(x * x + 1), _ANY),
    "acosh": (np.arccosh, lambda x: 1 / np.sqrt(x * x - 1), lambda: RS.uniform(1.2, 3, (2, 3))),
    "atanh": (np.arctanh, lambda x: 1 / (1 - x * x), _UNIT),
    "sigmoid": (sps.expit, lambda x: sps.expit(x) * (1 - sps.expit(x)), _ANY),
    "erf": (sps.erf, lambda x: 2 / np.sqrt(np.pi) * np.exp(-x * x), _ANY),
    "erfc": (sps.erfc, lambda x: -2 / np.sqrt(np.pi) * np.exp(-x * x), _ANY),
    "reciprocal": (lambda x: 1 / x, lambda x: -1 / x ** 2, _POS),
    "lgamma": (sps.gammaln, sps.digamma, _POS),
    "digamma": (sps.digamma, lambda x: sps.polygamma(1, x), _POS),
    "sign": (np.sign, np.zeros_like, _ANY),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_values_and_gradients(name):
    f, df, sample = UNARY[name]
    x = sample()
    w = RS.randn(*x.shape)
    t = tf.constant(x)
    y = getattr(tf, name)(t)
    assert y.dtype == tf.float64 and y.shape.as_list() == [2, 3]
    g = tf.gradients(y, t, grad_ys=tf.constant(w))[0]
    got_y, got_g = run([y, g])
    np.testing.assert_allclose(got_y, f(x), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(got_g, w * df(x), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("name,op_type", [("abs", "Abs"), ("negative", "Neg"), ("sqrt", "Sqrt"), ("exp", "Exp"),
                                          ("sigmoid", "Sigmoid"), ("reciprocal", "Reciprocal"),
                                          ("rsqrt", "Rsqrt"), ("floor", "Floor"), ("round", "Round")])
def test_unary_op_types_and_default_names(name, op_type):
    y = getattr(tf, name)(tf.constant([1.0, 2.0]))
    assert y.op.type == op_type and y.op.name == op_type
    assert getattr(tf, name)(tf.constant([1.0]), name="mine").op.name == "mine"


def test_unary_float32_keeps_dtype():
    x = np.array([-1.5, 0.25, 4.0], np.float32)
    for fn in (tf.abs, tf.square, tf.exp, tf.tanh, tf.sigmoid):
        assert fn(tf.constant(x)).dtype == tf.float32
    np.testing.assert_allclose(run(tf.exp(tf.constant(x))), np.exp(x), rtol=1e-6)


def test_abs_gradient_at_zero_is_zero_as_tf1():
    # TF1 _AbsGrad: grad * sign(x); JAX would give 1 at 0
    x = tf.constant([0.0, -2.0, 3.0, -0.0])
    np.testing.assert_array_equal(run(tf.gradients(tf.abs(x), x)[0]), [0.0, -1.0, 1.0, 0.0])
    x64 = tf.constant(np.zeros((2, 2)))
    np.testing.assert_array_equal(run(tf.gradients(tf.reduce_sum(tf.abs(x64) * 3.0), x64)[0]), np.zeros((2, 2)))


def test_abs_of_ints_and_complex():
    np.testing.assert_array_equal(run(tf.abs(tf.constant([-3, 0, 2]))), [3, 0, 2])
    c = tf.abs(tf.constant([3 + 4j, -1j], tf.complex64))
    assert c.op.type == "ComplexAbs" and c.dtype == tf.float32
    np.testing.assert_allclose(run(c), [5.0, 1.0])


def test_sqrt_gradient_at_zero_is_inf():
    x = tf.constant([0.0, 4.0])
    np.testing.assert_array_equal(run(tf.gradients(tf.sqrt(x), x)[0]), [np.inf, 0.25])


@pytest.mark.parametrize("name,np_fn", [("floor", np.floor), ("ceil", np.ceil), ("round", np.round),
                                        ("rint", np.rint)])
def test_rounding_values_and_no_gradient(name, np_fn):
    v = np.array([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 2.7, -2.2])
    x = tf.constant(v)
    y = getattr(tf, name)(x)
    np.testing.assert_array_equal(run(y), np_fn(v))   # round/rint: half to even, as TF1 and NumPy
    assert tf.gradients(y, x) == [None]               # TF1 registers a None gradient
    g = tf.gradients(x * 2.0 + y, x)[0]               # other paths still differentiate
    np.testing.assert_array_equal(run(g), np.full(8, 2.0))


def test_round_of_ints_is_identity():
    x = tf.constant([1, -2, 3])
    assert tf.round(x) is x


def test_sign_values():
    np.testing.assert_array_equal(run(tf.sign(tf.constant([-2.0, 0.0, 3.0]))), [-1, 0, 1])
    np.testing.assert_array_equal(run(tf.sign(tf.constant([-2, 0, 3]))), [-1, 0, 1])


def test_is_nan_inf_finite():
    v = np.array([np.nan, np.inf, -np.inf, 1.0])
    a, b, c = run([tf.is_nan(v), tf.is_inf(v), tf.is_finite(v)])
    np.testing.assert_array_equal(a, np.isnan(v))
    np.testing.assert_array_equal(b, np.isinf(v))
    np.testing.assert_array_equal(c, np.isfinite(v))


# --------------------------------------------------------------------------------------------
# element-wise binary with broadcasting
# --------------------------------------------------------------------------------------------

BINARY = {
    "add": (tf.add, np.add, None),
    "subtract": (tf.subtract, np.subtract, None),
    "multiply": (tf.multiply, np.multiply, None),
    "divide": (tf.divide, np.divide, "nonzero"),
    "truediv": (tf.truediv, np.true_divide, "nonzero"),
    "realdiv": (tf.realdiv, np.true_divide, "nonzero"),
    "div": (tf.div, np.true_divide, "nonzero"),
    "pow": (tf.pow, np.power, "pos"),
    "maximum": (tf.maximum, np.maximum, None),
    "minimum": (tf.minimum, np.minimum, None),
    "squared_difference": (tf.squared_difference, lambda x, y: (x - y) ** 2, None),
    "atan2": (tf.atan2, np.arctan2, None),
    "floormod": (tf.floormod, np.mod, "nonzero"),
    "xlogy": (tf.xlogy, sps.xlogy, "pos2"),
}


@pytest.mark.parametrize("shapes", [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1), (1, 3)), ((), (2, 2))])
@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_broadcasting_values_and_gradients(name, shapes):
    tf_fn, np_fn, domain = BINARY[name]
    rs = np.random.RandomState(hash(name) % 1000)
    x = rs.uniform(-2, 2, shapes[0])
    y = rs.uniform(-2, 2, shapes[1])
    if domain in ("pos", "pos2"):
        x = np.abs(x) + 0.5
    if domain == "pos2":
        y = np.abs(y) + 0.5
    if domain == "nonzero":
        y = np.where(np.abs(y) < 0.3, 0.7, y)
    if name == "floormod":   # keep away from the jumps of x mod y for finite differences
        x = np.floor(x / y) * y + 0.4 * y
    y_t = tf_fn(tf.constant(x), tf.constant(y))
    want_shape = np.broadcast(x, y).shape
    assert y_t.shape.as_list() == list(want_shape)
    check(tf_fn, np_fn, x, y, rtol=1e-5, atol=1e-7)


def test_binary_op_types_and_names():
    a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
    cases = [(tf.subtract, "Sub", "Sub"), (tf.multiply, "Mul", "Mul"), (tf.maximum, "Maximum", "Maximum"),
             (tf.minimum, "Minimum", "Minimum"), (tf.pow, "Pow", "Pow"), (tf.floormod, "FloorMod", "FloorMod"),
             (tf.squared_difference, "SquaredDifference", "SquaredDifference"), (tf.atan2, "Atan2", "Atan2"),
             (tf.truediv, "RealDiv", "truediv"), (tf.floordiv, "FloorDiv", "floordiv"),
             (tf.realdiv, "RealDiv", "RealDiv"), (tf.div, "RealDiv", "div")]
    for fn, op_type, name in cases:
        t = fn(a, b)
        assert (t.op.type, t.op.name) == (op_type, name), fn


def test_tf_add_op_type():
    # TF 1.15's tf.add is gen_math_ops.add (op "Add") while `+` builds AddV2; compat_tf builds AddV2
    # for both, matching the conformance recording (tf.compat.v1 in TF 2.x, where tf.add is AddV2).
    # Imported graphs may hold either type, so both are registered.
    a, b = tf.constant(1.0), tf.constant(2.0)
    t = tf.add(a, b)
    s = a + b
    assert (s.op.type, s.op.name) == ("AddV2", "add_1")   # names are unique case-insensitively
    assert t.op.type == "AddV2" and t.op.name == "Add"
    from compat_tf._src.framework import registry
    assert registry.lookup("Add") is not None and registry.lookup("AddV2") is not None


def test_broadcast_incompatible_shapes_raise_at_build():
    with pytest.raises(ValueError, match="Dimensions must be equal, but are 3 and 4"):
        tf.add(tf.zeros([2, 3]), tf.zeros([4]))
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.zeros([2, 3]) * tf.zeros([2, 2])
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.less(tf.zeros([5]), tf.zeros([2]))


def test_broadcast_static_shapes_with_unknown_dims():
    p = tf.placeholder(tf.float32, [None, 3])
    q = tf.placeholder(tf.float32, [None, 1])
    assert (p + tf.zeros([4, 1])).shape.as_list() == [4, 3]
    assert (p * q).shape.as_list() == [None, 3]
    assert (q * tf.zeros([1])).shape.as_list() == [None, 1]
    assert tf.equal(p, 1.0).shape.as_list() == [None, 3] and tf.equal(p, 1.0).dtype == tf.bool
    assert (p + tf.placeholder(tf.float32)).shape.ndims is None
    out = run(p + q, {p: np.ones((2, 3)), q: [[1.0], [2.0]]})
    np.testing.assert_array_equal(out, [[2, 2, 2], [3, 3, 3]])


def test_maximum_minimum_ties_send_gradient_to_x():
    # TF1's _MaximumMinimumGrad: x >= y (Maximum) / x <= y (Minimum) select x; JAX splits ties
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.constant([1.0, 3.0, 2.0])
    gx, gy = run(tf.gradients(tf.maximum(x, y), [x, y]))
    np.testing.assert_array_equal(gx, [1, 0, 1])
    np.testing.assert_array_equal(gy, [0, 1, 0])
    gx, gy = run(tf.gradients(tf.minimum(x, y), [x, y]))
    np.testing.assert_array_equal(gx, [1, 1, 0])
    np.testing.assert_array_equal(gy, [0, 0, 1])
    # broadcast scalar: tied entries count for x, the rest are summed into y
    s = tf.constant(2.0)
    gx, gs = run(tf.gradients(tf.maximum(y, s), [y, s]))
    np.testing.assert_array_equal(gx, [0, 1, 1])
    assert gs == 1.0


def test_maximum_minimum_ints_and_nan():
    np.testing.assert_array_equal(run(tf.maximum(tf.constant([1, 5]), tf.constant([3, 2]))), [3, 5])
    np.testing.assert_array_equal(run(tf.minimum(tf.constant([1, 5]), 2)), [1, 2])
    got = run(tf.maximum(tf.constant([np.nan, 1.0]), tf.constant([0.0, np.nan])))
    assert np.isnan(got).all()


def test_pow_gradients_follow_tf1_at_nonpositive_base():
    # TF1's _PowGrad: d/dy = z * log(x) where x > 0, else 0 (JAX gives NaN for x < 0)
    x = tf.constant([0.0, -2.0, 2.0, 0.0])
    y = tf.constant([2.0, 2.0, 3.0, 0.5])
    gx, gy = run(tf.gradients(tf.pow(x, y), [x, y]))
    np.testing.assert_allclose(gx, [0.0, -4.0, 12.0, np.inf])
    np.testing.assert_allclose(gy, [0.0, 0.0, 8.0 * np.log(2.0), 0.0])
    assert not np.isnan(gy).any()


def test_pow_ints_and_operator():
    t = tf.constant([2.0, 3.0]) ** 2
    np.testing.assert_array_equal(run(tf.pow(tf.constant([2, 3, -2]), tf.constant([3, 2, 3]))), [8, 9, -8])
    assert (t.op.type, t.op.name) == ("Pow", "pow")
    np.testing.assert_array_equal(run(t), [4.0, 9.0])
    np.testing.assert_array_equal(run(2.0 ** tf.constant([1.0, 3.0])), [2.0, 8.0])


def test_floormod_gradient_is_tf1s():
    # TF1: d/dx = 1, d/dy = -floor(x / y)
    x = tf.constant([-7.0, 7.0, 7.5])
    y = tf.constant([3.0, -3.0, 2.0])
    gx, gy = run(tf.gradients(tf.floormod(x, y), [x, y]))
    np.testing.assert_array_equal(gx, [1, 1, 1])
    np.testing.assert_array_equal(gy, -np.floor(np.array([-7.0, 7.0, 7.5]) / [3.0, -3.0, 2.0]))


def test_floordiv_has_no_gradient():
    x, y = tf.constant([7.0, -7.0]), tf.constant([2.0, 2.0])
    assert tf.gradients(tf.floordiv(x, y), [x, y]) == [None, None]
    assert tf.gradients(tf.truncatediv(tf.constant([7, -7]), tf.constant([2, 2])), x) == [None]


def test_div_no_nan_xdivy_xlogy_at_zero():
    x = tf.constant([0.0, 1.0, 0.0, 2.0])
    y = tf.constant([0.0, 0.0, 0.0, 4.0])
    np.testing.assert_array_equal(run(tf.div_no_nan(x, y)), [0, 0, 0, 0.5])
    np.testing.assert_array_equal(run(tf.xdivy(x, y))[[0, 2, 3]], [0, 0, 0.5])
    np.testing.assert_allclose(run(tf.xlogy(x, y + 1.0)), [0, 0, 0, 2 * np.log(5.0)])
    assert run(tf.xlogy(0.0, 0.0)) == 0.0


# --------------------------------------------------------------------------------------------
# integer division semantics
# --------------------------------------------------------------------------------------------

XI = np.array([-7, 7, -7, 7, 0, -1, 6], np.int32)
YI = np.array([2, -2, -2, 2, 3, 5, -4], np.int32)


def test_integer_floor_division_and_mod_follow_python():
    x, y = tf.constant(XI), tf.constant(YI)
    fd, fm, op_fd, op_fm = run([tf.floordiv(x, y), tf.floormod(x, y), x // y, x % y])
    np.testing.assert_array_equal(fd, XI // YI)
    np.testing.assert_array_equal(fm, XI % YI)         # sign of the divisor, as Python / TF1
    np.testing.assert_array_equal(op_fd, XI // YI)
    np.testing.assert_array_equal(op_fm, XI % YI)
    assert fd.dtype == np.int32 and fm.dtype == np.int32
    np.testing.assert_array_equal(run(tf.mod(x, y)), XI % YI)
    assert tf.floor_div is tf.floordiv


def test_integer_truncation_ops():
    x, y = tf.constant(XI), tf.constant(YI)
    td, tm = run([tf.truncatediv(x, y), tf.truncatemod(x, y)])
    np.testing.assert_array_equal(td, np.trunc(XI / YI).astype(np.int32))
    np.testing.assert_array_equal(tm, np.fmod(XI, YI))


def test_truncatediv_broadcasts_and_truncates_floats():
    # values recorded from TF: shapes (2, 2) and (2,) broadcast; float inputs are truncated too
    a = np.array([[7, -7], [9, -9]], np.int32)
    np.testing.assert_array_equal(run(tf.truncatediv(tf.constant(a), tf.constant([2, 4]))), [[3, -1], [4, -2]])
    got = run(tf.truncatediv(tf.constant(a.astype(np.float32)), tf.constant([2.0, 4.0])))
    np.testing.assert_array_equal(got, np.array([[3, -1], [4, -2]], np.float32))
    assert got.dtype == np.float32


def test_float_floordiv_floormod():
    xv, yv = np.array([-7.5, 7.5, 3.0]), np.array([2.0, -2.0, 0.5])
    x, y = tf.constant(xv), tf.constant(yv)
    np.testing.assert_array_equal(run(x // y), np.floor_divide(xv, yv))
    np.testing.assert_allclose(run(x % y), np.mod(xv, yv))


def test_truediv_casts_integers_like_tf1():
    a = tf.constant([7, -7], tf.int32)
    t = a / 2
    assert t.dtype == tf.float64 and t.op.type == "RealDiv" and t.op.name == "truediv"
    np.testing.assert_array_equal(run(t), [3.5, -3.5])
    assert (tf.constant([7], tf.int64) / 2).dtype == tf.float64
    assert (tf.constant([7], tf.int16) / 2).dtype == tf.float32
    assert (tf.constant([7], tf.uint8) / 2).dtype == tf.float32
    assert tf.divide(tf.constant([1.0], tf.float32), 2.0).dtype == tf.float32


def test_div_is_floor_division_for_ints():
    d = tf.div(tf.constant(XI), tf.constant(YI))
    assert d.op.type == "FloorDiv" and d.dtype == tf.int32
    np.testing.assert_array_equal(run(d), XI // YI)
    np.testing.assert_array_equal(run(tf.div(tf.constant([7.0]), 2.0)), [3.5])


def test_dtype_mismatch_raises_at_build():
    f, i = tf.constant(1.0), tf.constant(1)
    with pytest.raises(TypeError):
        f + i
    with pytest.raises(TypeError):
        tf.add(f, i)
    with pytest.raises(TypeError):
        tf.multiply(tf.constant([1.0], tf.float64), tf.constant([1.0], tf.float32))
    with pytest.raises(TypeError):
        tf.matmul(tf.zeros([2, 2]), tf.zeros([2, 2], tf.int32))
    with pytest.raises(TypeError, match="Expected int32"):
        i + 1.5
    # Python numbers take the tensor's dtype
    assert (f + 1).dtype == tf.float32 and (i * 2).dtype == tf.int32 and (2 - f).dtype == tf.float32


# --------------------------------------------------------------------------------------------
# comparisons and logic, operator overloads
# --------------------------------------------------------------------------------------------

def test_comparisons_values_types_and_no_gradient():
    xv, yv = np.array([1.0, 2.0, 3.0]), np.array([2.0, 2.0, 2.0])
    x, y = tf.constant(xv), tf.constant(yv)
    cases = [(tf.equal, np.equal, "Equal"), (tf.not_equal, np.not_equal, "NotEqual"),
             (tf.less, np.less, "Less"), (tf.less_equal, np.less_equal, "LessEqual"),
             (tf.greater, np.greater, "Greater"), (tf.greater_equal, np.greater_equal, "GreaterEqual")]
    outs = [fn(x, y) for fn, _, _ in cases]
    for t, (_, _, op_type) in zip(outs, cases):
        assert t.dtype == tf.bool and t.op.type == op_type
    for got, (_, np_fn, _) in zip(run(outs), cases):
        np.testing.assert_array_equal(got, np_fn(xv, yv))
    ops = [x < y, x <= y, x > y, x >= y, x < 2.0, 2.0 < x]
    assert [t.op.type for t in ops] == ["Less", "LessEqual", "Greater", "GreaterEqual", "Less", "Greater"]
    got = run(ops)
    for g, w in zip(got, [xv < yv, xv <= yv, xv > yv, xv >= yv, xv < 2, 2 < xv]):
        np.testing.assert_array_equal(g, w)
    assert tf.gradients(tf.cast(tf.less(x, y), tf.float64), x) == [None]


def test_tensor_equality_is_identity_as_tf1():
    a = tf.constant(1.0)
    b = tf.constant(1.0)
    assert (a == a) is True and (a == b) is False and a != b
    assert len({a, b}) == 2


def test_logic_ops_and_operators():
    av, bv = np.array([True, True, False, False]), np.array([True, False, True, False])
    a, b = tf.constant(av), tf.constant(bv)
    fns = [a & b, a | b, a ^ b, ~a, tf.logical_and(a, b), tf.logical_or(a, b), tf.logical_xor(a, b),
           tf.logical_not(a)]
    got = run(fns)
    want = [av & bv, av | bv, av ^ bv, ~av] * 2
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    names = [(t.op.type, t.op.name) for t in fns[:4]]
    assert names == [("LogicalAnd", "and"), ("LogicalOr", "or"), ("LogicalAnd", "xor"),
                     ("LogicalNot", "LogicalNot")]
    x = fns[6]
    assert x.op.name == "LogicalXor" and [i.op.type for i in x.op.inputs] == ["LogicalOr", "LogicalNot"]
    with pytest.raises(TypeError):
        tf.logical_and(tf.constant([1.0]), tf.constant([1.0]))


def test_arithmetic_operator_overloads_types_names_and_values():
    av, bv = np.array([[1.0, -2.0], [3.0, 4.0]]), np.array([[2.0, 5.0], [-1.0, 0.5]])
    a, b = tf.constant(av), tf.constant(bv)
    ops = {"add": (a + b, "AddV2", av + bv), "sub": (a - b, "Sub", av - bv), "mul": (a * b, "Mul", av * bv),
           "truediv": (a / b, "RealDiv", av / bv), "floordiv": (a // b, "FloorDiv", av // bv),
           "Abs": (abs(a), "Abs", np.abs(av)), "pow": (abs(b) ** a, "Pow", np.abs(bv) ** av),
           "mod": (a % b, "FloorMod", np.mod(av, bv)), "matmul": (a @ b, "MatMul", av @ bv),
           "Neg": (-a, "Neg", -av)}
    got = run({k: v[0] for k, v in ops.items()})
    for k, (t, op_type, want) in ops.items():
        assert t.op.type == op_type and t.op.name == k, (k, t.op.type, t.op.name)
        np.testing.assert_allclose(got[k], want, rtol=1e-12)
    r = [1.0 + a, 1.0 - a, 2.0 * a, 1.0 / b, 7.0 // b, 7.0 % b, av @ b]
    want = [1 + av, 1 - av, 2 * av, 1 / bv, 7 // bv, np.mod(7, bv), av @ bv]
    assert [t.op.type for t in r[:2]] == ["AddV2", "Sub"] and r[1].op.inputs[0].op.type == "Const"
    for g, w in zip(run(r), want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


def test_operator_gradients():
    check(lambda x, y: (x * y - x / y + x ** 2) @ y, lambda x, y: (x * y - x / y + x ** 2) @ y,
          RS.uniform(0.5, 2, (2, 2)), RS.uniform(0.5, 2, (2, 2)))


# --------------------------------------------------------------------------------------------
# reductions
# --------------------------------------------------------------------------------------------

def _np_logsumexp(x, axis=None, keepdims=False):
    return sps.logsumexp(x, axis=axis, keepdims=keepdims)


REDUCTIONS = {
    "reduce_sum": (np.sum, "Sum"), "reduce_mean": (np.mean, "Mean"), "reduce_max": (np.max, "Max"),
    "reduce_min": (np.min, "Min"), "reduce_prod": (np.prod, "Prod"),
    "reduce_logsumexp": (_np_logsumexp, None),
}
AXES = [None, 0, -1, 1, [0, 2], [-1, 0], []]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", AXES, ids=str)
@pytest.mark.parametrize("name", sorted(REDUCTIONS))
def test_reductions_values_shapes_and_gradients(name, axis, keepdims):
    np_fn, _ = REDUCTIONS[name]
    x = RS.uniform(0.5, 1.5, (2, 3, 2)) * np.sign(RS.randn(2, 3, 2))
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    tf_fn = getattr(tf, name)
    t = tf_fn(tf.constant(x), axis=axis, keepdims=keepdims)
    want = np_fn(x, axis=np_axis, keepdims=keepdims)
    assert t.shape.as_list() == list(np.shape(want))
    check(lambda v: tf_fn(v, axis=axis, keepdims=keepdims), lambda v: np_fn(v, axis=np_axis, keepdims=keepdims),
          x, rtol=1e-5, atol=1e-7)


def test_reduction_op_types_names_and_aliases():
    x = tf.constant(np.arange(6.0).reshape(2, 3))
    for name, (_, op_type) in REDUCTIONS.items():
        if op_type:
            t = getattr(tf, name)(x)
            assert t.op.type == op_type and t.op.name == op_type
    assert tf.reduce_logsumexp(x).op.name == "ReduceLogSumExp"
    a, b, c = run([tf.reduce_sum(x, reduction_indices=[1], keep_dims=True), tf.reduce_sum(x, 1),
                   tf.reduce_max(x, axis=tf.constant(-1))])
    np.testing.assert_array_equal(a, [[3.0], [12.0]])
    np.testing.assert_array_equal(b, [3.0, 12.0])
    np.testing.assert_array_equal(c, [2.0, 5.0])


def test_reduce_mean_of_ints_truncates_as_tf1():
    got = run([tf.reduce_mean(tf.constant([1, 2, 2])), tf.reduce_mean(tf.constant([-1, -2, -2])),
               tf.reduce_mean(tf.constant([[1, 2], [4, 4]]), axis=1),
               tf.reduce_mean(tf.constant([1, 2], tf.int64))])
    assert got[0] == 1 and got[1] == -1 and got[3] == 1
    np.testing.assert_array_equal(got[2], [1, 4])
    assert got[0].dtype == np.int32 and got[3].dtype == np.int64


def test_reduce_sum_prod_of_ints_keep_dtype():
    s, p = run([tf.reduce_sum(tf.constant([[1, 2], [3, 4]], tf.int32), 0),
                tf.reduce_prod(tf.constant([1, 2, 3], tf.int64))])
    np.testing.assert_array_equal(s, [4, 6])
    assert s.dtype == np.int32 and p == 6 and p.dtype == np.int64


def test_reduce_max_min_ties_split_gradient_evenly():
    # TF1's _MinOrMaxGrad: indicators / number of maxima
    x = tf.constant([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    g = run(tf.gradients(tf.reduce_max(x, axis=1), x)[0])
    np.testing.assert_allclose(g, [[0, 0.5, 0.5], [1 / 3.0] * 3])
    g = run(tf.gradients(tf.reduce_max(x), x)[0])
    np.testing.assert_allclose(g, [[0, 0.5, 0.5], [0, 0, 0]])
    g = run(tf.gradients(tf.reduce_min(x, axis=0), x)[0])
    np.testing.assert_allclose(g, [[1, 0, 0], [0, 1, 1]])


def test_reduce_prod_gradient_with_zeros():
    check(lambda v: tf.reduce_prod(v, axis=1), lambda v: np.prod(v, axis=1),
          np.array([[0.0, 2.0, 3.0], [0.0, 0.0, 2.0], [1.0, 2.0, 3.0]]))


def test_reduce_all_any_and_dtype_check():
    v = np.array([[True, False], [True, True]])
    a = run([tf.reduce_all(v), tf.reduce_all(v, 1), tf.reduce_any(v, 0, keepdims=True), tf.reduce_any(~v)])
    assert not a[0] and list(a[1]) == [False, True] and a[2].tolist() == [[True, True]] and a[3]
    with pytest.raises(TypeError):
        tf.reduce_all(tf.constant([1.0]))


def test_reductions_with_unknown_shape_and_axis_errors():
    p = tf.placeholder(tf.float64, [None, 3])
    s = tf.reduce_sum(p, 0)
    assert s.shape.as_list() == [3]
    assert tf.reduce_sum(p, 1).shape.as_list() == [None]
    np.testing.assert_array_equal(run(s, {p: np.ones((4, 3))}), [4, 4, 4])
    u = tf.placeholder(tf.float64)
    np.testing.assert_array_equal(run(tf.reduce_sum(u), {u: np.ones((2, 2))}), 4.0)
    with pytest.raises(ValueError, match="Invalid reduction dimension 5 for input with 2 dimensions"):
        tf.reduce_sum(tf.zeros([2, 3]), 5)
    with pytest.raises(ValueError, match="Invalid reduction dimension -3"):
        tf.reduce_max(tf.zeros([2, 3]), [0, -3])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid reduction dimension 2"):
        run(tf.reduce_sum(u, 2), {u: np.ones((1, 3))})    # rank known only at run time


def test_reductions_of_empty_tensors_give_identities():
    got = run([tf.reduce_sum(tf.zeros([0, 2]), 0), tf.reduce_max(tf.zeros([0])), tf.reduce_min(tf.zeros([2, 0]), 1),
               tf.reduce_max(tf.zeros([0], tf.int32)), tf.reduce_prod(tf.zeros([0]))])
    np.testing.assert_array_equal(got[0], [0, 0])
    assert got[1] == -np.inf and list(got[2]) == [np.inf, np.inf]
    assert got[3] == np.iinfo(np.int32).min and got[4] == 1.0


def test_logsumexp_is_stable():
    v = np.array([1000.0, 1000.0, -1000.0])
    np.testing.assert_allclose(run(tf.reduce_logsumexp(v)), 1000.0 + np.log(2.0))
    np.testing.assert_allclose(run(tf.reduce_logsumexp(tf.constant([-np.inf, -np.inf]))), -np.inf)


def test_count_nonzero():
    v = np.array([[0, 1, 2], [0, 0, 3]])
    t = tf.count_nonzero(v)
    assert t.dtype == tf.int64
    got = run([t, tf.count_nonzero(v, axis=1), tf.count_nonzero(v, 0, keepdims=True),
               tf.count_nonzero(tf.constant([0.0, -0.5, np.nan]), dtype=tf.int32),
               tf.count_nonzero(tf.constant([True, False, True]))])
    assert got[0] == 3
    np.testing.assert_array_equal(got[1], [2, 1])
    np.testing.assert_array_equal(got[2], [[0, 1, 2]])
    assert got[3] == 2 and got[3].dtype == np.int32 and got[4] == 2


# --------------------------------------------------------------------------------------------
# argmax / argmin, scans
# --------------------------------------------------------------------------------------------

def test_argmax_argmin():
    v = np.array([[1, 5, 5], [7, 0, 7]], np.float32)
    x = tf.constant(v)
    a = tf.argmax(x)
    assert a.op.type == "ArgMax" and a.dtype == tf.int64
    got = run([a, tf.argmax(x, 1), tf.argmin(x, axis=-1), tf.argmax(x, dimension=1),
               tf.argmin(x, 0, output_type=tf.int32), tf.arg_max(x, 1)])
    np.testing.assert_array_equal(got[0], [1, 0, 1])
    np.testing.assert_array_equal(got[1], [1, 0])   # ties: first index
    np.testing.assert_array_equal(got[2], [0, 1])
    np.testing.assert_array_equal(got[3], [1, 0])
    np.testing.assert_array_equal(got[4], [0, 1, 0])
    assert got[4].dtype == np.int32
    np.testing.assert_array_equal(got[5], [1, 0])
    assert tf.gradients(tf.cast(tf.argmax(x, 1), tf.float32), x) == [None]



def test_argmax_of_unknown_rank_input_is_int64():
    # the dtype of an op whose input rank is unknown comes from a rank-free evaluation that must keep
    # the build-time axis concrete (it once fell back to the input's float32, so
    # tf.equal(tf.argmax(pred, 1), tf.argmax(y, 1)) failed when pred's shape was unknown)
    x = tf.placeholder(tf.float32)
    a, b = tf.argmax(x, 1), tf.argmin(x, 0, output_type=tf.int32)
    assert a.dtype == tf.int64 and b.dtype == tf.int32
    eq = tf.equal(a, tf.argmax(tf.placeholder(tf.float32, [None, 3]), 1))
    assert eq.dtype == tf.bool
    got = run([a, b], {x: [[1, 5, 5], [7, 0, 7]]})
    np.testing.assert_array_equal(got[0], [1, 0])
    np.testing.assert_array_equal(got[1], [0, 1, 0])
    assert got[0].dtype == np.int64 and got[1].dtype == np.int32

def _np_scan(fn, identity, x, axis, exclusive, reverse):
    if reverse:
        x = np.flip(x, axis)
    out = fn(x, axis=axis)
    if exclusive:
        out = np.concatenate([np.full_like(np.take(out, [0], axis), identity),
                              np.delete(out, -1, axis)], axis)
    if reverse:
        out = np.flip(out, axis)
    return out


@pytest.mark.parametrize("exclusive", [False, True])
@pytest.mark.parametrize("reverse", [False, True])
@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_scans_values_and_gradients(name, axis, reverse, exclusive):
    np_fn, ident = (np.cumsum, 0.0) if name == "cumsum" else (np.cumprod, 1.0)
    x = RS.uniform(0.5, 2.0, (2, 3))
    tf_fn = getattr(tf, name)
    t = tf_fn(tf.constant(x), axis, exclusive=exclusive, reverse=reverse)
    assert t.op.type == name.capitalize()
    check(lambda v: tf_fn(v, axis, exclusive=exclusive, reverse=reverse),
          lambda v: _np_scan(np_fn, ident, v, axis, exclusive, reverse), x)


def test_scans_on_ints():
    np.testing.assert_array_equal(run(tf.cumsum(tf.constant([1, 2, 3]), exclusive=True, reverse=True)), [5, 3, 0])
    np.testing.assert_array_equal(run(tf.cumprod(tf.constant([1, 2, 3]))), [1, 2, 6])


# --------------------------------------------------------------------------------------------
# matmul, tensordot, einsum, add_n
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("ta,tb", [(False, False), (True, False), (False, True), (True, True)])
def test_matmul_transposes_values_and_gradients(ta, tb):
    a = RS.randn(3, 2) if ta else RS.randn(2, 3)
    b = RS.randn(4, 3) if tb else RS.randn(3, 4)
    t = tf.matmul(tf.constant(a), tf.constant(b), transpose_a=ta, transpose_b=tb)
    assert t.op.type == "MatMul" and t.shape.as_list() == [2, 4]
    assert t.op.get_attr("transpose_a") == ta and t.op.get_attr("transpose_b") == tb
    tr = lambda m, f: m.T if f else m  # noqa: E731
    check(lambda x, y: tf.matmul(x, y, transpose_a=ta, transpose_b=tb), lambda x, y: tr(x, ta) @ tr(y, tb), a, b)


def test_matmul_batch_broadcast_and_adjoint():
    a, b = RS.randn(2, 1, 2, 3), RS.randn(3, 3, 4)
    t = tf.matmul(tf.constant(a), tf.constant(b))
    assert t.op.type == "BatchMatMulV2" and t.shape.as_list() == [2, 3, 2, 4]
    np.testing.assert_allclose(run(t), np.matmul(a, b), rtol=1e-12)
    check(lambda x, y: tf.matmul(x, y, transpose_b=True), lambda x, y: np.matmul(x, np.swapaxes(y, -1, -2)),
          RS.randn(2, 2, 3), RS.randn(2, 4, 3))
    c = (RS.randn(2, 2, 3) + 1j * RS.randn(2, 2, 3)).astype(np.complex128)
    d = (RS.randn(2, 2, 4) + 1j * RS.randn(2, 2, 4)).astype(np.complex128)
    got = run(tf.matmul(tf.constant(c), tf.constant(d), adjoint_a=True))
    np.testing.assert_allclose(got, np.matmul(np.conj(np.swapaxes(c, -1, -2)), d), rtol=1e-12)
    got = run(tf.matmul(tf.constant(c[0]), tf.constant(c[1]), adjoint_b=True))
    np.testing.assert_allclose(got, c[0] @ c[1].conj().T, rtol=1e-12)


def test_matmul_shape_errors_and_ints():
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.matmul(tf.zeros([2, 3]), tf.zeros([2, 3]))
    np.testing.assert_array_equal(run(tf.matmul([[1, 2]], [[3], [4]])), [[11]])
    p = tf.placeholder(tf.float32, [None, 3])
    assert tf.matmul(p, tf.zeros([3, 5])).shape.as_list() == [None, 5]


def test_tensordot_values_and_gradients():
    a, b = RS.randn(2, 3, 4), RS.randn(4, 3, 2)
    np.testing.assert_allclose(run(tf.tensordot(a, b, [[1, 2], [1, 0]])),
                               np.tensordot(a, b, [[1, 2], [1, 0]]), rtol=1e-12)
    np.testing.assert_allclose(run(tf.tensordot(a, b, 1)), np.tensordot(a, b, 1), rtol=1e-12)
    check(lambda x, y: tf.tensordot(x, y, [[1], [0]]), lambda x, y: np.tensordot(x, y, [[1], [0]]),
          RS.randn(2, 3), RS.randn(3, 2))


def test_add_n_and_accumulate_n():
    vs = [RS.randn(2, 3) for _ in range(3)]
    ts = [tf.constant(v) for v in vs]
    s = tf.add_n(ts)
    assert s.op.type == "AddN" and s.op.name == "AddN"
    a = tf.accumulate_n(ts, shape=[2, 3], tensor_dtype=tf.float64)
    got_s, got_a = run([s, a])
    np.testing.assert_allclose(got_s, sum(vs), rtol=1e-12)
    np.testing.assert_allclose(got_a, sum(vs), rtol=1e-12)
    w = RS.randn(2, 3)
    grads = run(tf.gradients(tf.add_n([ts[0], ts[1], ts[0]]), ts[:2], grad_ys=tf.constant(w)))
    np.testing.assert_allclose(grads[0], 2 * w)
    np.testing.assert_allclose(grads[1], w)
    np.testing.assert_array_equal(run(tf.add_n([ts[0]])), vs[0])
    with pytest.raises(ValueError):
        tf.add_n([])
    with pytest.raises(ValueError):
        tf.accumulate_n(ts, shape=[3, 2])
    with pytest.raises(TypeError):
        tf.accumulate_n(ts, tensor_dtype=tf.float32)


def test_scalar_mul():
    np.testing.assert_array_equal(run(tf.scalar_mul(2.0, tf.constant([1.0, 2.0]))), [2.0, 4.0])
    with pytest.raises(ValueError):
        tf.scalar_mul(tf.constant([1.0, 2.0]), tf.constant([1.0, 2.0]))


# --------------------------------------------------------------------------------------------
# casts, sequences, bincount
# --------------------------------------------------------------------------------------------

def test_cast_semantics_and_helpers():
    v = np.array([-1.7, -0.5, 0.5, 1.7, 2.0])
    x = tf.constant(v)
    c = tf.cast(x, tf.int32)
    assert c.op.type == "Cast" and c.dtype == tf.int32 and c.op.get_attr("DstT") == tf.int32
    assert tf.cast(x, tf.float64) is x
    got = run([c, tf.cast(x, tf.bool), tf.cast(tf.constant([True, False]), tf.float32), tf.to_float(x),
               tf.to_int64(x), tf.to_double(tf.constant([1], tf.int32)), tf.to_int32(x)])
    np.testing.assert_array_equal(got[0], [-1, 0, 0, 1, 2])   # truncation toward zero
    np.testing.assert_array_equal(got[1], [True, True, True, True, True])
    np.testing.assert_array_equal(got[2], [1.0, 0.0])
    assert got[3].dtype == np.float32 and got[4].dtype == np.int64 and got[5].dtype == np.float64
    assert tf.to_float(x).op.name.startswith("ToFloat")
    np.testing.assert_array_equal(run(tf.saturate_cast(tf.constant([-300.0, 300.0, 5.0]), tf.uint8)), [0, 255, 5])
    np.testing.assert_allclose(run(tf.cast(tf.constant([1 + 2j], tf.complex64), tf.float32)), [1.0])


def test_cast_gradients():
    x = tf.constant([1.5, -2.5])
    w = tf.constant([2.0, 3.0], tf.float64)
    g = tf.gradients(tf.cast(x, tf.float64) * w, x)[0]
    assert g.dtype == tf.float32
    np.testing.assert_array_equal(run(g), [2.0, 3.0])
    # through an integer cast there is no gradient (TF1's _CastGrad returns None)
    assert tf.gradients(tf.cast(tf.cast(x, tf.int32), tf.float32), x) == [None]


def test_range_and_linspace():
    r = tf.range(1, 10, 3)
    assert r.op.type == "Range" and r.dtype == tf.int32
    got = run([r, tf.range(5), tf.range(5.0, 0.0, -1.5), tf.range(0, 3, dtype=tf.float64),
               tf.linspace(0.0, 1.0, 5), tf.lin_space(-1.0, 1.0, 3)])
    np.testing.assert_array_equal(got[0], [1, 4, 7])
    np.testing.assert_array_equal(got[1], np.arange(5))
    np.testing.assert_allclose(got[2], np.arange(5.0, 0.0, -1.5))
    assert got[3].dtype == np.float64 and tf.range(5.0).dtype == tf.float32
    np.testing.assert_allclose(got[4], np.linspace(0, 1, 5))
    np.testing.assert_allclose(got[5], [-1, 0, 1])
    assert tf.linspace(0.0, 1.0, 5).shape.as_list() == [5]


def test_bincount():
    b = tf.bincount(tf.constant([1, 1, 3, 0]))
    assert b.dtype == tf.int32
    got = run([b, tf.bincount([1, 1, 3], minlength=6), tf.bincount([1, 1, 3], maxlength=2),
               tf.bincount([1, 1, 3], weights=[0.5, 0.25, 2.0]), tf.bincount(tf.zeros([0], tf.int32)),
               tf.bincount([2], dtype=tf.float32)])
    np.testing.assert_array_equal(got[0], [1, 2, 0, 1])
    np.testing.assert_array_equal(got[1], [0, 2, 0, 1, 0, 0])
    np.testing.assert_array_equal(got[2], [0, 2])
    np.testing.assert_allclose(got[3], [0, 0.75, 0, 2.0])
    assert got[3].dtype == np.float32 and got[4].shape == (0,) and got[5].dtype == np.float32
    p = tf.placeholder(tf.int32, [None])
    c = tf.bincount(p, minlength=2)
    assert c.shape.as_list() == [None]
    np.testing.assert_array_equal(run(c, {p: [4, 4]}), [0, 0, 0, 0, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
        run(c, {p: [-1, 2]})
    assert tf.math.bincount is tf.bincount


def test_trace():
    a = RS.randn(2, 3, 3)
    np.testing.assert_allclose(run(tf.trace(a)), np.trace(a, axis1=-2, axis2=-1), rtol=1e-12)
    check(tf.trace, lambda v: np.trace(v), RS.randn(3, 3))


def test_equal_and_not_equal_compare_strings_on_the_host():
    with tf.Graph().as_default():
        a = tf.constant([b"x", b"y", b"z"])
        e = tf.equal(a, "y")
        n = tf.not_equal(a, tf.constant([b"x", b"q", b"z"]))
        assert e.dtype == tf.bool and e.shape.as_list() == [3]
        with tf.Session() as sess:
            ev, nv = sess.run([e, n])
    np.testing.assert_array_equal(ev, [False, True, False])
    np.testing.assert_array_equal(nv, [False, True, False])


def test_argmax_argmin_never_pick_nan():
    # TF's kernels compare with > / <, so NaN never wins (recorded from TF 2.21's tf.compat.v1:
    # argmax rows [2, 0, 2], argmin rows [0, 1, 0], argmax columns [1, 1, 2])
    x = np.array([[1., np.nan, 3.], [np.inf, -1., 2.], [-np.inf, np.nan, np.inf]], np.float32)
    with tf.Graph().as_default():
        c = tf.constant(x)
        p = tf.placeholder(tf.float32, [3, 3])
        with tf.Session() as sess:
            for t in (c, p):
                got = sess.run([tf.argmax(t, 1), tf.argmin(t, 1), tf.argmax(t, 0)], {p: x})
                np.testing.assert_array_equal(got[0], [2, 0, 2])
                np.testing.assert_array_equal(got[1], [0, 1, 0])
                np.testing.assert_array_equal(got[2], [1, 1, 2])


def test_string_equal_with_python_str_operand():
    # a Python str operand compares as bytes (TF1's strings are bytes): '' finds the empty entries
    x = tf.constant(np.array([["a", ""], ["", "b"]]))
    eq, ne = run([tf.equal(x, ""), tf.not_equal(x, "a")])
    np.testing.assert_array_equal(eq, [[False, True], [True, False]])
    np.testing.assert_array_equal(ne, [[False, True], [True, True]])
