"""Control flow: NoOp, group, tuple, identity, cond, case, while_loop.

`tf.cond` and `tf.while_loop` call their Python functions once at build time,
as TF1 does, and record the ops created inside as a sub-graph owned by one
op ("If" / "While"). That op's lowering evaluates the sub-graph under
`lax.cond` / `lax.while_loop`, so the branch that is not taken never runs
and a loop is one XLA while, not an unrolled graph. TF1's Switch/Merge and
Enter/Exit/NextIteration ops do not appear in compat_tf graphs.

Variables assigned inside a branch or body are threaded through as part of
the state (both branches return the union of what either writes).

The owner ops' attrs (branch/body ops, loop variables, outputs, state keys) are
Python objects; Graph.as_graph_def writes them as `_compat_tf_*` attrs that name
those ops and tensors, and tf.import_graph_def / tf.train.import_meta_graph
rebuild them (see framework/graph_io), so graphs with conds and loops round-trip.
"""
import builtins

import jax.numpy as jnp
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.eager import control_flow as _eager_cf
from compat_tf._src.framework.graph import Operation, Tensor
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime.interp import eager as _interp_eager
from compat_tf._src.runtime import run_checks

__all__ = ["case", "cond", "group", "identity", "no_op", "tuple", "while_loop", "with_dependencies"]


@register_op("NoOp", num_outputs=0, shape=lambda op: [], differentiable=False)
def _no_op():
    return ()


def no_op(name=None):
    """tf.no_op: a NoOp (None while executing eagerly, as TF 1.15)."""
    op = _graph.get_default_graph().create_op("NoOp", [], {}, name=name or "NoOp")
    return None if _eager_cf.executing_eagerly() else op


def group(*inputs, **kwargs):
    """A NoOp that runs after all `inputs` (TF1's tf.group)."""
    name = kwargs.pop("name", None)
    if kwargs:
        raise TypeError(f"Unknown keyword arguments: {list(kwargs)}")
    ops = []
    for x in _flatten(inputs):
        if x is None:
            continue
        el = x if isinstance(x, (Operation, Tensor)) else _graph.get_default_graph().as_graph_element(x)
        op = el.op if isinstance(el, Tensor) else el
        if op not in ops:
            ops.append(op)
    g = ops[0].graph if ops else _graph.get_default_graph()
    with g.control_dependencies(ops):
        return no_op(name=name or "group_deps")


def _flatten(x):
    if isinstance(x, (list, builtins.tuple)):
        out = []
        for e in x:
            out.extend(_flatten(e))
        return out
    if isinstance(x, dict):
        return _flatten(list(x.values()))
    return [x]


@register_op("Identity", ref_inputs=(0,), ref_outputs=(0,))
def _identity(x):
    return x


def identity(input, name=None):
    """tf.identity: a new tensor with the same value (reads a variable when given one)."""
    x = _constant.convert_to_tensor(input)
    op = _graph.get_default_graph().create_op("Identity", [x], {}, name=name or "Identity",
                                              output_specs=[(x.shape, x.dtype.base_dtype)])
    return op.outputs[0]


def tuple(tensors, name=None, control_inputs=None):  # noqa: A001 - TF1 name
    """tf.tuple: identities of `tensors` that all wait for all of them."""
    deps = [t for t in tensors if t is not None]
    if control_inputs:
        deps = deps + list(control_inputs)
    gate = group(*deps)
    out = []
    with _graph.get_default_graph().control_dependencies([gate]):
        for t in tensors:
            out.append(None if t is None else identity(t))
    return out


def with_dependencies(dependencies, output_tensor, name=None):
    with _graph.get_default_graph().control_dependencies(dependencies):
        return identity(output_tensor, name=name)


# --------------------------------------------------------------------------------------------
# functions: the ops a cond branch or loop body creates
# --------------------------------------------------------------------------------------------

