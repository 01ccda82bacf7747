"""python -m compat_tf run / install-kernel / coverage, and compat_tf.install()."""
import gzip
import json
import os
import subprocess
import sys

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def cli(*args, cwd=None, env=None):
    e = dict(os.environ)
    e.update(env or {})
    e["PYTHONPATH"] = ROOT + os.pathsep + e.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "compat_tf", *args], cwd=cwd, env=e,
                          capture_output=True, text=True, timeout=300)


def write_idx(folder, n_train=12, n_test=4):
    """Tiny MNIST IDX files: image pixels encode the label so a reader bug shows."""
    rs = np.random.RandomState(0)

    def images(n, labels):
        data = (rs.randint(0, 255, size=(n, 28, 28)) // 2).astype(np.uint8)
        data[:, 0, 0] = labels * 20
        return np.array([2051, n, 28, 28], ">u4").tobytes() + data.tobytes()

    def label_bytes(labels):
        return np.array([2049, len(labels)], ">u4").tobytes() + labels.astype(np.uint8).tobytes()
    train_labels, test_labels = np.arange(n_train) % 10, np.arange(n_test) % 10
    for name, payload in (("train-images-idx3-ubyte.gz", images(n_train, train_labels)),
                          ("train-labels-idx1-ubyte.gz", label_bytes(train_labels)),
                          ("t10k-images-idx3-ubyte.gz", images(n_test, test_labels)),
                          ("t10k-labels-idx1-ubyte.gz", label_bytes(test_labels))):
        with gzip.open(os.path.join(folder, name), "wb") as f:
            f.write(payload)


SCRIPT = '''
import sys
import numpy as np
import tensorflow as tf
from tensorflow.contrib import rnn  # noqa: F401 - imported as TF1 tutorials do
from tensorflow.examples.tutorials.mnist import input_data
import tensorflow.compat.v1 as v1
assert v1 is tf
mnist = input_data.read_data_sets(sys.argv[1], one_hot=True, validation_size=2)
assert mnist.train.images.shape == (10, 784), mnist.train.images.shape
assert mnist.test.labels.shape == (4, 10)
# pixel [0, 0] encodes the label: check images and labels stayed aligned
first = mnist.test.images[:, 0] * 255.0
assert np.allclose(first / 20.0, mnist.test.labels.argmax(1)), (first, mnist.test.labels)
x = tf.placeholder(tf.float32, [None, 784])
w = tf.Variable(tf.zeros([784, 10]))
y = tf.matmul(x, w)
with tf.Session() as s:
    s.run(tf.global_variables_initializer())
    bx, by = mnist.train.next_batch(5)
    print("OUT", s.run(y, {x: bx}).shape, sys.argv[2])
'''


def test_run_script_binds_tensorflow_contrib_and_mnist_helper(tmp_path):
    write_idx(str(tmp_path))
    script = tmp_path / "prog.py"
    script.write_text(SCRIPT)
    r = cli("run", str(script), str(tmp_path), "extra-arg")
    assert r.returncode == 0, r.stderr
    assert "OUT (5, 10) extra-arg" in r.stdout


def test_run_script_propagates_exit_status(tmp_path):
    script = tmp_path / "fail.py"
    script.write_text("import tensorflow as tf\nimport sys\nsys.exit(3)\n")
    assert cli("run", str(script)).returncode == 3


def test_run_module_as_python_m_does(tmp_path):
    """`run -m pkg.mod args`: the current directory on the path, the package imported first (relative
    imports work), sys.argv[0] the module's file, tensorflow bound; TF's python/ops/lookup_ops has the
    table functions as in TF (tensorflow/nmt's tests import them from there); exit status passed on."""
    pkg = tmp_path / "proj" / "utils"
    pkg.mkdir(parents=True)
    (tmp_path / "proj" / "__init__.py").write_text("")
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text("WORDS = ['a', 'b', 'c']\n")
    (pkg / "main_test.py").write_text(
        "import sys\nimport tensorflow as tf\nfrom tensorflow.python.ops import lookup_ops\n"
        "from ..utils import helpers\n"
        "table = lookup_ops.index_table_from_tensor(tf.constant(helpers.WORDS))\n"
        "ids = table.lookup(tf.constant(['c', 'z', 'a']))\n"
        "with tf.Session() as s:\n    s.run(tf.tables_initializer())\n"
        "    print('IDS', s.run(ids).tolist(), sys.argv[1:], sys.argv[0].endswith('main_test.py'))\n"
        "sys.exit(int(sys.argv[2]))\n")
    r = cli("run", "-m", "proj.utils.main_test", "x", "4", cwd=str(tmp_path))
    assert r.returncode == 4, r.stderr
    assert "IDS [2, -1, 0] ['x', '4'] True" in r.stdout
    r = cli("run", "-m", "proj.nothing_here", cwd=str(tmp_path))
    assert r.returncode == 1 and "no module named proj.nothing_here" in r.stderr


def notebook(cells):
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": {},
            "cells": [{"cell_type": "code", "metadata": {}, "source": src, "outputs": [],
                       "execution_count": None} for src in cells]}


