"""tf.layers convolutions against NumPy correlations: values, shapes, variables, data formats."""
import numpy as np
import pytest

import compat_tf as tf
from np_layers_ref import np_conv

RS = np.random.RandomState(1)


def const(a):
    return tf.constant_initializer(a)


def run(*fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(fetches), feed)


@pytest.mark.parametrize("padding,strides,dilation", [("same", 1, 1), ("valid", 1, 1), ("same", 2, 1),
                                                      ("valid", 2, 1), ("valid", 1, 2), ("same", 1, 2)])
def test_conv2d_matches_numpy(padding, strides, dilation):
    xs = RS.randn(2, 7, 6, 3).astype(np.float32)
    k = (0.3 * RS.randn(3, 3, 3, 4)).astype(np.float32)
    b = RS.randn(4).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 7, 6, 3])
    y = tf.layers.conv2d(x, 4, 3, strides=strides, padding=padding, dilation_rate=dilation,
                         kernel_initializer=const(k), bias_initializer=const(b), activation=tf.nn.relu)
    out, = run(y, feed={x: xs})
    want = np.maximum(np_conv(xs, k, (strides,) * 2, padding, (dilation,) * 2) + b, 0)
    assert y.shape.as_list() == [None] + list(want.shape[1:])
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)


def test_conv2d_variables_names_and_default_init():
    x = tf.constant(RS.randn(1, 5, 5, 2).astype(np.float32))
    tf.layers.conv2d(x, 8, (3, 2))
    tf.layers.conv2d(x, 4, 1, use_bias=False)
    tf.layers.conv2d(x, 4, 1, name="named")
    shapes = {v.name: v.shape.as_list() for v in tf.trainable_variables()}
    assert shapes == {"conv2d/kernel:0": [3, 2, 2, 8], "conv2d/bias:0": [8], "conv2d_1/kernel:0": [1, 1, 2,
                                                                                                   4],
                      "named/kernel:0": [1, 1, 2, 4], "named/bias:0": [4]}
    k, b = run("conv2d/kernel:0", "conv2d/bias:0")
    limit = np.sqrt(6.0 / (3 * 2 * 2 + 3 * 2 * 8))     # glorot fans include the receptive field
    assert np.all(np.abs(k) <= limit) and k.std() > limit / 4 and np.all(b == 0)


def test_conv2d_channels_first_equals_channels_last():
    xs = RS.randn(2, 6, 5, 3).astype(np.float32)
    k = (0.3 * RS.randn(3, 3, 3, 2)).astype(np.float32)
    b = RS.randn(2).astype(np.float32)
    last = tf.layers.conv2d(tf.constant(xs), 2, 3, padding="same", kernel_initializer=const(k),
                            bias_initializer=const(b))
    first = tf.layers.conv2d(tf.constant(xs.transpose(0, 3, 1, 2)), 2, 3, padding="same",
                             data_format="channels_first", kernel_initializer=const(k),
                             bias_initializer=const(b))
    assert first.shape.as_list() == [2, 2, 6, 5]
    lv, fv = run(last, first)
    np.testing.assert_allclose(fv.transpose(0, 2, 3, 1), lv, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("padding", ["same", "valid", "causal"])
def test_conv1d_matches_numpy(padding):
    xs = RS.randn(2, 9, 3).astype(np.float32)
    k = (0.3 * RS.randn(3, 3, 5)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 9, 3])
    y = tf.layers.conv1d(x, 5, 3, padding=padding, dilation_rate=2 if padding == "causal" else 1,
                         kernel_initializer=const(k))
    out, = run(y, feed={x: xs})
    if padding == "causal":
        want = np_conv(np.pad(xs, [(0, 0), (4, 0), (0, 0)]), k, (1,), "valid", (2,))
    else:
        want = np_conv(xs, k, (1,), padding)
    assert y.shape.as_list() == [None, want.shape[1], 5]
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)


def test_conv3d_matches_numpy():
    xs = RS.randn(2, 5, 4, 6, 2).astype(np.float32)
    k = (0.3 * RS.randn(2, 3, 3, 2, 3)).astype(np.float32)
    b = RS.randn(3).astype(np.float32)
    y = tf.layers.conv3d(tf.constant(xs), 3, (2, 3, 3), strides=(1, 2, 1), padding="same",
                         kernel_initializer=const(k), bias_initializer=const(b))
    out, = run(y)
    want = np_conv(xs, k, (1, 2, 1), "same") + b
    assert y.shape.as_list() == list(want.shape)
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)
    assert [v.name for v in tf.trainable_variables()] == ["conv3d/kernel:0", "conv3d/bias:0"]


def test_separable_conv2d_matches_numpy():
    xs = RS.randn(2, 6, 6, 3).astype(np.float32)
    dw = (0.3 * RS.randn(3, 3, 3, 2)).astype(np.float32)
    pw = (0.3 * RS.randn(1, 1, 6, 4)).astype(np.float32)
    y = tf.layers.separable_conv2d(tf.constant(xs), 4, 3, padding="same", depth_multiplier=2,
                                   depthwise_initializer=const(dw), pointwise_initializer=const(pw),
                                   bias_initializer=tf.constant_initializer(0.5))
    names = [v.name for v in tf.trainable_variables()]
    assert names == ["separable_conv2d/depthwise_kernel:0", "separable_conv2d/pointwise_kernel:0",
                     "separable_conv2d/bias:0"]
    out, = run(y)
    # depthwise: channel c, multiplier m -> output channel c * 2 + m
    depth = np.concatenate([np_conv(xs[..., c:c + 1], dw[:, :, c:c + 1, :], (1, 1), "same")
                            for c in range(3)], axis=-1)
    want = np.tensordot(depth, pw[0, 0], axes=([3], [0])) + 0.5
    np.testing.assert_allclose(out, want, rtol=1e-4, atol=1e-5)


