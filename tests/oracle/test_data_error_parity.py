"""Real TensorFlow gives the get_next sequences tests/data/_element_error_cases.py records for
tf.data pipelines with failing elements (the same builders, run with tensorflow.compat.v1).

Optional, like the rest of tests/oracle: skipped when TensorFlow is not installed.
"""
import importlib.util
import pathlib

import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

pytestmark = pytest.mark.oracle

_spec = importlib.util.spec_from_file_location(
    "_element_error_cases", pathlib.Path(__file__).parents[1] / "data" / "_element_error_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)


@pytest.mark.parametrize("name", sorted(set(cases.CASES) - cases.TF2_DIFFERS))
def test_tensorflow_gives_the_recorded_sequence(name, tmp_path):
    got, expected = cases.run_case(real_tf, name, tmp_path)
    assert got == expected
