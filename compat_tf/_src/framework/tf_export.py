"""Exporting a compat_tf graph in TensorFlow's own op vocabulary, which real TF imports and runs.

`Graph.as_graph_def()` writes compat_tf's encoding: its owner ops (If, While, FunctionalScan,
RnnScan) with their sub-graphs named in `_compat_tf_*` attrs, and a few op types TF does not have.
`to_tf_graph_def(graph)` rewrites that into what TF 1.15 itself writes (the inverse of
framework/tf_control_flow_import, which reads it back):

- tf.cond (If) -> TF1 control flow: Switch(pred, pred) with its switch_t/switch_f/pred_id
  identities, one Switch per tensor the branches read from outside, the branch ops (an op with no
  input from its own branch gets the branch pivot as a control input), one Merge(false, true) per
  output;
- tf.while_loop (While) -> a TF1 while frame: Enter, Merge(Enter, NextIteration), the condition,
  LoopCond, Switch, Identity (the body's loop variables), the body, NextIteration, Exit; tensors
  read from outside enter with is_constant; `maximum_iterations` becomes an iteration counter
  and a LogicalAnd, as TF1 builds it;
- tf.map_fn / tf.scan / tf.foldl / tf.foldr (FunctionalScan) and tf.nn.dynamic_rnn (RnnScan) ->
  the same while frame over an iteration counter, each element read with GatherV2, the per-step
  outputs written to a TensorArrayV3 and gathered after the loop (TF1's own pattern), a
  sequence_length mask as Select ops;
- each such construct keeps its outputs' names: a node with the owner op's name (an IdentityN, or
  an Identity for one output) forwards the Merges / Exits, so consumers (`cond:0`) are unchanged;
- op types TF does not have: `_HostRange`/`_HostFill` -> Range/Fill, Tensordot -> Einsum,
  ReduceLogSumExp -> TF1's max-shifted log(sum(exp)), ReportUninitializedVariables -> TF1's
  IsVariableInitialized/Pack/LogicalNot/boolean_mask construction;
- compat_tf's private `_compat_tf_*` attrs are dropped.

- tf.gradients (compat_tf's `Gradients`, differentiated by JAX) -> TF1's backward graph from TF's
  gradient kernels, for the forward op types framework/tf_export_gradients has rules for.

What TF's vocabulary cannot say raises NotExportableError at export, naming every such op and
what to export instead: a Gradients op over a forward op without a rule (or tf.hessians), a cond or
loop whose body assigns variables, compat_tf's internal TensorArray and CTC ops. Nodes keep their
names, devices and attrs otherwise. `export_graph_def` is the policy the export points apply.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph_io
from compat_tf._src.framework import tf_export_loops
from compat_tf._src.protos import graph_pb2, node_def_pb2

__all__ = ["NotExportableError", "export_graph_def", "to_tf_graph_def"]

_WHY = {
    "Gradients": "tf.gradients, which compat_tf differentiates with JAX (TF has no op for it)",
    "SparseApplyGradientDescent": "a compat_tf-internal sparse gradient-descent update",
    "TensorArrayScatterNew": "a compat_tf-internal TensorArray op", "TensorArrayWriteNew":
    "a compat_tf-internal TensorArray op", "TensorArrayZeros": "a compat_tf-internal TensorArray op",
    "_CTCLossCheck": "a compat_tf-internal CTC check", "_IndexLimit": "a compat_tf-internal index check",
    "_OrthogonalQ": "a compat_tf-internal QR factor", "_LoopVar": "a loop variable outside its loop",
    "_SparseShapeDims": "a compat_tf-internal read of a run-time sparse dense_shape (give the SparseTensor a "
    "constant shape)",
}
_OWNERS = ("If", "While", "FunctionalScan", "RnnScan")
_RENAMED = {"_HostRange": "Range", "_HostFill": "Fill"}
_TRANSLATED = {"Tensordot": "emit_tensordot", "ReduceLogSumExp": "emit_reducelogsumexp",
               "ReportUninitializedVariables": "emit_reportuninitializedvariables"}


class NotExportableError(ValueError):
    """A graph holds ops TF's vocabulary cannot express (each is named in the message and in `ops`)."""

    def __init__(self, message, ops=()):
        super().__init__(message)
        self.ops = list(ops)


