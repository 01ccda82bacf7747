"""tf.Assert, the tf.assert_* family, tf.check_numerics and friends (TF 1.15 check_ops).

Run-time checks (ops "Assert" and "CheckNumerics") are evaluated inside the
jitted step; when one fails, a host callback records TF1's
`InvalidArgumentError` (see `runtime/host_checks.py`) and `Session.run`
raises it after the step, before the step's variable writes are committed:
a failed run leaves every variable unchanged. The data of a failing Assert
is only copied to the host when the condition is false (`lax.cond`).

Messages follow TF1: "assertion failed: [msg] [x (x:0) = ] [1 2 3...]" with
`summarize` elements (default 3) per tensor, and for check_numerics
"<message> : Tensor had NaN values" (or Inf, or Inf and NaN).

Build-time checks mirror TF 1.15: `assert_equal` of two build-time constants
raises InvalidArgumentError at once; `assert_rank`/`assert_rank_at_least`/
`assert_scalar` raise ValueError and `assert_type`/`assert_integer` TypeError
when the static shape/dtype decides; the other comparisons check at run time
only (as TF 1.15 does). String tensors in `data` must be build-time constants
(string literals, `tf.constant("...")`), which is what TF1 programs pass.
"""
import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import logging_ops
from compat_tf._src.runtime import host_checks

__all__ = ["Assert", "add_check_numerics_ops", "assert_equal", "assert_greater", "assert_greater_equal",
           "assert_integer", "assert_less", "assert_less_equal", "assert_near", "assert_negative",
           "assert_non_negative", "assert_non_positive", "assert_none_equal", "assert_positive", "assert_rank",
           "assert_rank_at_least", "assert_rank_in", "assert_same_float_dtype", "assert_proper_iterable",
           "assert_scalar", "assert_type", "check_numerics", "is_non_decreasing",
           "is_numeric_tensor", "is_strictly_increasing", "verify_tensor_all_finite"]


def _node_suffix(op):
    return f"\n\t [[node {op.name}]]" if op is not None else ""


# --------------------------------------------------------------------------------------------
# Assert
# --------------------------------------------------------------------------------------------

def _format_assert(template, vals, summarize):
    parts = []
    for kind, x in template:
        parts.append("[" + (x if kind == "s" else logging_ops.summarize_v1(vals[x], summarize)) + "]")
    return "assertion failed: " + " ".join(parts)


@register_op("Assert", num_outputs=0, shape=lambda op: [], ctx=True, stateful=True, differentiable=False)
def _assert(ctx, condition, *data, summarize=3, _template=None, **_):
    op = ctx.op
    template = _template if _template is not None else tuple(("t", i) for i in range(len(data)))

    def check(ok, *vals):
        if np.all(ok):
            return None
        return errors.InvalidArgumentError(None, op, _format_assert(template, vals, summarize) + _node_suffix(op))

    if not host_checks.in_device_trace():
        host_checks.checked_callback(ctx, check, np.all(np.asarray(condition)), *data)
        return ()
    ok = jnp.all(jnp.asarray(condition, bool))

    def fail(args):
        host_checks.checked_callback(ctx, check, *args)
        return None
    lax.cond(ok, lambda args: None, fail, (ok,) + tuple(jnp.asarray(d) for d in data))
    return ()


host_checks.register_callback_op("Assert")


def Assert(condition, data, summarize=None, name=None):  # noqa: N802 - TF1 name
    """tf.Assert (op Assert): raises InvalidArgumentError at run time when `condition` is false.

    Returns the Operation; in graph mode it must be run (fetched, or a control dependency
    of something that is), as in TF1.
    """
    g = _graph.get_default_graph()
    with g.name_scope(name or "Assert"):
        cond = _constant.convert_to_tensor(condition)
        if cond.dtype.base_dtype != _dtypes.bool:
            raise TypeError(f"tf.Assert condition must be a bool tensor, got {cond.dtype.base_dtype.name}")
        if not isinstance(data, (list, tuple)):
            data = [data]
        template, tensors = logging_ops._split_static_strings(list(data))
        op = g.create_op("Assert", [cond] + tensors,
                         {"summarize": 3 if summarize is None else int(summarize), "_template": template},
                         name="Assert")
        return None if _executing_eagerly() else op     # eagerly it has run (TF 1.15 returns None)


def _executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


