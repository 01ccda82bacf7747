"""tf.contrib.legacy_seq2seq (TF 1.15 contrib/legacy_seq2seq/python/ops/seq2seq.py): the static
(list-of-timesteps) seq2seq models of the 2016 translation and char-RNN tutorials.

All 13 names of TF 1.15's module: rnn_decoder, basic_rnn_seq2seq, tied_rnn_seq2seq,
embedding_rnn_decoder, embedding_rnn_seq2seq, embedding_tied_rnn_seq2seq, attention_decoder,
embedding_attention_decoder, embedding_attention_seq2seq, one2many_rnn_seq2seq,
model_with_buckets, sequence_loss_by_example, sequence_loss, with TF1's variable scopes
("rnn_decoder", "basic_rnn_seq2seq/rnn/...", "embedding_attention_seq2seq/
embedding_attention_decoder/attention_decoder/AttnW_0", ...) so TF1 checkpoints restore.
A scalar bool Tensor feed_previous builds both decoders and picks one with tf.cond, as TF1 does.
"""
import copy

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops, control_flow_ops, math_ops, nn_impl, nn_ops, rnn, rnn_cell_impl
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variable_scope as _vs

__all__ = ["attention_decoder", "basic_rnn_seq2seq", "embedding_attention_decoder", "embedding_attention_seq2seq",
           "embedding_rnn_decoder", "embedding_rnn_seq2seq", "embedding_tied_rnn_seq2seq", "model_with_buckets",
           "one2many_rnn_seq2seq", "rnn_decoder", "sequence_loss", "sequence_loss_by_example", "tied_rnn_seq2seq"]


def _linear(args, output_size, bias):
    """TF1's rnn_cell_impl._linear: concat(args) @ 'kernel' + 'bias' in the current scope."""
    return rnn_cell_impl._Linear(args, output_size, bias)(args)


def _check_projection(output_projection, num_symbols, dtype):
    """TF1's shape checks of an output_projection pair (W [?, num_symbols], B [num_symbols])."""
    proj_weights = _constant.convert_to_tensor(output_projection[0], dtype=dtype)
    proj_weights.shape.assert_is_compatible_with([None, num_symbols])
    proj_biases = _constant.convert_to_tensor(output_projection[1], dtype=dtype)
    proj_biases.shape.assert_is_compatible_with([num_symbols])


def _cond_decoders(feed_previous, build, num_outputs, state_structure):
    """TF1's Tensor feed_previous: both decoders built (the True branch creating the variables,
    the False one reusing them), tf.cond picking one; returns (outputs, state)."""
    def branch(flag):
        with _vs.variable_scope(_vs.get_variable_scope(), reuse=None if flag else True):
            outputs, state = build(flag)
        return list(outputs) + list(rnn_cell_impl._flatten(state))
    both = control_flow_ops.cond(feed_previous, lambda: branch(True), lambda: branch(False))
    outputs, state_list = list(both[:num_outputs]), list(both[num_outputs:])
    if rnn_cell_impl._is_sequence(state_structure):
        return outputs, rnn_cell_impl._pack_sequence_as(state_structure, state_list)
    return outputs, state_list[0]


def _decoders(feed_previous, build, num_outputs, state_structure):
    """build(feed_previous) for a Python bool; for a Tensor, both decoders under tf.cond
    (_cond_decoders). Returns (outputs, state)."""
    if isinstance(feed_previous, bool):
        return build(feed_previous)
    return _cond_decoders(feed_previous, build, num_outputs, state_structure)


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
            _check_projection(output_projection, num_symbols, sc.dtype)
        embedding = _vs.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (_extract_argmax_and_embed(embedding, output_projection, update_embedding_for_previous)
                         if feed_previous else None)
        emb_inp = [nn_impl.embedding_lookup(embedding, i) for i in decoder_inputs]
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                          embedding_size, output_projection=None, feed_previous=False, dtype=None, scope=None):
    """Embedding encoder (EmbeddingWrapper over a copy of the cell) and embedding_rnn_decoder."""
    with _vs.variable_scope(scope or "embedding_rnn_seq2seq", dtype=dtype) as sc:
        dtype = sc.dtype
        encoder_cell = rnn_cell_impl.EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                                      embedding_size=embedding_size)
        _, encoder_state = rnn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = rnn_cell_impl.OutputProjectionWrapper(cell, num_decoder_symbols)

        def build(flag):     # TF1: a Tensor feed_previous does not update the embedding through it
            return embedding_rnn_decoder(decoder_inputs, encoder_state, cell, num_decoder_symbols, embedding_size,
                                         output_projection=output_projection, feed_previous=flag,
                                         update_embedding_for_previous=isinstance(feed_previous, bool))

        return _decoders(feed_previous, build, len(decoder_inputs), encoder_state)

