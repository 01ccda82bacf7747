"""tf.contrib.legacy_seq2seq's attention models, one2many and model_with_buckets: TF 1.15's
variable names and the attention arithmetic against a NumPy re-computation from the variables."""
import numpy as np
import pytest

import compat_tf as tf

legacy = tf.contrib.legacy_seq2seq


def _softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def _np_attention_decoder(vals, scope, inputs, state, hidden, num_heads, output_size, init_attn, loop):
    """NumPy attention_decoder over a BasicRNNCell with the variables' values `vals`."""
    def var(name):
        return vals[f"{scope}/{name}:0"]

    def lin(args, name):
        return np.concatenate(args, 1) @ var(f"{name}kernel") + var(f"{name}bias")

    def attention(query):
        ds = []
        for a in range(num_heads):
            feats = hidden @ var(f"AttnW_{a}")[0, 0]                       # [B, T, A]
            y = lin([query], f"Attention_{a}/")[:, None, :]
            weights = _softmax((var(f"AttnV_{a}") * np.tanh(feats + y)).sum(-1))
            ds.append((weights[:, :, None] * hidden).sum(1))
        return ds

    batch, attn_size = hidden.shape[0], hidden.shape[2]
    attns = attention(state) if init_attn else [np.zeros((batch, attn_size), np.float32)] * num_heads
    outputs, prev = [], None
    for inp in inputs:
        if loop and prev is not None:
            inp = np.tanh(prev)
        x = lin([inp] + attns, "")
        state = np.tanh(np.concatenate([x, state], 1) @ var("basic_rnn_cell/kernel") + var("basic_rnn_cell/bias"))
        attns = attention(state)
        out = lin([state] + attns, "AttnOutputProjection/")
        outputs.append(out)
        prev = out
    return outputs, state


@pytest.mark.parametrize("num_heads, init_attn, loop", [(1, False, False), (2, True, False), (2, False, True)])
def test_attention_decoder_matches_numpy(num_heads, init_attn, loop):
    rng = np.random.RandomState(num_heads + 2 * init_attn + 4 * loop)
    batch, steps, in_size, units, attn_len, attn_size = 2, 3, 3, 4, 5, 6
    inputs = [rng.randn(batch, in_size).astype(np.float32) for _ in range(steps)]
    init_state = rng.randn(batch, units).astype(np.float32)
    hidden = rng.randn(batch, attn_len, attn_size).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        init = tf.random_uniform_initializer(-0.8, 0.8)
        with tf.variable_scope("root", initializer=init):
            outs, state = legacy.attention_decoder(
                [tf.constant(x) for x in inputs], tf.constant(init_state), tf.constant(hidden),
                tf.nn.rnn_cell.BasicRNNCell(units), output_size=in_size, num_heads=num_heads,
                loop_function=(lambda prev, i: tf.tanh(prev)) if loop else None,
                initial_state_attention=init_attn)
        assert [o.shape.as_list() for o in outs] == [[batch, in_size]] * steps
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            outs_v, state_v = s.run([outs, state])
            vals = {v.name: s.run(v) for v in tf.global_variables()}
    heads = [f"root/attention_decoder/{n}_{a}:0" for a in range(num_heads) for n in ("AttnW", "AttnV")]
    assert set(heads) <= set(vals)
    ref_outs, ref_state = _np_attention_decoder(vals, "root/attention_decoder", inputs, init_state, hidden, num_heads,
                                                in_size, init_attn, loop)
    np.testing.assert_allclose(outs_v, ref_outs, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(state_v, ref_state, rtol=1e-4, atol=1e-5)


def test_attention_decoder_errors():
    with tf.Graph().as_default():
        cell = tf.nn.rnn_cell.GRUCell(2)
        attn = tf.zeros([1, 3, 2])
        with pytest.raises(ValueError, match="at least 1 input"):
            legacy.attention_decoder([], tf.zeros([1, 2]), attn, cell)
        with pytest.raises(ValueError, match="less than 1 heads"):
            legacy.attention_decoder([tf.zeros([1, 2])], tf.zeros([1, 2]), attn, cell, num_heads=0)
        with pytest.raises(ValueError, match="Shape\\[2\\] of attention_states must be known"):
            legacy.attention_decoder([tf.zeros([1, 2])], tf.zeros([1, 2]), tf.placeholder(tf.float32, [1, 3, None]),
                                     cell)
        assert tf.global_variables() == []


_EAS = "embedding_attention_seq2seq"
_DEC = _EAS + "/embedding_attention_decoder"
_ATT = _DEC + "/attention_decoder"


def _seq2seq_model(feed_previous=False, output_projection=False, num_heads=1, enc_len=3, dec_len=2):
    enc = [tf.placeholder(tf.int32, [None], name=f"enc{i}") for i in range(enc_len)]
    dec = [tf.placeholder(tf.int32, [None], name=f"dec{i}") for i in range(dec_len)]
    proj = None
    if output_projection:
        proj = (tf.get_variable("proj_w", [4, 7]), tf.get_variable("proj_b", [7]))
    outs, state = legacy.embedding_attention_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(4), 5, 7, 3,
                                                     num_heads=num_heads, output_projection=proj,
                                                     feed_previous=feed_previous)
    return enc, dec, outs, state


