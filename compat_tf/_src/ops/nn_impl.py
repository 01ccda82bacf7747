"""tf.nn functions that TF1 builds from several ops (nn_impl.py / embedding_ops.py).

Each opens TF1's name scope and builds the same arithmetic as TF 1.15:
moments (mean, then the mean squared difference from a stop_gradient'ed mean),
sufficient_statistics / normalize_moments / weighted_moments, batch_normalization
((x - mean) * rsqrt(var + eps) * scale + offset, as x * inv + (offset - mean * inv)),
l2_normalize (x * rsqrt(max(sum(x^2), epsilon))), zero_fraction and embedding_lookup.

embedding_lookup with a list of partitions ('mod' or 'div' strategy) computes TF1's
partition assignment arithmetically and gathers once from the concatenated
partitions (TF1 uses DynamicPartition / DynamicStitch); values and gradients are the same.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.ops import nn_ops

__all__ = []


def _g():
    return _graph.get_default_graph()


def _lookup(new_name, new_value, old_name, old_value):
    return nn_ops._lookup(new_name, new_value, old_name, old_value)


def _axes_list(axes):
    if isinstance(axes, _graph.Tensor):
        return nn_ops._ints(axes, "axes")
    if isinstance(axes, (int, np.integer)):
        return [int(axes)]
    return [int(a) for a in axes]


# --------------------------------------------------------------------------------------------
# l2_normalize
# --------------------------------------------------------------------------------------------

def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """tf.nn.l2_normalize: x * rsqrt(max(sum(x ** 2, axis, keepdims), epsilon)) (`dim`: old alias)."""
    axis = _lookup("axis", axis, "dim", dim)
    with _g().name_scope(name or "l2_normalize") as scope:
        x = _constant.convert_to_tensor(x, name="x")
        square_sum = math_ops.reduce_sum(math_ops.square(x), axis, keepdims=True)
        eps = _constant.constant(epsilon, dtype=x.dtype.base_dtype)
        x_inv_norm = math_ops.rsqrt(math_ops.maximum(square_sum, eps))
        return math_ops.multiply(x, x_inv_norm, name=scope)


# --------------------------------------------------------------------------------------------
# moments and batch normalization
# --------------------------------------------------------------------------------------------

def moments(x, axes, shift=None, name=None, keep_dims=None, keepdims=None):
    """tf.nn.moments: (mean, variance) over `axes`; variance = mean((x - stop_gradient(mean)) ** 2).

    float16 inputs are reduced in float32 and cast back, as TF1. `shift` is ignored (as TF1).
    """
    keep_dims = _lookup("keepdims", keepdims, "keep_dims", keep_dims)
    if keep_dims is None:
        keep_dims = False
    from compat_tf._src.ops import gradients_impl
    with _g().name_scope(name or "moments"):
        x = _constant.convert_to_tensor(x)
        y = math_ops.cast(x, _dtypes.float32) if x.dtype.base_dtype == _dtypes.float16 else x
        mean = math_ops.reduce_mean(y, axes, keepdims=True, name="mean")
        variance = math_ops.reduce_mean(
            math_ops.squared_difference(y, gradients_impl.stop_gradient(mean)), axes, keepdims=True,
            name="variance")
        if not keep_dims:
            ax = _axes_list(axes)
            mean = nn_ops._squeeze(mean, ax)
            variance = nn_ops._squeeze(variance, ax)
        if x.dtype.base_dtype == _dtypes.float16:
            return math_ops.cast(mean, _dtypes.float16), math_ops.cast(variance, _dtypes.float16)
        return mean, variance


def sufficient_statistics(x, axes, shift=None, keep_dims=None, name=None, keepdims=None):
    """tf.nn.sufficient_statistics: (count, sum(x - shift), sum((x - shift) ** 2), shift)."""
    keep_dims = _lookup("keepdims", keepdims, "keep_dims", keep_dims)
    if keep_dims is None:
        keep_dims = False
    with _g().name_scope(name or "sufficient_statistics"):
        x = _constant.convert_to_tensor(x, name="x")
        ax = _axes_list(axes)
        xs = x.shape
        if xs.ndims is not None and all(xs[d].value is not None for d in ax):
            counts = 1
            for d in ax:
                counts *= xs[d].value
            counts = _constant.constant(counts, dtype=x.dtype.base_dtype)
        else:
            shp = math_ops.cast(array_ops.shape(x), x.dtype.base_dtype)
            counts = math_ops.reduce_prod(array_ops.stack([shp[d] for d in ax]), name="count")
        if shift is not None:
            shift = _constant.convert_to_tensor(shift, name="shift")
            m_ss = math_ops.subtract(x, shift)
            v_ss = math_ops.squared_difference(x, shift)
        else:
            m_ss = x
            v_ss = math_ops.square(x)
        m_ss = math_ops.reduce_sum(m_ss, ax, keepdims=keep_dims, name="mean_ss")
        v_ss = math_ops.reduce_sum(v_ss, ax, keepdims=keep_dims, name="var_ss")
    return counts, m_ss, v_ss, shift


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None):
    """tf.nn.normalize_moments: (mean, variance) from sufficient statistics."""
    with _g().name_scope(name or "normalize"):
        divisor = math_ops.reciprocal(counts, name="divisor")
        if shift is not None:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="shifted_mean")
            mean = math_ops.add(shifted_mean, shift, name="mean")
        else:
            shifted_mean = math_ops.multiply(mean_ss, divisor, name="mean")
            mean = shifted_mean
        variance = math_ops.subtract(math_ops.multiply(variance_ss, divisor), math_ops.square(shifted_mean),
                                     name="variance")
    return mean, variance


def weighted_moments(x, axes, frequency_weights, name=None, keep_dims=None, keepdims=None):
    """tf.nn.weighted_moments: frequency-weighted (mean, variance) over `axes`."""
    keep_dims = _lookup("keepdims", keepdims, "keep_dims", keep_dims)
    if keep_dims is None:
        keep_dims = False
    with _g().name_scope(name or "weighted_moments"):
        x = _constant.convert_to_tensor(x, name="x")
        w = _constant.convert_to_tensor(frequency_weights, name="frequency_weights")
        needs_cast = x.dtype.base_dtype == _dtypes.float16
        if needs_cast:
            x = math_ops.cast(x, _dtypes.float32)
        if w.dtype.base_dtype != x.dtype.base_dtype:
            w = math_ops.cast(w, x.dtype.base_dtype)
        weighted_input_sum = math_ops.reduce_sum(w * x, axes, name="weighted_input_sum", keepdims=True)
        broadcasted_weights = w + array_ops.zeros_like(x)
        sum_of_weights = math_ops.reduce_sum(broadcasted_weights, axes, name="sum_of_weights", keepdims=True)
        divisor = math_ops.reciprocal(sum_of_weights, name="inv_weight_sum")
        weighted_mean = math_ops.multiply(weighted_input_sum, divisor)
        weighted_distsq = math_ops.reduce_sum(w * math_ops.squared_difference(x, weighted_mean), axes,
                                              name="weighted_distsq", keepdims=True)
        weighted_variance = math_ops.multiply(weighted_distsq, divisor)
        if not keep_dims:
            ax = _axes_list(axes)
            weighted_mean = nn_ops._squeeze(weighted_mean, ax)
            weighted_variance = nn_ops._squeeze(weighted_variance, ax)
        if needs_cast:
            weighted_mean = math_ops.cast(weighted_mean, _dtypes.float16)
            weighted_variance = math_ops.cast(weighted_variance, _dtypes.float16)
        return weighted_mean, weighted_variance


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None):
    """tf.nn.batch_normalization: (x - mean) * rsqrt(variance + eps) * scale + offset, built as
    TF1 (a "batchnorm" scope: inv = rsqrt(var + eps) * scale; x * inv + (offset - mean * inv))."""
    with _g().name_scope(name or "batchnorm"):
        x = _constant.convert_to_tensor(x)
        inv = math_ops.rsqrt(variance + variance_epsilon)
        if scale is not None:
            inv = inv * scale
        dt = x.dtype.base_dtype
        shift = offset - mean * inv if offset is not None else -mean * inv
        return x * math_ops.cast(inv, dt) + math_ops.cast(shift, dt)


def batch_norm_with_global_normalization(t=None, m=None, v=None, beta=None, gamma=None, variance_epsilon=None,
                                         scale_after_normalization=None, name=None, input=None, mean=None,
                                         variance=None):
    """tf.nn.batch_norm_with_global_normalization (deprecated): batch_normalization with gamma applied
    only when scale_after_normalization."""
    t = _lookup("input", input, "t", t)
    m = _lookup("mean", mean, "m", m)
    v = _lookup("variance", variance, "v", v)
    return batch_normalization(t, m, v, beta, gamma if scale_after_normalization else None, variance_epsilon,
                               name)


# --------------------------------------------------------------------------------------------
# zero_fraction
# --------------------------------------------------------------------------------------------

def zero_fraction(value, name=None):
    """tf.nn.zero_fraction: the fraction of zeros in `value`, a float32 scalar
    (zero_fraction/fraction)."""
    from compat_tf._src.ops import control_flow_ops
    with _g().name_scope(name or "zero_fraction"):
        value = _constant.convert_to_tensor(value, name="value")
        size = array_ops.size(value, out_type=_dtypes.int64)
        num_nonzero = math_ops.count_nonzero(value, dtype=_dtypes.int64)
        with _g().name_scope("counts_to_fraction"):
            num_zero = size - num_nonzero
            num_zero_f = math_ops.cast(num_zero, _dtypes.float32)
            size_f = math_ops.cast(size, _dtypes.float32)
            frac = num_zero_f / size_f
        return control_flow_ops.identity(frac, name="fraction")


# --------------------------------------------------------------------------------------------
# embedding_lookup
# --------------------------------------------------------------------------------------------

def _gather(params, indices, name=None):
    from compat_tf._src.ops import gather_ops
    fn = getattr(gather_ops, "gather", None) or getattr(array_ops, "gather", None)
    if fn is None:
        raise NotImplementedError("tf.nn.embedding_lookup needs tf.gather, which compat_tf does not have yet")
    return fn(params, indices, name=name) if name else fn(params, indices)


def _clip(params, ids, max_norm):
    """TF1's embedding_ops._clip: clip_by_norm of each looked-up embedding."""
    if max_norm is None:
        return params
    from compat_tf._src.ops import clip_ops
    fn = getattr(clip_ops, "clip_by_norm", None)
    if fn is None:
        raise NotImplementedError("embedding_lookup(max_norm=...) needs tf.clip_by_norm, which compat_tf "
                                  "does not have yet")
    ids_rank, params_rank = ids.shape.ndims, params.shape.ndims
    if ids_rank is None or params_rank is None:
        raise NotImplementedError("embedding_lookup(max_norm=...) needs ids and params of known rank")
    return fn(params, max_norm, axes=list(range(ids_rank, params_rank)))


