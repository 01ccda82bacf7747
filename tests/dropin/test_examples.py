"""Every program in examples/ runs unchanged through `python -m compat_tf run`.

The examples check themselves (mnist_mlp exits 1 below 80% test accuracy, the
notebook asserts that the regression converged), so a wrong numeric result
fails here too, not only a crash.
"""
import glob
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
EXAMPLES = sorted(glob.glob(os.path.join(ROOT, "examples", "*.py"))
                  + glob.glob(os.path.join(ROOT, "examples", "*.ipynb")))


def test_examples_exist():
    assert any(p.endswith(".py") for p in EXAMPLES) and any(p.endswith(".ipynb") for p in EXAMPLES)


@pytest.mark.parametrize("path", EXAMPLES, ids=os.path.basename)
def test_example_runs_through_cli(path, tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.run([sys.executable, "-m", "compat_tf", "run", path], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    # the run really executed the program (its last printed line is a result, not a banner)
    assert proc.stdout.strip(), proc.stderr[-2000:]
