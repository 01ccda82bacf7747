"""tf.nn.rnn_cell: TF 1.15's recurrent cells (RNNCell, BasicRNNCell, BasicLSTMCell, LSTMCell,
GRUCell, MultiRNNCell and the Dropout/Residual/Device wrappers).

The math, variable names, shapes and default initializers are TF 1.15's:

- BasicRNNCell: `h' = act(concat([x, h]) @ kernel + bias)`; 'basic_rnn_cell/kernel' is
  `[input_depth + units, units]`, 'bias' starts at zeros.
- BasicLSTMCell / LSTMCell: gates `i, j, f, o = split(concat([x, h]) @ kernel + bias, 4)`,
  `c' = c * sigmoid(f + forget_bias) + sigmoid(i) * act(j)`, `h' = act(c') * sigmoid(o)`;
  kernel `[input_depth + h_depth, 4 * units]`, bias zeros. LSTMCell adds peepholes
  ('w_f_diag', 'w_i_diag', 'w_o_diag'), `cell_clip`, a projection ('projection/kernel',
  `[units, num_proj]`) and `proj_clip`. States are `LSTMStateTuple(c, h)` (or `concat([c, h], 1)`
  with `state_is_tuple=False`).
- GRUCell: `r, u = split(sigmoid(concat([x, h]) @ gates/kernel + gates/bias), 2)`,
  `c = act(concat([x, r * h]) @ candidate/kernel + candidate/bias)`, `h' = u * h + (1 - u) * c`;
  'gates/bias' starts at ones, 'candidate/bias' at zeros.
- MultiRNNCell: sub-cells under 'multi_rnn_cell/cell_<i>/'.

A cell behaves like TF1's `tf.layers.Layer`-based cells: on its first call it opens a variable
scope named after the class ('basic_lstm_cell', uniquified in the enclosing scope, or the
`scope` argument), builds its variables there with `tf.get_variable` (so the enclosing
scope's initializer and partitioner-free custom getters apply), and later calls reuse them.

Deviations: cells are not Keras layers (no `input_spec`, `losses`, `get_config`);
`num_unit_shards`/`num_proj_shards` and `DropoutWrapper(variational_recurrent=True)` raise
NotImplementedError.
"""

import collections
import numbers
import re

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import array_ops, init_ops, math_ops, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as vs

__all__ = []  # public names live in tf.nn.rnn_cell / tf.contrib.rnn (see compat_tf/nn.py)

_BIAS_VARIABLE_NAME = "bias"
_WEIGHTS_VARIABLE_NAME = "kernel"


# --------------------------------------------------------------------------------------------
# nest: the small part of tf.contrib.framework.nest the RNN code needs
# --------------------------------------------------------------------------------------------


def _is_sequence(x):
    return isinstance(x, (list, tuple, dict))


def _flatten(x):
    if isinstance(x, dict):
        return [leaf for k in sorted(x) for leaf in _flatten(x[k])]
    if isinstance(x, (list, tuple)):
        return [leaf for e in x for leaf in _flatten(e)]
    return [x]


def _pack_sequence_as(structure, flat):
    it = iter(flat)

    def pack(s):
        if isinstance(s, dict):
            return type(s)((k, pack(s[k])) for k in sorted(s))
        if isinstance(s, tuple) and hasattr(s, "_fields"):
            return type(s)(*[pack(e) for e in s])
        if isinstance(s, (list, tuple)):
            return type(s)(pack(e) for e in s)
        return next(it)

    flat = list(flat)
    n = len(_flatten(structure))
    if n != len(flat):
        raise ValueError(f"Structure had {n} elements, but flat_sequence had {len(flat)} elements.")
    return pack(structure)


def _map_structure(fn, *structures):
    first = structures[0]
    flats = [_flatten(s) for s in structures]
    for s, f in zip(structures[1:], flats[1:]):
        if len(f) != len(flats[0]):
            raise ValueError(f"The two structures don't have the same number of elements: {first} and {s}")
    return _pack_sequence_as(first, [fn(*args) for args in zip(*flats)])


def _assert_same_structure(a, b):
    def kinds(x):
        if isinstance(x, dict):
            return ("dict", tuple(sorted(x)), tuple(kinds(x[k]) for k in sorted(x)))
        if isinstance(x, (list, tuple)):
            return ("seq", len(x), tuple(kinds(e) for e in x))
        return "leaf"

    if kinds(a) != kinds(b):
        raise ValueError(f"The two structures don't have the same nested structure: {a} and {b}")


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def _to_snake_case(name):
    intermediate = re.sub("(.)([A-Z][a-z0-9]+)", r"\1_\2", name)
    insecure = re.sub("([a-z])([A-Z])", r"\1_\2", intermediate).lower()
    if insecure[0] != "_":
        return insecure
    return "private" + insecure


