"""String ops (decode_csv, as_string, string_to_number, string_join, substr, string_split, ...) vs TF 1.15."""
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


# -- decode_csv -------------------------------------------------------------------------


def test_decode_csv_types_defaults_and_shapes(sess):
    records = tf.constant([["1,2.5,a,7", ",,,"], ['3,-1e3,"q,""x""",8', "4,0.25,b,"]])
    cols = tf.decode_csv(records, record_defaults=[[0], [0.0], ["dflt"], tf.constant([9], tf.int64)])
    assert [c.dtype for c in cols] == [tf.int32, tf.float32, tf.string, tf.int64]
    assert all(c.shape.as_list() == [2, 2] for c in cols)
    a, b, c, d = sess.run(cols)
    np.testing.assert_array_equal(a, [[1, 0], [3, 4]])
    np.testing.assert_allclose(b, [[2.5, 0.0], [-1000.0, 0.25]])
    assert c.tolist() == [[b"a", b"dflt"], [b'q,"x"', b"b"]]
    np.testing.assert_array_equal(d, [[7, 9], [8, 9]])


def test_decode_csv_delim_na_value_and_select_cols(sess):
    line = tf.constant("x|NA|5|y")
    a, b = tf.decode_csv(line, [[1.0], [""]], field_delim="|", na_value="NA", select_cols=[1, 3])
    va, vb = sess.run([a, b])
    assert va == np.float32(1.0) and vb == b"y"
    c, = tf.decode_csv(line, [[0]], field_delim="|", select_cols=[2])
    assert sess.run(c) == 5
    with pytest.raises(ValueError, match="strictly increasing"):
        tf.decode_csv(line, [[0], [0]], select_cols=[2, 1])
    with pytest.raises(ValueError, match="do not match"):
        tf.decode_csv(line, [[0]], select_cols=[1, 2])


