"""tf.keras.datasets (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf.keras.datasets import boston_housing  # noqa: F401,E402
from compat_tf.keras.datasets import cifar10  # noqa: F401,E402
from compat_tf.keras.datasets import cifar100  # noqa: F401,E402
from compat_tf.keras.datasets import fashion_mnist  # noqa: F401,E402
from compat_tf.keras.datasets import imdb  # noqa: F401,E402
from compat_tf.keras.datasets import mnist  # noqa: F401,E402
from compat_tf.keras.datasets import reuters  # noqa: F401,E402

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.datasets")
