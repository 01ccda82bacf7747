"""tf.contrib.seq2seq beam search (TF 1.15 contrib/seq2seq/python/ops/beam_search_decoder.py):
tile_batch, BeamSearchDecoder and its state/output tuples, run by dynamic_decode.

The search mirrors TF 1.15 step by step: beam 0 starts with log-prob 0 and the other beams with
-inf (marked finished, so the first step expands beam 0 only); a finished beam only continues with
end_token at no cost (its other tokens get the dtype's lowest value); scores are the total
log-probs divided by TF's length penalty ((5 + length) / 6) ** length_penalty_weight, plus the
coverage penalty on finished beams when coverage_penalty_weight != 0; the next beams are
top_k(scores over beam x vocab) (ties: the lower flat index first, as TF's top_k); cell states,
lengths and accumulated attention follow their parent beams. finalize runs GatherTree with the
longest beam length of each batch entry.

Not provided: TensorArrays in the cell state (TF 1.15 reorders them when reorder_tensor_arrays;
compat_tf's cells never hold one, since AttentionWrapper(alignment_history=True) is not
implemented) raise NotImplementedError.
"""
import collections

import numpy as np

from compat_tf._src.contrib.seq2seq import beam_search_ops
from compat_tf._src.contrib.seq2seq.decoder import Decoder, rnn_output_size
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.keras.engine.base_layer import Layer as _Layer
from compat_tf._src.ops import array_ops, control_flow_ops, gather_ops, math_ops, nn_impl, nn_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops.rnn_cell_impl import _flatten, _map_structure, assert_like_rnncell
from compat_tf._src.ops.tensor_array_ops import TensorArray

__all__ = ["BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState", "FinalBeamSearchDecoderOutput",
           "tile_batch"]


def _g():
    return _graph.get_default_graph()


