"""tf.keras.regularizers (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.regularizers import (  # noqa: F401
    L1L2, Regularizer, deserialize, get, l1, l1_l2, l2, serialize,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.regularizers")
