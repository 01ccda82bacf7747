"""tf.saved_model.main_op (TF 1.15; defined in compat_tf._src.saved_model.main_op_impl)."""
from compat_tf._src.saved_model.main_op_impl import main_op, main_op_with_restore  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.saved_model.main_op")
