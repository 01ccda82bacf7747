"""Keras' layer_utils (TF 1.15): model.summary()'s table and parameter counting."""
import numpy as np


def count_params(weights):
    """Total number of scalars in `weights` (unique variables)."""
    seen, total = set(), 0
    for w in weights:
        if id(w) in seen:
            continue
        seen.add(id(w))
        total += int(np.prod(w.get_shape().as_list()))
    return total


def _is_sequential_like(model):
    if type(model).__name__ == "Sequential" or not model._is_graph_network:
        return True
    nodes = []
    for v in model._nodes_by_depth.values():
        if len(v) > 1 or (len(v) == 1 and len([x for x in v[0].inbound_layers if x is not None]) > 1):
            return False
        nodes += v
    for layer in model.layers:
        if sum(1 for node in layer._inbound_nodes if node in nodes) > 1:
            return False
    return True


def print_summary(model, line_length=None, positions=None, print_fn=None):
    """Prints "Model: name", one row per layer (name (Class), output shape, params[, connected to])
    and the total / trainable / non-trainable parameter counts, in Keras' column layout."""
    print_fn = print_fn or print
    sequential_like = _is_sequential_like(model)
    if sequential_like:
        line_length = line_length or 65
        positions = positions or [.45, .85, 1.]
        header = ["Layer (type)", "Output Shape", "Param #"]
    else:
        line_length = line_length or 98
        positions = positions or [.33, .55, .67, 1.]
        header = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]
    relevant = [n for v in getattr(model, "_nodes_by_depth", {}).values() for n in v]

    def row(fields):
        line = ""
        for i, field in enumerate(fields):
            if i > 0:
                line = line[:-1] + " "
            line += str(field)
            line = line[:positions[i]]
            line += " " * (positions[i] - len(line))
        print_fn(line)

    print_fn('Model: "{}"'.format(model.name))
    print_fn("_" * line_length)
    row(header)
    print_fn("=" * line_length)
    layers = model.layers
    for i, layer in enumerate(layers):
        try:
            output_shape = layer.output_shape
        except (AttributeError, RuntimeError):
            output_shape = "multiple"
        name = f"{layer.name} ({type(layer).__name__})"
        if sequential_like:
            row([name, output_shape, layer.count_params()])
        else:
            connections = []
            for node in layer._inbound_nodes:
                if relevant and node not in relevant:
                    continue
                for inbound_layer, ni, ti, _ in node.iterate_inbound():
                    connections.append(f"{inbound_layer.name}[{ni}][{ti}]")
            row([name, output_shape, layer.count_params(), connections[0] if connections else ""])
            for c in connections[1:]:
                row(["", "", "", c])
        print_fn(("=" if i == len(layers) - 1 else "_") * line_length)
    trainable = count_params(getattr(model, "_collected_trainable_weights", None) or model.trainable_weights)
    non_trainable = count_params(model.non_trainable_weights)
    print_fn("Total params: {:,}".format(trainable + non_trainable))
    print_fn("Trainable params: {:,}".format(trainable))
    print_fn("Non-trainable params: {:,}".format(non_trainable))
    print_fn("_" * line_length)


def get_source_inputs(tensor, layer=None, node_index=None):
    """tf.keras.utils.get_source_inputs: the Input tensors `tensor` was computed from."""
    if not hasattr(tensor, "_keras_history"):
        return [tensor]
    if layer is None or node_index is None:
        layer, node_index, _ = tensor._keras_history
    node = layer._inbound_nodes[node_index]
    inbound = list(node.iterate_inbound())
    if not inbound:
        from compat_tf._src.keras.engine.base_layer import flatten
        return flatten(node.input_tensors)
    out = []
    for inbound_layer, ni, _, t in inbound:
        for x in get_source_inputs(t, inbound_layer, ni):
            if not any(x is y for y in out):
                out.append(x)
    return out
