"""tf.metrics: streaming (value, update_op) pairs over several batches vs NumPy over the
concatenation; TF1's variable names and collections; auc values recorded with TensorFlow."""
import numpy as np
import pytest

import compat_tf as tf

RS = np.random.RandomState(7)


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def _batches(n=3, size=6, classes=2):
    return [(RS.randint(0, classes, size).astype(np.int64), RS.uniform(0, 1, size).astype(np.float32),
             RS.uniform(0, 2, size).astype(np.float32)) for _ in range(n)]


def _stream(pairs, phs, batches):
    """Runs the update ops batch by batch; returns the update results and the final values."""
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        ups = [s.run([u for _, u in pairs], dict(zip(phs, b))) for b in batches]
        return ups, s.run([v for v, _ in pairs])


def _phs():
    return (tf.placeholder(tf.int64, [None]), tf.placeholder(tf.float32, [None]), tf.placeholder(tf.float32, [None]))


def _cat(batches, upto=None):
    return [np.concatenate(c) for c in zip(*batches[:upto])]


def test_accuracy_and_mean_streaming_vs_numpy():
    lab, s, w = _phs()
    pred = tf.cast(s > 0.5, tf.int64)
    pairs = [tf.metrics.accuracy(lab, pred), tf.metrics.accuracy(lab, pred, weights=w), tf.metrics.mean(s),
             tf.metrics.mean(s, weights=w), tf.metrics.mean_squared_error(tf.cast(lab, tf.float32), s),
             tf.metrics.mean_absolute_error(tf.cast(lab, tf.float32), s, w),
             tf.metrics.root_mean_squared_error(tf.cast(lab, tf.float32), s, w)]
    batches = _batches()
    ups, vals = _stream(pairs, (lab, s, w), batches)
    for i in range(len(batches)):
        L, S, W = _cat(batches, i + 1)
        P = (S > 0.5).astype(np.int64)
        want = [np.mean(P == L), np.sum((P == L) * W) / W.sum(), S.mean(), np.sum(S * W) / W.sum(),
                np.mean((L - S) ** 2), np.sum(np.abs(L - S) * W) / W.sum(), np.sqrt(np.sum((L - S) ** 2 * W) / W.sum())]
        np.testing.assert_allclose(ups[i], want, rtol=1e-5)
    np.testing.assert_allclose(vals, ups[-1], rtol=1e-6)  # the value tensor reads the accumulators


def test_counts_precision_recall_streaming_vs_numpy():
    lab, s, w = _phs()
    pairs = [tf.metrics.true_positives(lab, s > 0.5), tf.metrics.false_positives(lab, s > 0.5, w),
             tf.metrics.true_negatives(lab, s > 0.5), tf.metrics.false_negatives(lab, s > 0.5, w),
             tf.metrics.precision(lab, s > 0.5), tf.metrics.recall(lab, s > 0.5, w)]
    batches = _batches(n=4)
    _, vals = _stream(pairs, (lab, s, w), batches)
    L, S, W = _cat(batches)
    L, P = L.astype(bool), S > 0.5
    tp, fp_w = np.sum(L & P), np.sum((~L & P) * W)
    fn_w = np.sum((L & ~P) * W)
    tp_w = np.sum((L & P) * W)
    want = [tp, fp_w, np.sum(~L & ~P), fn_w, tp / (tp + np.sum(~L & P)), tp_w / (tp_w + fn_w)]
    np.testing.assert_allclose(vals, want, rtol=1e-5)