def _activation(act):
    if act is None:
        return math_ops.tanh
    if isinstance(act, str):
        table = {
            "tanh": math_ops.tanh,
            "sigmoid": math_ops.sigmoid,
            "relu": nn_ops.relu,
            "linear": lambda x: x,
            "elu": nn_ops.elu,
            "selu": nn_ops.selu,
            "softsign": nn_ops.softsign,
            "softplus": nn_ops.softplus,
        }
        if act not in table:
            raise ValueError(f"Unknown activation function: {act}")
        return table[act]
    if not callable(act):
        raise TypeError(f"activation must be callable or a string, got {act!r}")
    return act


def _static_batch(batch_size):
    if isinstance(batch_size, numbers.Integral):
        return int(batch_size)
    from compat_tf._src.framework import shape_inference

    v = shape_inference.constant_value(_constant.convert_to_tensor(batch_size))
    return None if v is None else int(v)


def _state_dims(size):
    """A state/output size (int or TensorShape) as a list of dims."""
    if isinstance(size, numbers.Integral):
        return [int(size)]
    return _ts.as_shape(size).as_list()


def _zeros(batch_size, size, dtype):
    dims = _state_dims(size)
    static = _static_batch(batch_size)
    if static is not None and all(d is not None for d in dims):
        return array_ops.zeros([static] + dims, dtype=dtype)
    b = array_ops.reshape(math_ops.cast(batch_size, _dtypes.int32), [1])
    shape = array_ops.concat([b, _constant.constant(dims, dtype=_dtypes.int32)], 0)
    z = array_ops.zeros(shape, dtype=dtype)
    z.set_shape([static] + dims)
    return z


def _zero_state_tensors(state_size, batch_size, dtype):
    return _map_structure(lambda s: _zeros(batch_size, s, dtype), state_size)


def _like_rnncell(cell):
    return all(hasattr(cell, a) for a in ("output_size", "state_size", "zero_state")) and callable(cell)


def assert_like_rnncell(cell_name, cell):
    """Raises TypeError if `cell` does not look like an RNNCell (TF1's check)."""
    missing = [a for a in ("output_size", "state_size", "zero_state") if not hasattr(cell, a)]
    if not callable(cell):
        missing.append("is not callable")
    if missing:
        raise TypeError(
            f"The argument {cell_name!r} ({cell}) is not an RNNCell: "
            + ", ".join("'%s' property is missing" % m if m != "is not callable" else m for m in missing)
            + "."
        )


class LSTMStateTuple(collections.namedtuple("LSTMStateTuple", ("c", "h"))):
    """Tuple used by LSTM cells for `state_size`, `zero_state` and output state: (c, h)."""

    __slots__ = ()

    @property
    def dtype(self):
        c, h = self
        if c.dtype != h.dtype:
            raise TypeError(f"Inconsistent internal state: {c.dtype} vs {h.dtype}")
        return c.dtype


# --------------------------------------------------------------------------------------------
# RNNCell
# --------------------------------------------------------------------------------------------


