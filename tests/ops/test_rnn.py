"""tf.nn.dynamic_rnn / static_rnn / bidirectional_dynamic_rnn / static_bidirectional_rnn against
NumPy loops (sequence_length masking, final states), variable names, gradients (finite
differences), training, dropout across time steps, errors."""

import numpy as np
import pytest

import compat_tf as tf

rnn_cell = tf.nn.rnn_cell


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


B, T, D = 3, 5, 2
RNG = np.random.RandomState(7)
X = RNG.randn(B, T, D).astype(np.float32)
LENS = np.array([5, 2, 0], np.int32)


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def names():
    return [v.name for v in tf.trainable_variables()]


def set_random_weights(sess, seed=0, scale=0.5):
    rng = np.random.RandomState(seed)
    values = {}
    for v in tf.trainable_variables():
        values[v.op.name] = (scale * rng.randn(*v.shape.as_list())).astype(v.dtype.base_dtype.as_numpy_dtype)
        v.load(values[v.op.name], sess)
    return values


def np_lstm_step(x, state, kernel, bias):
    c, h = state
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    c = c * sigmoid(f + 1.0) + sigmoid(i) * np.tanh(j)
    h = np.tanh(c) * sigmoid(o)
    return h, (c, h)


def np_gru_step(x, h, gk, gb, ck, cb):
    n = h.shape[1]
    value = sigmoid(np.concatenate([x, h], 1) @ gk + gb)
    r, u = value[:, :n], value[:, n:]
    c = np.tanh(np.concatenate([x, r * h], 1) @ ck + cb)
    new = u * h + (1 - u) * c
    return new, new


def np_rnn(step, x, state, lengths=None):
    """TF1's dynamic_rnn semantics: zeros past each length, state carried through."""
    batch, time = x.shape[:2]
    outs = []
    for t in range(time):
        out, new = step(x[:, t], state)
        if lengths is not None:
            done = (t >= lengths)[:, None]
            out = np.where(done, 0.0, out)
            new = (
                tuple(np.where(done, s, n) for s, n in zip(state, new))
                if isinstance(state, tuple)
                else np.where(done, state, new)
            )
        outs.append(out)
        state = new
    return np.stack(outs, 1), state


