"""tf.distributions Gamma, Exponential, Beta, Dirichlet (TF 1.15): formulas as TF1's; samples
from tf.random_gamma (Beta and Dirichlet as normalised gammas)."""
import numpy as np

from compat_tf._src.distributions import distribution as _d
from compat_tf._src.distributions.distribution import FULLY_REPARAMETERIZED, Distribution
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops, math_ops, random_ops, special_math_ops
from compat_tf._src.ops import constant as _constant

__all__ = ["Beta", "Dirichlet", "Exponential", "Gamma"]


class Gamma(Distribution):
    """Gamma(concentration, rate): density rate^a x^(a-1) exp(-rate x) / Gamma(a)."""

    def __init__(self, concentration, rate, validate_args=False, allow_nan_stats=True, name="Gamma"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            c, r = _d.convert_params([concentration, rate], ["concentration", "rate"])
            self._concentration, self._rate = _d.with_positivity_checks(validate_args, [c, r],
                                                                       ["concentration", "rate"])
        super().__init__(c.dtype.base_dtype, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=[c, r], name=scope.rstrip("/"))

    concentration = property(lambda self: self._concentration)
    rate = property(lambda self: self._rate)

    def _batch_shape(self):
        return _d.static_broadcast(self._concentration, self._rate)

    def _batch_shape_tensor(self):
        return _d.dynamic_broadcast(self._concentration, self._rate)

    def _sample_n(self, n, seed=None):
        return random_ops.random_gamma([n], self._concentration, beta=self._rate, dtype=self.dtype, seed=seed)

    def _log_prob(self, x):
        a, b = self._concentration, self._rate
        return math_ops.xlogy(a - 1.0, x) - b * x + a * math_ops.log(b) - math_ops.lgamma(a)

    def _cdf(self, x):
        return math_ops.igamma(self._concentration, self._rate * x)

    def _entropy(self):
        a, b = self._concentration, self._rate
        return a - math_ops.log(b) + math_ops.lgamma(a) + (1.0 - a) * math_ops.digamma(a)

    def _mean(self):
        return self._concentration / self._rate

    def _variance(self):
        return self._concentration / math_ops.square(self._rate)

    def _mode(self):
        mode = (self._concentration - 1.0) / self._rate
        return self._nan_or_raise(mode, self._concentration * array_ops.ones_like(mode) < 1.0,
                                  "mode not defined when any concentration <= 1")


class Exponential(Gamma):
    """Exponential(rate) = Gamma(1, rate); samples -log(U) / rate."""

    def __init__(self, rate, validate_args=False, allow_nan_stats=True, name="Exponential"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            rate = _constant.convert_to_tensor(rate, name="rate")
        super().__init__(array_ops.ones_like(rate), rate, validate_args, allow_nan_stats, name=scope.rstrip("/"))
        self._parameters = {k: v for k, v in parameters.items() if k != "self"}

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], array_ops.shape(self._rate)], 0)
        tiny = np.finfo(self.dtype.as_numpy_dtype).tiny
        u = random_ops.random_uniform(shape, minval=tiny, maxval=1.0, dtype=self.dtype, seed=seed)
        return -math_ops.log(u) / self._rate


def _lbeta2(a, b):
    return math_ops.lgamma(a) + math_ops.lgamma(b) - math_ops.lgamma(a + b)