def _display_name(t):
    """A tensor's name in an assertion message (an eager tensor has none: its shape and dtype)."""
    try:
        return t.name
    except AttributeError:
        return f"shape={t.shape} dtype={t.dtype.name}"


def _static_fail(data):
    parts = []
    for x in data:
        if isinstance(x, (str, bytes)):
            parts.append(x.decode() if isinstance(x, bytes) else x)
            continue
        v = shape_inference.constant_value(_constant.convert_to_tensor(x))
        parts.append(str(x) if v is None else str(v))
    raise errors.InvalidArgumentError(None, None, "\n".join(parts))


def _binary(opname, sym_text, fn, x, y, data, summarize, message, name, static=False):
    from compat_tf._src.ops import math_ops
    message = message or ""
    g = _graph.get_default_graph()
    with g.name_scope(name or opname):
        x = _constant.convert_to_tensor(x, name="x")
        y = _constant.convert_to_tensor(y, name="y", dtype=x.dtype.base_dtype) if not isinstance(y, Tensor) \
            else y
        if data is None:
            data = [message, sym_text, f"x ({_display_name(x)}) = ", x, f"y ({_display_name(y)}) = ", y]
        condition = math_ops.reduce_all(fn(x, y))
        if static:
            xs, ys = shape_inference.constant_value(x), shape_inference.constant_value(y)
            if xs is not None and ys is not None and not np.all(np.asarray(xs) == np.asarray(ys)):
                _static_fail(data)
        return Assert(condition, data, summarize=summarize)


def assert_equal(x, y, data=None, summarize=None, message=None, name=None):
    """tf.assert_equal: x == y element-wise (build-time InvalidArgumentError when both are constants)."""
    from compat_tf._src.ops import math_ops
    return _binary("assert_equal", "Condition x == y did not hold element-wise:", math_ops.equal, x, y, data,
                   summarize, message, name, static=True)


def assert_none_equal(x, y, data=None, summarize=None, message=None, name=None):
    from compat_tf._src.ops import math_ops
    return _binary("assert_none_equal", "Condition x != y did not hold for every single element:",
                   math_ops.not_equal, x, y, data, summarize, message, name)


def assert_less(x, y, data=None, summarize=None, message=None, name=None):
    from compat_tf._src.ops import math_ops
    return _binary("assert_less", "Condition x < y did not hold element-wise:", math_ops.less, x, y, data,
                   summarize, message, name)


def assert_less_equal(x, y, data=None, summarize=None, message=None, name=None):
    from compat_tf._src.ops import math_ops
    return _binary("assert_less_equal", "Condition x <= y did not hold element-wise:", math_ops.less_equal, x,
                   y, data, summarize, message, name)


def assert_greater(x, y, data=None, summarize=None, message=None, name=None):
    from compat_tf._src.ops import math_ops
    return _binary("assert_greater", "Condition x > y did not hold element-wise:", math_ops.greater, x, y,
                   data, summarize, message, name)


def assert_greater_equal(x, y, data=None, summarize=None, message=None, name=None):
    from compat_tf._src.ops import math_ops
    return _binary("assert_greater_equal", "Condition x >= y did not hold element-wise:",
                   math_ops.greater_equal, x, y, data, summarize, message, name)


def assert_near(x, y, rtol=None, atol=None, data=None, summarize=None, message=None, name=None):
    """tf.assert_near: |x - y| <= atol + rtol * |y| (default tolerances 10 * eps of the dtype)."""
    from compat_tf._src.ops import math_ops
    message = message or ""
    g = _graph.get_default_graph()
    with g.name_scope(name or "assert_near"):
        x = _constant.convert_to_tensor(x, name="x")
        y = _constant.convert_to_tensor(y, name="y", dtype=x.dtype.base_dtype)
        eps = np.finfo(x.dtype.base_dtype.as_numpy_dtype).eps
        rtol = _constant.convert_to_tensor(10 * eps if rtol is None else rtol, dtype=x.dtype.base_dtype)
        atol = _constant.convert_to_tensor(10 * eps if atol is None else atol, dtype=x.dtype.base_dtype)
        if data is None:
            data = [message, "x and y not equal to tolerance rtol = ", rtol, ", atol = ", atol,
                    f"x ({_display_name(x)}) = ", x, f"y ({_display_name(y)}) = ", y]
        tol = atol + rtol * math_ops.abs(y)
        diff = math_ops.abs(x - y)
        condition = math_ops.reduce_all(math_ops.less_equal(diff, tol))
        return Assert(condition, data, summarize=summarize)


