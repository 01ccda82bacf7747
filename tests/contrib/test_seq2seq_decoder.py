"""tf.contrib.seq2seq decoders and attention against NumPy re-computations of TF 1.15's formulas."""
import numpy as np
import pytest

import compat_tf as tf

s2s = tf.contrib.seq2seq
B, T, D, H, V = 2, 5, 3, 4, 6


def _rnn_step(x, h, k, b):
    return np.tanh(np.concatenate([x, h], -1) @ k + b)


def _values(sess, names):
    by_name = {v.op.name: v for v in tf.global_variables()}
    return sess.run([by_name[n] for n in names])


def test_training_helper_decode_values_names_and_gradients():
    rng = np.random.RandomState(0)
    xv = rng.rand(B, T, D).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None, D])
        lens = tf.placeholder(tf.int32, [None])
        cell = tf.nn.rnn_cell.BasicRNNCell(H)
        dec = s2s.BasicDecoder(cell, s2s.TrainingHelper(x, lens), cell.zero_state(tf.shape(x)[0], tf.float32),
                               output_layer=tf.layers.Dense(V))
        out, state, seq_len = s2s.dynamic_decode(dec)
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["decoder/basic_rnn_cell/kernel", "decoder/basic_rnn_cell/bias", "decoder/dense/kernel",
                         "decoder/dense/bias"]
        grads = tf.gradients(tf.reduce_sum(out.rnn_output), tf.trainable_variables())
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            o, st, sl, gv = s.run([out, state, seq_len, grads], {x: xv, lens: [5, 3]})
            k, b, ko, bo = _values(s, names)
    h = np.zeros((B, H), np.float32)
    logits = []
    for t in range(T):
        h = _rnn_step(xv[:, t], h, k, b)
        logits.append(h @ ko + bo)
    logits = np.stack(logits, 1)
    np.testing.assert_allclose(o.rnn_output, logits, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(o.sample_id, logits.argmax(-1))
    np.testing.assert_allclose(st, h, rtol=1e-5, atol=1e-6)       # impute_finished=False: all steps run
    np.testing.assert_array_equal(sl, [5, 3])
    assert all(np.abs(g).sum() > 0 for g in gv)


def _greedy_reference(k, b, ko, bo, emb, start, end_token, max_iter):
    h = np.zeros((B, H), np.float32)
    inp = emb[start]
    finished = np.zeros(B, bool)
    lengths = np.zeros(B, np.int32)
    ids = []
    for t in range(max_iter):
        h = _rnn_step(inp, h, k, b)
        sample = (h @ ko + bo).argmax(-1)
        ids.append(sample)
        lengths = np.where(~finished, t + 1, lengths)
        finished = finished | (sample == end_token) | (t + 1 >= max_iter)
        inp = emb[start] if finished.all() else emb[sample]
        if finished.all():
            break
    return np.stack(ids, 1), lengths


@pytest.mark.parametrize("forced_end", [False, True])
def test_greedy_embedding_decode(forced_end):
    with tf.Graph().as_default():
        tf.set_random_seed(3)
        emb = tf.get_variable("emb", [V, D])
        cell = tf.nn.rnn_cell.BasicRNNCell(H)
        bias_init = tf.constant_initializer([0, 0, 50.0, 0, 0, 0]) if forced_end else tf.zeros_initializer()
        layer = tf.layers.Dense(V, bias_initializer=bias_init)
        helper = s2s.GreedyEmbeddingHelper(emb, tf.fill([B], 1), 2)
        dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32), output_layer=layer)
        out, _, seq_len = s2s.dynamic_decode(dec, maximum_iterations=7)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            o, sl = s.run([out, seq_len])
            ev, k, b, ko, bo = _values(s, ["emb", "decoder/basic_rnn_cell/kernel", "decoder/basic_rnn_cell/bias",
                                           "decoder/dense/kernel", "decoder/dense/bias"])
    ids, lengths = _greedy_reference(k, b, ko, bo, ev, np.ones(B, int), 2, 7)
    np.testing.assert_array_equal(o.sample_id, ids)               # the loop's steps only (cut to the final time)
    np.testing.assert_array_equal(sl, lengths)
    assert o.rnn_output.shape == (B, ids.shape[1], V)
    if forced_end:
        assert ids.shape[1] == 1 and list(sl) == [1, 1]


def test_dynamic_decode_needs_static_bound_for_inference():
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.BasicRNNCell(H)
        helper = s2s.GreedyEmbeddingHelper(tf.zeros([V, D]), tf.fill([B], 1), 2)
        dec = s2s.BasicDecoder(cell, helper, cell.zero_state(B, tf.float32))
        with pytest.raises(NotImplementedError, match="maximum_iterations as a Python int"):
            s2s.dynamic_decode(dec, maximum_iterations=tf.placeholder(tf.int32, []))
        with pytest.raises(TypeError, match="Expected decoder to be type Decoder"):
            s2s.dynamic_decode(cell)


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


