"""tf.map_fn, tf.scan, tf.foldl, tf.foldr as one owner op over a traced sub-graph.

TF1 builds these from a tf.while_loop over TensorArrays. compat_tf calls `fn`
once at build time on symbolic slices (like tf.cond / tf.while_loop, see
control_flow_ops), records the ops it creates as a sub-graph owned by one op
(type "FunctionalScan", named "map" / "scan" / "foldl" / "foldr"), and lowers
that op to one `lax.scan` over the leading dimension. So the loop is one XLA
loop and tf.gradients differentiates through it (reverse-mode, by jax).

Variables `fn` only reads become inputs of the owner op (so tf.gradients
with respect to them works); variables it assigns are threaded through the
scan as state, as in tf.while_loop. Random ops inside `fn` draw new numbers at every
iteration (the step index is folded into the RNG counter, as dynamic_rnn does per time step).

The owner op round-trips through GraphDef/MetaGraphDef like tf.cond/tf.while_loop
(its attrs are written as `_compat_tf_*` attrs; see framework/graph_io).

Deviations: `parallel_iterations`, `swap_memory` and `back_prop` are accepted
and ignored (XLA decides; gradients always flow); `fn`'s results must keep one
shape for every element (XLA needs fixed shapes). `infer_shape=False` is
accepted. Ops that must run on the host (strings, py_func without static
shapes) cannot be used inside `fn`.
"""
import builtins

import jax.numpy as jnp
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.eager import control_flow as _eager_cf
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops as _cf
from compat_tf._src.runtime import lowering

__all__ = ["foldl", "foldr", "map_fn", "scan", "vectorized_map"]


def _scan_shape(op):
    return list(op.get_attr("_output_specs"))


@register_op("FunctionalScan", shape=_scan_shape, ctx=True, stateful=True)
def _functional_scan(ctx, *inputs, _n_elems, _n_carry, _n_ref_values, _ops, _vars, _carry_out, _y_out,
                     _externals, _ref_values, _refs, _output_specs, _reverse, _first_is_init, _emit,
                     _state_reads=(), _state_writes=(), _ref_shapes=(), **_):
    from compat_tf._src.runtime import plan
    ne, nc, nr = _n_elems, _n_carry, _n_ref_values
    elems = [jnp.asarray(e) for e in inputs[:ne]]
    init = [jnp.asarray(v) for v in inputs[ne:ne + nc]]
    ref_vals = list(inputs[ne + nc:ne + nc + nr])
    ext_vals = list(inputs[ne + nc + nr:])
    n = elems[0].shape[0] if elems[0].ndim else None
    for e in elems:
        if e.ndim == 0 or e.shape[0] != n:
            raise ValueError("elems must all have the same (non-scalar) leading dimension, got shapes "
                             f"{[tuple(x.shape) for x in elems]}")
    if _first_is_init:
        if n == 0:
            raise ValueError("elems must have at least one element when no initializer is given")
        init = [e[-1] if _reverse else e[0] for e in elems]
        elems = [e[:-1] if _reverse else e[1:] for e in elems]
    y_specs = _output_specs if _emit else ()
    state0, written, readonly = _cf._loop_state(ctx, _state_reads, _state_writes, _ref_shapes,
                                                _ref_values, ref_vals)
    iteration_counter = _cf._iteration_counters(ctx)

    def step(carry, inp):
        vals, wstate = carry
        i, xs = inp
        env = dict(zip(_externals, ext_vals))
        env.update(zip(_ref_values, ref_vals))
        env.update(zip(_vars, list(vals) + list(xs)))
        for t in _refs:
            env[t] = lowering.VarRef(plan.ref_key(t))
        # a different random stream at each iteration, as TF1's kernels rerun per step
        env, sub = _cf._run_function(ctx, _ops, env, {**readonly, **wstate}, iteration_counter(i))
        new = []
        for t, v0 in zip(_carry_out, vals):
            v = jnp.asarray(_cf._value(sub, env, t), v0.dtype)
            if v.shape != v0.shape:
                raise ValueError(f"the accumulator {t.name} changed shape from {v0.shape} to {v.shape}; "
                                 "compat_tf needs a fixed shape (under XLA)")
            new.append(v)
        ys = [jnp.asarray(_cf._value(sub, env, t), _dtypes.to_jax_dtype(d))
              for t, (s, d) in zip(_y_out, y_specs)]
        return (new, {k: sub.state[k] for k in written}), ys

    steps = jnp.arange(elems[0].shape[0], dtype=jnp.int32)
    (final, wstate), ys = lax.scan(step, (init, {k: state0[k] for k in written}), (steps, elems),
                                   reverse=_reverse)
    ys = list(ys)
    if _emit and _first_is_init:
        ys = [jnp.concatenate([y, a[None]] if _reverse else [a[None], y], axis=0) for a, y in zip(init, ys)]
    for k, v in wstate.items():
        ctx.write(lowering.VarRef(k), v)
    return ys if _emit else list(final)


