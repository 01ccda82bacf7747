"""tf.nest: nested-structure utilities (compat_tf._src.framework.nest)."""
from compat_tf._src.framework.nest import (  # noqa: F401
    assert_same_structure, flatten, is_nested, map_structure, pack_sequence_as)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.nest")
