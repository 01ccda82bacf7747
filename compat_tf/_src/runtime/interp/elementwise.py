"""NumPy rules of JAX's element-wise primitives, with XLA's semantics where NumPy's differ.

Mirrored XLA behaviours: integer division truncates and gives -1 when dividing
by zero, remainder takes the dividend's sign and gives the dividend for a zero
divisor; float -> integer conversion truncates, saturates and maps NaN to 0;
shifts by a count outside [0, bits) give 0 (or the sign for arithmetic right
shifts); rounding away from zero is exact; integer_pow multiplies by repeated
squaring as XLA's lowering does; erf_inv is the single-precision polynomial
XLA uses (Giles'). Transcendentals (exp, log, tanh, ...) are NumPy's, which
agree with XLA's to a few units in the last place.
"""
import math

import numpy as np

from compat_tf._src.runtime.interp.core import Fallback, register

# -- one NumPy function per primitive, no parameters -------------------------------------------
_UNARY = {
    "neg": np.negative, "floor": np.floor, "ceil": np.ceil, "is_finite": np.isfinite,
    "exp": np.exp, "exp2": np.exp2, "log": np.log, "log1p": np.log1p, "expm1": np.expm1,
    "tanh": np.tanh, "sin": np.sin, "cos": np.cos, "tan": np.tan, "asin": np.arcsin,
    "acos": np.arccos, "atan": np.arctan, "sinh": np.sinh, "cosh": np.cosh, "asinh": np.arcsinh,
    "acosh": np.arccosh, "atanh": np.arctanh, "sqrt": np.sqrt, "cbrt": np.cbrt, "abs": np.abs,
    "real": np.real, "imag": np.imag, "conj": np.conj, "not": np.invert, "sign": np.sign,
    "square": np.square, "copy": np.array, "copy_p": np.array,
}
_BINARY = {
    "add": np.add, "add_any": np.add, "sub": np.subtract, "mul": np.multiply, "max": np.maximum,
    "min": np.minimum, "atan2": np.arctan2, "nextafter": np.nextafter, "and": np.bitwise_and,
    "or": np.bitwise_or, "xor": np.bitwise_xor, "eq": np.equal, "ne": np.not_equal, "lt": np.less,
    "le": np.less_equal, "gt": np.greater, "ge": np.greater_equal,
}


def _unary_rule(fn):
    def rule(x, **_):
        return fn(x)
    return rule


def _binary_rule(fn):
    def rule(x, y, **_):
        return fn(x, y)
    return rule


for _name, _fn in _UNARY.items():
    register(_name)(_unary_rule(_fn))
for _name, _fn in _BINARY.items():
    register(_name)(_binary_rule(_fn))


@register("logistic")
def _logistic(x, **_):
    one = np.ones((), x.dtype)
    return one / (one + np.exp(-x))


@register("rsqrt")
def _rsqrt(x, **_):
    return np.ones((), x.dtype) / np.sqrt(x)


@register("div")
def _div(x, y, **_):
    if not np.issubdtype(x.dtype, np.integer):
        return np.true_divide(x, y)
    zero = y == 0
    ys = np.where(zero, np.ones((), y.dtype), y)
    q = np.floor_divide(x, ys)
    if np.issubdtype(x.dtype, np.signedinteger):      # floor -> truncation toward zero
        r = x - q * ys
        q = q + ((r != 0) & ((x < 0) != (ys < 0))).astype(q.dtype)
    return np.where(zero, np.array(-1).astype(x.dtype), q)


@register("rem")
def _rem(x, y, **_):
    if not np.issubdtype(x.dtype, np.integer):
        return np.fmod(x, y)
    zero = y == 0
    return np.where(zero, x, np.fmod(x, np.where(zero, np.ones((), y.dtype), y)))


@register("pow")
def _pow(x, y, **_):
    if np.issubdtype(x.dtype, np.integer):
        return _int_pow_array(x, y)
    return np.power(x, y)


def _int_pow_array(x, y):
    """Integer power with XLA's results for negative exponents (0 unless |x| == 1)."""
    neg = y < 0
    r = np.power(x, np.where(neg, 0, y).astype(y.dtype))
    inv = np.where(x == 1, 1, np.where(x == -1, np.where(np.abs(y) % 2 == 1, -1, 1), 0)).astype(x.dtype)
    return np.where(neg, inv, r)


@register("integer_pow")
def _integer_pow(x, y, **_):
    # XLA's lowering: binary exponentiation with multiplications in the input dtype
    n = abs(int(y))
    acc = None
    base = x
    while n:
        if n & 1:
            acc = base if acc is None else acc * base
        n >>= 1
        if n:
            base = base * base
    if acc is None:
        acc = np.ones_like(x)
    if y < 0:
        acc = np.ones((), x.dtype) / acc
    return acc


@register("round")
def _round(x, rounding_method=0, **_):
    if int(rounding_method) == 1:                     # TO_NEAREST_EVEN
        return np.rint(x)
    t = np.trunc(x)                                   # AWAY_FROM_ZERO, exact for every float
    return t + np.where(np.abs(x - t) >= 0.5, np.sign(x), np.zeros((), x.dtype))


