"""tf.keras.applications.imagenet_utils (TF 1.15): re-exports of compat_tf._src.keras
(a name not provided raises NotImplementedError)."""

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.keras.applications.imagenet_utils")
