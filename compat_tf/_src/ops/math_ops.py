"""Math ops: element-wise arithmetic, comparisons, logic, reductions, matmul, casts.

Mirrors TF1's math_ops.py / gen_math_ops: op types carry TF's names (AddV2,
RealDiv, FloorMod, Sum, MatMul, ...), operator overloads name their ops as
TF1 does (`a + b` is "add", `tf.add(a, b)` is "Add"), binary ops require
equal dtypes (a Python number takes the tensor's dtype), `/` on integers
casts to float64 (int32) as TF1's truediv does, and `tf.div` on integers is
floor division. Integer division or remainder by zero raises InvalidArgumentError as TF1's CPU
kernels do (runtime/run_checks.py; with the checks off, XLA's result: -1 or the dividend).
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference as _shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import first_or_default, make_tensor, static_ints
from compat_tf._src.runtime import run_checks

__all__ = [
    "abs",
    "accumulate_n",
    "acos",
    "acosh",
    "add",
    "add_n",
    "arg_max",
    "arg_min",
    "argmax",
    "argmin",
    "asin",
    "asinh",
    "atan",
    "atan2",
    "atanh",
    "bincount",
    "cast",
    "ceil",
    "clip_by_value",
    "conj",
    "cos",
    "cosh",
    "count_nonzero",
    "cumprod",
    "cumsum",
    "digamma",
    "div",
    "div_no_nan",
    "divide",
    "einsum",
    "equal",
    "erf",
    "erfc",
    "exp",
    "expm1",
    "floor",
    "floor_div",
    "floordiv",
    "floormod",
    "greater",
    "greater_equal",
    "igamma",
    "igammac",
    "imag",
    "is_finite",
    "is_inf",
    "is_nan",
    "less",
    "less_equal",
    "lgamma",
    "lin_space",
    "linspace",
    "log",
    "log1p",
    "logical_and",
    "logical_not",
    "logical_or",
    "logical_xor",
    "maximum",
    "matmul",
    "minimum",
    "mod",
    "multiply",
    "negative",
    "not_equal",
    "polygamma",
    "pow",
    "real",
    "realdiv",
    "reciprocal",
    "reduce_all",
    "reduce_any",
    "reduce_logsumexp",
    "reduce_max",
    "reduce_mean",
    "reduce_min",
    "reduce_prod",
    "reduce_sum",
    "rint",
    "round",
    "rsqrt",
    "saturate_cast",
    "scalar_mul",
    "sigmoid",
    "sign",
    "sin",
    "sinh",
    "sqrt",
    "square",
    "squared_difference",
    "subtract",
    "tan",
    "tanh",
    "tensordot",
    "to_bfloat16",
    "trace",
    "to_complex128",
    "to_complex64",
    "to_double",
    "to_float",
    "to_int32",
    "to_int64",
    "truediv",
    "truncatediv",
    "truncatemod",
    "xdivy",
    "xlogy",
    "zeta",
]

# --------------------------------------------------------------------------------------------
# element-wise unary ops
# --------------------------------------------------------------------------------------------

def _real_inexact(x):
    return jnp.issubdtype(x.dtype, jnp.floating)


@jax.custom_jvp
def _abs_tf(x):
    return jnp.abs(x)


@_abs_tf.defjvp
def _abs_tf_jvp(primals, tangents):
    (x,), (tx,) = primals, tangents
    return jnp.abs(x), tx * jnp.sign(x)     # TF1's _AbsGrad: grad * sign(x), so 0 at x == 0


def _abs(x):
    return _abs_tf(x) if _real_inexact(x) else jnp.abs(x)


_UNARY = {
    "Neg": jnp.negative, "Abs": _abs, "Sqrt": jnp.sqrt, "Rsqrt": lax.rsqrt, "Exp": jnp.exp,
    "Log": jnp.log, "Log1p": jnp.log1p, "Expm1": jnp.expm1, "Square": jnp.square,
    "Sin": jnp.sin, "Cos": jnp.cos, "Tan": jnp.tan, "Asin": jnp.arcsin, "Acos": jnp.arccos,
    "Atan": jnp.arctan, "Sinh": jnp.sinh, "Cosh": jnp.cosh, "Tanh": jnp.tanh, "Asinh": jnp.arcsinh,
    "Acosh": jnp.arccosh, "Atanh": jnp.arctanh, "Sigmoid": jax.nn.sigmoid, "Sign": jnp.sign,
    "Floor": jnp.floor, "Ceil": jnp.ceil, "Round": jnp.round, "Rint": jnp.rint,
    "Reciprocal": jnp.reciprocal, "Erf": jax.scipy.special.erf, "Erfc": jax.scipy.special.erfc,
    "Lgamma": jax.scipy.special.gammaln, "Digamma": jax.scipy.special.digamma,
    "IsNan": jnp.isnan, "IsInf": jnp.isinf, "IsFinite": jnp.isfinite, "LogicalNot": jnp.logical_not,
    "Real": jnp.real, "Imag": jnp.imag, "Conj": jnp.conj, "ComplexAbs": jnp.abs,
}
_INT_SAFE = {"Reciprocal": lambda x: jnp.floor_divide(jnp.ones_like(x), x)}
# TF1 registers no gradient (None) for these (math_grad.py: Floor/Ceil/Round/Rint return [None],
# FloorDiv/TruncateDiv (None, None), comparisons and logic are NotDifferentiable).
_NOT_DIFFERENTIABLE = {"Floor", "Ceil", "Round", "Rint", "IsNan", "IsInf", "IsFinite", "LogicalNot",
                       "FloorDiv", "TruncateDiv", "Equal", "NotEqual", "Less", "LessEqual", "Greater",
                       "GreaterEqual", "LogicalAnd", "LogicalOr", "BitwiseAnd", "BitwiseOr", "BitwiseXor"}


def _register_unary(op_type, fn):
    int_fn = _INT_SAFE.get(op_type)

    def lower(x, **_):
        if int_fn is not None and jnp.issubdtype(x.dtype, jnp.integer):
            return int_fn(x)
        return fn(x)
    lower.__name__ = "_" + op_type.lower()
    register_op(op_type, differentiable=op_type not in _NOT_DIFFERENTIABLE)(lower)


for _t, _f in _UNARY.items():
    _register_unary(_t, _f)


def _unary_builder(op_type, default_name=None):
    def builder(x, name=None):
        return make_tensor(op_type, [x], name=name or default_name or op_type)
    builder.__name__ = op_type.lower()
    builder.__doc__ = f"tf.{builder.__name__}: element-wise {op_type} (TF1 op type {op_type})."
    return builder


negative = neg = _unary_builder("Neg")
sqrt = _unary_builder("Sqrt")
rsqrt = _unary_builder("Rsqrt")
exp = _unary_builder("Exp")
log = _unary_builder("Log")
log1p = _unary_builder("Log1p")
expm1 = _unary_builder("Expm1")
square = _unary_builder("Square")
sin = _unary_builder("Sin")
cos = _unary_builder("Cos")
tan = _unary_builder("Tan")
asin = _unary_builder("Asin")
acos = _unary_builder("Acos")
atan = _unary_builder("Atan")
sinh = _unary_builder("Sinh")
cosh = _unary_builder("Cosh")
tanh = _unary_builder("Tanh")
asinh = _unary_builder("Asinh")
acosh = _unary_builder("Acosh")
atanh = _unary_builder("Atanh")
sigmoid = _unary_builder("Sigmoid")
sign = _unary_builder("Sign")
floor = _unary_builder("Floor")
ceil = _unary_builder("Ceil")
rint = _unary_builder("Rint")
reciprocal = _unary_builder("Reciprocal")
erf = _unary_builder("Erf")
erfc = _unary_builder("Erfc")
lgamma = _unary_builder("Lgamma")
digamma = _unary_builder("Digamma")
is_nan = _unary_builder("IsNan")
is_inf = _unary_builder("IsInf")
is_finite = _unary_builder("IsFinite")
logical_not = _unary_builder("LogicalNot")
real = _unary_builder("Real")
imag = _unary_builder("Imag")
conj = _unary_builder("Conj")


def abs(x, name=None):  # noqa: A001 - TF1 name
    """tf.abs (op type Abs; ComplexAbs for complex inputs, giving a real tensor)."""
    x = _constant.convert_to_tensor(x)
    return make_tensor("ComplexAbs" if x.dtype.is_complex else "Abs", [x], name=name or "Abs")


def round(x, name=None):  # noqa: A001 - TF1 name
    """tf.round: half to even, as TF1's Round."""
    x = _constant.convert_to_tensor(x)
    if x.dtype.is_integer:
        return x
    return make_tensor("Round", [x], name=name or "Round")