def _flatten(x):
    return _cf._flatten_outputs(x)


def _trace(g, what, fn, arg_specs, build_args):
    """Calls fn once on symbolic loop variables; returns (function, vars, flat outputs, structure)."""
    f = _cf._Function(g)
    with g._building_function(f.ops):
        vs = [g.create_op("_LoopVar", [], {"index": i, "shape": s, "dtype": d}, name="LoopVar").outputs[0]
              for i, (s, d) in enumerate(arg_specs)]
    flat, structure = f.build(lambda: fn(*build_args(vs)))
    for t in flat:
        if not isinstance(t, Tensor):
            raise TypeError(f"{what}: fn must return tensors, got {t!r}")
    return f, vs, flat, structure


def _build_op(g, scope, what, f, vs, elems, init, carry_out, y_out, specs, reverse, first_is_init, emit):
    _cf._check_device_only([f], what)
    values, refs, controls = _cf._externals([f], list(carry_out) + list(y_out))
    values = [t for t in values if t not in vs]
    reads, writes = _cf._state_access([f], refs)
    from compat_tf._src.runtime import plan
    ref_values = [t for t in refs if plan.ref_key(t) is not None and plan.ref_key(t) not in writes]
    state_refs = [t for t in refs if t not in ref_values]
    # read-only variables fn uses directly are inputs (ref_values); keys read only by nested owner
    # ops (a tf.cond inside fn reading v.read_value()) stay state reads so the plan loads them
    value_keys = {plan.ref_key(t) for t in ref_values}
    reads = tuple(k for k in reads if k not in value_keys or k in writes)
    attrs = {"_n_elems": len(elems), "_n_carry": len(init), "_n_ref_values": len(ref_values),
             "_ops": builtins.tuple(f.ops), "_vars": builtins.tuple(vs),
             "_carry_out": builtins.tuple(carry_out),
             "_y_out": builtins.tuple(y_out), "_externals": builtins.tuple(values),
             "_ref_values": builtins.tuple(ref_values), "_refs": builtins.tuple(state_refs),
             "_output_specs": builtins.tuple(specs), "_reverse": bool(reverse),
             "_first_is_init": bool(first_is_init), "_emit": bool(emit),
             "_state_reads": reads, "_state_writes": writes, "_ref_shapes": _cf._ref_shapes(state_refs)}
    op = g.create_op("FunctionalScan", list(elems) + list(init) + ref_values + values, attrs, name=scope,
                     output_specs=list(specs), control_inputs=controls)
    for inner in f.ops:
        inner._func_owner_op = op
    return op


def _leading(elems_flat):
    n = None
    for e in elems_flat:
        if e.shape.ndims == 0:
            raise ValueError("Elements in elems must be 1+ dimensional Tensors, not scalars")
        if e.shape.ndims is not None and e.shape[0] is not None:
            n = e.shape[0] if n is None else n
    return n


def _slice_spec(t):
    return (t.shape[1:] if t.shape.ndims is not None else _ts.TensorShape(None), t.dtype.base_dtype)


def _stacked(n, shape):
    return _ts.TensorShape([n]).concatenate(shape)


def _elems_flat(elems):
    flat, structure = _flatten(elems)
    flat = [_constant.convert_to_tensor(e) for e in flat]
    if not flat:
        raise ValueError("elems must be a Tensor or a (possibly nested) sequence of Tensors")
    return flat, structure


