"""tf.python_io TFRecord files against the TFRecord format (tensorflow/core/lib/io/record_writer.cc)."""
import gzip
import struct
import zlib

import pytest

import compat_tf as tf
from compat_tf._src.io import tf_record


def _bitwise_crc32c(data):
    # Independent, bit-at-a-time CRC32C (reflected polynomial 0x82F63B78) from the spec.
    crc = 0xFFFFFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc ^ 0xFFFFFFFF


def _masked(data):
    c = _bitwise_crc32c(data)
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) % (1 << 32)


@pytest.mark.parametrize("fn", [tf_record.crc32c, tf_record._crc32c_py, _bitwise_crc32c])
def test_crc32c_vectors(fn):
    assert fn(b"123456789") == 0xE3069283
    assert fn(bytes(32)) == 0x8A9136AA
    assert fn(b"\xff" * 32) == 0x62A8AB43
    assert fn(bytes(range(32))) == 0x46DD794E


def test_crc32c_extend_matches_whole():
    data = b"some longer record payload" * 7
    assert tf_record.crc32c(data[10:], tf_record.crc32c(data[:10])) == tf_record.crc32c(data)


def test_framing_of_known_record_is_byte_exact(tmp_path):
    path = str(tmp_path / "one.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        w.write(b"hello")
        w.write(b"")
    length = struct.pack("<Q", 5)
    expected = (length + struct.pack("<I", _masked(length)) + b"hello" + struct.pack("<I", _masked(b"hello")))
    empty_len = struct.pack("<Q", 0)
    expected += empty_len + struct.pack("<I", _masked(empty_len)) + struct.pack("<I", _masked(b""))
    with open(path, "rb") as f:
        assert f.read() == expected


def test_round_trip_and_text_records(tmp_path):
    path = str(tmp_path / "rt.tfrecord")
    records = [bytes([i % 256]) * i for i in range(300)] + [b"\x00\x01binary\xff"]
    w = tf.python_io.TFRecordWriter(path)
    for r in records:
        w.write(r)
    w.write("unicode é")  # str records are utf-8 encoded
    w.flush()
    w.close()
    w.close()  # idempotent
    got = list(tf.python_io.tf_record_iterator(path))
    assert got == records + ["unicode é".encode()]
    assert all(isinstance(r, bytes) for r in got)


@pytest.mark.parametrize("opt, decompress", [
    (tf.python_io.TFRecordOptions(tf.python_io.TFRecordCompressionType.GZIP), gzip.decompress),
    (tf.python_io.TFRecordOptions("GZIP"), gzip.decompress),
    (tf.python_io.TFRecordOptions(tf.python_io.TFRecordCompressionType.ZLIB), zlib.decompress),
    (tf.python_io.TFRecordOptions("ZLIB"), zlib.decompress),
])
def test_compressed_round_trip(tmp_path, opt, decompress):
    path = str(tmp_path / "c.tfrecord")
    records = [b"record %d " % i * 20 for i in range(200)]
    with tf.python_io.TFRecordWriter(path, options=opt) as w:
        for r in records[:100]:
            w.write(r)
        w.flush()
        for r in records[100:]:
            w.write(r)
    raw = open(path, "rb").read()
    assert len(raw) < sum(len(r) for r in records) / 4  # actually compressed
    # The compressed stream holds exactly the uncompressed framing.
    assert decompress(raw) == b"".join(tf_record.encode_record(r) for r in records)
    assert list(tf.python_io.tf_record_iterator(path, options=opt)) == records
    kind = tf.python_io.TFRecordOptions.get_compression_type_string(opt)
    assert list(tf_record.iter_records(path, kind)) == records


def test_compression_type_strings():
    T = tf.python_io.TFRecordOptions
    assert T.get_compression_type_string(None) == ""
    assert T.get_compression_type_string(T(tf.python_io.TFRecordCompressionType.NONE)) == ""
    assert T.get_compression_type_string(T(tf.python_io.TFRecordCompressionType.GZIP)) == "GZIP"
    assert T.get_compression_type_string(T(tf.python_io.TFRecordCompressionType.ZLIB)) == "ZLIB"
    assert T.get_compression_type_string("ZLIB") == "ZLIB"
    assert (tf.python_io.TFRecordCompressionType.NONE, tf.python_io.TFRecordCompressionType.ZLIB,
            tf.python_io.TFRecordCompressionType.GZIP) == (0, 1, 2)
    with pytest.raises(ValueError):
        T("BZ2")


def test_offsets(tmp_path):
    path = str(tmp_path / "o.tfrecord")
    with tf.python_io.TFRecordWriter(path) as w:
        for r in [b"a", b"bcd", b""]:
            w.write(r)
    assert list(tf_record.iter_records_with_offsets(path)) == [(0, b"a"), (17, b"bcd"), (36, b"")]


def _write(path, records):
    with tf.python_io.TFRecordWriter(path) as w:
        for r in records:
            w.write(r)
    return bytearray(open(path, "rb").read())


def test_corrupt_data_crc_raises_data_loss(tmp_path):
    path = str(tmp_path / "bad.tfrecord")
    raw = _write(path, [b"first", b"second"])
    raw[21 + 12] ^= 0x01  # flip a bit in the data of the second record
    open(path, "wb").write(bytes(raw))
    it = tf.python_io.tf_record_iterator(path)
    assert next(it) == b"first"
    with pytest.raises(tf.errors.DataLossError, match="bad.tfrecord"):
        next(it)


def test_corrupt_length_crc_raises_data_loss(tmp_path):
    path = str(tmp_path / "badlen.tfrecord")
    raw = _write(path, [b"first"])
    raw[0] = 6  # length no longer matches its CRC
    open(path, "wb").write(bytes(raw))
    with pytest.raises(tf.errors.DataLossError, match="badlen.tfrecord"):
        list(tf.python_io.tf_record_iterator(path))


@pytest.mark.parametrize("cut", [1, 5, 12, 14, 20])
def test_truncated_record_raises_data_loss(tmp_path, cut):
    path = str(tmp_path / "trunc.tfrecord")
    raw = _write(path, [b"first", b"second"])
    open(path, "wb").write(bytes(raw[:21 + cut]))
    it = tf.python_io.tf_record_iterator(path)
    assert next(it) == b"first"
    with pytest.raises(tf.errors.DataLossError, match="trunc.tfrecord.*truncated"):
        next(it)


def test_truncated_gzip_raises_data_loss(tmp_path):
    path = str(tmp_path / "t.gz")
    opt = tf.python_io.TFRecordOptions("GZIP")
    with tf.python_io.TFRecordWriter(path, opt) as w:
        for i in range(50):
            w.write(b"%d" % i * 100)
    raw = open(path, "rb").read()
    open(path, "wb").write(raw[: len(raw) // 2])
    with pytest.raises(tf.errors.DataLossError, match="t.gz"):
        list(tf.python_io.tf_record_iterator(path, opt))


def test_missing_file_raises_not_found(tmp_path):
    with pytest.raises(tf.errors.NotFoundError):
        list(tf.python_io.tf_record_iterator(str(tmp_path / "nope.tfrecord")))
