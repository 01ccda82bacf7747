"""Top-level TF1 ops (repeat, unravel_index, bitcast, parallel_stack, tensor_scatter_nd_max/min,
histograms, confusion_matrix, switch_case, serialize/parse_tensor, decode_compressed, fake_quant*,
extract_volume_patches, vectorized_map, grad_pass_through, log_sigmoid) against values and
gradients recorded from TensorFlow (tests/data/make_toplevel_fixtures.py), and their errors."""
import importlib.util
import os
import zlib

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import errors

_DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data")
_spec = importlib.util.spec_from_file_location("make_toplevel_fixtures",
                                               os.path.join(_DATA, "make_toplevel_fixtures.py"))
fixtures = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fixtures)
EXPECTED = np.load(fixtures.OUT, allow_pickle=True)


@pytest.fixture(scope="module")
def results():
    with tf.Graph().as_default():
        fetches, feeds = fixtures.cases(tf, fixtures.inputs())
        with tf.Session() as s:
            return s.run(fetches, feeds), {k: v.dtype for k, v in fetches.items() if hasattr(v, "dtype")}


@pytest.mark.parametrize("name", sorted(EXPECTED.files))
def test_matches_tensorflow(results, name):
    values, _ = results
    got, want = np.asarray(values[name]), EXPECTED[name]
    assert got.shape == want.shape, name
    if want.dtype == object:
        assert got.tolist() == want.tolist()
    elif np.issubdtype(want.dtype, np.floating):
        assert got.dtype == want.dtype, name
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    else:
        assert got.dtype == want.dtype, name
        np.testing.assert_array_equal(got, want)


@pytest.fixture
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_build_time_errors(graph):
    x = tf.constant([[1.0, 2.0]])
    with pytest.raises(ValueError, match="fully defined"):
        tf.parallel_stack([tf.placeholder(tf.float32, [None])])
    with pytest.raises(errors.InvalidArgumentError):
        tf.bitcast(tf.constant([1, 2, 3], tf.uint8), tf.float32)      # last dim must be 4
    with pytest.raises(TypeError, match="branch_index must an int32 Tensor"):
        tf.switch_case(tf.constant(1, tf.int64), [lambda: x])
    with pytest.raises(ValueError, match="contiguous range"):
        tf.switch_case(tf.constant(0), {0: lambda: x, 2: lambda: x})
    with pytest.raises(ValueError, match="min has to be smaller than max"):
        tf.fake_quant_with_min_max_args(x, min=1.0, max=-1.0)
    with pytest.raises(ValueError, match="num_bits"):
        tf.fake_quant_with_min_max_vars(x, -1.0, 1.0, num_bits=1)
    with pytest.raises(ValueError, match="compression_type"):
        tf.decode_compressed(tf.constant(["a"]), "BZ2")
    with pytest.raises(ValueError, match="out of range"):
        tf.repeat(x, 2, axis=3)


def test_run_time_errors(graph):
    idx = tf.placeholder(tf.int32, [None])
    un = tf.unravel_index(idx, [2, 3])
    ser = tf.placeholder(tf.string, [])
    parsed = tf.parse_tensor(ser, tf.int32)
    blob = tf.placeholder(tf.string, [1])
    dec = tf.decode_compressed(blob, "ZLIB")
    labels = tf.placeholder(tf.int32, [None])
    cm = tf.confusion_matrix(labels, labels, num_classes=3)
    with tf.Session() as s:
        np.testing.assert_array_equal(s.run(un, {idx: [4]}), [[1], [1]])
        with pytest.raises(errors.InvalidArgumentError, match="index is out of bound as with dims"):
            s.run(un, {idx: [6]})
        float_bytes = s.run(tf.serialize_tensor(tf.constant(1.0)))
        with pytest.raises(errors.InvalidArgumentError, match=r"Type mismatch between parsed tensor \(float\) and "
                                                                r"dtype \(int32\)"):
            s.run(parsed, {ser: float_bytes})
        assert s.run(dec, {blob: [zlib.compress(b"ok")]}).tolist() == [b"ok"]
        with pytest.raises(errors.DataLossError):
            s.run(dec, {blob: [b"not zlib"]})
        with pytest.raises(errors.InvalidArgumentError, match="`labels` out of bound"):
            s.run(cm, {labels: [0, 3]})


def test_timestamp_runs_each_time_and_batch_scatter_update(graph):
    t = tf.timestamp()
    assert t.dtype == tf.float64 and t.shape.ndims == 0
    v = tf.Variable(np.zeros((2, 3), np.float32))
    upd = tf.batch_scatter_update(v, [[2, 0], [1, 2]], [[1.0, 2.0], [3.0, 4.0]])
    with tf.Session() as s:
        a = s.run(t)
        b = s.run(t)
        assert b >= a > 1.6e9
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(upd), [[2.0, 0.0, 1.0], [0.0, 3.0, 4.0]])


