"""tf.saved_model.utils (TF 1.15; defined in compat_tf._src.saved_model.utils_impl)."""
from compat_tf._src.saved_model.utils_impl import build_tensor_info, get_tensor_from_tensor_info  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.saved_model.utils")
