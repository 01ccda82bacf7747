"""Shared by the op-family tests: values and tf.gradients against NumPy and central differences."""
import numpy as np

import compat_tf as tf


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def numeric_grads(np_fn, xs, w, eps=1e-6):
    """d/dx_k sum(w * np_fn(*xs)) by central differences (float64), for every k."""
    out = []
    for k, x in enumerate(xs):
        g = np.zeros_like(x)
        for i in np.ndindex(*x.shape):
            xp = [v.copy() for v in xs]
            xm = [v.copy() for v in xs]
            xp[k][i] += eps
            xm[k][i] -= eps
            g[i] = (np.sum(w * np_fn(*xp)) - np.sum(w * np_fn(*xm))) / (2 * eps)
        out.append(g)
    return out


def check(tf_fn, np_fn, *xs, rtol=1e-6, atol=1e-8, value_rtol=1e-10, value_atol=1e-12, seed=0):
    """Values and tf.gradients (with random grad_ys) of tf_fn against np_fn and finite differences."""
    xs = [np.asarray(x, np.float64) for x in xs]
    ts = [tf.constant(x) for x in xs]
    y = tf_fn(*ts)
    want = np_fn(*xs)
    w = np.asarray(np.random.RandomState(seed).randn(*np.shape(want)), np.float64)
    grads = tf.gradients(y, ts, grad_ys=tf.constant(w))
    got_y, got_g = run([y, grads])
    np.testing.assert_allclose(got_y, want, rtol=value_rtol, atol=value_atol)
    for got, exp in zip(got_g, numeric_grads(np_fn, xs, w)):
        np.testing.assert_allclose(got, exp, rtol=rtol, atol=atol)
