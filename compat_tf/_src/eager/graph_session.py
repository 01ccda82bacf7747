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
