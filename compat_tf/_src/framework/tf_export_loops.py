"""TF1 while frames for compat_tf's loop owner ops, as framework/tf_export writes them.

`LoopEmitter` is the part of tf_export's exporter that writes tf.while_loop (While) and the scans
built on the same frame, tf.map_fn/tf.scan/tf.foldl/tf.foldr (FunctionalScan) and
tf.nn.dynamic_rnn (RnnScan), as TF 1.15 itself writes them: Enter (loop variables; tensors from
outside with is_constant), Merge(Enter, NextIteration), the condition, LoopCond, Switch, Identity
(the body's loop variables), the body, NextIteration, Exit. `maximum_iterations` is an iteration
counter and a LogicalAnd; a scan runs over an iteration counter, reads each element with GatherV2,
writes its per-step outputs to a TensorArrayV3 gathered after the loop, and masks steps past a
dynamic_rnn's sequence_length with Select. See tf_export's module doc for the rest.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts


def _element_shape(stacked):
    """The shape of one step's output, given the stacked output's [steps, ...] shape."""
    stacked = _ts.as_shape(stacked)
    return _ts.unknown_shape() if stacked.ndims is None else _ts.TensorShape(stacked.dims[1:])



class LoopEmitter:
    """Mixed into tf_export's exporter (uses its node/const/ref/emit_all/forward_outputs)."""

    # -- while frames ----------------------------------------------------------------------
    def _frame(self, p, inits, dtypes, externals, tmap, ctrls, parallel_iterations=10):
        """Enters, Merges of a new frame; returns (frame info dict)."""
        frame = p + "/while_context"
        enters = [self.node(p + "/Enter", "Enter", [init] + ctrls,
                            {"T": dt, "frame_name": frame, "is_constant": False,
                             "parallel_iterations": parallel_iterations})
                  for init, dt in zip(inits, dtypes)]
        merges = [self.node(p + "/Merge", "Merge", [e, e], {"T": dt, "N": 2}) for e, dt in zip(enters, dtypes)]
        inner = dict(tmap)
        for t in externals:
            src = self.ref(t, tmap)
            dt = t.dtype.base_dtype
            if t.dtype._is_ref_dtype:
                src = self.node(p + "/read", "Identity", [src], {"T": dt})
            inner[t] = self.node(p + "/Enter", "Enter", [src] + ctrls,
                                 {"T": dt, "frame_name": frame, "is_constant": True,
                                  "parallel_iterations": parallel_iterations})
        return frame, merges, inner

    def _close_frame(self, p, merges, dtypes, pred, next_values):
        """LoopCond, Switches, body Identities (returned), NextIterations (patched into the Merges), Exits."""
        cond = self.node(p + "/LoopCond", "LoopCond", [pred])
        switches = [self.node(p + "/Switch", "Switch", [m, cond], {"T": dt}) for m, dt in zip(merges, dtypes)]
        idents = [self.node(p + "/Identity", "Identity", [s + ":1"], {"T": dt}) for s, dt in zip(switches, dtypes)]
        exits = [self.node(p + "/Exit", "Exit", [s], {"T": dt}) for s, dt in zip(switches, dtypes)]
        return idents, exits

    def _patch_next(self, p, merges, dtypes, body_values):
        by_name = {n.name: n for n in self.out.node}
        for m, v, dt in zip(merges, body_values, dtypes):
            nxt = self.node(p + "/NextIteration", "NextIteration", [v], {"T": dt})
            by_name[m].input[1] = nxt

    def emit_while(self, op, tmap, pivot):
        p = op.name
        n = op.attrs["_n_vars"]
        loop_vars = list(op.attrs["_vars"])
        cvars, bvars = loop_vars[:n], loop_vars[n:]
        dtypes = [t.dtype.base_dtype for t in op.outputs]
        inits = [self.ref(t, tmap) for t in op.inputs[:n]]
        ctrls = ["^" + c.name for c in op.control_inputs]
        max_iter = op.attrs.get("_max_iter")
        if max_iter is not None:
            inits.append(self.const(p + "/iteration_counter", 0, _dtypes.int32, ctrl=pivot))
            dtypes.append(_dtypes.int32)
        externals = list(op.attrs["_externals"]) + list(op.attrs["_refs"])
        frame, merges, inner = self._frame(p, inits, dtypes, externals, tmap, ctrls)
        cmap = dict(inner)
        cmap.update(zip(cvars, merges))
        self.emit_all(op.attrs["_cond_ops"], cmap, merges[0])
        pred = self.ref(op.attrs["_pred"], cmap)
        if max_iter is not None:
            limit = self.const(p + "/maximum_iterations", int(max_iter), _dtypes.int32, ctrl=merges[0])
            less = self.node(p + "/Less", "Less", [merges[-1], limit], {"T": _dtypes.int32})
            pred = self.node(p + "/LogicalAnd", "LogicalAnd", [less, pred])
        idents, exits = self._close_frame(p, merges, dtypes, pred, None)
        bmap = dict(inner)
        bmap.update(zip(bvars, idents))
        self.emit_all(op.attrs["_body_ops"], bmap, idents[0])
        nexts = [self.ref(t, bmap) for t in op.attrs["_body_out"]]
        if max_iter is not None:
            one = self.const(p + "/add/y", 1, _dtypes.int32, ctrl=idents[0])
            nexts.append(self.node(p + "/add", "AddV2", [idents[-1], one], {"T": _dtypes.int32}))
        self._patch_next(p, merges, dtypes, nexts)
        self.forward_outputs(op, exits[:n])

    def _scan_loop(self, op, tmap, pivot, p, n_steps, carries, carry_dtypes, xs, x_index, var_order, ops, carry_out,
                   y_out, y_specs, externals, mask=None, y_at_step=False):
        """A while frame over i in [0, n_steps): x_j = GatherV2(xs_j, x_index(i)); runs `ops`; carries
        `carry_out`; writes `y_out` to TensorArrays at x_index(i) (at i with y_at_step).
        Returns ([carry exits], [stacked ys])."""
        ctrls = ["^" + c.name for c in op.control_inputs]
        y_specs = [(_element_shape(shape), dt) for shape, dt in y_specs]     # one step's output
        tas = []
        for j, (shape, dt) in enumerate(y_specs):
            elem = _ts.as_shape(shape)
            tas.append(self.node(p + "/TensorArray", "TensorArrayV3", [n_steps],
                                 {"dtype": dt, "element_shape": elem, "dynamic_size": False,
                                  "clear_after_read": True, "identical_element_shapes": True,
                                  "tensor_array_name": ""}))
        zero = self.const(p + "/time", 0, _dtypes.int32, ctrl=pivot)
        inits = [zero] + carries + [ta + ":1" for ta in tas]
        dtypes = [_dtypes.int32] + carry_dtypes + [_dtypes.float32] * len(tas)
        ext = list(externals)
        frame, merges, inner = self._frame(p, inits, dtypes, ext, tmap, ctrls)
        xs_in = [inner.get(x) or self.node(p + "/Enter", "Enter", [self.ref(x, tmap)],
                                            {"T": x.dtype.base_dtype, "frame_name": frame, "is_constant": True,
                                             "parallel_iterations": 10}) for x in xs]
        n_in = self.node(p + "/Enter", "Enter", [n_steps], {"T": _dtypes.int32, "frame_name": frame,
                                                            "is_constant": True, "parallel_iterations": 10})
        ta_in = [self.node(p + "/Enter", "Enter", [ta], {"T": _dtypes.resource, "frame_name": frame,
                                                          "is_constant": True, "parallel_iterations": 10})
                 for ta in tas]
        less = self.node(p + "/Less", "Less", [merges[0], n_in], {"T": _dtypes.int32})
        idents, exits = self._close_frame(p, merges, dtypes, less, None)
        i = idents[0]
        bmap = dict(inner)
        idx = x_index(i, n_in, idents[0])
        axis = self.const(p + "/GatherV2/axis", 0, _dtypes.int32, ctrl=idents[0])
        elems = [self.node(p + "/GatherV2", "GatherV2", [x, idx, axis],
                           {"Tparams": x0.dtype.base_dtype, "Tindices": _dtypes.int32, "Taxis": _dtypes.int32,
                            "batch_dims": 0}) for x, x0 in zip(xs_in, xs)]
        carry_ids = idents[1:1 + len(carries)]
        bmap.update(zip(var_order(carry_ids, elems)[0], var_order(carry_ids, elems)[1]))
        self.emit_all(ops, bmap, idents[0])
        new_carry = [self.ref(t, bmap) for t in carry_out]
        ys = [self.ref(t, bmap) for t in y_out]
        if mask is not None:
            ys, new_carry = mask(i, ys, new_carry, carry_ids, bmap, frame)
        flows = []
        at = i if y_at_step else idx
        for ta, y, flow, (shape, dt) in zip(ta_in, ys, idents[1 + len(carries):], y_specs):
            flows.append(self.node(p + "/TensorArrayWrite/TensorArrayWriteV3", "TensorArrayWriteV3",
                                   [ta, at, y, flow], {"T": dt}))
        one = self.const(p + "/add/y", 1, _dtypes.int32, ctrl=idents[0])
        nxt_i = self.node(p + "/add", "AddV2", [i, one], {"T": _dtypes.int32})
        self._patch_next(p, merges, dtypes, [nxt_i] + new_carry + flows)
        stacked = []
        for ta, flow_exit, (shape, dt) in zip(tas, exits[1 + len(carries):], y_specs):
            size = self.node(p + "/TensorArrayStack/TensorArraySizeV3", "TensorArraySizeV3", [ta, flow_exit])
            start = self.const(p + "/TensorArrayStack/range/start", 0, _dtypes.int32, ctrl=pivot)
            delta = self.const(p + "/TensorArrayStack/range/delta", 1, _dtypes.int32, ctrl=pivot)
            rng = self.node(p + "/TensorArrayStack/range", "Range", [start, size, delta], {"Tidx": _dtypes.int32})
            stacked.append(self.node(p + "/TensorArrayStack/TensorArrayGatherV3", "TensorArrayGatherV3",
                                     [ta, rng, flow_exit], {"dtype": dt, "element_shape": _ts.as_shape(shape)}))
        return exits[1:1 + len(carries)], stacked

    def _leading_dim(self, p, x, tmap, pivot):
        dim = x.shape[0] if x.shape.ndims else None
        if dim is not None and getattr(dim, "value", dim) is not None:
            return self.const(p + "/n", int(getattr(dim, "value", dim)), _dtypes.int32, ctrl=pivot)
        shape = self.node(p + "/Shape", "Shape", [self.ref(x, tmap)], {"T": x.dtype.base_dtype,
                                                                        "out_type": _dtypes.int32})
        b, e, s = (self.const(p + f"/strided_slice/stack{k}", v, _dtypes.int32, ctrl=pivot) for k, v in
                   (("", [0]), ("_1", [1]), ("_2", [1])))
        return self.node(p + "/strided_slice", "StridedSlice", [shape, b, e, s],
                         {"T": _dtypes.int32, "Index": _dtypes.int32, "begin_mask": 0, "end_mask": 0,
                          "ellipsis_mask": 0, "new_axis_mask": 0, "shrink_axis_mask": 1})

    def emit_functionalscan(self, op, tmap, pivot):
        a = op.attrs
        p = op.name
        ne, nc = a["_n_elems"], a["_n_carry"]
        elems = list(op.inputs[:ne])
        init = [self.ref(t, tmap) for t in op.inputs[ne:ne + nc]]
        carry_dtypes = [t.dtype.base_dtype for t in op.inputs[ne:ne + nc]]
        reverse, first = bool(a["_reverse"]), bool(a["_first_is_init"])
        n = self._leading_dim(p, elems[0], tmap, pivot)
        if first:
            # the first (last, reversed) element is the initial carry; the loop runs over the others
            one = self.const(p + "/one", 1, _dtypes.int32, ctrl=pivot)
            axis0 = self.const(p + "/first/axis", 0, _dtypes.int32, ctrl=pivot)
            if reverse:
                at = self.node(p + "/last", "Sub", [n, one], {"T": _dtypes.int32})
            else:
                at = self.const(p + "/first/index", 0, _dtypes.int32, ctrl=pivot)
            init = [self.node(p + "/first", "GatherV2", [self.ref(e, tmap), at, axis0],
                              {"Tparams": e.dtype.base_dtype, "Tindices": _dtypes.int32, "Taxis": _dtypes.int32,
                               "batch_dims": 0}) for e in elems]
            carry_dtypes = [e.dtype.base_dtype for e in elems]
            steps = self.node(p + "/steps", "Sub", [n, one], {"T": _dtypes.int32})
        else:
            steps = n
        externals = list(a["_externals"]) + list(a["_ref_values"])
        emit = bool(a["_emit"])
        y_specs = list(a["_output_specs"]) if emit else []

        def x_index(i, n_in, pivot_id):
            if not reverse and not first:
                return i
            if not reverse:
                one_in = self.const(p + "/index/y", 1, _dtypes.int32, ctrl=pivot_id)
                return self.node(p + "/index", "AddV2", [i, one_in], {"T": _dtypes.int32})
            one_in = self.const(p + "/index/one", 1, _dtypes.int32, ctrl=pivot_id)
            last = self.node(p + "/index/last", "Sub", [n_in, one_in], {"T": _dtypes.int32})
            return self.node(p + "/index", "Sub", [last, i], {"T": _dtypes.int32})

        def var_order(carry_ids, xs):      # FunctionalScan binds carries first, then elements
            return list(a["_vars"]), list(carry_ids) + list(xs)
        finals, ys = self._scan_loop(op, tmap, pivot, p, steps, init, carry_dtypes, elems, x_index, var_order,
                                     a["_ops"], a["_carry_out"], a["_y_out"] if emit else [], y_specs, externals,
                                     y_at_step=first and not reverse)
        if not emit:
            self.forward_outputs(op, finals)
            return
        if first:
            # TF's scan without an initializer emits the first element (last, reversed) as it is
            joined = []
            for y, e0, (shape, dt) in zip(ys, init, y_specs):
                ax = self.const(p + "/concat/axis", 0, _dtypes.int32, ctrl=pivot)
                dims = self.const(p + "/ExpandDims/dim", 0, _dtypes.int32, ctrl=pivot)
                head = self.node(p + "/ExpandDims", "ExpandDims", [e0, dims], {"T": dt, "Tdim": _dtypes.int32})
                parts = [y, head] if reverse else [head, y]
                joined.append(self.node(p + "/concat", "ConcatV2", parts + [ax],
                                        {"T": dt, "N": 2, "Tidx": _dtypes.int32}))
            ys = joined
        self.forward_outputs(op, ys)

    def emit_rnnscan(self, op, tmap, pivot):
        a = op.attrs
        p = op.name
        nx, ns, has_len = a["_n_x"], a["_n_state"], bool(a["_has_len"])
        xs = list(op.inputs[:nx])
        init = [self.ref(t, tmap) for t in op.inputs[nx:nx + ns]]
        out_specs = list(a["_output_specs"])[:len(a["_out"])]
        state_dtypes = [d for _, d in list(a["_output_specs"])[len(a["_out"]):]]
        seq_len = op.inputs[nx + ns] if has_len else None
        externals = list(a["_externals"]) + list(a["_ref_values"]) + ([seq_len] if has_len else [])
        n = self._leading_dim(p, xs[0], tmap, pivot)

        def var_order(state_ids, x_vals):   # RnnScan binds inputs first, then the state
            return list(a["_vars"]), list(x_vals) + list(state_ids)

        def mask(i, ys, new_state, old_state, bmap, frame):
            sl = bmap[seq_len]
            sl32 = self.node(p + "/Cast", "Cast", [sl], {"SrcT": seq_len.dtype.base_dtype, "DstT": _dtypes.int32,
                                                       "Truncate": False}) \
                if seq_len.dtype.base_dtype != _dtypes.int32 else sl
            done = self.node(p + "/GreaterEqual", "GreaterEqual", [i, sl32], {"T": _dtypes.int32})
            outs = []
            for y, (shape, dt) in zip(ys, out_specs):
                z = self.node(p + "/zeros_like", "ZerosLike", [y], {"T": dt})
                outs.append(self.node(p + "/Select", "Select", [done, z, y], {"T": dt}))
            states = [self.node(p + "/Select", "Select", [done, old, new], {"T": dt})
                      for new, old, dt in zip(new_state, old_state, state_dtypes)]
            return outs, states
        finals, ys = self._scan_loop(op, tmap, pivot, p, n, init, state_dtypes, xs, lambda i, n_in, piv: i, var_order,
                                     a["_ops"], a["_state_out"], a["_out"], out_specs, externals,
                                     mask if has_len else None)
        self.forward_outputs(op, ys + finals)