def _hint(what):
    return (f"Real TensorFlow could not load {what} as compat_tf would write it. Export the inference "
            "sub-graph instead: freeze it with tf.graph_util.convert_variables_to_constants(sess, graph_def, "
            "[output names]) (which keeps only what the outputs need), or write a meta graph/SavedModel of a "
            "graph built for serving (no optimizer, no tf.gradients).")


class _Exporter(tf_export_loops.LoopEmitter):
    """Writes TF's vocabulary for the ops of one graph (loops and scans: tf_export_loops)."""

    def __init__(self, graph, add_shapes):
        self.graph = graph
        self.add_shapes = add_shapes
        self.out = graph_pb2.GraphDef()
        self.out.versions.CopyFrom(graph_io.graph_def_versions())
        self.names = {op.name for op in graph.get_operations()}
        self.problems = []
        self.problem_ops = []
        self.done = set()          # Gradients ops already written with their tf.gradients call

    # -- names and nodes -------------------------------------------------------------
    def unique(self, base):
        name, i = base, 0
        while name in self.names:
            i += 1
            name = f"{base}_{i}"
        self.names.add(name)
        return name

    def node(self, base, op, inputs, attrs=None, device=""):
        nd = node_def_pb2.NodeDef(name=self.unique(base), op=op, device=device)
        nd.input.extend(inputs)
        for k, v in (attrs or {}).items():
            av = graph_io.attr_to_proto(v)
            if av is None:
                raise TypeError(f"cannot encode attr {k}={v!r}")
            nd.attr[k].CopyFrom(av)
        self.out.node.append(nd)
        return nd.name

    def const(self, base, value, dtype, ctrl=None):
        import numpy as np
        arr = np.asarray(value, dtype=dtype.as_numpy_dtype)
        return self.node(base, "Const", ["^" + ctrl] if ctrl else [], {"dtype": dtype, "value": arr})

    @staticmethod
    def ref(t, tmap):
        hit = tmap.get(t)
        return hit if hit is not None else graph_io._input_name(t)

    # -- ops --------------------------------------------------------------------------
    def emit_all(self, ops, tmap, pivot=None):
        for op in ops:
            self.emit(op, tmap, pivot)

    def problem(self, op, why):
        self.problems.append(why)
        self.problem_ops.append(op.name)

    def emit(self, op, tmap, pivot):
        if op.type == "_LoopVar" and op.outputs[0] in tmap:
            return                      # bound to its frame's Merge / Identity by the loop's emitter
        if op.type in _OWNERS:
            if op.attrs.get("_state_writes"):
                self.problem(op, f"{op.name} ({op.type}): its body assigns variables "
                                 f"({', '.join(op.attrs['_state_writes'])}), which compat_tf does not "
                                 "export as TF control flow")
                return
            getattr(self, "emit_" + op.type.lower())(op, tmap, pivot)
            return
        if op.type == "Gradients" and pivot is None:
            from compat_tf._src.framework import tf_export_gradients
            if op.name in self.done:
                return
            group = tf_export_gradients.group_of(op)       # one tf.gradients call: one backward pass
            self.done.update(o.name for o in group)
            why = tf_export_gradients.emit(self, group, tmap)  # TF1's backward graph, where it has the rules
            if why is not None:
                for o in group:
                    self.problem(o, f"{why}; {_WHY['Gradients']}" if o is group[0] else
                                 f"{o.name} (Gradients): part of the same tf.gradients call")
            return
        if op.type in _WHY:
            self.problem(op, f"{op.name} ({op.type}): {_WHY[op.type]}")
            return
        if op.type in _RENAMED:
            self.copy(op, tmap, pivot, _RENAMED[op.type])
        elif op.type in _TRANSLATED:
            getattr(self, _TRANSLATED[op.type])(op, tmap, pivot)
        else:
            self.copy(op, tmap, pivot)

    def copy(self, op, tmap, pivot, op_type=None):
        nd = graph_io.op_to_node_def(op, self.add_shapes)
        for k in [k for k in nd.attr if k.startswith(graph_io.PRIVATE_PREFIX)]:
            if k in (graph_io._OWNER, graph_io._OUTPUT_SPECS) or _names_nodes(nd.attr[k]):
                del nd.attr[k]
        if op_type is not None:
            nd.op = op_type
            if op_type == "Range":
                nd.attr["Tidx"].type = op.inputs[0].dtype.base_dtype.as_datatype_enum
            elif op_type == "Fill":
                nd.attr["T"].type = op.inputs[1].dtype.base_dtype.as_datatype_enum
                nd.attr["index_type"].type = op.inputs[0].dtype.base_dtype.as_datatype_enum
        n_data = len(op.inputs)
        for i, t in enumerate(op.inputs):
            nd.input[i] = self.ref(t, tmap)
        for j in range(n_data, len(nd.input)):
            ctrl = nd.input[j][1:]
            nd.input[j] = "^" + tmap.get(("op", ctrl), ctrl)
        owner = getattr(op, "_func_owner_op", None)
        if pivot is not None and not any(getattr(t.op, "_func_owner_op", None) is owner for t in op.inputs):
            # no input from its own branch/body (none, or only tensors from outside): the pivot keeps it in
            # the branch or frame, as TF1's control-flow contexts do
            nd.input.append("^" + pivot)
        self.out.node.append(nd)
        self.names.add(nd.name)
        return nd.name

    # -- translations of compat_tf-only op types ----------------------------------------
    def emit_tensordot(self, op, tmap, pivot):
        eq = tensordot_equation(op)
        if eq is None:
            self.problem(op, f"{op.name} (Tensordot): operands of unknown rank")
            return
        a, b = op.inputs
        nd = node_def_pb2.NodeDef(name=op.name, op="Einsum", device=op.device or "")
        nd.input.extend([self.ref(a, tmap), self.ref(b, tmap)] + ["^" + c.name for c in op.control_inputs])
        for k, v in {"equation": eq, "N": 2, "T": a.dtype.base_dtype}.items():
            nd.attr[k].CopyFrom(graph_io.attr_to_proto(v))
        self.out.node.append(nd)

    def emit_reducelogsumexp(self, op, tmap, pivot):
        """TF1's reduce_logsumexp: log(sum(exp(x - m))) + m, m = the max where finite, else 0."""
        x, axis = op.inputs
        keep = bool(op.get_attr("keep_dims")) if "keep_dims" in op.attrs else False
        dt, it = x.dtype.base_dtype, axis.dtype.base_dtype
        p = op.name
        xs, ax = self.ref(x, tmap), self.ref(axis, tmap)
        raw = self.node(p + "/Max", "Max", [xs, ax], {"T": dt, "Tidx": it, "keep_dims": True})
        fin = self.node(p + "/IsFinite", "IsFinite", [raw], {"T": dt})
        zeros = self.node(p + "/zeros_like", "ZerosLike", [raw], {"T": dt})
        sel = self.node(p + "/SelectV2", "SelectV2", [fin, raw, zeros], {"T": dt})
        m = self.node(p + "/StopGradient", "StopGradient", [sel], {"T": dt})
        sub = self.node(p + "/sub", "Sub", [xs, m], {"T": dt})
        ex = self.node(p + "/Exp", "Exp", [sub], {"T": dt})
        s = self.node(p + "/Sum", "Sum", [ex, ax], {"T": dt, "Tidx": it, "keep_dims": keep})
        lg = self.node(p + "/Log", "Log", [s], {"T": dt})
        if not keep:
            shape = self.node(p + "/Shape", "Shape", [lg], {"T": dt, "out_type": _dtypes.int32})
            m = self.node(p + "/Reshape", "Reshape", [m, shape], {"T": dt, "Tshape": _dtypes.int32})
        self.names.discard(op.name)
        nd = node_def_pb2.NodeDef(name=op.name, op="AddV2", input=[lg, m])
        nd.input.extend("^" + c.name for c in op.control_inputs)
        nd.attr["T"].type = dt.as_datatype_enum
        self.out.node.append(nd)
        self.names.add(op.name)

    def emit_reportuninitializedvariables(self, op, tmap, pivot):
        """TF1's report_uninitialized_variables: the names of the variables not initialized yet."""
        import numpy as np
        p = op.name
        refs = list(op.inputs)
        names = op.attrs.get("var_names") or op.attrs.get("_var_names")
        if names is None or len(names) != len(refs):
            names = [r.op.name for r in refs]
        if not refs:
            self.names.discard(p)
            self.node(p, "Const", [], {"dtype": _dtypes.string, "value": np.zeros([0], object)})
            return
        inits = [self.node(f"{p}/IsVariableInitialized", "IsVariableInitialized", [self.ref(r, tmap)],
                           {"dtype": r.dtype.base_dtype}) for r in refs]
        stack = self.node(p + "/stack", "Pack", inits, {"T": _dtypes.bool, "N": len(inits), "axis": 0})
        mask = self.node(p + "/LogicalNot", "LogicalNot", [stack])
        const = self.node(p + "/Const", "Const", [], {"dtype": _dtypes.string,
                                                     "value": np.array([n.encode() for n in names], object)})
        where = self.node(p + "/Where", "Where", [mask], {"T": _dtypes.bool})
        squeeze = self.node(p + "/Squeeze", "Squeeze", [where], {"T": _dtypes.int64, "squeeze_dims": [1]})
        axis = self.const(p + "/axis", 0, _dtypes.int32, ctrl=pivot)
        self.names.discard(p)
        nd = node_def_pb2.NodeDef(name=p, op="GatherV2", input=[const, squeeze, axis])
        for k, v in {"Tparams": _dtypes.string, "Tindices": _dtypes.int64, "Taxis": _dtypes.int32,
                     "batch_dims": 0}.items():
            nd.attr[k].CopyFrom(graph_io.attr_to_proto(v))
        self.out.node.append(nd)
        self.names.add(p)

    # -- the outputs of a construct, under the owner's name ----------------------------------
    def forward_outputs(self, op, sources):
        """A node named like `op` whose outputs are `sources` (so `op:i` keeps meaning output i)."""
        self.names.discard(op.name)
        dts = [t.dtype.base_dtype for t in op.outputs]
        if len(sources) == 1:
            nd = node_def_pb2.NodeDef(name=op.name, op="Identity", input=[sources[0]])
            nd.attr["T"].type = dts[0].as_datatype_enum
        elif sources:
            nd = node_def_pb2.NodeDef(name=op.name, op="IdentityN", input=list(sources))
            nd.attr["T"].list.type.extend(d.as_datatype_enum for d in dts)
        else:
            nd = node_def_pb2.NodeDef(name=op.name, op="NoOp")
        if op.device:
            nd.device = op.device
        self.out.node.append(nd)
        self.names.add(op.name)

    # -- tf.cond -------------------------------------------------------------------------
    def emit_if(self, op, tmap, pivot):
        p = op.name
        pred = self.ref(op.inputs[0], tmap)
        ctrls = ["^" + tmap.get(("op", c.name), c.name) for c in op.control_inputs]
        sw = self.node(p + "/Switch", "Switch", [pred, pred] + ctrls, {"T": _dtypes.bool})
        piv = {1: self.node(p + "/switch_t", "Identity", [sw + ":1"], {"T": _dtypes.bool}),
               0: self.node(p + "/switch_f", "Identity", [sw], {"T": _dtypes.bool})}
        pred_id = self.node(p + "/pred_id", "Identity", [pred], {"T": _dtypes.bool})
        switched = {}
        for t in list(op.attrs["_externals"]) + list(op.attrs["_refs"]):
            src = self.ref(t, tmap)
            if t.dtype._is_ref_dtype:
                src = self.node(f"{p}/read", "Identity", [src], {"T": t.dtype.base_dtype})
            switched[t] = self.node(p + "/Switch", "Switch", [src, pred_id], {"T": t.dtype.base_dtype})
        merges = []
        outs = op.attrs["_outputs"]
        branch_maps = {}
        for branch, ops in ((1, op.attrs["_branches"][0]), (0, op.attrs["_branches"][1])):
            bmap = dict(tmap)
            for t, s in switched.items():
                bmap[t] = s if branch == 0 else s + ":1"
            self.emit_all(ops, bmap, piv[branch])
            branch_maps[branch] = bmap
        for i, (t_true, t_false) in enumerate(zip(outs[0], outs[1])):
            dt = op.outputs[i].dtype.base_dtype
            vals = []
            for branch, t in ((0, t_false), (1, t_true)):
                ref = self.ref(t, branch_maps[branch])
                if t not in branch_maps[branch] and getattr(t.op, "_func_owner_op", None) is not op:
                    # a tensor of an outer context returned as is: pass it through the branch
                    ref = self.node(f"{p}/Identity", "Identity", [ref, "^" + piv[branch]], {"T": dt})
                vals.append(ref)
            merges.append(self.node(p + "/Merge", "Merge", vals, {"T": dt, "N": 2}))
        self.forward_outputs(op, merges)

