"""Control flow while executing eagerly: Python control flow over eager tensors (TF 1.15's eager
branches of tf.cond, tf.while_loop, tf.map_fn, tf.scan, tf.foldl/foldr).

- cond: only the branch `pred` selects runs (one-element results are unpacked unless strict);
- while_loop: `body` runs while `cond` holds, `maximum_iterations` bounds it; the loop
  variables' structure must stay the same (ValueError otherwise);
- map_fn: `fn` on each slice along dimension 0, the results stacked (structure of `dtype`
  when given);
- scan / foldl / foldr: the accumulator threaded through the slices (initializer=None: the
  first slice is the first accumulator), scan stacking every accumulator.
Every op inside runs eagerly, so a GradientTape records the iterations that ran.
"""
import jax

from compat_tf._src.framework import graph as _graph


def executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


def _is_leaf(x):
    return x is None or isinstance(x, _graph.Tensor) or hasattr(x, "_ref")


def _flatten(x):
    return jax.tree_util.tree_flatten(x, is_leaf=_is_leaf)


def cond(pred, true_fn, false_fn, strict=False):
    result = true_fn() if bool(pred) else false_fn()
    if not strict and isinstance(result, (list, tuple)) and len(result) == 1:
        result = result[0]
    return result


def while_loop(cond_fn, body, loop_vars, maximum_iterations=None, return_same_structure=False):
    from compat_tf._src.ops import constant
    packed = False
    try_to_pack = len(loop_vars) == 1 if isinstance(loop_vars, (list, tuple)) else False
    if not isinstance(loop_vars, (list, tuple)):
        loop_vars, packed = (loop_vars,), True
    _, structure = _flatten(list(loop_vars))
    limit = None if maximum_iterations is None else int(constant.convert_to_tensor(maximum_iterations))
    i = 0
    while (limit is None or i < limit) and bool(cond_fn(*loop_vars)):
        loop_vars = body(*loop_vars)
        if try_to_pack and not isinstance(loop_vars, (list, tuple)):
            packed = True
            loop_vars = (loop_vars,)
        elif not isinstance(loop_vars, (list, tuple)):
            loop_vars = (loop_vars,)
        _, now = _flatten(list(loop_vars))
        if now != structure:
            raise ValueError(f"The two structures don't have the same nested structure: the loop variables "
                             f"{structure} and what body returned {now}")
        i += 1
    flat, tree = _flatten(loop_vars)
    loop_vars = jax.tree_util.tree_unflatten(
        tree, [constant.convert_to_tensor(v) if v is not None and not hasattr(v, "_ref") else v for v in flat])
    return loop_vars[0] if packed else loop_vars


def _slices(elems):
    from compat_tf._src.ops import constant
    flat, structure = _flatten(elems)
    flat = [constant.convert_to_tensor(e) for e in flat]
    if not flat:
        raise ValueError("elems must be a Tensor or a (possibly nested) sequence of Tensors")
    n = flat[0].shape.as_list()[0]
    for e in flat[1:]:
        if e.shape.as_list()[0] != n:
            raise ValueError("Arrays with different first dimension sizes given to map_fn/scan")
    return flat, structure, n


def _stack(results, fallback_flat):
    from compat_tf._src.ops import array_ops
    if not results:
        return [array_ops.zeros([0] + t.shape.as_list()[1:], t.dtype) for t in fallback_flat]
    return [array_ops.stack([r[k] for r in results]) for k in range(len(results[0]))]


def map_fn(fn, elems, dtype=None):
    from compat_tf._src.ops import constant
    flat, structure, n = _slices(elems)
    results, out_tree = [], None
    for i in range(n):
        out = fn(jax.tree_util.tree_unflatten(structure, [e[i] for e in flat]))
        out_flat, out_tree = _flatten(out)
        results.append([constant.convert_to_tensor(o) for o in out_flat])
    if out_tree is None:
        out_tree = structure if dtype is None else _flatten(dtype)[1]
    return jax.tree_util.tree_unflatten(out_tree, _stack(results, flat))


def accumulate(fn, elems, initializer, reverse, emit):
    """scan (emit=True: the stacked accumulators) and foldl/foldr (the last accumulator)."""
    from compat_tf._src.ops import constant
    flat, structure, n = _slices(elems)
    order = list(range(n))[::-1] if reverse else list(range(n))
    if initializer is None:
        if not order:
            raise ValueError("elems must have at least one element when initializer is None")
        acc = jax.tree_util.tree_unflatten(structure, [e[order[0]] for e in flat])
        acc_tree = structure
        first = [acc]
        order = order[1:]
    else:
        acc_flat, acc_tree = _flatten(initializer)
        acc = jax.tree_util.tree_unflatten(acc_tree, [constant.convert_to_tensor(a) for a in acc_flat])
        first = []
    history = list(first)
    for i in order:
        acc = fn(acc, jax.tree_util.tree_unflatten(structure, [e[i] for e in flat]))
        out_flat, tree = _flatten(acc)
        if tree != acc_tree:
            raise ValueError(f"fn must return the structure of the accumulator ({acc_tree}), got {tree}")
        acc = jax.tree_util.tree_unflatten(tree, [constant.convert_to_tensor(a) for a in out_flat])
        history.append(acc)
    if not emit:
        return acc
    if reverse:
        history = history[::-1]
    rows = [[constant.convert_to_tensor(a) for a in _flatten(h)[0]] for h in history]
    return jax.tree_util.tree_unflatten(acc_tree, _stack(rows, _flatten(acc)[0]))


def rnn_loop(cell, flat_x, x_structure, state, seq_len, pack, flatten):
    """tf.nn.dynamic_rnn's time loop, eagerly: `cell` on each time step of the time-major `flat_x`;
    past a sequence's length the output is zero and the state is carried through (TF's masking).
    Returns (outputs stacked over time, final state)."""
    from compat_tf._src.ops import array_ops, math_ops
    n_time = flat_x[0].shape.as_list()[0]
    if not n_time:
        raise ValueError("dynamic_rnn while executing eagerly needs at least one time step")
    rows, out_structure = [], None
    for t in range(n_time):
        out, new_state = cell(pack(x_structure, [x[t] for x in flat_x]), state)
        flat_out, flat_new = flatten(out), flatten(new_state)
        if len(flat_new) != len(flatten(state)):
            raise ValueError(f"The cell returned a state of {len(flat_new)} tensors for an initial state of "
                             f"{len(flatten(state))}: {new_state} vs {state}")
        if seq_len is not None:
            done = math_ops.greater_equal(t, seq_len)
            flat_out = [array_ops.where(done, array_ops.zeros_like(o), o) for o in flat_out]
            flat_new = [array_ops.where(done, s, n) for s, n in zip(flatten(state), flat_new)]
        state = pack(new_state, flat_new)
        rows.append(flat_out)
        out_structure = out
    stacked = [array_ops.stack([r[k] for r in rows]) for k in range(len(rows[0]))]
    return pack(out_structure, stacked), state