class RNNCell:
    """TF1's abstract RNN cell: `output, new_state = cell(inputs, state)`.

    Subclasses define `state_size`, `output_size`, and either `build(inputs_shape)` + `call`
    (variables via `self.add_variable`, built once in the cell's scope) or override `__call__`.
    """

    def __init__(self, trainable=True, name=None, dtype=None, _reuse=None, **kwargs):
        unknown = set(kwargs) - {"_scope", "input_shape", "batch_input_shape", "autocast"}
        if unknown:
            raise TypeError(f"Keyword argument not understood: {sorted(unknown)}")
        self._trainable = trainable
        self._name = name
        self._base_name = name if name else _to_snake_case(type(self).__name__)
        self._dtype = _dtypes.as_dtype(dtype).base_dtype if dtype is not None else None
        self._reuse = _reuse
        self._scope = None
        self.built = False
        self._is_tf_rnn_cell = True

    # -- layer-like properties -----------------------------------------------------------
    @property
    def name(self):
        return self._name or self._base_name

    @property
    def dtype(self):
        return self._dtype

    @property
    def trainable(self):
        return self._trainable

    @property
    def scope_name(self):
        if self._scope is None:
            raise ValueError(
                'No name available for layer scope because the layer "'
                + self.name
                + '" has not been used yet. The scope name is determined the first time the '
                "layer instance is called."
            )
        return self._scope.name

    def _scope_variables(self, collection):
        if self._scope is None:
            return []
        prefix = self._scope.name + "/"
        g = _graph.get_default_graph()
        return [v for v in g.get_collection(collection) if v.op.name.startswith(prefix)]

    @property
    def variables(self):
        return self._scope_variables(_graph.GraphKeys.GLOBAL_VARIABLES)

    weights = variables

    @property
    def trainable_variables(self):
        return self._scope_variables(_graph.GraphKeys.TRAINABLE_VARIABLES)

    trainable_weights = trainable_variables

    @property
    def non_trainable_variables(self):
        train = set(self.trainable_variables)
        return [v for v in self.variables if v not in train]

    non_trainable_weights = non_trainable_variables

    # -- the cell interface --------------------------------------------------------------
    @property
    def state_size(self):
        raise NotImplementedError("Abstract method")

    @property
    def output_size(self):
        raise NotImplementedError("Abstract method")

    def build(self, inputs_shape):
        pass

    def call(self, inputs, state):
        raise NotImplementedError("Abstract method")

    def add_variable(
        self,
        name,
        shape=None,
        dtype=None,
        initializer=None,
        regularizer=None,
        trainable=None,
        constraint=None,
        partitioner=None,
        **kwargs,
    ):
        """Creates (or reuses) a variable in the cell's scope with tf.get_variable."""
        if partitioner is not None:
            raise NotImplementedError("RNNCell.add_variable(partitioner=...) is not supported by compat_tf")
        dtype = _dtypes.as_dtype(dtype or self._dtype or _dtypes.float32)
        trainable = self._trainable if trainable is None else (trainable and self._trainable)
        return vs.get_variable(
            name,
            shape=shape,
            dtype=dtype,
            initializer=initializer,
            regularizer=regularizer,
            trainable=trainable,
            constraint=constraint,
        )

    add_weight = add_variable

    def __call__(self, inputs, state, scope=None):
        """Runs the cell on `inputs` and `state`; builds its variables on the first call."""
        g = _graph.get_default_graph()
        if self._scope is None:
            if self._reuse:
                with vs.variable_scope(scope if scope is not None else self._base_name) as captured:
                    self._scope = captured
            else:
                with vs.variable_scope(scope, default_name=self._base_name) as captured:
                    self._scope = captured
        reuse = True if self.built else self._reuse
        with (
            vs.variable_scope(self._scope, reuse=reuse, auxiliary_name_scope=False),
            g.name_scope(self._scope.original_name_scope or None),
        ):
            if not self.built:
                flat_in = [_constant.convert_to_tensor(x) for x in _flatten(inputs)]
                if self._dtype is None and flat_in:
                    self._dtype = flat_in[0].dtype.base_dtype
                shapes = _pack_sequence_as(inputs, [x.shape for x in flat_in])
                self.build(shapes)
                self.built = True
            return self.call(inputs, state)

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        if inputs is not None:
            inputs = _constant.convert_to_tensor(inputs)
            if batch_size is not None:
                static = _static_batch(batch_size)
                in_batch = inputs.shape.as_list()[0] if inputs.shape.ndims else None
                if static is not None and in_batch is not None and static != in_batch:
                    raise ValueError(
                        f"batch size from input tensor is different from the input param. "
                        f"Input tensor batch: {in_batch}, batch_size: {batch_size}"
                    )
            if dtype is not None and inputs.dtype.base_dtype != _dtypes.as_dtype(dtype):
                raise ValueError(
                    f"dtype from input tensor is different from the input param. Input tensor "
                    f"dtype: {inputs.dtype}, dtype: {dtype}"
                )
            in_batch = inputs.shape.as_list()[0] if inputs.shape.ndims else None
            batch_size = in_batch if in_batch is not None else array_ops.shape(inputs)[0]
            dtype = inputs.dtype
        if batch_size is None or dtype is None:
            raise ValueError(
                f"batch_size and dtype cannot be None while constructing initial state: "
                f"batch_size={batch_size}, dtype={dtype}"
            )
        return self.zero_state(batch_size, dtype)

    def zero_state(self, batch_size, dtype):
        """Zero-filled state tensor(s), each `[batch_size, s]` for s in `state_size`."""
        dtype = _dtypes.as_dtype(dtype)
        with _graph.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return _zero_state_tensors(self.state_size, batch_size, dtype)


class LayerRNNCell(RNNCell):
    """TF1's base class of cells that create their variables in `build` (same as RNNCell here)."""


def _input_depth(cell, inputs_shape):
    shape = _ts.as_shape(inputs_shape)
    if shape.ndims is None or shape.as_list()[-1] is None:
        raise ValueError(f"Expected inputs.shape[-1] to be known, saw shape: {shape}")
    return int(shape.as_list()[-1])


def _check_rank2(inputs, what):
    if inputs.shape.ndims is not None and inputs.shape.ndims != 2:
        raise ValueError(
            f"Input 0 of layer {what} is incompatible with the layer: expected ndim=2, "
            f"found ndim={inputs.shape.ndims}. Full shape received: {inputs.shape.as_list()}"
        )


