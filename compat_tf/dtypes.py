"""tf.dtypes: TF 1.15's dtypes namespace (re-exports of names compat_tf defines elsewhere).

tf.dtypes.complex is forwarded from tf.complex when compat_tf defines it (else UnimplementedSymbolError).
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework.dtypes import DType, QUANTIZED_DTYPES, as_dtype  # noqa: F401
from compat_tf._src.ops.math_ops import cast, saturate_cast  # noqa: F401
from compat_tf._src.ops.string_ops import as_string  # noqa: F401

_g = globals()
for _name in ("bfloat16", "bool", "complex128", "complex64", "double", "float16", "float32", "float64", "half",
              "int16", "int32", "int64", "int8", "qint16", "qint32", "qint8", "quint16", "quint8", "resource",
              "string", "uint16", "uint32", "uint64", "uint8", "variant"):
    _g[_name] = getattr(_dtypes, _name)
del _g, _name

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

_missing = _hook("tf.dtypes")


def __getattr__(name):
    # tf.dtypes.complex is tf.complex: forwarded as soon as compat_tf defines it
    if name == "complex":
        import compat_tf
        if "complex" in compat_tf.__dict__:
            return compat_tf.__dict__["complex"]
    return _missing(name)
