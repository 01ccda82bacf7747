"""tf.contrib.seq2seq.Decoder, BasicDecoder and dynamic_decode (TF 1.15 decoder.py,
basic_decoder.py).

dynamic_decode runs decoder.step in a tf.while_loop in variable scope "decoder" with TF1's
bookkeeping (finished flags, sequence lengths, impute_finished, maximum_iterations). XLA needs a
loop bound known when the step is compiled, so:
- a BasicDecoder with a TrainingHelper (teacher forcing) runs as tf.nn.dynamic_rnn over the
  inputs in scope "decoder" (same variables, values and gradients); its outputs have the inputs'
  time length (TF1: max(sequence_length), the same for batches padded to their longest sequence),
- any other decoder needs `maximum_iterations` as a Python int or constant; the loop runs to the
  end of every sequence as TF1's and the outputs are cut to the steps actually run (on the host,
  so that part carries no gradient). A run-time maximum_iterations raises NotImplementedError.
"""
import collections

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.contrib.seq2seq.helper import TrainingHelper, _transpose_batch_time
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, rnn
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops._op_util import make_tensor
from compat_tf._src.ops.rnn_cell_impl import _flatten, _map_structure, _pack_sequence_as
from compat_tf._src.ops.tensor_array_ops import TensorArray

__all__ = ["BasicDecoder", "BasicDecoderOutput", "Decoder", "dynamic_decode"]


class Decoder:
    """Interface: batch_size, output_size, output_dtype, initialize(), step(), finalize()."""

    @property
    def tracks_own_finished(self):
        return False

    def initialize(self, name=None):
        raise NotImplementedError

    def step(self, time, inputs, state, name=None):
        raise NotImplementedError

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError


def rnn_output_size(cell, output_layer):
    """The per-step output size of `cell` followed by `output_layer` (if any)."""
    size = cell.output_size
    if output_layer is None:
        return size
    units = getattr(output_layer, "units", None)
    if units is not None:
        return _ts.TensorShape([units])
    out = output_layer.compute_output_shape(_ts.TensorShape([None]).concatenate(_ts.as_shape(size)))
    return _ts.as_shape(out)[1:]


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput", ("rnn_output", "sample_id"))):
    pass


class BasicDecoder(Decoder):
    """cell (+ output_layer) driven by a Helper."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        if output_layer is not None and not callable(output_layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    helper = property(lambda self: self._helper)
    batch_size = property(lambda self: self._helper.batch_size)

    def _rnn_output_size(self):
        return rnn_output_size(self._cell, self._output_layer)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(), sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = _flatten(self._initial_state)[0].dtype.base_dtype
        return BasicDecoderOutput(_map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        return self._helper.initialize() + (self._initial_state,)

    def step(self, time, inputs, state, name=None):
        with _graph.get_default_graph().name_scope(name or "BasicDecoderStep"):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        return BasicDecoderOutput(cell_outputs, sample_ids), next_state, next_inputs, finished


# --------------------------------------------------------------------------------------------
# dynamic_decode
# --------------------------------------------------------------------------------------------

@register_op("_Seq2SeqTrimTime", shape=lambda op: [(_ts.TensorShape([None]).concatenate(op.inputs[0].shape[1:])
                                                     if op.inputs[0].shape.ndims else _ts.unknown_shape(),
                                                     op.inputs[0].dtype.base_dtype)],
             host=True, differentiable=False)
def _trim_time(ctx, x, n):
    return np.asarray(x)[:int(n)]


def _trim(x, n):
    return make_tensor("_Seq2SeqTrimTime", [x, n], name="trim")


def _static_int(t):
    v = shape_inference.constant_value(t)
    return None if v is None else int(v)


def _decode_training(decoder, output_time_major, impute_finished, maximum_iterations, varscope):
    """BasicDecoder + TrainingHelper as dynamic_rnn in the decoder's scope."""
    helper = decoder.helper
    inputs = helper.inputs                                  # time major
    if maximum_iterations is not None:
        inputs = _map_structure(lambda x: x[:maximum_iterations], inputs)
    lengths = helper.sequence_length
    if maximum_iterations is not None:
        lengths = math_ops.minimum(lengths, math_ops.cast(maximum_iterations, lengths.dtype))
    float_dtype = next(t.dtype.base_dtype for t in _flatten(decoder._initial_state) if t.dtype.is_floating)
    outputs, state = rnn.dynamic_rnn(decoder._cell, inputs, initial_state=decoder._initial_state,
                                     sequence_length=lengths if impute_finished else None, time_major=True,
                                     dtype=float_dtype, scope=varscope)
    if decoder._output_layer is not None:
        outputs = decoder._output_layer(outputs)
    sample_id = math_ops.cast(math_ops.argmax(outputs, axis=-1), _dtypes.int32)
    if impute_finished:
        sample_id = sample_id * math_ops.cast(array_ops.transpose(array_ops.sequence_mask(
            lengths, array_ops.shape(sample_id)[0])), _dtypes.int32)
    final = BasicDecoderOutput(outputs, sample_id)
    if not output_time_major:
        final = _map_structure(_transpose_batch_time, final)
    return final, state, math_ops.cast(lengths, _dtypes.int32)


