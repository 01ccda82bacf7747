"""Seeded shuffles give TensorFlow's element order (compat_tf/_src/data/shuffle_buffer.py, Philox
numbers from compat_tf/_src/ops/philox.py), against orders recorded from TF
(tests/data/make_shuffle_orders.py -> tests/data/shuffle/tf_orders.json)."""
import collections
import json
import os
import pathlib

import numpy as np
import pytest

import compat_tf as tf

RECORDED = json.loads((pathlib.Path(__file__).parent / "shuffle" / "tf_orders.json").read_text())


def _drain(sess, nxt):
    out = []
    while True:
        try:
            out.append(sess.run(nxt))
        except tf.errors.OutOfRangeError:
            return out


def _case_id(c):
    return f"seeds{c['graph_seed']}-{c['seed']}_buf{c['buffer_size']}_n{c['n']}_re{int(c['reshuffle'])}_x{c['repeat']}"


@pytest.mark.parametrize("source", ["range", "tensor_slices"])
@pytest.mark.parametrize("case", RECORDED["shuffles"], ids=_case_id)
def test_seeded_shuffle_order_equals_tensorflow(case, source):
    """Both input paths (a generic input, and the index arrays of from_tensor_slices), under repeat,
    with and without reshuffling, and re-initialized (each initializer run starts over as in TF)."""
    with tf.Graph().as_default():
        if case["graph_seed"] is not None:
            tf.set_random_seed(case["graph_seed"])
        n = case["n"]
        ds = tf.data.Dataset.range(n) if source == "range" else tf.data.Dataset.from_tensor_slices(np.arange(n))
        ds = ds.shuffle(case["buffer_size"], seed=case["seed"], reshuffle_each_iteration=case["reshuffle"])
        it = ds.repeat(case["repeat"]).make_initializable_iterator()
        nxt = it.get_next()
        with tf.Session() as sess:
            orders = []
            for _ in range(2):
                sess.run(it.initializer)
                orders.append([int(v) for v in _drain(sess, nxt)])
    assert orders == case["orders"]


def test_list_files_order_equals_tensorflow(tmp_path):
    for i in range(7):
        (tmp_path / f"f{i}.txt").write_bytes(b"")
    with tf.Graph().as_default():
        ds = tf.data.Dataset.list_files(str(tmp_path / "*.txt"), seed=21).repeat(2)
        card = tf.data.experimental.cardinality(ds)       # counting the files draws no shuffle seeds
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            assert sess.run(card) == 14
            got = [os.path.basename(v.decode()) for v in _drain(sess, nxt)]
    assert got == RECORDED["list_files_seed_21"]


def _shuffle_and_repeat(n, buffer_size, count, seed, fused):
    with tf.Graph().as_default():
        tf.set_random_seed(1)
        ds = tf.data.Dataset.range(n)
        if fused:
            ds = ds.apply(tf.data.experimental.shuffle_and_repeat(buffer_size, count, seed=seed))
        else:
            ds = ds.shuffle(buffer_size, seed=seed).repeat(count)
        nxt = ds.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            return [int(v) for v in _drain(sess, nxt)]


@pytest.mark.parametrize("n, buffer_size", [(7, 4), (6, 10), (5, 2)])
def test_fused_shuffle_and_repeat_keeps_epochs_apart_and_is_deterministic(n, buffer_size):
    """TF 1.15's fused ShuffleAndRepeatDataset: one Philox stream over all epochs, an element of a
    later epoch only drawn once the earlier epoch's elements are out, so every run of n outputs is a
    permutation; the same seeds give the same order, and it is not shuffle().repeat()'s."""
    got = _shuffle_and_repeat(n, buffer_size, 3, 3, fused=True)
    assert len(got) == 3 * n
    for e in range(3):
        assert sorted(got[e * n:(e + 1) * n]) == list(range(n))
    assert got == _shuffle_and_repeat(n, buffer_size, 3, 3, fused=True)
    assert got != _shuffle_and_repeat(n, buffer_size, 3, 3, fused=False)


def test_shuffle_and_repeat_errors_and_cardinality():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(4).apply(tf.data.experimental.shuffle_and_repeat(2, count=3, seed=1))
        card = tf.data.experimental.cardinality(ds)
        bad = tf.data.Dataset.range(4).apply(tf.data.experimental.shuffle_and_repeat(0, seed=1))
        nxt = bad.make_one_shot_iterator().get_next()
        with tf.Session() as sess:
            assert sess.run(card) == 12
            with pytest.raises(tf.errors.InvalidArgumentError, match="buffer_size must be greater than zero"):
                sess.run(nxt)


def test_unseeded_shuffles_differ_between_iterators_and_cover_the_input():
    with tf.Graph().as_default():
        ds = tf.data.Dataset.range(50).shuffle(50)
        a, b = (ds.make_one_shot_iterator().get_next() for _ in range(2))
        with tf.Session() as sess:
            first, second = _drain(sess, a), _drain(sess, b)
    assert sorted(first) == sorted(second) == list(range(50))
    assert first != second


def test_a_failed_element_passes_through_the_buffer_and_the_rest_follows():
    """TF returns the input's error while filling the buffer; the buffered elements stay and the
    iterator goes on (tf.data element errors, issue 13)."""
    with tf.Graph().as_default():
        ds = tf.data.Dataset.from_tensor_slices([1., 2., 0., 4., 5.])
        ds = ds.map(lambda x: tf.check_numerics(1. / x, "inverse")).shuffle(3, seed=5)
        nxt = ds.make_one_shot_iterator().get_next()
        got, errors = [], collections.Counter()
        with tf.Session() as sess:
            while True:
                try:
                    got.append(float(sess.run(nxt)))
                except tf.errors.InvalidArgumentError:
                    errors["bad"] += 1
                except tf.errors.OutOfRangeError:
                    break
    assert errors["bad"] == 1
    np.testing.assert_allclose(sorted(got), [.2, .25, .5, 1.])
