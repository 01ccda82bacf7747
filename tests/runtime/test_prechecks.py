"""Run-time checks made before the step (compat_tf/_src/runtime/prechecks.py): which segments get
them, and that they raise TF1's errors and leave every variable as it was, in both tiers."""
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.runtime import tiers


@pytest.fixture(params=["interpret", "compile"])
def tier(request):
    prev = tiers.set_policy(mode=request.param, background=False)
    yield request.param
    tiers.set_policy(**prev)


def _device_segments(sess, fetch):
    op = getattr(fetch, "op", fetch)
    plans = [p for p in sess._plans.values() if op in p.ops]
    assert plans, "no plan ran the fetch"
    return [s for s in plans[-1].segments if not s.host]


def _train_graph(labels_fn, n_classes=3, resource=False):
    x = tf.placeholder(tf.float32, [None, 4], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    w = tf.get_variable("w", initializer=np.ones((4, n_classes), np.float32), use_resource=resource)
    logits = tf.matmul(x, w)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels_fn(y, w), logits=logits))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    return x, y, w, train


def _assert_fails_unchanged(sess, train, feed, message):
    before = {v.op.name: sess.run(v) for v in tf.global_variables()}
    with pytest.raises(tf.errors.InvalidArgumentError, match=message) as info:
        sess.run(train, feed)
    after = {v.op.name: sess.run(v) for v in tf.global_variables()}
    assert before.keys() == after.keys()
    for k in before:
        np.testing.assert_array_equal(before[k], after[k], err_msg=k)
    return info.value


@pytest.mark.parametrize("labels_fn", [lambda y, w: y, lambda y, w: tf.cast(tf.cast(y, tf.int32) * 1, tf.int64)],
                         ids=["fed", "computed-from-feed"])
def test_fed_labels_are_checked_before_the_step(tier, labels_fn):
    """Labels computed from feeds only: the check runs before the step (no check outputs, so no
    guard in it); a bad label raises TF1's error naming the op, and no variable or slot changes."""
    with tf.Graph().as_default():
        x, y, w, train = _train_graph(labels_fn)
        xb = np.random.RandomState(0).rand(5, 4).astype(np.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(4):      # past the compile threshold in the auto tier
                sess.run(train, {x: xb, y: [0, 1, 2, 1, 0]})
            segs = _device_segments(sess, train)
            assert any(s.precheck is not None for s in segs)
            assert all(s.n_check == 0 for s in segs)
            err = _assert_fails_unchanged(sess, train, {x: xb, y: [0, 1, 3, 1, 0]},
                                          r"label value of 3 which is outside the valid range of \[0, 3\)")
            assert err.op is not None and err.op.type == "SparseSoftmaxCrossEntropyWithLogits"
            _assert_fails_unchanged(sess, train, {x: xb[:2], y: [-1, 0]}, "label value of -1")
            sess.run(train, {x: xb, y: [2, 2, 2, 2, 2]})     # a good step after the failed ones runs


def test_labels_read_from_a_variable_stay_checked_in_the_step(tier):
    """A check reading state cannot run before the step: it stays fused (guarded), still raising."""
    def labels_fn(y, w):
        offset = tf.Variable(np.int64(0), name="offset", trainable=False)
        return y + offset
    with tf.Graph().as_default():
        x, y, w, train = _train_graph(labels_fn)
        xb = np.ones((2, 4), np.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: xb, y: [0, 1]})
            segs = _device_segments(sess, train)
            assert all(s.precheck is None for s in segs) and any(s.n_check == 2 for s in segs)
            _assert_fails_unchanged(sess, train, {x: xb, y: [0, 5]}, "label value of 5")


def test_unknown_number_of_classes_stays_in_the_step(tier):
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, None])
        y = tf.placeholder(tf.int32, [None])
        loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(loss, {x: np.zeros((1, 2)), y: [1]}), [np.log(2)], rtol=1e-6)
            assert all(s.precheck is None and s.n_check == 2 for s in _device_segments(sess, loss))
            with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 2"):
                sess.run(loss, {x: np.zeros((1, 2)), y: [2]})


