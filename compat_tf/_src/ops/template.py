"""tf.make_template: TF 1.15's variable-sharing templates (tensorflow/python/ops/template.py).

A Template wraps `func`: its first call runs `func` in a new variable scope (`name_`, made
unique like a `default_name` scope, or `unique_name_` as given) and creates the variables;
later calls re-enter that scope with reuse=True, so `tf.get_variable` returns the same
variables and a trainable variable created by a later call (a `tf.Variable` where
`tf.get_variable` was meant) raises ValueError. With `create_scope_now_=True` the variable
scope is captured when the template is made (no name scope is opened then); every call then
opens a fresh name scope, so ops get "name/", "name_1/", ... while variables stay under "name/".
`variables`, `trainable_variables`, `global_variables`, ... list the variables in the
template's scope once it has been called. An exception raised by `func` gets the template's
definition site appended to its message, as TF's.

Deviation: in eager mode TF 1.15 builds an EagerTemplate (own variable store);
compat_tf raises NotImplementedError there.
"""
import functools
import traceback

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.platform import tf_logging as _logging

__all__ = ["make_template"]


def make_template(name_, func_, create_scope_now_=False, unique_name_=None, custom_getter_=None, **kwargs):
    """tf.make_template: `func_` (with `kwargs` bound) as a Template sharing its variables across calls."""
    if _graph._eager_graph is not None and not _graph._default_graph_state.stack:
        raise NotImplementedError("tf.make_template in eager mode (TF 1.15's EagerTemplate) is not supported "
                                  "by compat_tf; build the graph in graph mode")
    if kwargs:
        func_ = functools.wraps(func_)(functools.partial(func_, **kwargs))
    return Template(name_, func_, create_scope_now=create_scope_now_, unique_name=unique_name_,
                    custom_getter=custom_getter_)


def _unique_variable_scope(prefix):
    """TF's variable_scope._get_unique_variable_scope: `prefix`, or `prefix_N` if already opened."""
    store = _vs._store()
    current = _vs.get_variable_scope().name
    name = current + "/" + prefix if current else prefix
    if store.variable_scope_count(name) == 0:
        return prefix
    idx = 1
    while store.variable_scope_count(f"{name}_{idx}") > 0:
        idx += 1
    return f"{prefix}_{idx}"


def _skip_common_stack_elements(stacktrace, base_case):
    for i, (trace, base) in enumerate(zip(stacktrace, base_case)):
        if trace != base:
            return stacktrace[i:]
    return stacktrace[-1:]


class Template:
    """TF 1.15's Template (see the module docstring)."""

    def __init__(self, name, func, create_scope_now=False, unique_name=None, custom_getter=None,
                 create_graph_function=False):
        if create_graph_function:
            raise NotImplementedError("tf.make_template(create_graph_function=True) is not supported by compat_tf")
        self._func = func
        self._stacktrace = traceback.format_stack()[:-2]
        self._name = name
        self._unique_name = unique_name
        self._custom_getter = custom_getter
        if name is None:
            raise ValueError("name cannot be None.")
        if create_scope_now:
            # TF's _pure_variable_scope: the variable scope alone, no name scope
            with _vs.variable_scope(self._unique_name or _unique_variable_scope(self._name),
                                    custom_getter=self._custom_getter, auxiliary_name_scope=False) as vs:
                self._variable_scope = vs
        else:
            self._variable_scope = None
        self._variables_created = False
        self._first_call = True

    def _call_func(self, args, kwargs):
        try:
            if self._variables_created:
                g = _graph.get_default_graph()
                vars_at_start = len(g.get_collection_ref(GraphKeys.GLOBAL_VARIABLES))
                trainable_at_start = len(g.get_collection_ref(GraphKeys.TRAINABLE_VARIABLES))
                result = self._func(*args, **kwargs)
                trainable = g.get_collection_ref(GraphKeys.TRAINABLE_VARIABLES)
                if trainable_at_start != len(trainable):
                    raise ValueError("Trainable variable created when calling a template after the first time, "
                                     "perhaps you used tf.Variable when you meant tf.get_variable: "
                                     f"{trainable[trainable_at_start:]}")
                variables = g.get_collection_ref(GraphKeys.GLOBAL_VARIABLES)
                if vars_at_start != len(variables):
                    _logging.info("New variables created when calling a template after the first time, perhaps "
                                  "you used tf.Variable when you meant tf.get_variable: %s",
                                  variables[vars_at_start:])
            elif self._first_call:
                self._first_call = False
                try:
                    result = self._func(*args, **kwargs)
                except BaseException:
                    self._first_call = True
                    raise
                self._variables_created = True
            else:   # called from another thread while the first call runs
                result = self._func(*args, **kwargs)
            return result
        except Exception as exc:
            arg0 = exc.args[0] if exc.args else ""
            trace = "".join(_skip_common_stack_elements(self._stacktrace, traceback.format_stack()))
            exc.args = (f"{arg0}\n\noriginally defined at:\n{trace}",) + tuple(exc.args[1:])
            raise

    def __call__(self, *args, **kwargs):
        if self._variable_scope:
            with _vs.variable_scope(self._variable_scope, reuse=not self._first_call):
                return self._call_func(args, kwargs)
        with _vs.variable_scope(self._unique_name, self._name, custom_getter=self._custom_getter) as vs:
            self._variable_scope = vs
            return self._call_func(args, kwargs)

    name = property(lambda self: self._name, doc="The name given to this Template.")
    func = property(lambda self: self._func, doc="The func given to this Template.")
    variable_scope = property(lambda self: self._variable_scope, doc="The variable scope this Template made.")
    var_scope = variable_scope

    @property
    def variable_scope_name(self):
        """The variable scope's name with a trailing '/' (None before the scope exists)."""
        if self._variable_scope:
            name = self._variable_scope.name
            return name if not name or name[-1] == "/" else name + "/"
        return None

    def _collection(self, key):
        if not self._variables_created:
            return []
        return _graph.get_collection(key, self.variable_scope_name)

    @property
    def global_variables(self):
        return self._collection(GraphKeys.GLOBAL_VARIABLES)

    @property
    def local_variables(self):
        return self._collection(GraphKeys.LOCAL_VARIABLES)

    @property
    def trainable_variables(self):
        return self._collection(GraphKeys.TRAINABLE_VARIABLES)

    @property
    def variables(self):
        return self.global_variables + self.local_variables

    @property
    def non_trainable_variables(self):
        trainable = set(self.trainable_variables)
        return [v for v in self.global_variables if v not in trainable]

    weights = variables
    trainable_weights = trainable_variables
    non_trainable_weights = non_trainable_variables
