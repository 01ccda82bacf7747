"""tf.image: image codecs (names defined in compat_tf._src.ops.image_ops)."""
from compat_tf._src.ops.image_ops import (  # noqa: F401
    decode_and_crop_jpeg, decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg,
    encode_png, is_jpeg)

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.image")
