"""TF 1.x eager mode against values recorded from real TensorFlow executing eagerly
(tests/data/make_eager_reference.py): the TF1 eager guide's GradientTape and tfe.implicit_gradients
training loops, tape semantics (intermediate targets, persistent and nested tapes, variables read
twice, watch rules, output gradients, unconnected sources, stop_recording), function-style
gradients to third order, tf.custom_gradient, every tf.train optimizer's eager apply_gradients and
minimize with a callable loss, a Keras model trained eagerly on a tf.data dataset, eager tf.data
iteration, tf.train.Checkpoint's keys, tfe.metrics, and control flow under a tape."""
import json
import os
import sys

import numpy as np
import pytest

import compat_tf as tf

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "data"))
import make_eager_reference as cases  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), "..", "data", "eager_reference.json")) as _f:
    REFERENCE = json.load(_f)


def _close(a, b, rtol, atol, path=""):
    if isinstance(b, dict):
        assert set(a) == set(b), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in b:
            _close(a[k], b[k], rtol, atol, f"{path}/{k}")
    elif isinstance(b, (bool, str)) or b is None:
        assert a == b, f"{path}: {a!r} != {b!r}"
    elif isinstance(b, list) and b and (any(isinstance(x, (str, bool, dict)) for x in b) or not _regular(b)):
        assert len(a) == len(b), f"{path}: {a} != {b}"
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, rtol, atol, f"{path}[{i}]")
    else:
        np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=rtol,
                                   atol=atol, err_msg=path)


def _regular(x):
    try:
        np.asarray(x, dtype=np.float64)
        return True
    except (ValueError, TypeError):
        return False


_TOL = {"optimizers_apply_gradients": (2e-5, 2e-6), "keras_model_trained_eagerly": (2e-5, 2e-6)}


@pytest.mark.parametrize("name", sorted(cases.ALL_CASES))
def test_matches_tensorflow(name):
    tf.keras.backend.clear_session()
    rtol, atol = _TOL.get(name, (1e-5, 1e-6))
    _close(cases.run_case(tf, tf.contrib.eager, name), REFERENCE[name], rtol, atol, name)