# --------------------------------------------------------------------------------------------
# element-wise binary ops
# --------------------------------------------------------------------------------------------

def _int_aware_div(x, y):
    if jnp.issubdtype(x.dtype, jnp.integer):
        return lax.div(x, jnp.where(y == 0, 1, y)) * (y != 0)
    return x / y


def _selecting(select, np_fn):
    """Maximum/Minimum with TF1's gradient: ties send the whole gradient to x (x >= y for Maximum,
    x <= y for Minimum, math_grad._MaximumMinimumGrad); JAX would split it evenly."""
    @jax.custom_jvp
    def f(x, y):
        return np_fn(x, y)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x, y), (tx, ty) = primals, tangents
        out = np_fn(x, y)
        return out, jnp.broadcast_to(jnp.where(select(x, y), tx, ty), out.shape).astype(out.dtype)

    def lower(x, y):
        if jnp.issubdtype(jnp.result_type(x, y), jnp.inexact):
            return f(x, y)
        return np_fn(x, y)
    return lower


@jax.custom_jvp
def _pow_tf(x, y):
    return jnp.power(x, y)


@_pow_tf.defjvp
def _pow_tf_jvp(primals, tangents):
    # TF1's _PowGrad: dx = y * x^(y-1); dy = z * log(x) where x > 0 (x != 0 for complex), else 0.
    (x, y), (tx, ty) = primals, tangents
    z = jnp.power(x, y)
    pos = (x != 0) if jnp.issubdtype(x.dtype, jnp.complexfloating) else (x > 0)
    log_x = jnp.where(pos, jnp.log(jnp.where(pos, x, jnp.ones_like(x))), jnp.zeros_like(x))
    return z, tx * (y * jnp.power(x, y - 1)) + ty * (z * log_x)


def _pow(x, y):
    if jnp.issubdtype(jnp.result_type(x, y), jnp.inexact):
        return _pow_tf(x, y)
    return jnp.power(x, y)


def _checked_int_division(fn):
    """An integer division or remainder that fails on a zero divisor, as TF1's CPU kernels do
    ("Integer division by zero"; run_checks.py: fused into the step, or a GPU-like result when
    the checks are off)."""
    def lower(x, y):
        if jnp.issubdtype(jnp.result_type(x, y), jnp.integer):
            _check_divisor(y)
        return fn(x, y)
    return lower


def _check_divisor(y):
    xp = run_checks.array_module(y)
    zero = xp.asarray(y) == 0
    if xp is not np or zero.any():
        run_checks.check(zero, lambda: "Integer division by zero")


def _integer_division(op):
    """A division's Precheck static arguments: none for integers; floats make no check."""
    return () if op.outputs[0].dtype.is_integer else run_checks.NO_CHECK


def _truncate_div(x, y):
    """TruncateDiv: x / y rounded towards zero, broadcasting (lax.div wants equal shapes); floats
    are truncated too, as TF's kernel does (7.0 // 2.0 -> 3.0, -7.0 / 4.0 -> -1.0)."""
    x, y = jnp.broadcast_arrays(x, y)
    if jnp.issubdtype(x.dtype, jnp.inexact):
        return jnp.trunc(x / y)
    return lax.div(x, y)


