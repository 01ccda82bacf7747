"""tf.keras.layers recurrent layers as TF 1.15 has them under tf.compat.v1 (keras/layers/recurrent.py):
RNN, SimpleRNN(Cell), GRU(Cell), LSTM(Cell), StackedRNNCells, AbstractRNNCell.

The RNN layer iterates its cell with K.rnn (a while loop over time, or unrolled); the cell's
weights are created in the RNN's name scope: "lstm/kernel" [in, 4 units], "lstm/recurrent_kernel"
[units, 4 units], "lstm/bias" [4 units] (gate order i, f, c, o; unit_forget_bias puts ones in the
forget gate's bias); GRU "gru/kernel" [in, 3 units] (gates z, r, h), bias [3 units] (or
[2, 3 units] with reset_after=True). TF 1.x defaults: recurrent_activation='hard_sigmoid', GRU
reset_after=False, implementation=1. `return_sequences` gives [batch, time, units],
`return_state` appends the final states; masks (Embedding(mask_zero=True), Masking) keep the
previous output/state at masked steps; `initial_state=` sets the states; `stateful=True` keeps
the final states in variables between batches (reset_states zeroes them); `dropout` /
`recurrent_dropout` apply per-sequence masks in training.
"""
import numpy as np

from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras import activations, constraints, initializers, regularizers
from compat_tf._src.keras import backend as K
from compat_tf._src.keras import backend_ops
from compat_tf._src.keras.engine.base_layer import Layer, flatten
from compat_tf._src.keras.engine.input_spec import InputSpec
from compat_tf._src.keras.utils import generic_utils
from compat_tf._src.ops import array_ops, math_ops, state_ops


def _dropout_mask(ones, rate, training, count=1):
    def dropped():
        return backend_ops.dropout(ones, rate)
    if count > 1:
        return [K.in_train_phase(dropped, ones, training=training) for _ in range(count)]
    return K.in_train_phase(dropped, ones, training=training)


class _DropoutMixin:
    """Per-call dropout masks of a cell (the same mask at every time step)."""

    def _reset_masks(self):
        self._dropout_mask = None
        self._recurrent_dropout_mask = None

    def _masks(self, inputs, h_tm1, training, count):
        if 0 < self.dropout < 1 and self._dropout_mask is None:
            self._dropout_mask = _dropout_mask(array_ops.ones_like(inputs), self.dropout, training, count)
        if 0 < self.recurrent_dropout < 1 and self._recurrent_dropout_mask is None:
            self._recurrent_dropout_mask = _dropout_mask(array_ops.ones_like(h_tm1), self.recurrent_dropout,
                                                         training, count)
        return self._dropout_mask, self._recurrent_dropout_mask


class AbstractRNNCell(Layer):
    """tf.keras.layers.AbstractRNNCell: subclasses define state_size, output_size and call(inputs, states)."""

    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return _zero_state(self.state_size, batch_size, dtype)


def _zero_state(state_size, batch_size, dtype):
    def zeros(size):
        dims = [size] if isinstance(size, int) else list(_ts.TensorShape(size).as_list())
        return array_ops.zeros(array_ops.stack([batch_size] + dims) if not isinstance(batch_size, int)
                               else [batch_size] + dims, dtype=dtype)
    if isinstance(state_size, (list, tuple)):
        return [zeros(s) for s in state_size]
    return zeros(state_size)


