"""tf.contrib.opt.LazyAdamOptimizer against NumPy: only looked-up rows (and their slots) move."""
import numpy as np

import compat_tf as tf


def test_lazy_adam_updates_only_gathered_rows():
    init = np.arange(10, dtype=np.float32).reshape(5, 2) / 10
    ids = np.array([0, 2, 2])
    with tf.Graph().as_default():
        emb = tf.Variable(init)
        dense = tf.Variable(np.ones(2, np.float32), trainable=False)
        loss = tf.reduce_sum(tf.square(tf.nn.embedding_lookup(emb, ids)) * dense)
        opt = tf.contrib.opt.LazyAdamOptimizer(0.1)
        train = opt.minimize(loss)
        assert [v.op.name for v in tf.global_variables()][2:] == ["beta1_power", "beta2_power", "Variable/LazyAdam",
                                                                  "Variable/LazyAdam_1"]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            for _ in range(2):
                s.run(train)
            got, m = s.run([emb, opt.get_slot(emb, "m")])
    w, mm, vv = init.astype(np.float64), np.zeros_like(init, np.float64), np.zeros_like(init, np.float64)
    for t in range(1, 3):
        g = np.zeros_like(w)
        for i in ids:
            g[i] += 2 * w[i]
        rows = np.unique(ids)
        mm[rows] = 0.9 * mm[rows] + 0.1 * g[rows]
        vv[rows] = 0.999 * vv[rows] + 0.001 * g[rows] ** 2
        alpha = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        w[rows] -= alpha * mm[rows] / (np.sqrt(vv[rows]) + 1e-8)
    np.testing.assert_allclose(got, w, rtol=1e-5)
    np.testing.assert_array_equal(got[[1, 3, 4]], init[[1, 3, 4]])      # untouched rows stay
    np.testing.assert_array_equal(m[[1, 3, 4]], 0.0)                    # and so do their slots
