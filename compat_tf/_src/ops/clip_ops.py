"""Gradient clipping: clip_by_norm, clip_by_global_norm, clip_by_average_norm, global_norm.

Mirrors TF1's clip_ops.py formulas:
- clip_by_norm: t * clip_norm / max(||t||, clip_norm), the norm over `axes`
  (all when None), computed so that a zero tensor stays zero;
- global_norm: sqrt(sum of squared L2 norms) of the non-None tensors;
- clip_by_global_norm: each t * clip_norm / max(global_norm, clip_norm); a
  NaN/Inf global norm makes every output NaN, as in TF1; None entries pass.
(tf.clip_by_value lives in math_ops.)
"""
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.ops.math_ops import clip_by_value  # noqa: F401 - tf.clip_by_value is here in TF1

__all__ = ["clip_by_average_norm", "clip_by_global_norm", "clip_by_norm", "clip_by_value", "global_norm"]


def _g():
    return _graph.get_default_graph()


def _like(value, dtype):
    """A clip value in `dtype`: a Python number converts directly (as `t * clip_norm` does in TF1,
    keeping float64 precision); a tensor is cast."""
    if isinstance(value, _graph.Tensor) or hasattr(value, "_as_graph_element"):
        return math_ops.cast(value, dtype)
    return _constant.convert_to_tensor(value, dtype=dtype)


def clip_by_norm(t, clip_norm, axes=None, name=None):
    """Scales `t` so that its L2 norm over `axes` is at most `clip_norm`."""
    with _g().name_scope(name or "clip_by_norm") as scope:
        t = _constant.convert_to_tensor(t)
        clip_norm = _like(clip_norm, t.dtype.base_dtype)
        l2sum = math_ops.reduce_sum(t * t, axes, keepdims=True)
        pred = l2sum > 0
        from compat_tf._src.ops import array_ops
        l2sum_safe = array_ops.where(pred, l2sum, array_ops.ones_like(l2sum))
        l2norm = array_ops.where(pred, math_ops.sqrt(l2sum_safe), l2sum)
        intermediate = t * clip_norm
        t.shape.merge_with(intermediate.shape)    # a clip_norm that would broadcast t is an error, as TF1
        from compat_tf._src.ops import control_flow_ops
        return control_flow_ops.identity(math_ops.truediv(intermediate, math_ops.maximum(l2norm, clip_norm)),
                                         name=scope)


def global_norm(t_list, name=None):
    """sqrt(sum(l2norm(t)**2 for t in t_list)), ignoring None entries."""
    if not isinstance(t_list, (list, tuple)) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    ts = [_constant.convert_to_tensor(t) for t in t_list if t is not None]
    with _g().name_scope(name or "global_norm"):
        if not ts:
            return _constant.constant(0.0, name="global_norm")
        half_sq = [math_ops.reduce_sum(t * t) * 0.5 for t in ts]
        dtype = ts[0].dtype.base_dtype
        total = math_ops.add_n([math_ops.cast(h, dtype) for h in half_sq])
        return math_ops.sqrt(total * 2.0, name="global_norm")   # "global_norm/global_norm" as TF1


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    """Returns (clipped list, global norm); None entries stay None."""
    if not isinstance(t_list, (list, tuple)) or isinstance(t_list, str):
        raise TypeError("t_list should be a sequence")
    t_list = list(t_list)
    # as TF1: the norm is computed first, in its own scope ("global_norm/global_norm:0" by default)
    use_norm = global_norm(t_list, name) if use_norm is None else use_norm
    with _g().name_scope(name or "clip_by_global_norm") as scope:
        use_norm = _constant.convert_to_tensor(use_norm)
        dtype = use_norm.dtype.base_dtype
        clip = _like(clip_norm, dtype)
        # 1/use_norm is inf at 0 and the minimum picks 1/clip; NaN/Inf norms give NaN as in TF1
        scale = clip * math_ops.minimum(1.0 / use_norm, math_ops.truediv(_constant.constant(1.0, dtype), clip))
        is_finite = math_ops.is_finite(use_norm)
        from compat_tf._src.ops import array_ops
        scale = array_ops.where(is_finite, scale, _constant.constant(float("nan"), dtype))
        out = []
        for i, t in enumerate(t_list):
            if t is None:
                out.append(None)
                continue
            t = _constant.convert_to_tensor(t)
            from compat_tf._src.ops import control_flow_ops
            out.append(control_flow_ops.identity(t * math_ops.cast(scale, t.dtype.base_dtype),
                                                 name=f"{scope}_{i}"))
        return out, use_norm


def clip_by_average_norm(t, clip_norm, name=None):
    """Scales `t` so that its L2 norm divided by its number of elements is at most `clip_norm`."""
    with _g().name_scope(name or "clip_by_average_norm") as scope:
        t = _constant.convert_to_tensor(t)
        from compat_tf._src.ops import array_ops
        n = math_ops.cast(array_ops.size(t), t.dtype.base_dtype)
        l2norm_inv = math_ops.rsqrt(math_ops.reduce_sum(t * t))
        clip = _like(clip_norm, t.dtype.base_dtype)
        return math_ops.multiply(t * clip, math_ops.minimum(l2norm_inv * n, 1.0 / clip), name=scope)
