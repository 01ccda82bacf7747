"""tf.layers.Layer: TF 1.15's legacy layer base (tensorflow/python/layers/base.py), a subclass of
tf.keras.layers.Layer (compat_tf/_src/keras/engine/base_layer.py) that keeps TF1's variable
scoping; tf.layers.Dense & co. subclass the Keras layer of the same name and this class.

What it adds to the Keras layer:
- naming: `layer.name` is the per-graph unique object name, one-based ("dense_1", "dense_2",
  ... as TF1's tf.layers; the counters are Keras'); the *variable scope* is chosen on first
  use: `variable_scope(None, default_name=<snake_case class name>)`, so variables are
  "dense/kernel", "dense_1/kernel", ... uniquified by variable scope. A layer constructed with
  `_scope=name` (what the functional forms pass as `name=`) captures `variable_scope(name)`
  right away; `_reuse=True` reuses that scope's variables.
- ops of a call go under the variable scope's original name scope ("dense/MatMul",
  "dense/MatMul_1" for a second call of the same layer).
- `add_weight` calls `tf.get_variable` in the layer's scope (reuse once built), so scope
  initializers/regularizers/custom getters apply; a weight regularizer's loss goes to the
  layer's `losses` and GraphKeys.REGULARIZATION_LOSSES only when the variable is new.
- a variable created trainable in a non-trainable context ends up in non_trainable_weights.
- `updates` (from `add_update`) go to GraphKeys.UPDATE_OPS after each call; a layer with
  `trainable=False` reports no updates (Keras 1.15).

The helpers below (normalize_tuple, smart_cond, ...) are Keras' and re-exported for the
tf.layers/tf.contrib.layers modules.

Deviations: eager mode and keras_style_scope are not supported.
"""
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.keras import activations as _activations
from compat_tf._src.keras import backend as _backend
from compat_tf._src.keras import constraints as _constraints
from compat_tf._src.keras import initializers as _initializers
from compat_tf._src.keras import regularizers as _regularizers
from compat_tf._src.keras.engine import base_layer as _keras_base
from compat_tf._src.keras.engine.input_spec import InputSpec, assert_input_compatibility  # noqa: F401
from compat_tf._src.keras.utils.conv_utils import (  # noqa: F401 - shared with the layer modules
    conv_output_length, convert_data_format, deconv_output_length, normalize_data_format, normalize_padding,
    normalize_tuple)
from compat_tf._src.keras.utils.generic_utils import to_snake_case  # noqa: F401
from compat_tf._src.keras.utils.tf_utils import constant_value, smart_cond  # noqa: F401
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops import variables as _variables

__all__ = ["Layer", "InputSpec"]

unique_object_name = _backend.unique_object_name
get_initializer = _initializers.get
get_regularizer = _regularizers.get
get_constraint = _constraints.get


def get_activation(identifier):
    """keras.activations.get, but None stays None (no activation)."""
    return None if identifier is None else _activations.get(identifier)


def _add_to_collection_once(elements, key):
    coll = _graph.get_collection_ref(key)
    ids = {id(e) for e in coll}
    for e in elements:
        if id(e) not in ids:
            coll.append(e)
            ids.add(id(e))


def _get_variable_getter(name, shape=None, dtype=None, initializer=None, trainable=None, constraint=None,
                         partitioner=None, use_resource=None, collections=None, synchronization=None,
                         aggregation=None, **_):
    """add_weight's getter for tf.layers: tf.get_variable in the current variable scope."""
    return _vs.get_variable(name, shape=shape, dtype=dtype, initializer=initializer, trainable=trainable,
                            constraint=constraint, partitioner=partitioner, use_resource=use_resource,
                            collections=collections)


