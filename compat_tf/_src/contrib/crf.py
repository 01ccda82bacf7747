"""tf.contrib.crf (TF 1.15 contrib/crf/python/ops/crf.py): linear-chain CRF scores, the log
partition function (forward algorithm, a dynamic_rnn of CrfForwardRnnCell), log-likelihood with a
"transitions" variable, and Viterbi decoding (NumPy viterbi_decode; crf_decode in the graph).

crf_decode runs the Viterbi recursion on the host (no gradient, as TF1's has none); positions
past a sequence's length decode to tag 0.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import array_ops, gather_ops, math_ops, rnn
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.ops._op_util import make_op
from compat_tf._src.ops.rnn_cell_impl import RNNCell

__all__ = ["CrfForwardRnnCell", "crf_binary_score", "crf_decode", "crf_log_likelihood", "crf_log_norm",
           "crf_sequence_score", "crf_unary_score", "viterbi_decode"]


def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """sum_t inputs[b, t, tag[b, t]] over the valid steps."""
    inputs = _constant.convert_to_tensor(inputs)
    tag_indices = math_ops.cast(tag_indices, _dtypes.int32)
    num_tags = inputs.shape[2].value if inputs.shape[2].value is not None else array_ops.shape(inputs)[2]
    scores = math_ops.reduce_sum(inputs * array_ops.one_hot(tag_indices, num_tags, dtype=inputs.dtype), -1)
    masks = array_ops.sequence_mask(sequence_lengths, maxlen=array_ops.shape(tag_indices)[1], dtype=inputs.dtype)
    return math_ops.reduce_sum(scores * masks, 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """sum_t transitions[tag[t-1], tag[t]] over the valid transitions."""
    tag_indices = math_ops.cast(tag_indices, _dtypes.int32)
    num_tags = transition_params.shape[0].value
    start, end = tag_indices[:, :-1], tag_indices[:, 1:]
    flat = gather_ops.gather(array_ops.reshape(transition_params, [-1]), start * num_tags + end)
    masks = array_ops.sequence_mask(sequence_lengths, maxlen=array_ops.shape(tag_indices)[1],
                                    dtype=transition_params.dtype)
    return math_ops.reduce_sum(flat * masks[:, 1:], 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """Unary + binary score of the given tag sequences (0 for empty sequences)."""
    inputs = _constant.convert_to_tensor(inputs)
    if inputs.shape[1].value == 1:
        scores = crf_unary_score(tag_indices, sequence_lengths, inputs)
    else:
        scores = crf_unary_score(tag_indices, sequence_lengths, inputs) + \
            crf_binary_score(tag_indices, sequence_lengths, transition_params)
    return array_ops.where(math_ops.less_equal(sequence_lengths, 0), array_ops.zeros_like(scores), scores)


class CrfForwardRnnCell(RNNCell):
    """alpha_t = inputs_t + logsumexp(alpha_{t-1}[:, :, None] + transitions, axis 1)."""

    def __init__(self, transition_params):
        super().__init__()
        self._transition_params = array_ops.expand_dims(transition_params, 0)
        self._num_tags = transition_params.shape[0].value

    state_size = property(lambda self: self._num_tags)
    output_size = property(lambda self: self._num_tags)

    def __call__(self, inputs, state, scope=None):
        scores = array_ops.expand_dims(state, 2) + self._transition_params
        new_alphas = inputs + math_ops.reduce_logsumexp(scores, [1])
        return new_alphas, new_alphas


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """log Z: the forward algorithm over the valid steps (0 for empty sequences)."""
    inputs = _constant.convert_to_tensor(inputs)
    first = inputs[:, 0, :]
    if inputs.shape[1].value == 1:
        log_norm = math_ops.reduce_logsumexp(first, [1])
    else:
        sequence_lengths = _constant.convert_to_tensor(sequence_lengths)
        lengths_less_one = math_ops.maximum(array_ops.zeros_like(sequence_lengths), sequence_lengths - 1)
        _, alphas = rnn.dynamic_rnn(CrfForwardRnnCell(transition_params), inputs[:, 1:, :],
                                    sequence_length=lengths_less_one, initial_state=first, dtype=inputs.dtype)
        log_norm = math_ops.reduce_logsumexp(alphas, [1])
    return array_ops.where(math_ops.less_equal(sequence_lengths, 0), array_ops.zeros_like(log_norm), log_norm)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """(log-likelihood of the tag sequences, transition_params): a new "transitions" variable
    [num_tags, num_tags] when none is given."""
    inputs = _constant.convert_to_tensor(inputs)
    sequence_lengths = _constant.convert_to_tensor(sequence_lengths)
    num_tags = inputs.shape[2].value
    if transition_params is None:
        transition_params = _vs.get_variable("transitions", [num_tags, num_tags])
    trans = _constant.convert_to_tensor(transition_params)
    scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, trans)
    return scores - crf_log_norm(inputs, sequence_lengths, trans), transition_params


def viterbi_decode(score, transition_params):
    """(best tag sequence, its score) of one [seq_len, num_tags] score matrix (NumPy)."""
    score = np.asarray(score)
    transition_params = np.asarray(transition_params)
    trellis = np.zeros_like(score)
    backpointers = np.zeros_like(score, dtype=np.int32)
    trellis[0] = score[0]
    for t in range(1, score.shape[0]):
        v = np.expand_dims(trellis[t - 1], 1) + transition_params
        trellis[t] = score[t] + np.max(v, 0)
        backpointers[t] = np.argmax(v, 0)
    viterbi = [int(np.argmax(trellis[-1]))]
    for bp in reversed(backpointers[1:]):
        viterbi.append(int(bp[viterbi[-1]]))
    viterbi.reverse()
    return viterbi, np.max(trellis[-1])


def _crf_decode_shape(op):
    p = op.inputs[0].shape
    return [(p[:2] if p.ndims else _ts.unknown_shape(2), _dtypes.int32),
            (p[:1] if p.ndims else _ts.unknown_shape(1), op.inputs[0].dtype.base_dtype)]


@register_op("_CrfDecode", num_outputs=2, shape=_crf_decode_shape, host=True, differentiable=False)
def _crf_decode(ctx, potentials, transition_params, sequence_length):
    potentials = np.asarray(potentials)
    lengths = np.asarray(sequence_length).reshape(-1)
    b, t, _ = potentials.shape
    tags = np.zeros((b, t), np.int32)
    best = np.zeros((b,), potentials.dtype)
    for i in range(b):
        n = int(min(max(lengths[i], 0), t))
        if n == 0:
            continue
        seq, score = viterbi_decode(potentials[i, :n], transition_params)
        tags[i, :n] = seq
        best[i] = score
    return tags, best


def crf_decode(potentials, transition_params, sequence_length):
    """(decode_tags [batch, max_seq_len] int32, best_score [batch]) by Viterbi in the graph."""
    potentials = _constant.convert_to_tensor(potentials, name="potentials")
    op = make_op("_CrfDecode", [potentials, _constant.convert_to_tensor(transition_params, potentials.dtype),
                                _constant.convert_to_tensor(sequence_length)], name="crf_decode")
    return op.outputs[0], op.outputs[1]
