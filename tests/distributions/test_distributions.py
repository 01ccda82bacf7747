"""tf.distributions / tf.contrib.distributions against scipy.stats (densities, cdfs, moments,
entropies), KL closed forms against numerical integration, and sample moments."""
import numpy as np
import pytest
from scipy import integrate, special, stats

import compat_tf as tf

tfd = tf.distributions
X = np.array([0.2, 0.7, 1.5], np.float64)


def run(x):
    with tf.Session() as s:
        return s.run(x)


CASES = [
    (lambda: tfd.Normal(np.float64(0.5), np.float64(1.5)), stats.norm(0.5, 1.5), X),
    (lambda: tfd.Laplace(np.float64(0.5), np.float64(2.0)), stats.laplace(0.5, 2.0), X),
    (lambda: tfd.StudentT(np.float64(5.0), np.float64(0.5), np.float64(2.0)), stats.t(5.0, 0.5, 2.0), X),
    (lambda: tfd.Uniform(np.float64(0.0), np.float64(2.0)), stats.uniform(0.0, 2.0), X),
    (lambda: tfd.Gamma(np.float64(2.5), np.float64(1.5)), stats.gamma(2.5, scale=1 / 1.5), X),
    (lambda: tfd.Exponential(np.float64(1.5)), stats.expon(scale=1 / 1.5), X),
    (lambda: tfd.Beta(np.float64(2.0), np.float64(3.0)), stats.beta(2.0, 3.0), X / 2),
]


@pytest.mark.parametrize("make, ref, x", CASES, ids=[c[1].dist.name for c in CASES])
def test_univariate_against_scipy(make, ref, x):
    with tf.Graph().as_default():
        d = make()
        got = run([d.log_prob(x), d.prob(x), d.cdf(x), d.entropy(), d.mean(), d.variance(), d.stddev()])
    np.testing.assert_allclose(got[0], ref.logpdf(x), rtol=1e-6)
    np.testing.assert_allclose(got[1], ref.pdf(x), rtol=1e-6)
    np.testing.assert_allclose(got[2], ref.cdf(x), rtol=1e-6)
    np.testing.assert_allclose(got[3], ref.entropy(), rtol=1e-6)
    np.testing.assert_allclose(got[4], ref.mean(), rtol=1e-6)
    np.testing.assert_allclose(got[5], ref.var(), rtol=1e-6)
    np.testing.assert_allclose(got[6], ref.std(), rtol=1e-6)


def test_discrete_against_scipy():
    p = np.array([0.2, 0.5, 0.3])
    with tf.Graph().as_default():
        b = tfd.Bernoulli(probs=[0.3, 0.8])
        c = tfd.Categorical(probs=p)
        m = tfd.Multinomial(total_count=4.0, probs=p)
        dm = tfd.DirichletMultinomial(4.0, [1.0, 2.0, 3.0])
        dr = tfd.Dirichlet([1.5, 2.0, 3.0])
        got = run([b.log_prob([1, 0]), b.entropy(), b.mean(), b.variance(), b.mode(),
                   c.log_prob([0, 1, 2]), c.entropy(), c.mode(),
                   m.log_prob([1.0, 2.0, 1.0]), m.mean(), m.variance(),
                   dm.log_prob([1.0, 2.0, 1.0]), dm.mean(),
                   dr.log_prob([0.2, 0.3, 0.5]), dr.entropy(), dr.mean(), dr.variance()])
    np.testing.assert_allclose(got[0], np.log([0.3, 0.2]), rtol=1e-5)
    np.testing.assert_allclose(got[1], stats.bernoulli([0.3, 0.8]).entropy(), rtol=1e-5)
    np.testing.assert_allclose(got[2:4], [[0.3, 0.8], [0.21, 0.16]], rtol=1e-5)
    np.testing.assert_array_equal(got[4], [0, 1])
    np.testing.assert_allclose(got[5], np.log(p), rtol=1e-5)
    np.testing.assert_allclose(got[6], stats.entropy(p), rtol=1e-5)
    assert got[7] == 1
    mref = stats.multinomial(4, p)
    np.testing.assert_allclose(got[8], mref.logpmf([1, 2, 1]), rtol=1e-5)
    np.testing.assert_allclose(got[9], mref.mean(), rtol=1e-5)
    np.testing.assert_allclose(got[10], 4 * p * (1 - p), rtol=1e-5)
    a = np.array([1.0, 2.0, 3.0])
    dm_ref = (special.gammaln(5) + special.gammaln(a.sum()) - special.gammaln(4 + a.sum())
              + np.sum(special.gammaln(a + [1, 2, 1]) - special.gammaln(a) - special.gammaln(np.array([2, 3, 2]))))
    np.testing.assert_allclose(got[11], dm_ref, rtol=1e-5)
    np.testing.assert_allclose(got[12], 4 * a / a.sum(), rtol=1e-5)
    dref = stats.dirichlet([1.5, 2.0, 3.0])
    np.testing.assert_allclose(got[13], dref.logpdf([0.2, 0.3, 0.5]), rtol=1e-5)
    np.testing.assert_allclose(got[14], dref.entropy(), rtol=1e-5)
    np.testing.assert_allclose(got[15], dref.mean(), rtol=1e-5)
    np.testing.assert_allclose(got[16], dref.var(), rtol=1e-5)


def _kl_quad(p, q, lo, hi):
    return integrate.quad(lambda x: p.pdf(x) * (p.logpdf(x) - q.logpdf(x)), lo, hi)[0]


