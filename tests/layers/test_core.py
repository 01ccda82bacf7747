"""tf.layers Dense / Dropout / Flatten and the Layer base: values, names, collections, reuse."""
import numpy as np
import pytest

import compat_tf as tf

RS = np.random.RandomState(0)
X = RS.randn(5, 3).astype(np.float32)


def run(*fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(list(fetches), feed)


# -------------------------------------------------------------------------------- dense
def test_dense_matches_numpy_with_own_variables():
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.layers.dense(x, 4, activation=tf.nn.relu, bias_initializer=tf.random_normal_initializer())
    k, b = tf.trainable_variables()
    out, kv, bv = run(y, k, b, feed={x: X})
    assert kv.shape == (3, 4) and bv.shape == (4,)
    assert np.abs(bv).sum() > 0
    np.testing.assert_allclose(out, np.maximum(X @ kv + bv, 0), rtol=1e-5, atol=1e-6)
    assert y.shape.as_list() == [None, 4]


def test_dense_default_initializers_glorot_uniform_kernel_zero_bias():
    y = tf.layers.dense(tf.constant(np.zeros((2, 40), np.float32)), 60)
    k, b = run(*tf.trainable_variables())
    limit = np.sqrt(6.0 / (40 + 60))
    assert np.all(np.abs(k) <= limit) and k.std() > limit / 3   # uniform(-limit, limit), not tiny
    assert np.all(b == 0)
    assert y.op.type in ("BiasAdd",)


def test_dense_rank3_contracts_last_axis():
    x = tf.placeholder(tf.float32, [None, 4, 3])
    y = tf.layers.dense(x, 2)
    assert y.shape.as_list() == [None, 4, 2]
    xs = RS.randn(2, 4, 3).astype(np.float32)
    out, k, b = run(y, *tf.trainable_variables(), feed={x: xs})
    np.testing.assert_allclose(out, np.einsum("bti,io->bto", xs, k) + b, rtol=1e-5, atol=1e-6)


def test_dense_names_uniquified_per_graph_and_scoped():
    x = tf.constant(X)
    tf.layers.dense(x, 2)
    tf.layers.dense(x, 2, use_bias=False)
    with tf.variable_scope("block"):
        tf.layers.dense(x, 2, name="inner")
        tf.layers.dense(x, 2)
    names = [v.name for v in tf.global_variables()]
    assert names == ["dense/kernel:0", "dense/bias:0", "dense_1/kernel:0", "block/inner/kernel:0",
                     "block/inner/bias:0", "block/dense/kernel:0", "block/dense/bias:0"]
    with tf.Graph().as_default():
        tf.layers.dense(tf.constant(X), 2)
        assert tf.global_variables()[0].name == "dense/kernel:0"   # counters are per graph


def test_dense_ops_live_under_layer_scope():
    x = tf.constant(X)
    layer = tf.layers.Dense(2, name="fc")
    y1 = layer(x)
    y2 = layer(x)
    assert y1.op.name.startswith("fc/") and y2.op.name.startswith("fc/")
    assert y1.op.name != y2.op.name
    assert len(tf.global_variables()) == 2


def test_dense_reuse_by_name_shares_variables():
    x = tf.placeholder(tf.float32, [None, 3])
    a = tf.layers.dense(x, 2, name="shared")
    b = tf.layers.dense(x * 2.0, 2, name="shared", reuse=True)
    assert len(tf.global_variables()) == 2
    av, bv, k = run(a, b, "shared/kernel:0", feed={x: X})
    np.testing.assert_allclose(bv - 2 * X @ k, av - X @ k, rtol=1e-5, atol=1e-5)   # same bias
    with pytest.raises(ValueError, match="already exists"):
        tf.layers.dense(x, 2, name="shared")
    with pytest.raises(ValueError, match="does not exist"):
        tf.layers.dense(x, 2, name="nope", reuse=True)


def test_dense_reuse_through_variable_scope():
    x = tf.constant(X)
    with tf.variable_scope("model"):
        a = tf.layers.dense(x, 2)
    with tf.variable_scope("model", reuse=True):
        b = tf.layers.dense(x, 2)
    assert [v.name for v in tf.global_variables()] == ["model/dense/kernel:0", "model/dense/bias:0"]
    av, bv = run(a, b)
    np.testing.assert_array_equal(av, bv)
    with tf.variable_scope("model", reuse=tf.AUTO_REUSE):
        tf.layers.dense(x, 2)
    assert len(tf.global_variables()) == 2


def test_dense_layer_object_properties():
    x = tf.constant(X)
    layer = tf.layers.Dense(3, name="obj")
    assert not layer.built and layer.weights == []
    with pytest.raises(ValueError):
        layer.scope_name
    layer(x)
    assert layer.built and layer.scope_name == "obj"
    assert [v.name for v in layer.trainable_weights] == ["obj/kernel:0", "obj/bias:0"]
    assert layer.kernel is layer.trainable_variables[0] and layer.bias is layer.weights[1]
    assert layer.non_trainable_weights == [] and layer.variables == layer.weights
    assert layer.count_params() == 3 * 3 + 3
    assert layer.dtype == "float32"
    with pytest.raises(ValueError, match="incompatible"):
        layer(tf.constant(np.zeros((2, 5), np.float32)))   # input_spec: last axis must be 3


def test_unnamed_layer_object_names_are_keras_style():
    a, b = tf.layers.Dense(2), tf.layers.Dense(2)
    assert (a.name, b.name) == ("dense_1", "dense_2")
    a(tf.constant(X))
    b(tf.constant(X))
    assert (a.scope_name, b.scope_name) == ("dense", "dense_1")


def test_dense_float64_infers_dtype():
    y = tf.layers.dense(tf.constant(X.astype(np.float64)), 2)
    assert y.dtype == tf.float64 and tf.global_variables()[0].dtype.base_dtype == tf.float64


def test_dense_requires_known_last_dim():
    with pytest.raises(ValueError, match="last dimension"):
        tf.layers.dense(tf.placeholder(tf.float32, [None, None]), 2)


def test_dense_not_trainable():
    tf.layers.dense(tf.constant(X), 2, trainable=False)
    assert tf.trainable_variables() == []
    assert len(tf.global_variables()) == 2
    layer = tf.layers.Dense(2, trainable=False)
    layer(tf.constant(X))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2


def test_dense_regularizers_and_total_regularization_loss():
    x = tf.constant(X)
    l2 = lambda w: 0.5 * tf.reduce_sum(tf.square(w))  # noqa: E731
    l1 = lambda w: 0.1 * tf.reduce_sum(tf.abs(w))  # noqa: E731
    y = tf.layers.dense(x, 3, kernel_regularizer=l2, bias_regularizer=l1,
                        bias_initializer=tf.constant_initializer(0.5), activity_regularizer=l1)
    reg = tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)
    assert len(reg) == 3
    assert reg[0].op.name.startswith("dense/kernel/Regularizer/")
    total = tf.losses.get_regularization_loss()
    t, r, k, b, yv = run(total, reg, *tf.trainable_variables(), y)
    act = 0.1 * np.abs(yv).sum() / X.shape[0]    # activity loss is divided by the batch size
    np.testing.assert_allclose(r, [0.5 * (k ** 2).sum(), 0.1 * np.abs(b).sum(), act], rtol=1e-5)
    np.testing.assert_allclose(t, sum(r), rtol=1e-5)
    # reusing the layer's variables adds no second kernel loss
    tf.layers.dense(x, 3, kernel_regularizer=l2, name="dense", reuse=True)
    assert len(tf.get_collection(tf.GraphKeys.REGULARIZATION_LOSSES)) == 3


