"""The runtime's first tier: jaxprs evaluated with NumPy, no XLA compile.

A `Session.run` signature seen for the first time is traced to a jaxpr as
usual, but instead of waiting for XLA to compile it (tens of milliseconds for
the smallest program, seconds for a training step), `eval_jaxpr` walks its
equations and computes each primitive with NumPy. The runtime (tiers.py)
compiles a signature only when it repeats.

`eval_jaxpr(closed_jaxpr, args)` -> list of NumPy arrays. Primitives without
a NumPy rule here fall back to JAX's own eager evaluation of that one
primitive (correct, but it compiles a small XLA program per new shape);
`fallback_counts()` tells which did.
"""
from compat_tf._src.runtime.interp.core import (  # noqa: F401
    InterpreterError, eval_closed_jaxpr, eval_jaxpr, fallback_counts, reset_fallback_counts)
from compat_tf._src.runtime.interp import elementwise, structural, reductions, linear, prng  # noqa: F401
from compat_tf._src.runtime.interp import control, linalg  # noqa: F401
