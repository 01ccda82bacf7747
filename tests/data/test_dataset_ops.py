"""tf.data transformations against values computed in Python/NumPy; TF1 static shapes and types."""
import collections

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def drain(ds, feed=None):
    """All elements of `ds` through a one-shot (or initializable, when fed) iterator."""
    if feed is None:
        nxt = ds.make_one_shot_iterator().get_next()
        init = None
    else:
        it = ds.make_initializable_iterator()
        nxt, init = it.get_next(), it.initializer
    out = []
    with tf.Session() as sess:
        if init is not None:
            sess.run(init, feed)
        while True:
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                return out


def shapes(ds):
    return tf.data.get_output_shapes(ds)


# -- sources ---------------------------------------------------------------------------------

def test_range_forms_and_dtype():
    assert [int(v) for v in drain(tf.data.Dataset.range(5))] == list(range(5))
    assert [int(v) for v in drain(tf.data.Dataset.range(2, 20, 3))] == list(range(2, 20, 3))
    assert [int(v) for v in drain(tf.data.Dataset.range(10, 0, -4))] == [10, 6, 2]
    ds = tf.data.Dataset.range(3)
    assert ds.output_types == tf.int64 and ds.output_shapes.as_list() == []
    assert ds.output_classes is tf.Tensor


def test_from_tensor_slices_tuple_and_dict():
    x = np.arange(12, dtype=np.float32).reshape(4, 3)
    y = np.array([1, 0, 1, 1], np.int64)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    assert ds.output_types == (tf.float32, tf.int64)
    assert [s.as_list() for s in ds.output_shapes] == [[3], []]
    got = drain(ds)
    assert len(got) == 4
    for i, (a, b) in enumerate(got):
        np.testing.assert_array_equal(a, x[i])
        assert int(b) == y[i]
    dds = tf.data.Dataset.from_tensor_slices({"b": y, "a": x})
    assert sorted(dds.output_types) == ["a", "b"]
    elems = drain(dds)
    assert isinstance(elems[2], dict)
    np.testing.assert_array_equal(elems[2]["a"], x[2])
    assert int(elems[2]["b"]) == 1


def test_from_tensor_slices_python_list_is_one_int32_tensor():
    ds = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]])
    assert ds.output_types == tf.int32 and ds.output_shapes.as_list() == [2]
    assert [v.tolist() for v in drain(ds)] == [[1, 2], [3, 4], [5, 6]]
    s = tf.data.Dataset.from_tensor_slices(["a", "bc"])
    assert s.output_types == tf.string
    assert drain(s) == [b"a", b"bc"]


def test_from_tensor_slices_mismatched_leading_dims():
    with pytest.raises(ValueError):
        tf.data.Dataset.from_tensor_slices((np.zeros([3, 2]), np.zeros([4])))


def test_from_tensors_single_element():
    ds = tf.data.Dataset.from_tensors((tf.constant([[1, 2], [3, 4]]), "s"))
    assert [s.as_list() for s in ds.output_shapes] == [[2, 2], []]
    got = drain(ds)
    assert len(got) == 1
    np.testing.assert_array_equal(got[0][0], [[1, 2], [3, 4]])
    assert got[0][1] == b"s"


def test_from_generator_structure_types_and_errors():
    def gen():
        for k in range(3):
            yield k, [k, k + 1]
    ds = tf.data.Dataset.from_generator(gen, (tf.int64, tf.float32),
                                        (tf.TensorShape([]), tf.TensorShape([2])))
    got = drain(ds)
    assert [int(a) for a, _ in got] == [0, 1, 2]
    assert got[2][1].dtype == np.float32 and got[2][1].tolist() == [2.0, 3.0]
    assert got[0][0].dtype == np.int64

    def bad():
        yield [1, 2, 3]
    bds = tf.data.Dataset.from_generator(bad, tf.int32, tf.TensorShape([2]))
    nxt = bds.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(nxt)


def test_from_generator_args_and_reiteration():
    calls = []

    def gen(n):
        calls.append(int(n))
        for i in range(int(n)):
            yield i * 10
    ds = tf.data.Dataset.from_generator(gen, tf.int32, args=(3,)).repeat(2)
    assert [int(v) for v in drain(ds)] == [0, 10, 20, 0, 10, 20]
    assert calls == [3, 3]   # the generator is called again for each repetition


