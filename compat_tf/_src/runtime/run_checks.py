"""The run-time checks TF1's CPU kernels make, fused into the compiled step.

TF1 on CPU raises InvalidArgumentError for an integer division by zero, a gather index out of
range, a sparse softmax label out of range; XLA instead returns a number (GPU TF1 does too).
compat_tf raises as TF1's CPU kernels do, by default:

- a lowering calls `check(bad, message, *payload)` with a boolean `bad`, a function giving the
  error message from a few integers (the bad index, its position), and those integers; the error
  is InvalidArgumentError naming the op being lowered;
- when the values are known (constant folding, host segments) the error is raised at once;
- in a run's step (`step_scope`) the flags are collected and the step returns, beside its
  outputs, the number of the first failed check (-1: none) and the payloads; every variable it
  writes becomes `where(failed, old, new)`, so a failed step changes no state (fused into the
  update, no host callback, donation kept); the runtime reads the code after the step and raises
  the error (which costs the wait for the step's result);
- inside control-flow bodies (tf.cond / tf.while_loop / map_fn) a check is a host callback
  (host_checks.py), which records the error the same way;
- checks that read only a run's inputs (fed labels, fed gather ids) are made before the step
  by a small program of their own (prechecks.py): the step then has no guard.

`COMPAT_TF_RUNTIME_CHECKS=0` (or `set_enabled(False)`) turns the checks off: GPU-like results
(division by zero -> -1 or 0, an out-of-range gather -> 0, a bad label -> NaN), no check outputs.
"""
import collections
import contextlib
import os
import threading

import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import errors

_local = threading.local()
_enabled = os.environ.get("COMPAT_TF_RUNTIME_CHECKS", "1").strip().lower() not in ("0", "false", "off", "no")

# op types whose lowerings call check(): a plan holding one returns check outputs
CHECKED_OP_TYPES = {"Div", "TruncateDiv", "FloorDiv", "FloorMod", "TruncateMod", "Mod", "GatherV2",
                    "ResourceGather", "SparseSoftmaxCrossEntropyWithLogits"}


# a Precheck's `static` for an op that makes no check (a float division): nothing to hoist
NO_CHECK = object()

Precheck = collections.namedtuple("Precheck", ["inputs", "static", "check"])
Precheck.__doc__ = """How a checked op's run-time check is made apart from the op, before the step
(prechecks.py).

inputs: the positions of the op's inputs the check reads;
static: op -> the check's other arguments (a tuple) from the graph's static shapes and attrs,
        None when the graph does not know them (the check stays in the step), or NO_CHECK;
check:  (*input values, *static arguments) -> makes the op's check() calls."""

# op type -> its Precheck
PRECHECKS = {}


def register_checked_op(*op_types, precheck=None):
    """Declares op types whose lowerings call check(); `precheck`: how to make it before the step."""
    CHECKED_OP_TYPES.update(op_types)
    if precheck is not None:
        PRECHECKS.update(dict.fromkeys(op_types, precheck))


def enabled():
    return _enabled


def set_enabled(flag):
    """Turns the run-time checks on or off (affects steps traced after the call); returns the old flag."""
    global _enabled
    prev, _enabled = _enabled, bool(flag)
    return prev


class _Scope:
    __slots__ = ("fused", "counter")

    def __init__(self, fused, counter):
        self.fused = fused
        self.counter = counter


@contextlib.contextmanager
def step_scope(counter):
    """While a run's device step is traced: checks are fused into it (read `scope.fused` after)."""
    prev = getattr(_local, "scope", None)
    scope = _local.scope = _Scope([], counter)
    try:
        yield scope
    finally:
        _local.scope = prev


@contextlib.contextmanager
def redirect(fused):
    """Checks made inside go to `fused` (a list), or, with None, to host callbacks (loop bodies)."""
    prev = getattr(_local, "scope", None)
    _local.scope = None if prev is None else _Scope(fused, prev.counter)
    try:
        yield
    finally:
        _local.scope = prev


class _Capture:
    """The scope of a cached lowering's trace (trace_cache.py): checks are recorded raw, as
    (flag, message, payload), and made by the caller with `replay`."""
    __slots__ = ("found",)
    fused = None

    def __init__(self, found):
        self.found = found


