"""tf.layers pooling against NumPy: 1-D/2-D/3-D, max/average, SAME/VALID, data formats."""
import numpy as np
import pytest

import compat_tf as tf
from np_layers_ref import np_pool

RS = np.random.RandomState(2)


def run(t, feed=None):
    with tf.Session() as sess:
        return sess.run(t, feed)


@pytest.mark.parametrize("kind", ["max", "avg"])
@pytest.mark.parametrize("pool,stride,padding", [(2, 2, "valid"), (3, 2, "same"), (3, 1, "valid"),
                                                 ((2, 3), (1, 2), "same")])
def test_pooling2d_matches_numpy(kind, pool, stride, padding):
    xs = RS.randn(2, 7, 6, 3).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 7, 6, 3])
    fn = tf.layers.max_pooling2d if kind == "max" else tf.layers.average_pooling2d
    y = fn(x, pool, stride, padding=padding)
    k = pool if isinstance(pool, tuple) else (pool, pool)
    s = stride if isinstance(stride, tuple) else (stride, stride)
    want = np_pool(xs, k, s, padding, kind)
    assert y.shape.as_list() == [None] + list(want.shape[1:])
    np.testing.assert_allclose(run(y, {x: xs}), want, rtol=1e-5, atol=1e-6)


def test_pooling2d_channels_first():
    xs = RS.randn(2, 6, 6, 3).astype(np.float32)
    y = tf.layers.MaxPooling2D(3, 2, padding="same", data_format="channels_first")(
        tf.constant(xs.transpose(0, 3, 1, 2)))
    assert y.shape.as_list() == [2, 3, 3, 3]
    np.testing.assert_allclose(run(y).transpose(0, 2, 3, 1), np_pool(xs, (3, 3), (2, 2), "same", "max"))


@pytest.mark.parametrize("cf", [False, True])
def test_pooling1d(cf):
    xs = RS.randn(2, 9, 4).astype(np.float32)
    inp = tf.constant(xs.transpose(0, 2, 1) if cf else xs)
    df = "channels_first" if cf else "channels_last"
    mx = tf.layers.max_pooling1d(inp, 3, 2, data_format=df)
    av = tf.layers.average_pooling1d(inp, 2, 2, padding="same", data_format=df)
    m, a = run([mx, av])
    if cf:
        m, a = m.transpose(0, 2, 1), a.transpose(0, 2, 1)
    want_m = np.stack([xs[:, i * 2:i * 2 + 3].max(1) for i in range(4)], 1)
    want_a = np.stack([xs[:, i * 2:i * 2 + 2].mean(1) for i in range(5)], 1)   # last window holds 1
    np.testing.assert_allclose(m, want_m, rtol=1e-6)
    np.testing.assert_allclose(a, want_a, rtol=1e-6)


@pytest.mark.parametrize("cf", [False, True])
def test_pooling3d(cf):
    xs = RS.randn(2, 4, 4, 6, 3).astype(np.float32)
    inp = tf.constant(xs.transpose(0, 4, 1, 2, 3) if cf else xs)
    df = "channels_first" if cf else "channels_last"
    mx = tf.layers.max_pooling3d(inp, 2, 2, data_format=df)
    av = tf.layers.AveragePooling3D((2, 2, 3), (2, 2, 3), data_format=df)(inp)
    assert mx.shape.as_list() == ([2, 3, 2, 2, 3] if cf else [2, 2, 2, 3, 3])
    m, a = run([mx, av])
    if cf:
        m, a = m.transpose(0, 2, 3, 4, 1), a.transpose(0, 2, 3, 4, 1)
    r = xs.reshape(2, 2, 2, 2, 2, 3, 2, 3)
    np.testing.assert_allclose(m, r.max(axis=(2, 4, 6)), rtol=1e-6)
    r2 = xs.reshape(2, 2, 2, 2, 2, 2, 3, 3)
    np.testing.assert_allclose(a, r2.mean(axis=(2, 4, 6)), rtol=1e-5)


def test_pooling_layer_defaults_and_names():
    layer = tf.layers.MaxPooling2D(2)           # strides default to pool_size in the class
    assert layer.strides == (2, 2) and layer.name == "max_pooling2d_1"
    y = layer(tf.placeholder(tf.float32, [None, 8, 8, 1]))
    assert y.shape.as_list() == [None, 4, 4, 1]
    assert y.op.name.startswith("max_pooling2d/") and tf.global_variables() == []
    with pytest.raises(TypeError):
        tf.layers.max_pooling2d(tf.placeholder(tf.float32, [None, 8, 8, 1]), 2)   # strides required


def test_max_pool_gradient_routes_to_argmax():
    xs = np.array([[1., 5.], [3., 2.]], np.float32).reshape(1, 2, 2, 1)
    x = tf.constant(xs)
    g = tf.gradients(tf.reduce_sum(tf.layers.max_pooling2d(x, 2, 2)), x)[0]
    np.testing.assert_array_equal(run(g).ravel(), [0, 1, 0, 0])
