"""tf.data.experimental (compat_tf/_src/data): scan, take_while, unique, group_by_reducer, cardinality,
get_single_element, Optional, CsvDataset, SqlDataset, RandomDataset, TFRecordWriter, Options.

Expected values come from Python references or were recorded from TensorFlow's tf.compat.v1 in graph
mode (marked "TF:"); failed-element sequences are in _element_error_cases.py.
"""
import sqlite3

import numpy as np
import pytest

import compat_tf as tf

E = tf.data.experimental


def drain(ds, limit=50):
    nx = tf.data.make_one_shot_iterator(ds).get_next()
    out = []
    with tf.Session() as s:
        while len(out) < limit:
            try:
                out.append(s.run(nx))
            except tf.errors.OutOfRangeError:
                break
    return out


def test_scan_running_sum_and_relaxed_state_shape():
    xs = np.array([3, 1, 4, 1, 5], np.int64)
    ds = tf.data.Dataset.from_tensor_slices(xs).apply(E.scan(np.int64(0), lambda s, x: (s + x, s * 10)))
    assert drain(ds) == (np.concatenate([[0], np.cumsum(xs)[:-1]]) * 10).tolist()
    # TF: the state grows, so its shape is relaxed to [?]; output is tf.size(state) (int32, shape [])
    ds = tf.data.Dataset.range(4).apply(E.scan(tf.zeros([0], tf.int64),
                                               lambda s, x: (tf.concat([s, [x]], 0), tf.size(s))))
    assert ds.output_shapes.as_list() == [] and ds.output_types == tf.int32
    assert drain(ds) == [0, 1, 2, 3]


def test_scan_checks_the_new_state():
    with pytest.raises(TypeError, match="types for the new state must match"):
        tf.data.Dataset.range(4).apply(E.scan(np.int32(0), lambda s, x: (x, x)))
    with pytest.raises(TypeError, match="pair"):
        tf.data.Dataset.range(4).apply(E.scan(np.int64(0), lambda s, x: x))


def test_take_while_and_unique():
    assert drain(tf.data.Dataset.range(10).apply(E.take_while(lambda x: x < 3))) == [0, 1, 2]
    with pytest.raises(ValueError, match="scalar boolean"):
        tf.data.Dataset.range(4).apply(E.take_while(lambda x: x))
    vals = [3, 1, 3, 2, 1, 7, 2]
    got = drain(tf.data.Dataset.from_tensor_slices(np.array(vals, np.int64)).apply(E.unique()))
    assert got == list(dict.fromkeys(vals))
    words = drain(tf.data.Dataset.from_tensor_slices(["b", "a", "b"]).apply(E.unique()))
    assert words == [b"b", b"a"]
    with pytest.raises(TypeError, match="not supported for unique"):
        tf.data.Dataset.from_tensor_slices(np.zeros(3, np.float32)).apply(E.unique())


def test_group_by_reducer_in_key_order():
    reducer = E.Reducer(lambda k: np.int64(0), lambda s, x: s + x, lambda s: s)
    ds = tf.data.Dataset.from_tensor_slices(np.array([5, 2, 7, 4, 9, 1], np.int64))
    assert drain(ds.apply(E.group_by_reducer(lambda x: x % 3, reducer))) == [9, 12, 7]   # TF
    pair = E.Reducer(lambda k: (k, np.int64(0)), lambda s, x: (s[0], s[1] + x), lambda a, b: a * 100 + b)
    assert drain(tf.data.Dataset.range(6).apply(E.group_by_reducer(lambda x: x % 2, pair))) == [6, 109]  # TF


