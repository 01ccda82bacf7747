"""Readers (TextLine, TFRecord, FixedLengthRecord, WholeFile, Identity) over a filename queue, as TF 1.15."""
import gzip

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.io import tf_record


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _filename_queue(sess, names):
    q = tf.FIFOQueue(10, tf.string, shapes=[[]])
    sess.run(q.enqueue_many([[str(n) for n in names]]))
    sess.run(q.close())
    return q


def _read_all(sess, key, value):
    out = []
    with pytest.raises(tf.errors.OutOfRangeError):
        for _ in range(1000):
            k, v = sess.run([key, value])
            out.append((k.decode(), v))
    return out


def test_text_line_reader_keys_header_and_crlf(tmp_path, graph):
    a = tmp_path / "a.txt"
    a.write_bytes(b"header\nx,1\r\ny,2")          # CRLF line, no final newline
    b = tmp_path / "b.txt"
    b.write_bytes(b"header\n\nz\n")               # an empty line is a record
    reader = tf.TextLineReader(skip_header_lines=1)
    with tf.Session() as sess:
        q = _filename_queue(sess, [a, b])
        key, value = reader.read(q)
        assert key.shape.as_list() == [] and value.dtype == tf.string
        got = _read_all(sess, key, value)
        assert got == [(f"{a}:2", b"x,1"), (f"{a}:3", b"y,2"), (f"{b}:2", b""), (f"{b}:3", b"z")]
        assert sess.run(reader.num_records_produced()) == 4
        assert sess.run(reader.num_work_units_completed()) == 2


def test_read_up_to_stays_within_one_file(tmp_path, graph):
    paths = []
    for i, n in enumerate((3, 2)):
        p = tmp_path / f"f{i}.txt"
        p.write_text("".join(f"{i}-{j}\n" for j in range(n)))
        paths.append(p)
    reader = tf.TextLineReader()
    with tf.Session() as sess:
        q = _filename_queue(sess, paths)
        keys, values = reader.read_up_to(q, 2)
        assert keys.shape.as_list() == [None]
        batches = []
        with pytest.raises(tf.errors.OutOfRangeError):
            for _ in range(10):
                batches.append([v.decode() for v in sess.run(values)])
        assert batches == [["0-0", "0-1"], ["0-2"], ["1-0", "1-1"]]


def test_reset_starts_over(tmp_path, graph):
    p = tmp_path / "r.txt"
    p.write_text("a\nb\n")
    reader = tf.TextLineReader()
    q = tf.FIFOQueue(10, tf.string, shapes=[[]])
    enq = q.enqueue([str(p)])
    key, value = reader.read(q)
    with tf.Session() as sess:
        sess.run(enq)
        sess.run(enq)
        assert sess.run(value) == b"a"
        sess.run(reader.reset())
        assert sess.run(reader.num_records_produced()) == 0
        assert sess.run(value) == b"a"               # a new work unit from the start
        assert sess.run(value) == b"b"


def test_tfrecord_reader_offsets_and_gzip(tmp_path, graph):
    plain = str(tmp_path / "p.tfrecord")
    with tf_record.TFRecordWriter(plain) as w:
        for rec in (b"one", b"three"):
            w.write(rec)
    gz = str(tmp_path / "g.tfrecord.gz")
    with tf_record.TFRecordWriter(gz, tf_record.TFRecordOptions("GZIP")) as w:
        w.write(b"zipped")
    with tf.Session() as sess:
        r1 = tf.TFRecordReader()
        k, v = r1.read(_filename_queue(sess, [plain]))
        assert _read_all(sess, k, v) == [(f"{plain}:0", b"one"), (f"{plain}:19", b"three")]
        r2 = tf.TFRecordReader(options=tf_record.TFRecordOptions("GZIP"))
        k, v = r2.read(_filename_queue(sess, [gz]))
        assert _read_all(sess, k, v) == [(f"{gz}:0", b"zipped")]


