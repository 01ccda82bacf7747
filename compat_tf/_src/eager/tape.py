"""tf.GradientTape: recording eager ops and differentiating them with jax.vjp over their lowerings.

A tape, while its `with` block is open, records every eagerly run op one of whose inputs it
watches (a watched tensor, a read of a watched variable, or an output of an op it recorded);
with `watch_accessed_variables` (the default) it watches each trainable variable read inside
the block. The recorded ops are real Operations with their inputs, so `gradient` is
tf.gradients over them: one `Gradients` op (ops/gradients_impl.py) whose inputs are the
sources (each read of a source variable is one), the values the recorded ops took from
outside, and the output gradients; its lowering replays the recorded lowerings under
jax.vjp. That op runs eagerly like any other, so a tape open around another tape's
`gradient` call records it and differentiates it again (second order through nested vjp).

Speed: the Gradients op of a training step has the same structure every step, so its kernel
is cached by that structure (gradient_kernels.py): NumPy for the first steps, then one
compiled XLA program for the whole backward pass.

TF 1.15 semantics kept: a non-persistent tape allows one `gradient` call (RuntimeError on
the second), targets are summed, nested structures of targets and sources, `None` for a
source with no path (or zeros with `unconnected_gradients='zero'`), the gradient with
respect to a variable sums over all its reads, integer tensors carry no gradient,
`stop_recording()` pauses a recording tape (RuntimeError if it is not recording),
re-entering a recording tape raises ValueError, variables are created without recording
their initialisers (TF's init_scope).
Deviations: gradients are dense tensors (TF gives IndexedSlices for gathers).
"""
import contextlib

import jax

from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import gradients_impl

# the tapes recording now, innermost last
ACTIVE = []


def record(op):
    """Records `op` on each active tape that watches one of its inputs; True if one did."""
    recorded = False
    for t in ACTIVE:
        watched = t._watched
        for i in op._inputs:
            if i in watched:
                t._ops.append(op)
                for o in op._outputs:
                    if _floating(o):
                        watched.add(o)
                recorded = True
                break
    return recorded


def variable_read(var, tensor):
    """A read of `var` produced `tensor`: tapes watching `var` (or auto-watching it) record it."""
    for t in ACTIVE:
        if var not in t._variables:
            if not (t._watch_accessed and var.trainable):
                continue
            t._variables[var] = []
        t._variables[var].append(tensor)
        t._watched.add(tensor)


@contextlib.contextmanager
def stop_all_recording():
    """No tape records inside (TF's init_scope around variable creation)."""
    saved = list(ACTIVE)
    del ACTIVE[:]
    try:
        yield
    finally:
        ACTIVE[:] = saved


def _floating(t):
    dt = t._dtype.base_dtype
    return dt.is_floating or dt.is_complex


class _TapeState:
    """What one recording holds: the recorded ops, the watched tensors, watched variables' reads."""

    def __init__(self):
        self.ops = []
        self.watched = set()
        self.variables = {}     # variable -> [read tensors], in the order first watched