# TF: cardinality of each pipeline (tf.compat.v1 graph mode; a TF1 map does not preserve it)
CARDINALITIES = [
    (lambda: tf.data.Dataset.range(10), 10),
    (lambda: tf.data.Dataset.from_tensor_slices(np.zeros([7])), 7),
    (lambda: tf.data.Dataset.range(10).batch(3), 4),
    (lambda: tf.data.Dataset.range(10).batch(3, True), 3),
    (lambda: tf.data.Dataset.range(10).repeat(), -1),
    (lambda: tf.data.Dataset.range(0).repeat(), 0),
    (lambda: tf.data.Dataset.range(10).repeat(3), 30),
    (lambda: tf.data.Dataset.range(10).filter(lambda x: x > 2), -2),
    (lambda: tf.data.Dataset.range(10).take(3), 3),
    (lambda: tf.data.Dataset.range(10).take(-1), 10),
    (lambda: tf.data.Dataset.range(10).skip(13), 0),
    (lambda: tf.data.Dataset.range(10).repeat().skip(3), -1),
    (lambda: tf.data.Dataset.range(10).repeat().take(5), 5),
    (lambda: tf.data.Dataset.range(10).shard(3, 2), 3),
    (lambda: tf.data.Dataset.zip((tf.data.Dataset.range(10), tf.data.Dataset.range(4))), 4),
    (lambda: tf.data.Dataset.range(10).concatenate(tf.data.Dataset.range(4)), 14),
    (lambda: tf.data.Dataset.range(10).map(lambda x: x), -2),
    (lambda: tf.data.Dataset.range(10).shuffle(3).prefetch(1).cache(), 10),
    (lambda: tf.data.Dataset.range(10).padded_batch(4, []), 3),
    (lambda: tf.data.Dataset.from_tensors(1), 1),
    (lambda: E.Counter(), -1),
    (lambda: tf.data.Dataset.range(10).apply(E.scan(np.int64(0), lambda s, x: (s, x))), 10),
    (lambda: tf.data.Dataset.range(10).apply(E.enumerate_dataset()), 10),
    (lambda: tf.data.Dataset.range(10).apply(E.unique()), -2),
    (lambda: tf.data.Dataset.range(tf.placeholder_with_default(np.int64(5), [])), 5),
    (lambda: tf.data.Dataset.range(10).repeat().batch(3), -1),
]


def test_cardinality():
    tensors = [E.cardinality(make()) for make, _ in CARDINALITIES]
    assert all(t.dtype == tf.int64 and t.op.type == "DatasetCardinality" for t in tensors)
    with tf.Session() as s:
        assert s.run(tensors) == [n for _, n in CARDINALITIES]
    assert (E.INFINITE_CARDINALITY, E.UNKNOWN_CARDINALITY) == (-1, -2)


def test_get_single_element():
    ph = tf.placeholder(tf.int64, [])
    one = E.get_single_element(tf.data.Dataset.range(ph).skip(2).map(lambda x: (x, {"sq": x * x})))
    with tf.Session() as s:
        assert s.run(one, {ph: 3}) == (2, {"sq": 4})
        with pytest.raises(tf.errors.InvalidArgumentError, match="Dataset was empty"):
            s.run(one, {ph: 2})
        with pytest.raises(tf.errors.InvalidArgumentError, match="more than one element"):
            s.run(one, {ph: 5})


def test_get_next_as_optional():
    it = tf.data.make_initializable_iterator(tf.data.Dataset.range(2).map(lambda x: (x, {"a": tf.cast(x, tf.float32)})))
    opt = E.get_next_as_optional(it)
    has, value = opt.has_value(), opt.get_value()
    with tf.Session() as s:
        s.run(it.initializer)
        # TF: each run pulls an element; the third pull finds the end (no error) and get_value fails
        assert s.run(has) and s.run(value) == (1, {"a": 1.0})
        assert not s.run(has)
        with pytest.raises(tf.errors.InvalidArgumentError, match="does not have a value"):
            s.run(value)
    full = E.Optional.from_value((tf.constant(1), tf.constant([2.0])))
    empty = E.Optional.none_from_structure(full.element_spec)
    with tf.Session() as s:
        h1, v1, h0 = s.run([full.has_value(), full.get_value(), empty.has_value()])
        assert h1 and not h0 and v1[0] == 1 and v1[1].tolist() == [2.0]
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(empty.get_value())