@pytest.mark.parametrize("resource", [False, True], ids=["ref", "resource"])
def test_embedding_lookup_of_fed_ids(tier, resource):
    """tf.nn.embedding_lookup (GatherV2 of a ref variable, ResourceGather of a resource one) with
    fed ids: checked before the step; an id out of range fails the step and changes nothing."""
    with tf.Graph().as_default():
        ids = tf.placeholder(tf.int32, [None])
        table = tf.get_variable("table", initializer=np.arange(12, dtype=np.float32).reshape(6, 2),
                                use_resource=resource)
        loss = tf.reduce_sum(tf.nn.embedding_lookup(table, ids) ** 2)
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(3):
                sess.run(train, {ids: [0, 5]})
            segs = _device_segments(sess, train)
            assert any(s.precheck is not None for s in segs) and all(s.n_check == 0 for s in segs)
            _assert_fails_unchanged(sess, train, {ids: [1, 6]}, r"indices\[1\] = 6 is not in \[0, 6\)")
            _assert_fails_unchanged(sess, train, {ids: [-2]}, r"indices\[0\] = -2 is not in \[0, 6\)")


def test_integer_division_of_fed_divisor(tier):
    with tf.Graph().as_default():
        a = tf.placeholder(tf.int32, [None])
        b = tf.placeholder(tf.int32, [None])
        v = tf.Variable(0, name="v")
        step = tf.assign_add(v, tf.reduce_sum(a // b))
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert sess.run(step, {a: [7, -7], b: [2, 2]}) == 3 + -4
            assert any(s.precheck is not None for s in _device_segments(sess, step))
            _assert_fails_unchanged(sess, step, {a: [1, 2], b: [1, 0]}, "Integer division by zero")
            assert sess.run(v) == -1


def test_float_division_makes_no_check():
    """Only integer divisions are checked: a float division gives the step no check at all."""
    with tf.Graph().as_default():
        a = tf.placeholder(tf.float32, [None])
        v = tf.Variable(1.0, name="v")
        step = tf.assign(v, tf.reduce_sum(tf.div(a, tf.constant(0.0))))
        with tf.Session() as sess:
            sess.run(v.initializer)
            assert np.isinf(sess.run(step, {a: [1.0]}))
            segs = _device_segments(sess, step)
            assert all(s.precheck is None and s.n_check == 0 for s in segs)


def test_checks_off_hoists_nothing():
    from compat_tf._src.runtime import run_checks
    prev = run_checks.set_enabled(False)
    try:
        with tf.Graph().as_default():
            ids = tf.placeholder(tf.int32, [None])
            out = tf.gather(tf.constant([1.0, 2.0]), ids)
            with tf.Session() as sess:
                np.testing.assert_array_equal(sess.run(out, {ids: [1, 5]}), [2.0, 0.0])
                assert all(s.precheck is None for s in _device_segments(sess, out))
    finally:
        run_checks.set_enabled(prev)


def test_checked_inputs_on_the_device_are_checked_by_a_program(tier):
    """Inputs that are device arrays (outputs of an earlier device segment, arrays on a GPU) are
    checked by a small program of their own rather than by NumPy, with the same errors."""
    import jax.numpy as jnp
    with tf.Graph().as_default():
        x, y, w, train = _train_graph(lambda y, w: y)
        xb = np.ones((2, 4), np.float32)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, {x: xb, y: [0, 2]})
            seg, = [s for s in _device_segments(sess, train) if s.precheck is not None]
            inputs = {x: jnp.asarray(xb), y: jnp.asarray([0, 2], jnp.int64)}
            for _ in range(3):
                seg.precheck([inputs[t] for t in seg.inputs])
            assert seg.precheck.fn.programs(), "the checks did not run as a program"
            inputs[y] = jnp.asarray([0, 3], jnp.int64)
            with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 3 .*\[0, 3\)") as info:
                seg.precheck([inputs[t] for t in seg.inputs])
            assert info.value.op.type == "SparseSoftmaxCrossEntropyWithLogits"