class GradientTape:
    """tf.GradientTape (TF 1.15): records operations for automatic differentiation."""

    def __init__(self, persistent=False, watch_accessed_variables=True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._state = None
        self._recording = False

    # the recording state, read by record() / variable_read() through ACTIVE
    @property
    def _ops(self):
        return self._state.ops

    @property
    def _watched(self):
        return self._state.watched

    @property
    def _variables(self):
        return self._state.variables

    def __enter__(self):
        self._push()
        return self

    def __exit__(self, typ, value, traceback):
        if self._recording:
            self._pop()

    def _push(self):
        from compat_tf._src.eager import context
        if not context.executing_eagerly():
            self._push_graph_mode()
            return
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an "
                             "already-active tape.")
        if self._state is None:
            self._state = _TapeState()
        ACTIVE.append(self)
        self._recording = True

    def _pop(self):
        if not self._recording:
            raise ValueError("Tape is not recording.")
        if self._graph is not None:
            self._pop_graph_mode()
            return
        ACTIVE.remove(self)
        self._recording = False

    # graph mode (a graph being built, e.g. a defun trace): tf.gradients does the work
    _graph = None

    def _push_graph_mode(self):
        from compat_tf._src.eager import capture
        if self._recording:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an "
                             "already-active tape.")
        if self._state is None:
            self._state = _TapeState()
        self._graph = _graph.get_default_graph()
        self._captured_before = len(capture.captured_variables(self._graph))
        self._recording = True

    def _pop_graph_mode(self):
        from compat_tf._src.eager import capture
        if self._watch_accessed:
            for _, var in capture.captured_variables(self._graph)[self._captured_before:]:
                if var.trainable:
                    self._state.variables.setdefault(var, [])
        self._recording = False

    def _graph_gradient(self, flat_targets, flat_sources, grads_in, mode):
        if self._recording and self._watch_accessed:
            self._pop_graph_mode()
            self._push_graph_mode()
        xs = [s._variable if _is_variable(s) else s for s in flat_sources]
        return gradients_impl.gradients([_target_tensor(t) for t in flat_targets], xs, grad_ys=grads_in,
                                        unconnected_gradients=mode)

    @contextlib.contextmanager
    def stop_recording(self):
        """Temporarily stops recording operations on this tape (RuntimeError if it is not recording)."""
        if not self._recording:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        self._pop()
        try:
            yield
        finally:
            self._push()

    def reset(self):
        """Clears everything recorded so far (the tape keeps recording if it was)."""
        recording = self._recording
        if recording:
            self._pop()
        self._state = None
        if recording:
            self._push()

    def watch(self, tensor):
        """Ensures `tensor` (a tensor, a variable, or a nested structure of them) is traced."""
        if self._state is None:
            self._state = _TapeState()
        for t in _flatten(tensor):
            if _is_variable(t):
                self._state.variables.setdefault(_var_key(t), [])
            elif isinstance(t, _graph.Tensor):
                self._state.watched.add(t)
            else:
                raise ValueError(f"Passed in object of type {type(t)}, not tf.Tensor")

    def watched_variables(self):
        """The variables this tape watches, in the order they were first watched."""
        return tuple(self._state.variables) if self._state is not None else ()

    def gradient(self, target, sources, output_gradients=None, unconnected_gradients="none"):
        """d(sum of targets)/d(source) for each source, in the structure of `sources`."""
        if self._state is None:
            raise RuntimeError("GradientTape.gradient can only be called once on non-persistent tapes.")
        if self._recording and not self._persistent:
            self._pop()
        mode = gradients_impl.UnconnectedGradients(getattr(unconnected_gradients, "value",
                                                           unconnected_gradients))
        flat_sources = _flatten(sources)
        flat_targets = _flatten(target)
        grads_in = None
        if output_gradients is not None:
            grads_in = _flatten(output_gradients)
            if len(grads_in) != len(flat_targets):
                raise ValueError(f"output_gradients has {len(grads_in)} elements for {len(flat_targets)} targets")
        for s in flat_sources:
            if not (_is_variable(s) or isinstance(s, _graph.Tensor)):
                raise ValueError(f"Passed in object of type {type(s)}, not tf.Tensor")
        state = self._state
        if not self._persistent:
            self._state = None
        if self._graph is not None:
            return _pack_as(sources, self._graph_gradient(flat_targets, flat_sources, grads_in, mode))
        grads = _tape_gradients(state, flat_targets, flat_sources, grads_in)
        out = []
        for s, g in zip(flat_sources, grads):
            if g is None and mode == gradients_impl.UnconnectedGradients.ZERO:
                from compat_tf._src.ops import array_ops
                g = array_ops.zeros_like(s.value() if _is_variable(s) else s)
            out.append(g)
        return _pack_as(sources, out)

    def jacobian(self, target, sources, unconnected_gradients="none", parallel_iterations=None,
                 experimental_use_pfor=True):
        raise NotImplementedError("tf.GradientTape.jacobian is not implemented by compat_tf (TensorFlow 1.15 API)")

    def batch_jacobian(self, target, source, unconnected_gradients="none", parallel_iterations=None,
                       experimental_use_pfor=True):
        raise NotImplementedError("tf.GradientTape.batch_jacobian is not implemented by compat_tf "
                                  "(TensorFlow 1.15 API)")


# --------------------------------------------------------------------------------------------
# computing gradients from a recording
# --------------------------------------------------------------------------------------------

def _is_variable(x):
    from compat_tf._src.ops import variables
    return isinstance(x, variables.Variable)


def _var_key(v):
    return v._tape_key() if hasattr(v, "_tape_key") else v


def _target_tensor(t):
    if _is_variable(t):
        return t.value()
    from compat_tf._src.ops import constant
    return constant.convert_to_tensor(t)


def _tape_gradients(state, targets, sources, grads_in):
    """One gradient (or None) per source, from `state`'s recorded ops."""
    ys = [_target_tensor(t) for t in targets]
    x_of = []            # per source: the tensors whose gradients sum to its gradient
    for s in sources:
        if _is_variable(s):
            x_of.append(list(state.variables.get(_var_key(s), ())))
        else:
            x_of.append([s] if s in state.watched else [])
    xs = []
    for group in x_of:
        for x in group:
            if x not in xs:
                xs.append(x)
    results = _gradients_of(state, ys, xs, grads_in) if xs else {}
    out = []
    for group in x_of:
        parts = [results[x] for x in group if results.get(x) is not None]
        if not parts:
            out.append(None)
        elif len(parts) == 1:
            out.append(parts[0])
        else:
            from compat_tf._src.ops import math_ops
            out.append(math_ops.add_n(parts))
    return out


