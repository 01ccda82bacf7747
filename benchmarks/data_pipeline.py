"""tf.data input pipeline feeding a train step, beside a hand-written NumPy batching loop + JAX/optax.

compat_tf: Dataset.from_tensor_slices((X, y)).shuffle(N).repeat().batch(128) ->
make_one_shot_iterator().get_next() -> MLP 784-256-256-10 -> GradientDescent / Adam,
one `sess.run(train_op)` per step (host segment get_next + jitted step).
JAX: a NumPy loop drawing a permutation per epoch and slicing X[idx], y[idx] for each
batch of 128, fed to the same step written in JAX + optax under jax.jit.
Both run in this process, alternating rounds; medians of examples/s and the ratio
compat_tf / JAX (target >= 0.9).

usage: python benchmarks/data_pipeline.py [--quick] [--json PATH]
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

import compat_tf as tf  # noqa: E402
from run import _mlp_params  # noqa: E402 - the shared benchmark helper

BATCH = 128
SIZES = [784, 256, 256, 10]


def _tf_pipeline(params, X, Y, optimizer):
    g = tf.Graph()
    with g.as_default():
        ds = tf.data.Dataset.from_tensor_slices((X, Y)).shuffle(len(X), seed=1).repeat().batch(BATCH)
        x, y = ds.make_one_shot_iterator().get_next()
        h = x
        for i, (w0, b0) in enumerate(params):
            w, b = tf.Variable(w0, name=f"w{i}"), tf.Variable(b0, name=f"b{i}")
            h = tf.matmul(h, w) + b
            if i < len(params) - 1:
                h = tf.nn.relu(h)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
        opt = tf.train.AdamOptimizer(1e-3) if optimizer == "adam" else tf.train.GradientDescentOptimizer(0.05)
        train = opt.minimize(loss)
        sess = tf.Session()
        sess.run(tf.global_variables_initializer())
    return sess, train, loss


def _jax_pipeline(params, X, Y, optimizer):
    opt = optax.adam(1e-3) if optimizer == "adam" else optax.sgd(0.05)

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
    state = {"p": p, "s": opt.init(p), "perm": np.empty(0, np.int64), "pos": 0}
    rng = np.random.default_rng(1)
    n = len(X)

    def batches():
        # the hand-written loop: a permutation per epoch, X[idx] / y[idx] slices
        while True:
            perm = rng.permutation(n)
            for start in range(0, n - n % BATCH, BATCH):
                idx = perm[start:start + BATCH]
                yield X[idx], Y[idx]
            if n % BATCH:
                idx = perm[n - n % BATCH:]
                yield X[idx], Y[idx]
    it = batches()

    def run_step():
        xb, yb = next(it)
        state["p"], state["s"], loss = step(state["p"], state["s"], xb, yb)
        return loss
    return run_step, state


def bench(optimizer, quick, n_examples):
    rs = np.random.RandomState(0)
    params = _mlp_params(rs, SIZES)
    X = rs.rand(n_examples, SIZES[0]).astype(np.float32)
    Y = rs.randint(0, 10, n_examples).astype(np.int64)
    sess, train, loss = _tf_pipeline(params, X, Y, optimizer)
    jax_step, jstate = _jax_pipeline(params, X, Y, optimizer)

    def tf_step():
        sess.run(train)

    # warm up: compile both steps, and measure the first-run losses agree in kind
    for _ in range(3):
        tf_step()
        jax.block_until_ready(jax_step())
    jax.block_until_ready(sess._state)
    inner = 20 if quick else 100

    def tf_block():
        tf_step()

    def jax_block():
        jax_step()

    rounds = 3 if quick else 9
    med = _sync_median({"compat_tf": tf_block, "jax": jax_block}, rounds=rounds, inner=inner,
                       sync={"compat_tf": lambda: jax.block_until_ready(sess._state),
                             "jax": lambda: jax.block_until_ready(jstate["p"])})
    tf_eps = BATCH / med["compat_tf"]
    jax_eps = BATCH / med["jax"]
    sess.close()
    return {"unit": "examples/s", "compat_tf": tf_eps, "jax": jax_eps, "ratio": tf_eps / jax_eps,
            "optimizer": optimizer, "examples": n_examples, "batch": BATCH}


def _sync_median(fns, rounds, inner, sync):
    """run._median_alternating's alternating rounds, waiting for the device after each block."""
    times = {k: [] for k in fns}
    for _ in range(rounds):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            for _ in range(inner):
                fn()
            sync[k]()
            times[k].append((time.perf_counter() - t0) / inner)
    return {k: float(np.median(v)) for k, v in times.items()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--examples", type=int, default=60000)
    ap.add_argument("--json", default=os.path.join(HERE, "results", "data_pipeline.json"))
    args = ap.parse_args()
    meta = {"python": platform.python_version(), "jax": jax.__version__, "backend": jax.default_backend(),
            "devices": [str(d) for d in jax.devices()], "cpu_count": os.cpu_count(), "quick": args.quick}
    print(f"backend: {meta['backend']}  devices: {meta['devices']}")
    print(f"{'case':<28}{'compat_tf':>14}{'jax+numpy':>14}{'ratio':>8}")
    results = {}
    for opt in ("sgd", "adam"):
        r = bench(opt, args.quick, args.examples)
        name = f"tf.data->mlp_{opt}"
        results[name] = r
        print(f"{name:<28}{r['compat_tf']:>12.0f}/s{r['jax']:>12.0f}/s{r['ratio']:>8.2f}", flush=True)
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
