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
from compat_tf._src.protos import _builder as _b

__all__ = ["BytesList", "FloatList", "Int64List", "Feature", "Features", "FeatureList",
           "FeatureLists", "Example", "SequenceExample"]

_FEATURE_FILE = "tensorflow/core/example/feature.proto"
_EXAMPLE_FILE = "tensorflow/core/example/example.proto"
_GO = "github.com/tensorflow/tensorflow/tensorflow/go/core/example"


def _feature_file():
    fd = _b.new_file(_FEATURE_FILE, "FeatureProtos", java_package="org.tensorflow.example", go_package=_GO)
    m = _b.message(fd, "BytesList")
    _b.field(m, "value", 1, "bytes", repeated=True)
    m = _b.message(fd, "FloatList")
    _b.field(m, "value", 1, "float", repeated=True, packed=True)
    m = _b.message(fd, "Int64List")
    _b.field(m, "value", 1, "int64", repeated=True, packed=True)
    m = _b.message(fd, "Feature")
    kind = _b.oneof(m, "kind")
    _b.field(m, "bytes_list", 1, "msg:BytesList", oneof=kind)
    _b.field(m, "float_list", 2, "msg:FloatList", oneof=kind)
    _b.field(m, "int64_list", 3, "msg:Int64List", oneof=kind)
    m = _b.message(fd, "Features")
    _b.map_field(m, "feature", 1, "string", "msg:Feature", "tensorflow.Features")
    m = _b.message(fd, "FeatureList")
    _b.field(m, "feature", 1, "msg:Feature", repeated=True)
    m = _b.message(fd, "FeatureLists")
    _b.map_field(m, "feature_list", 1, "string", "msg:FeatureList", "tensorflow.FeatureLists")
    return fd


def _example_file():
    fd = _b.new_file(_EXAMPLE_FILE, "ExampleProtos", deps=[_FEATURE_FILE],
                     java_package="org.tensorflow.example", go_package=_GO)
    m = _b.message(fd, "Example")
    _b.field(m, "features", 1, "msg:Features")
    m = _b.message(fd, "SequenceExample")
    _b.field(m, "context", 1, "msg:Features")
    _b.field(m, "feature_lists", 2, "msg:FeatureLists")
    return fd


FEATURE_DESCRIPTOR = _b.register(_feature_file())
DESCRIPTOR = _b.register(_example_file())


def _cls(full_name):
    return _b.message_class(DESCRIPTOR, full_name[len("tensorflow."):])


BytesList = _cls("tensorflow.BytesList")
FloatList = _cls("tensorflow.FloatList")
Int64List = _cls("tensorflow.Int64List")
Feature = _cls("tensorflow.Feature")
Features = _cls("tensorflow.Features")
FeatureList = _cls("tensorflow.FeatureList")
FeatureLists = _cls("tensorflow.FeatureLists")
Example = _cls("tensorflow.Example")
SequenceExample = _cls("tensorflow.SequenceExample")
