"""Every tf.train optimizer over 10 steps against a NumPy transcription of TF1's kernel, slots included."""
from functools import partial

import numpy as np
import pytest

import compat_tf as tf
import tf1_reference as ref

RS = np.random.RandomState(7)
X = RS.randn(8, 3).astype(np.float32)
Y = (X @ np.array([[1.0, -2.0], [0.5, 0.3], [-1.5, 2.0]]) + 0.1 * RS.randn(8, 2)).astype(np.float32)
W0 = (0.3 * RS.randn(3, 2)).astype(np.float32)
B0 = np.array([0.1, -0.2], np.float32)
STEPS = 10


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _numpy_grads(w, b):
    r = 2.0 * (X.astype(np.float64) @ w + b - Y) / Y.size
    return X.T.astype(np.float64) @ r, r.sum(0)


def _zeros(v):
    return np.zeros_like(v, np.float64)


def _full(value):
    return lambda v: np.full(v.shape, value, np.float64)


# name, optimizer factory, {slot: initial value fn}, NumPy step, slot op names, uses beta powers
CASES = [
    ("sgd", lambda: tf.train.GradientDescentOptimizer(0.1), {},
     partial(ref.step_gradient_descent, lr=0.1), {}),
    ("momentum", lambda: tf.train.MomentumOptimizer(0.05, momentum=0.9), {"momentum": _zeros},
     partial(ref.step_momentum, lr=0.05, momentum=0.9), {"momentum": "Momentum"}),
    ("nesterov", lambda: tf.train.MomentumOptimizer(0.05, momentum=0.9, use_nesterov=True),
     {"momentum": _zeros}, partial(ref.step_momentum, lr=0.05, momentum=0.9, use_nesterov=True),
     {"momentum": "Momentum"}),
    ("adagrad", lambda: tf.train.AdagradOptimizer(0.3, initial_accumulator_value=0.5),
     {"accumulator": _full(0.5)}, partial(ref.step_adagrad, lr=0.3), {"accumulator": "Adagrad"}),
    ("adadelta", lambda: tf.train.AdadeltaOptimizer(1.0, rho=0.9, epsilon=1e-2),
     {"accum": _zeros, "accum_update": _zeros},
     partial(ref.step_adadelta, lr=1.0, rho=0.9, epsilon=1e-2),
     {"accum": "Adadelta", "accum_update": "Adadelta_1"}),
    ("adam", lambda: tf.train.AdamOptimizer(0.05), {"m": _zeros, "v": _zeros},
     partial(ref.step_adam, lr=0.05, beta1=0.9, beta2=0.999, epsilon=1e-8),
     {"m": "Adam", "v": "Adam_1"}),
    # a large epsilon: TF1 adds it to sqrt(v), not to the bias-corrected sqrt(v_hat) as optax.adam does
    ("adam_eps", lambda: tf.train.AdamOptimizer(0.1, beta1=0.8, beta2=0.95, epsilon=0.1),
     {"m": _zeros, "v": _zeros},
     partial(ref.step_adam, lr=0.1, beta1=0.8, beta2=0.95, epsilon=0.1), {"m": "Adam", "v": "Adam_1"}),
    ("ftrl", lambda: tf.train.FtrlOptimizer(0.3, l1_regularization_strength=0.05,
                                            l2_regularization_strength=0.1),
     {"accum": _full(0.1), "linear": _zeros},
     partial(ref.step_ftrl, lr=0.3, l1=0.05, l2=0.1, lr_power=-0.5), {"accum": "Ftrl", "linear": "Ftrl_1"}),
    ("ftrl_power", lambda: tf.train.FtrlOptimizer(0.5, learning_rate_power=-0.3,
                                                  initial_accumulator_value=0.2,
                                                  l1_regularization_strength=0.01),
     {"accum": _full(0.2), "linear": _zeros},
     partial(ref.step_ftrl, lr=0.5, l1=0.01, l2=0.0, lr_power=-0.3), {"accum": "Ftrl", "linear": "Ftrl_1"}),
    ("ftrl_shrinkage", lambda: tf.train.FtrlOptimizer(0.3, l2_regularization_strength=0.1,
                                                      l2_shrinkage_regularization_strength=0.2),
     {"accum": _full(0.1), "linear": _zeros},
     partial(ref.step_ftrl, lr=0.3, l1=0.0, l2=0.1, lr_power=-0.5, l2_shrinkage=0.2),
     {"accum": "Ftrl", "linear": "Ftrl_1"}),
    # RMSProp's mean square starts at 1.0
    ("rmsprop", lambda: tf.train.RMSPropOptimizer(0.02), {"rms": _full(1.0), "momentum": _zeros},
     partial(ref.step_rmsprop, lr=0.02, decay=0.9, momentum=0.0, epsilon=1e-10),
     {"rms": "RMSProp", "momentum": "RMSProp_1"}),
    ("rmsprop_momentum", lambda: tf.train.RMSPropOptimizer(0.02, decay=0.8, momentum=0.5, epsilon=0.1),
     {"rms": _full(1.0), "momentum": _zeros},
     partial(ref.step_rmsprop, lr=0.02, decay=0.8, momentum=0.5, epsilon=0.1),
     {"rms": "RMSProp", "momentum": "RMSProp_1"}),
    ("rmsprop_centered", lambda: tf.train.RMSPropOptimizer(0.02, decay=0.8, momentum=0.5, epsilon=0.1,
                                                           centered=True),
     {"rms": _full(1.0), "mg": _zeros, "momentum": _zeros},
     partial(ref.step_rmsprop, lr=0.02, decay=0.8, momentum=0.5, epsilon=0.1, centered=True),
     {"rms": "RMSProp", "mg": "RMSProp_1", "momentum": "RMSProp_2"}),
    ("proximal_sgd", lambda: tf.train.ProximalGradientDescentOptimizer(0.1, l1_regularization_strength=0.02,
                                                                       l2_regularization_strength=0.05),
     {}, partial(ref.step_proximal_gradient_descent, lr=0.1, l1=0.02, l2=0.05), {}),
    ("proximal_sgd_l2",
     lambda: tf.train.ProximalGradientDescentOptimizer(0.1, l2_regularization_strength=0.5),
     {}, partial(ref.step_proximal_gradient_descent, lr=0.1, l1=0.0, l2=0.5), {}),
    ("proximal_adagrad", lambda: tf.train.ProximalAdagradOptimizer(
        0.3, initial_accumulator_value=0.2, l1_regularization_strength=0.02, l2_regularization_strength=0.05),
     {"accumulator": _full(0.2)},
     partial(ref.step_proximal_adagrad, lr=0.3, l1=0.02, l2=0.05), {"accumulator": "ProximalAdagrad"}),
]


