"""tf.variable_scope and tf.get_variable: TF1's variable sharing.

Mirrors TF 1.15's variable_scope.py for what programs use:
- a per-graph store maps full names ("conv1/weights") to Variables;
  `get_variable` creates, or with reuse returns, the variable of that name
  (ValueError on a duplicate without reuse, a missing one with reuse=True,
  or a shape/dtype mismatch);
- variable names depend only on the variable scope, never on `name_scope`;
- entering `variable_scope("x")` also opens name scope "x" (uniquified, so a
  second entry gives ops under "x_1/"), entering a captured scope object
  re-enters its original name scope;
- reuse is inherited and sticky (True cannot be turned back off inside);
  `AUTO_REUSE` creates when missing, reuses when present;
- initializer, regularizer, dtype, custom_getter and constraint are
  inherited from the enclosing scope; the default initializer is
  glorot_uniform for floats and zeros for ints and bools;
- a regularizer's loss is added to REGULARIZATION_LOSSES once, when the
  variable is created.

Partitioners (TF1's PartitionedVariable) are in partitioned_variables.py.
Deviations: `caching_device` and `use_resource` are accepted and ignored (variables are
always TF1 reference variables).
"""
import contextlib
import enum

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import variables as _variables

__all__ = ["AUTO_REUSE", "VariableScope", "get_local_variable", "get_variable", "get_variable_scope",
           "variable_op_scope", "variable_scope", "no_regularizer"]


class _ReuseMode(enum.Enum):
    AUTO_REUSE = 1


AUTO_REUSE = _ReuseMode.AUTO_REUSE


def no_regularizer(_):
    """tf.no_regularizer: use to disable the scope's regularizer for one variable."""
    return None


class VariableScope:
    """TF1's tf.VariableScope: the name and the defaults `get_variable` uses inside it."""

    def __init__(self, reuse, name="", initializer=None, regularizer=None, caching_device=None,
                 partitioner=None, custom_getter=None, name_scope="", dtype=_dtypes.float32,
                 use_resource=None, constraint=None):
        self._name = name
        self._reuse = reuse
        self._initializer = initializer
        self._regularizer = regularizer
        self._caching_device = caching_device
        self._partitioner = partitioner
        self._custom_getter = custom_getter
        self._name_scope = name_scope
        self._dtype = dtype
        self._use_resource = use_resource
        self._constraint = constraint

    name = property(lambda self: self._name)
    original_name_scope = property(lambda self: self._name_scope)
    reuse = property(lambda self: self._reuse)
    initializer = property(lambda self: self._initializer)
    regularizer = property(lambda self: self._regularizer)
    caching_device = property(lambda self: self._caching_device)
    partitioner = property(lambda self: self._partitioner)
    custom_getter = property(lambda self: self._custom_getter)
    dtype = property(lambda self: self._dtype)
    use_resource = property(lambda self: self._use_resource)
    constraint = property(lambda self: self._constraint)

    def reuse_variables(self):
        """From now on, get_variable in this scope reuses existing variables."""
        self._reuse = True

    def set_initializer(self, initializer):
        self._initializer = initializer

    def set_regularizer(self, regularizer):
        self._regularizer = regularizer

    def set_dtype(self, dtype):
        self._dtype = dtype

    def set_caching_device(self, caching_device):
        self._caching_device = caching_device

    def set_partitioner(self, partitioner):
        self._partitioner = partitioner

    def set_custom_getter(self, custom_getter):
        self._custom_getter = custom_getter

    def set_use_resource(self, use_resource):
        self._use_resource = use_resource

    def global_variables(self):
        return _variables.global_variables(self._scope_prefix())

    def trainable_variables(self):
        return _variables.trainable_variables(self._scope_prefix())

    def local_variables(self):
        return _variables.local_variables(self._scope_prefix())

    def _scope_prefix(self):
        return (self._name + "/") if self._name else None

    def get_collection(self, name):
        return _graph.get_collection(name, self._scope_prefix())

    def get_variable(self, var_store, name, shape=None, dtype=None, initializer=None, regularizer=None,
                     reuse=None, trainable=None, collections=None, caching_device=None, partitioner=None,
                     validate_shape=True, use_resource=None, custom_getter=None, constraint=None,
                     synchronization=None, aggregation=None):
        """Fills in this scope's defaults, then asks the store (TF1 VariableScope.get_variable)."""
        if partitioner is None:
            partitioner = self._partitioner
        if custom_getter is None:
            custom_getter = self._custom_getter
        if reuse is None:
            reuse = self._reuse
        full_name = self._name + "/" + name if self._name else name
        if dtype is None:
            dtype = self._dtype
        if initializer is None:
            initializer = self._initializer
        if regularizer is None:
            regularizer = self._regularizer
        if constraint is None:
            constraint = self._constraint
        # variable names depend only on the variable scope: create at the root name scope
        g = _graph.get_default_graph()
        with g.name_scope(None):
            return var_store.get_variable(full_name, shape=shape, dtype=dtype, initializer=initializer,
                                          regularizer=regularizer, reuse=reuse, trainable=trainable,
                                          collections=collections, validate_shape=validate_shape,
                                          custom_getter=custom_getter, constraint=constraint,
                                          partitioner=partitioner)


