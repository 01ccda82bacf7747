"""tf.layers.Layer: TF 1.15's legacy layer base (tensorflow/python/layers/base.py over Keras' Layer).

What it mirrors:
- naming: `layer.name` is Keras' per-graph unique object name (`Dense()` -> "dense_1",
  "dense_2", ... as TF1's tf.layers, which is not zero-based); the *variable scope* is
  chosen on first use: `variable_scope(None, default_name=<snake_case class name>)`, so
  variables are "dense/kernel", "dense_1/kernel", ... uniquified by variable scope. A layer
  constructed with `_scope=name` (what the functional forms pass as `name=`) captures
  `variable_scope(name)` right away; `_reuse=True` reuses that scope's variables.
- ops of a call go under the variable scope's original name scope ("dense/MatMul",
  "dense/MatMul_1" for a second call of the same layer).
- `add_weight` calls `tf.get_variable` in the layer's scope (reuse once built), so scope
  initializers/regularizers/custom getters apply; a weight regularizer's loss goes to the
  layer's `losses` and GraphKeys.REGULARIZATION_LOSSES only when the variable is new.
- the first call sets the layer's dtype from its input (TF1's "infer" policy) and runs
  `build(input_shape)`; `input_spec` is checked on every call.
- `activity_regularizer(output) / batch_size` is added as a loss (Keras 1.15).
- `updates` (from `add_update`) go to GraphKeys.UPDATE_OPS after each call; a layer with
  `trainable=False` reports no updates (Keras 1.15).

Deviations: eager mode, Keras functional-API bookkeeping (inbound nodes, masks, `input`/
`output` properties) and keras_style_scope are not supported.
"""
import re
import weakref
import inspect

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops import variables as _variables

__all__ = ["Layer", "InputSpec"]


# --------------------------------------------------------------------------------------------
# helpers shared by the layer modules
# --------------------------------------------------------------------------------------------

_NAME_UIDS = weakref.WeakKeyDictionary()   # graph -> {base name: count}


def to_snake_case(name):
    """Keras' to_snake_case: 'Conv2DTranspose' -> 'conv2d_transpose'."""
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def unique_object_name(base_name, zero_based=False):
    """Keras backend.unique_object_name over the default graph's uid map."""
    g = _graph.get_default_graph()
    uids = _NAME_UIDS.setdefault(g, {})
    if zero_based:
        n = uids.get(base_name, 0)
        uids[base_name] = n + 1
        return f"{base_name}_{n}" if n else base_name
    uids[base_name] = uids.get(base_name, 0) + 1
    return f"{base_name}_{uids[base_name]}"


