"""A failed element in tf.data (compat_tf/_src/data/element_error.py): TF1's error for that
get_next, then the iterator goes on, through every transformation; ignore_errors drops it.

The sequences are TF's, recorded with tensorflow.compat.v1 (tests/oracle/test_data_error_parity.py
checks them against real TensorFlow when it is installed).
"""
import numpy as np
import pytest

import compat_tf as tf
import _element_error_cases as cases


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_get_next_sequence_matches_tf1(name, tmp_path):
    got, expected = cases.run_case(tf, name, tmp_path)
    assert got == expected


def test_error_names_the_python_exception_and_state_is_unchanged():
    ctr = tf.Variable(0, dtype=tf.int64)

    def bad(x):
        if x == 1:
            raise ValueError("element one is bad")
        return x

    ds = tf.data.Dataset.range(3).map(lambda x: tf.py_func(bad, [x], tf.int64) + ctr)
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    step = tf.assign_add(ctr, nxt)
    with tf.Session() as sess:
        sess.run(ctr.initializer)
        assert sess.run(step) == 0
        with pytest.raises(tf.errors.InvalidArgumentError, match="ValueError: element one is bad"):
            sess.run(step)
        assert sess.run(ctr) == 0              # the failed run wrote nothing
        assert sess.run(step) == 2             # element 2 (+ ctr 0)
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(step)


def test_shuffle_passes_a_failed_element_on_when_it_is_pulled():
    """TF's shuffle returns an input error while filling its buffer: with a buffer of 4, element
    3's error is the first result; the other elements all come out, once."""
    ds = tf.data.Dataset.range(8).map(lambda x: tf.py_func(cases._bad, [x], tf.int64)).shuffle(4, seed=1)
    got = cases.get_next_sequence(tf, ds)
    assert got[0] == cases.IAE and got[-1] == cases.OOR
    assert got.count(cases.IAE) == 2
    assert sorted(v for v in got if not isinstance(v, str)) == [0, 2, 4, 8, 10, 14]


def test_shuffle_without_errors_is_still_a_seeded_permutation():
    def order(seed):
        with tf.Graph().as_default():
            ds = tf.data.Dataset.range(20).map(lambda x: x + 0).shuffle(5, seed=seed)
            return cases.get_next_sequence(tf, ds)[:-1]
    a = order(3)
    assert sorted(a) == list(range(20)) and a != list(range(20))
    assert order(3) == a


def test_ignore_errors_keeps_static_structure():
    ds = tf.data.Dataset.from_tensor_slices((np.zeros((4, 2), np.float32), np.arange(4)))
    ign = ds.apply(tf.data.experimental.ignore_errors())
    assert ign.output_types == ds.output_types
    assert [s.as_list() for s in ign.output_shapes] == [[2], []]
    assert cases.get_next_sequence(tf, ign.map(lambda a, b: b))[:-1] == [0, 1, 2, 3]
