"""tf.strings hashes (to_hash_bucket, to_hash_bucket_strong, tf.string_to_hash_bucket*) and
tf.strings.format vs TensorFlow's recorded values (tests/data/make_string_fixtures.py)."""
import numpy as np
import pytest

import compat_tf as tf
from tests.ops._string_fixture import expected, run_cases

KEYS = ["hash", "hash_big", "hash_top", "strong", "strong_big", "format", "format_sum", "format_ph"]


def test_hashes_and_format_equal_tensorflows():
    got, want = run_cases(KEYS), expected()
    for k in KEYS:
        assert got[k] == want[k], k


def test_hash_bucket_errors_and_names():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="less than minimum 1"):
            tf.strings.to_hash_bucket(["a"], 0)
        with pytest.raises(ValueError, match="less than minimum 1"):
            tf.string_to_hash_bucket_strong(["a"], 0, [1, 2])
        with pytest.raises(tf.errors.InvalidArgumentError, match="Key must have 2 elements"):
            tf.strings.to_hash_bucket_strong(["a"], 3, [1])
        with pytest.raises(TypeError):
            tf.strings.to_hash_bucket([1, 2], 3)
        h = tf.string_to_hash_bucket(tf.placeholder(tf.string, [None, 2]), 10)
        assert h.op.type == "StringToHashBucket" and h.dtype == tf.int64 and h.shape.as_list() == [None, 2]
        assert tf.strings.to_hash_bucket_strong(["a"], 3, [1, 2]).op.get_attr("key") in ((1, 2), [1, 2])
        # the strong hash depends on the key
        a, b = tf.Session().run([tf.strings.to_hash_bucket_strong(["abc"] * 4, 2 ** 40, [1, 2]),
                                 tf.strings.to_hash_bucket_strong(["abc"] * 4, 2 ** 40, [2, 1])])
        assert a[0] != b[0] and len(set(a)) == 1


def test_format_checks_placeholder_count():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="template expects 2 tensors, but the inputs only has 1"):
            tf.strings.format("{} {}", [tf.constant(1)])
        x = tf.placeholder(tf.float32, [None])
        out = tf.strings.format("v: {}", x)
        assert out.shape.as_list() == [] and out.dtype == tf.string
        assert tf.Session().run(out, {x: np.arange(8, dtype=np.float32)}) == b"v: [0 1 2 ... 5 6 7]"