@contextlib.contextmanager
def capture(found):
    """Checks made inside are appended to `found` as (flag, message, payload) and not made."""
    prev = getattr(_local, "scope", None)
    _local.scope = _Capture(found)
    try:
        yield
    finally:
        _local.scope = prev


@contextlib.contextmanager
def suspend():
    """No checks inside (forward-mode derivatives of a step: tf.hessians; a step whose checks are
    made before it: prechecks.py)."""
    prev = getattr(_local, "scope", None)
    _local.scope = None
    try:
        yield
    finally:
        _local.scope = prev


def add_fused(flag, make_error, values):
    """Adds a check made in a nested trace (returned from it as an auxiliary output) to the step's."""
    scope = getattr(_local, "scope", None)
    if scope is not None and scope.fused is not None:
        scope.fused.append((flag, make_error, list(values)))


def active():
    """Whether a check made now would be fused into a step (so make_error's payload matters)."""
    scope = getattr(_local, "scope", None)
    return scope is not None and scope.fused is not None


def _concrete(v):
    from compat_tf._src.runtime.interp.eager import concrete_value
    return concrete_value(v)


def set_op(op):
    """The op being lowered (lowering.evaluate sets it): errors name it as TF1's do."""
    _local.op = op


def _error_maker(message):
    op = getattr(_local, "op", None)
    from compat_tf._src.framework import errors
    suffix = f"\n\t [[node {op.name}]]" if op is not None else ""

    def make_error(*payload):
        return errors.InvalidArgumentError(None, op, message(*payload) + suffix)
    return make_error


def check(bad, message, *payload):
    """Raises (or arranges to raise after the step) InvalidArgumentError(message(*payload)) where
    `bad` is true. `bad`: a boolean array (any element true fails); `payload`: integer scalars.
    """
    if not _enabled:
        return
    make_error = _error_maker(message)
    c = _concrete(bad)
    if c is not None:
        if np.any(c):
            raise make_error(*[_scalar(_concrete(p)) for p in payload])
        return
    scope = getattr(_local, "scope", None)
    if scope is None:
        return          # not a run's step (abstract shape inference, compat_tf.export): unchecked
    flag = jnp.any(bad)
    values = [jnp.asarray(p).astype(jnp.int64).reshape(()) for p in payload]
    if isinstance(scope, _Capture):
        scope.found.append((flag, message, values))
        return
    _record(scope, flag, make_error, values)


def replay(flag, message, values):
    """Makes a check recorded by `capture` (a traced flag and payload) in the current scope, for
    the op being lowered now."""
    if not _enabled:
        return
    scope = getattr(_local, "scope", None)
    if scope is not None:
        _record(scope, flag, _error_maker(message), values)


def _record(scope, flag, make_error, values):
    if scope.fused is not None:
        scope.fused.append((flag, make_error, values))
        return
    from compat_tf._src.runtime import host_checks

    class _Counter:
        run_counter = scope.counter

    def on_host(b, *vals):
        return make_error(*[_scalar(v) for v in vals]) if np.any(b) else None
    host_checks.checked_callback(_Counter, on_host, flag, *values)


def array_module(*values):
    """NumPy when every value is a host array (a check made before the step, prechecks.py: plain
    NumPy is microseconds where JAX's eager ops are a dispatch each), else jax.numpy."""
    return np if all(isinstance(v, (np.ndarray, np.generic, int)) for v in values) else jnp


def _scalar(v):
    a = np.asarray(v)
    return a.item() if a.ndim == 0 else a


class MakerTable:
    """The error makers of every trace of one step (a step is traced once per input signature, and
    a check's message and payload layout belong to the trace that made it): a step's payload
    starts with the index of its trace's makers here."""

    def __init__(self):
        self._lock = threading.Lock()
        self._traces = []

    def add(self, makers):
        with self._lock:
            self._traces.append(makers)
            return len(self._traces) - 1

    def __getitem__(self, index):
        return self._traces[index]


