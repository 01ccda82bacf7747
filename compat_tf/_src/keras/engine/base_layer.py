"""tf.keras.layers.Layer (TF 1.15's keras/engine/base_layer.py, graph mode).

What it mirrors:
- naming: `Dense()` is named "dense", "dense_1", ... per graph (zero-based uids shared with
  tf.layers, see backend.unique_object_name); a call opens `tf.name_scope(layer.name)`, so
  weights are "<name scope>/dense/kernel:0" (a second call of the layer puts its ops under
  "dense_1/", uniquified by the graph) and the variables are plain tf.Variables made by
  `add_weight` (no variable scope; tf.layers.Layer overrides this, see layers/base.py);
- the first call fixes `dtype` from the input (TF 1.15's "infer" policy) and runs
  `build(input_shape)`; `input_spec` is checked on every call; NumPy inputs are converted;
- `training`: passed explicitly, else inherited from an enclosing layer's call, else the
  fixed learning phase (set_learning_phase) when there is one; layers that need it otherwise
  read `K.learning_phase()` themselves;
- masks: an input's `_keras_mask` is passed as `mask=` to a `call` that takes it, and
  `compute_mask` sets the outputs' `_keras_mask` for layers that support masking;
- functional API: when every input carries `_keras_history`, the call adds a Node (input and
  output tensors, call kwargs) and tags the outputs, which is what Network walks;
- weights: trainable/non-trainable lists including tracked sub-layers (attributes holding
  layers, lists of layers) and variables assigned as attributes; `trainable = False` moves a
  layer's (and its sub-layers') weights to non_trainable_weights and hides its updates;
- losses: `add_loss` of tensors or callables (weight regularizers are callables named
  "<variable>/Regularizer", evaluated when `losses` is read, as TF 1.15), activity
  regularization `regularizer(output) / batch_size`;
- updates: `add_update` records ops (callables are called at once, as in graph mode) and
  whether they depend on the call's inputs (`get_updates_for(None)` = unconditional ones).

Deviations: eager execution, mixed precision policies (autocast) and `dynamic=True` layers are
not supported; raw TF ops between Keras layers of a functional model are not wrapped into
TensorFlowOpLayers (Model() raises a ValueError naming the tensor).
"""
import collections
import functools
import inspect
import threading

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import backend
from compat_tf._src.keras.engine import input_spec as _input_spec
from compat_tf._src.keras.utils import generic_utils, tf_utils
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variables as _variables

__all__ = ["Layer", "Node", "KerasHistory"]

KerasHistory = collections.namedtuple("KerasHistory", ["layer", "node_index", "tensor_index"])

_ALLOWED_KWARGS = {"input_shape", "batch_input_shape", "batch_size", "weights", "activity_regularizer",
                   "autocast"}


# --------------------------------------------------------------------------------------------
# call context: what an enclosing layer's call passes down (training flag)
# --------------------------------------------------------------------------------------------

class _CallContext(threading.local):
    def __init__(self):
        self.layer = None
        self.inputs = None
        self.training = None
        self.in_call = False


_CALL_CONTEXT = _CallContext()


def call_context():
    return _CALL_CONTEXT


class _EnterCall:
    def __init__(self, layer, inputs, training):
        self._state = (layer, inputs, training)

    def __enter__(self):
        ctx = _CALL_CONTEXT
        self._saved = (ctx.layer, ctx.inputs, ctx.training, ctx.in_call)
        layer, inputs, training = self._state
        ctx.layer, ctx.inputs, ctx.in_call = layer, inputs, True
        if training is not None:
            ctx.training = training

    def __exit__(self, *exc):
        ctx = _CALL_CONTEXT
        ctx.layer, ctx.inputs, ctx.training, ctx.in_call = self._saved
        return False


# --------------------------------------------------------------------------------------------
# nested structures (lists, tuples, dicts of tensors)
# --------------------------------------------------------------------------------------------

