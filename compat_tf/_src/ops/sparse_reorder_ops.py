"""Reordering and reshaping SparseTensors: TF1's SparseReorder, SparseReshape and SparseConcat ops.

The number of stored values is the same before and after each of these, so they lower onto the
device (jnp). Gradients reach the values through SparseReorder (TF1 has its gradient); SparseReshape
leaves the values untouched; SparseConcat is NotDifferentiable in TF1 and here. Canonical order is
row-major (lexicographic) order of the index tuples; duplicates keep their input order (a stable
sort; TF1 leaves it unspecified). Shapes only known at run time work (computed in the step), with
SparseReshape's size check as a run-time check.
"""
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.sparse_tensor import SparseTensor
from compat_tf._src.ops._op_util import make_op
from compat_tf._src.ops.sparse_ops import _convert_to_sparse_tensor
from compat_tf._src.runtime import run_checks
from compat_tf._src.runtime.interp import eager as _interp_eager

__all__ = ["sparse_concat", "sparse_reorder", "sparse_reshape"]


def _invalid(msg):
    return errors.InvalidArgumentError(None, None, msg)


def _concrete(v):
    return _interp_eager.concrete_value(v)


def canonical_permutation(indices):
    """The stable permutation that puts the rows of an [N, rank] index matrix in row-major order."""
    indices = jnp.asarray(indices)
    if indices.shape[0] == 0 or indices.shape[1] == 0:
        return jnp.arange(indices.shape[0])
    return jnp.lexsort(tuple(indices[:, d] for d in reversed(range(indices.shape[1]))))


def _is_strings(values):
    return isinstance(values, np.ndarray) and values.dtype == object


def _permute(indices, values, perm):
    """indices and values in the order `perm`; string values (host: a string input makes the op a host op)
    stay NumPy object arrays."""
    if _is_strings(values):
        perm = np.asarray(perm)
        return np.asarray(indices)[perm], values[perm]
    return jnp.take(jnp.asarray(indices), perm, axis=0), jnp.take(jnp.asarray(values), perm, axis=0)


# -- SparseReorder -----------------------------------------------------------------------------

def _reorder_shape(op):
    idx, vals = op.inputs[0].shape, op.inputs[1].shape
    return [(_ts.TensorShape([None, None]).merge_with(idx) if idx.ndims is not None else [None, None],
             _dtypes.int64),
            (_ts.TensorShape([None]).merge_with(vals) if vals.ndims is not None else [None],
             op.inputs[1].dtype.base_dtype)]


@register_op("SparseReorder", num_outputs=2, shape=_reorder_shape)
def _sparse_reorder(input_indices, input_values, input_shape, **_):
    if np.ndim(input_indices) != 2:
        raise _invalid(f"Input indices should be a matrix but received shape {list(np.shape(input_indices))}")
    if np.ndim(input_values) != 1:
        raise _invalid(f"Input values should be a vector but received shape {list(np.shape(input_values))}")
    return _permute(input_indices, input_values, canonical_permutation(input_indices))


def sparse_reorder(sp_input, name=None):
    """tf.sparse.reorder / tf.sparse_reorder (op SparseReorder): the same SparseTensor in canonical
    (row-major) order. Gradients reach the values (permuted back), as TF1's."""
    sp_input = _convert_to_sparse_tensor(sp_input)
    op = make_op("SparseReorder", [sp_input.indices, sp_input.values, sp_input.dense_shape],
                 name=name or "SparseReorder")
    return SparseTensor(op.outputs[0], op.outputs[1], sp_input.dense_shape)


# -- SparseReshape -----------------------------------------------------------------------------

def _reshape_out_shape(in_shape, new_shape):
    """TF1's SparseReshape shape rule on concrete values (with its InvalidArgumentErrors)."""
    in_shape, new_shape = np.asarray(in_shape, np.int64), np.asarray(new_shape, np.int64).copy()
    dense_size = int(np.prod(in_shape)) if in_shape.size else 1
    unknown, product = -1, 1
    for d, v in enumerate(new_shape):
        if v == -1:
            if unknown != -1:
                raise _invalid(f"only one output dimension may be -1, not both {unknown} and {d}")
            unknown = d
        elif v < 0:
            raise _invalid(f"size {d} must be non-negative, not {int(v)}")
        else:
            product *= int(v)
    if unknown != -1:
        if product <= 0:
            raise _invalid("reshape cannot infer the missing input size for an empty tensor unless all "
                           "specified input sizes are non-zero")
        missing = dense_size // product
        if product * missing != dense_size:
            raise _invalid(f"Input to reshape is a SparseTensor with {dense_size} dense values, but the "
                           f"requested shape requires a multiple of {product}")
        new_shape[unknown] = missing
    if int(np.prod(new_shape)) != dense_size:
        raise _invalid(f"Input to reshape is a tensor with {dense_size} dense values, but the requested "
                       f"shape has {int(np.prod(new_shape))}")
    return new_shape


