"""tf.contrib.eager.EagerVariableStore (TF 1.15's variable_scope.EagerVariableStore).

While executing eagerly `tf.get_variable` makes a new variable each call (nothing is stored);
inside `with store.as_default():` it uses this store instead, which keeps them, so the same name
gives the same variable (eager scopes are AUTO_REUSE). `variables()`, `trainable_variables()`,
`non_trainable_variables()` list them by name; `copy()` makes a store of copies.
"""
import contextlib

from compat_tf._src.framework import graph as _graph


class EagerVariableStore:
    """A store of the variables tf.get_variable makes inside `as_default()`."""

    def __init__(self, store=None):
        from compat_tf._src.ops import variable_scope
        self._store = store if store is not None else variable_scope._VariableStore()
        self._store._store_eager_variables = True

    @contextlib.contextmanager
    def as_default(self):
        g = _graph.get_default_graph()
        saved = g._variable_store
        g._variable_store = self._store
        try:
            yield
        finally:
            g._variable_store = saved

    def variables(self):
        return sorted(self._store._vars.values(), key=lambda v: v.name)

    def trainable_variables(self):
        return [v for v in self.variables() if v.trainable]

    def non_trainable_variables(self):
        return [v for v in self.variables() if not v.trainable]

    def copy(self):
        """A new store holding copies of these variables (same names and values)."""
        from compat_tf._src.eager import capture
        from compat_tf._src.ops import variable_scope, variables
        new = variable_scope._VariableStore()
        with capture.init_scope():
            for key, var in self._store._vars.items():
                stripped = var.name[:var.name.index(":")] if ":" in var.name else var.name
                with _graph.get_default_graph().name_scope(None):
                    new._vars[key] = variables.Variable(var.read_value(), name=stripped, trainable=var.trainable)
        return EagerVariableStore(store=new)
