"""tf.Session and tf.InteractiveSession.

Mirrors TF1's client session: `run(fetches, feed_dict, options, run_metadata)`
with fetches nested in lists, tuples, dicts and namedtuples (Operations give
None), any tensor feedable, `Tensor.eval` / `Operation.run` through the
default session, and the context-manager protocol.

Each distinct (fetches, feeds, targets) signature is planned once
(`plan.Plan`) and its segments jitted once; variable values stay on the
device between runs in `self._state`. Runs may be issued from several
threads: the state is read and committed under a lock, and a run whose
plan blocks on host work (queues) does not hold the lock while it waits.
A run that fails before its device step leaves every variable unchanged.
"""
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import Operation, Tensor
from compat_tf._src.runtime import deadline as _deadline
from compat_tf._src.runtime import fetches as _fetches
from compat_tf._src.parallel import towers as _towers


class _DefaultSessionStack(threading.local):
    def __init__(self):
        super().__init__()
        self.stack = []


_default_sessions = _DefaultSessionStack()


def get_default_session():
    return _default_sessions.stack[-1] if _default_sessions.stack else None


class BaseSession:
    def __init__(self, target="", graph=None, config=None):
        self._graph = graph if graph is not None else _graph.get_default_graph_for_session()
        self._target = target
        self._config = config
        self._closed = False
        self._state = {}
        self._lock = threading.RLock()
        self._plans = {}
        self._runners = {}
        self._rng_counter = 0
        self._default_ctx = None
        self._timeout = _deadline.run_timeout_seconds(None, config)   # ConfigProto.operation_timeout_in_ms
        # builds a run's Plan (tf.device towers placed on devices when JAX sees several);
        # compat_tf.parallel.data_parallel swaps in a sharded one
        self._plan_factory = _towers.plan_factory
        self._cluster = None
        if target:      # a tf.train.Server's target: a worker of a cluster (compat_tf/_src/parallel)
            from compat_tf._src.parallel import cluster_session
            cluster_session.connect(self, target, config)

    @property
    def graph(self):
        return self._graph

    @property
    def graph_def(self):
        return self._graph.as_graph_def()

    @property
    def sess_str(self):
        return self._target

    # -- state ----------------------------------------------------------------
    def _commit(self, updates):
        if updates:
            with self._lock:
                self._state.update(updates)

    def _next_rng_counter(self):
        with self._lock:
            self._rng_counter += 1
            return np.uint32(self._rng_counter & 0xFFFFFFFF)

    def _variable_value(self, key):
        return self._state.get(key)

    # -- run --------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        if run_metadata is not None and options is not None:      # RunOptions(trace_level=...): step stats
            from compat_tf._src.runtime import tracing
            if tracing.wants_trace(options):
                return self._with_timeout(options, tracing.run_session_traced, self, fetches, feed_dict,
                                          run_metadata)
        if options is not None or self._timeout is not None:
            return self._with_timeout(options, self._run, fetches, feed_dict)
        return self._run(fetches, feed_dict)

    def _with_timeout(self, options, fn, *args):
        timeout = _deadline.run_timeout_seconds(options, self._config)
        if timeout is None:
            return fn(*args)
        with _deadline.limit(timeout):
            return fn(*args)

    def _run(self, fetches, feed_dict):
        # Steady state: the fetch structure and the feed keys find a cached _Runner,
        # with the fetch mapping, the feed converters and the plan all precomputed.
        try:
            if type(fetches) in _LEAF_TYPES:
                key = (fetches, tuple(feed_dict) if feed_dict else ())
            else:
                key = (_structure_key(fetches), tuple(feed_dict) if feed_dict else ())
            runner = self._runners.get(key)
        except TypeError:            # an unhashable fetch: always the full path (and its error)
            key = runner = None
        if runner is not None:
            return runner.run(self, feed_dict)
        runner = _Runner(self._graph, fetches, feed_dict)
        feed_values = runner.convert_feeds(feed_dict)
        runner.plan = self._plan_for(runner.mapper.unique_tensors, runner.mapper.unique_ops,
                                     runner.feed_tensors)
        if key is not None:
            self._runners[key] = runner
        return runner.finish(self, feed_values)

    def _plan_for(self, fetch_tensors, targets, feed_tensors):
        key = (tuple(fetch_tensors), tuple(targets), tuple(feed_tensors))
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key)
                if plan is None:
                    plan = self._plan_factory(self._graph, fetch_tensors, targets, feed_tensors)
                    self._plans[key] = plan
        return plan

    def partial_run_setup(self, fetches, feeds=None):
        raise NotImplementedError("tf.Session.partial_run_setup is not supported by compat_tf")

    def partial_run(self, handle, fetches, feed_dict=None):
        raise NotImplementedError("tf.Session.partial_run is not supported by compat_tf")

    def make_callable(self, fetches, feed_list=None, accept_options=False):
        """TF1's Session.make_callable: a function of the feed values in `feed_list` order."""
        feed_list = list(feed_list or [])

        def call(*args, **kwargs):
            if len(args) != len(feed_list):
                raise ValueError(f"expected {len(feed_list)} feed values, got {len(args)}")
            return self.run(fetches, feed_dict=dict(zip(feed_list, args)))
        return call

    def list_devices(self):
        import jax
        return [d for d in jax.devices()]

    # -- lifecycle ----------------------------------------------------------------
    def close(self):
        from compat_tf._src.runtime import resources
        self._closed = True
        resources.close_all(self)
        self._state = {}
        self._plans = {}
        self._runners = {}

    def as_default(self):
        return _SessionContext(self)

    def __enter__(self):
        if self._default_ctx is None:
            self._default_ctx = [self.as_default(), self._graph.as_default()]
            for c in self._default_ctx:
                c.__enter__()
        return self

    def __exit__(self, exc_type, exc, tb):
        if self._default_ctx is not None:
            for c in reversed(self._default_ctx):
                c.__exit__(exc_type, exc, tb)
            self._default_ctx = None
        self.close()
        return False

    def __del__(self):
        pass

    @staticmethod
    def reset(target, containers=None, config=None):
        pass


