"""Fixtures shared by every test directory."""
import pytest

from compat_tf._src.runtime import tiers


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
