"""tf.debugging: TF 1.15's debugging namespace (re-exports of the tf.assert_* / check ops compat_tf defines).

tf.debugging.assert_all_finite is TF1's alias of tf.verify_tensor_all_finite. Names compat_tf does
not define (assert_shapes, assert_proper_iterable, assert_same_float_dtype, set_log_device_placement,
enable_check_numerics, ...) raise UnimplementedSymbolError.
"""
from compat_tf._src.ops import check_ops as _check
from compat_tf._src.ops import math_ops as _math

_g = globals()
for _name in ("Assert", "assert_equal", "assert_greater", "assert_greater_equal", "assert_integer", "assert_less",
              "assert_less_equal", "assert_near", "assert_negative", "assert_non_negative", "assert_non_positive",
              "assert_none_equal", "assert_positive", "assert_rank", "assert_rank_at_least", "assert_rank_in",
              "assert_scalar", "assert_type", "check_numerics", "is_non_decreasing", "is_numeric_tensor",
              "is_strictly_increasing", "assert_shapes", "assert_proper_iterable", "assert_same_float_dtype"):
    if hasattr(_check, _name):
        _g[_name] = getattr(_check, _name)
for _name in ("is_finite", "is_inf", "is_nan"):
    _g[_name] = getattr(_math, _name)
assert_all_finite = _check.verify_tensor_all_finite
del _g, _name

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

_missing = _hook("tf.debugging")


def __getattr__(name):
    # tf.debugging names compat_tf may define at the top level later are forwarded from there
    if name in ("assert_shapes", "assert_proper_iterable", "assert_same_float_dtype", "assert_rank_in",
                "get_log_device_placement", "set_log_device_placement"):
        import compat_tf
        if name in compat_tf.__dict__:
            return compat_tf.__dict__[name]
    return _missing(name)
