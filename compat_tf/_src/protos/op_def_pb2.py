"""tensorflow/core/framework/op_def.proto: OpDef (ArgDef, AttrDef), OpDeprecation, OpList.

With TF 2.x's additions, so stripped op lists written by newer TF parse (text format too):
ArgDef.handle_data (7), ArgDef.experimental_full_type (17), OpDef.is_distributed_communication (21).
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import attr_value_pb2, full_type_pb2, resource_handle_pb2, types_pb2  # noqa: F401


def _file():
    fd = _b.new_file("tensorflow/core/framework/op_def.proto", "OpDefProtos",
                     deps=["tensorflow/core/framework/attr_value.proto",
                           "tensorflow/core/framework/full_type.proto",
                           "tensorflow/core/framework/resource_handle.proto",
                           "tensorflow/core/framework/types.proto"])
    m = _b.message(fd, "OpDef")
    a = _b.message(m, "ArgDef")
    _b.field(a, "name", 1, "string")
    _b.field(a, "description", 2, "string")
    _b.field(a, "type", 3, "enum:DataType")
    _b.field(a, "type_attr", 4, "string")
    _b.field(a, "number_attr", 5, "string")
    _b.field(a, "type_list_attr", 6, "string")
    _b.field(a, "handle_data", 7, "msg:ResourceHandleProto.DtypeAndShape", repeated=True)
    _b.field(a, "is_ref", 16, "bool")
    _b.field(a, "experimental_full_type", 17, "msg:FullTypeDef")
    d = _b.message(m, "AttrDef")
    _b.field(d, "name", 1, "string")
    _b.field(d, "type", 2, "string")
    _b.field(d, "default_value", 3, "msg:AttrValue")
    _b.field(d, "description", 4, "string")
    _b.field(d, "has_minimum", 5, "bool")
    _b.field(d, "minimum", 6, "int64")
    _b.field(d, "allowed_values", 7, "msg:AttrValue")
    _b.field(m, "name", 1, "string")
    _b.field(m, "input_arg", 2, "msg:OpDef.ArgDef", repeated=True)
    _b.field(m, "output_arg", 3, "msg:OpDef.ArgDef", repeated=True)
    _b.field(m, "control_output", 20, "string", repeated=True)
    _b.field(m, "attr", 4, "msg:OpDef.AttrDef", repeated=True)
    _b.field(m, "deprecation", 8, "msg:OpDeprecation")
    _b.field(m, "summary", 5, "string")
    _b.field(m, "description", 6, "string")
    _b.field(m, "is_commutative", 18, "bool")
    _b.field(m, "is_aggregate", 16, "bool")
    _b.field(m, "is_stateful", 17, "bool")
    _b.field(m, "allows_uninitialized_input", 19, "bool")
    _b.field(m, "is_distributed_communication", 21, "bool")
    dep = _b.message(fd, "OpDeprecation")
    _b.field(dep, "version", 1, "int32")
    _b.field(dep, "explanation", 2, "string")
    ol = _b.message(fd, "OpList")
    _b.field(ol, "op", 1, "msg:OpDef", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
OpDef = _b.message_class(DESCRIPTOR, "OpDef")
OpDeprecation = _b.message_class(DESCRIPTOR, "OpDeprecation")
OpList = _b.message_class(DESCRIPTOR, "OpList")