def test_csv_dataset_defaults_and_quotes(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b,c\n1,2.5,x\n,3.5,"y,z"\n4,,w\n')
    ds = E.CsvDataset(str(path), [tf.constant([0], tf.int32), tf.constant(-1.0), tf.constant(["d"])], header=True)
    assert ds.output_types == (tf.int32, tf.float32, tf.string)
    assert drain(ds) == [(1, 2.5, b"x"), (0, 3.5, b"y,z"), (4, -1.0, b"w")]
    ds = E.CsvDataset(str(path), [0.0, ""], header=True, select_cols=[1, 2], na_value="3.5")
    assert drain(ds) == [(2.5, b"x"), (0.0, b"y,z"), (0.0, b"w")]
    with pytest.raises(ValueError, match="length-0 or length-1"):
        E.CsvDataset(str(path), [tf.constant([1, 2])])
    missing = tf.data.make_one_shot_iterator(E.CsvDataset(str(tmp_path / "nope.csv"), [0])).get_next()
    with tf.Session() as s:
        for _ in range(2):      # TF: every get_next retries the file
            with pytest.raises(tf.errors.NotFoundError):
                s.run(missing)


def test_sql_dataset(tmp_path):
    db = str(tmp_path / "t.db")
    conn = sqlite3.connect(db)
    conn.execute("create table t(a int, b real, c text)")
    conn.executemany("insert into t values (?, ?, ?)", [(1, 2.5, "x"), (2, 3.5, "yy")])
    conn.commit()
    conn.close()
    ds = E.SqlDataset("sqlite", db, "select a, b, c from t order by a", (tf.int64, tf.float32, tf.string))
    assert drain(ds) == [(1, 2.5, b"x"), (2, 3.5, b"yy")]
    nx = tf.data.make_one_shot_iterator(E.SqlDataset("sqlite", db, "select a from t", (tf.int64, tf.int64))).get_next()
    with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="number of columns"):
        s.run(nx)


def test_random_dataset_is_seeded_and_infinite():
    a, b = drain(E.RandomDataset(seed=3).take(5)), drain(E.RandomDataset(seed=3).take(5))
    assert a == b and len(set(a)) == 5 and all(isinstance(v, np.int64) for v in a)
    with tf.Session() as s:
        assert s.run(E.cardinality(E.RandomDataset(seed=1))) == -1


def test_tf_record_writer(tmp_path):
    path = str(tmp_path / "out.tfr")
    op = E.TFRecordWriter(path, "GZIP").write(tf.data.Dataset.from_tensor_slices([b"a", b"bc"]))
    assert op.type == "DatasetToTFRecord"
    with tf.Session() as s:
        s.run(op)
    assert list(tf.python_io.tf_record_iterator(path, tf.python_io.TFRecordOptions("GZIP"))) == [b"a", b"bc"]
    with pytest.raises(TypeError, match="scalar `DT_STRING`"):
        E.TFRecordWriter(path).write(tf.data.Dataset.range(3))


def test_options_are_typed_and_merged():
    o = tf.data.Options()
    o.experimental_optimization.map_fusion = True
    o.experimental_distribute.auto_shard_policy = E.AutoShardPolicy.DATA
    with pytest.raises(TypeError, match="must be of type"):
        o.experimental_deterministic = 1
    with pytest.raises(AttributeError, match="Cannot set the property"):
        o.experimental_nonexistent = True
    other = tf.data.Options()
    other.experimental_threading.private_threadpool_size = 4
    ds = tf.data.Dataset.range(3).with_options(o).map(lambda x: x).with_options(other)
    got = ds.options()
    assert got.experimental_optimization.map_fusion is True
    assert got.experimental_threading.private_threadpool_size == 4
    assert got.experimental_distribute.auto_shard_policy == E.AutoShardPolicy.DATA
    clash = tf.data.Options()
    clash.experimental_optimization.map_fusion = False
    with pytest.raises(ValueError, match="Cannot merge incompatible values"):
        ds.with_options(clash)
    assert drain(ds) == [0, 1, 2]


