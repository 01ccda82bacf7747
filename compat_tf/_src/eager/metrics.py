"""tf.contrib.eager.metrics (TF 1.15's contrib/eager/python/metrics_impl.py).

A `Metric` holds variables (made on its first call, in a variable scope named after the
metric: "mean/numer:0") and accumulates batches: `m(values)` updates, `m.result()` reads,
`m.init_variables()` resets, `m.variables` lists them. Eagerly the update runs at once (the
call returns its inputs); in graph mode the call returns the op grouping the updates.
Accumulators are float64 by default, as in TF.

Mean (weighted mean), Accuracy (labels == predictions), CategoricalAccuracy (argmaxes
equal), BinaryAccuracy (predictions > threshold equal labels), SparseAccuracy (labels ==
argmax(predictions)). Metrics are checkpointable (their variables are dependencies).
Deviation: `result(write_summary=True)` writes no tf.contrib.summary scalar (that summary
API is not provided).
"""
import re

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.train.object_checkpoint import Checkpointable

__all__ = ["Metric", "Mean", "Accuracy", "CategoricalAccuracy", "BinaryAccuracy", "SparseAccuracy"]

_TO_REPLACE = re.compile("[^A-Za-z0-9.]")


def _executing_eagerly():
    return _graph._eager_graph is not None and not _graph._default_graph_state.stack


class Metric(Checkpointable):
    """tfe.metrics.Metric: subclasses define build(), call() and result()."""

    def __init__(self, name=None, use_global_variables=False):
        from compat_tf._src.ops import variable_scope
        self._built = False
        self._vars = []
        self._initial_values = {}
        self._updates = []
        self._use_global_variables = use_global_variables
        name = name or type(self).__name__
        scope_name = _TO_REPLACE.sub("_", name)
        with variable_scope.variable_scope(None, default_name=scope_name, reuse=False) as scope:
            pos = scope.name.rfind(scope_name)
            self._name = name + scope.name[pos + len(scope_name):]
            self._scope = scope

    def __call__(self, *args, **kwargs):
        """Updates the metric with one batch; returns the inputs (eager) or the update op (graph)."""
        from compat_tf._src.ops import variable_scope
        if not self._built:
            with variable_scope.variable_scope(self._scope):
                self.build(*args, **kwargs)
            self._built = True
        if _executing_eagerly():
            return self.call(*args, **kwargs)
        self._updates = []
        self.call(*args, **kwargs)
        from compat_tf._src.ops import control_flow_ops
        return control_flow_ops.group(*self._updates)

    @property
    def name(self):
        return self._name

    @property
    def variables(self):
        return list(self._vars)

    def init_variables(self):
        """Resets the variables (eager: now, returning None; graph: the op that does it)."""
        if not _executing_eagerly():
            from compat_tf._src.ops import control_flow_ops
            return control_flow_ops.group(*[v.initializer for v in self._vars])
        for v in self._vars:
            v.assign(self._initial_values[v])
        return None

    def build(self, *args, **kwargs):
        raise NotImplementedError("Metrics must define a build() member function")

    def call(self, *args, **kwargs):
        raise NotImplementedError("Metrics must define a call() member function")

    def result(self, write_summary=True):
        raise NotImplementedError("Metrics must define a result() member function")

    def value(self):
        return self.result(write_summary=False)

    def aggregate(self, metrics):
        """Adds in the variables of `metrics` (same type, same variable order)."""
        from compat_tf._src.ops import math_ops
        for m in metrics:
            if type(self) is not type(m):
                raise TypeError(f"All metrics must be the same type, '{type(self)}' != '{type(m)}'.")
        for i, v in enumerate(self._vars):
            if any(m._vars[i].name != v.name for m in metrics):
                raise ValueError("All metrics must have variables in the same order.")
            v.assign_add(math_ops.add_n([m._vars[i].value() for m in metrics]))

    def add_variable(self, name, shape=None, dtype=None, initializer=None):
        """Only in build(): a non-trainable variable of this metric's scope."""
        from compat_tf._src.ops import variable_scope
        if self._built:
            raise RuntimeError("Can't call add_variable() except in build().")
        from compat_tf._src.framework.graph import GraphKeys
        collections = None if self._use_global_variables else [GraphKeys.LOCAL_VARIABLES,
                                                                GraphKeys.METRIC_VARIABLES]
        v = variable_scope.get_variable(name, shape, dtype, initializer, trainable=False, collections=collections)
        self._vars.append(v)
        if _executing_eagerly():
            self._initial_values[v] = v.numpy()
        return v

    def _assign_add(self, var, value):
        op = var.assign_add(value)
        if not _executing_eagerly():
            self._updates.append(op)


