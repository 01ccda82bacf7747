"""tensorflow/core/framework/cost_graph.proto: CostGraphDef, declared without fields
(compat_tf builds no cost model; TF-written contents are kept as unknown fields)."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/framework/cost_graph.proto", "CostGraphProtos")
    _b.message(fd, "CostGraphDef")
    return fd


DESCRIPTOR = _b.register(_file())
CostGraphDef = _b.message_class(DESCRIPTOR, "CostGraphDef")
