"""tf.contrib.seq2seq.BeamSearchDecoder and gather_tree against NumPy re-computations of TF 1.15's beam
search (beam_search_decoder.py) and GatherTree kernel (beam_search_ops.cc)."""
import numpy as np
import pytest

import compat_tf as tf

s2s = tf.contrib.seq2seq
NEG = np.finfo(np.float32).min


# --- NumPy references ------------------------------------------------------------------------------

def np_gather_tree(step_ids, parent_ids, max_sequence_lengths, end_token):
    """TF 1.15's CPU GatherTree kernel, written as its loops."""
    max_time, batch, beam_width = step_ids.shape
    beams = np.full(step_ids.shape, end_token, np.int32)
    for b in range(batch):
        n = min(max_time, int(max_sequence_lengths[b]))
        for k in range(beam_width):
            if n <= 0:
                continue
            beams[n - 1, b, k] = step_ids[n - 1, b, k]
            parent = parent_ids[n - 1, b, k]
            for level in range(n - 2, -1, -1):
                beams[level, b, k] = step_ids[level, b, parent]
                parent = parent_ids[level, b, parent]
            finished = False
            for t in range(n):
                if finished:
                    beams[t, b, k] = end_token
                elif beams[t, b, k] == end_token:
                    finished = True
    return beams


def _log_softmax(x):
    x = x - x.max(-1, keepdims=True)
    return x - np.log(np.exp(x).sum(-1, keepdims=True))


def np_beam_search(step, state, start, end_token, beam_width, max_iter, length_penalty_weight=0.0,
                   coverage_penalty_weight=0.0, memory_len=0):
    """TF 1.15's beam search through dynamic_decode (impute_finished=False), in NumPy float32.

    step(prev_ids [B, K], state, t) -> (logits [B, K, V], new state): state a dict of [B, K, ...] arrays
    (with coverage_penalty_weight, state["align"] is the step's attention alignments [B, K, memory_len]).
    Returns scores, predicted (per step) ids, parent ids (all [B, T, K]), gathered ids and final lengths."""
    batch = len(start)
    log_probs = np.full((batch, beam_width), -np.inf, np.float32)
    log_probs[:, 0] = 0
    finished = np.ones((batch, beam_width), bool)
    finished[:, 0] = False
    lengths = np.zeros((batch, beam_width), np.int64)
    prev = np.repeat(np.asarray(start)[:, None], beam_width, 1)
    rows = np.arange(batch)[:, None]
    acc = np.zeros((batch, beam_width, memory_len), np.float32)
    outs = []
    for t in range(max_iter):
        logits, state = step(prev, state, t)
        vocab = logits.shape[-1]
        lp = _log_softmax(logits.astype(np.float32))
        eos_row = np.full(vocab, NEG, np.float32)
        eos_row[end_token] = 0
        lp = np.where(finished[..., None], eos_row, lp)
        total = (log_probs[..., None] + lp).astype(np.float32)
        new_len = lengths[..., None] + ((np.arange(vocab) != end_token) & ~finished[..., None])
        scores = total
        if length_penalty_weight:
            penalty = ((5. + new_len.astype(np.float32)) ** length_penalty_weight
                       / np.float32(6.) ** length_penalty_weight).astype(np.float32)
            scores = (total / penalty).astype(np.float32)
        if coverage_penalty_weight:
            acc = acc + state["align"] * ~finished[..., None]
            cov = np.log(np.minimum(np.where(acc == 0, 1, acc), 1)).sum(2) * finished
            scores = (scores + (coverage_penalty_weight * cov)[..., None]).astype(np.float32)
        flat = scores.reshape(batch, -1)
        idx = np.argsort(-flat, axis=1, kind="stable")[:, :beam_width]    # top_k: lower index first on ties
        word, parent = idx % vocab, idx // vocab
        log_probs = total.reshape(batch, -1)[rows, idx]
        prev_finished = finished[rows, parent]
        finished = prev_finished | (word == end_token)
        lengths = lengths[rows, parent] + ~prev_finished
        state = {k: v[rows, parent] for k, v in state.items()}
        acc = acc[rows, parent]
        outs.append((flat[rows, idx], word, parent))
        prev = word
        if finished.all():
            break
    scores, ids, parents = (np.stack(x, 1) for x in zip(*outs))
    gathered = np_gather_tree(ids.transpose(1, 0, 2), parents.transpose(1, 0, 2), lengths.max(1), end_token)
    return scores, ids, parents, gathered.transpose(1, 0, 2), lengths


