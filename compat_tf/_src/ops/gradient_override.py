"""Registered gradients inside tf.gradients' single vjp (the other half of gradient_registry.py).

When tf.gradients is built, each forward op whose gradient rule is "python" gets its
gradient graph built as TF1 builds it: the registered function is called with the op and one
stand-in tensor per output gradient (op type `_GradientOverrideGrad`, under
"gradients/<op>_grad/"), and returns one gradient (or None) per input. The Gradients op then
carries, per such op, an entry of its `_overrides` attr and, as extra inputs at the end, the
op's outputs and the outside tensors the gradient graph reads ("extras"):

    (op, kind, grad_type, grad stand-ins, input indices with a gradient, their gradient
     tensors, extras, gradient-graph ops in creation order)

Inside the vjp the op is not re-evaluated: its outputs, computed once by the surrounding graph
(so a py_func runs on the host as usual), enter through a `jax.custom_vjp` whose backward pass
evaluates the gradient graph with the op's inputs, outputs and the incoming cotangents bound
to the tensors the function saw. A "builtin" override (gradient_override_map to one of
compat_tf's op types) uses the vjp of that type's lowering at the op's inputs instead.

Deviations: tf.hessians through a registered gradient raises NotImplementedError (the custom
backward pass has no forward-mode rule); so does tf.gradients through an overridden op inside
a tf.cond / tf.while_loop / map_fn / dynamic_rnn body (those bodies are differentiated by their
owner op's own vjp).
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import registry
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import gradient_registry as _gradient_registry
from compat_tf._src.runtime import lowering


def _grad_input_shape(op):
    return [(op.get_attr("_shape"), op.get_attr("dtype"))]


@register_op("_GradientOverrideGrad", shape=_grad_input_shape, stateful=True, differentiable=False)
def _grad_input(**attrs):
    raise ValueError("the output gradient given to a registered gradient function (tf.RegisterGradient) "
                     "exists only inside tf.gradients and cannot be evaluated on its own")


def _as_list(v):
    return list(v) if isinstance(v, (list, tuple)) else [v]


def _call_gradient_function(g, op, fn):
    """TF1's call `fn(op, *output_grads)`: (stand-ins, input indices, gradient tensors, new ops)."""
    first_id = g._id_counter
    with g.name_scope(op.name + "_grad"):
        stand_ins = [g.create_op("_GradientOverrideGrad", [], {"_shape": t.shape, "dtype": t.dtype.base_dtype},
                                 name=f"grad_ys_{i}", output_specs=[(t.shape, t.dtype.base_dtype)]).outputs[0]
                     for i, t in enumerate(op.outputs)]
        grads = _as_list(fn(op, *stand_ins))
    if len(grads) != len(op.inputs):
        raise ValueError(f"Num gradients {len(grads)} generated for op {op.name} do not match num inputs "
                         f"{len(op.inputs)}")
    idx, tensors = [], []
    for i, (gr, x) in enumerate(zip(grads, op.inputs)):
        if gr is None:
            continue
        gr = _constant.convert_to_tensor(gr)
        idx.append(i)
        tensors.append(gr)
    new_ops = [o for o in g.get_operations() if o._id > first_id]
    return stand_ins, idx, tensors, new_ops


def _extras(new_ops, op, stand_ins):
    """Tensors the gradient graph reads from outside it, other than op's inputs and outputs."""
    produced = {t for o in new_ops for t in o.outputs}
    known = set(op.inputs) | set(op.outputs) | set(stand_ins)
    out = []
    for o in new_ops:
        for t in o.inputs:
            if t not in produced and t not in known and t not in out:
                out.append(t)
    return out


def build_overrides(g, ops, mode):
    """The Gradients op's `_overrides` attr and its extra inputs, for forward `ops` (see above)."""
    entries, tail = [], []
    for op in ops:
        rule = _gradient_registry.gradient_rule(op)
        if rule.kind not in ("python", "builtin"):
            continue
        if mode == "hessian":
            raise NotImplementedError(f"tf.hessians through a registered gradient (op {op.name}, gradient "
                                      f"{rule.grad_type}) is not supported by compat_tf")
        if rule.kind == "python":
            stand_ins, idx, tensors, new_ops = _call_gradient_function(g, op, rule.fn)
            extras = _extras(new_ops, op, stand_ins)
        else:
            stand_ins, idx, tensors, new_ops, extras = [], [], [], [], []
        entries.append((op, rule.kind, rule.grad_type, tuple(stand_ins), tuple(idx), tuple(tensors),
                        tuple(extras), tuple(new_ops)))
        tail += list(op.outputs) + extras
    return tuple(entries), tail


