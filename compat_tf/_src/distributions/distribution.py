"""tf.distributions.Distribution (TF 1.15 distribution.py): the base class.

A distribution holds its parameters as tensors; each public method opens the name scope
"<distribution name>/<method>" and calls the subclass's `_method`: `sample(sample_shape)` draws
`_sample_n(n)` and reshapes to sample_shape + batch_shape + event_shape; log_prob/prob,
cdf/log_cdf, survival_function fall back on each other (exp/log) as TF1's; stddev and variance
on each other. A statistic a subclass does not define raises NotImplementedError naming it.
Random numbers follow TF1's seeding rules, not its bit streams.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework import shape_inference
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import array_ops, math_ops
from compat_tf._src.ops import constant as _constant

__all__ = ["Distribution", "FULLY_REPARAMETERIZED", "NOT_REPARAMETERIZED", "ReparameterizationType"]


class ReparameterizationType:
    """Whether samples are differentiable functions of the parameters."""

    def __init__(self, rep_type):
        self._rep_type = rep_type

    def __repr__(self):
        return f"<Reparameteriation Type: {self._rep_type}>"

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


FULLY_REPARAMETERIZED = ReparameterizationType("FULLY_REPARAMETERIZED")
NOT_REPARAMETERIZED = ReparameterizationType("NOT_REPARAMETERIZED")


def _g():
    return _graph.get_default_graph()


def convert_params(values, names, dtype=None):
    """The parameters as tensors of one float dtype (TF1: ValueError/TypeError on a mismatch)."""
    tensors = []
    for v, n in zip(values, names):
        t = _constant.convert_to_tensor(v, dtype=dtype, name=n)
        tensors.append(t)
        dtype = dtype or t.dtype.base_dtype
    for t, n in zip(tensors, names):
        if t.dtype.base_dtype != tensors[0].dtype.base_dtype:
            raise TypeError(f"{names[0]} and {n} must have the same dtype: {tensors[0].dtype.name} vs "
                            f"{t.dtype.name}")
    return tensors


def static_broadcast(*tensors):
    shape = _ts.TensorShape([])
    for t in tensors:
        shape = array_ops.broadcast_static_shape(shape, t.shape)
    return shape


def dynamic_broadcast(*tensors):
    shape = array_ops.shape(tensors[0])
    for t in tensors[1:]:
        shape = array_ops.broadcast_dynamic_shape(shape, array_ops.shape(t))
    return shape


def with_positivity_checks(validate_args, tensors, names):
    """`tensors` behind assert_positive checks when validate_args (TF1's validate_args=True)."""
    if not validate_args:
        return tensors
    from compat_tf._src.ops import check_ops
    checks = [check_ops.assert_positive(t, message=f"Argument {n} must be positive.") for t, n in zip(tensors, names)]
    with _g().control_dependencies(checks):
        return [control_flow_ops.identity(t) for t in tensors]


class Distribution:
    """TF1's tf.distributions.Distribution."""

    def __init__(self, dtype, reparameterization_type, validate_args, allow_nan_stats, parameters=None,
                 graph_parents=None, name=None):
        self._dtype = _dtypes.as_dtype(dtype) if dtype is not None else None
        self._reparameterization_type = reparameterization_type
        self._allow_nan_stats = allow_nan_stats
        self._validate_args = validate_args
        self._parameters = {k: v for k, v in (parameters or {}).items() if k not in ("self", "__class__")}
        self._graph_parents = list(graph_parents or [])
        self._name = name or type(self).__name__

    # -- properties ----------------------------------------------------------------------
    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    parameters = property(lambda self: dict(self._parameters))
    reparameterization_type = property(lambda self: self._reparameterization_type)
    allow_nan_stats = property(lambda self: self._allow_nan_stats)
    validate_args = property(lambda self: self._validate_args)

    @property
    def batch_shape(self):
        return _ts.as_shape(self._batch_shape())

    @property
    def event_shape(self):
        return _ts.as_shape(self._event_shape())

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        with self._name_scope(name):
            if self.batch_shape.is_fully_defined():
                return _constant.constant(self.batch_shape.as_list(), _dtypes.int32, name="batch_shape")
            return self._batch_shape_tensor()

    def event_shape_tensor(self, name="event_shape_tensor"):
        with self._name_scope(name):
            if self.event_shape.is_fully_defined():
                return _constant.constant(self.event_shape.as_list(), _dtypes.int32, name="event_shape")
            return self._event_shape_tensor()

    def _event_shape(self):
        return _ts.TensorShape([])

    def _event_shape_tensor(self):
        return _constant.constant([], _dtypes.int32)

    def is_scalar_event(self, name="is_scalar_event"):
        return _constant.constant(self.event_shape.ndims == 0, name=name)

    def is_scalar_batch(self, name="is_scalar_batch"):
        return _constant.constant(self.batch_shape.ndims == 0, name=name)

    def _name_scope(self, name):
        return _NameScope(self.name, name)

    # -- sampling --------------------------------------------------------------------------
    def sample(self, sample_shape=(), seed=None, name="sample"):
        with self._name_scope(name):
            sample_shape = _constant.convert_to_tensor(sample_shape, _dtypes.int32, name="sample_shape")
            static = shape_inference.constant_value(sample_shape)
            if sample_shape.shape.ndims == 0:
                sample_shape = array_ops.reshape(sample_shape, [1])
                static = None if static is None else np.reshape(static, [1])
            n = math_ops.reduce_prod(sample_shape)
            samples = self._sample_n(n, seed)
            final = array_ops.concat([sample_shape, array_ops.shape(samples)[1:]], 0)
            samples = array_ops.reshape(samples, final)
            head = _ts.TensorShape(None if static is None else [int(d) for d in static])
            samples.set_shape(head.concatenate(self.batch_shape).concatenate(self.event_shape))
            return samples

    def _sample_n(self, n, seed=None):
        raise NotImplementedError(f"sample is not implemented: {type(self).__name__}")

    # -- densities ---------------------------------------------------------------------------
    def _value(self, value):
        return _constant.convert_to_tensor(value, dtype=self.dtype, name="value")

    def log_prob(self, value, name="log_prob"):
        with self._name_scope(name):
            value = self._value(value)
            if type(self)._log_prob is not Distribution._log_prob:
                return self._log_prob(value)
            return math_ops.log(self._prob(value))

    def prob(self, value, name="prob"):
        with self._name_scope(name):
            value = self._value(value)
            if type(self)._prob is not Distribution._prob:
                return self._prob(value)
            return math_ops.exp(self._log_prob(value))

    def cdf(self, value, name="cdf"):
        with self._name_scope(name):
            value = self._value(value)
            if type(self)._cdf is not Distribution._cdf:
                return self._cdf(value)
            return math_ops.exp(self._log_cdf(value))

    def log_cdf(self, value, name="log_cdf"):
        with self._name_scope(name):
            value = self._value(value)
            if type(self)._log_cdf is not Distribution._log_cdf:
                return self._log_cdf(value)
            return math_ops.log(self._cdf(value))

    def survival_function(self, value, name="survival_function"):
        with self._name_scope(name):
            value = self._value(value)
            if type(self)._survival_function is not Distribution._survival_function:
                return self._survival_function(value)
            return 1.0 - self._cdf(value)

    def log_survival_function(self, value, name="log_survival_function"):
        with self._name_scope(name):
            return math_ops.log(self.survival_function(value))

    def quantile(self, value, name="quantile"):
        with self._name_scope(name):
            return self._quantile(self._value(value))

    def _log_prob(self, value):
        raise NotImplementedError(f"log_prob is not implemented: {type(self).__name__}")

    def _prob(self, value):
        raise NotImplementedError(f"prob is not implemented: {type(self).__name__}")

    def _cdf(self, value):
        raise NotImplementedError(f"cdf is not implemented: {type(self).__name__}")

    def _log_cdf(self, value):
        raise NotImplementedError(f"log_cdf is not implemented: {type(self).__name__}")

    def _survival_function(self, value):
        return 1.0 - self.cdf(value)

    def _quantile(self, value):
        raise NotImplementedError(f"quantile is not implemented: {type(self).__name__}")

    # -- statistics ----------------------------------------------------------------------------
    def _stat(self, method, name):
        with self._name_scope(name):
            return getattr(self, method)()

    def entropy(self, name="entropy"):
        return self._stat("_entropy", name)

    def mean(self, name="mean"):
        return self._stat("_mean", name)

    def mode(self, name="mode"):
        return self._stat("_mode", name)

    def covariance(self, name="covariance"):
        return self._stat("_covariance", name)

    def variance(self, name="variance"):
        with self._name_scope(name):
            if type(self)._variance is not Distribution._variance:
                return self._variance()
            return math_ops.square(self._stddev())

    def stddev(self, name="stddev"):
        with self._name_scope(name):
            if type(self)._stddev is not Distribution._stddev:
                return self._stddev()
            return math_ops.sqrt(self._variance())

    def _missing(self, what):
        raise NotImplementedError(f"{what} is not implemented: {type(self).__name__}")

    def _entropy(self):
        self._missing("entropy")

    def _mean(self):
        self._missing("mean")

    def _mode(self):
        self._missing("mode")

    def _covariance(self):
        self._missing("covariance")

    def _variance(self):
        self._missing("variance")

    def _stddev(self):
        self._missing("stddev")

    def cross_entropy(self, other, name="cross_entropy"):
        """H(self, other) = entropy(self) + KL(self || other)."""
        from compat_tf._src.distributions import kullback_leibler
        with self._name_scope(name):
            return self._entropy() + kullback_leibler.kl_divergence(self, other)

    def kl_divergence(self, other, name="kl_divergence"):
        from compat_tf._src.distributions import kullback_leibler
        with self._name_scope(name):
            return kullback_leibler.kl_divergence(self, other)

    def copy(self, **override_parameters_kwargs):
        parameters = dict(self.parameters, **override_parameters_kwargs)
        return type(self)(**parameters)

    def _nan_or_raise(self, value, bad, message):
        """`value` with NaN where `bad` (allow_nan_stats) or an assertion that nothing is bad."""
        if self._allow_nan_stats:
            nan = _constant.constant(np.nan, dtype=value.dtype)
            return array_ops.where(bad, nan * array_ops.ones_like(value), value)
        from compat_tf._src.ops import check_ops
        check = check_ops.assert_equal(math_ops.reduce_any(bad), False, message=message)
        with _g().control_dependencies([check]):
            return control_flow_ops.identity(value)

    def __str__(self):
        return (f"tf.distributions.{type(self).__name__}(\"{self.name}\", batch_shape={self.batch_shape}, "
                f"event_shape={self.event_shape}, dtype={self.dtype.name})")

    def __repr__(self):
        return (f"<tf.distributions.{type(self).__name__} '{self.name}' batch_shape={self.batch_shape} "
                f"event_shape={self.event_shape} dtype={self.dtype.name}>")


class _NameScope:
    """name_scope(distribution name) then name_scope(method name), as TF1's _name_scope."""

    def __init__(self, outer, inner):
        self._outer, self._inner = outer, inner

    def __enter__(self):
        g = _g()
        self._a = g.name_scope(self._outer)
        self._a.__enter__()
        self._b = g.name_scope(self._inner)
        return self._b.__enter__()

    def __exit__(self, *exc):
        self._b.__exit__(*exc)
        return self._a.__exit__(*exc)