# --- a deterministic cell: logits from fixed tables --------------------------------------------

V = 5


class TableCell(tf.nn.rnn_cell.RNNCell):
    """inputs: one-hot previous token; state (h [V], t [1]); h' = 0.5 h + x;
    logits = x @ TABLE[t] + h' @ MIX (so the state history matters and must follow the beams)."""

    def __init__(self, table, mix):
        super().__init__()
        self._table, self._mix = table, mix

    state_size = property(lambda self: (V, 1))
    output_size = property(lambda self: V)

    def call(self, inputs, state):
        h, t = state
        w = tf.gather(tf.constant(self._table), tf.cast(t[:, 0], tf.int32))
        h = 0.5 * h + inputs
        logits = tf.squeeze(tf.matmul(tf.expand_dims(inputs, 1), w), [1]) + tf.matmul(h, tf.constant(self._mix))
        return logits, (h, t + 1)


def table_step(table, mix):
    def step(prev, state, t):
        x = np.eye(V, dtype=np.float32)[prev]
        h = 0.5 * state["h"] + x
        return np.einsum("bkv,vw->bkw", x, table[t]) + h @ mix, {"h": h}
    return step


def _run_table_search(table, mix, start, end_token, beam_width, max_iter, embedding=None, **kwargs):
    batch = len(start)
    with tf.Graph().as_default():
        cell = TableCell(table, mix)
        init = cell.zero_state(batch * beam_width, tf.float32)
        dec = s2s.BeamSearchDecoder(cell, np.eye(V, dtype=np.float32) if embedding is None else embedding,
                                    tf.constant(start, tf.int32), end_token, init, beam_width, **kwargs)
        out, state, lens = s2s.dynamic_decode(dec, maximum_iterations=max_iter)
        assert isinstance(out, s2s.FinalBeamSearchDecoderOutput)
        assert isinstance(state, s2s.BeamSearchDecoderState)
        assert out.predicted_ids.shape.as_list() == [batch, None, beam_width]
        with tf.Session() as s:
            return s.run([out, state, lens])


def _random_tables(seed, steps):
    rng = np.random.RandomState(seed)
    return rng.randn(steps, V, V).astype(np.float32) * 2, rng.randn(V, V).astype(np.float32) * 0.5


# --- BeamSearchDecoder ---------------------------------------------------------------------------

def test_hand_computed_beams_ties_and_finished_beams():
    # B=1, K=2, end_token 0, start 1; logits are log-probs read by (time, previous token)
    p = np.full((3, V, V), 1e-9, np.float32)
    p[0, 1, :3] = [.1, .6, .3]
    p[1, 1, :3] = [.5, .25, .25]      # beam "1": 1->1 and 1->2 tie at .15: top_k keeps the lower id (1)
    p[1, 2, :3] = [.2, .4, .4]
    p[2, 1, :3] = [.9, .05, .05]
    out, state, _ = _run_table_search(np.log(p), np.zeros((V, V), np.float32), [1], 0, 2, 5)
    bso = out.beam_search_decoder_output
    np.testing.assert_array_equal(bso.predicted_ids[0], [[1, 2], [0, 1], [0, 0]])
    np.testing.assert_array_equal(bso.parent_ids[0], [[0, 0], [0, 0], [0, 1]])
    # the finished beam 0 keeps its score (.6 * .5) and emits end_token; beam 1 ends at .6*.25*.9
    np.testing.assert_allclose(np.exp(bso.scores[0]), [[.6, .3], [.3, .15], [.3, .135]], rtol=1e-5)
    np.testing.assert_array_equal(out.predicted_ids[0], [[1, 1], [0, 1], [0, 0]])
    np.testing.assert_array_equal(state.lengths, [[2, 3]])
    np.testing.assert_array_equal(state.finished, [[True, True]])
    np.testing.assert_allclose(np.exp(state.log_probs), [[.3, .135]], rtol=1e-5)