def test_device_placement_and_structure_helpers():
    ds = tf.data.Dataset.range(3).apply(E.prefetch_to_device("/gpu:0")).apply(E.copy_to_device("/cpu:0"))
    assert drain(ds) == [0, 1, 2]
    spec = E.get_structure(ds)
    assert spec.dtype == tf.int64 and spec.shape.as_list() == []
    got = drain(tf.data.Dataset.range(5).apply(E.map_and_batch_with_legacy_function(lambda x: x * 2, 2)))
    assert [b.tolist() for b in got] == [[0, 2], [4, 6], [8]]


@pytest.mark.parametrize("initial", [[0.6, 0.3, 0.1], None])
def test_rejection_resample_tends_to_the_target(initial):
    labels = np.random.RandomState(0).choice(3, size=2000, p=[0.6, 0.3, 0.1]).astype(np.int32)
    tf.set_random_seed(1)
    ds = tf.data.Dataset.from_tensor_slices(labels).apply(
        E.rejection_resample(lambda x: x, [1 / 3, 1 / 3, 1 / 3], initial, seed=5))
    assert ds.output_types == (tf.int32, tf.int32)
    out = drain(ds, limit=600)
    classes = np.array([c for c, _ in out])
    assert len(out) == 600 and all(c == d for c, d in out)
    np.testing.assert_allclose(np.bincount(classes, minlength=3) / len(out), [1 / 3] * 3, atol=0.08)


def test_rejection_resample_static_mixing_extremes():
    labels = np.array([0, 1, 0, 2, 1, 0, 0, 1], np.int32)
    same = tf.data.Dataset.from_tensor_slices(labels).apply(
        E.rejection_resample(lambda x: x, [0.5, 0.375, 0.125], [0.5, 0.375, 0.125]))
    assert [c for c, _ in drain(same)] == labels.tolist()      # target == initial: the input as it is
    many = np.random.RandomState(1).choice(3, size=1500, p=[0.6, 0.3, 0.1]).astype(np.int32)
    only_filtered = tf.data.Dataset.from_tensor_slices(many).apply(
        E.rejection_resample(lambda x: x, [0.5, 0.5, 0.0], [0.6, 0.3, 0.1], seed=3))
    classes = np.array([c for c, _ in drain(only_filtered, limit=2000)])
    assert 2 not in classes and abs(np.mean(classes == 0) - 0.5) < 0.08


def test_sample_from_datasets_with_a_weights_dataset():
    weights = tf.data.Dataset.from_tensors(tf.constant([0.0, 1.0])).repeat(5)
    ds = E.sample_from_datasets([tf.data.Dataset.range(10), tf.data.Dataset.range(100, 110)], weights, seed=1)
    assert drain(ds) == [100, 101, 102, 103, 104]       # the weights dataset ends the result
    with pytest.raises(TypeError, match="tf.float32"):
        E.sample_from_datasets([tf.data.Dataset.range(3)], tf.data.Dataset.range(3))


def _example(i):
    return tf.train.Example(features=tf.train.Features(feature={
        "x": tf.train.Feature(float_list=tf.train.FloatList(value=[i, i + 0.5])),
        "y": tf.train.Feature(int64_list=tf.train.Int64List(value=[i % 2]))})).SerializeToString()


def test_make_batched_features_dataset(tmp_path):
    for f in range(2):
        with tf.python_io.TFRecordWriter(str(tmp_path / f"f{f}.tfr")) as w:
            for i in range(5):
                w.write(_example(f * 10 + i))
    feats = {"x": tf.FixedLenFeature([2], tf.float32), "y": tf.FixedLenFeature([], tf.int64)}
    ds = E.make_batched_features_dataset(str(tmp_path / "*.tfr"), 4, feats, label_key="y", num_epochs=1,
                                         shuffle=False)
    assert ds.output_shapes[0]["x"].as_list() == [None, 2] and ds.output_shapes[1].as_list() == [None]
    batches = drain(ds)
    ids = [0, 1, 2, 3, 4, 10, 11, 12, 13, 14]      # TF: the files in order, the last batch partial
    assert [b[0]["x"][:, 0].tolist() for b in batches] == [ids[0:4], ids[4:8], ids[8:]]
    assert np.concatenate([b[1] for b in batches]).tolist() == [i % 2 for i in ids]
    with pytest.raises(ValueError, match="label_key"):
        E.make_batched_features_dataset(str(tmp_path / "*.tfr"), 4, feats, label_key="z")
    with pytest.raises(NotImplementedError, match="VarLenFeature"):
        E.parse_example_dataset({"v": tf.VarLenFeature(tf.int64)})
    parsed = tf.data.Dataset.from_tensors([_example(3), _example(4)]).apply(E.parse_example_dataset(feats))
    assert drain(parsed)[0]["y"].tolist() == [1, 0]
    with pytest.raises(TypeError, match="vectors of strings"):
        tf.data.Dataset.range(3).apply(E.parse_example_dataset(feats))


