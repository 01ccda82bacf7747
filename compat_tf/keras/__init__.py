"""tf.keras (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf._src.keras.engine.input_layer import (  # noqa: F401
    Input,
)
from compat_tf._src.keras.engine.sequential import (  # noqa: F401
    Sequential,
)
from compat_tf._src.keras.engine.training import (  # noqa: F401
    Model,
)
__version__ = "2.2.4-tf"
from compat_tf.keras import activations  # noqa: F401,E402
from compat_tf.keras import applications  # noqa: F401,E402
from compat_tf.keras import backend  # noqa: F401,E402
from compat_tf.keras import callbacks  # noqa: F401,E402
from compat_tf.keras import constraints  # noqa: F401,E402
from compat_tf.keras import datasets  # noqa: F401,E402
from compat_tf.keras import estimator  # noqa: F401,E402
from compat_tf.keras import experimental  # noqa: F401,E402
from compat_tf.keras import initializers  # noqa: F401,E402
from compat_tf.keras import layers  # noqa: F401,E402
from compat_tf.keras import losses  # noqa: F401,E402
from compat_tf.keras import metrics  # noqa: F401,E402
from compat_tf.keras import mixed_precision  # noqa: F401,E402
from compat_tf.keras import models  # noqa: F401,E402
from compat_tf.keras import optimizers  # noqa: F401,E402
from compat_tf.keras import preprocessing  # noqa: F401,E402
from compat_tf.keras import regularizers  # noqa: F401,E402
from compat_tf.keras import utils  # noqa: F401,E402
from compat_tf.keras import wrappers  # noqa: F401,E402

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras")
