"""tf.train.Example protos, parse_(single_)example, decode_raw, read/write/matching_files vs TF 1.15."""

import struct

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess(graph):
    with tf.Session(graph=graph) as s:
        yield s


def _example(**feats):
    f = {}
    for k, v in feats.items():
        if isinstance(v, list) and v and isinstance(v[0], float):
            f[k] = tf.train.Feature(float_list=tf.train.FloatList(value=v))
        elif isinstance(v, list) and v and isinstance(v[0], bytes):
            f[k] = tf.train.Feature(bytes_list=tf.train.BytesList(value=v))
        else:
            f[k] = tf.train.Feature(int64_list=tf.train.Int64List(value=v))
    return tf.train.Example(features=tf.train.Features(feature=f)).SerializeToString()


# -- protos ------------------------------------------------------------------------------------


def test_example_proto_names_and_wire_format():
    ex = tf.train.Example(
        features=tf.train.Features(
            feature={"a": tf.train.Feature(int64_list=tf.train.Int64List(value=[1, 300]))}
        )
    )
    assert ex.DESCRIPTOR.full_name == "tensorflow.Example"
    assert tf.train.SequenceExample.DESCRIPTOR.full_name == "tensorflow.SequenceExample"
    assert tf.train.Feature.DESCRIPTOR.file.name == "tensorflow/core/example/feature.proto"
    # Example{features(1){feature(1) map entry{key(1)="a", value(2)=Feature{int64_list(3){packed value(1)}}}}}
    int64_list = b"\x0a\x03\x01\xac\x02"  # packed [1, 300]
    feature = b"\x1a" + bytes([len(int64_list)]) + int64_list
    entry = b"\x0a\x01a" + b"\x12" + bytes([len(feature)]) + feature
    features = b"\x0a" + bytes([len(entry)]) + entry
    assert ex.SerializeToString() == b"\x0a" + bytes([len(features)]) + features
    back = tf.train.Example.FromString(ex.SerializeToString())
    assert list(back.features.feature["a"].int64_list.value) == [1, 300]
    assert back.features.feature["a"].WhichOneof("kind") == "int64_list"


def test_float_list_is_packed_float32():
    s = tf.train.FloatList(value=[1.5, -2.0]).SerializeToString()
    assert s == b"\x0a\x08" + struct.pack("<2f", 1.5, -2.0)


def test_sequence_example_round_trip():
    se = tf.train.SequenceExample()
    se.context.feature["len"].int64_list.value.append(2)
    fl = se.feature_lists.feature_list["tok"]
    fl.feature.add().bytes_list.value.append(b"a")
    fl.feature.add().bytes_list.value.append(b"b")
    back = tf.train.SequenceExample.FromString(se.SerializeToString())
    assert [f.bytes_list.value[0] for f in back.feature_lists.feature_list["tok"].feature] == [b"a", b"b"]


# -- parse_single_example --------------------------------------------------------------------


def test_parse_single_example_values_and_static_shapes(sess):
    s = tf.placeholder(tf.string, [])
    out = tf.parse_single_example(
        s,
        {
            "label": tf.FixedLenFeature([], tf.int64),
            "vec": tf.FixedLenFeature([3], tf.float32),
            "mat": tf.FixedLenFeature([2, 2], tf.int64),
            "name": tf.FixedLenFeature((), tf.string),
            "tags": tf.VarLenFeature(tf.int64),
        },
    )
    assert out["label"].shape.as_list() == [] and out["label"].dtype == tf.int64
    assert out["vec"].shape.as_list() == [3] and out["vec"].dtype == tf.float32
    assert out["mat"].shape.as_list() == [2, 2]
    assert out["name"].dtype == tf.string
    tags = out["tags"]
    assert isinstance(tags, tf.SparseTensor)
    assert tags.indices.shape.as_list() == [None, 1]
    assert tags.values.shape.as_list() == [None]
    assert tags.dense_shape.shape.as_list() == [1]
    r = sess.run(
        out, {s: _example(label=[7], vec=[1.0, 2.5, -3.0], mat=[1, 2, 3, 4], name=[b"x"], tags=[4, 5, 6])}
    )
    assert r["label"] == 7
    np.testing.assert_array_equal(r["vec"], np.array([1.0, 2.5, -3.0], np.float32))
    np.testing.assert_array_equal(r["mat"], [[1, 2], [3, 4]])
    assert r["name"] == b"x"
    np.testing.assert_array_equal(r["tags"].indices, [[0], [1], [2]])
    np.testing.assert_array_equal(r["tags"].values, [4, 5, 6])
    np.testing.assert_array_equal(r["tags"].dense_shape, [3])


