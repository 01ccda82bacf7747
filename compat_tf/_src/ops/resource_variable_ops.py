"""Resource variables as TF writes them (use_resource=True, Keras in TF1, tf.compat.v1 code of TF 2).

TF's resource variable is a handle op, `VarHandleOp` (attrs dtype, shape, shared_name), whose
resource output the other ops take: `ReadVariableOp` (a read at the moment it runs),
`AssignVariableOp`, `AssignAdd/SubVariableOp`, `VarIsInitializedOp`, `ResourceGather`,
`ResourceScatter{Add,Sub,Update}`, `DestroyResourceOp` and the optimizers' `ResourceApply*`
kernels. Here they are registered for GraphDef import on compat_tf's variable model: the runtime
treats a VarHandleOp like a VariableV2 (runtime/plan.py's _VARIABLE_OP_TYPES), so its handle
evaluates to a `VarRef` keyed by the VarHandleOp's name, the session state holds the value, and
the Saver, initializers and `tf.global_variables()` work on it as on a ref variable's. A
ReadVariableOp reads the state when it runs (ordered by its control inputs, as in TF); the
ResourceApply* kernels are the Apply* lowerings of train/training_ops.py (one optax adapter per
kernel) writing the variable and its slots through their handles.

`ResourceVariable` is the Python object `tf.train.import_meta_graph` builds for a VariableDef with
`is_resource` (dtype and shape from the handle's attrs, value() the snapshot read, assign* adding
AssignVariableOp ops). compat_tf's own builders (`tf.get_variable(use_resource=True)`,
`tf.enable_resource_variables()`, `tf.Variable(use_resource=True)`) keep building ref variables
(VariableV2), which compute the same values; `tf.enable_resource_variables()` only records the flag.

Deviations: tf.gradients with respect to an imported ResourceVariable is not supported (its
handle is not differentiable here; TF's gradient graph written in the GraphDef is); an Identity
of a handle must not cross a host/device segment boundary; `ResourceGather` clamps out-of-range
indices (jnp.take) where TF's CPU kernel raises.
"""
import jax.numpy as jnp
import numpy as np
import optax
from optax import tree_utils as optax_tree

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import variables as _variables
from compat_tf._src.runtime.lowering import VarRef
from compat_tf._src.runtime import run_checks

__all__ = ["enable_resource_variables", "disable_resource_variables", "resource_variables_enabled"]

_HANDLE_OPS = ("VarHandleOp",)
_RESOURCE_ENABLED = [False]


def enable_resource_variables():
    """tf.enable_resource_variables: recorded only; compat_tf's variables compute the same values
    either way (its builders keep making ref variables, see the module doc)."""
    _RESOURCE_ENABLED[0] = True


def disable_resource_variables():
    """tf.disable_resource_variables."""
    _RESOURCE_ENABLED[0] = False


def resource_variables_enabled():
    """tf.resource_variables_enabled: what enable/disable_resource_variables last set."""
    return _RESOURCE_ENABLED[0]


# -- shapes -------------------------------------------------------------------------------------

def handle_op(t):
    """The VarHandleOp a resource tensor comes from (through Identity-like ops), else None."""
    from compat_tf._src.framework import registry
    for _ in range(1000):
        op = t.op
        if op.type in _HANDLE_OPS:
            return op
        opdef = registry.lookup(op.type)
        if opdef is None or t.value_index not in opdef.ref_outputs or not op.inputs:
            return None
        t = op.inputs[0]
    return None


def _handle_spec(t):
    """(shape, dtype or None) of the variable behind resource tensor `t`."""
    op = handle_op(t)
    if op is None:
        return _ts.unknown_shape(), None
    return _ts.as_shape(op.attrs.get("shape", _ts.unknown_shape())), op.attrs.get("dtype")


def _dtype_attr(op, default_input=None):
    dt = op.attrs.get("dtype") or op.attrs.get("T")
    if dt is None and default_input is not None:
        dt = _handle_spec(op.inputs[default_input])[1]
    return _dtypes.as_dtype(dt).base_dtype if dt is not None else _dtypes.float32


def _no_outputs(op):
    return []


# -- the handle and its reads/writes --------------------------------------------------------------

@register_op("VarHandleOp", shape=lambda op: [([], _dtypes.resource)], ctx=True, stateful=True,
             ref_outputs=(0,), differentiable=False)
