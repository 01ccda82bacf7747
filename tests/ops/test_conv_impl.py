"""ops/conv_impl.py: Conv2D with im2col (GEMM) gradients on CPU, against XLA's own gradients, and the
measured rule choosing where it is used."""
import jax
import jax.numpy as jnp
import numpy as np
import pytest

from compat_tf._src.ops import conv_impl


@pytest.mark.parametrize("xs, ws, strides, pads, dil", [
    ((2, 9, 8, 3), (3, 3, 3, 4), (1, 1), ((1, 1), (1, 1)), (1, 1)),       # SAME
    ((2, 9, 8, 3), (3, 2, 3, 5), (2, 1), ((0, 0), (0, 0)), (1, 1)),       # VALID, strided
    ((1, 11, 10, 2), (3, 3, 2, 2), (1, 2), ((2, 2), (1, 0)), (2, 1)),     # dilated, uneven padding
    ((3, 7, 1, 4), (3, 1, 4, 6), (1, 1), ((1, 1), (0, 0)), (1, 1)),       # a text CNN's one-column output
])
def test_gemm_gradients_equal_xla_gradients(xs, ws, strides, pads, dil):
    rs = np.random.RandomState(0)
    x = jnp.asarray(rs.randn(*xs), jnp.float32)
    w = jnp.asarray(rs.randn(*ws), jnp.float32)

    def loss(f):
        return lambda x, w: jnp.sum(jnp.sin(f(x, w)))
    gemm = jax.jit(jax.grad(loss(lambda x, w: conv_impl.conv2d(x, w, strides, pads, dil, None)), argnums=(0, 1)))
    xla = jax.jit(jax.grad(loss(lambda x, w: conv_impl._xla(strides, pads, dil, None, x, w)), argnums=(0, 1)))
    for got, want in zip(gemm(x, w), xla(x, w)):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(conv_impl.conv2d(x, w, strides, pads, dil, None),
                               conv_impl._xla(strides, pads, dil, None, x, w), rtol=1e-6, atol=1e-6)
    # the CPU branch really is the GEMM one: its jaxpr holds the patch products (dot_general)
    jaxpr = str(jax.make_jaxpr(jax.grad(loss(lambda x, w: conv_impl.conv2d(x, w, strides, pads, dil, None))))(x, w))
    assert "dot_general" in jaxpr


@pytest.mark.parametrize("xs, ws, pads, gemm_forward", [
    ((3, 7, 1, 4), (3, 1, 4, 6), ((1, 1), (0, 0)), True),           # one output column
    ((2, 1, 9, 4), (1, 3, 4, 5), ((0, 0), (0, 0)), True),           # one output row
    ((2, 9, 8, 3), (3, 3, 3, 4), ((1, 1), (1, 1)), False),          # an image: XLA's forward
    ((1100, 56, 1, 128), (4, 1, 128, 8), ((0, 0), (0, 0)), False),  # one column, patches over 2**22
])
def test_forward_is_the_patch_product_for_one_row_or_column(xs, ws, pads, gemm_forward):
    rs = np.random.RandomState(1)
    x = jnp.asarray(rs.randn(*xs), jnp.float32)
    w = jnp.asarray(rs.randn(*ws), jnp.float32)
    got = jax.jit(lambda x, w: conv_impl.conv2d(x, w, (1, 1), pads, (1, 1), None))(x, w)
    np.testing.assert_allclose(got, conv_impl._xla((1, 1), pads, (1, 1), None, x, w), rtol=1e-5, atol=1e-5)
    jaxpr = str(jax.make_jaxpr(lambda x, w: conv_impl.conv2d(x, w, (1, 1), pads, (1, 1), None))(x, w))
    assert ("dot_general" in jaxpr) is gemm_forward
    assert ("conv_general_dilated" in jaxpr) is not gemm_forward     # a CPU process: one program


def test_other_backends_keep_xlas_convolution(monkeypatch):
    """Where the default backend is not the CPU, the step holds both programs, chosen by platform
    when it is compiled (platform_choice.py)."""
    monkeypatch.setattr(jax, "default_backend", lambda: "gpu")
    x, w = jnp.ones((3, 7, 1, 4)), jnp.ones((3, 1, 4, 6))
    fwd = str(jax.make_jaxpr(lambda x, w: conv_impl.conv2d(x, w, (1, 1), ((1, 1), (0, 0)), (1, 1), None))(x, w))
    assert "platform_index" in fwd and "dot_general" in fwd and "conv_general_dilated" in fwd
    grad = jax.grad(lambda x, w: conv_impl.conv2d(x, w, (1, 1), ((1, 1), (0, 0)), (1, 1), None).sum(), (0, 1))
    np.testing.assert_allclose(jax.jit(grad)(x, w)[1], jax.grad(
        lambda w: conv_impl._xla((1, 1), ((1, 1), (0, 0)), (1, 1), None, x, w).sum())(w), rtol=1e-5)


@pytest.mark.parametrize("xs, ws, pads, used", [
    ((64, 32, 32, 3), (3, 3, 3, 32), ((1, 1), (1, 1)), True),       # CIFAR's first layer: 1024 positions
    ((32, 28, 28, 32), (5, 5, 32, 64), ((2, 2), (2, 2)), True),      # 784 positions, 32 channels
    ((64, 28, 28, 32), (5, 5, 32, 64), ((2, 2), (2, 2)), False),     # its patches would pass 2**25 elements
    ((64, 14, 14, 32), (5, 5, 32, 64), ((2, 2), (2, 2)), False),     # MNIST's second layer: 196 positions
    ((64, 28, 28, 1), (5, 5, 1, 32), ((2, 2), (2, 2)), False),       # MNIST's first layer: one channel
    ((64, 56, 1, 128), (5, 1, 128, 128), ((2, 2), (0, 0)), True),    # one column (text CNN)
    ((64, 28, 28, 32), (1, 1, 32, 64), ((0, 0), (0, 0)), False),     # 1x1: XLA's matmul already
])
def test_the_measured_rule(xs, ws, pads, used):
    assert conv_impl.applies(jnp.zeros(xs), jnp.zeros(ws), 1, "NHWC", (1, 1), pads, (1, 1)) is used
