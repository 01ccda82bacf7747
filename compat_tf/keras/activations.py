"""tf.keras.activations (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.activations import (  # noqa: F401
    deserialize, elu, exponential, get, hard_sigmoid, linear, relu, selu, serialize, sigmoid, softmax,
    softplus, softsign, tanh,
)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.activations")
