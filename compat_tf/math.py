"""tf.math: the public names (defined in compat_tf._src.ops)."""
from compat_tf._src.ops import gather_ops as _gather
from compat_tf._src.ops import math_ops as _math
from compat_tf._src.ops import nn_ops as _nn

_g = globals()
for _name in _math.__all__:
    _g[_name] = getattr(_math, _name)
for _name in ("segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod",
              "unsorted_segment_sum", "unsorted_segment_max", "unsorted_segment_min", "unsorted_segment_prod",
              "unsorted_segment_mean", "unsorted_segment_sqrt_n"):
    if hasattr(_gather, _name):
        _g[_name] = getattr(_gather, _name)
for _name in ("softplus", "softsign", "log_softmax", "top_k", "in_top_k", "l2_normalize", "zero_fraction",
              "sigmoid", "tanh"):
    if hasattr(_nn, _name):
        _g[_name] = getattr(_nn, _name)
from compat_tf._src.ops.array_ops import invert_permutation  # noqa: E402,F401
from compat_tf._src.ops.complex_ops import angle  # noqa: E402,F401
from compat_tf._src.ops.nn_impl import l2_normalize  # noqa: E402,F401
from compat_tf._src.ops.special_math_ops import (  # noqa: E402,F401
    bessel_i0, bessel_i0e, bessel_i1, bessel_i1e, betainc, erfinv, lbeta, ndtri, reduce_std, reduce_variance)

divide_no_nan = _math.div_no_nan
log_sigmoid = None
del _g, _name


def log_sigmoid(x, name=None):  # noqa: F811
    """tf.math.log_sigmoid: -softplus(-x)."""
    from compat_tf._src.framework import graph as _graph
    with _graph.get_default_graph().name_scope(name or "LogSigmoid"):
        return _math.negative(_nn.softplus(_math.negative(x)))


from compat_tf._src.ops.confusion_matrix import confusion_matrix  # noqa: E402,F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.math")
