"""tensorflow/core/framework/attr_value.proto: AttrValue, NameAttrList.

    message AttrValue {
      message ListValue { repeated bytes s = 2; repeated int64 i = 3; repeated float f = 4;
                          repeated bool b = 5; repeated DataType type = 6;
                          repeated TensorShapeProto shape = 7; repeated TensorProto tensor = 8;
                          repeated NameAttrList func = 9; }
      oneof value { bytes s = 2; int64 i = 3; float f = 4; bool b = 5; DataType type = 6;
                    TensorShapeProto shape = 7; TensorProto tensor = 8; ListValue list = 1;
                    NameAttrList func = 10; string placeholder = 9; }
    }
    message NameAttrList { string name = 1; map<string, AttrValue> attr = 2; }
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import tensor_pb2, tensor_shape_pb2, types_pb2  # noqa: F401


def _file():
    fd = _b.new_file("tensorflow/core/framework/attr_value.proto", "AttrValueProtos",
                     deps=["tensorflow/core/framework/tensor.proto",
                           "tensorflow/core/framework/tensor_shape.proto",
                           "tensorflow/core/framework/types.proto"])
    m = _b.message(fd, "AttrValue")
    lv = _b.message(m, "ListValue")
    _b.field(lv, "s", 2, "bytes", repeated=True)
    _b.field(lv, "i", 3, "int64", repeated=True, packed=True)
    _b.field(lv, "f", 4, "float", repeated=True, packed=True)
    _b.field(lv, "b", 5, "bool", repeated=True, packed=True)
    _b.field(lv, "type", 6, "enum:DataType", repeated=True, packed=True)
    _b.field(lv, "shape", 7, "msg:TensorShapeProto", repeated=True)
    _b.field(lv, "tensor", 8, "msg:TensorProto", repeated=True)
    _b.field(lv, "func", 9, "msg:NameAttrList", repeated=True)
    o = _b.oneof(m, "value")
    _b.field(m, "s", 2, "bytes", oneof=o)
    _b.field(m, "i", 3, "int64", oneof=o)
    _b.field(m, "f", 4, "float", oneof=o)
    _b.field(m, "b", 5, "bool", oneof=o)
    _b.field(m, "type", 6, "enum:DataType", oneof=o)
    _b.field(m, "shape", 7, "msg:TensorShapeProto", oneof=o)
    _b.field(m, "tensor", 8, "msg:TensorProto", oneof=o)
    _b.field(m, "list", 1, "msg:AttrValue.ListValue", oneof=o)
    _b.field(m, "func", 10, "msg:NameAttrList", oneof=o)
    _b.field(m, "placeholder", 9, "string", oneof=o)
    n = _b.message(fd, "NameAttrList")
    _b.field(n, "name", 1, "string")
    _b.map_field(n, "attr", 2, "string", "msg:AttrValue", "tensorflow.NameAttrList")
    return fd


DESCRIPTOR = _b.register(_file())
AttrValue = _b.message_class(DESCRIPTOR, "AttrValue")
NameAttrList = _b.message_class(DESCRIPTOR, "NameAttrList")
