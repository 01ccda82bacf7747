"""tensorflow/core/example/{feature,example}.proto as real protobuf messages.

There is no protoc here, so the FileDescriptorProtos are written out in Python
and registered in protobuf's default descriptor pool under TF's own file names
and package ("tensorflow"). The messages therefore have TF's full names
(`tensorflow.Example`, ...) and TF's wire format: bytes written by TensorFlow
parse here and vice versa.

    message BytesList { repeated bytes value = 1; }
    message FloatList { repeated float value = 1 [packed = true]; }
    message Int64List { repeated int64 value = 1 [packed = true]; }
    message Feature { oneof kind { BytesList bytes_list = 1; FloatList float_list = 2;
                                   Int64List int64_list = 3; } }
    message Features { map<string, Feature> feature = 1; }
    message FeatureList { repeated Feature feature = 1; }
    message FeatureLists { map<string, FeatureList> feature_list = 1; }
    message Example { Features features = 1; }
    message SequenceExample { Features context = 1; FeatureLists feature_lists = 2; }
"""
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

__all__ = ["BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
           "FeatureLists", "Example", "SequenceExample"]

_F = descriptor_pb2.FieldDescriptorProto
_FEATURE_FILE = "tensorflow/core/example/feature.proto"
_EXAMPLE_FILE = "tensorflow/core/example/example.proto"


def _field(msg, name, number, ftype, label=_F.LABEL_OPTIONAL, type_name=None, packed=None, oneof=None,
           json_name=None):
    f = msg.field.add(name=name, number=number, type=ftype, label=label)
    if type_name:
        f.type_name = type_name
    if packed is not None:
        f.options.packed = packed
    if oneof is not None:
        f.oneof_index = oneof
    f.json_name = json_name or _camel(name)
    return f


def _camel(name):
    head, *rest = name.split("_")
    return head + "".join(p[:1].upper() + p[1:] for p in rest)


def _map_field(msg, name, number, entry_name, value_type):
    entry = msg.nested_type.add(name=entry_name)
    entry.options.map_entry = True
    _field(entry, "key", 1, _F.TYPE_STRING)
    _field(entry, "value", 2, _F.TYPE_MESSAGE, type_name=value_type)
    _field(msg, name, number, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, f".tensorflow.{msg.name}.{entry_name}")


def _set_options(fd, outer):
    fd.options.cc_enable_arenas = True
    fd.options.java_outer_classname = outer
    fd.options.java_multiple_files = True
    fd.options.java_package = "org.tensorflow.example"
    fd.options.go_package = "github.com/tensorflow/tensorflow/tensorflow/go/core/example"


def _feature_file():
    fd = descriptor_pb2.FileDescriptorProto(name=_FEATURE_FILE, package="tensorflow", syntax="proto3")
    _set_options(fd, "FeatureProtos")
    m = fd.message_type.add(name="BytesList")
    _field(m, "value", 1, _F.TYPE_BYTES, _F.LABEL_REPEATED)
    m = fd.message_type.add(name="FloatList")
    _field(m, "value", 1, _F.TYPE_FLOAT, _F.LABEL_REPEATED, packed=True)
    m = fd.message_type.add(name="Int64List")
    _field(m, "value", 1, _F.TYPE_INT64, _F.LABEL_REPEATED, packed=True)
    m = fd.message_type.add(name="Feature")
    m.oneof_decl.add(name="kind")
    _field(m, "bytes_list", 1, _F.TYPE_MESSAGE, type_name=".tensorflow.BytesList", oneof=0)
    _field(m, "float_list", 2, _F.TYPE_MESSAGE, type_name=".tensorflow.FloatList", oneof=0)
    _field(m, "int64_list", 3, _F.TYPE_MESSAGE, type_name=".tensorflow.Int64List", oneof=0)
    m = fd.message_type.add(name="Features")
    _map_field(m, "feature", 1, "FeatureEntry", ".tensorflow.Feature")
    m = fd.message_type.add(name="FeatureList")
    _field(m, "feature", 1, _F.TYPE_MESSAGE, _F.LABEL_REPEATED, ".tensorflow.Feature")
    m = fd.message_type.add(name="FeatureLists")
    _map_field(m, "feature_list", 1, "FeatureListEntry", ".tensorflow.FeatureList")
    return fd


def _example_file():
    fd = descriptor_pb2.FileDescriptorProto(name=_EXAMPLE_FILE, package="tensorflow", syntax="proto3")
    fd.dependency.append(_FEATURE_FILE)
    _set_options(fd, "ExampleProtos")
    m = fd.message_type.add(name="Example")
    _field(m, "features", 1, _F.TYPE_MESSAGE, type_name=".tensorflow.Features")
    m = fd.message_type.add(name="SequenceExample")
    _field(m, "context", 1, _F.TYPE_MESSAGE, type_name=".tensorflow.Features")
    _field(m, "feature_lists", 2, _F.TYPE_MESSAGE, type_name=".tensorflow.FeatureLists")
    return fd


def _register(pool, fd):
    try:
        return pool.FindFileByName(fd.name)  # already registered (e.g. by real TF protos)
    except KeyError:
        return pool.AddSerializedFile(fd.SerializeToString())


_pool = descriptor_pool.Default()
FEATURE_DESCRIPTOR = _register(_pool, _feature_file())
DESCRIPTOR = _register(_pool, _example_file())


def _cls(full_name):
    return message_factory.GetMessageClass(_pool.FindMessageTypeByName(full_name))


BytesList = _cls("tensorflow.BytesList")
FloatList = _cls("tensorflow.FloatList")
Int64List = _cls("tensorflow.Int64List")
Feature = _cls("tensorflow.Feature")
Features = _cls("tensorflow.Features")
FeatureList = _cls("tensorflow.FeatureList")
FeatureLists = _cls("tensorflow.FeatureLists")
Example = _cls("tensorflow.Example")
SequenceExample = _cls("tensorflow.SequenceExample")
