"""tensorflow/core/framework/types.proto: the DataType enum (TF's numbers; *_REF = base + 100)."""
from compat_tf._src.protos import _builder as _b

_BASE = [
    ("DT_INVALID", 0), ("DT_FLOAT", 1), ("DT_DOUBLE", 2), ("DT_INT32", 3), ("DT_UINT8", 4),
    ("DT_INT16", 5), ("DT_INT8", 6), ("DT_STRING", 7), ("DT_COMPLEX64", 8), ("DT_INT64", 9),
    ("DT_BOOL", 10), ("DT_QINT8", 11), ("DT_QUINT8", 12), ("DT_QINT32", 13), ("DT_BFLOAT16", 14),
    ("DT_QINT16", 15), ("DT_QUINT16", 16), ("DT_UINT16", 17), ("DT_COMPLEX128", 18), ("DT_HALF", 19),
    ("DT_RESOURCE", 20), ("DT_VARIANT", 21), ("DT_UINT32", 22), ("DT_UINT64", 23),
]
_VALUES = _BASE + [(n + "_REF", v + 100) for n, v in _BASE[1:]]


def _file():
    fd = _b.new_file("tensorflow/core/framework/types.proto", "TypesProtos")
    _b.enum(fd, "DataType", _VALUES)
    return fd


DESCRIPTOR = _b.register(_file())
DataType = _b.enum_wrapper(DESCRIPTOR, "DataType")
_b.export_enum_values(globals(), DataType)
