"""tf.nn.dynamic_rnn, static_rnn, bidirectional_dynamic_rnn, static_bidirectional_rnn (TF 1.15).

`dynamic_rnn` calls the cell once at build time on symbolic per-step inputs and states (as
TF1's while-loop body does), records the ops it creates as a sub-graph owned by one op
(type "RnnScan", named 'rnn/while'), and lowers that op to one `lax.scan` over the time-major
inputs. So the time loop is one XLA loop whatever the batch size (which may be unknown at
build time), and tf.gradients differentiates through it. Variables the cell reads are inputs
of the owner op (gradients reach them); variables it assigns are threaded through the scan.

With `sequence_length`, a batch entry's outputs at steps `t >= sequence_length[b]` are zeros
and its state is carried through unchanged, so the final state is the state after its last
valid step (TF1's semantics). Random ops inside the cell (DropoutWrapper) draw new numbers at
every step.

`static_rnn` unrolls the cell over a Python list of inputs, as TF1 does (variables created on
the first step and reused), with the same masking. The bidirectional variants run the backward
cell on the inputs reversed within each sequence's length (tf.reverse_sequence), under
'bidirectional_rnn/fw' and 'bidirectional_rnn/bw'.

Deviations: `parallel_iterations` and `swap_memory` are accepted and ignored; TF1's run-time
check that `sequence_length` has `batch_size` entries is an InvalidArgumentError raised while
the step is compiled; `raw_rnn` and `static_state_saving_rnn` are not provided.
"""

import jax.numpy as jnp
from jax import lax

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops as _cf
from compat_tf._src.ops import functional_ops as _fo
from compat_tf._src.ops import variable_scope as vs
from compat_tf._src.ops.rnn_cell_impl import (
    _flatten,
    _is_sequence,
    _map_structure,
    _pack_sequence_as,
    _zeros,
    assert_like_rnncell,
)
from compat_tf._src.runtime import lowering

__all__ = []  # public names live in tf.nn / tf.contrib.rnn (see compat_tf/nn.py)


# --------------------------------------------------------------------------------------------
# the owner op: one lax.scan over time
# --------------------------------------------------------------------------------------------


def _rnn_scan_shape(op):
    return list(op.get_attr("_output_specs"))


