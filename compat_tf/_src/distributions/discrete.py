"""tf.distributions Bernoulli, Categorical, Multinomial, DirichletMultinomial (TF 1.15):
parameterised by logits or probs (exactly one), formulas as TF1's."""

from compat_tf._src.distributions.distribution import NOT_REPARAMETERIZED, Distribution
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference

from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import array_ops, math_ops, nn_ops, random_ops, special_math_ops
from compat_tf._src.ops import constant as _constant

__all__ = ["Bernoulli", "Categorical", "DirichletMultinomial", "Multinomial"]


def _logits_and_probs(logits, probs, multidimensional, name):
    """TF1's get_logits_and_probs: (logits, probs) from exactly one of them."""
    if (logits is None) == (probs is None):
        raise ValueError("Must pass probs or logits, but not both.")
    with _graph.get_default_graph().name_scope(name or "get_logits_and_probs"):
        if probs is None:
            logits = _constant.convert_to_tensor(logits, name="logits")
            if not logits.dtype.is_floating:
                raise TypeError(f"logits must have a floating dtype, got {logits.dtype.name}")
            probs = nn_ops.softmax(logits, name="probs") if multidimensional else math_ops.sigmoid(logits,
                                                                                                  name="probs")
            return logits, probs
        probs = _constant.convert_to_tensor(probs, name="probs")
        if not probs.dtype.is_floating:
            raise TypeError(f"probs must have a floating dtype, got {probs.dtype.name}")
        if multidimensional:
            return math_ops.log(probs, name="logits"), probs
        return math_ops.log(probs) - math_ops.log1p(-probs), probs


class Bernoulli(Distribution):
    """Bernoulli(logits=None, probs=None, dtype=tf.int32)."""

    def __init__(self, logits=None, probs=None, dtype=_dtypes.int32, validate_args=False, allow_nan_stats=True,
                 name="Bernoulli"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, False, None)
        super().__init__(dtype, NOT_REPARAMETERIZED, validate_args, allow_nan_stats, parameters=parameters,
                         graph_parents=[self._logits, self._probs], name=scope.rstrip("/"))

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    def _batch_shape(self):
        return self._logits.shape

    def _batch_shape_tensor(self):
        return array_ops.shape(self._logits)

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], self.batch_shape_tensor()], 0)
        u = random_ops.random_uniform(shape, dtype=self._probs.dtype, seed=seed)
        return math_ops.cast(math_ops.less(u, self._probs), self.dtype)

    def _value(self, value):
        return _constant.convert_to_tensor(value, name="value")

    def _log_prob(self, event):
        event = math_ops.cast(event, self._logits.dtype)
        logits = self._logits
        if event.shape != logits.shape:     # broadcast as TF1
            logits = array_ops.ones_like(event) * logits
            event = array_ops.ones_like(logits) * event
        return -nn_ops.sigmoid_cross_entropy_with_logits(labels=event, logits=logits)

    def _entropy(self):
        return -self._logits * (math_ops.sigmoid(self._logits) - 1.0) + nn_ops.softplus(-self._logits)

    def _mean(self):
        return control_flow_ops.identity(self._probs)

    def _variance(self):
        return self._probs * (1.0 - self._probs)

    def _mode(self):
        return math_ops.cast(self._probs > 0.5, self.dtype)


class Categorical(Distribution):
    """Categorical(logits=None, probs=None, dtype=tf.int32): classes 0..K-1 over the last axis."""

    def __init__(self, logits=None, probs=None, dtype=_dtypes.int32, validate_args=False, allow_nan_stats=True,
                 name="Categorical"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, True, None)
            if self._logits.shape.ndims is not None and self._logits.shape.ndims < 1:
                raise ValueError("logits/probs must have rank at least 1")
            self._event_size = array_ops.shape(self._logits)[-1]
        super().__init__(dtype, NOT_REPARAMETERIZED, validate_args, allow_nan_stats, parameters=parameters,
                         graph_parents=[self._logits, self._probs], name=scope.rstrip("/"))

    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)
    event_size = property(lambda self: self._event_size)

    def _batch_shape(self):
        return self._logits.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._logits)[:-1]

    def _sample_n(self, n, seed=None):
        k = self._logits.shape[-1].value
        logits_2d = array_ops.reshape(self._logits, [-1, k if k is not None else self._event_size])
        draws = random_ops.multinomial(logits_2d, n, seed=seed)              # [B, n]
        draws = math_ops.cast(array_ops.transpose(draws), self.dtype)       # [n, B]
        return array_ops.reshape(draws, array_ops.concat([[n], self.batch_shape_tensor()], 0))

    def _value(self, value):
        return _constant.convert_to_tensor(value, name="value")

    def _log_prob(self, k):
        k = math_ops.cast(k, _dtypes.int32)
        logits = self._logits
        if logits.shape[:-1] != k.shape:
            ones_k = array_ops.ones_like(math_ops.cast(k, logits.dtype))
            logits = logits * ones_k[..., None]
            k = k * math_ops.cast(array_ops.ones_like(logits[..., 0]), _dtypes.int32)
        return -nn_ops.sparse_softmax_cross_entropy_with_logits(labels=k, logits=logits)

    def _entropy(self):
        return -math_ops.reduce_sum(nn_ops.log_softmax(self._logits) * self._probs, axis=-1)

    def _mode(self):
        return math_ops.cast(math_ops.argmax(self._logits, -1), self.dtype)