class _Function:
    """The ops one Python function created (a cond branch, a loop's cond or body)."""

    def __init__(self, graph):
        self.graph = graph
        self.ops = []

    def build(self, fn, *args):
        with self.graph._building_function(self.ops):
            out = fn(*args)
            flat, structure = _flatten_outputs(out)
        return flat, structure


def _flatten_outputs(out):
    """Converts a branch's nested result to (flat list of Tensor/Operation, structure)."""
    if isinstance(out, (list, builtins.tuple)) and not hasattr(out, "_fields"):
        parts = [_flatten_outputs(o) for o in out]
        return [t for p in parts for t in p[0]], (type(out), [p[1] for p in parts])
    if getattr(out, "_compat_tensor_array", False):   # tf.TensorArray: its stacked tensor travels
        return [out.flow], ("ta", out)
    if hasattr(out, "_fields"):   # namedtuple
        parts = [_flatten_outputs(o) for o in out]
        return [t for p in parts for t in p[0]], ("namedtuple", type(out), [p[1] for p in parts])
    if isinstance(out, dict):
        keys = sorted(out)
        parts = [_flatten_outputs(out[k]) for k in keys]
        return [t for p in parts for t in p[0]], ("dict", keys, [p[1] for p in parts])
    if isinstance(out, Operation):
        return [out], "op"
    if out is None:
        return [], "none"
    return [_constant.convert_to_tensor(out)], "tensor"


def _pack(structure, flat_iter):
    if structure == "tensor" or structure == "op":
        return next(flat_iter)
    if structure == "none":
        return None
    if structure[0] == "ta":
        return structure[1]._with_flow(next(flat_iter))
    if structure[0] == "dict":
        return {k: _pack(s, flat_iter) for k, s in zip(structure[1], structure[2])}
    if structure[0] == "namedtuple":
        return structure[1](*[_pack(s, flat_iter) for s in structure[2]])
    kind, subs = structure
    items = [_pack(s, flat_iter) for s in subs]
    return items if kind is list else kind(items)


def _all_ops(functions):
    return {op for f in functions for op in f.ops}


def _externals(functions, extra_tensors=()):
    """Tensors the functions consume (or return) that are produced outside them, in stable order.

    Variable references are returned separately: they become state the owner op threads through.
    """
    inside = _all_ops(functions)
    values, refs, controls = [], [], []
    for f in functions:
        for op in f.ops:
            for t in op._inputs:
                if t.op not in inside:
                    (refs if t.dtype._is_ref_dtype else values).append(t)
            for c in op._control_inputs:
                if c not in inside and c not in controls:
                    controls.append(c)
    for t in extra_tensors:
        if isinstance(t, Tensor) and t.op not in inside:
            (refs if t.dtype._is_ref_dtype else values).append(t)
    return _dedupe(values), _dedupe(refs), controls


def _dedupe(ts):
    seen, out = set(), []
    for t in ts:
        if t not in seen:
            seen.add(t)
            out.append(t)
    return out


def _state_access(functions, ref_tensors):
    """(read keys, written keys) of the variables the functions touch (nested owners included)."""
    from compat_tf._src.framework import registry
    from compat_tf._src.runtime import plan
    reads, writes = [], []
    for t in ref_tensors:
        k = plan.ref_key(t)
        if k is not None and k not in reads:
            reads.append(k)
    for f in functions:
        for op in f.ops:
            opdef = registry.lookup(op.type)
            if opdef is not None and opdef.writes_ref:
                for i in opdef.ref_inputs:
                    k = plan.ref_key(op._inputs[i])
                    if k is not None and k not in writes:
                        writes.append(k)
            writes.extend(k for k in op._attrs.get("_state_writes", ()) if k not in writes)
            reads.extend(k for k in op._attrs.get("_state_reads", ()) if k not in reads)
    return builtins.tuple(reads), builtins.tuple(writes)


def _check_device_only(functions, what):
    from compat_tf._src.runtime import plan
    for f in functions:
        for op in f.ops:
            if plan.is_host_op(op):
                raise NotImplementedError(
                    f"{what} containing host op {op.name} ({op.type}: strings, py_func, queues) is not "
                    "supported by compat_tf; compute it outside the branch or loop")


