"""tf.gradients / tf.hessians / tf.stop_gradient against closed-form NumPy derivatives."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetches, feed)


def test_polynomial_gradient_matches_closed_form():
    x = tf.placeholder(tf.float32, [3])
    y = tf.reduce_sum(x * x * x + 2.0 * x)
    g = tf.gradients(y, x)
    assert isinstance(g, list) and len(g) == 1
    assert g[0].get_shape().as_list() == [3]
    xv = np.array([0.5, -1.0, 2.0], np.float32)
    np.testing.assert_allclose(run(g[0], {x: xv}), 3 * xv ** 2 + 2, rtol=1e-6)


def test_transcendental_gradient():
    x = tf.placeholder(tf.float64, [4])
    y = tf.reduce_sum(tf.sin(x) * tf.exp(x))
    xv = np.linspace(-1, 1, 4)
    np.testing.assert_allclose(run(tf.gradients(y, x)[0], {x: xv}), (np.cos(xv) + np.sin(xv)) * np.exp(xv))


def test_matmul_gradients_for_both_inputs():
    rs = np.random.RandomState(0)
    av, bv, cv = rs.randn(3, 4), rs.randn(4, 2), rs.randn(3, 2)
    a, b = tf.constant(av), tf.constant(bv)
    loss = tf.reduce_sum(tf.matmul(a, b) * cv)
    ga, gb = run(tf.gradients(loss, [a, b]))
    np.testing.assert_allclose(ga, cv @ bv.T)
    np.testing.assert_allclose(gb, av.T @ cv)


def test_grad_ys_weights_each_output():
    a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
    w = a * a
    gy = np.array([[1.0, 0.0], [2.0, -1.0]], np.float32)
    np.testing.assert_allclose(run(tf.gradients(w, a, grad_ys=tf.constant(gy))[0]),
                               2 * np.array([[1, 2], [3, 4]]) * gy)


def test_several_ys_are_summed():
    a = tf.constant([1.0, 2.0])
    g = tf.gradients([a * a, 3.0 * a], a)[0]
    np.testing.assert_allclose(run(g), [2 * 1 + 3, 2 * 2 + 3])


def test_unconnected_gives_none_or_zero():
    a = tf.constant([1.0, 2.0])
    other = tf.constant([5.0])
    y = tf.reduce_sum(a * 2.0)
    assert tf.gradients(y, [a, other])[1] is None
    z = tf.gradients(y, other, unconnected_gradients=tf.UnconnectedGradients.ZERO)[0]
    np.testing.assert_array_equal(run(z), [0.0])


def test_integer_paths_carry_no_gradient():
    ints = tf.constant([1, 2, 3])
    assert tf.gradients(tf.cast(ints, tf.float32) * 2.0, ints)[0] is None
    f = tf.constant(2.7)
    assert tf.gradients(tf.cast(tf.cast(f, tf.int32), tf.float32), f)[0] is None


def test_stop_gradient_blocks_one_path():
    u = tf.constant([1.0, 2.0])
    mixed = tf.reduce_sum(u * u + tf.stop_gradient(u * u) * u)
    # d/du [u^2 + c*u] with c = u^2 held constant: 2u + u^2
    np.testing.assert_allclose(run(tf.gradients(mixed, u)[0]), [2 + 1, 4 + 4])
    assert tf.gradients(tf.reduce_sum(tf.stop_gradient(u) * 3.0), u)[0] is None


def test_stop_gradients_argument_and_intermediate_xs():
    p = tf.constant(2.0)
    q = p * p
    r = q * p
    assert run(tf.gradients(r, p)[0]) == pytest.approx(12.0)          # total derivative 3p^2
    assert run(tf.gradients(r, p, stop_gradients=[q])[0]) == pytest.approx(4.0)   # q held: dr/dp = q
    gp, gq = run(tf.gradients(r, [p, q]))
    assert gp == pytest.approx(12.0) and gq == pytest.approx(2.0)     # TF1: upstream x gets the total


def test_higher_order_derivatives():
    t = tf.placeholder(tf.float32, [])
    f = t * t * t * t
    d1 = tf.gradients(f, t)[0]
    d2 = tf.gradients(d1, t)[0]
    d3 = tf.gradients(d2, t)[0]
    v = run([d1, d2, d3], {t: 1.5})
    np.testing.assert_allclose(v, [4 * 1.5 ** 3, 12 * 1.5 ** 2, 24 * 1.5], rtol=1e-5)


def test_hessians_of_quadratic_and_cubic():
    A = np.array([[2.0, 1.0, 0.0], [1.0, 3.0, 0.5], [0.0, 0.5, 1.0]], np.float32)
    x = tf.placeholder(tf.float32, [3])
    quad = 0.5 * tf.reduce_sum(x * tf.reshape(tf.matmul(tf.constant(A), tf.reshape(x, [3, 1])), [3]))
    h = tf.hessians(quad, x)[0]
    assert h.get_shape().as_list() == [3, 3]
    np.testing.assert_allclose(run(h, {x: [1.0, -1.0, 2.0]}), A, rtol=1e-6)
    xv = np.array([1.0, -2.0, 0.5], np.float32)
    cubic = tf.hessians(tf.reduce_sum(x * x * x), x)[0]
    np.testing.assert_allclose(run(cubic, {x: xv}), np.diag(6 * xv), rtol=1e-6)


def test_gradients_with_respect_to_variables():
    w = tf.Variable(np.array([[1.0, -1.0], [0.5, 2.0]], np.float32))
    b = tf.Variable(np.array([0.1, -0.2], np.float32))
    xin = np.array([[1.0, 2.0]], np.float32)
    loss = tf.reduce_sum(tf.square(tf.matmul(tf.constant(xin), w) + b - 1.0))
    gw, gb = run(tf.gradients(loss, [w, b]))
    resid = 2 * (xin @ np.array([[1.0, -1.0], [0.5, 2.0]]) + [0.1, -0.2] - 1.0)
    np.testing.assert_allclose(gw, xin.T @ resid, rtol=1e-6)
    np.testing.assert_allclose(gb, resid[0], rtol=1e-6)


def test_independent_xs_share_one_gradients_op(graph):
    """Variables (xs none of which is computed from another) get one vjp: one Gradients op, so the
    forward pass is traced and compiled once, not once per variable."""
    ws = [tf.Variable(np.float32(i + 1.0)) for i in range(4)]
    loss = tf.add_n([w * w for w in ws]) * tf.add_n(ws)
    grads = tf.gradients(loss, ws)
    assert [op.type for op in graph.get_operations()].count("Gradients") == 1
    s, q = 10.0, 30.0              # sum of w, sum of w^2 for w = 1..4
    np.testing.assert_allclose(run(grads), [2 * w * s + q for w in (1.0, 2.0, 3.0, 4.0)], rtol=1e-6)


def test_x_computed_from_another_x_gets_the_total_derivative(graph):
    a = tf.constant(3.0)
    b = a * a                      # b depends on a: d loss/d a goes through b as well
    loss = b * a
    ga, gb = run(tf.gradients(loss, [a, b]))
    np.testing.assert_allclose([ga, gb], [27.0, 3.0], rtol=1e-6)


def test_gradient_of_intermediate_holds_upstream_fixed():
    x = tf.constant([1.0, 2.0])
    h = tf.tanh(x)
    y = tf.reduce_sum(h * h)
    np.testing.assert_allclose(run(tf.gradients(y, h)[0]), 2 * np.tanh([1.0, 2.0]), rtol=1e-6)


def test_gradient_recomputes_random_ops_consistently():
    x = tf.placeholder(tf.float32, [1000])
    if not hasattr(tf, "random_uniform"):
        pytest.skip("random ops not available")
    mask = tf.cast(tf.random_uniform([1000], seed=1) < 0.5, tf.float32)
    y = tf.reduce_sum(x * mask)
    with tf.Session() as s:
        m, g = s.run([mask, tf.gradients(y, x)[0]], {x: np.ones(1000, np.float32)})
    np.testing.assert_array_equal(m, g)     # the gradient uses the same mask as the forward pass