@pytest.mark.parametrize("kind", ["luong", "bahdanau"])
def test_attention_wrapper_step(kind):
    rng = np.random.RandomState(1)
    mem = rng.rand(B, 4, 5).astype(np.float32)
    xv = rng.rand(B, D).astype(np.float32)
    with tf.Graph().as_default():
        memory = tf.constant(mem)
        if kind == "luong":
            mech = s2s.LuongAttention(H, memory, memory_sequence_length=[4, 2], scale=True)
        else:
            mech = s2s.BahdanauAttention(H, memory, memory_sequence_length=[4, 2], normalize=False)
        cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(H), mech, attention_layer_size=3)
        state0 = cell.zero_state(B, tf.float32)
        out, state1 = cell(tf.constant(xv), state0)
        names = sorted(v.op.name for v in tf.global_variables())
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            o, st = s.run([out, state1])
            vals = dict(zip(names, _values(s, names)))
    aw = "attention_wrapper/"
    expected_names = {"luong": [aw + "attention_layer/kernel", aw + "basic_rnn_cell/bias", aw + "basic_rnn_cell/kernel",
                                aw + "luong_attention/attention_g", "memory_layer/kernel"],
                      "bahdanau": [aw + "attention_layer/kernel", aw + "bahdanau_attention/attention_v",
                                   aw + "bahdanau_attention/query_layer/kernel", aw + "basic_rnn_cell/bias",
                                   aw + "basic_rnn_cell/kernel", "memory_layer/kernel"]}[kind]
    assert names == expected_names
    keys = mem @ vals["memory_layer/kernel"]
    h = _rnn_step(np.concatenate([xv, np.zeros((B, 3), np.float32)], 1), np.zeros((B, H), np.float32),
                  vals["attention_wrapper/basic_rnn_cell/kernel"], vals["attention_wrapper/basic_rnn_cell/bias"])
    if kind == "luong":
        score = vals["attention_wrapper/luong_attention/attention_g"] * np.einsum("bh,bth->bt", h, keys)
    else:
        q = h @ vals["attention_wrapper/bahdanau_attention/query_layer/kernel"]
        score = (vals["attention_wrapper/bahdanau_attention/attention_v"] * np.tanh(keys + q[:, None])).sum(-1)
    score[1, 2:] = -np.inf                                     # memory_sequence_length masks the tail
    align = _softmax(score)
    context = np.einsum("bt,btd->bd", align, mem)
    attention = np.concatenate([h, context], 1) @ vals["attention_wrapper/attention_layer/kernel"]
    np.testing.assert_allclose(st.alignments, align, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(o, attention, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st.cell_state, h, rtol=1e-5, atol=1e-6)
    assert st.time == 1


def test_tile_batch():
    with tf.Graph().as_default():
        t = s2s.tile_batch(tf.constant([[1, 2], [3, 4]]), 3)
        assert t.shape.as_list() == [6, 2]
        np.testing.assert_array_equal(tf.Session().run(t), [[1, 2]] * 3 + [[3, 4]] * 3)


def test_training_decode_impute_finished_with_attention_state():
    rng = np.random.RandomState(4)
    xv = rng.rand(B, T, D).astype(np.float32)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None, D])
        mech = s2s.LuongAttention(H, tf.constant(rng.rand(B, 3, H).astype(np.float32)))
        cell = s2s.AttentionWrapper(tf.nn.rnn_cell.BasicRNNCell(H), mech, output_attention=False)
        dec = s2s.BasicDecoder(cell, s2s.TrainingHelper(x, [5, 2]), cell.zero_state(B, tf.float32))
        out, state, seq_len = s2s.dynamic_decode(dec, impute_finished=True)
        # the same cell (its variables) without imputation
        full, _, _ = s2s.dynamic_decode(dec, impute_finished=False, scope="decoder_1")
        assert len(tf.global_variables()) == 3
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            o, st, f = s.run([out, state, full], {x: xv})
    # outputs past a sequence's end are zeros, its state stops at its last step
    np.testing.assert_array_equal(o.rnn_output[1, 2:], 0.0)
    np.testing.assert_array_equal(o.sample_id[1, 2:], 0)
    np.testing.assert_allclose(o.rnn_output[:, :2], f.rnn_output[:, :2], rtol=1e-6)
    np.testing.assert_allclose(st.cell_state[1], f.rnn_output[1, 1], rtol=1e-5)
    np.testing.assert_allclose(st.cell_state[0], f.rnn_output[0, 4], rtol=1e-5)
    assert st.time == 5            # a scalar state part is passed through (TF1's _maybe_copy_state)
