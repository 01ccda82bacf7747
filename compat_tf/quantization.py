"""tf.quantization: the public names (defined in compat_tf._src.ops.fake_quant_ops).

quantize / dequantize / quantize_v2 and the quantized_* ops are not provided (NotImplementedError
naming them)."""
from compat_tf._src.ops.fake_quant_ops import (  # noqa: F401
    fake_quant_with_min_max_args, fake_quant_with_min_max_args_gradient, fake_quant_with_min_max_vars,
    fake_quant_with_min_max_vars_gradient, fake_quant_with_min_max_vars_per_channel,
    fake_quant_with_min_max_vars_per_channel_gradient)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.quantization")
