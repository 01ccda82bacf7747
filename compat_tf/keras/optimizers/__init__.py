"""tf.keras.optimizers (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.optimizers import (  # noqa: F401
    Adadelta, Adagrad, Adam, Adamax, Ftrl, Nadam, Optimizer, RMSprop, SGD, deserialize, get, serialize,
)
from compat_tf.keras.optimizers import schedules  # noqa: F401,E402

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.optimizers")
