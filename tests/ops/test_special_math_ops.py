"""tf.math special functions and statistics (erfinv, ndtri, bessel_i0e/i1e/i0/i1, lbeta, betainc,
reduce_variance, reduce_std) and tf.linalg.expm against SciPy/NumPy: values, op types, gradients."""

import numpy as np
import pytest
import scipy.linalg
import scipy.special as sp

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def grad(fn, x):
    t = tf.constant(x)
    return run(tf.gradients(tf.reduce_sum(fn(t)), t))[0]


P = np.array([[0.05, 0.3, 0.5], [0.7, 0.9, 0.99]])


@pytest.mark.parametrize("api,op_type,ref,dref,x", [
    ("erfinv", "Erfinv", sp.erfinv, lambda x: np.sqrt(np.pi) / 2 * np.exp(sp.erfinv(x) ** 2), P * 2 - 1),
    ("ndtri", "Ndtri", sp.ndtri, lambda x: np.sqrt(2 * np.pi) * np.exp(sp.ndtri(x) ** 2 / 2), P),
    ("bessel_i0e", "BesselI0e", sp.i0e, lambda x: sp.i1e(x) - np.sign(x) * sp.i0e(x), P * 6 - 3),
    ("bessel_i1e", "BesselI1e", sp.i1e,
     lambda x: sp.i0e(x) - sp.i1e(x) * (np.sign(x) + 1 / x), P * 6 - 3.1),
])
def test_unary_special(api, op_type, ref, dref, x):
    fn = getattr(tf.math, api)
    y = fn(tf.constant(x))
    assert y.op.type == op_type and y.dtype == tf.float64
    np.testing.assert_allclose(run(y), ref(x), rtol=1e-10)
    np.testing.assert_allclose(grad(fn, x), dref(x), rtol=1e-8)
    np.testing.assert_allclose(run(fn(tf.constant(x, tf.float32))), ref(x), rtol=2e-5, atol=1e-6)
    with pytest.raises(TypeError):
        fn(tf.constant([1, 2]))


def test_bessel_i0_i1_composites():
    x = P * 6 - 3
    np.testing.assert_allclose(run(tf.math.bessel_i0(x)), sp.i0(x), rtol=1e-10)
    np.testing.assert_allclose(run(tf.math.bessel_i1(x)), sp.i1(x), rtol=1e-10)
    np.testing.assert_allclose(grad(tf.math.bessel_i0, x), sp.i1(x), rtol=1e-8)


def test_lbeta_values_and_gradient():
    x = np.array([[1.5, 2., 3.], [0.5, 0.5, 4.]])
    y = tf.lbeta(x)
    assert y.shape.as_list() == [2] and tf.math.lbeta is tf.lbeta
    want = np.sum(sp.gammaln(x), -1) - sp.gammaln(np.sum(x, -1))
    np.testing.assert_allclose(run(y), want, rtol=1e-12)
    np.testing.assert_allclose(grad(tf.lbeta, x), sp.digamma(x) - sp.digamma(x.sum(-1, keepdims=True)), rtol=1e-10)


def test_betainc_values_gradient_for_x_only():
    a, b, x = np.array([0.5, 2., 5.]), np.array([3., 2., 0.7]), np.array([0.2, 0.5, 0.9])
    ta, tb, tx = tf.constant(a), tf.constant(b), tf.constant(x)
    y = tf.math.betainc(ta, tb, tx)
    assert y.op.type == "Betainc"
    np.testing.assert_allclose(run(y), sp.betainc(a, b, x), rtol=1e-10)
    ga, gb, gx = run(tf.gradients(tf.reduce_sum(y), [ta, tb, tx]))
    np.testing.assert_allclose(gx, x ** (a - 1) * (1 - x) ** (b - 1) / sp.beta(a, b), rtol=1e-8)
    np.testing.assert_array_equal(ga, 0.)   # TF1: no gradient for a and b
    np.testing.assert_array_equal(gb, 0.)
    np.testing.assert_allclose(run(tf.betainc(2., 3., x)), sp.betainc(2., 3., x), rtol=1e-5)
    with pytest.raises(ValueError, match="inconsistent"):
        tf.betainc(ta, tb, tf.constant([0.1, 0.2], tf.float64))


def test_reduce_variance_and_std():
    x = np.array([[1., 2., 4.], [3., -1., 0.5]])
    t = tf.constant(x)
    v0, v1k, s_all, s1 = run([tf.math.reduce_variance(t, 0), tf.math.reduce_variance(t, 1, keepdims=True),
                              tf.math.reduce_std(t), tf.math.reduce_std(t, axis=1)])
    np.testing.assert_allclose(v0, x.var(0))
    np.testing.assert_allclose(v1k, x.var(1, keepdims=True))
    np.testing.assert_allclose(s_all, x.std())
    np.testing.assert_allclose(s1, x.std(1))
    np.testing.assert_allclose(grad(lambda u: tf.math.reduce_variance(u, 1), x),
                               2 * (x - x.mean(1, keepdims=True)) / 3)
    np.testing.assert_allclose(grad(lambda u: tf.math.reduce_std(u, 1), x),
                               (x - x.mean(1, keepdims=True)) / (3 * x.std(1, keepdims=True)))
    assert tf.math.reduce_std(t, name="sd").name.startswith("sd/")
    z = np.array([1 + 2j, -1j, 3.])
    np.testing.assert_allclose(run(tf.math.reduce_variance(tf.constant(z))), np.var(z))
    with pytest.raises(TypeError, match="real or complex"):
        tf.math.reduce_variance(tf.constant([1, 2]))


def test_l2_normalize_alias():
    assert tf.math.l2_normalize is tf.nn.l2_normalize and tf.linalg.l2_normalize is tf.nn.l2_normalize


def test_expm_values_batches_and_gradient():
    rs = np.random.RandomState(0)
    m = rs.randn(2, 3, 3) / 2
    y = tf.linalg.expm(tf.constant(m))
    assert y.op.type == "MatrixExponential" and y.op.name == "matrix_exponential"
    np.testing.assert_allclose(run(y), [scipy.linalg.expm(a) for a in m], rtol=1e-10)
    c = (rs.randn(3, 3) + 1j * rs.randn(3, 3)).astype(np.complex128) / 2
    np.testing.assert_allclose(run(tf.linalg.expm(c)), scipy.linalg.expm(c), rtol=1e-10)
    # d sum(W * expm(A)) / dA = Frechet derivative of expm at A^T in direction W
    w = rs.randn(3, 3)
    a = m[0]
    g = grad(lambda u: tf.linalg.expm(u) * w, a)
    want = scipy.linalg.expm_frechet(a.T, w, compute_expm=False)
    np.testing.assert_allclose(g, want, rtol=1e-8)
    with pytest.raises(ValueError):
        tf.linalg.expm(tf.zeros([2, 3]))
