"""tf.keras.layers wrappers (TF 1.15): Wrapper, TimeDistributed, Bidirectional.

TimeDistributed(layer) applies `layer` to every time step: inputs [batch, time, ...] are
reshaped to [batch * time, ...], the layer is called (its weights are created in the wrapper's
scope: "time_distributed/kernel"), and the result reshaped back. Bidirectional(layer) runs a
forward copy ("forward_<name>") and a go_backwards copy ("backward_<name>", rebuilt from the
layer's config) and merges them ('concat' on the last axis, 'sum', 'mul', 'ave', or None for a
list); with return_sequences the backward output is reversed in time first; return_state
appends both layers' states.
"""
import copy

from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import backend_ops
from compat_tf._src.keras.engine.base_layer import Layer
from compat_tf._src.keras.engine.input_spec import InputSpec
from compat_tf._src.ops import array_ops


class Wrapper(Layer):
    """tf.keras.layers.Wrapper(layer): a layer around another layer."""

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"Please initialize `{type(self).__name__}` layer with a `Layer` instance. You passed: "
                             f"{layer}")
        self.layer = layer
        super().__init__(**kwargs)
        self.layer = layer

    def build(self, input_shape=None):
        if not self.layer.built:
            self.layer.build(input_shape)
            self.layer.built = True
        self.built = True

    @property
    def activity_regularizer(self):
        return getattr(self.layer, "activity_regularizer", None)

    @activity_regularizer.setter
    def activity_regularizer(self, value):
        pass

    def get_config(self):
        config = {"layer": {"class_name": type(self.layer).__name__, "config": self.layer.get_config()}}
        config.update(super().get_config())
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from compat_tf._src.keras.layers import serialization
        config = dict(config)
        layer = serialization.deserialize(config.pop("layer"), custom_objects=custom_objects)
        return cls(layer, **config)


