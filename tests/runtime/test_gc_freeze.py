"""Importing compat_tf leaves its import-time objects out of full garbage collections
(compat_tf/_src/runtime/gc_freeze.py), unless COMPAT_TF_GC_FREEZE=0."""
import os
import subprocess
import sys

import pytest

_PROBE = "import gc, compat_tf; print(gc.get_freeze_count())"


@pytest.mark.parametrize("setting,frozen", [(None, True), ("off", False)])
def test_import_freezes_its_objects_unless_turned_off(setting, frozen):
    env = {k: v for k, v in os.environ.items() if k != "COMPAT_TF_GC_FREEZE"}
    if setting is not None:
        env["COMPAT_TF_GC_FREEZE"] = setting
    out = subprocess.run([sys.executable, "-c", _PROBE], env=env, capture_output=True, text=True, check=True)
    count = int(out.stdout.strip().splitlines()[-1])
    # JAX, NumPy and compat_tf's own modules: far more than any program's first objects
    assert (count > 50_000) if frozen else (count == 0)