def constant_value(pred):
    """TF1's tf_utils.constant_value: a Python bool for a bool/0/1 or constant tensor, else None."""
    if isinstance(pred, (bool, np.bool_)):
        return bool(pred)
    if isinstance(pred, (int, np.integer)):
        if pred in (0, 1):
            return bool(pred)
        raise TypeError(f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: {pred!r}")
    if isinstance(pred, _variables.Variable):
        return None
    if isinstance(pred, _graph.Tensor):
        from compat_tf._src.framework import shape_inference
        if pred.op.type == "PlaceholderWithDefault":
            return None
        v = shape_inference.constant_value(pred)
        return None if v is None else bool(np.asarray(v))
    raise TypeError(f"`pred` must be a Tensor, or a Python bool, or 1 or 0. Found instead: {type(pred)}")


def smart_cond(pred, true_fn, false_fn, name=None):
    """TF1's smart_cond: calls one branch when `pred` is known at build time, else tf.cond."""
    v = constant_value(pred)
    if v is not None:
        return true_fn() if v else false_fn()
    from compat_tf._src.ops import control_flow_ops
    return control_flow_ops.cond(pred, true_fn, false_fn, name=name)


_INITIALIZER_NAMES = {
    "zeros": "zeros_initializer", "zero": "zeros_initializer",
    "ones": "ones_initializer", "one": "ones_initializer",
    "glorot_uniform": "glorot_uniform_initializer", "glorot_normal": "glorot_normal_initializer",
    "random_uniform": "random_uniform_initializer", "random_normal": "random_normal_initializer",
    "truncated_normal": "truncated_normal_initializer", "orthogonal": "orthogonal_initializer",
    "uniform": "random_uniform_initializer", "normal": "random_normal_initializer",
}


def get_initializer(identifier):
    """keras.initializers.get for the cases tf.layers programs use: None, callables, names."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        from compat_tf._src.ops import init_ops
        key = identifier.lower()
        if key in _INITIALIZER_NAMES:
            return getattr(init_ops, _INITIALIZER_NAMES[key])()
        if key in ("he_normal", "he_uniform", "lecun_normal", "lecun_uniform"):
            return getattr(init_ops, key)()
        if key == "variance_scaling":
            return init_ops.variance_scaling_initializer()
        raise ValueError(f"Unknown initializer: {identifier}")
    raise ValueError(f"Could not interpret initializer identifier: {identifier!r}")


def get_activation(identifier):
    """keras.activations.get: None, a callable or a name ('relu', 'tanh', 'linear', ...)."""
    if identifier is None or callable(identifier):
        return identifier
    if isinstance(identifier, str):
        from compat_tf._src.ops import math_ops, nn_ops
        table = {"relu": nn_ops.relu, "relu6": nn_ops.relu6, "elu": nn_ops.elu, "selu": nn_ops.selu,
                 "softplus": nn_ops.softplus, "softsign": nn_ops.softsign, "tanh": math_ops.tanh,
                 "sigmoid": math_ops.sigmoid, "softmax": nn_ops.softmax, "linear": None}
        if identifier in table:
            return table[identifier]
        raise ValueError(f"Unknown activation function: {identifier}")
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def get_regularizer(identifier):
    if identifier is None or callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret regularizer identifier: {identifier!r}")


def get_constraint(identifier):
    if identifier is None or callable(identifier):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


def normalize_tuple(value, n, name):
    """conv_utils.normalize_tuple: an int or an iterable of n ints -> a tuple of n ints."""
    if isinstance(value, (int, np.integer)):
        return (int(value),) * n
    try:
        value_tuple = tuple(value)
    except TypeError:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. "
                         f"Received: {value}") from None
    if len(value_tuple) != n:
        raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value}")
    for v in value_tuple:
        try:
            int(v)
        except (ValueError, TypeError):
            raise ValueError(f"The `{name}` argument must be a tuple of {n} integers. Received: {value} "
                             f"including element {v} of type {type(v)}") from None
    return tuple(int(v) for v in value_tuple)


def normalize_data_format(value):
    if value is None:
        value = "channels_last"
    data_format = value.lower()
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError('The `data_format` argument must be one of "channels_first", "channels_last". '
                         f"Received: {value}")
    return data_format


def normalize_padding(value):
    if isinstance(value, (list, tuple)):
        return value
    padding = value.lower()
    if padding not in ("valid", "same", "causal"):
        raise ValueError('The `padding` argument must be a list/tuple or one of "valid", "same" (or '
                         f'"causal", only for `Conv1D). Received: {padding}')
    return padding


def convert_data_format(data_format, ndim):
    if data_format == "channels_last":
        return {3: "NWC", 4: "NHWC", 5: "NDHWC"}[ndim]
    if data_format == "channels_first":
        return {3: "NCW", 4: "NCHW", 5: "NCDHW"}[ndim]
    raise ValueError(f"Invalid data_format: {data_format}")


def conv_output_length(input_length, filter_size, padding, stride, dilation=1):
    """conv_utils.conv_output_length."""
    if input_length is None:
        return None
    dilated = filter_size + (filter_size - 1) * (dilation - 1)
    if padding in ("same", "causal"):
        out = input_length
    elif padding == "valid":
        out = input_length - dilated + 1
    elif padding == "full":
        out = input_length + dilated - 1
    return (out + stride - 1) // stride


def deconv_output_length(input_length, filter_size, padding, output_padding=None, stride=0, dilation=1):
    """conv_utils.deconv_output_length."""
    if input_length is None:
        return None
    filter_size = filter_size + (filter_size - 1) * (dilation - 1)
    if output_padding is None:
        if padding == "valid":
            return input_length * stride + max(filter_size - stride, 0)
        if padding == "full":
            return input_length * stride - (stride + filter_size - 2)
        return input_length * stride
    pad = {"same": filter_size // 2, "valid": 0, "full": filter_size - 1}[padding]
    return (input_length - 1) * stride + filter_size - 2 * pad + output_padding


def _add_to_collection_once(elements, key):
    coll = _graph.get_collection_ref(key)
    ids = {id(e) for e in coll}
    for e in elements:
        if id(e) not in ids:
            coll.append(e)
            ids.add(id(e))


# --------------------------------------------------------------------------------------------
# InputSpec
# --------------------------------------------------------------------------------------------

class InputSpec:
    """tf.layers.InputSpec: the rank/dtype/shape a layer's input must have (checked on each call)."""

    def __init__(self, dtype=None, shape=None, ndim=None, max_ndim=None, min_ndim=None, axes=None):
        self.dtype = _dtypes.as_dtype(dtype).name if dtype is not None else None
        if shape is not None:
            self.ndim = len(shape)
            self.shape = shape
        else:
            self.ndim = ndim
            self.shape = None
        self.max_ndim = max_ndim
        self.min_ndim = min_ndim
        self.axes = axes or {}

    def __repr__(self):
        spec = [("dtype=" + str(self.dtype)) if self.dtype else "",
                ("shape=" + str(self.shape)) if self.shape else "",
                ("ndim=" + str(self.ndim)) if self.ndim else "",
                ("max_ndim=" + str(self.max_ndim)) if self.max_ndim else "",
                ("min_ndim=" + str(self.min_ndim)) if self.min_ndim else "",
                ("axes=" + str(self.axes)) if self.axes else ""]
        return "InputSpec(%s)" % ", ".join(x for x in spec if x)


def assert_input_compatibility(input_spec, inputs, layer_name):
    """Keras' input_spec check: ValueError naming the layer when an input does not fit."""
    if not input_spec:
        return
    specs = input_spec if isinstance(input_spec, (list, tuple)) else [input_spec]
    xs = inputs if isinstance(inputs, (list, tuple)) else [inputs]
    if len(xs) != len(specs):
        raise ValueError(f"Layer {layer_name} expects {len(specs)} inputs, but it received {len(xs)} "
                         "input tensors.")
    for i, (x, spec) in enumerate(zip(xs, specs)):
        if spec is None:
            continue
        shape = x.shape
        ndim = shape.ndims
        if spec.ndim is not None and ndim is not None and ndim != spec.ndim:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: expected "
                             f"ndim={spec.ndim}, found ndim={ndim}. Full shape received: {shape.as_list()}")
        if spec.max_ndim is not None and ndim is not None and ndim > spec.max_ndim:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: expected "
                             f"max_ndim={spec.max_ndim}, found ndim={ndim}")
        if spec.min_ndim is not None and ndim is not None and ndim < spec.min_ndim:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: : expected "
                             f"min_ndim={spec.min_ndim}, found ndim={ndim}. Full shape received: "
                             f"{shape.as_list()}")
        if spec.dtype is not None and x.dtype.base_dtype.name != spec.dtype:
            raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: expected "
                             f"dtype={spec.dtype}, found dtype={x.dtype.base_dtype.name}")
        if spec.axes and ndim is not None:
            for axis, value in spec.axes.items():
                a = int(axis)
                if value is not None and (a >= ndim or a < -ndim):
                    raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: "
                                     f"expected axis {a} of input shape to have value {value} but input "
                                     f"has rank {ndim}")
                d = shape[a].value
                if value is not None and d is not None and d != value:
                    raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: "
                                     f"expected axis {a} of input shape to have value {value} but "
                                     f"received input with shape {shape.as_list()}")
        if spec.shape is not None and ndim is not None:
            for sd, xd in zip(spec.shape, shape.as_list()):
                if sd is not None and xd is not None and sd != xd:
                    raise ValueError(f"Input {i} of layer {layer_name} is incompatible with the layer: "
                                     f"expected shape={spec.shape}, found shape={shape.as_list()}")


