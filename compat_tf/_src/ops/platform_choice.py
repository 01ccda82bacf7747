"""One lowering per backend: CPU-specific programs (conv_impl.py, pooling_impl.py) where XLA's
CPU kernels are slow, XLA's own elsewhere.

`lax.platform_dependent` puts both programs in the step as a conditional on the platform, which
XLA resolves when the step is compiled. Tracing that conditional costs: both branches are traced,
and `jax.vjp` partially evaluates and transposes the conditional (a text CNN's first step spent
~0.3 s of its ~0.8 s trace there). When JAX's default backend is the CPU, the step can only be
compiled for the CPU, so the CPU program is traced alone. A step exported from such a process
(`jax.export` for another platform) then carries the CPU program, which computes the same values.
"""
import jax
from jax import lax


def per_platform(*args, cpu, default):
    """`cpu(*args)` in a process whose default backend is the CPU, else lax.platform_dependent's
    choice of `cpu` (CPU) and `default` (any other platform) when the step is compiled."""
    if jax.default_backend() == "cpu":
        return cpu(*args)
    return lax.platform_dependent(*args, cpu=cpu, default=default)
