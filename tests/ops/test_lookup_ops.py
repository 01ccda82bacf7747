"""Lookup tables and the string transforms they use (values recorded from TensorFlow)."""
import numpy as np
import pytest

import compat_tf as tf


def _run(fetches, init=True):
    with tf.Session() as s:
        if init:
            s.run(tf.tables_initializer())
        return s.run(fetches)


def test_static_hash_table_and_errors():
    with tf.Graph().as_default():
        t = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2], value_dtype=tf.int64), -1)
        out = t.lookup(tf.constant(["a", "c", "b"]))
        assert out.op.type == "LookupTableFindV2" and t.resource_handle.op.type == "HashTableV2"
        assert tf.get_collection(tf.GraphKeys.TABLE_INITIALIZERS) == [t.initializer]
        with tf.Session() as s:
            with pytest.raises(tf.errors.FailedPreconditionError, match="Table not initialized"):
                s.run(out)
            s.run(tf.tables_initializer())
            np.testing.assert_array_equal(s.run(out), [1, -1, 2])
            s.run(tf.tables_initializer())                # re-running the same initializer is fine
            assert s.run(t.size()) == 2
        with tf.Session() as s2:                          # tables are per session
            with pytest.raises(tf.errors.FailedPreconditionError):
                s2.run(out)
        dup = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(["a", "a"], tf.constant([1, 2], tf.int64)),
                                        -1)
        with tf.Session() as s:
            with pytest.raises(tf.errors.FailedPreconditionError,
                               match="different value for same key. Key a has 1 and trying to add value 2"):
                s.run(dup.initializer)
        with pytest.raises(TypeError, match="Signature mismatch. Keys must be dtype string"):
            t.lookup(tf.constant([1]))


def test_vocabulary_tables_with_oov_buckets(tmp_path):
    vocab = tmp_path / "vocab.txt"
    vocab.write_text("the\nquick\nbrown\n")
    with tf.Graph().as_default():
        t1 = tf.lookup.StaticVocabularyTable(tf.lookup.TextFileInitializer(str(vocab), tf.string, -2, tf.int64, -1), 2)
        o1 = t1.lookup(tf.constant([["brown", "the"], ["fox", "quick"]]))
        t3 = tf.lookup.StaticVocabularyTable(
            tf.lookup.KeyValueTensorInitializer(tf.constant([10, 20], tf.int64), tf.constant([0, 1], tf.int64)), 4)
        o3 = t3.lookup(tf.constant([20, 7, 10, 123456], tf.int64))
        t4 = tf.contrib.lookup.index_table_from_tensor(["x", "y"], num_oov_buckets=3)
        o4 = t4.lookup(tf.constant(["x", "zz", "y", "q", "hello"]))
        t5 = tf.contrib.lookup.index_table_from_file(str(vocab), default_value=-7)
        sp = t5.lookup(tf.SparseTensor([[0, 0], [1, 2]], ["quick", "nope"], [2, 3]))
        t6 = tf.contrib.lookup.index_to_string_table_from_tensor(["a", "b", "c"])
        o6 = t6.lookup(tf.constant([2, 5, 0], tf.int64))
        got = _run([o1, o3, o4, sp.values, o6, t1.size(), t3.size()])
    np.testing.assert_array_equal(got[0], [[2, 0], [3, 1]])
    np.testing.assert_array_equal(got[1], [1, 2, 0, 4])
    np.testing.assert_array_equal(got[2], [0, 3, 1, 4, 3])
    np.testing.assert_array_equal(got[3], [1, -7])
    assert list(got[4]) == [b"c", b"UNK", b"a"]
    assert (got[5], got[6]) == (5, 6)


def test_mutable_hash_table():
    with tf.Graph().as_default():
        t = tf.contrib.lookup.MutableHashTable(tf.string, tf.int64, -1)
        ins = t.insert(tf.constant(["a", "b"]), tf.constant([5, 6], tf.int64))
        rm = t.remove(tf.constant(["a"]))
        out = t.lookup(tf.constant(["a", "b", "z"]))
        with tf.Session() as s:
            np.testing.assert_array_equal(s.run(out), [-1, -1, -1])
            s.run(ins)
            np.testing.assert_array_equal(s.run(out), [5, 6, -1])
            keys, values = s.run(t.export())
            assert dict(zip(keys, values)) == {b"a": 5, b"b": 6} and s.run(t.size()) == 2
            s.run(rm)
            np.testing.assert_array_equal(s.run(out), [-1, 6, -1])


def test_string_transforms():
    with tf.Graph().as_default():
        x = [["a", "b"], ["c", "d"]]
        out = [tf.strings.to_hash_bucket_fast(["", "hello world", "TensorFlow"], 1000),
               tf.strings.regex_replace(["aaa bbb", "abab"], "a+", "X"),
               tf.strings.regex_replace(["aaa bbb aa"], "a+", "X", replace_global=False),
               tf.strings.regex_full_match(["abc", "abcd"], "a.c"),
               tf.strings.lower(["HeLLo"]), tf.strings.upper(["HeLLo"]),
               tf.strings.reduce_join(x, 1, separator="-"), tf.strings.reduce_join(x, 0), tf.strings.reduce_join(x),
               tf.strings.reduce_join(x, 1, keepdims=True)]
        assert [t.shape.as_list() for t in out[6:]] == [[2], [2], [], [2, 1]]
        got = _run(out, init=False)
    np.testing.assert_array_equal(got[0], [263, 11, 254])
    assert [list(np.reshape(g, -1)) for g in got[1:9]] == [
        [b"X bbb", b"XbXb"], [b"X bbb aa"], [True, False], [b"hello"], [b"HELLO"], [b"a-b", b"c-d"], [b"ac", b"bd"],
        [b"abcd"]]
    np.testing.assert_array_equal(got[9], np.array([[b"ab"], [b"cd"]], dtype=object))