def _ref_shapes(ref_tensors):
    from compat_tf._src.runtime import plan
    out = {}
    for t in ref_tensors:
        k = plan.ref_key(t)
        if k is not None:
            out[k] = (builtins.tuple(t.shape.as_list()) if t.shape.is_fully_defined() else None,
                      t.dtype.base_dtype)
    return builtins.tuple(sorted(out.items()))


def _loop_state(ctx, state_reads, state_writes, ref_shapes, ref_values=(), ref_vals=()):
    """The state a loop-like owner op (while_loop, map_fn/scan, dynamic_rnn) starts from.

    Returns (state0, written keys, read-only state). Variables the body only reads may arrive
    as op inputs (`ref_values` with their values `ref_vals`); nested owner ops in the body (a
    tf.cond reading `v.read_value()`) read them from the state, so it holds them too.
    """
    from compat_tf._src.runtime import plan
    state0 = _initial_state(ctx, state_reads, state_writes, ref_shapes)
    written = [k for k in state_writes if k in state0]
    readonly = {k: v for k, v in state0.items() if k not in written}
    for t, v in zip(ref_values, ref_vals):
        k = plan.ref_key(t)
        if k is not None and k not in readonly and k not in written:
            readonly[k] = v
    return state0, written, readonly


def _iteration_counters(ctx):
    """`i -> RNG counter` for the i-th iteration of a loop: TF1's random kernels draw new numbers
    at every iteration, so each iteration folds its index into the run's counter."""
    base = jnp.asarray(0 if ctx.rng_counter is None else ctx.rng_counter).astype(jnp.uint32)

    def counter(i):
        return base * jnp.uint32(1000003) + jnp.asarray(i).astype(jnp.uint32) + jnp.uint32(1)
    return counter


def _run_function(ctx, ops, env, state, rng_counter=None):
    """Evaluates `ops` with `env` on a private copy of `state`; returns (env, state).

    `rng_counter` (default: the run's) is what random ops in `ops` fold into their keys; a
    loop passes one per iteration so each iteration draws new numbers, as TF1's kernels do."""
    counter = ctx.rng_counter if rng_counter is None else rng_counter
    sub = lowering.LoweringContext(dict(state), counter, ctx.session, ctx.initialized,
                                   run_counter=ctx.run_counter)
    saved = ctx.op
    try:
        with run_checks.redirect(None):      # checks in a cond/loop body: host callbacks
            lowering.evaluate(ops, env, sub)
    finally:
        ctx.op = saved
    return env, sub


def _value(ctx_or_sub, env, t):
    v = env[t]
    return ctx_or_sub.read(v) if isinstance(v, lowering.VarRef) else v


def _initial_state(ctx, reads, writes, ref_shapes):
    """The variable values an owner op threads through (zeros for ones not initialized yet)."""
    shapes = dict(ref_shapes)
    state = {}
    for k in builtins.tuple(reads) + builtins.tuple(writes):
        if k in state:
            continue
        if k in ctx.state:
            state[k] = jnp.asarray(ctx.state[k])
        elif k in shapes and shapes[k][0] is not None:
            state[k] = jnp.zeros(shapes[k][0], _dtypes.to_jax_dtype(shapes[k][1]))
    return state


# --------------------------------------------------------------------------------------------
# tf.cond
# --------------------------------------------------------------------------------------------

def _if_shape(op):
    return list(op.get_attr("_output_specs"))


