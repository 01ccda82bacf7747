"""tf.nn.rnn_cell: one step of each cell against a NumPy transcription of TF1's math (with the
cell's own variables read back), variable names/shapes/initial values, state structures,
scope and reuse rules, wrappers."""

import numpy as np
import pytest

import compat_tf as tf

rnn_cell = tf.nn.rnn_cell


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


RNG = np.random.RandomState(3)
X = RNG.randn(3, 2).astype(np.float32)


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def names(variables=None):
    return [v.name for v in (tf.trainable_variables() if variables is None else variables)]


def run_with_random_weights(fetches, feed=None, seed=0):
    """Initialises, overwrites every trainable variable with random values, runs fetches;
    returns (values, {var op name: value})."""
    rng = np.random.RandomState(seed)
    variables = tf.trainable_variables()
    values = {v.op.name: (0.5 * rng.randn(*v.shape.as_list())).astype(np.float32) for v in variables}
    assigns = [tf.assign(v, values[v.op.name]) for v in variables]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(assigns)
        out = s.run(fetches, feed)
    return out, values


def test_basic_rnn_cell_step_names_and_initial_bias():
    cell = rnn_cell.BasicRNNCell(4)
    assert cell.state_size == 4 and cell.output_size == 4
    x = tf.placeholder(tf.float32, [None, 2])
    h0 = tf.constant(RNG.randn(3, 4).astype(np.float32))
    out, new_h = cell(x, h0)
    assert out is new_h
    assert out.shape.as_list() == [3, 4]  # the batch comes from the state
    assert names() == ["basic_rnn_cell/kernel:0", "basic_rnn_cell/bias:0"]
    assert [v.shape.as_list() for v in tf.trainable_variables()] == [[6, 4], [4]]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(s.run(tf.trainable_variables()[1]), np.zeros(4))
    (o, h0v), w = run_with_random_weights([out, h0], {x: X})
    ref = np.tanh(np.concatenate([X, h0v], 1) @ w["basic_rnn_cell/kernel"] + w["basic_rnn_cell/bias"])
    np.testing.assert_allclose(o, ref, rtol=1e-5, atol=1e-6)


def np_basic_lstm(x, c, h, kernel, bias, forget_bias=1.0):
    i, j, f, o = np.split(np.concatenate([x, h], 1) @ kernel + bias, 4, axis=1)
    new_c = c * sigmoid(f + forget_bias) + sigmoid(i) * np.tanh(j)
    new_h = np.tanh(new_c) * sigmoid(o)
    return new_c, new_h


