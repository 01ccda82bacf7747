"""Lowerings traced once per op signature and replayed (compat_tf/_src/runtime/trace_cache.py).

A replayed trace must compute what the lowering computes: the same values and state updates as
with the cache off, static values (shapes) kept static, attributes and concrete inputs told apart,
run-time checks naming the op being run now, and an optimizer's new learning rate used.
"""
import numpy as np
import pytest

import compat_tf as tf
from _jaxprs import step_jaxpr
from _jaxprs import walk
from compat_tf._src.framework import registry
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import run_checks
from compat_tf._src.runtime import trace_cache


@pytest.fixture(autouse=True)
def fresh_cache():
    trace_cache.clear()
    yield
    trace_cache.clear()


@pytest.fixture
def cache_off(monkeypatch):
    def off():
        monkeypatch.setattr(trace_cache, "ENABLED", False)
    return off


def _mlp_trajectory(lr, steps=3, optimizer=tf.train.AdamOptimizer):
    """Losses and final weights of a small MLP trained on a fixed batch, in a new graph."""
    rs = np.random.RandomState(0)
    xb = rs.rand(16, 8).astype(np.float32)
    yb = rs.randint(0, 3, 16).astype(np.int64)
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 8])
        y = tf.placeholder(tf.int64, [None])
        w1 = tf.Variable(rs.randn(8, 8).astype(np.float32) * 0.3)
        w2 = tf.Variable(rs.randn(8, 3).astype(np.float32) * 0.3)
        h = tf.nn.relu(tf.matmul(x, w1))
        logits = tf.matmul(h, w2)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = optimizer(lr).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([loss, train], {x: xb, y: yb})[0] for _ in range(steps)]
            return np.array(losses), sess.run(w1)


def test_later_graphs_replay_the_first_ones_traces_with_the_same_results(cache_off):
    runs, hits = [], []
    for _ in range(3):
        runs.append(_mlp_trajectory(0.1))
        hits.append(trace_cache.Stats.hits)
    # the forward ops are lowered under jax.vjp (the Gradients op): replayed from the third graph
    # on; the update of each variable (outside it) from the second
    assert hits[0] < hits[1] < hits[2] and hits[2] - hits[1] > hits[1] - hits[0] + 3
    cache_off()
    reference = _mlp_trajectory(0.1)
    for run in runs:
        for a, r in zip(run, reference):
            np.testing.assert_allclose(a, r, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("optimizer", [tf.train.AdamOptimizer, lambda lr: tf.train.MomentumOptimizer(lr, 0.9),
                                       tf.train.GradientDescentOptimizer])
def test_a_new_learning_rate_reuses_the_update_trace_and_is_used(cache_off, optimizer):
    _mlp_trajectory(0.01, optimizer=optimizer)
    slow, fast = _mlp_trajectory(0.001, optimizer=optimizer), _mlp_trajectory(0.3, optimizer=optimizer)
    cache_off()
    np.testing.assert_allclose(slow[0], _mlp_trajectory(0.001, optimizer=optimizer)[0], rtol=1e-6)
    np.testing.assert_allclose(fast[0], _mlp_trajectory(0.3, optimizer=optimizer)[0], rtol=1e-6)
    assert not np.allclose(slow[0], fast[0])


def test_shapes_computed_from_a_traced_input_stay_static():
    for _ in range(3):      # the later graphs meet the cache
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 2, 3])
            flat = tf.reshape(x, [tf.shape(x)[0], tf.size(x[0])])
            out = tf.tile(flat, [1, tf.shape(x)[1]])
            with tf.Session() as sess:
                got = sess.run(out, {x: np.arange(12, dtype=np.float32).reshape(2, 2, 3)})
        np.testing.assert_array_equal(got, np.tile(np.arange(12, dtype=np.float32).reshape(2, 6), [1, 2]))


@pytest.mark.parametrize("make", [
    lambda x: tf.nn.leaky_relu(x, alpha=0.1), lambda x: tf.nn.leaky_relu(x, alpha=0.3),
    lambda x: tf.reduce_sum(x, axis=0), lambda x: tf.reduce_sum(x, axis=1),
    lambda x: x + tf.constant([1.0, 2.0, 3.0]), lambda x: x + tf.constant([1.0, 2.0, -3.0]),
])
def test_attributes_and_concrete_inputs_are_part_of_the_key(make):
    xv = np.array([[-1.0, 2.0, -3.0], [4.0, -5.0, 6.0]], np.float32)
    results = []
    for _ in range(2):
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [2, 3])
            ops = [tf.nn.leaky_relu(x * 1.0, alpha=0.1), tf.nn.leaky_relu(x * 1.0, alpha=0.3),
                   tf.reduce_sum(x * 1.0, axis=0), tf.reduce_sum(x * 1.0, axis=1),
                   x * 1.0 + tf.constant([1.0, 2.0, 3.0]), x * 1.0 + tf.constant([1.0, 2.0, -3.0]),
                   make(x * 1.0)]
            with tf.Session() as sess:
                results.append(sess.run(ops, {x: xv}))
    expected = [np.where(xv > 0, xv, 0.1 * xv), np.where(xv > 0, xv, 0.3 * xv), xv.sum(0), xv.sum(1),
                xv + [1, 2, 3], xv + [1, 2, -3]]
    for got in results:
        for g, e in zip(got, expected):
            np.testing.assert_allclose(g, e, rtol=1e-6)
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [2, 3])
            with tf.Session() as sess:
                np.testing.assert_allclose(got[-1], sess.run(make(x), {x: xv}), rtol=1e-6)


