"""tensorflow/core/protobuf/debug.proto: DebugOptions, DebugTensorWatch (tfdbg's run options)."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/debug.proto", "DebugProtos")
    w = _b.message(fd, "DebugTensorWatch")
    _b.field(w, "node_name", 1, "string")
    _b.field(w, "output_slot", 2, "int32")
    _b.field(w, "debug_ops", 3, "string", repeated=True)
    _b.field(w, "debug_urls", 4, "string", repeated=True)
    _b.field(w, "tolerate_debug_op_creation_failures", 5, "bool")
    o = _b.message(fd, "DebugOptions")
    _b.field(o, "debug_tensor_watch_opts", 4, "msg:DebugTensorWatch", repeated=True)
    _b.field(o, "global_step", 10, "int64")
    _b.field(o, "reset_disk_byte_usage", 11, "bool")
    return fd


DESCRIPTOR = _b.register(_file())
DebugTensorWatch = _b.message_class(DESCRIPTOR, "DebugTensorWatch")
DebugOptions = _b.message_class(DESCRIPTOR, "DebugOptions")
