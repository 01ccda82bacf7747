"""The tf.train names of checkpointing: Saver, checkpoint state, readers, meta graphs."""
from compat_tf._src.train.checkpoint_io import NewCheckpointReader
from compat_tf._src.train.checkpoint_management import (
    checkpoint_exists, generate_checkpoint_state_proto, get_checkpoint_mtimes, get_checkpoint_state,
    latest_checkpoint, meta_graph_filename, remove_checkpoint, update_checkpoint_state)
from compat_tf._src.train.checkpoint_utils import (
    init_from_checkpoint, list_variables, load_checkpoint, load_variable)
from compat_tf._src.train.saver import Saver, export_meta_graph, import_meta_graph

try:
    from compat_tf._src.protos.checkpoint_state_pb2 import CheckpointState
except ImportError:  # pragma: no cover - the protos package provides it
    from compat_tf._src.train.checkpoint_management import CheckpointState

__all__ = ["CheckpointState", "NewCheckpointReader", "Saver", "checkpoint_exists", "export_meta_graph",
           "generate_checkpoint_state_proto", "get_checkpoint_mtimes", "get_checkpoint_state",
           "import_meta_graph", "init_from_checkpoint", "latest_checkpoint", "list_variables",
           "load_checkpoint", "load_variable", "meta_graph_filename", "remove_checkpoint",
           "update_checkpoint_state"]
