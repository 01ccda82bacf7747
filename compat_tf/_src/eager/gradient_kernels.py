"""The Gradients op a GradientTape builds, run eagerly: one kernel per recorded structure.

A training loop records the same structure every step (op types, attrs, wiring, shapes), so
the Gradients op's function is keyed by that structure and run by the runtime's tiers
(runtime/tiers.py: traced once, the jaxpr interpreted with NumPy for the first steps, compiled
in the background when the structure repeats): the whole backward pass of a step is then one XLA
program. The function runs over a value-free copy of the recorded ops, so the cache keeps no
eager values alive. Constant integer inputs (axes, shapes) are static from the start; a
structure whose trace needs more static inputs is keyed on all its small integer inputs'
values. A structure that cannot be keyed (a nested Gradients op, functional control flow) is
replayed directly.

While a tape records, each Gradients op also gets `_gradient_deps`: per output, the inputs its
jaxpr uses, so an outer tape treats a gradient that is constant in x (the second derivative of
x*x) as not depending on x, and x's next derivative is None, as in TF.
"""
import jax
import numpy as np

from compat_tf._src.eager import kernels
from compat_tf._src.eager import tape as _tape
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import registry
from compat_tf._src.framework import shape_inference
from compat_tf._src.runtime import tiers
from compat_tf._src.runtime.interp.fold import fold

_grad_kernels = {}
_MAX_CACHED_STRUCTURES = 512


def run_gradients_op(op, values):
    """The Gradients op's outputs for its concrete inputs (see the module docstring)."""
    from compat_tf._src.eager import execute
    attrs = op._attrs
    key = _structure_key(attrs)
    if key is None or any(not hasattr(v, "dtype") for v in values):
        ctx = execute.EagerContext(op)
        lower = registry.get("Gradients").lower

        def fn(*v):
            return lower(ctx, *v, **attrs)
        if _tape.ACTIVE:
            op._gradient_deps = _input_dependences(fn, values)
        return fold(fn, *values)
    skey = ("Gradients", key)
    if kernels.needs_static(skey):
        static = kernels.static_key(values)
    else:
        # constants among the small integer inputs (axes, shapes) are static from the start
        not_const = [i for i, t in enumerate(op._inputs) if t._op is None or t._op._type != "Const"]
        static = kernels.static_key(values, not_const)
    dyn = [v for i, v in enumerate(values) if i not in static[0]]
    full_key = (key, static, kernels._avals(dyn))
    entry = _grad_kernels.get(full_key)
    if entry is None:
        if len(_grad_kernels) >= _MAX_CACHED_STRUCTURES:
            _grad_kernels.clear()
        fixed = {} if static is None else {i: np.asarray(values[i]) for i in static[0]}
        fn = _skeleton_fn(attrs, fixed, len(values))
        entry = _grad_kernels[full_key] = _GradKernel(fn, tiers.TieredFunction(fn, name="eager_gradients"))
    if _tape.ACTIVE:
        if entry.deps is None:
            deps = _input_dependences(entry.fn, dyn)
            positions = [i for i in range(len(values)) if static is None or i not in static[0]]
            entry.deps = [frozenset(positions[j] for j in d) for d in deps] if deps is not None else False
        if entry.deps:
            op._gradient_deps = entry.deps
    if entry.traceable:
        first = not entry.calls
        entry.calls += 1
        try:
            return entry.tiered(*dyn)
        except kernels.TRACE_FAILURES:
            if not first:
                raise
            # a value the lowerings read as a Python value (an axis) was traced: later calls of this
            # structure key on the small integer inputs' values
            entry.traceable = False
            kernels.mark_needs_static(skey)
    return fold(entry.fn, *[np.asarray(v) for v in dyn])


class _GradKernel:
    """A recorded structure's gradient function, run by the runtime's tiers (trace once, interpret
    the jaxpr, compile it in the background when the structure repeats)."""
    __slots__ = ("fn", "tiered", "traceable", "calls", "deps")

    def __init__(self, fn, tiered):
        self.fn = fn
        self.tiered = tiered
        self.traceable = True
        self.calls = 0
        self.deps = None         # per output, the inputs it depends on (computed when a tape needs it)


def _input_dependences(fn, values):
    """Per output of fn, the positions of the inputs it depends on (a dead-code pass over fn's jaxpr),
    or None when that cannot be determined (then every output depends on every input)."""
    try:
        from jax._src.interpreters import partial_eval as pe
        closed = jax.make_jaxpr(fn)(*[np.asarray(v) for v in values])
        n_out = len(closed.jaxpr.outvars)
        out = []
        for k in range(n_out):
            _, used = pe.dce_jaxpr(closed.jaxpr, [i == k for i in range(n_out)])
            out.append(frozenset(i for i, u in enumerate(used) if u))
        return out
    except Exception:  # noqa: BLE001 - JAX internals unavailable or untraceable: assume full dependence
        return None


def _structure_key(attrs):
    """A hashable description of the recorded sub-graph (op types, attrs, wiring), or None."""
    ids = {}
    for i, x in enumerate(attrs["_xs"]):
        ids[x] = ("x", i)
    for j, e in enumerate(attrs["_externals"]):
        ids.setdefault(e, ("e", j))
    parts = []
    for k, op in enumerate(attrs["_ops"]):
        opdef = registry.lookup(op._type)
        if opdef is None or opdef.ctx or opdef.host or opdef.ref_inputs:
            return None
        try:
            frozen = shape_inference._freeze_attrs(op._attrs)
        except TypeError:
            return None
        if not _plain(frozen):
            return None
        try:
            ins = tuple(ids[i] for i in op._inputs)
        except KeyError:
            return None
        for n, o in enumerate(op._outputs):
            ids[o] = (k, n)
        parts.append((op._type, frozen, ins, tuple((o._dtype._type_enum, tuple(o._shape.as_list()))
                                                   for o in op._outputs)))
    try:
        ys = tuple(ids[y] for y in attrs["_ys"])
    except KeyError:
        return None
    return (tuple(parts), ys, len(attrs["_xs"]), len(attrs["_externals"]), attrs["_n_grad_ys"])


def _plain(frozen):
    """Whether frozen attrs hold only plain values (no tensors, ops or other objects keyed by identity)."""
    stack = [frozen]
    while stack:
        v = stack.pop()
        if isinstance(v, tuple):
            stack.extend(v)
        elif not isinstance(v, (int, float, str, bytes, bool, type(None))):
            return False
    return True


def _skeleton_fn(attrs, fixed, n):
    """fn(*input values but the `fixed` ones) -> gradients, over a value-free copy of the recorded
    sub-graph."""
    g = _graph.Graph()
    env = {}

    def skel(t):
        s = env.get(t)
        if s is None:
            op = _graph.Operation(g, "Placeholder", f"in{len(env)}", [], {}, (), "")
            s = env[t] = _graph.Tensor(op, 0, t._dtype, t._shape)
            op._outputs = [s]
        return s

    xs = tuple(skel(x) for x in attrs["_xs"])
    externals = tuple(skel(e) for e in attrs["_externals"])
    ops = []
    for op in attrs["_ops"]:
        new = _graph.Operation(g, op._type, op._name, [skel(i) for i in op._inputs], dict(op._attrs), (), "")
        new._outputs = [_graph.Tensor(new, n, o._dtype, o._shape) for n, o in enumerate(op._outputs)]
        for o, s in zip(op._outputs, new._outputs):
            env[o] = s
        ops.append(new)
    ys = tuple(env[y] for y in attrs["_ys"])
    lower = registry.get("Gradients").lower
    sattrs = {"_xs": xs, "_ys": ys, "_ops": tuple(ops), "_externals": externals,
              "_n_grad_ys": attrs["_n_grad_ys"], "_mode": "vjp"}

    def fn(*values):
        if fixed:
            it = iter(values)
            values = [fixed[i] if i in fixed else next(it) for i in range(n)]
        ctx = kernels.KernelContext({})
        return tuple(lower(ctx, *values, **sattrs))
    return fn
