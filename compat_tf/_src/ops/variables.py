"""tf.Variable (TF1's RefVariable) and the variable collections and initializers.

A Variable is the op trio TF1 builds: `name` (VariableV2), `name/Assign`
(its initializer) and `name/read` (the snapshot Identity that consumers
use). Names, collections and the `*_ref` dtype follow TF 1.15.
"""
import numpy as np

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import GraphKeys, Tensor
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import state_ops


class Variable:
    """TF1's tf.Variable (a reference variable; an eager ResourceVariable while executing eagerly)."""

    def __new__(cls, *args, **kwargs):
        if cls is Variable:
            from compat_tf._src.framework import graph_scopes
            creators = graph_scopes.active_creators()
            if creators:    # tf.variable_creator_scope: the creators build it (__init__ then skips)
                made = graph_scopes.create_with_creators(Variable, creators, args, kwargs)
                if isinstance(made, Variable):
                    made._made_by_creator = True
                return made
        stack = _graph._default_graph_state.stack
        if cls is Variable and _graph._eager_graph is not None and (
                not stack or getattr(stack[-1], "_lifts_variables", False)):
            from compat_tf._src.eager import variables as _eager_variables
            return object.__new__(_eager_variables.EagerVariable)
        return object.__new__(cls)

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None, expected_shape=None,
                 import_scope=None, constraint=None, use_resource=None, synchronization=None,
                 aggregation=None, shape=None):
        if self.__dict__.pop("_made_by_creator", False):
            return
        if variable_def is not None:
            # TF1's _init_from_proto: a Variable object for ops already in the graph
            if initial_value is not None:
                raise ValueError("variable_def and initial_value are mutually exclusive.")
            from compat_tf._src.train import meta_graph
            self.__dict__.update(meta_graph.variable_from_proto(variable_def, import_scope=import_scope).__dict__)
            return
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        trainable = True if trainable is None else bool(trainable)
        if collections is None:
            collections = [GraphKeys.GLOBAL_VARIABLES]
        collections = list(collections)
        if trainable and GraphKeys.TRAINABLE_VARIABLES not in collections:
            collections.append(GraphKeys.TRAINABLE_VARIABLES)
        g = _graph.get_default_graph()
        self._graph = g
        self._trainable = trainable
        self._constraint = constraint
        self._save_slice_info = None
        # TF1 builds a variable under `init_scope`: outside any control_dependencies
        # block (and cond/while body), keeping the name scope and device.
        with g.control_dependencies(None), g.name_scope(name or "Variable") as scope:
            op_name = scope[:-1]
            if callable(initial_value):
                with g.name_scope("Initializer"):
                    init = initial_value()
                init = _constant.convert_to_tensor(init, dtype=dtype, name="initial_value")
            else:
                init = _constant.convert_to_tensor(initial_value, dtype=dtype, name="initial_value")
            if isinstance(initial_value, Variable):
                init = initial_value.initialized_value()
            var_shape = init.shape if validate_shape else _ts.unknown_shape()
            if shape is not None:
                var_shape = _ts.as_shape(shape)
            if validate_shape and not var_shape.is_fully_defined():
                raise ValueError(f"initial_value must have a shape specified: {init}")
            self._variable = state_ops.variable_op_v2(var_shape, init.dtype.base_dtype, name=op_name + "/")
            self._initial_value = init
            self._initializer_op = state_ops.assign(self._variable, init, validate_shape=validate_shape,
                                                    name="Assign").op
            self._snapshot = _identity(self._variable, "read")
        for c in collections:
            g.add_to_collection(c, self)

    # -- identity ---------------------------------------------------------------------
    @property
    def name(self):
        return self._variable.name

    @property
    def op(self):
        return self._variable.op

    @property
    def graph(self):
        return self._graph

    @property
    def dtype(self):
        return self._variable.dtype

    @property
    def device(self):
        return self._variable.device

    @property
    def shape(self):
        return self._variable.shape

    def get_shape(self):
        return self._variable.shape

    def set_shape(self, shape):
        self._variable.set_shape(shape)

    @property
    def trainable(self):
        return self._trainable

    @property
    def constraint(self):
        return self._constraint

    @property
    def initializer(self):
        return self._initializer_op

    @property
    def initial_value(self):
        return self._initial_value

    def initialized_value(self):
        return control_flow_ops.cond(is_variable_initialized(self), self.read_value,
                                     lambda: self.initial_value)

    def _ref(self):
        return self._variable

    def value(self):
        return self._snapshot

    def read_value(self):
        return _identity(self._variable, "read")

    def _as_graph_element(self):
        return self._variable

    def _AsTensor(self):  # noqa: N802 - TF1 name
        return self._snapshot

    # -- updates ----------------------------------------------------------------------
    def assign(self, value, use_locking=False, name=None, read_value=True):
        out = state_ops.assign(self._variable, value, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_add(self, delta, use_locking=False, name=None, read_value=True):
        out = state_ops.assign_add(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def assign_sub(self, delta, use_locking=False, name=None, read_value=True):
        out = state_ops.assign_sub(self._variable, delta, use_locking=use_locking, name=name)
        return out if read_value else out.op

    def load(self, value, session=None):
        """Writes `value` into the variable in `session` without adding ops (TF1 Variable.load)."""
        from compat_tf._src.runtime import session as _session
        session = session or _session.get_default_session()
        if session is None:
            raise ValueError("Either session argument should be provided or default session should be "
                             "established")
        arr = np.asarray(value, dtype=self.dtype.base_dtype.as_numpy_dtype)
        if not self.shape.is_compatible_with(arr.shape):
            raise ValueError(f"Cannot load value of shape {arr.shape} into variable {self.op.name} of "
                             f"shape {self.shape}")
        import jax.numpy as jnp
        session._commit({self.op.name: jnp.asarray(arr)})

    def eval(self, session=None):
        return self._variable.eval(session=session)

    def count_up_to(self, limit):
        """TF1's Variable.count_up_to: tf.count_up_to(self, limit)."""
        from compat_tf._src.ops import state_ops
        return state_ops.count_up_to(self, limit)

    def to_proto(self, export_scope=None):
        """TF1's Variable.to_proto: a VariableDef, or None when the variable is outside `export_scope`."""
        from compat_tf._src.train import meta_graph
        return meta_graph.variable_to_proto(self, export_scope=export_scope)

    @staticmethod
    def from_proto(variable_def, import_scope=None):
        """TF1's Variable.from_proto: the Variable whose ops `variable_def` names (already in the graph)."""
        return Variable(variable_def=variable_def, import_scope=import_scope)

    def __repr__(self):
        return (f"<tf.Variable '{self.name}' shape={self.shape} "
                f"dtype={self.dtype.base_dtype.name}_ref>")

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other

    def __iter__(self):
        raise TypeError("'Variable' object is not iterable.")

    def __bool__(self):
        return self._snapshot.__bool__()


def _identity(ref, name):
    # the snapshot keeps the reference (read when consumed), see runtime/lowering.py
    return control_flow_ops.identity(ref, name=name)


def _forward_operator(name):
    def method(self, *args):
        return getattr(self._snapshot, name)(*args)
    method.__name__ = name
    return method


for _op in ("__add__", "__radd__", "__sub__", "__rsub__", "__mul__", "__rmul__", "__truediv__",
            "__rtruediv__", "__floordiv__", "__rfloordiv__", "__mod__", "__rmod__", "__pow__", "__rpow__",
            "__matmul__", "__rmatmul__", "__lt__", "__le__", "__gt__", "__ge__", "__and__", "__rand__",
            "__or__", "__ror__", "__xor__", "__rxor__", "__neg__", "__abs__", "__invert__", "__getitem__"):
    setattr(Variable, _op, _forward_operator(_op))
Variable.__array_priority__ = 100


def _variable_to_tensor(v, dtype=None, name=None, as_ref=False):
    return v._variable if as_ref else v._snapshot


_constant.register_tensor_conversion_function(Variable, _variable_to_tensor)

# -- collections and initializers ---------------------------------------------------------


def global_variables(scope=None):
    return _graph.get_collection(GraphKeys.GLOBAL_VARIABLES, scope)


def all_variables():
    return global_variables()


def trainable_variables(scope=None):
    return _graph.get_collection(GraphKeys.TRAINABLE_VARIABLES, scope)


def local_variables(scope=None):
    return _graph.get_collection(GraphKeys.LOCAL_VARIABLES, scope)


def model_variables(scope=None):
    return _graph.get_collection(GraphKeys.MODEL_VARIABLES, scope)


def moving_average_variables(scope=None):
    return _graph.get_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, scope)


def variables_initializer(var_list, name="init"):
    """A NoOp whose control inputs are the initializers of `var_list`."""
    from compat_tf._src.ops import control_flow_ops
    if var_list:
        return control_flow_ops.group(*[v.initializer for v in var_list], name=name)
    return control_flow_ops.no_op(name=name)


def global_variables_initializer():
    return variables_initializer(global_variables())


def initialize_all_variables():
    return global_variables_initializer()


def local_variables_initializer():
    return variables_initializer(local_variables())


def initialize_local_variables():
    return local_variables_initializer()


def initialize_variables(var_list, name="init"):
    return variables_initializer(var_list, name)


def is_variable_initialized(variable):
    return state_ops.is_variable_initialized(variable)


def report_uninitialized_variables(var_list=None, name="report_uninitialized_variables"):
    """A string tensor of the names of the uninitialised variables in `var_list`."""
    if var_list is None:
        var_list = global_variables() + local_variables()
    names = tuple((v.op.name, v.op.name) for v in var_list)
    op = _graph.get_default_graph().create_op("ReportUninitializedVariables", [], {"names": names}, name=name)
    return op.outputs[0]


def assert_variables_initialized(var_list=None):
    raise NotImplementedError("tf.assert_variables_initialized is not supported by compat_tf yet")


def _is_tensor(x):
    return isinstance(x, Tensor)
