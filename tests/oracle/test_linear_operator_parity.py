"""Parity with real TensorFlow (tf.compat.v1): the LinearOperator error table
(tests/ops/linear_operator/_operator_cases.ERRORS) raises the recorded exception class in real
TensorFlow too. Skipped without tensorflow; run this directory on its own (`pytest tests/oracle`).
"""
import os
import sys

import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "ops", "linear_operator"))
import _operator_cases  # noqa: E402

pytestmark = pytest.mark.oracle


@pytest.mark.parametrize("name", sorted(_operator_cases.ERRORS))
def test_tensorflow_raises_the_recorded_error(name):
    build, error = _operator_cases.ERRORS[name]
    with real_tf.Graph().as_default():
        with pytest.raises(error):
            build(real_tf)


def test_tensorflow_runs_a_graphdef_exported_with_the_new_linalg_ops():
    import numpy as np

    import compat_tf as tf

    rs = np.random.RandomState(0)
    a = rs.randn(2, 3, 3) + 3 * np.eye(3)
    diags, rhs = rs.randn(3, 4) + np.array([[0.0], [4.0], [0.0]]), rs.randn(4, 2)
    with tf.Graph().as_default() as g:
        outs = [tf.linalg.lu(a, name="lu")[0], tf.linalg.lu(a, name="lu")[1], tf.linalg.sqrtm(a @ a.transpose(0, 2, 1),
                                                                                             name="sq"),
                tf.linalg.logm(a.astype(np.complex128), name="lg"),
                tf.linalg.tridiagonal_solve(diags, rhs, name="ts"), tf.linalg.tridiagonal_matmul(diags, rhs, name="tm")]
        with tf.Session() as sess:
            want = sess.run(outs)
        data = g.as_graph_def().SerializeToString()
    gd = real_tf.GraphDef.FromString(data)
    with real_tf.Graph().as_default():
        got_t = real_tf.import_graph_def(gd, return_elements=[t.name for t in outs], name="")
        with real_tf.Session() as sess:
            got = sess.run(got_t)
    for w, v in zip(want, got):
        np.testing.assert_allclose(v, w, rtol=1e-8, atol=1e-10)