def _var_handle_op(ctx, dtype=None, shape=None, container="", shared_name="", **_):
    return VarRef(ctx.op.name)


def _read_shape(op):
    shape, dt = _handle_spec(op.inputs[0])
    return [(shape, _dtypes.as_dtype(op.attrs.get("dtype") or dt or _dtypes.float32).base_dtype)]


# not a ref input: the runtime reads the handle's VarRef when the op runs
@register_op("ReadVariableOp", shape=_read_shape, stateful=True)
def _read_variable_op(resource, dtype=None):
    return resource


def _cast(value, dtype):
    if dtype is None:
        return jnp.asarray(value)
    return jnp.asarray(value, _dtypes.to_jax_dtype(_dtypes.as_dtype(dtype).base_dtype))


@register_op("AssignVariableOp", shape=_no_outputs, num_outputs=0, ctx=True, stateful=True, ref_inputs=(0,),
             writes_ref=True)
def _assign_variable_op(ctx, resource, value, dtype=None, validate_shape=False, **_):
    ctx.write(resource, _cast(value, dtype))
    return ()


def _update_lowering(sign):
    def lower(ctx, resource, value, dtype=None, **_):
        old = ctx.read(resource)
        ctx.write(resource, _cast(old + sign * jnp.asarray(value), old.dtype))
        return ()
    return lower


register_op("AssignAddVariableOp", shape=_no_outputs, num_outputs=0, ctx=True, stateful=True, ref_inputs=(0,),
            reads_ref=True, writes_ref=True)(_update_lowering(1))
register_op("AssignSubVariableOp", shape=_no_outputs, num_outputs=0, ctx=True, stateful=True, ref_inputs=(0,),
            reads_ref=True, writes_ref=True)(_update_lowering(-1))


@register_op("VarIsInitializedOp", shape=lambda op: [([], _dtypes.bool)], host=True, ref_inputs=(0,),
             differentiable=False)
def _var_is_initialized_op(ctx, resource, **_):
    return np.bool_(isinstance(resource, VarRef) and resource.key in ctx.initialized)


@register_op("DestroyResourceOp", shape=_no_outputs, num_outputs=0, ctx=True, stateful=True, ref_inputs=(0,),
             differentiable=False)
def _destroy_resource_op(ctx, resource, ignore_lookup_error=True, **_):
    return ()      # compat_tf keeps the value in the session state: nothing to release


def _gather_shape(op):
    shape, _ = _handle_spec(op.inputs[0])
    idx = op.inputs[1].shape
    batch_dims = int(op.attrs.get("batch_dims", 0) or 0)
    if shape.ndims is None or idx.ndims is None:
        out = _ts.unknown_shape()
    else:
        out = _ts.TensorShape(idx.as_list() + shape.as_list()[batch_dims + 1:])
    return [(out, _dtype_attr(op, 0))]


@register_op("ResourceGather", shape=_gather_shape, stateful=True)
def _resource_gather(resource, indices, batch_dims=0, validate_indices=True, dtype=None, **_):
    params = jnp.asarray(resource)
    idx = jnp.asarray(indices)
    if batch_dims:
        raise NotImplementedError("ResourceGather with batch_dims != 0 is not supported by compat_tf")
    from compat_tf._src.ops import gather_ops
    ci = gather_ops._concrete(indices)
    if ci is not None:
        gather_ops._check_indices(ci, params.shape[0])
    else:
        gather_ops._check_traced_indices(idx, params.shape[0])
    return jnp.take(params, idx, axis=0)


def _gathered_rows(op):
    n = _handle_spec(op.inputs[0])[0]
    n = n.as_list()[0] if n.ndims else None
    return None if n is None or op.attrs.get("batch_dims") else (n,)


def _check_rows(indices, n):
    from compat_tf._src.ops import gather_ops
    gather_ops._check_traced_indices(indices, n)


run_checks.register_checked_op("ResourceGather", precheck=run_checks.Precheck(
    inputs=(1,), static=_gathered_rows, check=_check_rows))


def _scatter_lowering(kind):
    def lower(ctx, resource, indices, updates, dtype=None, **_):
        old = ctx.read(resource)
        idx = jnp.asarray(indices)
        upd = jnp.asarray(updates, old.dtype)
        at = old.at[idx]
        new = at.set(upd) if kind == "update" else at.add(upd if kind == "add" else -upd)
        ctx.write(resource, new)
        return ()
    return lower