def test_decode_csv_errors(sess):
    p = tf.placeholder(tf.string, [])
    a, b = tf.decode_csv(p, [[0], tf.constant([], tf.float32)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expect 2 fields but have 3 in record 0"):
        sess.run(a, {p: "1,2,3"})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Field 1 is required but missing in record 0"):
        sess.run(a, {p: "1,"})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Field 0 in record 0 is not a valid int32: x"):
        sess.run(a, {p: "x,1"})
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a valid int32"):
        sess.run(a, {p: "99999999999,1"})
    with pytest.raises(tf.errors.InvalidArgumentError, match="Field 1 in record 0 is not a valid float"):
        sess.run(b, {p: "1,1.5.5"})
    np.testing.assert_allclose(sess.run(b, {p: " 4 , 2.5 "}), 2.5)   # whitespace allowed, as strtod


# -- conversions ------------------------------------------------------------------------


def test_as_string_formats(sess):
    f = tf.constant([1.5, -0.25], tf.float32)
    i = tf.constant([7, -12], tf.int64)
    out = sess.run([tf.as_string(f), tf.as_string(f, precision=2), tf.as_string(f, scientific=True),
                    tf.as_string(f, shortest=True), tf.as_string(i, width=5, fill="0"),
                    tf.as_string(i, width=4),
                    tf.as_string(tf.constant([True, False]))])
    assert out[0].tolist() == [b"1.500000", b"-0.250000"]
    assert out[1].tolist() == [b"1.50", b"-0.25"]
    assert out[2].tolist() == [b"1.500000e+00", b"-2.500000e-01"]
    assert out[3].tolist() == [b"1.5", b"-0.25"]
    assert out[4].tolist() == [b"00007", b"-0012"]
    assert out[5].tolist() == [b"   7", b" -12"]
    assert out[6].tolist() == [b"true", b"false"]
    with pytest.raises(ValueError, match="both scientific and shortest"):
        tf.as_string(f, scientific=True, shortest=True)
    with pytest.raises(TypeError):
        tf.as_string(tf.constant(["a"]))


def test_as_string_of_a_device_result(sess):
    x = tf.constant([1, 2]) * 3          # computed in a jitted segment, formatted on the host
    assert sess.run(tf.as_string(x)).tolist() == [b"3", b"6"]


def test_string_to_number(sess):
    s = tf.constant([["1.5", "-2"], ["1e3", " 7 "]])
    np.testing.assert_allclose(sess.run(tf.string_to_number(s)), [[1.5, -2.0], [1000.0, 7.0]])
    n = tf.string_to_number(tf.constant(["12", "-3"]), out_type=tf.int64)
    assert n.dtype == tf.int64
    np.testing.assert_array_equal(sess.run(n), [12, -3])
    with pytest.raises(tf.errors.InvalidArgumentError,
                       match="StringToNumberOp could not correctly convert string: 1.5"):
        sess.run(tf.string_to_number(tf.constant("1.5"), tf.int32))
    # a number parsed on the host feeds device math
    assert sess.run(tf.string_to_number(tf.constant("2.5")) * 2.0) == pytest.approx(5.0)


# -- join, substr, strip, length, split -------------------------------------------------


def test_string_join_broadcasts_scalars(sess):
    j = tf.string_join([tf.constant(["a", "b"]), "-", tf.constant(["x", "y"])], separator="/")
    assert j.shape.as_list() == [2]
    assert sess.run(j).tolist() == [b"a/-/x", b"b/-/y"]
    with pytest.raises(ValueError):
        tf.string_join([tf.constant(["a", "b"]), tf.constant(["a", "b", "c"])])
    p = tf.placeholder(tf.string, [None])
    bad = tf.string_join([p, tf.constant(["a", "b"])])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Input shapes do not match"):
        sess.run(bad, {p: ["1", "2", "3"]})


def test_substr_bytes_utf8_negative_and_errors(sess):
    s = tf.constant(["hello", "world"])
    assert sess.run(tf.substr(s, 1, 3)).tolist() == [b"ell", b"orl"]
    assert sess.run(tf.substr(s, [0, 2], [2, 10])).tolist() == [b"he", b"rld"]
    assert sess.run(tf.substr(s, -3, 2)).tolist() == [b"ll", b"rl"]
    u = tf.constant("héllo")
    assert sess.run(tf.substr(u, 1, 2, unit="UTF8_CHAR")).decode() == "él"
    with pytest.raises(tf.errors.InvalidArgumentError, match="pos 6 out of range"):
        sess.run(tf.substr(s, 6, 1))


def test_strip_and_length(sess):
    s = tf.constant([" a b \n", "héllo"])
    assert sess.run(tf.string_strip(s)).tolist() == [b"a b", "héllo".encode()]
    np.testing.assert_array_equal(sess.run(tf.strings.length(s)), [6, 6])
    np.testing.assert_array_equal(sess.run(tf.strings.length(s, unit="UTF8_CHAR")), [6, 5])


def test_string_split_sparse(sess):
    sp = tf.string_split(tf.constant(["a b  c", "", "de"]))
    v = sess.run(sp)
    np.testing.assert_array_equal(v.indices, [[0, 0], [0, 1], [0, 2], [2, 0]])
    assert v.values.tolist() == [b"a", b"b", b"c", b"de"]
    np.testing.assert_array_equal(v.dense_shape, [3, 3])
    # every character of the delimiter splits; skip_empty=False keeps empty tokens
    v = sess.run(tf.string_split(tf.constant(["a,b;;c"]), ",;", skip_empty=False))
    assert v.values.tolist() == [b"a", b"b", b"", b"c"]
    v = sess.run(tf.string_split(tf.constant(["abc"]), delimiter=""))
    assert v.values.tolist() == [b"a", b"b", b"c"]


def test_strings_namespace():
    assert tf.strings.join is tf.string_join
    assert tf.strings.to_number is tf.string_to_number
    assert tf.strings.substr is tf.substr
    assert tf.strings.as_string is tf.as_string
    assert tf.strings.strip is tf.string_strip
    assert tf.io.decode_csv is tf.decode_csv