def test_at_thresholds_vs_numpy():
    lab, s, w = _phs()
    th = [0.2, 0.5, 0.8]
    pairs = [tf.metrics.precision_at_thresholds(lab, s, th), tf.metrics.recall_at_thresholds(lab, s, th, w),
             tf.metrics.true_positives_at_thresholds(lab, s, th), tf.metrics.false_positives_at_thresholds(lab, s, th)]
    batches = _batches()
    _, vals = _stream(pairs, (lab, s, w), batches)
    L, S, W = _cat(batches)
    L = L.astype(bool)
    P = S[None, :] > np.array(th, np.float32)[:, None]
    tp, fp = np.sum(L & P, 1), np.sum(~L & P, 1)
    tpw, fnw = np.sum((L & P) * W, 1), np.sum((L & ~P) * W, 1)
    np.testing.assert_allclose(vals[0], tp / (tp + fp + 1e-7), rtol=1e-5)
    np.testing.assert_allclose(vals[1], tpw / (tpw + fnw + 1e-7), rtol=1e-5)
    np.testing.assert_array_equal(vals[2], tp)
    np.testing.assert_array_equal(vals[3], fp)


def test_auc_matches_tensorflow_recorded_values():
    labels = np.array([0, 0, 1, 1, 0, 1, 1, 0, 1, 0])
    scores = np.array([0.1, 0.4, 0.35, 0.8, 0.65, 0.9, 0.2, 0.05, 0.55, 0.7], np.float32)
    w = np.array([1, 2, 1, 0.5, 1, 1, 3, 1, 1, 0.25], np.float32)
    ups = [tf.metrics.auc(labels, scores)[1], tf.metrics.auc(labels, scores, w)[1],
           tf.metrics.auc(labels, scores, curve="PR")[1],
           tf.metrics.auc(labels, scores, curve="PR", summation_method="careful_interpolation")[1],
           tf.metrics.auc(labels, scores, num_thresholds=5, summation_method="majoring")[1]]
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        got = s.run(ups)
    # recorded with TensorFlow 2.21 tf.compat.v1.metrics.auc (graph mode) on the same inputs
    want = [0.6799999475479126, 0.5824175477027893, 0.7367856502532959, 0.7381333112716675, 0.7999999523162842]
    np.testing.assert_allclose(got, want, rtol=1e-6)


def test_auc_streaming_equals_auc_of_concatenation():
    lab, s, w = _phs()
    streamed = tf.metrics.auc(lab, s, w, num_thresholds=50)
    batches = _batches(n=3, size=10)
    _, vals = _stream([streamed], (lab, s, w), batches)
    L, S, W = _cat(batches)
    with tf.Graph().as_default():
        v, u = tf.metrics.auc(L, S, W, num_thresholds=50)
        with tf.Session() as sess:
            sess.run(tf.local_variables_initializer())
            whole = sess.run(u)
    np.testing.assert_allclose(vals[0], whole, rtol=1e-6)
    # ROC AUC by NumPy with the same thresholds (rectangle/trapezoid over tp/fp rates)
    th = np.array([-1e-7] + [(i + 1) / 49 for i in range(48)] + [1 + 1e-7], np.float32)
    P = S[None] > th[:, None]
    Lb = L.astype(bool)
    tp, fn = np.sum((Lb & P) * W, 1), np.sum((Lb & ~P) * W, 1)
    fp, tn = np.sum((~Lb & P) * W, 1), np.sum((~Lb & ~P) * W, 1)
    rec, fpr = (tp + 1e-6) / (tp + fn + 1e-6), fp / (fp + tn + 1e-6)
    np.testing.assert_allclose(vals[0], np.sum((fpr[:-1] - fpr[1:]) * (rec[:-1] + rec[1:]) / 2), rtol=1e-5)


def test_auc_rejects_predictions_outside_unit_interval():
    v, u = tf.metrics.auc(tf.constant([0, 1]), tf.constant([0.5, 1.5]))
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="predictions must be in"):
            s.run(u)
    with pytest.raises(ValueError, match="Curve must be either ROC or PR"):
        tf.metrics.auc([0, 1], [0.1, 0.2], curve="XX")


