"""tf.IndexedSlices, tf.nn.(safe_)embedding_lookup_sparse, tf.nn.ctc_loss and tf.nn.ctc_greedy_decoder:
values and gradients against NumPy and TF-recorded values."""

import warnings

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


# ---------------------------------------------------------------------------------------------
# IndexedSlices
# ---------------------------------------------------------------------------------------------

def test_indexed_slices_class_fetch_and_conversion():
    vals = tf.constant([[1., 2.], [3., 4.], [5., 6.]])
    isl = tf.IndexedSlices(vals, tf.constant([2, 0, 2]), tf.constant([4, 2]))
    assert isl.dtype == tf.float32 and isl.name == vals.name and isl.op is vals.op and isl.graph is vals.graph
    assert isl.shape.as_list() == [4, 2]
    got = run(isl)
    assert isinstance(got, tf.IndexedSlicesValue)
    np.testing.assert_array_equal(got.indices, [2, 0, 2])
    np.testing.assert_array_equal(got.dense_shape, [4, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")     # a known small dense shape: no warning, as TF1
        dense = tf.convert_to_tensor(isl)
    assert dense.op.type == "UnsortedSegmentSum"
    np.testing.assert_array_equal(run(dense), [[3., 4.], [0., 0.], [6., 8.], [0., 0.]])   # duplicates add
    np.testing.assert_array_equal(run(tf.add(isl, 1.)), [[4., 5.], [1., 1.], [7., 9.], [1., 1.]])
    np.testing.assert_array_equal(run((-isl).values), -run(vals))


def test_indexed_slices_conversion_warns_for_unknown_shape_and_needs_dense_shape():
    x = tf.placeholder(tf.float32, [None, 2])
    isl = tf.IndexedSlices(tf.constant([[1., 2.]]), tf.constant([1]), tf.shape(x))
    with pytest.warns(UserWarning, match="unknown shape"):
        dense = tf.convert_to_tensor(isl)
    np.testing.assert_array_equal(run(dense, {x: np.zeros((3, 2))}), [[0., 0.], [1., 2.], [0., 0.]])
    with pytest.raises(ValueError, match="without dense_shape"):
        tf.convert_to_tensor(tf.IndexedSlices(tf.constant([[1.]]), tf.constant([0])))
    with pytest.raises(ValueError, match="dtype"):
        tf.convert_to_tensor(isl, dtype=tf.int32)
    v = run(tf.IndexedSlices(tf.constant([1.]), tf.constant([0])))
    assert v.dense_shape is None


# ---------------------------------------------------------------------------------------------
# embedding_lookup_sparse
# ---------------------------------------------------------------------------------------------

PARAMS = np.arange(15.).reshape(5, 3) / 4
IND = [[0, 0], [0, 1], [0, 2], [2, 0], [3, 0], [3, 1]]
IDS = [1, 3, 1, 4, 0, 2]
WTS = [2., 1., 0.5, 3., 1., -2.]


def _np_lookup(combiner, weights):
    out = np.zeros((4, 3))
    for r in range(4):
        rows = [i for i, (b, _) in enumerate(IND) if b == r]
        if not rows:
            if weights is not None and combiner != "sum":
                out[r] = np.nan
            continue
        w = np.array([weights[i] if weights is not None else 1. for i in rows])
        s = (PARAMS[[IDS[i] for i in rows]] * w[:, None]).sum(0)
        out[r] = {"sum": s, "mean": s / w.sum(), "sqrtn": s / np.sqrt((w ** 2).sum())}[combiner]
    return out


@pytest.mark.parametrize("combiner", ["sum", "mean", "sqrtn"])
@pytest.mark.parametrize("weighted", [False, True])
def test_embedding_lookup_sparse(combiner, weighted):
    params = tf.constant(PARAMS)
    sp_ids = tf.SparseTensor(IND, tf.constant(IDS, tf.int64), [4, 3])
    sp_w = tf.SparseTensor(IND, tf.constant(WTS, tf.float64), [4, 3]) if weighted else None
    out = tf.nn.embedding_lookup_sparse(params, sp_ids, sp_w, combiner=combiner)
    assert out.shape.as_list() == [None, 3]
    w = WTS if weighted else None
    want = _np_lookup(combiner, w)
    got, g = run([out, tf.gradients(tf.reduce_sum(tf.where(tf.is_nan(out), tf.zeros_like(out), out) *
                                                   np.arange(12.).reshape(4, 3)), params)[0]])
    np.testing.assert_allclose(got, want, equal_nan=True)
    # gradient: each looked-up row gets the output row's gradient times its weight / normalizer
    gw = np.arange(12.).reshape(4, 3)
    want_g = np.zeros_like(PARAMS)
    for i, (r, _) in enumerate(IND):
        rows = [j for j, (b, _) in enumerate(IND) if b == r]
        ws = np.array([w[j] if w else 1. for j in rows])
        norm = {"sum": 1., "mean": ws.sum(), "sqrtn": np.sqrt((ws ** 2).sum())}[combiner]
        want_g[IDS[i]] += gw[r] * (w[i] if w else 1.) / norm
    np.testing.assert_allclose(g, want_g)


def test_embedding_lookup_sparse_partitions_and_errors():
    parts = [tf.constant(PARAMS[:3]), tf.constant(PARAMS[3:])]
    sp_ids = tf.SparseTensor(IND, tf.constant(IDS, tf.int64), [4, 3])
    out = tf.nn.embedding_lookup_sparse(parts, sp_ids, None, partition_strategy="div", combiner="sum")
    np.testing.assert_allclose(run(out), _np_lookup("sum", None))
    with pytest.raises(ValueError, match="combiner"):
        tf.nn.embedding_lookup_sparse(parts, sp_ids, None, combiner="max")
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.nn.embedding_lookup_sparse(parts, tf.constant([1]), None)


def _np_safe_lookup(table, ind, ids, weights, combiner, default_id, rows):
    """TF 1.15's safe_embedding_lookup_sparse by hand: drop ids < 0 (and weights <= 0 unless "sum");
    an empty row gets default_id's embedding (weight 1) or zeros."""
    out = np.zeros((rows, table.shape[1]))
    for r in range(rows):
        keep = [i for i, (b, *_) in enumerate(ind) if b == r and ids[i] >= 0
                and (weights is None or combiner == "sum" or weights[i] > 0)]
        if not keep:
            out[r] = table[default_id] if default_id is not None else 0.
            continue
        w = np.array([weights[i] if weights is not None else 1. for i in keep])
        s = (table[[ids[i] for i in keep]] * w[:, None]).sum(0)
        out[r] = {"sum": s, "mean": s / w.sum(), "sqrtn": s / np.sqrt((w ** 2).sum())}[combiner]
    return out


SAFE_IND = [[0, 0], [0, 1], [1, 0], [3, 0], [3, 1]]
SAFE_IDS = [1, -1, 2, 0, 3]
SAFE_WTS = [2., 1., -1., 0.5, 1.5]


@pytest.mark.parametrize("combiner, weighted, default_id", [
    ("mean", False, None), ("sum", True, None), ("mean", True, None), ("sqrtn", True, 2), ("sqrtn", False, 1)])
def test_safe_embedding_lookup_sparse(combiner, weighted, default_id):
    """Negative ids and (mean/sqrtn) non-positive weights are dropped, empty rows get default_id's row or
    zeros (values checked against TF 2.21's compat.v1 function too, which is TF 1.15's code)."""
    table = PARAMS[:4]
    sp_ids = tf.SparseTensor(SAFE_IND, tf.constant(SAFE_IDS, tf.int64), [4, 2])
    sp_w = tf.SparseTensor(SAFE_IND, tf.constant(SAFE_WTS, tf.float64), [4, 2]) if weighted else None
    out = tf.nn.safe_embedding_lookup_sparse(tf.constant(table), sp_ids, sp_w, combiner=combiner,
                                             default_id=default_id)
    assert out.shape.as_list() == [4, 3]          # as TF: the constant dense shape is known
    np.testing.assert_allclose(run(out), _np_safe_lookup(table, SAFE_IND, SAFE_IDS, SAFE_WTS if weighted else None,
                                                         combiner, default_id, 4))


def test_safe_embedding_lookup_sparse_higher_rank_partitions_and_contrib_name():
    """Rank-3 ids are flattened to rows and the result reshaped to [d0, d1, dim]; a list of shards is
    looked up with the "div" strategy by default; tf.contrib.layers has the same function."""
    ind = [[0, 0, 0], [0, 1, 1], [1, 1, 0]]
    sp_ids = tf.SparseTensor(ind, tf.constant([3, 1, 2], tf.int64), [2, 2, 2])
    parts = [tf.constant(PARAMS[:2]), tf.constant(PARAMS[2:4])]
    out = tf.contrib.layers.safe_embedding_lookup_sparse(parts, sp_ids)
    assert tf.contrib.layers.safe_embedding_lookup_sparse is tf.nn.safe_embedding_lookup_sparse
    assert out.shape.as_list() == [2, 2, 3]
    flat = [[r * 2 + c, k] for r, c, k in ind]
    want = _np_safe_lookup(PARAMS[:4], flat, [3, 1, 2], None, "mean", None, 4).reshape(2, 2, 3)
    np.testing.assert_allclose(run(out), want)
    with pytest.raises(ValueError, match="Missing embedding_weights"):
        tf.nn.safe_embedding_lookup_sparse(None, sp_ids)
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.nn.safe_embedding_lookup_sparse(parts, tf.constant([1]))


# ---------------------------------------------------------------------------------------------
# CTC
# ---------------------------------------------------------------------------------------------

LOGITS = np.random.RandomState(0).randn(6, 3, 5).astype(np.float32)   # [time, batch, classes], blank = 4
LAB_IND = [[0, 0], [0, 1], [0, 2], [1, 0], [2, 0], [2, 1], [2, 2], [2, 3]]
LAB_VAL = [1, 2, 2, 0, 3, 3, 1, 2]
# Recorded with TF 2.21 (tf.compat.v1.nn.ctc_loss, same inputs)
TF_LOSS = {"plain": [5.359571, 4.632842, 6.9224987], "collapse": [4.1336236, 4.632842, 5.3995304],
           "ignore": [5.359571, 4.632842, 0.]}
TF_GRAD_B0 = {   # d sum(loss * [1, 2, 0.5]) / d logits[:, 0, :]
    "plain": [[0.22564866, -0.15925188, 0.10289045, 0.36351478, -0.5328021],
              [0.16503944, -0.39259803, 0.05971803, 0.1616733, 0.00616748],
              [0.30070356, -0.12370855, -0.13742867, 0.03553013, -0.07509662],
              [0.15683159, 0.0694392, -0.35933954, 0.04839271, 0.08467638],
              [0.16880083, 0.23081738, 0.08056865, 0.05884445, -0.53903127],
              [0.15402384, 0.12788358, -0.7710719, 0.22371322, 0.26545134]],
    "collapse": [[0.22564866, -0.1318417, 0.10289045, 0.36351478, -0.56021214],
                 [0.16503944, -0.4140526, 0.0898987, 0.1616733, -0.002559],
                 [0.30070356, -0.2220073, -0.04175501, 0.03553013, -0.0724711],
                 [0.15683159, 0.01651092, -0.22276539, 0.04839271, 0.00103045],
                 [0.16880083, 0.21806239, -0.23212475, 0.05884445, -0.21358284],
                 [0.15402384, 0.12788358, -0.07199712, 0.22371322, -0.43362322]]}


def _labels():
    return tf.SparseTensor(LAB_IND, tf.constant(LAB_VAL, tf.int32), [3, 4])


@pytest.mark.parametrize("case,kw,seq", [
    ("plain", {}, [6, 4, 6]), ("collapse", {"preprocess_collapse_repeated": True}, [6, 4, 6]),
    ("ignore", {"ignore_longer_outputs_than_inputs": True}, [6, 4, 3])])
def test_ctc_loss_matches_tf(case, kw, seq):
    logits = tf.constant(LOGITS)
    loss = tf.nn.ctc_loss(_labels(), logits, seq, **kw)
    assert loss.op.type == "CTCLoss" and loss.shape.as_list() == [3] and loss.dtype == tf.float32
    g = tf.gradients(tf.reduce_sum(loss * [1., 2., 0.5]), logits)[0]
    got_l, got_g = run([loss, g])
    np.testing.assert_allclose(got_l, TF_LOSS[case], rtol=1e-5, atol=1e-6)
    if case in TF_GRAD_B0:
        np.testing.assert_allclose(got_g[:, 0], TF_GRAD_B0[case], rtol=1e-4, atol=1e-6)
    # every frame's gradient sums to 0 over classes (softmax), frames past sequence_length get none
    np.testing.assert_allclose(got_g.sum(-1), 0., atol=1e-5)
    np.testing.assert_array_equal(got_g[seq[1]:, 1], 0.)
    if case == "ignore":
        np.testing.assert_array_equal(got_g[:, 2], 0.)


def test_ctc_loss_batch_major_placeholders_and_errors():
    x = tf.placeholder(tf.float32, [None, None, 5])
    seq = tf.placeholder(tf.int32, [None])
    loss = tf.nn.ctc_loss(_labels(), x, seq, time_major=False)
    assert loss.shape.as_list() == [None]
    got = run(loss, {x: LOGITS.transpose(1, 0, 2), seq: [6, 4, 6]})
    np.testing.assert_allclose(got, TF_LOSS["plain"], rtol=1e-5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Not enough time"):
        run(loss, {x: LOGITS.transpose(1, 0, 2), seq: [6, 4, 3]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="num_classes"):
        bad = tf.SparseTensor([[0, 0]], tf.constant([4], tf.int32), [3, 1])
        run(tf.nn.ctc_loss(bad, LOGITS, [6, 6, 6]))
    with pytest.raises(NotImplementedError, match="ctc_merge_repeated"):
        tf.nn.ctc_loss(_labels(), LOGITS, [6, 4, 6], ctc_merge_repeated=False)
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.nn.ctc_loss([[1]], LOGITS, [6, 4, 6])


def test_ctc_greedy_decoder_matches_tf():
    (dec,), neg = tf.nn.ctc_greedy_decoder(tf.constant(LOGITS), [6, 2, 5])
    (dec2,), _ = tf.nn.ctc_greedy_decoder(tf.constant(LOGITS), [6, 2, 5], merge_repeated=False)
    assert dec.values.dtype == tf.int64 and neg.shape.as_list() == [3, 1]
    d, n, d2 = run([dec, neg, dec2])
    # TF 2.21 recorded
    np.testing.assert_array_equal(d.indices, [[0, 0], [0, 1], [0, 2], [1, 0], [2, 0], [2, 1], [2, 2], [2, 3]])
    np.testing.assert_array_equal(d.values, [3, 1, 2, 1, 1, 3, 0, 2])
    np.testing.assert_array_equal(d.dense_shape, [3, 4])
    np.testing.assert_allclose(n, [[-5.1242166], [-3.2198431], [-6.505561]], rtol=1e-6)
    np.testing.assert_array_equal(d2.values, [3, 1, 1, 2, 1, 1, 3, 3, 0, 2])
    np.testing.assert_array_equal(d2.dense_shape, [3, 5])
