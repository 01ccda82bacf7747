"""The global step (TF1's training_util): create_global_step, get_global_step, ...

The global step is an int64 scalar variable named `global_step`, in the
GLOBAL_VARIABLES and GLOBAL_STEP collections, created at the root name scope
with tf.get_variable (so it is `global_step:0` whatever scope is open).
`get_global_step` finds it through the GLOBAL_STEP collection, else by the
tensor name `global_step:0`, as TF1 does.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys, Tensor
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops import variables as _variables


def global_step(sess, global_step_tensor):
    """The global step's value as a Python int (tf.train.global_step)."""
    return int(sess.run(global_step_tensor))


def get_global_step(graph=None):
    """The graph's global step variable (or `global_step:0` tensor), or None."""
    graph = graph or _graph.get_default_graph()
    tensors = graph.get_collection(GraphKeys.GLOBAL_STEP)
    if len(tensors) == 1:
        step = tensors[0]
    elif not tensors:
        try:
            step = graph.get_tensor_by_name("global_step:0")
        except (KeyError, ValueError):
            return None
    else:
        import logging
        logging.getLogger("tensorflow").error("Multiple tensors in global_step collection.")
        return None
    assert_global_step(step)
    return step


def create_global_step(graph=None):
    """Creates the int64 `global_step` variable; ValueError if the graph already has one."""
    graph = graph or _graph.get_default_graph()
    if get_global_step(graph) is not None:
        raise ValueError('"global_step" already exists.')
    with graph.as_default(), graph.name_scope(None):
        return _vs.get_variable(GraphKeys.GLOBAL_STEP, shape=[], dtype=_dtypes.int64,
                                initializer=_zeros_initializer, trainable=False,
                                collections=[GraphKeys.GLOBAL_VARIABLES, GraphKeys.GLOBAL_STEP])


def get_or_create_global_step(graph=None):
    """The global step of the graph, created if it has none."""
    graph = graph or _graph.get_default_graph()
    step = get_global_step(graph)
    if step is None:
        step = create_global_step(graph)
    return step


def assert_global_step(global_step_tensor):
    """TypeError unless `global_step_tensor` is an integer scalar Variable or Tensor."""
    if not isinstance(global_step_tensor, (_variables.Variable, Tensor)):
        raise TypeError(f'Existing "global_step" must be a Variable or Tensor: {global_step_tensor}.')
    if not global_step_tensor.dtype.base_dtype.is_integer:
        raise TypeError(f'Existing "global_step" does not have integer type: {global_step_tensor.dtype}')
    shape = global_step_tensor.get_shape()
    if shape.ndims != 0 and shape.is_fully_defined():
        raise TypeError(f'Existing "global_step" is not scalar: {shape}')


def _zeros_initializer(shape, dtype=None, partition_info=None):
    return array_ops.zeros(shape, dtype, name="zeros")