def test_maximum_iterations_cuts_the_search_and_time_major_outputs():
    p = np.full((3, V, V), 1e-9, np.float32)
    p[0, 1, :3] = [.1, .6, .3]
    p[1, 1, :3] = [.5, .25, .25]
    p[1, 2, :3] = [.2, .4, .4]
    with tf.Graph().as_default():
        cell = TableCell(np.log(p), np.zeros((V, V), np.float32))
        dec = s2s.BeamSearchDecoder(cell, np.eye(V, dtype=np.float32), [1], 0, cell.zero_state(2, tf.float32), 2)
        out, state, lens = s2s.dynamic_decode(dec, output_time_major=True, maximum_iterations=2)
        assert out.predicted_ids.shape.as_list() == [None, 1, 2]
        _, _, lens1 = s2s.dynamic_decode(dec, maximum_iterations=1)
        with tf.Session() as s:
            o, st, ln, ln1 = s.run([out, state, lens, lens1])
    np.testing.assert_array_equal(o.beam_search_decoder_output.predicted_ids[:, 0], [[1, 2], [0, 1]])
    np.testing.assert_array_equal(o.predicted_ids[:, 0], [[1, 1], [0, 1]])
    np.testing.assert_array_equal(st.finished, [[True, False]])
    np.testing.assert_array_equal(st.lengths, [[2, 2]])
    # dynamic_decode's own lengths count the steps each beam slot ran unfinished; slot 1 starts finished
    np.testing.assert_array_equal(ln, [[2, 2]])
    np.testing.assert_array_equal(ln1, [[1, 0]])