def _log_multinomial_coefficient(n, counts):
    return math_ops.lgamma(n + 1.0) - math_ops.reduce_sum(math_ops.lgamma(counts + 1.0), axis=-1)


class Multinomial(Distribution):
    """Multinomial(total_count, logits=None, probs=None): counts of total_count draws over K classes."""

    def __init__(self, total_count, logits=None, probs=None, validate_args=False, allow_nan_stats=True,
                 name="Multinomial"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            self._logits, self._probs = _logits_and_probs(logits, probs, True, None)
            self._total_count = _constant.convert_to_tensor(total_count, dtype=self._probs.dtype, name="total_count")
            self._mean_val = self._total_count[..., None] * self._probs
        super().__init__(self._probs.dtype.base_dtype, NOT_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=[self._total_count, self._logits, self._probs],
                         name=scope.rstrip("/"))

    total_count = property(lambda self: self._total_count)
    logits = property(lambda self: self._logits)
    probs = property(lambda self: self._probs)

    def _batch_shape(self):
        return self._mean_val.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._mean_val)[:-1]

    def _event_shape(self):
        return self._mean_val.shape[-1:]

    def _event_shape_tensor(self):
        return array_ops.shape(self._mean_val)[-1:]

    def _log_prob(self, counts):
        return (math_ops.reduce_sum(counts * nn_ops.log_softmax(self._logits), axis=-1)
                + _log_multinomial_coefficient(self._total_count, counts))

    def _mean(self):
        return control_flow_ops.identity(self._mean_val)

    def _variance(self):
        return self._mean_val * (1.0 - self._probs)

    def _covariance(self):
        p = self._probs * array_ops.ones_like(self._total_count)[..., None]
        return self._total_count[..., None, None] * (array_ops.matrix_diag(p) - p[..., :, None] * p[..., None, :])

    def _sample_n(self, n, seed=None):
        count = shape_inference.constant_value(self._total_count)
        if count is None or count.ndim != 0 or self.batch_shape.ndims is None:
            raise NotImplementedError("tf.distributions.Multinomial.sample with a run-time or per-batch "
                                      "total_count is not implemented by compat_tf")
        k = self.event_shape[0].value
        logits = array_ops.reshape(self._logits * array_ops.ones_like(self._mean_val), [-1, k])
        draws = random_ops.multinomial(logits, n * int(count), seed=seed)            # [B, n * count]
        draws = array_ops.reshape(draws, [-1, n, int(count)])
        counts = math_ops.reduce_sum(array_ops.one_hot(draws, k, dtype=self.dtype), axis=-2)   # [B, n, k]
        counts = array_ops.transpose(counts, [1, 0, 2])
        return array_ops.reshape(counts, array_ops.concat([[n], self.batch_shape_tensor(), [k]], 0))


class DirichletMultinomial(Distribution):
    """DirichletMultinomial(total_count, concentration)."""

    def __init__(self, total_count, concentration, validate_args=False, allow_nan_stats=True,
                 name="DirichletMultinomial"):
        parameters = dict(locals())
        with _graph.get_default_graph().name_scope(name) as scope:
            self._concentration = _constant.convert_to_tensor(concentration, name="concentration")
            self._total_count = _constant.convert_to_tensor(total_count, dtype=self._concentration.dtype,
                                                            name="total_count")
            self._total_concentration = math_ops.reduce_sum(self._concentration, axis=-1)
            self._mean_val = (self._total_count[..., None] * self._concentration
                              / self._total_concentration[..., None])
        super().__init__(self._concentration.dtype.base_dtype, NOT_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=[self._total_count, self._concentration],
                         name=scope.rstrip("/"))

    total_count = property(lambda self: self._total_count)
    concentration = property(lambda self: self._concentration)
    total_concentration = property(lambda self: self._total_concentration)

    def _batch_shape(self):
        return self._mean_val.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._mean_val)[:-1]

    def _event_shape(self):
        return self._mean_val.shape[-1:]

    def _event_shape_tensor(self):
        return array_ops.shape(self._mean_val)[-1:]

    def _log_prob(self, counts):
        return (special_math_ops.lbeta(self._concentration + counts) - special_math_ops.lbeta(self._concentration)
                + _log_multinomial_coefficient(self._total_count, counts))

    def _mean(self):
        return control_flow_ops.identity(self._mean_val)

    def _variance(self):
        a0 = self._total_concentration[..., None]
        n = self._total_count[..., None]
        p = self._concentration / a0
        return n * p * (1.0 - p) * (n + a0) / (1.0 + a0)


