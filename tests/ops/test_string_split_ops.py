"""tf.strings.split (v1, SparseTensor), ngrams and unsorted_segment_join vs TensorFlow's recorded
values (tests/data/make_string_fixtures.py)."""
import numpy as np
import pytest

import compat_tf as tf
from tests.ops._string_fixture import expected, run_cases

KEYS = ["split_scalar", "split_ws", "split_space", "split_multi", "split_max", "split_2d", "ngrams", "ngrams_2d",
        "ngrams_pad", "ngrams_padfull", "ngrams_short", "ngrams_short2d", "segjoin", "segjoin_2d"]


def test_split_ngrams_segment_join_equal_tensorflows():
    got, want = run_cases(KEYS), expected()
    for k in KEYS:
        assert got[k] == want[k], k


def test_split_result_types_and_shapes():
    with tf.Graph().as_default():
        sp = tf.strings.split(tf.placeholder(tf.string, [None]), sep=",")
        assert isinstance(sp, tf.SparseTensor) and sp.values.dtype == tf.string
        with pytest.raises(NotImplementedError, match="tf.RaggedTensor"):
            tf.strings.split(["a b"], result_type="RaggedTensor")
        with pytest.raises(ValueError, match="result_type must be"):
            tf.strings.split(["a b"], result_type="Dense")
        out = tf.Session().run(tf.strings.split(source=["a,b", "c"], sep=","))
        np.testing.assert_array_equal(out.indices, [[0, 0], [0, 1], [1, 0]])


def test_ngrams_shapes_and_errors():
    with tf.Graph().as_default():
        x = tf.placeholder(tf.string, [None, 5])
        assert tf.strings.ngrams(x, [2, 3]).shape.as_list() == [None, 7]
        with pytest.raises(ValueError, match="padding_width must be greater than 0"):
            tf.strings.ngrams(["a"], 2, pad_values="x", padding_width=0)
        with pytest.raises(ValueError, match="pad_values must be provided"):
            tf.strings.ngrams(["a"], 2, padding_width=1)
        y = tf.placeholder(tf.string, [2, None])
        got = tf.Session().run(tf.strings.ngrams(y, 2, separator="+"), {y: [["a", "b", "c"], ["d", "e", "f"]]})
        np.testing.assert_array_equal(got, [[b"a+b", b"b+c"], [b"d+e", b"e+f"]])


def test_unsorted_segment_join_errors_and_shape():
    with tf.Graph().as_default():
        j = tf.strings.unsorted_segment_join(tf.placeholder(tf.string, [None, 3]), tf.placeholder(tf.int32, [None]), 4)
        assert j.shape.as_list() == [4, 3]
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"segment_ids\[1\] = 5 is out of range \[0, 2\)"):
            tf.Session().run(tf.strings.unsorted_segment_join(["a", "b"], [0, 5], 2))
