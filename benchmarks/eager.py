"""TF1 eager mode: compat_tf beside real TensorFlow executing eagerly (tf.compat.v1), per process.

Cases (each process runs them once, in order; medians over repeated steps):
  op:        one small eager op (tf.add of two 3-vectors), µs
  linreg:    a GradientTape linear-regression step (100 points, assign_sub updates), µs
  mlp:       784-256-10 MLP, batch 128: tape + sparse softmax cross entropy + Adam apply_gradients, µs
  keras:     the same MLP as a tf.keras Sequential, µs
  defun_mlp: the mlp step under tfe.defun (compat_tf only: TF 2.21 has no tf.contrib), µs
  first_mlp: wall time of the MLP's first step, s (imports excluded)
Times are process CPU time (steadier than wall time on a shared machine) and wall time.

usage: python benchmarks/eager.py [--tf /path/to/tf/python] [--steps N] [--json PATH]
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

CHILD = r'''
import json, statistics, sys, time
import numpy as np
BACKEND, STEPS = sys.argv[1], int(sys.argv[2])
if BACKEND == "compat_tf":
    import compat_tf as tf
else:
    import tensorflow.compat.v1 as tf
tf.enable_eager_execution()
out = {}

def timed(fn, n, warmup):
    for _ in range(warmup):
        fn()
    if BACKEND == "compat_tf":
        from compat_tf._src.runtime import tiers
        tiers.drain_background_compiles()
        for _ in range(3):
            fn()
    cpu, wall = [], []
    for _ in range(n):
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return {"cpu_us": statistics.median(cpu) * 1e6, "wall_us": statistics.median(wall) * 1e6}

c = tf.constant(np.ones(3, np.float32))
out["op"] = timed(lambda: tf.add(c, c), 20 * STEPS, 10)

rng = np.random.RandomState(0)
xs = tf.constant(np.linspace(0, 1, 100).astype(np.float32)); ys = 3 * xs + 2
w, b = tf.Variable(0.0), tf.Variable(0.0)
def linreg():
    with tf.GradientTape() as tape:
        loss = tf.reduce_mean(tf.square(w * xs + b - ys))
    dw, db = tape.gradient(loss, [w, b])
    w.assign_sub(0.1 * dw); b.assign_sub(0.1 * db)
out["linreg"] = timed(linreg, STEPS, 5)

X = tf.constant(rng.rand(128, 784).astype(np.float32)); Y = tf.constant(rng.randint(0, 10, 128).astype(np.int32))
def mlp_vars():
    return [tf.Variable(rng.randn(784, 256).astype(np.float32) * 0.01), tf.Variable(np.zeros(256, np.float32)),
            tf.Variable(rng.randn(256, 10).astype(np.float32) * 0.01), tf.Variable(np.zeros(10, np.float32))]
vs = mlp_vars()
opt = tf.train.AdamOptimizer(1e-3)
def mlp_step(x=X, y=Y):
    with tf.GradientTape() as tape:
        h = tf.nn.relu(tf.matmul(x, vs[0]) + vs[1])
        logits = tf.matmul(h, vs[2]) + vs[3]
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    grads = tape.gradient(loss, vs)
    opt.apply_gradients(zip(grads, vs))
    return loss
t0 = time.perf_counter(); mlp_step().numpy(); out["first_mlp"] = {"wall_s": time.perf_counter() - t0}
out["mlp"] = timed(lambda: mlp_step().numpy(), STEPS, 5)

model = tf.keras.Sequential([tf.keras.layers.Dense(256, activation="relu", input_shape=(784,)),
                             tf.keras.layers.Dense(10)])
kopt = tf.train.AdamOptimizer(1e-3)
def keras_step():
    with tf.GradientTape() as tape:
        loss = tf.losses.sparse_softmax_cross_entropy(Y, model(X))
    grads = tape.gradient(loss, model.trainable_variables)
    kopt.apply_gradients(zip(grads, model.trainable_variables))
    return loss.numpy()
out["keras"] = timed(keras_step, STEPS, 5)

if BACKEND == "compat_tf":
    step = tf.contrib.eager.defun(mlp_step)
    out["defun_mlp"] = timed(lambda: step(X, Y).numpy(), STEPS, 5)
print("RESULT " + json.dumps(out))
'''


def run(python, backend, steps, env=None):
    full_env = dict(os.environ, **(env or {}))
    full_env["PYTHONPATH"] = ROOT + os.pathsep + full_env.get("PYTHONPATH", "")
    full_env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    proc = subprocess.run([python, "-c", CHILD, backend, str(steps)], capture_output=True, text=True, env=full_env)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"{backend} run failed:\n{proc.stderr[-3000:]}")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--tf", help="a Python interpreter with TensorFlow (the reference column)")
    p.add_argument("--steps", type=int, default=50)
    p.add_argument("--json")
    args = p.parse_args()
    results = {"compat_tf": run(sys.executable, "compat_tf", args.steps)}
    if args.tf:
        results["tensorflow"] = run(args.tf, "tensorflow", args.steps, env={"TF_USE_LEGACY_KERAS": "1"})
    cases = ["op", "linreg", "mlp", "keras", "defun_mlp"]
    print(f"{'case':12} {'compat_tf cpu µs':>17} {'TF cpu µs':>10} {'ratio':>6}   {'compat_tf wall µs':>17} "
          f"{'TF wall µs':>10}")
    for c in cases:
        a = results["compat_tf"].get(c)
        b = results.get("tensorflow", {}).get(c)
        if a is None:
            continue
        ratio = f"{a['cpu_us'] / b['cpu_us']:.2f}" if b else "-"
        print(f"{c:12} {a['cpu_us']:17.0f} {b['cpu_us'] if b else float('nan'):10.0f} {ratio:>6}   "
              f"{a['wall_us']:17.0f} {b['wall_us'] if b else float('nan'):10.0f}")
    first = results["compat_tf"]["first_mlp"]["wall_s"]
    tf_first = results.get("tensorflow", {}).get("first_mlp", {}).get("wall_s")
    print(f"first MLP step: compat_tf {first:.2f} s" + (f", TF {tf_first:.2f} s" if tf_first else ""))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