class Beta(Distribution):
    """Beta(concentration1, concentration0) on (0, 1)."""

    def __init__(self, concentration1=None, concentration0=None, validate_args=False, allow_nan_stats=True,
                 name="Beta"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            c1, c0 = _d.convert_params([concentration1, concentration0], ["concentration1", "concentration0"])
            self._concentration1, self._concentration0 = _d.with_positivity_checks(
                validate_args, [c1, c0], ["concentration1", "concentration0"])
            self._total_concentration = self._concentration1 + self._concentration0
        super().__init__(c1.dtype.base_dtype, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=[c1, c0], name=scope.rstrip("/"))

    concentration1 = property(lambda self: self._concentration1)
    concentration0 = property(lambda self: self._concentration0)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape(self):
        return self._total_concentration.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._total_concentration)

    def _log_normalization(self):
        return _lbeta2(self._concentration1, self._concentration0)

    def _sample_n(self, n, seed=None):
        ones = array_ops.ones_like(self._total_concentration)
        g1 = random_ops.random_gamma([n], self._concentration1 * ones, dtype=self.dtype, seed=seed)
        g0 = random_ops.random_gamma([n], self._concentration0 * ones, dtype=self.dtype,
                                     seed=None if seed is None else seed + 1)
        return g1 / (g1 + g0)

    def _log_prob(self, x):
        a, b = self._concentration1, self._concentration0
        return math_ops.xlogy(a - 1.0, x) + (b - 1.0) * math_ops.log1p(-x) - self._log_normalization()

    def _cdf(self, x):
        ones = array_ops.ones_like(self._total_concentration) * array_ops.ones_like(x)
        return special_math_ops.betainc(self._concentration1 * ones, self._concentration0 * ones, x * ones)

    def _entropy(self):
        a, b, t = self._concentration1, self._concentration0, self._total_concentration
        return (self._log_normalization() - (a - 1.0) * math_ops.digamma(a) - (b - 1.0) * math_ops.digamma(b)
                + (t - 2.0) * math_ops.digamma(t))

    def _mean(self):
        return self._concentration1 / self._total_concentration

    def _variance(self):
        t = self._total_concentration
        return self._concentration1 * self._concentration0 / (math_ops.square(t) * (t + 1.0))

    def _mode(self):
        mode = (self._concentration1 - 1.0) / (self._total_concentration - 2.0)
        bad = math_ops.logical_or(self._concentration1 <= 1.0, self._concentration0 <= 1.0)
        return self._nan_or_raise(mode, bad, "Mode undefined for concentration1 <= 1 or concentration0 <= 1.")


class Dirichlet(Distribution):
    """Dirichlet(concentration) over the simplex of the last axis."""

    def __init__(self, concentration, validate_args=False, allow_nan_stats=True, name="Dirichlet"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            c = _constant.convert_to_tensor(concentration, name="concentration")
            (self._concentration,) = _d.with_positivity_checks(validate_args, [c], ["concentration"])
            self._total_concentration = math_ops.reduce_sum(self._concentration, axis=-1)
        super().__init__(c.dtype.base_dtype, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=[c], name=scope.rstrip("/"))

    concentration = property(lambda self: self._concentration)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape(self):
        return self._concentration.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._concentration)[:-1]

    def _event_shape(self):
        return self._concentration.shape[-1:]

    def _event_shape_tensor(self):
        return array_ops.shape(self._concentration)[-1:]

    def _sample_n(self, n, seed=None):
        g = random_ops.random_gamma([n], self._concentration, dtype=self.dtype, seed=seed)
        return g / math_ops.reduce_sum(g, axis=-1, keepdims=True)

    def _log_prob(self, x):
        return (math_ops.reduce_sum(math_ops.xlogy(self._concentration - 1.0, x), axis=-1)
                - special_math_ops.lbeta(self._concentration))

    def _entropy(self):
        k = math_ops.cast(array_ops.shape(self._concentration)[-1], self.dtype)
        t = self._total_concentration
        return (special_math_ops.lbeta(self._concentration) + (t - k) * math_ops.digamma(t)
                - math_ops.reduce_sum((self._concentration - 1.0) * math_ops.digamma(self._concentration), axis=-1))

    def _mean(self):
        return self._concentration / self._total_concentration[..., None]

    def _variance(self):
        t = self._total_concentration[..., None]
        m = self._concentration / t
        return m * (1.0 - m) / (t + 1.0)

    def _covariance(self):
        t = self._total_concentration[..., None, None]
        m = self._concentration / self._total_concentration[..., None]
        return (array_ops.matrix_diag(m) - m[..., :, None] * m[..., None, :]) / (t + 1.0)

    def _mode(self):
        k = math_ops.cast(array_ops.shape(self._concentration)[-1], self.dtype)
        mode = (self._concentration - 1.0) / (self._total_concentration[..., None] - k)
        bad = math_ops.reduce_any(self._concentration <= 1.0, axis=-1, keepdims=True) & (mode == mode)
        return self._nan_or_raise(mode, bad, "Mode undefined when any concentration <= 1")