def _tile_batch(t, multiplier):
    t = _constant.convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    shape_t = array_ops.shape(t)
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    static_batch = t.shape[0].value * multiplier if t.shape[0].value is not None else None
    tiled = array_ops.tile(array_ops.expand_dims(t, 1), tiling)
    tiled = array_ops.reshape(tiled, array_ops.concat(([shape_t[0] * multiplier], shape_t[1:]), 0))
    tiled.set_shape(_ts.TensorShape([static_batch]).concatenate(t.shape[1:]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """[batch, ...] -> [batch * multiplier, ...], each entry repeated (a nested structure mapped)."""
    with _g().name_scope(name or "tile_batch"):
        return _map_structure(lambda x: _tile_batch(x, multiplier), t)


class BeamSearchDecoderState(collections.namedtuple("BeamSearchDecoderState", (
        "cell_state", "log_probs", "finished", "lengths", "accumulated_attention_probs"))):
    pass


class BeamSearchDecoderOutput(collections.namedtuple("BeamSearchDecoderOutput",
                                                     ("scores", "predicted_ids", "parent_ids"))):
    pass


class FinalBeamSearchDecoderOutput(collections.namedtuple("FinalBeamDecoderOutput",
                                                          ["predicted_ids", "beam_search_decoder_output"])):
    """predicted_ids: the GatherTree'd beams; beam_search_decoder_output: the per-step outputs."""


def _static_int(t):
    v = shape_inference.constant_value(t)
    return None if v is None else int(v)


def _depth_shape(s, fallback):
    """A state_size / output_size entry (int, TensorShape, Dimension or size Tensor) as a TensorShape."""
    if s is None:
        return fallback
    if isinstance(s, _graph.Tensor):
        v = shape_inference.constant_value(s)
        return _ts.TensorShape(None if v is None else np.reshape(v, [-1]).tolist())
    return _ts.as_shape(s)


def _check_no_tensor_array(t):
    if isinstance(t, TensorArray):
        raise NotImplementedError("tf.contrib.seq2seq.BeamSearchDecoder with a TensorArray in the cell state "
                                  "(reorder_tensor_arrays) is not implemented by compat_tf")
    if t.shape.ndims is None:
        raise ValueError(f"Expected tensor ({t}) to have known rank, but ndims == None.")


# --- scores --------------------------------------------------------------------------------------

def _length_penalty(sequence_lengths, penalty_factor):
    """((5 + length) / 6) ** penalty_factor (Wu et al. 2016); 1.0 when the factor is a constant 0."""
    penalty_factor = _constant.convert_to_tensor(penalty_factor, name="penalty_factor")
    penalty_factor.set_shape(())
    static = shape_inference.constant_value(penalty_factor)
    if static is not None and static == 0:
        return 1.0
    lengths = math_ops.cast(sequence_lengths, _dtypes.float32)
    return math_ops.pow(5. + lengths, penalty_factor) / math_ops.pow(6., penalty_factor)


def _attention_probs_of(state):
    probs = state.alignments
    if isinstance(probs, tuple):
        probs = math_ops.reduce_mean(array_ops.concat([array_ops.expand_dims(p, -1) for p in probs], -1), -1)
    return probs


def _get_attention_probs(cell_state, coverage_penalty_weight):
    """The (mean over attention mechanisms and layers) alignments of the cell state, or None when the
    coverage penalty is off (TF 1.15's get_attention_probs)."""
    if coverage_penalty_weight == 0.0:
        return None
    from compat_tf._src.contrib.seq2seq.attention_wrapper import AttentionWrapperState
    if isinstance(cell_state, AttentionWrapperState):
        per_layer = [_attention_probs_of(cell_state)]
    elif isinstance(cell_state, tuple):
        per_layer = [_attention_probs_of(s) for s in cell_state if isinstance(s, AttentionWrapperState)]
    else:
        per_layer = []
    if not per_layer:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")
    if len(per_layer) == 1:
        return per_layer[0]
    return math_ops.reduce_mean(array_ops.concat([array_ops.expand_dims(p, -1) for p in per_layer], -1), -1)


def _get_scores(log_probs, sequence_lengths, length_penalty_weight, coverage_penalty_weight, finished,
                accumulated_attention_probs):
    scores = log_probs / math_ops.cast(_length_penalty(sequence_lengths, length_penalty_weight), log_probs.dtype)
    coverage_penalty_weight = _constant.convert_to_tensor(coverage_penalty_weight, name="coverage_penalty_weight")
    if coverage_penalty_weight.shape.ndims != 0:
        raise ValueError(f"coverage_penalty_weight should be a scalar, but saw shape: {coverage_penalty_weight.shape}")
    if shape_inference.constant_value(coverage_penalty_weight) == 0.0:
        return scores
    if accumulated_attention_probs is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty is disabled.")
    # a zero accumulated probability is padding (masked memory): it contributes log(1) = 0
    acc = array_ops.where(math_ops.equal(accumulated_attention_probs, 0.0),
                          array_ops.ones_like(accumulated_attention_probs), accumulated_attention_probs)
    coverage = math_ops.reduce_sum(math_ops.log(math_ops.minimum(acc, 1.0)), 2)
    coverage *= math_ops.cast(finished, coverage.dtype)
    weighted = coverage * math_ops.cast(coverage_penalty_weight, coverage.dtype)
    return scores + array_ops.expand_dims(weighted, 2)


def _mask_probs(probs, eos_token, finished):
    """Finished beams: log-prob 0 for eos_token, the dtype's lowest value for every other token."""
    vocab_size = array_ops.shape(probs)[2]
    finished_row = array_ops.one_hot(eos_token, vocab_size, dtype=probs.dtype,
                                     on_value=_constant.constant(0., dtype=probs.dtype),
                                     off_value=_constant.constant(probs.dtype.min, dtype=probs.dtype))
    finished_probs = array_ops.tile(array_ops.reshape(finished_row, [1, 1, -1]),
                                    array_ops.concat([array_ops.shape(finished)[:2], [1]], 0))
    finished_mask = array_ops.tile(array_ops.expand_dims(finished, 2), [1, 1, vocab_size])
    return array_ops.where(finished_mask, finished_probs, probs)


def _gather_beams(gather_from, beam_ids, static_batch):
    """gather_from[b, beam_ids[b, k], ...] for a [batch, beam, ...] tensor (TF's _tensor_gather_helper)."""
    out = gather_ops.gather(gather_from, beam_ids, axis=1, batch_dims=1)
    out.set_shape(_ts.TensorShape([static_batch]).concatenate(gather_from.shape[1:]))
    return out


def _maybe_gather_beams(gather_from, beam_ids, static_batch):
    _check_no_tensor_array(gather_from)
    return _gather_beams(gather_from, beam_ids, static_batch) if gather_from.shape.ndims >= 2 else gather_from


def _beam_search_step(logits, next_cell_state, beam_state, batch_size, beam_width, end_token,
                      length_penalty_weight, coverage_penalty_weight):
    """One step of TF 1.15's _beam_search_step: (BeamSearchDecoderOutput, BeamSearchDecoderState)."""
    static_batch = _static_int(batch_size)
    prediction_lengths = beam_state.lengths
    previously_finished = beam_state.finished
    not_finished = math_ops.logical_not(previously_finished)

    step_log_probs = _mask_probs(nn_ops.log_softmax(logits), end_token, previously_finished)
    total_probs = array_ops.expand_dims(beam_state.log_probs, 2) + step_log_probs

    vocab_size = logits.shape[-1].value or array_ops.shape(logits)[-1]
    lengths_to_add = array_ops.one_hot(array_ops.fill([batch_size, beam_width], end_token), depth=vocab_size,
                                       on_value=np.int64(0), off_value=np.int64(1), dtype=_dtypes.int64)
    lengths_to_add *= array_ops.expand_dims(math_ops.cast(not_finished, _dtypes.int64), 2)
    new_prediction_lengths = lengths_to_add + array_ops.expand_dims(prediction_lengths, 2)

    accumulated_attention_probs = None
    attention_probs = _get_attention_probs(next_cell_state, coverage_penalty_weight)
    if attention_probs is not None:
        attention_probs *= array_ops.expand_dims(math_ops.cast(not_finished, attention_probs.dtype), 2)
        accumulated_attention_probs = beam_state.accumulated_attention_probs + attention_probs

    scores = _get_scores(total_probs, new_prediction_lengths, length_penalty_weight, coverage_penalty_weight,
                         previously_finished, accumulated_attention_probs)
    scores_flat = array_ops.reshape(scores, [batch_size, -1])
    next_beam_scores, word_indices = nn_ops.top_k(scores_flat, k=beam_width)
    next_beam_scores.set_shape([static_batch, beam_width])
    word_indices.set_shape([static_batch, beam_width])

    next_beam_probs = gather_ops.gather(array_ops.reshape(total_probs, [batch_size, -1]), word_indices, axis=1,
                                        batch_dims=1, name="next_beam_probs")
    next_word_ids = math_ops.cast(math_ops.floormod(word_indices, vocab_size, name="next_beam_word_ids"),
                                  _dtypes.int32)
    next_beam_ids = math_ops.cast(math_ops.floordiv(word_indices, vocab_size), _dtypes.int32,
                                  name="next_beam_parent_ids")

    previously_finished = _gather_beams(previously_finished, next_beam_ids, static_batch)
    next_finished = math_ops.logical_or(previously_finished, math_ops.equal(next_word_ids, end_token),
                                        name="next_beam_finished")
    # finished beams keep their length; the others (including those ending now) grow by one
    next_prediction_len = _gather_beams(beam_state.lengths, next_beam_ids, static_batch)
    next_prediction_len += math_ops.cast(math_ops.logical_not(previously_finished), _dtypes.int64)
    next_accumulated_attention_probs = ()
    if accumulated_attention_probs is not None:
        next_accumulated_attention_probs = _gather_beams(accumulated_attention_probs, next_beam_ids, static_batch)
    next_cell_state = _map_structure(lambda t: _maybe_gather_beams(t, next_beam_ids, static_batch),
                                     next_cell_state)
    next_state = BeamSearchDecoderState(cell_state=next_cell_state, log_probs=next_beam_probs,
                                        lengths=next_prediction_len, finished=next_finished,
                                        accumulated_attention_probs=next_accumulated_attention_probs)
    output = BeamSearchDecoderOutput(scores=next_beam_scores, predicted_ids=next_word_ids, parent_ids=next_beam_ids)
    return output, next_state


# --- the decoder ---------------------------------------------------------------------------------

class BeamSearchDecoder(Decoder):
    """tf.contrib.seq2seq.BeamSearchDecoder: beam search over `cell` (+ output_layer) feeding back
    embedding(ids). `initial_state` is the cell state for batch_size * beam_width rows (tile_batch the
    encoder state and memory); outputs are [batch, time, beam] after dynamic_decode."""

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width, output_layer=None,
                 length_penalty_weight=0.0, coverage_penalty_weight=0.0, reorder_tensor_arrays=True):
        assert_like_rnncell("cell", cell)
        if output_layer is not None and not isinstance(output_layer, _Layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._output_layer = output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            params = embedding
            self._embedding_fn = lambda ids: nn_impl.embedding_lookup(params, ids)
        self._start_tokens = _constant.convert_to_tensor(start_tokens, dtype=_dtypes.int32, name="start_tokens")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = _constant.convert_to_tensor(end_token, dtype=_dtypes.int32, name="end_token")
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = array_ops.size(self._start_tokens)
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight
        self._initial_cell_state = _map_structure(self._maybe_split_batch_beams, initial_state,
                                                  self._cell.state_size)
        self._start_tokens = array_ops.tile(array_ops.expand_dims(self._start_tokens, 1), [1, beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        self._finished = array_ops.one_hot(array_ops.zeros([self._batch_size], dtype=_dtypes.int32),
                                           depth=beam_width, on_value=False, off_value=True, dtype=_dtypes.bool)

    batch_size = property(lambda self: self._batch_size)
    tracks_own_finished = property(lambda self: True)

    @property
    def output_size(self):
        shape = _ts.TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=shape, predicted_ids=shape, parent_ids=shape)

    @property
    def output_dtype(self):
        dtype = _flatten(self._initial_cell_state)[0].dtype.base_dtype
        rnn_size = rnn_output_size(self._cell, self._output_layer)
        return BeamSearchDecoderOutput(scores=_map_structure(lambda _: dtype, rnn_size),
                                       predicted_ids=_dtypes.int32, parent_ids=_dtypes.int32)

    def initialize(self, name=None):
        dtype = _flatten(self._initial_cell_state)[0].dtype.base_dtype
        log_probs = array_ops.one_hot(array_ops.zeros([self._batch_size], dtype=_dtypes.int32),
                                      depth=self._beam_width, on_value=_constant.constant(0.0, dtype=dtype),
                                      off_value=_constant.constant(-np.inf, dtype=dtype), dtype=dtype)
        attention_probs = _get_attention_probs(self._initial_cell_state, self._coverage_penalty_weight)
        state = BeamSearchDecoderState(
            cell_state=self._initial_cell_state, log_probs=log_probs, finished=self._finished,
            lengths=array_ops.zeros([self._batch_size, self._beam_width], dtype=_dtypes.int64),
            accumulated_attention_probs=() if attention_probs is None else attention_probs)
        return self._finished, self._start_inputs, state

    def finalize(self, outputs, final_state, sequence_lengths):
        """predicted_ids = GatherTree over the steps, up to each batch entry's longest beam."""
        del sequence_lengths
        max_sequence_lengths = math_ops.cast(math_ops.reduce_max(final_state.lengths, axis=1), _dtypes.int32)
        predicted_ids = beam_search_ops.gather_tree(outputs.predicted_ids, outputs.parent_ids,
                                                    max_sequence_lengths=max_sequence_lengths,
                                                    end_token=self._end_token)
        return FinalBeamSearchDecoderOutput(beam_search_decoder_output=outputs, predicted_ids=predicted_ids), \
            final_state

    # [batch * beam, ...] <-> [batch, beam, ...]
    def _merge_batch_beams(self, t, s=None):
        s = _depth_shape(s, t.shape[2:])
        static_batch = _static_int(self._batch_size)
        reshaped = array_ops.reshape(t, array_ops.concat(([self._batch_size * self._beam_width],
                                                          array_ops.shape(t)[2:]), 0))
        reshaped.set_shape(_ts.TensorShape([None if static_batch is None else static_batch * self._beam_width])
                           .concatenate(s))
        return reshaped

    def _split_batch_beams(self, t, s=None):
        s = _depth_shape(s, t.shape[1:])
        static_batch = _static_int(self._batch_size)
        expected = _ts.TensorShape([static_batch, self._beam_width]).concatenate(s)
        rows = t.shape[0].value
        if rows is not None and static_batch is not None and rows != static_batch * self._beam_width:
            got = _ts.TensorShape([static_batch, self._beam_width]).concatenate(t.shape[1:]) \
                if rows % max(static_batch * self._beam_width, 1) == 0 else t.shape
            raise ValueError(f"Unexpected behavior when reshaping between beam width and batch size.  The reshaped "
                             f"tensor has shape: {got}.  We expected it to have shape (batch_size, beam_width, "
                             f"depth) == {expected}.  Perhaps you forgot to create a zero_state with "
                             f"batch_size=encoder_batch_size * beam_width?")
        reshaped = array_ops.reshape(t, array_ops.concat(([self._batch_size, self._beam_width],
                                                          array_ops.shape(t)[1:]), 0))
        reshaped.set_shape(expected)
        return reshaped

    def _maybe_split_batch_beams(self, t, s):
        _check_no_tensor_array(t)
        return self._split_batch_beams(t, s) if t.shape.ndims >= 1 else t

    def _maybe_merge_batch_beams(self, t, s):
        _check_no_tensor_array(t)
        return self._merge_batch_beams(t, s) if t.shape.ndims >= 2 else t

    def step(self, time, inputs, state, name=None):
        with _g().name_scope(name or "BeamSearchDecoderStep"):
            inputs = _map_structure(lambda inp: self._merge_batch_beams(inp, s=inp.shape[2:]), inputs)
            cell_state = _map_structure(self._maybe_merge_batch_beams, state.cell_state, self._cell.state_size)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)
            cell_outputs = _map_structure(lambda out: self._split_batch_beams(out, out.shape[1:]), cell_outputs)
            next_cell_state = _map_structure(self._maybe_split_batch_beams, next_cell_state, self._cell.state_size)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            output, beam_state = _beam_search_step(
                logits=cell_outputs, next_cell_state=next_cell_state, beam_state=state,
                batch_size=self._batch_size, beam_width=self._beam_width, end_token=self._end_token,
                length_penalty_weight=self._length_penalty_weight,
                coverage_penalty_weight=self._coverage_penalty_weight)
            finished = beam_state.finished
            sample_ids = output.predicted_ids
            next_inputs = control_flow_ops.cond(math_ops.reduce_all(finished), lambda: self._start_inputs,
                                                lambda: self._embedding_fn(sample_ids))
        return output, beam_state, next_inputs, finished