def test_scope_regularizer_and_initializer_apply_to_layers():
    with tf.variable_scope("s", initializer=tf.constant_initializer(0.25),
                           regularizer=lambda w: tf.reduce_sum(w)):
        tf.layers.dense(tf.constant(X), 2, use_bias=False)
    k, reg = run(tf.global_variables()[0], tf.losses.get_regularization_loss())
    np.testing.assert_array_equal(k, np.full((3, 2), 0.25, np.float32))
    np.testing.assert_allclose(reg, 1.5)


def test_kernel_constraint_accepted_and_stored():
    c = lambda w: tf.clip_by_value(w, -0.1, 0.1)  # noqa: E731
    layer = tf.layers.Dense(2, kernel_constraint=c)
    layer(tf.constant(X))
    assert layer.kernel_constraint is c and layer.kernel.constraint is c


def test_string_initializer_and_activation():
    y = tf.layers.dense(tf.constant(X), 2, activation="tanh", kernel_initializer="ones")
    out, = run(y)
    np.testing.assert_allclose(out, np.tanh(X.sum(1, keepdims=True).repeat(2, 1)), rtol=1e-5)


def test_dense_training_loop_reduces_loss():
    rs = np.random.RandomState(3)
    xs = rs.randn(64, 4).astype(np.float32)
    ys = (xs @ rs.randn(4, 1) + 0.3).astype(np.float32)
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.float32, [None, 1])
    h = tf.layers.dense(x, 8, activation=tf.nn.tanh)
    pred = tf.layers.dense(h, 1)
    loss = tf.losses.mean_squared_error(y, pred)
    grads = tf.gradients(loss, tf.trainable_variables())
    assert all(g is not None for g in grads)
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = sess.run(loss, {x: xs, y: ys})
        for _ in range(150):
            sess.run(train, {x: xs, y: ys})
        last = sess.run(loss, {x: xs, y: ys})
    assert last < 0.05 * first


