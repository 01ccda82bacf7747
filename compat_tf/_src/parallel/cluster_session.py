"""`tf.Session(server.target)` on a worker of a compat_tf cluster: synchronous between-graph replication.

Every worker process builds the same graph and runs the same training loop,
as TF1's between-graph replication does. Each process keeps a full copy of
every variable (a replica; the parameter servers hold nothing), and runs
fall in two kinds, decided per run:

- a *training step* - a run that updates a variable from its current value
  (an optimizer's apply, `global_step += 1`: a read-modify-write of state) -
  is collective: one program over the mesh of every worker's devices,
  `jax.shard_map` over the "worker" axis, in which each worker evaluates the
  graph on its own feeds and input pipeline; the lowering of tf.gradients
  averages each variable's gradient across the workers (replica.py), so all
  workers apply the same update and their variables stay identical. Every
  worker must run the same training steps in the same order (as TF1's
  SyncReplicasOptimizer requires);
- every other run (initialisers, restores, evaluations, summaries, saving
  checkpoints, per-worker local variables) is local to the worker's process.
  So is a plain assign: after the first training step, an assign of a global
  variable run on one worker changes that worker's copy only (TF1 changed the
  parameter server's); run it on every worker to keep the copies equal.

Before the first training step the workers' copies are made equal: the chief's
variables (initialised or restored by it) are broadcast to every worker -
at the end of MonitoredTrainingSession's session creation on every worker
(`synchronize`, called by the session creators), or at the first training
step of a plain `tf.Session(server.target)`. The worker creators wait there
for the chief (no polling).

A variable written inside a training step from values that differ across
workers (batch-norm moving averages computed from each worker's batch, an
assign of a fed value) takes the chief's value, so the copies never drift
apart; gradients of variables are averaged instead (above).

The cluster runs in lockstep: a worker that stops running training steps
(while others go on) makes the others wait in the step's collectives; a
first-time step is checked across workers (the same fetches and targets on
every worker) through the coordination service before it runs.
"""
import base64
import hashlib
import json
import threading

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from compat_tf._src.framework import errors
from compat_tf._src.parallel import cluster as _cluster
from compat_tf._src.parallel import replica as _replica
from compat_tf._src.runtime import plan as _plan

AXIS = "worker"
LOCAL_AXIS = "local"
DEFAULT_SYNC_WAIT_SECS = 7200      # MonitoredTrainingSession's max_wait_secs default
_KV_PREFIX = "compat_tf/session"
_session_counter = 0
_counter_lock = threading.Lock()


def _mesh(job):
    """The workers' devices as a (worker[, local]) mesh, in process order (the chief first)."""
    training = set(range(job.num_replicas))
    by_process = {}
    for d in jax.devices():
        if d.process_index in training:
            by_process.setdefault(d.process_index, []).append(d)
    counts = {len(v) for v in by_process.values()}
    if len(by_process) != job.num_replicas or len(counts) != 1:
        raise errors.InternalError(None, None, f"compat_tf cluster: every worker needs the same number of "
                                   f"devices; found {[len(by_process.get(p, [])) for p in sorted(training)]}")
    grid = [sorted(by_process[p], key=lambda d: d.id) for p in sorted(training)]
    if len(grid[0]) == 1:
        return Mesh(np.array([g[0] for g in grid], dtype=object), (AXIS,))
    return Mesh(np.array(grid, dtype=object), (AXIS, LOCAL_AXIS))