@pytest.mark.parametrize("length_penalty_weight", [0.0, 1.0])
def test_matches_numpy_beam_search(length_penalty_weight):
    table, mix = _random_tables(0, 7)
    start, end_token, k, max_iter = [1, 3, 2], 4, 3, 7
    out, state, lens = _run_table_search(table, mix, start, end_token, k, max_iter,
                                         length_penalty_weight=length_penalty_weight)
    scores, ids, parents, gathered, lengths = np_beam_search(
        table_step(table, mix), {"h": np.zeros((3, k, V), np.float32)}, start, end_token, k, max_iter,
        length_penalty_weight)
    bso = out.beam_search_decoder_output
    np.testing.assert_array_equal(bso.predicted_ids, ids)
    np.testing.assert_array_equal(bso.parent_ids, parents)
    np.testing.assert_allclose(bso.scores, scores, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(out.predicted_ids, gathered)
    np.testing.assert_array_equal(state.lengths, lengths)
    np.testing.assert_allclose(state.cell_state[1][..., 0], np.full((3, k), ids.shape[1]), atol=0)
    assert lens.shape == (3, k)


def test_length_penalty_changes_the_winner():
    # a long sequence of likely tokens vs an early stop: the penalty favours the longer one
    p = np.full((6, V, V), 1e-9, np.float32)
    p[0, 1, :2] = [.45, .55]
    for t in range(1, 6):
        p[t, 1, :2] = [.3, .7]
    runs = {w: _run_table_search(np.log(p), np.zeros((V, V), np.float32), [1], 0, 2, 6,
                                 length_penalty_weight=w)[0] for w in (0.0, 2.0)}
    for w, out in runs.items():
        ref = np_beam_search(table_step(np.log(p), np.zeros((V, V), np.float32)),
                             {"h": np.zeros((1, 2, V), np.float32)}, [1], 0, 2, 6, w)
        np.testing.assert_array_equal(out.predicted_ids, ref[3])
        np.testing.assert_allclose(out.beam_search_decoder_output.scores, ref[0], rtol=1e-5)
    assert runs[0.0].predicted_ids[0, 0, 0] == 0          # unpenalised: stopping at once (.45) wins
    assert runs[2.0].predicted_ids[0, 0, 0] == 1


def test_embedding_fn_and_beam_wider_than_vocab_first_step():
    table, mix = _random_tables(1, 4)
    start, k = [2, 0], 7        # k > V: the first step also keeps -inf candidates of the empty beams
    out, _, _ = _run_table_search(table, mix, start, 3, k, 4, embedding=lambda ids: tf.one_hot(ids, V))
    scores, ids, parents, gathered, _ = np_beam_search(table_step(table, mix), {"h": np.zeros((2, k, V))},
                                                       start, 3, k, 4)
    np.testing.assert_array_equal(out.beam_search_decoder_output.predicted_ids, ids)
    np.testing.assert_array_equal(out.beam_search_decoder_output.parent_ids, parents)
    assert np.isneginf(out.beam_search_decoder_output.scores[:, 0, V:]).all()
    np.testing.assert_array_equal(out.predicted_ids, gathered)


def test_output_layer_variable_names_and_values():
    table, mix = _random_tables(2, 5)
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        cell = TableCell(table, mix)
        dec = s2s.BeamSearchDecoder(cell, np.eye(V, dtype=np.float32), tf.fill([2], 1), 0,
                                    cell.zero_state(2 * 3, tf.float32), 3, output_layer=tf.layers.Dense(V))
        out, _, _ = s2s.dynamic_decode(dec, maximum_iterations=5)
        assert [v.op.name for v in tf.global_variables()] == ["decoder/dense/kernel", "decoder/dense/bias"]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            s.run(tf.global_variables()[1].assign(tf.random_normal([V])))
            o, (kernel, bias) = s.run([out, tf.global_variables()])

    def step(prev, state, t):
        logits, state = table_step(table, mix)(prev, state, t)
        return logits @ kernel + bias, state
    scores, ids, _, gathered, _ = np_beam_search(step, {"h": np.zeros((2, 3, V), np.float32)}, [1, 1], 0, 3, 5)
    np.testing.assert_array_equal(o.beam_search_decoder_output.predicted_ids, ids)
    np.testing.assert_allclose(o.beam_search_decoder_output.scores, scores, rtol=1e-4, atol=1e-5)
    np.testing.assert_array_equal(o.predicted_ids, gathered)


def test_nmt_inference_graph_with_tiled_attention_memory():
    """The NMT tutorial's inference graph; each returned beam's score equals the teacher-forced
    log-probability of its ids under the same (tiled) model, and beams come best first."""
    batch, src_len, units, vocab, k, sos, eos, max_iter = 2, 4, 6, 7, 3, 1, 2, 6
    rng = np.random.RandomState(3)
    with tf.Graph().as_default():
        tf.set_random_seed(5)
        memory = tf.placeholder(tf.float32, [None, None, units])      # batch and source length fed
        src_lens = tf.placeholder(tf.int32, [None])
        enc_state = tf.nn.rnn_cell.LSTMStateTuple(tf.placeholder(tf.float32, [None, units]),
                                                  tf.placeholder(tf.float32, [None, units]))
        feed = {memory: rng.randn(batch, src_len, units), src_lens: [4, 2], enc_state.c: rng.randn(batch, units),
                enc_state.h: rng.randn(batch, units)}
        n = tf.shape(memory)[0]
        emb = tf.get_variable("embedding_decoder", [vocab, units])
        with tf.variable_scope("decoder") as scope:
            mech = s2s.LuongAttention(units, s2s.tile_batch(memory, k),
                                      memory_sequence_length=s2s.tile_batch(src_lens, k))
            cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicLSTMCell(units), mech, attention_layer_size=units,
                                        name="attention")
            init = cell.zero_state(n * k, tf.float32).clone(cell_state=s2s.tile_batch(enc_state, k))
            proj = tf.layers.Dense(vocab, use_bias=False, name="output_projection")
            dec = s2s.BeamSearchDecoder(cell, emb, tf.fill([n], sos), eos, init, k, output_layer=proj)
            out, final_state, _ = s2s.dynamic_decode(dec, maximum_iterations=max_iter, scope=scope)
        names = sorted(v.op.name for v in tf.global_variables())
        assert names == sorted(["embedding_decoder", "decoder/memory_layer/kernel",
                                "decoder/attention/basic_lstm_cell/kernel", "decoder/attention/basic_lstm_cell/bias",
                                "decoder/attention/attention_layer/kernel", "decoder/output_projection/kernel"])
        # teacher forcing the found beams through the same cell (rows b*k + j = beam j of entry b)
        ids_in = tf.placeholder(tf.int32, [None, None])
        state, prev, logps = init, tf.fill([n * k], sos), []
        for t in range(max_iter):
            o, state = cell(tf.nn.embedding_lookup(emb, prev), state)
            logps.append(tf.nn.log_softmax(proj(o)))
            prev = ids_in[:, t]
        assert len(tf.global_variables()) == len(names)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            o, fs = s.run([out, final_state], feed)
            assert o.predicted_ids.shape[0] == batch and o.predicted_ids.shape[2] == k
            ids = o.predicted_ids                                           # [batch, T, k]
            flat = ids.transpose(0, 2, 1).reshape(batch * k, -1)
            pad = np.pad(flat, [(0, 0), (0, max_iter - flat.shape[1])], constant_values=eos)
            lp = np.stack(s.run(logps, {ids_in: pad, **feed}), 1)                  # [batch*k, max_iter, vocab]
    lengths = fs.lengths.reshape(-1)
    want = np.array([lp[r, np.arange(n), pad[r, :n]].sum() for r, n in enumerate(lengths)])
    final_scores = o.beam_search_decoder_output.scores[:, -1, :].reshape(-1)
    np.testing.assert_allclose(final_scores, want, rtol=1e-4, atol=1e-4)
    assert (np.diff(o.beam_search_decoder_output.scores[:, -1, :], axis=1) <= 0).all()
    for r, n in enumerate(lengths):             # a beam's ids end with its first end_token, then end_token
        row = pad[r]
        assert (row[:n - 1] != eos).all() and (row[n:] == eos).all()