def test_parse_single_example_defaults_and_missing_varlen(sess):
    s = tf.placeholder(tf.string, [])
    out = tf.parse_single_example(
        s,
        {
            "a": tf.FixedLenFeature([2], tf.float32, default_value=[9.0, 8.0]),
            "b": tf.FixedLenFeature([], tf.string, default_value="dflt"),
            "v": tf.VarLenFeature(tf.string),
        },
    )
    r = sess.run(out, {s: _example(other=[1])})
    np.testing.assert_array_equal(r["a"], [9.0, 8.0])
    assert r["b"] == b"dflt"
    assert r["v"].indices.shape == (0, 1) and r["v"].values.shape == (0,)
    np.testing.assert_array_equal(r["v"].dense_shape, [0])
    r = sess.run(out, {s: _example(a=[1.0, 2.0], v=[b"p", b"q"])})
    np.testing.assert_array_equal(r["a"], [1.0, 2.0])
    assert list(r["v"].values) == [b"p", b"q"]


def test_missing_required_feature_names_the_key(sess):
    s = tf.placeholder(tf.string, [])
    out = tf.parse_single_example(s, {"needed": tf.FixedLenFeature([], tf.int64)})
    with pytest.raises(tf.errors.InvalidArgumentError, match="needed.*required"):
        sess.run(out, {s: _example(other=[1])})


def test_wrong_type_and_wrong_size_raise(sess):
    s = tf.placeholder(tf.string, [])
    vec = tf.parse_single_example(s, {"vec": tf.FixedLenFeature([3], tf.float32)})["vec"]
    with pytest.raises(tf.errors.InvalidArgumentError, match="vec.*Values size: 2"):
        sess.run(vec, {s: _example(vec=[1.0, 2.0])})
    with pytest.raises(tf.errors.InvalidArgumentError, match="vec.*Data types don't match"):
        sess.run(vec, {s: _example(vec=[1, 2, 3])})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Could not parse example"):
        sess.run(vec, {s: b"\xff\xff\xff not a proto"})


def test_build_time_errors():
    with pytest.raises(ValueError):
        tf.parse_single_example(tf.constant(b""), {"x": tf.FixedLenFeature([], tf.int32)})
    with pytest.raises(ValueError):
        tf.parse_single_example(
            tf.constant(b""), {"x": tf.FixedLenFeature([2], tf.float32, default_value=[1.0])}
        )
    with pytest.raises(ValueError):
        tf.parse_single_example(tf.constant([b"", b""]), {"x": tf.FixedLenFeature([], tf.int64)})


def test_feature_config_defaults():
    assert tf.FixedLenFeature([2], tf.float32) == ([2], tf.float32, None)
    assert tf.FixedLenSequenceFeature([], tf.int64).allow_missing is False
    assert tf.VarLenFeature(tf.string).dtype == tf.string


# -- parse_example ---------------------------------------------------------------------------


