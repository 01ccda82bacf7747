"""Lowerings traced once per op signature, then replayed: the cost of a first `Session.run`.

A step's first run is traced: every op's lowering runs its Python (jax.numpy's argument
promotion, shape checks, custom-derivative rules under jax.vjp) to emit a few primitives. TF1
has no such cost (its kernels are precompiled), and it is most of the first run of a small
model: the MLP benchmark's train op traced in ~30 ms, ~250 µs per op.

Most of that work repeats. A notebook builds the same layers again in a new graph, an evaluation
re-traces the forward ops for another fetch or batch size, Adam updates four variables of the
same shape, and a training step's gradient re-runs its forward ops under jax.vjp. So a pure op's
lowering is called through a `jax.jit(..., inline=True)` function per *op signature*: op type,
attributes, the abstract values (shape, dtype, weak type) of its traced inputs and the values of
its concrete ones. JAX caches that function's jaxpr (and its linearization, under jax.vjp), and
the next op of the same signature binds the cached equations into the trace instead of running
the lowering again. `inline=True` leaves no call boundary in the program: the jaxpr the NumPy
tier interprets and XLA compiles is the one the lowering would have emitted.

When: the first op of a signature is lowered directly (a fresh process meets most signatures
once, and pays nothing for the cache but the key). The replay's first call traces the lowering
under jax.jit and, inside jax.vjp (a gradient's forward ops), linearizes that trace: about twice
a direct lowering. So an op met in the step's own trace is replayed from its second meeting, one
met under a transformation from its third: a signature met twice (a training step's forward ops
and one evaluation of them) costs what it cost without the cache. Measured (this 2-core guest,
fresh graphs in one process): the MLP train op's first run 35 -> 19 ms from the third graph on,
the CNN's trace 35-40 -> 15-20 ms (its first run is mostly the interpreted step).

A direct lowering of a plain array-op module's op (`cached_call(..., inline=True)`: the caller
decides) runs under `jax.disable_jit`, as does the replay's trace: jax.numpy's own nested jits
are then inlined instead of traced and cached one by one. That is cheaper where they have not
been traced yet (a fresh process: the MLP train op's first run 67-78 -> 54-65 ms, a notebook
session's time in the program 0.76 -> 0.66 s) and dearer where they have (a re-meeting that is
not replayed yet: about 10 ms more on the MLP's second and third graphs); the program is the
same. `COMPAT_TF_INLINE_DIRECT=0` turns it off. Loops, control flow and random draws are not
inlined (under disable_jit `lax.scan` unrolls, and JAX's gamma gradient loops per element).

What is not cached (the lowering runs as before):
- a lowering whose outputs are not all traced (Shape, Size and the like return static NumPy
  values that later ops need statically, which a jitted function would turn into traced ones);
- ops with state, RNG, host work or the lowering context (`opdef.ctx`): assignments, variables,
  random draws, py_func; the training kernels call `cached_call` on their pure update themselves;
- inputs that cannot be keyed: variable references, concrete arrays of more than
  `MAX_KEYED_ELEMENTS` elements, attributes that are not hashable.

Run-time checks (run_checks.check) made by a cached lowering are recorded inside its trace and
returned as extra outputs, then made again outside it for the op being lowered now, so a failed
check names that op, and a step fuses, hoists or host-calls it as before (a step whose checks
were made before it discards them: their few equations are dead code that XLA drops).
Whether checks are on is part of the key.

`COMPAT_TF_TRACE_CACHE=0` turns the cache off. It holds at most `MAX_ENTRIES` signatures (the
oldest are dropped), each with the attributes and small concrete inputs of its first op.
"""
import collections
import os
import threading

import jax
import numpy as np

from compat_tf._src.runtime import run_checks

ENABLED = os.environ.get("COMPAT_TF_TRACE_CACHE", "1").strip().lower() not in ("0", "false", "off", "no")
INLINE_DIRECT = os.environ.get("COMPAT_TF_INLINE_DIRECT", "1").strip().lower() not in ("0", "false", "off", "no")
MAX_ENTRIES = 8192
MAX_KEYED_ELEMENTS = 256

_UNCACHEABLE = object()
try:    # the tracer type of a plain jit trace (no jvp / vjp around it); only the policy uses it
    from jax._src.interpreters.partial_eval import DynamicJaxprTracer as _STAGING_TRACER
except ImportError:     # pragma: no cover - a JAX without it: every replay waits for a third meeting
    _STAGING_TRACER = None
_lock = threading.Lock()
_entries = collections.OrderedDict()


class Stats:
    """Counts, for tests: replays of a cached trace."""
    hits = 0


def clear():
    with _lock:
        _entries.clear()


def _frozen(v):
    """A hashable, exact key for an attribute or a concrete input (TypeError: not keyable)."""
    if isinstance(v, (list, tuple)):
        return (type(v).__name__,) + tuple(_frozen(x) for x in v)
    if isinstance(v, bool):
        return ("bool", v)                 # True and 1 are equal (and hash alike) in Python
    if isinstance(v, float):
        return ("float", repr(v))          # 0.0 and -0.0 are different keys, nan equals itself
    if isinstance(v, (np.ndarray, np.generic)):
        a = np.asarray(v)
        if a.size > MAX_KEYED_ELEMENTS or a.dtype == object:
            raise TypeError("not keyed")
        return ("ndarray", a.dtype.str, a.shape, a.tobytes())
    if isinstance(v, dict):
        return ("dict",) + tuple(sorted((k, _frozen(x)) for k, x in v.items()))
    if isinstance(v, (jax.Array, jax.core.Tracer)):
        raise TypeError("not keyed")
    hash(v)
    return v


