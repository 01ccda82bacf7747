"""Python 2 TF1 scripts and notebooks under `python -m compat_tf run` (py2compat)."""
import json
import os
import subprocess
import sys

from compat_tf._src.dropin import py2compat

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

PY2_SCRIPT = '''import tensorflow as tf
import cPickle
d = {"a": 1}
for k, v in d.iteritems():
    print k, v
try:
    raise ValueError, "bad"
except ValueError, e:
    print "caught", e
x = tf.placeholder(tf.float32, [None])
s = tf.reduce_sum(x)
with tf.Session() as sess:
    for i in xrange(2):
        print sess.run(s, {x: range(i + 3)}),
print
print "n", 017
'''


def _cli(*args, cwd):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "compat_tf", "run", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_rewrite_forms_and_note():
    new, counts = py2compat.rewrite("print 'a', 1\nfor i in xrange(2): pass\ntry:\n  pass\nexcept E, e:\n  pass\n")
    assert new == "print('a', 1)\nfor i in range(2): pass\ntry:\n  pass\nexcept E as e:\n  pass\n"
    assert counts == {"print statement": 1, "xrange": 1, "except E, e": 1}
    assert py2compat.describe(counts, "a.py") == \
        "compat_tf run: rewrote Python 2 forms in a.py: except E, e (1), print statement (1), xrange (1)"


def test_python3_source_is_left_alone():
    src = "print('x', end='')\nd = {}\nfor k, v in d.items():\n    pass\n"
    assert py2compat.rewrite(src) == (src, {})
    assert not py2compat.looks_like_python2(src)
    broken = "def f(:\n"                       # neither Python 2 nor 3: run as it is (fails as usual)
    assert py2compat.rewrite(broken) == (broken, {})


def test_run_python2_script(tmp_path):
    path = tmp_path / "old.py"
    path.write_text(PY2_SCRIPT)
    r = _cli(str(path), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["a 1", "caught bad", "3.0 6.0 ", "n 15"]
    note = [line for line in r.stderr.splitlines() if line.startswith("compat_tf run: rewrote")]
    assert len(note) == 1 and "print statement" in note[0] and "xrange (2)" in note[0]  # and list(range())
    assert "except E, e (1)" in note[0] and "raise E, msg (1)" in note[0]


def test_run_python2_notebook(tmp_path):
    cells = [{"cell_type": "code", "source": ["import tensorflow as tf\n", "c = tf.constant(2) * 3"]},
             {"cell_type": "code", "source": ["with tf.Session() as s:\n", "    print s.run(c)"]}]
    nb = {"cells": cells, "metadata": {"kernelspec": {"name": "python2"}}, "nbformat": 4, "nbformat_minor": 2}
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps(nb))
    r = _cli(str(path), "-o", str(tmp_path / "out.ipynb"), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    out = json.loads((tmp_path / "out.ipynb").read_text())
    assert out["cells"][1]["outputs"][0]["text"] == "6\n"
    assert "compat_tf run: rewrote Python 2 forms in old.ipynb: print statement (1)" in r.stderr


def test_run_script_importing_a_python2_helper(tmp_path):
    helper = "def squares(n):\n    print 'making', n\n    return [i * i for i in xrange(n)]\n"
    (tmp_path / "helpers.py").write_text(helper)
    (tmp_path / "main.py").write_text("import helpers\nprint(helpers.squares(3))\n")
    r = _cli(str(tmp_path / "main.py"), cwd=str(tmp_path))
    assert r.returncode == 0, r.stderr
    assert r.stdout.splitlines() == ["making 3", "[0, 1, 4]"]
    assert "compat_tf run: rewrote Python 2 forms in helpers.py: print statement (1), xrange (1)" in r.stderr
    assert not (tmp_path / "__pycache__").exists() or not list((tmp_path / "__pycache__").glob("helpers*"))
