"""tensorflow/core/framework/tensor_shape.proto.

    message TensorShapeProto {
      message Dim { int64 size = 1; string name = 2; }   // size -1: unknown
      repeated Dim dim = 2;
      bool unknown_rank = 3;
    }
"""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/framework/tensor_shape.proto", "TensorShapeProtos")
    m = _b.message(fd, "TensorShapeProto")
    d = _b.message(m, "Dim")
    _b.field(d, "size", 1, "int64")
    _b.field(d, "name", 2, "string")
    _b.field(m, "dim", 2, "msg:TensorShapeProto.Dim", repeated=True)
    _b.field(m, "unknown_rank", 3, "bool")
    return fd


DESCRIPTOR = _b.register(_file())
TensorShapeProto = _b.message_class(DESCRIPTOR, "TensorShapeProto")