def test_fixed_length_record_reader(tmp_path, graph):
    p = tmp_path / "fixed.bin"
    p.write_bytes(b"HH" + b"aaabbbccc" + b"dd" + b"F")   # 2 header, 3x3 records, 2 junk < record, 1 footer
    reader = tf.FixedLengthRecordReader(record_bytes=3, header_bytes=2, footer_bytes=1)
    with tf.Session() as sess:
        k, v = reader.read(_filename_queue(sess, [p]))
        got = _read_all(sess, k, v)
    assert got == [(f"{p}:0", b"aaa"), (f"{p}:1", b"bbb"), (f"{p}:2", b"ccc")]
    with pytest.raises(ValueError):
        tf.FixedLengthRecordReader(record_bytes=0)


def test_fixed_length_hop_bytes_and_gzip_encoding(tmp_path, graph):
    p = tmp_path / "hop.bin.gz"
    p.write_bytes(gzip.compress(b"abcdef"))
    reader = tf.FixedLengthRecordReader(record_bytes=3, hop_bytes=2, encoding="GZIP")
    with tf.Session() as sess:
        k, v = reader.read(_filename_queue(sess, [p]))
        assert [x for _, x in _read_all(sess, k, v)] == [b"abc", b"cde"]


def test_whole_file_and_identity_readers(tmp_path, graph):
    p = tmp_path / "w.bin"
    p.write_bytes(bytes(range(5)))
    with tf.Session() as sess:
        k, v = tf.WholeFileReader().read(_filename_queue(sess, [p]))
        assert _read_all(sess, k, v) == [(str(p), bytes(range(5)))]
        k, v = tf.IdentityReader().read(_filename_queue(sess, ["w1", "w2"]))
        assert _read_all(sess, k, v) == [("w1", b"w1"), ("w2", b"w2")]


def test_missing_file_is_not_found(tmp_path, graph):
    with tf.Session() as sess:
        k, v = tf.WholeFileReader().read(_filename_queue(sess, [tmp_path / "nope"]))
        with pytest.raises(tf.errors.NotFoundError, match="nope"):
            sess.run(v)


def test_reader_pipeline_with_string_input_producer_and_decode_csv(tmp_path, graph):
    p = tmp_path / "rows.csv"
    p.write_text("".join(f"{i},{i * 0.5},n{i}\n" for i in range(4)))
    fq = tf.train.string_input_producer([str(p)], num_epochs=2, shuffle=False)
    _, line = tf.TextLineReader().read(fq)
    a, b, c = tf.decode_csv(line, record_defaults=[[0], [0.0], [""]])
    loss = tf.reduce_sum(tf.cast(a, tf.float32) * b)    # a device op downstream of host reads
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        rows = []
        try:
            while True:
                rows.append(sess.run([a, b, c, loss]))
        except tf.errors.OutOfRangeError:
            pass
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=10)
    assert [int(r[0]) for r in rows] == [0, 1, 2, 3] * 2
    assert [r[2] for r in rows] == [b"n0", b"n1", b"n2", b"n3"] * 2
    np.testing.assert_allclose([r[3] for r in rows], [i * i * 0.5 for i in range(4)] * 2)


def test_blocked_read_in_a_variable_writing_step_does_not_hold_the_session(tmp_path, graph):
    # A training-like step (writes a variable) whose reader waits for a filename: another
    # thread's enqueue run must still get through (the plan must not hold the session lock;
    # it does not, because the work queue's op, FIFOQueueV2, is in the plan).
    import threading
    p = tmp_path / "n.txt"
    p.write_text("2.5\n")
    q = tf.FIFOQueue(4, tf.string, shapes=[[]])
    enq = q.enqueue(str(p))
    _, value = tf.TextLineReader().read(q)
    total = tf.Variable(0.0)
    step = tf.assign_add(total, tf.string_to_number(value))
    with tf.Session() as sess:
        sess.run(total.initializer)
        out = []
        consumer = threading.Thread(target=lambda: out.append(sess.run(step)), daemon=True)
        consumer.start()
        consumer.join(0.2)
        assert consumer.is_alive()                  # waiting for a filename
        producer = threading.Thread(target=sess.run, args=(enq,), daemon=True)
        producer.start()
        producer.join(10)
        consumer.join(10)
        assert not producer.is_alive() and not consumer.is_alive(), "deadlock"
        assert out == [2.5] and sess.run(total) == 2.5
