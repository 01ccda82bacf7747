"""tf.strings.unicode_* and bytes_split vs TensorFlow's recorded values (tests/data/make_string_fixtures.py)."""
import pytest

import compat_tf as tf
from tests.ops._string_fixture import expected, run_cases

KEYS = ["decode", "decode_bad", "decode_bad_ignore", "decode_bad_char", "decode_ctrl", "decode_16", "decode_32",
        "decode_off", "decode_off_bad", "split_chars", "split_chars_bad", "split_chars_off", "bytes_split", "encode",
        "encode_16", "encode_32", "encode_ignore", "encode_char", "transcode", "transcode_bad",
        "transcode_bad_ignore", "transcode_ctrl", "transcode_32", "script"]


@pytest.mark.parametrize("key", KEYS)
def test_unicode_ops_equal_tensorflows(key, _values):
    got, want = _values
    assert got[key] == want[key]


@pytest.fixture(scope="module")
def _values():
    return run_cases(KEYS), expected()


def test_strict_errors_are_invalid_argument():
    with tf.Graph().as_default(), tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="out of range for Unicode, or is a surrogate"):
            s.run(tf.strings.unicode_encode([[104, 0x110000]], "UTF-8", errors="strict"))
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid formatting on input string"):
            s.run(tf.strings.unicode_decode(b"a\xff", "UTF-8", errors="strict"))
        with pytest.raises(tf.errors.InvalidArgumentError, match="Invalid formatting on input string"):
            s.run(tf.strings.unicode_transcode([b"a\xff"], "UTF-8", "UTF-16-BE", errors="strict"))


def test_shapes_and_build_time_errors():
    with tf.Graph().as_default():
        enc = tf.strings.unicode_encode(tf.placeholder(tf.int32, [None, 3, 4]), "UTF-8")
        assert enc.shape.as_list() == [None, 3] and enc.dtype == tf.string
        assert tf.strings.unicode_decode("ab", "UTF-8").dtype == tf.int32
        with pytest.raises(ValueError, match="not in"):
            tf.strings.unicode_encode([1], "UTF-7")
        with pytest.raises(ValueError, match="errors must be one of"):
            tf.strings.unicode_decode("a", "UTF-8", errors="bogus")
        with pytest.raises(ValueError, match="Could not create converter"):
            tf.strings.unicode_decode("a", "no-such-encoding")
        for fn in (tf.strings.unicode_decode, tf.strings.unicode_split, tf.strings.unicode_decode_with_offsets,
                   tf.strings.unicode_split_with_offsets):
            with pytest.raises(NotImplementedError, match="tf.RaggedTensor"):
                fn(["ab", "c"], "UTF-8")
        with pytest.raises(NotImplementedError, match="tf.RaggedTensor"):
            tf.strings.bytes_split(["ab"])


def test_unicode_script_of_non_code_points():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.int32, [None])
        out = tf.strings.unicode_script(x)
        assert out.shape.as_list() == [None] and out.dtype == tf.int32
        got = tf.Session().run(out, {x: [-1, 0x110000, 0x10FFFF, 0x41, 0x0E01]})
    assert got.tolist() == [-1, -1, 103, 25, 38]      # Unknown, Latin, Thai