def test_embedding_attention_seq2seq_variable_names():
    gru = ["gru_cell/gates/kernel", "gru_cell/gates/bias", "gru_cell/candidate/kernel", "gru_cell/candidate/bias"]
    with tf.Graph().as_default():
        _seq2seq_model()
        names = {v.name[:-2]: v.shape.as_list() for v in tf.global_variables()}
    expected = {f"{_EAS}/rnn/embedding_wrapper/embedding": [5, 3], f"{_DEC}/embedding": [7, 3],
                f"{_ATT}/AttnW_0": [1, 1, 4, 4], f"{_ATT}/AttnV_0": [4], f"{_ATT}/kernel": [7, 3],
                f"{_ATT}/bias": [3], f"{_ATT}/Attention_0/kernel": [4, 4], f"{_ATT}/Attention_0/bias": [4],
                f"{_ATT}/output_projection_wrapper/kernel": [4, 7], f"{_ATT}/output_projection_wrapper/bias": [7],
                f"{_ATT}/AttnOutputProjection/kernel": [11, 7], f"{_ATT}/AttnOutputProjection/bias": [7]}
    expected.update({f"{_EAS}/rnn/embedding_wrapper/{g}": None for g in gru})
    expected.update({f"{_ATT}/output_projection_wrapper/{g}": None for g in gru})
    assert set(names) == set(expected)
    assert all(names[k] == v for k, v in expected.items() if v is not None)
    # with an output projection: no wrapper, cell-sized outputs; two heads
    with tf.Graph().as_default():
        _, _, outs, _ = _seq2seq_model(output_projection=True, num_heads=2)
        names = {v.name[:-2]: v.shape.as_list() for v in tf.global_variables()}
    assert not any("output_projection_wrapper" in n for n in names)
    assert {f"{_ATT}/AttnW_1", f"{_ATT}/AttnV_1", f"{_ATT}/Attention_1/kernel", f"{_ATT}/gru_cell/gates/kernel"} <= \
        set(names)
    assert names[f"{_ATT}/kernel"] == [3 + 2 * 4, 3]
    assert names[f"{_ATT}/AttnOutputProjection/kernel"] == [4 + 2 * 4, 4]
    assert [o.shape.as_list() for o in outs] == [[None, 4]] * 2


def _feed(enc, dec, rng, batch=2):
    return {p: rng.randint(0, 5, size=batch) for p in enc + dec}


