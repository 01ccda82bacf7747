"""tensorflow/core/framework/variable.proto: VariableDef, SaveSliceInfoDef and the
VariableSynchronization / VariableAggregation enums."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/framework/variable.proto", "VariableProtos")
    _b.enum(fd, "VariableSynchronization", [
        ("VARIABLE_SYNCHRONIZATION_AUTO", 0), ("VARIABLE_SYNCHRONIZATION_NONE", 1),
        ("VARIABLE_SYNCHRONIZATION_ON_WRITE", 2), ("VARIABLE_SYNCHRONIZATION_ON_READ", 3)])
    _b.enum(fd, "VariableAggregation", [
        ("VARIABLE_AGGREGATION_NONE", 0), ("VARIABLE_AGGREGATION_SUM", 1),
        ("VARIABLE_AGGREGATION_MEAN", 2), ("VARIABLE_AGGREGATION_ONLY_FIRST_REPLICA", 3)])
    m = _b.message(fd, "VariableDef")
    _b.field(m, "variable_name", 1, "string")
    _b.field(m, "initial_value_name", 6, "string")
    _b.field(m, "initializer_name", 2, "string")
    _b.field(m, "snapshot_name", 3, "string")
    _b.field(m, "save_slice_info_def", 4, "msg:SaveSliceInfoDef")
    _b.field(m, "is_resource", 5, "bool")
    _b.field(m, "trainable", 7, "bool")
    _b.field(m, "synchronization", 8, "enum:VariableSynchronization")
    _b.field(m, "aggregation", 9, "enum:VariableAggregation")
    s = _b.message(fd, "SaveSliceInfoDef")
    _b.field(s, "full_name", 1, "string")
    _b.field(s, "full_shape", 2, "int64", repeated=True, packed=True)
    _b.field(s, "var_offset", 3, "int64", repeated=True, packed=True)
    _b.field(s, "var_shape", 4, "int64", repeated=True, packed=True)
    return fd


DESCRIPTOR = _b.register(_file())
VariableDef = _b.message_class(DESCRIPTOR, "VariableDef")
SaveSliceInfoDef = _b.message_class(DESCRIPTOR, "SaveSliceInfoDef")
VariableSynchronization = _b.enum_wrapper(DESCRIPTOR, "VariableSynchronization")
VariableAggregation = _b.enum_wrapper(DESCRIPTOR, "VariableAggregation")
_b.export_enum_values(globals(), VariableSynchronization)
_b.export_enum_values(globals(), VariableAggregation)
