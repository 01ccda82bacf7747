"""tf.layers batch normalization: train/inference outputs, moving averages via UPDATE_OPS,
variables/collections, tensor `training`, gradients."""
import numpy as np
import pytest

import compat_tf as tf

RS = np.random.RandomState(4)
X2 = (2.0 * RS.randn(8, 3) + 1.0).astype(np.float32)
X4 = (1.5 * RS.randn(4, 3, 3, 2) - 0.5).astype(np.float32)
GAMMA = np.array([1.0, 0.5, 2.0], np.float32)
BETA = np.array([0.0, 0.1, -0.2], np.float32)


def np_bn(x, axes, gamma=1.0, beta=0.0, eps=1e-3, mean=None, var=None):
    m = x.mean(axis=axes) if mean is None else mean
    v = x.var(axis=axes) if var is None else var
    return (x - m) / np.sqrt(v + eps) * gamma + beta


def moving(x, axes, momentum, steps, bessel, shift=1.0):
    """TF1's update `v -= (v - stat) * (1 - momentum)` over `steps` batches x + step * shift."""
    n = np.prod([x.shape[a] for a in axes])
    mm, mv = np.zeros(x.shape[-1]), np.ones(x.shape[-1])
    for s in range(steps):
        xb = x + s * shift
        mm -= (mm - xb.mean(axis=axes)) * (1 - momentum)
        mv -= (mv - xb.var(axis=axes) * (n / (n - 1) if bessel else 1)) * (1 - momentum)
    return mm, mv


def by_name():
    return {v.op.name: v for v in tf.global_variables()}


