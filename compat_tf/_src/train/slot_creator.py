"""Slot variables: the per-variable state of optimizers and moving averages (TF1's slot_creator).

A slot is a real, non-trainable graph Variable in GLOBAL_VARIABLES (so
`tf.global_variables()`, initializers and a Saver see it), named as TF1 names
it: `<current variable scope>/<primary op name>/<name>`, made unique the way
TF1's `variable_scope(None, default_name=...)` does (`w/Adam`, `w/Adam_1`).
It is created outside any control-dependency block, as under TF1's init_scope.
"""
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops import variables as _variables


def _slot_variable(primary, initial_value, name, dtype=None, validate_shape=True):
    g = _graph.get_default_graph()
    prefix = primary.op.name
    with g.control_dependencies(None), _vs.variable_scope(None, default_name=prefix + "/" + name) as scope:
        # TF1 creates the slot with get_variable("") in that scope: the variable's name is the
        # scope's name, independent of the name scope.
        with g.name_scope(None):
            return _variables.Variable(initial_value, name=scope.name + "/", trainable=False, dtype=dtype,
                                       validate_shape=validate_shape)


def create_slot(primary, val, name, colocate_with_primary=True):
    """A slot for `primary` initialised to the value (or tensor) `val`."""
    val = _constant.convert_to_tensor(val) if not callable(val) else val
    validate = True if callable(val) else val.shape.is_fully_defined()
    return _slot_variable(primary, val, name, validate_shape=validate)


def create_slot_with_initializer(primary, initializer, shape, dtype, name, colocate_with_primary=True):
    """A slot initialised by `initializer(shape, dtype)` (a tf initializer or any such callable)."""
    from compat_tf._src.framework import dtypes as _dtypes
    from compat_tf._src.framework import tensor_shape as _ts
    dtype = _dtypes.as_dtype(dtype).base_dtype
    shape = _ts.as_shape(shape)
    if not shape.is_fully_defined():
        raise ValueError(f"slot {name} of {primary.op.name}: the shape {shape} must be fully defined to "
                         "use an initializer")
    dims = shape.as_list()

    def init():
        try:
            return initializer(dims, dtype=dtype, partition_info=None)
        except TypeError as e:
            if "partition_info" not in str(e):
                raise
            return initializer(dims, dtype=dtype)
    return _slot_variable(primary, init, name, dtype=dtype)


def create_zeros_slot(primary, name, dtype=None, colocate_with_primary=True):
    """A slot of zeros with the primary's shape and (by default) dtype."""
    from compat_tf._src.framework import dtypes as _dtypes
    dtype = _dtypes.as_dtype(dtype or primary.dtype).base_dtype
    shape = primary.get_shape()
    if shape.is_fully_defined():
        return create_slot_with_initializer(primary, _zeros_initializer, shape, dtype, name)
    # unknown static shape (validate_shape=False): zeros shaped like the primary's initial value
    init = getattr(primary, "initial_value", primary)
    return _slot_variable(primary, lambda: array_ops.zeros_like(init, dtype=dtype), name, dtype=dtype,
                          validate_shape=False)


def _zeros_initializer(shape, dtype=None, partition_info=None):
    return array_ops.zeros(shape, dtype, name="zeros")


def constant_initializer(value):
    """initializer(shape, dtype) filling `value` (TF1's constant_initializer for a scalar)."""
    def init(shape, dtype=None, partition_info=None):
        if value == 0:
            return array_ops.zeros(shape, dtype, name="zeros")
        if value == 1:
            return array_ops.ones(shape, dtype, name="ones")
        return array_ops.fill(shape, _constant.convert_to_tensor(value, dtype=dtype), name="Const")
    return init