_BINARY = {
    "Add": jnp.add, "AddV2": jnp.add, "Sub": jnp.subtract, "Mul": jnp.multiply,
    "RealDiv": _int_aware_div, "Div": _checked_int_division(_int_aware_div),
    "TruncateDiv": _checked_int_division(_truncate_div),
    "FloorDiv": _checked_int_division(jnp.floor_divide), "FloorMod": _checked_int_division(jnp.mod),
    "TruncateMod": _checked_int_division(jnp.fmod), "Mod": _checked_int_division(jnp.fmod),
    "Pow": _pow, "Maximum": _selecting(jnp.greater_equal, jnp.maximum),
    "Minimum": _selecting(jnp.less_equal, jnp.minimum),
    "SquaredDifference": lambda x, y: jnp.square(x - y), "Atan2": jnp.arctan2,
    "DivNoNan": lambda x, y: jnp.where(y == 0, jnp.zeros_like(x), x / jnp.where(y == 0, 1, y)),
    "Xdivy": lambda x, y: jnp.where(x == 0, jnp.zeros_like(x), x / y),
    "Xlogy": lambda x, y: jnp.where(x == 0, jnp.zeros_like(x), x * jnp.log(y)),
    "Equal": jnp.equal, "NotEqual": jnp.not_equal, "Less": jnp.less, "LessEqual": jnp.less_equal,
    "Greater": jnp.greater, "GreaterEqual": jnp.greater_equal,
    "LogicalAnd": jnp.logical_and, "LogicalOr": jnp.logical_or,
    "BitwiseAnd": jnp.bitwise_and, "BitwiseOr": jnp.bitwise_or, "BitwiseXor": jnp.bitwise_xor,
    "Igamma": jax.scipy.special.gammainc, "Igammac": jax.scipy.special.gammaincc,
    "Zeta": jax.scipy.special.zeta, "Polygamma": jax.scipy.special.polygamma,
}


run_checks.register_checked_op(
    "Div", "TruncateDiv", "FloorDiv", "FloorMod", "TruncateMod", "Mod",
    precheck=run_checks.Precheck(inputs=(1,), static=_integer_division, check=_check_divisor))

_BOOL_OUTPUT = {"Equal", "NotEqual", "Less", "LessEqual", "Greater", "GreaterEqual"}


def _fmt_shape(shape):
    return "?" if shape.ndims is None else "[" + ",".join("?" if d is None else str(d) for d in shape.as_list()) + "]"


def _broadcast_shape_rule(op_type):
    """TF1's BroadcastBinaryOpShapeFn: numpy broadcasting of the static shapes; incompatible known
    dimensions raise ValueError when the op is built (jax.eval_shape would hide the error)."""
    bool_output = op_type in _BOOL_OUTPUT

    def rule(op):
        x, y = op._inputs[0], op._inputs[1]
        dtype = _dtypes.bool if bool_output else x._dtype.base_dtype
        dx, dy = x._shape._dims, y._shape._dims
        if dx is None or dy is None:
            return [(_ts.unknown_shape(), dtype)]
        key = (tuple([d._value for d in dx]), tuple([d._value for d in dy]))
        dims = _broadcast_cache.get(key)
        if dims is None:
            dims = _broadcast_dims(key[0], key[1], op, op_type)
            if len(_broadcast_cache) > 4096:
                _broadcast_cache.clear()
            _broadcast_cache[key] = dims
        return [(_shape_inference.shape_from_dims(list(dims)), dtype)]
    return rule


_broadcast_cache = {}    # (dims of x, dims of y) -> tuple of the output's Dimensions


def _broadcast_dims(a, b, op, op_type):
    n = max(len(a), len(b))
    a2, b2 = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    dims = []
    for da, db in zip(a2, b2):
        if da is not None and db is not None:
            if da != db and da != 1 and db != 1:
                sx, sy = _ts.TensorShape(list(a)), _ts.TensorShape(list(b))
                raise ValueError(f"Dimensions must be equal, but are {da} and {db} for '{op.name}' "
                                 f"(op: '{op_type}') with input shapes: {_fmt_shape(sx)}, {_fmt_shape(sy)}.")
            dims.append(db if da == 1 else da)
        elif da is not None and da > 1:
            dims.append(da)
        elif db is not None and db > 1:
            dims.append(db)
        else:
            dims.append(None)
    return tuple(_ts.Dimension(d) for d in dims)


_STRING_COMPARISONS = {"Equal": np.equal, "NotEqual": np.not_equal}


def _as_bytes_array(v):
    arr = np.asarray(v, object)
    if arr.size:
        arr = np.vectorize(lambda e: e.encode() if isinstance(e, str) else e, otypes=[object])(arr)
    return arr


def _register_binary(op_type, fn):
    np_fn = _STRING_COMPARISONS.get(op_type)

    def lower(x, y, **_):
        if np_fn is not None and getattr(x, "dtype", None) is not None and x.dtype.kind in "OSU":
            # strings, on the host; a Python str operand ('' or 'a') compares as its utf-8 bytes
            return np_fn(_as_bytes_array(x), _as_bytes_array(y))
        return fn(x, y)
    lower.__name__ = "_" + op_type.lower()
    register_op(op_type, differentiable=op_type not in _NOT_DIFFERENTIABLE,
                shape=_broadcast_shape_rule(op_type))(lower)


for _t, _f in _BINARY.items():
    _register_binary(_t, _f)


def _binary(op_type, x, y, name):
    x, y = _constant.convert_binary_inputs(x, y)
    return make_tensor(op_type, [x, y], name=name)


def _binary_builder(op_type, default_name=None):
    def builder(x, y, name=None):
        return _binary(op_type, x, y, name or default_name or op_type)
    builder.__name__ = op_type.lower()
    builder.__doc__ = f"tf.{builder.__name__}: element-wise {op_type} with broadcasting (TF1 op {op_type})."
    return builder


def add(x, y, name=None):
    """tf.add (op AddV2; string concatenation for strings, as TF1's Add)."""
    x, y = _constant.convert_binary_inputs(x, y)
    if x.dtype.base_dtype == _dtypes.string:
        from compat_tf._src.ops import string_ops
        return string_ops.string_add(x, y, name=name or "Add")
    return make_tensor("AddV2", [x, y], name=name or "Add")


