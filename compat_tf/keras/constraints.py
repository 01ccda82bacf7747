"""tf.keras.constraints (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.constraints import (  # noqa: F401
    Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm, deserialize, get, max_norm, min_max_norm, non_neg,
    serialize, unit_norm,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.constraints")
