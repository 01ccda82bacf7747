"""tf.keras.utils.model_to_dot / plot_model (TF 1.15's vis_utils): the layer graph in Graphviz
through pydot (ImportError when pydot or graphviz is missing, as Keras)."""


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError("Failed to import pydot. You must install pydot and graphviz for `pydotprint` to "
                          "work.") from None
    try:
        pydot.Dot.create(pydot.Dot())
    except Exception:  # noqa: BLE001 - pydot raises OSError/FileNotFoundError without the dot binary
        raise ImportError("Failed to import pydot. You must install pydot and graphviz for `pydotprint` to "
                          "work.") from None
    return pydot


def model_to_dot(model, show_shapes=False, show_layer_names=True, rankdir="TB", expand_nested=False, dpi=96,
                 subgraph=False):
    """A pydot.Dot of the model's layers (one node per layer, edges along inbound nodes)."""
    pydot = _pydot()
    dot = pydot.Dot()
    dot.set("rankdir", rankdir)
    dot.set("concentrate", True)
    dot.set("dpi", dpi)
    dot.set_node_defaults(shape="record")
    layers = model.layers if not getattr(model, "_is_graph_network", False) or \
        type(model).__name__ == "Sequential" else model._layers
    for layer in layers:
        label = f"{layer.name}: {type(layer).__name__}" if show_layer_names else type(layer).__name__
        if show_shapes:
            try:
                out = str(layer.output_shape)
            except AttributeError:
                out = "multiple"
            try:
                inp = str(layer.input_shape)
            except AttributeError:
                inp = "multiple"
            label = "%s\n|{input:|output:}|{{%s}|{%s}}" % (label, inp, out)
        dot.add_node(pydot.Node(str(id(layer)), label=label))
    for layer in layers:
        for node in layer._inbound_nodes:
            for inbound, _, _, _ in node.iterate_inbound():
                if any(inbound is x for x in layers):
                    dot.add_edge(pydot.Edge(str(id(inbound)), str(id(layer))))
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_layer_names=True, rankdir="TB",
               expand_nested=False, dpi=96):
    """Writes the model graph to `to_file` (format from its extension)."""
    dot = model_to_dot(model, show_shapes, show_layer_names, rankdir, expand_nested, dpi)
    import os
    _, ext = os.path.splitext(to_file)
    dot.write(to_file, format=ext[1:] if ext else "png")
    return dot