def test_run_notebook_executes_cells_in_order_and_writes_outputs(tmp_path):
    write_idx(str(tmp_path))
    nb = notebook(["%matplotlib inline\nimport tensorflow as tf\nfrom tensorflow.contrib import slim",
                   "from tensorflow.examples.tutorials.mnist import input_data\n"
                   f"m = input_data.read_data_sets({str(tmp_path)!r}, validation_size=0)",
                   "a = tf.constant(2.0) * 21\nprint('value', tf.Session().run(a))"])
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    out = tmp_path / "out.ipynb"
    r = cli("run", str(path), "--output", str(out))
    assert r.returncode == 0, r.stderr
    assert "value 42.0" in r.stdout
    executed = json.loads(out.read_text())
    outputs = executed["cells"][2]["outputs"]
    assert outputs[0]["name"] == "stdout" and "value 42.0" in outputs[0]["text"]
    assert [c["execution_count"] for c in executed["cells"]] == [1, 2, 3]


def test_run_notebook_stops_at_first_failing_cell(tmp_path):
    nb = notebook(["import tensorflow as tf\nprint('first')", "raise ValueError('boom')", "print('never')"])
    path = tmp_path / "bad.ipynb"
    path.write_text(json.dumps(nb))
    r = cli("run", str(path))
    assert r.returncode == 1
    assert "cell 1 failed" in r.stderr and "boom" in r.stderr
    assert "never" not in r.stdout


def test_install_kernel_into_prefix(tmp_path):
    r = cli("install-kernel", "--prefix", str(tmp_path), "--name", "tf1jax")
    assert r.returncode == 0, r.stderr
    spec = json.loads((tmp_path / "share" / "jupyter" / "kernels" / "tf1jax" / "kernel.json").read_text())
    assert spec["language"] == "python"
    assert "compat_tf" in " ".join(spec["argv"]) and "{connection_file}" in spec["argv"]
    assert "TensorFlow 1" in spec["display_name"]


def test_coverage_reports_a_total():
    r = cli("coverage")
    assert r.returncode == 0, r.stderr
    total = [ln for ln in r.stdout.splitlines() if ln.startswith("TOTAL")][0]
    provided, count = int(total.split()[1]), int(total.split()[2])
    assert count > 3000 and 0 < provided < count


