"""A Session over a graph built while executing eagerly (a defun trace, Keras' graph).

Such a graph reaches eager variables through VariableV2 ops named by the variables' unique ids
(capture.py); `EagerStateSession.run` loads their current values from the eager store into the
session state before the run and writes back the ones the run assigned, so graph code (a traced
training step, Keras' compiled train function) and eager code share the variables.
"""
from compat_tf._src.eager import capture
from compat_tf._src.eager import variables as _variables
from compat_tf._src.runtime.session import Session


class EagerStateSession(Session):
    """tf.Session whose variable state is the eager store's (see the module docstring)."""

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        pairs = [(ref.op.name, var._unique_id) for ref, var in capture.captured_variables(self.graph)]
        before = {}
        for key, uid in pairs:
            value = _variables.STATE.get(uid)
            if value is not None:
                before[key] = value
        self._commit(before)
        try:
            return super().run(fetches, feed_dict, options, run_metadata)
        finally:
            state = self._state
            for key, uid in pairs:
                new = state.get(key)
                if new is not None and new is not before.get(key) and uid in _variables.STATE:
                    _variables.STATE[uid] = new


class EagerVariablesState:
    """What tf.train.Saver needs of a session (`_state`, `_lock`, `graph`, `_closed`) for eager
    variables: `Saver.save(None, path)` / `restore(None, path)` while executing eagerly (TF 1.15).
    `saveables` are the Saver's entries; their state keys map to the variables' eager values."""

    def __init__(self, saveables):
        import threading
        from compat_tf._src.framework import graph as _graph
        self._uids = {s.key: s.var._unique_id for s in saveables if getattr(s.var, "_unique_id", None)}
        self._lock = threading.RLock()
        self._closed = False
        self.graph = _graph.get_default_graph()
        self._state = _StateView(self._uids)


class _StateView:
    def __init__(self, uids):
        self._uids = uids

    def get(self, key, default=None):
        uid = self._uids.get(key)
        return _variables.STATE.get(uid, default) if uid is not None else default

    def __getitem__(self, key):
        return _variables.STATE[self._uids[key]]

    def update(self, values):
        for k, v in values.items():
            _variables.STATE[self._uids[k]] = v