def test_zip_and_concatenate():
    a = tf.data.Dataset.range(5)
    b = tf.data.Dataset.range(10, 13).map(lambda v: tf.cast(v, tf.float32) / 4)
    z = tf.data.Dataset.zip((a, (b, a)))
    assert z.output_types == (tf.int64, (tf.float32, tf.int64))
    got = drain(z)
    assert [(int(x), float(y), int(w)) for x, (y, w) in got] == [(0, 2.5, 0), (1, 2.75, 1), (2, 3.0, 2)]
    c = tf.data.Dataset.from_tensor_slices(np.zeros([2, 3], np.int64)).concatenate(
        tf.data.Dataset.from_tensor_slices(np.ones([1, 5], np.int64)))
    assert c.output_shapes.as_list() == [None]
    assert [v.tolist() for v in drain(c)] == [[0, 0, 0], [0, 0, 0], [1, 1, 1, 1, 1]]
    with pytest.raises(TypeError):
        tf.data.Dataset.range(3).concatenate(tf.data.Dataset.from_tensor_slices([1.0]))


# -- map / filter / flat_map / interleave -------------------------------------------------------

def test_map_tuple_args_and_output_structure():
    ds = tf.data.Dataset.from_tensor_slices((np.arange(4, dtype=np.float32), np.arange(4) * 2))
    m = ds.map(lambda x, y: {"sum": x + tf.cast(y, tf.float32), "sq": x * x}, num_parallel_calls=4)
    assert m.output_types == {"sq": tf.float32, "sum": tf.float32}
    got = drain(m)
    assert [float(e["sum"]) for e in got] == [0.0, 3.0, 6.0, 9.0]
    assert [float(e["sq"]) for e in got] == [0.0, 1.0, 4.0, 9.0]
    # a dict element is passed as one argument; a returned list becomes a tuple
    m2 = m.map(lambda d: [d["sum"], d["sq"] + 1])
    assert isinstance(m2.output_types, tuple)
    assert [(float(a), float(b)) for a, b in drain(m2)] == [(0, 1), (3, 2), (6, 5), (9, 10)]


def test_map_static_shapes_follow_the_function():
    ds = tf.data.Dataset.range(4).batch(3).map(lambda v: tf.one_hot(v, 5))
    assert ds.output_shapes.as_list() == [None, 5]
    got = drain(ds)
    np.testing.assert_array_equal(got[0], np.eye(5)[[0, 1, 2]])
    np.testing.assert_array_equal(got[1], np.eye(5)[[3]])


def test_map_with_value_dependent_shape():
    ds = tf.data.Dataset.range(1, 4).map(lambda v: tf.fill([v], v))
    assert ds.output_shapes.as_list() == [None]
    assert [v.tolist() for v in drain(ds)] == [[1], [2, 2], [3, 3, 3]]


def test_map_captures_constant_and_variable():
    c = tf.constant(10, tf.int64)
    w = tf.Variable(3, dtype=tf.int64)
    ds = tf.data.Dataset.range(3).map(lambda v: v * w + c)
    nxt = ds.make_initializable_iterator()
    el = nxt.get_next()
    with tf.Session() as sess:
        sess.run(w.initializer)
        sess.run(nxt.initializer)
        assert int(sess.run(el)) == 10
        sess.run(w.assign(5))    # variables are read when the function runs
        assert int(sess.run(el)) == 15


def test_map_string_function():
    ds = tf.data.Dataset.range(3).map(lambda v: (v, tf.as_string(v)))
    assert ds.output_types == (tf.int64, tf.string)
    assert [(int(a), b) for a, b in drain(ds)] == [(0, b"0"), (1, b"1"), (2, b"2")]


def test_filter_and_predicate_check():
    ds = tf.data.Dataset.range(20).filter(lambda v: tf.equal(v % 3, 0))
    assert [int(v) for v in drain(ds)] == [v for v in range(20) if v % 3 == 0]
    with pytest.raises(ValueError):
        tf.data.Dataset.range(3).filter(lambda v: v)


def test_flat_map_repeats_each_element():
    ds = tf.data.Dataset.range(4).flat_map(lambda v: tf.data.Dataset.from_tensors(v).repeat(v + 1))
    assert [int(v) for v in drain(ds)] == [v for v in range(4) for _ in range(v + 1)]
    with pytest.raises(TypeError):
        tf.data.Dataset.range(3).flat_map(lambda v: v)


@pytest.mark.parametrize("cycle,block", [(2, 1), (2, 2), (3, 2), (1, 3)])
def test_interleave_order(cycle, block):
    ds = tf.data.Dataset.range(1, 4).interleave(
        lambda v: tf.data.Dataset.range(10 * v, 10 * v + v + 1), cycle_length=cycle, block_length=block)
    got = [int(v) for v in drain(ds)]
    # TF's order, worked out by hand for these inputs (element v yields 10v..10v+v)
    expected = {
        (2, 1): [10, 20, 11, 21, 22, 30, 31, 32, 33],
        (2, 2): [10, 11, 20, 21, 22, 30, 31, 32, 33],
        (3, 2): [10, 11, 20, 21, 30, 31, 22, 32, 33],
        (1, 3): [10, 11, 20, 21, 22, 30, 31, 32, 33],
    }[(cycle, block)]
    assert got == expected
    assert sorted(got) == sorted(10 * v + k for v in range(1, 4) for k in range(v + 1))