def test_variables_and_collections():
    bn = tf.layers.batch_normalization(tf.constant(X2), training=True)
    assert [v.name for v in tf.global_variables()] == [
        "batch_normalization/gamma:0", "batch_normalization/beta:0", "batch_normalization/moving_mean:0",
        "batch_normalization/moving_variance:0"]
    assert [v.name for v in tf.trainable_variables()] == ["batch_normalization/gamma:0",
                                                          "batch_normalization/beta:0"]
    ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(ups) == 2 and all(u.type == "AssignSub" for u in ups)
    assert bn.shape.as_list() == [8, 3]
    tf.layers.batch_normalization(tf.constant(X2), training=True, center=False, scale=False)
    assert [v.op.name for v in tf.global_variables()][4:] == ["batch_normalization_1/moving_mean",
                                                             "batch_normalization_1/moving_variance"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        g, b, mm, mv = sess.run(tf.global_variables()[:4])
    np.testing.assert_array_equal([g, b, mm, mv], [np.ones(3), np.zeros(3), np.zeros(3), np.ones(3)])


@pytest.mark.parametrize("rank", [2, 4])
def test_training_output_and_moving_averages(rank):
    x_np = X2 if rank == 2 else X4
    axes = tuple(range(rank - 1))
    c = x_np.shape[-1]
    gamma, beta = GAMMA[:c], BETA[:c]
    x = tf.placeholder(tf.float32, [None] + list(x_np.shape[1:]))
    bn = tf.layers.batch_normalization(x, training=True, momentum=0.9, epsilon=1e-3,
                                       gamma_initializer=tf.constant_initializer(gamma),
                                       beta_initializer=tf.constant_initializer(beta))
    infer = tf.layers.batch_normalization(x, training=False, name="batch_normalization", reuse=True)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_out = tf.identity(bn)
    v = by_name()
    mm, mv = v["batch_normalization/moving_mean"], v["batch_normalization/moving_variance"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out = sess.run(bn, {x: x_np})
        np.testing.assert_allclose(out, np_bn(x_np, axes, gamma, beta), rtol=1e-4, atol=1e-4)
        np.testing.assert_array_equal(sess.run(mm), 0.0)            # output alone: no update
        for s in range(3):
            sess.run(train_out, {x: x_np + s})
        want_m, want_v = moving(x_np, axes, 0.9, 3, bessel=(rank == 4))   # fused path: Bessel-corrected
        np.testing.assert_allclose(sess.run(mm), want_m, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(mv), want_v, rtol=1e-5, atol=1e-6)
        got = sess.run(infer, {x: x_np})
    np.testing.assert_allclose(got, np_bn(x_np, axes, gamma, beta, mean=want_m, var=want_v), rtol=1e-4,
                               atol=1e-4)


@pytest.mark.parametrize("rank", [2, 4])
def test_tensor_training_switch(rank):
    x_np = X2 if rank == 2 else X4
    axes = tuple(range(rank - 1))
    x = tf.constant(x_np)
    training = tf.placeholder(tf.bool, [])
    bn = tf.layers.batch_normalization(x, training=training, momentum=0.5)
    ups = tf.get_collection(tf.GraphKeys.UPDATE_OPS)
    assert len(ups) == 2
    v = by_name()
    mm, mv = v["batch_normalization/moving_mean"], v["batch_normalization/moving_variance"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        # inference with the initial statistics (0, 1), and updates that change nothing
        out, _ = sess.run([bn, ups], {training: False})
        np.testing.assert_allclose(out, x_np / np.sqrt(1 + 1e-3), rtol=1e-5)
        np.testing.assert_array_equal(sess.run(mm), 0.0)
        np.testing.assert_allclose(sess.run(mv), 1.0)
        out, _ = sess.run([bn, ups], {training: True})
        np.testing.assert_allclose(out, np_bn(x_np, axes), rtol=1e-4, atol=1e-4)
        want_m, want_v = moving(x_np, axes, 0.5, 1, bessel=(rank == 4))
        np.testing.assert_allclose(sess.run(mm), want_m, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sess.run(mv), want_v, rtol=1e-5, atol=1e-6)


def test_inference_only_adds_no_updates():
    tf.layers.batch_normalization(tf.constant(X2), training=False)
    tf.layers.batch_normalization(tf.constant(X4), training=False)
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == []


def test_channels_first_axis1_fused_and_rank3():
    x4 = X4.transpose(0, 3, 1, 2)                          # NCHW
    y4 = tf.layers.batch_normalization(tf.constant(x4), axis=1, training=True)
    x3 = RS.randn(5, 3, 7).astype(np.float32)              # [batch, channels, time]
    y3 = tf.layers.batch_normalization(tf.constant(x3), axis=1, training=True)
    assert tf.global_variables()[0].shape.as_list() == [2]
    assert tf.global_variables()[4].shape.as_list() == [3]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        a, b = sess.run([y4, y3])
    np.testing.assert_allclose(a, np_bn(X4, (0, 1, 2)).transpose(0, 3, 1, 2), rtol=1e-4, atol=1e-4)
    want3 = (x3 - x3.mean((0, 2), keepdims=True)) / np.sqrt(x3.var((0, 2), keepdims=True) + 1e-3)
    np.testing.assert_allclose(b, want3, rtol=1e-4, atol=1e-4)


def test_layer_object_updates_and_reuse():
    layer = tf.layers.BatchNormalization(momentum=0.8, name="bn")
    y1 = layer(tf.constant(X2), training=True)
    y2 = layer(tf.constant(X2 + 1), training=True)
    assert len(layer.variables) == 4 and len(layer.trainable_variables) == 2
    assert [v.op.name for v in layer.non_trainable_variables] == ["bn/moving_mean", "bn/moving_variance"]
    assert len(layer.updates) == 4
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == layer.updates
    assert y1.op.name.startswith("bn/") and y2.op.name.startswith("bn/")


def test_not_trainable_layer():
    layer = tf.layers.BatchNormalization(trainable=False)
    layer(tf.constant(X2), training=True)
    assert tf.trainable_variables() == []
    assert len(layer.non_trainable_weights) == 4 and layer.trainable_weights == []


def test_regularizers():
    tf.layers.batch_normalization(tf.constant(X2), gamma_regularizer=lambda g: tf.reduce_sum(g) * 2.0,
                                  beta_regularizer=lambda b: tf.reduce_sum(b) + 1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.run(tf.losses.get_regularization_loss()) == pytest.approx(7.0)


@pytest.mark.parametrize("rank", [2, 4])
def test_gradients_training_mode(rank):
    x_np = (X2 if rank == 2 else X4).astype(np.float32)
    axes = tuple(range(rank - 1))
    c = x_np.shape[-1]
    w_np = RS.randn(*x_np.shape).astype(np.float32)
    x = tf.constant(x_np)
    y = tf.layers.batch_normalization(x, training=True, epsilon=1e-3,
                                      gamma_initializer=tf.constant_initializer(GAMMA[:c]))
    loss = tf.reduce_sum(y * w_np)
    gamma, beta = tf.trainable_variables()
    gx, gg, gb = tf.gradients(loss, [x, gamma, beta])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        gx, gg, gb = sess.run([gx, gg, gb])
    sd = np.sqrt(x_np.var(axis=axes) + 1e-3)
    xhat = (x_np - x_np.mean(axis=axes)) / sd
    np.testing.assert_allclose(gb, w_np.sum(axis=axes), rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gg, (w_np * xhat).sum(axis=axes), rtol=1e-4, atol=1e-4)
    n = np.prod([x_np.shape[a] for a in axes])
    want = GAMMA[:c] / sd * (w_np - w_np.mean(axis=axes) - xhat * (w_np * xhat).sum(axis=axes) / n)
    np.testing.assert_allclose(gx, want, rtol=1e-3, atol=1e-4)


def test_bn_training_loop_with_update_ops():
    rs = np.random.RandomState(9)
    xs = (3.0 * rs.randn(32, 5) + 2.0).astype(np.float32)
    ys = (xs @ rs.randn(5, 1)).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 5])
    y = tf.placeholder(tf.float32, [None, 1])
    is_training = tf.placeholder_with_default(False, [])
    h = tf.layers.dense(x, 16, use_bias=False)
    h = tf.nn.relu(tf.layers.batch_normalization(h, training=is_training, momentum=0.5))
    pred = tf.layers.dense(h, 1)
    loss = tf.losses.mean_squared_error(y, pred)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.AdamOptimizer(0.03).minimize(loss)
    mm = by_name()["batch_normalization/moving_mean"]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys, is_training: True})
        for _ in range(120):
            sess.run(train, {x: xs, y: ys, is_training: True})
        last_train = sess.run(loss, {x: xs, y: ys, is_training: True})
        last_infer = sess.run(loss, {x: xs, y: ys})
        assert np.abs(sess.run(mm)).sum() > 0
    assert last_train < 0.1 * first
    assert last_infer < 0.2 * first          # the moving statistics track the batch statistics