# --------------------------------------------------------------------------------------------
# Layer
# --------------------------------------------------------------------------------------------

_ALLOWED_KWARGS = {"_scope", "_reuse", "activity_regularizer", "input_shape", "batch_input_shape",
                   "batch_size", "weights", "autocast", "dynamic", "input_dim"}


class Layer:
    """tf.layers.Layer (TF 1.15): variables through tf.get_variable in the layer's variable scope.

    Subclasses implement `build(input_shape)` (create weights with `add_weight`) and
    `call(inputs, ...)`; `layer(inputs)` / `layer.apply(inputs)` builds once and calls.
    """

    def __init__(self, trainable=True, name=None, dtype=None, **kwargs):
        for k in kwargs:
            if k not in _ALLOWED_KWARGS:
                raise TypeError(f"Keyword argument not understood: {k}")
        scope = kwargs.pop("_scope", None)
        self._reuse = kwargs.pop("_reuse", None)
        self._activity_regularizer = kwargs.pop("activity_regularizer", None)
        self._trainable = bool(trainable)
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._updates = []
        self._losses = []
        self.built = False
        self.input_spec = None
        self.supports_masking = False
        self.stateful = False
        self._dtype = None if dtype is None else _dtypes.as_dtype(dtype).base_dtype.name
        self._init_set_name(name)
        self._call_fn_args = self._fn_args(self.call)
        self._call_has_scope_arg = "scope" in self._call_fn_args
        if scope:
            with _vs.variable_scope(scope) as captured_scope:
                self._scope = captured_scope
        else:
            self._scope = None
        self._current_scope = None
        self._always_reuse_variable_scope = None

    @staticmethod
    def _fn_args(fn):
        try:
            return tuple(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            return ()

    # -- naming -------------------------------------------------------------------------
    def _init_set_name(self, name):
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
        base_name = to_snake_case(self.__class__.__name__)
        return unique_object_name(base_name, zero_based=False), base_name

    @property
    def name(self):
        return self._name

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

    # -- properties ---------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)

    @property
    def activity_regularizer(self):
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, regularizer):
        self._activity_regularizer = regularizer

    @property
    def trainable_weights(self):
        return list(self._trainable_weights) if self.trainable else []

    @property
    def non_trainable_weights(self):
        if self.trainable:
            return list(self._non_trainable_weights)
        return list(self._trainable_weights) + list(self._non_trainable_weights)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights
    variables = weights

    @property
    def updates(self):
        if not self.trainable and not self.stateful:
            return []
        return list(self._updates)

    @property
    def losses(self):
        return list(self._losses)

    def get_updates_for(self, inputs):
        return self.updates

    def get_losses_for(self, inputs):
        return self.losses

    # -- weights, losses, updates --------------------------------------------------------
    def add_weight(self, name, shape, dtype=None, initializer=None, regularizer=None, trainable=None,
                   constraint=None, use_resource=None, synchronization=None, aggregation=None,
                   partitioner=None, **kwargs):
        """Creates (or, once built / with reuse, gets) `<scope>/<name>` with tf.get_variable."""
        for k in kwargs:
            if k not in ("experimental_autocast", "getter"):
                raise TypeError("Unknown keyword argument:", k)
        if trainable is None:
            trainable = True
        g = _graph.get_default_graph()
        existing = set(id(v) for v in _variables.global_variables())
        if dtype is None:
            dtype = self.dtype or _dtypes.float32
        dtype = _dtypes.as_dtype(dtype)
        self._set_scope(None)
        reuse = self.built or self._reuse
        with _vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False) as scope:
            self._current_scope = scope
            with g.name_scope(self._name_scope()):
                if initializer is None:
                    initializer = scope.initializer
                if initializer is None:
                    # Keras add_weight's defaults
                    from compat_tf._src.ops import init_ops
                    if dtype.is_floating:
                        initializer = init_ops.glorot_uniform_initializer()
                    elif dtype.is_integer or dtype.is_unsigned or dtype.is_bool:
                        initializer = init_ops.zeros_initializer()
                    else:
                        raise ValueError(f"An initializer for variable {name} of type {dtype.name} is "
                                         f"required for layer {self.name}")
                variable = _vs.get_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                                            trainable=trainable and self.trainable, constraint=constraint,
                                            partitioner=partitioner)
                if regularizer is not None and id(variable) not in existing:
                    with g.name_scope(name + "/Regularizer"):
                        loss = regularizer(variable)
                    if loss is not None:
                        self.add_loss(loss)
        if trainable and self.trainable and \
                any(v is variable for v in _variables.trainable_variables()):
            self._trainable_weights.append(variable)
        else:
            self._non_trainable_weights.append(variable)
        return variable

    def add_variable(self, *args, **kwargs):
        """Deprecated alias of add_weight."""
        return self.add_weight(*args, **kwargs)

    def add_loss(self, losses, inputs=None):
        """Records losses on the layer and in GraphKeys.REGULARIZATION_LOSSES (TF1 tf.layers)."""
        losses = losses if isinstance(losses, (list, tuple)) else [losses]
        new = []
        for loss in losses:
            if loss is None:
                continue
            if callable(loss) and not isinstance(loss, _graph.Tensor):
                loss = loss()
                if loss is None:
                    continue
            loss = _constant.convert_to_tensor(loss)
            self._losses.append(loss)
            new.append(loss)
        _add_to_collection_once(new, GraphKeys.REGULARIZATION_LOSSES)

    def add_update(self, updates, inputs=None):
        """Records update ops (callables are called now, as Keras does in graph mode)."""
        updates = updates if isinstance(updates, (list, tuple)) else [updates]
        for u in updates:
            while callable(u) and not isinstance(u, (_graph.Tensor, _graph.Operation)):
                u = u()
            if isinstance(u, _graph.Operation):
                op = u
            elif hasattr(u, "op"):
                op = u.op
            else:
                op = _constant.convert_to_tensor(u).op
            self._updates.append(op)

    # -- building and calling -------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        raise NotImplementedError

    def _maybe_build(self, inputs):
        if self.built:
            return
        first = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        if self._dtype is None and hasattr(first, "dtype"):
            self._dtype = first.dtype.base_dtype.name
        if isinstance(inputs, (list, tuple)):
            input_shapes = [x.shape for x in inputs]
        else:
            input_shapes = inputs.shape
        self.build(input_shapes)
        self.built = True

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
            inputs = self._convert_inputs(inputs)
            assert_input_compatibility(self.input_spec, inputs, self.name)
            g = _graph.get_default_graph()
            with g.name_scope(self._name_scope()):
                self._maybe_build(inputs)
                outputs = self.call(inputs, *args, **kwargs)
                if outputs is None:
                    raise ValueError("A layer's `call` method should return a Tensor or a list of "
                                     f"Tensors, not None (layer: {self.name}).")
                self._handle_activity_regularization(outputs)
        _add_to_collection_once(self.updates, GraphKeys.UPDATE_OPS)
        return outputs

    def apply(self, inputs, *args, **kwargs):
        """Deprecated alias of `__call__`."""
        return self.__call__(inputs, *args, **kwargs)

    @staticmethod
    def _convert_inputs(inputs):
        def conv(x):
            if isinstance(x, (_graph.Tensor, _variables.Variable)) or hasattr(x, "indices"):
                return _constant.convert_to_tensor(x) if isinstance(x, _variables.Variable) else x
            return _constant.convert_to_tensor(x)
        if isinstance(inputs, (list, tuple)):
            return type(inputs)(conv(x) for x in inputs)
        return conv(inputs)

    def _handle_activity_regularization(self, outputs):
        if self._activity_regularizer is None:
            return
        from compat_tf._src.ops import array_ops, math_ops
        g = _graph.get_default_graph()
        flat = outputs if isinstance(outputs, (list, tuple)) else [outputs]
        with g.name_scope("ActivityRegularizer"):
            for out in flat:
                loss = self._activity_regularizer(out)
                batch = math_ops.cast(array_ops.shape(out)[0], loss.dtype.base_dtype)
                self.add_loss(loss / batch)

    # -- misc Keras API ------------------------------------------------------------------
    def count_params(self):
        if not self.built:
            raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer isn't "
                             f"built. You can build it manually via: `{self.name}.build(batch_input_shape)`.")
        return int(sum(np.prod(v.get_shape().as_list()) for v in self.weights))

    def get_weights(self):
        from compat_tf._src.runtime.session import get_default_session
        sess = get_default_session()
        if sess is None:
            raise ValueError("get_weights needs a default session (use `with sess.as_default():`)")
        return sess.run(self.weights)

    def set_weights(self, weights):
        from compat_tf._src.runtime.session import get_default_session
        sess = get_default_session()
        if sess is None:
            raise ValueError("set_weights needs a default session (use `with sess.as_default():`)")
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f'You called `set_weights(weights)` on layer "{self.name}" with a weight list '
                             f"of length {len(weights)}, but the layer was expecting {len(params)} weights.")
        for v, w in zip(params, weights):
            v.load(np.asarray(w), sess)

    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable}
        if self._dtype is not None:
            config["dtype"] = self._dtype
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} '{self.name}'>"
