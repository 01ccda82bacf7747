"""The replica context of a cluster training step: TF1's between-graph replication inside one program.

In a compat_tf cluster every worker runs its own copy of the graph on its own
data, as in TF1; the step is traced once per worker under `jax.shard_map`
over the workers' mesh axis (cluster_session.py). While it is traced,
`current()` is that context, and `aggregate_gradients` (called by the
lowering of tf.gradients) averages across the workers the gradient of every
*variable*: what TF1's SyncReplicasOptimizer does to the gradients the
workers push, done where the gradient is formed, so that every optimizer,
and hand-written updates such as `tf.assign_sub(w, lr * grad)`, apply the
same averaged gradient on every worker and the variables stay identical.
Gradients with respect to anything else (activations, inputs) stay local to
the worker, as in TF1. Outside a cluster step the context is None and
gradients are untouched.

Deviation: transformations between `tf.gradients` and `apply_gradients`
(gradient clipping by global norm, ...) see the averaged gradient, where TF1
clipped each worker's gradient before aggregating.
"""
import contextlib
import threading

_local = threading.local()


class ReplicaContext:
    """The mesh axis the workers are mapped over, how many there are, and the step's last collective.

    Every worker must issue the step's collectives in the same order, although
    their programs may differ (the chief also fetches summaries and counters):
    each collective's input is tied to the previous collective's result
    (`after_previous`), so XLA keeps them in trace order and never merges
    (combines) or reorders them differently on different workers.
    """

    def __init__(self, axis_name, num_replicas):
        self.axis_name = axis_name
        self.num_replicas = num_replicas
        self.last = None

    def after_previous(self, value):
        """`value` made to depend on the previous collective's result, without changing it.

        A true data dependency (adding 0 * a finite element of the result),
        which XLA can neither fold away (a float times zero) nor reorder; an
        optimization barrier would not do: XLA's CPU pipeline expands barriers
        before it combines all-reduces.
        """
        if self.last is None:
            return value
        import jax.numpy as jnp
        first = self.last[0].astype(jnp.float32)
        zero = jnp.where(jnp.isfinite(first), first, 0.0) * 0.0
        return value + zero.astype(value.dtype)


def current():
    return getattr(_local, "ctx", None)


@contextlib.contextmanager
def replica_context(axis_name, num_replicas):
    saved = current()
    _local.ctx = ReplicaContext(axis_name, num_replicas)
    try:
        yield _local.ctx
    finally:
        _local.ctx = saved


def is_variable_tensor(tensor):
    """True when `tensor` is a variable's storage or its value (what optimizers differentiate)."""
    from compat_tf._src.runtime.plan import ref_key
    if ref_key(tensor) is not None:
        return True
    op = tensor.op
    if op.type in ("ReadVariableOp", "VarHandleOp"):
        return True
    return op.type == "Identity" and bool(op._inputs) and is_variable_tensor(op._inputs[0])


def aggregate_gradients(xs, grads):
    """The gradients of the variables among `xs` averaged over the workers (inside a cluster step)."""
    ctx = current()
    if ctx is None or ctx.num_replicas == 1:
        return grads
    from jax import lax
    out = list(grads)
    picked = [i for i, x in enumerate(xs) if is_variable_tensor(x)]
    for i, g in zip(picked, collective_over([out[i] for i in picked],
                                            lambda v: lax.pmean(v, ctx.axis_name))):
        out[i] = g
    return out


def collective_over(values, reduce):
    """`reduce` (an elementwise all-reduce) applied to `values`, as one collective per dtype.

    The values are flattened into one vector per dtype: a training step makes
    a few large all-reduces instead of one per variable (gloo pays per call),
    and every worker issues them in the same order whatever else its program
    computes.
    """
    import jax.numpy as jnp
    by_dtype = {}
    for i, v in enumerate(values):
        by_dtype.setdefault(jnp.result_type(v), []).append(i)
    out = list(values)
    ctx = current()
    for idx in by_dtype.values():
        vs = [jnp.asarray(values[i]) for i in idx]
        flat = jnp.concatenate([v.ravel() for v in vs])
        if ctx is not None:
            flat = ctx.after_previous(flat)
        if flat.size == 0:
            continue
        flat = reduce(flat)
        if ctx is not None:
            ctx.last = flat
        offset = 0
        for i, v in zip(idx, vs):
            out[i] = flat[offset:offset + v.size].reshape(v.shape)
            offset += v.size
    return out
