"""tensorflow/core/protobuf/meta_graph.proto: MetaGraphDef (MetaInfoDef), CollectionDef
(NodeList, BytesList, Int64List, FloatList, AnyList), TensorInfo (CooSparse), SignatureDef,
AssetFileDef. MetaGraphDef.object_graph_def (7, TF2's SavedObjectGraph) is not declared:
its bytes are kept as an unknown field."""
from google.protobuf import any_pb2  # noqa: F401 - registers google/protobuf/any.proto

from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import (  # noqa: F401 - dependencies
    graph_pb2, op_def_pb2, saver_pb2, tensor_shape_pb2, types_pb2)


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/meta_graph.proto", "MetaGraphProtos",
                     deps=["google/protobuf/any.proto",
                           "tensorflow/core/framework/graph.proto",
                           "tensorflow/core/framework/op_def.proto",
                           "tensorflow/core/framework/tensor_shape.proto",
                           "tensorflow/core/framework/types.proto",
                           "tensorflow/core/protobuf/saver.proto"])
    m = _b.message(fd, "MetaGraphDef")
    mi = _b.message(m, "MetaInfoDef")
    _b.field(mi, "meta_graph_version", 1, "string")
    _b.field(mi, "stripped_op_list", 2, "msg:OpList")
    _b.field(mi, "any_info", 3, "msg:.google.protobuf.Any")
    _b.field(mi, "tags", 4, "string", repeated=True)
    _b.field(mi, "tensorflow_version", 5, "string")
    _b.field(mi, "tensorflow_git_version", 6, "string")
    _b.field(mi, "stripped_default_attrs", 7, "bool")
    _b.map_field(mi, "function_aliases", 8, "string", "string", "tensorflow.MetaGraphDef.MetaInfoDef")  # TF 2.x
    _b.field(m, "meta_info_def", 1, "msg:MetaGraphDef.MetaInfoDef")
    _b.field(m, "graph_def", 2, "msg:GraphDef")
    _b.field(m, "saver_def", 3, "msg:SaverDef")
    _b.map_field(m, "collection_def", 4, "string", "msg:CollectionDef", "tensorflow.MetaGraphDef")
    _b.map_field(m, "signature_def", 5, "string", "msg:SignatureDef", "tensorflow.MetaGraphDef")
    _b.field(m, "asset_file_def", 6, "msg:AssetFileDef", repeated=True)

    c = _b.message(fd, "CollectionDef")
    for name, t, packed in [("NodeList", "string", None), ("BytesList", "bytes", None),
                            ("Int64List", "int64", True), ("FloatList", "float", True),
                            ("AnyList", "msg:.google.protobuf.Any", None)]:
        sub = _b.message(c, name)
        _b.field(sub, "value", 1, t, repeated=True, packed=packed)
    k = _b.oneof(c, "kind")
    _b.field(c, "node_list", 1, "msg:CollectionDef.NodeList", oneof=k)
    _b.field(c, "bytes_list", 2, "msg:CollectionDef.BytesList", oneof=k)
    _b.field(c, "int64_list", 3, "msg:CollectionDef.Int64List", oneof=k)
    _b.field(c, "float_list", 4, "msg:CollectionDef.FloatList", oneof=k)
    _b.field(c, "any_list", 5, "msg:CollectionDef.AnyList", oneof=k)

    t = _b.message(fd, "TensorInfo")
    cs = _b.message(t, "CooSparse")
    _b.field(cs, "values_tensor_name", 1, "string")
    _b.field(cs, "indices_tensor_name", 2, "string")
    _b.field(cs, "dense_shape_tensor_name", 3, "string")
    e = _b.oneof(t, "encoding")
    _b.field(t, "name", 1, "string", oneof=e)
    _b.field(t, "coo_sparse", 4, "msg:TensorInfo.CooSparse", oneof=e)
    _b.field(t, "dtype", 2, "enum:DataType")
    _b.field(t, "tensor_shape", 3, "msg:TensorShapeProto")

    s = _b.message(fd, "SignatureDef")
    _b.map_field(s, "inputs", 1, "string", "msg:TensorInfo", "tensorflow.SignatureDef")
    _b.map_field(s, "outputs", 2, "string", "msg:TensorInfo", "tensorflow.SignatureDef")
    _b.field(s, "method_name", 3, "string")

    a = _b.message(fd, "AssetFileDef")
    _b.field(a, "tensor_info", 1, "msg:TensorInfo")
    _b.field(a, "filename", 2, "string")
    return fd


DESCRIPTOR = _b.register(_file())
MetaGraphDef = _b.message_class(DESCRIPTOR, "MetaGraphDef")
CollectionDef = _b.message_class(DESCRIPTOR, "CollectionDef")
TensorInfo = _b.message_class(DESCRIPTOR, "TensorInfo")
SignatureDef = _b.message_class(DESCRIPTOR, "SignatureDef")
AssetFileDef = _b.message_class(DESCRIPTOR, "AssetFileDef")
