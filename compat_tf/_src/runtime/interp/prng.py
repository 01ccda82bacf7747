"""JAX's PRNG primitives in NumPy, bit for bit.

`threefry2x32` is the Threefry-2x32 hash (uint32 arithmetic, 20 rounds), and
`iota_2x32_shape` the counter layout JAX feeds it. The key-level primitives
(random_seed, random_bits, random_split, random_fold_in) are evaluated by
tracing JAX's own implementation of the key's PRNG (`impl.seed`,
`impl.random_bits`, ...) to a jaxpr once per shape and walking that jaxpr
here, so the numbers are exactly the ones a compiled step draws, whatever
JAX's configuration (e.g. `jax_threefry_partitionable`).
"""
import functools
import threading

import jax
import numpy as np

from compat_tf._src.runtime.interp import core
from compat_tf._src.runtime.interp.core import PRNGKeys, register, register_key_rule

_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))


@register("threefry2x32")
def _threefry2x32(k1, k2, x1, x2, **_):
    """Threefry-2x32 over the broadcast shape, in place on two uint32 buffers (the keys are most
    often scalars: they stay unbroadcast)."""
    shape = np.broadcast_shapes(np.shape(k1), np.shape(k2), np.shape(x1), np.shape(x2))
    k1, k2 = np.asarray(k1, np.uint32), np.asarray(k2, np.uint32)
    ks = (k1, k2, k1 ^ k2 ^ np.uint32(0x1BD11BDA))
    x0 = np.empty(shape, np.uint32)
    np.add(x1, ks[0], out=x0, dtype=np.uint32, casting="unsafe")
    y = np.empty(shape, np.uint32)
    np.add(x2, ks[1], out=y, dtype=np.uint32, casting="unsafe")
    tmp = np.empty(shape, np.uint32)
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x0 += y
            np.left_shift(y, np.uint32(r), out=tmp)      # y = rotl(y, r) ^ x0
            y >>= np.uint32(32 - r)
            y |= tmp
            y ^= x0
        x0 += ks[(i + 1) % 3]
        y += ks[(i + 2) % 3]
        y += np.uint32(i + 1)
    return [x0, y]


@register("iota_2x32_shape")
def _iota_2x32_shape(shape, **_):
    n = int(np.prod(shape, dtype=np.int64))
    if n <= 1 << 32:
        return [np.zeros(shape, np.uint32), np.arange(n, dtype=np.uint32).reshape(shape)]
    i = np.arange(n, dtype=np.uint64).reshape(shape)
    return [(i >> np.uint64(32)).astype(np.uint32), (i & np.uint64(0xFFFFFFFF)).astype(np.uint32)]


@register("random_wrap")
def _random_wrap(data, impl, **_):
    return PRNGKeys(impl, data)


@register("random_unwrap")
def _random_unwrap(keys, **_):
    return keys.data


@register("random_clone")
def _random_clone(keys, **_):
    return keys


_traced = {}
_traced_lock = threading.Lock()


def _traced_impl(kind, impl, in_shapes, in_dtypes, static):
    """The ClosedJaxpr of JAX's own implementation of a key primitive, for these input shapes."""
    key = (kind, impl.name, in_shapes, in_dtypes, static)
    closed = _traced.get(key)
    if closed is None:
        fn = functools.partial(_IMPL_BASE[kind], impl, **dict(static))
        specs = [jax.ShapeDtypeStruct(s, d) for s, d in zip(in_shapes, in_dtypes)]
        closed = jax.make_jaxpr(fn)(*specs)
        with _traced_lock:
            _traced[key] = closed
    return closed


def _seed_base(impl, seeds):
    from jax._src.random import prng as jprng
    return jprng.random_seed_impl_base(seeds, impl=impl)


def _bits_base(impl, data, *, ndim, bit_width, shape):
    from jax._src.random import prng as jprng
    return jprng.random_bits_impl_base(impl, data, ndim, bit_width=bit_width, shape=shape)


def _split_base(impl, data, *, ndim, shape):
    from jax._src.random import prng as jprng
    return jprng.random_split_impl_base(impl, data, ndim, shape=shape)


def _fold_in_base(impl, data, msgs, *, keys_shape):
    from jax._src.random import prng as jprng
    return jprng.random_fold_in_impl_base(impl, data, msgs, keys_shape)