class BasicRNNCell(LayerRNNCell):
    """The most basic RNN cell: output = new_state = act(W * [input, state] + b)."""

    def __init__(self, num_units, activation=None, reuse=None, name=None, dtype=None, **kwargs):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._activation = _activation(activation)

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        self._kernel = self.add_variable(
            _WEIGHTS_VARIABLE_NAME, shape=[depth + self._num_units, self._num_units]
        )
        self._bias = self.add_variable(
            _BIAS_VARIABLE_NAME,
            shape=[self._num_units],
            initializer=init_ops.zeros_initializer(dtype=self.dtype),
        )

    def call(self, inputs, state):
        inputs = _constant.convert_to_tensor(inputs)
        _check_rank2(inputs, self.name)
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        output = self._activation(gate_inputs)
        return output, output


class GRUCell(LayerRNNCell):
    """Gated Recurrent Unit cell (Cho et al., 2014) with TF1's variables and math."""

    def __init__(
        self,
        num_units,
        activation=None,
        reuse=None,
        kernel_initializer=None,
        bias_initializer=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._activation = _activation(activation)
        self._kernel_initializer = kernel_initializer
        self._bias_initializer = bias_initializer

    @property
    def state_size(self):
        return self._num_units

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        n = self._num_units
        self._gate_kernel = self.add_variable(
            "gates/" + _WEIGHTS_VARIABLE_NAME, shape=[depth + n, 2 * n], initializer=self._kernel_initializer
        )
        self._gate_bias = self.add_variable(
            "gates/" + _BIAS_VARIABLE_NAME,
            shape=[2 * n],
            initializer=(
                self._bias_initializer
                if self._bias_initializer is not None
                else init_ops.constant_initializer(1.0, dtype=self.dtype)
            ),
        )
        self._candidate_kernel = self.add_variable(
            "candidate/" + _WEIGHTS_VARIABLE_NAME, shape=[depth + n, n], initializer=self._kernel_initializer
        )
        self._candidate_bias = self.add_variable(
            "candidate/" + _BIAS_VARIABLE_NAME,
            shape=[n],
            initializer=(
                self._bias_initializer
                if self._bias_initializer is not None
                else init_ops.zeros_initializer(dtype=self.dtype)
            ),
        )

    def call(self, inputs, state):
        inputs = _constant.convert_to_tensor(inputs)
        _check_rank2(inputs, self.name)
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, state], 1), self._gate_kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._gate_bias)
        value = math_ops.sigmoid(gate_inputs)
        r, u = array_ops.split(value=value, num_or_size_splits=2, axis=1)
        r_state = r * state
        candidate = math_ops.matmul(array_ops.concat([inputs, r_state], 1), self._candidate_kernel)
        candidate = nn_ops.bias_add(candidate, self._candidate_bias)
        c = self._activation(candidate)
        new_h = u * state + (1 - u) * c
        return new_h, new_h


class BasicLSTMCell(LayerRNNCell):
    """TF1's basic LSTM cell (no peepholes, no clipping, no projection); forget_bias is added
    to the forget gate's pre-activation."""

    def __init__(
        self,
        num_units,
        forget_bias=1.0,
        state_is_tuple=True,
        activation=None,
        reuse=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        self._num_units = int(num_units)
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)

    @property
    def state_size(self):
        return (
            LSTMStateTuple(self._num_units, self._num_units) if self._state_is_tuple else 2 * self._num_units
        )

    @property
    def output_size(self):
        return self._num_units

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        n = self._num_units
        self._kernel = self.add_variable(_WEIGHTS_VARIABLE_NAME, shape=[depth + n, 4 * n])
        self._bias = self.add_variable(
            _BIAS_VARIABLE_NAME, shape=[4 * n], initializer=init_ops.zeros_initializer(dtype=self.dtype)
        )

    def call(self, inputs, state):
        inputs = _constant.convert_to_tensor(inputs)
        _check_rank2(inputs, self.name)
        if self._state_is_tuple:
            c, h = state
        else:
            c, h = array_ops.split(value=state, num_or_size_splits=2, axis=1)
        gate_inputs = math_ops.matmul(array_ops.concat([inputs, h], 1), self._kernel)
        gate_inputs = nn_ops.bias_add(gate_inputs, self._bias)
        i, j, f, o = array_ops.split(value=gate_inputs, num_or_size_splits=4, axis=1)
        forget_bias = _constant.constant(self._forget_bias, dtype=f.dtype)
        sigmoid = math_ops.sigmoid
        new_c = math_ops.add(
            math_ops.multiply(c, sigmoid(math_ops.add(f, forget_bias))),
            math_ops.multiply(sigmoid(i), self._activation(j)),
        )
        new_h = math_ops.multiply(self._activation(new_c), sigmoid(o))
        new_state = (
            LSTMStateTuple(new_c, new_h) if self._state_is_tuple else array_ops.concat([new_c, new_h], 1)
        )
        return new_h, new_state