class ClusterMode:
    """A worker session's link to the cluster: the mesh, the sync state and the step checks."""

    def __init__(self, job, session):
        global _session_counter
        with _counter_lock:
            _session_counter += 1
            self.index = _session_counter
        self.job = job
        self.session = session
        self.mesh = _mesh(job)
        self.num_replicas = job.num_replicas
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self.local_devices = [d for d in self.mesh.devices.flat if d.process_index == jax.process_index()]
        self.local_sharding = (jax.sharding.SingleDeviceSharding(self.local_devices[0])
                               if len(self.local_devices) == 1 else
                               NamedSharding(Mesh(np.array(self.local_devices, dtype=object), (LOCAL_AXIS,)),
                                             PartitionSpec()))
        self.synced = False
        self.collective_runs = 0
        self._checked = set()
        self._lock = threading.Lock()
        self._bcast = {}

    # -- moving values between this process's copy and the job's global arrays -----------------
    def to_global(self, value):
        """A global array, replicated over the workers' mesh, whose local copy is `value`.

        Each process supplies its own value: for state they are equal on every
        worker; for feeds they are each worker's own (see _replica_fn).
        """
        if isinstance(value, jax.Array) and value.sharding == self.replicated:
            return value
        devices = self.local_devices
        if isinstance(value, jax.Array) and len(value.devices()) == len(devices) and \
                set(value.devices()) == set(devices) and value.is_fully_replicated:
            shards = [s.data for s in value.addressable_shards]
        else:
            host = value if isinstance(value, jax.Array) else np.asarray(value)
            shards = [jax.device_put(host, d) for d in devices]
        return jax.make_array_from_single_device_arrays(np.shape(value), self.replicated, shards)

    def to_local(self, value):
        """This process's copy of a global array (its first local device's, or all local devices')."""
        if not isinstance(value, jax.Array) or value.is_fully_addressable:
            return value
        shards = value.addressable_shards
        if len(shards) == 1:
            return shards[0].data
        return jax.make_array_from_single_device_arrays(value.shape, self.local_sharding, [s.data for s in shards])

    # -- the coordination service ------------------------------------------------------------
    def _kv_key(self, *parts):
        return "/".join((_KV_PREFIX, str(self.index)) + tuple(str(p) for p in parts))

    def _kv_get(self, key, timeout_secs, what):
        client = _cluster._client()
        try:
            return client.blocking_key_value_get(key, int(timeout_secs * 1000))
        except Exception as e:  # noqa: BLE001 - the coordination service's errors, made TF1's
            msg = str(e)
            if "DEADLINE_EXCEEDED" in msg or "timed out" in msg:
                raise errors.DeadlineExceededError(
                    None, None, f"compat_tf cluster: {what} did not happen within {timeout_secs:g} s") from None
            raise self.job.fail(e, f"while waiting for {what}") from None

    # -- making every worker's variables the chief's -----------------------------------------
    def synchronize(self, timeout_secs=None):
        """Broadcasts the chief's state to every worker (a collective: every worker calls it)."""
        with self._lock:
            if self.synced:
                return
            timeout_secs = DEFAULT_SYNC_WAIT_SECS if timeout_secs is None else timeout_secs
            session = self.session
            key = self._kv_key("manifest")
            if self.job.is_chief:
                with session._lock:
                    state = dict(session._state)
                manifest = _manifest(state)
                _cluster._client().key_value_set(key, json.dumps(manifest))
            else:
                manifest = json.loads(self._kv_get(key, timeout_secs, "the chief's initialised variables"))
                state = {}
            numeric = [m for m in manifest if "value" not in m]
            values = []
            for m in numeric:
                v = state.get(m["key"]) if self.job.is_chief else None
                values.append(v if v is not None else np.zeros(m["shape"], np.dtype(m["dtype"])))
            out = self._broadcast(numeric)(*[self.to_global(v) for v in values]) if numeric else []
            new_state = {m["key"]: self.to_local(v) for m, v in zip(numeric, out)}
            for m in manifest:
                if "value" in m:
                    new_state[m["key"]] = _decode_host_value(m)
            with session._lock:
                session._state.clear()
                session._state.update(new_state)
            self.synced = True

    def _broadcast(self, manifest):
        sig = tuple((m["key"], tuple(m["shape"]), m["dtype"]) for m in manifest)
        fn = self._bcast.get(sig)
        if fn is None:
            n = len(sig)

            def bcast(*xs):
                return from_chief(list(xs))
            fn = jax.jit(_shard_map(bcast, self.mesh, (PartitionSpec(),) * n, [PartitionSpec()] * n))
            self._bcast[sig] = fn
        return self._guard(fn, "while the workers received the chief's variables")

    def _guard(self, fn, doing):
        job = self.job

        def call(*args):
            try:
                return fn(*args)
            except Exception as e:
                if _is_peer_failure(e):
                    raise job.fail(e, doing) from None
                raise
        return call

    # -- checking that every worker runs the same step -----------------------------------------
    def check_step(self, plan, timeout_secs=None):
        """The first time this worker runs `plan` as a training step: every worker runs the same."""
        count = self.collective_runs
        self.collective_runs += 1
        if plan._fingerprint in self._checked:
            return
        timeout_secs = DEFAULT_SYNC_WAIT_SECS if timeout_secs is None else timeout_secs
        client = _cluster._client()
        me = self.job.process_id
        client.key_value_set(self._kv_key("step", count, me), plan._fingerprint_text)
        for p in range(self.num_replicas):
            if p == me:
                continue
            other = self._kv_get(self._kv_key("step", count, p), timeout_secs,
                                 f"worker process {p}'s training step #{count}")
            if other != plan._fingerprint_text:
                raise errors.FailedPreconditionError(
                    None, None, f"compat_tf cluster: the workers ran different training steps as step #{count}: "
                    f"this worker (process {me}) ran {plan._fingerprint_text}, worker process {p} ran {other}. "
                    "In a synchronous cluster every worker runs the same training steps in the same order.")
        self._checked.add(plan._fingerprint)