def test_parse_example_batch(sess):
    b = tf.placeholder(tf.string, [None])
    out = tf.parse_example(
        b,
        {
            "vec": tf.FixedLenFeature([3], tf.float32),
            "opt": tf.FixedLenFeature([], tf.int64, default_value=-1),
            "tags": tf.VarLenFeature(tf.int64),
        },
    )
    assert out["vec"].shape.as_list() == [None, 3]
    assert out["opt"].shape.as_list() == [None]
    assert out["tags"].indices.shape.as_list() == [None, 2]
    assert out["tags"].dense_shape.shape.as_list() == [2]
    recs = [
        _example(vec=[1.0, 2.0, 3.0], tags=[10], opt=[5]),
        _example(vec=[4.0, 5.0, 6.0]),
        _example(vec=[7.0, 8.0, 9.0], tags=[20, 21, 22]),
    ]
    r = sess.run(out, {b: recs})
    np.testing.assert_array_equal(r["vec"], [[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    np.testing.assert_array_equal(r["opt"], [5, -1, -1])
    np.testing.assert_array_equal(r["tags"].indices, [[0, 0], [2, 0], [2, 1], [2, 2]])
    np.testing.assert_array_equal(r["tags"].values, [10, 20, 21, 22])
    np.testing.assert_array_equal(r["tags"].dense_shape, [3, 3])
    dense = sess.run(tf.sparse_tensor_to_dense(out["tags"], default_value=-7), {b: recs})
    np.testing.assert_array_equal(dense, [[10, -7, -7], [-7, -7, -7], [20, 21, 22]])


def test_parse_example_survives_a_graph_def_round_trip(graph):
    b = tf.placeholder(tf.string, [None], name="b")
    tf.parse_example(b, {"vec": tf.FixedLenFeature([2], tf.float32), "n": tf.FixedLenFeature([], tf.int64)},
                     name="parse")
    node = [n for n in graph.as_graph_def().node if n.op == "ParseExample"][0]
    assert [[d.size for d in s.dim] for s in node.attr["dense_shapes"].list.shape] == [[], [2]]  # n, vec
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(graph.as_graph_def(), name="")
        out = g2.get_operation_by_name("parse/ParseExample").outputs
        with tf.Session() as s:
            n, vec = s.run(out, {"b:0": [_example(vec=[1.0, 2.0], n=[4]), _example(vec=[3.0, 4.0], n=[5])]})
    np.testing.assert_array_equal(n, [4, 5])
    np.testing.assert_array_equal(vec, [[1, 2], [3, 4]])


def test_parse_example_static_batch_and_error_index(sess):
    recs = tf.constant([_example(x=[1]), _example(y=[1])])
    out = tf.parse_example(recs, {"x": tf.FixedLenFeature([1], tf.int64)})
    assert out["x"].shape.as_list() == [2, 1]
    with pytest.raises(tf.errors.InvalidArgumentError, match="Feature: x"):
        sess.run(out)


def test_fixed_len_sequence_feature_pads(sess):
    b = tf.placeholder(tf.string, [None])
    seq = tf.parse_example(
        b, {"s": tf.FixedLenSequenceFeature([2], tf.int64, allow_missing=True, default_value=-1)}
    )["s"]
    assert seq.shape.as_list() == [None, None, 2]
    r = sess.run(seq, {b: [_example(s=[1, 2, 3, 4]), _example(s=[5, 6]), _example(z=[0])]})
    np.testing.assert_array_equal(r, [[[1, 2], [3, 4]], [[5, 6], [-1, -1]], [[-1, -1], [-1, -1]]])
    with pytest.raises(ValueError):
        tf.parse_example(b, {"s": tf.FixedLenSequenceFeature([], tf.int64)})


# -- decode_raw, files -------------------------------------------------------------------------


def test_decode_raw(sess):
    data = np.array([1, -2, 300], np.int32).tobytes()
    x = tf.placeholder(tf.string, [None])
    d = tf.decode_raw(x, tf.int32)
    assert d.shape.as_list() == [None, None] and d.dtype == tf.int32
    r = sess.run(d, {x: [data, np.array([7, 8, 9], np.int32).tobytes()]})
    np.testing.assert_array_equal(r, [[1, -2, 300], [7, 8, 9]])
    be = sess.run(tf.decode_raw(tf.constant(struct.pack(">2h", 258, -3)), tf.int16, little_endian=False))
    np.testing.assert_array_equal(be, [258, -3])
    u8 = sess.run(tf.io.decode_raw(tf.constant(b"\x01\x02\xff"), tf.uint8))
    np.testing.assert_array_equal(u8, [1, 2, 255])
    assert u8.dtype == np.uint8
    with pytest.raises(tf.errors.InvalidArgumentError, match="same size"):
        sess.run(d, {x: [data, b"\x00" * 8]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a multiple of 4"):
        sess.run(d, {x: [b"\x00" * 5]})


def test_read_write_matching_files(sess, tmp_path):
    path = str(tmp_path / "sub" / "f.bin")
    w = tf.write_file(path, tf.constant(b"\x00payload\xff"))
    assert isinstance(w, tf.Operation)
    sess.run(w)
    assert open(path, "rb").read() == b"\x00payload\xff"
    contents = tf.read_file(path)
    assert contents.shape.as_list() == [] and contents.dtype == tf.string
    assert sess.run(contents) == b"\x00payload\xff"
    with pytest.raises(tf.errors.NotFoundError):
        sess.run(tf.read_file(str(tmp_path / "missing")))
    for n in ("b.txt", "a.txt", "c.dat"):
        open(tmp_path / n, "w").close()
    m = tf.matching_files(str(tmp_path / "*.txt"))
    assert m.shape.as_list() == [None]
    assert list(sess.run(m)) == [str(tmp_path / "a.txt").encode(), str(tmp_path / "b.txt").encode()]
    assert sess.run(tf.matching_files(str(tmp_path / "*.none"))).shape == (0,)


def test_tfrecord_file_parsed_in_session(sess, tmp_path):
    path = str(tmp_path / "d.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        for n in range(3):
            w.write(_example(label=[n], name=[b"r%d" % n]))
    recs = list(tf.python_io.tf_record_iterator(path))
    s = tf.placeholder(tf.string, [])
    f = tf.parse_single_example(
        s, {"label": tf.FixedLenFeature([], tf.int64), "name": tf.FixedLenFeature([], tf.string)}
    )
    got = [sess.run((f["label"], f["name"]), {s: r}) for r in recs]
    assert got == [(0, b"r0"), (1, b"r1"), (2, b"r2")]
