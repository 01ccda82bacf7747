"""tf.data iterators: one-shot, initializable (placeholders fed at init), reinitializable, feedable;
OutOfRange / FailedPrecondition; per-session state; a train step fed by get_next."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def drain(sess, t):
    out = []
    while True:
        try:
            out.append(sess.run(t))
        except tf.errors.OutOfRangeError:
            return out


def test_one_shot_end_of_sequence_stays_out_of_range():
    nxt = tf.data.Dataset.range(2).make_one_shot_iterator().get_next()
    assert nxt.op.type == "IteratorGetNext" and nxt.dtype == tf.int64
    with tf.Session() as sess:
        assert [int(sess.run(nxt)) for _ in range(2)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError, match="End of sequence"):
            sess.run(nxt)
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(nxt)


def test_one_shot_rejects_placeholders():
    n = tf.placeholder(tf.int64, [])
    with pytest.raises(ValueError, match="placeholder"):
        tf.data.Dataset.range(n).make_one_shot_iterator()


def test_iterators_are_per_session():
    nxt = tf.data.Dataset.range(3).make_one_shot_iterator().get_next()
    s1, s2 = tf.Session(), tf.Session()
    assert int(s1.run(nxt)) == 0
    assert int(s1.run(nxt)) == 1
    assert int(s2.run(nxt)) == 0    # a second session has its own iterator
    s1.close()
    s2.close()


def test_initializable_with_fed_placeholders_and_reinit():
    limit = tf.placeholder(tf.int64, [])
    it = tf.data.Dataset.range(limit).map(lambda v: v * v).make_initializable_iterator()
    nxt = it.get_next()
    data = tf.placeholder(tf.float32, [None, 2])
    rows = tf.data.Dataset.from_tensor_slices(data).map(lambda r: tf.reduce_sum(r)).batch(2)
    rit = rows.make_initializable_iterator()
    rnext = rit.get_next()
    assert rnext.shape.as_list() == [None]
    with tf.Session() as sess:
        sess.run(it.initializer, {limit: 5})
        assert [int(v) for v in drain(sess, nxt)] == [0, 1, 4, 9, 16]
        sess.run(it.initializer, {limit: 3})
        assert [int(v) for v in drain(sess, nxt)] == [0, 1, 4]
        # re-initialising mid-way restarts
        sess.run(it.initializer, {limit: 4})
        assert int(sess.run(nxt)) == 0
        sess.run(it.initializer, {limit: 4})
        assert int(sess.run(nxt)) == 0
        sess.run(rit.initializer, {data: np.array([[1, 2], [3, 4], [5, 6]], np.float32)})
        assert [b.tolist() for b in drain(sess, rnext)] == [[3.0, 7.0], [11.0]]
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(rit.initializer)   # the placeholder must be fed at initialisation


def test_function_captures_placeholder_fed_at_init():
    scale = tf.placeholder(tf.int64, [])
    it = tf.data.Dataset.range(3).map(lambda v: v * scale).filter(lambda v: v < 2 * scale) \
        .make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        sess.run(it.initializer, {scale: 10})
        assert [int(v) for v in drain(sess, nxt)] == [0, 10]
        sess.run(it.initializer, {scale: 2})
        assert [int(v) for v in drain(sess, nxt)] == [0, 2]


def test_get_next_before_initializer_is_failed_precondition():
    it = tf.data.Dataset.range(3).make_initializable_iterator()
    nxt = it.get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError, match="not been initialized"):
            sess.run(nxt)
        sess.run(it.initializer)
        assert int(sess.run(nxt)) == 0


def test_reinitializable_from_structure():
    train = tf.data.Dataset.range(10).map(lambda v: v * 2).batch(4)
    test = tf.data.Dataset.range(100, 106).map(lambda v: v * 2).batch(4)
    it = tf.data.Iterator.from_structure(train.output_types, train.output_shapes)
    nxt = it.get_next()
    assert it.output_shapes.as_list() == [None] and it.output_types == tf.int64
    with pytest.raises(ValueError):
        it.initializer   # noqa: B018 - from_structure iterators have none
    train_init, test_init = it.make_initializer(train), it.make_initializer(test)
    with tf.Session() as sess:
        with pytest.raises(tf.errors.FailedPreconditionError):
            sess.run(nxt)
        sess.run(train_init)
        assert [b.tolist() for b in drain(sess, nxt)] == [[0, 2, 4, 6], [8, 10, 12, 14], [16, 18]]
        sess.run(test_init)
        assert [b.tolist() for b in drain(sess, nxt)] == [[200, 202, 204, 206], [208, 210]]
        sess.run(train_init)
        assert sess.run(nxt).tolist() == [0, 2, 4, 6]


def test_make_initializer_checks_types_and_shapes():
    it = tf.data.Iterator.from_structure(tf.int64, tf.TensorShape([None]))
    with pytest.raises(TypeError):
        it.make_initializer(tf.data.Dataset.from_tensor_slices([[1.0]]))
    with pytest.raises(TypeError):
        it.make_initializer(tf.data.Dataset.range(3))     # scalars, not vectors
    it.make_initializer(tf.data.Dataset.range(3).batch(2))


def test_nested_structures_from_get_next():
    ds = tf.data.Dataset.from_tensor_slices({"a": np.arange(3), "b": (np.arange(3) * 1.5, ["x", "y", "z"])})
    el = ds.make_one_shot_iterator().get_next()
    assert set(el) == {"a", "b"} and isinstance(el["b"], tuple)
    assert el["b"][1].dtype == tf.string and el["a"].shape.as_list() == []
    with tf.Session() as sess:
        v = sess.run(el)
        assert int(v["a"]) == 0 and float(v["b"][0]) == 0.0 and v["b"][1] == b"x"
        v = sess.run(el)
        assert int(v["a"]) == 1 and float(v["b"][0]) == 1.5 and v["b"][1] == b"y"


def test_feedable_iterator_string_handle():
    a = tf.data.Dataset.range(3).make_one_shot_iterator()
    b = tf.data.Dataset.range(100, 103).make_initializable_iterator()
    handle = tf.placeholder(tf.string, [])
    it = tf.data.Iterator.from_string_handle(handle, a.output_types, a.output_shapes)
    nxt = it.get_next()
    with tf.Session() as sess:
        ha, hb = sess.run([a.string_handle(), b.string_handle()])
        assert isinstance(ha, bytes) and ha != hb
        sess.run(b.initializer)
        assert int(sess.run(nxt, {handle: ha})) == 0
        assert int(sess.run(nxt, {handle: hb})) == 100
        assert int(sess.run(nxt, {handle: ha})) == 1
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(nxt, {handle: b"nonsense"})


def test_get_next_static_shapes_and_element_check():
    gen = tf.data.Dataset.from_generator(lambda: iter([[1, 2], [3, 4, 5]]), tf.int32, tf.TensorShape([None]))
    it = tf.data.Iterator.from_structure(tf.int32, tf.TensorShape([2]))
    nxt = it.get_next()
    assert nxt.shape.as_list() == [2]
    init = it.make_initializer(gen)
    with tf.Session() as sess:
        sess.run(init)
        assert sess.run(nxt).tolist() == [1, 2]
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(nxt)


def test_train_linear_model_from_iterator():
    rng = np.random.RandomState(0)
    X = rng.randn(32, 3).astype(np.float32)
    true_w = np.array([[1.5], [-2.0], [0.5]], np.float32)
    Y = (X @ true_w + 0.3).astype(np.float32)
    xb, yb = tf.data.Dataset.from_tensor_slices((X, Y)).repeat().batch(8).make_one_shot_iterator().get_next()
    assert xb.shape.as_list() == [None, 3]
    W = tf.Variable(tf.zeros([3, 1]))
    b = tf.Variable(tf.zeros([1]))
    loss = tf.reduce_mean(tf.square(tf.matmul(xb, W) + b - yb))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    # the same steps in NumPy
    w_np, b_np = np.zeros([3, 1], np.float32), np.zeros([1], np.float32)
    losses_np = []
    for step in range(40):
        i = (step * 8) % 32
        x, y = X[i:i + 8], Y[i:i + 8]
        err = x @ w_np + b_np - y
        losses_np.append(float(np.mean(err ** 2)))
        w_np = w_np - 0.1 * (2.0 / 8) * x.T @ err
        b_np = b_np - 0.1 * (2.0 / 8) * err.sum(0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        losses = [float(sess.run([train, loss])[1]) for _ in range(40)]
        np.testing.assert_allclose(losses, losses_np, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(sess.run(W), w_np, rtol=1e-4, atol=1e-5)
    assert losses[-1] < 0.01 * losses[0]


def test_threads_share_one_iterator_without_losing_elements():
    import threading
    nxt = tf.data.Dataset.range(200).map(lambda v: v * 3).make_one_shot_iterator().get_next()
    got, lock = [], threading.Lock()
    with tf.Session() as sess:
        def worker():
            while True:
                try:
                    v = int(sess.run(nxt))
                except tf.errors.OutOfRangeError:
                    return
                with lock:
                    got.append(v)
        threads = [threading.Thread(target=worker) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert sorted(got) == [3 * v for v in range(200)]