@register_op("RnnScan", shape=_rnn_scan_shape, ctx=True, stateful=True)
def _rnn_scan(
    ctx,
    *inputs,
    _n_x,
    _n_state,
    _has_len,
    _n_ref_values,
    _ops,
    _vars,
    _out,
    _state_out,
    _externals,
    _ref_values,
    _refs,
    _output_specs,
    _state_reads=(),
    _state_writes=(),
    _ref_shapes=(),
    **_,
):
    from compat_tf._src.runtime import plan

    nx, ns, nr = _n_x, _n_state, _n_ref_values
    xs = [jnp.asarray(x) for x in inputs[:nx]]
    init = [
        jnp.asarray(v, _dtypes.to_jax_dtype(d))
        for v, (s, d) in zip(inputs[nx : nx + ns], _output_specs[len(_out) :])
    ]
    pos = nx + ns
    seq_len = None
    if _has_len:
        seq_len = jnp.asarray(inputs[pos], jnp.int32)
        pos += 1
    ref_vals = list(inputs[pos : pos + nr])
    ext_vals = list(inputs[pos + nr :])
    n_time = xs[0].shape[0]
    for x in xs:
        if x.ndim < 2 or x.shape[0] != n_time or x.shape[1] != xs[0].shape[1]:
            raise _errors.InvalidArgumentError(
                None,
                ctx.op,
                "dynamic_rnn inputs must agree in time steps and batch size, got shapes "
                f"{[tuple(v.shape) for v in xs]}",
            )
    batch = xs[0].shape[1]
    if seq_len is not None and seq_len.shape != (batch,):
        raise _errors.InvalidArgumentError(
            None,
            ctx.op,
            f"Expected shape for Tensor sequence_length is [{batch}] but saw shape: {list(seq_len.shape)}",
        )
    out_specs = _output_specs[: len(_out)]
    state0, written, readonly = _cf._loop_state(ctx, _state_reads, _state_writes, _ref_shapes,
                                                _ref_values, ref_vals)
    iteration_counter = _cf._iteration_counters(ctx)

    def step(carry, inp):
        vals, wstate = carry
        t, x = inp
        env = dict(zip(_externals, ext_vals))
        env.update(zip(_ref_values, ref_vals))
        env.update(zip(_vars, list(x) + list(vals)))
        for r in _refs:
            env[r] = lowering.VarRef(plan.ref_key(r))
        # a different random stream at each step (dropout masks differ across time, as in TF1)
        env, sub = _cf._run_function(ctx, _ops, env, {**readonly, **wstate}, iteration_counter(t))
        outs = [
            jnp.asarray(_cf._value(sub, env, o), _dtypes.to_jax_dtype(d))
            for o, (s, d) in zip(_out, out_specs)
        ]
        new = []
        for o, v0 in zip(_state_out, vals):
            v = jnp.asarray(_cf._value(sub, env, o), v0.dtype)
            if v.shape != v0.shape:
                raise ValueError(
                    f"dynamic_rnn: the cell's state {o.name} changed shape from {v0.shape} to "
                    f"{v.shape} in one step"
                )
            new.append(v)
        if seq_len is not None:
            done = t >= seq_len  # [batch]: this step is past the sequence's end

            def mask(v):
                return done.reshape((-1,) + (1,) * (v.ndim - 1))

            outs = [jnp.where(mask(o), jnp.zeros_like(o), o) for o in outs]
            # scalar state parts (an AttentionWrapperState's time) have no batch axis: passed through
            new = [v if v.ndim == 0 else jnp.where(mask(v), v0, v) for v, v0 in zip(new, vals)]
        return (new, {k: sub.state[k] for k in written}), outs

    carry0 = (init, {k: state0[k] for k in written})
    (final, wstate), ys = lax.scan(step, carry0, (jnp.arange(n_time, dtype=jnp.int32), xs))
    for k, v in wstate.items():
        ctx.write(lowering.VarRef(k), v)
    return list(ys) + list(final)


