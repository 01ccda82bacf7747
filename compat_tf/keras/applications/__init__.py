"""tf.keras.applications (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""
from compat_tf.keras.applications import densenet  # noqa: F401,E402
from compat_tf.keras.applications import imagenet_utils  # noqa: F401,E402
from compat_tf.keras.applications import inception_resnet_v2  # noqa: F401,E402
from compat_tf.keras.applications import inception_v3  # noqa: F401,E402
from compat_tf.keras.applications import mobilenet  # noqa: F401,E402
from compat_tf.keras.applications import mobilenet_v2  # noqa: F401,E402
from compat_tf.keras.applications import nasnet  # noqa: F401,E402
from compat_tf.keras.applications import resnet  # noqa: F401,E402
from compat_tf.keras.applications import resnet50  # noqa: F401,E402
from compat_tf.keras.applications import resnet_v2  # noqa: F401,E402
from compat_tf.keras.applications import vgg16  # noqa: F401,E402
from compat_tf.keras.applications import vgg19  # noqa: F401,E402
from compat_tf.keras.applications import xception  # noqa: F401,E402

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.applications")
