"""Data-parallel training of unchanged TF1 graphs by sharding (jax.jit + a 1-D device mesh).

`data_parallel(sess)` switches a Session into a mode where every jitted step
of its run plans is compiled for a 1-D `jax.sharding.Mesh` of the devices
(axis name "batch"):

- state (variables, optimizer slots, global step) is replicated on every
  device: the step's `in_shardings` and `out_shardings` for state are
  `NamedSharding(mesh, P())`, and the session's state dict places any value
  written into it from elsewhere (initial values restored by a Saver,
  `Variable.load`, host ops) onto the mesh once, so state stays on the devices
  between runs and the written state is still donated;
- fed tensors whose leading dimension is the batch are split along it
  (`P("batch")`): by default every numeric feed whose leading dimension is
  divisible by the device count, or exactly the `batch_feeds` given;
- fetched outputs take whatever sharding XLA's propagation chooses
  (`Session.run` gathers them to NumPy as usual).

XLA's SPMD partitioner then partitions the one TF1 step (forward, loss,
`tf.gradients`, optimizer update) across the devices and inserts the
all-reduce of the gradients itself. A jitted function with shardings keeps
*global* semantics: the program computes exactly what the single-device
program computes, whatever the shardings, so a `tf.reduce_mean` loss is the
mean over the global batch, as the TF1 graph says, and the results equal
the single-device run up to float reduction order. The choice of which
feeds to split therefore only affects speed, never the numbers.

Why sharding rather than `jax.pmap`: pmap runs a per-device program, so the
TF1 graph would have to be rewritten to compute a per-replica loss and
`lax.pmean` its gradients (the graph's `tf.reduce_mean` over the batch would
silently become a mean over the local shard, and every op that reduces over
the batch - batch norm statistics, metrics, `tf.shape(x)[0]` - would change
meaning). pmap also stacks state with a leading device axis, which changes
every variable's shape as Savers and fetches see it. With `jit` +
shardings the graph, its state and its checkpoints are unchanged; pmap is in
maintenance mode in JAX and shardings are the supported replacement.

A batch that is not divisible by the device count: with `batch_feeds=None`
such a feed is replicated (every device gets the whole batch; the result is
still correct, only not split); a feed named in `batch_feeds` raises
InvalidArgumentError naming the feed, its leading dimension and the device
count, before anything runs.
"""
import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from compat_tf._src.framework import errors
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.runtime import host_checks
from compat_tf._src.runtime import plan as _plan

BATCH_AXIS = "batch"
_NUMERIC_KINDS = frozenset("biufc")