def dynamic_decode(decoder, output_time_major=False, impute_finished=False, maximum_iterations=None,
                   parallel_iterations=32, swap_memory=False, scope=None, return_seq_lengths=False):
    """Runs `decoder` until every sequence is finished; returns (final_outputs, final_state,
    final_sequence_lengths). See the module docstring for the loop bound compat_tf needs."""
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")
    g = _graph.get_default_graph()
    with _vs.variable_scope(scope, "decoder") as varscope:
        max_iter = None
        if maximum_iterations is not None:
            maximum_iterations = _constant.convert_to_tensor(maximum_iterations, dtype=_dtypes.int32,
                                                             name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")
            max_iter = _static_int(maximum_iterations)
        if isinstance(decoder, BasicDecoder) and isinstance(decoder.helper, TrainingHelper) and \
                (maximum_iterations is None or max_iter is not None):
            return _decode_training(decoder, output_time_major, impute_finished, max_iter, varscope)
        if max_iter is None:
            raise NotImplementedError(
                "tf.contrib.seq2seq.dynamic_decode of a decoder other than BasicDecoder + TrainingHelper needs "
                "maximum_iterations as a Python int or constant in compat_tf (XLA loops need a bound known when "
                "the step is compiled)")
        initial_finished, initial_inputs, initial_state = decoder.initialize()
        batch_size = decoder.batch_size
        zero_outputs = _map_structure(
            lambda s, d: array_ops.zeros(array_ops.concat([array_ops.reshape(batch_size, [1]),
                                                           _constant.constant(_ts.as_shape(s).as_list(),
                                                                              _dtypes.int32)], 0), dtype=d),
            decoder.output_size, decoder.output_dtype)
        initial_finished = math_ops.logical_or(initial_finished, 0 >= max_iter)
        initial_lengths = array_ops.zeros_like(initial_finished, dtype=_dtypes.int32)
        # written once outside the loop so the buffer takes the zero output's (run-time) batch size
        flat_tas = [TensorArray(z.dtype.base_dtype, size=max(max_iter, 1)).write(0, z) for z in _flatten(zero_outputs)]

        def condition(time, flat_ta, state, inputs, finished, lengths):
            return math_ops.logical_not(math_ops.reduce_all(finished))

        def body(time, flat_ta, state, inputs, finished, lengths):
            next_outputs, decoder_state, next_inputs, decoder_finished = decoder.step(time, inputs, state)
            if decoder.tracks_own_finished:
                next_finished = decoder_finished
            else:
                next_finished = math_ops.logical_or(decoder_finished, finished)
            next_finished = math_ops.logical_or(next_finished, time + 1 >= max_iter)
            next_lengths = array_ops.where(math_ops.logical_not(finished),
                                           array_ops.fill(array_ops.shape(lengths), time + 1), lengths)
            if impute_finished:
                emit = _map_structure(lambda out, zero: array_ops.where(finished, zero, out), next_outputs,
                                      zero_outputs)

                def copy(new, cur):
                    new.set_shape(cur.shape)
                    return new if new.shape.ndims == 0 else array_ops.where(finished, cur, new)
                next_state = _map_structure(copy, decoder_state, state)
            else:
                emit, next_state = next_outputs, decoder_state
            flat_ta = [ta.write(time, out) for ta, out in zip(flat_ta, _flatten(emit))]
            return time + 1, flat_ta, next_state, next_inputs, next_finished, next_lengths

        res = control_flow_ops.while_loop(
            condition, body, (_constant.constant(0, _dtypes.int32), flat_tas, initial_state, initial_inputs,
                              initial_finished, initial_lengths),
            maximum_iterations=max_iter)
        final_time, final_tas, final_state, _, _, final_lengths = res
        with g.name_scope("trim"):
            flat_out = [_trim(ta.stack(), final_time) for ta in final_tas]
        for t, z in zip(flat_out, _flatten(zero_outputs)):
            t.set_shape(_ts.TensorShape([None]).concatenate(z.shape))
        final_outputs = _pack_sequence_as(decoder.output_size, flat_out)
        if isinstance(decoder.output_size, BasicDecoderOutput):
            final_outputs = BasicDecoderOutput(*final_outputs)
        try:
            final_outputs, final_state = decoder.finalize(final_outputs, final_state, final_lengths)
        except NotImplementedError:
            pass
        if not output_time_major:
            final_outputs = _map_structure(_transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths
