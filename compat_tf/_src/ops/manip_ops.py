"""Array manipulation TF 1.15 has at top level: tf.repeat, tf.unravel_index, tf.parallel_stack,
tf.bitcast, tf.guarantee_const, tf.required_space_to_batch_paddings.

- `repeat(input, repeats, axis=None)`: TF 1.15 builds it from several ops; compat_tf has one
  op `_Repeat` (a compat_tf type) whose `repeats` must be known when the step is traced (a
  constant, or computed from constants): the output's size depends on them. axis=None repeats
  the flattened input, as TF. Differentiable in `input`.
- `unravel_index(indices, dims)` (op UnravelIndex): the coordinates of flat indices, shaped
  [rank] or [rank, n]; an index outside [0, prod(dims)) is TF's InvalidArgumentError at run time.
- `parallel_stack(values)` (op ParallelConcat over ExpandDims): the values of tf.stack; TF
  requires a fully known shape of the values at graph construction (ValueError otherwise).
- `bitcast(input, type)` (op Bitcast): the bytes reinterpreted; to a narrower type a last
  dimension of size in/out bytes is added, to a wider one the last dimension (of that size) is
  dropped; InvalidArgumentError at build time otherwise, as TF's shape function.
- `guarantee_const(input)` (op GuaranteeConst): the value (a promise to TF's grappler that it
  is constant; no effect here, as it has none on values in TF).
- `required_space_to_batch_paddings(input_shape, block_shape, base_paddings)`: TF's composite:
  the paddings making each padded dimension a multiple of its block, and the crops undoing the
  extra end padding, both int32 [num_block_dims, 2].
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor, static_ints
from compat_tf._src.runtime import run_checks

__all__ = ["bitcast", "guarantee_const", "parallel_stack", "repeat", "required_space_to_batch_paddings",
           "unravel_index"]


# -- repeat -------------------------------------------------------------------------------------

@register_op("_Repeat")
def _repeat(input, repeats, axis=None):   # noqa: A002 - TF's argument name
    reps = static_ints(repeats, "tf.repeat's repeats")
    if axis is None:
        input = jnp.reshape(input, (-1,))
        axis = 0
    n = jnp.shape(input)[axis]
    if reps.ndim > 1:
        raise ValueError(f"tf.repeat: repeats must be a scalar or a vector, got shape {reps.shape}")
    if reps.ndim == 1 and reps.shape[0] not in (1, n):
        raise ValueError(f"tf.repeat: repeats has {reps.shape[0]} entries for an axis of size {n}")
    if np.any(reps < 0):
        raise ValueError("tf.repeat: repeats must be non-negative")
    index = np.repeat(np.arange(n), np.broadcast_to(reps, (n,)))
    return jnp.take(input, index, axis=axis)


def repeat(input, repeats, axis=None, name=None):   # noqa: A002
    """tf.repeat (TF 1.15's repeat_with_axis): see the module docstring."""
    x = _constant.convert_to_tensor(input, name="input")
    r = _constant.convert_to_tensor(repeats, dtype=_dtypes.int32, name="repeats")
    if axis is not None:
        axis = int(axis)
        if x.shape.ndims is not None:
            if not -x.shape.ndims <= axis < x.shape.ndims:
                raise ValueError(f"axis {axis} out of range for a rank-{x.shape.ndims} input")
            axis %= x.shape.ndims
    with x.graph.name_scope(name or "Repeat") as scope:
        return make_tensor("_Repeat", [x, r], {"axis": axis}, name=scope)


# -- unravel_index ------------------------------------------------------------------------------

run_checks.register_checked_op("UnravelIndex")


@register_op("UnravelIndex", differentiable=False)
def _unravel_index(indices, dims):
    dims_c = np.asarray(dims) if not isinstance(dims, jax.core.Tracer) else None
    if dims_c is not None and np.any(dims_c <= 0):
        raise _errors.InvalidArgumentError(None, None, "All dimensions must be positive")
    idx = jnp.asarray(indices)
    dims = jnp.asarray(dims, idx.dtype)
    total = jnp.prod(dims)
    run_checks.check((idx < 0) | (idx >= total), lambda: "index is out of bound as with dims")
    strides = jnp.cumprod(jnp.concatenate([jnp.ones((1,), idx.dtype), dims[::-1][:-1]]))[::-1]   # prod(dims[i+1:])
    coords = (idx[None, ...] // strides.reshape((-1,) + (1,) * idx.ndim)) % dims.reshape((-1,) + (1,) * idx.ndim)
    return coords.astype(idx.dtype)


def unravel_index(indices, dims, name=None):
    """tf.unravel_index (op UnravelIndex): see the module docstring."""
    i = _constant.convert_to_tensor(indices, name="indices")
    if i.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"tf.unravel_index: indices must be int32 or int64, got {i.dtype.base_dtype.name}")
    d = _constant.convert_to_tensor(dims, dtype=i.dtype.base_dtype, name="dims")
    if i.shape.ndims is not None and i.shape.ndims > 1:
        raise ValueError(f"tf.unravel_index: indices must be a scalar or a vector, got shape {i.shape}")
    return make_tensor("UnravelIndex", [i, d], name=name or "UnravelIndex")


# -- parallel_stack -----------------------------------------------------------------------------

def _parallel_concat_shape(op):
    return [(_ts.as_shape(op.get_attr("shape")), op.inputs[0].dtype.base_dtype)]


@register_op("ParallelConcat", shape=_parallel_concat_shape)
def _parallel_concat(*values, shape=None):
    return jnp.concatenate([jnp.asarray(v) for v in values], axis=0)


def parallel_stack(values, name="parallel_stack"):
    """tf.parallel_stack: see the module docstring."""
    from compat_tf._src.ops import array_ops
    g = _graph.get_default_graph()
    with g.name_scope(name) as scope:
        vals = [_constant.convert_to_tensor(v) for v in values]
        if not vals:
            raise ValueError("tf.parallel_stack needs at least one value")
        shape = vals[0].shape
        for v in vals[1:]:
            shape = shape.merge_with(v.shape)
        if not shape.is_fully_defined():
            raise ValueError(f"Shape of tensors to be stacked must be fully defined, but got {shape}")
        out_shape = _ts.TensorShape([len(vals)]).concatenate(shape)
        expanded = [array_ops.expand_dims(v, 0) for v in vals]
        return make_tensor("ParallelConcat", expanded, {"shape": out_shape}, name=scope)


# -- bitcast ------------------------------------------------------------------------------------

def _bitcast_shape(op):
    src = op.inputs[0].dtype.base_dtype
    dst = op.get_attr("type")
    shape = op.inputs[0].shape
    ins, outs = src.size, dst.size
    if ins == outs or shape.ndims is None:
        out = shape if ins == outs else _ts.unknown_shape()
    elif ins > outs:
        if ins % outs:
            raise _errors.InvalidArgumentError(None, None, f"Cannot bitcast from {src.name} to {dst.name}")
        out = shape.concatenate([ins // outs])
    else:
        if shape.ndims == 0 or (shape[-1].value is not None and shape[-1].value != outs // ins):
            raise _errors.InvalidArgumentError(
                None, None, f"Cannot bitcast from {src.name} to {dst.name}: shape {shape} does not end in "
                f"{outs // ins}")
        out = shape[:-1]
    return [(out, dst)]


@register_op("Bitcast", shape=_bitcast_shape, differentiable=False)
def _bitcast(input, type):   # noqa: A002 - TF's attr names
    return jax.lax.bitcast_convert_type(jnp.asarray(input), _dtypes.to_jax_dtype(_dtypes.as_dtype(type)))


def bitcast(input, type, name=None):   # noqa: A002
    """tf.bitcast (op Bitcast): see the module docstring."""
    x = _constant.convert_to_tensor(input, name="input")
    return make_tensor("Bitcast", [x], {"type": _dtypes.as_dtype(type).base_dtype}, name=name or "Bitcast")


# -- guarantee_const ------------------------------------------------------------------------------

@register_op("GuaranteeConst")
def _guarantee_const(input):   # noqa: A002 - TF's input name
    return input


def guarantee_const(input, name=None):   # noqa: A002
    """tf.guarantee_const (op GuaranteeConst): see the module docstring."""
    return make_tensor("GuaranteeConst", [_constant.convert_to_tensor(input, name="input")],
                       name=name or "GuaranteeConst")


# -- required_space_to_batch_paddings ---------------------------------------------------------------

def required_space_to_batch_paddings(input_shape, block_shape, base_paddings=None, name=None):
    """tf.required_space_to_batch_paddings: see the module docstring."""
    from compat_tf._src.ops import array_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "required_space_to_batch_paddings"):
        input_shape = _constant.convert_to_tensor(input_shape, dtype=_dtypes.int32, name="input_shape")
        block_shape = _constant.convert_to_tensor(block_shape, dtype=_dtypes.int32, name="block_shape")
        block_shape.shape.assert_is_fully_defined()
        block_shape.shape.assert_has_rank(1)
        n = block_shape.shape[0].value
        if n == 0:
            return array_ops.zeros([0, 2], _dtypes.int32), array_ops.zeros([0, 2], _dtypes.int32)
        input_shape.shape.assert_is_compatible_with([n])
        if base_paddings is not None:
            base_paddings = _constant.convert_to_tensor(base_paddings, dtype=_dtypes.int32, name="base_paddings")
            base_paddings.shape.assert_is_compatible_with([n, 2])
        else:
            base_paddings = array_ops.zeros([n, 2], _dtypes.int32)
        pad_start = base_paddings[:, 0]
        orig_pad_end = base_paddings[:, 1]
        full_input_shape = input_shape + pad_start + orig_pad_end
        pad_end_extra = (block_shape - full_input_shape % block_shape) % block_shape
        pad_end = orig_pad_end + pad_end_extra
        paddings = array_ops.stack([[pad_start[i], pad_end[i]] for i in range(n)], name="paddings")
        crops = array_ops.stack([[0, pad_end_extra[i]] for i in range(n)], name="crops")
        return paddings, crops