class AttentionTableCell(TableCell):
    """TableCell whose state is an AttentionWrapperState: alignments = softmax(x @ ALIGN) * MASK (the last
    memory position masked to exactly 0, like padding)."""

    def __init__(self, table, mix, align):
        super().__init__(table, mix)
        self._align = align

    @property
    def state_size(self):
        return s2s.AttentionWrapperState(cell_state=(V, 1), attention=1, time=tf.TensorShape([]),
                                         alignments=S, alignment_history=(), attention_state=S)

    def zero_state(self, batch_size, dtype):
        z = super().zero_state(batch_size, dtype)
        return s2s.AttentionWrapperState(cell_state=(z.cell_state[0], z.cell_state[1]), attention=z.attention,
                                         time=tf.zeros([], tf.int32), alignments=z.alignments,
                                         alignment_history=(), attention_state=z.attention_state)

    def call(self, inputs, state):
        logits, cell_state = super().call(inputs, state.cell_state)
        align = tf.nn.softmax(tf.matmul(inputs, tf.constant(self._align))) * tf.constant([1.] * (S - 1) + [0.])
        return logits, state._replace(cell_state=cell_state, time=state.time + 1, alignments=align,
                                      attention_state=align)


S = 4


def test_coverage_penalty_matches_numpy():
    table, mix = _random_tables(4, 6)
    align = np.random.RandomState(5).randn(V, S).astype(np.float32) * 2
    start, k, end_token, max_iter, w = [1, 4], 3, 0, 6, 0.7

    def step(prev, state, t):
        logits, new = table_step(table, mix)(prev, state, t)
        x = np.eye(V, dtype=np.float32)[prev]
        e = np.exp(x @ align - (x @ align).max(-1, keepdims=True))
        new["align"] = e / e.sum(-1, keepdims=True) * np.array([1.] * (S - 1) + [0.], np.float32)
        return logits, new
    ref = np_beam_search(step, {"h": np.zeros((2, k, V), np.float32), "align": np.zeros((2, k, S), np.float32)},
                         start, end_token, k, max_iter, coverage_penalty_weight=w, memory_len=S)
    plain = np_beam_search(step, {"h": np.zeros((2, k, V), np.float32), "align": np.zeros((2, k, S), np.float32)},
                           start, end_token, k, max_iter)
    assert not np.allclose(ref[0], plain[0])             # the penalty matters for these tables
    with tf.Graph().as_default():
        cell = AttentionTableCell(table, mix, align)
        dec = s2s.BeamSearchDecoder(cell, np.eye(V, dtype=np.float32), start, end_token,
                                    cell.zero_state(2 * k, tf.float32), k, coverage_penalty_weight=w)
        out, state, _ = s2s.dynamic_decode(dec, maximum_iterations=max_iter)
        with tf.Session() as s:
            o, st = s.run([out, state])
    np.testing.assert_array_equal(o.beam_search_decoder_output.predicted_ids, ref[1])
    np.testing.assert_array_equal(o.beam_search_decoder_output.parent_ids, ref[2])
    np.testing.assert_allclose(o.beam_search_decoder_output.scores, ref[0], rtol=1e-5, atol=1e-5)
    assert st.accumulated_attention_probs.shape == (2, k, S)
    assert (st.accumulated_attention_probs[..., -1] == 0).all()


