"""tf.keras.datasets.cifar10 (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.datasets.cifar10 import (  # noqa: F401
    load_data,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.datasets.cifar10")
