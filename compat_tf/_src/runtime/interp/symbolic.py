"""Jaxprs with symbolic dimensions (JAX's shape polymorphism), evaluated for concrete sizes.

A train op fed a batch of a new size (the short last batch of an epoch) would otherwise be
traced again, which costs far more than a step. The runtime traces a step once with its
batch-like dimensions symbolic (`jax.export.symbolic_shape`); the NumPy walker then runs that
one jaxpr for any sizes: while `binding(env)` is active, shape parameters and result shapes
that mention a dimension variable are evaluated with `env` ({"b": 100}) before the NumPy rule
sees them.
"""
import contextlib
import threading

try:
    from jax._src.export import shape_poly as _sp
    _is_symbolic = _sp.is_symbolic_dim
    AVAILABLE = True
except (ImportError, AttributeError):        # pragma: no cover - a JAX without shape polymorphism
    _sp = None
    AVAILABLE = False

    def _is_symbolic(d):
        return False

_local = threading.local()


@contextlib.contextmanager
def binding(env):
    """Dimension variables' values ({name: int}) for the evaluation inside."""
    prev = getattr(_local, "evaluator", None)
    _local.evaluator = _sp.ShapeEvaluator(env) if env else None
    try:
        yield
    finally:
        _local.evaluator = prev


def evaluator():
    return getattr(_local, "evaluator", None)


def has_symbolic(value):
    """Whether a parameter value (ints, tuples, nested tuples, dataclass-like params) holds a
    symbolic dimension; sub-jaxprs are not looked into (they are evaluated with the binding)."""
    if _is_symbolic(value):
        return True
    if isinstance(value, (tuple, list)):
        return any(has_symbolic(v) for v in value)
    return False


def substitute(value, ev):
    """`value` with every symbolic dimension replaced by its value under `ev`."""
    if _is_symbolic(value):
        return int(ev.evaluate(value))
    if isinstance(value, tuple):
        return type(value)(substitute(v, ev) for v in value) if not hasattr(value, "_fields") else \
            type(value)(*[substitute(v, ev) for v in value])
    if isinstance(value, list):
        return [substitute(v, ev) for v in value]
    return value


def shape(aval_shape, ev):
    return tuple(int(ev.evaluate(d)) if _is_symbolic(d) else d for d in aval_shape)


def aval_is_symbolic(aval):
    return any(_is_symbolic(d) for d in getattr(aval, "shape", ()))
