import pytest

import compat_tf as tf
import _harness


@pytest.fixture(scope="module")
def scratch():
    """A directory for the files a parser reads, removed after the module's tests."""
    with _harness.scratch_dir() as path:
        yield path


@pytest.fixture(autouse=True, scope="module")
def quiet_logging():
    """The parsers log a warning for each file they ignore (as TF1's); thousands of them hide the report."""
    old = tf.logging.get_verbosity()
    tf.logging.set_verbosity(tf.logging.ERROR)
    yield
    tf.logging.set_verbosity(old)
