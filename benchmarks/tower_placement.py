"""How to run TF1's multi-tower graphs (one tower per `tf.device('/gpu:i')`) on N devices: measured.

The TF1 pattern: the variables on the CPU, tower i computes its loss and gradients on its slice
of the batch on device i, the gradients are averaged and applied on the CPU. Three ways to
execute one such step with JAX, timed here on the same computation (an MLP tower, written
directly in JAX so only the execution strategy differs):

  one_device   all towers in one jitted program on one device (compat_tf before placement)
  mpmd         one jitted program per tower, each on its own device, dispatched one after the
               other (JAX dispatch is asynchronous, so they run concurrently), the gradients
               moved to device 0, then the averaging + update program there
  spmd_switch  one program over an N-device mesh (shard_map): each device runs its own tower
               (lax.switch on the device's index), the gradients are summed across devices
               (psum of masked values) and the update is computed on every device

usage: XLA_FLAGS=--xla_force_host_platform_device_count=8 python benchmarks/tower_placement.py [--json PATH]
Results of the run that chose compat_tf's strategy: benchmarks/results/tower_placement.json.
"""
import argparse
import json
import os
import platform
import statistics
import sys
import time

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax
from jax.sharding import Mesh, NamedSharding, PartitionSpec as P


def init(rng, sizes):
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        rng, k = jax.random.split(rng)
        params.append((jax.random.normal(k, (a, b)) / np.sqrt(a), jnp.zeros((b,))))
    return params


def tower_loss(params, x, y):
    h = x
    for w, b in params[:-1]:
        h = jnp.tanh(h @ w + b)
    w, b = params[-1]
    logits = h @ w + b
    return -jnp.mean(jnp.take_along_axis(jax.nn.log_softmax(logits), y[:, None], axis=1))


def sgd(params, grads, lr=0.1):
    return jax.tree_util.tree_map(lambda p, g: p - lr * g, params, grads)


def make_one_device(n):
    @jax.jit
    def step(params, xs, ys):
        grads = [jax.grad(tower_loss)(params, xs[i], ys[i]) for i in range(n)]
        avg = jax.tree_util.tree_map(lambda *g: sum(g) / n, *grads)
        return sgd(params, avg)
    return lambda params, xs, ys: step(params, xs, ys)


def make_mpmd(n, devices):
    grad_fn = jax.jit(jax.grad(tower_loss))
    main = devices[0]

    @jax.jit
    def apply(params, grads):
        avg = jax.tree_util.tree_map(lambda *g: sum(g) / n, *grads)
        return sgd(params, avg)

    def step(params, xs, ys):
        grads = []
        for i in range(n):
            d = devices[i]
            grads.append(grad_fn(jax.device_put(params, d), xs[i], ys[i]))     # async: towers overlap
        return apply(params, jax.device_put(grads, main))
    return step


def make_spmd_switch(n, devices):
    mesh = Mesh(np.array(devices[:n]), ("tower",))
    rep = NamedSharding(mesh, P())

    def per_device(params, xs, ys):
        i = lax.axis_index("tower")
        branches = [lambda p, xs=xs, ys=ys, k=k: jax.grad(tower_loss)(p, xs[k], ys[k]) for k in range(n)]
        g = lax.switch(i, branches, params)
        avg = jax.tree_util.tree_map(lambda v: lax.psum(v, "tower") / n, g)
        return sgd(params, avg)

    step = jax.jit(jax.shard_map(per_device, mesh=mesh, in_specs=(P(), P(), P()), out_specs=P(),
                                 check_vma=False))
    return lambda params, xs, ys: step(params, xs, ys), rep


def bench(fn, params, xs, ys, steps):
    params = fn(params, xs, ys)            # compile
    jax.block_until_ready(params)
    times = []
    for _ in range(steps):
        t = time.perf_counter()
        params = fn(params, xs, ys)
        jax.block_until_ready(params)
        times.append(time.perf_counter() - t)
    return statistics.median(times), params


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("--steps", type=int, default=20)
    args = ap.parse_args()
    devices = jax.devices()
    results = {"devices": len(devices), "platform": devices[0].platform, "cpu_count": os.cpu_count(),
               "machine": platform.machine(), "cases": []}
    for n, width, batch in [(2, 256, 64), (4, 256, 64), (8, 256, 64), (8, 1024, 256)]:
        if n > len(devices):
            continue
        sizes = [width, width, width, 10]
        params = init(jax.random.PRNGKey(0), sizes)
        rng = np.random.RandomState(0)
        xs = jnp.asarray(rng.randn(n, batch, width).astype(np.float32))
        ys = jnp.asarray(rng.randint(0, 10, (n, batch)).astype(np.int32))
        one, p1 = bench(make_one_device(n), params, xs, ys, args.steps)
        mpmd, p2 = bench(make_mpmd(n, devices), params, xs, ys, args.steps)
        spmd_fn, rep = make_spmd_switch(n, devices)
        spmd, p3 = bench(spmd_fn, jax.device_put(params, rep), jax.device_put(xs, rep), jax.device_put(ys, rep),
                         args.steps)
        for p in (p2, p3):
            for a, b in zip(jax.tree_util.tree_leaves(p1), jax.tree_util.tree_leaves(p)):
                np.testing.assert_allclose(np.asarray(a), np.asarray(b.addressable_data(0)
                                           if hasattr(b, "addressable_data") else b), rtol=1e-4, atol=1e-5)
        case = {"towers": n, "width": width, "batch_per_tower": batch, "one_device_ms": one * 1e3,
                "mpmd_ms": mpmd * 1e3, "spmd_switch_ms": spmd * 1e3}
        results["cases"].append(case)
        print(f"{n} towers, width {width}, batch {batch}/tower: one device {one * 1e3:8.2f} ms   "
              f"mpmd {mpmd * 1e3:8.2f} ms   spmd switch {spmd * 1e3:8.2f} ms", flush=True)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