class Mean(Metric):
    """The (weighted) mean of the values it is called with."""

    def __init__(self, name="mean", dtype=_dtypes.float64, use_global_variables=False):
        super().__init__(name=name, use_global_variables=use_global_variables)
        self.dtype = _dtypes.as_dtype(dtype)

    def build(self, *args, **kwargs):
        from compat_tf._src.ops import init_ops
        self.numer = self.add_variable(name="numer", shape=(), dtype=self.dtype,
                                       initializer=init_ops.zeros_initializer())
        self.denom = self.add_variable(name="denom", shape=(), dtype=self.dtype,
                                       initializer=init_ops.zeros_initializer())

    def call(self, values, weights=None):
        from compat_tf._src.ops import array_ops, constant, math_ops
        values = math_ops.cast(constant.convert_to_tensor(values), self.dtype)
        if weights is None:
            self._assign_add(self.denom, math_ops.cast(array_ops.size(values), self.dtype))
            self._assign_add(self.numer, math_ops.reduce_sum(values))
            return values
        weights = math_ops.cast(constant.convert_to_tensor(weights), self.dtype)
        self._assign_add(self.denom, math_ops.reduce_sum(weights * array_ops.ones_like(values)))
        self._assign_add(self.numer, math_ops.reduce_sum(values * weights))
        return values, weights

    def result(self, write_summary=True):
        return self.numer.value() / self.denom.value()


class Accuracy(Mean):
    """How often `predictions` equals `labels`."""

    def __init__(self, name="accuracy", dtype=_dtypes.float64):
        super().__init__(name=name, dtype=dtype)

    def _matches(self, labels, predictions):
        from compat_tf._src.ops import constant, math_ops
        labels = constant.convert_to_tensor(labels)
        predictions = constant.convert_to_tensor(predictions)
        if not labels.shape.is_compatible_with(predictions.shape):
            raise ValueError(f"Shapes of labels and predictions are unequal: {labels.shape} vs {predictions.shape}")
        return math_ops.cast(math_ops.equal(labels, predictions), self.dtype)

    def call(self, labels, predictions, weights=None):
        super().call(self._matches(labels, predictions), weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)


class CategoricalAccuracy(Mean):
    """How often argmax(predictions) equals argmax(labels) (one-hot labels)."""

    def __init__(self, name="categorical_accuracy", dtype=_dtypes.float64):
        super().__init__(name=name, dtype=dtype)

    def call(self, labels, predictions, weights=None):
        from compat_tf._src.ops import math_ops
        matches = math_ops.cast(math_ops.equal(math_ops.argmax(labels, axis=-1),
                                               math_ops.argmax(predictions, axis=-1)), self.dtype)
        super().call(matches, weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)


class BinaryAccuracy(Mean):
    """How often (predictions > threshold) equals the 0/1 labels."""

    def __init__(self, threshold=0.5, name="binary_accuracy", dtype=_dtypes.float64):
        super().__init__(name=name, dtype=dtype)
        self.threshold = threshold

    def call(self, labels, predictions, weights=None):
        from compat_tf._src.ops import constant, math_ops
        predictions = constant.convert_to_tensor(predictions)
        predicted = math_ops.cast(math_ops.greater(predictions, self.threshold), predictions.dtype.base_dtype)
        labels = math_ops.cast(constant.convert_to_tensor(labels), predictions.dtype.base_dtype)
        super().call(math_ops.cast(math_ops.equal(labels, predicted), self.dtype), weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)


class SparseAccuracy(Mean):
    """How often argmax(predictions) equals the integer labels."""

    def __init__(self, name="sparse_accuracy", dtype=_dtypes.float64):
        super().__init__(name=name, dtype=dtype)

    def call(self, labels, predictions, weights=None):
        from compat_tf._src.ops import array_ops, constant, math_ops
        labels = constant.convert_to_tensor(labels)
        predictions = constant.convert_to_tensor(predictions)
        if labels.shape.ndims is not None and predictions.shape.ndims is not None and \
                labels.shape.ndims == predictions.shape.ndims and labels.shape.as_list()[-1] == 1:
            labels = array_ops.squeeze(labels, [-1])
        predicted = math_ops.cast(math_ops.argmax(predictions, axis=-1), labels.dtype.base_dtype)
        super().call(math_ops.cast(math_ops.equal(labels, predicted), self.dtype), weights=weights)
        return (labels, predictions) if weights is None else (labels, predictions, weights)