def _strides(shape):
    shape = jnp.asarray(shape, jnp.int64)
    n = shape.shape[0]
    if n == 0:
        return shape
    return jnp.concatenate([jnp.cumprod(shape[::-1])[::-1][1:], jnp.ones([1], jnp.int64)])


def _reshape_shape(op):
    new = op.inputs[2]
    rank = new.shape[0].value if new.shape.ndims == 1 else None
    from compat_tf._src.framework.shape_inference import constant_value
    ins, news = constant_value(op.inputs[1]), constant_value(new)
    if ins is not None and news is not None:
        _reshape_out_shape(ins, news)    # a static mismatch fails when the op is built
    return [(_ts.TensorShape([op.inputs[0].shape[0] if op.inputs[0].shape.ndims else None, rank]), _dtypes.int64),
            (_ts.TensorShape([rank]), _dtypes.int64)]


@register_op("SparseReshape", num_outputs=2, shape=_reshape_shape, differentiable=False)
def _sparse_reshape(input_indices, input_shape, new_shape, **_):
    if np.ndim(input_indices) != 2:
        raise _invalid(f"Input indices should be a matrix but received shape {list(np.shape(input_indices))}")
    if np.ndim(input_shape) != 1:
        raise _invalid(f"Input shape should be a vector but received shape {list(np.shape(input_shape))}")
    if np.ndim(new_shape) != 1:
        raise _invalid(f"Target shape should be a vector but received shape {list(np.shape(new_shape))}")
    ins, news = _concrete(input_shape), _concrete(new_shape)
    if ins is not None and news is not None:
        out_shape = jnp.asarray(_reshape_out_shape(ins, news))
    else:
        # shapes known only at run time: -1 inferred arithmetically (no mismatch check in the trace)
        ins = jnp.asarray(input_shape, jnp.int64)
        news = jnp.asarray(new_shape, jnp.int64)
        size = jnp.prod(ins)
        known = jnp.prod(jnp.where(news == -1, 1, news))
        out_shape = jnp.where(news == -1, size // jnp.maximum(known, 1), news)
        run_checks.check(jnp.prod(out_shape) != size, lambda have, want: f"Input to reshape is a tensor with "
                         f"{have} dense values, but the requested shape has {want}", size, jnp.prod(out_shape))
    idx = jnp.asarray(input_indices, jnp.int64)
    linear = idx @ _strides(input_shape) if idx.shape[1] else jnp.zeros([idx.shape[0]], jnp.int64)
    out_strides = _strides(out_shape)
    if out_shape.shape[0] == 0:
        return jnp.zeros([idx.shape[0], 0], jnp.int64), out_shape
    out = (linear[:, None] // out_strides[None, :]) % jnp.maximum(out_shape, 1)[None, :]
    return out.astype(jnp.int64), out_shape.astype(jnp.int64)


run_checks.register_checked_op("SparseReshape", "SparseConcat")


def sparse_reshape(sp_input, shape, name=None):
    """tf.sparse.reshape / tf.sparse_reshape (op SparseReshape): the same values in a new dense shape
    (one dimension may be -1). Row-major positions are kept, so the values pass through unchanged
    (their gradient too). A static size mismatch is a ValueError at build time as in TF1."""
    from compat_tf._src.ops import constant as _constant

    sp_input = _convert_to_sparse_tensor(sp_input)
    new_shape = _constant.convert_to_tensor(shape, dtype=_dtypes.int64)
    from compat_tf._src.framework.shape_inference import constant_value
    in_c, new_c = constant_value(sp_input.dense_shape), constant_value(new_shape)
    if in_c is not None and new_c is not None and (np.asarray(new_c) >= 0).all():
        n_in, n_new = int(np.prod(in_c)), int(np.prod(new_c))
        if n_in != n_new:
            raise ValueError(f"Cannot reshape a tensor with {n_in} elements to shape "
                             f"{[int(d) for d in new_c]} ({n_new} elements).")
    try:
        op = make_op("SparseReshape", [sp_input.indices, sp_input.dense_shape, new_shape],
                     name=name or "SparseReshape")
    except errors.InvalidArgumentError as e:
        raise ValueError(str(e.message)) from None
    return SparseTensor(op.outputs[0], sp_input.values, op.outputs[1])


# -- SparseConcat ------------------------------------------------------------------------------

def _concat_shape(op):
    n = op.get_attr("N")
    dt = op.inputs[n].dtype.base_dtype
    ranks = {t.shape[0].value for t in op.inputs[2 * n:] if t.shape.ndims == 1} - {None}
    rank = ranks.pop() if len(ranks) == 1 else None
    return [([None, rank], _dtypes.int64), ([None], dt), ([rank], _dtypes.int64)]


# TF1 declares SparseConcat NotDifferentiable (sparse_grad.py): tf.gradients through it gives None
@register_op("SparseConcat", num_outputs=3, shape=_concat_shape, differentiable=False)
def _sparse_concat(*args, concat_dim, N, **_):  # noqa: N803 - TF's attr name
    indices, values, shapes = args[:N], args[N:2 * N], args[2 * N:]
    rank = np.shape(shapes[0])[0]
    for i, s in enumerate(shapes):
        if np.shape(s)[0] != rank:
            raise _invalid(f"Ranks of all input tensors should match: shape[0] = {_fmt(shapes[0])} vs. "
                           f"shape[{i}] = {_fmt(s)}")
    dim = concat_dim + rank if concat_dim < 0 else concat_dim
    if not 0 <= dim < rank:
        raise _invalid(f"Concat dimension must be in range [{-rank}, {rank}), got {concat_dim}")
    stacked = jnp.stack([jnp.asarray(s, jnp.int64) for s in shapes])
    other = np.array([d != dim for d in range(rank)])
    bad = (stacked != stacked[:1]) & other[None, :]
    first = jnp.argmax(bad.reshape(-1))
    at, d = first // max(rank, 1), first % max(rank, 1)
    run_checks.check(bad, lambda d, want, got, at: f"Input shapes must match: expected {want} for dimension {d} "
                     f"but got {got} at position {at}", d, stacked[0, d], stacked.reshape(-1)[first], at)
    sizes = jnp.stack([jnp.asarray(s, jnp.int64)[dim] for s in shapes])
    offsets = jnp.concatenate([jnp.zeros([1], jnp.int64), jnp.cumsum(sizes)[:-1]])
    shifted = []
    for i, idx in enumerate(indices):
        idx = jnp.asarray(idx, jnp.int64)
        shifted.append(idx.at[:, dim].add(offsets[i]))
    out_idx = jnp.concatenate(shifted, axis=0)
    if any(_is_strings(v) for v in values):
        out_vals = np.concatenate([np.asarray(v, object) for v in values], axis=0)
    else:
        out_vals = jnp.concatenate([jnp.asarray(v) for v in values], axis=0)
    out_idx, out_vals = _permute(out_idx, out_vals, canonical_permutation(out_idx))
    out_shape = jnp.asarray(shapes[0], jnp.int64).at[dim].set(jnp.sum(sizes))
    return out_idx, out_vals, (np.asarray(out_shape) if _is_strings(out_vals) else out_shape)


def _fmt(s):
    c = _concrete(s)
    return "[?]" if c is None else "[" + ",".join(str(int(d)) for d in np.asarray(c).reshape(-1)) + "]"


def sparse_concat(axis, sp_inputs, name=None, expand_nonconcat_dim=False, concat_dim=None,
                  expand_nonconcat_dims=None):
    """tf.sparse.concat / tf.sparse_concat (op SparseConcat): concatenation along `axis`, the output in
    canonical order. With `expand_nonconcat_dim` the other dimensions become the largest among the
    inputs (TF1 computes it with Max over the stacked shapes). No gradient flows through it (TF1's
    SparseConcat is NotDifferentiable)."""
    from compat_tf._src.ops import array_ops, math_ops

    if concat_dim is not None:
        if axis is not None and axis != concat_dim:
            raise ValueError("Cannot specify both 'axis' and 'concat_dim'")
        axis = concat_dim
    if expand_nonconcat_dims is not None:
        expand_nonconcat_dim = expand_nonconcat_dims
    if not isinstance(sp_inputs, (list, tuple)):
        raise TypeError("Inputs must be a list")
    if not sp_inputs:
        raise ValueError("Inputs must be a non-empty list")
    inputs = [_convert_to_sparse_tensor(s) for s in sp_inputs]
    if len(inputs) == 1:
        return inputs[0]
    axis = int(axis)
    g = _graph.get_default_graph()
    with g.name_scope(name or "SparseConcat") as scope:
        shapes = [s.dense_shape for s in inputs]
        if expand_nonconcat_dim:
            rank = shapes[0].shape[0].value
            if rank is None:
                raise NotImplementedError("tf.sparse.concat(expand_nonconcat_dim=True) with inputs of unknown "
                                          "rank is not supported by compat_tf")
            ax = axis + rank if axis < 0 else axis
            max_shape = math_ops.reduce_max(array_ops.stack(shapes), 0)
            shapes = [array_ops.concat([max_shape[:ax], s[ax:ax + 1], max_shape[ax + 1:]], 0) for s in shapes]
        op = make_op("SparseConcat", [s.indices for s in inputs] + [s.values for s in inputs] + shapes,
                     {"concat_dim": axis, "N": len(inputs)}, name=scope)
    return SparseTensor(*op.outputs)
