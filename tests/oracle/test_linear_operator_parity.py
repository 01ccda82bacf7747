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
