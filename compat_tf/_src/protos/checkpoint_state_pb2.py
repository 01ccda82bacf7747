"""tensorflow/python/training/checkpoint_state.proto: CheckpointState (the `checkpoint` file)."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/python/training/checkpoint_state.proto", "CheckpointStateProtos")
    for opt in ("java_outer_classname", "java_multiple_files", "java_package"):
        fd.options.ClearField(opt)  # TF's file sets only cc_enable_arenas
    m = _b.message(fd, "CheckpointState")
    _b.field(m, "model_checkpoint_path", 1, "string")
    _b.field(m, "all_model_checkpoint_paths", 2, "string", repeated=True)
    _b.field(m, "all_model_checkpoint_timestamps", 3, "double", repeated=True, packed=True)
    _b.field(m, "last_preserved_timestamp", 4, "double")
    return fd


DESCRIPTOR = _b.register(_file())
CheckpointState = _b.message_class(DESCRIPTOR, "CheckpointState")
