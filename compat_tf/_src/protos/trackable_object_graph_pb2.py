"""tensorflow/core/protobuf/trackable_object_graph.proto: TrackableObjectGraph, the object graph an
object-based checkpoint (tf.train.Checkpoint) stores under "_CHECKPOINTABLE_OBJECT_GRAPH"."""
from compat_tf._src.protos import _builder as _b


def _file():
    fd = _b.new_file("tensorflow/core/protobuf/trackable_object_graph.proto", "TrackableObjectGraphProtos")
    for opt in ("java_outer_classname", "java_multiple_files", "java_package"):
        fd.options.ClearField(opt)
    graph = _b.message(fd, "TrackableObjectGraph")
    obj = _b.message(graph, "TrackableObject")
    ref = _b.message(obj, "ObjectReference")
    _b.field(ref, "node_id", 1, "int32")
    _b.field(ref, "local_name", 2, "string")
    tensor = _b.message(obj, "SerializedTensor")
    _b.field(tensor, "name", 1, "string")
    _b.field(tensor, "full_name", 2, "string")
    _b.field(tensor, "checkpoint_key", 3, "string")
    _b.field(tensor, "optional_restore", 4, "bool")
    slot = _b.message(obj, "SlotVariableReference")
    _b.field(slot, "original_variable_node_id", 1, "int32")
    _b.field(slot, "slot_name", 2, "string")
    _b.field(slot, "slot_variable_node_id", 3, "int32")
    _b.field(obj, "children", 1, "msg:TrackableObjectGraph.TrackableObject.ObjectReference", repeated=True)
    _b.field(obj, "attributes", 2, "msg:TrackableObjectGraph.TrackableObject.SerializedTensor", repeated=True)
    _b.field(obj, "slot_variables", 3, "msg:TrackableObjectGraph.TrackableObject.SlotVariableReference",
             repeated=True)
    _b.field(graph, "nodes", 1, "msg:TrackableObjectGraph.TrackableObject", repeated=True)
    return fd


DESCRIPTOR = _b.register(_file())
TrackableObjectGraph = _b.message_class(DESCRIPTOR, "TrackableObjectGraph")
