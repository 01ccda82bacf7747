"""Variable state ops: VariableV2, Assign, AssignAdd, AssignSub, IsVariableInitialized.

Mirrors TF1's ref-variable kernels (state_ops.py). A VariableV2 output is a
reference; the runtime keeps the value in the session's state pytree and the
lowerings here read and write it through the LoweringContext, so a step that
assigns is still one pure jitted function `(state, feeds) -> (fetches, state)`.
An Assign's output aliases the variable (TF1's `output_ref`): fetching it
gives the value after the assign.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime.lowering import VarRef


def _variable_shape(op):
    return [(op.get_attr("shape"), op.get_attr("dtype")._as_ref)]


@register_op("VariableV2", shape=_variable_shape, ctx=True, stateful=True, ref_outputs=(0,))
def _variable_v2(ctx, shape, dtype, container="", shared_name=""):
    return VarRef(ctx.op.name)


def variable_op_v2(shape, dtype, name="Variable", container="", shared_name=""):
    g = _graph.get_default_graph()
    op = g.create_op("VariableV2", [], {"shape": _ts.as_shape(shape), "dtype": _dtypes.as_dtype(dtype).base_dtype,
                                        "container": container, "shared_name": shared_name}, name=name)
    return op.outputs[0]


def _ref_shape(op):
    ref = op.inputs[0]
    shape = ref.shape
    if op.type == "Assign" and not op.get_attr("validate_shape"):
        shape = op.inputs[1].shape
    return [(shape, ref.dtype.base_dtype._as_ref)]


def _cast_like_var(ctx, ref, value):
    from compat_tf._src.framework import dtypes
    return lowering.cast_to(value, dtypes.as_dtype(ctx.op.inputs[0].dtype))


@register_op("Assign", shape=_ref_shape, ctx=True, stateful=True, ref_inputs=(0,), ref_outputs=(0,),
             writes_ref=True)
def _assign(ctx, ref, value, validate_shape=True, use_locking=True):
    ctx.write(ref, _cast_like_var(ctx, ref, value))
    return ref


def _check_same_size(ctx, old, value):
    # TF1's DenseUpdateOp (ref AssignAdd/AssignSub) requires equal shapes: no broadcasting
    if np.shape(old) != np.shape(value):
        from compat_tf._src.framework import errors
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Parameters and update must be the same size: {list(np.shape(old))} vs "
            f"{list(np.shape(value))}\n\t [[node {ctx.op.name}]]")


@register_op("AssignAdd", shape=_ref_shape, ctx=True, stateful=True, ref_inputs=(0,), ref_outputs=(0,),
             reads_ref=True, writes_ref=True)
def _assign_add(ctx, ref, value, use_locking=False):
    old = ctx.read(ref)
    _check_same_size(ctx, old, value)
    ctx.write(ref, _cast_like_var(ctx, ref, old + value))
    return ref


@register_op("AssignSub", shape=_ref_shape, ctx=True, stateful=True, ref_inputs=(0,), ref_outputs=(0,),
             reads_ref=True, writes_ref=True)
def _assign_sub(ctx, ref, value, use_locking=False):
    old = ctx.read(ref)
    _check_same_size(ctx, old, value)
    ctx.write(ref, _cast_like_var(ctx, ref, old - value))
    return ref


def _check_ref(ref, what):
    if not isinstance(ref, _graph.Tensor) or not ref.dtype._is_ref_dtype:
        raise TypeError(f"{what} requires a reference to a variable (a tf.Variable or its ref tensor), got {ref!r}")


def assign(ref, value, validate_shape=None, use_locking=None, name=None):
    """tf.assign: writes `value` into the variable; the output reads the new value."""
    ref = _as_ref(ref)
    _check_ref(ref, "tf.assign")
    value = _constant.convert_to_tensor(value, dtype=ref.dtype.base_dtype)
    validate = True if validate_shape is None else validate_shape
    if validate and not ref.shape.is_compatible_with(value.shape):
        raise ValueError(f"Dimensions must be equal: cannot assign a value of shape {value.shape} to variable "
                         f"{ref.op.name} of shape {ref.shape}")
    op = _graph.get_default_graph().create_op(
        "Assign", [ref, value], {"validate_shape": validate, "use_locking": True if use_locking is None
                                 else use_locking}, name=name or "Assign")
    return op.outputs[0]


def _update(op_type, ref, value, use_locking, name):
    ref = _as_ref(ref)
    _check_ref(ref, f"tf.{'assign_add' if op_type == 'AssignAdd' else 'assign_sub'}")
    value = _constant.convert_to_tensor(value, dtype=ref.dtype.base_dtype)
    # TF1's shape function (MergeBothInputsShapeFn) merges the two shapes: a scalar does not broadcast
    if not ref.shape.is_compatible_with(value.shape):
        raise ValueError(f"Shapes {ref.shape} and {value.shape} are incompatible for {op_type} on "
                         f"{ref.op.name}: Shapes must be equal rank and dimension sizes must match")
    op = _graph.get_default_graph().create_op(op_type, [ref, value], {"use_locking": bool(use_locking)},
                                              name=name or op_type)
    return op.outputs[0]


def assign_add(ref, value, use_locking=None, name=None):
    """tf.assign_add: ref += value (op AssignAdd); `value` must have the variable's shape, as TF1."""
    return _update("AssignAdd", ref, value, use_locking, name)


