"""Evaluating a list of Operations with their JAX lowerings.

`evaluate(ops, env, ctx)` walks ops in a topological order and writes each
output into `env` (Tensor -> value). It is used by the jitted step, by the
lowerings of tf.gradients (under jax.vjp), tf.cond and tf.while_loop (over
their captured sub-graphs), and by host segments.

Variables follow TF1's reference semantics: a VariableV2 output, and an
Identity of it (`w/read`), evaluate to a `VarRef`, an alias that a consumer
reads from `ctx.state` at the moment it executes. So a read placed after an
assign by a control dependency sees the assigned value, as in TF1.

Ops whose inputs are all concrete (constants, static shapes) are evaluated
at trace time (`interp.fold`: NumPy, no XLA compile), which is how shape
arithmetic such as `tf.reshape(x, [tf.shape(x)[0] * 3])` stays static under
jit; not when the op's static output is large (it would be a literal in the
program).
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import errors
from compat_tf._src.framework import registry
from compat_tf._src.runtime import op_errors
from compat_tf._src.runtime import reroll as _reroll
from compat_tf._src.runtime import run_checks
from compat_tf._src.runtime.interp.fold import fold


class VarRef:
    """An alias of a variable's storage: read when consumed."""
    __slots__ = ("key",)

    def __init__(self, key):
        self.key = key

    def __repr__(self):
        return f"VarRef({self.key!r})"


class LoweringContext:
    """What stateful lowerings see: variable state, RNG, the op being lowered.

    `state` maps variable keys to values and is updated in place by assigns
    (it is a fresh dict per trace, so the traced function stays pure).
    """

    def __init__(self, state, rng_counter=None, session=None, initialized=frozenset(), run_counter=None):
        self.state = state
        # the run's own counter (host checks key their failures by it); loops pass a per-iteration
        # `rng_counter` to their body but keep the run's `run_counter`
        self.run_counter = rng_counter if run_counter is None else run_counter
        self.rng_counter = rng_counter
        self.session = session
        self.initialized = initialized
        self.op = None
        self.written = set()
        self.staging = False     # True while tracing a jitted step (see _lower_staged)

    def read(self, value):
        if isinstance(value, VarRef):
            try:
                return self.state[value.key]
            except KeyError:
                raise errors.FailedPreconditionError(
                    None, self.op, f"Attempting to use uninitialized value {value.key}") from None
        return value

    def write(self, ref, value):
        self.state[ref.key] = value
        self.written.add(ref.key)

    def rng_key(self, op=None):
        """A PRNG key for a random op: its (seed, seed2) folded with this run's counter.

        Recomputing the op (e.g. inside tf.gradients) gives the same numbers;
        each Session.run gives new ones, as TF1's stateful kernels do.
        """
        op = op or self.op
        seed = op.attrs.get("seed") or 0
        seed2 = op.attrs.get("seed2") or 0
        key = jax.random.PRNGKey(np.uint32(seed & 0xFFFFFFFF))
        key = jax.random.fold_in(key, np.uint32(seed2 & 0xFFFFFFFF))
        if self.rng_counter is not None:
            key = jax.random.fold_in(key, self.rng_counter)
        return key


def _is_concrete(v):
    return not isinstance(v, jax.core.Tracer) and not isinstance(v, VarRef)


# Outputs bigger than this are not computed at trace time even when their inputs are concrete:
# a folded value becomes a literal in the compiled program (a `tf.zeros([8192, 8192])` slot
# initialiser would embed 256 MB in the executable and cost that much again while compiling),
# where the traced op is a cheap broadcast. Values needed statically (shapes, axes) are small.
_MAX_FOLD_ELEMENTS = 1 << 16


def _large_output(op):
    for t in op._outputs:
        n = t._shape.num_elements()
        if n is not None and n > _MAX_FOLD_ELEMENTS:
            return True
    return False


