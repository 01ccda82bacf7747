"""tensorflow/core/protobuf/saver.proto: SaverDef (CheckpointFormatVersion LEGACY/V1/V2)."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/saver.proto", "SaverProtos",
                     java_package="org.tensorflow.util")
    m = _b.message(fd, "SaverDef")
    _b.field(m, "filename_tensor_name", 1, "string")
    _b.field(m, "save_tensor_name", 2, "string")
    _b.field(m, "restore_op_name", 3, "string")
    _b.field(m, "max_to_keep", 4, "int32")
    _b.field(m, "sharded", 5, "bool")
    _b.field(m, "keep_checkpoint_every_n_hours", 6, "float")
    _b.enum(m, "CheckpointFormatVersion", [("LEGACY", 0), ("V1", 1), ("V2", 2)])
    _b.field(m, "version", 7, "enum:SaverDef.CheckpointFormatVersion")
    return fd


DESCRIPTOR = _b.register(_file())
SaverDef = _b.message_class(DESCRIPTOR, "SaverDef")
