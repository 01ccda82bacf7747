"""Exporting tf.gradients in TF's op vocabulary: the backward graph TF1 itself would build.

compat_tf computes `tf.gradients` with JAX (one `Gradients` op over the forward ops, see
ops/gradients_impl), which TensorFlow has no op for. For the exported GraphDef (framework/tf_export)
the Gradients op is replaced by TF1's own construction: reverse-mode over its forward ops, each op's
gradient built from TF's gradient kernels as TF 1.15's registered gradient functions build it
(MatMul -> MatMul with transposes, BiasAdd -> BiasAddGrad, Relu -> ReluGrad, Conv2D ->
Conv2DBackpropInput/Filter, MaxPool -> MaxPoolGrad, sparse softmax cross entropy -> its backprop output,
broadcasting binary ops -> BroadcastGradientArgs + Sum + Reshape, Sum/Mean -> Reshape + BroadcastTo,
...), gradients of a tensor used twice summed with AddN. The result keeps the Gradients op's name (an
IdentityN of the gradients), so an optimizer's Apply ops read it unchanged: real TF imports the
training graph and trains it. A forward op type without a rule here (or a tf.hessians op) leaves the
graph not exportable in TF's vocabulary (tf_export's NotExportableError names it).
"""
from compat_tf._src.framework import dtypes as _dtypes

_INT32 = _dtypes.int32


class _NoRule(Exception):
    pass


def _producer_dtype(ex, ref):
    """The dtype of the tensor `ref` names among the nodes `ex` has written (its T/dtype attr)."""
    name = ref.split(":")[0]
    for n in reversed(ex.out.node):
        if n.name == name:
            for k in ("T", "dtype", "DstT"):
                if k in n.attr and n.attr[k].HasField("type"):
                    return _dtypes.as_dtype(n.attr[k].type)
            break
    t = ex.graph.get_tensor_by_name(ref if ":" in ref else ref + ":0")
    return t.dtype.base_dtype


def _float(t):
    dt = t.dtype.base_dtype
    return dt.is_floating or dt.is_complex


