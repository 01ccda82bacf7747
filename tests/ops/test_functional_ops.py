"""tf.map_fn / tf.scan / tf.foldl / tf.foldr: values and gradients against NumPy, nesting, variables."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


X = np.random.RandomState(0).randn(4, 3).astype(np.float32)


def test_map_fn_values_gradients_and_unknown_leading_dim():
    x = tf.placeholder(tf.float32, [None, 3])
    m = tf.map_fn(lambda r: tf.tanh(tf.reduce_sum(r * r) + r), x)
    assert m.shape.as_list() == [None, 3]
    g = tf.gradients(tf.reduce_sum(m), x)[0]
    with tf.Session() as s:
        mv, gv = s.run([m, g], {x: X})
        assert s.run(m, {x: X[:2]}).shape == (2, 3)
    ref = np.tanh((X * X).sum(1, keepdims=True) + X)
    np.testing.assert_allclose(mv, ref, rtol=1e-5, atol=1e-6)
    d = 1 - ref ** 2                                   # d tanh
    ref_g = d + 2 * X * d.sum(1, keepdims=True)
    np.testing.assert_allclose(gv, ref_g, rtol=1e-4, atol=1e-5)


def test_map_fn_nested_elems_and_dtype():
    x = tf.constant(X)
    pair = tf.map_fn(lambda r: (r[0], tf.cast(r * 2.0, tf.int32)), x, dtype=(tf.float32, tf.int32))
    d = tf.map_fn(lambda e: e["a"] - e["b"][1], {"a": x, "b": [x, x * 3.0]})
    with pytest.raises(TypeError):
        tf.map_fn(lambda r: r, x, dtype=tf.int32)
    with tf.Session() as s:
        (first, doubled), dv = s.run([pair, d])
    np.testing.assert_allclose(first, X[:, 0])
    np.testing.assert_array_equal(doubled, (X * 2.0).astype(np.int32))
    np.testing.assert_allclose(dv, X - 3 * X, rtol=1e-6)


def test_map_fn_gradient_wrt_variable_read_inside():
    w = tf.Variable(np.array([0.5, -1.0, 2.0], np.float32))
    m = tf.map_fn(lambda r: tf.reduce_sum(r * w * w), tf.constant(X))
    gw = tf.gradients(tf.reduce_sum(m), w)[0]
    assert gw is not None
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        mv, gv = s.run([m, gw])
    wv = np.array([0.5, -1.0, 2.0], np.float32)
    np.testing.assert_allclose(mv, (X * wv * wv).sum(1), rtol=1e-5)
    np.testing.assert_allclose(gv, 2 * wv * X.sum(0), rtol=1e-5)


def test_scan_with_and_without_initializer_reverse_and_gradient():
    x = tf.placeholder(tf.float32, [4, 3])
    sc = tf.scan(lambda a, r: a * r + 1.0, x)
    cs = tf.scan(lambda a, r: a + r, x, initializer=tf.zeros([3]), reverse=True)
    tot = tf.scan(lambda a, r: a + tf.reduce_sum(r), x, initializer=tf.constant(0.0))
    g = tf.gradients(tf.reduce_sum(sc), x)[0]
    with tf.Session() as s:
        scv, csv, totv, gv = s.run([sc, cs, tot, g], {x: X})
    a, ref = X[0].astype(np.float64), [X[0]]
    for row in X[1:]:
        a = a * row + 1
        ref.append(a)
    np.testing.assert_allclose(scv, np.stack(ref), rtol=1e-5)
    np.testing.assert_allclose(csv, np.cumsum(X[::-1], 0)[::-1], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(totv, np.cumsum(X.sum(1)), rtol=1e-5, atol=1e-6)

    def f(Xn):
        a, tot = Xn[0], Xn[0].sum()
        for row in Xn[1:]:
            a = a * row + 1
            tot += a.sum()
        return tot
    num = np.zeros_like(X, dtype=np.float64)
    for i in range(4):
        for j in range(3):
            p, m = X.astype(np.float64).copy(), X.astype(np.float64).copy()
            p[i, j] += 1e-5
            m[i, j] -= 1e-5
            num[i, j] = (f(p) - f(m)) / 2e-5
    np.testing.assert_allclose(gv, num, rtol=1e-3, atol=1e-3)


def test_foldl_foldr_order_and_nested_accumulator():
    x = tf.constant(np.array([1., 2., 3.], np.float32))
    left = tf.foldl(lambda a, e: a * 10.0 + e, x)                     # ((1)*10+2)*10+3
    right = tf.foldr(lambda a, e: a * 10.0 + e, x)                    # ((3)*10+2)*10+1
    pair = tf.foldl(lambda acc, e: (acc[0] + e, acc[1] * e), x, initializer=(tf.constant(0.0), tf.constant(1.0)))
    with tf.Session() as s:
        lv, rv, pv = s.run([left, right, pair])
    assert lv == 123.0 and rv == 321.0
    assert pv == (6.0, 6.0)


def test_fn_assigning_a_variable_is_threaded_through():
    v = tf.Variable(0.0)
    out = tf.map_fn(lambda e: tf.assign_add(v, e), tf.constant([1.0, 2.0, 3.0]))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_allclose(s.run(out), [1.0, 3.0, 6.0])
        assert s.run(v) == 6.0


def _map_random(seed):
    with tf.Graph().as_default():
        tf.set_random_seed(seed)
        m = tf.map_fn(lambda x: tf.random_uniform([3]) + x, tf.zeros([4]))
        sc = tf.scan(lambda a, x: a + tf.random_normal([]), tf.zeros([5]), initializer=tf.constant(0.0))
        with tf.Session() as s:
            return s.run([m, sc]), s.run(m)


def test_random_ops_inside_fn_draw_fresh_numbers_per_iteration_and_follow_the_seed():
    (mv, scv), mv2 = _map_random(3)
    assert mv.shape == (4, 3)
    # each row has its own draw (TF1 reruns the random kernel at every while_loop step)
    assert len({tuple(r) for r in mv.round(6)}) == 4
    steps = np.diff(np.concatenate([[0.0], scv]))
    assert len(set(np.round(steps, 6))) == 5
    assert not np.allclose(mv, mv2)           # a new Session.run draws new numbers
    (again, sc_again), _ = _map_random(3)     # same graph seed -> same numbers in a fresh graph
    np.testing.assert_array_equal(mv, again)
    np.testing.assert_array_equal(scv, sc_again)
    (other, _), _ = _map_random(4)
    assert not np.allclose(mv, other)


def test_cond_inside_fn_reads_a_variable_through_its_reference():
    v = tf.Variable(np.array([1.0, 2.0, 3.0], np.float32))
    # the cond's branch reads the variable itself (Identity of the ref), not a snapshot from outside
    m = tf.map_fn(lambda r: tf.cond(r[0] > 0, lambda: r * v.read_value(), lambda: r - 1.0), tf.constant(X))
    both = tf.map_fn(lambda r: v.read_value() + tf.cond(r[0] > 0, lambda: v.read_value(), lambda: r), tf.constant(X))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        mv, bv = s.run([m, both])
    vv = np.array([1.0, 2.0, 3.0], np.float32)
    pos = X[:, :1] > 0
    np.testing.assert_allclose(mv, np.where(pos, X * vv, X - 1.0), rtol=1e-6)
    np.testing.assert_allclose(bv, vv + np.where(pos, vv, X), rtol=1e-6)
