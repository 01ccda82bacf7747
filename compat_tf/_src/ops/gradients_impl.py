"""tf.gradients and tf.hessians by JAX autodiff over the graph's own lowerings.

TF1 builds a backward graph op by op from registered gradient functions.
compat_tf builds one "SymbolicGradient"-like op per `tf.gradients` call
(op type `Gradients`): it records the forward ops that lie on a path from
an x to a y, and its lowering re-evaluates them under `jax.vjp` with the xs
as primals. Inside the jitted step XLA merges that recomputation with the
forward pass. Everything the forward sub-graph consumes from outside (fed
values, variables, tensors computed upstream of the xs) is an input of the
Gradients op, so it is computed once by the surrounding graph.

Consequences, all matching TF1:
- an x that is an intermediate tensor (not a leaf) gets the gradient of the
  ys with respect to that tensor, the upstream graph held fixed;
- paths through integer tensors, `tf.stop_gradient`, the `stop_gradients`
  argument and non-differentiable ops (argmax, shape, comparisons) carry no
  gradient; an x with no differentiable path to any y gets None (or zeros
  with `UnconnectedGradients.ZERO`);
- second and higher order work: a Gradients op is itself differentiable
  (nested `jax.vjp`); `tf.hessians` uses `jax.jacfwd` of the vjp.

The op's Python-level attrs (its xs, ys, forward ops, externals) are written
to GraphDefs/MetaGraphDefs as `_compat_tf_*` attrs naming those tensors and
ops, and rebuilt on import (see framework/graph_io), so a model trained with
`opt.minimize` can be exported with `Saver.save` and trained on after
`tf.train.import_meta_graph`.

Deviations: `gate_gradients`, `aggregation_method` and
`colocate_gradients_with_ops` are accepted and have no effect (XLA decides);
a gradient through a host op (py_func, strings) raises LookupError as TF1
does for ops without a registered gradient.
"""
import enum

import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import registry
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import gradient_override as _gradient_override
from compat_tf._src.ops import gradient_registry as _gradient_registry
from compat_tf._src.parallel import replica as _replica
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import run_checks

__all__ = ["AggregationMethod", "UnconnectedGradients", "gradients", "hessians", "stop_gradient"]


class UnconnectedGradients(enum.Enum):
    """What tf.gradients returns for an x not connected to the ys."""
    NONE = "none"
    ZERO = "zero"


class AggregationMethod:
    """TF1's gradient aggregation choices (accepted; XLA decides how sums are formed)."""
    ADD_N = 0
    DEFAULT = ADD_N
    EXPERIMENTAL_TREE = 1
    EXPERIMENTAL_ACCUMULATE_N = 2


# --------------------------------------------------------------------------------------------
# stop_gradient
# --------------------------------------------------------------------------------------------

@register_op("StopGradient")
def _stop_gradient(x):
    return jax.lax.stop_gradient(x)


def stop_gradient(input, name=None):
    """tf.stop_gradient (op StopGradient): the value passes, no gradient flows back."""
    x = _constant.convert_to_tensor(input)
    return x.graph.create_op("StopGradient", [x], {}, name=name or "StopGradient",
                             output_specs=[(x.shape, x.dtype.base_dtype)]).outputs[0]


@register_op("PreventGradient")
def _prevent_gradient(input, message=""):     # noqa: A002 - TF's input name
    return input


def prevent_gradient(input, message="", name=None):     # noqa: A002 - TF's argument name
    """TF's array_ops.prevent_gradient (op PreventGradient): the value passes; building tf.gradients
    through it raises LookupError("Gradient explicitly disabled. Reason: <message>"), as TF."""
    x = _constant.convert_to_tensor(input)
    return x.graph.create_op("PreventGradient", [x], {"message": str(message)}, name=name or "PreventGradient",
                             output_specs=[(x.shape, x.dtype.base_dtype)]).outputs[0]


def _prevent_gradient_error(op):
    # TF's _PreventGradientGrad formats the attr as Python gives it: bytes, so b'...'
    msg = op.get_attr("message") if "message" in op.attrs else ""
    msg = msg.encode() if isinstance(msg, str) else msg
    return LookupError(f"Gradient explicitly disabled. Reason: {msg}")


_NO_GRAD_TYPES = frozenset({"StopGradient"})


def _rule(op):
    """op's GradientRule (tf.RegisterGradient / gradient_override_map); an unknown override counts
    as the default here and raises when tf.gradients meets the op on its path (_build)."""
    try:
        return _gradient_registry.gradient_rule(op)
    except LookupError:
        return _gradient_registry.GradientRule("default")


def _passes_gradient(op):
    """Whether gradients may flow from op's inputs to its outputs."""
    if getattr(op, "_gradient_op_type", None) is not None or op.type in _gradient_registry.registered_types():
        rule = _rule(op)
        if rule.kind != "default":
            return rule.kind != "none"
    if op.type in _NO_GRAD_TYPES:
        return False
    opdef = registry.lookup(op.type)
    if opdef is None:
        return True  # unknown ops fail later with a clear error when run
    return opdef.differentiable and not opdef.writes_ref


def _is_float_dtype(dt):
    b = dt.base_dtype
    return b.is_floating or b.is_complex


def _data_inputs(op):
    return list(op._inputs) + list(op._attrs.get("_captured_inputs", ()))


# --------------------------------------------------------------------------------------------
# the sub-graph between xs and ys
# --------------------------------------------------------------------------------------------

def _backward_tensors(ys, stop):
    """Float tensors from which some y is reachable through differentiable ops."""
    seen = set()
    stack = [y for y in ys if _is_float_dtype(y.dtype)]
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.add(t)
        if t in stop or not _passes_gradient(t.op):
            continue
        for i in _data_inputs(t.op):
            if _is_float_dtype(i.dtype) and i not in seen:
                stack.append(i)
    return seen


def _forward_ops(xs, back, stop):
    """Ops on a differentiable path from the xs to the ys (creation order) and the tensors they reach."""
    x_set = set(xs)
    frontier = [x for x in xs if x in back]
    reached = set(frontier)
    ops = set()
    while frontier:
        t = frontier.pop()
        for op in t._consumers:
            if op in ops or op._func_owner is not None or not _passes_gradient(op):
                continue
            outs = [o for o in op._outputs if o in back and o not in stop and o not in x_set]
            if not outs:
                continue
            ops.add(op)
            for o in outs:
                if o not in reached:
                    reached.add(o)
                    frontier.append(o)
    return sorted(ops, key=lambda o: o._id), reached


def _x_downstream_of_x(xs, reached):
    """Whether some x is computed (through differentiable ops) from a tensor an x reaches.

    `reached` holds the xs themselves and every tensor downstream of one; an x whose producing
    op consumes such a tensor depends on another x (or on itself through a cycle-free path).
    """
    for x in xs:
        op = x.op
        if _passes_gradient(op) and any(i in reached for i in _data_inputs(op)):
            return True
    return False


def _external_inputs(ops, xs):
    """Tensors consumed by `ops` but produced outside them (xs excluded), in a stable order."""
    produced = {t for op in ops for t in op._outputs}
    ext = []
    seen = set(xs)
    for op in ops:
        for t in _data_inputs(op):
            if t not in produced and t not in seen:
                seen.add(t)
                ext.append(t)
    return ext


# --------------------------------------------------------------------------------------------
# the Gradients op
# --------------------------------------------------------------------------------------------

def _gradients_shape(op):
    # used when no output specs are given (builders pass them; GraphDef import passes the exported ones)
    if op.attrs.get("_mode") == "hessian":
        return [(x.shape.concatenate(x.shape), x.dtype.base_dtype) for x in op.get_attr("_xs")]
    return [(x.shape, x.dtype.base_dtype) for x in op.get_attr("_xs")]


def _evaluate_forward(ctx, ops, xs, x_vals, externals, ext_vals, ys, overrides=(), tail_vals=(),
                      wanted=None, handed=None):
    """The ys from the xs through the forward ops; with `wanted`, those tensors' values also go to
    `handed` (the Gradients lowering returns them as the vjp's auxiliary outputs)."""
    env = dict(zip(externals, ext_vals))
    env.update(zip(xs, x_vals))
    saved_op = ctx.op
    try:
        if overrides:
            _gradient_override.evaluate_with_overrides(ctx, ops, env, ys, overrides, tail_vals)
        else:
            lowering.evaluate(ops, env, ctx, needed=list(ys) + list(wanted or ()))
    finally:
        ctx.op = saved_op
    outs = []
    for y in ys:
        v = env[y]
        outs.append(ctx.read(v) if isinstance(v, lowering.VarRef) else v)
    if wanted:
        handed.update((t, env[t]) for t in wanted)
    return outs


@register_op("Gradients", shape=_gradients_shape, ctx=True)
def _gradients(ctx, *inputs, _xs, _ys, _ops, _externals, _n_grad_ys, _mode="vjp", _overrides=(), **_):
    nx, ne = len(_xs), len(_externals)
    x_vals = [jnp.asarray(v) for v in inputs[:nx]]
    ext_vals = list(inputs[nx:nx + ne])
    grad_ys = list(inputs[nx + ne:nx + ne + _n_grad_ys])
    tail_vals = list(inputs[nx + ne + _n_grad_ys:])

    # forward values the rest of the run reads from this op's forward pass (lowering.evaluate's
    # _share_gradient_forwards): handed on as the vjp's auxiliary outputs
    op = ctx.op
    wanted = ctx.shared_forward.pop(op, None) if op is not None else None
    handed = {}

    def f(*xv):
        return _evaluate_forward(ctx, _ops, _xs, xv, _externals, ext_vals, _ys, _overrides, tail_vals,
                                 wanted, handed)

    if _mode == "hessian":
        def grad_fn(*xv):
            outs, vjp = jax.vjp(f, *xv)
            return vjp([jnp.ones_like(o) for o in outs])
        with run_checks.suspend():
            jac = jax.jacfwd(grad_fn, argnums=tuple(range(nx)))(*x_vals)
        return [jnp.asarray(jac[i][i]) for i in range(nx)]
    found = [] if run_checks.active() else None
    traced_keys = []           # the handed tensors whose values leave the vjp as auxiliary outputs

    def f_aux(*xv):
        # run-time checks in the forward ops (a gather's indices, labels) leave the vjp's trace as
        # an auxiliary output and join the step's other checks; so do the traced forward values
        # handed on (concrete ones and variable references are no tracers: they are handed as is)
        if found is not None:
            with run_checks.redirect(found):
                outs = f(*xv)
        else:
            outs = f(*xv)
        checks = [(flag, vals) for flag, _, vals in found] if found is not None else []
        traced = [t for t, v in handed.items() if isinstance(v, jax.core.Tracer)]
        traced_keys[:] = traced
        return outs, (checks, [handed.pop(t) for t in traced])

    if found is None and not wanted:
        outs, vjp = jax.vjp(f, *x_vals)
    else:
        outs, vjp, (checks, traced) = jax.vjp(f_aux, *x_vals, has_aux=True)
        for (flag, vals), (_, make_error, _) in zip(checks, found or ()):
            run_checks.add_fused(flag, make_error, vals)
        if wanted:
            handed.update(zip(traced_keys, traced))
            ctx.shared_forward[op] = handed
    cts = []
    for i, o in enumerate(outs):
        g = grad_ys[i] if i < len(grad_ys) else None
        cts.append(jnp.ones_like(o) if g is None else jnp.conj(jnp.broadcast_to(jnp.asarray(g, o.dtype), o.shape)))
    grads = vjp(cts)
    # in a cluster training step: the workers' gradients of each variable averaged (parallel/replica.py)
    grads = _replica.aggregate_gradients(_xs, grads)
    # TF's convention for complex tensors is the conjugate of JAX's (tf.gradients of a real L with
    # respect to z = x + iy is dL/dx + i dL/dy): conjugate the complex grad_ys in and the gradients out
    return [(jnp.conj(g) if jnp.iscomplexobj(g) else g).astype(x.dtype) for g, x in zip(grads, x_vals)]


