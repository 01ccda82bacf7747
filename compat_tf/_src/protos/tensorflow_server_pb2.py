"""tensorflow/core/protobuf/tensorflow_server.proto (TF 1.15):
    message ServerDef { ClusterDef cluster = 1; string job_name = 2; int32 task_index = 3;
                        ConfigProto default_session_config = 4; string protocol = 5; int32 port = 6; }
"""
from compat_tf._src.protos import _builder as _b
from compat_tf._src.protos import cluster_pb2, config_pb2  # noqa: F401 - dependencies


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/tensorflow_server.proto", "ServerProtos",
                     deps=["tensorflow/core/protobuf/config.proto", "tensorflow/core/protobuf/cluster.proto"],
                     java_package="org.tensorflow.distruntime")
    s = _b.message(fd, "ServerDef")
    _b.field(s, "cluster", 1, "msg:ClusterDef")
    _b.field(s, "job_name", 2, "string")
    _b.field(s, "task_index", 3, "int32")
    _b.field(s, "default_session_config", 4, "msg:ConfigProto")
    _b.field(s, "protocol", 5, "string")
    _b.field(s, "port", 6, "int32")
    return fd


DESCRIPTOR = _b.register(_file())
ServerDef = _b.message_class(DESCRIPTOR, "ServerDef")
