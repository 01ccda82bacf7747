"""tf.contrib.eager.metrics."""
import numpy as np
import pytest

import compat_tf as tf

tfe = tf.contrib.eager


def test_mean_weighted_reset_and_names():
    m = tfe.metrics.Mean("loss")
    m([1.0, 3.0], weights=[1.0, 0.0])
    assert m.result().numpy() == 1.0 and m.result().dtype == tf.float64
    m(5.0)
    assert m.result().numpy() == 3.0
    assert [v.name for v in m.variables] == ["loss/numer:0", "loss/denom:0"] and m.name == "loss"
    m.init_variables()
    m(4.0)
    assert m.result().numpy() == 4.0
    assert tfe.metrics.Mean("loss").name == "loss_1"
    with pytest.raises(RuntimeError, match="except in build"):
        m.add_variable("x", ())


def test_accuracies():
    a = tfe.metrics.SparseAccuracy()
    a(tf.constant([0, 1, 1]), tf.constant([[0.9, 0.1], [0.2, 0.8], [0.7, 0.3]]))
    np.testing.assert_allclose(a.result().numpy(), 2 / 3)
    c = tfe.metrics.CategoricalAccuracy()
    c(tf.constant([[0.0, 1.0], [1.0, 0.0]]), tf.constant([[0.1, 0.9], [0.2, 0.8]]))
    assert c.result().numpy() == 0.5
    b = tfe.metrics.BinaryAccuracy(threshold=0.5)
    b(tf.constant([1.0, 0.0, 1.0, 1.0]), tf.constant([0.7, 0.2, 0.4, 0.9]))
    assert b.result().numpy() == 0.75
    with pytest.raises(ValueError, match="Shapes of labels and predictions are unequal"):
        tfe.metrics.Accuracy()(tf.constant([1, 2]), tf.constant([1, 2, 3]))


def test_metric_in_graph_mode():
    with tf.Graph().as_default():
        m = tfe.metrics.Mean()
        x = tf.placeholder(tf.float32, [None])
        update = m(x)
        with tf.Session() as sess:
            sess.run(m.init_variables())
            sess.run(update, {x: [1.0, 2.0]})
            sess.run(update, {x: [6.0]})
            assert sess.run(m.result()) == 3.0