def test_mean_iou_and_per_class_accuracy_vs_numpy():
    lab, s, w = _phs()
    pred = tf.cast(s * 3, tf.int64)
    pairs = [tf.metrics.mean_iou(lab, pred, 3), tf.metrics.mean_per_class_accuracy(lab, pred, 3, weights=w)]
    batches = _batches(classes=3)
    ups, vals = _stream(pairs, (lab, s, w), batches)
    L, S, W = _cat(batches)
    P = (S * 3).astype(np.int64)
    cm = np.zeros((3, 3))
    np.add.at(cm, (L, P), 1)
    np.testing.assert_array_equal(ups[-1][0], cm)   # mean_iou's update_op is the confusion matrix
    union = cm.sum(0) + cm.sum(1) - np.diag(cm)
    iou = np.diag(cm)[union > 0] / union[union > 0]
    np.testing.assert_allclose(vals[0], iou.mean(), rtol=1e-6)
    tot, cnt = np.zeros(3), np.zeros(3)
    np.add.at(tot, L, W)
    np.add.at(cnt, L, (P == L) * W)
    np.testing.assert_allclose(ups[-1][1], cnt / tot, rtol=1e-5)
    np.testing.assert_allclose(vals[1], np.mean(cnt / tot), rtol=1e-5)


def test_mean_iou_out_of_range_labels_raise():
    v, u = tf.metrics.mean_iou(tf.constant([0, 3]), tf.constant([0, 1]), 3)
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(u)


def test_variable_names_collections_and_local_initializer():
    lab, s, w = _phs()
    acc, acc_up = tf.metrics.accuracy(lab, lab, metrics_collections=["my_metrics"], updates_collections=["my_updates"])
    tf.metrics.accuracy(lab, lab)
    tf.metrics.auc(lab, s)
    tf.metrics.precision(lab, s > 0.5, name="prec")
    tf.metrics.mean_iou(lab, lab, 2)
    tf.metrics.mean_per_class_accuracy(lab, lab, 2)
    names = [v.name for v in tf.local_variables()]
    # TF 1.15's names (checked against TensorFlow by tests/oracle/test_metrics_parity.py)
    assert names == ["accuracy/total:0", "accuracy/count:0", "accuracy_1/total:0", "accuracy_1/count:0",
                     "auc/true_positives:0", "auc/false_negatives:0", "auc/true_negatives:0",
                     "auc/false_positives:0", "prec/true_positives/count:0", "prec/false_positives/count:0",
                     "mean_iou/total_confusion_matrix:0", "mean_accuracy/total:0", "mean_accuracy/count:0"]
    assert tf.get_collection(tf.GraphKeys.METRIC_VARIABLES) == tf.local_variables()
    assert tf.global_variables() == [] and tf.trainable_variables() == []
    assert (acc.name, acc_up.name) == ("accuracy/value:0", "accuracy/update_op:0")
    assert tf.get_collection("my_metrics") == [acc] and tf.get_collection("my_updates") == [acc_up]
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        assert sess.run(acc_up, {lab: [1, 0]}) == 1.0
        sess.run(tf.local_variables_initializer())  # re-initialising resets the accumulators
        assert sess.run(acc) == 0.0


def test_empty_stream_is_zero_and_weights_are_squeezed():
    v, u = tf.metrics.mean(tf.constant([[1.0], [3.0]]), weights=tf.constant([[[1.0], [0.0]]]) [0])
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        assert s.run(v) == 0.0  # div_no_nan before any update
        assert s.run(u) == 1.0
    x = tf.constant([[0.2], [0.6]])
    v2, u2 = tf.metrics.accuracy(tf.constant([0, 1]), tf.cast(x > 0.5, tf.int32))  # [2,1] predictions squeezed
    with tf.Session() as s:
        s.run(tf.local_variables_initializer())
        assert s.run(u2) == 1.0


def test_unimplemented_at_k_metrics_are_clear():
    from compat_tf._src.dropin.missing import UnimplementedSymbolError
    with pytest.raises(UnimplementedSymbolError, match="tf.metrics.recall_at_k"):
        tf.metrics.recall_at_k