class LSTMCell(LayerRNNCell):
    """TF1's LSTM cell with optional peepholes, cell clipping and an output projection."""

    def __init__(
        self,
        num_units,
        use_peepholes=False,
        cell_clip=None,
        initializer=None,
        num_proj=None,
        proj_clip=None,
        num_unit_shards=None,
        num_proj_shards=None,
        forget_bias=1.0,
        state_is_tuple=True,
        activation=None,
        reuse=None,
        name=None,
        dtype=None,
        **kwargs,
    ):
        super().__init__(_reuse=reuse, name=name, dtype=dtype, **kwargs)
        if num_unit_shards is not None or num_proj_shards is not None:
            raise NotImplementedError(
                "tf.nn.rnn_cell.LSTMCell(num_unit_shards=/num_proj_shards=...) is not supported by compat_tf"
            )
        self._num_units = int(num_units)
        self._use_peepholes = use_peepholes
        self._cell_clip = cell_clip
        self._initializer = initializer
        self._num_proj = None if num_proj is None else int(num_proj)
        self._proj_clip = proj_clip
        self._forget_bias = forget_bias
        self._state_is_tuple = state_is_tuple
        self._activation = _activation(activation)
        if self._num_proj:
            self._state_size = (
                LSTMStateTuple(self._num_units, self._num_proj)
                if state_is_tuple
                else self._num_units + self._num_proj
            )
            self._output_size = self._num_proj
        else:
            self._state_size = (
                LSTMStateTuple(self._num_units, self._num_units) if state_is_tuple else 2 * self._num_units
            )
            self._output_size = self._num_units

    @property
    def state_size(self):
        return self._state_size

    @property
    def output_size(self):
        return self._output_size

    def build(self, inputs_shape):
        depth = _input_depth(self, inputs_shape)
        n = self._num_units
        h_depth = n if self._num_proj is None else self._num_proj
        self._kernel = self.add_variable(
            _WEIGHTS_VARIABLE_NAME, shape=[depth + h_depth, 4 * n], initializer=self._initializer
        )
        self._bias = self.add_variable(
            _BIAS_VARIABLE_NAME, shape=[4 * n], initializer=init_ops.zeros_initializer(dtype=self.dtype)
        )
        if self._use_peepholes:
            self._w_f_diag = self.add_variable("w_f_diag", shape=[n], initializer=self._initializer)
            self._w_i_diag = self.add_variable("w_i_diag", shape=[n], initializer=self._initializer)
            self._w_o_diag = self.add_variable("w_o_diag", shape=[n], initializer=self._initializer)
        if self._num_proj is not None:
            self._proj_kernel = self.add_variable(
                "projection/" + _WEIGHTS_VARIABLE_NAME,
                shape=[n, self._num_proj],
                initializer=self._initializer,
            )

    def call(self, inputs, state):
        inputs = _constant.convert_to_tensor(inputs)
        _check_rank2(inputs, self.name)
        n = self._num_units
        num_proj = n if self._num_proj is None else self._num_proj
        sigmoid = math_ops.sigmoid
        if self._state_is_tuple:
            c_prev, m_prev = state
        else:
            c_prev = array_ops.slice(state, [0, 0], [-1, n])
            m_prev = array_ops.slice(state, [0, n], [-1, num_proj])
        lstm_matrix = math_ops.matmul(array_ops.concat([inputs, m_prev], 1), self._kernel)
        lstm_matrix = nn_ops.bias_add(lstm_matrix, self._bias)
        i, j, f, o = array_ops.split(value=lstm_matrix, num_or_size_splits=4, axis=1)
        if self._use_peepholes:
            c = sigmoid(f + self._forget_bias + self._w_f_diag * c_prev) * c_prev + sigmoid(
                i + self._w_i_diag * c_prev
            ) * self._activation(j)
        else:
            c = sigmoid(f + self._forget_bias) * c_prev + sigmoid(i) * self._activation(j)
        if self._cell_clip is not None:
            c = math_ops.clip_by_value(c, -self._cell_clip, self._cell_clip)
        if self._use_peepholes:
            m = sigmoid(o + self._w_o_diag * c) * self._activation(c)
        else:
            m = sigmoid(o) * self._activation(c)
        if self._num_proj is not None:
            with _graph.name_scope("projection"):
                m = math_ops.matmul(m, self._proj_kernel)
            if self._proj_clip is not None:
                m = math_ops.clip_by_value(m, -self._proj_clip, self._proj_clip)
        new_state = LSTMStateTuple(c, m) if self._state_is_tuple else array_ops.concat([c, m], 1)
        return m, new_state