def _as_list(v):
    if v is None:
        return []
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _as_x_tensor(x):
    """An x for differentiation: a Variable stands for its reference tensor (TF1's `as_ref`)."""
    if hasattr(x, "_variable") and hasattr(x, "_snapshot"):
        return x._variable
    if isinstance(x, Tensor):
        return x
    return _constant.convert_to_tensor(x)


def _build(ys, xs, grad_ys, name, stop_gradients, unconnected_gradients, mode):
    ys = [_constant.convert_to_tensor(y) for y in _as_list(ys)]
    xs = [_as_x_tensor(x) for x in _as_list(xs)]
    if not ys:
        raise ValueError("tf.gradients needs at least one y")
    g = ys[0].graph
    for t in xs + ys:
        if t.graph is not g:
            raise ValueError(f"Tensor {t.name} is not in the same graph as the ys ({ys[0].name})")
    grad_ys = _as_list(grad_ys)
    if grad_ys and len(grad_ys) != len(ys):
        raise ValueError(f"Passed {len(grad_ys)} grad_ys for {len(ys)} ys")
    unconnected_gradients = UnconnectedGradients(getattr(unconnected_gradients, "value",
                                                         unconnected_gradients))
    stop = {_as_x_tensor(s) for s in _as_list(stop_gradients)}
    back = _backward_tensors(ys, stop)
    ops, reached = _forward_ops(xs, back, stop)
    connected = []
    for x in xs:
        if x in connected:
            continue
        if x in ys or any(x in _data_inputs(op) for op in ops):
            connected.append(x)
    _gradient_override.check_not_in_bodies(g, ops)
    for op in ops:
        if op.type == "PreventGradient":       # TF raises when backprop reaches it from the ys
            raise _prevent_gradient_error(op)
        if _gradient_registry.gradient_rule(op).kind in ("python", "builtin"):
            continue      # a registered gradient replaces the op's own (a py_func's, a Sign's)
        opdef = registry.lookup(op.type)
        if opdef is not None and (opdef.host(op) if callable(opdef.host) else opdef.host):
            raise LookupError(f"No gradient defined for operation '{op.name}' (op type: {op.type}): it "
                              "runs on the host (a py_func or string op); wrap it in tf.stop_gradient")
    # An x computed from another x needs its own vjp: TF1's gradient for the upstream x is
    # the total derivative, through the downstream one. Otherwise (the usual case: variables)
    # one vjp gives every gradient, so the forward pass is traced and compiled once.
    if _x_downstream_of_x(connected, reached):
        groups = [[x] for x in connected]
    else:
        groups = [connected] if connected else []
    results = {}
    with g.name_scope(name or "gradients") as scope:
        for group in groups:
            gops, greached = _forward_ops(group, back, stop) if len(groups) > 1 else (ops, reached)
            results.update(_gradient_op(g, scope if len(groups) == 1 else None, group, ys, grad_ys,
                                        gops, greached, mode))
        out = []
        for x in xs:
            if x in results:
                out.append(results[x])
            elif unconnected_gradients == UnconnectedGradients.ZERO:
                out.append(_zeros_like(x))
            else:
                out.append(None)
    return out


