"""SIGKILL during saves (issue 12, slow): the latest checkpoint always restores and verifies.

A writer process saves a ~100 MB model over and over (alternately to one fixed prefix and to
`global_step` prefixes, max_to_keep=2, in the format the trial picks); the test kills it with
SIGKILL at a random moment of a save, 50 times, and after each kill checks that
`tf.train.latest_checkpoint` names a checkpoint whose every checksum verifies and whose tensors
all hold the same step value (a checkpoint mixing two saves would not).
"""
import os
import random
import signal
import subprocess
import sys
import time

import pytest

import compat_tf as tf
from compat_tf._src.train import checkpoint_io

pytestmark = pytest.mark.slow
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WRITER = r"""
import sys, time
import tensorflow as tf
d = sys.argv[1]
latest = tf.train.latest_checkpoint(d)
step = int(latest.rsplit("-", 1)[1]) + 1 if latest and latest[-1].isdigit() else 1
gs = tf.Variable(step, dtype=tf.int64, name="global_step")
ws = [tf.Variable(tf.zeros([2500, 5000]), name="big%d" % i) for i in range(2)]   # 2 x 50 MB
small = tf.Variable(tf.zeros([7]), name="scope/small")
value = tf.placeholder(tf.float32, [])
assign = [tf.assign(w, tf.fill(tf.shape(w), value)) for w in ws + [small]] + [tf.assign(gs, tf.cast(value, tf.int64))]
saver = tf.train.Saver(max_to_keep=2)
with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    while True:
        sess.run(assign, {value: float(step)})
        print("saving", step, flush=True)
        t0 = time.time()
        if step % 3 == 0:
            saver.save(sess, d + "/model.ckpt")
        else:
            saver.save(sess, d + "/model.ckpt", global_step=step)
        print("saved", step, time.time() - t0, flush=True)
        step += 1
"""


def _check(directory):
    latest = tf.train.latest_checkpoint(directory)
    assert latest is not None
    values = checkpoint_io.CheckpointIndex(latest).read_all()        # every checksum verified
    step = float(values["global_step"])
    assert sorted(values) == ["big0", "big1", "global_step", "scope/small"]
    for name in ("big0", "big1", "scope/small"):
        v = values[name]
        assert v.min() == v.max() == step, (latest, name, v.min(), v.max(), step)
    return latest, step


def test_fifty_sigkills_during_saves(tmp_path):
    rng = random.Random(12)
    d = str(tmp_path / "ckpt")
    os.makedirs(d)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    save_time = None
    for trial in range(50):
        env["COMPAT_TF_CHECKPOINT_FORMAT"] = "tf" if trial % 2 else "orbax"
        p = subprocess.Popen([sys.executable, "-m", "compat_tf", "run", str(script), d], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            # wait until a save starts (in trial 0: until one is done, so that a checkpoint exists),
            # then kill at a random point of it or of the next one
            for line in p.stdout:
                if line.startswith("saved"):
                    save_time = float(line.split()[2])
                    break
                if line.startswith("saving") and trial > 0:
                    break
            time.sleep(rng.uniform(0.0, 1.5 * (save_time or 1.0)))
        finally:
            p.send_signal(signal.SIGKILL)
            p.wait()
            p.stdout.close()
        _check(d)
