"""tf.contrib.metrics streaming_* (predictions first) against NumPy."""
import numpy as np

import compat_tf as tf

cm = tf.contrib.metrics


def test_streaming_metrics_accumulate():
    with tf.Graph().as_default():
        pred = tf.placeholder(tf.int64, [None])
        lab = tf.placeholder(tf.int64, [None])
        acc, acc_up = cm.streaming_accuracy(pred, lab)
        prec, prec_up = cm.streaming_precision(pred, lab)
        logits = tf.placeholder(tf.float32, [None, 3])
        rk, rk_up = cm.streaming_recall_at_k(logits, tf.cast(lab, tf.int32), 2)
        vals, ups = cm.aggregate_metric_map({"acc": (acc, acc_up), "mse": cm.streaming_mean_squared_error(
            tf.cast(pred, tf.float32), tf.cast(lab, tf.float32))})
        batches = [([1, 0, 1], [1, 1, 1], [[0.1, 0.5, 0.4], [0.7, 0.2, 0.1], [0.2, 0.3, 0.5]]),
                   ([0, 0], [0, 1], [[0.6, 0.3, 0.1], [0.3, 0.3, 0.4]])]
        with tf.Session() as s:
            s.run(tf.local_variables_initializer())
            for p, y, lg in batches:
                s.run([acc_up, prec_up, rk_up, list(ups.values())], {pred: p, lab: y, logits: lg})
            got = s.run([acc, prec, rk, vals["mse"]])
    p = np.array([1, 0, 1, 0, 0])
    lab_all = np.array([1, 1, 1, 0, 1])
    lg = np.array([b for batch in batches for b in batch[2]])
    # in_top_k (TF's rule): fewer than k scores strictly above the label's; ties count as in
    in_top2 = [(lg[i] > lg[i, lab_all[i]]).sum() < 2 for i in range(5)]
    np.testing.assert_allclose(got[0], np.mean(p == lab_all))
    np.testing.assert_allclose(got[1], 2 / 2)                       # both predicted positives are right
    np.testing.assert_allclose(got[2], np.mean(in_top2))
    np.testing.assert_allclose(got[3], np.mean((p - lab_all) ** 2))
    assert cm.aggregate_metrics((1, 2), (3, 4)) == ([1, 3], [2, 4])
    assert tf.contrib.slim.metrics.streaming_mean is tf.metrics.mean
