"""TFRecordDataset / TextLineDataset / FixedLengthRecordDataset against the bytes written to disk."""
import gzip
import zlib

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def drain(ds, feed=None):
    it = ds.make_initializable_iterator()
    nxt = it.get_next()
    out = []
    with tf.Session() as sess:
        sess.run(it.initializer, feed)
        while True:
            try:
                out.append(sess.run(nxt))
            except tf.errors.OutOfRangeError:
                return out


def write_records(path, records, compression=None):
    opts = tf.python_io.TFRecordOptions(compression) if compression else None
    with tf.python_io.TFRecordWriter(str(path), options=opts) as w:
        for r in records:
            w.write(r)
    return str(path)


def test_tfrecord_files_in_order_and_compressed(tmp_path):
    a = write_records(tmp_path / "a.tfrecord", [b"a0", b"a1"])
    b = write_records(tmp_path / "b.tfrecord", [b"b0", b"b1", b"b2"])
    gz = write_records(tmp_path / "c.gz", [b"g%d" % i for i in range(3)],
                       tf.python_io.TFRecordCompressionType.GZIP)
    zl = write_records(tmp_path / "d.z", [b"z0"], tf.python_io.TFRecordCompressionType.ZLIB)
    ds = tf.data.TFRecordDataset([a, b])
    assert ds.output_types == tf.string and ds.output_shapes.as_list() == []
    assert drain(ds) == [b"a0", b"a1", b"b0", b"b1", b"b2"]
    assert drain(tf.data.TFRecordDataset(gz, compression_type="GZIP")) == [b"g0", b"g1", b"g2"]
    assert drain(tf.data.TFRecordDataset([zl], compression_type="ZLIB")) == [b"z0"]
    # num_parallel_reads interleaves records across files one at a time
    assert drain(tf.data.TFRecordDataset([a, b], num_parallel_reads=2)) == [b"a0", b"b0", b"a1", b"b1", b"b2"]


def test_tfrecord_filenames_from_placeholder_and_dataset(tmp_path):
    a = write_records(tmp_path / "a.tfrecord", [b"x"])
    b = write_records(tmp_path / "b.tfrecord", [b"y", b"z"])
    names = tf.placeholder(tf.string, [None])
    ds = tf.data.TFRecordDataset(names)
    assert drain(ds, {names: [b, a]}) == [b"y", b"z", b"x"]
    from_ds = tf.data.TFRecordDataset(tf.data.Dataset.from_tensor_slices([a, b]))
    assert drain(from_ds) == [b"x", b"y", b"z"]


def test_tfrecord_missing_and_corrupt(tmp_path):
    nxt = tf.data.TFRecordDataset(str(tmp_path / "nope")).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.NotFoundError):
            sess.run(nxt)
    p = write_records(tmp_path / "bad.tfrecord", [b"hello world"])
    data = bytearray(open(p, "rb").read())
    data[14] ^= 0xFF   # flip a payload byte: its CRC no longer matches
    open(p, "wb").write(bytes(data))
    nxt = tf.data.TFRecordDataset(p).make_one_shot_iterator().get_next()
    with tf.Session() as sess:
        with pytest.raises(tf.errors.DataLossError):
            sess.run(nxt)


def test_tfrecord_parse_examples_in_map(tmp_path):
    recs = []
    for n in range(5):
        ex = tf.train.Example(features=tf.train.Features(feature={
            "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[n])),
            "vec": tf.train.Feature(float_list=tf.train.FloatList(value=[n, n / 2.0])),
        }))
        recs.append(ex.SerializeToString())
    p = write_records(tmp_path / "ex.tfrecord", recs)

    def parse(s):
        f = tf.parse_single_example(s, {"label": tf.FixedLenFeature([], tf.int64),
                                        "vec": tf.FixedLenFeature([2], tf.float32)})
        return f["vec"], f["label"]
    ds = tf.data.TFRecordDataset(p).map(parse).batch(2)
    assert [s.as_list() for s in ds.output_shapes] == [[None, 2], [None]]
    got = drain(ds)
    assert [b[1].tolist() for b in got] == [[0, 1], [2, 3], [4]]
    np.testing.assert_allclose(got[1][0], [[2, 1], [3, 1.5]])


def test_text_lines(tmp_path):
    p1 = tmp_path / "a.txt"
    p1.write_bytes(b"first\nsecond\r\n\nlast")
    p2 = tmp_path / "b.txt.gz"
    with gzip.open(p2, "wb") as f:
        f.write(b"g1\ng2\n")
    p3 = tmp_path / "c.txt.z"
    p3.write_bytes(zlib.compress(b"z1\n"))
    ds = tf.data.TextLineDataset(str(p1))
    assert ds.output_types == tf.string
    assert drain(ds) == [b"first", b"second", b"", b"last"]
    assert drain(tf.data.TextLineDataset([str(p2)], compression_type="GZIP")) == [b"g1", b"g2"]
    assert drain(tf.data.TextLineDataset(str(p3), compression_type="ZLIB")) == [b"z1"]
    lines = tf.data.Dataset.zip((tf.data.TextLineDataset([str(p1), str(p1)]), tf.data.Dataset.range(100))) \
        .skip(1).filter(lambda s, i: tf.not_equal(i % 4, 2)).map(lambda s, i: s).take(3)
    assert drain(lines) == [b"second", b"last", b"first"]


def test_fixed_length_records(tmp_path):
    p = tmp_path / "f.bin"
    p.write_bytes(b"HDR" + b"aabbccd" + b"FT")     # 3 whole records of 2 bytes, one partial dropped
    ds = tf.data.FixedLengthRecordDataset(str(p), record_bytes=2, header_bytes=3, footer_bytes=2)
    assert drain(ds) == [b"aa", b"bb", b"cc"]
    decoded = ds.map(lambda r: tf.decode_raw(r, tf.uint8)) if hasattr(tf, "decode_raw") else None
    if decoded is not None:
        assert [v.tolist() for v in drain(decoded)] == [[97, 97], [98, 98], [99, 99]]
    q = tmp_path / "g.bin.gz"
    with gzip.open(q, "wb") as f:
        f.write(b"0123456789")
    gz = tf.data.FixedLengthRecordDataset(str(q), 5, compression_type="GZIP")
    assert drain(gz) == [b"01234", b"56789"]