class _Builder:
    """Adds the backward nodes of one Gradients op to an exporter."""

    def __init__(self, ex, op, tmap):
        self.ex, self.op, self.tmap = ex, op, tmap
        self.prefix = op.name

    def ref(self, t):
        return self.ex.ref(t, self.tmap)

    def node(self, name, op_type, inputs, attrs=None):
        return self.ex.node(f"{self.prefix}/{name}", op_type, inputs, attrs)

    def const(self, name, value, dtype=_INT32):
        return self.ex.const(f"{self.prefix}/{name}", value, dtype)

    def shape(self, t):
        return self.node(f"{t.op.name}_grad/Shape", "Shape", [self.ref(t)],
                         {"T": t.dtype.base_dtype, "out_type": _INT32})

    # -- helpers ---------------------------------------------------------------------------
    def unbroadcast(self, g, t, other, scope):
        """g summed over the dimensions broadcasting added to `t` (TF's BroadcastGradientArgs pattern)."""
        st, so = t.shape, other.shape
        if st.is_fully_defined() and so.is_fully_defined() and st.as_list() == so.as_list():
            return g
        dt = t.dtype.base_dtype
        sx, sy = self.shape(t), self.shape(other)
        args = self.node(f"{scope}/BroadcastGradientArgs", "BroadcastGradientArgs", [sx, sy], {"T": _INT32})
        s = self.node(f"{scope}/Sum", "Sum", [g, args], {"T": dt, "Tidx": _INT32, "keep_dims": False})
        return self.node(f"{scope}/Reshape", "Reshape", [s, sx], {"T": dt, "Tshape": _INT32})

    def reduce_grad(self, op, g, mean):
        x, axes = op.inputs
        dt = x.dtype.base_dtype
        scope = f"{op.name}_grad"
        from compat_tf._src.framework import shape_inference
        ax = shape_inference.constant_value(axes)
        rank = x.shape.ndims
        if ax is None or rank is None:
            raise _NoRule(f"{op.name} ({op.type}): reduction axes or input rank unknown when exporting")
        import numpy as np
        ax = sorted({int(a) % rank for a in np.atleast_1d(ax).tolist()}) if rank else []
        sx = self.shape(x)
        if ax:
            idx = self.const(f"{scope}/axes", [[a] for a in ax])
            ones = self.const(f"{scope}/ones", [1] * len(ax))
            kept = self.node(f"{scope}/kept_dims", "TensorScatterUpdate", [sx, idx, ones],
                             {"T": _INT32, "Tindices": _INT32})
            g = self.node(f"{scope}/Reshape", "Reshape", [g, kept], {"T": dt, "Tshape": _INT32})
        g = self.node(f"{scope}/BroadcastTo", "BroadcastTo", [g, sx], {"T": dt, "Tidx": _INT32})
        if mean:
            if ax:
                axis0 = self.const(f"{scope}/axis0", 0)
                sizes = self.node(f"{scope}/GatherV2", "GatherV2", [sx, self.const(f"{scope}/ax", ax), axis0],
                                  {"Tparams": _INT32, "Tindices": _INT32, "Taxis": _INT32, "batch_dims": 0})
                zero = self.const(f"{scope}/zero", 0)
                count = self.node(f"{scope}/Prod", "Prod", [sizes, zero],
                                  {"T": _INT32, "Tidx": _INT32, "keep_dims": False})
            else:
                count = self.const(f"{scope}/one", 1)
            c = self.node(f"{scope}/Cast", "Cast", [count], {"SrcT": _INT32, "DstT": dt, "Truncate": False})
            g = self.node(f"{scope}/truediv", "RealDiv", [g, c], {"T": dt})
        return [g, None]

    def gate(self, op, in_grads):
        """TF1's gate_gradients=GATE_OP: an op's input gradients are released together (tf.tuple), so an
        optimizer cannot update a variable while another gradient still reads it."""
        live = [g for g in in_grads if g is not None]
        if len(live) < 2:
            return in_grads
        s = f"{op.name}_grad"
        gate = self.node(f"{s}/tuple/group_deps", "NoOp", ["^" + g for g in live])
        out = []
        for i, g in enumerate(in_grads):
            if g is None:
                out.append(None)
                continue
            src = _producer_dtype(self.ex, g)
            out.append(self.node(f"{s}/tuple/control_dependency", "Identity", [g, "^" + gate], {"T": src}))
        return out

    # -- per-op rules: (op, [output grads or None]) -> [input grads or None] --------------------
    def rule(self, op, gs):
        t = op.type
        g = gs[0] if gs else None
        dt = op.outputs[0].dtype.base_dtype if op.outputs else None
        s = f"{op.name}_grad"
        if t in ("Identity", "StopGradient") or t == "PreventGradient":
            return [g] if t == "Identity" else [None]
        if t == "Reshape" or t == "ExpandDims" or t == "Squeeze":
            x = op.inputs[0]
            return [self.node(f"{s}/Reshape", "Reshape", [g, self.shape(x)], {"T": dt, "Tshape": _INT32})] + \
                [None] * (len(op.inputs) - 1)
        if t == "Cast":
            x = op.inputs[0]
            if not _float(x):
                return [None]
            return [self.node(f"{s}/Cast", "Cast", [g], {"SrcT": dt, "DstT": x.dtype.base_dtype, "Truncate": False})]
        if t == "Neg":
            return [self.node(f"{s}/Neg", "Neg", [g], {"T": dt})]
        if t == "Relu":
            return [self.node(f"{s}/ReluGrad", "ReluGrad", [g, self.ref(op.outputs[0])], {"T": dt})]
        if t == "Relu6":
            return [self.node(f"{s}/Relu6Grad", "Relu6Grad", [g, self.ref(op.inputs[0])], {"T": dt})]
        if t == "Elu":
            return [self.node(f"{s}/EluGrad", "EluGrad", [g, self.ref(op.outputs[0])], {"T": dt})]
        if t == "Softplus":
            return [self.node(f"{s}/SoftplusGrad", "SoftplusGrad", [g, self.ref(op.inputs[0])], {"T": dt})]
        if t in ("Sigmoid", "Tanh"):
            return [self.node(f"{s}/{t}Grad", f"{t}Grad", [self.ref(op.outputs[0]), g], {"T": dt})]
        if t == "Square":
            two = self.ex.const(f"{self.prefix}/{s}/Const", 2.0, dt)
            x2 = self.node(f"{s}/Mul", "Mul", [two, self.ref(op.inputs[0])], {"T": dt})
            return [self.node(f"{s}/Mul_1", "Mul", [g, x2], {"T": dt})]
        if t == "MatMul":
            a, b = (self.ref(x) for x in op.inputs)
            ta, tb = bool(op.attrs.get("transpose_a")), bool(op.attrs.get("transpose_b"))

            def mm(name, x, y, tx, ty):
                return self.node(f"{s}/{name}", "MatMul", [x, y], {"T": dt, "transpose_a": tx, "transpose_b": ty})
            if not ta and not tb:
                return [mm("MatMul", g, b, False, True), mm("MatMul_1", a, g, True, False)]
            if not ta and tb:
                return [mm("MatMul", g, b, False, False), mm("MatMul_1", g, a, True, False)]
            if ta and not tb:
                return [mm("MatMul", b, g, False, True), mm("MatMul_1", a, g, False, False)]
            return [mm("MatMul", b, g, True, True), mm("MatMul_1", g, a, True, True)]
        if t == "BiasAdd":
            fmt = op.attrs.get("data_format") or "NHWC"
            return [g, self.node(f"{s}/BiasAddGrad", "BiasAddGrad", [g], {"T": dt, "data_format": fmt})]
        if t in ("Add", "AddV2", "Sub"):
            x, y = op.inputs
            gy = g if t != "Sub" else self.node(f"{s}/Neg", "Neg", [g], {"T": dt})
            return [self.unbroadcast(g, x, y, s + "/x"), self.unbroadcast(gy, y, x, s + "/y")]
        if t == "Mul":
            x, y = op.inputs
            gx = self.node(f"{s}/Mul", "Mul", [g, self.ref(y)], {"T": dt})
            gy = self.node(f"{s}/Mul_1", "Mul", [self.ref(x), g], {"T": dt})
            return [self.unbroadcast(gx, x, y, s + "/x"), self.unbroadcast(gy, y, x, s + "/y")]
        if t in ("RealDiv", "Div"):
            x, y = op.inputs
            gx = self.node(f"{s}/RealDiv", "RealDiv", [g, self.ref(y)], {"T": dt})
            nx = self.node(f"{s}/Neg", "Neg", [self.ref(x)], {"T": dt})
            q = self.node(f"{s}/RealDiv_1", "RealDiv", [nx, self.ref(y)], {"T": dt})
            q = self.node(f"{s}/RealDiv_2", "RealDiv", [q, self.ref(y)], {"T": dt})
            gy = self.node(f"{s}/mul", "Mul", [g, q], {"T": dt})
            return [self.unbroadcast(gx, x, y, s + "/x"), self.unbroadcast(gy, y, x, s + "/y")]
        if t in ("Sum", "Mean"):
            return self.reduce_grad(op, g, mean=(t == "Mean"))
        if t in ("SparseSoftmaxCrossEntropyWithLogits", "SoftmaxCrossEntropyWithLogits"):
            if gs[1] is not None:
                raise _NoRule(f"{op.name} ({t}): a gradient through its backprop output")
            dim = self.const(f"{s}/ExpandDims/dim", -1)
            ge = self.node(f"{s}/ExpandDims", "ExpandDims", [g, dim], {"T": dt, "Tdim": _INT32})
            back = f"{self.ex.ref(op.outputs[1], self.tmap)}"
            return [self.node(f"{s}/mul", "Mul", [ge, back], {"T": dt}), None]
        if t == "Softmax":
            y = self.ref(op.outputs[0])
            gy = self.node(f"{s}/mul", "Mul", [g, y], {"T": dt})
            axis = self.const(f"{s}/Sum/reduction_indices", -1)
            sm = self.node(f"{s}/Sum", "Sum", [gy, axis], {"T": dt, "Tidx": _INT32, "keep_dims": True})
            sub = self.node(f"{s}/sub", "Sub", [g, sm], {"T": dt})
            return [self.node(f"{s}/mul_1", "Mul", [sub, y], {"T": dt})]
        if t == "Conv2D":
            x, w = op.inputs
            keep = {k: op.attrs[k] for k in ("strides", "padding", "data_format", "dilations", "use_cudnn_on_gpu",
                                             "explicit_paddings") if k in op.attrs and op.attrs[k] is not None}
            keep["T"] = dt
            gx = self.node(f"{s}/Conv2DBackpropInput", "Conv2DBackpropInput",
                           [self.shape(x), self.ref(w), g], keep)
            gw = self.node(f"{s}/Conv2DBackpropFilter", "Conv2DBackpropFilter",
                           [self.ref(x), self.shape(w), g], keep)
            return [gx, gw]
        if t in ("MaxPool", "AvgPool"):
            x = op.inputs[0]
            keep = {k: op.attrs[k] for k in ("ksize", "strides", "padding", "data_format") if k in op.attrs}
            keep["T"] = dt
            if t == "MaxPool":
                return [self.node(f"{s}/MaxPoolGrad", "MaxPoolGrad", [self.ref(x), self.ref(op.outputs[0]), g], keep)]
            return [self.node(f"{s}/AvgPoolGrad", "AvgPoolGrad", [self.shape(x), g], keep)]
        raise _NoRule(f"{op.name} ({t}): no TF gradient rule in compat_tf's export")


