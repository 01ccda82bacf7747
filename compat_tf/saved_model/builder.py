"""tf.saved_model.builder (TF 1.15; defined in compat_tf._src.saved_model.builder_impl)."""
from compat_tf._src.saved_model.builder_impl import SavedModelBuilder  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.saved_model.builder")