def test_install_gives_one_module_object_per_path():
    code = ("import compat_tf, sys; compat_tf.install(); import tensorflow as tf; "
            "import tensorflow.compat.v1 as v1; import tensorflow.nn as nn; "
            "from tensorflow.python.framework import ops; "
            "assert tf is compat_tf and v1 is tf and nn is compat_tf.nn; "
            "assert ops.Graph is compat_tf.Graph; "
            "assert sys.modules['tensorflow.nn'] is compat_tf.nn; print('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr


def test_unknown_tensorflow_module_and_unimplemented_names_are_clear():
    import compat_tf as tf
    # a contrib cell compat_tf does not provide (the group LSTM of contrib.rnn)
    with pytest.raises(NotImplementedError, match="tf.contrib.rnn.GLSTMCell"):
        tf.contrib.rnn.GLSTMCell
    assert not hasattr(tf.contrib.rnn, "GLSTMCell")   # hasattr-style feature tests still work
    code = "import compat_tf; compat_tf.install(); import tensorflow.python.nonexistent_mod_zz"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode != 0 and "compat_tf has no counterpart" in r.stderr


def test_ipython_extension_hook_binds_tensorflow():
    class FakeIPython:
        pushed = None

        def push(self, ns, interactive=True):
            FakeIPython.pushed = ns
    code = ("import compat_tf, sys\n"
            "class I:\n  def push(self, ns, interactive=True): self.ns = ns\n"
            "i = I(); compat_tf.load_ipython_extension(i)\n"
            "import tensorflow\nassert tensorflow is compat_tf and i.ns['tf'] is compat_tf\nprint('ok')")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0 and "ok" in r.stdout, r.stderr


def test_tf_app_flags_logging_gfile(tmp_path):
    prog = tmp_path / "app.py"
    prog.write_text(
        "import tensorflow as tf\n"
        "tf.app.flags.DEFINE_integer('steps', 3, 'number of steps')\n"
        "FLAGS = tf.app.flags.FLAGS\n"
        "def main(argv):\n"
        "    tf.logging.set_verbosity(tf.logging.INFO)\n"
        "    tf.logging.info('steps=%d', FLAGS.steps)\n"
        "    with tf.gfile.GFile(argv[1], 'w') as f:\n"
        "        f.write('x' * FLAGS.steps)\n"
        "    assert tf.gfile.Exists(argv[1]) and tf.gfile.Glob(argv[1]) == [argv[1]]\n"
        "    try:\n"
        "        tf.gfile.GFile(argv[1] + '.missing').read()\n"
        "    except tf.errors.NotFoundError:\n"
        "        print('notfound ok')\n"
        "if __name__ == '__main__':\n"
        "    tf.app.run()\n")
    target = tmp_path / "out.txt"
    r = cli("run", str(prog), "--steps", "7", str(target))
    assert r.returncode == 0, r.stderr
    assert target.read_text() == "x" * 7
    assert "steps=7" in r.stderr and "notfound ok" in r.stdout


def test_mnist_tutorial_model_module(tmp_path):
    # TF 1.15's pip package ships tensorflow.examples.tutorials.mnist.mnist (fully_connected_feed.py
    # imports it): inference/loss/training/evaluation with TF1's variable names
    write_idx(tmp_path, n_train=40, n_test=8)
    prog = tmp_path / "fc.py"
    prog.write_text(
        "import sys\n"
        "from six.moves import xrange  # noqa: F401 - six is a TF 1.15 install dependency\n"
        "import tensorflow as tf\n"
        "from tensorflow.examples.tutorials.mnist import input_data\n"
        "from tensorflow.examples.tutorials.mnist import mnist\n"
        "assert mnist.IMAGE_PIXELS == 784 and mnist.NUM_CLASSES == 10\n"
        "data = input_data.read_data_sets(sys.argv[1], validation_size=0)\n"
        "x = tf.placeholder(tf.float32, [8, mnist.IMAGE_PIXELS])\n"
        "y = tf.placeholder(tf.int32, [8])\n"
        "logits = mnist.inference(x, 16, 8)\n"
        "loss = mnist.loss(logits, y)\n"
        "train_op = mnist.training(loss, 0.5)\n"
        "correct = mnist.evaluation(logits, y)\n"
        "names = sorted(v.op.name for v in tf.global_variables())\n"
        "assert names == ['global_step', 'hidden1/biases', 'hidden1/weights', 'hidden2/biases',\n"
        "                 'hidden2/weights', 'softmax_linear/biases', 'softmax_linear/weights'], names\n"
        "assert [v.op.name for v in tf.get_collection(tf.GraphKeys.SUMMARIES)] == ['loss']\n"
        "with tf.Session() as s:\n"
        "    s.run(tf.global_variables_initializer())\n"
        "    xs, ys = data.train.next_batch(8)\n"
        "    l0 = s.run(loss, {x: xs, y: ys})\n"
        "    for _ in range(30):\n"
        "        s.run(train_op, {x: xs, y: ys})\n"
        "    l1, c = s.run([loss, correct], {x: xs, y: ys})\n"
        "    assert s.run(tf.train.get_global_step()) == 30\n"
        "assert l1 < l0 and c.dtype.name == 'int32' and 0 <= c <= 8, (l0, l1, c)\n"
        "print('ok', l0, l1, c)\n")
    r = cli("run", str(prog), str(tmp_path))
    assert r.returncode == 0 and "ok" in r.stdout, r.stdout + r.stderr


def test_unimplemented_tf1_modules_are_clear():
    import compat_tf as tf
    # whole TF 1.15 namespaces compat_tf lacks name themselves (not "module 'tf' has no attribute")
    for name in ("tpu", "xla"):
        with pytest.raises(NotImplementedError, match=f"tf.{name} is not implemented by compat_tf"):
            getattr(tf, name)
        assert not hasattr(tf, name)
    with pytest.raises(AttributeError) as e:
        tf.not_a_tf1_name_zz
    assert not isinstance(e.value, NotImplementedError)


def test_tensorflow_python_saved_model_simple_save_module(tmp_path):
    # TF 1.15 has tensorflow/python/saved_model/simple_save.py; scripts import simple_save from it
    prog = tmp_path / "ss.py"
    prog.write_text(
        "import sys, os\n"
        "import tensorflow as tf\n"
        "from tensorflow.python.saved_model.simple_save import simple_save\n"
        "assert callable(tf.saved_model.simple_save) and callable(tf.saved_model.builder.SavedModelBuilder)\n"
        "x = tf.placeholder(tf.float32, [None, 2], name='x')\n"
        "y = tf.identity(x * 2.0, name='y')\n"
        "with tf.Session() as s:\n"
        "    simple_save(s, export_dir=sys.argv[1], inputs={'x': x}, outputs={'y': y})\n"
        "    tf.saved_model.simple_save(s, sys.argv[1] + '2', {'x': x}, {'y': y})\n"
        "assert os.path.exists(os.path.join(sys.argv[1], 'saved_model.pb'))\n"
        "assert os.path.exists(os.path.join(sys.argv[1] + '2', 'saved_model.pb'))\n"
        "print('ok')\n")
    r = cli("run", str(prog), str(tmp_path / "export"))
    assert r.returncode == 0 and "ok" in r.stdout, r.stdout + r.stderr