def tensordot_equation(op):
    """The Einsum equation of a Tensordot op (TF builds tf.tensordot from reshapes and a MatMul; one
    Einsum says the same), or None when an operand's rank is unknown."""
    a, b = op.inputs
    ra, rb = a.shape.ndims, b.shape.ndims
    if ra is None or rb is None:
        return None
    axes = op.get_attr("axes")
    if isinstance(axes, int):
        ax_a, ax_b = list(range(ra - axes, ra)), list(range(axes))
    else:
        ax_a, ax_b = [int(x) % ra for x in axes[0]], [int(x) % rb for x in axes[1]]
    letters = iter("abcdefghijklmnopqrstuvwxyz")
    la = [next(letters) for _ in range(ra)]
    lb = [next(letters) for _ in range(rb)]
    for i, j in zip(ax_a, ax_b):
        lb[j] = la[i]
    out = [c for i, c in enumerate(la) if i not in ax_a] + [c for j, c in enumerate(lb) if j not in ax_b]
    return f"{''.join(la)},{''.join(lb)}->{''.join(out)}"


def _names_nodes(av):
    """Whether a private attr's encoded value refers to tensors or ops by name."""
    text = av.s if av.HasField("s") else b""
    return b'{"t":' in text or b'{"o":' in text


def to_tf_graph_def(source, add_shapes=False, what="the graph", skip=()):
    """A GraphDef in TF's vocabulary of `source` (a Graph, or a compat_tf GraphDef, which is imported into
    a scratch graph first), less the ops named in `skip`; NotExportableError naming every op TF's
    vocabulary cannot express."""
    from compat_tf._src.framework import graph as _graph
    if isinstance(source, graph_pb2.GraphDef) or hasattr(source, "node"):
        scratch = _graph.Graph()
        with scratch.as_default():
            graph_io.import_graph_def(source, name="")
        library = source.library if source.HasField("library") else None
        source = scratch
    else:
        library = None
    ex = _Exporter(source, add_shapes)
    skip = set(skip)
    with source._lock:
        ops = [op for op in source.get_operations() if getattr(op, "_func_owner", None) is None
               and op.name not in skip]
    ex.emit_all(ops, {})
    if ex.problems:
        raise NotExportableError(f"{what} holds op(s) TensorFlow's op vocabulary cannot express:\n  "
                                 + "\n  ".join(ex.problems) + "\n" + _hint(what), ex.problem_ops)
    if library is not None:
        ex.out.library.CopyFrom(library)
    _check_tf_types(ex.out)
    return ex.out


def _check_tf_types(graph_def):
    bad = sorted({n.op for n in graph_def.node if n.op in _WHY or n.op in _OWNERS + ("_LoopVar",)
                  and not _is_tf_functional(n)})
    if bad:
        raise NotExportableError(f"internal error: the TF export left compat_tf op types {bad}")


def _is_tf_functional(node):
    return ("then_branch" in node.attr) or ("body" in node.attr)


# -- export policy -------------------------------------------------------------------------------

_warned = set()


def needs_rewrite(graph_def):
    """Whether a GraphDef holds compat_tf's own encoding (owner ops, private attrs, op types TF lacks)."""
    for n in graph_def.node:
        if n.op in _OWNERS or n.op in _WHY or n.op in _RENAMED or n.op in _TRANSLATED or n.op == "_LoopVar":
            if not _is_tf_functional(n):
                return True
        if graph_io._OWNER in n.attr or graph_io._OUTPUT_SPECS in n.attr:
            return True
    return False


def prune_nodes(graph_def, bad):
    """(graph_def without the nodes `bad`, the owners holding them and everything that depends on them,
    the dropped names)."""
    from compat_tf._src.framework import graph_util
    bad = set(bad)
    by_name = {n.name: n for n in graph_def.node}
    for name in list(bad):                 # an op inside a branch or body takes its owners along
        n = by_name.get(name)
        while n is not None and graph_io._OWNER in n.attr:
            owner = n.attr[graph_io._OWNER].s.decode()
            bad.add(owner)
            n = by_name.get(owner)
    owned = graph_util._owned_by(graph_def.node)
    changed = True
    while changed:
        changed = False
        for n in graph_def.node:
            if n.name in bad:
                continue
            deps = {graph_util._node_name(i) for i in n.input} | set(graph_util._private_refs(n))
            owner = n.attr[graph_io._OWNER].s.decode() if graph_io._OWNER in n.attr else None
            if deps & bad or owner in bad:
                bad.add(n.name)
                changed = True
        for name in list(bad):
            for inner in owned.get(name, ()):
                if inner not in bad and inner in by_name:
                    bad.add(inner)
                    changed = True
    out = type(graph_def)()
    out.CopyFrom(graph_def)
    del out.node[:]
    out.node.extend(n for n in graph_def.node if n.name not in bad)
    return out, sorted(b for b in bad if b in by_name)