class _CellBase(_DropoutMixin, Layer):
    def __init__(self, units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                 kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                 recurrent_constraint, bias_constraint, dropout, recurrent_dropout, **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.activation = activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.recurrent_initializer = initializers.get(recurrent_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout = min(1., max(0., dropout))
        self.recurrent_dropout = min(1., max(0., recurrent_dropout))
        self._reset_masks()

    def _weights(self, input_dim, gates, bias_shape=None, bias_initializer=None):
        self.kernel = self.add_weight(shape=(input_dim, self.units * gates), name="kernel",
                                      initializer=self.kernel_initializer, regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units * gates), name="recurrent_kernel",
                                                initializer=self.recurrent_initializer,
                                                regularizer=self.recurrent_regularizer,
                                                constraint=self.recurrent_constraint)
        if self.use_bias:
            self.bias = self.add_weight(shape=bias_shape or (self.units * gates,), name="bias",
                                        initializer=bias_initializer or self.bias_initializer,
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint)
        else:
            self.bias = None
        self.built = True

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return _zero_state(self.state_size, batch_size, dtype)

    def _base_config(self):
        config = {"units": self.units, "activation": activations.serialize(self.activation),
                  "use_bias": self.use_bias,
                  "kernel_initializer": initializers.serialize(self.kernel_initializer),
                  "recurrent_initializer": initializers.serialize(self.recurrent_initializer),
                  "bias_initializer": initializers.serialize(self.bias_initializer),
                  "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                  "recurrent_regularizer": regularizers.serialize(self.recurrent_regularizer),
                  "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                  "kernel_constraint": constraints.serialize(self.kernel_constraint),
                  "recurrent_constraint": constraints.serialize(self.recurrent_constraint),
                  "bias_constraint": constraints.serialize(self.bias_constraint),
                  "dropout": self.dropout, "recurrent_dropout": self.recurrent_dropout}
        config.update(Layer.get_config(self))
        return config


class SimpleRNNCell(_CellBase):
    """tf.keras.layers.SimpleRNNCell(units, activation='tanh', ...): h = act(x W + b + h_prev U)."""

    def __init__(self, units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0., recurrent_dropout=0., **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, **kwargs)
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        self._weights(_ts.TensorShape(input_shape)[-1].value, 1)

    def call(self, inputs, states, training=None):
        prev = states[0] if isinstance(states, (list, tuple)) else states
        dp, rdp = self._masks(inputs, prev, training, 1)
        h = backend_ops.dot(inputs * dp if dp is not None else inputs, self.kernel)
        if self.bias is not None:
            h = backend_ops.bias_add(h, self.bias)
        if rdp is not None:
            prev = prev * rdp
        output = h + backend_ops.dot(prev, self.recurrent_kernel)
        if self.activation is not None:
            output = self.activation(output)
        return output, [output]

    def get_config(self):
        return self._base_config()


class GRUCell(_CellBase):
    """tf.keras.layers.GRUCell (TF 1.x: recurrent_activation='hard_sigmoid', reset_after=False)."""

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout=0., recurrent_dropout=0.,
                 implementation=1, reset_after=False, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.implementation = implementation
        self.reset_after = reset_after
        self.state_size = self.units
        self.output_size = self.units

    def build(self, input_shape):
        bias_shape = (2, 3 * self.units) if self.reset_after else (3 * self.units,)
        self._weights(_ts.TensorShape(input_shape)[-1].value, 3, bias_shape=bias_shape)

    def call(self, inputs, states, training=None):
        h_tm1 = states[0] if isinstance(states, (list, tuple)) else states
        dp, rdp = self._masks(inputs, h_tm1, training, 3)
        u = self.units
        if self.use_bias:
            if not self.reset_after:
                input_bias, recurrent_bias = self.bias, None
            else:
                input_bias, recurrent_bias = array_ops.unstack(self.bias)
        xs = [inputs * dp[i] for i in range(3)] if dp is not None else [inputs] * 3
        hs = [h_tm1 * rdp[i] for i in range(3)] if rdp is not None else [h_tm1] * 3
        x_z = backend_ops.dot(xs[0], self.kernel[:, :u])
        x_r = backend_ops.dot(xs[1], self.kernel[:, u:2 * u])
        x_h = backend_ops.dot(xs[2], self.kernel[:, 2 * u:])
        if self.use_bias:
            x_z = backend_ops.bias_add(x_z, input_bias[:u])
            x_r = backend_ops.bias_add(x_r, input_bias[u:2 * u])
            x_h = backend_ops.bias_add(x_h, input_bias[2 * u:])
        rec_z = backend_ops.dot(hs[0], self.recurrent_kernel[:, :u])
        rec_r = backend_ops.dot(hs[1], self.recurrent_kernel[:, u:2 * u])
        if self.reset_after and self.use_bias:
            rec_z = backend_ops.bias_add(rec_z, recurrent_bias[:u])
            rec_r = backend_ops.bias_add(rec_r, recurrent_bias[u:2 * u])
        z = self.recurrent_activation(x_z + rec_z)
        r = self.recurrent_activation(x_r + rec_r)
        if self.reset_after:
            rec_h = backend_ops.dot(hs[2], self.recurrent_kernel[:, 2 * u:])
            if self.use_bias:
                rec_h = backend_ops.bias_add(rec_h, recurrent_bias[2 * u:])
            rec_h = r * rec_h
        else:
            rec_h = backend_ops.dot(r * hs[2], self.recurrent_kernel[:, 2 * u:])
        hh = self.activation(x_h + rec_h)
        h = z * h_tm1 + (1 - z) * hh
        return h, [h]

    def get_config(self):
        config = self._base_config()
        config.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                      implementation=self.implementation, reset_after=self.reset_after)
        return config