def from_chief(values):
    """Inside the workers' shard_map: the chief's (worker 0's) `values`, on every worker (exact).

    A sum in which every other worker contributes zeros; booleans travel as int32.
    """
    is_chief = lax.axis_index(AXIS) == 0
    bools = [jnp.asarray(v).dtype == jnp.bool_ for v in values]
    masked = [jnp.where(is_chief, v, jnp.zeros_like(v)).astype(jnp.int32) if b else
              jnp.where(is_chief, v, jnp.zeros_like(v)) for v, b in zip(values, bools)]
    out = _replica.collective_over(masked, lambda v: lax.psum(v, AXIS))
    return [o > 0 if b else o for o, b in zip(out, bools)]


def _shard_map(fn, mesh, in_specs, out_specs):
    # check_vma=False: compat_tf's loops carry values whose replication JAX would have to track
    # (a while_loop carry initialised replicated and updated from a worker's data); which values
    # differ across workers is worked out from the graph instead (_tainted_writes)
    return jax.shard_map(fn, mesh=mesh, in_specs=in_specs, out_specs=out_specs, axis_names=frozenset({AXIS}),
                         check_vma=False)


def _is_peer_failure(e):
    msg = str(e)
    return any(s in msg for s in ("Gloo", "gloo", "NCCL", "Connection closed", "Connection reset",
                                  "coordination service", "heartbeat"))


def _manifest(state):
    out = []
    for k in sorted(state):
        v = state[k]
        if isinstance(v, (jax.Array, np.ndarray, np.generic)) and np.dtype(v.dtype).kind in "biufc":
            out.append({"key": k, "shape": list(np.shape(v)), "dtype": np.dtype(v.dtype).name})
        else:
            arr = np.asarray(v, dtype=object)
            flat = [x if isinstance(x, bytes) else str(x).encode() for x in arr.ravel().tolist()]
            out.append({"key": k, "shape": list(arr.shape),
                        "value": [base64.b64encode(x).decode("ascii") for x in flat]})
    return out


def _decode_host_value(m):
    arr = np.empty(len(m["value"]), dtype=object)
    arr[:] = [base64.b64decode(x) for x in m["value"]]
    return arr.reshape(m["shape"])


# -- the plans ---------------------------------------------------------------------------------
class ClusterPlan:
    """What a cluster session's `_plan_factory` builds: a local plan, and the collective one when needed.

    A run that updates a variable from its current value is a training step
    (collective, ReplicaPlan); any other run is local to this worker (a plain
    Plan). The choice is made per run, so the chief's initialisation before
    the first sync is local.
    """
    _fast = None

    def __init__(self, mode, graph, fetch_tensors, target_ops, feed_tensors):
        self.mode = mode
        self.local = _plan.Plan(graph, fetch_tensors, target_ops, feed_tensors)
        self.collective = bool(set(self.local.needs_init) & set(self.local.writes))
        self._args = (graph, fetch_tensors, target_ops, feed_tensors)
        self._replica_plan = None

    def __getattr__(self, name):     # fetch_tensors, ops, writes, ...: the local plan's
        if name == "local":
            raise AttributeError(name)
        return getattr(self.local, name)

    def run(self, session, feed_values):
        if not self.collective:
            return self.local.run(session, feed_values)
        mode = self.mode
        if not mode.synced:
            mode.synchronize()
        if self._replica_plan is None:
            self._replica_plan = ReplicaPlan(mode, *self._args)
        plan = self._replica_plan
        mode.check_step(plan)
        return plan.run(session, feed_values)


