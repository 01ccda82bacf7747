"""compat_tf.export: a TF1 graph as a pure JAX function / train step, checked against Session.run."""
import collections

import jax
import jax.numpy as jnp
import numpy as np
import pytest

import compat_tf as tf
import compat_tf.export as export


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _mlp(seed=0):
    """A 3-4-2 MLP with a squared-error loss; returns (x, y, logits, loss)."""
    tf.set_random_seed(seed)
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    h = tf.layers.dense(x, 4, activation=tf.nn.tanh, name="hidden")
    logits = tf.layers.dense(h, 2, name="out")
    loss = tf.reduce_mean(tf.square(logits - y))
    return x, y, logits, loss


def _data(n=5, seed=1):
    rs = np.random.RandomState(seed)
    return rs.randn(n, 3).astype(np.float32), rs.randn(n, 2).astype(np.float32)


# -- inference ----------------------------------------------------------------------------


def test_exported_function_equals_session_run_with_nested_fetches():
    x, y, logits, loss = _mlp()
    Pair = collections.namedtuple("Pair", "a b")
    fetches = {"logits": logits, "pair": Pair(loss, tf.nn.softmax(logits)), "list": [tf.reduce_sum(logits)]}
    xs, ys = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        # move the weights away from their initial values, so params must come from the session
        sess.run(tf.train.GradientDescentOptimizer(0.5).minimize(loss), {x: xs, y: ys})
        want = sess.run(fetches, {x: xs, y: ys})
        fn, params = export.to_jax_function(fetches, [x, y], session=sess)
    # the session is closed: the function does not need it
    got = jax.jit(fn)(params, xs, ys)
    assert set(got) == {"logits", "pair", "list"}
    assert isinstance(got["pair"], Pair) and isinstance(got["list"], list)
    np.testing.assert_allclose(got["logits"], want["logits"], rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(got["pair"].a, want["pair"].a, rtol=1e-6)
    np.testing.assert_allclose(got["pair"].b, want["pair"].b, rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(got["list"][0], want["list"][0], rtol=1e-6)


def test_params_are_keyed_by_tf_variable_names_and_hold_session_values():
    x, y, logits, loss = _mlp()
    unused = tf.Variable(3.0, name="unused", trainable=False)   # not read by the fetches: not a param
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(tf.assign(unused, 4.0))
        fn, params = export.to_jax_function(logits, [x], session=sess)
        assert set(params) == {"hidden/kernel", "hidden/bias", "out/kernel", "out/bias"}
        for v in tf.trainable_variables():
            assert v.op.name in params
            np.testing.assert_array_equal(params[v.op.name], sess.run(v))
            assert params[v.op.name].dtype == jnp.float32
        # params are copies: training the session further leaves them as they were
        before = np.array(params["out/bias"])
        sess.run(tf.assign_add(tf.trainable_variables()[-1], [1.0, 1.0]))
        np.testing.assert_array_equal(params["out/bias"], before)
        _, with_extra = export.to_jax_function(logits, [x], session=sess, variables=[unused])
        assert float(with_extra["unused"]) == 4.0


def test_params_from_initializers_without_a_session():
    x = tf.placeholder(tf.float32, [2])
    a = tf.Variable([1.0, 2.0], name="a")
    b = tf.Variable(a.initialized_value() * 10.0, name="b")   # initial value reads another variable
    fn, params = export.to_jax_function(x * b + a, [x])
    np.testing.assert_array_equal(params["a"], [1.0, 2.0])
    np.testing.assert_array_equal(params["b"], [10.0, 20.0])
    np.testing.assert_array_equal(fn(params, np.array([1.0, -1.0], np.float32)), [11.0, -18.0])
    # a different params dict gives a different answer: the variables really are arguments
    np.testing.assert_array_equal(fn({"a": jnp.zeros(2), "b": jnp.ones(2)}, np.ones(2, np.float32)), [1.0, 1.0])


def test_dict_and_single_feeds():
    x, y, logits, loss = _mlp()
    xs, ys = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(loss, {x: xs, y: ys})
        fn, params = export.to_jax_function(loss, {"inputs": x, "labels": y}, session=sess)
        np.testing.assert_allclose(fn(params, {"inputs": xs, "labels": ys}), want, rtol=1e-6)
        single, _ = export.to_jax_function(logits, x, session=sess)
        np.testing.assert_allclose(single(params, xs), sess.run(logits, {x: xs}), rtol=1e-6, atol=1e-7)
    with pytest.raises(TypeError, match="labels"):
        fn(params, {"inputs": xs})
    with pytest.raises(ValueError, match="shape"):
        single(params, xs[:, :2])


def test_missing_feed_is_a_clear_error():
    x, y, logits, loss = _mlp()
    with pytest.raises(ValueError, match="placeholder 'y'.*not in `feeds`"):
        export.to_jax_function(loss, [x])


# -- transformations --------------------------------------------------------------------


def test_jax_grad_of_exported_loss_equals_tf_gradients():
    x, y, logits, loss = _mlp()
    variables = tf.trainable_variables()
    grads = tf.gradients(loss, variables)
    xs, ys = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(grads, {x: xs, y: ys})
        fn, params = export.to_jax_function(loss, [x, y], session=sess)
    got = jax.jit(jax.grad(fn))(params, xs, ys)
    assert set(got) == set(params)
    for v, g in zip(variables, want):
        assert np.abs(g).max() > 0
        np.testing.assert_allclose(got[v.op.name], g, rtol=1e-5, atol=1e-6)
    # gradient with respect to an input too
    gx = jax.grad(lambda p, xv: fn(p, xv, ys), argnums=1)(params, xs)
    with tf.Session() as sess:
        export.load_state(sess, params)
        np.testing.assert_allclose(gx, sess.run(tf.gradients(loss, x)[0], {x: xs, y: ys}), rtol=1e-5, atol=1e-6)


def test_vmap_over_single_examples_equals_the_batched_run():
    x, y, logits, loss = _mlp()
    xs, _ = _data(n=6)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        batched = sess.run(logits, {x: xs})
        fn, params = export.to_jax_function(logits, [x], session=sess)
    per_example = jax.vmap(fn, in_axes=(None, 0))(params, xs[:, None, :])   # each example a [1, 3] batch
    assert per_example.shape == (6, 1, 2)
    np.testing.assert_allclose(per_example[:, 0, :], batched, rtol=1e-6, atol=1e-6)
    # vmap over params too: an ensemble of two weight sets
    params2 = jax.tree_util.tree_map(lambda a: jnp.stack([a, 2 * a]), params)
    ens = jax.vmap(fn, in_axes=(0, None))(params2, xs)
    np.testing.assert_allclose(ens[0], batched, rtol=1e-6, atol=1e-6)
    assert not np.allclose(ens[1], batched)


def test_pmap_runs_the_exported_function():
    x, y, logits, loss = _mlp()
    xs, _ = _data(n=4)
    n = jax.local_device_count()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(logits, {x: xs})
        fn, params = export.to_jax_function(logits, [x], session=sess)
    got = jax.pmap(fn, in_axes=(None, 0))(params, np.stack([xs] * n))
    for i in range(n):
        np.testing.assert_allclose(got[i], want, rtol=1e-6, atol=1e-6)


# -- random ops ----------------------------------------------------------------------------


def test_random_ops_take_an_rng_argument():
    x = tf.placeholder(tf.float32, [None, 8])
    out = tf.nn.dropout(x, keep_prob=0.5, seed=3)
    fn, params = export.to_jax_function(out, [x])
    assert params == {}
    xs = np.ones((4, 8), np.float32)
    a, a2, b = fn(params, xs, rng=1), jax.jit(fn)(params, xs, rng=1), fn(params, xs, rng=2)
    np.testing.assert_array_equal(a, a2)                    # pure: same rng, same numbers
    assert not np.array_equal(a, b)                         # another rng, another mask
    assert set(np.unique(np.asarray(a))) <= {0.0, 2.0}
    k = fn(params, xs, rng=jax.random.PRNGKey(0))           # a PRNG key works too
    assert set(np.unique(np.asarray(k))) <= {0.0, 2.0}
    # the counter is the Session's run counter: same numbers as that Session.run
    with tf.Session() as sess:
        got = sess.run(out, {x: xs})
        counter = sess._rng_counter
    np.testing.assert_array_equal(fn(params, xs, rng=counter), got)


# -- training steps ------------------------------------------------------------------------


def _train_graph(dropout=False):
    x, y, logits, loss = _mlp()
    if dropout:
        loss = loss + 0.01 * tf.reduce_sum(tf.nn.dropout(logits, keep_prob=0.7))
    gs = tf.train.get_or_create_global_step()
    train_op = tf.train.AdamOptimizer(0.05).minimize(loss, global_step=gs)
    return x, y, loss, gs, train_op


def test_jitted_adam_step_five_times_equals_five_session_runs():
    x, y, loss, gs, train_op = _train_graph()
    xs, ys = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        step, state = export.to_jax_step(loss, [x, y], train_op, session=sess)
        names = {v.op.name for v in tf.global_variables()}
        # weights, Adam's m and v slots, beta powers and global_step; no RNG counter (no random ops)
        assert set(state) == names
        assert {"hidden/kernel/Adam", "hidden/kernel/Adam_1", "beta1_power", "global_step"} <= set(state)
        jstep = jax.jit(step, donate_argnums=0)
        s, jax_losses = state, []
        for _ in range(5):
            lv, s = jstep(s, xs, ys)
            jax_losses.append(float(lv))
        tf_losses = [sess.run([loss, train_op], {x: xs, y: ys})[0] for _ in range(5)]
        np.testing.assert_allclose(jax_losses, tf_losses, rtol=1e-6)
        assert tf_losses[-1] < tf_losses[0]
        assert int(s["global_step"]) == 5 == sess.run(gs)
        for v in tf.global_variables():
            np.testing.assert_allclose(s[v.op.name], sess.run(v), rtol=1e-6, atol=1e-7, err_msg=v.op.name)


def test_step_runs_in_lax_scan_and_load_state_goes_back_to_the_session():
    x, y, loss, gs, train_op = _train_graph()
    xs, ys = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        step, state = export.to_jax_step([loss, train_op], [x, y], session=sess)

        def body(s, _):
            (lv, none), s = step(s, xs, ys)
            assert none is None
            return s, lv
        final, losses = jax.jit(lambda s: jax.lax.scan(body, s, None, length=4))(state)
        assert losses.shape == (4,) and losses[-1] < losses[0]
        export.load_state(sess, final)
        assert sess.run(gs) == 4
        # the session continues from the JAX state exactly as the JAX step does
        (lv_jax, _), _ = step(final, xs, ys)
        lv_tf, _ = sess.run([loss, train_op], {x: xs, y: ys})
        np.testing.assert_allclose(lv_jax, lv_tf, rtol=1e-6)
        # and a state taken again from the session picks up the session's step
        _, state2 = export.to_jax_step(loss, [x, y], train_op, session=sess)
        assert int(state2["global_step"]) == 5
    with tf.Session() as sess:
        with pytest.raises(ValueError, match="shape"):
            export.load_state(sess, {"hidden/kernel": np.zeros((2, 2), np.float32)})
        with pytest.raises(KeyError, match="nope"):
            export.load_state(sess, {"nope": np.zeros(2)})


def test_step_with_dropout_keeps_the_session_rng_stream():
    x, y, loss, gs, train_op = _train_graph(dropout=True)
    xs, ys = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        step, state = export.to_jax_step(loss, [x, y], train_op, session=sess)
        assert export.RNG_COUNTER_KEY in state
        s = state
        jstep = jax.jit(step)
        jl = []
        for _ in range(3):
            lv, s = jstep(s, xs, ys)
            jl.append(float(lv))
        tl = [sess.run([loss, train_op], {x: xs, y: ys})[0] for _ in range(3)]
        np.testing.assert_allclose(jl, tl, rtol=1e-6)
        assert len(set(jl)) == 3
        assert int(s[export.RNG_COUNTER_KEY]) == sess._rng_counter
        for v in tf.trainable_variables():
            np.testing.assert_allclose(s[v.op.name], sess.run(v), rtol=1e-6, atol=1e-7)


# -- what cannot be exported -----------------------------------------------------------


def test_string_op_graph_gives_a_clear_error():
    x = tf.placeholder(tf.float32, [])
    s = tf.as_string(x, name="to_text")
    n = tf.strings.length(s, name="text_len")
    with pytest.raises(ValueError, match=r"cannot be traced.*'to_text' \(AsString\) works on strings"):
        export.to_jax_function(n, [x])


def test_queue_graph_gives_a_clear_error_and_feeding_past_it_works():
    q = tf.FIFOQueue(10, [tf.float32], shapes=[[2]], name="inputs_queue")
    batch = q.dequeue(name="next_batch")
    out = batch * 2.0
    with pytest.raises(ValueError, match=r"'next_batch' \(QueueDequeueV2\).*queue"):
        export.to_jax_function(out, [])
    fn, _ = export.to_jax_function(out, [batch])          # the dequeued value as an argument
    np.testing.assert_array_equal(fn({}, np.array([1.0, 2.0], np.float32)), [2.0, 4.0])


def test_iterator_graph_gives_a_clear_error():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(6, dtype=np.float32)).batch(2)
    nxt = ds.make_one_shot_iterator().get_next()
    with pytest.raises(ValueError, match=r"IteratorGetNext.*host resource"):
        export.to_jax_function(nxt + 1.0, [])


def test_py_func_gives_a_clear_error():
    x = tf.placeholder(tf.float32, [3])
    y = tf.py_func(lambda a: a * 2, [x], tf.float32, name="my_py_func")
    with pytest.raises(ValueError, match=r"'my_py_func' \(PyFunc\).*Python function"):
        export.to_jax_function(y + 1.0, [x])


def test_assert_raises_unless_checks_are_dropped():
    x = tf.placeholder(tf.float32, [3])
    with tf.control_dependencies([tf.Assert(tf.reduce_all(x > 0), [x], name="positive")]):
        y = tf.identity(x * 3.0)
    z = tf.check_numerics(y, "bad") + 1.0
    with pytest.raises(ValueError, match=r"'positive.*Assert.*drop_checks=True"):
        export.to_jax_function(z, [x])
    fn, _ = export.to_jax_function(z, [x], drop_checks=True)
    np.testing.assert_array_equal(jax.jit(fn)({}, np.array([1.0, -2.0, 3.0], np.float32)), [4.0, -5.0, 10.0])


def test_cond_while_and_batch_norm_update_ops_export():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    flag = tf.placeholder(tf.bool, [], name="flag")
    w = tf.Variable(np.full((3, 3), 0.5, np.float32), name="w")
    h = tf.cond(flag, lambda: tf.matmul(x, w), lambda: x * 2.0)
    _, acc = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * 1.5), [tf.constant(0), h],
                           maximum_iterations=5)
    bn = tf.layers.batch_normalization(acc, training=True, name="bn")
    loss = tf.reduce_sum(bn ** 2 * tf.range(1.0, 4.0)) + tf.reduce_sum(acc)
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train_op = tf.train.MomentumOptimizer(0.01, 0.9).minimize(loss)
    xs, _ = _data(n=4)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        fn, params = export.to_jax_function(loss, [x, flag], session=sess)
        for f in (True, False):
            np.testing.assert_allclose(jax.jit(fn)(params, xs, f), sess.run(loss, {x: xs, flag: f}), rtol=1e-6)
        # vmap over the cond's predicate too
        both = jax.vmap(fn, in_axes=(None, 0, 0))(params, np.stack([xs, xs]), np.array([True, False]))
        np.testing.assert_allclose(both, [sess.run(loss, {x: xs, flag: f}) for f in (True, False)], rtol=1e-6)
        gw = jax.grad(fn)(params, xs, True)["w"]
        np.testing.assert_allclose(gw, sess.run(tf.gradients(loss, w)[0], {x: xs, flag: True}), rtol=1e-5)

        step, state = export.to_jax_step(loss, [x, flag], train_op, session=sess)
        assert {"bn/moving_mean", "bn/moving_variance", "w/Momentum"} <= set(state)
        s = state
        for _ in range(3):
            jl, s = jax.jit(step)(s, xs, True)
            tl, _ = sess.run([loss, train_op], {x: xs, flag: True})
            np.testing.assert_allclose(jl, tl, rtol=1e-5)
        assert np.abs(np.asarray(s["bn/moving_mean"])).max() > 0      # the update ops ran
        for k in state:
            # bn/beta's gradient is zero up to rounding (batch-normalised values sum to zero), so its
            # Momentum slot is float noise of ~1e-7 that depends on the order of additions
            np.testing.assert_allclose(s[k], sess.run(k + ":0"), rtol=1e-5, atol=1e-5, err_msg=k)


def test_imported_frozen_graph_exports_by_tensor_names():
    x, y, logits, loss = _mlp()
    xs, _ = _data()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        want = sess.run(logits, {x: xs})
        frozen = tf.graph_util.convert_variables_to_constants(sess, sess.graph.as_graph_def(), [logits.op.name])
    with tf.Graph().as_default():
        tf.import_graph_def(frozen, name="m")
        fn, params = export.to_jax_function("m/" + logits.name, ["m/x:0"])
        assert params == {}                       # frozen: the weights are constants
        np.testing.assert_allclose(jax.jit(fn)(params, xs), want, rtol=1e-6, atol=1e-6)