@register_op("If", shape=_if_shape, ctx=True, stateful=True)
def _if(ctx, pred, *inputs, _branches, _externals, _refs, _outputs, _output_specs, _state_reads=(),
        _state_writes=(), _ref_shapes=(), **_):
    ext_vals = list(inputs)
    state0 = _initial_state(ctx, _state_reads, _state_writes, _ref_shapes)
    written = [k for k in _state_writes if k in state0]

    def make_branch(i):
        def branch(operand):
            vals, state = operand
            env = dict(zip(_externals, vals))
            from compat_tf._src.runtime import plan
            for t in _refs:
                env[t] = lowering.VarRef(plan.ref_key(t))
            env, sub = _run_function(ctx, _branches[i], env, state)
            outs = []
            for t, (shape, dtype) in zip(_outputs[i], _output_specs):
                v = _value(sub, env, t)
                outs.append(jnp.asarray(v, _dtypes.to_jax_dtype(dtype)))
            return outs, {k: sub.state[k] for k in written}
        return branch
    known = _interp_eager.concrete_value(pred)
    if known is not None:
        # a predicate known when the step is traced (a constant, a fed flag the step is specialised
        # on: plan._init_fast_path): the chosen branch alone, no conditional in the program
        outs, new_state = make_branch(0 if bool(known) else 1)((ext_vals, state0))
    else:
        outs, new_state = lax.cond(jnp.asarray(pred, bool), make_branch(0), make_branch(1),
                                   (ext_vals, state0))
    for k, v in new_state.items():
        ctx.write(lowering.VarRef(k), v)
    return outs


def cond(pred, true_fn=None, false_fn=None, strict=False, name=None, fn1=None, fn2=None):
    """tf.cond: one of two branch functions, chosen at run time; only the chosen branch runs.

    Both functions are called once at build time (as in TF1) and must return the same
    structure of tensors with the same dtypes; static shapes are merged. A branch that
    returns an Operation makes the result the cond's op (a control dependency).
    """
    true_fn = true_fn if true_fn is not None else fn1
    false_fn = false_fn if false_fn is not None else fn2
    if not callable(true_fn):
        raise TypeError("true_fn must be callable.")
    if not callable(false_fn):
        raise TypeError("false_fn must be callable.")
    if _eager_cf.executing_eagerly():
        return _eager_cf.cond(pred, true_fn, false_fn, strict)
    g = _graph.get_default_graph()
    with g.name_scope(name or "cond") as scope:
        pred = _constant.convert_to_tensor(pred)
        if pred.dtype.base_dtype != _dtypes.bool or pred.shape.ndims not in (None, 0):
            raise TypeError(f"pred must be a scalar bool tensor, got {pred}")
        fns, flats, structures = [], [], []
        for fn in (true_fn, false_fn):
            f = _Function(g)
            flat, structure = f.build(fn)
            fns.append(f)
            flats.append(flat)
            structures.append(structure)
        if len(flats[0]) != len(flats[1]) or _kinds(structures[0]) != _kinds(structures[1]):
            raise ValueError(f"true_fn and false_fn must return the same structure, got "
                             f"{_describe(structures[0])} and {_describe(structures[1])}")
        outs_t = [t for t in flats[0] if isinstance(t, Tensor)]
        outs_f = [t for t in flats[1] if isinstance(t, Tensor)]
        if len(outs_t) != len(outs_f):
            raise ValueError("true_fn and false_fn must return tensors in the same places")
        specs = []
        for a, b in zip(outs_t, outs_f):
            if a.dtype.base_dtype != b.dtype.base_dtype:
                raise ValueError(f"Outputs of true_fn and false_fn must have the same type: "
                                 f"{a.dtype.base_dtype.name}, {b.dtype.base_dtype.name}")
            specs.append((a.shape.most_specific_compatible_shape(b.shape), a.dtype.base_dtype))
        _check_device_only(fns, "tf.cond")
        values, refs, controls = _externals(fns, outs_t + outs_f)
        reads, writes = _state_access(fns, refs)
        attrs = {"_branches": builtins.tuple(builtins.tuple(f.ops) for f in fns),
                 "_externals": builtins.tuple(values), "_refs": builtins.tuple(refs),
                 "_outputs": (builtins.tuple(outs_t), builtins.tuple(outs_f)),
                 "_output_specs": builtins.tuple(specs), "_state_reads": reads, "_state_writes": writes,
                 "_ref_shapes": _ref_shapes(refs)}
        op = g.create_op("If", [pred] + values, attrs, name=scope, output_specs=specs,
                         control_inputs=controls)
        for f in fns:
            for inner in f.ops:
                inner._func_owner_op = op
        results = iter(op.outputs)
        flat_out = [next(results) if isinstance(t, Tensor) else op for t in flats[0]]
        packed = _pack(structures[0], iter(flat_out))
        if not strict and isinstance(packed, (list, builtins.tuple)) and len(packed) == 1:
            return packed[0]   # TF1 unpacks singleton results unless strict=True
        return packed