class _VariableStore:
    """name -> Variable for one graph (TF1's _VariableStore)."""

    def __init__(self):
        self._vars = {}
        self._partitioned_vars = {}       # name -> PartitionedVariable (partitioned_variables.py)
        self.variable_scopes_count = {}   # scope name -> times a default_name scope was opened

    def open_variable_scope(self, scope_name):
        self.variable_scopes_count[scope_name] = self.variable_scopes_count.get(scope_name, 0) + 1

    def close_variable_subscopes(self, scope_name):
        prefix = scope_name + "/" if scope_name else ""
        for k in list(self.variable_scopes_count):
            if not scope_name or k.startswith(prefix):
                self.variable_scopes_count[k] = 0

    def variable_scope_count(self, scope_name):
        return self.variable_scopes_count.get(scope_name, 0)

    def get_variable(self, name, shape=None, dtype=_dtypes.float32, initializer=None, regularizer=None,
                     reuse=None, trainable=None, collections=None, validate_shape=True,
                     custom_getter=None, constraint=None, partitioner=None):
        def true_getter(name, shape=None, dtype=_dtypes.float32, initializer=None, regularizer=None,
                        reuse=None, trainable=None, collections=None, validate_shape=True,
                        constraint=None, partitioner=None, **_):
            # TF1's _true_getter: a partitioner (for a non-scalar) makes a PartitionedVariable; reuse=True
            # finds one without the partitioner
            is_scalar = isinstance(shape, (list, tuple)) and not shape
            if (partitioner is not None and not is_scalar) or (
                    reuse is True and partitioner is None and name in self._partitioned_vars):
                if partitioner is not None and not callable(partitioner):
                    raise ValueError(f"Partitioner must be callable, but received: {partitioner}")
                from compat_tf._src.ops import partitioned_variables
                return partitioned_variables.get_partitioned_variable(
                    self, name, partitioner, shape=shape, dtype=dtype, initializer=initializer,
                    regularizer=regularizer, reuse=reuse, trainable=trainable, collections=collections,
                    validate_shape=validate_shape, constraint=constraint)
            return self._get_single_variable(name, shape, dtype, initializer, regularizer, reuse,
                                             trainable, collections, validate_shape, constraint)
        if custom_getter is not None:
            if not callable(custom_getter):
                raise ValueError(f"Passed a custom_getter which is not callable: {custom_getter}")
            return custom_getter(true_getter, name, shape=shape, dtype=dtype, initializer=initializer,
                                 regularizer=regularizer, reuse=reuse, trainable=trainable,
                                 collections=collections, validate_shape=validate_shape,
                                 constraint=constraint, partitioner=partitioner)
        return true_getter(name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
                           reuse=reuse, trainable=trainable, collections=collections,
                           validate_shape=validate_shape, constraint=constraint, partitioner=partitioner)

    def _get_single_variable(self, name, shape, dtype, initializer, regularizer, reuse, trainable,
                             collections, validate_shape, constraint, partition_info=None):
        initializing_from_value = initializer is not None and not callable(initializer)
        if initializing_from_value and shape is not None:
            raise ValueError("If initializer is a constant, do not specify shape.")
        dtype = _dtypes.as_dtype(dtype).base_dtype
        shape = _ts.as_shape(shape) if shape is not None else None
        if _graph._eager_graph is not None and not _graph._default_graph_state.stack:
            reuse = AUTO_REUSE       # TF 1.15: every variable scope is AUTO_REUSE while executing eagerly
        if name in self._vars:
            if reuse is False or reuse is None:
                raise ValueError(f"Variable {name} already exists, disallowed. Did you mean to set "
                                 "reuse=True or reuse=tf.AUTO_REUSE in VarScope?")
            found = self._vars[name]
            if shape is not None and not shape.is_compatible_with(found.get_shape()):
                raise ValueError(f"Trying to share variable {name}, but specified shape {shape} and found "
                                 f"shape {found.get_shape()}.")
            if not initializing_from_value and dtype != found.dtype.base_dtype:
                raise ValueError(f"Trying to share variable {name}, but specified dtype {dtype.name} and "
                                 f"found dtype {found.dtype.base_dtype.name}.")
            return found
        if reuse is True:
            raise ValueError(f"Variable {name} does not exist, or was not created with tf.get_variable(). "
                             "Did you mean to set reuse=tf.AUTO_REUSE in VarScope?")
        if initializing_from_value:
            init_val = initializer
            var_dtype = None if isinstance(initializer, _graph.Tensor) else dtype
            if isinstance(initializer, np.ndarray) and dtype == _dtypes.float32:
                var_dtype = None   # a NumPy value keeps its own dtype, as in TF1
        else:
            if shape is None:
                raise ValueError(f"Shape of a new variable ({name}) must be fully defined, but instead was "
                                 "<unknown>.")
            if not shape.is_fully_defined():
                raise ValueError(f"Shape of a new variable ({name}) must be fully defined, but instead was "
                                 f"{shape}.")
            if initializer is None:
                initializer = _default_initializer(name, dtype)
            init = initializer
            if isinstance(init, type):
                init = init(dtype=dtype)
            shape_list = shape.as_list()

            def init_val():
                return _call_initializer(init, shape_list, dtype, partition_info)
            var_dtype = dtype
        v = _variables.Variable(initial_value=init_val, name=name, trainable=True if trainable is None else trainable,
                                collections=collections, validate_shape=validate_shape, dtype=var_dtype,
                                constraint=constraint)
        if not getattr(v, "_unique_id", None) or getattr(self, "_store_eager_variables", False):
            self._vars[name] = v   # TF 1.15: eager variables are not kept (each get_variable makes one)
        if regularizer is not None:
            g = _graph.get_default_graph()
            with g.name_scope(name + "/Regularizer/"):
                loss = regularizer(v)
            if loss is not None:
                g.add_to_collection(GraphKeys.REGULARIZATION_LOSSES, loss)
        return v


