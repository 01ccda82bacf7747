"""tensorflow/core/framework/versions.proto:
    message VersionDef { int32 producer = 1; int32 min_consumer = 2; repeated int32 bad_consumers = 3; }
"""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/framework/versions.proto", "VersionsProtos")
    m = _b.message(fd, "VersionDef")
    _b.field(m, "producer", 1, "int32")
    _b.field(m, "min_consumer", 2, "int32")
    _b.field(m, "bad_consumers", 3, "int32", repeated=True, packed=True)
    return fd


DESCRIPTOR = _b.register(_file())
VersionDef = _b.message_class(DESCRIPTOR, "VersionDef")
