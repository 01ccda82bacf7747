"""compat_tf benchmarks beside the same computation written directly in JAX + optax.

Cases (issue 5): session overhead, MLP train step, CNN train step, first run
(trace + compile), graph construction, peak memory of a 100M-parameter MLP.
Each case times compat_tf and hand-written JAX in the same process,
alternating rounds, and reports medians and the ratio compat_tf / JAX. When
real TensorFlow is importable a TF1 column is added (never required).

usage: python benchmarks/run.py [--quick] [--only NAME] [--json PATH]
"""
import argparse
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

import compat_tf as tf  # noqa: E402


def _median_alternating(fns, rounds, inner):
    """Median seconds per call of each fn, measured in alternating rounds of `inner` calls."""
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            times[k].append((time.perf_counter() - t0) / inner)
    return {k: statistics.median(v) for k, v in times.items()}


# -------------------------------------------------------------------------------------------
# 1. session overhead
# -------------------------------------------------------------------------------------------

def bench_session_overhead(quick):
    g = tf.Graph()
    with g.as_default():
        c = tf.constant(1.0)
        sess = tf.Session()
    f = jax.jit(lambda: jnp.float32(1.0))
    sess.run(c)
    np.asarray(f())
    med = _median_alternating({"compat_tf": lambda: sess.run(c), "jax": lambda: np.asarray(f())},
                              rounds=5 if quick else 15, inner=200 if quick else 1000)
    return {"unit": "us/call", "compat_tf": med["compat_tf"] * 1e6, "jax": med["jax"] * 1e6}


# -------------------------------------------------------------------------------------------
# 2. MLP training step (784-256-256-10, Adam, batch 128, feed_dict)
# -------------------------------------------------------------------------------------------

def _mlp_params(rs, sizes):
    return [((rs.randn(a, b) * np.sqrt(2.0 / a)).astype(np.float32), np.zeros(b, np.float32))
            for a, b in zip(sizes[:-1], sizes[1:])]


def _tf_mlp(params, lr=1e-3):
    x = tf.placeholder(tf.float32, [None, params[0][0].shape[0]])
    y = tf.placeholder(tf.int64, [None])
    h = x
    for i, (w0, b0) in enumerate(params):
        w, b = tf.Variable(w0, name=f"w{i}"), tf.Variable(b0, name=f"b{i}")
        h = tf.matmul(h, w) + b
        if i < len(params) - 1:
            h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    train = tf.train.AdamOptimizer(lr).minimize(loss)
    return x, y, loss, train


def _jax_mlp(params, lr=1e-3):
    opt = optax.adam(lr)

    def loss_fn(p, x, y):
        h = x
        for i, (w, b) in enumerate(p):
            h = h @ w + b
            if i < len(p) - 1:
                h = jax.nn.relu(h)
        return optax.softmax_cross_entropy_with_integer_labels(h, y).mean()

    @jax.jit
    def step(p, s, x, y):
        loss, g = jax.value_and_grad(loss_fn)(p, x, y)
        upd, s = opt.update(g, s, p)
        return optax.apply_updates(p, upd), s, loss

    p = jax.tree_util.tree_map(jnp.asarray, params)
    return step, p, opt.init(p)


def bench_mlp_step(quick):
    rs = np.random.RandomState(0)
    params = _mlp_params(rs, [784, 256, 256, 10])
    xb = rs.rand(128, 784).astype(np.float32)
    yb = rs.randint(0, 10, 128).astype(np.int64)
    g = tf.Graph()
    with g.as_default():
        x, y, loss, train = _tf_mlp(params)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    feed = {x: xb, y: yb}
    sess.run(train, feed)
    step, p, s = _jax_mlp(params)
    state = {"p": p, "s": s}

    def jax_step():
        state["p"], state["s"], _ = step(state["p"], state["s"], xb, yb)
        jax.block_until_ready(state["p"])

    def tf_step():
        sess.run(train, feed)
        jax.block_until_ready(sess._state)
    jax_step()
    med = _median_alternating({"compat_tf": tf_step, "jax": jax_step}, rounds=5 if quick else 11,
                              inner=20 if quick else 100)
    return {"unit": "us/step", "compat_tf": med["compat_tf"] * 1e6, "jax": med["jax"] * 1e6}


# -------------------------------------------------------------------------------------------
# 3. CNN training step (conv5x5x32-pool-conv5x5x64-pool-fc1024-fc10, Adam, batch 64)
# -------------------------------------------------------------------------------------------

def _cnn_params(rs):
    def w(*shape):
        return (rs.randn(*shape) * np.sqrt(2.0 / np.prod(shape[:-1]))).astype(np.float32)
    return {"c1": w(5, 5, 1, 32), "b1": np.zeros(32, np.float32), "c2": w(5, 5, 32, 64),
            "b2": np.zeros(64, np.float32), "f1": w(7 * 7 * 64, 1024), "bf1": np.zeros(1024, np.float32),
            "f2": w(1024, 10), "bf2": np.zeros(10, np.float32)}


