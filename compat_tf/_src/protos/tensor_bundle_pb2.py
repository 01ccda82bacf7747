"""tensorflow/core/protobuf/tensor_bundle.proto (and tensor_slice.proto, which it imports).

    message TensorSliceProto {                       // tensorflow/core/framework/tensor_slice.proto
      message Extent { int64 start = 1; oneof has_length { int64 length = 2; } }
      repeated Extent extent = 1;
    }
    message BundleHeaderProto {
      int32 num_shards = 1;
      enum Endianness { LITTLE = 0; BIG = 1; }
      Endianness endianness = 2;
      VersionDef version = 3;
    }
    message BundleEntryProto {
      DataType dtype = 1;
      TensorShapeProto shape = 2;
      int32 shard_id = 3;
      int64 offset = 4;
      int64 size = 5;
      fixed32 crc32c = 6;                            // masked CRC32C of the tensor's bytes
      repeated TensorSliceProto slices = 7;          // non-empty for a partitioned tensor
    }
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import tensor_shape_pb2 as _tensor_shape_pb2  # noqa: F401 - registers dependency
from compat_tf._src.protos import types_pb2 as _types_pb2  # noqa: F401 - registers dependency
from compat_tf._src.protos import versions_pb2 as _versions_pb2  # noqa: F401 - registers dependency


def _slice_file():
    fd = _b.new_file("tensorflow/core/framework/tensor_slice.proto", "TensorSliceProtos")
    m = _b.message(fd, "TensorSliceProto")
    e = _b.message(m, "Extent")
    has_length = _b.oneof(e, "has_length")
    _b.field(e, "start", 1, "int64")
    _b.field(e, "length", 2, "int64", oneof=has_length)
    _b.field(m, "extent", 1, "msg:TensorSliceProto.Extent", repeated=True)
    return fd


def _bundle_file():
    fd = _b.new_file("tensorflow/core/protobuf/tensor_bundle.proto", "TensorBundleProtos",
                     deps=["tensorflow/core/framework/tensor_shape.proto",
                           "tensorflow/core/framework/tensor_slice.proto",
                           "tensorflow/core/framework/types.proto",
                           "tensorflow/core/framework/versions.proto"],
                     java_package="org.tensorflow.util")
    h = _b.message(fd, "BundleHeaderProto")
    _b.field(h, "num_shards", 1, "int32")
    _b.enum(h, "Endianness", [("LITTLE", 0), ("BIG", 1)])
    _b.field(h, "endianness", 2, "enum:BundleHeaderProto.Endianness")
    _b.field(h, "version", 3, "msg:VersionDef")
    e = _b.message(fd, "BundleEntryProto")
    _b.field(e, "dtype", 1, "enum:DataType")
    _b.field(e, "shape", 2, "msg:TensorShapeProto")
    _b.field(e, "shard_id", 3, "int32")
    _b.field(e, "offset", 4, "int64")
    _b.field(e, "size", 5, "int64")
    _b.field(e, "crc32c", 6, "fixed32")
    _b.field(e, "slices", 7, "msg:TensorSliceProto", repeated=True)
    return fd


SLICE_DESCRIPTOR = _b.register(_slice_file())
DESCRIPTOR = _b.register(_bundle_file())
TensorSliceProto = _b.message_class(SLICE_DESCRIPTOR, "TensorSliceProto")
BundleHeaderProto = _b.message_class(DESCRIPTOR, "BundleHeaderProto")
BundleEntryProto = _b.message_class(DESCRIPTOR, "BundleEntryProto")
