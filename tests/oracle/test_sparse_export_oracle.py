"""Real TensorFlow runs the tf.sparse graphs compat_tf exports in TF's vocabulary (to_tf_graph_def) and gets
the values compat_tf computes (SparseAdd, SparseReduceSum, SparseSoftmax, SparseFillEmptyRows, SparseSlice,
SparseSplit, SparseReorder, SparseReshape, SparseConcat, SparseSegmentMean, SparseCross, Serialize/Deserialize).

The exported GraphDef goes to a separate Python with TensorFlow ($COMPAT_TF_ORACLE_PYTHON, as
test_persistence_oracle.py); skipped without one."""
import base64
import importlib.util
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from compat_tf._src.framework import tf_export

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "ops"))
from test_sparse_graph_def import _assert_same, _run_all  # noqa: E402

pytestmark = pytest.mark.oracle


def _oracle_python():
    env = os.environ.get("COMPAT_TF_ORACLE_PYTHON")
    if env and os.path.exists(env):
        return env
    if importlib.util.find_spec("tensorflow") is not None:
        return sys.executable
    return None


PY = _oracle_python()
if PY is None:
    pytest.skip("no Python with tensorflow (set COMPAT_TF_ORACLE_PYTHON; nox -s oracle)", allow_module_level=True)

SCRIPT = """
import base64, json, sys
import numpy as np
import tensorflow.compat.v1 as tf
tf.disable_v2_behavior()
gd = tf.GraphDef()
gd.ParseFromString(open(sys.argv[1], "rb").read())
names = json.loads(sys.argv[2])
with tf.Graph().as_default() as g:
    outs = tf.import_graph_def(gd, return_elements=names, name="")
    with tf.Session(graph=g) as s:
        vals = s.run(outs)
def enc(v):
    v = np.asarray(v)
    if v.dtype == object:
        return ["s", [base64.b64encode(x).decode() for x in v.reshape(-1).tolist()], list(v.shape)]
    return ["n", v.tolist(), str(v.dtype)]
print("RESULT " + json.dumps([enc(v) for v in vals]))
"""


def _dec(e):
    if e[0] == "s":
        return np.array([base64.b64decode(x) for x in e[1]], object).reshape(e[2])
    return np.array(e[1], e[2])


def test_tensorflow_runs_the_exported_sparse_graph_to_the_same_values(tmp_path):
    g, fetches, want = _run_all()
    path = tmp_path / "sparse.pb"
    path.write_bytes(tf_export.to_tf_graph_def(g).SerializeToString())
    r = subprocess.run([PY, "-c", SCRIPT, str(path), json.dumps([t.name for t in fetches])], capture_output=True,
                       text=True, timeout=600, env=dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3"))
    lines = [line[7:] for line in r.stdout.splitlines() if line.startswith("RESULT ")]
    assert r.returncode == 0 and lines, f"TensorFlow failed:\n{r.stdout[-3000:]}\n{r.stderr[-6000:]}"
    _assert_same([_dec(e) for e in json.loads(lines[-1])], want)