class LSTMCell(_CellBase):
    """tf.keras.layers.LSTMCell (TF 1.x: recurrent_activation='hard_sigmoid', unit_forget_bias=True)."""

    def __init__(self, units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias=True, kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.,
                 recurrent_dropout=0., implementation=1, **kwargs):
        super().__init__(units, activation, use_bias, kernel_initializer, recurrent_initializer, bias_initializer,
                         kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                         recurrent_constraint, bias_constraint, dropout, recurrent_dropout, **kwargs)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.unit_forget_bias = unit_forget_bias
        self.implementation = implementation
        self.state_size = [self.units, self.units]
        self.output_size = self.units

    def build(self, input_shape):
        bias_init = None
        if self.use_bias and self.unit_forget_bias:
            base = self.bias_initializer
            units = self.units

            def bias_init(shape, dtype=None, partition_info=None):
                return array_ops.concat([base((units,), dtype=dtype), initializers.Ones()((units,), dtype=dtype),
                                         base((units * 2,), dtype=dtype)], 0)
        self._weights(_ts.TensorShape(input_shape)[-1].value, 4, bias_initializer=bias_init)

    def call(self, inputs, states, training=None):
        h_tm1, c_tm1 = states[0], states[1]
        dp, rdp = self._masks(inputs, h_tm1, training, 4)
        u = self.units
        xs = [inputs * dp[i] for i in range(4)] if dp is not None else [inputs] * 4
        hs = [h_tm1 * rdp[i] for i in range(4)] if rdp is not None else [h_tm1] * 4
        k = [self.kernel[:, i * u:(i + 1) * u] for i in range(4)]
        x = [backend_ops.dot(xs[i], k[i]) for i in range(4)]
        if self.use_bias:
            x = [backend_ops.bias_add(x[i], self.bias[i * u:(i + 1) * u]) for i in range(4)]
        rk = [self.recurrent_kernel[:, i * u:(i + 1) * u] for i in range(4)]
        i = self.recurrent_activation(x[0] + backend_ops.dot(hs[0], rk[0]))
        f = self.recurrent_activation(x[1] + backend_ops.dot(hs[1], rk[1]))
        c = f * c_tm1 + i * self.activation(x[2] + backend_ops.dot(hs[2], rk[2]))
        o = self.recurrent_activation(x[3] + backend_ops.dot(hs[3], rk[3]))
        h = o * self.activation(c)
        return h, [h, c]

    def get_config(self):
        config = self._base_config()
        config.update(recurrent_activation=activations.serialize(self.recurrent_activation),
                      unit_forget_bias=self.unit_forget_bias, implementation=self.implementation)
        return config