def test_assert_helpers(graph):
    x = tf.placeholder(tf.float32, [None, 3])
    assert tf.assert_rank_in(x, [1, 2]).type == "NoOp"
    with pytest.raises(ValueError, match=r"must have rank in \(1, 3\).  Received rank 2"):
        tf.assert_rank_in(x, [1, 3])
    y = tf.placeholder(tf.float32)
    check = tf.assert_rank_in(y, [0, 1])
    with tf.Session() as s:
        s.run(check, {y: [1.0, 2.0]})
        with pytest.raises(errors.InvalidArgumentError):
            s.run(check, {y: [[1.0]]})
    assert tf.assert_same_float_dtype([x, y]) == tf.float32
    assert tf.assert_same_float_dtype(None, tf.float64) == tf.float64
    assert tf.assert_same_float_dtype() == tf.float32
    with pytest.raises(ValueError, match="must be of the same type"):
        tf.assert_same_float_dtype([x, tf.constant(1.0, tf.float64)])
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.assert_same_float_dtype([tf.constant(1)])
    tf.assert_proper_iterable([1, 2])
    for bad in (x, np.ones(2), "abc", b"abc"):
        with pytest.raises(TypeError, match="proper"):
            tf.assert_proper_iterable(bad)
    with pytest.raises(TypeError, match="iterable"):
        tf.assert_proper_iterable(3)


def test_partitioners_as_tf():
    shape = tf.TensorShape([10, 4])
    assert tf.fixed_size_partitioner(3)(shape=shape, dtype=tf.float32) == [3, 1]
    assert tf.fixed_size_partitioner(30, axis=1)(shape=shape, dtype=tf.float32) == [1, 4]
    # 4 float32 per row = 16 bytes a slice: 40 bytes -> 2 rows a shard -> 5 shards
    assert tf.variable_axis_size_partitioner(40)(shape, tf.float32) == [5, 1]
    assert tf.variable_axis_size_partitioner(40, max_shards=3)(shape, tf.float32) == [3, 1]
    assert tf.variable_axis_size_partitioner(1)(shape, tf.string) == [10, 1]
    assert tf.min_max_variable_partitioner(max_partitions=4, min_slice_size=64)(shape, tf.float32) == [3, 1]
    assert tf.min_max_variable_partitioner(max_partitions=2, min_slice_size=1)(shape, tf.float32) == [2, 1]
    with pytest.raises(ValueError):
        tf.variable_axis_size_partitioner(0)
    with pytest.raises(ValueError, match="Cannot partition variable along axis 2"):
        tf.min_max_variable_partitioner(axis=2)(shape, tf.float32)


def test_graph_def_round_trip(graph):
    x = tf.placeholder(tf.float32, [3, 2], name="x")
    outs = [tf.repeat(x, [1, 2, 0], axis=0), tf.unravel_index([0, 5], [3, 4]), tf.parallel_stack([x[0], x[1]]),
            tf.bitcast(x, tf.int32), tf.histogram_fixed_width(x, [0.0, 1.0], 3),
            tf.fake_quant_with_min_max_vars(x, -1.0, 1.0),
            tf.extract_volume_patches(tf.reshape(x, [1, 3, 2, 1, 1]), [1, 2, 1, 1, 1], [1, 1, 1, 1, 1], "VALID"),
            tf.parse_tensor(tf.serialize_tensor(x), tf.float32), tf.tensor_scatter_nd_max(x, [[0]], [[5.0, 5.0]])]
    feed = fixtures.inputs()["x"]
    with tf.Session() as s:
        ref = s.run(outs, {x: feed})
    gd = graph.as_graph_def()
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        with tf.Session() as s:
            got = s.run([o.name for o in outs], {"x:0": feed})
    for a, b in zip(ref, got):
        np.testing.assert_array_equal(a, b)


def test_fingerprint_and_json_errors(graph):
    with pytest.raises(ValueError, match="rank 1"):
        tf.fingerprint(tf.constant(1))
    bad_method = tf.fingerprint(tf.constant([1, 2]), method="md5")
    bad_json = tf.decode_json_example(["{bad"])
    with tf.Session() as s:
        with pytest.raises(errors.InvalidArgumentError, match="Unsupported fingerprint method: md5"):
            s.run(bad_method)
        with pytest.raises(errors.InvalidArgumentError, match="Error while parsing JSON"):
            s.run(bad_json)
    assert tf.io.decode_json_example is tf.decode_json_example


def test_conversion_helpers_and_framework_names(graph):
    st = tf.SparseTensorValue([[0, 1]], [2.0], [2, 3])
    sp = tf.convert_to_tensor_or_sparse_tensor(st)
    assert isinstance(sp, tf.SparseTensor)
    assert tf.convert_to_tensor_or_sparse_tensor(sp) is sp
    dense = tf.convert_to_tensor_or_sparse_tensor([1.0, 2.0])
    assert isinstance(dense, tf.Tensor) and dense.dtype == tf.float32
    with pytest.raises(RuntimeError, match="Sparse dtype"):      # TF1's class for a sparse dtype mismatch
        tf.convert_to_tensor_or_sparse_tensor(sp, dtype=tf.int32)
    sl = tf.IndexedSlices(tf.constant([[1.0]]), tf.constant([0]))
    assert tf.convert_to_tensor_or_indexed_slices(sl) is sl
    assert isinstance(tf.convert_to_tensor_or_indexed_slices(np.ones(2)), tf.Tensor)
    with pytest.raises(ValueError):
        tf.convert_to_tensor_or_indexed_slices(sl, dtype=tf.int64)
    assert tf.is_symbolic_tensor(dense) and not tf.is_symbolic_tensor(np.ones(2))
    assert [(m.name, m.value) for m in tf.VariableAggregation] == [("NONE", 0), ("SUM", 1), ("MEAN", 2),
                                                                  ("ONLY_FIRST_REPLICA", 3)]
    assert tf.VariableAggregation.ONLY_FIRST_TOWER is tf.VariableAggregation.ONLY_FIRST_REPLICA
    assert [m.value for m in tf.VariableSynchronization] == [0, 1, 2, 3]
    assert issubclass(tf.errors.InvalidArgumentError, tf.OpError)