def _rnn_loop(cell, flat_x, x_structure, state, seq_len, scope_name="while"):
    """Builds the RnnScan op over time-major `flat_x`; returns (outputs structure, final state)."""
    from compat_tf._src.eager import control_flow as _eager_cf
    if _eager_cf.executing_eagerly():
        return _eager_cf.rnn_loop(cell, flat_x, x_structure, state, seq_len, _pack_sequence_as, _flatten)
    g = _graph.get_default_graph()
    flat_state = [_constant.convert_to_tensor(s) for s in _flatten(state)]
    with g.name_scope(scope_name) as scope:
        arg_specs = [(x.shape[1:], x.dtype.base_dtype) for x in flat_x] + [
            (s.shape, s.dtype.base_dtype) for s in flat_state
        ]
        nx = len(flat_x)

        def build_args(vars_):
            x_t = _pack_sequence_as(x_structure, vars_[:nx])
            st = _pack_sequence_as(state, vars_[nx:])
            return (x_t, st)

        def body(x_t, st):
            out, new_state = cell(x_t, st)
            flat_new = _flatten(new_state)
            if len(flat_new) != len(flat_state):
                raise ValueError(
                    f"The cell returned a state of {len(flat_new)} tensors for an initial state of "
                    f"{len(flat_state)}: {new_state} vs {state}"
                )
            return (out, new_state)

        f, vars_, flat_outs, out_structure = _fo._trace(g, "tf.nn.dynamic_rnn", body, arg_specs, build_args)
        # out_structure describes (output, new_state); split the flat list
        with g._building_function(f.ops):
            flat_outs = [_constant.convert_to_tensor(t) for t in flat_outs]
        n_state = len(flat_state)
        out_flat, state_flat = (
            flat_outs[:-n_state] if n_state else flat_outs,
            flat_outs[-n_state:] if n_state else [],
        )
        for s0, s1 in zip(flat_state, state_flat):
            if s0.dtype.base_dtype != s1.dtype.base_dtype:
                raise TypeError(
                    f"dynamic_rnn: the cell's state has dtype {s0.dtype.base_dtype.name} at the start "
                    f"and {s1.dtype.base_dtype.name} after one step"
                )
        _cf._check_device_only([f], "tf.nn.dynamic_rnn")
        values, refs, controls = _cf._externals([f], list(flat_outs))
        values = [t for t in values if t not in vars_]
        reads, writes = _cf._state_access([f], refs)
        from compat_tf._src.runtime import plan

        ref_values = [t for t in refs if plan.ref_key(t) is not None and plan.ref_key(t) not in writes]
        state_refs = [t for t in refs if t not in ref_values]
        # read-only variables the cell uses directly are inputs (ref_values); keys read only by nested
        # owner ops (a tf.cond in the cell reading v.read_value()) stay state reads so the plan loads them
        value_keys = {plan.ref_key(t) for t in ref_values}
        reads = tuple(k for k in reads if k not in value_keys or k in writes)
        n_time = _dim(flat_x[0], 0)
        out_specs = [(_ts.TensorShape([n_time]).concatenate(t.shape), t.dtype.base_dtype) for t in out_flat]
        state_specs = [
            (s0.shape.most_specific_compatible_shape(s1.shape), s0.dtype.base_dtype)
            for s0, s1 in zip(flat_state, state_flat)
        ]
        specs = out_specs + state_specs
        attrs = {
            "_n_x": nx,
            "_n_state": n_state,
            "_has_len": seq_len is not None,
            "_n_ref_values": len(ref_values),
            "_ops": tuple(f.ops),
            "_vars": tuple(vars_),
            "_out": tuple(out_flat),
            "_state_out": tuple(state_flat),
            "_externals": tuple(values),
            "_ref_values": tuple(ref_values),
            "_refs": tuple(state_refs),
            "_output_specs": tuple(specs),
            "_state_reads": reads,
            "_state_writes": writes,
            "_ref_shapes": _cf._ref_shapes(state_refs),
        }
        inputs = list(flat_x) + flat_state + ([seq_len] if seq_len is not None else []) + ref_values + values
        op = g.create_op("RnnScan", inputs, attrs, name=scope, output_specs=specs, control_inputs=controls)
        for inner in f.ops:
            inner._func_owner_op = op
    outs = op.outputs[: len(out_flat)]
    final = op.outputs[len(out_flat) :]
    structure = out_structure[1][0] if isinstance(out_structure, tuple) else out_structure
    output = _cf._pack(structure, iter(outs))
    return output, _pack_sequence_as(state, final)


# --------------------------------------------------------------------------------------------
# dynamic_rnn
# --------------------------------------------------------------------------------------------


def _dim(x, i):
    """The static size of dimension i of tensor x (None if unknown)."""
    if x.shape.ndims is None or x.shape.ndims <= i:
        return None
    return x.shape.as_list()[i]


def _transpose_batch_time(x):
    x = _constant.convert_to_tensor(x)
    rank = x.shape.ndims
    if rank is None:
        raise ValueError("dynamic_rnn needs inputs of known rank (compat_tf transposes them statically)")
    if rank < 2:
        raise ValueError(f"Expected input tensor {x} to have rank at least 2")
    out = array_ops.transpose(x, [1, 0] + list(range(2, rank)))
    return out


def _best_effort_batch_size(flat_input):
    for x in flat_input:
        shape = x.shape
        if shape.ndims is None:
            continue
        if shape.ndims < 2:
            raise ValueError(f"Expected input tensor {x} to have rank at least 2")
        if _dim(x, 1) is not None:
            return _dim(x, 1)
    return array_ops.shape(flat_input[0])[1]


def _state_dtype(state):
    flat = _flatten(state)
    if not flat:
        raise ValueError("Unable to infer dtype from empty state.")
    dts = {_constant.convert_to_tensor(s).dtype.base_dtype for s in flat}
    if len(dts) != 1:
        raise ValueError(
            f"State has tensors of different inferred_dtypes. Unable to infer a single "
            f"representative dtype. Dtypes received: {sorted(d.name for d in dts)}"
        )
    return dts.pop()