_SCALARS = (bool, int, float, complex, str, bytes, type(None))


def _is_traced(v, scalars):
    return isinstance(v, jax.core.Tracer) or (scalars and isinstance(v, (np.ndarray, np.generic))
                                              and v.ndim == 0 and v.dtype != object)


def _signature(ins, scalars):
    sig = []
    for v in ins:
        if isinstance(v, jax.core.Tracer):
            a = v.aval
            sig.append((a.shape, a.dtype, a.weak_type))
        elif _is_traced(v, scalars):
            sig.append(((), v.dtype, False))
        elif isinstance(v, (np.ndarray, np.generic, *_SCALARS)):
            sig.append(("concrete", type(v).__name__, _frozen(v)))
        else:
            raise TypeError("not keyed")     # a variable reference, a host object
    return tuple(sig)


def cached_call(owner, fn, ins, attrs, traced_scalars=False, inline=False):
    """fn(*ins, **attrs), through a cached trace when this signature was seen before.

    `owner` identifies `fn` (an op's definition; the same owner must mean the same function), `ins`
    are values (tracers or concrete), `attrs` keyword arguments. Outputs: what fn returns (a value
    or a tuple/list of values). `traced_scalars`: concrete 0-d NumPy inputs are arguments of the
    cached trace (keyed by dtype, not value) rather than part of the key; for a function that only
    computes with them (an optimizer's learning rate), so a new value reuses the trace.
    """
    if not ENABLED or not any(isinstance(v, jax.core.Tracer) for v in ins):
        return fn(*ins, **attrs)      # (all inputs concrete: a host segment's evaluation)
    try:
        key = (owner, _signature(ins, traced_scalars), _frozen(attrs), run_checks.enabled())
        hash(key)
    except TypeError:
        return fn(*ins, **attrs)
    with _lock:
        entry = _entries.get(key)
        if entry is not None:
            _entries.move_to_end(key)
    if entry is _UNCACHEABLE:
        return fn(*ins, **attrs)
    if entry is None:
        out = _direct(fn, ins, attrs, inline)
        outs = out if isinstance(out, (list, tuple)) else (out,)
        cacheable = all(isinstance(o, jax.core.Tracer) for o in outs)
        with _lock:
            _entries[key] = _Entry(fn, ins, attrs, traced_scalars, inline) if cacheable else _UNCACHEABLE
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
        return out
    if entry.jitted is None and not entry.promote(ins):
        return _direct(fn, ins, attrs, inline)
    Stats.hits += 1
    return entry(ins)


def _direct(fn, ins, attrs, inline):
    """fn(*ins, **attrs), with jax's nested jits inlined when `inline` (module docstring)."""
    if not inline or not INLINE_DIRECT:
        return fn(*ins, **attrs)
    with jax.disable_jit():
        return fn(*ins, **attrs)



class _Entry:
    """The jitted replay of one signature: traced inputs are its arguments, concrete ones are
    closed over (they are part of the key). The jitted function is made at the first replay
    (making one costs ~40 µs, and most signatures of a fresh process are met once)."""

    def __init__(self, fn, ins, attrs, traced_scalars, inline):
        self.traced = tuple(i for i, v in enumerate(ins) if _is_traced(v, traced_scalars))
        self.consts = [None if i in self.traced else v for i, v in enumerate(ins)]
        self.fn, self.attrs, self.inline = fn, attrs, inline
        self.messages = None
        self.jitted = None
        self.met = 1

    def promote(self, ins):
        """Whether to replay from now on (else the lowering runs directly once more).

        A replay's first call traces the lowering under jax.jit and, inside jax.vjp (a gradient's
        forward ops), linearizes that trace: about twice a direct lowering. Met in the step's own
        trace that costs little more than lowering directly, so the second meeting switches; met
        under a transformation, the third does (a signature met twice, as a training step's
        forward ops and one evaluation of them, costs no more than without the cache)."""
        self.met += 1
        plain = _STAGING_TRACER is not None and all(
            type(ins[i]) is _STAGING_TRACER for i in self.traced if isinstance(ins[i], jax.core.Tracer))
        return self.met >= (2 if plain else 3)

    def _body(self, *traced):
        full = list(self.consts)
        for i, t in zip(self.traced, traced):
            full[i] = t
        found = []
        with run_checks.capture(found):
            out = _direct(self.fn, full, self.attrs, self.inline)
        self.messages = [m for _, m, _ in found]
        return out, [(flag, values) for flag, _, values in found]

    def __call__(self, ins):
        if self.jitted is None:
            self.jitted = jax.jit(self._body, inline=True)
        out, checks = self.jitted(*[ins[i] for i in self.traced])
        for (flag, values), message in zip(checks, self.messages):
            run_checks.replay(flag, message, values)
        return out