def _lower_staged(opdef, ins, attrs):
    """Lowers an op with concrete inputs into the trace instead of computing it now.

    Floating inputs become traced constants, so the lowering takes its jax.numpy
    path (a broadcast in the program, not an array built on the host); integer
    inputs stay concrete, as shapes and axes must. A lowering that needs its
    float inputs concrete (a float tf.range) is folded as before.
    """
    staged = [jnp.asarray(v) if _is_floating(v) else v for v in ins]
    try:
        return opdef.lower(*staged, **attrs)
    except Exception:  # noqa: BLE001 - retried folded; a real error is raised again there
        return fold(opdef.lower, *ins, **attrs)


def _lower_mixed(opdef, ins, attrs):
    """Lowers an op whose inputs mix traced and folded values.

    Folded values are NumPy arrays (interp.fold); a lowering written against jax arrays may use
    their methods (`.at[...]`), so on an AttributeError it is retried with the NumPy inputs as jax
    arrays (which makes them traced: a lowering that also needs them statically cannot be helped).
    """
    try:
        return opdef.lower(*ins, **attrs)
    except AttributeError:
        if not any(isinstance(v, np.ndarray) for v in ins):
            raise
        return opdef.lower(*[jnp.asarray(v) if isinstance(v, np.ndarray) else v for v in ins], **attrs)


def _is_floating(v):
    dt = getattr(v, "dtype", None)
    return dt is not None and np.issubdtype(dt, np.inexact)


def evaluate(ops, env, ctx, needed=(), reroll=True):
    """Runs `ops` in order, filling `env`; outputs already in `env` (fed) are kept.

    While a step is traced (`ctx.staging`), runs of identical blocks of ops (a statically
    unrolled loop) are evaluated as one lax.scan (reroll.py); `needed` are the tensors the
    caller reads from `env` afterwards (the rest of a rolled block's outputs may be left out).
    """
    regions = _reroll.regions(ops, needed) if reroll and ctx.staging and len(ops) >= _reroll.MIN_OPS else ()
    next_region = regions[0] if regions else None
    ri = 0
    i, n = 0, len(ops)
    while i < n:
        if next_region is not None and i == next_region.start:
            region = next_region
            ri += 1
            next_region = regions[ri] if ri < len(regions) else None
            try:
                _reroll.evaluate_region(region, ops, env, ctx, evaluate)
                i = region.end()
                continue
            except Exception:  # noqa: BLE001 - the blocks differ after all (shapes, values needed
                pass           # statically): evaluated unrolled, where a real error is raised again
        op = ops[i]
        i += 1
        if op._outputs and all(t in env for t in op._outputs):
            continue
        opdef = registry.get(op.type)
        ins = []
        for k, t in enumerate(op._inputs):
            v = env[t]
            if isinstance(v, VarRef) and k not in opdef.ref_inputs:
                ctx.op = op
                v = ctx.read(v)
            ins.append(v)
        ctx.op = op
        run_checks.set_op(op)
        try:
            if opdef.ctx or opdef.host:
                out = opdef.lower(ctx, *ins, **op._attrs)
            elif not opdef.stateful and all(_is_concrete(v) for v in ins):
                if ctx.staging and _large_output(op):
                    out = _lower_staged(opdef, ins, op._attrs)
                else:
                    out = fold(opdef.lower, *ins, **op._attrs)
            else:
                out = _lower_mixed(opdef, ins, op._attrs)
        except op_errors.LOWERING_ERRORS as e:
            # a fed value the op cannot take (shapes known only now): TF1's run-time error class
            raise op_errors.from_lowering(e, op) from e
        outs = out if isinstance(out, (list, tuple)) else (out,)
        if len(outs) != len(op._outputs):
            raise RuntimeError(f"lowering of {op.type} ({op.name}) returned {len(outs)} values for "
                               f"{len(op._outputs)} outputs")
        for t, v in zip(op._outputs, outs):
            env[t] = v
    return env


def cast_to(value, dtype):
    """Casts a lowering's result to the TF dtype the graph promised."""
    from compat_tf._src.framework import dtypes
    np_dtype = dtypes.to_jax_dtype(dtype.base_dtype)
    if isinstance(value, np.ndarray) or np.isscalar(value):
        return np.asarray(value, np_dtype)
    return value if value.dtype == np_dtype else jnp.asarray(value, np_dtype)