def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols, embedding_size,
                               num_decoder_symbols=None, output_projection=None, feed_previous=False, dtype=None,
                               scope=None):
    """tied_rnn_seq2seq over one shared "embedding" [num_symbols, embedding_size] of the encoder
    and decoder ids; outputs over num_decoder_symbols (default num_symbols) symbols."""
    with _vs.variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as sc:
        dtype = sc.dtype
        if output_projection is not None:
            _check_projection(output_projection, num_symbols, dtype)
        embedding = _vs.get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_encoder_inputs = [nn_impl.embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_decoder_inputs = [nn_impl.embedding_lookup(embedding, x) for x in decoder_inputs]
        if output_projection is None:
            cell = rnn_cell_impl.OutputProjectionWrapper(
                cell, num_decoder_symbols if num_decoder_symbols is not None else num_symbols)

        def build(flag, update_embedding=True):
            loop_function = (_extract_argmax_and_embed(embedding, output_projection, update_embedding)
                             if flag else None)
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell, loop_function=loop_function,
                                    dtype=dtype)

        if isinstance(feed_previous, bool):
            return build(feed_previous)
        batch_size = encoder_inputs[0].shape.as_list()[0] if encoder_inputs[0].shape.ndims else None
        if batch_size is None:
            batch_size = array_ops.shape(encoder_inputs[0])[0]
        return _cond_decoders(feed_previous, lambda flag: build(flag, False), len(decoder_inputs),
                              cell.zero_state(batch_size, dtype))


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None, num_heads=1,
                      loop_function=None, dtype=None, scope=None, initial_state_attention=False):
    """TF1's attention decoder (Vinyals et al. 2014): per step, x = linear([input] + attns)
    ('kernel'/'bias'), the cell on x, then per head a = softmax(V_a . tanh(W_a h_j + U_a state))
    over the encoder states h_j ('AttnW_a' a 1x1 conv, 'AttnV_a', 'Attention_a/kernel|bias'),
    context d_a = sum_j a_j h_j, output = linear([cell_output] + ds) ('AttnOutputProjection/').
    Initial attentions are zeros, or read from initial_state when initial_state_attention."""
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    attention_states = _constant.convert_to_tensor(attention_states)
    attn_dims = attention_states.shape.with_rank(3).as_list()
    if attn_dims[2] is None:
        raise ValueError(f"Shape[2] of attention_states must be known: {attention_states.shape}")
    if output_size is None:
        output_size = cell.output_size
    with _vs.variable_scope(scope or "attention_decoder", dtype=dtype) as sc:
        dtype = sc.dtype
        batch_size = array_ops.shape(decoder_inputs[0])[0]
        attn_length = attn_dims[1] if attn_dims[1] is not None else array_ops.shape(attention_states)[1]
        attn_size = attn_dims[2]
        hidden = array_ops.reshape(attention_states, [-1, attn_length, 1, attn_size])
        attention_vec_size = attn_size
        hidden_features, v = [], []
        for a in range(num_heads):
            k = _vs.get_variable(f"AttnW_{a}", [1, 1, attn_size, attention_vec_size])
            hidden_features.append(nn_ops.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            v.append(_vs.get_variable(f"AttnV_{a}", [attention_vec_size]))

        def attention(query):
            """The heads' context vectors for query (a state, flattened and concatenated)."""
            if rnn_cell_impl._is_sequence(query):
                query = array_ops.concat(rnn_cell_impl._flatten(query), 1)
            ds = []
            for a in range(num_heads):
                with _vs.variable_scope(f"Attention_{a}"):
                    y = array_ops.reshape(_linear(query, attention_vec_size, True), [-1, 1, 1, attention_vec_size])
                    s = math_ops.reduce_sum(v[a] * math_ops.tanh(hidden_features[a] + y), [2, 3])
                    weights = nn_ops.softmax(s)
                    d = math_ops.reduce_sum(array_ops.reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                    ds.append(array_ops.reshape(d, [-1, attn_size]))
            return ds

        state = initial_state
        outputs = []
        prev = None
        batch_attn_size = array_ops.stack([batch_size, attn_size])
        attns = [array_ops.zeros(batch_attn_size, dtype=dtype) for _ in range(num_heads)]
        for at in attns:
            at.set_shape([None, attn_size])
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                _vs.get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with _vs.variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            input_size = inp.shape.with_rank(2).as_list()[1]
            if input_size is None:
                raise ValueError(f"Could not infer input size from input: {inp.name}")
            x = _linear([inp] + attns, input_size, True)
            cell_output, state = cell(x, state)
            if i == 0 and initial_state_attention:
                with _vs.variable_scope(_vs.get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with _vs.variable_scope("AttnOutputProjection"):
                output = _linear([cell_output] + attns, output_size, True)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell, num_symbols, embedding_size,
                                num_heads=1, output_size=None, output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """attention_decoder over the embeddings ("embedding" [num_symbols, embedding_size]) of the
    int decoder inputs; feed_previous (a Python bool) feeds back the embedded argmax."""
    if output_size is None:
        output_size = cell.output_size
    if output_projection is not None:
        proj_biases = _constant.convert_to_tensor(output_projection[1], dtype=dtype)
        proj_biases.shape.assert_is_compatible_with([num_symbols])
    with _vs.variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = _vs.get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (_extract_argmax_and_embed(embedding, output_projection, update_embedding_for_previous)
                         if feed_previous else None)
        emb_inp = [nn_impl.embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(emb_inp, initial_state, attention_states, cell, output_size=output_size,
                                 num_heads=num_heads, loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols, num_decoder_symbols,
                                embedding_size, encoder_cell=None, num_heads=1, output_projection=None,
                                feed_previous=False, dtype=None, scope=None, initial_state_attention=False):
    """The translate-tutorial model: an EmbeddingWrapper encoder (a copy of `cell` unless
    encoder_cell) whose outputs are the attention states of embedding_attention_decoder,
    started from the encoder's final state; without output_projection the decoder cell is
    wrapped in an OutputProjectionWrapper to num_decoder_symbols."""
    with _vs.variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as sc:
        dtype = sc.dtype
        if encoder_cell is None:
            encoder_cell = copy.deepcopy(cell)
        encoder_cell = rnn_cell_impl.EmbeddingWrapper(encoder_cell, embedding_classes=num_encoder_symbols,
                                                      embedding_size=embedding_size)
        encoder_outputs, encoder_state = rnn.static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        top_states = [array_ops.reshape(e, [-1, 1, cell.output_size]) for e in encoder_outputs]
        attention_states = array_ops.concat(top_states, 1)
        output_size = None
        if output_projection is None:
            cell = rnn_cell_impl.OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def build(flag):     # TF1: a Tensor feed_previous does not update the embedding through it
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols, embedding_size,
                num_heads=num_heads, output_size=output_size, output_projection=output_projection,
                feed_previous=flag, update_embedding_for_previous=isinstance(feed_previous, bool),
                initial_state_attention=initial_state_attention)

        return _decoders(feed_previous, build, len(decoder_inputs), encoder_state)


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict, num_encoder_symbols,
                         num_decoder_symbols_dict, embedding_size, feed_previous=False, dtype=None, scope=None):
    """One EmbeddingWrapper encoder, one embedding_rnn_decoder per name (scope
    "one2many_decoder_<name>", its cell wrapped in an OutputProjectionWrapper); returns
    ({name: outputs}, {name: state})."""
    if not isinstance(enc_cell, rnn_cell_impl.RNNCell):
        raise TypeError(f"enc_cell is not an RNNCell: {type(enc_cell)}")
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, rnn_cell_impl.RNNCell):
            raise TypeError(f"dec_cell is not an RNNCell: {type(dec_cell)}")
    outputs_dict, state_dict = {}, {}
    with _vs.variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as sc:
        dtype = sc.dtype
        enc_cell = rnn_cell_impl.EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                                  embedding_size=embedding_size)
        _, encoder_state = rnn.static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with _vs.variable_scope("one2many_decoder_" + str(name)):
                dec_cell = rnn_cell_impl.OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                def build(flag, decoder_inputs=decoder_inputs, dec_cell=dec_cell,
                          num_decoder_symbols=num_decoder_symbols):
                    return embedding_rnn_decoder(decoder_inputs, encoder_state, dec_cell, num_decoder_symbols,
                                                 embedding_size, feed_previous=flag)

                outputs, state = _decoders(feed_previous, build, len(decoder_inputs), encoder_state)
            outputs_dict[name] = outputs
            state_dict[name] = state
    return outputs_dict, state_dict


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


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq, softmax_loss_function=None,
                       per_example_loss=False, name=None):
    """One seq2seq(encoder_inputs[:in], decoder_inputs[:out]) per bucket (in, out), all sharing
    the variables of the first; each bucket's sequence_loss (sequence_loss_by_example when
    per_example_loss) over targets/weights[:out]. Returns (outputs per bucket, losses)."""
    if len(encoder_inputs) < buckets[-1][0]:
        raise ValueError(f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least that of last bucket "
                         f"({buckets[-1][0]}).")
    if len(targets) < buckets[-1][1]:
        raise ValueError(f"Length of targets ({len(targets)}) must be at least that of lastbucket ({buckets[-1][1]}).")
    if len(weights) < buckets[-1][1]:
        raise ValueError(f"Length of weights ({len(weights)}) must be at least that of lastbucket ({buckets[-1][1]}).")
    losses, outputs = [], []
    loss_fn = sequence_loss_by_example if per_example_loss else sequence_loss
    with _graph.get_default_graph().name_scope(name or "model_with_buckets"):
        for j, (enc_len, dec_len) in enumerate(buckets):
            with _vs.variable_scope(_vs.get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:enc_len], decoder_inputs[:dec_len])
                outputs.append(bucket_outputs)
                losses.append(loss_fn(bucket_outputs, targets[:dec_len], weights[:dec_len],
                                      softmax_loss_function=softmax_loss_function))
    return outputs, losses