class ReplicaPlan(_plan.Plan):
    """A training step run by every worker at once: the jitted step under shard_map over the workers."""
    SPECIALISE_UNKNOWN_RANK_BOOLS = False   # _jit_flat counts the step's inputs with n_flat_inputs

    def __init__(self, mode, graph, fetch_tensors, target_ops, feed_tensors):
        self._mode = mode          # read by the _jit_* hooks, which Plan.__init__ calls
        self._taint = None
        super().__init__(graph, fetch_tensors, target_ops, feed_tensors)
        if self.callbacks:
            names = sorted({op.type for op in self.ops if op.type in (
                "Print", "PrintV2", "PyFunc", "EagerPyFunc", "PyFuncStateless", "Assert")})
            raise errors.UnimplementedError(
                None, None, f"compat_tf cluster: a training step that calls back to the host ({', '.join(names)}) "
                "cannot run across workers; move tf.Print/tf.py_func/tf.Assert out of the training step")
        # what makes the step's collectives: its targets, the variables it writes, its gradients
        # (extra fetches - the chief's summaries and step counters - only add local work)
        text = json.dumps([sorted(op.name for op in target_ops), sorted(self.writes),
                           sorted(op.name for op in self.ops if op.type == "Gradients")])
        self._fingerprint_text = text
        self._fingerprint = hashlib.sha1(text.encode()).hexdigest()

    # -- which written variables can differ across workers -------------------------------------
    def _tainted_writes(self):
        if self._taint is None:
            self._taint = tainted_writes(self)
        return self._taint

    def _replica_fn(self, fn, counter_pos, written_of):
        """`fn` as run by each worker: its rng counter made its own, its varying writes the chief's."""
        mode = self._mode
        n = mode.num_replicas

        def per_worker(*args):
            args = list(args)
            if counter_pos is not None:
                idx = lax.axis_index(AXIS).astype(jnp.uint32)
                args[counter_pos] = args[counter_pos] * jnp.uint32(n) + idx
            with _replica.replica_context(AXIS, n):
                return written_of(fn(*args), self._tainted_writes())
        return per_worker

    hoist_checks = False        # the workers agree on failed checks inside the step

    def _segment_checked(self, ops):
        # every worker's step makes the collective that agrees on failed checks (run_checks.py),
        # whatever ops its program holds
        return True

    def _jit_flat(self, flat, seg, ro, rw):
        # (*ro, *rw, *inputs[, counter]) -> (*outputs, check code, check payloads, *written)
        mode = self._mode
        n_args = len(ro) + len(rw) + self.n_flat_inputs(seg) + (1 if self.uses_rng else 0)
        n_out = len(seg.outputs) + seg.n_check
        written = list(seg.writes)

        def resolve(res, tainted):
            res = list(res)
            pos = [n_out + j for j, k in enumerate(written) if k in tainted]
            if pos:
                for p, v in zip(pos, from_chief([res[p] for p in pos])):
                    res[p] = v
            return tuple(res)

        fn = self._replica_fn(flat, n_args - 1 if self.uses_rng else None, resolve)
        spec = PartitionSpec()
        # every input and output "replicated": state is; a feed or an output is each worker's own
        # (check_vma=False: each device reads and yields its process's value, see ClusterMode.to_global)
        mapped = _shard_map(fn, mode.mesh, (spec,) * n_args, (spec,) * (n_out + len(written)))
        jitted = jax.jit(mapped, donate_argnums=tuple(range(len(ro), len(ro) + len(rw))))
        call = mode._guard(jitted, "during a training step")
        to_global, to_local = mode.to_global, mode.to_local

        def run(*args):
            return [to_local(v) for v in call(*[to_global(a) for a in args])]
        return run

    def _jit_segment(self, step, donate=False):
        # step(state_ro, state_rw, inputs, rng_counter) -> (outputs, new state)
        mode = self._mode

        def resolve(res, tainted):
            outs, new = res
            keys = [k for k in new if k in tainted]
            if keys:
                new = dict(new)
                new.update(zip(keys, from_chief([new[k] for k in keys])))
            return outs, new

        fn = self._replica_fn(step, 3, resolve)
        spec = PartitionSpec()
        mapped = _shard_map(fn, mode.mesh, (spec, spec, spec, spec), (spec, spec))
        jitted = jax.jit(mapped, donate_argnums=(1,) if donate else ())
        call = mode._guard(jitted, "during a training step")
        to_global, to_local = mode.to_global, mode.to_local

        def run(state_ro, state_rw, inputs, counter):
            g = jax.tree_util.tree_map(to_global, (state_ro, state_rw, list(inputs), counter))
            return jax.tree_util.tree_map(to_local, call(*g))
        return run