class _StructureMarker:
    """Tags the containers in a fetch-structure key (no fetch can contain one)."""


_SEQ, _MAP, _NT = _StructureMarker(), _StructureMarker(), _StructureMarker()
_LEAF_TYPES = (Tensor, Operation, str)


def _structure_key(fetches):
    """A hashable key of a fetch structure: equal keys flatten to the same fetches.

    Leaves (Tensors, Operations, Variables, names) stand for themselves; they
    compare by identity or by value (names), and the graph never renames or
    removes an element, so a key resolves to the same tensors forever.
    TypeError for an unhashable leaf.
    """
    t = type(fetches)
    if t is list or t is tuple:
        return (_SEQ, t, tuple(_structure_key(f) for f in fetches))
    if isinstance(fetches, dict):
        return (_MAP, t, getattr(fetches, "default_factory", None),
                tuple((k, _structure_key(v)) for k, v in fetches.items()))
    if isinstance(fetches, tuple) and hasattr(fetches, "_fields"):
        return (_NT, t, tuple(_structure_key(f) for f in fetches))
    if isinstance(fetches, (list, tuple)):
        return (_SEQ, t, tuple(_structure_key(f) for f in fetches))
    hash(fetches)
    return fetches


class _Runner:
    """One run signature of a session, everything about it that does not depend on values.

    Built on the first `run` with a fetch structure and a set of feed keys:
    the FetchMapper, the feed tensors with a converter per feed (in the
    feed_dict's key order) and their permutation into the plan's feed order,
    a converter per fetch, and the Plan. Later runs with the same structure
    only convert the fed values (once each) and call the plan.
    """

    def __init__(self, graph, fetches, feed_dict):
        self.mapper = _fetches.FetchMapper(graph, fetches)
        self.graph = graph
        self.plan = None
        tensors = []
        self.general_feeds = False
        for key in (feed_dict or ()):
            try:
                t = _fetches._feed_key(graph, key)
            except TypeError:
                if isinstance(key, (Tensor, str, bytes)):
                    raise
                # a key that stands for several tensors (a SparseTensor): the general path
                self.general_feeds = True
                break
            tensors.append(t)
        if self.general_feeds:
            self.feed_tensors, _ = _fetches.prepare_feeds(graph, feed_dict)
            self.feed_convs = self.feed_order = None
        else:
            self.feed_order = sorted(range(len(tensors)),
                                     key=lambda i: (tensors[i].op._id, tensors[i].value_index))
            self.feed_tensors = [tensors[i] for i in self.feed_order]
            self.feed_convs = [_feed_converter(t) for t in tensors]
        self.fetch_convs = [_fetch_converter(t) for t in self.mapper.unique_tensors]
        self.kind = self.mapper._structure[0]     # "tensor" / "op": a single fetch, no structure
        self.plan_run = None

    def convert_feeds(self, feed_dict):
        if not feed_dict:
            return []
        if self.general_feeds:
            return _fetches.prepare_feeds(self.graph, feed_dict)[1]
        values = list(feed_dict.values())
        convs = self.feed_convs
        return [convs[i](values[i]) for i in self.feed_order]

    def finish(self, session, feed_values):
        plan = self.plan
        self.plan_run = plan._run_fast if plan._fast is not None else plan.run
        return self._fetched(self.plan_run(session, feed_values))

    def _fetched(self, values):
        kind = self.kind
        if kind == "tensor":
            return self.fetch_convs[0](values[0])
        if kind == "op":
            return None
        return self.mapper.build([conv(v) for conv, v in zip(self.fetch_convs, values)])

    def run(self, session, feed_dict):
        if feed_dict:
            if self.general_feeds:
                feed_values = _fetches.prepare_feeds(self.graph, feed_dict)[1]
            else:
                values = list(feed_dict.values())
                convs = self.feed_convs
                feed_values = [convs[i](values[i]) for i in self.feed_order]
        else:
            feed_values = ()
        if self.kind == "tensor":            # one fetched tensor (the common case): no structure
            return self.fetch_convs[0](self.plan_run(session, feed_values)[0])
        return self._fetched(self.plan_run(session, feed_values))


