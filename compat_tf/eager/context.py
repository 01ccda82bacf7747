"""tensorflow.python.eager.context: eager-mode switches and queries (re-exports)."""
from compat_tf._src.eager.context import (  # noqa: F401
    ASYNC, DEVICE_PLACEMENT_EXPLICIT, DEVICE_PLACEMENT_SILENT, DEVICE_PLACEMENT_SILENT_FOR_INT32,
    DEVICE_PLACEMENT_WARN, SYNC, eager_mode, executing_eagerly, executing_eagerly_outside_functions, graph_mode,
    list_devices, num_gpus)

in_eager_mode = executing_eagerly


def in_graph_mode():
    """Whether ops are being added to a graph (TF's context.in_graph_mode)."""
    return not executing_eagerly()