def test_feed_previous_uses_only_the_go_symbol():
    results, values = {}, {}
    for fp in (False, True, "tensor"):
        with tf.Graph().as_default():
            tf.set_random_seed(3)
            flag = tf.placeholder_with_default(False, []) if fp == "tensor" else fp
            enc, dec, outs, state = _seq2seq_model(feed_previous=flag)
            assert [o.shape.as_list() for o in outs] == [[None, 7], [None, 7]]
            if fp == "tensor":
                assert len(tf.global_variables()) == 20        # the two branches share the variables
            fd = _feed(enc, dec, np.random.RandomState(1))
            fd2 = dict(fd)
            fd2[dec[1]] = (fd[dec[1]] + 1) % 5
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                if fp == "tensor":       # the bool models' variable values, by name
                    for v in tf.global_variables():
                        v.load(values[v.name], s)
                    results["tensor_false"] = s.run(outs, fd)
                    results["tensor_true"] = s.run(outs, {**fd, flag: True})
                else:
                    results[fp] = (s.run(outs, fd), s.run(outs, fd2))
                    values = {v.name: s.run(v) for v in tf.global_variables()}
    # teacher forcing reads decoder input 1, feed_previous does not
    assert not np.allclose(results[False][0][1], results[False][1][1])
    np.testing.assert_allclose(results[True][0][1], results[True][1][1])
    np.testing.assert_allclose(results[True][0][0], results[False][0][0], rtol=1e-6)   # same seed, same step 0
    # a bool Tensor picks the matching decoder
    np.testing.assert_allclose(results["tensor_false"], results[False][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(results["tensor_true"], results[True][0], rtol=1e-5, atol=1e-6)


def test_model_with_buckets_losses_and_gradients():
    buckets = [(2, 2), (3, 3)]
    rng = np.random.RandomState(2)
    with tf.Graph().as_default():
        enc = [tf.placeholder(tf.int32, [None]) for _ in range(3)]
        dec = [tf.placeholder(tf.int32, [None]) for _ in range(3)]
        targets = [tf.placeholder(tf.int32, [None]) for _ in range(3)]
        weights = [tf.placeholder(tf.float32, [None]) for _ in range(3)]
        # a fresh cell per bucket: as in TF1, deep-copying a cell that already built its variables fails

        def model(x, y):
            return legacy.embedding_attention_seq2seq(x, y, tf.nn.rnn_cell.GRUCell(4), 5, 7, 3)

        outputs, losses = legacy.model_with_buckets(enc, dec, targets, weights, buckets, model)
        with tf.variable_scope(tf.get_variable_scope(), reuse=True):
            _, per_example = legacy.model_with_buckets(enc, dec, targets, weights, buckets[:1], model,
                                                       per_example_loss=True)
        assert len(tf.global_variables()) == 20                 # every bucket reuses the first's variables
        assert [len(o) for o in outputs] == [2, 3]
        assert losses[0].name.startswith("model_with_buckets/")
        grads = tf.gradients(losses[1], tf.trainable_variables())
        fd = {p: rng.randint(0, 5, size=3) for p in enc + dec + targets}
        fd.update({w: rng.rand(3).astype(np.float32) for w in weights})
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            outs_v, losses_v, per_v, grads_v = s.run([outputs, losses, per_example, grads], fd)
    for (_, dec_len), outs, loss in zip(buckets, outs_v, losses_v):
        t = [fd[x] for x in targets[:dec_len]]
        w = [fd[x] for x in weights[:dec_len]]
        xent = [-np.log(_softmax(o)[np.arange(3), ti]) for o, ti in zip(outs, t)]
        per = sum(x * wi for x, wi in zip(xent, w)) / (sum(w) + 1e-12)
        np.testing.assert_allclose(loss, per.sum() / 3, rtol=1e-5)
        if dec_len == 2:
            np.testing.assert_allclose(per_v[0], per, rtol=1e-5)
    assert all(g is not None and np.abs(g).sum() > 0 for g in grads_v)
    with pytest.raises(ValueError, match="Length of encoder_inputs \\(1\\) must be at least"):
        legacy.model_with_buckets(enc[:1], dec, targets, weights, buckets, None)


def test_embedding_tied_and_one2many_variable_names():
    with tf.Graph().as_default():
        enc = [tf.constant([1, 2]) for _ in range(2)]
        dec = [tf.constant([0, 3]) for _ in range(2)]
        outs, _ = legacy.embedding_tied_rnn_seq2seq(enc, dec, tf.nn.rnn_cell.GRUCell(3), 6, 2, num_decoder_symbols=4)
        names = sorted(v.name for v in tf.global_variables())
        assert [o.shape.as_list() for o in outs] == [[2, 4]] * 2
    assert names[0] == ("embedding_tied_rnn_seq2seq/combined_tied_rnn_seq2seq/tied_rnn_seq2seq/"
                        "output_projection_wrapper/bias:0")
    assert "embedding_tied_rnn_seq2seq/embedding:0" in names and len(names) == 7
    with tf.Graph().as_default():
        enc = [tf.constant([1, 2]) for _ in range(2)]
        outs, states = legacy.one2many_rnn_seq2seq(
            enc, {"a": [tf.constant([0, 1])], "b": [tf.constant([2, 0])] * 2}, tf.nn.rnn_cell.GRUCell(3),
            {"a": tf.nn.rnn_cell.GRUCell(3), "b": tf.nn.rnn_cell.GRUCell(3)}, 5, {"a": 4, "b": 6}, 2)
        names = {v.name for v in tf.global_variables()}
        assert [o.shape.as_list() for o in outs["b"]] == [[2, 6]] * 2 and len(outs["a"]) == 1
        assert states["a"].shape.as_list() == [2, 3]
        with pytest.raises(ValueError, match="keys of dec_cells_dict"):
            legacy.one2many_rnn_seq2seq(enc, {"a": []}, tf.nn.rnn_cell.GRUCell(3), {}, 5, {}, 2)
    assert {"one2many_rnn_seq2seq/rnn/embedding_wrapper/embedding:0",
            "one2many_rnn_seq2seq/one2many_decoder_a/embedding_rnn_decoder/embedding:0",
            "one2many_rnn_seq2seq/one2many_decoder_b/embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/"
            "kernel:0"} <= names