# -------------------------------------------------------------------------------- dropout
def test_dropout_python_bool_and_default():
    x = tf.constant(np.ones((50, 40), np.float32))
    assert tf.layers.dropout(x, 0.5).op.type == "Identity"       # training defaults to False
    off, on = run(tf.layers.dropout(x, 0.5, training=False), tf.layers.dropout(x, 0.3, training=True))
    np.testing.assert_array_equal(off, 1.0)
    kept = on != 0
    np.testing.assert_allclose(on[kept], 1 / 0.7, rtol=1e-6)
    assert 0.6 < kept.mean() < 0.8


def test_dropout_tensor_training_switches():
    x = tf.constant(np.ones((50, 40), np.float32))
    training = tf.placeholder(tf.bool, [])
    y = tf.layers.dropout(x, rate=0.5, training=training)
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(y, {training: False}), 1.0)
        on = sess.run(y, {training: True})
    assert set(np.unique(on)) == {0.0, 2.0}


def test_dropout_noise_shape_and_layer_class():
    x = tf.constant(np.ones((4, 30, 6), np.float32))
    layer = tf.layers.Dropout(0.5, noise_shape=[None, 1, 6])
    y = layer(x, training=True)
    out, = run(y)
    np.testing.assert_array_equal(out, np.broadcast_to(out[:, :1, :], out.shape))  # same mask along axis 1


# -------------------------------------------------------------------------------- flatten
def test_flatten_static_and_dynamic():
    x = tf.placeholder(tf.float32, [None, 2, 3, 4])
    y = tf.layers.flatten(x)
    assert y.shape.as_list() == [None, 24]
    xs = RS.randn(5, 2, 3, 4).astype(np.float32)
    out, = run(y, feed={x: xs})
    np.testing.assert_array_equal(out, xs.reshape(5, -1))
    z = tf.layers.flatten(tf.placeholder(tf.float32, [None, None, 3]))
    assert z.shape.as_list() == [None, None]


def test_flatten_channels_first_moves_channels_last():
    xs = RS.randn(2, 3, 4, 5).astype(np.float32)
    out, = run(tf.layers.Flatten(data_format="channels_first")(tf.constant(xs)))
    np.testing.assert_array_equal(out, xs.transpose(0, 2, 3, 1).reshape(2, -1))


def test_custom_layer_subclass():
    class Scale(tf.layers.Layer):
        def build(self, input_shape):
            self.w = self.add_weight("w", shape=[input_shape[-1].value], initializer=tf.ones_initializer())
            self.counter = self.add_weight("count", shape=[], trainable=False,
                                           initializer=tf.zeros_initializer())
            super().build(input_shape)

        def call(self, inputs):
            self.add_update(tf.assign_add(self.counter, 1.0))
            return inputs * self.w

    layer = Scale()
    y = layer(tf.constant(X))
    assert layer.name == "scale_1" and layer.scope_name == "scale"
    assert [v.name for v in layer.weights] == ["scale/w:0", "scale/count:0"]
    assert [v.name for v in layer.trainable_weights] == ["scale/w:0"]
    assert tf.get_collection(tf.GraphKeys.UPDATE_OPS) == layer.updates and len(layer.updates) == 1
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_allclose(sess.run(y), X)
        sess.run(layer.updates)
        assert sess.run(layer.counter) == 1.0
