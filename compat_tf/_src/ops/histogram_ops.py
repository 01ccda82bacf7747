"""tf.histogram_fixed_width (op HistogramFixedWidth) and tf.histogram_fixed_width_bins (TF 1.15's
histogram_ops.py).

Both put `values` into `nbins` equal bins over `value_range` = [lo, hi]; values below lo go to
bin 0, values at or above hi to bin nbins-1. The op computes the bin as TF's CPU kernel does,
in double precision: `min(floor((max(v, lo) - lo) / ((hi - lo) / nbins)), nbins - 1)`; the
`_bins` function is TF's composite (`floor(nbins * (v - lo) / (hi - lo))` in the values' dtype,
clipped), reshaped to the values' shape. nbins <= 0 is InvalidArgumentError, as TF.
"""
import jax.numpy as jnp

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors as _errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor, static_ints

__all__ = ["histogram_fixed_width", "histogram_fixed_width_bins"]


@register_op("HistogramFixedWidth", differentiable=False)
def _histogram_fixed_width(values, value_range, nbins, dtype=_dtypes.int32):
    n = int(static_ints(nbins, "tf.histogram_fixed_width's nbins"))
    if n <= 0:
        raise _errors.InvalidArgumentError(None, None, f"nbins should be a positive number, but got '{n}'")
    v = jnp.asarray(values, jnp.float64).reshape(-1)
    lo, hi = jnp.asarray(value_range[0], jnp.float64), jnp.asarray(value_range[1], jnp.float64)
    step = (hi - lo) / n
    index = jnp.minimum(jnp.floor((jnp.maximum(v, lo) - lo) / step), n - 1).astype(jnp.int32)
    counts = jnp.zeros((n,), jnp.int32).at[index].add(1)
    return counts.astype(_dtypes.to_jax_dtype(_dtypes.as_dtype(dtype)))


def histogram_fixed_width(values, value_range, nbins=100, dtype=_dtypes.int32, name=None):
    """tf.histogram_fixed_width: counts of `values` in `nbins` equal bins over `value_range`."""
    g = _graph.get_default_graph()
    with g.name_scope(name or "histogram_fixed_width") as scope:
        v = _constant.convert_to_tensor(values, name="values")
        r = _constant.convert_to_tensor(value_range, dtype=v.dtype.base_dtype, name="value_range")
        n = _constant.convert_to_tensor(nbins, dtype=_dtypes.int32, name="nbins")
        return make_tensor("HistogramFixedWidth", [v, r, n], {"dtype": _dtypes.as_dtype(dtype).base_dtype},
                           name=scope)


def histogram_fixed_width_bins(values, value_range, nbins=100, dtype=_dtypes.int32, name=None):
    """tf.histogram_fixed_width_bins: the bin index of each value (see the module docstring)."""
    from compat_tf._src.ops import array_ops, clip_ops, math_ops
    g = _graph.get_default_graph()
    with g.name_scope(name or "histogram_fixed_width_bins"):
        v = _constant.convert_to_tensor(values, name="values")
        shape = array_ops.shape(v)
        v = array_ops.reshape(v, [-1])
        r = _constant.convert_to_tensor(value_range, dtype=v.dtype.base_dtype, name="value_range")
        nbins_float = math_ops.cast(nbins, v.dtype.base_dtype)
        scaled = math_ops.truediv(v - r[0], r[1] - r[0], name="scaled_values")
        indices = math_ops.floor(nbins_float * scaled, name="indices")
        indices = math_ops.cast(clip_ops.clip_by_value(indices, 0, nbins_float - 1), dtype)
        return array_ops.reshape(indices, shape)