_IMPL_BASE = {"seed": _seed_base, "bits": _bits_base, "split": _split_base, "fold_in": _fold_in_base}


def _run(kind, impl, args, **static):
    closed = _traced_impl(kind, impl, tuple(a.shape for a in args), tuple(a.dtype for a in args),
                          tuple(sorted(static.items())))
    return core.call_jaxpr(closed, list(args))[0]


@register("random_seed")
def _random_seed(seeds, impl, **_):
    return PRNGKeys(impl, _run("seed", impl, [seeds]))


@register("random_bits")
def _random_bits(keys, bit_width, shape, **_):
    return _run("bits", keys.impl, [keys.data], ndim=len(keys.shape), bit_width=bit_width, shape=tuple(shape))


@register("random_split")
def _random_split(keys, shape, **_):
    return PRNGKeys(keys.impl, _run("split", keys.impl, [keys.data], ndim=len(keys.shape), shape=tuple(shape)))


@register("random_fold_in")
def _random_fold_in(keys, msgs, **_):
    return PRNGKeys(keys.impl, _run("fold_in", keys.impl, [keys.data, msgs], keys_shape=tuple(keys.shape)))


# -- structural primitives over key arrays: the same operation on the raw data, whose trailing
# dimensions (the key shape, (2,) for threefry) come along unchanged ----------------------------

def _trail(keys):
    return tuple(keys.impl.key_shape)


@register_key_rule("slice")
def _key_slice(keys, start_indices, limit_indices, strides=None, **_):
    t = _trail(keys)
    strides = tuple(strides or (1,) * len(start_indices))
    sl = tuple(slice(a, b, c) for a, b, c in zip(start_indices, limit_indices, strides))
    return PRNGKeys(keys.impl, keys.data[sl + (slice(None),) * len(t)])


@register_key_rule("squeeze")
def _key_squeeze(keys, dimensions, **_):
    return PRNGKeys(keys.impl, np.squeeze(keys.data, axis=tuple(dimensions)))


@register_key_rule("expand_dims")
def _key_expand_dims(keys, dimensions, **_):
    return PRNGKeys(keys.impl, np.expand_dims(keys.data, tuple(dimensions)))


@register_key_rule("reshape")
def _key_reshape(keys, *dyn, new_sizes, dimensions=None, **_):
    data = keys.data
    if dimensions is not None:
        data = np.transpose(data, tuple(dimensions) + tuple(range(len(dimensions), data.ndim)))
    return PRNGKeys(keys.impl, data.reshape(tuple(new_sizes) + _trail(keys)))


@register_key_rule("broadcast_in_dim")
def _key_broadcast_in_dim(keys, *dyn, shape, broadcast_dimensions, **_):
    t = _trail(keys)
    expanded = [1] * len(shape)
    for i, d in enumerate(broadcast_dimensions):
        expanded[d] = keys.data.shape[i]
    data = keys.data.reshape(tuple(expanded) + t)
    return PRNGKeys(keys.impl, np.broadcast_to(data, tuple(shape) + t))


@register_key_rule("concatenate")
def _key_concatenate(*keys, dimension, **_):
    return PRNGKeys(keys[0].impl, np.concatenate([k.data for k in keys], axis=dimension))


@register_key_rule("transpose")
def _key_transpose(keys, permutation, **_):
    n = len(permutation)
    return PRNGKeys(keys.impl, np.transpose(keys.data, tuple(permutation) + tuple(range(n, keys.data.ndim))))


@register_key_rule("rev")
def _key_rev(keys, dimensions, **_):
    return PRNGKeys(keys.impl, np.flip(keys.data, axis=tuple(dimensions)) if dimensions else keys.data)


@register_key_rule("copy", "copy_p")
def _key_copy(keys, **_):
    return keys


@register_key_rule("select_n")
def _key_select_n(which, *cases, **_):
    t = _trail(cases[0])
    w = np.asarray(which).reshape(np.shape(which) + (1,) * len(t))
    datas = [c.data for c in cases]
    if len(datas) == 1:
        return cases[0]
    if w.dtype == np.bool_:
        out = np.where(w, datas[1], datas[0])
    else:
        shape = np.broadcast_shapes(w.shape, *[d.shape for d in datas])
        out = np.choose(np.broadcast_to(w, shape), [np.broadcast_to(d, shape) for d in datas])
    return PRNGKeys(cases[0].impl, out)