def test_kl_divergences():
    with tf.Graph().as_default():
        f64 = np.float64
        kls = run([
            tfd.kl_divergence(tfd.Normal(f64(0.5), f64(1.5)), tfd.Normal(f64(-1.0), f64(0.7))),
            tfd.kl_divergence(tfd.Gamma(f64(2.5), f64(1.5)), tfd.Gamma(f64(1.2), f64(0.5))),
            tfd.kl_divergence(tfd.Beta(f64(2.0), f64(3.0)), tfd.Beta(f64(1.5), f64(1.5))),
            tfd.kl_divergence(tfd.Dirichlet(np.array([2.0, 3.0])), tfd.Dirichlet(np.array([1.5, 1.5]))),
            tfd.kl_divergence(tfd.Bernoulli(probs=f64(0.3)), tfd.Bernoulli(probs=f64(0.6))),
            tfd.kl_divergence(tfd.Categorical(probs=[0.2, 0.8]), tfd.Categorical(probs=[0.5, 0.5])),
            tfd.kl_divergence(tfd.Exponential(f64(2.0)), tfd.Gamma(f64(1.0), f64(0.5))),   # by Gamma's MRO
            tf.contrib.distributions.kl_divergence(
                tf.contrib.distributions.MultivariateNormalDiag([0.0, 1.0], [1.0, 2.0]),
                tf.contrib.distributions.MultivariateNormalDiag([1.0, 1.0], [0.5, 1.0])),
        ])
    np.testing.assert_allclose(kls[0], _kl_quad(stats.norm(0.5, 1.5), stats.norm(-1, 0.7), -30, 30), rtol=1e-6)
    np.testing.assert_allclose(kls[1], _kl_quad(stats.gamma(2.5, scale=1 / 1.5), stats.gamma(1.2, scale=2), 0, 80),
                               rtol=1e-6)
    np.testing.assert_allclose(kls[2], _kl_quad(stats.beta(2, 3), stats.beta(1.5, 1.5), 0, 1), rtol=1e-6)
    np.testing.assert_allclose(kls[3], kls[2], rtol=1e-6)             # a 2-d Dirichlet is a Beta
    np.testing.assert_allclose(kls[4], 0.3 * np.log(0.3 / 0.6) + 0.7 * np.log(0.7 / 0.4), rtol=1e-6)
    np.testing.assert_allclose(kls[5], 0.2 * np.log(0.4) + 0.8 * np.log(1.6), rtol=1e-5)
    np.testing.assert_allclose(kls[6], _kl_quad(stats.expon(scale=0.5), stats.expon(scale=2), 0, 60), rtol=1e-6)
    mvn = sum(_kl_quad(stats.norm(m1, s1), stats.norm(m2, s2), -40, 40)
              for m1, s1, m2, s2 in [(0, 1, 1, 0.5), (1, 2, 1, 1)])
    np.testing.assert_allclose(kls[7], mvn, rtol=1e-5)


def test_kl_registry_and_errors():
    class MyNormal(tfd.Normal):
        pass
    with tf.Graph().as_default():
        with pytest.raises(NotImplementedError, match="No KL\\(distribution_a \\|\\| distribution_b\\) registered"):
            tfd.kl_divergence(tfd.Normal(0.0, 1.0), tfd.Gamma(1.0, 1.0))
        with pytest.raises(ValueError, match="has already been registered"):
            tfd.RegisterKL(tfd.Normal, tfd.Normal)(lambda a, b, name=None: 0.0)

        @tfd.RegisterKL(MyNormal, MyNormal)
        def _kl(a, b, name=None):
            return tf.constant(42.0)
        assert run(tfd.kl_divergence(MyNormal(0.0, 1.0), MyNormal(0.0, 2.0))) == 42.0
        assert run(tfd.kl_divergence(MyNormal(0.0, 1.0), tfd.Normal(0.0, 1.0))) == 0.0   # nearest: Normal's
        with pytest.raises(ValueError, match="Must pass probs or logits, but not both"):
            tfd.Bernoulli(logits=0.0, probs=0.5)
        with pytest.raises(tf.errors.InvalidArgumentError, match="Argument scale must be positive"):
            run(tfd.Normal(0.0, -1.0, validate_args=True).stddev())


def test_sampling_shapes_and_moments():
    with tf.Graph().as_default():
        tf.set_random_seed(7)
        n = tfd.Normal([0.0, 3.0], [1.0, 0.5])
        s = n.sample([400, 50])
        c = tfd.Categorical(logits=np.log([[0.1, 0.9], [0.7, 0.3]], dtype=np.float32))
        cs = c.sample(5000)
        g = tfd.Gamma(3.0, 2.0).sample(20000)
        bs = tfd.Bernoulli(probs=0.25).sample(20000)
        mv = tf.contrib.distributions.MultivariateNormalDiag([1.0, -1.0], [0.5, 2.0]).sample(20000)
        assert s.shape.as_list() == [400, 50, 2] and cs.shape.as_list() == [5000, 2] and cs.dtype == tf.int32
        sv, csv, gv, bv, mvv = run([s, cs, g, bs, mv])
    np.testing.assert_allclose(sv.reshape(-1, 2).mean(0), [0.0, 3.0], atol=0.03)
    np.testing.assert_allclose(sv.reshape(-1, 2).std(0), [1.0, 0.5], rtol=0.03)
    np.testing.assert_allclose(csv.mean(0), [0.9, 0.3], atol=0.03)
    np.testing.assert_allclose([gv.mean(), gv.var()], [1.5, 0.75], rtol=0.05)
    np.testing.assert_allclose(bv.mean(), 0.25, atol=0.02)
    np.testing.assert_allclose(mvv.mean(0), [1.0, -1.0], atol=0.05)
    np.testing.assert_allclose(mvv.std(0), [0.5, 2.0], rtol=0.03)
