"""tf.distributions Normal, Laplace, StudentT (TF 1.15 normal.py, laplace.py, student_t.py) and
Uniform (uniform.py): formulas as TF1's, samples by reparameterization."""
import math

import numpy as np

from compat_tf._src.distributions import distribution as _d
from compat_tf._src.distributions.distribution import FULLY_REPARAMETERIZED, Distribution
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops, math_ops, random_ops, special_math_ops

__all__ = ["Laplace", "Normal", "StudentT", "Uniform"]


def _ndtr(z):
    return 0.5 * math_ops.erfc(-z / math.sqrt(2.0))


class _LocScale(Distribution):
    _PARAMS = ("loc", "scale")

    def __init__(self, values, validate_args, allow_nan_stats, name, parameters, positive=("scale",)):
        with _graph.get_default_graph().name_scope(name) as scope:
            tensors = _d.convert_params(values, self._PARAMS)
            tensors = [t if n not in positive else _d.with_positivity_checks(validate_args, [t], [n])[0]
                       for t, n in zip(tensors, self._PARAMS)]
            for n, t in zip(self._PARAMS, tensors):
                setattr(self, "_" + n, t)
        super().__init__(tensors[0].dtype.base_dtype, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=tensors, name=scope.rstrip("/"))

    loc = property(lambda self: self._loc)
    scale = property(lambda self: self._scale)

    def _params(self):
        return [getattr(self, "_" + n) for n in self._PARAMS]

    def _batch_shape(self):
        return _d.static_broadcast(*self._params())

    def _batch_shape_tensor(self):
        return _d.dynamic_broadcast(*self._params())

    def _sample_shape(self, n):
        return array_ops.concat([[n], self.batch_shape_tensor()], 0)

    def _z(self, x):
        return (x - self._loc) / self._scale


