"""TF 1.15's graph-building scopes from framework/ops.py: tf.init_scope, tf.container,
tf.op_scope and tf.variable_creator_scope.

- `init_scope`: in graph mode, ops built inside leave every enclosing `control_dependencies`
  block and tf.cond/while body and keep the name scope (TF's `init_scope` outside function
  graphs); while executing eagerly (or tracing a defun) it runs eagerly, as TF's.
- `container(name)`: TF1 puts stateful ops built inside into resource container `name`, which
  `Session.reset` can clear. compat_tf's resources belong to their Session, so the name is only
  recorded (`Graph._container`); it does not change values.
- `op_scope(values, name, default_name)`: the deprecated spelling of
  `name_scope(name, default_name, values)`.
- `variable_creator_scope(creator)`: every `tf.Variable` built inside (tf.get_variable's too)
  is made by `creator(next_creator, **kwargs)`, innermost scope first, with the keyword
  arguments of TF 1.15's `_variable_v1_call`; the last `next_creator` builds the variable.
  Graph mode only (NotImplementedError while executing eagerly).
"""
import contextlib
import threading

from compat_tf._src.framework import graph as _graph

__all__ = ["container", "init_scope", "op_scope", "variable_creator_scope"]


@contextlib.contextmanager
def init_scope():
    """tf.init_scope (see the module docstring)."""
    if _graph._eager_graph is not None:
        from compat_tf._src.eager import capture
        with capture.init_scope():
            yield
        return
    g = _graph.get_default_graph()
    with g.control_dependencies(None):
        yield


def container(container_name):
    """tf.container: the default graph's Graph.container (records the name, see above)."""
    return _graph.get_default_graph().container(container_name)


def op_scope(values, name, default_name=None):
    """tf.op_scope (deprecated TF1): `name_scope(name, default_name, values)`."""
    return _graph.name_scope(name, default_name=default_name, values=values)


# -- variable creators -------------------------------------------------------------------------

_local = threading.local()

_CREATOR_ARGS = ("initial_value", "trainable", "collections", "validate_shape", "caching_device", "name",
                 "variable_def", "dtype", "expected_shape", "import_scope", "constraint", "use_resource",
                 "synchronization", "aggregation", "shape")


def _creator_stack(graph=None):
    g = graph or _graph.get_default_graph()
    stacks = getattr(_local, "stacks", None)
    if stacks is None:
        stacks = _local.stacks = {}
    return stacks.setdefault(id(g), (g, []))[1]


def _suppressed():
    return getattr(_local, "suppress", 0) > 0


@contextlib.contextmanager
def variable_creator_scope(variable_creator):
    """tf.variable_creator_scope (see the module docstring)."""
    if not callable(variable_creator):
        raise TypeError(f"variable_creator must be callable, got {variable_creator!r}")
    if _graph._eager_graph is not None:
        raise NotImplementedError("tf.variable_creator_scope while executing eagerly is not supported by compat_tf "
                                  "(graph mode only)")
    stack = _creator_stack()
    stack.append(variable_creator)
    try:
        yield
    finally:
        stack.remove(variable_creator)


def active_creators():
    """The creators in effect for a tf.Variable built now (empty inside the default creator)."""
    if _suppressed():
        return []
    return list(_creator_stack())


def create_with_creators(variable_cls, creators, args, kwargs):
    """Builds `variable_cls(*args, **kwargs)` through `creators` (outermost first)."""
    call = dict(zip(_CREATOR_ARGS, args))
    call.update(kwargs)
    call = {k: call.get(k) for k in _CREATOR_ARGS}

    def default_creator(next_creator=None, **kw):
        _local.suppress = getattr(_local, "suppress", 0) + 1
        try:
            return variable_cls(**kw)
        finally:
            _local.suppress -= 1

    getter = default_creator
    for creator in creators:
        getter = (lambda c, nxt: lambda **kw: c(nxt, **kw))(creator, getter)
    return getter(**call)