def _call_initializer(init, shape, dtype, partition_info=None):
    try:
        return init(shape, dtype=dtype, partition_info=partition_info)
    except TypeError as e:
        if "partition_info" not in str(e):
            raise
        return init(shape, dtype=dtype)


def _default_initializer(name, dtype):
    if dtype.is_floating:
        from compat_tf._src.ops import init_ops
        return init_ops.glorot_uniform_initializer()
    if dtype.is_integer or dtype.is_unsigned or dtype.is_bool:
        from compat_tf._src.ops import init_ops
        return init_ops.zeros_initializer()
    raise ValueError(f"An initializer for variable {name} of {dtype.name} is required")


# --------------------------------------------------------------------------------------------
# per-graph state
# --------------------------------------------------------------------------------------------

def _store(graph=None):
    g = graph or _graph.get_default_graph()
    if g._variable_store is None:
        g._variable_store = _VariableStore()
    return g._variable_store


def _scope_stack(graph=None):
    g = graph or _graph.get_default_graph()
    if g._variable_scope_stack is None:
        g._variable_scope_stack = [VariableScope(False)]
    return g._variable_scope_stack


def get_variable_scope():
    """tf.get_variable_scope: the current VariableScope object."""
    return _scope_stack()[-1]


def _get_default_variable_store():
    return _store()


