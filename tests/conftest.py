"""Fixtures shared by every test directory."""
import os

import pytest

if os.environ.get("COMPAT_TF_ORACLE"):
    # The oracle tests (tests/oracle, `nox -s oracle`) need real TensorFlow imported before
    # compat_tf: both register TF's .proto files in protobuf's default pool, and TF's import fails
    # on the second registration, where compat_tf's reuses TF's descriptors.
    try:
        import tensorflow  # noqa: F401
    except ImportError:
        pass

from compat_tf._src.runtime import tiers  # noqa: E402


@pytest.fixture
def compiled_tier():
    """Runs a test with every run signature compiled on its first call (for tests of the compiled
    tier's own properties: donation, device-resident state, async dispatch, program contents)."""
    tiers.drain_background_compiles()
    prev = tiers.set_policy(mode="compile")
    yield
    tiers.set_policy(**prev)


@pytest.fixture
def policy():
    """`policy(**settings)` sets the execution policy for one test; restored after it."""
    tiers.drain_background_compiles()
    saved = []

    def set_(**kw):
        saved.append(tiers.set_policy(**kw))
    yield set_
    for prev in reversed(saved):
        tiers.set_policy(**prev)