def _kinds(structure):
    if isinstance(structure, str):
        return "tensor-or-op" if structure in ("tensor", "op") else structure
    if structure[0] == "ta":
        return "ta"
    if structure[0] == "dict":
        return ("dict", builtins.tuple(structure[1]), builtins.tuple(_kinds(s) for s in structure[2]))
    if structure[0] == "namedtuple":
        return ("nt", builtins.tuple(_kinds(s) for s in structure[2]))
    return ("seq", builtins.tuple(_kinds(s) for s in structure[1]))


def _describe(structure):
    return repr(_kinds(structure))


def case(pred_fn_pairs, default=None, exclusive=False, strict=False, name="case"):
    """tf.case: the function of the first true predicate (nested conds), else `default`.

    A dict is taken in TF1's order (sorted by predicate name). With no default the last
    pair's function is the default, as in TF1.
    """
    if isinstance(pred_fn_pairs, dict):
        pairs = sorted(pred_fn_pairs.items(), key=lambda item: item[0].name)
    else:
        pairs = list(pred_fn_pairs)
    for p in pairs:
        if not isinstance(p, builtins.tuple) or len(p) != 2 or not callable(p[1]):
            raise TypeError("pred_fn_pairs must be a list of (predicate, callable) pairs")
    if not pairs:
        if default is None:
            raise ValueError("tf.case needs at least one (predicate, fn) pair or a default")
        return default()
    if default is None:
        pairs, default = pairs[:-1], pairs[-1][1]
        if not pairs:
            return default()
    g = _graph.get_default_graph()
    with g.name_scope(name):
        def build(i):
            if i == len(pairs):
                return default()
            p, fn = pairs[i]
            return cond(p, fn, lambda: build(i + 1), strict=strict)
        return build(0)


# --------------------------------------------------------------------------------------------
# tf.while_loop
# --------------------------------------------------------------------------------------------

@register_op("_LoopVar", shape=lambda op: [(op.get_attr("shape"), op.get_attr("dtype"))], ctx=True,
             stateful=True)
def _loop_var(ctx, index, shape, dtype):
    raise AssertionError("loop variables are bound by their While op")


def _while_shape(op):
    return list(op.get_attr("_output_specs"))


