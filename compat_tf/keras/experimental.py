"""tf.keras.experimental (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.optimizer_v2.learning_rate_schedule import (  # noqa: F401
    CosineDecay, CosineDecayRestarts, LinearCosineDecay, NoisyLinearCosineDecay,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.experimental")