_RANDOM_ATTRS = ("seed", "seed2")


def tainted_writes(plan):
    """The state keys a run of `plan` may write with values that differ across workers.

    Differing values come from the worker's own data: feeds, host ops (input
    pipelines), random ops (each worker draws its own numbers), and whatever
    is computed from them, variables written from them included. A tf.gradients
    output for a variable is the same on every worker (averaged); its other
    outputs follow their inputs.
    """
    from compat_tf._src.framework import registry
    varying = set(plan.feed_tensors)
    varying_keys = set()
    fed = plan._fed

    def is_varying(t):
        if t in varying:
            return True
        k = _plan.ref_key(t, fed)
        return k is not None and k in varying_keys

    for op in plan.ops:
        if op.type in _plan._VARIABLE_OP_TYPES:
            continue
        opdef = registry.get(op.type)
        inputs = list(op._inputs) + list(op._attrs.get("_captured_inputs", ()))
        from_inputs = any(is_varying(t) for t in inputs)
        source = _plan.is_host_op(op) or any(a in op._attrs for a in _RANDOM_ATTRS)
        if op.type == "Gradients":
            for x, out in zip(op._attrs["_xs"], op._outputs):
                if from_inputs and not _replica.is_variable_tensor(x):
                    varying.add(out)
        elif from_inputs or source:
            varying.update(op._outputs)
        if from_inputs or source:
            _, writes = _plan._variable_access(op, opdef, fed)
            varying_keys.update(writes)
            varying_keys.update(op._attrs.get("_state_writes", ()))
    return frozenset(varying_keys)


# -- attaching a session to the cluster ---------------------------------------------------------
def connect(session, target, config=None):
    """Called by tf.Session(target): links a session on a worker task to its cluster (see module doc).

    "" is a local session. A target must be "grpc://..." (else NotFoundError,
    as TF1 without that session factory) and the target of a tf.train.Server
    started in this process (compat_tf runs a session in its own process).
    A session on a one-task cluster, or on a parameter-server task, is local.
    `config.device_filters` are checked (InvalidArgumentError for a malformed
    filter) and select nothing: every worker takes part in every training step.
    """
    if not target:
        return None
    target = target.decode() if isinstance(target, bytes) else str(target)
    if not target.startswith("grpc://"):
        raise errors.NotFoundError(
            None, None, f'No session factory registered for the given session options: {{target: "{target}"}} '
            "Registered factories are {DIRECT_SESSION, GRPC_SESSION}.")
    job = _cluster.job_for_target(target)
    if job is None:
        raise errors.UnavailableError(
            None, None, f"compat_tf: no tf.train.Server with target {target} was started in this process. compat_tf "
            "runs a session in its own process only: start this task's Server (tf.train.Server(cluster, "
            "job_name=..., task_index=...)) and pass its .target (between-graph replication).")
    if config is not None:
        _check_device_filters(config)
    if not job.distributed or not job.is_training_task or job.num_replicas == 1:
        return None
    mode = ClusterMode(job, session)
    session._cluster = mode
    session._plan_factory = lambda *args: ClusterPlan(mode, *args)
    return mode


def _check_device_filters(config):
    """ConfigProto.device_filters: each must parse as a device name (TF1: InvalidArgumentError)."""
    from compat_tf._src.framework.graph import _parse_device
    for f in getattr(config, "device_filters", ()):
        try:
            _parse_device(f)
        except ValueError as e:
            raise errors.InvalidArgumentError(None, None, f"Invalid device filter: {f}: {e}") from None


def synchronize(sess, timeout_secs=None):
    """Makes every worker's variables the chief's (a collective; a no-op outside a cluster session).

    MonitoredTrainingSession's session creators call it on every worker once
    the chief's session is initialised; `tf.Session(server.target)` does it at
    its first training step.
    """
    mode = cluster_mode(sess)
    if mode is not None:
        mode.synchronize(timeout_secs)


def cluster_mode(sess):
    """The ClusterMode of `sess` (a Session or a wrapper around one), or None."""
    for _ in range(10):
        if sess is None:
            return None
        mode = getattr(sess, "_cluster", None)
        if mode is not None:
            return mode
        if hasattr(sess, "_state"):
            return None
        nxt = getattr(sess, "_sess", None) or getattr(sess, "_session", None)
        sess = nxt
    return None