@register_op("While", shape=_while_shape, ctx=True, stateful=True)
def _while(ctx, *inputs, _n_vars, _cond_ops, _body_ops, _vars, _pred, _body_out, _externals, _refs,
           _output_specs, _max_iter=None, _state_reads=(), _state_writes=(), _ref_shapes=(), **_):
    from compat_tf._src.runtime import plan
    init = [jnp.asarray(v, _dtypes.to_jax_dtype(d)) for v, (s, d) in zip(inputs[:_n_vars], _output_specs)]
    ext_vals = list(inputs[_n_vars:])
    state0, written, readonly = _loop_state(ctx, _state_reads, _state_writes, _ref_shapes)
    iteration_counter = _iteration_counters(ctx)

    def env_for(vals):
        env = dict(zip(_externals, ext_vals))
        env.update(zip(_vars[:_n_vars], vals))      # the cond's loop variables
        env.update(zip(_vars[_n_vars:], vals))      # the body's
        for t in _refs:
            env[t] = lowering.VarRef(plan.ref_key(t))
        return env

    def cond_fn(carry):
        vals, wstate, i = carry
        env, sub = _run_function(ctx, _cond_ops, env_for(vals), {**readonly, **wstate}, iteration_counter(i))
        return jnp.asarray(_value(sub, env, _pred), bool).reshape(())

    def body_fn(carry):
        vals, wstate, i = carry
        env, sub = _run_function(ctx, _body_ops, env_for(vals), {**readonly, **wstate}, iteration_counter(i))
        new = []
        for t, v0 in zip(_body_out, vals):
            v = jnp.asarray(_value(sub, env, t), v0.dtype)
            if v.shape != v0.shape:
                raise ValueError(f"tf.while_loop: loop variable {t.name} changed shape from {v0.shape} to "
                                 f"{v.shape} between iterations; compat_tf needs fixed loop shapes "
                                 "(under XLA) -- pad to a fixed size")
            new.append(v)
        return new, {k: sub.state[k] for k in written}, i + 1

    carry = (init, {k: state0[k] for k in written}, jnp.zeros((), jnp.int32))
    if _max_iter is not None:
        # bounded: a scan whose steps past the end are skipped; reverse-differentiable
        def step(c, _):
            return lax.cond(cond_fn(c), body_fn, lambda c2: c2, c), None
        carry, _ = lax.scan(step, carry, None, length=int(_max_iter))
    else:
        carry = lax.while_loop(cond_fn, body_fn, carry)
    vals, wstate, _ = carry
    for k, v in wstate.items():
        ctx.write(lowering.VarRef(k), v)
    return list(vals)


