"""JAX code evaluated eagerly with the NumPy rules: `numpy_eager(fn, *args)`.

JAX's own eager mode runs each primitive as a small compiled XLA program
(compiled once per primitive and shape: milliseconds each, the first time).
Here a JAX trace whose tracers hold NumPy values (`_NumpyTracer`) routes
every primitive a function binds to its NumPy rule instead: no compile, a
few microseconds per primitive. Values stay tracers while `fn` runs, so
Python operators, `.at[]`, indexing and dtype promotion are JAX's; they are
concrete (a lowering may read them with `int()`, `np.asarray()` or
`static_ints`; `is_concrete`/`concrete_value` say so for any value). Array
arguments enter as such tracers too, so a lowering's NumPy-only branches
(`isinstance(x, np.ndarray)`) give way to its jax.numpy code. `jit`-wrapped helpers are walked through their cached
jaxprs, custom_jvp/vjp functions run their primal function, control flow
primitives run their bodies.

This uses JAX's trace machinery (`core.Trace`, `core.Tracer`,
`core.set_current_trace`), which is internal; `AVAILABLE` is False when the
installed JAX lacks it and callers fall back (see fold.py).
"""
import operator

import numpy as np

from compat_tf._src.runtime.interp import core as icore
from compat_tf._src.runtime.interp import numpy_env
from compat_tf._src.runtime.interp.reductions import _BF16

try:
    from jax._src import core as _jcore
    _Base = _jcore.EvalTrace
    _TracerBase = _jcore.Tracer
    _set_current_trace = _jcore.set_current_trace
    _eval_trace = _jcore.eval_trace
    AVAILABLE = True
except (ImportError, AttributeError):                # pragma: no cover - a JAX without these
    AVAILABLE = False
    _Base = object
    _TracerBase = object


class _NumpyTracer(_TracerBase):
    """A concrete value (NumPy array or PRNGKeys) inside a `_NumpyTrace`."""
    __slots__ = ["val"]

    def __init__(self, trace, aval, val):
        self._trace = trace
        self.aval = aval
        self.val = val

    def to_concrete_value(self):
        return self.val

    def __array__(self, dtype=None, copy=None):
        v = np.asarray(self.val)
        return v if dtype is None else v.astype(dtype)

    def __float__(self):
        return float(self.val)

    def __complex__(self):
        return complex(self.val)

    def __index__(self):
        # as NumPy: only integer values are indices (jnp.power takes `operator.index(y)` to tell an
        # integer exponent from a float one)
        return operator.index(np.asarray(self.val)[()])

    def item(self, *args):
        return np.asarray(self.val).item(*args)

    def tolist(self):
        return np.asarray(self.val).tolist()

    def tobytes(self, order="C"):
        return np.asarray(self.val).tobytes(order)


class _NumpyTrace(_Base):
    """The current trace while `numpy_eager` runs: primitives go to the NumPy rules."""

    def _value(self, x):
        if isinstance(x, _NumpyTracer):
            return x.val
        if isinstance(x, _TracerBase):
            raise icore.InterpreterError("a tracer of another trace reached the NumPy eager trace")
        return icore._to_numpy(x)

    # bind() takes the current trace away while a trace processes a call: put ours back
    def process_custom_jvp_call(self, primitive, fun, jvp, tracers, /, **_):
        with _set_current_trace(self):
            return fun.call_wrapped(*tracers)

    def process_custom_vjp_call(self, primitive, fun, fwd, bwd, tracers, /, **_):
        with _set_current_trace(self):
            return fun.call_wrapped(*tracers)

    def process_call(self, primitive, f, tracers, params, /):
        with _set_current_trace(self):
            return f.call_wrapped(*tracers)

    def process_primitive(self, primitive, tracers, params, /):
        vals = [self._value(t) for t in tracers]
        avals = [t.aval if isinstance(t, _NumpyTracer) else _jcore.typeof(t) for t in tracers]
        out_avals, _ = primitive.abstract_eval(*avals, **params)
        rule = icore.RULES.get(primitive.name)
        with np.errstate(all="ignore"):
            if rule is None:
                res = icore._fallback_bind(primitive, params, vals)
            else:
                try:
                    res = rule(*vals, **params)
                except icore.Fallback:
                    res = icore._fallback_bind(primitive, params, vals)
                except (icore.InterpreterError, icore._PassThrough):
                    raise
                except Exception as e:  # noqa: BLE001 - a rule's failure: the caller evaluates another way
                    raise icore.InterpreterError(f"NumPy rule of {primitive.name!r} failed: "
                                                 f"{type(e).__name__}: {e}") from e
        if primitive.multiple_results:
            return [_NumpyTracer(self, a, icore._conform(r, a, primitive.name)) for r, a in zip(res, out_avals)]
        return _NumpyTracer(self, out_avals, icore._conform(res, out_avals, primitive.name))


def numpy_eager(fn, *args, **kwargs):
    """`fn(*args, **kwargs)` with every primitive evaluated by its NumPy rule.

    Returns fn's output with NumPy arrays in place of its arrays. Raises
    InterpreterError when the evaluation leaves the NumPy rules' reach (the
    caller then evaluates another way); a host callback's exception propagates.
    """
    import jax
    trace = _NumpyTrace()
    args = [_wrap(trace, a) for a in args]
    kwargs = {k: _wrap(trace, v) for k, v in kwargs.items()}
    try:
        with _set_current_trace(trace), numpy_env.evaluation():   # as eval_jaxpr: denormals are 0
            out = fn(*args, **kwargs)
    except icore._PassThrough as e:
        raise e.exc from None
    return jax.tree_util.tree_map(_unwrap, out)


def _wrap(trace, x):
    """An array argument as a tracer of `trace` (so JAX, not NumPy, defines what Python does with it)."""
    if type(x) is np.ndarray or isinstance(x, np.generic):
        x = np.asarray(x)
        if x.dtype.kind in "biufc" or x.dtype == _BF16:
            return _NumpyTracer(trace, _jcore.ShapedArray(x.shape, x.dtype), x)
    return x


def _unwrap(x):
    if isinstance(x, _NumpyTracer):
        v = x.val
        return icore._to_jax(v) if type(v) is icore.PRNGKeys else v
    if isinstance(x, _TracerBase):
        raise icore.InterpreterError("a tracer escaped the NumPy eager evaluation")
    return x


def concrete_value(v):
    """`v` as a NumPy value when it is known now (a NumPy/JAX array, or a tracer that holds its
    value, as under `numpy_eager`), else None (a value of a jit trace)."""
    if AVAILABLE and isinstance(v, _TracerBase):
        c = v.to_concrete_value()
        return None if c is None else np.asarray(c)
    try:
        return np.asarray(v)
    except Exception:  # noqa: BLE001 - not convertible: not concrete
        return None
