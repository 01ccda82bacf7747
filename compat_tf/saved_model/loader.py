"""tf.saved_model.loader (TF 1.15; defined in compat_tf._src.saved_model.loader_impl)."""
from compat_tf._src.saved_model.loader_impl import load, maybe_saved_model_directory  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.saved_model.loader")
