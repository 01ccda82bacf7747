"""tf.contrib.crf against a brute-force NumPy CRF (all tag sequences enumerated)."""
import itertools

import numpy as np
import pytest

import compat_tf as tf

crf = tf.contrib.crf


def _brute(scores, trans, n):
    """(log Z, {tags: score}) over all tag sequences of length n."""
    k = scores.shape[1]
    seq_scores = {}
    for tags in itertools.product(range(k), repeat=n):
        s = sum(scores[t, tags[t]] for t in range(n)) + sum(trans[tags[t - 1], tags[t]] for t in range(1, n))
        seq_scores[tags] = s
    vals = np.array(list(seq_scores.values()))
    return np.log(np.exp(vals - vals.max()).sum()) + vals.max(), seq_scores


def test_log_likelihood_and_decode_against_brute_force():
    rng = np.random.RandomState(0)
    b, t, k = 3, 4, 3
    scores = rng.randn(b, t, k).astype(np.float32)
    trans = rng.randn(k, k).astype(np.float32)
    tags = rng.randint(0, k, (b, t))
    lengths = np.array([4, 2, 1], np.int32)
    with tf.Graph().as_default():
        x = tf.constant(scores)
        ll, tp = crf.crf_log_likelihood(x, tf.constant(tags), tf.constant(lengths), tf.constant(trans))
        decoded, best = crf.crf_decode(x, tf.constant(trans), tf.constant(lengths))
        ll_var, tvar = crf.crf_log_likelihood(x, tf.constant(tags), tf.constant(lengths))
        assert tvar.op.name == "transitions" and tvar.shape.as_list() == [k, k]
        grad = tf.gradients(tf.reduce_sum(ll), x)[0]
        with tf.Session() as s:
            ll_v, dec_v, best_v, g = s.run([ll, decoded, best, grad])
    for i in range(b):
        n = lengths[i]
        log_z, all_scores = _brute(scores[i], trans, n)
        np.testing.assert_allclose(ll_v[i], all_scores[tuple(tags[i, :n])] - log_z, rtol=1e-5, atol=1e-5)
        best_tags = max(all_scores, key=all_scores.get)
        assert list(dec_v[i, :n]) == list(best_tags) and list(dec_v[i, n:]) == [0] * (t - n)
        np.testing.assert_allclose(best_v[i], all_scores[best_tags], rtol=1e-5)
        seq, sc = crf.viterbi_decode(scores[i, :n], trans)
        assert list(seq) == list(best_tags)
    assert np.abs(g).sum() > 0 and np.all(g[1, 2:] == 0)        # padding gets no gradient


def test_single_step_sequences():
    with tf.Graph().as_default():
        x = tf.constant([[[1.0, 2.0]], [[0.5, -1.0]]])
        ll, _ = crf.crf_log_likelihood(x, tf.constant([[1], [0]]), tf.constant([1, 1]), tf.zeros([2, 2]))
        got = tf.Session().run(ll)
    ref = [2.0 - np.log(np.exp(1) + np.exp(2)), 0.5 - np.log(np.exp(0.5) + np.exp(-1))]
    np.testing.assert_allclose(got, ref, rtol=1e-6)
    with pytest.raises(AttributeError):
        crf.no_such_function  # noqa: B018
