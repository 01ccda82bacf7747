"""Eager variables: TF 1.15's ResourceVariable as `tf.Variable` builds it while executing eagerly.

`tf.Variable(...)`, `tf.get_variable(...)` and `tf.contrib.eager.Variable(...)` made in eager
mode are `EagerVariable`s (a subclass of tf.Variable, as TF's ResourceVariable is): the value
lives in the eager variable store `STATE` under the variable's unique id, and ops reach it
through the variable's handle, a ref-typed EagerTensor holding a `VarRef` (the graph
runtime's alias of a variable), so tf.assign, the optimizers' Apply* kernels and scatter ops
run their registered lowerings on it unchanged. Every read (`value()`, `read_value()`, using
the variable as an op input) makes a new EagerTensor and tells the active GradientTapes,
which watch trainable variables they see read.

TF 1.15 eager behaviour kept: names follow the name scopes without uniquification ("a/w:0"
twice), nothing is added to collections, `initializer` is None and `initial_value` raises,
`assign*` return a variable-like `UnreadVariable` (or None with read_value=False), shapes
are checked (ValueError), `repr` shows the value.
Deviations: the handle's dtype is the variable's ref dtype, not `resource`.
"""
import itertools
import weakref

import numpy as np

from compat_tf._src.eager import tape as _tape
from compat_tf._src.eager.tensor import EagerTensor
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import Operation
from compat_tf._src.ops import variables as _graph_variables
from compat_tf._src.runtime.lowering import VarRef

# variable unique id -> current value (NumPy or JAX array); entries leave with their variable
STATE = {}
_uids = itertools.count(1)


class _Initialized:
    """`key in INITIALIZED`: whether the eager store holds a value for the variable."""

    def __contains__(self, key):
        return key in STATE


INITIALIZED = _Initialized()


def read_state(ref, op=None):
    """The current value of the variable `ref` aliases (FailedPreconditionError once it is gone)."""
    try:
        return STATE[ref.key]
    except KeyError:
        raise errors.FailedPreconditionError(None, op, f"Error while reading resource variable {ref.key}: "
                                             "the variable was destroyed") from None


def _drop(key):
    STATE.pop(key, None)