subtract = _binary_builder("Sub")
multiply = _binary_builder("Mul")
maximum = _binary_builder("Maximum")
minimum = _binary_builder("Minimum")
squared_difference = _binary_builder("SquaredDifference")
floormod = floor_mod = mod = _binary_builder("FloorMod")
truncatediv = _binary_builder("TruncateDiv")
truncatemod = _binary_builder("TruncateMod")
atan2 = _binary_builder("Atan2")
div_no_nan = _binary_builder("DivNoNan")
xdivy = _binary_builder("Xdivy")
xlogy = _binary_builder("Xlogy")
equal = _binary_builder("Equal")
not_equal = _binary_builder("NotEqual")
less = _binary_builder("Less")
less_equal = _binary_builder("LessEqual")
greater = _binary_builder("Greater")
greater_equal = _binary_builder("GreaterEqual")
def _bool_only(builder, n_args):
    def fn(*args, name=None):
        ts = [_constant.convert_to_tensor(a, dtype=None if isinstance(a, _graph.Tensor) else _dtypes.bool)
              for a in args[:n_args]]
        for arg, t in zip("xy", ts):
            if t.dtype.base_dtype != _dtypes.bool:
                raise TypeError(f"Value passed to parameter '{arg}' has DataType {t.dtype.base_dtype.name} not "
                                "in list of allowed values: bool")
        return builder(*ts, name=name)
    fn.__name__, fn.__doc__ = builder.__name__, builder.__doc__
    return fn


logical_and = _bool_only(_binary_builder("LogicalAnd"), 2)
logical_or = _bool_only(_binary_builder("LogicalOr"), 2)
logical_not = _bool_only(logical_not, 1)
igamma = _binary_builder("Igamma")
igammac = _binary_builder("Igammac")
zeta = _binary_builder("Zeta")
polygamma = _binary_builder("Polygamma")
realdiv = _binary_builder("RealDiv")


def pow(x, y, name=None):  # noqa: A001 - TF1 name
    """tf.pow (op Pow)."""
    return _binary("Pow", x, y, name or "Pow")


def floordiv(x, y, name=None):
    """tf.floordiv: floor division for every dtype (op FloorDiv; float inputs give floored floats)."""
    return _binary("FloorDiv", x, y, name or "floordiv")


floor_div = floordiv


def logical_xor(x, y, name="LogicalXor"):
    """tf.logical_xor, built as TF 1.15 does: LogicalAnd(LogicalOr(x, y), LogicalNot(LogicalAnd(x, y)))
    with the outer op named `name` and the inner ones in the current scope."""
    return logical_and(logical_or(x, y), logical_not(logical_and(x, y)), name=name)


_TRUEDIV_CAST = {_dtypes.int8: _dtypes.float32, _dtypes.uint8: _dtypes.float32,
                 _dtypes.int16: _dtypes.float32, _dtypes.uint16: _dtypes.float32,
                 _dtypes.int32: _dtypes.float64, _dtypes.int64: _dtypes.float64}


