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
import functools

import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import errors
from compat_tf._src.framework import registry
from compat_tf._src.runtime import op_errors
from compat_tf._src.runtime import reroll as _reroll
from compat_tf._src.runtime import run_checks
from compat_tf._src.runtime import trace_cache
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
        # {Gradients op: the forward tensors it is asked for} while evaluate() runs it, then
        # {Gradients op: {tensor: value}} (evaluate's _share_gradient_forwards)
        self.shared_forward = {}

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


@functools.cache
def _lower_mixed_fn(opdef):
    """_lower_mixed for `opdef` as a function of (*ins, **attrs) (one per op definition)."""
    return lambda *ins, **attrs: _lower_mixed(opdef, ins, attrs)

# modules whose lowerings are plain array code (no loops, control flow, random draws): their
# direct lowering runs with jax.numpy's own nested jits inlined (trace_cache.py)
_INLINABLE_MODULES = frozenset("compat_tf._src.ops." + m for m in (
    "constant", "math_ops", "array_ops", "state_ops", "nn_ops", "gather_ops"))


def _inlinable(opdef):
    return getattr(opdef.lower, "__module__", None) in _INLINABLE_MODULES


def _is_floating(v):
    dt = getattr(v, "dtype", None)
    return dt is not None and np.issubdtype(dt, np.inexact)


def evaluate(ops, env, ctx, needed=(), reroll=True):
    """Runs `ops` in order, filling `env`; outputs already in `env` (fed) are kept.

    While a step is traced (`ctx.staging`), runs of identical blocks of ops (a statically
    unrolled loop) are evaluated as one lax.scan (reroll.py); `needed` are the tensors the
    caller reads from `env` afterwards (the rest of a rolled block's outputs may be left out).
    """
    shared = None
    if ctx.staging:
        ops, shared = _share_gradient_forwards(ops, env, needed)
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
        if shared is not None and op in shared:
            ctx.shared_forward[op] = shared[op]
        try:
            if opdef.ctx or opdef.host:
                out = opdef.lower(ctx, *ins, **op._attrs)
            elif not opdef.stateful and all(_is_concrete(v) for v in ins):
                if ctx.staging and _large_output(op):
                    out = _lower_staged(opdef, ins, op._attrs)
                else:
                    out = fold(opdef.lower, *ins, **op._attrs)
            elif ctx.staging:
                out = trace_cache.cached_call(opdef, _lower_mixed_fn(opdef), ins, op._attrs,
                                              inline=_inlinable(opdef))
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
        if shared is not None and op in shared:
            env.update(ctx.shared_forward.pop(op))
    return env


def _share_gradient_forwards(ops, env, needed):
    """`ops` with each Gradients op that can be moved before its forward ops moved there, and the
    forward ops whose values the rest of the run uses left out: the Gradients op's own forward pass
    (under jax.vjp) hands them on (`shared`: {Gradients op: the tensors it provides}; its lowering
    reads the request from ctx.shared_forward and leaves the values there).

    TF1 computes a forward op once and its gradient ops read its outputs; compat_tf's Gradients op
    re-evaluates the forward ops under jax.vjp, so a run that also fetches the loss (or anything on
    the forward path) would compute the forward pass twice. XLA merges most of the two in a
    compiled step, but not two scans of a rerolled RNN, and the NumPy tier merges nothing.

    A Gradients op is moved only where that reads the same values: its inputs are all computed
    before its first forward op or are pure ops moved with it, no forward op writes a variable, and
    no other op between its first forward op and its own place or its last forward op's (whichever
    comes later) writes a variable that it, its forward ops or the ops moved with it read.
    """
    grads = [op for op in ops if op.type == "Gradients" and op._attrs.get("_mode", "vjp") == "vjp"
             and not op._attrs.get("_overrides")]
    if not grads:
        return ops, None
    from compat_tf._src.runtime.plan import _variable_access
    needed = set(needed)
    shared = {}
    removed = set()       # forward ops left out: an earlier Gradients op hands their values on
    for g in grads:
        fwd = set(g._attrs["_ops"])
        pos = {op: i for i, op in enumerate(ops)}
        # forward ops that pass a variable reference on (Identity of a ref) stay: their consumers
        # read the variable when they run, as TF1's aliasing refs do
        present = [op for op in ops if op in fwd and not registry.get(op.type).ref_outputs]
        # (nor is a Gradients op that hands values on left out: higher-order gradients)
        if not present or g not in pos or any(op in shared for op in present):
            continue
        fwd = set(present)
        first, at = pos[present[0]], pos[g]
        if first > at:
            continue
        # what the Gradients op needs that comes after its first forward op must not depend on the
        # forward ops, and must be pure (it is moved ahead of them: constants, shapes)
        late = _ancestors_after(g, pos, env, first, removed)
        if late is None or any(op in fwd or not _pure(op) for op in late):
            continue
        rest = {op for op in ops if op not in fwd and op is not g}
        want = [t for op in present for t in op._outputs
                if t not in env and (t in needed or any(c in rest for c in t._consumers))]
        if not want:
            continue
        access = [_variable_access(op, registry.get(op.type)) for op in present + late + [g]]
        if any(w for _, w in access):
            continue
        reads = {k for r, _ in access for k in r}
        last = max(at, pos[present[-1]])
        if any(k in reads for op in ops[first:last] if op not in fwd
               for k in _variable_access(op, registry.get(op.type))[1]):
            continue
        shared[g] = want
        removed |= fwd
        moved = set(late) | {g}
        ops = (ops[:first] + sorted(late, key=pos.__getitem__) + [g]
               + [op for op in ops[first:] if op not in fwd and op not in moved])
    return ops, (shared or None)


def _ancestors_after(op, pos, env, first, removed):
    """The ops of the run at or after position `first` that `op` depends on (inputs and control
    inputs, transitively); None if one of them depends on a forward op another Gradients op hands
    on. (Ops before `first` are not walked: they stay where they are, and so do their inputs.)"""
    seen, stack, late = set(), [op], []
    while stack:
        o = stack.pop()
        deps = [t.op for t in o._inputs if t not in env] + list(o._control_inputs)
        for d in deps:
            if d in removed:
                return None
            if pos.get(d, -1) >= first and d not in seen:
                seen.add(d)
                stack.append(d)
                late.append(d)
    return late


def _pure(op):
    """Whether `op` may run earlier than its place: no state, RNG or host work of its own (the
    variables it reads are checked by the caller)."""
    opdef = registry.get(op.type)
    return not (opdef.stateful or opdef.ctx or opdef.host)


def cast_to(value, dtype):
    """Casts a lowering's result to the TF dtype the graph promised."""
    from compat_tf._src.framework import dtypes
    np_dtype = dtypes.to_jax_dtype(dtype.base_dtype)
    if isinstance(value, np.ndarray) or np.isscalar(value):
        return np.asarray(value, np_dtype)
    return value if value.dtype == np_dtype else jnp.asarray(value, np_dtype)