def flatten(x):
    if isinstance(x, dict):
        return [v for k in sorted(x) for v in flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [v for item in x for v in flatten(item)]
    return [x]


def map_structure(fn, x):
    if isinstance(x, dict):
        return {k: map_structure(fn, v) for k, v in x.items()}
    if isinstance(x, tuple) and hasattr(x, "_fields"):
        return type(x)(*[map_structure(fn, v) for v in x])
    if isinstance(x, (list, tuple)):
        return type(x)(map_structure(fn, v) for v in x)
    return fn(x)


def pack_sequence_as(structure, flat):
    it = iter(flat)

    def pack(s):
        if isinstance(s, dict):
            return {k: pack(s[k]) for k in sorted(s)}
        if isinstance(s, tuple) and hasattr(s, "_fields"):
            return type(s)(*[pack(v) for v in s])
        if isinstance(s, (list, tuple)):
            return type(s)(pack(v) for v in s)
        return next(it)
    return pack(structure)


def _is_tensor_like(x):
    return isinstance(x, (_graph.Tensor, _variables.Variable)) or (
        hasattr(x, "indices") and hasattr(x, "dense_shape"))


def have_all_keras_metadata(inputs):
    return all(getattr(x, "_keras_history", None) is not None for x in flatten(inputs))


# --------------------------------------------------------------------------------------------
# Node
# --------------------------------------------------------------------------------------------

class Node:
    """One call of a layer in the functional graph: its input tensors (and the layers/nodes
    that made them), its outputs, and the keyword arguments of the call."""

    def __init__(self, outbound_layer, input_tensors, output_tensors, arguments=None):
        self.outbound_layer = outbound_layer
        self.input_tensors = input_tensors
        self.output_tensors = output_tensors
        self.arguments = arguments or {}
        flat_in = flatten(input_tensors)
        self.inbound_layers, self.node_indices, self.tensor_indices = [], [], []
        for x in flat_in:
            hist = getattr(x, "_keras_history", None)
            if hist is None:
                self.inbound_layers.append(None)
                self.node_indices.append(None)
                self.tensor_indices.append(None)
            else:
                self.inbound_layers.append(hist.layer)
                self.node_indices.append(hist.node_index)
                self.tensor_indices.append(hist.tensor_index)
        self.input_shapes = map_structure(lambda t: _static_shape(t), input_tensors)
        self.output_shapes = map_structure(lambda t: _static_shape(t), output_tensors)
        self.input_masks = map_structure(lambda t: getattr(t, "_keras_mask", None), input_tensors)
        self.output_masks = map_structure(lambda t: getattr(t, "_keras_mask", None), output_tensors)
        for layer in self.inbound_layers:
            if layer is not None:
                layer._outbound_nodes.append(self)
        outbound_layer._inbound_nodes.append(self)

    def iterate_inbound(self):
        """(layer, node_index, tensor_index, tensor) for each flat input with Keras history."""
        for layer, ni, ti, t in zip(self.inbound_layers, self.node_indices, self.tensor_indices,
                                    flatten(self.input_tensors)):
            if layer is not None:
                yield layer, ni, ti, t

    def get_config(self):
        data = []
        for layer, ni, ti, _ in self.iterate_inbound():
            data.append([layer.name, ni, ti, _serializable_kwargs(self.arguments)])
        return data


def _serializable_kwargs(kwargs):
    out = {}
    for k, v in (kwargs or {}).items():
        if _is_tensor_like(v) or isinstance(v, np.ndarray):
            continue
        out[k] = v
    return out


def _static_shape(t):
    try:
        s = t.shape
    except AttributeError:
        return None
    if isinstance(s, _ts.TensorShape):
        return tuple(s.as_list()) if s.ndims is not None else None
    return tuple(s)


# --------------------------------------------------------------------------------------------
# Layer
# --------------------------------------------------------------------------------------------

class Layer:
    """tf.keras.layers.Layer: subclasses create weights in `build(input_shape)` with
    `add_weight` and compute in `call(inputs, **kwargs)`; `layer(inputs)` builds once, calls."""

    _TRACKED_LISTS = ("_layers",)

    def __init__(self, trainable=True, name=None, dtype=None, dynamic=False, **kwargs):
        allowed = self._allowed_kwargs()
        for k in kwargs:
            if k not in allowed:
                raise TypeError("Keyword argument not understood:", k)
        object.__setattr__(self, "_layers", [])
        self._trainable = bool(trainable)
        self._stateful = False
        self.built = False
        self._input_spec = None
        self.supports_masking = False
        self._trainable_weights = []
        self._non_trainable_weights = []
        self._weight_names = []          # (add_weight name, variable): checkpoint dependency names
        self._updates = []
        self._losses = []
        self._callable_losses = []
        self._metrics = []
        self._inbound_nodes = []
        self._outbound_nodes = []
        self._dynamic = dynamic
        self._autocast = kwargs.get("autocast", True)
        if dtype is not None and not isinstance(dtype, str) and hasattr(dtype, "name") and \
                not isinstance(dtype, _dtypes.DType):
            dtype = dtype.name          # a mixed-precision Policy object
        self._dtype = None if dtype in (None, "infer") else _dtypes.as_dtype(dtype).base_dtype.name
        self._activity_regularizer = kwargs.pop("activity_regularizer", None)
        self._initial_weights = kwargs.get("weights", None)
        self._call_fn_args = self._fn_args(self.call)
        self._expects_training_arg = "training" in self._call_fn_args or self._call_accepts_kwargs()
        self._expects_mask_arg = "mask" in self._call_fn_args or self._call_accepts_kwargs()
        self._init_set_name(name)
        if "input_shape" in kwargs or "batch_input_shape" in kwargs:
            if "batch_input_shape" in kwargs:
                batch_input_shape = tuple(kwargs["batch_input_shape"])
            else:
                batch_size = kwargs.get("batch_size")
                batch_input_shape = (batch_size,) + tuple(kwargs["input_shape"])
            self._batch_input_shape = batch_input_shape

    def _allowed_kwargs(self):
        return _ALLOWED_KWARGS

    @staticmethod
    def _fn_args(fn):
        try:
            return tuple(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            return ()

    def _call_accepts_kwargs(self):
        try:
            return any(p.kind == p.VAR_KEYWORD for p in inspect.signature(self.call).parameters.values())
        except (TypeError, ValueError):
            return False

    # -- attribute tracking --------------------------------------------------------------
    def __setattr__(self, name, value):
        if name.startswith("__") or name in ("_layers",):
            object.__setattr__(self, name, value)
            return
        try:
            layers = object.__getattribute__(self, "_layers")
        except AttributeError:
            object.__setattr__(self, name, value)
            return
        for v in _flatten_attr(value):
            if isinstance(v, Layer) and v is not self:
                if not any(v is x for x in layers):
                    layers.append(v)
            elif isinstance(v, _variables.Variable) and not name.startswith("_"):
                tw = self.__dict__.get("_trainable_weights")
                ntw = self.__dict__.get("_non_trainable_weights")
                if tw is None or ntw is None:
                    continue
                if any(v is w for w in tw) or any(v is w for w in ntw):
                    continue
                (tw if v.trainable else ntw).append(v)
                backend.track_variable(v)
        object.__setattr__(self, name, value)

    def __delattr__(self, name):
        value = self.__dict__.get(name)
        object.__delattr__(self, name)
        if isinstance(value, Layer):
            layers = self.__dict__.get("_layers", [])
            if any(value is x for x in layers) and not any(value is v for v in self.__dict__.values()):
                layers[:] = [x for x in layers if x is not value]

    # -- naming --------------------------------------------------------------------------
    def _init_set_name(self, name, zero_based=True):
        if not name:
            self._name = backend.unique_object_name(generic_utils.to_snake_case(type(self).__name__),
                                                    zero_based=zero_based)
        else:
            self._name = name

    @property
    def name(self):
        return self._name

    def _name_scope(self):
        return self.name

    # -- properties ----------------------------------------------------------------------
    @property
    def dtype(self):
        return self._dtype

    @property
    def dynamic(self):
        return self._dynamic

    @property
    def trainable(self):
        return self._trainable

    @trainable.setter
    def trainable(self, value):
        self._trainable = bool(value)
        for layer in self._layers:
            layer.trainable = value

    @property
    def stateful(self):
        return self._stateful

    @stateful.setter
    def stateful(self, value):
        self._stateful = value

    @property
    def input_spec(self):
        return self._input_spec

    @input_spec.setter
    def input_spec(self, value):
        for v in flatten(value):
            if v is not None and not isinstance(v, _input_spec.InputSpec):
                raise TypeError("Layer input_spec must be an instance of InputSpec. Got: {}".format(v))
        self._input_spec = value

    @property
    def activity_regularizer(self):
        return self._activity_regularizer

    @activity_regularizer.setter
    def activity_regularizer(self, regularizer):
        self._activity_regularizer = regularizer

    def _gather_unique_layers(self):
        out, seen = [], set()

        def walk(layer):
            if id(layer) in seen:
                return
            seen.add(id(layer))
            out.append(layer)
            for sub in layer._layers:
                walk(sub)
        walk(self)
        return out

    @staticmethod
    def _dedup(weights):
        out, seen = [], set()
        for w in weights:
            if id(w) not in seen:
                seen.add(id(w))
                out.append(w)
        return out

    @property
    def trainable_weights(self):
        if not self.trainable:
            return []
        nested = [w for layer in self._layers for w in layer.trainable_weights]
        return self._dedup(self._trainable_weights + nested)

    @property
    def non_trainable_weights(self):
        if self.trainable:
            nested = [w for layer in self._layers for w in layer.non_trainable_weights]
            return self._dedup(self._non_trainable_weights + nested)
        nested = [w for layer in self._layers for w in layer.weights]
        return self._dedup(self._trainable_weights + self._non_trainable_weights + nested)

    @property
    def weights(self):
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_variables(self):
        return self.trainable_weights

    @property
    def non_trainable_variables(self):
        return self.non_trainable_weights

    @property
    def variables(self):
        return self.weights

    @property
    def updates(self):
        out = []
        for layer in self._gather_unique_layers():
            if not layer.trainable and not layer.stateful:
                continue
            out.extend(layer._updates)
        return out

    @property
    def losses(self):
        out = []
        for layer in self._gather_unique_layers():
            out.extend(layer._losses)
            for fn in layer._callable_losses:
                t = fn()
                if t is not None:
                    out.append(t)
        return out

    @property
    def metrics(self):
        out = []
        for layer in self._gather_unique_layers():
            out.extend(layer._metrics)
        return out

    def get_updates_for(self, inputs):
        """Updates that do not depend on any input (inputs=None) or that depend on `inputs`."""
        if inputs is None:
            return [u for u in self.updates if getattr(u, "_unconditional_update", True)]
        updates = [u for u in self.updates if not getattr(u, "_unconditional_update", True)]
        reachable = {id(x) for x in tf_utils.get_reachable_from_inputs(flatten(inputs), updates)}
        return [u for u in updates if id(u) in reachable]

    def get_losses_for(self, inputs):
        if inputs is None:
            return [x for x in self.losses if getattr(x, "_unconditional_loss", True)]
        losses = [x for x in self.losses if not getattr(x, "_unconditional_loss", True)]
        reachable = {id(x) for x in tf_utils.get_reachable_from_inputs(flatten(inputs), losses)}
        return [x for x in losses if id(x) in reachable]

    # -- weights -------------------------------------------------------------------------
    def add_weight(self, name=None, shape=None, dtype=None, initializer=None, regularizer=None,
                   trainable=None, constraint=None, partitioner=None, use_resource=None,
                   synchronization=None, aggregation=None, **kwargs):
        """Creates a variable `name` in the current name scope (the layer's, during build)."""
        from compat_tf._src.keras import constraints, initializers, regularizers
        if shape is None:
            shape = ()
        for k in kwargs:
            if k not in ("getter", "collections", "experimental_autocast"):
                raise TypeError("Unknown keyword argument:", k)
        getter = kwargs.pop("getter", make_variable)
        collections = kwargs.pop("collections", None)
        if dtype is None:
            dtype = self.dtype or backend.floatx()
        dtype = _dtypes.as_dtype(dtype)
        initializer = initializers.get(initializer)
        regularizer = regularizers.get(regularizer)
        constraint = constraints.get(constraint)
        if _is_on_read(synchronization):
            if trainable:
                raise ValueError("Synchronization value can be set to VariableSynchronization.ON_READ only "
                                 "for non-trainable variables. You have specified trainable=True and "
                                 "synchronization=VariableSynchronization.ON_READ.")
            trainable = False
        elif trainable is None:
            trainable = True
        if initializer is None:
            if dtype.is_floating:
                initializer = initializers.glorot_uniform()
            elif dtype.is_integer or dtype.is_unsigned or dtype.is_bool:
                initializer = initializers.zeros()
            else:
                raise ValueError(f"An initializer for variable {name} of type {dtype.name} is required for "
                                 f"layer {self.name}")
        variable = getter(name=name, shape=shape, dtype=dtype, initializer=initializer, trainable=trainable,
                          constraint=constraint, partitioner=partitioner, use_resource=use_resource,
                          collections=collections, synchronization=synchronization, aggregation=aggregation)
        backend.track_variable(variable)
        self._weight_names.append((name, variable))
        if regularizer is not None:
            name_in_scope = variable.name[:variable.name.find(":")]
            self._handle_weight_regularization(name_in_scope, variable, regularizer)
        if trainable:
            self._trainable_weights.append(variable)
        else:
            self._non_trainable_weights.append(variable)
        return variable

    def add_variable(self, *args, **kwargs):
        """Deprecated alias of add_weight."""
        return self.add_weight(*args, **kwargs)

    def _handle_weight_regularization(self, name, variable, regularizer):
        def loss_for_variable(v):
            with backend.name_scope(name + "/Regularizer"):
                return regularizer(v)
        self.add_loss(functools.partial(loss_for_variable, variable))

    def add_loss(self, losses, inputs=None):
        """Tensors (tagged as depending on `inputs` when given) or zero-argument callables."""
        def tag(loss):
            if callable(loss) and not _is_tensor_like(loss):
                loss = loss()
            if loss is None:
                return None
            if not _is_tensor_like(loss):
                loss = _constant.convert_to_tensor(loss, dtype=backend.floatx())
            loss._unconditional_loss = inputs is None
            return loss
        for loss in flatten(losses):
            if loss is None:
                continue
            if callable(loss) and not _is_tensor_like(loss):
                self._callable_losses.append(functools.partial(tag, loss))
                continue
            self._losses.append(tag(loss))

    def add_update(self, updates, inputs=None):
        """Records update ops; with `inputs=True`/a call in progress, marks those depending on the
        call's inputs as conditional (get_updates_for(inputs))."""
        ctx = _CALL_CONTEXT
        if inputs is not None and inputs is not True:
            relevant = flatten(inputs)
        elif ctx.in_call and ctx.layer is self:
            relevant = flatten(ctx.inputs)
        else:
            relevant = []
        for u in flatten(updates):
            while callable(u) and not isinstance(u, (_graph.Tensor, _graph.Operation)):
                u = u()
            if isinstance(u, _graph.Operation):
                op = u
            elif isinstance(u, _variables.Variable):
                op = u.op
            elif hasattr(u, "op"):
                op = u.op
            else:
                op = _constant.convert_to_tensor(u).op
            if relevant:
                reachable = {id(x) for x in tf_utils.get_reachable_from_inputs(relevant, [op])}
                op._unconditional_update = id(op) not in reachable
            else:
                op._unconditional_update = True
            self._updates.append(op)

    def add_metric(self, value, aggregation=None, name=None):
        """Records a metric tensor (reported by Model.fit under `name`)."""
        if aggregation is not None and aggregation != "mean":
            raise ValueError("We currently support only `mean` sample-wise metric aggregation. "
                             f"You provided aggregation=`{aggregation}`")
        value._metric_name = name or getattr(value, "name", "metric")
        value._metric_aggregation = aggregation
        self._metrics.append(value)

    def get_weights(self):
        """The weights' values as NumPy arrays (through the Keras session)."""
        return backend.batch_get_value(self.weights)

    def set_weights(self, weights):
        """Assigns NumPy arrays to the weights, in `weights` order (shapes must match)."""
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f'You called `set_weights(weights)` on layer "{self.name}" with a  weight list of '
                             f"length {len(weights)}, but the layer was expecting {len(params)} weights. "
                             f"Provided weights: {str(weights)[:50]}...")
        if not params:
            return
        tuples = []
        for p, w in zip(params, weights):
            w = np.asarray(w)
            ref_shape = tuple(p.get_shape().as_list())
            if ref_shape != w.shape:
                raise ValueError(f"Layer weight shape {ref_shape} not compatible with provided weight shape "
                                 f"{w.shape}")
            tuples.append((p, w))
        backend.batch_set_value(tuples)

    def count_params(self):
        if not self.built:
            if getattr(self, "_is_graph_network", False):
                self._maybe_build_graph_network()
            else:
                raise ValueError(f"You tried to call `count_params` on {self.name}, but the layer isn't built. "
                                 f"You can build it manually via: `{self.name}.build(batch_input_shape)`.")
        return int(sum(np.prod(w.get_shape().as_list()) for w in self.weights))

    # -- building and calling --------------------------------------------------------------
    def build(self, input_shape):
        self.built = True

    def call(self, inputs, **kwargs):
        return inputs

    def compute_output_shape(self, input_shape):
        """Builds the layer and calls it on placeholders of `input_shape` in a scratch graph."""
        from compat_tf._src.framework.graph import Graph
        scratch = Graph()
        scratch._lifts_variables = _graph._eager_graph is not None   # weights stay eager (capture.py)
        with scratch.as_default():
            shapes = tf_utils.convert_shapes(input_shape, to_tuples=False)

            def ph(s):
                return _constant.placeholder(self.dtype or backend.floatx(), shape=s)
            inputs = map_structure(ph, shapes) if not isinstance(shapes, _ts.TensorShape) else ph(shapes)
            try:
                outputs = self(inputs)
            except TypeError as e:
                raise NotImplementedError("We could not automatically infer the static shape of the layer's "
                                          f"output. Please implement the `compute_output_shape` method on "
                                          f"your layer ({type(self).__name__}).") from e
        return map_structure(lambda t: t.shape, outputs)

    def compute_mask(self, inputs, mask=None):
        if not self.supports_masking:
            if any(m is not None for m in flatten(mask)):
                raise TypeError(f"Layer {self.name} does not support masking, but was passed an input_mask: "
                                f"{mask}")
            return None
        return mask

    compute_mask._is_default = True

    def _maybe_build(self, inputs):
        if self.built:
            return
        flat = flatten(inputs)
        if self._dtype is None and flat and hasattr(flat[0], "dtype"):
            self._dtype = flat[0].dtype.base_dtype.name
        input_shapes = map_structure(lambda x: x.shape if hasattr(x, "shape") else None, inputs)
        if not hasattr(self.build, "_is_default"):
            self.build(input_shapes)
        self.built = True
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def _convert_inputs(self, inputs):
        def conv(x):
            if isinstance(x, (np.ndarray, float, int, np.generic, list)) and not isinstance(x, bool):
                return _constant.convert_to_tensor(x)
            return x
        if isinstance(inputs, list) and all(_is_tensor_like(v) or isinstance(v, (list, tuple, dict))
                                             for v in inputs):
            return inputs
        if isinstance(inputs, (tuple, dict)) or isinstance(inputs, list) and inputs and \
                any(_is_tensor_like(v) for v in inputs):
            return map_structure(conv, inputs)
        return conv(inputs)

    def _call_arg_value(self, name, args, kwargs):
        if name in kwargs:
            return True, kwargs[name]
        params = self._call_fn_args[1:]
        if name in params:
            i = params.index(name)
            if i < len(args):
                return True, args[i]
        return False, None

    def __call__(self, inputs, *args, **kwargs):
        ctx = _CALL_CONTEXT
        inputs = self._convert_inputs(inputs)
        input_masks = [getattr(x, "_keras_mask", None) for x in flatten(inputs)]
        if all(m is None for m in input_masks):
            input_masks = None
        else:
            input_masks = pack_sequence_as(inputs, input_masks) if isinstance(inputs, (list, tuple, dict)) \
                else input_masks[0]
        mask_by_framework = False
        if self._expects_mask_arg and input_masks is not None and \
                not self._call_arg_value("mask", args, kwargs)[0] and "mask" in self._call_fn_args:
            kwargs["mask"] = input_masks
            mask_by_framework = True
        training_by_framework = False
        passed, training_value = self._call_arg_value("training", args, kwargs)
        if passed:
            if "training" not in self._call_fn_args and "training" in kwargs and not self._call_accepts_kwargs():
                kwargs.pop("training")
        else:
            training_value = None
            if ctx.training is not None:
                training_value = ctx.training
            elif backend.global_learning_phase_is_set():
                training_value = backend.learning_phase()
            if "training" in self._call_fn_args and training_value is not None:
                if isinstance(training_value, _graph.Tensor):
                    from compat_tf._src.ops import math_ops
                    if training_value.dtype.base_dtype != _dtypes.bool:
                        training_value = math_ops.cast(training_value, _dtypes.bool)
                else:
                    training_value = bool(training_value)
                kwargs["training"] = training_value
                training_by_framework = True
        with _EnterCall(self, inputs, training_value), _symbolic_graph_of(inputs) as g:
            _input_spec.assert_input_compatibility(self.input_spec, inputs, self.name)
            with g.name_scope(self._name_scope()):
                self._maybe_build(inputs)
                outputs = self.call(inputs, *args, **kwargs)
                if outputs is None:
                    raise ValueError("A layer's `call` method should return a Tensor or a list of Tensors, not "
                                     f"None (layer: {self.name}).")
                if have_all_keras_metadata(inputs):
                    if training_by_framework:
                        kwargs.pop("training", None)
                    if mask_by_framework:
                        kwargs.pop("mask", None)
                    outputs = self._set_connectivity_metadata(inputs, outputs, args, kwargs)
                self._handle_activity_regularization(inputs, outputs)
                self._set_mask_metadata(inputs, outputs, input_masks)
                if hasattr(self, "_set_inputs") and not getattr(self, "inputs", None) and \
                        not getattr(self, "_is_graph_network", False) and not _is_eager(outputs):
                    self._set_inputs(inputs, outputs)
        return outputs

    def apply(self, inputs, *args, **kwargs):
        """Deprecated alias of `__call__`."""
        return self.__call__(inputs, *args, **kwargs)

    def _set_connectivity_metadata(self, inputs, outputs, args, kwargs):
        from compat_tf._src.ops import control_flow_ops
        flat_in = flatten(inputs)
        flat_out = flatten(outputs)
        copied = [control_flow_ops.identity(x) if any(x is i for i in flat_in) else x for x in flat_out]
        if any(a is not b for a, b in zip(copied, flat_out)):
            outputs = pack_sequence_as(outputs, copied) if isinstance(outputs, (list, tuple, dict)) \
                else copied[0]
        arguments = dict(kwargs)
        if args:
            params = [p for p in self._call_fn_args if p not in ("self",)][1:]
            for name, value in zip(params, args):
                arguments[name] = value
        self._add_inbound_node(inputs, outputs, arguments)
        return outputs

    def _add_inbound_node(self, input_tensors, output_tensors, arguments=None):
        Node(self, input_tensors, output_tensors, arguments)
        node_index = len(self._inbound_nodes) - 1
        for i, t in enumerate(flatten(output_tensors)):
            t._keras_history = KerasHistory(self, node_index, i)

    def _handle_activity_regularization(self, inputs, outputs):
        if self._activity_regularizer is None:
            return
        from compat_tf._src.ops import array_ops, math_ops
        with backend.name_scope("ActivityRegularizer"):
            for out in flatten(outputs):
                loss = self._activity_regularizer(out)
                batch = math_ops.cast(array_ops.shape(out)[0], loss.dtype.base_dtype)
                self.add_loss(loss / batch, inputs=inputs)

    def _set_mask_metadata(self, inputs, outputs, previous_mask):
        flat_out = flatten(outputs)
        already = getattr(self, "_compute_output_and_mask_jointly", False) or \
            all(getattr(x, "_keras_mask", None) is not None for x in flat_out)
        if already:
            return
        should = self.supports_masking or not getattr(type(self).compute_mask, "_is_default", False)
        if not should:
            masks = [None] * len(flat_out)
        else:
            out_masks = self.compute_mask(inputs, previous_mask)
            masks = [None] * len(flat_out) if out_masks is None else flatten(out_masks)
        for t, m in zip(flat_out, masks):
            try:
                t._keras_mask = m
            except AttributeError:
                pass

    # -- functional-API accessors ------------------------------------------------------------
    @property
    def inbound_nodes(self):
        return self._inbound_nodes

    @property
    def outbound_nodes(self):
        return self._outbound_nodes

    def _node_attr(self, node_index, attr, attr_name):
        if not self._inbound_nodes:
            raise RuntimeError(f"The layer has never been called and thus has no defined {attr_name}.")
        if not len(self._inbound_nodes) > node_index:
            raise ValueError(f"Asked to get {attr_name} at node {node_index}, but the layer has only "
                             f"{len(self._inbound_nodes)} inbound nodes.")
        values = getattr(self._inbound_nodes[node_index], attr)
        if isinstance(values, list) and len(values) == 1:
            return values[0]
        return values

    def get_input_at(self, node_index):
        return self._node_attr(node_index, "input_tensors", "input")

    def get_output_at(self, node_index):
        return self._node_attr(node_index, "output_tensors", "output")

    def get_input_shape_at(self, node_index):
        return self._node_attr(node_index, "input_shapes", "input shape")

    def get_output_shape_at(self, node_index):
        return self._node_attr(node_index, "output_shapes", "output shape")

    def get_input_mask_at(self, node_index):
        return self._node_attr(node_index, "input_masks", "input mask")

    def get_output_mask_at(self, node_index):
        return self._node_attr(node_index, "output_masks", "output mask")

    @property
    def input(self):
        if not self._inbound_nodes:
            raise AttributeError("Layer " + self.name + " is not connected, no input to return.")
        return self._node_attr(0, "input_tensors", "input")

    @property
    def output(self):
        if not self._inbound_nodes:
            raise AttributeError("Layer " + self.name + " has no inbound nodes.")
        return self._node_attr(0, "output_tensors", "output")

    @property
    def input_shape(self):
        if not self._inbound_nodes:
            raise AttributeError("The layer has never been called and thus has no defined input shape.")
        shapes = {str(n.input_shapes) for n in self._inbound_nodes}
        if len(shapes) == 1:
            return self._inbound_nodes[0].input_shapes
        raise AttributeError('The layer "' + str(self.name) + ' has multiple inbound nodes, with different '
                             "input shapes. Hence the notion of \"input shape\" is ill-defined for the layer. "
                             "Use `get_input_shape_at(node_index)` instead.")

    @property
    def output_shape(self):
        if not self._inbound_nodes:
            raise AttributeError("The layer has never been called and thus has no defined output shape.")
        shapes = {str(n.output_shapes) for n in self._inbound_nodes}
        if len(shapes) == 1:
            return self._inbound_nodes[0].output_shapes
        raise AttributeError('The layer "%s" has multiple inbound nodes, with different output shapes. Hence '
                             'the notion of "output shape" is ill-defined for the layer. Use '
                             "`get_output_shape_at(node_index)` instead." % self.name)

    @property
    def input_mask(self):
        return self.get_input_mask_at(0)

    @property
    def output_mask(self):
        return self.get_output_mask_at(0)

    # -- config ----------------------------------------------------------------------------
    def get_config(self):
        config = {"name": self.name, "trainable": self.trainable}
        if hasattr(self, "_batch_input_shape"):
            config["batch_input_shape"] = self._batch_input_shape
        config["dtype"] = self.dtype
        if self.dynamic:
            config["dynamic"] = self.dynamic
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object '{self.name}'>"


Layer.build._is_default = True


def _flatten_attr(value):
    if isinstance(value, (list, tuple)):
        out = []
        for v in value:
            out.extend(_flatten_attr(v))
        return out
    if isinstance(value, dict) and not isinstance(value, type):
        return [v for v in value.values() if isinstance(v, (Layer, _variables.Variable))]
    return [value]


def _is_on_read(synchronization):
    return synchronization is not None and getattr(synchronization, "name", str(synchronization)) == "ON_READ"


class _symbolic_graph_of:  # noqa: N801 - used as a context manager
    """While executing eagerly, a layer called on symbolic tensors (Keras' graph) builds there
    (TF 1.15's Layer.__call__ with `build_graph`); otherwise the default graph. Yields the graph."""

    def __init__(self, inputs):
        self._graph = None
        if _graph._eager_graph is not None and not _graph._default_graph_state.stack:
            for x in flatten(inputs):
                if isinstance(x, _graph.Tensor) and not _is_eager(x) and x._op is not None:
                    self._graph = x._op._graph
                    break

    def __enter__(self):
        if self._graph is None:
            return _graph.get_default_graph()
        self._ctx = self._graph.as_default()
        return self._ctx.__enter__()

    def __exit__(self, *exc):
        if self._graph is not None:
            return self._ctx.__exit__(*exc)
        return False


def _is_eager(x):
    return any(hasattr(t, "_capture_into") and isinstance(t, _graph.Tensor) for t in flatten(x))


def make_variable(name, shape=None, dtype=None, initializer=None, trainable=None, caching_device=None,
                  validate_shape=True, constraint=None, use_resource=None, collections=None,
                  synchronization=None, aggregation=None, partitioner=None):
    """Keras' base_layer_utils.make_variable: a tf.Variable `name` (in the current name scope)
    initialized by `initializer(shape, dtype)`."""
    if partitioner is not None:
        raise NotImplementedError("Partitioned Keras weights are not supported by compat_tf (TF 1.15 "
                                  "tf.keras add_weight(partitioner=...))")
    dtype = _dtypes.as_dtype(dtype or "float32")
    if initializer is not None and not callable(initializer):
        return _variables.Variable(initial_value=initializer, name=name, trainable=trainable,
                                   collections=collections, validate_shape=validate_shape, dtype=dtype,
                                   constraint=constraint)
    shape_list = list(_ts.TensorShape(shape).as_list()) if shape is not None else []
    init = initializer
    if isinstance(init, type):
        init = init()

    def init_val():
        try:
            return init(shape_list, dtype=dtype, partition_info=None)
        except TypeError as e:
            if "partition_info" not in str(e):
                raise
            return init(shape_list, dtype=dtype)
    return _variables.Variable(initial_value=init_val, name=name, trainable=trainable, collections=collections,
                               validate_shape=validate_shape, dtype=dtype, constraint=constraint)