class TimeDistributed(Wrapper):
    """tf.keras.layers.TimeDistributed(layer): `layer` applied to each slice along axis 1."""

    def __init__(self, layer, **kwargs):
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        shape = _ts.TensorShape(input_shape).as_list()
        if len(shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape ` with at least 3 "
                             f"dimensions, received: {shape}")
        self.input_spec = InputSpec(shape=[None, None] + shape[2:])
        child = _ts.TensorShape([shape[0]] + shape[2:])
        if not self.layer.built:
            self.layer.build(child)
            self.layer.built = True
        self.built = True

    def compute_output_shape(self, input_shape):
        s = _ts.TensorShape(input_shape).as_list()
        child = self.layer.compute_output_shape(_ts.TensorShape([s[0]] + s[2:]))
        child = _ts.TensorShape(child).as_list()
        return _ts.TensorShape([child[0], s[1]] + child[1:])

    def call(self, inputs, training=None, mask=None):
        shape = inputs.shape.as_list()
        time = shape[1] if shape[1] is not None else array_ops.shape(inputs)[1]
        inner = array_ops.reshape(inputs, array_ops.concat([[-1], array_ops.shape(inputs)[2:]], 0)) \
            if any(d is None for d in shape[2:]) else array_ops.reshape(inputs, [-1] + shape[2:])
        kwargs = {}
        if "training" in self.layer._call_fn_args and training is not None:
            kwargs["training"] = training
        if "mask" in self.layer._call_fn_args and mask is not None:
            kwargs["mask"] = array_ops.reshape(mask, [-1] + mask.shape.as_list()[2:])
        y = self.layer.call(inner, **kwargs)
        out_shape = self.compute_output_shape(inputs.shape).as_list()
        target = [-1 if out_shape[0] is None else out_shape[0], time] + out_shape[2:]
        if isinstance(time, int):
            y = array_ops.reshape(y, target)
        else:
            y = array_ops.reshape(y, array_ops.stack(target))
        y.set_shape(out_shape)
        return y


class Bidirectional(Wrapper):
    """tf.keras.layers.Bidirectional(layer, merge_mode='concat', weights=None, backward_layer=None)."""

    def __init__(self, layer, merge_mode="concat", weights=None, backward_layer=None, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `Bidirectional` layer with a `Layer` instance. You passed: "
                             "{input}".format(input=layer))
        if backward_layer is not None and not isinstance(backward_layer, Layer):
            raise ValueError("`backward_layer` need to be a `Layer` instance. You passed: "
                             "{input}".format(input=backward_layer))
        if merge_mode not in ["sum", "mul", "ave", "concat", None]:
            raise ValueError('Invalid merge mode. Merge mode should be one of {"sum", "mul", "ave", "concat", '
                             'None}')
        self.forward_layer = copy.copy(layer)
        if backward_layer is None:
            config = layer.get_config()
            config["go_backwards"] = not config["go_backwards"]
            self.backward_layer = type(layer).from_config(config)
        else:
            self.backward_layer = backward_layer
        self.forward_layer._name = "forward_" + self.forward_layer.name
        self.backward_layer._name = "backward_" + self.backward_layer.name
        self.merge_mode = merge_mode
        self.return_sequences = layer.return_sequences
        self.return_state = layer.return_state
        self.supports_masking = True
        self._trainable = True
        self._initial_bidir_weights = weights
        super().__init__(layer, **kwargs)
        self._layers = [self.forward_layer, self.backward_layer]
        self.input_spec = layer.input_spec

    def compute_output_shape(self, input_shape):
        out = self.forward_layer.compute_output_shape(input_shape)
        state = None
        if self.return_state:
            out, state = out[0], out[1:]
        out = _ts.TensorShape(out).as_list()
        if self.merge_mode == "concat":
            out[-1] *= 2
            out = _ts.TensorShape(out)
        elif self.merge_mode is None:
            out = [_ts.TensorShape(out), _ts.TensorShape(out)]
        else:
            out = _ts.TensorShape(out)
        if self.return_state:
            if self.merge_mode is None:
                return out + state + list(state)
            return [out] + state + list(state)
        return out

    def build(self, input_shape):
        with K.name_scope(self.forward_layer.name):
            self.forward_layer.build(input_shape)
            self.forward_layer.built = True
        with K.name_scope(self.backward_layer.name):
            self.backward_layer.build(input_shape)
            self.backward_layer.built = True
        self.built = True

    def _maybe_build(self, inputs):
        super()._maybe_build(inputs)
        if self._initial_bidir_weights is not None:
            n = len(self._initial_bidir_weights)
            self.forward_layer.set_weights(self._initial_bidir_weights[:n // 2])
            self.backward_layer.set_weights(self._initial_bidir_weights[n // 2:])
            self._initial_bidir_weights = None

    def call(self, inputs, training=None, mask=None, initial_state=None):
        kwargs = {}
        if "training" in self.layer._call_fn_args:
            kwargs["training"] = training
        if "mask" in self.layer._call_fn_args:
            kwargs["mask"] = mask
        if initial_state is not None:
            half = len(initial_state) // 2
            y = self.forward_layer.call(inputs, initial_state=initial_state[:half], **kwargs)
            y_rev = self.backward_layer.call(inputs, initial_state=initial_state[half:], **kwargs)
        else:
            y = self.forward_layer.call(inputs, **kwargs)
            y_rev = self.backward_layer.call(inputs, **kwargs)
        if self.return_state:
            states = y[1:] + y_rev[1:]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = backend_ops.reverse(y_rev, 1)
        if self.merge_mode == "concat":
            output = backend_ops.concatenate([y, y_rev])
        elif self.merge_mode == "sum":
            output = y + y_rev
        elif self.merge_mode == "ave":
            output = (y + y_rev) / 2
        elif self.merge_mode == "mul":
            output = y * y_rev
        else:
            output = [y, y_rev]
        if self.return_state:
            if self.merge_mode is None:
                return output + states
            return [output] + states
        return output

    def reset_states(self):
        self.forward_layer.reset_states()
        self.backward_layer.reset_states()

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.merge_mode is None:
            output_mask = [output_mask, output_mask]
        if self.return_state:
            n = len(self.forward_layer._state_sizes()) * 2
            out = output_mask if isinstance(output_mask, list) else [output_mask]
            return out + [None] * n
        return output_mask

    def get_config(self):
        config = {"merge_mode": self.merge_mode}
        config.update(super().get_config())
        return config
