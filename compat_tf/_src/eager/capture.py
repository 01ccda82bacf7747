"""Eager values inside graphs built while eager mode is on (tfe.defun traces, Keras' symbolic graph).

TF 1.15 builds such graphs as FuncGraphs that *capture* what they use from the eager world.
compat_tf does the same through `Graph.create_op`, which hands an input from outside the
graph to its `_capture_into`:
- an eager tensor (immutable) becomes a constant of the graph, or, when it is large and the
  graph is run by a defun, a Placeholder recorded in `graph._eager_captures` with the value
  to feed at each call;
- an eager variable (its handle, or one of its reads) becomes a VariableV2 op of the graph
  whose state key is that op's name (recorded in `graph._eager_variables`); a read is an
  Identity of it, read when it runs. A graph run by a defun takes those variables' values
  from the eager store and writes back what it assigned, so reads, `assign*`, optimizer
  updates and `tf.gradients` with respect to a captured variable work as in any TF1 graph.

`init_scope()` is TF's init_scope: variables created while tracing are made eagerly (the
initializer runs now, outside the graph), under the name scope the graph had, so a Keras
layer built inside a traced function gets "dense/kernel:0" and an eager variable.
"""
import contextlib

from compat_tf._src.framework import graph as _graph
from compat_tf._src.runtime.lowering import VarRef


_MAX_CONST_CAPTURE = 1 << 12     # elements: bigger captured tensors are fed, not embedded


def lifts_variables(graph):
    """Whether tf.Variable inside `graph` makes an eager variable (defun traces, Keras' eager graph)."""
    return getattr(graph, "_lifts_variables", False)


@contextlib.contextmanager
def init_scope():
    """Runs eagerly inside, keeping the current name scope (TF's ops.init_scope while eager)."""
    from compat_tf._src.eager import tape
    stack = _graph._default_graph_state.stack
    scope = stack[-1].get_name_scope() if stack else None
    saved = list(stack)
    del stack[:]
    eager = _graph._eager_graph
    try:
        with tape.stop_all_recording():
            if scope is not None and eager is not None:
                saved_scope = eager._name_stack
                eager._name_stack = scope
                try:
                    yield
                finally:
                    eager._name_stack = saved_scope
            else:
                yield
    finally:
        stack[:] = saved


def _root(graph):
    """Outside control dependencies and cond/while bodies, at the root name scope."""
    return _Root(graph)


class _Root:
    def __init__(self, graph):
        self._graph = graph

    def __enter__(self):
        g = self._graph
        self._saved = (g._control_stack, g._function_stack, g._name_stack)
        g._control_stack, g._function_stack, g._name_stack = [], [], ""

    def __exit__(self, *exc):
        g = self._graph
        g._control_stack, g._function_stack, g._name_stack = self._saved
        return False


def variable_ref(graph, var):
    """The ref tensor standing for eager variable `var` in `graph` (one VariableV2 op per graph)."""
    refs = graph.__dict__.setdefault("_eager_variables", {})
    hit = refs.get(var._unique_id)
    if hit is not None:
        return hit[0]
    from compat_tf._src.ops import state_ops
    with _root(graph):
        ref = state_ops.variable_op_v2(var.shape, var.dtype, name=var._unique_id)
    refs[var._unique_id] = (ref, var)
    return ref


def variable_read(graph, var):
    """A read of eager variable `var` in `graph` (an Identity of its ref, read when it runs)."""
    from compat_tf._src.ops import control_flow_ops
    return control_flow_ops.identity(variable_ref(graph, var), name="ReadVariableOp")


def capture_tensor(graph, t):
    """`graph`'s stand-in for eager tensor `t` (see the module docstring)."""
    var = getattr(t._op, "_eager_variable", None) if t._op is not None else None
    if var is not None:
        var = var()
    if var is not None:
        return variable_ref(graph, var) if type(t._value) is VarRef else variable_read(graph, var)
    if type(t._value) is VarRef:
        raise ValueError("A reference to an eager variable that no longer exists cannot be used in a graph.")
    caps = graph.__dict__.setdefault("_eager_captures", {})
    hit = caps.get(id(t))
    if hit is not None and hit[1] is t:
        return hit[0]
    from compat_tf._src.ops import constant
    with _root(graph), graph.as_default():
        if getattr(graph, "_captures_by_value", False) or t.shape.num_elements() <= _MAX_CONST_CAPTURE:
            # an eager tensor never changes: its value is a constant of the graph
            ph = constant.constant(t.numpy(), dtype=t.dtype.base_dtype, name="captured_input")
        else:
            ph = constant.placeholder(t.dtype.base_dtype, t.shape, name="captured_input")
    caps[id(t)] = (ph, t)
    return ph


def captures(graph):
    """[(placeholder, eager tensor)] captured by value into `graph`."""
    return list(graph.__dict__.get("_eager_captures", {}).values())


def captured_variables(graph):
    """[(ref tensor, eager variable)] captured into `graph`."""
    return list(graph.__dict__.get("_eager_variables", {}).values())