def _unary(opname, text, x, data, summarize, message, name, cmp):
    message = message or ""
    g = _graph.get_default_graph()
    with g.name_scope(name or opname):
        x = _constant.convert_to_tensor(x, name="x")
        if data is None:
            data = [message] + list(text(x.name)) + [x]
        zero = _constant.convert_to_tensor(0, dtype=x.dtype.base_dtype)
        return cmp(x, zero, data, summarize)


def assert_positive(x, data=None, summarize=None, message=None, name=None):
    return _unary("assert_positive", lambda n: ["Condition x > 0 did not hold element-wise:", f"x ({n}) = "],
                  x, data, summarize, message, name, lambda x, z, d, s: assert_less(z, x, data=d, summarize=s))


def assert_negative(x, data=None, summarize=None, message=None, name=None):
    return _unary("assert_negative", lambda n: ["Condition x < 0 did not hold element-wise:", f"x ({n}) = "],
                  x, data, summarize, message, name, lambda x, z, d, s: assert_less(x, z, data=d, summarize=s))


def assert_non_negative(x, data=None, summarize=None, message=None, name=None):
    return _unary("assert_non_negative",
                  lambda n: ["Condition x >= 0 did not hold element-wise:", f"x ({n}) = "], x, data, summarize,
                  message, name, lambda x, z, d, s: assert_less_equal(z, x, data=d, summarize=s))


def assert_non_positive(x, data=None, summarize=None, message=None, name=None):
    # TF 1.15 joins these two strings (a missing comma in check_ops.py); kept for identical messages
    return _unary("assert_non_positive",
                  lambda n: [f"Condition x <= 0 did not hold element-wise:x ({n}) = "], x, data, summarize,
                  message, name, lambda x, z, d, s: assert_less_equal(x, z, data=d, summarize=s))


def _static_int(value, what):
    v = value if isinstance(value, (int, np.integer)) else shape_inference.constant_value(
        _constant.convert_to_tensor(value))
    if v is None:
        return None
    arr = np.asarray(v)
    if arr.ndim != 0:
        raise ValueError(f"{what} must be a scalar, got shape {arr.shape}")
    return int(arr)


def _no_op(name):
    from compat_tf._src.ops import control_flow_ops
    return control_flow_ops.no_op(name=name)


def _rank_check(opname, x, rank, data, summarize, message, name, at_least):
    from compat_tf._src.ops import array_ops, math_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or opname):
        x = _constant.convert_to_tensor(x, name="x")
        rank_static = _static_int(rank, "rank")
        what = "must have rank at least" if at_least else "must have rank"
        if rank_static is not None and x.shape.ndims is not None:
            bad = x.shape.ndims < rank_static if at_least else x.shape.ndims != rank_static
            if bad:
                raise ValueError(f"{message or ''}.  Tensor {_display_name(x)} {what} {rank_static}.  Received rank "
                                 f"{x.shape.ndims}, shape {x.shape}")
            return _no_op("static_checks_determined_all_ok")
        rank_t = _constant.convert_to_tensor(rank, dtype=_dtypes.int32)
        if data is None:
            data = [message or "", f"Tensor {_display_name(x)} {what}", rank_t, "Received shape: ", array_ops.shape(x)]
        r = array_ops.rank(x)
        cond = math_ops.greater_equal(r, rank_t) if at_least else math_ops.equal(r, rank_t)
        return Assert(cond, data, summarize=summarize)


def assert_rank(x, rank, data=None, summarize=None, message=None, name=None):
    """tf.assert_rank: ValueError at build time when the static rank differs, else a run-time Assert."""
    return _rank_check("assert_rank", x, rank, data, summarize, message, name, at_least=False)


def assert_rank_at_least(x, rank, data=None, summarize=None, message=None, name=None):
    return _rank_check("assert_rank_at_least", x, rank, data, summarize, message, name, at_least=True)


