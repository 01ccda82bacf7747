"""tensorflow/core/framework/resource_handle.proto (ResourceHandleProto)."""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import tensor_shape_pb2, types_pb2  # noqa: F401 - dependencies


def _file():
    fd = _b.new_file("tensorflow/core/framework/resource_handle.proto", "ResourceHandle",
                     deps=["tensorflow/core/framework/tensor_shape.proto",
                           "tensorflow/core/framework/types.proto"])
    m = _b.message(fd, "ResourceHandleProto")
    _b.field(m, "device", 1, "string")
    _b.field(m, "container", 2, "string")
    _b.field(m, "name", 3, "string")
    _b.field(m, "hash_code", 4, "uint64")
    _b.field(m, "maybe_type_name", 5, "string")
    d = _b.message(m, "DtypeAndShape")
    _b.field(d, "dtype", 1, "enum:DataType")
    _b.field(d, "shape", 2, "msg:TensorShapeProto")
    _b.field(m, "dtypes_and_shapes", 6, "msg:ResourceHandleProto.DtypeAndShape", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
ResourceHandleProto = _b.message_class(DESCRIPTOR, "ResourceHandleProto")
