"""tf.contrib.distributions: tf.distributions plus MultivariateNormalDiag; the rest (bijectors,
TransformedDistribution, mixtures, ...) raise UnimplementedSymbolError."""
from compat_tf.distributions import (  # noqa: F401
    FULLY_REPARAMETERIZED, NOT_REPARAMETERIZED, Bernoulli, Beta, Categorical, Dirichlet, DirichletMultinomial,
    Distribution, Exponential, Gamma, Laplace, Multinomial, Normal, RegisterKL, ReparameterizationType, StudentT,
    Uniform, kl_divergence)
from compat_tf._src.distributions.mvn_diag import MultivariateNormalDiag  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook  # noqa: E402

__getattr__ = missing_attr_hook("tf.contrib.distributions")
