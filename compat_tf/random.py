"""tf.random: the public names (defined in compat_tf._src)."""

from compat_tf._src.ops.random_ops import (  # noqa: F401
    categorical, get_seed, multinomial, random_crop, random_gamma, random_normal, random_poisson,
    random_shuffle, random_uniform, set_random_seed, stateless_categorical, stateless_multinomial,
    stateless_random_normal, stateless_random_uniform, stateless_truncated_normal, truncated_normal)

# TF 1.15's tf.random names (v1 signatures: tf.random.poisson is (lam, shape))
normal = random_normal
uniform = random_uniform
shuffle = random_shuffle
gamma = random_gamma
poisson = random_poisson
stateless_normal = stateless_random_normal
stateless_uniform = stateless_random_uniform
del random_normal, random_uniform, random_shuffle, random_gamma, random_poisson, random_crop
del stateless_random_normal, stateless_random_uniform

from compat_tf._src.ops.candidate_sampling_ops import (  # noqa: E402,F401
    log_uniform_candidate_sampler, uniform_candidate_sampler)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.random")
