"""tf.contrib.layers basics: variable names/collections, values, regularizers, initializers, batch_norm."""
import numpy as np
import pytest

import compat_tf as tf
from np_layers_ref import np_conv

RS = np.random.RandomState(5)
X = RS.randn(6, 3).astype(np.float32)


def test_fully_connected_names_collections_values():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.contrib.layers.fully_connected(x, 4, biases_initializer=tf.constant_initializer(0.2))
    z = tf.contrib.layers.fully_connected(y, 2, activation_fn=None, scope="logits")
    names = [v.name for v in tf.global_variables()]
    assert names == ["fully_connected/weights:0", "fully_connected/biases:0", "logits/weights:0",
                     "logits/biases:0"]
    assert [v.name for v in tf.model_variables()] == names
    assert [v.name for v in tf.trainable_variables()] == names
    assert y.op.name == "fully_connected/Relu" and z.op.type == "BiasAdd"
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        yv, zv, w1, b1, w2, b2 = sess.run([y, z] + tf.global_variables(), {x: X})
    np.testing.assert_allclose(b1, 0.2)
    np.testing.assert_allclose(yv, np.maximum(X @ w1 + b1, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(zv, yv @ w2 + b2, rtol=1e-5, atol=1e-6)


def test_fully_connected_reuse_and_normalizer_drops_bias():
    x = tf.constant(X)
    a = tf.contrib.layers.fully_connected(x, 2, scope="fc")
    b = tf.contrib.layers.fully_connected(x, 2, scope="fc", reuse=True)
    assert len(tf.global_variables()) == 2
    tf.contrib.layers.fully_connected(x, 2, normalizer_fn=tf.contrib.layers.batch_norm, scope="nb")
    assert "nb/biases:0" not in [v.name for v in tf.global_variables()]
    assert "nb/BatchNorm/beta:0" in [v.name for v in tf.global_variables()]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        av, bv = sess.run([a, b])
    np.testing.assert_array_equal(av, bv)


def test_l1_l2_regularizers():
    w = tf.constant([[1.0, -2.0], [3.0, 0.5]])
    l2 = tf.contrib.layers.l2_regularizer(0.1)(w)
    l1 = tf.contrib.layers.l1_regularizer(0.2)(w)
    both = tf.contrib.layers.l1_l2_regularizer(0.2, 0.1)(w)
    assert tf.contrib.layers.l2_regularizer(0.0)(w) is None
    with pytest.raises(ValueError):
        tf.contrib.layers.l2_regularizer(1)
    with tf.Session() as sess:
        v2, v1, vb = sess.run([l2, l1, both])
    assert v2 == pytest.approx(0.1 * (1 + 4 + 9 + 0.25) / 2)
    assert v1 == pytest.approx(0.2 * 6.5)
    assert vb == pytest.approx(v1 + v2)


def test_weights_regularizer_goes_to_collection():
    tf.contrib.layers.fully_connected(tf.constant(X), 4,
                                      weights_regularizer=tf.contrib.layers.l2_regularizer(0.5))
    reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(reg) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        r, w = sess.run([tf.losses.get_regularization_loss(), tf.global_variables()[0]])
    assert r == pytest.approx(0.5 * (w ** 2).sum() / 2, rel=1e-5)


def test_initializers_statistics():
    xav = tf.get_variable("xav", [200, 300], initializer=tf.contrib.layers.xavier_initializer())
    he = tf.get_variable("he", [3, 3, 64, 128], initializer=tf.contrib.layers.variance_scaling_initializer())
    fan_out = tf.get_variable("fo", [400, 50], initializer=tf.contrib.layers.variance_scaling_initializer(
        factor=1.0, mode="FAN_OUT", uniform=True))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b, c = sess.run([xav, he, fan_out])
    lim = np.sqrt(6.0 / 500)
    assert np.abs(a).max() <= lim and a.std() == pytest.approx(lim / np.sqrt(3), rel=0.05)
    sd = np.sqrt(1.3 * 2.0 / (3 * 3 * 64))          # truncated normal (stddev shrinks by ~0.88)
    assert np.abs(b).max() <= 2 * sd + 1e-6 and b.std() == pytest.approx(0.88 * sd, rel=0.05)
    lim_c = np.sqrt(3.0 / 50)
    assert np.abs(c).max() <= lim_c and c.std() == pytest.approx(lim_c / np.sqrt(3), rel=0.05)


def test_conv2d_pool_flatten():
    xs = RS.randn(2, 6, 6, 2).astype(np.float32)
    k = (0.3 * RS.randn(3, 3, 2, 4)).astype(np.float32)
    x = tf.constant(xs)
    c = tf.contrib.layers.conv2d(x, 4, 3, weights_initializer=tf.constant_initializer(k))
    p = tf.contrib.layers.max_pool2d(c, 2)
    f = tf.contrib.layers.flatten(p)
    assert [v.name for v in tf.global_variables()] == ["Conv/weights:0", "Conv/biases:0"]
    assert f.shape.as_list() == [2, 36]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        cv, fv = sess.run([c, f])
    want = np.maximum(np_conv(xs, k, (1, 1), "same"), 0)          # SAME + relu by default
    np.testing.assert_allclose(cv, want, rtol=1e-4, atol=1e-5)
    pooled = want.reshape(2, 3, 2, 3, 2, 4).max(axis=(2, 4))
    np.testing.assert_allclose(fv, pooled.reshape(2, -1), rtol=1e-4, atol=1e-5)


def test_dropout_keep_prob_and_is_training():
    x = tf.constant(np.ones((40, 50), np.float32))
    on = tf.contrib.layers.dropout(x, keep_prob=0.8)                 # is_training defaults to True
    off = tf.contrib.layers.dropout(x, keep_prob=0.8, is_training=False)
    with tf.Session() as sess:
        a, b = sess.run([on, off])
    assert set(np.unique(a)) == {0.0, 1.25} and 0.7 < (a != 0).mean() < 0.9
    np.testing.assert_array_equal(b, 1.0)


def test_batch_norm_rank2_fused_defaults_and_updates():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.contrib.layers.batch_norm(x, decay=0.9)                 # scale=False: no gamma
    assert [v.name for v in tf.global_variables()] == ["BatchNorm/beta:0", "BatchNorm/moving_mean:0",
                                                       "BatchNorm/moving_variance:0"]
    assert [v.name for v in tf.trainable_variables()] == ["BatchNorm/beta:0"]
    ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(ups) == 2 and y.shape.as_list() == [None, 3]
    mm, mv = tf.global_variables()[1:]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for s in range(2):
            out, _ = sess.run([y, ups], {x: X + s})
        m_v, v_v = sess.run([mm, mv])
    np.testing.assert_allclose(out, (X - X.mean(0)) / np.sqrt(X.var(0) + 1e-3), rtol=1e-4, atol=1e-4)
    want_m, want_v = np.zeros(3), np.ones(3)
    for s in range(2):
        want_m -= (want_m - (X + s).mean(0)) * 0.1
        want_v -= (want_v - X.var(0) * 6 / 5) * 0.1                # Bessel-corrected (fused)
    np.testing.assert_allclose(m_v, want_m, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(v_v, want_v, rtol=1e-5, atol=1e-6)


def test_batch_norm_updates_collections_none_forces_updates():
    xs = RS.randn(4, 2, 2, 3).astype(np.float32)
    training = tf.placeholder(tf.bool, [])
    y = tf.contrib.layers.batch_norm(tf.constant(xs), is_training=training, updates_collections=None,
                                     decay=0.5, scale=True)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []
    mm = [v for v in tf.global_variables() if v.op.name == "BatchNorm/moving_mean"][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(y, {training: False})
        np.testing.assert_array_equal(sess.run(mm), 0.0)
        sess.run(y, {training: True})
        np.testing.assert_allclose(sess.run(mm), 0.5 * xs.mean(axis=(0, 1, 2)), rtol=1e-5, atol=1e-6)


def test_batch_norm_rank4_core_path_uses_layers_class():
    y = tf.contrib.layers.batch_norm(tf.constant(RS.randn(2, 3, 3, 4).astype(np.float32)), scale=True,
                                     is_training=False)
    assert [v.name for v in tf.model_variables()] == ["BatchNorm/gamma:0", "BatchNorm/beta:0",
                                                      "BatchNorm/moving_mean:0",
                                                      "BatchNorm/moving_variance:0"]
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == [] and y.shape.as_list() == [2, 3, 3, 4]