class MultiRNNCell(RNNCell):
    """A cell made of `cells` applied in sequence (the state is a tuple of the cells' states)."""

    def __init__(self, cells, state_is_tuple=True):
        super().__init__()
        if not cells:
            raise ValueError("Must specify at least one cell for MultiRNNCell.")
        if not _is_sequence(cells):
            raise TypeError(f"cells must be a list or tuple, but saw: {cells}.")
        if len(set(id(c) for c in cells)) < len(cells):
            import logging

            logging.getLogger("compat_tf").warning(
                "At least two cells provided to MultiRNNCell are the same object and will share weights."
            )
        self._cells = list(cells)
        self._state_is_tuple = state_is_tuple
        if not state_is_tuple:
            if any(_is_sequence(c.state_size) for c in self._cells):
                raise ValueError(
                    "Some cells return tuples of states, but the flag state_is_tuple is not set. "
                    f"State sizes are: {[c.state_size for c in self._cells]}"
                )

    @property
    def state_size(self):
        if self._state_is_tuple:
            return tuple(cell.state_size for cell in self._cells)
        return sum(cell.state_size for cell in self._cells)

    @property
    def output_size(self):
        return self._cells[-1].output_size

    def zero_state(self, batch_size, dtype):
        with _graph.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            if self._state_is_tuple:
                return tuple(cell.zero_state(batch_size, dtype) for cell in self._cells)
            return super().zero_state(batch_size, dtype)

    def call(self, inputs, state):
        cur_state_pos = 0
        cur_inp = inputs
        new_states = []
        for i, cell in enumerate(self._cells):
            with vs.variable_scope("cell_%d" % i):
                if self._state_is_tuple:
                    if not _is_sequence(state):
                        raise ValueError(
                            f"Expected state to be a tuple of length {len(self.state_size)}, but "
                            f"received: {state}"
                        )
                    cur_state = state[i]
                else:
                    cur_state = array_ops.slice(state, [0, cur_state_pos], [-1, cell.state_size])
                    cur_state_pos += cell.state_size
                cur_inp, new_state = cell(cur_inp, cur_state)
                new_states.append(new_state)
        new_states = tuple(new_states) if self._state_is_tuple else array_ops.concat(new_states, 1)
        return cur_inp, new_states


# --------------------------------------------------------------------------------------------
# wrappers
# --------------------------------------------------------------------------------------------


class _RNNCellWrapper(RNNCell):
    """A cell wrapping `cell`: calls it directly (no scope of its own), as TF1's wrappers."""

    def __init__(self, cell, **kwargs):
        super().__init__(**kwargs)
        assert_like_rnncell("cell", cell)
        self.cell = cell

    @property
    def wrapped_cell(self):
        return self.cell

    @property
    def state_size(self):
        return self.cell.state_size

    @property
    def output_size(self):
        return self.cell.output_size

    @property
    def variables(self):
        return self.cell.variables

    @property
    def trainable_variables(self):
        return self.cell.trainable_variables

    def zero_state(self, batch_size, dtype):
        with _graph.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self.cell.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        return self._call_wrapped_cell(inputs, state, self.cell.__call__, scope=scope)


