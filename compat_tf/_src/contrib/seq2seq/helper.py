"""tf.contrib.seq2seq helpers (TF 1.15 helper.py): what a BasicDecoder feeds the cell at each step.

TrainingHelper reads the given (teacher-forced) inputs; GreedyEmbeddingHelper and
SampleEmbeddingHelper feed back the embedding of the argmax / a sample of the previous output
and finish a sequence on `end_token`.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, nn_impl, random_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops.rnn_cell_impl import _flatten, _map_structure

__all__ = ["GreedyEmbeddingHelper", "Helper", "SampleEmbeddingHelper", "TrainingHelper"]


def _g():
    return _graph.get_default_graph()


def _transpose_batch_time(x):
    rank = x.shape.ndims
    if rank is not None and rank < 2:
        return x
    return array_ops.transpose(x, [1, 0] + list(range(2, rank)))


class Helper:
    """Interface: batch_size, sample_ids_shape/dtype, initialize(), sample(), next_inputs()."""

    def initialize(self, name=None):
        raise NotImplementedError

    def sample(self, time, outputs, state, name=None):
        raise NotImplementedError

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        raise NotImplementedError


class TrainingHelper(Helper):
    """Teacher forcing: step t's input is inputs[:, t]; a sequence is finished at its length."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with _g().name_scope(name or "TrainingHelper"):
            inputs = _map_structure(lambda x: _constant.convert_to_tensor(x, name="inputs"), inputs)
            self._batch_major_inputs = inputs
            self._time_major = time_major
            if not time_major:
                inputs = _map_structure(_transpose_batch_time, inputs)
            self._inputs = inputs
            self._sequence_length = _constant.convert_to_tensor(sequence_length, name="sequence_length")
            if self._sequence_length.shape.ndims != 1:
                raise ValueError(f"Expected sequence_length to be a vector, but received shape: "
                                 f"{self._sequence_length.shape}")
            self._zero_inputs = _map_structure(lambda x: array_ops.zeros_like(x[0]), inputs)
            self._batch_size = array_ops.size(self._sequence_length)

    inputs = property(lambda self: self._inputs)
    sequence_length = property(lambda self: self._sequence_length)
    batch_size = property(lambda self: self._batch_size)
    sample_ids_shape = property(lambda self: _ts.TensorShape([]))
    sample_ids_dtype = property(lambda self: _dtypes.int32)

    def _read(self, t):
        return _map_structure(lambda x: x[t], self._inputs)

    def initialize(self, name=None):
        with _g().name_scope(name or "TrainingHelperInitialize"):
            finished = math_ops.equal(0, self._sequence_length)
            all_finished = math_ops.reduce_all(finished)
            next_inputs = control_flow_ops.cond(all_finished, lambda: self._zero_inputs, lambda: self._read(0))
            return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with _g().name_scope(name or "TrainingHelperSample"):
            return math_ops.cast(math_ops.argmax(outputs, axis=-1), _dtypes.int32)

    def next_inputs(self, time, outputs, state, sample_ids=None, name=None, **unused):
        with _g().name_scope(name or "TrainingHelperNextInputs"):
            next_time = time + 1
            finished = next_time >= self._sequence_length
            all_finished = math_ops.reduce_all(finished)
            n = array_ops.shape(_flatten(self._inputs)[0])[0]
            safe = math_ops.minimum(next_time, n - 1)
            next_inputs = control_flow_ops.cond(all_finished, lambda: self._zero_inputs, lambda: self._read(safe))
            return finished, next_inputs, state


class GreedyEmbeddingHelper(Helper):
    """Feeds back embedding(argmax(outputs)); finished when the argmax is end_token."""

    def __init__(self, embedding, start_tokens, end_token):
        if callable(embedding):
            self._embedding_fn = embedding
        else:
            params = _constant.convert_to_tensor(embedding, name="embedding")
            self._embedding_fn = lambda ids: nn_impl.embedding_lookup(params, ids)
        self._start_tokens = _constant.convert_to_tensor(start_tokens, dtype=_dtypes.int32, name="start_tokens")
        self._end_token = _constant.convert_to_tensor(end_token, dtype=_dtypes.int32, name="end_token")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._batch_size = array_ops.size(self._start_tokens)
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._start_inputs = self._embedding_fn(self._start_tokens)

    batch_size = property(lambda self: self._batch_size)
    sample_ids_shape = property(lambda self: _ts.TensorShape([]))
    sample_ids_dtype = property(lambda self: _dtypes.int32)

    def initialize(self, name=None):
        finished = array_ops.tile([False], [self._batch_size])
        return finished, self._start_inputs

    def sample(self, time, outputs, state, name=None):
        del time, state
        if not isinstance(outputs, _graph.Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        return math_ops.cast(math_ops.argmax(outputs, axis=-1), _dtypes.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        del time, outputs
        finished = math_ops.equal(sample_ids, self._end_token)
        all_finished = math_ops.reduce_all(finished)
        next_inputs = control_flow_ops.cond(all_finished, lambda: self._start_inputs,
                                            lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """Feeds back embedding(sample from softmax(outputs / softmax_temperature))."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None, seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        del time, state
        if not isinstance(outputs, _graph.Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        logits = outputs if self._softmax_temperature is None else outputs / self._softmax_temperature
        ids = random_ops.multinomial(logits, 1, seed=self._seed)
        return math_ops.cast(array_ops.reshape(ids, [-1]), _dtypes.int32)