class DataParallelConfig:
    """The mesh and the batch-feed policy of a data-parallel session."""

    def __init__(self, devices=None, batch_feeds=None, graph=None):
        devices = list(jax.devices() if devices is None else devices)
        if not devices:
            raise ValueError("data_parallel needs at least one device")
        if len(set(devices)) != len(devices):
            raise ValueError(f"data_parallel: a device is listed twice in {devices}")
        self.devices = devices
        self.num_devices = len(devices)
        self.mesh = Mesh(np.array(devices, dtype=object), (BATCH_AXIS,))
        self.replicated = NamedSharding(self.mesh, PartitionSpec())
        self.batch_sharded = NamedSharding(self.mesh, PartitionSpec(BATCH_AXIS))
        self.first_device = jax.sharding.SingleDeviceSharding(devices[0])
        self.batch_feeds = None if batch_feeds is None else _resolve_feeds(graph, batch_feeds)

    def place_state(self, value):
        """A state value on the mesh, replicated (non-numeric host values stay as they are)."""
        rep = self.replicated
        if isinstance(value, jax.Array):
            sharding = value.sharding
            if sharding is rep or sharding == rep:
                return value
            return jax.device_put(value, rep)
        if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in _NUMERIC_KINDS:
            return jax.device_put(value, rep)
        return value

    def feed_placer(self, tensor):
        """A function placing the value fed to `tensor`: split along the batch, or as it is."""
        n = self.num_devices
        bat = self.batch_sharded
        explicit = self.batch_feeds is not None
        if explicit and tensor not in self.batch_feeds:
            return None

        def place(value):
            shape = getattr(value, "shape", ())
            dtype = getattr(value, "dtype", None)
            if not shape or dtype is None or np.dtype(dtype).kind not in _NUMERIC_KINDS:
                if explicit:
                    raise errors.InvalidArgumentError(
                        None, tensor.op, f"data_parallel: batch feed '{tensor.name}' was fed a value of shape "
                        f"{tuple(shape)} and dtype {dtype}: a batch feed must be a numeric array with a "
                        "leading batch dimension")
                return value
            if shape[0] % n:
                if explicit:
                    raise errors.InvalidArgumentError(
                        None, tensor.op, f"data_parallel: the batch fed to '{tensor.name}' has leading "
                        f"dimension {shape[0]}, which is not divisible by the {n} devices of the mesh. "
                        f"Feed a batch whose size is a multiple of {n} (pad or drop the last partial "
                        "batch), or leave it out of batch_feeds to have it replicated on every device.")
                return value
            if isinstance(value, jax.Array) and value.sharding == bat:
                return value
            return jax.device_put(value, bat)

        if n == 1 and not explicit:
            return None
        return place


def _resolve_feeds(graph, feeds):
    from compat_tf._src.framework import graph as _graph
    graph = graph if graph is not None else _graph.get_default_graph()
    out = set()
    for f in feeds:
        if isinstance(f, str):
            f = graph.as_graph_element(f, allow_tensor=True, allow_operation=False)
        elif not isinstance(f, Tensor):
            f = getattr(f, "_as_graph_element", lambda: None)() or f
        if not isinstance(f, Tensor):
            raise TypeError(f"data_parallel: batch_feeds must name tensors (Tensor or 'name:0'), got {f!r}")
        out.add(f)
    return frozenset(out)


class ReplicatedState(dict):
    """A session's state dict whose numeric values are always replicated on the mesh.

    Every way the runtime and the Saver write state goes through `update` or
    item assignment, so the placement happens once per written value (a
    value the sharded step produced is already replicated: an identity check).
    """

    def __init__(self, config, items=()):
        super().__init__()
        self._config = config
        self.update(items)

    def __setitem__(self, key, value):
        super().__setitem__(key, self._config.place_state(value))

    def update(self, *args, **kwargs):
        place = self._config.place_state
        for k, v in dict(*args, **kwargs).items():
            super().__setitem__(k, place(v))

    def setdefault(self, key, default=None):
        if key not in self:
            self[key] = default
        return self[key]

    def copy(self):
        return dict(self)


