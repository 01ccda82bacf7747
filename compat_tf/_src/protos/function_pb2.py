"""tensorflow/core/framework/function.proto: FunctionDefLibrary, FunctionDef, GradientDef.

compat_tf does not run graph functions; these messages exist so that GraphDefs
and MetaGraphDefs holding a `library` parse, round-trip, and can be inspected.
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import attr_value_pb2, node_def_pb2, op_def_pb2  # noqa: F401


def _file():
    fd = _b.new_file("tensorflow/core/framework/function.proto", "FunctionProtos",
                     deps=["tensorflow/core/framework/attr_value.proto",
                           "tensorflow/core/framework/node_def.proto",
                           "tensorflow/core/framework/op_def.proto"])
    lib = _b.message(fd, "FunctionDefLibrary")
    _b.field(lib, "function", 1, "msg:FunctionDef", repeated=True)
    _b.field(lib, "gradient", 2, "msg:GradientDef", repeated=True)
    f = _b.message(fd, "FunctionDef")
    _b.field(f, "signature", 1, "msg:OpDef")
    _b.map_field(f, "attr", 5, "string", "msg:AttrValue", "tensorflow.FunctionDef")
    aa = _b.message(f, "ArgAttrs")
    _b.map_field(aa, "attr", 1, "string", "msg:AttrValue", "tensorflow.FunctionDef.ArgAttrs")
    _b.map_field(f, "arg_attr", 7, "uint32", "msg:FunctionDef.ArgAttrs", "tensorflow.FunctionDef")
    _b.field(f, "node_def", 3, "msg:NodeDef", repeated=True)
    _b.map_field(f, "ret", 4, "string", "string", "tensorflow.FunctionDef")
    _b.map_field(f, "control_ret", 6, "string", "string", "tensorflow.FunctionDef")
    g = _b.message(fd, "GradientDef")
    _b.field(g, "function_name", 1, "string")
    _b.field(g, "gradient_func", 2, "string")
    return fd


DESCRIPTOR = _b.register(_file())
FunctionDefLibrary = _b.message_class(DESCRIPTOR, "FunctionDefLibrary")
FunctionDef = _b.message_class(DESCRIPTOR, "FunctionDef")
GradientDef = _b.message_class(DESCRIPTOR, "GradientDef")
