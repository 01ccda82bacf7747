"""tf.contrib.legacy_seq2seq (TF 1.15 contrib/legacy_seq2seq/python/ops/seq2seq.py): the static
(list-of-timesteps) seq2seq models of the 2016 translation and char-RNN tutorials.

Provided: rnn_decoder, basic_rnn_seq2seq, tied_rnn_seq2seq, embedding_rnn_decoder,
embedding_rnn_seq2seq (feed_previous a Python bool), sequence_loss_by_example, sequence_loss,
with TF1's variable scopes ("rnn_decoder", "basic_rnn_seq2seq/rnn/...", "embedding_rnn_decoder/
embedding") and losses. The attention models (attention_decoder, embedding_attention_*),
one2many/model_with_buckets and a Tensor feed_previous raise NotImplementedError.
"""
import copy

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops, math_ops, nn_impl, nn_ops, rnn, rnn_cell_impl
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs

__all__ = ["basic_rnn_seq2seq", "embedding_rnn_decoder", "embedding_rnn_seq2seq", "rnn_decoder", "sequence_loss",
           "sequence_loss_by_example", "tied_rnn_seq2seq"]


def _extract_argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """The loop function that feeds back the embedding of the previous output's argmax."""
    def loop_function(prev, _):
        if output_projection is not None:
            prev = nn_ops.xw_plus_b(prev, output_projection[0], output_projection[1])
        prev_symbol = math_ops.argmax(prev, 1)
        emb_prev = nn_impl.embedding_lookup(embedding, prev_symbol)
        if not update_embedding:
            emb_prev = array_ops.stop_gradient(emb_prev)
        return emb_prev
    return loop_function


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """Runs `cell` over the decoder inputs from initial_state; with loop_function, inputs after
    the first come from loop_function(previous output, i). Returns (outputs, state)."""
    with _vs.variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with _vs.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                _vs.get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=_dtypes.float32, scope=None):
    """Encoder static_rnn (a copy of `cell`), its final state starting rnn_decoder."""
    with _vs.variable_scope(scope or "basic_rnn_seq2seq"):
        enc_cell = copy.deepcopy(cell)
        _, enc_state = rnn.static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, enc_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None, dtype=_dtypes.float32, scope=None):
    """basic_rnn_seq2seq with the encoder and decoder sharing the cell's variables."""
    with _vs.variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, enc_state = rnn.static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        _vs.get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, enc_state, cell, loop_function=loop_function, scope=scope)


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size, output_projection=None,
                          feed_previous=False, update_embedding_for_previous=True, scope=None):
    """rnn_decoder over the embeddings ("embedding" [num_symbols, embedding_size]) of int inputs."""
    with _vs.variable_scope(scope or "embedding_rnn_decoder") as sc:
        if output_projection is not None:
            dtype = sc.dtype
            proj_weights = _constant.convert_to_tensor(output_projection[0], dtype=dtype)
            proj_weights.shape.assert_is_compatible_with([None, num_symbols])
            proj_biases = _constant.convert_to_tensor(output_projection[1], dtype=dtype)
            proj_biases.shape.assert_is_compatible_with([num_symbols])
        embedding = _vs.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (_extract_argmax_and_embed(embedding, output_projection, update_embedding_for_previous)
                         if feed_previous else None)
        emb_inp = [nn_impl.embedding_lookup(embedding, i) for i in decoder_inputs]
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                          embedding_size, output_projection=None, feed_previous=False, dtype=None, scope=None):
    """Embedding encoder (EmbeddingWrapper over a copy of the cell) and embedding_rnn_decoder."""
    if not isinstance(feed_previous, bool):
        raise NotImplementedError("tf.contrib.legacy_seq2seq.embedding_rnn_seq2seq with a Tensor feed_previous "
                                  "is not implemented by compat_tf (pass a Python bool)")
    with _vs.variable_scope(scope or "embedding_rnn_seq2seq") as sc:
        if dtype is not None:
            sc.set_dtype(dtype)
        else:
            dtype = sc.dtype
        encoder_cell = rnn_cell_impl.EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                                      embedding_size=embedding_size)
        _, encoder_state = rnn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = rnn_cell_impl.OutputProjectionWrapper(cell, num_decoder_symbols)
        return embedding_rnn_decoder(decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                                     output_projection=output_projection, feed_previous=feed_previous)


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True, softmax_loss_function=None,
                             name=None):
    """Per-example weighted cross entropy summed over the timestep lists (divided by the summed
    weights + 1e-12 when average_across_timesteps)."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError(f"Lengths of logits, weights, and targets must be the same {len(logits)}, {len(weights)}, "
                         f"{len(targets)}.")
    with _graph.get_default_graph().name_scope(name or "sequence_loss_by_example"):
        log_perp_list = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                target = array_ops.reshape(target, [-1])
                crossent = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=target, logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            log_perp_list.append(crossent * weight)
        log_perps = math_ops.add_n(log_perp_list)
        if average_across_timesteps:
            total_size = math_ops.add_n(list(weights)) + 1e-12
            log_perps /= total_size
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True, average_across_batch=True,
                  softmax_loss_function=None, name=None):
    """The sum of sequence_loss_by_example, divided by the batch size when average_across_batch."""
    with _graph.get_default_graph().name_scope(name or "sequence_loss"):
        cost = math_ops.reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            batch_size = array_ops.shape(targets[0])[0]
            return cost / math_ops.cast(batch_size, cost.dtype)
        return cost