class StackedRNNCells(Layer):
    """tf.keras.layers.StackedRNNCells(cells): cells applied one after the other in a step."""

    def __init__(self, cells, **kwargs):
        for cell in cells:
            if not hasattr(cell, "call") or not hasattr(cell, "state_size"):
                raise ValueError("All cells must have a `call` method and a `state_size` attribute. Received cells:",
                                 cells)
        self.cells = cells
        super().__init__(**kwargs)

    @property
    def state_size(self):
        out = []
        for cell in self.cells:
            out += cell.state_size if isinstance(cell.state_size, (list, tuple)) else [cell.state_size]
        return out

    @property
    def output_size(self):
        last = self.cells[-1]
        return getattr(last, "output_size", last.state_size[0] if isinstance(last.state_size, (list, tuple))
                       else last.state_size)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return _zero_state(self.state_size, batch_size, dtype)

    def call(self, inputs, states, constants=None, training=None, **kwargs):
        nested, i = [], 0
        for cell in self.cells:
            n = len(cell.state_size) if isinstance(cell.state_size, (list, tuple)) else 1
            nested.append(list(states[i:i + n]))
            i += n
        new_states = []
        for cell, st in zip(self.cells, nested):
            kw = {"training": training} if generic_utils.has_arg(cell.call, "training") else {}
            inputs, st = cell.call(inputs, st, **kw)
            new_states += list(st) if isinstance(st, (list, tuple)) else [st]
        return inputs, new_states

    def build(self, input_shape):
        shape = _ts.TensorShape(input_shape)
        for cell in self.cells:
            if isinstance(cell, Layer) and not cell.built:
                with K.name_scope(cell.name):
                    cell.build(shape)
                    cell.built = True
            out = getattr(cell, "output_size", None)
            if out is None:
                out = cell.state_size[0] if isinstance(cell.state_size, (list, tuple)) else cell.state_size
            shape = _ts.TensorShape([shape[0].value, out])
        self.built = True

    def get_config(self):
        config = {"cells": [{"class_name": type(c).__name__, "config": c.get_config()} for c in self.cells]}
        config.update(super().get_config())
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from compat_tf._src.keras.layers import serialization
        config = dict(config)
        cells = [serialization.deserialize(c, custom_objects=custom_objects) for c in config.pop("cells")]
        return cls(cells, **config)


