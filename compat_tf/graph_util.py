"""tf.graph_util: freezing and pruning GraphDefs (names defined in compat_tf._src.framework)."""
from compat_tf._src.framework.graph_io import import_graph_def  # noqa: F401
from compat_tf._src.framework.graph_util import (  # noqa: F401
    convert_variables_to_constants, extract_sub_graph, must_run_on_cpu, remove_training_nodes,
    tensor_shape_from_node_def_name)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.graph_util")