for _kind in ("Add", "Sub", "Update"):
    register_op(f"ResourceScatter{_kind}", shape=_no_outputs, num_outputs=0, ctx=True, stateful=True,
                ref_inputs=(0,), reads_ref=True, writes_ref=True)(_scatter_lowering(_kind.lower()))


# -- the optimizers' ResourceApply* kernels ------------------------------------------------------

def _make_resource_apply(kernel):
    """train/training_ops' Apply* lowering over handles: no output, dtype from the variable."""
    def lower(ctx, *values, use_locking=False, **attrs):
        named = dict(zip(kernel.inputs, values))
        params = ctx.read(named["var"])
        dtype = params.dtype
        tx = kernel.make(named, attrs)
        state = tx.init(params)
        if kernel.state:
            state = optax_tree.tree_set(state, **{field: ctx.read(named[name])
                                                  for name, field in kernel.state.items()})
        updates, new_state = tx.update(jnp.asarray(named[kernel.grad], dtype), state, params)
        ctx.write(named["var"], jnp.asarray(optax.apply_updates(params, updates), dtype))
        for name in kernel.inputs[1:kernel.n_refs]:
            ctx.write(named[name], jnp.asarray(optax_tree.tree_get(new_state, kernel.state[name]), dtype))
        return ()
    lower.__name__ = "_lower_Resource" + kernel.op_type
    return lower


def _register_resource_apply():
    from compat_tf._src.train import training_ops
    for k in training_ops.KERNELS:
        register_op("Resource" + k.op_type, shape=_no_outputs, num_outputs=0, ctx=True, stateful=True,
                    ref_inputs=tuple(range(k.n_refs)), reads_ref=True, writes_ref=True,
                    differentiable=False)(_make_resource_apply(k))


_register_resource_apply()


# -- the Python object of an imported resource variable -------------------------------------------

class ResourceVariable(_variables.Variable):
    """TF's ResourceVariable for a VarHandleOp already in the graph (built by import_meta_graph).

    `_variable` is the handle (resource dtype); `dtype`/`shape` are the variable's (the handle op's
    attrs); `value()` is the VariableDef's snapshot read; reads and assigns add ReadVariableOp /
    AssignVariableOp ops, as TF's ResourceVariable does.
    """

    @property
    def handle(self):
        return self._variable

    @property
    def dtype(self):
        return _dtypes.as_dtype(self._variable.op.get_attr("dtype")).base_dtype

    @property
    def shape(self):
        return _ts.as_shape(self._variable.op.attrs.get("shape", _ts.unknown_shape()))

    def get_shape(self):
        return self.shape

    def _as_graph_element(self):
        return self._snapshot

    def read_value(self):
        g = self._graph
        with g.name_scope("Read"):
            return read_variable_op(self._variable, self.dtype)

    def _assign(self, op_type, value, name, read_value):
        from compat_tf._src.ops import constant as _constant
        value = _constant.convert_to_tensor(value, dtype=self.dtype)
        g = self._graph
        op = g.create_op(op_type, [self._variable, value], {"dtype": self.dtype}, name=name or op_type)
        if not read_value:
            return op
        with g.control_dependencies([op]):
            return self.read_value()

    def assign(self, value, use_locking=None, name=None, read_value=True):
        return self._assign("AssignVariableOp", value, name, read_value)

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign("AssignAddVariableOp", delta, name, read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._assign("AssignSubVariableOp", delta, name, read_value)

    def initialized_value(self):
        from compat_tf._src.ops import control_flow_ops
        return control_flow_ops.cond(var_is_initialized_op(self._variable), self.read_value,
                                     lambda: self.initial_value)

    def eval(self, session=None):
        return self._snapshot.eval(session=session)

    def __repr__(self):
        return f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}>"


def read_variable_op(resource, dtype, name=None):
    g = _graph.get_default_graph()
    op = g.create_op("ReadVariableOp", [resource], {"dtype": _dtypes.as_dtype(dtype).base_dtype},
                     name=name or "ReadVariableOp")
    return op.outputs[0]


def var_is_initialized_op(resource, name=None):
    g = _graph.get_default_graph()
    return g.create_op("VarIsInitializedOp", [resource], {}, name=name or "VarIsInitializedOp").outputs[0]