def _build():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    w = tf.Variable(W0, name="w")
    b = tf.Variable(B0, name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    return w, b, loss, {x: X, y: Y}


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_ten_steps_match_tf1_kernel(case):
    name, make_opt, slot_inits, np_step, slot_ops = case
    w, b, loss, feed = _build()
    gs = tf.train.get_or_create_global_step()
    opt = make_opt()
    train = opt.minimize(loss, global_step=gs)

    params = {"w": W0.astype(np.float64), "b": B0.astype(np.float64)}
    slots = {k: {s: init(params[k]) for s, init in slot_inits.items()} for k in params}
    is_adam = name.startswith("adam")
    if is_adam:
        b1, b2 = np_step.keywords["beta1"], np_step.keywords["beta2"]
        powers = [b1, b2]
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(STEPS):
            s.run(train, feed)
            grads = dict(zip(("w", "b"), _numpy_grads(params["w"], params["b"])))
            for k in params:
                extra = {"beta1_power": powers[0], "beta2_power": powers[1]} if is_adam else {}
                params[k], slots[k] = np_step(params[k], grads[k], slots[k], **extra)
            if is_adam:
                powers = [powers[0] * b1, powers[1] * b2]
        np.testing.assert_allclose(s.run(w), params["w"], rtol=2e-5, atol=2e-6)
        np.testing.assert_allclose(s.run(b), params["b"], rtol=2e-5, atol=2e-6)
        assert s.run(gs) == STEPS
        assert opt.get_slot_names() == sorted(slot_inits)
        for var, key in ((w, "w"), (b, "b")):
            for slot_name, op_name in slot_ops.items():
                slot = opt.get_slot(var, slot_name)
                assert slot.name == f"{key}/{op_name}:0"
                assert not slot.trainable
                np.testing.assert_allclose(s.run(slot), slots[key][slot_name], rtol=2e-5, atol=2e-6)
        if is_adam:
            by_name = {v.name: v for v in tf.global_variables()}
            np.testing.assert_allclose(s.run(by_name["beta1_power:0"]), powers[0], rtol=1e-6)
            np.testing.assert_allclose(s.run(by_name["beta2_power:0"]), powers[1], rtol=1e-6)
        assert opt.get_slot(w, "no_such_slot") is None


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_one_step_is_one_jitted_program(case):
    """The whole train step (loss, gradients, every variable's update) is one jitted segment, traced once."""
    w, b, loss, feed = _build()
    train = case[1]().minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s._plans.clear()
        for _ in range(3):
            s.run(train, feed)
        (plan,) = s._plans.values()
        assert len(plan.segments) == 1 and not plan.segments[0].host
        assert plan.trace_count == 1


def test_float64_variables_train_like_float32_ones():
    v = tf.Variable(np.array([1.0, -2.0]), name="v")       # float64
    assert v.dtype.base_dtype == tf.float64
    opt = tf.train.AdamOptimizer(0.1)
    train = opt.minimize(tf.reduce_sum(tf.square(v)))
    # as in TF1, the hyperparameters are float32 tensors and beta1_power/beta2_power float32
    # variables, cast to the variable's dtype by the update op
    f32 = np.float32
    lr, b1, b2, eps = (float(f32(x)) for x in (0.1, 0.9, 0.999, 1e-8))
    var, slots, p1, p2 = np.array([1.0, -2.0]), {"m": np.zeros(2), "v": np.zeros(2)}, f32(0.9), f32(0.999)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(5):
            s.run(train)
            var, slots = ref.step_adam(var, 2 * var, slots, lr, b1, b2, eps, float(p1), float(p2))
            p1, p2 = p1 * f32(0.9), p2 * f32(0.999)
        np.testing.assert_allclose(s.run(v), var, rtol=1e-12)
        assert opt.get_slot(v, "m").dtype.base_dtype == tf.float64


def test_learning_rate_tensor_fed_each_step_with_momentum():
    v = tf.Variable([1.0, 2.0], name="v")
    lr = tf.placeholder(tf.float32, [])
    train = tf.train.MomentumOptimizer(lr, 0.5).minimize(tf.reduce_sum(v * v))
    var, slots = np.array([1.0, 2.0]), {"momentum": np.zeros(2)}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for rate in (0.1, 0.05, 0.2):
            s.run(train, {lr: rate})
            var, slots = ref.step_momentum(var, 2 * var, slots, rate, 0.5)
        np.testing.assert_allclose(s.run(v), var, rtol=1e-6)


def test_callable_hyperparameters():
    v = tf.Variable([1.0, 2.0], name="v")
    train = tf.train.RMSPropOptimizer(lambda: 0.1, decay=lambda: 0.5, momentum=lambda: 0.2,
                                      epsilon=lambda: 0.01).minimize(tf.reduce_sum(v * v))
    var = np.array([1.0, 2.0])
    slots = {"rms": np.ones(2), "momentum": np.zeros(2)}
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(3):
            s.run(train)
            var, slots = ref.step_rmsprop(var, 2 * var, slots, 0.1, 0.5, 0.2, 0.01)
        np.testing.assert_allclose(s.run(v), var, rtol=1e-6)


@pytest.mark.parametrize("make, message", [
    (lambda: tf.train.AdagradOptimizer(0.1, initial_accumulator_value=0.0), "must be positive"),
    (lambda: tf.train.ProximalAdagradOptimizer(0.1, initial_accumulator_value=-1.0), "must be positive"),
    (lambda: tf.train.FtrlOptimizer(0.1, learning_rate_power=0.5), "learning_rate_power"),
    (lambda: tf.train.FtrlOptimizer(0.1, l1_regularization_strength=-1.0), "l1_regularization_strength"),
    (lambda: tf.train.FtrlOptimizer(0.1, initial_accumulator_value=-0.1), "initial_accumulator_value"),
])
def test_invalid_hyperparameters_raise_value_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_to_optax_runs_the_same_rule_in_plain_jax(case):
    """opt.to_optax() is the transform the graph's update ops run: same numbers in a pure JAX loop."""
    import jax
    import jax.numpy as jnp
    import optax

    w, b, loss, feed = _build()
    opt = case[1]()
    train = opt.minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(STEPS):
            s.run(train, feed)
        want = s.run([w, b])

    def jax_loss(p):
        return jnp.mean(jnp.square(X @ p["w"] + p["b"] - Y))

    tx = opt.to_optax()
    params = {"w": jnp.asarray(W0), "b": jnp.asarray(B0)}
    state = tx.init(params)

    @jax.jit
    def step(params, state):
        updates, state = tx.update(jax.grad(jax_loss)(params), state, params)
        return optax.apply_updates(params, updates), state

    for _ in range(STEPS):
        params, state = step(params, state)
    np.testing.assert_allclose(params["w"], want[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(params["b"], want[1], rtol=1e-5, atol=1e-5)


def test_to_optax_needs_python_numbers():
    with pytest.raises(ValueError, match="learning_rate is a tensor"):
        tf.train.AdamOptimizer(tf.constant(0.1)).to_optax()


# Sparse updates: a variable reached only through tf.gather / embedding_lookup gets an IndexedSlices
# gradient in TF1, and the optimizer updates only the looked-up rows (SparseApplyMomentum, ...): an
# accumulator of a row not looked up this step does not move its row. Expected values recorded from
# TF 2.21's tf.compat.v1 (two steps: ids [0, 0, 2], then [1]).
E0 = np.array([[1., -2.], [0.5, 0.25], [-1., 3.], [2., 2.]], np.float32)
SPARSE_CASES = [
    ("momentum", lambda: tf.train.MomentumOptimizer(0.1, 0.9),
     [[1.0, -0.79999995], [0.6, 0.4], [-0.6, 2.6], [2.0, 2.0]]),
    ("ftrl_l1", lambda: tf.train.FtrlOptimizer(0.5, l1_regularization_strength=0.1),
     [[0.0, -1.4433221], [0.7783025, 0.6550586], [-0.41028312, 2.252661], [2.0, 2.0]]),
    ("rmsprop_momentum", lambda: tf.train.RMSPropOptimizer(0.1, momentum=0.5),
     [[1.0, -1.693214], [0.6, 0.39142138], [-0.7470178, 2.7470179], [2.0, 2.0]]),
]


@pytest.mark.parametrize("lookup", ["gather", "embedding_lookup"])
@pytest.mark.parametrize("name,make,want", SPARSE_CASES, ids=[c[0] for c in SPARSE_CASES])
def test_gathered_variable_updates_only_the_looked_up_rows(name, make, want, lookup):
    emb = tf.Variable(E0)
    ids = tf.placeholder(tf.int32, [None])
    rows = tf.gather(emb, ids) if lookup == "gather" else tf.nn.embedding_lookup(emb, ids)
    train = make().minimize(tf.reduce_sum(tf.square(rows - 1.0)))
    assert any(op.type.startswith("SparseApply") for op in tf.get_default_graph().get_operations())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {ids: [0, 0, 2]})
        sess.run(train, {ids: [1]})
        np.testing.assert_allclose(sess.run(emb), want, rtol=1e-5, atol=1e-6)


def test_variable_also_used_densely_gets_the_dense_update():
    emb = tf.Variable(E0)
    loss = tf.reduce_sum(tf.gather(emb, [0])) + tf.reduce_sum(emb * 0.0)
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss)
    types = [op.type for op in train.graph.get_operations()]
    assert "ApplyMomentum" in types and not any(t.startswith("SparseApply") for t in types)