def test_basic_lstm_cell_gate_order_and_forget_bias():
    cell = rnn_cell.BasicLSTMCell(3, forget_bias=0.7)
    assert cell.state_size == (3, 3) and isinstance(cell.state_size, rnn_cell.LSTMStateTuple)
    x = tf.constant(X)
    c0 = tf.constant(RNG.randn(3, 3).astype(np.float32))
    h0 = tf.constant(RNG.randn(3, 3).astype(np.float32))
    out, st = cell(x, rnn_cell.LSTMStateTuple(c0, h0))
    assert isinstance(st, rnn_cell.LSTMStateTuple)
    assert names() == ["basic_lstm_cell/kernel:0", "basic_lstm_cell/bias:0"]
    assert tf.trainable_variables()[0].shape.as_list() == [5, 12]
    (o, c, h, c0v, h0v), w = run_with_random_weights([out, st.c, st.h, c0, h0])
    rc, rh = np_basic_lstm(X, c0v, h0v, w["basic_lstm_cell/kernel"], w["basic_lstm_cell/bias"], 0.7)
    np.testing.assert_allclose(c, rc, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h, rh, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(o, rh, rtol=1e-5, atol=1e-6)


def test_basic_lstm_cell_concatenated_state():
    cell = rnn_cell.BasicLSTMCell(3, state_is_tuple=False)
    assert cell.state_size == 6
    x = tf.constant(X)
    s0 = tf.constant(RNG.randn(3, 6).astype(np.float32))
    out, st = cell(x, s0)
    assert st.shape.as_list() == [3, 6]
    (o, sv, s0v), w = run_with_random_weights([out, st, s0])
    rc, rh = np_basic_lstm(X, s0v[:, :3], s0v[:, 3:], w["basic_lstm_cell/kernel"], w["basic_lstm_cell/bias"])
    np.testing.assert_allclose(sv, np.concatenate([rc, rh], 1), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(o, rh, rtol=1e-5, atol=1e-6)


def test_lstm_cell_peepholes_projection_and_clipping():
    cell = rnn_cell.LSTMCell(4, use_peepholes=True, cell_clip=0.3, num_proj=2, proj_clip=0.1, forget_bias=0.5)
    assert tuple(cell.state_size) == (4, 2) and cell.output_size == 2
    x = tf.constant(X)
    c0 = tf.constant(RNG.randn(3, 4).astype(np.float32))
    m0 = tf.constant(RNG.randn(3, 2).astype(np.float32))
    out, st = cell(x, rnn_cell.LSTMStateTuple(c0, m0))
    assert names() == [
        "lstm_cell/kernel:0",
        "lstm_cell/bias:0",
        "lstm_cell/w_f_diag:0",
        "lstm_cell/w_i_diag:0",
        "lstm_cell/w_o_diag:0",
        "lstm_cell/projection/kernel:0",
    ]
    assert [v.shape.as_list() for v in tf.trainable_variables()] == [[4, 16], [16], [4], [4], [4], [4, 2]]
    (o, c, m, c0v, m0v), w = run_with_random_weights([out, st.c, st.h, c0, m0])
    p = "lstm_cell/"
    i, j, f, og = np.split(np.concatenate([X, m0v], 1) @ w[p + "kernel"] + w[p + "bias"], 4, axis=1)
    rc = sigmoid(f + 0.5 + w[p + "w_f_diag"] * c0v) * c0v + sigmoid(i + w[p + "w_i_diag"] * c0v) * np.tanh(j)
    assert np.abs(rc).max() > 0.3  # the clip matters for this data
    rc = np.clip(rc, -0.3, 0.3)
    rm = sigmoid(og + w[p + "w_o_diag"] * rc) * np.tanh(rc)
    rm = rm @ w[p + "projection/kernel"]
    rm = np.clip(rm, -0.1, 0.1)
    np.testing.assert_allclose(c, rc, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(m, rm, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(o, rm, rtol=1e-5, atol=1e-6)


def test_lstm_cell_plain_matches_basic_lstm_and_uses_initializer():
    x = tf.constant(X)
    cell = rnn_cell.LSTMCell(3, initializer=tf.constant_initializer(0.25))
    basic = rnn_cell.BasicLSTMCell(3)
    zero = cell.zero_state(3, tf.float32)
    out, st = cell(x, zero)
    with tf.variable_scope("b", initializer=tf.constant_initializer(0.25)):
        out_b, st_b = basic(x, zero)
    assert names() == [
        "lstm_cell/kernel:0",
        "lstm_cell/bias:0",
        "b/basic_lstm_cell/kernel:0",
        "b/basic_lstm_cell/bias:0",
    ]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        k, a, b, ca, cb = s.run([tf.trainable_variables()[0], out, out_b, st.c, st_b.c])
    np.testing.assert_array_equal(k, np.full((5, 12), 0.25, np.float32))
    np.testing.assert_allclose(a, b, rtol=1e-6)
    np.testing.assert_allclose(ca, cb, rtol=1e-6)
    rc, rh = np_basic_lstm(X, np.zeros((3, 3)), np.zeros((3, 3)), np.full((5, 12), 0.25), np.zeros(12))
    np.testing.assert_allclose(a, rh, rtol=1e-5)


def test_gru_cell_gates_candidate_names_init_and_step():
    cell = rnn_cell.GRUCell(3)
    x = tf.constant(X)
    h0 = tf.constant(RNG.randn(3, 3).astype(np.float32))
    out, st = cell(x, h0)
    assert out is st
    assert names() == [
        "gru_cell/gates/kernel:0",
        "gru_cell/gates/bias:0",
        "gru_cell/candidate/kernel:0",
        "gru_cell/candidate/bias:0",
    ]
    assert [v.shape.as_list() for v in tf.trainable_variables()] == [[5, 6], [6], [5, 3], [3]]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        gb, cb = s.run([tf.trainable_variables()[1], tf.trainable_variables()[3]])
    np.testing.assert_array_equal(gb, np.ones(6))
    np.testing.assert_array_equal(cb, np.zeros(3))
    (o, h0v), w = run_with_random_weights([out, h0])
    p = "gru_cell/"
    value = sigmoid(np.concatenate([X, h0v], 1) @ w[p + "gates/kernel"] + w[p + "gates/bias"])
    r, u = value[:, :3], value[:, 3:]
    c = np.tanh(np.concatenate([X, r * h0v], 1) @ w[p + "candidate/kernel"] + w[p + "candidate/bias"])
    np.testing.assert_allclose(o, u * h0v + (1 - u) * c, rtol=1e-5, atol=1e-6)


def test_gru_cell_custom_initializers_and_activation():
    cell = rnn_cell.GRUCell(
        2,
        activation=tf.nn.relu,
        kernel_initializer=tf.constant_initializer(0.5),
        bias_initializer=tf.constant_initializer(-0.2),
    )
    out, _ = cell(tf.constant(X), tf.zeros([3, 2]))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        o = s.run(out)
        b = s.run(tf.trainable_variables()[1])
    np.testing.assert_array_equal(b, np.full(4, -0.2, np.float32))
    u = sigmoid(X.sum(1, keepdims=True) * 0.5 - 0.2)
    c = np.maximum(X.sum(1, keepdims=True) * 0.5 - 0.2, 0)
    np.testing.assert_allclose(o, np.broadcast_to((1 - u) * c, (3, 2)), rtol=1e-5, atol=1e-6)


def test_multi_rnn_cell_names_state_structure_and_step():
    cell = rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(3), rnn_cell.GRUCell(2)])
    assert cell.output_size == 2
    assert len(cell.state_size) == 2 and tuple(cell.state_size[0]) == (3, 3) and cell.state_size[1] == 2
    x = tf.placeholder(tf.float32, [None, 2])
    zero = cell.zero_state(tf.shape(x)[0], tf.float32)
    assert isinstance(zero, tuple) and isinstance(zero[0], rnn_cell.LSTMStateTuple)
    assert zero[0].c.shape.as_list() == [None, 3] and zero[1].shape.as_list() == [None, 2]
    out, st = cell(x, zero)
    assert isinstance(st, tuple) and isinstance(st[0], rnn_cell.LSTMStateTuple) and len(st) == 2
    assert names() == [
        "multi_rnn_cell/cell_0/basic_lstm_cell/kernel:0",
        "multi_rnn_cell/cell_0/basic_lstm_cell/bias:0",
        "multi_rnn_cell/cell_1/gru_cell/gates/kernel:0",
        "multi_rnn_cell/cell_1/gru_cell/gates/bias:0",
        "multi_rnn_cell/cell_1/gru_cell/candidate/kernel:0",
        "multi_rnn_cell/cell_1/gru_cell/candidate/bias:0",
    ]
    (o, h1, s2), w = run_with_random_weights([out, st[0].h, st[1]], {x: X})
    p = "multi_rnn_cell/cell_0/basic_lstm_cell/"
    _, rh = np_basic_lstm(X, np.zeros((3, 3)), np.zeros((3, 3)), w[p + "kernel"], w[p + "bias"])
    np.testing.assert_allclose(h1, rh, rtol=1e-5, atol=1e-6)
    q = "multi_rnn_cell/cell_1/gru_cell/"
    value = sigmoid(np.concatenate([rh, np.zeros((3, 2))], 1) @ w[q + "gates/kernel"] + w[q + "gates/bias"])
    u = value[:, 2:]
    c = np.tanh(rh @ w[q + "candidate/kernel"][:3] + w[q + "candidate/bias"])
    np.testing.assert_allclose(o, (1 - u) * c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(s2, o)


def test_multi_rnn_cell_concatenated_state():
    cell = rnn_cell.MultiRNNCell([rnn_cell.BasicRNNCell(2), rnn_cell.BasicRNNCell(3)], state_is_tuple=False)
    assert cell.state_size == 5
    zero = cell.zero_state(3, tf.float32)
    out, st = cell(tf.constant(X), zero)
    assert st.shape.as_list() == [3, 5]
    (o, sv), _ = run_with_random_weights([out, st])
    np.testing.assert_allclose(sv[:, 2:], o)
    with pytest.raises(ValueError):
        rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(2)], state_is_tuple=False)
    with pytest.raises(ValueError):
        rnn_cell.MultiRNNCell([])


def test_cell_built_once_reused_across_calls_and_scopes():
    cell = rnn_cell.BasicRNNCell(2)
    x = tf.constant(X)
    o1, h1 = cell(x, cell.zero_state(3, tf.float32))
    with tf.variable_scope("elsewhere"):
        o2, _ = cell(x, h1)
    o3, _ = cell(x, h1)
    assert names() == ["basic_rnn_cell/kernel:0", "basic_rnn_cell/bias:0"]
    assert cell.trainable_variables == tf.trainable_variables()
    # a second cell in the same scope gets a uniquified scope
    other = rnn_cell.BasicRNNCell(2)
    other(x, h1)
    assert names()[2:] == ["basic_rnn_cell_1/kernel:0", "basic_rnn_cell_1/bias:0"]
    (v2, v3), _ = run_with_random_weights([o2, o3])
    np.testing.assert_allclose(v2, v3)


def test_cell_scope_argument_and_reuse_flag():
    x = tf.constant(X)
    cell = rnn_cell.GRUCell(2)
    cell(x, tf.zeros([3, 2]), scope="my_gru")
    assert names() == [
        "my_gru/gates/kernel:0",
        "my_gru/gates/bias:0",
        "my_gru/candidate/kernel:0",
        "my_gru/candidate/bias:0",
    ]
    # reuse=True: a fresh cell object shares the existing variables
    with tf.variable_scope("shared"):
        rnn_cell.BasicRNNCell(2)(x, tf.zeros([3, 2]))
    with tf.variable_scope("shared"):
        rnn_cell.BasicRNNCell(2, reuse=True)(x, tf.zeros([3, 2]))
    assert len(tf.trainable_variables()) == 6
    with tf.variable_scope("shared"):
        with pytest.raises(ValueError):
            rnn_cell.BasicRNNCell(2, reuse=True, name="not_there")(x, tf.zeros([3, 2]))


def test_input_depth_must_be_known_and_zero_state_unknown_batch():
    cell = rnn_cell.BasicRNNCell(2)
    with pytest.raises(ValueError, match="inputs.shape"):
        cell(tf.placeholder(tf.float32, [3, None]), tf.zeros([3, 2]))
    x = tf.placeholder(tf.float32, [None, 2])
    z = rnn_cell.LSTMCell(3, num_proj=2).zero_state(tf.shape(x)[0], tf.float64)
    assert z.c.shape.as_list() == [None, 3] and z.h.shape.as_list() == [None, 2]
    assert z.c.dtype == tf.float64
    assert "LSTMCellZeroState" in z.c.name
    with tf.Session() as s:
        c, h = s.run(z, {x: np.zeros((5, 2))})
    assert c.shape == (5, 3) and h.shape == (5, 2) and not c.any() and not h.any()


def test_dtype_follows_inputs():
    cell = rnn_cell.BasicLSTMCell(2)
    x = tf.constant(X.astype(np.float64))
    out, st = cell(x, cell.zero_state(3, tf.float64))
    assert out.dtype == tf.float64
    assert all(v.dtype.base_dtype == tf.float64 for v in tf.trainable_variables())


def test_custom_cell_subclasses():
    class GetVariableCell(rnn_cell.RNNCell):
        """A TF1-style custom cell whose call uses tf.get_variable directly."""

        state_size = 2
        output_size = 2

        def call(self, inputs, state):
            w = tf.get_variable("w", [2, 2], initializer=tf.constant_initializer(0.5))
            return tf.matmul(inputs, w) + state, tf.matmul(inputs, w) + state

    class AddVariableCell(rnn_cell.RNNCell):
        @property
        def state_size(self):
            return 2

        @property
        def output_size(self):
            return 2

        def build(self, shape):
            self.v = self.add_variable(
                "v",
                [shape[-1].value if hasattr(shape[-1], "value") else shape[-1], 2],
                initializer=tf.ones_initializer(),
            )

        def call(self, inputs, state):
            return tf.matmul(inputs, self.v), state + 1.0

    x = tf.constant(X)
    c1 = GetVariableCell()
    o1, s1 = c1(x, tf.zeros([3, 2]))
    o1b, _ = c1(x, s1)  # reuses 'get_variable_cell/w'
    c2 = AddVariableCell()
    o2, s2 = c2(x, tf.zeros([3, 2]))
    assert names() == ["get_variable_cell/w:0", "add_variable_cell/v:0"]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        a, b, c, d = s.run([o1, o1b, o2, s2])
    np.testing.assert_allclose(a, X @ np.full((2, 2), 0.5), rtol=1e-6)
    np.testing.assert_allclose(b, 2 * X @ np.full((2, 2), 0.5), rtol=1e-6)
    np.testing.assert_allclose(c, X @ np.ones((2, 2)), rtol=1e-6)
    np.testing.assert_array_equal(d, np.ones((3, 2)))


def test_dropout_wrapper():
    x = tf.constant(np.ones((50, 4), np.float32))
    base = rnn_cell.BasicLSTMCell(4)
    keep = rnn_cell.DropoutWrapper(base)
    o_keep, _ = keep(x, base.zero_state(50, tf.float32))
    drop = rnn_cell.DropoutWrapper(base, output_keep_prob=0.5, state_keep_prob=0.5, seed=1)
    o_drop, st_drop = drop(x, base.zero_state(50, tf.float32))
    o_ref, st_ref = base(x, base.zero_state(50, tf.float32))
    assert len(tf.trainable_variables()) == 2  # the wrapper adds no scope or variables
    assert names() == ["basic_lstm_cell/kernel:0", "basic_lstm_cell/bias:0"]
    assert drop.state_size == base.state_size and drop.output_size == 4
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        k, d, sd, r, sr = s.run([o_keep, o_drop, st_drop, o_ref, st_ref])
    np.testing.assert_allclose(k, r)
    dropped = d == 0
    assert 0.3 < dropped.mean() < 0.7
    np.testing.assert_allclose(d[~dropped], 2 * r[~dropped], rtol=1e-5)
    np.testing.assert_allclose(sd.c, sr.c)  # c is never dropped (TF1's default filter)
    assert 0.3 < (sd.h == 0).mean() < 0.7
    with pytest.raises(ValueError):
        rnn_cell.DropoutWrapper(base, input_keep_prob=1.5)


def test_residual_and_device_wrappers():
    x = tf.constant(X)
    base = rnn_cell.BasicRNNCell(2)
    res = rnn_cell.ResidualWrapper(base)
    o_res, h_res = res(x, tf.zeros([3, 2]))
    o_base, _ = base(x, tf.zeros([3, 2]))
    dev = rnn_cell.DeviceWrapper(base, "/cpu:0")
    o_dev, _ = dev(x, tf.zeros([3, 2]))
    assert "cpu" in o_dev.op.device.lower()
    assert names() == ["basic_rnn_cell/kernel:0", "basic_rnn_cell/bias:0"]
    custom = rnn_cell.ResidualWrapper(base, residual_fn=lambda i, o: o - i)
    o_custom, _ = custom(x, tf.zeros([3, 2]))
    (a, b, hr, c, d), _ = run_with_random_weights([o_res, o_base, h_res, o_custom, o_dev])
    np.testing.assert_allclose(a, b + X, rtol=1e-6)
    np.testing.assert_allclose(hr, b, rtol=1e-6)  # the state is not residual
    np.testing.assert_allclose(c, b - X, rtol=1e-6)
    np.testing.assert_allclose(d, b, rtol=1e-6)
    with pytest.raises(ValueError):
        rnn_cell.ResidualWrapper(rnn_cell.BasicRNNCell(3))(x, tf.zeros([3, 3]))


def test_namespaces_and_errors():
    assert tf.contrib.rnn.BasicLSTMCell is rnn_cell.BasicLSTMCell
    assert tf.contrib.rnn.LSTMStateTuple is rnn_cell.LSTMStateTuple
    assert tf.contrib.rnn.static_rnn is tf.nn.static_rnn
    assert tf.nn.rnn_cell.DropoutWrapper is tf.contrib.rnn.DropoutWrapper
    with pytest.raises(NotImplementedError):
        tf.contrib.rnn.LSTMBlockCell
    with pytest.raises(TypeError):
        rnn_cell.DropoutWrapper("not a cell")
    with pytest.raises(TypeError):
        rnn_cell.MultiRNNCell(rnn_cell.BasicRNNCell(2))


def test_contrib_projection_and_embedding_wrappers():
    x = tf.constant(X)
    out_cell = tf.contrib.rnn.OutputProjectionWrapper(rnn_cell.GRUCell(3), 2)
    assert out_cell.output_size == 2 and out_cell.state_size == 3
    o_out, h_out = out_cell(x, out_cell.zero_state(3, tf.float32))
    in_cell = tf.contrib.rnn.InputProjectionWrapper(rnn_cell.BasicRNNCell(2), 4)
    o_in, _ = in_cell(x, tf.zeros([3, 2]))
    emb_cell = tf.contrib.rnn.EmbeddingWrapper(rnn_cell.BasicRNNCell(2), 5, 3)
    ids = tf.constant([[4], [0], [2]])
    o_emb, _ = emb_cell(ids, tf.zeros([3, 2]))
    assert names() == [
        "output_projection_wrapper/gru_cell/gates/kernel:0",
        "output_projection_wrapper/gru_cell/gates/bias:0",
        "output_projection_wrapper/gru_cell/candidate/kernel:0",
        "output_projection_wrapper/gru_cell/candidate/bias:0",
        "output_projection_wrapper/kernel:0",
        "output_projection_wrapper/bias:0",
        "input_projection_wrapper/kernel:0",
        "input_projection_wrapper/bias:0",
        "input_projection_wrapper/basic_rnn_cell/kernel:0",
        "input_projection_wrapper/basic_rnn_cell/bias:0",
        "embedding_wrapper/embedding:0",
        "embedding_wrapper/basic_rnn_cell/kernel:0",
        "embedding_wrapper/basic_rnn_cell/bias:0",
    ]
    (a, h, b, c), w = run_with_random_weights([o_out, h_out, o_in, o_emb])
    p = "output_projection_wrapper/"
    np.testing.assert_allclose(a, h @ w[p + "kernel"] + w[p + "bias"], rtol=1e-5, atol=1e-6)
    q = "input_projection_wrapper/"
    proj = X @ w[q + "kernel"] + w[q + "bias"]
    ref = np.tanh(proj @ w[q + "basic_rnn_cell/kernel"][:4] + w[q + "basic_rnn_cell/bias"])
    np.testing.assert_allclose(b, ref, rtol=1e-5, atol=1e-6)
    e = "embedding_wrapper/"
    emb = w[e + "embedding"][[4, 0, 2]]
    ref = np.tanh(emb @ w[e + "basic_rnn_cell/kernel"][:3] + w[e + "basic_rnn_cell/bias"])
    np.testing.assert_allclose(c, ref, rtol=1e-5, atol=1e-6)
