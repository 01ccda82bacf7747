"""tf.extract_volume_patches (op ExtractVolumePatches): 3-D patches of a [batch, planes, rows,
cols, depth] input, the 3-D counterpart of ExtractImagePatches (no rates, as TF).

Patches of ksizes [1, kp, kr, kc, 1] taken every strides [1, sp, sr, sc, 1] ("SAME" or "VALID"
padding as TF's convolutions) are flattened in TF's order (plane, row, col, depth) into the last
dimension. Differentiable (the gradient scatters back into the input).
"""
import jax
import jax.numpy as jnp

from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_tensor

__all__ = ["extract_volume_patches"]


@register_op("ExtractVolumePatches")
def _extract_volume_patches(input, ksizes=(1, 1, 1, 1, 1), strides=(1, 1, 1, 1, 1), padding="VALID",   # noqa: A002
                            T=None):
    x = jnp.asarray(input)
    k = tuple(ksizes[1:4])
    work = x if x.dtype in (jnp.float32, jnp.float64) else x.astype(jnp.float32)
    p = jax.lax.conv_general_dilated_patches(work, k, tuple(strides[1:4]), padding,
                                             dimension_numbers=("NDHWC", "DHWIO", "NDHWC"),
                                             precision=jax.lax.Precision.HIGHEST)
    b, op_, oh, ow, _ = p.shape
    c = x.shape[-1]
    n = k[0] * k[1] * k[2]
    # lax orders each patch (depth, plane, row, col); TF (plane, row, col, depth)
    p = p.reshape(b, op_, oh, ow, c, n).transpose(0, 1, 2, 3, 5, 4).reshape(b, op_, oh, ow, n * c)
    return p.astype(x.dtype)


def extract_volume_patches(input, ksizes, strides, padding, name=None):   # noqa: A002
    """tf.extract_volume_patches: see the module docstring."""
    x = _constant.convert_to_tensor(input, name="input")
    if padding not in ("SAME", "VALID"):
        raise ValueError(f"padding must be 'SAME' or 'VALID', got {padding!r}")
    attrs = {"ksizes": tuple(int(v) for v in ksizes), "strides": tuple(int(v) for v in strides),
             "padding": padding, "T": x.dtype.base_dtype}
    for what in ("ksizes", "strides"):
        if len(attrs[what]) != 5 or attrs[what][0] != 1 or attrs[what][4] != 1:
            raise ValueError(f"{what} must be [1, p, r, c, 1], got {list(attrs[what])}")
    if x.shape.ndims is not None and x.shape.ndims != 5:
        raise ValueError(f"input must be 5-dimensional, got shape {x.shape}")
    return make_tensor("ExtractVolumePatches", [x], attrs, name=name or "ExtractVolumePatches")