def np_conv_transpose(x, w, stride, out_hw, padding):
    """Transpose of np_conv: scatter each input pixel times the kernel. w [kh, kw, co, ci]."""
    b, h, wd, ci = x.shape
    kh, kw, co, _ = w.shape
    oh, ow = out_hw
    _, (ph, _) = _same(oh, kh, stride) if padding == "same" else (0, (0, 0))
    _, (pw, _) = _same(ow, kw, stride) if padding == "same" else (0, (0, 0))
    full = np.zeros((b, (h - 1) * stride + kh + oh, (wd - 1) * stride + kw + ow, co))
    for i in range(h):
        for j in range(wd):
            full[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :] += \
                np.einsum("bc,hwoc->bhwo", x[:, i, j, :], w)
    return full[:, ph:ph + oh, pw:pw + ow, :]


def _same(n, k, s):
    out = -(-n // s)
    total = max((out - 1) * s + k - n, 0)
    return out, (total // 2, total - total // 2)


@pytest.mark.parametrize("padding,stride", [("same", 2), ("valid", 2), ("same", 1), ("valid", 1)])
def test_conv2d_transpose_matches_numpy(padding, stride):
    xs = RS.randn(2, 4, 3, 3).astype(np.float32)
    k = (0.3 * RS.randn(3, 3, 2, 3)).astype(np.float32)
    b = RS.randn(2).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 4, 3, 3])
    y = tf.layers.conv2d_transpose(x, 2, 3, strides=stride, padding=padding, kernel_initializer=const(k),
                                   bias_initializer=const(b))
    oh = 4 * stride if padding == "same" else 4 * stride + max(3 - stride, 0)
    ow = 3 * stride if padding == "same" else 3 * stride + max(3 - stride, 0)
    assert y.shape.as_list() == [None, oh, ow, 2]
    assert tf.trainable_variables()[0].shape.as_list() == [3, 3, 2, 3]
    out, = run(y, feed={x: xs})
    np.testing.assert_allclose(out, np_conv_transpose(xs, k, stride, (oh, ow), padding) + b, rtol=1e-4,
                               atol=1e-5)


def test_conv2d_transpose_is_gradient_of_conv2d():
    xs = RS.randn(1, 6, 6, 2).astype(np.float32)
    k = (0.3 * RS.randn(3, 3, 2, 3)).astype(np.float32)
    x = tf.constant(xs)
    conv = tf.nn.conv2d(x, tf.constant(k), [1, 2, 2, 1], "SAME")
    g = tf.constant(RS.randn(1, 3, 3, 3).astype(np.float32))
    grad = tf.gradients(conv, x, grad_ys=g)[0]
    deconv = tf.layers.conv2d_transpose(g, 2, 3, strides=2, padding="same", use_bias=False,
                                        kernel_initializer=const(k))
    gv, dv = run(grad, deconv)
    np.testing.assert_allclose(dv, gv, rtol=1e-4, atol=1e-5)


def test_conv3d_transpose_shape():
    y = tf.layers.conv3d_transpose(tf.placeholder(tf.float32, [None, 2, 3, 4, 5]), 6, 3, strides=2,
                                   padding="same")
    assert y.shape.as_list() == [None, 4, 6, 8, 6]
    assert tf.trainable_variables()[0].shape.as_list() == [3, 3, 3, 6, 5]
    out, = run(y, feed={"Placeholder:0": np.ones((1, 2, 3, 4, 5), np.float32)})
    assert out.shape == (1, 4, 6, 8, 6)


def test_conv_errors():
    with pytest.raises(ValueError, match="channel dimension"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 4, 4, None]), 2, 3)
    with pytest.raises(ValueError, match="ndim=4"):
        tf.layers.conv2d(tf.placeholder(tf.float32, [None, 4, 4]), 2, 3)
    with pytest.raises(ValueError, match="dilation_rate"):
        tf.layers.Conv2D(2, 3, strides=2, dilation_rate=2)
    with pytest.raises(ValueError, match="padding"):
        tf.layers.Conv2D(2, 3, padding="full")


def test_conv_net_trains():
    rs = np.random.RandomState(7)
    xs = rs.randn(16, 8, 8, 1).astype(np.float32)
    ys = (xs[:, :4].mean(axis=(1, 2, 3)) > xs[:, 4:].mean(axis=(1, 2, 3))).astype(np.int32)
    x = tf.placeholder(tf.float32, [None, 8, 8, 1])
    y = tf.placeholder(tf.int32, [None])
    net = tf.layers.conv2d(x, 4, 3, padding="same", activation=tf.nn.relu)
    net = tf.layers.max_pooling2d(net, 2, 2)
    net = tf.layers.conv2d_transpose(net, 2, 2, strides=2)
    logits = tf.layers.dense(tf.layers.flatten(net), 2)
    loss = tf.losses.sparse_softmax_cross_entropy(y, logits)
    grads = tf.gradients(loss, tf.trainable_variables())
    assert len(grads) == 6 and all(g is not None for g in grads)
    train = tf.train.AdamOptimizer(0.02).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(60):
            sess.run(train, {x: xs, y: ys})
        last = sess.run(loss, {x: xs, y: ys})
    assert last < 0.3 * first