def bench_cnn_step(quick):
    rs = np.random.RandomState(0)
    P = _cnn_params(rs)
    xb = rs.rand(64, 28, 28, 1).astype(np.float32)
    yb = rs.randint(0, 10, 64).astype(np.int64)
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        y = tf.placeholder(tf.int64, [None])
        V = {k: tf.Variable(v, name=k) for k, v in P.items()}
        h = tf.nn.relu(tf.nn.conv2d(x, V["c1"], [1, 1, 1, 1], "SAME") + V["b1"])
        h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        h = tf.nn.relu(tf.nn.conv2d(h, V["c2"], [1, 1, 1, 1], "SAME") + V["b2"])
        h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
        h = tf.reshape(h, [-1, 7 * 7 * 64])
        h = tf.nn.relu(tf.matmul(h, V["f1"]) + V["bf1"])
        logits = tf.matmul(h, V["f2"]) + V["bf2"]
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        train = tf.train.AdamOptimizer(1e-3).minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    feed = {x: xb, y: yb}
    sess.run(train, feed)
    opt = optax.adam(1e-3)

    def loss_fn(p, x, y):
        dn = ("NHWC", "HWIO", "NHWC")
        h = jax.lax.conv_general_dilated(x, p["c1"], (1, 1), "SAME", dimension_numbers=dn) + p["b1"]
        h = jax.lax.reduce_window(jax.nn.relu(h), -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME")
        h = jax.lax.conv_general_dilated(h, p["c2"], (1, 1), "SAME", dimension_numbers=dn) + p["b2"]
        h = jax.lax.reduce_window(jax.nn.relu(h), -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME")
        h = jax.nn.relu(h.reshape(-1, 7 * 7 * 64) @ p["f1"] + p["bf1"])
        return optax.softmax_cross_entropy_with_integer_labels(h @ p["f2"] + p["bf2"], y).mean()

    @jax.jit
    def step(p, s, x, y):
        loss, gr = jax.value_and_grad(loss_fn)(p, x, y)
        upd, s = opt.update(gr, s, p)
        return optax.apply_updates(p, upd), s, loss
    p = {k: jnp.asarray(v) for k, v in P.items()}
    state = {"p": p, "s": opt.init(p)}

    def jax_step():
        state["p"], state["s"], _ = step(state["p"], state["s"], xb, yb)
        jax.block_until_ready(state["p"])

    def tf_step():
        sess.run(train, feed)
        jax.block_until_ready(sess._state)
    jax_step()
    med = _median_alternating({"compat_tf": tf_step, "jax": jax_step}, rounds=3 if quick else 7,
                              inner=3 if quick else 10)
    return {"unit": "ms/step", "compat_tf": med["compat_tf"] * 1e3, "jax": med["jax"] * 1e3}


# -------------------------------------------------------------------------------------------
# 4. first run: trace + compile of the MLP train op
# -------------------------------------------------------------------------------------------

def bench_first_run(quick):
    rs = np.random.RandomState(1)
    xb = rs.rand(128, 784).astype(np.float32)
    yb = rs.randint(0, 10, 128).astype(np.int64)
    tf_times, jax_times = [], []
    for i in range(2 if quick else 5):
        params = _mlp_params(np.random.RandomState(100 + i), [784, 256, 256, 10])
        g = tf.Graph()
        with g.as_default():
            x, y, loss, train = _tf_mlp(params, lr=1e-3 * (1 + i))
            sess = tf.Session()
            sess.run(tf.global_variables_initializer())
        t0 = time.perf_counter()
        sess.run(train, {x: xb, y: yb})
        jax.block_until_ready(sess._state)
        tf_times.append(time.perf_counter() - t0)
        step, p, s = _jax_mlp(params, lr=1e-3 * (1 + i))
        t0 = time.perf_counter()
        jax.block_until_ready(step(p, s, xb, yb))
        jax_times.append(time.perf_counter() - t0)
    return {"unit": "s", "compat_tf": statistics.median(tf_times), "jax": statistics.median(jax_times)}


# -------------------------------------------------------------------------------------------
# 5. graph construction
# -------------------------------------------------------------------------------------------

def bench_graph_construction(quick):
    n_layers = 300 if quick else 1000

    def build():
        g = tf.Graph()
        with g.as_default():
            x = tf.placeholder(tf.float32, [None, 16])
            h = x
            for _ in range(n_layers):     # 3 ops per layer
                h = tf.tanh(h * 0.5 + 1.0)
        return len(g.get_operations())
    build()
    times = []
    for _ in range(3 if quick else 5):
        t0 = time.perf_counter()
        n = build()
        times.append((time.perf_counter() - t0) / n)
    return {"unit": "us/op", "compat_tf": statistics.median(times) * 1e6, "jax": None, "ops": n}


# -------------------------------------------------------------------------------------------
# 6. peak memory of a 100M-parameter MLP (each side in its own process)
# -------------------------------------------------------------------------------------------

_MEM_CHILD = r'''
import resource, sys, numpy as np
sys.path.insert(0, sys.argv[2])
import jax, jax.numpy as jnp, optax
which = sys.argv[1]
sizes = [4096, 8192, 8192, 4096, 10]   # ~ 100M parameters
rs = np.random.RandomState(0)
xb = rs.rand(64, 4096).astype(np.float32); yb = rs.randint(0, 10, 64)
if which == "compat_tf":
    import compat_tf as tf
    x = tf.placeholder(tf.float32, [None, 4096]); y = tf.placeholder(tf.int64, [None])
    h = x
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        w = tf.Variable(tf.random_normal([a, b], stddev=0.01)); bb = tf.Variable(tf.zeros([b]))
        h = tf.matmul(h, w) + bb
        if i < len(sizes) - 2: h = tf.nn.relu(h)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    train = tf.train.AdamOptimizer(1e-4).minimize(loss)
    sess = tf.Session(); sess.run(tf.global_variables_initializer())
    for _ in range(3): sess.run(train, {x: xb, y: yb})
    jax.block_until_ready(sess._state)
else:
    key = jax.random.PRNGKey(0)
    p = [(jax.random.normal(key, (a, b)) * 0.01, jnp.zeros(b)) for a, b in zip(sizes[:-1], sizes[1:])]
    opt = optax.adam(1e-4); s = opt.init(p)
    def loss_fn(p, x, y):
        h = x
        for i, (w, b) in enumerate(p):
            h = h @ w + b
            if i < len(p) - 1: h = jax.nn.relu(h)
        return optax.softmax_cross_entropy_with_integer_labels(h, y).mean()
    @jax.jit
    def step(p, s, x, y):
        g = jax.grad(loss_fn)(p, x, y); u, s = opt.update(g, s, p); return optax.apply_updates(p, u), s
    step = jax.jit(step, donate_argnums=(0, 1))
    for _ in range(3): p, s = step(p, s, xb, yb)
    jax.block_until_ready(p)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0)
'''


def bench_memory_100m(quick):
    out = {}
    for which in ("compat_tf", "jax"):
        r = subprocess.run([sys.executable, "-c", _MEM_CHILD, which, os.path.dirname(HERE)],
                           capture_output=True, text=True, timeout=1200)
        if r.returncode != 0:
            raise RuntimeError(f"memory case ({which}) failed:\n{r.stderr[-2000:]}")
        out[which] = float(r.stdout.strip().splitlines()[-1])
    return {"unit": "MiB peak RSS", **out}


CASES = {"session_overhead": bench_session_overhead, "mlp_step": bench_mlp_step, "cnn_step": bench_cnn_step,
         "first_run": bench_first_run, "graph_construction": bench_graph_construction,
         "memory_100m": bench_memory_100m}
TARGETS = {"session_overhead": 1.5, "mlp_step": 1.05, "cnn_step": 1.05, "first_run": 1.3,
           "memory_100m": 1.3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    ap.add_argument("--only", action="append", help="run only these cases")
    ap.add_argument("--json", default=os.path.join(HERE, "results", "latest.json"))
    args = ap.parse_args()
    results = {}
    for name, fn in CASES.items():
        if args.only and name not in args.only:
            continue
        gc.collect()
        try:
            r = fn(args.quick)
        except Exception as e:  # noqa: BLE001 - report and go on with the other cases
            r = {"error": f"{type(e).__name__}: {e}"}
        if r.get("jax"):
            r["ratio"] = r["compat_tf"] / r["jax"]
        if name in TARGETS and "ratio" in r:
            r["target"] = TARGETS[name]
        if name == "graph_construction" and "compat_tf" in r:
            r["target"] = 30.0
        results[name] = r
        print(_row(name, r), flush=True)
    meta = {"machine": platform.processor() or platform.machine(), "cpus": os.cpu_count(),
            "python": platform.python_version(), "jax": jax.__version__,
            "device": str(jax.devices()[0]), "quick": args.quick}
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    print(f"wrote {args.json}")


def _row(name, r):
    if "error" in r:
        return f"{name:<20} ERROR {r['error']}"
    jx = "" if r.get("jax") is None else f"{r['jax']:>12.3f}"
    ratio = "" if "ratio" not in r else f"{r['ratio']:>7.2f}x"
    return f"{name:<20} {r['compat_tf']:>12.3f} {jx:>12} {ratio:>8}  {r['unit']}  (target {r.get('target', '-')})"


if __name__ == "__main__":
    main()