def export_graph_def(graph_def, what, on_compat_only="auto", graph=None):
    """The GraphDef an export writes: TF's vocabulary (to_tf_graph_def) when `graph_def` needs a
    rewrite. When TF's vocabulary cannot express it, by `on_compat_only`:

    - "raise": NotExportableError naming the ops (frozen graphs, and every export in the "tf" format);
    - "prune": the ops TF cannot express and what depends on them (a training step) are left out, with
      a warning naming them (SavedModels, which are for serving; Saver.save's meta graph in "tf" format);
    - "auto": "raise" when the checkpoint format is "tf" (artefacts for TensorFlow), else the graph is
      written in compat_tf's own encoding (warned once per graph), which compat_tf reads back to resume
      training -- the default format's artefacts are compat_tf's own.
    `graph`: the live Graph `graph_def` was exported from, if any (used instead of re-importing it; a
    GraphDef holding what compat_tf cannot import back, a py_func, is then still exportable).
    Returns (graph_def, dropped node names)."""
    if not needs_rewrite(graph_def):
        return graph_def, []
    if on_compat_only == "auto":
        from compat_tf._src.train import checkpoint_format
        on_compat_only = "raise" if checkpoint_format.get_format() == "tf" else "keep"
    from compat_tf._src.platform import tf_logging as logging
    source = graph if graph is not None else graph_def
    try:
        try:
            return to_tf_graph_def(source, what=what), []
        except NotExportableError as e:
            if on_compat_only == "raise":
                raise
            if on_compat_only == "keep":
                key = (what, tuple(e.ops[:20]))
                if key not in _warned:
                    _warned.add(key)
                    logging.warning(
                        "%s holds op(s) TensorFlow's vocabulary cannot express (%s); it is written in compat_tf's "
                        "own encoding, which compat_tf reads back but real TensorFlow cannot load. For artefacts "
                        "TensorFlow loads, set the checkpoint format to 'tf' (COMPAT_TF_CHECKPOINT_FORMAT=tf) and "
                        "export the inference sub-graph.", what, ", ".join(e.ops[:10]))
                return graph_def, []
            pruned, dropped = prune_nodes(graph_def, e.ops)
            logging.warning("%s: leaving out %d op(s) TensorFlow's vocabulary cannot express and the ops that "
                            "need them (a training step): %s", what, len(dropped), ", ".join(dropped[:10])
                            + (" ..." if len(dropped) > 10 else ""))
            if graph is not None:
                return to_tf_graph_def(graph, what=what, skip=dropped), dropped
            return to_tf_graph_def(pruned, what=what), dropped
    except NotExportableError:
        raise
    except (ValueError, TypeError, NotImplementedError, KeyError) as e:
        # the GraphDef cannot be rebuilt here (e.g. it holds a py_func): written as compat_tf encodes it,
        # unless the export is one TF must load
        if on_compat_only == "raise":
            raise NotExportableError(f"{what} could not be rewritten in TensorFlow's op vocabulary: {e}") from e
        logging.warning("%s is written in compat_tf's own encoding: it could not be rewritten in TF's op "
                        "vocabulary (%s)", what, e)
        return graph_def, []