def map_fn(fn, elems, dtype=None, parallel_iterations=None, back_prop=True, swap_memory=False,
           infer_shape=True, name=None):
    """tf.map_fn: fn applied to each slice of elems along dimension 0, results stacked.

    `elems` may be a nested structure (fn gets the same structure of slices); `dtype`
    gives fn's output structure when it differs from elems' (checked against fn's
    result dtypes, as TF1's TensorArray writes would).
    """
    if not callable(fn):
        raise TypeError("fn must be callable.")
    if _eager_cf.executing_eagerly():
        return _eager_cf.map_fn(fn, elems, dtype)
    g = _graph.get_default_graph()
    with g.name_scope(name or "map") as scope:
        flat, structure = _elems_flat(elems)
        n = _leading(flat)
        f, vs, outs, out_structure = _trace(
            g, "tf.map_fn", fn, [_slice_spec(e) for e in flat],
            lambda vs: (_cf._pack(structure, iter(vs)),))
        if dtype is not None:
            want = [_dtypes.as_dtype(d) for d in _flatten_dtypes(dtype)]
            if len(want) != len(outs):
                raise ValueError(f"The two structures don't have the same number of elements: dtype has "
                                 f"{len(want)}, fn returned {len(outs)}")
            for w, t in zip(want, outs):
                if w.base_dtype != t.dtype.base_dtype:
                    raise TypeError(f"tf.map_fn: fn returned {t.dtype.base_dtype.name} where dtype says "
                                    f"{w.base_dtype.name}")
        specs = [(_stacked(n, t.shape), t.dtype.base_dtype) for t in outs]
        op = _build_op(g, scope, "tf.map_fn", f, vs, flat, [], [], outs, specs, False, False, True)
        return _cf._pack(out_structure, iter(op.outputs))


def vectorized_map(fn, elems):
    """tf.vectorized_map: fn over the leading dimension of `elems` (any nesting), results stacked.

    TF vectorizes fn's ops (pfor); compat_tf builds tf.map_fn, whose single loop op XLA compiles
    as a whole, with the same values, output structure (fn's, any dtypes) and gradients.
    """
    return map_fn(fn, elems, name="vectorized_map")


def _flatten_dtypes(dtype):
    if isinstance(dtype, (list, tuple)):
        return [d for x in dtype for d in _flatten_dtypes(x)]
    if isinstance(dtype, dict):
        return [d for k in sorted(dtype) for d in _flatten_dtypes(dtype[k])]
    return [dtype]


def _accumulate(what, default_name, fn, elems, initializer, reverse, name, emit):
    if not callable(fn):
        raise TypeError("fn must be callable.")
    if _eager_cf.executing_eagerly():
        return _eager_cf.accumulate(fn, elems, initializer, reverse, emit)
    g = _graph.get_default_graph()
    with g.name_scope(name or default_name) as scope:
        flat, structure = _elems_flat(elems)
        n = _leading(flat)
        if initializer is None:
            init_flat, init_structure = [], structure
            acc_specs = [_slice_spec(e) for e in flat]
        else:
            init_flat, init_structure = _flatten(initializer)
            init_flat = [_constant.convert_to_tensor(v) for v in init_flat]
            acc_specs = [(v.shape, v.dtype.base_dtype) for v in init_flat]
        n_acc = len(acc_specs)
        f, vs, outs, out_structure = _trace(
            g, what, fn, acc_specs + [_slice_spec(e) for e in flat],
            lambda vs: (_cf._pack(init_structure, iter(vs[:n_acc])), _cf._pack(structure, iter(vs[n_acc:]))))
        if len(outs) != n_acc or _cf._kinds(out_structure) != _cf._kinds(init_structure):
            raise ValueError(f"{what}: fn must return the structure of the accumulator "
                             f"({_cf._describe(init_structure)}), got {_cf._describe(out_structure)}")
        for (s, d), t in zip(acc_specs, outs):
            if d != t.dtype.base_dtype:
                raise TypeError(f"{what}: the accumulator has dtype {d.name} but fn returned "
                                f"{t.dtype.base_dtype.name}")
        shapes = [s.most_specific_compatible_shape(t.shape) for (s, _), t in zip(acc_specs, outs)]
        if emit:
            specs = [(_stacked(n, s), d) for s, (_, d) in zip(shapes, acc_specs)]
        else:
            specs = [(s, d) for s, (_, d) in zip(shapes, acc_specs)]
        op = _build_op(g, scope, what, f, vs, flat, init_flat, outs, outs if emit else [], specs, reverse,
                       initializer is None, emit)
        return _cf._pack(init_structure, iter(op.outputs))


def scan(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False,
         infer_shape=True, reverse=False, name=None):
    """tf.scan: the stacked accumulators of fn(acc, x) over elems (TF1 semantics for initializer=None:
    the first element is the first accumulator and the first output)."""
    return _accumulate("tf.scan", "scan", fn, elems, initializer, reverse, name, emit=True)


def foldl(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """tf.foldl: the final accumulator of fn(acc, x) over elems, left to right."""
    return _accumulate("tf.foldl", "foldl", fn, elems, initializer, False, name, emit=False)


def foldr(fn, elems, initializer=None, parallel_iterations=10, back_prop=True, swap_memory=False, name=None):
    """tf.foldr: the final accumulator of fn(acc, x) over elems, right to left."""
    return _accumulate("tf.foldr", "foldr", fn, elems, initializer, True, name, emit=False)