def embedding_lookup(params, ids, partition_strategy="mod", name=None, validate_indices=True, max_norm=None):
    """tf.nn.embedding_lookup: rows of `params` (a tensor, variable or list of partitions) at `ids`.

    One tensor: GatherV2 named "embedding_lookup" then Identity, as TF1. A list of P partitions
    uses TF1's assignment: 'mod' puts id in partition id % P at row id // P; 'div' splits the
    id range contiguously (the first N % P partitions one row larger). `max_norm` clips each
    looked-up embedding to that L2 norm.
    """
    from compat_tf._src.ops import control_flow_ops
    if params is None or (isinstance(params, (list, tuple)) and not params):
        raise ValueError("Need at least one param")
    if partition_strategy not in ("mod", "div"):
        raise ValueError(f"Unrecognized partition strategy: {partition_strategy}")
    if hasattr(params, "_get_variable_list"):   # a PartitionedVariable: its shards, as TF1
        params = params._get_variable_list()
    elif not isinstance(params, (list, tuple)):
        params = [params]
    params = list(params)
    with _g().name_scope(name or "embedding_lookup") as scope:
        params = [_constant.convert_to_tensor(p, name="params") for p in params]
        ids = _constant.convert_to_tensor(ids, name="ids")
        if ids.dtype.base_dtype not in (_dtypes.int32, _dtypes.int64):
            raise TypeError(f"Value passed to parameter 'indices' has DataType {ids.dtype.name} not in list "
                            "of allowed values: int32, int64")
        np_ = len(params)
        if np_ == 1:
            result = _clip(_gather(params[0], ids, name=scope), ids, max_norm)
            return control_flow_ops.identity(result)
        dims = [p.shape[0].value if p.shape.ndims else None for p in params]
        if any(d is None for d in dims):
            raise NotImplementedError("embedding_lookup over partitions of unknown size is not supported by "
                                      "compat_tf")
        offsets = np.concatenate([[0], np.cumsum(dims)[:-1]]).astype(ids.dtype.as_numpy_dtype)
        total = int(sum(dims))
        flat_ids = ids
        if partition_strategy == "mod":
            p_assign = flat_ids % np_
            new_ids = flat_ids // np_
        else:
            ids_per_partition = total // np_
            extras = total % np_
            p_assign = math_ops.maximum(flat_ids // (ids_per_partition + 1),
                                        (flat_ids - extras) // max(ids_per_partition, 1))
            new_ids = array_ops.where(math_ops.less(p_assign, extras), flat_ids % (ids_per_partition + 1),
                                      (flat_ids - extras) % max(ids_per_partition, 1))
        table = array_ops.concat(params, 0)
        rows = _gather(_constant.constant(offsets), p_assign) + new_ids
        result = _clip(_gather(table, rows), ids, max_norm)
        return control_flow_ops.identity(result, name=scope)
