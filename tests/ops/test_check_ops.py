"""tf.Assert, tf.assert_*, tf.check_numerics: run-time errors, messages, static checks, state rollback."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_failed_assert_raises_with_tf1_message_and_leaves_variables_unchanged():
    x = tf.placeholder(tf.float32, [None])
    v = tf.Variable(1.0)
    a = tf.Assert(tf.reduce_all(x > 0), ["x must be positive:", x], summarize=2)
    with tf.control_dependencies([a]):
        up = tf.assign_add(v, 1.0)
    other = tf.assign_add(v, 100.0)          # same run, not guarded by the assert
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(up, {x: [1, 2, 3]}) == 2.0
        with pytest.raises(tf.errors.InvalidArgumentError) as e:
            s.run([up, other], {x: [1, -2, 3]})
        assert str(e.value).startswith("assertion failed: [x must be positive:] [1 -2...]")
        assert s.run(v) == 2.0
        assert s.run(up, {x: [5]}) == 3.0     # the session keeps working


def test_assert_inside_while_loop_fails_the_run():
    n = tf.placeholder(tf.int32, [])
    v = tf.Variable(0)

    def body(i):
        with tf.control_dependencies([tf.Assert(i < 3, ["i too big", i])]):
            return i + 1
    out = tf.while_loop(lambda i: i < n, body, [0])
    up = tf.assign(v, out)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run(up, {n: 3}) == 3
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"\[i too big\] \[3\]"):
            s.run(up, {n: 5})
        assert s.run(v) == 3


def test_binary_asserts_runtime_and_static():
    x = tf.placeholder(tf.int32, [3])
    checks = {
        "eq": tf.assert_equal(x, [1, 2, 3]),
        "ne": tf.assert_none_equal(x, [0, 0, 0]),
        "lt": tf.assert_less(x, 4),
        "le": tf.assert_less_equal(x, 3),
        "gt": tf.assert_greater(x, 0),
        "ge": tf.assert_greater_equal(x, 1),
        "pos": tf.assert_positive(x),
        "nonneg": tf.assert_non_negative(x),
    }
    neg = {"neg": tf.assert_negative(-x), "nonpos": tf.assert_non_positive(-x)}
    with tf.Session() as s:
        s.run(list(checks.values()) + list(neg.values()), {x: [1, 2, 3]})
        for key, op in checks.items():
            bad = [1, 2, 4] if key in ("eq", "lt", "le") else [0, 2, 3]
            if key == "nonneg":
                bad = [-1, 2, 3]
            with pytest.raises(tf.errors.InvalidArgumentError, match="did not hold"):
                s.run(op, {x: bad})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"Condition x < 0 did not hold"):
            s.run(neg["neg"], {x: [1, 0, 3]})
    msg_op = tf.assert_less(tf.constant([5.0]), 1.0, message="too big")
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"^assertion failed: \[too big\] \[Condition x < y"):
            s.run(msg_op)
    # TF 1.15: assert_equal of two constants fails at build time
    with pytest.raises(tf.errors.InvalidArgumentError, match="Condition x == y"):
        tf.assert_equal(tf.constant([1, 2]), tf.constant([1, 3]))


def test_static_shape_and_type_checks():
    x = tf.placeholder(tf.float32, [2, 3])
    with pytest.raises(ValueError, match="must have rank 1"):
        tf.assert_rank(x, 1)
    with pytest.raises(ValueError, match="rank at least 3"):
        tf.assert_rank_at_least(x, 3)
    assert tf.assert_rank(x, 2).type == "NoOp"
    with pytest.raises(TypeError):
        tf.assert_type(x, tf.int32)
    with pytest.raises(TypeError):
        tf.assert_integer(x)
    with pytest.raises(ValueError, match="Expected scalar"):
        tf.assert_scalar(x)
    s0 = tf.constant(1.0)
    assert tf.assert_scalar(s0) is s0
    assert tf.is_numeric_tensor(x) and not tf.is_numeric_tensor(tf.constant("a"))
    dyn = tf.placeholder(tf.float32, None)
    r = tf.assert_rank(dyn, 2)
    with tf.Session() as s:
        s.run(r, {dyn: np.zeros((2, 2))})
        with pytest.raises(tf.errors.InvalidArgumentError, match="must have rank"):
            s.run(r, {dyn: np.zeros(3)})


def test_is_non_decreasing_and_strictly_increasing():
    x = tf.placeholder(tf.float32, [None])
    nd, si = tf.is_non_decreasing(x), tf.is_strictly_increasing(x)
    with tf.Session() as s:
        assert s.run([nd, si], {x: [1, 2, 2]}) == [True, False]
        assert s.run([nd, si], {x: [1, 2, 3]}) == [True, True]
        assert s.run([nd, si], {x: [3, 2, 3]}) == [False, False]


def test_check_numerics_forward_and_gradient():
    x = tf.placeholder(tf.float32, [3])
    c = tf.check_numerics(tf.log(x), "log of x")
    y = tf.check_numerics(x * 1.0, "scaled")
    g = tf.gradients(tf.reduce_sum(tf.sqrt(y)), x)[0]
    fin = tf.verify_tensor_all_finite(x, "x finite")
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(c, {x: [1, 2, 3]}), np.log([1, 2, 3]), rtol=1e-6)
        with pytest.raises(tf.errors.InvalidArgumentError, match="log of x : Tensor had Inf and NaN values"):
            s.run(c, {x: [1, -2, 0]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="log of x : Tensor had Inf values"):
            s.run(c, {x: [1, 2, 0]})
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="detected in gradient. scaled : Tensor had Inf values"):
            s.run(g, {x: [1, 0, 4]})
        np.testing.assert_allclose(s.run(g, {x: [1, 4, 4]}), 0.5 / np.sqrt([1, 4, 4]), rtol=1e-6)
        with pytest.raises(tf.errors.InvalidArgumentError, match="x finite"):
            s.run(fin, {x: [np.nan, 1, 1]})


def test_add_check_numerics_ops():
    x = tf.placeholder(tf.float32, [2])
    y = tf.log(x)
    check = tf.add_check_numerics_ops()
    with tf.Session() as s:
        s.run([y, check], {x: [1, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Log"):
            s.run([y, check], {x: [1, -1]})


def test_assert_inside_map_fn_fails_the_run():
    """map_fn gives each iteration its own RNG counter; the check is still reported for the run."""
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [3])

        def fn(v):
            with tf.control_dependencies([tf.Assert(v < 2.0, [v], name="small")]):
                return v * 2.0
        y = tf.map_fn(fn, x)
        with tf.Session() as sess:
            assert list(sess.run(y, {x: [0.0, 1.0, 1.5]})) == [0.0, 2.0, 3.0]
            with pytest.raises(tf.errors.InvalidArgumentError, match="assertion failed"):
                sess.run(y, {x: [0.0, 5.0, 1.0]})