class DropoutWrapper(_RNNCellWrapper):
    """Dropout on a cell's inputs, outputs and (non-`c` parts of the) state, as TF1 (non-variational)."""

    def __init__(
        self,
        cell,
        input_keep_prob=1.0,
        output_keep_prob=1.0,
        state_keep_prob=1.0,
        variational_recurrent=False,
        input_size=None,
        dtype=None,
        seed=None,
        dropout_state_filter_visitor=None,
    ):
        super().__init__(cell)
        if variational_recurrent:
            raise NotImplementedError(
                "tf.nn.rnn_cell.DropoutWrapper(variational_recurrent=True) is not supported by compat_tf"
            )
        for prob, attr in (
            (input_keep_prob, "input_keep_prob"),
            (state_keep_prob, "state_keep_prob"),
            (output_keep_prob, "output_keep_prob"),
        ):
            if isinstance(prob, numbers.Real) and not 0 < prob <= 1:
                raise ValueError(f"Parameter {attr} must be between 0 and 1: {prob}")
        self._input_keep_prob = input_keep_prob
        self._output_keep_prob = output_keep_prob
        self._state_keep_prob = state_keep_prob
        self._seed = seed
        self._dropout_state_filter = dropout_state_filter_visitor or _default_dropout_state_filter_visitor

    def _gen_seed(self, salt_prefix, index):
        if self._seed is None:
            return None
        import hashlib

        salt = "%s_%d" % (salt_prefix, index)
        string = (str(self._seed) + salt).encode("utf-8")
        return int(hashlib.md5(string).hexdigest()[:8], 16) & 0x7FFFFFFF

    @staticmethod
    def _should_dropout(p):
        return (not isinstance(p, numbers.Real)) or p < 1

    def _dropout(self, values, salt_prefix, keep_prob, filtered=None):
        flat = _flatten(values)
        keep = [True] * len(flat) if filtered is None else _flatten(filtered)
        out = []
        for i, (v, do) in enumerate(zip(flat, keep)):
            out.append(
                nn_ops.dropout(v, keep_prob=keep_prob, seed=self._gen_seed(salt_prefix, i)) if do else v
            )
        return _pack_sequence_as(values, out)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        if self._should_dropout(self._input_keep_prob):
            inputs = self._dropout(inputs, "input", self._input_keep_prob)
        output, new_state = cell_call_fn(inputs, state, **kwargs)
        if self._should_dropout(self._state_keep_prob):
            filtered = _map_structure_up_to_state(self._dropout_state_filter, new_state)
            new_state = self._dropout(new_state, "state", self._state_keep_prob, filtered)
        if self._should_dropout(self._output_keep_prob):
            output = self._dropout(output, "output", self._output_keep_prob)
        return output, new_state


def _default_dropout_state_filter_visitor(substate):
    if isinstance(substate, LSTMStateTuple):
        return LSTMStateTuple(c=False, h=True)
    return True


def _map_structure_up_to_state(visitor, state):
    """Booleans with the structure of `state`: which parts get state dropout."""

    def visit(s):
        r = visitor(s)
        if isinstance(r, bool):
            return _map_structure(lambda _: r, s)
        if _is_sequence(s) and _is_sequence(r):
            return r
        return _map_structure(lambda _: bool(r), s)

    def walk(s):
        if isinstance(s, LSTMStateTuple) or not _is_sequence(s):
            return visit(s)
        r = visitor(s)
        if isinstance(r, bool):
            return _map_structure(lambda _: r, s)
        return type(s)(walk(e) for e in s) if not hasattr(s, "_fields") else type(s)(*[walk(e) for e in s])

    return walk(state)


class ResidualWrapper(_RNNCellWrapper):
    """Adds the cell's inputs to its outputs (or applies `residual_fn(inputs, outputs)`)."""

    def __init__(self, cell, residual_fn=None):
        super().__init__(cell)
        self._residual_fn = residual_fn

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        outputs, new_state = cell_call_fn(inputs, state, **kwargs)

        def default_residual_fn(inputs, outputs):
            _assert_same_structure(inputs, outputs)

            def add(inp, out):
                inp = _constant.convert_to_tensor(inp)
                out = _constant.convert_to_tensor(out)
                inp.shape.assert_is_compatible_with(out.shape)
                return inp + out

            return _map_structure(add, inputs, outputs)

        res_outputs = (self._residual_fn or default_residual_fn)(inputs, outputs)
        return res_outputs, new_state


class DeviceWrapper(_RNNCellWrapper):
    """Runs the wrapped cell (and its zero state) on `device`."""

    def __init__(self, cell, device):
        super().__init__(cell)
        self._device = device

    def zero_state(self, batch_size, dtype):
        with _graph.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            with _graph.get_default_graph().device(self._device):
                return self.cell.zero_state(batch_size, dtype)

    def _call_wrapped_cell(self, inputs, state, cell_call_fn, **kwargs):
        with _graph.get_default_graph().device(self._device):
            return cell_call_fn(inputs, state, **kwargs)


# --------------------------------------------------------------------------------------------
# tf.contrib.rnn's projection / embedding wrappers (contrib/rnn/python/ops/core_rnn_cell.py)
# --------------------------------------------------------------------------------------------


class _Linear:
    """`concat(args, 1) @ kernel + bias` with 'kernel'/'bias' in the current variable scope."""

    def __init__(self, args, output_size, build_bias, bias_initializer=None, kernel_initializer=None):
        flat = [_constant.convert_to_tensor(a) for a in _flatten(args)]
        self._is_sequence = _is_sequence(args)
        total = 0
        for a in flat:
            dims = a.shape.as_list() if a.shape.ndims is not None else None
            if dims is None or len(dims) != 2:
                raise ValueError(f"linear is expecting 2D arguments: {a.shape}")
            if dims[1] is None:
                raise ValueError(f"linear expects shape[1] to be provided for shape {a.shape}, but saw None")
            total += dims[1]
        dtype = flat[0].dtype.base_dtype
        self._weights = vs.get_variable(
            _WEIGHTS_VARIABLE_NAME, [total, output_size], dtype=dtype, initializer=kernel_initializer
        )
        self._build_bias = build_bias
        if build_bias:
            init = bias_initializer if bias_initializer is not None else init_ops.constant_initializer(0.0)
            self._biases = vs.get_variable(_BIAS_VARIABLE_NAME, [output_size], dtype=dtype, initializer=init)

    def __call__(self, args):
        flat = _flatten(args)
        x = flat[0] if len(flat) == 1 else array_ops.concat(flat, 1)
        res = math_ops.matmul(x, self._weights)
        return nn_ops.bias_add(res, self._biases) if self._build_bias else res