class EagerVariable(_graph_variables.Variable):
    """A variable of eager mode (TF 1.15's ResourceVariable); see the module docstring."""

    _restore_check = False

    def __init__(self, initial_value=None, trainable=None, collections=None, validate_shape=True,
                 caching_device=None, name=None, variable_def=None, dtype=None, expected_shape=None,
                 import_scope=None, constraint=None, use_resource=None, synchronization=None,
                 aggregation=None, shape=None):
        if variable_def is not None:
            raise ValueError("variable_def is not supported when eager execution is enabled (TF creates "
                             "variables from protos in graph mode only).")
        if initial_value is None:
            raise ValueError("initial_value must be specified.")
        if constraint is not None and not callable(constraint):
            raise ValueError("The `constraint` argument must be a callable.")
        from compat_tf._src.eager import capture
        with capture.init_scope():
            self._init_eagerly(initial_value, trainable, validate_shape, name, dtype, constraint, shape,
                               collections)

    def _init_eagerly(self, initial_value, trainable, validate_shape, name, dtype, constraint, shape,
                      collections):
        from compat_tf._src.ops import constant as _constant
        g = _graph.get_default_graph()
        with g.name_scope(name if name is not None else "Variable") as scope:
            handle_name = scope[:-1]
            if callable(initial_value):
                with g.name_scope("Initializer"):
                    init = initial_value()
            else:
                init = initial_value
            if isinstance(init, _graph_variables.Variable):
                init = init.value()
            init = _constant.convert_to_tensor(init, dtype=dtype, name="initial_value")
        var_shape = init.shape if validate_shape else _ts.unknown_shape()
        if shape is not None:
            var_shape = _ts.as_shape(shape)
            if validate_shape and not var_shape.is_compatible_with(init.shape):
                raise ValueError(f"Shapes {var_shape} and {init.shape} are incompatible")
        self._init_common(handle_name, f"{handle_name}_{next(_uids)}", init.dtype.base_dtype, var_shape,
                          True if trainable is None else bool(trainable), constraint)
        STATE[self._unique_id] = init._value
        weakref.finalize(self, _drop, self._unique_id)
        from compat_tf._src.train import object_checkpoint
        if object_checkpoint.has_pending():
            self._restore_check = True    # a checkpoint restored earlier may hold this variable's value
        if collections is not None and _graph.GraphKeys.GLOBAL_STEP in collections:
            # TF 1.15 adds an eager variable to no collection, except the global step's
            _graph.get_default_graph().add_to_collection(_graph.GraphKeys.GLOBAL_STEP, self)

    def _init_common(self, handle_name, unique_id, dtype, shape, trainable, constraint):
        self._handle_name = handle_name + ":0"
        self._shared_name = handle_name
        self._unique_id = unique_id
        self._dtype_base = dtype
        self._var_shape = shape
        self._trainable = trainable
        self._constraint = constraint
        self._save_slice_info = None
        self._graph = _graph.get_default_graph()
        self._handle = EagerTensor(VarRef(unique_id), dtype._as_ref, None, shape=shape)
        self._read_op = Operation(self._graph, "ReadVariableOp", handle_name + "/Read/ReadVariableOp",
                                  [], {"dtype": dtype}, (), "")
        self._handle._op = Operation(self._graph, "VarHandleOp", handle_name, [],
                                     {"dtype": dtype, "shape": shape, "shared_name": handle_name}, (), "")
        self._handle._op._outputs = [self._handle]
        me = weakref.ref(self)
        self._read_op._eager_variable = self._handle._op._eager_variable = me

    @property
    def _variable(self):
        """The handle (eager), or this variable's ref in the graph being built (see capture.py)."""
        g = _building_graph()
        if g is None:
            return self._handle
        from compat_tf._src.eager import capture
        return capture.variable_ref(g, self)

    # -- identity -------------------------------------------------------------------------
    @property
    def name(self):
        return self._handle_name

    @property
    def dtype(self):
        return self._dtype_base

    @property
    def shape(self):
        return self._var_shape

    def get_shape(self):
        return self._var_shape

    def set_shape(self, shape):
        raise NotImplementedError("ResourceVariable.set_shape is not supported (TF 1.15)")

    @property
    def handle(self):
        return self._variable

    @property
    def op(self):
        return self._variable._op

    @property
    def graph(self):
        g = _building_graph()
        return self._graph if g is None else g

    @property
    def device(self):
        from compat_tf._src.eager.tensor import device_name
        return device_name()

    @property
    def initializer(self):
        return None

    @property
    def initial_value(self):
        raise RuntimeError("initial_value not supported in EAGER mode.")

    def initialized_value(self):
        return self.value()

    # -- reads ------------------------------------------------------------------------------
    def value(self):
        """A new EagerTensor holding the current value (recorded by the active tapes); in a graph
        being built, a read of the variable's ref there."""
        g = _building_graph()
        if g is not None:
            from compat_tf._src.eager import capture
            return capture.variable_read(g, self)
        if self._restore_check:
            self._restore_check = False
            from compat_tf._src.train import object_checkpoint
            object_checkpoint.restore_pending()
        t = EagerTensor(read_state(self._handle._value), self._dtype_base, self._read_op)
        if _tape.ACTIVE:
            _tape.variable_read(self._tape_key(), t)
        return t

    read_value = value
    _AsTensor = value   # noqa: N815 - TF1 name

    @property
    def _snapshot(self):
        return self.value()

    def _tape_key(self):
        return self

    def numpy(self):
        v = np.asarray(read_state(self._handle._value))
        return v.copy() if v.ndim else v[()]

    def __array__(self, dtype=None, copy=None):
        v = np.asarray(read_state(self._handle._value))
        return v if dtype is None else v.astype(dtype)

    def __bool__(self):
        return bool(self.numpy())

    def __int__(self):
        return int(self.numpy())

    def __float__(self):
        return float(self.numpy())

    def __index__(self):
        return int(np.asarray(self.numpy()).__index__())

    def __format__(self, format_spec):
        return self.numpy().__format__(format_spec)

    def __len__(self):
        if not self._var_shape.ndims:
            raise TypeError("Scalar tensor has no `len()`")
        return self._var_shape.as_list()[0]

    def eval(self, session=None):
        raise NotImplementedError("eval is not supported when eager execution is enabled, is .numpy() the "
                                  "method you want?")

    def sparse_read(self, indices, name=None):
        from compat_tf._src.ops import gather_ops
        return gather_ops.gather(self.value(), indices, name=name)

    def gather_nd(self, indices, name=None):
        from compat_tf._src.ops import gather_ops
        return gather_ops.gather_nd(self.value(), indices, name=name)

    # -- writes -----------------------------------------------------------------------------
    def _converted(self, value):
        from compat_tf._src.ops import constant as _constant
        return _constant.convert_to_tensor(value, dtype=self._dtype_base)

    def assign(self, value, use_locking=None, name=None, read_value=True):
        """Writes `value` (ValueError if its shape is not the variable's)."""
        if _building_graph() is not None:
            from compat_tf._src.ops import state_ops
            out = state_ops.assign(self._variable, value, name=name)
            return out if read_value else out.op
        t = self._converted(value)
        if not self._var_shape.is_compatible_with(t.shape):
            raise ValueError(f"Shapes {self._var_shape} and {t.shape} are incompatible")
        STATE[self._unique_id] = t._value
        return self._lazy_read() if read_value else None

    def _update(self, op_type, delta, name, read_value):
        if _building_graph() is not None:
            from compat_tf._src.ops import state_ops
            fn = state_ops.assign_add if op_type == "AssignAddVariableOp" else state_ops.assign_sub
            out = fn(self._variable, delta, name=name)
            return out if read_value else out.op
        t = self._converted(delta)
        if t.shape.as_list() != self._var_shape.as_list():
            raise errors.InvalidArgumentError(
                None, None, f"Cannot update variable with shape {self._var_shape.as_list()} using a Tensor with "
                f"shape {t.shape.as_list()}, shapes must be equal. [Op:{op_type}]")
        g = _graph.get_default_graph()
        g.create_op(op_type, [self._handle, t], {"dtype": self._dtype_base}, name=name or op_type)
        return self._lazy_read() if read_value else None

    def assign_add(self, delta, use_locking=None, name=None, read_value=True):
        return self._update("AssignAddVariableOp", delta, name, read_value)

    def assign_sub(self, delta, use_locking=None, name=None, read_value=True):
        return self._update("AssignSubVariableOp", delta, name, read_value)

    def _scatter(self, op_type, sparse_delta, name):
        from compat_tf._src.framework.indexed_slices import IndexedSlices
        if not isinstance(sparse_delta, IndexedSlices):
            raise TypeError(f"sparse_delta is not IndexedSlices: {sparse_delta}")
        g = _graph.get_default_graph()
        g.create_op(op_type, [self._handle, self._index_tensor(sparse_delta.indices),
                              self._converted(sparse_delta.values)], {"dtype": self._dtype_base},
                    name=name or op_type)
        return self._lazy_read()

    @staticmethod
    def _index_tensor(indices):
        from compat_tf._src.ops import constant as _constant
        return _constant.convert_to_tensor(indices)

    def scatter_add(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("ResourceScatterAdd", sparse_delta, name)

    def scatter_sub(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("ResourceScatterSub", sparse_delta, name)

    def scatter_update(self, sparse_delta, use_locking=False, name=None):
        return self._scatter("ResourceScatterUpdate", sparse_delta, name)

    def _lazy_read(self):
        return UnreadVariable(self)

    def load(self, value, session=None):
        self.assign(value)

    def to_proto(self, export_scope=None):
        raise RuntimeError("to_proto not supported in EAGER mode.")

    def __repr__(self):
        return (f"<tf.Variable '{self.name}' shape={self.shape} dtype={self.dtype.name}, "
                f"numpy={_value_text(self)}>")

    def __reduce__(self):
        raise TypeError("eager variables cannot be pickled; save them with tf.train.Checkpoint")


class UnreadVariable(EagerVariable):
    """What `assign*` return (TF's _UnreadVariable): reads the parent variable when used."""

    def __init__(self, parent):        # shares the parent's storage: no EagerVariable.__init__
        self._parent = parent
        self.__dict__.update({k: v for k, v in parent.__dict__.items() if k != "_parent"})
        self._handle_name = "UnreadVariable"

    def _tape_key(self):
        return self._parent


def _building_graph():
    """The graph being built in this thread (a defun trace, Keras' graph, a tf.Graph block), else None."""
    stack = _graph._default_graph_state.stack
    return stack[-1] if stack else None


def _value_text(var):
    value = var.numpy()
    text = repr(value) if isinstance(value, (np.ndarray, bytes)) else str(value)
    return "\n" + text if "\n" in text else text
