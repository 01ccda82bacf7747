"""tf.metrics parity with real TensorFlow (tf.compat.v1): the same streaming metrics built with both,
fed the same batches; update_op results after every batch, final values and the local variables'
names must agree. Optional like test_parity.py (skipped without TensorFlow)."""
import numpy as np
import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

import compat_tf  # noqa: E402

pytestmark = pytest.mark.oracle


def _batches(seed, n=3, size=7, classes=2):
    rs = np.random.RandomState(seed)
    out = []
    for _ in range(n):
        labels = rs.randint(0, classes, size=size).astype(np.int64)
        scores = rs.uniform(0, 1, size=size).astype(np.float32)
        weights = rs.uniform(0, 2, size=size).astype(np.float32)
        reg = rs.normal(size=size).astype(np.float32)
        out.append((labels, scores, weights, reg))
    return out


def _pred(tf, s):
    return tf.cast(s > 0.5, tf.int64)


CASES = {
    "accuracy": lambda tf, lab, s, w, r: [tf.metrics.accuracy(lab, _pred(tf, s)),
                                        tf.metrics.accuracy(lab, _pred(tf, s), weights=w)],
    "mean": lambda tf, lab, s, w, r: [tf.metrics.mean(r), tf.metrics.mean(r, weights=w),
                                    tf.metrics.mean_tensor(tf.reshape(r, [7])), tf.metrics.percentage_below(r, 0.2)],
    "errors": lambda tf, lab, s, w, r: [tf.metrics.mean_squared_error(s, r), tf.metrics.mean_absolute_error(s, r, w),
                                      tf.metrics.root_mean_squared_error(s, r, w),
                                      tf.metrics.mean_relative_error(s, r, s + 0.5)],
    "counts": lambda tf, lab, s, w, r: [tf.metrics.true_positives(lab, s > 0.5),
                                        tf.metrics.false_positives(lab, s > 0.5),
                                      tf.metrics.true_negatives(lab, s > 0.5, w),
                                      tf.metrics.false_negatives(lab, s > 0.5, w),
                                      tf.metrics.precision(lab, s > 0.5), tf.metrics.recall(lab, s > 0.5, w)],
    "thresholds": lambda tf, lab, s, w, r: [
        tf.metrics.precision_at_thresholds(lab, s, [0.2, 0.5, 0.7]),
        tf.metrics.recall_at_thresholds(lab, s, [0.2, 0.5, 0.7], w),
        tf.metrics.true_positives_at_thresholds(lab, s, [0.3, 0.6]),
        tf.metrics.false_negatives_at_thresholds(lab, s, [0.3, 0.6], w)],
    "auc": lambda tf, lab, s, w, r: [
        tf.metrics.auc(lab, s), tf.metrics.auc(lab, s, w, num_thresholds=20), tf.metrics.auc(lab, s, curve="PR"),
        tf.metrics.auc(lab, s, curve="PR", summation_method="careful_interpolation"),
        tf.metrics.auc(lab, s, summation_method="minoring"), tf.metrics.auc(lab, s, thresholds=[0.25, 0.5, 0.75]),
        tf.metrics.sensitivity_at_specificity(lab, s, 0.5), tf.metrics.specificity_at_sensitivity(lab, s, 0.5)],
    "per_class": lambda tf, lab, s, w, r: [
        tf.metrics.mean_iou(lab, tf.cast(s * 3, tf.int64), 3), tf.metrics.mean_iou(lab, tf.cast(s * 3, tf.int64), 3, w),
        tf.metrics.mean_per_class_accuracy(lab, tf.cast(s * 3, tf.int64), 3, w)],
}


def _run(tf, build, batches):
    g = tf.Graph()
    with g.as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), [None]) for a in batches[0]]
        pairs = build(tf, *phs)
        names = sorted(v.name for v in tf.local_variables())
        assert sorted(v.name for v in tf.get_collection(tf.GraphKeys.METRIC_VARIABLES)) == names
        with tf.Session(graph=g) as sess:
            sess.run(tf.local_variables_initializer())
            updates = [sess.run([u for _, u in pairs], dict(zip(phs, b))) for b in batches]
            values = sess.run([v for v, _ in pairs])
    return names, updates, values, [(v.name, u.name) for v, u in pairs]


@pytest.mark.parametrize("case", sorted(CASES))
def test_metric_matches_tensorflow(case):
    batches = _batches(hash(case) % 1000, classes=2 if case != "per_class" else 3)
    r_names, r_up, r_val, r_tn = _run(real_tf, CASES[case], batches)
    c_names, c_up, c_val, c_tn = _run(compat_tf, CASES[case], batches)
    assert c_names == r_names
    assert c_tn == r_tn
    for rb, cb in zip(r_up, c_up):
        for r, c in zip(rb, cb):
            np.testing.assert_allclose(c, r, rtol=2e-5, atol=1e-6)
    for r, c in zip(r_val, c_val):
        np.testing.assert_allclose(c, r, rtol=2e-5, atol=1e-6)