def test_impute_finished_is_rejected_as_in_tf1():
    table, mix = _random_tables(0, 3)
    with tf.Graph().as_default():
        cell = TableCell(table, mix)
        dec = s2s.BeamSearchDecoder(cell, np.eye(V, dtype=np.float32), [1], 0, cell.zero_state(2, tf.float32), 2)
        with pytest.raises(ValueError, match="rank"):      # TF1: Select of a [batch, beam] condition
            s2s.dynamic_decode(dec, impute_finished=True, maximum_iterations=3)


def test_bad_arguments():
    table, mix = _random_tables(0, 3)
    with tf.Graph().as_default():
        cell = TableCell(table, mix)
        emb = np.eye(V, dtype=np.float32)
        with pytest.raises(ValueError, match="zero_state with batch_size=encoder_batch_size"):
            s2s.BeamSearchDecoder(cell, emb, [1, 2], 0, cell.zero_state(2, tf.float32), 3)
        with pytest.raises(ValueError, match="start_tokens must be a vector"):
            s2s.BeamSearchDecoder(cell, emb, 1, 0, cell.zero_state(3, tf.float32), 3)
        with pytest.raises(ValueError, match="end_token must be a scalar"):
            s2s.BeamSearchDecoder(cell, emb, [1], [0], cell.zero_state(3, tf.float32), 3)
        with pytest.raises(TypeError, match="output_layer must be a Layer"):
            s2s.BeamSearchDecoder(cell, emb, [1], 0, cell.zero_state(3, tf.float32), 3, output_layer=lambda x: x)
        with pytest.raises(ValueError, match="no cell is attentional"):
            s2s.BeamSearchDecoder(cell, emb, [1], 0, cell.zero_state(3, tf.float32), 3,
                                  coverage_penalty_weight=0.5).initialize()