class _ScopedCellWrapper(RNNCell):
    """The tf.contrib.rnn wrappers that are cells with a variable scope of their own (their
    variables and the wrapped cell's go under it): the wrapped cell's state and zero state."""

    def __init__(self, cell, reuse=None):
        super().__init__(_reuse=reuse)
        assert_like_rnncell("cell", cell)
        self._cell = cell

    @property
    def state_size(self):
        return self._cell.state_size

    @property
    def output_size(self):
        return self._cell.output_size

    def zero_state(self, batch_size, dtype):
        with _graph.name_scope(type(self).__name__ + "ZeroState", values=[batch_size]):
            return self._cell.zero_state(batch_size, dtype)


class OutputProjectionWrapper(_ScopedCellWrapper):
    """tf.contrib.rnn.OutputProjectionWrapper: the cell's output times 'kernel' plus 'bias'
    (in 'output_projection_wrapper/', which also holds the wrapped cell's scope)."""

    def __init__(self, cell, output_size, activation=None, reuse=None):
        super().__init__(cell, reuse)
        if output_size < 1:
            raise ValueError(f"Parameter output_size must be > 0: {output_size}.")
        self._output_size = int(output_size)
        self._activation = activation
        self._linear = None

    @property
    def output_size(self):
        return self._output_size

    def call(self, inputs, state):
        output, res_state = self._cell(inputs, state)
        if self._linear is None:
            self._linear = _Linear(output, self._output_size, True)
        projected = self._linear(output)
        if self._activation:
            projected = self._activation(projected)
        return projected, res_state


class InputProjectionWrapper(_ScopedCellWrapper):
    """tf.contrib.rnn.InputProjectionWrapper: the inputs times 'kernel' plus 'bias', then the cell."""

    def __init__(self, cell, num_proj, activation=None, input_size=None, reuse=None):
        super().__init__(cell, reuse)
        self._num_proj = int(num_proj)
        self._activation = activation
        self._linear = None

    def call(self, inputs, state):
        if self._linear is None:
            self._linear = _Linear(inputs, self._num_proj, True)
        projected = self._linear(inputs)
        if self._activation:
            projected = self._activation(projected)
        return self._cell(projected, state)


class EmbeddingWrapper(_ScopedCellWrapper):
    """tf.contrib.rnn.EmbeddingWrapper: int ids `[batch, 1]` looked up in 'embedding'
    (`[embedding_classes, embedding_size]`), then the cell."""

    def __init__(self, cell, embedding_classes, embedding_size, initializer=None, reuse=None):
        super().__init__(cell, reuse)
        if embedding_classes <= 0 or embedding_size <= 0:
            raise ValueError(
                "Both embedding_classes and embedding_size must be > 0: "
                f"{embedding_classes}, {embedding_size}."
            )
        self._embedding_classes = int(embedding_classes)
        self._embedding_size = int(embedding_size)
        self._initializer = initializer

    def call(self, inputs, state):
        import math

        from compat_tf._src.ops import nn_impl

        if self._initializer:
            initializer = self._initializer
        elif vs.get_variable_scope().initializer:
            initializer = vs.get_variable_scope().initializer
        else:
            initializer = init_ops.random_uniform_initializer(-math.sqrt(3), math.sqrt(3))
        first = _flatten(state)[0]
        data_type = _constant.convert_to_tensor(first).dtype.base_dtype
        embedding = vs.get_variable(
            "embedding",
            [self._embedding_classes, self._embedding_size],
            initializer=initializer,
            dtype=data_type,
        )
        embedded = nn_impl.embedding_lookup(embedding, array_ops.reshape(inputs, [-1]))
        return self._cell(embedded, state)


# the names of the tf.nn.rnn_cell namespace
PUBLIC_NAMES = (
    "BasicLSTMCell",
    "BasicRNNCell",
    "DeviceWrapper",
    "DropoutWrapper",
    "GRUCell",
    "LSTMCell",
    "LSTMStateTuple",
    "MultiRNNCell",
    "RNNCell",
    "ResidualWrapper",
)