class Normal(_LocScale):
    """Normal(loc, scale)."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Normal"):
        super().__init__([loc, scale], validate_args, allow_nan_stats, name, dict(locals()))

    def _sample_n(self, n, seed=None):
        eps = random_ops.random_normal(self._sample_shape(n), dtype=self.dtype, seed=seed)
        return eps * self._scale + self._loc

    def _log_prob(self, x):
        z = self._z(x)
        return -0.5 * math_ops.square(z) - (0.5 * math.log(2.0 * math.pi) + math_ops.log(self._scale))

    def _cdf(self, x):
        return _ndtr(self._z(x))

    def _log_cdf(self, x):
        return math_ops.log(_ndtr(self._z(x)))

    def _survival_function(self, x):
        return _ndtr(-self._z(x))

    def _quantile(self, p):
        return self._loc + self._scale * special_math_ops.ndtri(p)

    def _entropy(self):
        scale = self._scale * array_ops.ones_like(self._loc)
        return 0.5 * math.log(2.0 * math.pi * math.e) + math_ops.log(scale)

    def _mean(self):
        return self._loc * array_ops.ones_like(self._scale)

    _mode = _mean

    def _stddev(self):
        return self._scale * array_ops.ones_like(self._loc)


class Laplace(_LocScale):
    """Laplace(loc, scale): density exp(-|x - loc| / scale) / (2 scale)."""

    def __init__(self, loc, scale, validate_args=False, allow_nan_stats=True, name="Laplace"):
        super().__init__([loc, scale], validate_args, allow_nan_stats, name, dict(locals()))

    def _sample_n(self, n, seed=None):
        np_dtype = self.dtype.as_numpy_dtype
        tiny = np.finfo(np_dtype).tiny
        u = random_ops.random_uniform(self._sample_shape(n), minval=np.nextafter(np_dtype(-1.0), np_dtype(0.0)),
                                      maxval=1.0, dtype=self.dtype, seed=seed)
        scaled = math_ops.log(math_ops.maximum(1.0 - math_ops.abs(u), tiny))
        return self._loc - self._scale * math_ops.sign(u) * scaled

    def _log_prob(self, x):
        return -math.log(2.0) - math_ops.log(self._scale) - math_ops.abs(self._z(x))

    def _cdf(self, x):
        z = self._z(x)
        return 0.5 - 0.5 * math_ops.sign(z) * math_ops.expm1(-math_ops.abs(z))

    def _entropy(self):
        return math.log(2.0) + 1.0 + math_ops.log(self._scale * array_ops.ones_like(self._loc))

    def _mean(self):
        return self._loc * array_ops.ones_like(self._scale)

    _mode = _mean

    def _stddev(self):
        return math.sqrt(2.0) * self._scale * array_ops.ones_like(self._loc)


class StudentT(_LocScale):
    """StudentT(df, loc, scale)."""
    _PARAMS = ("df", "loc", "scale")

    def __init__(self, df, loc, scale, validate_args=False, allow_nan_stats=True, name="StudentT"):
        super().__init__([df, loc, scale], validate_args, allow_nan_stats, name, dict(locals()),
                         positive=("df",))

    df = property(lambda self: self._df)

    def _sample_n(self, n, seed=None):
        shape = self._sample_shape(n)
        normal = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        df = self._df * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        gamma = random_ops.random_gamma([n], 0.5 * df, beta=0.5, dtype=self.dtype,
                                        seed=None if seed is None else seed + 1)
        return normal * math_ops.rsqrt(gamma / df) * self._scale + self._loc

    def _log_prob(self, x):
        y = self._z(x)
        log_unnormalized = -0.5 * (self._df + 1.0) * math_ops.log1p(math_ops.square(y) / self._df)
        log_normalization = (math_ops.log(math_ops.abs(self._scale)) + 0.5 * math_ops.log(self._df)
                             + 0.5 * math.log(math.pi) + math_ops.lgamma(0.5 * self._df)
                             - math_ops.lgamma(0.5 * (self._df + 1.0)))
        return log_unnormalized - log_normalization

    def _cdf(self, x):
        y = self._z(x)
        x_t = self._df / (math_ops.square(y) + self._df)
        neg_cdf = 0.5 * special_math_ops.betainc(0.5 * self._df, 0.5 * array_ops.ones_like(x_t), x_t)
        return array_ops.where(y < 0.0, neg_cdf, 1.0 - neg_cdf)

    def _entropy(self):
        df = self._df * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        lbeta = math_ops.lgamma(0.5 * df) + math.lgamma(0.5) - math_ops.lgamma(0.5 * df + 0.5)
        return (math_ops.log(math_ops.abs(self._scale)) + 0.5 * math_ops.log(df) + lbeta
                + 0.5 * (df + 1.0) * (math_ops.digamma(0.5 * (df + 1.0)) - math_ops.digamma(0.5 * df)))

    def _mean(self):
        mean = self._loc * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        return self._nan_or_raise(mean, self._df * array_ops.ones_like(mean) <= 1.0,
                                  "mean not defined for components of df <= 1")

    def _mode(self):
        return self._loc * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)

    def _variance(self):
        df = self._df * array_ops.ones(self.batch_shape_tensor(), dtype=self.dtype)
        denom = array_ops.where(df > 2.0, df - 2.0, array_ops.ones_like(df))
        var = math_ops.square(self._scale) * array_ops.ones_like(df) * df / denom
        inf = np.inf * array_ops.ones_like(var)
        var = array_ops.where(df > 2.0, var, inf)
        return self._nan_or_raise(var, df <= 1.0, "variance not defined for components of df <= 1")


class Uniform(Distribution):
    """Uniform(low=0, high=1) on [low, high)."""

    def __init__(self, low=0.0, high=1.0, validate_args=False, allow_nan_stats=True, name="Uniform"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            self._low, self._high = _d.convert_params([low, high], ["low", "high"])
            if validate_args:
                from compat_tf._src.ops import check_ops, control_flow_ops
                check = check_ops.assert_less(self._low, self._high,
                                              message="uniform not defined when low >= high.")
                with _graph.get_default_graph().control_dependencies([check]):
                    self._low = control_flow_ops.identity(self._low)
                    self._high = control_flow_ops.identity(self._high)
        super().__init__(self._low.dtype.base_dtype, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=[self._low, self._high], name=scope.rstrip("/"))

    low = property(lambda self: self._low)
    high = property(lambda self: self._high)

    def range(self, name="range"):
        with self._name_scope(name):
            return self._high - self._low

    def _batch_shape(self):
        return _d.static_broadcast(self._low, self._high)

    def _batch_shape_tensor(self):
        return _d.dynamic_broadcast(self._low, self._high)

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        u = random_ops.random_uniform(shape, dtype=self.dtype, seed=seed)
        return self._low + (self._high - self._low) * u

    def _prob(self, x):
        rng = self._high - self._low
        bx = x * array_ops.ones_like(rng)
        inside = math_ops.logical_or(bx < self._low, bx >= self._high)
        p = array_ops.where(inside, array_ops.zeros_like(bx), array_ops.ones_like(bx) / rng)
        return array_ops.where(math_ops.is_nan(bx), bx, p)

    def _cdf(self, x):
        rng = self._high - self._low
        bx = x * array_ops.ones_like(rng)
        return math_ops.minimum(math_ops.maximum((bx - self._low) / rng, 0.0), 1.0)

    def _entropy(self):
        return math_ops.log(self._high - self._low)

    def _mean(self):
        return (self._low + self._high) / 2.0

    def _variance(self):
        return math_ops.square(self._high - self._low) / 12.0

    def _stddev(self):
        return (self._high - self._low) / math.sqrt(12.0)
