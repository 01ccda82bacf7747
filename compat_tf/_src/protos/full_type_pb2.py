"""tensorflow/core/framework/full_type.proto (TF 2.x): the FullTypeDef that newer TF writes into
NodeDef.experimental_type and OpDef.ArgDef.experimental_full_type, so that GraphDefs, meta graphs
and their text forms written by TF 2.x parse here (TF 1.15 had no such fields).

    enum FullTypeId { TFT_UNSET = 0; TFT_VAR = 1; ... TFT_LEGACY_VARIANT = 10203; }
    message FullTypeDef { FullTypeId type_id = 1; repeated FullTypeDef args = 2;
                          oneof attr { string s = 3; int64 i = 4; } }
"""
from compat_tf._src.protos import _builder as _b

_IDS = [("TFT_UNSET", 0), ("TFT_VAR", 1), ("TFT_ANY", 2), ("TFT_PRODUCT", 3), ("TFT_NAMED", 4),
        ("TFT_FOR_EACH", 20), ("TFT_CALLABLE", 100), ("TFT_TENSOR", 1000), ("TFT_ARRAY", 1001),
        ("TFT_OPTIONAL", 1002), ("TFT_LITERAL", 1003), ("TFT_ENCODED", 1004), ("TFT_SHAPE_TENSOR", 1005),
        ("TFT_BOOL", 200), ("TFT_UINT8", 201), ("TFT_UINT16", 202), ("TFT_UINT32", 203), ("TFT_UINT64", 204),
        ("TFT_INT8", 205), ("TFT_INT16", 206), ("TFT_INT32", 207), ("TFT_INT64", 208), ("TFT_HALF", 209),
        ("TFT_FLOAT", 210), ("TFT_DOUBLE", 211), ("TFT_BFLOAT16", 215), ("TFT_COMPLEX64", 212),
        ("TFT_COMPLEX128", 213), ("TFT_STRING", 214), ("TFT_DATASET", 10102), ("TFT_RAGGED", 10103),
        ("TFT_ITERATOR", 10104), ("TFT_MUTEX_LOCK", 10202), ("TFT_LEGACY_VARIANT", 10203)]


def _file():
    fd = _b.new_file("tensorflow/core/framework/full_type.proto", "FullTypeProtos")
    _b.enum(fd, "FullTypeId", _IDS)
    m = _b.message(fd, "FullTypeDef")
    attr = _b.oneof(m, "attr")
    _b.field(m, "type_id", 1, "enum:FullTypeId")
    _b.field(m, "args", 2, "msg:FullTypeDef", repeated=True)
    _b.field(m, "s", 3, "string", oneof=attr)
    _b.field(m, "i", 4, "int64", oneof=attr)
    return fd


DESCRIPTOR = _b.register(_file())
FullTypeDef = _b.message_class(DESCRIPTOR, "FullTypeDef")
FullTypeId = _b.enum_wrapper(DESCRIPTOR, "FullTypeId")
_b.export_enum_values(globals(), FullTypeId)