def while_loop(cond, body, loop_vars, shape_invariants=None, parallel_iterations=10, back_prop=True,
               swap_memory=False, name=None, maximum_iterations=None, return_same_structure=False):
    """tf.while_loop: repeats `body` while `cond` holds; one XLA while (or scan) at run time.

    `cond` and `body` are called once at build time on symbolic loop variables. Loop
    variables keep their shapes across iterations (XLA needs fixed shapes): a body that
    changes a shape raises ValueError. With `maximum_iterations` known at build time the
    loop lowers to a `lax.scan`, which tf.gradients can differentiate; otherwise to
    `lax.while_loop` (no reverse-mode gradient, as there is no bound to unroll to).
    """
    if not callable(cond) or not callable(body):
        raise TypeError("cond and body must be callable.")
    if _eager_cf.executing_eagerly():
        return _eager_cf.while_loop(cond, body, loop_vars, maximum_iterations, return_same_structure)
    g = _graph.get_default_graph()
    with g.name_scope(name or "while") as scope:
        flat_in, structure = _flatten_outputs(loop_vars)
        if not flat_in:
            raise ValueError("No loop variables provided")
        flat_in = [_constant.convert_to_tensor(v) for v in flat_in]
        if shape_invariants is not None:
            inv_flat, _ = _flatten_shapes(shape_invariants)
        else:
            inv_flat = [t.shape for t in flat_in]
        max_iter = None
        if maximum_iterations is not None:
            from compat_tf._src.framework import shape_inference
            mt = _constant.convert_to_tensor(maximum_iterations)
            mv = shape_inference.constant_value(mt)
            if mv is not None:
                max_iter = int(mv)
        cond_f, body_f = _Function(g), _Function(g)
        counter_needed = maximum_iterations is not None and max_iter is None
        if counter_needed:
            raise NotImplementedError("tf.while_loop(maximum_iterations=<run-time tensor>) is not supported "
                                      "by compat_tf; pass a Python int or a constant")

        def make_vars(f):
            with g._building_function(f.ops):
                vs = [g.create_op("_LoopVar", [], {"index": i, "shape": inv_flat[i],
                                                   "dtype": t.dtype.base_dtype}, name="LoopVar").outputs[0]
                      for i, t in enumerate(flat_in)]
            return vs
        cvars = make_vars(cond_f)
        pred_flat, _ = cond_f.build(lambda: cond(*_loop_args(structure, cvars)))
        if len(pred_flat) != 1 or not isinstance(pred_flat[0], Tensor) or \
                pred_flat[0].dtype.base_dtype != _dtypes.bool:
            raise TypeError("cond must return a boolean scalar tensor")
        bvars = make_vars(body_f)
        body_flat, body_structure = body_f.build(lambda: _as_sequence(body(*_loop_args(structure, bvars)),
                                                                      structure))
        if len(body_flat) != len(flat_in):
            raise ValueError(f"body returned {len(body_flat)} values for {len(flat_in)} loop variables")
        body_out = []
        with g._building_function(body_f.ops):
            for i, (t, v) in enumerate(zip(body_flat, flat_in)):
                if not isinstance(t, Tensor):
                    raise TypeError(f"body must return tensors, got {t!r} for loop variable {i}")
                if t.dtype.base_dtype != v.dtype.base_dtype:
                    t = _constant.convert_to_tensor(t)
                    raise TypeError(f"loop variable {i} ({v.name}) enters the loop with type "
                                    f"{v.dtype.base_dtype.name} and has type {t.dtype.base_dtype.name} after "
                                    "one iteration")
                if not inv_flat[i].is_compatible_with(t.shape):
                    raise ValueError(f"Input tensor '{v.name}' enters the loop with shape {inv_flat[i]}, but "
                                     f"has shape {t.shape} after one iteration. To allow the shape to vary "
                                     "across iterations, use the `shape_invariants` argument of tf.while_loop"
                                     " (compat_tf still needs the same run-time shape)")
                body_out.append(t)
        _check_device_only([cond_f, body_f], "tf.while_loop")
        values, refs, controls = _externals([cond_f, body_f], body_out + [pred_flat[0]])
        reads, writes = _state_access([cond_f, body_f], refs)
        specs = builtins.tuple((inv_flat[i], t.dtype.base_dtype) for i, t in enumerate(flat_in))
        attrs = {"_n_vars": len(flat_in), "_cond_ops": builtins.tuple(cond_f.ops),
                 "_body_ops": builtins.tuple(body_f.ops),
                 "_pred": pred_flat[0], "_body_out": builtins.tuple(body_out),
                 "_externals": builtins.tuple(values), "_refs": builtins.tuple(refs),
                 "_output_specs": specs, "_max_iter": max_iter, "_state_reads": reads,
                 "_state_writes": writes, "_ref_shapes": _ref_shapes(refs)}
        # the cond and body have their own loop-variable tensors; bind both to the carried values
        attrs["_vars"] = builtins.tuple(cvars) + builtins.tuple(bvars)
        op = g.create_op("While", flat_in + values, attrs, name=scope, output_specs=list(specs),
                         control_inputs=controls)
        for f in (cond_f, body_f):
            for inner in f.ops:
                inner._func_owner_op = op
        outs = op.outputs
        packed = _pack(structure, iter(outs))
        if not return_same_structure and isinstance(packed, (list, builtins.tuple)) and len(packed) == 1:
            return packed[0]
        return packed


def _loop_args(structure, flat_vars):
    packed = _pack(structure, iter(flat_vars))
    if isinstance(packed, (list, builtins.tuple)) and not hasattr(packed, "_fields"):
        return builtins.tuple(packed)
    return (packed,)


def _as_sequence(out, structure):
    """A body's result as the loop-vars structure (a lone tensor stands for a 1-element list)."""
    if isinstance(out, (list, builtins.tuple)) or structure == "tensor":
        return out
    return [out]


def _flatten_shapes(invariants):
    from compat_tf._src.framework import tensor_shape as _ts2
    if isinstance(invariants, (list, builtins.tuple)) and not isinstance(invariants, _ts2.TensorShape) and \
            not (invariants and all(isinstance(d, (int, type(None))) for d in invariants)):
        flat = []
        for s in invariants:
            flat.extend(_flatten_shapes(s)[0])
        return flat, None
    return [_ts2.as_shape(invariants)], None
