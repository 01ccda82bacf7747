"""tf.distributions.kl_divergence and RegisterKL (TF 1.15 kullback_leibler.py), with the closed
forms TF1 registers: Normal, Bernoulli, Categorical, Gamma (and Exponential), Beta, Dirichlet,
Uniform, MultivariateNormalDiag.

The KL function for a pair of classes is the registered one whose classes are nearest in both
method resolution orders (TF1's rule); none registered is NotImplementedError.
"""
import inspect

from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import array_ops, math_ops, nn_ops, special_math_ops

__all__ = ["RegisterKL", "kl_divergence"]

_DIVERGENCES = {}


def _registered_kl(type_a, type_b):
    hierarchy_a, hierarchy_b = inspect.getmro(type_a), inspect.getmro(type_b)
    best, best_dist = None, None
    for i, a in enumerate(hierarchy_a):
        for j, b in enumerate(hierarchy_b):
            fn = _DIVERGENCES.get((a, b))
            if fn is not None and (best_dist is None or i + j < best_dist):
                best, best_dist = fn, i + j
    return best


def kl_divergence(distribution_a, distribution_b, allow_nan_stats=True, name=None):
    """KL(distribution_a || distribution_b) by the registered closed form."""
    fn = _registered_kl(type(distribution_a), type(distribution_b))
    if fn is None:
        raise NotImplementedError(f"No KL(distribution_a || distribution_b) registered for distribution_a type "
                                  f"{type(distribution_a).__name__} and distribution_b type "
                                  f"{type(distribution_b).__name__}")
    g = _graph.get_default_graph()
    with g.name_scope(name or "KullbackLeibler"):
        kl_t = fn(distribution_a, distribution_b, name=None)
        if allow_nan_stats:
            return control_flow_ops.identity(kl_t, name="kl")
        check = control_flow_ops.Assert(
            math_ops.logical_not(math_ops.reduce_any(math_ops.is_nan(kl_t))),
            [f"KL calculation between {distribution_a.name} and {distribution_b.name} returned NaN values (and "
             "was called with allow_nan_stats=False). Values:", kl_t])
        with g.control_dependencies([check]):
            return control_flow_ops.identity(kl_t, name="checked_kl")


class RegisterKL:
    """Decorator registering `kl_fn(a, b, name=None)` for (dist_cls_a, dist_cls_b)."""

    def __init__(self, dist_cls_a, dist_cls_b):
        self._key = (dist_cls_a, dist_cls_b)

    def __call__(self, kl_fn):
        if not callable(kl_fn):
            raise TypeError(f"kl_fn must be callable, received: {kl_fn}")
        if self._key in _DIVERGENCES:
            raise ValueError(f"KL({self._key[0].__name__} || {self._key[1].__name__}) has already been registered "
                             f"to: {_DIVERGENCES[self._key]}")
        _DIVERGENCES[self._key] = kl_fn
        return kl_fn


def _register_builtin():
    from compat_tf._src.distributions.discrete import Bernoulli, Categorical
    from compat_tf._src.distributions.gamma_family import Beta, Dirichlet, Gamma
    from compat_tf._src.distributions.location_scale import Normal, Uniform
    from compat_tf._src.distributions.mvn_diag import MultivariateNormalDiag

    @RegisterKL(Normal, Normal)
    def _kl_normal_normal(a, b, name=None):
        diff_log_scale = math_ops.log(a.scale) - math_ops.log(b.scale)
        return (0.5 * math_ops.squared_difference(a.loc / b.scale, b.loc / b.scale)
                + 0.5 * math_ops.expm1(2.0 * diff_log_scale) - diff_log_scale)

    @RegisterKL(Bernoulli, Bernoulli)
    def _kl_bernoulli_bernoulli(a, b, name=None):
        delta_probs0 = nn_ops.softplus(-b.logits) - nn_ops.softplus(-a.logits)
        delta_probs1 = nn_ops.softplus(b.logits) - nn_ops.softplus(a.logits)
        return math_ops.sigmoid(a.logits) * delta_probs0 + math_ops.sigmoid(-a.logits) * delta_probs1

    @RegisterKL(Categorical, Categorical)
    def _kl_categorical_categorical(a, b, name=None):
        return math_ops.reduce_sum(nn_ops.softmax(a.logits) * (nn_ops.log_softmax(a.logits)
                                                                - nn_ops.log_softmax(b.logits)), axis=-1)

    @RegisterKL(Gamma, Gamma)
    def _kl_gamma_gamma(a, b, name=None):
        return ((a.concentration - b.concentration) * math_ops.digamma(a.concentration)
                + math_ops.lgamma(b.concentration) - math_ops.lgamma(a.concentration)
                + b.concentration * math_ops.log(a.rate) - b.concentration * math_ops.log(b.rate)
                + a.concentration * (b.rate / a.rate - 1.0))

    @RegisterKL(Beta, Beta)
    def _kl_beta_beta(a, b, name=None):
        return (b._log_normalization() - a._log_normalization()
                - math_ops.digamma(a.concentration1) * (b.concentration1 - a.concentration1)
                - math_ops.digamma(a.concentration0) * (b.concentration0 - a.concentration0)
                + math_ops.digamma(a.total_concentration) * (b.total_concentration - a.total_concentration))

    @RegisterKL(Dirichlet, Dirichlet)
    def _kl_dirichlet_dirichlet(a, b, name=None):
        digamma_sum = math_ops.digamma(math_ops.reduce_sum(a.concentration, axis=-1, keepdims=True))
        digamma_diff = math_ops.digamma(a.concentration) - digamma_sum
        return (math_ops.reduce_sum((a.concentration - b.concentration) * digamma_diff, axis=-1)
                - special_math_ops.lbeta(a.concentration) + special_math_ops.lbeta(b.concentration))

    @RegisterKL(Uniform, Uniform)
    def _kl_uniform_uniform(a, b, name=None):
        inside = math_ops.logical_and(b.low <= a.low, a.high <= b.high)
        kl = math_ops.log(b.high - b.low) - math_ops.log(a.high - a.low)
        return array_ops.where(inside, kl, kl * 0.0 + float("inf"))

    @RegisterKL(MultivariateNormalDiag, MultivariateNormalDiag)
    def _kl_mvn_diag(a, b, name=None):
        ratio = math_ops.square(a.stddev() / b.stddev())
        diff = math_ops.square((b.mean() - a.mean()) / b.stddev())
        return 0.5 * math_ops.reduce_sum(ratio + diff - 1.0 - math_ops.log(ratio), axis=-1)


_register_builtin()
