"""tf.train.ExponentialMovingAverage and assign_moving_average (TF1's moving_averages).

`apply(var_list)` creates one shadow variable per variable (a slot named
`<var>/ExponentialMovingAverage`, not trainable, initialised to the variable's
initial value) and returns the op that updates every shadow:

    shadow -= (1 - decay) * (shadow - value)

with `decay = min(decay, (1 + num_updates) / (10 + num_updates))` when
`num_updates` is given. Variables (not tensors) are added to the
MOVING_AVERAGE_VARIABLES collection. For tensors with `zero_debias=True` the
average is debiased as in TF1 (`biased` and `local_step` variables).
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import math_ops
from compat_tf._src.ops import state_ops
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops import variables as _variables
from compat_tf._src.train import slot_creator

_FLOAT_TYPES = None


def _float_types():
    global _FLOAT_TYPES
    if _FLOAT_TYPES is None:
        _FLOAT_TYPES = (_dtypes.bfloat16, _dtypes.float16, _dtypes.float32, _dtypes.float64)
    return _FLOAT_TYPES


def assign_moving_average(variable, value, decay, zero_debias=True, name=None):
    """variable -= (1 - decay) * (variable - value); returns the updated reference.

    With `zero_debias` the average is kept in a `biased` variable and divided
    by 1 - decay^t (t counted in `local_step`), as TF1 does.
    """
    g = _graph.get_default_graph()
    with g.name_scope(name or "AssignMovingAvg") as scope:
        decay = _constant.convert_to_tensor(1.0 - decay, name="decay")
        if decay.dtype.base_dtype != variable.dtype.base_dtype:
            decay = math_ops.cast(decay, variable.dtype.base_dtype)
        if zero_debias:
            return _zero_debias(variable, value, decay)
        return state_ops.assign_sub(variable, (variable - value) * decay, name=scope)


def _zero_debias(unbiased_var, value, decay):
    """TF1's _zero_debias: `decay` here is 1 - the decay rate."""
    g = _graph.get_default_graph()
    with _vs.variable_scope(unbiased_var.name[:-len(":0")], values=[unbiased_var, value, decay]):
        scope = _vs.get_variable_scope()

        def unique(name):
            if scope.reuse:
                return name
            existing = [x.op.name for x in scope.global_variables()]
            full = scope.name + "/" + name
            if full not in existing:
                return name
            idx = 1
            while full + f"_{idx}" in existing:
                idx += 1
            return name + f"_{idx}"

        def zeros(shape, dtype=None, partition_info=None):
            return array_ops.zeros(shape, dtype, name="zeros")

        with g.control_dependencies(None):
            biased = _vs.get_variable(unique("biased"), initializer=zeros, shape=unbiased_var.get_shape(),
                                      dtype=unbiased_var.dtype.base_dtype, trainable=False)
            local_step = _vs.get_variable(unique("local_step"), shape=[], dtype=unbiased_var.dtype.base_dtype,
                                          initializer=zeros, trainable=False)
    update_biased = state_ops.assign_sub(biased, (biased - value) * decay)
    update_local_step = local_step.assign_add(1)
    bias_factor = 1 - math_ops.pow(1.0 - decay, update_local_step)
    return state_ops.assign(unbiased_var, update_biased / bias_factor, name=g.get_name_scope() + "/")


def _key(x):
    return id(x)


class ExponentialMovingAverage:
    """Maintains moving averages of variables (or tensors) with exponential decay (TF1)."""

    def __init__(self, decay, num_updates=None, zero_debias=False, name="ExponentialMovingAverage"):
        self._decay = decay
        self._num_updates = num_updates
        self._zero_debias = zero_debias
        self._name = name
        self._averages = {}   # id(var) -> (var, average Variable)

    @property
    def name(self):
        return self._name

    def apply(self, var_list=None):
        """Creates the shadow variables (once) and returns the op updating all of them."""
        if var_list is None:
            var_list = _variables.trainable_variables()
        var_list = list(var_list)
        g = _graph.get_default_graph()
        zero_debias_true = set()
        for var in var_list:
            if var.dtype.base_dtype not in _float_types():
                raise TypeError(f"The variables must be half, float, or double: {var.name}")
            if _key(var) in self._averages:
                continue
            with g.control_dependencies(None):   # TF1's init_scope
                if isinstance(var, _variables.Variable):
                    avg = slot_creator.create_slot(var, _initialized_value(var), self.name)
                    g.add_to_collection(GraphKeys.MOVING_AVERAGE_VARIABLES, var)
                else:
                    avg = slot_creator.create_zeros_slot(var, self.name)
                    if self._zero_debias:
                        zero_debias_true.add(_key(avg))
            self._averages[_key(var)] = (var, avg)
        with g.name_scope(self.name) as scope:
            decay = _constant.convert_to_tensor(self._decay, name="decay")
            if self._num_updates is not None:
                num_updates = math_ops.cast(self._num_updates, _dtypes.float32, name="num_updates")
                decay = math_ops.minimum(decay, (1.0 + num_updates) / (10.0 + num_updates))
            updates = []
            for var in var_list:
                avg = self._averages[_key(var)][1]
                updates.append(assign_moving_average(avg, var, decay,
                                                     zero_debias=_key(avg) in zero_debias_true))
            return control_flow_ops.group(*updates, name=scope)

    def average(self, var):
        """The shadow variable of `var`, or None."""
        entry = self._averages.get(_key(var))
        return entry[1] if entry is not None else None

    def average_name(self, var):
        """The name the shadow variable of `var` has (or would have): `<var>/ExponentialMovingAverage`."""
        entry = self._averages.get(_key(var))
        if entry is not None:
            return entry[1].op.name
        return _graph.get_default_graph().unique_name(var.op.name + "/" + self.name, mark_as_used=False)

    def variables_to_restore(self, moving_avg_variables=None):
        """{name in the checkpoint: variable}: averages restored into the variables they shadow."""
        name_map = {}
        if moving_avg_variables is None:
            moving_avg_variables = _variables.trainable_variables() + _variables.moving_average_variables()
        unique_vars = list({id(v): v for v in moving_avg_variables}.values())
        for v in unique_vars:
            name_map[self.average_name(v)] = v
        names = {v.name for v in unique_vars}
        for v in _variables.global_variables():
            if v.name not in names and v.op.name not in name_map:
                name_map[v.op.name] = v
        return name_map


def _initialized_value(var):
    """TF1 initialises the average from `var.initialized_value()` (the variable's value if it is
    already initialised, else its initial value)."""
    try:
        return var.initialized_value()
    except (AttributeError, NotImplementedError):
        # tf.cond is not available in this build: the initial value is what initialized_value()
        # gives whenever the average is initialised together with the variable.
        return var.initial_value
