"""tf.sparse_tensor_dense_matmul (tf.sparse.sparse_dense_matmul, tf.sparse.matmul): TF1's
SparseTensorDenseMatMul op, a sparse [m, k] (or its adjoint) times a dense [k, n] (or its adjoint).

Lowered as TF's CPU kernel computes it: each stored value times its row of `b`, summed into its
output row (a segment sum), so gradients to the values and to `b` come from JAX's derivative of
that program. Out-of-range indices raise TF1's InvalidArgumentError (a run-time check).
A dense_shape known only at run time (a tf.sparse_placeholder without a full shape) reaches the step
as the static shape of a host `_SparseShapeDims` array, so the output row count is static and the
step is traced once per distinct dense_shape; such a graph is not exportable in TF's vocabulary.
"""
import jax
import jax.numpy as jnp
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.framework.shape_inference import constant_value
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor, static_ints
from compat_tf._src.ops.sparse_ops import _convert_to_sparse_tensor, dense_shape_dims
from compat_tf._src.runtime import run_checks


def sparse_tensor_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None):
    """tf.sparse_tensor_dense_matmul: SparseTensor (rank 2) x dense matrix -> dense matrix."""
    sp_a = _convert_to_sparse_tensor(sp_a)
    with _graph.get_default_graph().name_scope(name or "SparseTensorDenseMatMul") as scope:
        b = _constant.convert_to_tensor(b, name="b")
        if b.dtype.base_dtype != sp_a.dtype.base_dtype:
            raise TypeError(f"SparseTensorDenseMatMul: a's values are {sp_a.dtype.base_dtype.name}, b is "
                            f"{b.dtype.base_dtype.name}")
        dims = dense_shape_dims(sp_a.dense_shape, scope + "dense_shape_dims")
        extra = [] if dims is None else [dims]
        return make_tensor("SparseTensorDenseMatMul", [sp_a.indices, sp_a.values, sp_a.dense_shape, b] + extra,
                           {"T": b.dtype.base_dtype, "Tindices": sp_a.indices.dtype.base_dtype,
                            "adjoint_a": bool(adjoint_a), "adjoint_b": bool(adjoint_b)}, name=scope)


def _shape(op):
    a_shape, b = constant_value(op.inputs[2]), op.inputs[3]
    adj_a, adj_b = op.get_attr("adjoint_a"), op.get_attr("adjoint_b")
    rows = None if a_shape is None else int(a_shape[1 if adj_a else 0])
    bs = b.shape.as_list() if b.shape.ndims is not None else [None, None]
    if b.shape.ndims not in (None, 2):
        raise ValueError(f"Shape must be rank 2 but is rank {b.shape.ndims} for SparseTensorDenseMatMul's b")
    inner_a = None if a_shape is None else int(a_shape[0 if adj_a else 1])
    inner_b = bs[1 if adj_b else 0]
    if inner_a is not None and inner_b is not None and inner_a != inner_b:
        raise ValueError(f"Dimensions must be equal, but are {inner_a} and {inner_b} for "
                         f"'{op.name}' (op: 'SparseTensorDenseMatMul')")
    return [(_ts.TensorShape([rows, bs[0 if adj_b else 1]]), b.dtype.base_dtype)]


@register_op("SparseTensorDenseMatMul", shape=_shape)
def _sparse_dense_matmul(a_indices, a_values, a_shape, b, *dims, adjoint_a=False, adjoint_b=False, **_):
    if dims:        # a run-time dense_shape, as the shape of a `_SparseShapeDims` array
        shape = np.asarray(np.shape(dims[0])[:-1], np.int64)
    else:
        shape = static_ints(a_shape, "the dense_shape of tf.sparse_tensor_dense_matmul's sparse operand")
    idx = jnp.asarray(a_indices).astype(jnp.int32)
    rows, cols = (idx[:, 1], idx[:, 0]) if adjoint_a else (idx[:, 0], idx[:, 1])
    n_rows, n_inner = (int(shape[1]), int(shape[0])) if adjoint_a else (int(shape[0]), int(shape[1]))
    values = jnp.conj(a_values) if adjoint_a else a_values
    bm = jnp.conj(b).T if adjoint_b else b
    if idx.shape[0]:
        # TF1's CPU kernel: InvalidArgumentError for an index outside the sparse operand's shape
        for which, sel, bound in (("i", rows, n_rows), ("k", cols, n_inner)):
            bad = (sel < 0) | (sel >= bound)
            first = jnp.argmax(bad)
            column = (1 if adjoint_a else 0) if which == "i" else (0 if adjoint_a else 1)
            run_checks.check(bad, lambda v, at, lim, w=which, c=column: f"{w} ({v}) from index[{at},{c}] out of "
                             f"bounds (>={lim})", sel[first], first, jnp.asarray(bound, jnp.int64))
    contrib = values[:, None] * jnp.take(bm, jnp.clip(cols, 0, bm.shape[0] - 1), axis=0)
    return jax.ops.segment_sum(contrib, rows, num_segments=n_rows).astype(bm.dtype)


run_checks.register_checked_op("SparseTensorDenseMatMul")


@register_op("SparseMatMul")
def _sparse_mat_mul(a, b, transpose_a=False, transpose_b=False, **_):
    a = jnp.asarray(a).astype(jnp.float32)
    b = jnp.asarray(b).astype(jnp.float32)
    return jnp.matmul(a.T if transpose_a else a, b.T if transpose_b else b)


def sparse_matmul(a, b, transpose_a=False, transpose_b=False, a_is_sparse=False, b_is_sparse=False, name=None):
    """tf.sparse_matmul (op SparseMatMul): a dense matrix product; `a_is_sparse`/`b_is_sparse` are hints
    TF1's CPU kernel uses to skip zeros, which XLA does not need (no effect here). Inputs float32 or
    bfloat16, the output float32, as TF1."""
    allowed = (_dtypes.float32, _dtypes.bfloat16)
    a = _constant.convert_to_tensor(a, name="a", preferred_dtype=_dtypes.float32)
    b = _constant.convert_to_tensor(b, name="b", preferred_dtype=_dtypes.float32)
    for what, t in (("a", a), ("b", b)):
        if t.dtype.base_dtype not in allowed:
            raise TypeError(f"Value passed to parameter '{what}' has DataType {t.dtype.base_dtype.name} not in "
                            "list of allowed values: float32, bfloat16")
    for what, t in (("a", a), ("b", b)):
        if t.shape.ndims not in (None, 2):
            raise ValueError(f"Shape must be rank 2 but is rank {t.shape.ndims} for 'SparseMatMul' input {what}")
    return make_tensor("SparseMatMul", [a, b], {"transpose_a": bool(transpose_a), "transpose_b": bool(transpose_b),
                                                "a_is_sparse": bool(a_is_sparse), "b_is_sparse": bool(b_is_sparse)},
                       name=name or "SparseMatMul")


__all__ = ["sparse_matmul", "sparse_tensor_dense_matmul"]
