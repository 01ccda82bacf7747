"""tf.linalg.experimental: the public names (re-exports only)."""
from compat_tf._src.ops.linear_operator.conjugate_gradient import conjugate_gradient  # noqa: F401

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.linalg.experimental")
