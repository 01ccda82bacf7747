"""Eager-mode tests run inside `eager_mode()` (TF's internal context.eager_mode): the test process
also runs graph-mode tests, so tf.enable_eager_execution's startup rule cannot be used here
(tests/eager/test_context.py checks that rule in a subprocess)."""
import pytest

from compat_tf._src.eager import context
from compat_tf._src.keras import backend as keras_backend


@pytest.fixture(autouse=True)
def eager():
    with context.eager_mode():
        keras_backend.clear_session()
        yield
