"""tf.saved_model.constants (TF 1.15; defined in compat_tf._src.saved_model.constants)."""
from compat_tf._src.saved_model.constants import *  # noqa: F401,F403
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.saved_model.constants")
