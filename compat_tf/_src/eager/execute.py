"""Running one op eagerly: `EagerGraph.create_op` lands here.

The op's registered lowering runs at once on its inputs' values, through the same registry
entry graph mode uses: pure ops and variable/random kernels through `kernels.py` (NumPy
first, compiled when the signature repeats), host ops (strings, py_func, data-dependent
shapes) and other context ops directly. Variables are read from and written to the eager
variable store (variables.py) through the LoweringContext, as the graph runtime does with
a session's state. The outputs are EagerTensors whose dtype is the op's own (its shape rule,
or the builder's output specs) and whose shape is the value's.

An active GradientTape that watches one of the inputs records the op (tape.py); an op no
tape records forgets its inputs, so a long eager loop does not keep its whole history alive
through `tensor.op.inputs`.

Errors: a lowering's TypeError/ValueError/IndexError (shape mismatches found by JAX, bad
indices) becomes InvalidArgumentError ending in "[Op:<type>]", as TF's eager kernels and
shape functions raise; TF's OpErrors pass through.
"""
from compat_tf._src.eager import context as _context
from compat_tf._src.eager import gradient_kernels
from compat_tf._src.eager import kernels
from compat_tf._src.eager import tape as _tape
from compat_tf._src.eager import variables as _variables
from compat_tf._src.eager.tensor import EagerTensor, as_value
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import registry
from compat_tf._src.framework.graph import Operation
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime.interp.fold import fold
from compat_tf._src.runtime.lowering import VarRef

# op types that only make sense in a graph: TF 1.15 raises RuntimeError for them in eager mode
_GRAPH_ONLY = {
    "Placeholder": "tf.placeholder() is not compatible with eager execution.",
    "VariableV2": "tf.Variable's graph form (VariableV2) is not compatible with eager execution.",
}
_dtype_of_numpy = {}


class EagerContext(lowering.LoweringContext):
    """The LoweringContext of an eagerly run context op: the eager variable store, a fresh draw count."""

    def __init__(self, op, rng_counter=None):
        super().__init__(_variables.STATE, rng_counter, None, _variables.INITIALIZED)
        self.op = op


def run_op(graph, op_type, inputs, attrs, name, output_specs):
    """Runs one op now; returns its Operation, whose outputs are EagerTensors."""
    opdef = registry.get(op_type)
    msg = _GRAPH_ONLY.get(op_type)
    if msg is not None:
        raise RuntimeError(msg)
    for t in inputs:
        if not isinstance(t, EagerTensor):
            raise TypeError(f"An op outside of the function building code is being passed a Graph tensor "
                            f"({t!r}) as input to eager op {op_type}: graph tensors cannot be used while "
                            "executing eagerly (build them inside `with tf.Graph().as_default():`).")
    name = op_type if not name else (name[:-1] if name.endswith("/") else graph.unique_name(name))
    op = Operation(graph, op_type, name, inputs, attrs, (), "")
    values = []
    ref_inputs = opdef.ref_inputs
    for i, t in enumerate(inputs):
        v = t._value
        if type(v) is VarRef and i not in ref_inputs:
            v = _variables.read_state(v, op)
        values.append(v)
    try:
        outs = _dispatch(graph, opdef, op, values)
    except errors.OpError:
        raise
    except (TypeError, ValueError, IndexError) as e:
        raise errors.InvalidArgumentError(None, op, f"{e} [Op:{op_type}]") from e
    if not isinstance(outs, (list, tuple)):
        outs = (outs,)
    op._outputs = _wrap_outputs(opdef, op, outs, output_specs)
    if _context.SETTINGS.inf_or_nan is not None:
        _context.check_inf_or_nan(op, outs)
    if not (_tape.ACTIVE and _tape.record(op)):
        op._inputs = []
    return op


def _dispatch(graph, opdef, op, values):
    attrs = op._attrs
    op_type = op._type
    if op_type == "Const":
        return attrs["value"]
    if op_type == "Gradients":
        return gradient_kernels.run_gradients_op(op, values)
    host = opdef.host(op) if callable(opdef.host) else opdef.host
    if host or any(_is_object(v) for v in values):
        if opdef.ctx or host:
            return opdef.lower(EagerContext(op, graph.next_rng_counter()), *values, **attrs)
        return opdef.lower(*values, **attrs)
    if opdef.ctx:
        seeds = None
        if "seed2" in attrs:
            seeds = (int(attrs.get("seed") or 0), int(attrs.get("seed2") or 0), graph.next_rng_counter())
        if opdef.ref_inputs or seeds is not None:
            out = kernels.run_stateful(opdef, op, values, _variables.STATE, seeds)
            if out is not None:
                return out
        ctx = EagerContext(op, graph.next_rng_counter() if seeds is None else seeds[2])
        return fold(lambda *v: opdef.lower(ctx, *v, **attrs), *values)
    return kernels.run_pure(opdef, op, values)


def _wrap_outputs(opdef, op, outs, output_specs):
    if output_specs is None and opdef.shape is not None and (
            opdef.ref_outputs or any(type(o) is VarRef or _is_object(o) for o in outs)
            or op._type in _SPEC_DTYPE_OPS):
        output_specs = opdef.shape(op)
    result = []
    for i, v in enumerate(outs):
        v = as_value(v)
        if output_specs is not None and i < len(output_specs):
            dtype = _dtypes.as_dtype(output_specs[i][1])
        else:
            dtype = _dtype_of(v)
        if type(v) is VarRef:
            shape = output_specs[i][0] if output_specs is not None and i < len(output_specs) else None
            result.append(EagerTensor(v, dtype, op, i, shape=_as_shape(shape)))
        else:
            if dtype._is_ref_dtype:
                dtype = dtype.base_dtype
            result.append(EagerTensor(v, dtype, op, i))
    return result


# ops whose TF dtype is not the NumPy dtype of their value (none so far beyond strings/refs)
_SPEC_DTYPE_OPS = frozenset()


def _is_object(v):
    dt = getattr(v, "dtype", None)
    return dt is not None and dt.kind == "O"


def _dtype_of(v):
    dt = v.dtype
    out = _dtype_of_numpy.get(dt)
    if out is None:
        out = _dtype_of_numpy[dt] = _dtypes.as_dtype(dt)
    return out


def _as_shape(shape):
    from compat_tf._src.framework import tensor_shape as _ts
    return _ts.unknown_shape() if shape is None else _ts.as_shape(shape)