def truediv(x, y, name=None):
    """tf.truediv / `x / y`: integers are cast to float (int32 -> float64) first, as in TF1."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "truediv") as scope:
        x, y = _constant.convert_binary_inputs(x, y)
        target = _TRUEDIV_CAST.get(x.dtype.base_dtype)
        if target is not None:
            x, y = cast(x, target), cast(y, target)
        return make_tensor("RealDiv", [x, y], name=scope)


def divide(x, y, name=None):
    """tf.divide: x / y (truediv)."""
    if name is not None:
        return truediv(x, y, name=name)
    return truediv(x, y)


def div(x, y, name=None):
    """tf.div (TF1's Python-2 division): floor division for integers, real division for floats."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "div") as scope:
        x, y = _constant.convert_binary_inputs(x, y)
        if x.dtype.is_integer:
            return make_tensor("FloorDiv", [x, y], name=scope)
        return make_tensor("RealDiv", [x, y], name=scope)


def scalar_mul(scalar, x, name=None):
    """tf.scalar_mul: a scalar times a tensor."""
    scalar = _constant.convert_to_tensor(scalar, dtype=_constant.convert_to_tensor(x).dtype.base_dtype)
    if scalar.shape.ndims not in (None, 0):
        raise ValueError(f"Only scalar multiply works, got shape {scalar.shape}")
    return multiply(scalar, x, name=name or "Mul")


# --------------------------------------------------------------------------------------------
# operator overloads (a + b etc.): TF1 names these ops by the operator
# --------------------------------------------------------------------------------------------

def _convert_operands(x, y):
    """As TF1's operator wrappers, inside the operator's name scope: a non-tensor operand becomes
    a constant named "y" (or "x" for the reflected operators, `2.0 * t`) of the tensor's dtype."""
    x_t, y_t = _constant._is_tensor_like(x), _constant._is_tensor_like(y)
    if x_t and not y_t:
        x = _constant.convert_to_tensor(x)
        y = _constant.convert_to_tensor(y, dtype=x.dtype.base_dtype, name="y")
    elif y_t and not x_t:
        y = _constant.convert_to_tensor(y)
        x = _constant.convert_to_tensor(x, dtype=y.dtype.base_dtype, name="x")
    return x, y


def _add_overload(x, y):
    g = _graph.get_default_graph()
    with g.name_scope("add") as scope:
        x, y = _convert_operands(x, y)
        return add(x, y, name=scope)


def _overload(op_type, scope_name):
    def fn(x, y):
        g = _graph.get_default_graph()
        with g.name_scope(scope_name) as scope:
            x, y = _convert_operands(x, y)
            return _binary(op_type, x, y, scope)
    return fn


def _scoped(scope_name, fn):
    """TF1's _OverrideBinaryOperatorHelper: the op is named after the operator ("and", "matmul")."""
    def wrapper(x, y):
        g = _graph.get_default_graph()
        with g.name_scope(scope_name) as scope:
            x, y = _convert_operands(x, y)
            return fn(x, y, scope)
    return wrapper


_graph.OVERLOADS.update({
    "add": _add_overload,
    "sub": _overload("Sub", "sub"),
    "mul": _overload("Mul", "mul"),
    "truediv": lambda x, y: truediv(x, y),
    "floordiv": _overload("FloorDiv", "floordiv"),
    "mod": _overload("FloorMod", "mod"),
    "pow": _overload("Pow", "pow"),
    "matmul": _scoped("matmul", lambda x, y, name: matmul(x, y, name=name)),
    "less": lambda x, y: less(x, y),
    "less_equal": lambda x, y: less_equal(x, y),
    "greater": lambda x, y: greater(x, y),
    "greater_equal": lambda x, y: greater_equal(x, y),
    "logical_and": _scoped("and", lambda x, y, name: logical_and(x, y, name=name)),
    "logical_or": _scoped("or", lambda x, y, name: logical_or(x, y, name=name)),
    "logical_xor": _scoped("xor", lambda x, y, name: logical_xor(x, y, name=name)),
    "neg": lambda x: negative(x),
    "abs": lambda x: abs(x),
    "logical_not": lambda x: logical_not(x),
})


# --------------------------------------------------------------------------------------------
# n-ary, casts
# --------------------------------------------------------------------------------------------

def _add_n_shape(op):
    """TF's AddN shape function: the inputs' shapes merged (they must be compatible)."""
    from compat_tf._src.framework import tensor_shape as _ts
    merged = _ts.unknown_shape()
    for x in op.inputs:
        try:
            merged = merged.merge_with(x.shape)
        except ValueError:
            raise ValueError(f"Shapes must be equal rank, but are {merged} and {x.shape} for '{op.name}' "
                             "(op: 'AddN')") from None
    return [(merged, op.inputs[0].dtype.base_dtype)]


@register_op("AddN", shape=_add_n_shape)
def _add_n(*xs, **_):
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def add_n(inputs, name=None):
    """tf.add_n: the sum of a list of same-shaped tensors (op AddN)."""
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and shape")
    inputs = [_constant.convert_to_tensor(x) for x in inputs]
    if len(inputs) == 1:
        from compat_tf._src.ops import control_flow_ops
        return control_flow_ops.identity(inputs[0], name=name)
    return make_tensor("AddN", inputs, name=name or "AddN")


def accumulate_n(inputs, shape=None, tensor_dtype=None, name=None):
    """tf.accumulate_n: the element-wise sum of `inputs` (TF 1.15 builds AddN as add_n does).

    `shape`/`tensor_dtype` are checked against the inputs as in TF1."""
    if not inputs or not isinstance(inputs, (list, tuple)):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and shape")
    inputs = [_constant.convert_to_tensor(x) for x in inputs]
    if not all(x.dtype == inputs[0].dtype for x in inputs):
        raise ValueError("inputs must be a list of at least one Tensor with the same dtype and shape")
    from compat_tf._src.framework import tensor_shape as _ts
    merged = _ts.as_shape(shape) if shape is not None else _ts.unknown_shape()
    for x in inputs:
        merged = merged.merge_with(x.shape)
    if tensor_dtype is not None and _dtypes.as_dtype(tensor_dtype) != inputs[0].dtype:
        raise TypeError(f"tensor_dtype is {_dtypes.as_dtype(tensor_dtype).name}, but input is of type "
                        f"{inputs[0].dtype.name}")
    return add_n(inputs, name=name)


@register_op("Cast")
def _cast(x, DstT, Truncate=False, **_):
    dst = _dtypes.to_jax_dtype(DstT)
    if jnp.issubdtype(x.dtype, jnp.complexfloating) and not jnp.issubdtype(dst, jnp.complexfloating):
        x = jnp.real(x)
    if isinstance(x, np.ndarray):
        return x.astype(dst)
    return x.astype(dst)


def cast(x, dtype, name=None):
    """tf.cast: float -> int truncates toward zero, as TF1 (op Cast; no op when dtypes match)."""
    base = _dtypes.as_dtype(dtype).base_dtype
    if hasattr(x, "_as_graph_element") or isinstance(x, _graph.Tensor):
        x = _constant.convert_to_tensor(x)
    else:
        x = _constant.convert_to_tensor(x, dtype=None)
    if x.dtype.base_dtype == base:
        return x
    return make_tensor("Cast", [x], {"DstT": base, "SrcT": x.dtype.base_dtype, "Truncate": False},
                       name=name or "Cast")


def _cast_fn(dtype, default_name):
    def fn(x, name=default_name):
        return cast(x, dtype, name=name)
    fn.__doc__ = f"tf.{default_name.lower()}: cast to {dtype.name} (deprecated TF1 helper)."
    return fn


to_float = _cast_fn(_dtypes.float32, "ToFloat")
to_double = _cast_fn(_dtypes.float64, "ToDouble")
to_int32 = _cast_fn(_dtypes.int32, "ToInt32")
to_int64 = _cast_fn(_dtypes.int64, "ToInt64")
to_bfloat16 = _cast_fn(_dtypes.bfloat16, "ToBFloat16")
to_complex64 = _cast_fn(_dtypes.complex64, "ToComplex64")
to_complex128 = _cast_fn(_dtypes.complex128, "ToComplex128")


def saturate_cast(value, dtype, name=None):
    """tf.saturate_cast: clamps to the target dtype's range before casting."""
    value = _constant.convert_to_tensor(value)
    dtype = _dtypes.as_dtype(dtype)
    g = _graph.get_default_graph()
    with g.name_scope(name or "saturate_cast"):
        if not dtype.is_floating or value.dtype.is_integer:
            lo = max(value.dtype.min, dtype.min) if not value.dtype.is_bool else 0
            hi = min(value.dtype.max, dtype.max) if not value.dtype.is_bool else 1
            value = clip_by_value_raw(value, lo, hi)
        return cast(value, dtype)


@register_op("ClipByValue")
def _clip_by_value(t, lo, hi, **_):
    # where-based so that the gradient is TF1's _ClipByValueGrad: t gets it where lo <= t <= hi
    # (boundaries included), lo where t < lo, hi where t > hi.
    return jnp.where(t < lo, lo, jnp.where(t > hi, hi, t)).astype(t.dtype)


def clip_by_value_raw(t, lo, hi, name=None):
    t = _constant.convert_to_tensor(t)
    lo = _constant.convert_to_tensor(lo, dtype=t.dtype.base_dtype)
    hi = _constant.convert_to_tensor(hi, dtype=t.dtype.base_dtype)
    return make_tensor("ClipByValue", [t, lo, hi], name=name or "ClipByValue")


# --------------------------------------------------------------------------------------------
# reductions
# --------------------------------------------------------------------------------------------

def _axes(axis, ndim):
    a = static_ints(axis, "the reduction axis").reshape(-1)
    for i in a:
        if not -ndim <= int(i) < ndim:
            from compat_tf._src.framework import errors
            raise errors.InvalidArgumentError(
                None, None, f"Invalid reduction dimension {int(i)} for input with {ndim} dimensions")
    return tuple(sorted(set(int(i) % ndim for i in a)))


def _check_axes(x, axis, op_type, name):
    """TF1's reduction shape function: a constant axis out of [-rank, rank) is a build-time ValueError."""
    if x.shape.ndims is None or axis is None or isinstance(axis, _graph.Tensor):
        return
    ndim = x.shape.ndims
    for i in np.asarray(axis).reshape(-1):
        if not -ndim <= int(i) < ndim:
            raise ValueError(f"Invalid reduction dimension {int(i)} for input with {ndim} dimensions. for "
                             f"'{name}' (op: '{op_type}') with input shapes: {_fmt_shape(x.shape)}")


def _int_mean(x, axis, keepdims):
    s = jnp.sum(x, axis=axis, keepdims=keepdims, dtype=x.dtype)
    n = int(np.prod([x.shape[i] for i in axis])) if axis else 1
    return lax.div(s, jnp.asarray(max(n, 1), s.dtype))


_REDUCERS = {
    "Sum": jnp.sum, "Prod": jnp.prod, "Max": jnp.max, "Min": jnp.min, "All": jnp.all, "Any": jnp.any,
    "EuclideanNorm": lambda x, axis, keepdims: jnp.sqrt(jnp.sum(x * x, axis=axis, keepdims=keepdims)),
    "ReduceLogSumExp": lambda x, axis, keepdims: jax.nn.logsumexp(x, axis=axis, keepdims=keepdims),
}


def _register_reduction(op_type, fn):
    def lower(x, axis, keep_dims=False, **_):
        ax = _axes(axis, x.ndim)
        if op_type == "Mean" and jnp.issubdtype(x.dtype, jnp.integer):
            return _int_mean(x, ax, keep_dims)
        if op_type in ("Max", "Min") and any(x.shape[i] == 0 for i in ax):
            # TF1 reduces an empty set to the identity: -inf / lowest for Max, +inf / highest for Min
            info = jnp.finfo(x.dtype) if jnp.issubdtype(x.dtype, jnp.inexact) else jnp.iinfo(x.dtype)
            big = np.inf if jnp.issubdtype(x.dtype, jnp.inexact) else info.max
            small = -np.inf if jnp.issubdtype(x.dtype, jnp.inexact) else info.min
            return fn(x, axis=ax, keepdims=keep_dims, initial=small if op_type == "Max" else big)
        out = fn(x, axis=ax, keepdims=keep_dims)
        return out.astype(x.dtype) if op_type in ("Sum", "Prod") else out
    lower.__name__ = "_" + op_type.lower()
    register_op(op_type)(lower)


for _t, _f in dict(_REDUCERS, Mean=jnp.mean).items():
    _register_reduction(_t, _f)


def _reduction_axis(x, axis):
    """The axis input TF1 builds: the given axes, or range(rank) when axis is None."""
    if axis is not None:
        if isinstance(axis, _graph.Tensor) or hasattr(axis, "_as_graph_element"):
            return _constant.convert_to_tensor(axis)
        if np.asarray(axis).dtype.kind not in "iu":   # axis=[]: TF1 converts it to an int32 constant
            return _constant.convert_to_tensor(np.asarray(axis).astype(np.int32))
        return _constant.convert_to_tensor(axis, dtype=None)
    if x.shape.ndims is not None:
        return _constant.constant(np.arange(x.shape.ndims, dtype=np.int32), name="Const")
    from compat_tf._src.ops import array_ops
    return array_ops.range(0, array_ops.rank(x), name="range")


def _reducer(op_type, default_name, bool_only=False):
    def fn(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None, keep_dims=None):
        axis = first_or_default(axis, reduction_indices)
        keep = bool(first_or_default(keepdims, keep_dims, False))
        x = _constant.convert_to_tensor(input_tensor)
        if bool_only and x.dtype.base_dtype != _dtypes.bool:
            raise TypeError(f"Value passed to parameter 'input' has DataType {x.dtype.base_dtype.name} not "
                            "in list of allowed values: bool")
        _check_axes(x, axis, op_type, name or default_name)
        g = _graph.get_default_graph()
        if op_type == "ReduceLogSumExp" or op_type == "EuclideanNorm":
            with g.name_scope(name or default_name) as scope:
                ax = _reduction_axis(x, axis)
                return make_tensor(op_type, [x, ax], {"keep_dims": keep}, name=scope)
        ax = _reduction_axis(x, axis)
        return make_tensor(op_type, [x, ax], {"keep_dims": keep}, name=name or default_name)
    fn.__name__ = default_name
    fn.__doc__ = (f"tf.{default_name}: op {op_type} over `axis` (all axes when None); "
                  "keep_dims and reduction_indices are TF1's deprecated aliases.")
    return fn


reduce_sum = _reducer("Sum", "Sum")
reduce_prod = _reducer("Prod", "Prod")
reduce_max = _reducer("Max", "Max")
reduce_min = _reducer("Min", "Min")
reduce_mean = _reducer("Mean", "Mean")
reduce_all = _reducer("All", "All", bool_only=True)
reduce_any = _reducer("Any", "Any", bool_only=True)
reduce_logsumexp = _reducer("ReduceLogSumExp", "ReduceLogSumExp")
reduce_euclidean_norm = _reducer("EuclideanNorm", "EuclideanNorm")
reduce_sum.__name__, reduce_prod.__name__ = "reduce_sum", "reduce_prod"


def count_nonzero(input_tensor, axis=None, keepdims=None, dtype=_dtypes.int64, name=None,
                  reduction_indices=None, keep_dims=None):
    """tf.count_nonzero: the number of non-zero elements along `axis`."""
    x = _constant.convert_to_tensor(input_tensor)
    g = _graph.get_default_graph()
    with g.name_scope(name or "count_nonzero"):
        zero = _constant.constant(np.zeros((), x.dtype.as_numpy_dtype if x.dtype != _dtypes.string else object))
        nz = cast(not_equal(x, zero), _dtypes.int64)
        return cast(reduce_sum(nz, axis, keepdims, reduction_indices=reduction_indices, keep_dims=keep_dims),
                    dtype)


def _skip_nan(x, fill):
    # TF's ArgMax/ArgMin kernels compare with > / <, so a NaN is never picked (argmax([1, nan, 3]) is 2;
    # JAX's would be 1): NaNs become the value that never wins
    x = jnp.asarray(x)
    if jnp.issubdtype(x.dtype, jnp.floating):
        x = jnp.where(jnp.isnan(x), jnp.asarray(fill, x.dtype), x)
    return x


@register_op("ArgMax")
def _argmax(x, dimension, output_type=_dtypes.int64, **_):
    ax = int(static_ints(dimension, "the argmax axis"))
    return jnp.argmax(_skip_nan(x, -np.inf), axis=ax).astype(_dtypes.to_jax_dtype(output_type))


@register_op("ArgMin")
def _argmin(x, dimension, output_type=_dtypes.int64, **_):
    ax = int(static_ints(dimension, "the argmin axis"))
    return jnp.argmin(_skip_nan(x, np.inf), axis=ax).astype(_dtypes.to_jax_dtype(output_type))


def _arg_reducer(op_type):
    def fn(input, axis=None, name=None, dimension=None, output_type=_dtypes.int64):
        axis = first_or_default(axis, dimension, 0)
        return make_tensor(op_type, [input, _constant.convert_to_tensor(axis)],
                           {"output_type": _dtypes.as_dtype(output_type)}, name=name or op_type)
    fn.__doc__ = f"tf.{op_type.lower()}: index of the extreme value along `axis` (default 0), int64."
    return fn


argmax = arg_max = _arg_reducer("ArgMax")
argmin = arg_min = _arg_reducer("ArgMin")


# --------------------------------------------------------------------------------------------
# scans
# --------------------------------------------------------------------------------------------

def _scan(fn, identity):
    def lower(x, axis, exclusive=False, reverse=False, **_):
        ax = int(static_ints(axis, "the scan axis")) % x.ndim
        if reverse:
            x = jnp.flip(x, ax)
        out = fn(x, axis=ax)
        if exclusive:
            pad = [(0, 0)] * x.ndim
            pad[ax] = (1, 0)
            out = jnp.pad(out, pad, constant_values=identity)
            out = lax.slice_in_dim(out, 0, x.shape[ax], axis=ax)
        if reverse:
            out = jnp.flip(out, ax)
        return out.astype(x.dtype)
    return lower


register_op("Cumsum")(_scan(jnp.cumsum, 0))
register_op("Cumprod")(_scan(jnp.cumprod, 1))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumsum (op Cumsum) with TF1's `exclusive` and `reverse`."""
    return make_tensor("Cumsum", [x, _constant.convert_to_tensor(axis)],
                       {"exclusive": exclusive, "reverse": reverse}, name=name or "Cumsum")


def cumprod(x, axis=0, exclusive=False, reverse=False, name=None):
    """tf.cumprod (op Cumprod) with TF1's `exclusive` and `reverse`."""
    return make_tensor("Cumprod", [x, _constant.convert_to_tensor(axis)],
                       {"exclusive": exclusive, "reverse": reverse}, name=name or "Cumprod")


# --------------------------------------------------------------------------------------------
# matrix products
# --------------------------------------------------------------------------------------------

def _adj(x, transpose, adjoint):
    if adjoint:
        x = jnp.conj(x)
    return jnp.swapaxes(x, -1, -2) if (transpose or adjoint) else x


@register_op("MatMul")
def _matmul(a, b, transpose_a=False, transpose_b=False, **_):
    return jnp.matmul(_adj(a, transpose_a, False), _adj(b, transpose_b, False))


@register_op("BatchMatMulV2")
def _batch_matmul(x, y, adj_x=False, adj_y=False, **_):
    return jnp.matmul(_adj(x, False, adj_x), _adj(y, False, adj_y))


def matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
           a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.matmul: MatMul for rank-2 inputs, BatchMatMulV2 (broadcasting batch dims) above."""
    a, b = _constant.convert_binary_inputs(a, b)
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is not None and rb is not None and ra == 2 and rb == 2 and not adjoint_a and not adjoint_b:
        if a.shape[1 - transpose_a].value is not None and b.shape[int(transpose_b)].value is not None and \
                a.shape[1 - transpose_a].value != b.shape[int(transpose_b)].value:
            if hasattr(a, "_capture_into") and hasattr(b, "_capture_into"):    # eager: the kernel's error
                from compat_tf._src.framework import errors

                def dims(t):
                    return "[" + ",".join(str(d) for d in t.shape.as_list()) + "]"
                raise errors.InvalidArgumentError(
                    None, None, f"Matrix size-incompatible: In[0]: {dims(a)}, In[1]: {dims(b)} [Op:MatMul]")
            raise ValueError(f"Dimensions must be equal, but are {a.shape[1 - transpose_a].value} and "
                             f"{b.shape[int(transpose_b)].value} for 'MatMul' with input shapes: "
                             f"{a.shape}, {b.shape}.")
        return make_tensor("MatMul", [a, b], {"transpose_a": bool(transpose_a),
                                              "transpose_b": bool(transpose_b)}, name=name or "MatMul")
    g = _graph.get_default_graph()
    with g.name_scope(name or "MatMul") as scope:
        if transpose_a:
            a = _transpose_last(a, adjoint_a)
            adjoint_a = False
        if transpose_b:
            b = _transpose_last(b, adjoint_b)
            adjoint_b = False
        return make_tensor("BatchMatMulV2", [a, b], {"adj_x": bool(adjoint_a), "adj_y": bool(adjoint_b)},
                           name=scope)


def _transpose_last(x, conjugate):
    from compat_tf._src.ops import array_ops
    return array_ops.matrix_transpose(x, conjugate=conjugate)


def tensordot(a, b, axes, name=None):
    """tf.tensordot (op Tensordot here; TF1 builds it from reshapes and a MatMul)."""
    a, b = _constant.convert_binary_inputs(a, b)
    if isinstance(axes, int):
        spec = int(axes)
    else:
        spec = tuple(tuple(np.atleast_1d(np.asarray(x)).tolist()) for x in axes)
    return make_tensor("Tensordot", [a, b], {"axes": spec}, name=name or "Tensordot")


@register_op("Tensordot")
def _tensordot(a, b, axes):
    return jnp.tensordot(a, b, axes=axes)


@register_op("Einsum")
def _einsum(*xs, equation, **_):
    return jnp.einsum(equation, *xs)


def einsum(equation, *inputs, **kwargs):
    """tf.einsum (op Einsum)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"invalid keyword arguments for einsum: {', '.join(kwargs)}")
    ins = [_constant.convert_to_tensor(x) for x in inputs]
    return make_tensor("Einsum", ins, {"equation": equation.replace(" ", "")}, name=name or "einsum")


