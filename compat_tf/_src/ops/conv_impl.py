"""2-D convolutions whose gradients are fast on CPU (TF's Conv2DBackpropInput/Filter, as GEMMs).

XLA's CPU backend computes a convolution's input and filter gradients as convolutions of their
own (a transposed convolution, and one whose "batch" is the image's spatial extent), which run
two to four times slower than the forward pass; TF's CPU kernels compute them as matrix products
over the image's patches (im2col). Here the forward pass stays XLA's convolution and its tangent
rule is written as that product:

    conv(x, w) = patches(x) @ w.reshape(kh*kw*ci, co)

where `patches` gathers each output position's window with kh*kw strided slices of the padded
input. The tangent is linear in (tx, tw), so reverse mode transposes it into one matrix product
for the filter gradient (patches(x)^T @ dy) and one product plus kh*kw padded adds for the input
gradient: the same sums as TF's kernels. The choice is made per platform at lowering time
(`platform_choice.per_platform`): CPU gets this tangent, other backends keep XLA's; only where the
patches stay small (`MAX_PATCH_ELEMENTS`: they are materialised); and only for the shapes where
it is the faster one (`_gemm_wins`). NHWC, one feature group. `COMPAT_TF_FAST_CONV_GRAD=0` keeps
XLA's own gradients everywhere.

Measured (forward + both gradients, CPU time, jax 0.10, this 2-core machine), GEMM against XLA's
gradient convolutions: 28x28 and larger outputs 0.6-0.8x (MNIST conv1 5x5 1->32, CIFAR 3x3 64->64
at 32x32, 3x3 128->128 at 28x28, 5x5 32->64 at 28x28, 5x5 3->64 at 24x24), one-row outputs (a text
CNN's [width, 1] filters after the last-axis fold) 0.5x; small images 1.4-2x (5x5 32->64 at 14x14:
MNIST's second layer, 5x5 64->64 at 12x12, 3x3 64->64 at 14x14, 1x7 at 17x17), 7x7 about even.
In whole training steps (CPU time per step): a CIFAR-like 3x3 net (32x32x3 -> 32 -> 64, pool, 64)
0.42-0.45 s with the GEMM on its 32x32 layers against 0.75-0.80 s with XLA's everywhere; the MNIST
CNN 0.10-0.11 s with XLA's everywhere against 0.12-0.15 s with the GEMM on its first layer (one
input channel, where XLA's filter gradient is cheap) and 0.18-0.20 s with it on both. So the GEMM
is used when the output has at least 400 positions and the input more than one channel, or when
the output is one row or column.
"""
import functools
import math
import os

import jax
import jax.numpy as jnp
from jax import lax

from compat_tf._src.ops import platform_choice

# the largest patches array (elements) the CPU tangent materialises (128 MiB of float32)
MAX_PATCH_ELEMENTS = 1 << 25 if os.environ.get("COMPAT_TF_FAST_CONV_GRAD", "1").strip() not in ("0", "false") else 0


def applies(x, w, groups, data_format, strides=(1, 1), pads=((0, 0), (0, 0)), dilations=(1, 1)):
    """Whether conv2d(x, w) is lowered through this module (static shapes, NHWC, one group, and a
    shape where the GEMM gradients are the faster ones)."""
    if groups != 1 or data_format != "NHWC" or x.ndim != 4 or not jnp.issubdtype(x.dtype, jnp.floating):
        return False
    if not all(isinstance(d, int) for d in x.shape):
        return False
    kh, kw, ci, _ = w.shape
    if kh * kw <= 1 or math.prod(x.shape[:3]) * kh * kw * ci > MAX_PATCH_ELEMENTS:
        return False
    return _gemm_wins(*_out_size(x.shape[1:3], (kh, kw), strides, pads, dilations), ci)


def _gemm_wins(oh, ow, ci):
    """The measured rule (module docstring): large outputs of a multi-channel input, or one row or
    column."""
    return (oh * ow >= 400 and ci > 1) or min(oh, ow) == 1


def conv2d(x, w, strides, pads, dilations, precision):
    """lax.conv_general_dilated(x, w) in NHWC/HWIO, with the CPU-fast tangent (and, for one-row or
    one-column outputs, the CPU-fast forward pass: `_gemm_forward_wins`)."""
    pads = tuple(tuple(p) for p in pads)
    out = _out_size(x.shape[1:3], w.shape[:2], strides, pads, dilations)
    patches = math.prod(out[:2]) * x.shape[0] * math.prod(w.shape[:3])
    gemm_out = (x.shape[0], *out, w.shape[3]) if _gemm_forward_wins(*out, patches) else None
    return _conv(tuple(strides), pads, tuple(dilations), precision, gemm_out, x, w)


