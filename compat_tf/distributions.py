"""tf.distributions (TF 1.15): the distributions compat_tf implements (compat_tf._src.distributions)."""
from compat_tf._src.distributions.discrete import Bernoulli, Categorical, DirichletMultinomial, Multinomial  # noqa: F401
from compat_tf._src.distributions.distribution import (  # noqa: F401
    FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED, Distribution, ReparameterizationType)
from compat_tf._src.distributions.gamma_family import Beta, Dirichlet, Exponential, Gamma  # noqa: F401
from compat_tf._src.distributions.kullback_leibler import RegisterKL, kl_divergence  # noqa: F401
from compat_tf._src.distributions.location_scale import Laplace, Normal, StudentT, Uniform  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.distributions")