# --------------------------------------------------------------------------------------------
# sequences
# --------------------------------------------------------------------------------------------

@register_op("LinSpace")
def _linspace(start, stop, num, **_):
    n = int(static_ints(num, "linspace's num"))
    return jnp.linspace(start, stop, n).astype(jnp.result_type(start))


def linspace(start, stop, num, name=None):
    """tf.linspace / tf.lin_space (op LinSpace)."""
    start = _constant.convert_to_tensor(start)
    stop = _constant.convert_to_tensor(stop, dtype=start.dtype.base_dtype)
    return make_tensor("LinSpace", [start, stop, _constant.convert_to_tensor(num)], name=name or "LinSpace")


lin_space = linspace


# --------------------------------------------------------------------------------------------
# misc
# --------------------------------------------------------------------------------------------

def _bincount_shape(op):
    from compat_tf._src.framework import shape_inference
    size = shape_inference.constant_value(op.inputs[1])
    return [([int(size) if size is not None else None], op.inputs[2].dtype.base_dtype)]


@register_op("Bincount", shape=_bincount_shape, host=True, differentiable=False)
def _bincount(ctx, arr, size, weights, **_):
    from compat_tf._src.framework import errors
    arr, n, w = np.asarray(arr).reshape(-1), int(np.asarray(size)), np.asarray(weights)
    if n < 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"size ({n}) must be non-negative")
    if arr.size and arr.min() < 0:
        raise errors.InvalidArgumentError(None, ctx.op, "Input arr must be non-negative!")
    keep = arr < n                      # TF1's kernel ignores values >= size
    if w.size:
        out = np.bincount(arr[keep], weights=w.reshape(-1)[keep], minlength=n)
    else:
        out = np.bincount(arr[keep], minlength=n)
    return out[:n].astype(w.dtype)


