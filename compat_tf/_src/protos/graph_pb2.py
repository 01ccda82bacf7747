"""tensorflow/core/framework/graph.proto:
    message GraphDef { repeated NodeDef node = 1; VersionDef versions = 4;
                       int32 version = 3 [deprecated]; FunctionDefLibrary library = 2; }
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import function_pb2, node_def_pb2, versions_pb2  # noqa: F401


def _file():
    fd = _b.new_file("tensorflow/core/framework/graph.proto", "GraphProtos",
                     deps=["tensorflow/core/framework/function.proto",
                           "tensorflow/core/framework/node_def.proto",
                           "tensorflow/core/framework/versions.proto"])
    m = _b.message(fd, "GraphDef")
    _b.field(m, "node", 1, "msg:NodeDef", repeated=True)
    _b.field(m, "versions", 4, "msg:VersionDef")
    f = _b.field(m, "version", 3, "int32")
    f.options.deprecated = True
    _b.field(m, "library", 2, "msg:FunctionDefLibrary")
    return fd


DESCRIPTOR = _b.register(_file())
GraphDef = _b.message_class(DESCRIPTOR, "GraphDef")
