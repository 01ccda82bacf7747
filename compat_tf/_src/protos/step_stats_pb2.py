"""tensorflow/core/framework/step_stats.proto, the subset compat_tf fills or reads:
StepStats { repeated DeviceStepStats dev_stats = 1; } with the scalar fields of
NodeExecStats (timings, labels). Other fields written by TF are kept as unknown fields."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/framework/step_stats.proto", "StepStatsProtos")
    n = _b.message(fd, "NodeExecStats")
    for name, num, t in [("node_name", 1, "string"), ("all_start_micros", 2, "int64"),
                         ("op_start_rel_micros", 3, "int64"), ("op_end_rel_micros", 4, "int64"),
                         ("all_end_rel_micros", 5, "int64"), ("timeline_label", 8, "string"),
                         ("scheduled_micros", 9, "int64"), ("thread_id", 10, "uint32"),
                         ("all_start_nanos", 13, "int64"), ("op_start_rel_nanos", 14, "int64"),
                         ("op_end_rel_nanos", 15, "int64"), ("all_end_rel_nanos", 16, "int64"),
                         ("scheduled_nanos", 17, "int64")]:
        _b.field(n, name, num, t)
    d = _b.message(fd, "DeviceStepStats")
    _b.field(d, "device", 1, "string")
    _b.field(d, "node_stats", 2, "msg:NodeExecStats", repeated=True)
    _b.map_field(d, "thread_names", 3, "uint32", "string", "tensorflow.DeviceStepStats")
    s = _b.message(fd, "StepStats")
    _b.field(s, "dev_stats", 1, "msg:DeviceStepStats", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
NodeExecStats = _b.message_class(DESCRIPTOR, "NodeExecStats")
DeviceStepStats = _b.message_class(DESCRIPTOR, "DeviceStepStats")
StepStats = _b.message_class(DESCRIPTOR, "StepStats")