def bincount(arr, weights=None, minlength=None, maxlength=None, dtype=_dtypes.int32):
    """tf.bincount / tf.math.bincount: counts of each value in the int32 `arr`, built as TF 1.15
    does (output size max(arr) + 1, at least `minlength`, at most `maxlength`; values >= the size are
    dropped). Deviation: weighted counts are computed by the Bincount op on the host, so no
    gradient reaches `weights` (TF1 uses UnsortedSegmentSum there)."""
    g = _graph.get_default_graph()
    with g.name_scope("bincount"):
        arr = _constant.convert_to_tensor(arr, name="arr", dtype=_dtypes.int32)
        from compat_tf._src.ops import array_ops
        nonempty = greater(reduce_prod(array_ops.shape(arr)), 0)
        output_size = cast(nonempty, _dtypes.int32) * (reduce_max(arr) + 1)
        if minlength is not None:
            output_size = maximum(_constant.convert_to_tensor(minlength, name="minlength",
                                                              dtype=_dtypes.int32), output_size)
        if maxlength is not None:
            output_size = minimum(_constant.convert_to_tensor(maxlength, name="maxlength",
                                                              dtype=_dtypes.int32), output_size)
        if weights is not None:
            weights = _constant.convert_to_tensor(weights, name="weights")
        else:
            weights = _constant.constant(np.zeros((0,), _dtypes.as_dtype(dtype).as_numpy_dtype))
        return make_tensor("Bincount", [arr, output_size, weights], name="Bincount")


def trace(x, name=None):
    """tf.trace: sum of the main diagonal of the innermost matrices."""
    from compat_tf._src.ops import array_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "Trace") as scope:
        return reduce_sum(array_ops.matrix_diag_part(x), [-1], name=scope)


def clip_by_value(t, clip_value_min, clip_value_max, name=None):
    """tf.clip_by_value, built as TF 1.15 builds it: Maximum(Minimum(t, max), min) named
    "clip_by_value", so the gradient reaches t where min <= t <= max (ties go to t) and is 0
    outside. Clip values that would broadcast `t` to a larger shape raise ValueError as in TF1."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "clip_by_value") as scope:
        values = _constant.convert_to_tensor(getattr(t, "values", t) if type(t).__name__ == "IndexedSlices"
                                             else t, name="t")
        t_min = minimum(values, clip_value_max)
        values.shape.merge_with(t_min.shape)
        t_max = maximum(t_min, clip_value_min, name=scope)
        values.shape.merge_with(t_max.shape)
        return t_max
