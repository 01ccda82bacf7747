"""Real TensorFlow still gives what tests/data/iterator_saveable/expected.json recorded for the
make_saveable_from_iterator scenarios of tests/data/_iterator_saveable_cases.py (the same builders,
run with tensorflow.compat.v1), and its restored iterators resume on the element after the save.

Optional, like the rest of tests/oracle: skipped when TensorFlow is not installed.
"""
import importlib.util
import json
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

DATA = pathlib.Path(__file__).parents[1] / "data"
_spec = importlib.util.spec_from_file_location("_iterator_saveable_cases", DATA / "_iterator_saveable_cases.py")
cases = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cases)
EXPECTED = json.loads((DATA / "iterator_saveable" / "expected.json").read_text())


@pytest.mark.parametrize("name", sorted(cases.CASES))
def test_tensorflow_resumes_as_recorded(name, tmp_path):
    got = cases.run(real_tf, name, str(tmp_path))
    assert got == EXPECTED["runs"][name]
    assert got["after"][:len(got["between"])] == got["between"]


@pytest.mark.parametrize("name", sorted(cases.FAILING))
def test_tensorflow_save_errors(name, tmp_path):
    assert cases.save_error(real_tf, name, str(tmp_path)) == cases.FAILING[name][1]
