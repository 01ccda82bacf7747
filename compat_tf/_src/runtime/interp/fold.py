"""Constant folding without XLA: a lowering applied to concrete values, evaluated by NumPy.

Ops whose inputs are all known (shape arithmetic, constants a notebook cell
combines) are folded when a step is traced and when a graph is built. Doing
that with JAX's eager dispatch compiles one small XLA program per primitive
and shape (tens of milliseconds each, the first time). `fold(fn, *args)`
instead runs `fn` under the NumPy eager trace (eager.py: each primitive by
its NumPy rule, microseconds); where that trace is unavailable, it traces
`fn` over the concrete `args` (closed over, so a lowering can still read
them as NumPy values) and walks the jaxpr with the NumPy rules.

When the lowering needs a concrete value of an intermediate result (it reads
one with `static_ints`, say), tracing fails and `fold` falls back to JAX's
eager evaluation (`jax.ensure_compile_time_eval`), exactly what folding did
before, so folding never fails where it used to succeed.
"""
import jax

from compat_tf._src.runtime.interp import eager
from compat_tf._src.runtime.interp.core import InterpreterError, eval_closed_jaxpr

_FAILED_TRACE = (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
                 jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError)


def fold(fn, *args, **kwargs):
    """`fn(*args, **kwargs)` on concrete values; returns NumPy arrays in fn's output structure."""
    if eager.AVAILABLE:
        try:
            return eager.numpy_eager(fn, *args, **kwargs)
        except InterpreterError:
            pass
    try:
        closed, shape = jax.make_jaxpr(lambda: fn(*args, **kwargs), return_shape=True)()
    except _FAILED_TRACE:
        return _eager(fn, args, kwargs)
    except (TypeError, ValueError, AttributeError, IndexError):
        # A lowering that branches on concrete values may reject tracers in ways that are not
        # JAX's tracer errors; the eager path gives its real answer (or its real error).
        return _eager(fn, args, kwargs)
    try:
        outs = eval_closed_jaxpr(closed, [])
    except InterpreterError:
        return _eager(fn, args, kwargs)
    return jax.tree_util.tree_unflatten(jax.tree_util.tree_structure(shape), outs)


def _eager(fn, args, kwargs):
    with jax.ensure_compile_time_eval():
        return fn(*args, **kwargs)