# --- gather_tree ---------------------------------------------------------------------------------

def test_gather_tree_matches_numpy_backtracking():
    rng = np.random.RandomState(0)
    max_time, batch, k, end_token = 6, 4, 3, 2
    step_ids = rng.randint(0, 5, (max_time, batch, k)).astype(np.int32)
    parent_ids = rng.randint(0, k, (max_time, batch, k)).astype(np.int32)
    lengths = np.array([6, 3, 0, 9], np.int32)         # 0: all end_token; 9 > max_time: capped
    with tf.Graph().as_default():
        out = s2s.gather_tree(step_ids, parent_ids, lengths, end_token)
        assert out.op.type == "GatherTree" and out.dtype == tf.int32 and out.shape.as_list() == [6, 4, 3]
        with tf.Session() as s:
            got = s.run(out)
    want = np_gather_tree(step_ids, parent_ids, lengths, end_token)
    np.testing.assert_array_equal(got, want)
    assert (got[:, 2] == end_token).all() and (got[3:, 1] == end_token).all()


def test_gather_tree_known_values_and_end_token_handling():
    # TF's documented example: beams traced back through their parents
    step_ids = np.array([[[1, 2, 3]], [[4, 5, 6]], [[7, 8, 9]]], np.int32)
    parent_ids = np.array([[[0, 0, 0]], [[0, 1, 1]], [[2, 1, 2]]], np.int32)
    with tf.Graph().as_default():
        out = s2s.gather_tree(step_ids, parent_ids, [3], 10)
        cut = s2s.gather_tree(step_ids, parent_ids, [3], 5)           # a 5 inside a beam ends it
        with tf.Session() as s:
            got, got_cut = s.run([out, cut])
    np.testing.assert_array_equal(got[:, 0], [[2, 2, 2], [6, 5, 6], [7, 8, 9]])
    np.testing.assert_array_equal(got_cut[:, 0], [[2, 2, 2], [6, 5, 6], [7, 5, 9]])


def test_gather_tree_errors_and_graph_def_round_trip():
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int32, [None, None, 2])
        parents = tf.placeholder(tf.int32, [None, None, 2])
        lens = tf.placeholder(tf.int32, [None])
        out = s2s.gather_tree(ids, parents, lens, 0, name="beams")
        with tf.Session() as s:
            with pytest.raises(tf.errors.InvalidArgumentError, match="Saw invalid parent id 7"):
                s.run(out, {ids: np.ones((2, 1, 2)), parents: np.full((2, 1, 2), 7), lens: [2]})
            with pytest.raises(tf.errors.InvalidArgumentError, match="batch size dimensions"):
                s.run(out, {ids: np.ones((2, 1, 2)), parents: np.zeros((2, 1, 2)), lens: [2, 2]})
        gd = tf.get_default_graph().as_graph_def()
    node = next(n for n in gd.node if n.name == "beams")
    assert node.op == "GatherTree" and node.attr["T"].type == tf.int32.as_datatype_enum
    step_ids = np.array([[[1, 2]], [[3, 4]]], np.int32)
    parent_ids = np.array([[[0, 0]], [[1, 0]]], np.int32)
    with tf.Graph().as_default():
        (beams,) = tf.import_graph_def(gd, return_elements=["beams:0"], name="")
        with tf.Session() as s:
            got = s.run(beams, {"Placeholder:0": step_ids, "Placeholder_1:0": parent_ids, "Placeholder_2:0": [2]})
    np.testing.assert_array_equal(got[:, 0], [[2, 1], [3, 4]])
    with tf.Graph().as_default():
        with pytest.raises(ValueError):
            s2s.gather_tree(np.zeros((2, 3), np.int32), np.zeros((2, 3), np.int32), [3], 0)
