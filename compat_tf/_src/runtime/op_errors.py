"""Errors met while a run executes, as the TF1 exception classes a TF1 program catches.

TF1 reports every failure of `Session.run` as a `tf.errors.OpError` subclass naming the node.
In compat_tf a run's ops are lowered when its step is first traced, so a bad fed shape shows up
as the lowering's ValueError/TypeError (matmul of [2,3] x [4,5], a reshape of 7 values to
[-1, 3]); XLA reports failures as JaxRuntimeError with a status code; NumPy as MemoryError.
`from_lowering` and `from_runtime` translate them:

- ValueError, TypeError, IndexError from an op's lowering -> InvalidArgumentError naming the op
  (TF1's shape functions raise InvalidArgumentError at run time for fed shapes);
- JAX's tracer errors (a value needed statically that is only known at run time) ->
  UnimplementedError naming the op;
- XLA's status codes -> the class of the same code (RESOURCE_EXHAUSTED ->
  ResourceExhaustedError, ...); MemoryError -> ResourceExhaustedError.
OpErrors pass through unchanged; the original exception is kept as __cause__.
"""
import re

import jax

from compat_tf._src.framework import errors

_TRACER_ERRORS = (jax.errors.ConcretizationTypeError, jax.errors.TracerArrayConversionError,
                  jax.errors.TracerBoolConversionError, jax.errors.TracerIntegerConversionError)
_STATUS = re.compile(r"\b(CANCELLED|UNKNOWN|INVALID_ARGUMENT|DEADLINE_EXCEEDED|NOT_FOUND|ALREADY_EXISTS|"
                     r"PERMISSION_DENIED|RESOURCE_EXHAUSTED|FAILED_PRECONDITION|ABORTED|OUT_OF_RANGE|"
                     r"UNIMPLEMENTED|INTERNAL|UNAVAILABLE|DATA_LOSS|UNAUTHENTICATED)\b")


def _node(op):
    return f"\n\t [[node {op.name} (op type {op.type})]]" if op is not None else ""


def from_lowering(exc, op):
    """The OpError a lowering's exception stands for (or `exc` itself when it is one already)."""
    if isinstance(exc, errors.OpError):
        return exc
    if isinstance(exc, _TRACER_ERRORS):
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return errors.UnimplementedError(
            None, op, f"{op.type if op is not None else 'an op'} needs a value that is only known when "
            f"the step runs ({first}){_node(op)}")
    if isinstance(exc, MemoryError):
        return errors.ResourceExhaustedError(None, op, f"out of memory: {exc}{_node(op)}")
    return errors.InvalidArgumentError(None, op, f"{exc}{_node(op)}")


def from_runtime(exc):
    """An exception raised while executing a compiled or interpreted step, as an OpError; None
    when it is not a runtime failure (a bug, KeyboardInterrupt: let it propagate as it is)."""
    if isinstance(exc, errors.OpError):
        return exc
    if isinstance(exc, MemoryError):
        return errors.ResourceExhaustedError(None, None, f"out of memory: {exc}")
    if isinstance(exc, jax.errors.JaxRuntimeError):
        m = _STATUS.search(str(exc))
        code = getattr(errors, m.group(1)) if m else errors.UNKNOWN
        return errors.exception_type_from_error_code(code)(None, None, str(exc))
    return None


# the exceptions evaluate() translates (others are bugs and propagate as they are)
LOWERING_ERRORS = (ValueError, TypeError, IndexError, ArithmeticError, MemoryError)