def _group_key(op):
    a = op.attrs
    n_x, n_e = len(a["_xs"]), len(a["_externals"])
    return (tuple(a["_ys"]), tuple(op.inputs[n_x + n_e:]), a.get("_mode", "vjp"))


def group_of(op):
    """The Gradients ops of the graph made by the same tf.gradients call as `op` (same ys, grad_ys):
    compat_tf builds one per independent x; TF1 has one backward pass for them all."""
    key = _group_key(op)
    return [o for o in op.graph.get_operations() if o.type == "Gradients" and
            getattr(o, "_func_owner", None) is None and _group_key(o) == key]


def emit(ex, ops, tmap):
    """Adds one backward graph for the Gradients `ops` (one tf.gradients call) to exporter `ex`; each op's
    name then names its gradients. Returns None, or why it cannot be expressed."""
    first = ops[0]
    a = first.attrs
    if a.get("_mode", "vjp") != "vjp":
        return f"{first.name} (Gradients): tf.hessians"
    if any(o.attrs.get("_overrides") for o in ops):
        return f"{first.name} (Gradients): a registered gradient (gradient_override_map)"
    ys = list(a["_ys"])
    fwd = sorted({f for o in ops for f in o.attrs["_ops"]}, key=lambda f: f._id)
    n_gy = a.get("_n_grad_ys", 0)
    b = _Builder(ex, first, tmap)
    grads = {}
    seeds = list(first.inputs[len(a["_xs"]) + len(a["_externals"]):][:n_gy])
    for i, y in enumerate(ys):
        if i < len(seeds):
            g = ex.ref(seeds[i], tmap)
        else:
            g = b.node(f"{y.op.name}_grad/OnesLike", "OnesLike", [ex.ref(y, tmap)], {"T": y.dtype.base_dtype})
        grads.setdefault(y, []).append(g)

    def total(t):
        gs = grads.get(t)
        if not gs:
            return None
        if len(gs) == 1:
            return gs[0]
        out = b.node(f"{t.op.name}_grad/AddN", "AddN", gs, {"T": t.dtype.base_dtype, "N": len(gs)})
        grads[t] = [out]
        return out

    try:
        for f in reversed(fwd):
            out_grads = [total(t) for t in f.outputs]
            if all(g is None for g in out_grads):
                continue
            in_grads = b.gate(f, b.rule(f, out_grads))
            for t, g in zip(f.inputs, in_grads):
                if g is not None and _float(t):
                    grads.setdefault(t, []).append(g)
    except _NoRule as e:
        return f"{first.name} (Gradients): {e}"
    for op in ops:
        results = []
        for x in op.attrs["_xs"]:
            g = total(x)
            if g is None:
                g = b.node(f"{x.op.name}_grad/zeros_like", "ZerosLike", [ex.ref(x, tmap)],
                           {"T": x.dtype.base_dtype})
            results.append(g)
        ex.forward_outputs(op, results)
    return None