def _passes(op):
    return gradients_impl._passes_gradient(op)


def _depends(op, out_index, in_index):
    """Whether output `out_index` of a recorded op depends on its input `in_index`: always, except
    for a Gradients op, whose dependences are read off its jaxpr (a gradient that is constant in x,
    the second derivative of x*x, does not depend on x: its own gradient is None, as in TF)."""
    deps = getattr(op, "_gradient_deps", None)
    return deps is None or in_index in deps[out_index]


def _gradients_of(state, ys, xs, grads_in):
    """{x: gradient tensor} for the xs connected to the ys through the recorded ops."""
    recorded = set(state.ops)
    # tensors from which a y is reachable through recorded differentiable ops
    back = set()
    stack = [y for y in ys if _floating(y)]
    while stack:
        t = stack.pop()
        if t in back:
            continue
        back.add(t)
        op = t._op
        if op in recorded and _passes(op):
            stack.extend(i for k, i in enumerate(op._inputs)
                         if _floating(i) and i not in back and _depends(op, t._value_index, k))
    consumers = {}
    for op in state.ops:
        for i in op._inputs:
            consumers.setdefault(i, []).append(op)
    x_set = set(xs)

    def forward(group):
        frontier = [x for x in group if x in back]
        reached = set(frontier)
        ops = set()
        while frontier:
            t = frontier.pop()
            for op in consumers.get(t, ()):
                if op in ops or not _passes(op):
                    continue
                pos = [k for k, i in enumerate(op._inputs) if i is t]
                outs = [o for o in op._outputs if o in back and o not in x_set
                        and any(_depends(op, o._value_index, k) for k in pos)]
                if not outs:
                    continue
                ops.add(op)
                for o in outs:
                    if o not in reached:
                        reached.add(o)
                        frontier.append(o)
        order = {id(op): k for k, op in enumerate(state.ops)}
        return sorted(ops, key=lambda o: order[id(o)]), reached

    ops, reached = forward(xs)
    connected = [x for x in xs if x in ys or any(x in op._inputs for op in ops)]
    if not connected:
        return {}
    if any(_passes(x._op) and x._op in recorded and any(i in reached for i in x._op._inputs)
           for x in connected):
        groups = [[x] for x in connected]       # an x computed from another x: one vjp each
    else:
        groups = [connected]
    results = {}
    for group in groups:
        gops, greached = forward(group) if len(groups) > 1 else (ops, reached)
        results.update(_gradient_op(group, ys, grads_in, gops, greached))
    return results


def _gradient_op(xs, ys, grads_in, ops, reached):
    from compat_tf._src.ops import constant
    idx = [i for i, y in enumerate(ys) if (y in reached or y in xs) and _floating(y)]
    diff_ys = [ys[i] for i in idx]
    if not diff_ys:
        return {}
    gys = []
    if grads_in is not None:
        for i in idx:
            gy = grads_in[i]
            if gy is None:
                from compat_tf._src.ops import array_ops
                gy = array_ops.ones_like(ys[i])
            gys.append(constant.convert_to_tensor(gy, dtype=ys[i].dtype.base_dtype))
    externals = gradients_impl._external_inputs(ops, xs)
    attrs = {"_xs": tuple(xs), "_ys": tuple(diff_ys), "_ops": tuple(ops), "_externals": tuple(externals),
             "_n_grad_ys": len(gys), "_mode": "vjp"}
    specs = [(x.shape, x.dtype.base_dtype) for x in xs]
    g = _graph.get_default_graph()
    gop = g.create_op("Gradients", list(xs) + externals + gys, attrs, name="gradients", output_specs=specs)
    return dict(zip(xs, gop.outputs))


# --------------------------------------------------------------------------------------------
# nested structures (TF's nest: lists, tuples, dicts, namedtuples; None is a leaf)
# --------------------------------------------------------------------------------------------

def _is_leaf(x):
    return x is None or isinstance(x, _graph.Tensor) or _is_variable(x)


def _flatten(structure):
    return jax.tree_util.tree_leaves(structure, is_leaf=_is_leaf)


def _pack_as(structure, flat):
    treedef = jax.tree_util.tree_structure(structure, is_leaf=_is_leaf)
    return jax.tree_util.tree_unflatten(treedef, flat)
