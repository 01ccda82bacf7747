"""tf.saved_model.main_op (TF 1.15's main_op_impl.py)."""
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys


def main_op():
    """An op that initializes the global and local variables and the tables (the TABLE_INITIALIZERS
    collection), grouped as TF1's main_op."""
    from compat_tf._src.ops import control_flow_ops, variables
    init = variables.global_variables_initializer()
    init_local = variables.local_variables_initializer()
    table_inits = _graph.get_collection(GraphKeys.TABLE_INITIALIZERS)
    init_tables = control_flow_ops.group(*table_inits, name="init_all_tables") if table_inits \
        else control_flow_ops.no_op(name="init_all_tables")
    return control_flow_ops.group(init, init_local, init_tables)


def main_op_with_restore(restore_op_name):
    """Not supported: compat_tf's Saver has no restore op to run (loaders restore variables themselves)."""
    raise NotImplementedError("tf.saved_model.main_op_with_restore is not supported by compat_tf (its Saver "
                              "adds no restore op to the graph)")


__all__ = ["main_op", "main_op_with_restore"]
