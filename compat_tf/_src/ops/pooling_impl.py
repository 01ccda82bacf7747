"""Max pooling whose gradient is fast on CPU, with TF's MaxPoolGrad semantics.

JAX differentiates `lax.reduce_window(max)` into XLA's `select_and_scatter_add`, which XLA's CPU
backend runs element by element: for a 2x2/2 pool over a [64, 28, 28, 32] batch it takes ~45x
the pool itself. Here the pool is a `jax.custom_jvp` whose tangent rule is written with plain
element-wise ops, slices and pads, which XLA fuses; reverse mode transposes it into the same
kind of program. Each window's derivative goes to the *first* maximal element of the window in
row-major order, as TF's CPU MaxPoolGrad kernel routes it (the derivative of a tie is one-hot,
not shared).

Three shapes of pooling, each with its own tangent program:
- tiling windows (stride == window along every pooled dimension, padded size a multiple of
  it, including global pooling such as max-over-time, where one window covers a dimension):
  reshape to [..., windows, window elements] and take a one-hot of the first argmax;
- overlapping windows (3x3/2, ...): one strided view of the padded input per window offset,
  a running "not yet taken" mask selects the first maximum, and each offset's share is put
  back by a pad with interior padding.
The choice between this program and XLA's own select_and_scatter is made per platform at
lowering time (`platform_choice.per_platform`): CPU gets this one; other backends keep XLA's
(whose GPU kernels are good), unless `COMPAT_TF_FAST_POOL_GRAD=all`.
"""
import functools
import itertools
import os

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

from compat_tf._src.ops import platform_choice


def _init(dtype):
    if jnp.issubdtype(dtype, jnp.floating):
        return np.array(-np.inf, dtype)
    return np.array(jnp.iinfo(dtype).min, dtype)


def max_pool(x, ksize, strides, pads):
    """reduce_window max of `x` (windows `ksize`, `strides`, `pads` [(lo, hi)] per dimension)."""
    ksize, strides = tuple(int(k) for k in ksize), tuple(int(s) for s in strides)
    pads = tuple((int(lo), int(hi)) for lo, hi in pads)
    if not jnp.issubdtype(x.dtype, jnp.floating):
        return lax.reduce_window(x, _init(x.dtype), lax.max, ksize, strides, pads)
    return _max_pool(ksize, strides, pads, x)


def _forward(ksize, strides, pads, x):
    return lax.reduce_window(x, _init(x.dtype), lax.max, ksize, strides, pads)


@functools.partial(jax.custom_jvp, nondiff_argnums=(0, 1, 2))
def _max_pool(ksize, strides, pads, x):
    return _forward(ksize, strides, pads, x)


@_max_pool.defjvp
def _max_pool_jvp(ksize, strides, pads, primals, tangents):
    x, = primals
    t, = tangents
    y = _forward(ksize, strides, pads, x)
    fast = functools.partial(_first_max_tangent, ksize, strides, pads)
    if os.environ.get("COMPAT_TF_FAST_POOL_GRAD", "cpu") == "all":
        return y, fast(x, y, t)
    native = functools.partial(_native_tangent, ksize, strides, pads)
    return y, platform_choice.per_platform(x, y, t, cpu=fast, default=native)


def _native_tangent(ksize, strides, pads, x, y, t):
    """XLA's own derivative of the pool (select_and_gather_add / select_and_scatter_add)."""
    return jax.jvp(lambda v: _forward(ksize, strides, pads, v), (x,), (t,))[1]


def _first_max_tangent(ksize, strides, pads, x, y, t):
    if _tiles(x.shape, ksize, strides, pads):
        return _tiling_tangent(ksize, strides, pads, x, t)
    return _offsets_tangent(ksize, strides, pads, x, y, t)


def _out_sizes(shape, ksize, strides, pads):
    return [(n + lo + hi - k) // s + 1 for n, k, s, (lo, hi) in zip(shape, ksize, strides, pads)]


def _tiles(shape, ksize, strides, pads):
    """Whether the windows tile the padded input exactly (one window per dimension counts)."""
    for n, k, s, (lo, hi), o in zip(shape, ksize, strides, pads, _out_sizes(shape, ksize, strides, pads)):
        if lo < 0 or hi < 0:
            return False
        padded = n + lo + hi
        if o == 1:
            if k != padded:
                return False
        elif not (k == s and padded == o * k):
            return False
    return True


def _tiling_tangent(ksize, strides, pads, x, t):
    fill = _init(x.dtype)
    xp = lax.pad(x, fill, [(lo, hi, 0) for lo, hi in pads])
    tp = lax.pad(t, np.zeros((), t.dtype), [(lo, hi, 0) for lo, hi in pads])
    split, window_axes, out_axes = [], [], []
    for d, (n, k) in enumerate(zip(xp.shape, ksize)):
        out_axes.append(len(split))
        split.append(n // k)
        window_axes.append(len(split))
        split.append(k)
    perm = out_axes + window_axes
    outs = [xp.shape[d] // ksize[d] for d in range(x.ndim)]
    kk = int(np.prod(ksize))
    xw = jnp.transpose(xp.reshape(split), perm).reshape(outs + [kk])
    tw = jnp.transpose(tp.reshape(split), perm).reshape(outs + [kk])
    first = jnp.argmax(xw, axis=-1)             # the first maximum, row-major in the window
    onehot = first[..., None] == jnp.arange(kk, dtype=first.dtype)
    return jnp.sum(jnp.where(onehot, tw, jnp.zeros((), t.dtype)), axis=-1)


def _offsets_tangent(ksize, strides, pads, x, y, t):
    fill = _init(x.dtype)
    xp = lax.pad(x, fill, [(lo, hi, 0) for lo, hi in pads])
    tp = lax.pad(t, np.zeros((), t.dtype), [(lo, hi, 0) for lo, hi in pads])
    outs = y.shape
    taken = jnp.zeros(outs, bool)
    acc = jnp.zeros(outs, t.dtype)
    for offset in itertools.product(*[range(k) for k in ksize]):
        start = list(offset)
        limit = [o + s * (n - 1) + 1 for o, s, n in zip(offset, strides, outs)]
        xv = lax.slice(xp, start, limit, strides)
        tv = lax.slice(tp, start, limit, strides)
        pick = (xv == y) & ~taken
        taken = taken | pick
        acc = acc + jnp.where(pick, tv, jnp.zeros((), t.dtype))
    return acc