def _out_size(sizes, ksizes, strides, pads, dilations):
    return [(size + lo + hi - d * (k - 1) - 1) // s + 1
            for size, (lo, hi), d, k, s in zip(sizes, pads, dilations, ksizes, strides)]


# the largest patches array (elements) a forward pass materialises (16 MiB of float32)
MAX_FORWARD_PATCH_ELEMENTS = 1 << 22


def _gemm_forward_wins(oh, ow, patches):
    """Whether the forward pass is also the patches' matrix product on CPU: for one output row or
    column (a text CNN's filters spanning the embedding), where XLA's CPU convolution is 2-3x
    slower than the product at batch 64 (3-5 x 1 filters, 128 -> 128 channels over 56 tokens:
    5.5 against 10.5 ms, 10 against 22 ms), while the patches stay small: at batch 1066 (a dev
    set evaluated at once, 22M patch elements) the two are even, and the patches would make the
    program too large for the NumPy tier (tiers._small_enough). Elsewhere XLA's forward
    convolution is 1.4-5x faster than the product (it does not materialise the patches)."""
    return min(oh, ow) == 1 and patches <= MAX_FORWARD_PATCH_ELEMENTS


def _xla(strides, pads, dilations, precision, x, w):
    return lax.conv_general_dilated(x, w, window_strides=strides, padding=pads, rhs_dilation=dilations,
                                    dimension_numbers=("NHWC", "HWIO", "NHWC"), precision=precision)


def _forward(strides, pads, dilations, precision, gemm_out, x, w):
    """The convolution: XLA's, or on CPU the patches' product where `gemm_out` (its output shape)
    is given."""
    xla = functools.partial(_xla, strides, pads, dilations, precision)
    if gemm_out is None:
        return xla(x, w)
    gemm = functools.partial(_gemm_forward, strides, pads, dilations, precision, gemm_out)
    return platform_choice.per_platform(x, w, cpu=gemm, default=xla)


def _gemm_forward(strides, pads, dilations, precision, out_shape, x, w):
    kh, kw, ci, co = w.shape
    px = _patches(x, w.shape, strides, pads, dilations, out_shape).reshape(math.prod(out_shape[:3]), -1)
    return jnp.matmul(px, w.reshape(kh * kw * ci, co), precision=precision).reshape(out_shape).astype(x.dtype)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0, 1, 2, 3, 4))
def _conv(strides, pads, dilations, precision, gemm_out, x, w):
    return _forward(strides, pads, dilations, precision, gemm_out, x, w)


@_conv.defjvp
def _conv_jvp(strides, pads, dilations, precision, gemm_out, primals, tangents):
    x, w = primals
    tx, tw = tangents
    y = _forward(strides, pads, dilations, precision, gemm_out, x, w)
    native = functools.partial(_native_tangent, strides, pads, dilations, precision)
    fast = functools.partial(_gemm_tangent, strides, pads, dilations, precision, y.shape)
    return y, platform_choice.per_platform(x, w, tx, tw, cpu=fast, default=native)


def _native_tangent(strides, pads, dilations, precision, x, w, tx, tw):
    f = functools.partial(_xla, strides, pads, dilations, precision)
    return f(tx, w) + f(x, tw)


def _gemm_tangent(strides, pads, dilations, precision, out_shape, x, w, tx, tw):
    product = functools.partial(_gemm_forward, strides, pads, dilations, precision, out_shape)
    return product(tx, w) + product(x, tw)


def _patches(x, wshape, strides, pads, dilations, out_shape):
    """[n, oh, ow, kh*kw*ci]: each output position's window, (kh, kw, ci) order as the filter's."""
    kh, kw = wshape[0], wshape[1]
    (sh, sw), (dh, dw) = strides, dilations
    oh, ow = out_shape[1], out_shape[2]
    xp = jnp.pad(x, ((0, 0), pads[0], pads[1], (0, 0)))
    cols = [lax.slice(xp, (0, i * dh, j * dw, 0),
                      (xp.shape[0], i * dh + (oh - 1) * sh + 1, j * dw + (ow - 1) * sw + 1, xp.shape[3]),
                      (1, sh, sw, 1))
            for i in range(kh) for j in range(kw)]
    return jnp.concatenate(cols, axis=-1)