def get_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=None,
                 collections=None, caching_device=None, partitioner=None, validate_shape=True,
                 use_resource=None, custom_getter=None, constraint=None, synchronization=None,
                 aggregation=None):
    """tf.get_variable: creates or (with reuse) returns the variable `scope/name`."""
    return get_variable_scope().get_variable(
        _store(), name, shape=shape, dtype=dtype, initializer=initializer, regularizer=regularizer,
        trainable=trainable, collections=collections, partitioner=partitioner,
        validate_shape=validate_shape, custom_getter=custom_getter, constraint=constraint)


def get_local_variable(name, shape=None, dtype=None, initializer=None, regularizer=None, trainable=False,
                       collections=None, caching_device=None, partitioner=None, validate_shape=True,
                       use_resource=None, custom_getter=None, constraint=None, synchronization=None,
                       aggregation=None):
    """tf.get_local_variable: get_variable into LOCAL_VARIABLES, not trainable."""
    collections = list(collections or []) + [GraphKeys.LOCAL_VARIABLES]
    return get_variable(name, shape, dtype, initializer, regularizer, False, collections,
                        partitioner=partitioner, validate_shape=validate_shape, custom_getter=custom_getter,
                        constraint=constraint)


# --------------------------------------------------------------------------------------------
# the context manager
# --------------------------------------------------------------------------------------------