def step_outputs(fused, table):
    """(code, payload) to return from a step: the first failed check's number (-1: none), and the
    index of this trace's makers in `table` (a MakerTable; each maker: (make_error, offset, n))
    followed by every check's payload (int64)."""
    makers, offset, vals = [], 0, []
    for _, mk, p in fused:
        makers.append((mk, offset, len(p)))
        offset += len(p)
        vals.extend(p)
    vals.insert(0, jnp.asarray(table.add(makers), jnp.int64))
    if not fused:
        code = jnp.int32(-1)
    else:
        flags = jnp.stack([f for f, _, _ in fused])
        code = jnp.where(jnp.any(flags), jnp.argmax(flags).astype(jnp.int32), jnp.int32(-1))
    return _agreed_across_workers(code), jnp.stack(vals)


def _agreed_across_workers(code):
    """In a cluster training step (parallel/cluster_session.py): every worker's step fails when one
    worker's does, so no worker commits (their state stays equal) and none waits for the others in
    the next step. A worker whose own checks passed gets `PEER_FAILED - k` (k: the lowest failed
    worker), raised as UnknownError. One collective, which every worker's step makes (a cluster
    plan checks every segment, so the workers' programs agree)."""
    from compat_tf._src.parallel import replica
    ctx = replica.current()
    if ctx is None or ctx.num_replicas == 1:
        return code
    from jax import lax
    me = lax.axis_index(ctx.axis_name).astype(jnp.int32)
    first, = replica.collective_over([jnp.where(code >= 0, me, ctx.num_replicas).reshape(1)],
                                     lambda v: lax.pmin(v, ctx.axis_name))
    first = first[0]
    return jnp.where(code >= 0, code, jnp.where(first < ctx.num_replicas, PEER_FAILED - first, -1))


# a step's code when another worker's step failed: PEER_FAILED - (that worker's index)
PEER_FAILED = -2


def guard_state(code, old, new):
    """The written state: each new value, or the old one where the step failed a check."""
    failed = code != -1
    return {k: (jnp.where(failed, old[k], v) if k in old else v) for k, v in new.items()}


def raise_if_failed(table, code, payload):
    """After a step: raises the first failed check's error (waits for the step's result); `table`:
    the step's MakerTable."""
    c = int(np.asarray(code))
    if c == -1:
        return
    if c <= PEER_FAILED:
        raise errors.UnknownError(
            None, None, f"worker {PEER_FAILED - c} of the cluster failed a run-time check in this training "
            "step (its own error names the op); the step changed no variable on any worker")
    p = np.asarray(payload)
    mk, off, n = table[int(p[0])][c]
    raise mk(*[_scalar(p[1 + off + i]) for i in range(n)])


# owner ops whose sub-graphs run inside lax.cond / lax.while_loop / lax.scan: checks in them are
# host callbacks (a flag cannot leave those traces as a side output)
_BODY_OWNERS = frozenset({"If", "While", "FunctionalScan", "RnnScan"})


def classify(ops):
    """(fused, in_bodies): whether `ops` hold checked ops at the step's level (including the forward
    ops re-run by a Gradients op), and whether some sit in control-flow bodies."""
    checked, in_bodies = step_checked_ops(ops)
    return bool(checked), in_bodies


def step_checked_ops(ops):
    """(the checked ops at the step's level, in_bodies): as classify, with the ops themselves."""
    from compat_tf._src.runtime import host_checks
    if not _enabled or not CHECKED_OP_TYPES:
        return [], False
    checked, in_bodies = [], False
    seen, seen_checked = set(), set()
    stack = [(op, False) for op in reversed(ops)]
    while stack:
        op, nested = stack.pop()
        if (id(op), nested) in seen:
            continue
        seen.add((id(op), nested))
        if op.type in CHECKED_OP_TYPES:
            if nested:
                in_bodies = True
            elif id(op) not in seen_checked:
                seen_checked.add(id(op))
                checked.append(op)
        inner = nested or op.type in _BODY_OWNERS
        for v in op._attrs.values():
            if isinstance(v, tuple):
                stack.extend((o, inner) for o in host_checks._nested_ops(v))
    return checked, in_bodies