def assert_type(tensor, tf_type, message=None, name=None):
    """tf.assert_type: TypeError at build time unless tensor.dtype is tf_type; returns a no_op."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "assert_type"):
        tensor = _constant.convert_to_tensor(tensor, name="tensor")
        tf_type = _dtypes.as_dtype(tf_type)
        if tensor.dtype.base_dtype != tf_type.base_dtype:
            raise TypeError(f"{message or ''}  {_display_name(tensor)} must be of type {tf_type}")
        return _no_op("statically_determined_correct_type")


def assert_integer(x, message=None, name=None):
    g = _graph.get_default_graph()
    with g.name_scope(name or "assert_integer"):
        x = _constant.convert_to_tensor(x, name="x")
        if not x.dtype.base_dtype.is_integer:
            raise TypeError(f'{message or ""}  Expected "x" to be integer type.  Found: {_display_name(x)} of dtype '
                            f"{x.dtype}")
        return _no_op("statically_determined_was_integer")


def assert_scalar(tensor, name=None, message=None):
    """tf.assert_scalar: ValueError unless the static shape is a scalar; returns the tensor."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "assert_scalar"):
        tensor = _constant.convert_to_tensor(tensor, name="tensor")
        shape = tensor.shape
        if shape.ndims != 0:
            raise ValueError(f"{message or ''}Expected scalar shape for {_display_name(tensor)}, saw shape: {shape}.")
        return tensor


_NUMERIC = None


def is_numeric_tensor(tensor):
    """tf.is_numeric_tensor: a Tensor of a numeric dtype (Python bool, decided at build time)."""
    if not isinstance(tensor, Tensor):
        return False
    d = tensor.dtype.base_dtype
    return (d.is_floating or d.is_integer or d.is_complex or d.is_quantized) and d != _dtypes.bool


def _monotone(opname, x, name, strict):
    from compat_tf._src.ops import array_ops, math_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or opname):
        x = _constant.convert_to_tensor(x, name="x")
        if not is_numeric_tensor(x):
            raise TypeError(f"Expected x to be numeric, instead found: {x.dtype}")
        flat = array_ops.reshape(x, [-1])
        diff = flat[1:] - flat[:-1]
        zero = _constant.convert_to_tensor(0, dtype=x.dtype.base_dtype)
        return math_ops.reduce_all(math_ops.greater(diff, zero) if strict else math_ops.greater_equal(diff, zero))


def is_non_decreasing(x, name=None):
    return _monotone("is_non_decreasing", x, name, strict=False)


def is_strictly_increasing(x, name=None):
    return _monotone("is_strictly_increasing", x, name, strict=True)


# --------------------------------------------------------------------------------------------
# check_numerics
# --------------------------------------------------------------------------------------------

def _numerics_error(op, message):
    def check(v):
        v = np.asarray(v)
        nan, inf = bool(np.isnan(v).any()), bool(np.isinf(v).any())
        if not (nan or inf):
            return None
        status = "Inf and NaN" if nan and inf else ("Inf" if inf else "NaN")
        return errors.InvalidArgumentError(None, op, f"{message} : Tensor had {status} values" + _node_suffix(op))
    return check


@register_op("CheckNumerics", ctx=True, stateful=True)
def _check_numerics(ctx, tensor, message=""):
    op = ctx.op
    if not host_checks.in_device_trace():
        host_checks.checked_callback(ctx, _numerics_error(op, message), tensor)
        return tensor
    grad_message = "Not a number (NaN) or infinity (Inf) values detected in gradient. " + message

    def emit(v, msg):
        bad = jnp.logical_not(jnp.all(jnp.isfinite(v)))
        lax.cond(bad, lambda a: host_checks.checked_callback(ctx, _numerics_error(op, msg), a),
                 lambda a: None, v)

    @jax.custom_vjp
    def checked(v):
        emit(v, message)
        return v

    def fwd(v):
        emit(v, message)
        return v, None

    def bwd(_, g):
        emit(g, grad_message)
        return (g,)
    checked.defvjp(fwd, bwd)
    return checked(tensor)


host_checks.register_callback_op("CheckNumerics")


def check_numerics(tensor, message, name=None):
    """tf.check_numerics (op CheckNumerics): identity that fails the run on NaN or Inf.

    Its gradient checks the incoming gradient the same way, as in TF1.
    """
    x = _constant.convert_to_tensor(tensor)
    if not (x.dtype.base_dtype.is_floating or x.dtype.base_dtype.is_complex):
        raise TypeError(f"Value passed to parameter 'tensor' has DataType {x.dtype.base_dtype.name} not in list "
                        "of allowed values: bfloat16, float16, float32, float64")
    return x.graph.create_op("CheckNumerics", [x], {"message": str(message)}, name=name or "CheckNumerics",
                             output_specs=[(x.shape, x.dtype.base_dtype)]).outputs[0]


