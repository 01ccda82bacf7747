"""tensorflow/core/protobuf/cluster.proto:
    message JobDef { string name = 1; map<int32, string> tasks = 2; }
    message ClusterDef { repeated JobDef job = 1; }
"""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/cluster.proto", "ClusterProtos",
                     java_package="org.tensorflow.distruntime")
    j = _b.message(fd, "JobDef")
    _b.field(j, "name", 1, "string")
    _b.map_field(j, "tasks", 2, "int32", "string", "tensorflow.JobDef")
    c = _b.message(fd, "ClusterDef")
    _b.field(c, "job", 1, "msg:JobDef", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
JobDef = _b.message_class(DESCRIPTOR, "JobDef")
ClusterDef = _b.message_class(DESCRIPTOR, "ClusterDef")