class ShardedPlan(_plan.Plan):
    """A Plan whose jitted steps carry the mesh's shardings (see the module docstring)."""
    SPECIALISE_UNKNOWN_RANK_BOOLS = False   # _jit_flat counts the step's inputs with n_flat_inputs

    def __init__(self, config, graph, fetch_tensors, target_ops, feed_tensors):
        self._dp = config       # read by the _jit_* hooks, which Plan.__init__ calls
        super().__init__(graph, fetch_tensors, target_ops, feed_tensors)
        placers = [config.feed_placer(t) for t in self.feed_tensors]
        if self.callbacks:
            placers = [None] * len(placers)    # a one-device step (see _jit_segment): feeds as they are
            _warn_one_device(self)
        self._feed_placers = placers if any(p is not None for p in placers) else None

    def _place_feeds(self, feed_values):
        placers = self._feed_placers
        if placers is None or not feed_values:
            return feed_values
        return [v if p is None else p(v) for p, v in zip(placers, feed_values)]

    def _jit_segment(self, step, donate=False):
        # (state read only, state written, inputs, rng counter) -> (outputs, new state)
        if host_checks.plan_uses_callbacks(self.ops):     # (self.callbacks is set after this hook)
            # Host callbacks in the step (tf.Print, tf.py_func, tf.Assert): JAX runs ordered
            # callbacks on one device only, so this run's step runs on the mesh's first device
            # (same numbers; the new state is replicated again when it is committed).
            first = self._dp.first_device
            return jax.jit(step, in_shardings=(first, first, None, None), out_shardings=(None, first))
        rep = self._dp.replicated
        return jax.jit(step, in_shardings=(rep, rep, None, None), out_shardings=(None, rep),
                       donate_argnums=(1,) if donate else ())

    def _jit_flat(self, flat, seg, ro, rw):
        # (*ro, *rw, *inputs[, counter]) -> (*outputs, *written): state in and out replicated,
        # inputs as placed (batch-split feeds), outputs as XLA's propagation decides
        rep = self._dp.replicated
        n_state = len(ro) + len(rw)
        n_rest = self.n_flat_inputs(seg) + (1 if self.uses_rng else 0)
        in_shardings = (rep,) * n_state + (None,) * n_rest
        # (outputs, run-time check outputs (run_checks.py), written state)
        out_shardings = (None,) * (len(seg.outputs) + seg.n_check) + (rep,) * len(seg.writes)
        return jax.jit(flat, in_shardings=in_shardings, out_shardings=out_shardings,
                       donate_argnums=tuple(range(len(ro), n_state)))

    def _run_fast(self, session, feed_values):
        return super()._run_fast(session, self._place_feeds(feed_values))

    def run(self, session, feed_values):
        return super().run(session, self._place_feeds(feed_values))


_warned = set()


def _warn_one_device(plan):
    if plan._dp.num_devices == 1:
        return
    names = sorted({op.type for op in plan.ops if op.type in ("Print", "PrintV2", "PyFunc", "EagerPyFunc",
                                                               "PyFuncStateless", "Assert")})
    key = (id(plan.graph), tuple(names))
    if key not in _warned:
        _warned.add(key)
        from compat_tf._src.platform import tf_logging
        tf_logging.warning("data_parallel: a run whose step calls back to the host (%s) runs on one device "
                           "(JAX runs ordered host callbacks on a single device); the results are unchanged",
                           ", ".join(names) or "host callbacks")


def data_parallel(sess, devices=None, batch_feeds=None):
    """Switches `sess` to data-parallel runs over `devices` (default: all of jax.devices()).

    Args:
      sess: a tf.Session (its graph, variables already initialised or not).
      devices: the devices of the 1-D mesh; None for every device JAX sees.
      batch_feeds: None to split every numeric feed whose leading dimension is
        divisible by the device count (others are replicated), or a list of
        Tensors / tensor names to split (each must be fed a batch divisible by
        the device count, else InvalidArgumentError); other feeds are replicated.

    Returns `sess`. Plans built before the switch are dropped (they are rebuilt
    with shardings on the next run); variable values already in the session
    are moved onto the mesh, replicated.
    """
    config = DataParallelConfig(devices, batch_feeds, sess.graph)
    with sess._lock:
        if sess._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        sess._state = ReplicatedState(config, sess._state)
        sess._plan_factory = lambda *args: ShardedPlan(config, *args)
        sess._plans = {}
        sess._runners = {}
        sess._data_parallel = config
    return sess


def mesh_of(sess):
    """The data-parallel config of `sess` (its `.mesh`, `.devices`), or None for a plain session."""
    return getattr(sess, "_data_parallel", None)


def _session_class():
    from compat_tf._src.runtime.session import Session
    return Session


class DataParallelSession(_session_class()):
    """A tf.Session in data-parallel mode from the start: `data_parallel(Session(...), devices, batch_feeds)`."""

    def __init__(self, target="", graph=None, config=None, devices=None, batch_feeds=None):
        super().__init__(target, graph, config)
        data_parallel(self, devices, batch_feeds)
