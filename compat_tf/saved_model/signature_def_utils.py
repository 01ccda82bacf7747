"""tf.saved_model.signature_def_utils (TF 1.15; defined in compat_tf._src.saved_model.signature_def_utils_impl)."""
from compat_tf._src.saved_model.signature_def_utils_impl import (  # noqa: F401
    build_signature_def, classification_signature_def, is_valid_signature, predict_signature_def,
    regression_signature_def)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.saved_model.signature_def_utils")
