"""Host callbacks inside a jitted step: run-time checks, py_func errors, printing.

Lowerings such as tf.Assert, tf.check_numerics, tf.Print and an in-jit
tf.py_func call Python on the host from inside the jitted step
(`jax.debug.callback`, `jax.pure_callback`, `io_callback`). Such a callback
must not raise (XLA would abort the step with an opaque error after the
variables' buffers were donated), so it *records* the TF1 error it would
raise here, keyed by (plan, run counter). After the step, the plan calls
`raise_failures`, which waits for the step to finish and raises the first
recorded error before the step's new variable values are committed, so a
failed run leaves every variable unchanged (as a failed TF1 step leaves the
variables its failed op guarded).

Plans that contain such ops (`plan_uses_callbacks`) run their device segments
without buffer donation and wait for them to finish, so what a callback prints
appears before `Session.run` returns.
"""
import contextlib
import threading

import jax
import numpy as np

# op types whose lowerings call back to the host from inside a jitted step
CALLBACK_OP_TYPES = set()

_local = threading.local()
_lock = threading.Lock()
_failures = {}     # (id(plan), counter) -> [OpError, ...]


def register_callback_op(op_type):
    CALLBACK_OP_TYPES.add(op_type)


@contextlib.contextmanager
def tracing(plan):
    """Marks the jitted step of `plan` being traced in this thread (callbacks record under it)."""
    prev = getattr(_local, "plan", None)
    _local.plan = plan
    try:
        yield
    finally:
        _local.plan = prev


def current_plan():
    """The plan whose device step is being traced in this thread, or None (host evaluation)."""
    return getattr(_local, "plan", None)


def in_device_trace():
    return current_plan() is not None


def record(plan_id, counter, error):
    """Called on the host by a callback: remembers `error` for the run (plan_id, counter)."""
    with _lock:
        _failures.setdefault((plan_id, int(np.asarray(counter))), []).append(error)


def checked_callback(ctx, check, *args, ordered=False):
    """Emits a host callback `check(*numpy_args)` returning an error (or None) to record.

    Outside a device trace (host segments, eager evaluation) `check` runs at once and the
    error is raised directly.
    """
    plan = current_plan()
    if plan is None:
        err = check(*[np.asarray(a) for a in args])
        if err is not None:
            raise err
        return
    plan_id = id(plan)

    def cb(counter, *vals):
        try:
            err = check(*vals)
        except Exception as e:  # noqa: BLE001 - recorded, raised after the step
            from compat_tf._src.framework import errors
            err = errors.InternalError(None, None, f"host callback failed: {type(e).__name__}: {e}")
        if err is not None:
            record(plan_id, counter, err)

    jax.debug.callback(cb, ctx_counter(ctx), *args, ordered=ordered)


def ctx_counter(ctx):
    c = getattr(ctx, "run_counter", getattr(ctx, "rng_counter", None))
    return np.uint32(0) if c is None else c


def plan_uses_callbacks(ops):
    """Whether any of `ops` (or an op nested in a cond/loop/gradient sub-graph) uses callbacks."""
    seen = set()
    stack = list(ops)
    while stack:
        op = stack.pop()
        if id(op) in seen:
            continue
        seen.add(id(op))
        if op.type in CALLBACK_OP_TYPES:
            return True
        for v in op._attrs.values():
            if isinstance(v, tuple):
                stack.extend(_nested_ops(v))
    return False


def _nested_ops(value):
    from compat_tf._src.framework.graph import Operation
    out = []
    todo = [value]
    while todo:
        v = todo.pop()
        if isinstance(v, Operation):
            out.append(v)
        elif isinstance(v, tuple):
            todo.extend(v)
    return out


def raise_failures(plan, counter, results):
    """Waits for a device step's `results`, then raises the first error its callbacks recorded."""
    leaves = [x for x in jax.tree_util.tree_leaves(results) if isinstance(x, jax.Array)]
    if leaves:
        jax.block_until_ready(leaves)
    jax.effects_barrier()
    with _lock:
        errs = _failures.pop((id(plan), int(np.asarray(counter))), None)
    if errs:
        raise errs[0]


def discard(plan, counter):
    with _lock:
        _failures.pop((id(plan), int(np.asarray(counter))), None)