def test_dynamic_rnn_lstm_sequence_length_unknown_batch():
    x = tf.placeholder(tf.float32, [None, T, D])
    lens = tf.placeholder(tf.int32, [None])
    cell = rnn_cell.BasicLSTMCell(4)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lens, dtype=tf.float32)
    assert outputs.shape.as_list() == [None, T, 4]
    assert isinstance(state, rnn_cell.LSTMStateTuple)
    assert state.c.shape.as_list() == [None, 4]
    assert names() == ["rnn/basic_lstm_cell/kernel:0", "rnn/basic_lstm_cell/bias:0"]
    # the time loop is one owner op (traced once), not T copies of the cell
    assert len([op for op in tf.get_default_graph().get_operations() if op.type == "RnnScan"]) == 1
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w = set_random_weights(s)
        o, st = s.run([outputs, state], {x: X, lens: LENS})
        o2 = s.run(outputs, {x: X[:2], lens: LENS[:2]})  # another batch size, same graph
    k, b = w["rnn/basic_lstm_cell/kernel"], w["rnn/basic_lstm_cell/bias"]
    zero = (np.zeros((B, 4)), np.zeros((B, 4)))
    ro, rst = np_rnn(lambda xt, s: np_lstm_step(xt, s, k, b), X, zero, LENS)
    np.testing.assert_allclose(o, ro, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st.c, rst[0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st.h, rst[1], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(o[1, 2:], 0)
    np.testing.assert_array_equal(o[2], 0)
    np.testing.assert_array_equal(st.c[2], 0)  # length 0: the initial state
    np.testing.assert_allclose(st.h[1], o[1, 1], rtol=1e-6)  # the state stops at the length
    np.testing.assert_allclose(o2, ro[:2], rtol=1e-5, atol=1e-6)


def test_dynamic_rnn_without_lengths_and_time_major_initial_state():
    cell = rnn_cell.GRUCell(3)
    x_tm = tf.constant(np.transpose(X, [1, 0, 2]))
    h0 = tf.constant(RNG.randn(B, 3).astype(np.float32))
    outputs, state = tf.nn.dynamic_rnn(cell, x_tm, initial_state=h0, time_major=True, scope="gru_tm")
    assert outputs.shape.as_list() == [T, B, 3]
    assert names() == [
        "gru_tm/gru_cell/gates/kernel:0",
        "gru_tm/gru_cell/gates/bias:0",
        "gru_tm/gru_cell/candidate/kernel:0",
        "gru_tm/gru_cell/candidate/bias:0",
    ]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w = set_random_weights(s)
        o, st, h0v = s.run([outputs, state, h0])
    p = "gru_tm/gru_cell/"
    ro, rst = np_rnn(
        lambda xt, h: np_gru_step(
            xt,
            h,
            w[p + "gates/kernel"],
            w[p + "gates/bias"],
            w[p + "candidate/kernel"],
            w[p + "candidate/bias"],
        ),
        X,
        h0v,
    )
    np.testing.assert_allclose(o, np.transpose(ro, [1, 0, 2]), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st, rst, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(st, o[-1], rtol=1e-6)


def _build_both(make_cell, lengths):
    x = tf.constant(X)
    with tf.variable_scope("model"):
        cell = make_cell()
        d_out, d_st = tf.nn.dynamic_rnn(cell, x, sequence_length=lengths, dtype=tf.float32)
    with tf.variable_scope("model", reuse=True):
        cell2 = make_cell()
        s_out, s_st = tf.nn.static_rnn(
            cell2, tf.unstack(x, T, axis=1), sequence_length=lengths, dtype=tf.float32
        )
    return d_out, d_st, s_out, s_st


def test_static_rnn_equals_dynamic_rnn_multi_cell_with_lengths():
    def make():
        return rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(3), rnn_cell.GRUCell(2)])

    d_out, d_st, s_out, s_st = _build_both(make, LENS)
    assert len(s_out) == T
    assert isinstance(d_st, tuple) and len(d_st) == 2 and isinstance(d_st[0], rnn_cell.LSTMStateTuple)
    assert names() == [
        "model/rnn/multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0",
        "model/rnn/multi_rnn_cell/cell_0/basic_lstm_cell/bias:0",
        "model/rnn/multi_rnn_cell/cell_1/gru_cell/gates/kernel:0",
        "model/rnn/multi_rnn_cell/cell_1/gru_cell/gates/bias:0",
        "model/rnn/multi_rnn_cell/cell_1/gru_cell/candidate/kernel:0",
        "model/rnn/multi_rnn_cell/cell_1/gru_cell/candidate/bias:0",
    ]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w = set_random_weights(s)
        do, dst, so, sst = s.run([d_out, d_st, tf.stack(s_out, 1), s_st])
    np.testing.assert_allclose(do, so, rtol=1e-5, atol=1e-6)
    for a, b in zip([dst[0].c, dst[0].h, dst[1]], [sst[0].c, sst[0].h, sst[1]]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    p = "model/rnn/multi_rnn_cell/cell_0/basic_lstm_cell/"
    q = "model/rnn/multi_rnn_cell/cell_1/gru_cell/"

    def step(xt, st):
        h1, s1 = np_lstm_step(xt, st[:2], w[p + "kernel"], w[p + "bias"])
        h2, s2 = np_gru_step(
            h1,
            st[2],
            w[q + "gates/kernel"],
            w[q + "gates/bias"],
            w[q + "candidate/kernel"],
            w[q + "candidate/bias"],
        )
        return h2, (s1[0], s1[1], s2)

    ro, rst = np_rnn(step, X, (np.zeros((B, 3)), np.zeros((B, 3)), np.zeros((B, 2))), LENS)
    np.testing.assert_allclose(do, ro, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(dst[1], rst[2], rtol=1e-5, atol=1e-6)


def test_static_rnn_names_reuse_and_state():
    cell = rnn_cell.BasicRNNCell(2)
    inputs = tf.unstack(tf.constant(X), T, axis=1)
    outs, st = tf.nn.static_rnn(cell, inputs, dtype=tf.float32)
    assert names() == ["rnn/basic_rnn_cell/kernel:0", "rnn/basic_rnn_cell/bias:0"]
    assert len(outs) == T and outs[0].shape.as_list() == [B, 2]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w = set_random_weights(s)
        o, sv = s.run([outs, st])
    k, b = w["rnn/basic_rnn_cell/kernel"], w["rnn/basic_rnn_cell/bias"]
    ro, rst = np_rnn(lambda xt, h: (np.tanh(np.concatenate([xt, h], 1) @ k + b),) * 2, X, np.zeros((B, 2)))
    np.testing.assert_allclose(np.stack(o, 1), ro, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sv, rst, rtol=1e-5, atol=1e-6)


def test_bidirectional_dynamic_rnn_against_numpy():
    x = tf.placeholder(tf.float32, [None, T, D])
    lens = tf.placeholder(tf.int32, [None])
    (o_fw, o_bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(
        rnn_cell.BasicRNNCell(2), rnn_cell.BasicRNNCell(2), x, sequence_length=lens, dtype=tf.float32
    )
    assert names() == [
        "bidirectional_rnn/fw/basic_rnn_cell/kernel:0",
        "bidirectional_rnn/fw/basic_rnn_cell/bias:0",
        "bidirectional_rnn/bw/basic_rnn_cell/kernel:0",
        "bidirectional_rnn/bw/basic_rnn_cell/bias:0",
    ]
    assert o_bw.shape.as_list() == [None, T, 2]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w = set_random_weights(s)
        ofw, obw, sfw, sbw = s.run([o_fw, o_bw, s_fw, s_bw], {x: X, lens: LENS})

    def run(prefix, xs):
        k, b = w[prefix + "kernel"], w[prefix + "bias"]
        return np_rnn(
            lambda xt, h: (np.tanh(np.concatenate([xt, h], 1) @ k + b),) * 2, xs, np.zeros((B, 2)), LENS
        )

    rfw, rsfw = run("bidirectional_rnn/fw/basic_rnn_cell/", X)
    x_rev = X.copy()
    for bi, n in enumerate(LENS):
        x_rev[bi, :n] = X[bi, :n][::-1]
    rbw_rev, rsbw = run("bidirectional_rnn/bw/basic_rnn_cell/", x_rev)
    rbw = rbw_rev.copy()
    for bi, n in enumerate(LENS):
        rbw[bi, :n] = rbw_rev[bi, :n][::-1]
    np.testing.assert_allclose(ofw, rfw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(obw, rbw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sfw, rsfw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sbw, rsbw, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sbw[0], obw[0, 0], rtol=1e-6)  # the backward state is its output at t=0


def test_static_bidirectional_rnn_matches_dynamic():
    x = tf.constant(X)
    with tf.variable_scope("m"):
        (o_fw, o_bw), (s_fw, s_bw) = tf.nn.bidirectional_dynamic_rnn(
            rnn_cell.GRUCell(2), rnn_cell.GRUCell(2), x, sequence_length=LENS, dtype=tf.float32
        )
    with tf.variable_scope("m", reuse=True):
        outs, sf, sb = tf.nn.static_bidirectional_rnn(
            rnn_cell.GRUCell(2),
            rnn_cell.GRUCell(2),
            tf.unstack(x, T, axis=1),
            sequence_length=LENS,
            dtype=tf.float32,
        )
    assert len(tf.trainable_variables()) == 8
    assert len(outs) == T and outs[0].shape.as_list() == [B, 4]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        set_random_weights(s)
        a, b, c, d, e, f = s.run([tf.concat([o_fw, o_bw], 2), s_fw, s_bw, tf.stack(outs, 1), sf, sb])
    np.testing.assert_allclose(d, a, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(e, b, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(f, c, rtol=1e-5, atol=1e-6)
    assert np.abs(a).sum() > 0


def test_gradients_match_finite_differences():
    x0 = RNG.randn(2, 4, 2)
    x = tf.constant(x0)
    lens = tf.constant([4, 3])
    cell = rnn_cell.LSTMCell(3, use_peepholes=True)
    outputs, state = tf.nn.dynamic_rnn(cell, x, sequence_length=lens, dtype=tf.float64)
    loss = tf.reduce_sum(tf.sin(outputs)) + tf.reduce_sum(state.c**2)
    kernel = tf.trainable_variables()[0]
    wdiag = tf.trainable_variables()[2]
    assert wdiag.op.name == "rnn/lstm_cell/w_f_diag"
    gk, gw, gx = tf.gradients(loss, [kernel, wdiag, x])
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w = set_random_weights(s)
        gkv, gwv, gxv = s.run([gk, gw, gx])
        eps = 1e-6
        for var, grad, idx in [(kernel, gkv, (1, 5)), (kernel, gkv, (4, 10)), (wdiag, gwv, (2,))]:
            base = w[var.op.name]
            plus, minus = base.copy(), base.copy()
            plus[idx] += eps
            minus[idx] -= eps
            var.load(plus, s)
            lp = s.run(loss)
            var.load(minus, s)
            lm = s.run(loss)
            var.load(base, s)
            np.testing.assert_allclose(grad[idx], (lp - lm) / (2 * eps), rtol=1e-5, atol=1e-8)
        for idx in [(0, 0, 1), (1, 2, 0), (1, 3, 1)]:
            plus, minus = x0.copy(), x0.copy()
            plus[idx] += eps
            minus[idx] -= eps
            lp, lm = s.run(loss, {x: plus}), s.run(loss, {x: minus})
            np.testing.assert_allclose(gxv[idx], (lp - lm) / (2 * eps), rtol=1e-5, atol=1e-8)
    assert gxv[1, 3].tolist() == [0.0, 0.0]  # past the length: no gradient
    assert np.abs(gkv).sum() > 0


def test_training_reduces_loss():
    x = tf.placeholder(tf.float32, [None, T, D])
    target = tf.constant(np.sin(np.arange(T) * 0.7).astype(np.float32))
    cell = rnn_cell.MultiRNNCell([rnn_cell.GRUCell(8), rnn_cell.BasicLSTMCell(8)])
    outputs, _ = tf.nn.dynamic_rnn(cell, x, sequence_length=tf.fill([tf.shape(x)[0]], T), dtype=tf.float32)
    pred = tf.squeeze(tf.tensordot(outputs, tf.get_variable("out_w", [8, 1]), 1), -1)
    loss = tf.reduce_mean(tf.square(pred - target))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        first = s.run(loss, {x: X})
        for _ in range(60):
            s.run(train, {x: X})
        last = s.run(loss, {x: X})
    assert last < 0.2 * first


def test_dropout_masks_differ_across_time_steps():
    class PassCell(rnn_cell.RNNCell):
        state_size = 4
        output_size = 4

        def call(self, inputs, state):
            return inputs, state

    x = tf.ones([20, 6, 4])
    cell = rnn_cell.DropoutWrapper(PassCell(), input_keep_prob=0.5)
    outputs, _ = tf.nn.dynamic_rnn(cell, x, dtype=tf.float32)
    with tf.Session() as s:
        o = s.run(outputs)
        o2 = s.run(outputs)
    assert set(np.unique(o).tolist()) == {0.0, 2.0}
    masks = [o[:, t] for t in range(6)]
    assert all(not np.array_equal(masks[0], m) for m in masks[1:])
    assert not np.array_equal(o, o2)  # new masks each run


def test_nested_inputs_and_outputs():
    class PairCell(rnn_cell.RNNCell):
        """Inputs (a, b); output (a + h, b * 2); state h += a."""

        @property
        def state_size(self):
            return 2

        @property
        def output_size(self):
            return (2, 3)

        def call(self, inputs, state):
            a, b = inputs
            return (a + state, b * 2.0), state + a

    a = RNG.randn(B, T, 2).astype(np.float32)
    b = RNG.randn(B, T, 3).astype(np.float32)
    (oa, ob), st = tf.nn.dynamic_rnn(
        PairCell(), (tf.constant(a), tf.constant(b)), sequence_length=LENS, dtype=tf.float32
    )
    assert oa.shape.as_list() == [B, T, 2] and ob.shape.as_list() == [B, T, 3]
    with tf.Session() as s:
        va, vb, vs = s.run([oa, ob, st])
    mask = (np.arange(T)[None, :] < LENS[:, None])[..., None]
    cum = np.cumsum(a, 1)
    np.testing.assert_allclose(va, np.where(mask, cum, 0), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(vb, np.where(mask, b * 2, 0), rtol=1e-6)
    np.testing.assert_allclose(
        vs, np.stack([a[i, :n].sum(0) for i, n in enumerate(LENS)]), rtol=1e-5, atol=1e-6
    )


def test_errors():
    cell = rnn_cell.BasicRNNCell(2)
    x = tf.constant(X)
    with pytest.raises(ValueError, match="dtype"):
        tf.nn.dynamic_rnn(cell, x)
    with pytest.raises(ValueError, match="sequence_length"):
        tf.nn.dynamic_rnn(cell, x, sequence_length=[[1, 2, 3]], dtype=tf.float32)
    with pytest.raises(TypeError):
        tf.nn.dynamic_rnn("cell", x, dtype=tf.float32)
    with pytest.raises(TypeError):
        tf.nn.static_rnn(cell, x, dtype=tf.float32)
    with pytest.raises(ValueError):
        tf.nn.static_rnn(cell, [], dtype=tf.float32)
    with pytest.raises(ValueError, match="Input size"):
        tf.nn.dynamic_rnn(cell, tf.placeholder(tf.float32, [B, T, None]), dtype=tf.float32)
    lens = tf.placeholder(tf.int32, [None])
    out, _ = tf.nn.dynamic_rnn(
        rnn_cell.BasicRNNCell(2), x, sequence_length=lens, dtype=tf.float32, scope="r2"
    )
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(out, {lens: [1, 2]})


def test_stack_bidirectional_dynamic_rnn():
    x = tf.constant(X)
    cells_fw = [rnn_cell.BasicRNNCell(2), rnn_cell.BasicRNNCell(3)]
    cells_bw = [rnn_cell.BasicRNNCell(2), rnn_cell.BasicRNNCell(3)]
    out, st_fw, st_bw = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
        cells_fw, cells_bw, x, sequence_length=LENS, dtype=tf.float32
    )
    assert out.shape.as_list() == [B, T, 6]
    assert len(st_fw) == 2 and len(st_bw) == 2
    assert names()[:2] == [
        "stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/basic_rnn_cell/kernel:0",
        "stack_bidirectional_rnn/cell_0/bidirectional_rnn/fw/basic_rnn_cell/bias:0",
    ]
    assert names()[6] == "stack_bidirectional_rnn/cell_1/bidirectional_rnn/bw/basic_rnn_cell/kernel:0"
    assert tf.trainable_variables()[4].shape.as_list() == [4 + 3, 3]  # layer 1 reads [fw, bw] of layer 0
    with pytest.raises(ValueError, match="same depth"):
        tf.contrib.rnn.stack_bidirectional_dynamic_rnn(cells_fw, cells_bw[:1], x, dtype=tf.float32)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        w = set_random_weights(s)
        o, sf, sb = s.run([out, st_fw, st_bw])

    def run(prefix, xs, units):
        k, b = w[prefix + "kernel"], w[prefix + "bias"]
        return np_rnn(
            lambda xt, h: (np.tanh(np.concatenate([xt, h], 1) @ k + b),) * 2, xs, np.zeros((B, units)), LENS
        )

    def rev(a):
        a = a.copy()
        for bi, n in enumerate(LENS):
            a[bi, :n] = a[bi, :n][::-1]
        return a

    layer_in = X
    for i, units in enumerate([2, 3]):
        p = "stack_bidirectional_rnn/cell_%d/bidirectional_rnn/" % i
        fo, fs = run(p + "fw/basic_rnn_cell/", layer_in, units)
        bo, bs = run(p + "bw/basic_rnn_cell/", rev(layer_in), units)
        layer_in = np.concatenate([fo, rev(bo)], 2)
        np.testing.assert_allclose(sf[i], fs, rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(sb[i], bs, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(o, layer_in, rtol=1e-5, atol=1e-6)


def test_cond_inside_cell_reads_a_variable_through_its_reference():
    """A tf.cond in the cell reading v.read_value() sees the variable's value (was zeros)."""
    class CondCell(tf.nn.rnn_cell.RNNCell):
        def __init__(self, v):
            super().__init__()
            self._v = v

        @property
        def state_size(self):
            return 4

        @property
        def output_size(self):
            return 4

        def call(self, inputs, state):
            out = tf.cond(tf.reduce_sum(inputs) > -1e9, lambda: state + self._v.read_value(), lambda: state)
            return out, out

    with tf.Graph().as_default():
        v = tf.Variable(np.full([4], 3.0, np.float32))
        x = tf.zeros([1, 2, 4])
        outputs, final = tf.nn.dynamic_rnn(CondCell(v), x, dtype=tf.float32)
        with tf.Session() as sess:
            sess.run(v.initializer)
            out, fin = sess.run([outputs, final])
    np.testing.assert_allclose(out, [[[3, 3, 3, 3], [6, 6, 6, 6]]])
    np.testing.assert_allclose(fin, [[6, 6, 6, 6]])