def verify_tensor_all_finite(t, msg, name=None, x=None, message=None):
    """tf.verify_tensor_all_finite: check_numerics under a "VerifyFinite" name scope."""
    t = t if t is not None else x
    msg = msg if msg is not None else message
    g = _graph.get_default_graph()
    with g.name_scope(name or "VerifyFinite"):
        t = _constant.convert_to_tensor(t, name="t")
        from compat_tf._src.ops import control_flow_ops
        verify = check_numerics(t, message=msg)
        with g.control_dependencies([verify]):
            return control_flow_ops.identity(t)


def add_check_numerics_ops():
    """tf.add_check_numerics_ops: a check_numerics for every float tensor of the default graph, grouped.

    Like TF1, raises ValueError when the graph contains tf.cond / tf.while_loop.
    """
    from compat_tf._src.ops import control_flow_ops
    g = _graph.get_default_graph()
    checks = []
    for op in g.get_operations():
        if op._func_owner is not None:
            continue
        if op.type in ("If", "While"):
            raise ValueError("tf.add_check_numerics_ops() is not compatible with TensorFlow control flow "
                             "operations such as tf.cond() or tf.while_loop().")
        for out in op.outputs:
            if out.dtype.base_dtype.is_floating and not out.dtype._is_ref_dtype:
                with g.control_dependencies(checks[-1:]):
                    checks.append(check_numerics(out, f"{op.name}:{out.value_index}").op)
    return control_flow_ops.group(*checks)


def assert_rank_in(x, ranks, data=None, summarize=None, message=None, name=None):
    """tf.assert_rank_in: x's rank is one of `ranks`; ValueError at build time when the static rank
    is known and not among them (TF's message), else a run-time Assert."""
    from compat_tf._src.ops import array_ops, math_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "assert_rank_in"):
        x = _constant.convert_to_tensor(x, name="x")
        statics = [_static_int(r, "rank") for r in ranks]
        message = message or ""
        if x.shape.ndims is not None and all(r is not None for r in statics):
            if x.shape.ndims not in statics:
                raise ValueError(f"{message}.  Tensor {_display_name(x)} must have rank in {tuple(statics)}.  "
                                 f"Received rank {x.shape.ndims}, shape {x.shape}")
            return _no_op("static_checks_determined_all_ok")
        rank_ts = [_constant.convert_to_tensor(r, dtype=_dtypes.int32, name="rank") for r in ranks]
        if data is None:
            data = [message, f"Tensor {_display_name(x)} must have rank in"] + rank_ts + \
                ["Received shape: ", array_ops.shape(x)]
        r = array_ops.rank(x)
        cond = math_ops.reduce_any(math_ops.equal(r, array_ops.stack(rank_ts)))
        return Assert(cond, data, summarize=summarize)


def _assert_same_base_type(items, expected_type=None):
    """TF's check_ops._assert_same_base_type: the common base dtype; ValueError naming the mismatch."""
    expected, first_name = expected_type, None
    for item in items:
        if item is None:
            continue
        item_type = item.dtype.base_dtype
        if not expected:
            expected = item_type
            first_name = getattr(item, "name", str(item))
        elif expected != item_type:
            raise ValueError(f"{getattr(item, 'name', str(item))}, type={item_type}, must be of the same type "
                             f"({expected}){f' as {first_name}' if first_name else ''}.")
    return expected


def assert_same_float_dtype(tensors=None, dtype=None):
    """tf.assert_same_float_dtype: the one float dtype of `tensors` (and `dtype`), float32 if none;
    ValueError on a mismatch or a non-float dtype."""
    if tensors:
        dtype = _assert_same_base_type(tensors, dtype)
    if not dtype:
        return _dtypes.float32
    dtype = _dtypes.as_dtype(dtype)
    if not dtype.is_floating:
        raise ValueError(f"Expected floating point type, got {dtype}.")
    return dtype


def assert_proper_iterable(values):
    """tf.assert_proper_iterable: TypeError for a Tensor, SparseTensor, ndarray, bytes or str (iterable
    by accident) or a non-iterable."""
    from compat_tf._src.framework.sparse_tensor import SparseTensor
    if isinstance(values, (_graph.Tensor, SparseTensor, np.ndarray, bytes, str)):
        raise TypeError(f'Expected argument "values" to be a "proper" iterable.  Found: {type(values)}')
    if not hasattr(values, "__iter__"):
        raise TypeError(f'Expected argument "values" to be iterable.  Found: {type(values)}')