def _seq_len_tensor(sequence_length):
    seq = math_ops.cast(sequence_length, _dtypes.int32)
    if seq.shape.ndims not in (None, 1):
        raise ValueError(f"sequence_length must be a vector of length batch_size, but saw shape: {seq.shape}")
    from compat_tf._src.ops import control_flow_ops

    return control_flow_ops.identity(seq, name="sequence_length")


def _initial(cell, initial_state, batch_size, dtype):
    if initial_state is not None:
        return initial_state
    if not dtype:
        raise ValueError("If there is no initial_state, you must give a dtype.")
    if getattr(cell, "get_initial_state", None) is not None:
        return cell.get_initial_state(inputs=None, batch_size=batch_size, dtype=dtype)
    return cell.zero_state(batch_size, dtype)


def dynamic_rnn(
    cell,
    inputs,
    sequence_length=None,
    initial_state=None,
    dtype=None,
    parallel_iterations=None,
    swap_memory=False,
    time_major=False,
    scope=None,
):
    """tf.nn.dynamic_rnn: runs `cell` over the time dimension of `inputs` (one lax.scan).

    Returns `(outputs, state)`: outputs `[batch, time, output_size]` (`[time, batch, ...]` with
    `time_major=True`), zeros past each sequence's length; state the final state (at each
    sequence's last valid step). Variables are created under `scope` (default 'rnn').
    """
    assert_like_rnncell("cell", cell)
    with vs.variable_scope(scope or "rnn"):
        flat_input = [_constant.convert_to_tensor(x) for x in _flatten(inputs)]
        if not flat_input:
            raise ValueError("inputs must not be empty")
        if not time_major:
            flat_input = [_transpose_batch_time(x) for x in flat_input]
        for x in flat_input:
            if x.shape.ndims is not None and x.shape.ndims < 2:
                raise ValueError(f"Expected input tensor {x} to have rank at least 2")
        times = {_dim(x, 0) for x in flat_input} - {None}
        if len(times) > 1:
            raise ValueError("Time steps is not the same for all the elements in the input in a batch.")
        batches = {_dim(x, 1) for x in flat_input} - {None}
        if len(batches) > 1:
            raise ValueError("Batch_size is not the same for all the elements in the input.")
        for x in flat_input:
            if x.shape.ndims is not None and x.shape.ndims >= 3 and _dim(x, 2) is None:
                raise ValueError(
                    "Input size (depth of inputs) must be accessible via shape inference, but saw value None."
                )
        seq = _seq_len_tensor(sequence_length) if sequence_length is not None else None
        batch_size = _best_effort_batch_size(flat_input)
        state = _initial(cell, initial_state, batch_size, dtype)
        if dtype is None:
            dtype = _state_dtype(state)
        input_structure = _pack_sequence_as(inputs, flat_input) if _is_sequence(inputs) else flat_input[0]
        outputs, final_state = _rnn_loop(cell, flat_input, input_structure, state, seq)
        if not time_major:
            outputs = _map_structure(_transpose_batch_time, outputs)
        return outputs, final_state


# --------------------------------------------------------------------------------------------
# static_rnn
# --------------------------------------------------------------------------------------------


