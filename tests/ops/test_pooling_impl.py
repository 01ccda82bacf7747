"""Max pooling's fast gradient (compat_tf/_src/ops/pooling_impl.py) against TF's MaxPoolGrad rule.

The reference below is TF's CPU kernel written out in NumPy: each window's incoming gradient goes
to the first maximal element of the window in row-major order (ties are one-hot, not shared),
windows summing where they overlap. Inputs are small integers, so ties are everywhere.
"""
import jax
import numpy as np
import pytest
from jax import lax

import compat_tf as tf
from compat_tf._src.ops import pooling_impl


def _reference_grad(x, ksize, strides, pads, g):
    xp = np.pad(x, pads, constant_values=-np.inf)
    out = np.zeros_like(xp)
    sizes = [(n - k) // s + 1 for n, k, s in zip(xp.shape, ksize, strides)]
    for idx in np.ndindex(*sizes):
        window = xp[tuple(slice(i * s, i * s + k) for i, s, k in zip(idx, strides, ksize))]
        first = np.unravel_index(np.argmax(window), window.shape)
        out[tuple(i * s + a for i, s, a in zip(idx, strides, first))] += g[idx]
    return out[tuple(slice(lo, out.shape[d] - hi) for d, (lo, hi) in enumerate(pads))]


CASES = [  # shape, ksize, strides, pads; which tangent program they take
    ((2, 6, 6, 3), (1, 2, 2, 1), (1, 2, 2, 1), ((0, 0),) * 4, "tiling"),
    ((2, 7, 7, 2), (1, 2, 2, 1), (1, 2, 2, 1), ((0, 0), (0, 1), (0, 1), (0, 0)), "tiling"),    # SAME, odd size
    ((2, 9, 1, 4), (1, 9, 1, 1), (1, 1, 1, 1), ((0, 0),) * 4, "tiling"),                       # max over time
    ((2, 7, 6, 2), (1, 3, 3, 1), (1, 2, 2, 1), ((0, 0), (1, 1), (0, 1), (0, 0)), "offsets"),  # overlapping
    ((3, 5, 5, 2), (1, 3, 3, 1), (1, 1, 1, 1), ((0, 0), (1, 1), (1, 1), (0, 0)), "offsets"),
    ((2, 4, 6, 6, 1), (1, 2, 3, 2, 1), (1, 2, 3, 2, 1), ((0, 0),) * 5, "tiling"),             # 3-D
]


@pytest.mark.parametrize("shape,ksize,strides,pads,kind", CASES)
def test_gradient_goes_to_the_first_maximum_of_each_window(shape, ksize, strides, pads, kind):
    rs = np.random.RandomState(len(shape) + sum(ksize))
    x = rs.randint(0, 4, shape).astype(np.float32)
    assert pooling_impl._tiles(shape, ksize, strides, pads) == (kind == "tiling")
    y, vjp = jax.vjp(lambda v: pooling_impl.max_pool(v, ksize, strides, pads), x)
    np.testing.assert_array_equal(y, lax.reduce_window(x, -np.inf, lax.max, ksize, strides, pads))
    g = rs.randn(*y.shape).astype(np.float32)
    np.testing.assert_allclose(vjp(g)[0], _reference_grad(x, ksize, strides, pads, g), atol=1e-6)
    # forward mode (tf.hessians takes it) agrees with reverse mode
    t = rs.randn(*shape).astype(np.float32)
    jvp_out = jax.jvp(lambda v: pooling_impl.max_pool(v, ksize, strides, pads), (x,), (t,))[1]
    np.testing.assert_allclose(np.sum(jvp_out * g), np.sum(vjp(g)[0] * t), rtol=1e-5)


def test_matches_xla_derivative_and_finite_differences_without_ties():
    rs = np.random.RandomState(1)
    x = rs.randn(2, 8, 8, 3)
    ksize, strides, pads = (1, 3, 3, 1), (1, 2, 2, 1), ((0, 0), (1, 1), (1, 1), (0, 0))
    f = lambda v: (pooling_impl.max_pool(v, ksize, strides, pads) ** 2).sum()     # noqa: E731
    native = lambda v: (lax.reduce_window(v, -np.inf, lax.max, ksize, strides, pads) ** 2).sum()  # noqa: E731
    g = jax.grad(f)(x)
    np.testing.assert_allclose(g, jax.grad(native)(x), rtol=1e-10)
    e = np.zeros_like(x)
    e[1, 3, 4, 2] = 1e-6
    np.testing.assert_allclose((f(x + e) - f(x - e)) / 2e-6, g[1, 3, 4, 2], rtol=1e-4, atol=1e-8)


def test_tf_max_pool_gradient_routes_ties_like_tf():
    # TF 1.15 gives [[1, 0, 0, 0], [0, 0, 1, 0], ...]: each 2x2 window of equal values sends its
    # gradient to its top-left element
    with tf.Graph().as_default():
        x = tf.constant(np.ones((1, 4, 4, 1), np.float32))
        y = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
        g = tf.gradients(y, x, grad_ys=tf.constant(np.array([1.0, 2.0, 3.0, 4.0], np.float32).reshape(1, 2, 2, 1)))
        with tf.Session() as s:
            got = s.run(g[0])[0, :, :, 0]
    np.testing.assert_array_equal(got, [[1, 0, 2, 0], [0, 0, 0, 0], [3, 0, 4, 0], [0, 0, 0, 0]])


def test_imported_max_pool_grad_op_uses_the_same_rule():
    from compat_tf._src.ops import tf_gradient_ops
    rs = np.random.RandomState(3)
    x = rs.randint(0, 3, (1, 5, 5, 2)).astype(np.float32)
    ksize, strides = (1, 3, 3, 1), (1, 2, 2, 1)
    y = lax.reduce_window(x, -np.inf, lax.max, ksize, strides, ((0, 0),) * 4)
    g = rs.randn(*y.shape).astype(np.float32)
    got = tf_gradient_ops._max_pool_grad(x, y, g, ksize, strides, "VALID")
    np.testing.assert_allclose(got, _reference_grad(x, ksize, strides, ((0, 0),) * 4, g), atol=1e-6)
