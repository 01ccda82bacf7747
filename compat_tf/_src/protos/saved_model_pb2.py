"""tensorflow/core/protobuf/saved_model.proto: SavedModel {saved_model_schema_version = 1;
repeated MetaGraphDef meta_graphs = 2;} (the file saved_model.pb of a SavedModel directory)."""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import meta_graph_pb2  # noqa: F401 - dependency


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/saved_model.proto", "SavedModelProtos",
                     deps=["tensorflow/core/protobuf/meta_graph.proto"])
    m = _b.message(fd, "SavedModel")
    _b.field(m, "saved_model_schema_version", 1, "int64")
    _b.field(m, "meta_graphs", 2, "msg:MetaGraphDef", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
SavedModel = _b.message_class(DESCRIPTOR, "SavedModel")