def _rnn_step(time, sequence_length, zero_output, state, call_cell):
    """One masked step: outputs past the sequence end are zero, the state is copied through."""
    new_output, new_state = call_cell()
    _map_structure(lambda a, b: None, state, new_state)  # same number of tensors
    copy_cond = math_ops.greater_equal(time, sequence_length)
    output = _map_structure(lambda z, o: array_ops.where(copy_cond, z, o), zero_output, new_output)
    state = _map_structure(lambda s, n: array_ops.where(copy_cond, s, n), state, new_state)
    return output, state


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None, scope=None):
    """tf.nn.static_rnn: the cell unrolled over a Python list of `[batch, depth]` inputs.

    Returns `(outputs, state)`: a list of outputs (zeros past each sequence's length) and
    the final state (at each sequence's last valid step).
    """
    assert_like_rnncell("cell", cell)
    if not _is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with vs.variable_scope(scope or "rnn") as varscope:
        first_input = inputs
        while _is_sequence(first_input):
            first_input = first_input[0]
        first_input = _constant.convert_to_tensor(first_input)
        if first_input.shape.ndims != 1:
            flat = [_constant.convert_to_tensor(x) for x in _flatten(inputs[0])]
            for x in flat:
                if x.shape.ndims is not None:
                    if x.shape.ndims < 2:
                        raise ValueError(f"Input shape must have rank at least 2, got {x.shape}")
                    if x.shape[1:].num_elements() is None:
                        raise ValueError(
                            "Input size (second dimension of inputs[0]) must be accessible via shape "
                            "inference, but saw value None."
                        )
            fixed_batch = _dim(first_input, 0)
            batch_size = int(fixed_batch) if fixed_batch is not None else array_ops.shape(first_input)[0]
        else:
            batch_size = array_ops.shape(first_input)[0]
        state = _initial(cell, initial_state, batch_size, dtype)
        seq = None
        if sequence_length is not None:
            seq = _seq_len_tensor(sequence_length)
            out_dtype = dtype if dtype else _state_dtype(state)
            zero_output = _map_structure(
                lambda s: _zeros(batch_size, s, _dtypes.as_dtype(out_dtype)), cell.output_size
            )
        for time, input_ in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()

            def call_cell(input_=input_, state=state):
                return cell(input_, state)

            if seq is not None:
                output, state = _rnn_step(time, seq, zero_output, state, call_cell)
            else:
                output, state = call_cell()
            outputs.append(output)
        return outputs, state


# --------------------------------------------------------------------------------------------
# bidirectional
# --------------------------------------------------------------------------------------------


def _reverse(x, seq_lengths, seq_axis, batch_axis):
    if seq_lengths is not None:
        return array_ops.reverse_sequence(
            x, seq_lengths=seq_lengths, seq_axis=seq_axis, batch_axis=batch_axis
        )
    return array_ops.reverse(x, axis=[seq_axis])


def bidirectional_dynamic_rnn(
    cell_fw,
    cell_bw,
    inputs,
    sequence_length=None,
    initial_state_fw=None,
    initial_state_bw=None,
    dtype=None,
    parallel_iterations=None,
    swap_memory=False,
    time_major=False,
    scope=None,
):
    """tf.nn.bidirectional_dynamic_rnn: ((output_fw, output_bw), (state_fw, state_bw)).

    The backward cell reads each sequence reversed within its length; its outputs are
    reversed back, so output_bw[:, t] lines up with input t.
    """
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = dynamic_rnn(
                cell_fw,
                inputs,
                sequence_length=sequence_length,
                initial_state=initial_state_fw,
                dtype=dtype,
                parallel_iterations=parallel_iterations,
                swap_memory=swap_memory,
                time_major=time_major,
                scope=fw_scope,
            )
        time_axis, batch_axis = (0, 1) if time_major else (1, 0)
        seq = sequence_length
        with vs.variable_scope("bw") as bw_scope:
            inputs_reverse = _map_structure(lambda x: _reverse(x, seq, time_axis, batch_axis), inputs)
            tmp, output_state_bw = dynamic_rnn(
                cell_bw,
                inputs_reverse,
                sequence_length=sequence_length,
                initial_state=initial_state_bw,
                dtype=dtype,
                parallel_iterations=parallel_iterations,
                swap_memory=swap_memory,
                time_major=time_major,
                scope=bw_scope,
            )
    output_bw = _map_structure(lambda x: _reverse(x, seq, time_axis, batch_axis), tmp)
    return (output_fw, output_bw), (output_state_fw, output_state_bw)


def _reverse_seq(input_seq, lengths):
    if lengths is None:
        return list(reversed(input_seq))
    flat_seq = [_flatten(x) for x in input_seq]
    flat_results = [[] for _ in input_seq]
    for k in range(len(flat_seq[0])):
        steps = [_constant.convert_to_tensor(step[k]) for step in flat_seq]
        joined = array_ops.stack(steps)  # [time, batch, ...]
        rev = array_ops.reverse_sequence(joined, seq_lengths=lengths, seq_axis=0, batch_axis=1)
        for t, r in enumerate(array_ops.unstack(rev)):
            r.set_shape(steps[t].shape)
            flat_results[t].append(r)
    return [_pack_sequence_as(x, r) for x, r in zip(input_seq, flat_results)]


