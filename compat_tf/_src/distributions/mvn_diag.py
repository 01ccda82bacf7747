"""tf.contrib.distributions.MultivariateNormalDiag (TF 1.15): a normal over the last axis with
covariance diag(scale_diag^2) (times scale_identity_multiplier^2); the VAE tutorials' posterior."""
import math


from compat_tf._src.distributions.distribution import FULLY_REPARAMETERIZED, Distribution
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import array_ops, math_ops, random_ops
from compat_tf._src.ops import constant as _constant

__all__ = ["MultivariateNormalDiag"]


class MultivariateNormalDiag(Distribution):
    """MultivariateNormalDiag(loc=None, scale_diag=None, scale_identity_multiplier=None)."""

    def __init__(self, loc=None, scale_diag=None, scale_identity_multiplier=None, validate_args=False,
                 allow_nan_stats=True, name="MultivariateNormalDiag"):
        parameters = dict(locals())
        if loc is None and scale_diag is None:
            raise ValueError("Must specify one or both of loc, scale_diag.")
        with _graph.get_default_graph().name_scope(name) as scope:
            ref = loc if loc is not None else scale_diag
            loc = _constant.convert_to_tensor(loc if loc is not None else array_ops.zeros_like(
                _constant.convert_to_tensor(scale_diag)), name="loc")
            scale = (_constant.convert_to_tensor(scale_diag, dtype=loc.dtype, name="scale_diag")
                     if scale_diag is not None else array_ops.ones_like(loc))
            if scale_identity_multiplier is not None:
                scale = scale * _constant.convert_to_tensor(scale_identity_multiplier, dtype=loc.dtype)[..., None]
            self._loc, self._scale_diag = loc, scale
            self._full = loc + array_ops.zeros_like(scale)
        del ref
        super().__init__(loc.dtype.base_dtype, FULLY_REPARAMETERIZED, validate_args, allow_nan_stats,
                         parameters=parameters, graph_parents=[loc, scale], name=scope.rstrip("/"))

    loc = property(lambda self: self._loc)
    scale_diag = property(lambda self: self._scale_diag)

    def _batch_shape(self):
        return self._full.shape[:-1]

    def _batch_shape_tensor(self):
        return array_ops.shape(self._full)[:-1]

    def _event_shape(self):
        return self._full.shape[-1:]

    def _event_shape_tensor(self):
        return array_ops.shape(self._full)[-1:]

    def _k(self):
        return math_ops.cast(array_ops.shape(self._full)[-1], self.dtype)

    def _sample_n(self, n, seed=None):
        shape = array_ops.concat([[n], array_ops.shape(self._full)], 0)
        eps = random_ops.random_normal(shape, dtype=self.dtype, seed=seed)
        return self._loc + self._scale_diag * eps

    def _log_prob(self, x):
        z = (x - self._loc) / self._scale_diag
        return (-0.5 * math_ops.reduce_sum(math_ops.square(z), axis=-1) - 0.5 * self._k() * math.log(2.0 * math.pi)
                - math_ops.reduce_sum(math_ops.log(math_ops.abs(self._scale_diag * array_ops.ones_like(self._full))),
                                      axis=-1))

    def _entropy(self):
        log_det = math_ops.reduce_sum(math_ops.log(math_ops.abs(self._scale_diag * array_ops.ones_like(self._full))),
                                      axis=-1)
        return 0.5 * self._k() * (1.0 + math.log(2.0 * math.pi)) + log_det

    def _mean(self):
        return control_flow_ops.identity(self._full)

    _mode = _mean

    def _stddev(self):
        return math_ops.abs(self._scale_diag) * array_ops.ones_like(self._full)

    def _variance(self):
        return math_ops.square(self._scale_diag) * array_ops.ones_like(self._full)

    def _covariance(self):
        return array_ops.matrix_diag(self._variance())