def test_structures():
    spec = E.TensorStructure(tf.int64, [])
    assert spec == tf.data.Dataset.range(3).element_spec and isinstance(spec, E.Structure)
    assert E.TensorStructure(tf.int64, [None]).is_compatible_with(E.TensorStructure(tf.int64, [3]))
    assert not E.TensorStructure(tf.int32, [None]).is_compatible_with(E.TensorStructure(tf.int64, [3]))
    assert E.TensorStructure.from_value(np.zeros([2, 3], np.float32)) == E.TensorStructure(tf.float32, [2, 3])
    sparse = E.SparseTensorStructure(tf.float32, [None, 3])
    assert sparse == E.SparseTensorStructure(tf.float32, [None, 3]) and sparse.dense_shape.as_list() == [None, 3]
    assert sparse.is_compatible_with(E.SparseTensorStructure(tf.float32, [2, 3]))
    assert not sparse.is_compatible_with(E.SparseTensorStructure(tf.float32, [2, 4]))
    assert E.DatasetStructure(spec).is_compatible_with(E.DatasetStructure(E.TensorStructure(tf.int64, [])))
    assert E.Optional.none_from_structure(spec).element_spec == spec
    assert isinstance(E.OptionalStructure(spec), E.Structure)


def test_tables_from_datasets():
    words = tf.data.Dataset.from_tensor_slices(["a", "b", "c"])
    index = E.index_table_from_dataset(words)
    buckets = E.index_table_from_dataset(words, num_oov_buckets=2)
    pairs = E.table_from_dataset(tf.data.Dataset.zip((words, tf.data.Dataset.range(10, 13))), default_value=-5,
                                 vocab_size=2)
    with tf.Session() as s:
        s.run(tf.tables_initializer())
        # TF: the same lookups (the OOV key hashes to bucket 3 - 3 = 0 of 2)
        assert s.run(index.lookup(tf.constant(["b", "z", "a"]))).tolist() == [1, -1, 0]
        assert s.run(buckets.lookup(tf.constant(["c", "zz"]))).tolist() == [2, 3]
        assert s.run(pairs.lookup(tf.constant(["a", "b", "c"]))).tolist() == [10, 11, -5]
    with pytest.raises(ValueError, match="key_dtype"):
        E.table_from_dataset(tf.data.Dataset.zip((tf.data.Dataset.range(2), tf.data.Dataset.range(2))))


def test_from_list_and_pad_to_cardinality():
    ds = E.from_list([(1, "a"), (2, "b")])
    assert drain(ds) == [(1, b"a"), (2, b"b")]
    with pytest.raises(ValueError):
        E.from_list([])
    padded = drain(tf.data.Dataset.from_tensor_slices({"x": [1, 2]}).apply(E.pad_to_cardinality(4)))
    assert [(int(e["x"]), bool(e["valid"])) for e in padded] == [(1, True), (2, True), (0, False), (0, False)]
    with pytest.raises(TypeError, match="dictionary"):
        tf.data.Dataset.range(3).apply(E.pad_to_cardinality(4))


def test_unimplemented_names_raise_not_implemented():
    for name in ("dense_to_sparse_batch", "to_variant", "distributed_save"):
        with pytest.raises(NotImplementedError, match=f"tf.data.experimental.{name}"):
            getattr(E, name)
