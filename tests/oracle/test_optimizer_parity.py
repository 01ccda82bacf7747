"""Parity with real TensorFlow (tf.compat.v1): three steps of every tf.train optimizer.

Dense problems and embeddings reached through tf.gather / tf.nn.embedding_lookup, whose TF1
gradient is an IndexedSlices: TF1's `_apply_sparse` then updates only the looked-up rows
(Momentum, RMSProp, Ftrl, Adadelta and the proximal optimizers differ from a dense update).
Skipped without tensorflow; run this directory on its own (`pytest tests/oracle`).
"""
import numpy as np
import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

import compat_tf  # noqa: E402

pytestmark = pytest.mark.oracle
RS = np.random.RandomState(0)
E0 = RS.uniform(-1, 1, (5, 3)).astype(np.float32)
W0 = RS.uniform(-1, 1, (3, 2)).astype(np.float32)
IDS = [[1, 3, 1], [0, 2], [3]]

OPTIMIZERS = {
    "sgd": lambda tf: tf.train.GradientDescentOptimizer(0.1),
    "momentum": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9),
    "nesterov": lambda tf: tf.train.MomentumOptimizer(0.1, 0.9, use_nesterov=True),
    "adam": lambda tf: tf.train.AdamOptimizer(0.1),
    "adagrad": lambda tf: tf.train.AdagradOptimizer(0.1),
    "adadelta": lambda tf: tf.train.AdadeltaOptimizer(10.0, rho=0.5),
    "rmsprop": lambda tf: tf.train.RMSPropOptimizer(0.1),
    "rmsprop_centered_momentum": lambda tf: tf.train.RMSPropOptimizer(0.1, momentum=0.5, centered=True),
    "ftrl": lambda tf: tf.train.FtrlOptimizer(0.1),
    "ftrl_l1_l2_shrinkage": lambda tf: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=0.01,
                                                              l2_regularization_strength=0.1,
                                                              l2_shrinkage_regularization_strength=0.05),
    "proximal_gd": lambda tf: tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.01,
                                                                        l2_regularization_strength=0.1),
    "proximal_adagrad": lambda tf: tf.train.ProximalAdagradOptimizer(0.1, l1_regularization_strength=0.01,
                                                                     l2_regularization_strength=0.1),
}


def _train(tf, make, lookup):
    with tf.Graph().as_default():
        emb = tf.Variable(E0, name="emb")
        w = tf.Variable(W0, name="w")
        ids = tf.placeholder(tf.int32, [None])
        if lookup == "gather":
            h = tf.gather(emb, ids)
        elif lookup == "embedding_lookup":
            h = tf.nn.embedding_lookup(emb, ids)
        else:
            h = tf.matmul(tf.one_hot(ids, 5), emb)
        loss = tf.reduce_sum(tf.square(tf.matmul(h, w) - 1.0))
        train = make(tf).minimize(loss, global_step=tf.train.get_or_create_global_step())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(3):
                sess.run(train, {ids: IDS[i]})
            return sess.run([emb, w, tf.train.get_global_step()])


@pytest.mark.parametrize("lookup", ["dense", "gather", "embedding_lookup"])
@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_three_steps_match_tensorflow(name, lookup):
    want = _train(real_tf, OPTIMIZERS[name], lookup)
    got = _train(compat_tf, OPTIMIZERS[name], lookup)
    for what, g, w in zip(["emb", "w", "global_step"], got, want):
        np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-6, err_msg=f"{name}/{lookup}: {what}")


def test_slot_names_match_tensorflow():
    out = []
    for tf in (real_tf, compat_tf):
        with tf.Graph().as_default():
            emb = tf.Variable(E0, name="emb")
            loss = tf.reduce_sum(tf.nn.embedding_lookup(emb, [1, 2]))
            for make in OPTIMIZERS.values():
                make(tf).minimize(loss)
            out.append(sorted(v.name for v in tf.global_variables()))
    assert out[0] == out[1]
