"""Input pipelines whose iterator is saved with make_saveable_from_iterator, and one scenario to run on
each, shared by tests/data/test_iterator_saveable.py (compat_tf) and tests/data/make_iterator_saveable_
fixtures.py (real TensorFlow, which recorded tests/data/iterator_saveable/expected.json).

The scenario (`run`): build the pipeline and a variable, run `save_at` get_next calls (a failed
element or OutOfRangeError counts as one call), save with a Saver over the SAVEABLE_OBJECTS
collection, run `between` more calls, restore in the same session and run `after` calls, then build
the same graph anew, restore in a new session (an initializable iterator must be initialised first:
the error of restoring it before is recorded, then it is initialised with other feed values, which the
restore discards) and run `after` calls again.
Each call is recorded as the element (lists of numbers) or the TF error class name.

Each builder takes the `tf` module (compat_tf or tensorflow.compat.v1) and returns (dataset,
placeholder feeds for the initializer or None for a one-shot iterator).
"""
import os


def _range(tf):
    return tf.data.Dataset.range(10), None


def _repeat_batch(tf):
    return tf.data.Dataset.range(5).repeat(3).batch(4), {}


def _map_filter_zip(tf):
    a = tf.data.Dataset.range(20).map(lambda x: x * x).filter(lambda x: tf.equal(x % 3, 0))
    b = tf.data.Dataset.range(100, 120)
    return tf.data.Dataset.zip((a, b)), {}


def _placeholder(tf):
    n = tf.placeholder(tf.int64, [], name="n")
    return tf.data.Dataset.range(n).map(lambda x: x + 10), {"n:0": 7}


def _end_of_epoch(tf):
    return tf.data.Dataset.range(3), {}


def _failed_elements(tf):
    ds = tf.data.Dataset.from_tensor_slices(["1", "2", "x", "4", "y", "6"])
    return ds.map(lambda s: tf.strings.to_number(s, tf.int32)), {}


def _seeded_shuffle(tf):
    return tf.data.Dataset.range(6).shuffle(6, seed=5).repeat(3).batch(4), {}


def _graph_seed_shuffle(tf):
    tf.set_random_seed(7)
    return tf.data.Dataset.range(8).shuffle(4).map(lambda x: x * 2).repeat(2), {}


def _unseeded_shuffle(tf):
    return tf.data.Dataset.range(10).shuffle(10), {}


def _random_map(tf):
    return tf.data.Dataset.range(5).map(
        lambda x: x + tf.random.uniform([], 0, 10, dtype=tf.int64, seed=1)), {}


def _check_numerics_map(tf):
    return tf.data.Dataset.range(5).map(
        lambda x: tf.debugging.check_numerics(tf.cast(x, tf.float32), "x")), {}


def _variable_map(tf):
    w = tf.get_variable("w", initializer=tf.constant(3, tf.int64), use_resource=True)
    return tf.data.Dataset.range(5).map(lambda x: x * w), {}


def _count_to_five():
    yield from range(5)


def _from_generator(tf):
    return tf.data.Dataset.from_generator(_count_to_five, tf.int64), {}


# name: (builder, save_at, between, after, values comparable with TF's)
CASES = {
    "range": (_range, 3, 2, 3, True),
    "repeat_batch": (_repeat_batch, 2, 1, 3, True),
    "map_filter_zip": (_map_filter_zip, 2, 2, 3, True),
    "placeholder": (_placeholder, 2, 3, 6, True),
    "end_of_epoch": (_end_of_epoch, 4, 0, 2, True),
    "failed_elements": (_failed_elements, 3, 2, 4, True),
    # the orders are TF's Philox vs NumPy's here: compare the resume property and the multiset of
    # elements (`after` reaches the end), not the order
    "seeded_shuffle": (_seeded_shuffle, 3, 2, 3, False),
    "graph_seed_shuffle": (_graph_seed_shuffle, 5, 4, 12, False),
}
# saving fails: (builder, TF's error class when it fails, compat_tf's error class)
FAILING = {
    "unseeded_shuffle": (_unseeded_shuffle, None, "UnimplementedError"),  # TF saves its generator state
    "random_map": (_random_map, "FailedPreconditionError", "FailedPreconditionError"),
    "check_numerics_map": (_check_numerics_map, "FailedPreconditionError", "FailedPreconditionError"),
    "variable_map": (_variable_map, "FailedPreconditionError", "FailedPreconditionError"),
    "from_generator": (_from_generator, "FailedPreconditionError", "FailedPreconditionError"),
}


def _call(tf, sess, nxt):
    try:
        v = sess.run(nxt)
    except tf.errors.OpError as e:
        return type(e).__name__
    return _py(v)


def _py(v):
    if isinstance(v, tuple):
        return [_py(x) for x in v]
    tolist = getattr(v, "tolist", None)
    return tolist() if tolist is not None else v


def build(tf, builder):
    """(get_next, initializer feeds or None, variable, saver) in the default graph."""
    ds, feeds = builder(tf)
    if feeds is None:
        it = tf.data.make_one_shot_iterator(ds)
    else:
        it = tf.data.make_initializable_iterator(ds)
    tf.add_to_collection(tf.GraphKeys.SAVEABLE_OBJECTS, tf.data.experimental.make_saveable_from_iterator(it))
    v = tf.Variable(5, dtype=tf.int64, name="step")
    init = [v.initializer] + ([it.initializer] if feeds is not None else [])
    return it.get_next(), init, feeds, v, tf.train.Saver()


def run(tf, name, workdir):
    builder, save_at, between, after, _ = CASES[name]
    prefix = os.path.join(workdir, name)
    out = {}
    with tf.Graph().as_default():
        nxt, init, feeds, v, saver = build(tf, builder)
        with tf.Session() as sess:
            sess.run(init, feed_dict=feeds or None)
            out["before"] = [_call(tf, sess, nxt) for _ in range(save_at)]
            path = saver.save(sess, prefix)
            out["between"] = [_call(tf, sess, nxt) for _ in range(between)]
            sess.run(v.assign(99))
            saver.restore(sess, path)
            out["after"] = [_call(tf, sess, nxt) for _ in range(after)]
            out["step"] = int(sess.run(v))
    with tf.Graph().as_default():
        nxt, init, feeds, v, saver = build(tf, builder)
        with tf.Session() as sess:
            try:
                saver.restore(sess, path)
                out["restore_uninitialized"] = None
            except tf.errors.OpError as e:
                out["restore_uninitialized"] = type(e).__name__
                # the initializer (fed other values where it takes any), then the restore
                sess.run(init, feed_dict={k: v_ - 3 for k, v_ in feeds.items()} if feeds else None)
                saver.restore(sess, path)
            out["after_new"] = [_call(tf, sess, nxt) for _ in range(after)]
    out["keys"] = sorted(n for n, _ in tf.train.list_variables(path))
    return out


def save_error(tf, name, workdir):
    """The error class name saving the FAILING case `name` raises, or None if it saves."""
    builder = FAILING[name][0]
    with tf.Graph().as_default():
        nxt, init, feeds, v, saver = build(tf, builder)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(init, feed_dict=feeds or None)
            sess.run(nxt)
            try:
                saver.save(sess, os.path.join(workdir, name))
            except Exception as e:  # noqa: BLE001 - the class is what is recorded
                return type(e).__name__
    return None
