"""tf.sort, tf.argsort, tf.searchsorted and tf.roll (TF1's sort_ops.py, array_ops.searchsorted,
manip_ops.roll).

- sort/argsort are built as TF1 builds them: TopKV2 over the last axis (the sorted axis is
  transposed there and back), ascending order by negating the input. TopKV2 puts the lower
  index first among ties, so both directions are stable (TF1's `stable` argument is unused).
  The gradient is TopKV2's (the sorted values' gradient scattered back to their positions).
  As in TF1, ascending sort of the most negative integer overflows (-INT_MIN).
- searchsorted reshapes to 2-D [-1, last] and builds LowerBound (side='left') or UpperBound
  ('right'), as TF1; not differentiable.
- roll is op Roll; its gradient rolls the incoming gradient back (TF1's _RollGrad).
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference as _shape_inference
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor, static_ints
from compat_tf._src.ops.linalg_ops import cross  # noqa: F401 - tf.cross is tf.linalg.cross (op Cross)

__all__ = ["sort", "argsort", "searchsorted", "roll", "cross"]


# --------------------------------------------------------------------------------------------
# sort / argsort
# --------------------------------------------------------------------------------------------

def _descending_sort(values, axis, return_argsort):
    from compat_tf._src.ops import array_ops, nn_ops
    ndims = values.shape.ndims
    if axis == -1 or (ndims is not None and axis + 1 == ndims):
        transposition = None
        top_k_input = values
    else:
        if ndims is None:
            raise NotImplementedError("tf.sort/argsort along an axis other than the last of a tensor of "
                                      "unknown rank is not supported by compat_tf")
        if axis < 0:
            axis += ndims
        if not 0 <= axis < ndims:
            raise ValueError(f"axis {axis} is out of range for a tensor of rank {ndims}")
        perm = np.r_[np.arange(axis), [ndims - 1], np.arange(axis + 1, ndims - 1), [axis]].astype(np.int32)
        transposition = _constant.constant(perm, name="transposition")
        top_k_input = array_ops.transpose(values, transposition)
    last = top_k_input.shape[-1].value if top_k_input.shape.ndims else None
    if last is not None:
        k = last
    else:
        k = array_ops.shape(values)[axis]
    vals, idx = nn_ops.top_k(top_k_input, k)
    out = idx if return_argsort else vals
    if transposition is not None:
        out = array_ops.transpose(out, transposition)
    return out


def _sort_or_argsort(values, axis, direction, return_argsort):
    from compat_tf._src.ops import math_ops
    if direction not in ("ASCENDING", "DESCENDING"):
        raise ValueError(f"{direction} should be one of ASCENDING, DESCENDING")
    axis_t = _constant.convert_to_tensor(axis, name="axis")
    axis_static = _shape_inference.constant_value(axis_t)
    if axis_t.shape.ndims != 0 or axis_static is None:
        raise ValueError("axis must be a constant scalar")
    axis_static = int(axis_static)
    values = _constant.convert_to_tensor(values, name="values")
    if direction == "DESCENDING":
        return _descending_sort(values, axis_static, return_argsort)
    out = _descending_sort(math_ops.negative(values), axis_static, return_argsort)
    return out if return_argsort else math_ops.negative(out)


def sort(values, axis=-1, direction="ASCENDING", name=None):
    """tf.sort (TF1 sort_ops.sort): `values` sorted along `axis` (a constant); direction 'ASCENDING'
    or 'DESCENDING'. Built from TopKV2 in a name scope 'sort', as TF1."""
    with _graph.get_default_graph().name_scope(name or "sort"):
        return _sort_or_argsort(values, axis, direction, return_argsort=False)


def argsort(values, axis=-1, direction="ASCENDING", stable=False, name=None):
    """tf.argsort (TF1 sort_ops.argsort): int32 indices that sort `values` along `axis`. Ties keep
    their original order in both directions (TF1's implementation is stable; `stable` is unused)."""
    del stable
    with _graph.get_default_graph().name_scope(name or "argsort"):
        return _sort_or_argsort(values, axis, direction, return_argsort=True)


# --------------------------------------------------------------------------------------------
# searchsorted: LowerBound / UpperBound
# --------------------------------------------------------------------------------------------

def _bound(side):
    def lower(sorted_inputs, values, out_type=_dtypes.int32, **_):
        fn = jax.vmap(lambda s, v: jnp.searchsorted(s, v, side=side))
        return fn(jnp.asarray(sorted_inputs), jnp.asarray(values)).astype(_dtypes.to_jax_dtype(out_type))
    return lower


register_op("LowerBound", differentiable=False)(_bound("left"))
register_op("UpperBound", differentiable=False)(_bound("right"))


def searchsorted(sorted_sequence, values, side="left", out_type=_dtypes.int32, name=None):
    """tf.searchsorted (TF1 array_ops.searchsorted): for each row of `values`, the insertion indices
    into the matching row of `sorted_sequence` (sorted along its last axis). side='left' builds
    LowerBound, 'right' UpperBound, over 2-D reshapes of the inputs; out_type int32 or int64."""
    from compat_tf._src.ops import array_ops
    out_type = _dtypes.as_dtype(out_type)
    if out_type not in (_dtypes.int32, _dtypes.int64):
        raise TypeError(f"Value passed to parameter 'out_type' has DataType {out_type.name} not in list of "
                        "allowed values: int32, int64")
    if side not in ("left", "right"):
        raise ValueError(f"side must be either 'right' or 'left'.  Saw: {side}.")
    seq = _constant.convert_to_tensor(sorted_sequence, name="sorted_sequence")
    vals = _constant.convert_to_tensor(values, name="values", dtype=seq.dtype)
    if seq.shape.ndims is not None and vals.shape.ndims is not None:
        if seq.shape.ndims != vals.shape.ndims:
            raise ValueError(f"sorted_sequence and values must have the same rank, got {seq.shape} and "
                             f"{vals.shape}")
        if not seq.shape[:-1].is_compatible_with(vals.shape[:-1]):
            raise ValueError(f"sorted_sequence and values must have the same leading dimensions, got "
                             f"{seq.shape} and {vals.shape}")
    seq_size = array_ops.shape(seq)[-1]
    vals_size = array_ops.shape(vals)[-1]
    seq_2d = array_ops.reshape(seq, [-1, seq_size])
    vals_2d = array_ops.reshape(vals, [-1, vals_size])
    op_type = "UpperBound" if side == "right" else "LowerBound"
    out = make_tensor(op_type, [seq_2d, vals_2d], {"out_type": out_type}, name=name or op_type)
    result = array_ops.reshape(out, array_ops.shape(vals))
    result.set_shape(vals.shape)
    return result


# --------------------------------------------------------------------------------------------
# roll
# --------------------------------------------------------------------------------------------

@register_op("Roll")
def _roll(x, shift, axis, **_):
    ax = static_ints(axis, "tf.roll's axis").reshape(-1)
    sh = jnp.reshape(jnp.asarray(shift), (-1,))
    if sh.shape[0] != ax.size:
        raise ValueError(f"shift and axis must have the same size, got {sh.shape[0]} and {ax.size}")
    for i, a in enumerate(ax):
        x = jnp.roll(x, sh[i], axis=int(a))
    return x


def roll(input, shift, axis, name=None):  # noqa: A002 - TF1 name
    """tf.roll / tf.manip.roll (op Roll): elements shifted by `shift` along `axis` (scalars or equal
    length vectors; an axis given twice adds its shifts). `axis` must be a build-time constant."""
    x = _constant.convert_to_tensor(input, name="input")
    shift_t = _constant.convert_to_tensor(shift, name="shift")
    axis_t = _constant.convert_to_tensor(axis, name="axis")
    for t, what in ((shift_t, "shift"), (axis_t, "axis")):
        if t.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
            raise TypeError(f"Value passed to parameter '{what}' has DataType {t.dtype.name} not in list of "
                            "allowed values: int32, int64")
        if t.shape.ndims is not None and t.shape.ndims > 1:
            raise ValueError(f"{what} must be a scalar or a 1-D vector. Found: {t.shape}")
    if shift_t.shape.ndims is not None and axis_t.shape.ndims is not None and \
            not shift_t.shape.is_compatible_with(axis_t.shape):
        raise ValueError(f"shift and axis must have the same size, got {shift_t.shape} and {axis_t.shape}")
    av = _shape_inference.constant_value(axis_t)
    if av is not None and x.shape.ndims is not None:
        for a in np.asarray(av).reshape(-1):
            if not -x.shape.ndims <= int(a) < x.shape.ndims:
                raise ValueError(f"axis {int(a)} is out of range for a tensor of rank {x.shape.ndims}")
    return make_tensor("Roll", [x, shift_t, axis_t], name=name or "Roll")