def static_bidirectional_rnn(
    cell_fw,
    cell_bw,
    inputs,
    initial_state_fw=None,
    initial_state_bw=None,
    dtype=None,
    sequence_length=None,
    scope=None,
):
    """tf.nn.static_bidirectional_rnn: (outputs, state_fw, state_bw), outputs[t] = concat([fw_t, bw_t], 1)."""
    assert_like_rnncell("cell_fw", cell_fw)
    assert_like_rnncell("cell_bw", cell_bw)
    if not _is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with vs.variable_scope(scope or "bidirectional_rnn"):
        with vs.variable_scope("fw") as fw_scope:
            output_fw, output_state_fw = static_rnn(
                cell_fw, inputs, initial_state_fw, dtype, sequence_length, scope=fw_scope
            )
        with vs.variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_seq(inputs, sequence_length)
            tmp, output_state_bw = static_rnn(
                cell_bw, reversed_inputs, initial_state_bw, dtype, sequence_length, scope=bw_scope
            )
    output_bw = _reverse_seq(tmp, sequence_length)
    flat_fw = [_flatten(o) for o in output_fw]
    flat_bw = [_flatten(o) for o in output_bw]
    outputs = [
        _pack_sequence_as(fw, [array_ops.concat([a, b], 1) for a, b in zip(ffw, fbw)])
        for fw, ffw, fbw in zip(output_fw, flat_fw, flat_bw)
    ]
    return outputs, output_state_fw, output_state_bw


def stack_bidirectional_dynamic_rnn(
    cells_fw,
    cells_bw,
    inputs,
    initial_states_fw=None,
    initial_states_bw=None,
    dtype=None,
    sequence_length=None,
    parallel_iterations=None,
    time_major=False,
    scope=None,
    swap_memory=False,
):
    """tf.contrib.rnn.stack_bidirectional_dynamic_rnn: layers of bidirectional_dynamic_rnn, each
    fed the previous layer's concatenated (fw, bw) outputs; variables under
    'stack_bidirectional_rnn/cell_<i>/bidirectional_rnn/{fw,bw}/'.

    Returns (outputs, output_states_fw, output_states_bw) (tuples of each layer's final states).
    """
    if not cells_fw:
        raise ValueError("Must specify at least one fw cell for BidirectionalRNN.")
    if not cells_bw:
        raise ValueError("Must specify at least one bw cell for BidirectionalRNN.")
    if not isinstance(cells_fw, list):
        raise ValueError("cells_fw must be a list of RNNCells (one per layer).")
    if not isinstance(cells_bw, list):
        raise ValueError("cells_bw must be a list of RNNCells (one per layer).")
    if len(cells_fw) != len(cells_bw):
        raise ValueError("Forward and Backward cells must have the same depth.")
    if initial_states_fw is not None and (
        not isinstance(initial_states_fw, list) or len(initial_states_fw) != len(cells_fw)
    ):
        raise ValueError("initial_states_fw must be a list of state tensors (one per layer).")
    if initial_states_bw is not None and (
        not isinstance(initial_states_bw, list) or len(initial_states_bw) != len(cells_bw)
    ):
        raise ValueError("initial_states_bw must be a list of state tensors (one per layer).")
    states_fw, states_bw = [], []
    prev_layer = inputs
    with vs.variable_scope(scope or "stack_bidirectional_rnn"):
        for i, (cell_fw, cell_bw) in enumerate(zip(cells_fw, cells_bw)):
            init_fw = initial_states_fw[i] if initial_states_fw else None
            init_bw = initial_states_bw[i] if initial_states_bw else None
            with vs.variable_scope("cell_%d" % i):
                outputs, (state_fw, state_bw) = bidirectional_dynamic_rnn(
                    cell_fw,
                    cell_bw,
                    prev_layer,
                    initial_state_fw=init_fw,
                    initial_state_bw=init_bw,
                    sequence_length=sequence_length,
                    parallel_iterations=parallel_iterations,
                    dtype=dtype,
                    swap_memory=swap_memory,
                    time_major=time_major,
                )
                prev_layer = array_ops.concat(outputs, 2)
            states_fw.append(state_fw)
            states_bw.append(state_bw)
    return prev_layer, tuple(states_fw), tuple(states_bw)