def _gradient_op(g, name, xs, ys, grad_ys, ops, reached, mode):
    """One Gradients op computing d(sum ys)/d(x) for each x in `xs`; returns {x: tensor}."""
    idx = [i for i, y in enumerate(ys) if y in reached or y in xs]
    diff_ys = [ys[i] for i in idx]
    gys = []
    if grad_ys and mode == "vjp":
        for i in idx:
            gy = grad_ys[i]
            gys.append(_ones_like(ys[i]) if gy is None else
                       _constant.convert_to_tensor(gy, dtype=ys[i].dtype.base_dtype))
    externals = _external_inputs(ops, xs)
    attrs = {"_xs": tuple(xs), "_ys": tuple(diff_ys), "_ops": tuple(ops),
             "_externals": tuple(externals), "_n_grad_ys": len(gys), "_mode": mode}
    overrides, tail = _gradient_override.build_overrides(g, ops, mode)
    if overrides:
        attrs["_overrides"] = overrides
    if mode == "hessian":
        specs = [(x.shape.concatenate(x.shape), x.dtype.base_dtype) for x in xs]
    else:
        specs = [(x.shape, x.dtype.base_dtype) for x in xs]
    gop = g.create_op("Gradients", list(xs) + externals + gys + tail, attrs, name=name or "Gradients",
                      output_specs=specs)
    if mode == "vjp":
        op_set = set(ops)
        for x, out in zip(xs, gop.outputs):
            rows = _gather_rows(x, op_set, set(ys))
            if rows:
                out._compat_gather_indices = rows
    return dict(zip(xs, gop.outputs))


_GATHER_TYPES = frozenset({"GatherV2", "Gather", "ResourceGather"})


def _gather_rows(x, ops, ys):
    """The index tensors when x reaches the ys only as the params of axis-0 gathers, else None.

    TF1 gives such an x an IndexedSlices gradient (Identity passes it through), and the
    optimizers then update only the gathered rows (`_apply_sparse`). compat_tf's gradient
    stays dense; the optimizers read these indices to apply TF1's sparse update.
    """
    from compat_tf._src.ops import array_ops
    rows, stack, seen = [], [x], set()
    while stack:
        t = stack.pop()
        if t in seen:
            continue
        seen.add(t)
        if t in ys:
            return None
        for op in t._consumers:
            if op not in ops:
                continue
            if op.type == "Identity":
                stack.extend(op.outputs)
                continue
            if op.type not in _GATHER_TYPES or op._inputs[0] is not t or any(i is t for i in op._inputs[1:]):
                return None
            if op.type == "GatherV2":
                axis = array_ops._static_value(op._inputs[2])
                if axis is None or int(np.asarray(axis)) != 0 or op._attrs.get("batch_dims", 0):
                    return None
            rows.append(op._inputs[1])
    return rows or None


def _zeros_like(x):
    from compat_tf._src.ops import array_ops
    if hasattr(array_ops, "zeros_like"):
        return array_ops.zeros_like(x)
    return _constant.constant(np.zeros(x.shape.as_list(), x.dtype.base_dtype.as_numpy_dtype))


def _ones_like(y):
    from compat_tf._src.ops import array_ops
    if y.shape.is_fully_defined():
        return _constant.constant(np.ones(y.shape.as_list(), y.dtype.base_dtype.as_numpy_dtype))
    return array_ops.ones_like(y)


def gradients(ys, xs, grad_ys=None, name="gradients", colocate_gradients_with_ops=False,
              gate_gradients=False, aggregation_method=None, stop_gradients=None,
              unconnected_gradients=UnconnectedGradients.NONE):
    """tf.gradients: the sum over ys of d(y)/d(x) for each x, as a list (None where unconnected)."""
    return _build(ys, xs, grad_ys, name, stop_gradients, unconnected_gradients, "vjp")


def hessians(ys, xs, name="hessians", colocate_gradients_with_ops=False, gate_gradients=False,
             aggregation_method=None):
    """tf.hessians: for each x, the Hessian of sum(ys) w.r.t. x, shaped x.shape + x.shape."""
    return _build(ys, xs, None, name, None, UnconnectedGradients.NONE, "hessian")

