"""The protocol-buffer messages TF 1.15 exports at the top level of `tf` (tf.GraphDef, ...).

`tf.Event`, `tf.SessionLog`, `tf.Summary`, `tf.HistogramProto`, `tf.LogMessage` belong to the
summary module; tf.train's messages (SaverDef, ClusterDef, JobDef) are exported by tf.train.
"""
from compat_tf._src.framework.graph_io import (
    GRAPH_DEF_VERSION, GRAPH_DEF_VERSION_MIN_CONSUMER, GRAPH_DEF_VERSION_MIN_PRODUCER, import_graph_def)
from compat_tf._src.framework.tensor_util import make_ndarray, make_tensor_proto
from compat_tf._src.protos.attr_value_pb2 import AttrValue, NameAttrList
from compat_tf._src.protos.config_pb2 import (
    ConfigProto, GPUOptions, GraphOptions, OptimizerOptions, RunMetadata, RunOptions)
from compat_tf._src.protos.graph_pb2 import GraphDef
from compat_tf._src.protos.meta_graph_pb2 import MetaGraphDef, TensorInfo
from compat_tf._src.protos.node_def_pb2 import NodeDef

__all__ = ["AttrValue", "NameAttrList", "ConfigProto", "GPUOptions", "GraphOptions", "OptimizerOptions",
           "RunMetadata", "RunOptions", "GraphDef", "MetaGraphDef", "TensorInfo", "NodeDef",
           "make_ndarray", "make_tensor_proto", "import_graph_def", "GRAPH_DEF_VERSION",
           "GRAPH_DEF_VERSION_MIN_CONSUMER", "GRAPH_DEF_VERSION_MIN_PRODUCER"]
