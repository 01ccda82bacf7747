"""tf.keras.initializers (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.initializers import (  # noqa: F401
    Constant, Identity, Initializer, Ones, Orthogonal, RandomNormal, RandomUniform, TruncatedNormal,
    VarianceScaling, Zeros, constant, deserialize, get, glorot_normal, glorot_uniform, he_normal, he_uniform,
    identity, lecun_normal, lecun_uniform, normal, ones, orthogonal, random_normal, random_uniform, serialize,
    truncated_normal, uniform, zeros,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.initializers")
