"""tensorflow/core/framework/node_def.proto.

    message NodeDef {
      string name = 1; string op = 2; repeated string input = 3; string device = 4;
      map<string, AttrValue> attr = 5;
      message ExperimentalDebugInfo { repeated string original_node_names = 1;
                                      repeated string original_func_names = 2; }
      ExperimentalDebugInfo experimental_debug_info = 6;
      FullTypeDef experimental_type = 7;                // TF 2.x
    }
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import attr_value_pb2  # noqa: F401
from compat_tf._src.protos import full_type_pb2  # noqa: F401


def _file():
    fd = _b.new_file("tensorflow/core/framework/node_def.proto", "NodeProto",
                     deps=["tensorflow/core/framework/attr_value.proto",
                           "tensorflow/core/framework/full_type.proto"])
    m = _b.message(fd, "NodeDef")
    _b.field(m, "name", 1, "string")
    _b.field(m, "op", 2, "string")
    _b.field(m, "input", 3, "string", repeated=True)
    _b.field(m, "device", 4, "string")
    _b.map_field(m, "attr", 5, "string", "msg:AttrValue", "tensorflow.NodeDef")
    d = _b.message(m, "ExperimentalDebugInfo")
    _b.field(d, "original_node_names", 1, "string", repeated=True)
    _b.field(d, "original_func_names", 2, "string", repeated=True)
    _b.field(m, "experimental_debug_info", 6, "msg:NodeDef.ExperimentalDebugInfo")
    _b.field(m, "experimental_type", 7, "msg:FullTypeDef")
    return fd


DESCRIPTOR = _b.register(_file())
NodeDef = _b.message_class(DESCRIPTOR, "NodeDef")