@register("convert_element_type")
def _convert_element_type(x, new_dtype, **_):
    nd = np.dtype(new_dtype)
    if x.dtype == nd:
        return x
    if nd == np.bool_:
        return x != 0
    if np.issubdtype(x.dtype, np.complexfloating) and not np.issubdtype(nd, np.complexfloating):
        x = x.real
    if np.issubdtype(nd, np.integer) and np.issubdtype(x.dtype, np.floating):
        info = np.iinfo(nd)
        t = np.trunc(x.astype(np.float64))
        hi = t >= float(info.max)
        lo = t <= float(info.min)
        bad = np.isnan(t) | hi | lo
        r = np.where(bad, 0.0, t).astype(nd)
        r = np.where(hi, np.array(info.max, nd), r)
        return np.where(lo, np.array(info.min, nd), r)
    return x.astype(nd)


@register("bitcast_convert_type")
def _bitcast_convert_type(x, new_dtype, **_):
    nd = np.dtype(new_dtype)
    a = np.ascontiguousarray(x)
    if nd.itemsize == a.dtype.itemsize:
        return a.view(nd)
    if nd.itemsize < a.dtype.itemsize:
        return a.reshape(a.shape + (1,)).view(nd)
    return a.view(nd).reshape(a.shape[:-1])


@register("select_n")
def _select_n(which, *cases, **_):
    if len(cases) == 1:
        return cases[0]
    if which.dtype == np.bool_:
        return np.where(which, cases[1], cases[0])
    shape = np.broadcast_shapes(which.shape, *[c.shape for c in cases])
    return np.choose(np.broadcast_to(which, shape), [np.broadcast_to(c, shape) for c in cases])


@register("clamp")
def _clamp(lo, x, hi, **_):
    return np.minimum(np.maximum(x, lo), hi)


@register("complex")
def _complex(x, y, **_):
    ct = np.complex128 if x.dtype == np.float64 else np.complex64
    return (x + 1j * y.astype(ct)).astype(ct)


def _shift_count(x, y):
    bits = x.dtype.itemsize * 8
    count = y.astype(np.dtype(f"uint{bits}"))          # negative counts are out of range too
    out = count >= bits
    return np.where(out, 0, count).astype(x.dtype), out, bits


@register("shift_left")
def _shift_left(x, y, **_):
    c, out, _ = _shift_count(x, y)
    return np.where(out, np.zeros((), x.dtype), np.left_shift(x, c))


@register("shift_right_arithmetic")
def _shift_right_arithmetic(x, y, **_):
    c, out, bits = _shift_count(x, y)
    if np.issubdtype(x.dtype, np.unsignedinteger):
        signed = x.view(np.dtype(f"int{bits}"))
        return np.where(out, signed >> (bits - 1), np.right_shift(signed, c.view(signed.dtype))).view(x.dtype)
    return np.where(out, x >> (bits - 1), np.right_shift(x, c))


@register("shift_right_logical")
def _shift_right_logical(x, y, **_):
    c, out, bits = _shift_count(x, y)
    u = x.view(np.dtype(f"uint{bits}"))
    r = np.right_shift(u, c.view(u.dtype)).view(x.dtype)
    return np.where(out, np.zeros((), x.dtype), r)


@register("population_count")
def _population_count(x, **_):
    return np.bitwise_count(x).astype(x.dtype)


def _via_float64(fn):
    """A scalar math-module function over an array (computed in float64, cast back by the walker)."""
    ufunc = np.frompyfunc(fn, 1, 1)

    def rule(x, **_):
        return np.asarray(ufunc(x.astype(np.float64)), dtype=np.float64)
    return rule


register("erf")(_via_float64(math.erf))
register("erfc")(_via_float64(math.erfc))
register("lgamma")(_via_float64(lambda v: math.lgamma(v) if v > 0 or v != math.floor(v) else math.inf))


# Giles, "Approximating the erfinv function" (single precision), as XLA's ErfInv32 evaluates it
_ERFINV_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                   -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_ERFINV_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


@register("erf_inv")
def _erf_inv(x, **_):
    if x.dtype == np.float64:
        return _erf_inv64(x)
    if x.dtype != np.float32:
        raise Fallback("erf_inv: float32 and float64 have NumPy rules")
    f = np.float32
    w = -np.log1p(-x * x)
    central = w < f(5.0)
    wc = np.where(central, w - f(2.5), np.sqrt(w) - f(3.0))
    p = np.where(central, f(_ERFINV_CENTRAL[0]), f(_ERFINV_TAIL[0]))
    for a, b in zip(_ERFINV_CENTRAL[1:], _ERFINV_TAIL[1:]):
        p = np.where(central, f(a), f(b)) + p * wc
    r = p * x
    return np.where(np.abs(x) == f(1.0), x * f(np.inf), r)


_ERF64 = np.frompyfunc(math.erf, 1, 1)


def _erf_inv64(y):
    """Double precision: the single-precision polynomial as a start, then two Newton steps."""
    x = _erf_inv(y.astype(np.float32)).astype(np.float64)
    finite = np.isfinite(x)
    xs = np.where(finite, x, 0.0)
    for _ in range(2):
        err = np.asarray(_ERF64(xs), dtype=np.float64) - y
        xs = xs - err / (2.0 / math.sqrt(math.pi) * np.exp(-xs * xs))
    return np.where(finite, xs, x)
