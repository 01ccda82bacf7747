"""tf.contrib.seq2seq attention (TF 1.15 attention_wrapper.py): BahdanauAttention, LuongAttention and
the AttentionWrapper cell, with TF1's formulas, masks and variable names ("memory_layer",
"bahdanau_attention/query_layer", "attention_v", "attention_layer", ...).

Not provided (NotImplementedError): alignment_history=True (a dynamically sized TensorArray),
the monotonic attention mechanisms.
"""
import collections
import math

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.layers import core as _core
from compat_tf._src.ops import array_ops, control_flow_ops, init_ops, math_ops, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops.rnn_cell_impl import RNNCell, _map_structure, _zero_state_tensors

__all__ = ["AttentionMechanism", "AttentionWrapper", "AttentionWrapperState", "BahdanauAttention", "LuongAttention",
           "hardmax"]


def _g():
    return _graph.get_default_graph()


class AttentionMechanism:
    """Marker base class (TF1's AttentionMechanism)."""


def _prepare_memory(memory, memory_sequence_length):
    memory = _constant.convert_to_tensor(memory, name="memory")
    if memory_sequence_length is None:
        return memory
    mask = array_ops.sequence_mask(memory_sequence_length, maxlen=array_ops.shape(memory)[1], dtype=memory.dtype)
    rank = memory.shape.ndims
    mask = array_ops.reshape(mask, array_ops.concat([array_ops.shape(mask), [1] * (rank - 2)], 0))
    return memory * mask


def _maybe_mask_score(score, memory_sequence_length, score_mask_value):
    if memory_sequence_length is None:
        return score
    mask = array_ops.sequence_mask(memory_sequence_length, maxlen=array_ops.shape(score)[1])
    return array_ops.where(mask, score, score_mask_value * array_ops.ones_like(score))


def hardmax(logits, name=None):
    """One-hot of the argmax over the last axis."""
    with _g().name_scope(name or "Hardmax"):
        logits = _constant.convert_to_tensor(logits, name="logits")
        depth = logits.shape[-1].value if logits.shape[-1].value is not None else array_ops.shape(logits)[-1]
        return array_ops.one_hot(math_ops.argmax(logits, -1), depth, dtype=logits.dtype)


class _BaseAttentionMechanism(AttentionMechanism):
    def __init__(self, query_layer, memory, probability_fn, memory_sequence_length=None, memory_layer=None,
                 score_mask_value=None, custom_key_value_fn=None, name=None):
        self._query_layer = query_layer
        self._memory_layer = memory_layer
        self.dtype = memory_layer.dtype if memory_layer is not None else None
        if score_mask_value is None:
            score_mask_value = -np.inf
        self._probability_fn = lambda score, prev: probability_fn(
            _maybe_mask_score(score, memory_sequence_length, score_mask_value), prev)
        with _g().name_scope(name or "BaseAttentionMechanismInit"):
            self._values = _prepare_memory(memory, memory_sequence_length)
            self._keys = self._memory_layer(self._values) if self._memory_layer else self._values
            if custom_key_value_fn is not None:
                self._keys, self._values = custom_key_value_fn(self._keys, self._values)
            self._batch_size = self._keys.shape[0].value or array_ops.shape(self._keys)[0]
            self._alignments_size = self._keys.shape[1].value or array_ops.shape(self._keys)[1]
        if self.dtype is None:
            self.dtype = self._values.dtype.base_dtype

    memory_layer = property(lambda self: self._memory_layer)
    query_layer = property(lambda self: self._query_layer)
    values = property(lambda self: self._values)
    keys = property(lambda self: self._keys)
    batch_size = property(lambda self: self._batch_size)
    alignments_size = property(lambda self: self._alignments_size)
    state_size = property(lambda self: self._alignments_size)

    def initial_alignments(self, batch_size, dtype):
        if isinstance(self._alignments_size, int):
            return _zero_state_tensors(self._alignments_size, batch_size, dtype)
        return array_ops.zeros(array_ops.stack([batch_size, self._alignments_size]), dtype=dtype)

    def initial_state(self, batch_size, dtype):
        return self.initial_alignments(batch_size, dtype)


