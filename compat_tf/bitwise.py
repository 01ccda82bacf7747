"""tf.bitwise: the public names (defined in compat_tf._src.ops.bitwise_ops)."""
from compat_tf._src.ops.bitwise_ops import (  # noqa: F401
    bitwise_and, bitwise_or, bitwise_xor, invert, left_shift, right_shift)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.bitwise")
