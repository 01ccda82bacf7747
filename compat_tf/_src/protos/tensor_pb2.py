"""tensorflow/core/framework/tensor.proto: TensorProto, VariantTensorDataProto.

    message TensorProto {
      DataType dtype = 1; TensorShapeProto tensor_shape = 2; int32 version_number = 3;
      bytes tensor_content = 4;                      // row-major, little-endian
      repeated int32 half_val = 13;  repeated float float_val = 5;  repeated double double_val = 6;
      repeated int32 int_val = 7;    repeated bytes string_val = 8; repeated float scomplex_val = 9;
      repeated int64 int64_val = 10; repeated bool bool_val = 11;   repeated double dcomplex_val = 12;
      repeated ResourceHandleProto resource_handle_val = 14;
      repeated VariantTensorDataProto variant_val = 15;
      repeated uint32 uint32_val = 16; repeated uint64 uint64_val = 17;
    }
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import resource_handle_pb2, tensor_shape_pb2, types_pb2  # noqa: F401


def _file():
    fd = _b.new_file("tensorflow/core/framework/tensor.proto", "TensorProtos",
                     deps=["tensorflow/core/framework/resource_handle.proto",
                           "tensorflow/core/framework/tensor_shape.proto",
                           "tensorflow/core/framework/types.proto"])
    m = _b.message(fd, "TensorProto")
    _b.field(m, "dtype", 1, "enum:DataType")
    _b.field(m, "tensor_shape", 2, "msg:TensorShapeProto")
    _b.field(m, "version_number", 3, "int32")
    _b.field(m, "tensor_content", 4, "bytes")
    _b.field(m, "half_val", 13, "int32", repeated=True, packed=True)
    _b.field(m, "float_val", 5, "float", repeated=True, packed=True)
    _b.field(m, "double_val", 6, "double", repeated=True, packed=True)
    _b.field(m, "int_val", 7, "int32", repeated=True, packed=True)
    _b.field(m, "string_val", 8, "bytes", repeated=True)
    _b.field(m, "scomplex_val", 9, "float", repeated=True, packed=True)
    _b.field(m, "int64_val", 10, "int64", repeated=True, packed=True)
    _b.field(m, "bool_val", 11, "bool", repeated=True, packed=True)
    _b.field(m, "dcomplex_val", 12, "double", repeated=True, packed=True)
    _b.field(m, "resource_handle_val", 14, "msg:ResourceHandleProto", repeated=True)
    _b.field(m, "variant_val", 15, "msg:VariantTensorDataProto", repeated=True)
    _b.field(m, "uint32_val", 16, "uint32", repeated=True, packed=True)
    _b.field(m, "uint64_val", 17, "uint64", repeated=True, packed=True)
    v = _b.message(fd, "VariantTensorDataProto")
    _b.field(v, "type_name", 1, "string")
    _b.field(v, "metadata", 2, "bytes")
    _b.field(v, "tensors", 3, "msg:TensorProto", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
TensorProto = _b.message_class(DESCRIPTOR, "TensorProto")
VariantTensorDataProto = _b.message_class(DESCRIPTOR, "VariantTensorDataProto")