def check_not_in_bodies(g, ops):
    """NotImplementedError when an op with a gradient override lies in the body of a forward op."""
    overridden = g.__dict__.get("_overridden_ops")
    if not overridden:
        return
    forward = set(ops)
    for op in overridden:
        try:
            if _gradient_registry.gradient_rule(op).kind == "default":
                continue
        except LookupError:
            pass
        owner = getattr(op, "_func_owner_op", None)
        while owner is not None and owner not in forward:
            owner = getattr(owner, "_func_owner_op", None)
        if owner is not None:
            raise NotImplementedError(
                f"tf.gradients through op {op.name} with an overridden gradient ({op._gradient_op_type}) inside "
                f"{owner.type} op {owner.name} (a tf.cond / tf.while_loop / map_fn / dynamic_rnn body) is not "
                "supported by compat_tf; apply gradient_override_map outside the loop or branch")


def _zero_cotangent(v):
    v = jnp.asarray(v)
    if jnp.issubdtype(v.dtype, jnp.inexact):
        return jnp.zeros_like(v)
    return np.zeros(v.shape, dtype=jax.dtypes.float0)


def _overridden(ctx, entry, ins, outs, extras):
    """The op's outputs `outs`, with the registered gradient as their vjp."""
    op, kind, grad_type, stand_ins, idx, tensors, extra_ts, new_ops = entry

    @jax.custom_vjp
    def f(ins, outs, extras):
        return outs

    def fwd(ins, outs, extras):
        return outs, (ins, outs, extras)

    def bwd(res, cts):
        ins, outs, extras = res
        grads = [_zero_cotangent(v) for v in ins]
        if kind == "builtin":
            opdef = registry.get(grad_type)
            diff = [i for i, v in enumerate(ins) if jnp.issubdtype(jnp.asarray(v).dtype, jnp.inexact)]

            def g(*dv):
                full = list(ins)
                for i, v in zip(diff, dv):
                    full[i] = v
                out = opdef.lower(*full)
                return tuple(out) if isinstance(out, (list, tuple)) else (out,)
            _, vjp = jax.vjp(g, *[ins[i] for i in diff])
            for i, gr in zip(diff, vjp(tuple(cts))):
                grads[i] = gr
        else:
            env = dict(zip(op.inputs, ins))
            env.update(zip(op.outputs, outs))
            env.update(zip(extra_ts, extras))
            env.update(zip(stand_ins, cts))
            saved = ctx.op
            try:
                lowering.evaluate(list(new_ops), env, ctx, needed=tensors, reroll=False)
            finally:
                ctx.op = saved
            for i, t in zip(idx, tensors):
                v = env[t]
                v = ctx.read(v) if isinstance(v, lowering.VarRef) else v
                if jnp.issubdtype(jnp.asarray(ins[i]).dtype, jnp.inexact):
                    grads[i] = jnp.broadcast_to(jnp.asarray(v, jnp.asarray(ins[i]).dtype), jnp.shape(ins[i]))
        return tuple(grads), tuple(_zero_cotangent(v) for v in outs), tuple(_zero_cotangent(v) for v in extras)

    f.defvjp(fwd, bwd)
    return f(tuple(ins), tuple(outs), tuple(extras))


def evaluate_with_overrides(ctx, ops, env, ys, overrides, tail_vals):
    """lowering.evaluate over `ops`, each overridden op replaced by its custom-vjp stand-in."""
    by_op, k = {}, 0
    for entry in overrides:
        op, extras = entry[0], entry[6]
        n_out, n_ex = len(op.outputs), len(extras)
        by_op[op] = (entry, tail_vals[k:k + n_out], tail_vals[k + n_out:k + n_out + n_ex])
        k += n_out + n_ex
    run = []
    for op in ops:
        hit = by_op.get(op)
        if hit is None:
            run.append(op)
            continue
        if run:
            lowering.evaluate(run, env, ctx, reroll=False)
            run = []
        entry, outs, extras = hit
        ins = [ctx.read(env[t]) if isinstance(env[t], lowering.VarRef) else env[t] for t in op.inputs]
        results = _overridden(ctx, entry, ins, [jnp.asarray(v) for v in outs], [jnp.asarray(v) for v in extras])
        env.update(zip(op.outputs, results))
    if run:
        lowering.evaluate(run, env, ctx, needed=ys, reroll=False)