class variable_scope:  # noqa: N801 - TF1 name
    """tf.variable_scope(name_or_scope, default_name=None, values=None, ..., reuse=None, ...)."""

    def __init__(self, name_or_scope, default_name=None, values=None, initializer=None, regularizer=None,
                 caching_device=None, partitioner=None, custom_getter=None, reuse=None, dtype=None,
                 use_resource=None, constraint=None, auxiliary_name_scope=True):
        if name_or_scope is None and default_name is None:
            raise TypeError("If default_name is None then name_or_scope is required")
        if not (reuse is True or reuse is False or reuse is None or reuse is AUTO_REUSE):
            raise ValueError("The reuse parameter must be True or False or None.")
        if name_or_scope is not None and not isinstance(name_or_scope, (str, VariableScope)):
            raise TypeError(f"VariableScope: name_or_scope must be a string or VariableScope, got "
                            f"{type(name_or_scope).__name__}")
        self._name_or_scope = name_or_scope
        self._default_name = default_name
        self._values = values
        self._kw = dict(initializer=initializer, regularizer=regularizer, caching_device=caching_device,
                        partitioner=partitioner, custom_getter=custom_getter, dtype=dtype,
                        use_resource=use_resource, constraint=constraint)
        self._reuse = reuse
        self._aux_name_scope = auxiliary_name_scope
        self._stack = contextlib.ExitStack()

    def __enter__(self):
        g = _graph._graph_of(self._values) if self._values else _graph.get_default_graph()
        self._stack.__enter__()
        self._stack.enter_context(g.as_default()) if self._values else None
        stack = _scope_stack(g)
        store = _store(g)
        parent = stack[-1]
        nos = self._name_or_scope
        if isinstance(nos, VariableScope):
            name = nos.name
            base = nos
            reuse = True if (self._reuse is True or parent.reuse is True) else \
                (self._reuse if self._reuse is not None else nos.reuse)
            # TF 1.15 opens a new (uniquified) name scope named after the scope's last component
            # under the current name scope; the scope object keeps its original_name_scope
            if self._aux_name_scope and nos.name:
                self._stack.enter_context(g.name_scope(nos.name.split("/")[-1]))
            name_scope = nos.original_name_scope
        else:
            if nos is not None:
                rel = nos
            else:
                if self._reuse is True:
                    raise ValueError("reuse=True cannot be used without a name_or_scope")
                prefix = parent.name + "/" if parent.name else ""
                rel = self._default_name
                if store.variable_scope_count(prefix + rel):
                    idx = 1
                    while store.variable_scope_count(f"{prefix}{rel}_{idx}"):
                        idx += 1
                    rel = f"{rel}_{idx}"
            name = parent.name + "/" + rel if parent.name else rel
            base = parent
            reuse = True if (self._reuse is True or parent.reuse is True) else \
                (self._reuse if self._reuse is not None else parent.reuse)
            if self._aux_name_scope:
                ns = self._stack.enter_context(g.name_scope(rel))
                name_scope = ns
            else:
                name_scope = g.get_name_scope() + "/" if g.get_name_scope() else ""
            store.open_variable_scope(name)
        kw = self._kw
        scope = VariableScope(
            reuse, name=name,
            initializer=kw["initializer"] if kw["initializer"] is not None else base.initializer,
            regularizer=kw["regularizer"] if kw["regularizer"] is not None else base.regularizer,
            caching_device=kw["caching_device"] or base.caching_device,
            partitioner=kw["partitioner"] if kw["partitioner"] is not None else base.partitioner,
            custom_getter=_chain_getters(base.custom_getter, kw["custom_getter"]),
            name_scope=name_scope,
            dtype=kw["dtype"] if kw["dtype"] is not None else base.dtype,
            use_resource=kw["use_resource"] if kw["use_resource"] is not None else base.use_resource,
            constraint=kw["constraint"] if kw["constraint"] is not None else base.constraint)
        stack.append(scope)
        self._graph = g
        self._entered_name = name
        self._old_counts = dict(store.variable_scopes_count) if isinstance(nos, VariableScope) else None
        return scope

    def __exit__(self, *exc):
        _scope_stack(self._graph).pop()
        # TF1 (_pure_variable_scope.__exit__): leaving a named scope resets the default_name
        # counters of its sub-scopes (so `variable_scope("m", reuse=True)` + tf.layers.dense gives
        # "m/dense" again); leaving a re-entered scope object restores the counters
        store = _store(self._graph)
        if self._old_counts is not None:
            store.variable_scopes_count = self._old_counts
        else:
            store.close_variable_subscopes(self._entered_name)
        return self._stack.__exit__(*exc)


def _chain_getters(outer, inner):
    if outer is None or inner is None:
        return inner if inner is not None else outer

    def chained(getter, *args, **kwargs):
        return inner(lambda *a, **k: outer(getter, *a, **k), *args, **kwargs)
    return chained


def variable_op_scope(values, name_or_scope, default_name=None, initializer=None, regularizer=None,
                      caching_device=None, partitioner=None, custom_getter=None, reuse=None, dtype=None,
                      use_resource=None, constraint=None):
    """Deprecated TF1 spelling of variable_scope(name_or_scope, default_name, values)."""
    return variable_scope(name_or_scope, default_name=default_name, values=values, initializer=initializer,
                          regularizer=regularizer, caching_device=caching_device, partitioner=partitioner,
                          custom_getter=custom_getter, reuse=reuse, dtype=dtype, use_resource=use_resource,
                          constraint=constraint)
