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

from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import Operation, Tensor
from compat_tf._src.runtime import fetches as _fetches
from compat_tf._src.runtime import plan as _plan


class _DefaultSessionStack(threading.local):
    def __init__(self):
        super().__init__()
        self.stack = []


_default_sessions = _DefaultSessionStack()


def get_default_session():
    return _default_sessions.stack[-1] if _default_sessions.stack else None


class BaseSession:
    def __init__(self, target="", graph=None, config=None):
        self._graph = graph if graph is not None else _graph.get_default_graph()
        self._target = target
        self._config = config
        self._closed = False
        self._state = {}
        self._lock = threading.RLock()
        self._plans = {}
        self._rng_counter = 0
        self._default_ctx = None

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
            return np.uint32(self._rng_counter)

    def _variable_value(self, key):
        return self._state.get(key)

    # -- run --------------------------------------------------------------------
    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self._closed:
            raise RuntimeError("Attempted to use a closed Session.")
        mapper = _fetches.FetchMapper(self._graph, fetches)
        feed_tensors, feed_values = _fetches.prepare_feeds(self._graph, feed_dict)
        fetch_tensors = mapper.unique_tensors
        targets = mapper.unique_ops
        key = (tuple(fetch_tensors), tuple(targets), tuple(feed_tensors))
        plan = self._plans.get(key)
        if plan is None:
            with self._lock:
                plan = self._plans.get(key)
                if plan is None:
                    plan = _plan.Plan(self._graph, fetch_tensors, targets, feed_tensors)
                    self._plans[key] = plan
        values = plan.run(self, feed_values)
        return mapper.build([_fetches.to_numpy(v, t) for v, t in zip(values, fetch_tensors)])

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
    """TF1's tf.Session (the target and config are accepted and ignored)."""


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
