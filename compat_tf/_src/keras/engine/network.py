"""Keras' Network (TF 1.15's keras/engine/network.py): a graph of layers (functional API) or a
subclassed model, as a layer.

Functional: `Network(inputs, outputs)` walks the outputs' `_keras_history` back to the inputs
(TF 1.15's _map_graph_network): every layer gets a depth, `layers` lists them by decreasing
depth and traversal order (InputLayers first), which is the order of `weights` /
`get_weights()` / `set_weights()`; a graph that cannot reach an output from the inputs raises
"Graph disconnected". Calling the network on new tensors re-runs its layers node by node
(shared weights). In graph mode the model's own `outputs` are the tensors the layers already
built, so `predict` runs exactly them.

Subclassed: a Model with `call` overridden; its weights come from the layers assigned as
attributes; `inputs`/`outputs` are set on the first call (or by fit, from the data).

Config: `get_config()` lists the layers with their inbound nodes ([layer name, node index,
tensor index, kwargs]) and from_config rebuilds the graph, as Keras 2.2.4-tf writes it;
`to_json()` adds class_name/keras_version/backend.
"""
import collections
import json

from compat_tf._src.keras import backend
from compat_tf._src.keras.engine import base_layer
from compat_tf._src.keras.engine.base_layer import Layer, Node, flatten, map_structure, pack_sequence_as
from compat_tf._src.keras.utils import generic_utils, layer_utils

__all__ = ["Network"]


def _make_node_key(layer_name, node_index):
    return f"{layer_name}_ib-{node_index}"


def _should_skip_first_node(layer):
    return isinstance(layer, Network) and layer._is_graph_network


def _map_graph_network(inputs, outputs):
    """(network node keys, {depth: [nodes]}, layers in order, {depth: [layers]})."""
    network_nodes = set()
    nodes_depths = {}
    layers_depths = {}
    layer_indices = {}
    nodes_in_decreasing_depth = []
    finished, in_progress = set(), set()

    def build_map(tensor, layer, node_index):
        node = layer._inbound_nodes[node_index]
        if node in in_progress:
            raise ValueError(f'The tensor {tensor} at layer "{layer.name}" is part of a cycle.')
        if node in finished:
            return
        network_nodes.add(_make_node_key(layer.name, node_index))
        if layer not in layer_indices:
            layer_indices[layer] = len(layer_indices)
        in_progress.add(node)
        for inbound_layer, ni, _, t in node.iterate_inbound():
            build_map(t, inbound_layer, ni)
        finished.add(node)
        in_progress.remove(node)
        nodes_in_decreasing_depth.append(node)

    for x in outputs:
        hist = getattr(x, "_keras_history", None)
        if hist is None:
            raise ValueError("Output tensors to a Model must be the output of a TensorFlow `Layer` (thus holding "
                             f"past layer metadata). Found: {x}")
        build_map(x, hist.layer, hist.node_index)

    for node in reversed(nodes_in_decreasing_depth):
        depth = nodes_depths.setdefault(node, 0)
        depth = max(depth, layers_depths.get(node.outbound_layer, 0))
        layers_depths[node.outbound_layer] = depth
        nodes_depths[node] = depth
        for inbound_layer, ni, _, _ in node.iterate_inbound():
            dep = inbound_layer._inbound_nodes[ni]
            nodes_depths[dep] = max(depth + 1, nodes_depths.get(dep, 0))

    for x in inputs:
        input_layer = x._keras_history.layer
        if input_layer not in layers_depths:
            layers_depths[input_layer] = 0
            layer_indices[input_layer] = -1
            nodes_depths[input_layer._inbound_nodes[0]] = 0
            network_nodes.add(_make_node_key(input_layer.name, 0))

    nodes_by_depth = collections.defaultdict(list)
    for node, depth in nodes_depths.items():
        nodes_by_depth[depth].append(node)
    layers_by_depth = collections.defaultdict(list)
    for layer, depth in layers_depths.items():
        layers_by_depth[depth].append(layer)
    layers = []
    for depth in sorted(layers_by_depth, reverse=True):
        layers.extend(sorted(layers_by_depth[depth], key=lambda lyr: layer_indices[lyr]))

    computable = {id(x) for x in inputs}
    seen_layers = []
    for depth in sorted(nodes_by_depth, reverse=True):
        for node in nodes_by_depth[depth]:
            layer = node.outbound_layer
            for x in flatten(node.input_tensors):
                if id(x) not in computable:
                    raise ValueError(f"Graph disconnected: cannot obtain value for tensor {x} at layer "
                                     f'"{layer.name}". The following previous layers were accessed without '
                                     f"issue: {seen_layers}")
            for x in flatten(node.output_tensors):
                computable.add(id(x))
            seen_layers.append(layer.name)
    names = [layer.name for layer in layers]
    for name in names:
        if names.count(name) != 1:
            raise ValueError(f'The name "{name}" is used {names.count(name)} times in the model. All layer names '
                             "should be unique.")
    return network_nodes, nodes_by_depth, layers, layers_by_depth