def test_interleave_captures_outer_placeholder():
    n = tf.placeholder(tf.int64, [])
    ds = tf.data.Dataset.range(2).interleave(lambda v: tf.data.Dataset.range(n).map(lambda k: k + 100 * v),
                                             cycle_length=2)
    assert [int(v) for v in drain(ds, {n: 2})] == [0, 100, 1, 101]


# -- reordering, repetition, slicing ---------------------------------------------------------

def test_shuffle_is_a_permutation_and_seeded():
    tf.set_random_seed(3)
    ds = tf.data.Dataset.range(50).shuffle(10, seed=7)
    a = [int(v) for v in drain(ds)]
    b = [int(v) for v in drain(ds)]
    assert sorted(a) == list(range(50))
    assert a != list(range(50))
    assert a == b   # same seed, new iterator: the same order
    # a buffer of 10: the k-th output is one of the first k + 10 inputs
    assert all(v < k + 10 for k, v in enumerate(a))


def test_shuffle_reshuffles_each_iteration():
    ds = tf.data.Dataset.range(30).shuffle(30, seed=1).repeat(2)
    got = [int(v) for v in drain(ds)]
    first, second = got[:30], got[30:]
    assert sorted(first) == sorted(second) == list(range(30))
    assert first != second
    fixed = tf.data.Dataset.range(30).shuffle(30, seed=1, reshuffle_each_iteration=False).repeat(2)
    got = [int(v) for v in drain(fixed)]
    assert got[:30] == got[30:]


def test_shuffle_of_slices_large_and_small_buffer_keep_rows_together():
    x = np.arange(200, dtype=np.float32).reshape(100, 2)
    y = np.arange(100)
    for buf in (1000, 7):
        ds = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(buf, seed=5).batch(16)
        xs, ys = zip(*drain(ds))
        xs, ys = np.concatenate(xs), np.concatenate(ys)
        assert sorted(ys.tolist()) == list(range(100))
        np.testing.assert_array_equal(xs, x[ys])
        assert ys.tolist() != list(range(100))


def test_repeat_take_skip():
    assert [int(v) for v in drain(tf.data.Dataset.range(3).repeat(2))] == [0, 1, 2, 0, 1, 2]
    assert [int(v) for v in drain(tf.data.Dataset.range(3).repeat().take(7))] == [0, 1, 2, 0, 1, 2, 0]
    assert drain(tf.data.Dataset.range(3).repeat(0)) == []
    assert [int(v) for v in drain(tf.data.Dataset.range(10).skip(3).take(4))] == [3, 4, 5, 6]
    assert [int(v) for v in drain(tf.data.Dataset.range(4).take(-1))] == [0, 1, 2, 3]
    assert drain(tf.data.Dataset.range(4).skip(-1)) == []
    # an empty dataset repeated forever ends
    assert drain(tf.data.Dataset.range(0).repeat()) == []
    # index-source path: slices through repeat/skip/take
    s = tf.data.Dataset.from_tensor_slices(np.arange(5)).repeat(3).skip(4).take(6)
    assert [int(v) for v in drain(s)] == [4, 0, 1, 2, 3, 4]


def test_shard_prefetch_cache_apply():
    assert [int(v) for v in drain(tf.data.Dataset.range(10).shard(3, 1))] == [1, 4, 7]
    assert [int(v) for v in drain(tf.data.Dataset.range(4).prefetch(2))] == [0, 1, 2, 3]
    calls = []

    def gen():
        calls.append(1)
        yield from range(3)
    cached = tf.data.Dataset.from_generator(gen, tf.int64).cache().repeat(3)
    assert [int(v) for v in drain(cached)] == [0, 1, 2] * 3
    assert len(calls) == 1
    applied = tf.data.Dataset.range(6).apply(lambda d: d.filter(lambda v: v > 3))
    assert [int(v) for v in drain(applied)] == [4, 5]


# -- batching -----------------------------------------------------------------------------------

def test_batch_shapes_and_remainder():
    keep = tf.data.Dataset.range(10).batch(4)
    drop = tf.data.Dataset.range(10).batch(4, drop_remainder=True)
    assert keep.output_shapes.as_list() == [None]
    assert drop.output_shapes.as_list() == [4]
    assert [b.tolist() for b in drain(keep)] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert [b.tolist() for b in drain(drop)] == [[0, 1, 2, 3], [4, 5, 6, 7]]
    nested = tf.data.Dataset.from_tensor_slices((np.ones([5, 2]), ["a", "b", "c", "d", "e"])).batch(2)
    assert [s.as_list() for s in nested.output_shapes] == [[None, 2], [None]]
    got = drain(nested)
    assert got[2][0].shape == (1, 2) and got[1][1].tolist() == [b"c", b"d"]


