"""tf.cond / tf.case / tf.while_loop: values, untaken branches, state, gradients, compile count."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_cond_selects_branch_and_nested_structures():
    x, flag = tf.placeholder(tf.float32, []), tf.placeholder(tf.bool, [])
    single = tf.cond(flag, lambda: x * 2.0, lambda: x - 3.0)
    pair = tf.cond(flag, lambda: (x, x + 1.0), lambda: (x - 1.0, x))
    d = tf.cond(flag, lambda: {"a": x, "b": [x * 3.0]}, lambda: {"a": -x, "b": [x]})
    with tf.Session() as s:
        assert s.run(single, {x: 5.0, flag: True}) == 10.0
        assert s.run(single, {x: 5.0, flag: False}) == 2.0
        assert s.run(pair, {x: 5.0, flag: False}) == (4.0, 5.0)
        out = s.run(d, {x: 2.0, flag: True})
        assert out["a"] == 2.0 and out["b"] == [6.0]


def test_cond_rejects_mismatched_branches():
    with pytest.raises(ValueError):
        tf.cond(tf.constant(True), lambda: tf.constant(1.0), lambda: tf.constant(1))
    with pytest.raises(ValueError):
        tf.cond(tf.constant(True), lambda: (tf.constant(1.0), tf.constant(2.0)), lambda: tf.constant(1.0))
    with pytest.raises(TypeError):
        tf.cond(tf.constant(True), 1.0, lambda: tf.constant(1.0))


def test_untaken_branch_assign_does_not_run():
    v = tf.Variable(1.0)
    flag = tf.placeholder(tf.bool, [])
    out = tf.cond(flag, lambda: tf.assign_add(v, 10.0), lambda: tf.identity(v))
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(out, {flag: False}) == 1.0
        assert s.run(v) == 1.0
        assert s.run(out, {flag: True}) == 11.0
        assert s.run(v) == 11.0


def test_case_first_true_wins_and_default():
    sel = tf.placeholder(tf.int32, [])
    out = tf.case([(tf.less(sel, 3), lambda: tf.constant(1)), (tf.less(sel, 10), lambda: tf.constant(2))],
                  default=lambda: tf.constant(3))
    with tf.Session() as s:
        assert [s.run(out, {sel: v}) for v in (0, 5, 50)] == [1, 2, 3]


def test_while_loop_values_and_structures():
    limit = tf.placeholder(tf.int32, [])
    i, total = tf.while_loop(lambda i, t: i < limit, lambda i, t: (i + 1, t + i + 1), [0, 0])
    fact = tf.while_loop(lambda k, acc: k > 1, lambda k, acc: (k - 1, acc * tf.cast(k, tf.float32)),
                         [tf.constant(5), tf.constant(1.0)])
    single = tf.while_loop(lambda v: v < 100.0, lambda v: v * 3.0, [tf.constant(1.0)])
    with tf.Session() as s:
        assert s.run([i, total], {limit: 5}) == [5, 15]
        assert s.run([i, total], {limit: 10}) == [10, 55]
        assert s.run(fact)[1] == 120.0
        assert s.run(single) == 243.0


def test_while_loop_shape_change_is_a_value_error():
    with pytest.raises(ValueError, match="shape"):
        tf.while_loop(lambda v: tf.size(v) < 4, lambda v: tf.concat([v, v], 0), [tf.constant([1.0])])


def test_while_loop_reads_and_writes_variables():
    v = tf.Variable(0.0)
    _, = [tf.while_loop(lambda i: i < 4, lambda i: tf.tuple([i + 1], control_inputs=[tf.assign_add(v, 2.0)])[0],
                        [0])]
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(_)
        assert s.run(v) == 8.0


def test_gradients_through_cond_and_bounded_while():
    x, flag = tf.placeholder(tf.float32, []), tf.placeholder(tf.bool, [])
    c = tf.cond(flag, lambda: x * x, lambda: 3.0 * x)
    _, p = tf.while_loop(lambda i, a: i < 3, lambda i, a: (i + 1, a * x), [0, tf.constant(1.0)],
                         maximum_iterations=10)
    gc, gp = tf.gradients(c, x)[0], tf.gradients(p, x)[0]
    with tf.Session() as s:
        assert s.run(gc, {x: 2.0, flag: True}) == pytest.approx(4.0)
        assert s.run(gc, {x: 2.0, flag: False}) == pytest.approx(3.0)
        assert s.run([p, gp], {x: 2.0}) == pytest.approx([8.0, 12.0])


def test_one_compile_per_signature_with_a_loop():
    n = tf.placeholder(tf.int32, [])
    _, out = tf.while_loop(lambda i, a: i < n, lambda i, a: (i + 1, a + 1.0), [0, tf.constant(0.0)])
    with tf.Session() as s:
        for k in range(5):
            assert s.run(out, {n: k}) == k
        plans = list(s._plans.values())
        assert len(plans) == 1 and plans[0].trace_count == 1


def test_initialized_value_uses_cond():
    a = tf.Variable(3.0)
    b = tf.Variable(a.initialized_value() * 2.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(b) == 6.0


@pytest.mark.parametrize("bounded", [True, False])
def test_while_loop_random_ops_draw_new_numbers_each_iteration(bounded):
    """TF1's random kernels give fresh numbers per iteration; a graph seed makes the run repeatable."""
    def build():
        tf.set_random_seed(7)
        kw = {"maximum_iterations": 4} if bounded else {}
        _, acc = tf.while_loop(lambda i, a: i < 4,
                               lambda i, a: (i + 1, a + tf.one_hot(i, 4) * tf.random_uniform([])),
                               [0, tf.zeros([4])], **kw)
        return acc
    results = []
    for _ in range(2):
        with tf.Graph().as_default():
            acc = build()
            with tf.Session() as sess:
                results.append((sess.run(acc), sess.run(acc)))
    first, second_run = results[0]
    assert len(set(np.round(first, 6))) == 4          # four different draws
    assert not np.allclose(first, second_run)         # a new run, new numbers
    np.testing.assert_array_equal(first, results[1][0])   # same seeds, same numbers