class RNN(Layer):
    """tf.keras.layers.RNN(cell, return_sequences=False, return_state=False, go_backwards=False,
    stateful=False, unroll=False, time_major=False)."""

    def __init__(self, cell, return_sequences=False, return_state=False, go_backwards=False, stateful=False,
                 unroll=False, time_major=False, **kwargs):
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        if not hasattr(cell, "call"):
            raise ValueError("`cell` should have a `call` method. The RNN was passed:", cell)
        if not hasattr(cell, "state_size"):
            raise ValueError("The RNN cell should have an attribute `state_size` (tuple of integers, one integer "
                             "per RNN state).")
        self.zero_output_for_mask = kwargs.pop("zero_output_for_mask", False)
        if "input_dim" in kwargs or "input_length" in kwargs:
            input_dim = kwargs.pop("input_dim", None)
            input_length = kwargs.pop("input_length", None)
            if "input_shape" not in kwargs:
                kwargs["input_shape"] = (input_length, input_dim)
        super().__init__(**kwargs)
        self.cell = cell
        self.return_sequences = return_sequences
        self.return_state = return_state
        self.go_backwards = go_backwards
        self.stateful = stateful
        self.unroll = unroll
        self.time_major = time_major
        self.supports_masking = True
        self.input_spec = None
        self.state_spec = None
        self._states = None
        self._num_initial_states = 0

    @property
    def states(self):
        if self._states is None:
            n = len(self._state_sizes())
            return [None] * n
        return self._states

    @states.setter
    def states(self, states):
        self._states = states

    def _state_sizes(self):
        s = self.cell.state_size
        return list(s) if isinstance(s, (list, tuple)) else [s]

    def compute_output_shape(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        s = _ts.TensorShape(input_shape).as_list()
        batch, time = (s[1], s[0]) if self.time_major else (s[0], s[1])
        out_dim = getattr(self.cell, "output_size", self._state_sizes()[0])
        out = [batch, time, out_dim] if self.return_sequences else [batch, out_dim]
        if self.time_major and self.return_sequences:
            out = [time, batch, out_dim]
        if self.return_state:
            return [_ts.TensorShape(out)] + [_ts.TensorShape([batch, d]) for d in self._state_sizes()]
        return _ts.TensorShape(out)

    def compute_mask(self, inputs, mask):
        if isinstance(mask, list):
            mask = mask[0]
        output_mask = mask if self.return_sequences else None
        if self.return_state:
            return [output_mask] + [None] * len(self._state_sizes())
        return output_mask

    def build(self, input_shape):
        if isinstance(input_shape, list):
            input_shape = input_shape[0]
        shape = _ts.TensorShape(input_shape)
        step_shape = _ts.TensorShape([shape[1].value] + shape.as_list()[2:]) if self.time_major else \
            _ts.TensorShape([shape[0].value] + shape.as_list()[2:])
        if isinstance(self.cell, Layer) and not self.cell.built:
            self.cell.build(step_shape)
            self.cell.built = True
        if self.stateful:
            self.reset_states()
        self.built = True

    def get_initial_state(self, inputs):
        batch = array_ops.shape(inputs)[1 if self.time_major else 0]
        if hasattr(self.cell, "get_initial_state"):
            st = self.cell.get_initial_state(inputs=None, batch_size=batch, dtype=inputs.dtype)
        else:
            st = _zero_state(self.cell.state_size, batch, inputs.dtype)
        return list(st) if isinstance(st, (list, tuple)) else [st]

    def __call__(self, inputs, initial_state=None, constants=None, **kwargs):
        if isinstance(inputs, list) and initial_state is None and len(inputs) > 1:
            initial_state = inputs[1:]
            inputs = inputs[0]
        if constants is not None:
            raise NotImplementedError("tf.keras.layers.RNN(constants=...) is not supported by compat_tf")
        if initial_state is None:
            self._num_initial_states = 0
            return super().__call__(inputs, **kwargs)
        initial_state = initial_state if isinstance(initial_state, list) else list(
            initial_state if isinstance(initial_state, tuple) else [initial_state])
        self._num_initial_states = len(initial_state)
        if all(hasattr(s, "_keras_history") for s in initial_state) and hasattr(inputs, "_keras_history"):
            return super().__call__([inputs] + initial_state, **kwargs)
        kwargs["initial_state"] = initial_state
        return super().__call__(inputs, **kwargs)

    def call(self, inputs, mask=None, training=None, initial_state=None, constants=None):
        if isinstance(inputs, list):
            initial_state = inputs[1:]
            inputs = inputs[0]
        if isinstance(mask, list):
            mask = mask[0]
        if initial_state is None:
            initial_state = self.states if self.stateful else self.get_initial_state(inputs)
        if len(initial_state) != len(self._state_sizes()):
            raise ValueError(f"Layer has {len(self._state_sizes())} states but was passed {len(initial_state)} "
                             "initial states.")
        timesteps = inputs.shape[0 if self.time_major else 1].value
        if self.unroll and timesteps is None:
            raise ValueError("Cannot unroll a RNN if the time dimension is undefined. \n- If using a Sequential "
                             "model, specify the time dimension by passing an `input_shape` or `batch_input_shape` "
                             "argument to your first layer.")
        kwargs = {"training": training} if generic_utils.has_arg(self.cell.call, "training") else {}
        if hasattr(self.cell, "_reset_masks"):
            self.cell._reset_masks()

        def step(x, states):
            output, new_states = self.cell.call(x, list(states), **kwargs)
            return output, new_states if isinstance(new_states, (list, tuple)) else [new_states]
        last_output, outputs, states = backend_ops.rnn(step, inputs, initial_state, go_backwards=self.go_backwards,
                                                       mask=mask, unroll=self.unroll, input_length=timesteps,
                                                       time_major=self.time_major,
                                                       zero_output_for_mask=self.zero_output_for_mask)
        if self.stateful:
            self.add_update([state_ops.assign(s, ns) for s, ns in zip(self.states, states)])
        output = outputs if self.return_sequences else last_output
        if self.return_state:
            return [output] + list(states)
        return output

    def reset_states(self, states=None):
        """Stateful RNNs: sets the state variables to zeros (or `states`)."""
        if not self.stateful:
            raise AttributeError("Layer must be stateful.")
        spec_shape = getattr(self, "_batch_input_shape", None)
        batch = spec_shape[0] if spec_shape else None
        if batch is None and self._inbound_nodes:
            batch = flatten(self._inbound_nodes[0].input_tensors)[0].shape[0].value
        if not batch:
            raise ValueError("If a RNN is stateful, it needs to know its batch size. Specify the batch size of your "
                             "input tensors: \n- If using a Sequential model, specify the batch size by passing a "
                             "`batch_input_shape` argument to your first layer.\n- If using the functional API, "
                             "specify the batch size by passing a `batch_shape` argument to your Input layer.")
        sizes = self._state_sizes()
        if self._states is None or all(s is None for s in self._states):
            self._states = [K.variable(np.zeros((batch, d)), name=f"state_{i}") if False else
                            backend_ops.zeros((batch, d)) for i, d in enumerate(sizes)]
        elif states is None:
            K.batch_set_value([(s, np.zeros((batch, d))) for s, d in zip(self._states, sizes)])
        else:
            states = states if isinstance(states, (list, tuple)) else [states]
            K.batch_set_value(list(zip(self._states, states)))

    def get_config(self):
        config = {"return_sequences": self.return_sequences, "return_state": self.return_state,
                  "go_backwards": self.go_backwards, "stateful": self.stateful, "unroll": self.unroll,
                  "time_major": self.time_major,
                  "cell": {"class_name": type(self.cell).__name__, "config": self.cell.get_config()}}
        config.update(super().get_config())
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        from compat_tf._src.keras.layers import serialization
        config = dict(config)
        cell = serialization.deserialize(config.pop("cell"), custom_objects=custom_objects)
        return cls(cell, **config)


_CELL_ARGS = ("units", "activation", "recurrent_activation", "use_bias", "kernel_initializer",
              "recurrent_initializer", "bias_initializer", "unit_forget_bias", "kernel_regularizer",
              "recurrent_regularizer", "bias_regularizer", "kernel_constraint", "recurrent_constraint",
              "bias_constraint", "dropout", "recurrent_dropout", "implementation", "reset_after")


class _CellRNN(RNN):
    """An RNN whose cell is built from the layer's own arguments (SimpleRNN, GRU, LSTM)."""
    _cell_class = None

    def __init__(self, units, **kwargs):
        cell_kwargs = {k: kwargs.pop(k) for k in list(kwargs) if k in _CELL_ARGS}
        dtype = kwargs.get("dtype")
        cell = self._cell_class(units, dtype=dtype, **cell_kwargs)
        kwargs.pop("cell", None)
        activity_regularizer = regularizers.get(kwargs.pop("activity_regularizer", None))
        super().__init__(cell, **kwargs)
        self.activity_regularizer = activity_regularizer
        self.input_spec = [InputSpec(ndim=3)]

    def __getattr__(self, name):
        if name in _CELL_ARGS or name in ("state_size",):
            cell = self.__dict__.get("cell")
            if cell is not None and hasattr(cell, name):
                return getattr(cell, name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def get_config(self):
        config = self.cell.get_config()
        for k in ("name", "trainable", "dtype", "batch_input_shape", "dynamic"):
            config.pop(k, None)
        base = RNN.get_config(self)
        base.pop("cell", None)
        config.update(base)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if "implementation" in config and config["implementation"] == 0:
            config["implementation"] = 1
        return cls(**config)


class SimpleRNN(_CellRNN):
    """tf.keras.layers.SimpleRNN(units, activation='tanh', ..., return_sequences=False, return_state=False)."""
    _cell_class = SimpleRNNCell


class GRU(_CellRNN):
    """tf.keras.layers.GRU (TF 1.x defaults: recurrent_activation='hard_sigmoid', reset_after=False)."""
    _cell_class = GRUCell


class LSTM(_CellRNN):
    """tf.keras.layers.LSTM (TF 1.x defaults: recurrent_activation='hard_sigmoid', unit_forget_bias=True)."""
    _cell_class = LSTMCell


_ = math_ops
