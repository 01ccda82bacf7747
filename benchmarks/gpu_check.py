"""Accelerator evidence for multi-device compat_tf (issue 16), for a machine with GPUs.

Run by scripts/gpu_check.sh. On the default JAX backend (the GPUs when there are any):
  mapping      tf.device('/gpu:0') ops run on JAX's first accelerator; the values equal the CPU
               backend's for the same graph
  train_step   an MLP trained 20 steps with Adam on the accelerator vs the CPU backend
  towers       the TF1 multi-tower graph with one tower per device (2 towers when there is one
               device: TF1's soft-placement fallback); placed on distinct devices when there are
               enough, same numbers as one device
  scaling      compat_tf.parallel.data_parallel over 1, 2, 4, ... devices: step times, and the
               losses against one device
Prints a table and `RESULT <json>`; exits 1 when a check fails. Also runs on a CPU-only
machine (then "accelerator" is the CPU; XLA_FLAGS=--xla_force_host_platform_device_count=8
gives 8 host devices).
"""
import argparse
import json
import statistics
import sys
import time

import jax
import numpy as np

import compat_tf as tf
from compat_tf import parallel

CHECKS = {}


def check(name, ok, detail=""):
    CHECKS[name] = {"ok": bool(ok), "detail": detail}
    print(f"{'ok  ' if ok else 'FAIL'} {name} {detail}", flush=True)


def on_backend(platform, fn):
    """Runs `fn` with JAX's default device set to the first device of `platform`."""
    with jax.default_device(jax.devices(platform)[0]):
        return fn()


def mapping():
    def run():
        with tf.Graph().as_default():
            with tf.device("/gpu:0"):
                a = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4))
                b = tf.matmul(a, tf.transpose(a))
            with tf.Session() as sess:
                return sess.run(b)
    acc = run()
    cpu = on_backend("cpu", run)
    check("mapping/values", np.allclose(acc, cpu, rtol=1e-5), f"default device {jax.devices()[0]}")
    # the state of a session lives on the accelerator
    with tf.Graph().as_default():
        with tf.device("/gpu:0"):
            v = tf.Variable(np.ones((2, 2), np.float32))
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
        dev = list(sess._state[v.op.name].devices())[0]
        sess.close()
    check("mapping/state_device", dev == jax.devices()[0], str(dev))


def _mlp_losses(steps=20, data_parallel_devices=None):
    rng = np.random.RandomState(0)
    x_val = rng.randn(256, 64).astype(np.float32)
    y_val = rng.randint(0, 10, 256).astype(np.int32)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x = tf.placeholder(tf.float32, [None, 64])
        y = tf.placeholder(tf.int32, [None])
        h = tf.layers.dense(x, 256, activation=tf.nn.relu, name="h")
        logits = tf.layers.dense(h, 10, name="out")
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
        sess = tf.Session()
        if data_parallel_devices is not None:
            parallel.data_parallel(sess, devices=data_parallel_devices)
        with sess:
            sess.run(tf.global_variables_initializer())
            losses, times = [], []
            for _ in range(steps):
                t = time.perf_counter()
                losses.append(float(sess.run([train_op, loss], {x: x_val, y: y_val})[1]))
                times.append(time.perf_counter() - t)
    return np.array(losses), statistics.median(times[5:])


def train_step():
    acc, t_acc = _mlp_losses()
    cpu, t_cpu = on_backend("cpu", _mlp_losses)
    check("train_step/matches_cpu", np.allclose(acc, cpu, rtol=1e-3, atol=1e-4),
          f"final loss {acc[-1]:.5f} vs cpu {cpu[-1]:.5f}; step {t_acc * 1e3:.2f} ms vs cpu {t_cpu * 1e3:.2f} ms")
    check("train_step/trained", acc[-1] < acc[0])


def _tower_run(num_towers, one_device=False):
    rng = np.random.RandomState(7)
    x_val = rng.randn(8 * num_towers, 16).astype(np.float32)
    y_val = rng.randint(0, 4, 8 * num_towers).astype(np.int32)
    with tf.Graph().as_default():
        with tf.device("/cpu:0"):
            x = tf.placeholder(tf.float32, [8 * num_towers, 16])
            y = tf.placeholder(tf.int32, [8 * num_towers])
            w = tf.get_variable("w", initializer=tf.constant(rng.randn(16, 4).astype(np.float32)))
            opt = tf.train.GradientDescentOptimizer(0.5)
            grads, losses = [], []
            for i, (xi, yi) in enumerate(zip(tf.split(x, num_towers), tf.split(y, num_towers))):
                with tf.device("/gpu:%d" % i):
                    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
                        labels=yi, logits=tf.matmul(xi, w)))
                    losses.append(loss)
                    grads.append(opt.compute_gradients(loss, [w])[0][0])
            train_op = opt.apply_gradients([(tf.add_n(grads) / num_towers, w)])
            mean = tf.reduce_mean(tf.stack(losses))
        sess = tf.Session(config=tf.ConfigProto(allow_soft_placement=True))
        if one_device:     # the reference: every tower in one program on the first device
            parallel.data_parallel(sess, devices=jax.devices()[:1])
        with sess:
            sess.run(tf.global_variables_initializer())
            out = [float(sess.run([train_op, mean], {x: x_val, y: y_val})[1]) for _ in range(5)]
            plan = [p for p in sess._plans.values() if train_op in p.ops][0]
            layouts = plan.tower_layouts() if hasattr(plan, "tower_layouts") else []
            return np.array(out), [[str(d) for d in lay.devices] for lay in layouts]


def towers():
    n = max(2, jax.device_count())
    placed, layouts = _tower_run(n)
    one, _ = _tower_run(n, one_device=True)
    check("towers/matches_one_device", np.allclose(placed, one, rtol=1e-5), f"{n} towers, placed on {layouts}")
    want_placed = jax.device_count() >= n
    check("towers/placed" if want_placed else "towers/soft_placement_fallback",
          bool(layouts) == want_placed and (not layouts or len(set(layouts[0])) == n))


def scaling():
    base, t1 = _mlp_losses(data_parallel_devices=jax.devices()[:1])
    rows = [{"devices": 1, "step_ms": t1 * 1e3}]
    n = 2
    while n <= jax.device_count():
        losses, t = _mlp_losses(data_parallel_devices=jax.devices()[:n])
        check(f"scaling/{n}_devices_match_one", np.allclose(losses, base, rtol=1e-4, atol=1e-5))
        rows.append({"devices": n, "step_ms": t * 1e3})
        n *= 2
    for r in rows:
        print(f"   data_parallel over {r['devices']} device(s): {r['step_ms']:.2f} ms/step")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    args = ap.parse_args()
    print("devices:", jax.devices(), flush=True)
    mapping()
    train_step()
    towers()
    rows = scaling()
    result = {"backend": jax.default_backend(), "devices": [str(d) for d in jax.devices()],
              "jax": jax.__version__, "checks": CHECKS, "scaling": rows}
    if args.json:
        with open(args.json, "w") as f:
            json.dump(result, f, indent=1)
    print("RESULT " + json.dumps(result))
    return 0 if all(c["ok"] for c in CHECKS.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