def _luong_score(query, keys, scale):
    depth, key_units = query.shape[-1].value, keys.shape[-1].value
    if depth != key_units:
        raise ValueError(f"Incompatible or unknown inner dimensions between query and keys.  Query (rank "
                         f"{query.shape.ndims}) has units: {depth}.  Keys (rank {keys.shape.ndims}) have units: "
                         f"{key_units}.  Perhaps you need to set num_units to the keys' dimension ({key_units})?")
    score = array_ops.squeeze(math_ops.matmul(array_ops.expand_dims(query, 1), keys, transpose_b=True), [1])
    return score if scale is None else scale * score


class LuongAttention(_BaseAttentionMechanism):
    """Multiplicative attention: score = query . W keys (optionally scaled by attention_g)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, scale=False, probability_fn=None,
                 score_mask_value=None, dtype=None, custom_key_value_fn=None, name="LuongAttention"):
        probability_fn = probability_fn or nn_ops.softmax
        dtype = dtype or _constant.convert_to_tensor(memory).dtype.base_dtype
        super().__init__(query_layer=None,
                         memory_layer=_core.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
                         memory=memory, probability_fn=lambda score, _: probability_fn(score),
                         memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
                         custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units, self._scale, self._name = num_units, scale, name

    def __call__(self, query, state):
        with _vs.variable_scope(None, "luong_attention", [query]):
            g = None
            if self._scale:
                g = _vs.get_variable("attention_g", dtype=query.dtype, initializer=init_ops.ones_initializer(),
                                     shape=())
            score = _luong_score(query, self._keys, g)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


def _bahdanau_score(processed_query, keys, normalize):
    dtype = processed_query.dtype
    num_units = keys.shape[2].value or array_ops.shape(keys)[2]
    processed_query = array_ops.expand_dims(processed_query, 1)
    v = _vs.get_variable("attention_v", [num_units], dtype=dtype)
    if normalize:
        g = _vs.get_variable("attention_g", dtype=dtype, shape=(),
                             initializer=init_ops.constant_initializer(math.sqrt(1.0 / num_units)))
        b = _vs.get_variable("attention_b", [num_units], dtype=dtype, initializer=init_ops.zeros_initializer())
        normed_v = g * v * math_ops.rsqrt(math_ops.reduce_sum(math_ops.square(v)))
        return math_ops.reduce_sum(normed_v * math_ops.tanh(keys + processed_query + b), [2])
    return math_ops.reduce_sum(v * math_ops.tanh(keys + processed_query), [2])


class BahdanauAttention(_BaseAttentionMechanism):
    """Additive attention: score = v . tanh(W1 keys + W2 query) (normalize: weight-normalised v)."""

    def __init__(self, num_units, memory, memory_sequence_length=None, normalize=False, probability_fn=None,
                 score_mask_value=None, dtype=None, custom_key_value_fn=None, name="BahdanauAttention"):
        probability_fn = probability_fn or nn_ops.softmax
        dtype = dtype or _constant.convert_to_tensor(memory).dtype.base_dtype
        super().__init__(query_layer=_core.Dense(num_units, name="query_layer", use_bias=False, dtype=dtype),
                         memory_layer=_core.Dense(num_units, name="memory_layer", use_bias=False, dtype=dtype),
                         memory=memory, probability_fn=lambda score, _: probability_fn(score),
                         memory_sequence_length=memory_sequence_length, score_mask_value=score_mask_value,
                         custom_key_value_fn=custom_key_value_fn, name=name)
        self._num_units, self._normalize, self._name = num_units, normalize, name

    def __call__(self, query, state):
        with _vs.variable_scope(None, "bahdanau_attention", [query]):
            processed_query = self._query_layer(query) if self._query_layer else query
            score = _bahdanau_score(processed_query, self._keys, self._normalize)
        alignments = self._probability_fn(score, state)
        return alignments, alignments


class AttentionWrapperState(collections.namedtuple("AttentionWrapperState", (
        "cell_state", "attention", "time", "alignments", "alignment_history", "attention_state"))):
    """The state of an AttentionWrapper."""

    def clone(self, **kwargs):
        return self._replace(**kwargs)


def _compute_attention(attention_mechanism, cell_output, attention_state, attention_layer):
    alignments, next_attention_state = attention_mechanism(cell_output, state=attention_state)
    context = array_ops.squeeze(math_ops.matmul(array_ops.expand_dims(alignments, 1), attention_mechanism.values),
                                [1])
    attention = attention_layer(array_ops.concat([cell_output, context], 1)) if attention_layer is not None \
        else context
    return attention, alignments, next_attention_state


class AttentionWrapper(RNNCell):
    """Wraps a cell with attention: inputs are concatenated with the previous attention, the cell
    output queries the memory, and the (optionally projected) context is the output."""

    def __init__(self, cell, attention_mechanism, attention_layer_size=None, alignment_history=False,
                 cell_input_fn=None, output_attention=True, initial_cell_state=None, name=None, attention_layer=None,
                 attention_fn=None):
        super().__init__(name=name)
        if alignment_history:
            raise NotImplementedError("tf.contrib.seq2seq.AttentionWrapper(alignment_history=True) is not "
                                      "implemented by compat_tf")
        self._is_multi = isinstance(attention_mechanism, (list, tuple))
        mechanisms = tuple(attention_mechanism) if self._is_multi else (attention_mechanism,)
        for m in mechanisms:
            if not isinstance(m, AttentionMechanism):
                raise TypeError(f"attention_mechanism must be an AttentionMechanism or list of multiple "
                                f"AttentionMechanism instances, saw type: {type(m).__name__}")
        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: array_ops.concat([inputs, attention], -1)  # noqa: E731
        elif not callable(cell_input_fn):
            raise TypeError(f"cell_input_fn must be callable, saw type: {type(cell_input_fn).__name__}")
        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be set")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size, (list, tuple))
                          else (attention_layer_size,))
            if len(sizes) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer_size must contain exactly one integer per "
                                 f"attention_mechanism, saw: {len(sizes)} vs {len(mechanisms)}")
            self._attention_layers = tuple(_core.Dense(size, name="attention_layer", use_bias=False,
                                                       dtype=mechanisms[i].dtype) for i, size in enumerate(sizes))
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            self._attention_layers = tuple(attention_layer if isinstance(attention_layer, (list, tuple))
                                           else (attention_layer,))
            self._attention_layer_size = sum(layer.units for layer in self._attention_layers)
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(m.values.shape[-1].value for m in mechanisms)
        self._attention_fn = attention_fn or _compute_attention
        self._cell = cell
        self._attention_mechanisms = mechanisms
        self._cell_input_fn = cell_input_fn
        self._output_attention = output_attention
        self._initial_cell_state = initial_cell_state

    def _item_or_tuple(self, seq):
        t = tuple(seq)
        return t if self._is_multi else t[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        from compat_tf._src.framework import tensor_shape as _ts
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=_ts.TensorShape([]), attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in self._attention_mechanisms),
            attention_state=self._item_or_tuple(m.state_size for m in self._attention_mechanisms),
            alignment_history=self._item_or_tuple(() for _ in self._attention_mechanisms))

    def zero_state(self, batch_size, dtype):
        with _g().name_scope(type(self).__name__ + "ZeroState"):
            cell_state = self._initial_cell_state if self._initial_cell_state is not None else \
                self._cell.zero_state(batch_size, dtype)
            cell_state = _map_structure(lambda s: control_flow_ops.identity(s, name="checked_cell_state"),
                                        cell_state)
            alignments = [m.initial_alignments(batch_size, dtype) for m in self._attention_mechanisms]
            return AttentionWrapperState(
                cell_state=cell_state, time=array_ops.zeros([], dtype=_dtypes.int32),
                attention=_zero_state_tensors(self._attention_layer_size, batch_size, dtype),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(m.initial_state(batch_size, dtype)
                                                    for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(() for _ in alignments))

    def call(self, inputs, state):
        if not isinstance(state, AttentionWrapperState):
            raise TypeError(f"Expected state to be instance of AttentionWrapperState. Received type "
                            f"{type(state)} instead.")
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)
        prev_states = state.attention_state if self._is_multi else [state.attention_state]
        attentions, alignments, attention_states = [], [], []
        for i, m in enumerate(self._attention_mechanisms):
            attention, alignment, next_attention_state = self._attention_fn(
                m, cell_output, prev_states[i], self._attention_layers[i] if self._attention_layers else None)
            attentions.append(attention)
            alignments.append(alignment)
            attention_states.append(next_attention_state)
        attention = array_ops.concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(attention_states), alignments=self._item_or_tuple(alignments),
            alignment_history=self._item_or_tuple(() for _ in alignments))
        return (attention if self._output_attention else cell_output), next_state