def _feed_converter(tensor):
    """convert_feed_value for one tensor, with a no-copy fast path for an ndarray of its dtype."""
    if tensor.dtype.base_dtype == _dtypes.string:
        return lambda value: _fetches.convert_feed_value(tensor, value)
    np_dtype = np.dtype(tensor.dtype.base_dtype.as_numpy_dtype)
    shape = tensor.shape
    dims = None if shape.ndims is None else tuple(shape.as_list())

    scalar_ok = dims is None or dims == ()
    scalar_type = np_dtype.type

    def convert(value):
        t = type(value)
        if t is np.ndarray and value.dtype == np_dtype:
            vs = value.shape
            if dims is None or (len(vs) == len(dims) and all(
                    d is None or d == n for d, n in zip(dims, vs))):
                return value
        elif t is scalar_type and scalar_ok:      # a NumPy scalar of the dtype: as it is
            return value
        return _fetches.convert_feed_value(tensor, value)
    return convert


def _fetch_converter(tensor):
    """to_numpy for one tensor: a writable ndarray of the TF dtype, a NumPy scalar for 0-d."""
    if tensor.dtype.base_dtype == _dtypes.string:
        return lambda value: _fetches.to_numpy(value, tensor)
    np_dtype = np.dtype(tensor.dtype.base_dtype.as_numpy_dtype)
    # statically a scalar (a TensorShape of rank 0; some fetchables' shapes are lists): a NumPy
    # scalar, no copy needed
    scalar = getattr(tensor.shape, "ndims", None) == 0

    def convert(value):
        if value is None:
            return None
        if scalar:
            return np.asarray(value, np_dtype)[()]
        if getattr(value, "ndim", None) == 0 and value.dtype == np_dtype:
            return np.asarray(value)[()]
        arr = np.array(value, dtype=np_dtype)       # a copy: the caller's own, writable
        return arr[()] if arr.ndim == 0 else arr
    return convert


class _SessionContext:
    def __init__(self, session):
        self._session = session

    def __enter__(self):
        _default_sessions.stack.append(self._session)
        return self._session

    def __exit__(self, *exc):
        stack = _default_sessions.stack
        if stack and stack[-1] is self._session:
            stack.pop()
        elif self._session in stack:
            stack.remove(self._session)
        return False


class Session(BaseSession):
    """TF1's tf.Session. `target`: "" (this process) or a tf.train.Server's target (a cluster worker,
    see compat_tf/_src/parallel/cluster_session.py); `config` is accepted, its settings mostly ignored."""


class InteractiveSession(BaseSession):
    """A Session that installs itself as the default session on construction."""

    def __init__(self, target="", graph=None, config=None):
        super().__init__(target, graph, config)
        _default_sessions.stack.append(self)
        # like TF1, the session's graph becomes the default graph until close()
        self._graph_ctx = self._graph.as_default()
        self._graph_ctx.__enter__()

    def close(self):
        super().close()
        if self in _default_sessions.stack:
            _default_sessions.stack.remove(self)
        if self._graph_ctx is not None:
            ctx, self._graph_ctx = self._graph_ctx, None
            try:
                ctx.__exit__(None, None, None)
            except (IndexError, RuntimeError):
                pass


def eval_in_session(element, feed_dict=None, session=None):
    """Tensor.eval / Operation.run: runs in `session` or the default session."""
    is_tensor = isinstance(element, Tensor)
    if session is None:
        session = get_default_session()
        if session is None:
            if is_tensor:
                raise ValueError("Cannot evaluate tensor using `eval()`: No default session is registered. "
                                 "Use `with sess.as_default()` or pass an explicit session to "
                                 "`eval(session=sess)`")
            raise ValueError("Cannot execute operation using `run()`: No default session is registered. "
                             "Use `with sess.as_default():` or pass an explicit session to "
                             "`run(session=sess)`")
    if element.graph is not session.graph:
        if is_tensor:
            raise ValueError("Cannot use the given session to evaluate tensor: the tensor's graph is "
                             "different from the session's graph.")
        raise ValueError("Cannot use the given session to execute operation: the operation's graph is "
                         "different from the session's graph.")
    out = session.run(element, feed_dict)
    return None if isinstance(element, Operation) else out


__all__ = ["Session", "InteractiveSession", "get_default_session", "errors"]