def assign_sub(ref, value, use_locking=None, name=None):
    """tf.assign_sub: ref -= value (op AssignSub); `value` must have the variable's shape, as TF1."""
    return _update("AssignSub", ref, value, use_locking, name)


def _count_up_to_shape(op):
    return [(op.inputs[0].shape, op.inputs[0].dtype.base_dtype)]


@register_op("CountUpTo", shape=_count_up_to_shape, host=True, stateful=True, ref_inputs=(0,),
             reads_ref=True, writes_ref=True, differentiable=False)
def _count_up_to(ctx, ref, limit, **_):
    from compat_tf._src.framework import errors
    old = np.asarray(ctx.read(ref))
    if old >= limit:
        raise errors.OutOfRangeError(None, ctx.op, f"Reached limit of {limit}\n\t [[node {ctx.op.name}]]")
    ctx.write(ref, np.asarray(old + 1, old.dtype))
    return old.copy()


def count_up_to(ref, limit, name=None):
    """tf.count_up_to: increments the int32/int64 scalar variable and returns its value before the
    increment; OutOfRangeError once the value has reached `limit` (op CountUpTo, run on the host)."""
    ref = _as_ref(ref)
    _check_ref(ref, "tf.count_up_to")
    if ref.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"Value passed to parameter 'ref' has DataType {ref.dtype.base_dtype.name} not in "
                        "list of allowed values: int32, int64")
    if not ref.shape.is_compatible_with(_ts.TensorShape([])):
        raise ValueError(f"Shape must be rank 0 but is rank {ref.shape.ndims} for 'CountUpTo'")
    op = _graph.get_default_graph().create_op("CountUpTo", [ref], {"limit": int(limit),
                                                                  "T": ref.dtype.base_dtype},
                                              name=name or "CountUpTo")
    return op.outputs[0]


def _as_ref(ref):
    var_ref = getattr(ref, "_ref", None)
    return var_ref() if callable(var_ref) else ref


@register_op("IsVariableInitialized", shape=lambda op: [([], _dtypes.bool)], host=True, ref_inputs=(0,),
             differentiable=False)
def _is_variable_initialized(ctx, ref, dtype=None):
    return np.bool_(ref.key in ctx.initialized)


def is_variable_initialized(variable):
    ref = _as_ref(variable)
    _check_ref(ref, "tf.is_variable_initialized")
    op = _graph.get_default_graph().create_op("IsVariableInitialized", [ref],
                                              {"dtype": ref.dtype.base_dtype}, name="IsVariableInitialized")
    return op.outputs[0]


def _report_shape(op):
    return [([None], _dtypes.string)]


@register_op("ReportUninitializedVariables", shape=_report_shape, host=True, differentiable=False)
def _report_uninitialized(ctx, names=()):
    missing = [n for n, op_name in names if op_name not in ctx.initialized]
    return np.array([n.encode() for n in missing], dtype=object).reshape(-1)
