"""tf.keras.models (TF 1.15): Model, Sequential, save_model/load_model, model_from_config/json/yaml
and clone_model (a new model with the same architecture and fresh weights; functional models are
rebuilt by calling copies of their layers on new inputs)."""
from compat_tf._src.keras.engine.sequential import Sequential
from compat_tf._src.keras.engine.training import Model  # noqa: F401
from compat_tf._src.keras.saving.model_config import model_from_config, model_from_json, model_from_yaml  # noqa: F401
from compat_tf._src.keras.saving.save import load_model, save_model  # noqa: F401


def _clone_layer(layer):
    return type(layer).from_config(layer.get_config())


def clone_model(model, input_tensors=None, clone_function=None):
    """A copy of `model` whose layers are new instances (from their configs, or clone_function)."""
    clone_function = clone_function or _clone_layer
    if isinstance(model, Sequential):
        layers = [clone_function(layer) for layer in model.layers]
        if input_tensors is not None:
            from compat_tf._src.keras.engine.input_layer import Input
            x = input_tensors[0] if isinstance(input_tensors, (list, tuple)) else input_tensors
            if not hasattr(x, "_keras_history"):
                x = Input(tensor=x)
            return Sequential([x._keras_history.layer] + layers, name=model.name)
        if model._layer_list and hasattr(model, "inputs") and model.inputs:
            from compat_tf._src.keras.engine.input_layer import Input
            shape = tuple(model.inputs[0].shape.as_list())
            x = Input(batch_shape=shape, dtype=model.inputs[0].dtype.base_dtype.name)
            return Sequential([x._keras_history.layer] + layers, name=model.name)
        return Sequential(layers, name=model.name)
    if not model._is_graph_network:
        raise ValueError("Expected `model` argument to be a functional `Model` instance, but got a subclass model "
                         "instead.")
    from compat_tf._src.keras.engine.input_layer import Input, InputLayer
    if input_tensors is None:
        new_inputs = [Input(batch_shape=tuple(x.shape.as_list()), dtype=x.dtype.base_dtype.name)
                      for x in model.inputs]
    else:
        new_inputs = [x if hasattr(x, "_keras_history") else Input(tensor=x)
                      for x in (input_tensors if isinstance(input_tensors, (list, tuple)) else [input_tensors])]
    tensor_map = {id(x): y for x, y in zip(model.inputs, new_inputs)}
    layer_map = {}
    from compat_tf._src.keras.engine.base_layer import flatten
    for depth in sorted(model._nodes_by_depth, reverse=True):
        for node in model._nodes_by_depth[depth]:
            layer = node.outbound_layer
            if isinstance(layer, InputLayer):
                continue
            if layer not in layer_map:
                layer_map[layer] = clone_function(layer)
            refs = flatten(node.input_tensors)
            if not all(id(x) in tensor_map for x in refs):
                continue
            args = [tensor_map[id(x)] for x in refs]
            out = layer_map[layer](args[0] if len(args) == 1 else args, **(node.arguments or {}))
            for x, y in zip(flatten(node.output_tensors), flatten(out)):
                tensor_map[id(x)] = y
    return Model(new_inputs, [tensor_map[id(x)] for x in model.outputs], name=model.name)
