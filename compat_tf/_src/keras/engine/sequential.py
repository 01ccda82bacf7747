"""tf.keras.Sequential (TF 1.15's keras/engine/sequential.py): a linear stack of layers.

When the first layer knows its input shape (`input_shape=`/`batch_input_shape=`, or an Input /
InputLayer is added first) the model is built as a functional graph at once, from an Input
named "<first layer>_input"; otherwise it is built on first use (call, fit with data, or
build(input_shape)). `layers` excludes the InputLayer; `pop()` removes the last layer.
"""
from compat_tf._src.keras.engine import base_layer, input_layer
from compat_tf._src.keras.engine.training import Model

__all__ = ["Sequential"]


class Sequential(Model):
    """tf.keras.Sequential(layers=None, name=None)."""

    def __init__(self, layers=None, name=None):
        super().__init__(name=name)
        self._is_graph_network = False
        self._layer_list = []
        if layers:
            for layer in layers:
                self.add(layer)

    @property
    def layers(self):
        return [x for x in self._layer_list if not isinstance(x, input_layer.InputLayer)]

    def add(self, layer):
        """Appends a layer (a tensor from Input adds its InputLayer)."""
        if hasattr(layer, "_keras_history"):
            origin = layer._keras_history.layer
            if isinstance(origin, input_layer.InputLayer):
                layer = origin
        if not isinstance(layer, base_layer.Layer):
            raise TypeError("The added layer must be an instance of class Layer. Found: " + str(layer))
        self.built = False
        set_inputs = False
        if not self._layer_list:
            if isinstance(layer, input_layer.InputLayer):
                set_inputs = True
            else:
                batch_shape = getattr(layer, "_batch_input_shape", None)
                if batch_shape is not None:
                    x = input_layer.Input(batch_shape=batch_shape, dtype=layer.dtype or "float32",
                                          name=layer.name + "_input")
                    layer(x)
                    set_inputs = True
            if set_inputs:
                if len(base_layer.flatten(layer._inbound_nodes[-1].output_tensors)) != 1:
                    raise ValueError("All layers in a Sequential model should have a single output tensor. For "
                                     "multi-output layers, use the functional API.")
                self.outputs = [base_layer.flatten(layer._inbound_nodes[-1].output_tensors)[0]]
                self.inputs = [base_layer.flatten(layer._inbound_nodes[-1].input_tensors)[0]]
        elif self.outputs:
            output = layer(self.outputs[0])
            if isinstance(output, (list, tuple)):
                raise TypeError("All layers in a Sequential model should have a single output tensor. For "
                                "multi-output layers, use the functional API.")
            self.outputs = [output]
        self._layer_list.append(layer)
        self._layers = list(self._layer_list)
        if self.outputs and (set_inputs or self._is_graph_network or len(self._layer_list) > 1):
            self._rebuild_graph_network()

    def _rebuild_graph_network(self):
        inputs, outputs = self.inputs, self.outputs
        compile_args, compiled = self._compile_args, self._is_compiled
        optimizer = self.optimizer
        self._inbound_nodes = [n for n in self._inbound_nodes[:0]]
        self._init_graph_network(inputs, outputs, name=self.name)
        self._compile_args, self._is_compiled, self.optimizer = compile_args, compiled, optimizer
        self._layers = list(self._layer_list) if not isinstance(self._layer_list[0], input_layer.InputLayer) \
            else list(self._layer_list)
        self._layers = [inputs[0]._keras_history.layer] + [x for x in self._layer_list
                                                          if not isinstance(x, input_layer.InputLayer)]
        self.built = True

    def _init_graph_network(self, inputs, outputs, name=None, **kwargs):
        name = name or self._name
        trainable = self._trainable
        stop, history = getattr(self, "stop_training", False), getattr(self, "history", None)
        super()._init_graph_network(inputs, outputs, name=name, trainable=trainable)
        self._compile_args = None
        self.stop_training, self.history = stop, history
        self.train_function = self.test_function = self.predict_function = None

    def pop(self):
        """Removes the last layer."""
        if not self.layers:
            raise TypeError("There are no layers in the model.")
        self._layer_list.pop()
        if not self.layers:
            self.outputs, self.inputs, self.built = [], [], False
            self._layers = []
            return
        self.outputs = [base_layer.flatten(self.layers[-1]._inbound_nodes[-1].output_tensors)[0]] \
            if self._is_graph_network else []
        if self.outputs:
            self._rebuild_graph_network()

    def build(self, input_shape=None):
        if self._is_graph_network:
            self.built = True
            return
        if input_shape is None:
            raise ValueError("You must provide an `input_shape` argument.")
        shape = tuple(input_shape.as_list()) if hasattr(input_shape, "as_list") else tuple(input_shape)
        x = input_layer.Input(batch_shape=shape, name=self._layer_list[0].name + "_input")
        self._build_from(x)

    def _build_from(self, x):
        out = x
        for layer in self._layer_list:
            out = layer(out)
        self.inputs, self.outputs = [x], [out]
        self._rebuild_graph_network()

    def call(self, inputs, training=None, mask=None):
        if self._is_graph_network:
            return super().call(inputs, training=training, mask=mask)
        out = inputs
        for layer in self._layer_list:
            kwargs = {}
            if "training" in layer._call_fn_args and training is not None:
                kwargs["training"] = training
            out = layer(out, **kwargs)
        return out

    def _set_inputs(self, inputs, outputs=None, training=None):
        if self.inputs:
            return
        import numpy as np
        x = inputs[0] if isinstance(inputs, (list, tuple)) else inputs
        if hasattr(x, "_keras_history"):
            self._build_from(x)
        else:
            x = np.asarray(x)
            shape = (None,) + x.shape[1:] if x.ndim > 1 else (None, 1)
            dtype = "float32" if x.dtype.kind == "f" else x.dtype.name
            self._build_from(input_layer.Input(batch_shape=shape, dtype=dtype,
                                               name=self._layer_list[0].name + "_input"))
        compile_args = getattr(self, "_pending_compile", None)
        if compile_args is not None:
            self._compile_args = compile_args
            self._compile_graph(**compile_args)

    def compile(self, *args, **kwargs):
        super().compile(*args, **kwargs)
        self._pending_compile = self._compile_args

    def get_config(self):
        layer_configs = [{"class_name": type(layer).__name__, "config": layer.get_config()}
                         for layer in self.layers]
        return {"name": self.name, "layers": layer_configs}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from compat_tf._src.keras.layers import serialization
        if "name" in config:
            name, layer_configs = config["name"], config["layers"]
        else:
            name, layer_configs = None, config
        model = cls(name=name)
        for conf in layer_configs:
            model.add(serialization.deserialize(conf, custom_objects=custom_objects))
        return model
