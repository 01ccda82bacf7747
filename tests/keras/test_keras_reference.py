"""tf.keras (graph mode) against values recorded from real TensorFlow + tf_keras (tests/data/
make_keras_reference.py): layer outputs and weight names/shapes with weights set explicitly, fit
histories and final weights per optimizer, losses, metrics, a multi-output functional model."""
import json
import os
import sys

import numpy as np
import pytest

import compat_tf as tf

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "data"))
import make_keras_reference as cases  # noqa: E402

with open(os.path.join(os.path.dirname(__file__), "..", "data", "keras_reference.json")) as _f:
    REFERENCE = json.load(_f)


def _close(a, b, rtol, atol, path=""):
    if isinstance(b, dict):
        assert set(a) == set(b), f"{path}: keys {sorted(a)} != {sorted(b)}"
        for k in b:
            _close(a[k], b[k], rtol, atol, f"{path}/{k}")
    elif isinstance(b, list) and b and isinstance(b[0], (str, list)) and not _numeric(b):
        assert len(a) == len(b), f"{path}: {a} != {b}"
        for i, (x, y) in enumerate(zip(a, b)):
            _close(x, y, rtol, atol, f"{path}[{i}]")
    elif isinstance(b, str):
        assert a == b, f"{path}: {a!r} != {b!r}"
    else:
        np.testing.assert_allclose(np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64), rtol=rtol,
                                   atol=atol, err_msg=path)


def _numeric(x):
    try:
        np.asarray(x, dtype=np.float64)
        return True
    except (ValueError, TypeError):
        return False


@pytest.mark.parametrize("name", sorted(n for n in cases.ALL_CASES if n.startswith("layer/")))
def test_layer_outputs_and_weight_names(name):
    _close(cases.run_case(tf, name), REFERENCE[name], rtol=2e-5, atol=2e-6, path=name)


@pytest.mark.parametrize("name", sorted(n for n in cases.ALL_CASES if n.startswith("fit/")))
def test_fit_history_and_weights(name):
    _close(cases.run_case(tf, name), REFERENCE[name], rtol=1e-4, atol=1e-5, path=name)


@pytest.mark.parametrize("name", sorted(n for n in cases.ALL_CASES if n.startswith("misc/")))
def test_losses_metrics_models(name):
    _close(cases.run_case(tf, name), REFERENCE[name], rtol=1e-4, atol=1e-5, path=name)