class Network(Layer):
    """A directed acyclic graph of layers (functional) or a subclassed model."""

    def __init__(self, *args, **kwargs):
        if (len(args) == 2 or len(args) == 1 and "outputs" in kwargs or
                "inputs" in kwargs and "outputs" in kwargs):
            self._init_graph_network(*args, **kwargs)
        else:
            self._init_subclassed_network(**kwargs)

    def _base_init(self, name=None, trainable=True, dtype=None):
        Layer.__init__(self, trainable=trainable, name=name, dtype=dtype)
        self._is_compiled = False
        self.optimizer = None
        self.inputs = []
        self.outputs = []
        self.input_names = []
        self.output_names = []
        self._is_graph_network = False

    def _init_graph_network(self, inputs, outputs, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if kwargs:
            raise TypeError(f"Keyword argument not understood: {list(kwargs)[0]}")
        # TF 1.15 unwraps one-element lists: a model of one output returns a tensor, not a list
        if isinstance(inputs, list) and len(flatten(inputs)) == 1:
            inputs = inputs[0]
        if isinstance(outputs, list) and len(flatten(outputs)) == 1:
            outputs = outputs[0]
        self._nested_inputs = inputs
        self._nested_outputs = outputs
        self._base_init(name=name, trainable=trainable)
        self.inputs = flatten(inputs)
        self.outputs = flatten(outputs)
        for x in self.inputs:
            hist = getattr(x, "_keras_history", None)
            if hist is None or not isinstance(hist.layer, _input_layer_class()):
                cls_name = type(self).__name__
                raise ValueError(f"Input tensors to a {cls_name} must come from `tf.keras.Input`. Received: {x} "
                                 "(missing previous layer metadata).")
        self._is_graph_network = True
        self._expects_training_arg = True
        self._expects_mask_arg = True
        self.built = True
        self._input_layers, self._input_coordinates = [], []
        self._output_layers, self._output_coordinates = [], []
        for x in self.outputs:
            layer, ni, ti = x._keras_history
            self._output_layers.append(layer)
            self._output_coordinates.append((layer, ni, ti))
        for x in self.inputs:
            layer, ni, ti = x._keras_history
            self._input_layers.append(layer)
            self._input_coordinates.append((layer, ni, ti))
        nodes, nodes_by_depth, layers, _ = _map_graph_network(self.inputs, self.outputs)
        self._network_nodes = nodes
        self._nodes_by_depth = nodes_by_depth
        self._layers = layers
        self._layer_call_argspecs = {}
        node = Node.__new__(Node)
        node.outbound_layer = self
        node.input_tensors, node.output_tensors, node.arguments = self._nested_inputs, self._nested_outputs, {}
        node.inbound_layers, node.node_indices, node.tensor_indices = [], [], []
        node.input_shapes = map_structure(base_layer._static_shape, self._nested_inputs)
        node.output_shapes = map_structure(base_layer._static_shape, self._nested_outputs)
        node.input_masks = map_structure(lambda t: None, self._nested_inputs)
        node.output_masks = map_structure(lambda t: getattr(t, "_keras_mask", None), self._nested_outputs)
        self._inbound_nodes.append(node)
        self.input_names = [layer.name for layer in self._input_layers]
        self.output_names = []
        for layer in self._output_layers:
            if layer.name not in self.output_names:
                self.output_names.append(layer.name)
            else:
                i = 1
                while f"{layer.name}_{i}" in self.output_names:
                    i += 1
                self.output_names.append(f"{layer.name}_{i}")
        self._feed_input_names = list(self.input_names)
        self._feed_inputs = list(self.inputs)
        self._feed_input_shapes = [backend.int_shape(x) for x in self.inputs]

    def _init_subclassed_network(self, name=None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        dtype = kwargs.pop("dtype", None)
        if kwargs:
            raise TypeError(f"Keyword argument not understood: {list(kwargs)[0]}")
        self._base_init(name=name, trainable=trainable, dtype=dtype)
        self._is_graph_network = False
        self.built = False

    def _init_set_name(self, name, zero_based=True):
        super()._init_set_name(name, zero_based=zero_based)

    # -- layers and weights ---------------------------------------------------------------------
    @property
    def layers(self):
        return [layer for layer in self._layers]

    def get_layer(self, name=None, index=None):
        """A layer by name or by index (in `layers` order)."""
        if index is not None:
            if len(self.layers) <= index:
                raise ValueError(f"Was asked to retrieve layer at index {index} but model only has "
                                 f"{len(self.layers)} layers.")
            return self.layers[index]
        if not name:
            raise ValueError("Provide either a layer name or layer index.")
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError("No such layer: " + name)

    @property
    def weights(self):
        out = []
        for layer in self._layers:
            out += layer.weights
        out += self._trainable_weights + self._non_trainable_weights
        return self._dedup(out)

    @property
    def stateful(self):
        return any(getattr(layer, "stateful", False) for layer in self.layers)

    @stateful.setter
    def stateful(self, value):
        self._stateful = value

    def reset_states(self):
        for layer in self.layers:
            if hasattr(layer, "reset_states") and getattr(layer, "stateful", False):
                layer.reset_states()

    @property
    def state_updates(self):
        out = []
        for layer in self.layers:
            if getattr(layer, "stateful", False) and hasattr(layer, "updates"):
                out += layer.updates
        return out

    @property
    def updates(self):
        if not self.trainable and not self.stateful:
            return []
        updates = super().updates
        if not self._is_graph_network:
            return updates
        relevant = []
        for i in range(len(self._inbound_nodes)):
            relevant += flatten(self.get_input_at(i))
        if not relevant:
            return updates
        from compat_tf._src.keras.utils import tf_utils
        reachable = {id(x) for x in tf_utils.get_reachable_from_inputs(relevant, updates)}
        return [u for u in updates if id(u) in reachable or getattr(u, "_unconditional_update", True)]

    @property
    def input_spec(self):
        if not self._is_graph_network:
            return None
        specs = []
        for layer in self._input_layers:
            if layer.input_spec is None:
                specs.append(None)
            else:
                specs.extend(generic_utils.to_list(layer.input_spec))
        return specs[0] if len(specs) == 1 else (specs or None)

    @input_spec.setter
    def input_spec(self, value):
        self._input_spec = value

    @property
    def uses_learning_phase(self):
        return True

    # -- calling ---------------------------------------------------------------------------------
    def build(self, input_shape):
        """Builds a subclassed network by calling it on placeholders of `input_shape`."""
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("Input shape must be defined when calling build on a model subclass network.")
        from compat_tf._src.ops import constant as _constant
        shapes = input_shape

        def ph(s):
            return _constant.placeholder(backend.floatx(), shape=tuple(s))
        # eager mode: in Keras' graph, where the weights built are eager variables (as TF 1.15's FuncGraph)
        with backend.get_graph().as_default():
            if isinstance(shapes, (list, tuple)) and shapes and isinstance(shapes[0], (list, tuple)):
                x = [ph(s) for s in shapes]
            else:
                x = ph(shapes.as_list() if hasattr(shapes, "as_list") else shapes)
            self.call(x)      # builds the weights (TF 1.15 calls `call` on placeholders here too)
        self.built = True

    def call(self, inputs, training=None, mask=None):
        if not self._is_graph_network:
            raise NotImplementedError("When subclassing the `Model` class, you should implement a `call` method.")
        return self._run_internal_graph(inputs, training=training, mask=mask)

    def compute_mask(self, inputs, mask):
        return None

    def _run_internal_graph(self, inputs, training=None, mask=None):
        flat_in = flatten(inputs)
        masks = [None] * len(flat_in) if mask is None else flatten(mask)
        tensor_map = {}
        for x, y, m in zip(self.inputs, flat_in, masks):
            if m is not None:
                y._keras_mask = m
            tensor_map[id(x)] = y
        for depth in sorted(self._nodes_by_depth, reverse=True):
            for node in self._nodes_by_depth[depth]:
                layer = node.outbound_layer
                if layer.__class__ is _input_layer_class():
                    continue
                refs = flatten(node.input_tensors)
                if not all(id(x) in tensor_map for x in refs):
                    continue
                computed = pack_sequence_as(node.input_tensors, [tensor_map[id(x)] for x in refs]) \
                    if isinstance(node.input_tensors, (list, tuple, dict)) else tensor_map[id(refs[0])]
                kwargs = dict(node.arguments or {})
                if training is not None and "training" in layer._call_fn_args and "training" not in kwargs:
                    kwargs["training"] = training
                outputs = layer(computed, **kwargs)
                for x, y in zip(flatten(node.output_tensors), flatten(outputs)):
                    tensor_map[id(x)] = y
        outs = [tensor_map[id(x)] for x in self.outputs]
        return pack_sequence_as(self._nested_outputs, outs) if isinstance(self._nested_outputs, (list, tuple)) \
            else outs[0]

    # -- config ----------------------------------------------------------------------------------
    def get_config(self):
        if not self._is_graph_network:
            raise NotImplementedError("get_config of a subclassed Model is not implemented (as in TF 1.15).")
        config = {"name": self.name}
        conversion = {}
        for layer in self.layers:
            kept = 1 if _should_skip_first_node(layer) else 0
            for i, _ in enumerate(layer._inbound_nodes):
                key = _make_node_key(layer.name, i)
                if key in self._network_nodes:
                    conversion[key] = kept
                    kept += 1
        layer_configs = []
        for layer in self.layers:
            inbound = []
            for i, node in enumerate(layer._inbound_nodes):
                key = _make_node_key(layer.name, i)
                if key not in self._network_nodes:
                    continue
                data = []
                for inbound_layer, ni, ti, _ in node.iterate_inbound():
                    new_ni = conversion.get(_make_node_key(inbound_layer.name, ni), 0)
                    data.append([inbound_layer.name, new_ni, ti, base_layer._serializable_kwargs(node.arguments)])
                if data:
                    inbound.append(data)
            layer_configs.append({"name": layer.name, "class_name": type(layer).__name__,
                                  "config": layer.get_config(), "inbound_nodes": inbound})
        config["layers"] = layer_configs

        def coords(coordinates):
            out = []
            for layer, ni, ti in coordinates:
                key = _make_node_key(layer.name, ni)
                if key not in self._network_nodes:
                    continue
                out.append([layer.name, conversion[key], ti])
            return out
        config["input_layers"] = coords(self._input_coordinates)
        config["output_layers"] = coords(self._output_coordinates)
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from compat_tf._src.keras.layers import serialization
        created = {}
        unprocessed = collections.defaultdict(list)

        def process_node(layer, node_data):
            inputs = []
            kwargs = {}
            for name, ni, ti, *rest in node_data:
                kwargs = rest[0] if rest else {}
                inbound = created[name]
                if len(inbound._inbound_nodes) <= ni:
                    unprocessed[layer].append(node_data)
                    return
                inputs.append(flatten(inbound._inbound_nodes[ni].output_tensors)[ti])
            if inputs:
                layer(inputs[0] if len(inputs) == 1 else inputs, **kwargs)

        for layer_data in config["layers"]:
            layer = serialization.deserialize(layer_data, custom_objects=custom_objects)
            created[layer_data["name"]] = layer
            for node_data in layer_data["inbound_nodes"]:
                unprocessed[layer].append(node_data)
        while unprocessed:
            for layer_data in config["layers"]:
                layer = created[layer_data["name"]]
                if layer in unprocessed:
                    for node_data in unprocessed.pop(layer):
                        process_node(layer, node_data)
        inputs = [flatten(created[n]._inbound_nodes[ni].output_tensors)[ti] for n, ni, ti in config["input_layers"]]
        outputs = [flatten(created[n]._inbound_nodes[ni].output_tensors)[ti]
                   for n, ni, ti in config["output_layers"]]
        return cls(inputs=inputs, outputs=outputs, name=config.get("name"))

    def to_json(self, **kwargs):
        """The model's architecture as Keras' JSON (class_name, config, keras_version, backend)."""
        from compat_tf._src.keras.saving import model_config
        return json.dumps(model_config.model_metadata(self), default=model_config.json_default, **kwargs)

    def to_yaml(self, **kwargs):
        import yaml
        from compat_tf._src.keras.saving import model_config
        return yaml.dump(json.loads(json.dumps(model_config.model_metadata(self),
                                               default=model_config.json_default)), **kwargs)

    # -- saving ------------------------------------------------------------------------------------
    def save(self, filepath, overwrite=True, include_optimizer=True, save_format=None):
        """Saves architecture, weights and optimizer state to HDF5 (Keras' .h5 layout)."""
        from compat_tf._src.keras.saving import save
        save.save_model(self, filepath, overwrite, include_optimizer, save_format)

    def save_weights(self, filepath, overwrite=True, save_format=None):
        """HDF5 when the path ends in .h5/.keras (or save_format='h5'), else a TF checkpoint."""
        from compat_tf._src.keras.saving import save
        save.save_weights(self, filepath, overwrite, save_format)

    def load_weights(self, filepath, by_name=False):
        from compat_tf._src.keras.saving import save
        return save.load_weights(self, filepath, by_name)

    def summary(self, line_length=None, positions=None, print_fn=None):
        """Prints Keras' table of layers, output shapes and parameter counts."""
        if not self.built:
            raise ValueError("This model has not yet been built. Build the model first by calling `build()` or "
                             "calling `fit()` with some data, or specify an `input_shape` argument in the first "
                             "layer(s) for automatic build.")
        layer_utils.print_summary(self, line_length=line_length, positions=positions, print_fn=print_fn)

    def _maybe_build_graph_network(self):
        pass


def _input_layer_class():
    from compat_tf._src.keras.engine.input_layer import InputLayer
    return InputLayer