class Layer(_keras_base.Layer):
    """tf.layers.Layer (TF 1.15): variables through tf.get_variable in the layer's variable scope.

    Subclasses implement `build(input_shape)` (create weights with `add_weight`) and
    `call(inputs, ...)`; `layer(inputs)` / `layer.apply(inputs)` builds once and calls.
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        kwargs.pop("autocast", None)
        super().__init__(trainable=trainable, name=name, dtype=dtype, **kwargs)
        self._call_has_scope_arg = "scope" in self._call_fn_args
        if scope:
            with _vs.variable_scope(scope) as captured_scope:
                self._scope = captured_scope
        else:
            self._scope = None
        self._current_scope = None
        self._always_reuse_variable_scope = None

    def _allowed_kwargs(self):
        return _keras_base._ALLOWED_KWARGS | {"_scope", "_reuse", "input_dim"}

    # -- naming -------------------------------------------------------------------------
    def _init_set_name(self, name, zero_based=False):
        if isinstance(name, _vs.VariableScope):
            base_name = name.name
            self._name = self._make_unique_name()[0]
        else:
            base_name = name
            self._name = name
        if not name:
            self._name, base_name = self._make_unique_name()
        self._base_name = base_name

    def _make_unique_name(self):
        base_name = to_snake_case(type(self).__name__)
        return unique_object_name(base_name, zero_based=False), base_name

    @property
    def scope_name(self):
        if not self._scope:
            raise ValueError(f'No name available for layer scope because the layer "{self._name}" has not '
                             "been used yet. The scope name  is determined the first time the layer "
                             "instance is called. You must therefore call the layer before querying "
                             "`scope_name`.")
        return self._scope.name

    def _name_scope(self):
        return self._current_scope.original_name_scope

    def _set_scope(self, scope=None):
        if self._scope is None:
            if self._reuse:
                with _vs.variable_scope(scope if scope is not None else self._base_name) as captured:
                    self._scope = captured
            else:
                with _vs.variable_scope(scope, default_name=self._base_name) as captured:
                    self._scope = captured

    @property
    def graph(self):
        return None

    # -- weights, losses -----------------------------------------------------------------
    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None, trainable=None,
                   constraint=None, use_resource=None, synchronization=None, aggregation=None,
                   partitioner=None, **kwargs):
        """Creates (or, once built / with reuse, gets) `<scope>/<name>` with tf.get_variable."""
        for k in kwargs:
            if k != "experimental_autocast":
                raise TypeError("Unknown keyword argument:", k)
        if trainable is None:
            trainable = True
        existing = set(id(v) for v in _variables.global_variables())
        if dtype is None:
            from compat_tf._src.framework import dtypes as _dtypes
            dtype = self.dtype or _dtypes.float32
        self._set_scope(None)
        reuse = self.built or self._reuse
        prev_len_trainable = len(self._trainable_weights)
        g = _graph.get_default_graph()
        with _vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with g.name_scope(self._name_scope()):
                if initializer is None:
                    initializer = scope.initializer
                variable = super().add_weight(name, shape, dtype=dtype, initializer=initializer,
                                              trainable=trainable and self.trainable, constraint=constraint,
                                              partitioner=partitioner, use_resource=use_resource,
                                              getter=_get_variable_getter)
                if regularizer is not None and id(variable) not in existing:
                    self._handle_weight_regularization(name, variable, _regularizers.get(regularizer))
        if trainable and self.trainable and \
                not any(v is variable for v in _variables.trainable_variables()):
            extra = self._trainable_weights[prev_len_trainable:]
            self._trainable_weights = self._trainable_weights[:prev_len_trainable]
            self._non_trainable_weights += extra
        return variable

    def _handle_weight_regularization(self, name, variable, regularizer):
        with _graph.get_default_graph().name_scope(name + "/Regularizer"):
            loss = regularizer(variable)
        if loss is not None:
            self.add_loss(loss)

    def add_loss(self, losses, inputs=None):
        """Records losses on the layer and in GraphKeys.REGULARIZATION_LOSSES (TF1 tf.layers)."""
        before = len(self._losses)
        before_callable = len(self._callable_losses)
        super().add_loss(losses, inputs=inputs)
        new = self._losses[before:]
        for fn in self._callable_losses[before_callable:]:
            t = fn()
            if t is not None:
                new.append(t)
        _add_to_collection_once(new, GraphKeys.REGULARIZATION_LOSSES)

    # -- calling ---------------------------------------------------------------------------
    def __call__(self, inputs, *args, **kwargs):
        scope = kwargs.pop("scope", None)
        self._set_scope(scope)
        if self.built:
            if self._always_reuse_variable_scope is None:
                self._always_reuse_variable_scope = self._scope
            scope_cm = _vs.variable_scope(self._scope, reuse=True, auxiliary_name_scope=False)
        else:
            scope_cm = _vs.variable_scope(self._scope, reuse=self._reuse, auxiliary_name_scope=False)
        with scope_cm as vscope:
            self._current_scope = vscope
            if self._call_has_scope_arg:
                kwargs["scope"] = vscope
            outputs = super().__call__(inputs, *args, **kwargs)
        _add_to_collection_once(self.updates, GraphKeys.UPDATE_OPS)
        return outputs

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} '{self.name}'>"