def test_batch_of_mapped_elements_and_shape_mismatch():
    ds = tf.data.Dataset.range(3).map(lambda v: tf.stack([v, v * v])).batch(2)
    assert ds.output_shapes.as_list() == [None, 2]
    assert [b.tolist() for b in drain(ds)] == [[[0, 0], [1, 1]], [[2, 4]]]
    ragged = tf.data.Dataset.range(1, 3).map(lambda v: tf.fill([v], v)).batch(2)
    nxt = ragged.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="Cannot batch tensors with different"):
            sess.run(nxt)


def test_padded_batch():
    ds = tf.data.Dataset.range(1, 6).map(lambda v: tf.fill([v], v))
    pb = ds.padded_batch(2, padded_shapes=[None])
    assert pb.output_shapes.as_list() == [None, None]
    got = [b.tolist() for b in drain(pb)]
    assert got == [[[1, 0], [2, 2]], [[3, 3, 3, 0], [4, 4, 4, 4]], [[5, 5, 5, 5, 5]]]
    fixed = tf.data.Dataset.range(1, 4).map(lambda v: tf.fill([v], v)).padded_batch(
        2, padded_shapes=[5], padding_values=tf.constant(-1, tf.int64), drop_remainder=True)
    assert fixed.output_shapes.as_list() == [2, 5]
    assert [b.tolist() for b in drain(fixed)] == [[[1, -1, -1, -1, -1], [2, 2, -1, -1, -1]]]
    tup = tf.data.Dataset.range(1, 3).map(lambda v: (tf.fill([v], v), tf.as_string(v))).padded_batch(
        2, padded_shapes=([3], []), padding_values=(tf.constant(9, tf.int64), "x"))
    (a, b), = drain(tup)
    assert a.tolist() == [[1, 9, 9], [2, 2, 9]] and b.tolist() == [b"1", b"2"]
    small = tf.data.Dataset.range(3, 4).map(lambda v: tf.fill([v], v)).padded_batch(1, padded_shapes=[2])
    nxt = small.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError):
            sess.run(nxt)


def test_unbatch_and_experimental():
    ds = tf.data.Dataset.range(5).batch(2).apply(tf.data.experimental.unbatch())
    assert ds.output_shapes.as_list() == []
    assert [int(v) for v in drain(ds)] == [0, 1, 2, 3, 4]
    mb = tf.data.Dataset.range(5).apply(tf.data.experimental.map_and_batch(lambda v: v * 2, 2))
    assert [b.tolist() for b in drain(mb)] == [[0, 2], [4, 6], [8]]
    sr = tf.data.Dataset.range(4).apply(tf.data.experimental.shuffle_and_repeat(4, count=2, seed=1))
    got = [int(v) for v in drain(sr)]
    assert sorted(got[:4]) == sorted(got[4:]) == [0, 1, 2, 3]


def test_list_files(tmp_path):
    for name in ("b.txt", "a.txt", "c.dat"):
        (tmp_path / name).write_text("x")
    ordered = tf.data.Dataset.list_files(str(tmp_path / "*.txt"), shuffle=False)
    assert ordered.output_types == tf.string and ordered.output_shapes.as_list() == []
    assert drain(ordered) == [str(tmp_path / "a.txt").encode(), str(tmp_path / "b.txt").encode()]
    shuffled = tf.data.Dataset.list_files([str(tmp_path / "*.txt"), str(tmp_path / "*.dat")], seed=2)
    assert sorted(drain(shuffled)) == sorted(str(tmp_path / n).encode() for n in ("a.txt", "b.txt", "c.dat"))
    none = tf.data.Dataset.list_files(str(tmp_path / "*.nothing"))
    nxt = none.make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.InvalidArgumentError, match="No files matched"):
            sess.run(nxt)


def test_namedtuple_elements():
    Point = collections.namedtuple("Point", ["x", "y"])
    ds = tf.data.Dataset.from_tensor_slices(Point(np.arange(3), np.arange(3) * 2.0))
    assert isinstance(ds.output_types, Point)
    m = ds.map(lambda p: p.x + tf.cast(p.y, tf.int64))   # a namedtuple is passed as one argument
    assert [int(v) for v in drain(m)] == [0, 3, 6]
    el = drain(ds)[1]
    assert isinstance(el, Point) and int(el.x) == 1 and float(el.y) == 2.0