def _gather_run(name, index):
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int32, [2])
        params = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2))
        offset = tf.Variable(0)
        # the ids depend on a variable, so the check is made inside the step (not before it,
        # from the fed ids alone: runtime/prechecks.py)
        out = tf.gather(params, ids + offset, name=name)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            return sess.run(out, {ids: np.array([0, index], np.int32)})


def test_a_replayed_check_names_the_op_being_run():
    np.testing.assert_array_equal(_gather_run("first_gather", 1), [[0, 1], [2, 3]])
    np.testing.assert_array_equal(_gather_run("second_gather", 2), [[0, 1], [4, 5]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="third_gather") as e:
        _gather_run("third_gather", 7)
    assert "7" in str(e.value)


@pytest.mark.parametrize("cached_with_checks", [True, False])
def test_a_trace_cached_with_checks_on_or_off_is_not_replayed_with_the_other(cached_with_checks):
    prev = run_checks.set_enabled(cached_with_checks)
    try:
        _gather_run("g", 1)
        _gather_run("g", 1)
        run_checks.set_enabled(not cached_with_checks)
        if cached_with_checks:
            np.testing.assert_array_equal(_gather_run("g", 9)[1], [0, 0])   # unchecked: zeros
        else:
            with pytest.raises(tf.errors.InvalidArgumentError, match="9"):
                _gather_run("g", 9)
    finally:
        run_checks.set_enabled(prev)


def test_a_direct_lowering_of_array_ops_inlines_jax_numpys_own_jits_with_the_same_values(monkeypatch):
    """A signature's direct lowering runs jax.numpy's nested jits inline (under jax.disable_jit:
    a fresh process does not trace them one by one) for the plain array-op modules only; the
    values are those of the jitted code."""
    assert lowering._inlinable(registry.get("Softmax")) and lowering._inlinable(registry.get("Mul"))
    assert not lowering._inlinable(registry.get("While")) and not lowering._inlinable(registry.get("RandomUniform"))

    def run(inline):
        monkeypatch.setattr(trace_cache, "INLINE_DIRECT", inline)
        trace_cache.clear()
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [4, 3])
            outs = [tf.nn.softmax(tf.clip_by_value(x * 2.0, -1.0, 1.5)), tf.reduce_logsumexp(x, axis=1),
                    tf.nn.top_k(x, 2).values, tf.argmax(x, 1), tf.cumsum(x, axis=1, reverse=True),
                    tf.gather(x, [2, 0]), tf.nn.l2_normalize(x, 1)]
            loss = tf.reduce_sum(outs[0] * outs[-1])
            outs.append(tf.gradients(loss, x)[0])
            with tf.Session() as sess:
                xv = np.linspace(-2, 2, 12, dtype=np.float32).reshape(4, 3)
                return [sess.run(outs, {x: xv}) for _ in range(3)]     # direct, replayed, compiled
    for inlined, jitted in zip(run(True), run(False)):
        for a, b in zip(inlined, jitted):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)


def test_loops_stay_loops_when_array_ops_are_inlined():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3])
        _, total = tf.while_loop(lambda i, s: i < 5, lambda i, s: (i + 1, s + tf.nn.relu(x)), [0, tf.zeros([3])])
        with tf.Session() as sess:
            jaxpr = step_jaxpr(sess, total, {x: np.array([1.0, -2.0, 3.0], np.float32)})
            np.testing.assert_allclose(sess.run(total, {x: np.array([1.0, -2.0, 3.0], np.float32)}), [5, 0, 15])
    assert any(e.primitive.name == "while" for e in walk(jaxpr))


@pytest.mark.parametrize("a,b", [(True, 1), (0.0, -0.0), (1, 1.0), ([1, 2], (1, 2)),
                                 (np.float32(1), np.float64(1)), (np.array([1, 2]), np.array([[1, 2]]))])
def test_keys_tell_apart_values_python_calls_equal(a, b):
    """(the same bytes in another shape, equal numbers of other types: different lowerings)"""
    assert trace_cache._frozen(a) != trace_cache._frozen(b)
