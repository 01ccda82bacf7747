"""compat_tf benchmarks beside the same computation written directly in JAX + optax.

Cases: session overhead, MLP train step, CNN train step, first run of the MLP and
of the CNN train op (in this process, and in a fresh process each), a new batch size
fed to a compiled train op, the MLP script run as a second process (persistent
compilation cache), graph construction, peak memory of a 100M-parameter MLP. Whole
TF1 programs: benchmarks/programs.py.
Each case times compat_tf and hand-written JAX in the same process,
alternating rounds, and reports medians and the ratio compat_tf / JAX. When
real TensorFlow is importable a TF1 column is added (never required).

usage: python benchmarks/run.py [--quick] [--only NAME] [--json PATH]
"""
import argparse
import functools
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

if os.environ.get("BENCH_TF1_MODULE", "tensorflow") == "tensorflow":
    try:    # real TensorFlow first: compat_tf then shares its protobuf descriptors (protos/_builder.py)
        import tensorflow  # noqa: E402,F401
    except Exception:  # noqa: BLE001 - any import failure: no TF1 column
        pass

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402

import compat_tf as tf  # noqa: E402


def _load_tf1():
    """tf.compat.v1 of real TensorFlow when importable, else None (the TF1 column is optional).

    BENCH_TF1_MODULE=compat_tf runs the TF1 column's code path on compat_tf itself (a check of
    this script on machines without TensorFlow).
    """
    name = os.environ.get("BENCH_TF1_MODULE", "tensorflow")
    try:
        if name == "compat_tf":
            return tf
        import tensorflow as real_tf
    except Exception:  # noqa: BLE001 - any import failure: no TF1 column
        return None
    v1 = real_tf.compat.v1
    v1.disable_eager_execution()
    return v1


TF1 = None          # set in main()


def _sync(sess):
    """Waits for a session's dispatched work (compat_tf dispatches asynchronously; TF1 does not)."""
    state = getattr(sess, "_state", None)
    if state is not None:
        jax.block_until_ready(state)


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

def _const_session(tfm):
    g = tfm.Graph()
    with g.as_default():
        c = tfm.constant(1.0)
        sess = tfm.Session(graph=g)
    sess.run(c)
    return lambda: sess.run(c)


def bench_session_overhead(quick):
    f = jax.jit(lambda: jnp.float32(1.0))
    np.asarray(f())
    fns = {"compat_tf": _const_session(tf), "jax": lambda: np.asarray(f())}
    if TF1 is not None:
        fns["tf1"] = _const_session(TF1)
    med = _median_alternating(fns, rounds=5 if quick else 15, inner=200 if quick else 1000)
    return {"unit": "us/call", **{k: v * 1e6 for k, v in med.items()}}


def _fed_session(tfm):
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder(tfm.float32, [])
        w = tfm.Variable(3.0)
        y = x * w
        sess = tfm.Session(graph=g)
        sess.run(tfm.global_variables_initializer())
    xv = np.float32(2.0)
    sess.run(y, {x: xv})
    return lambda: sess.run(y, {x: xv})


def bench_session_overhead_feed(quick):
    """Informational: a fed scalar times a variable, fetched (feeds, state and a fetch)."""
    f = jax.jit(lambda w, x: x * w)
    w = jnp.float32(3.0)
    xv = np.float32(2.0)
    np.asarray(f(w, xv))
    fns = {"compat_tf": _fed_session(tf), "jax": lambda: np.asarray(f(w, xv))}
    if TF1 is not None:
        fns["tf1"] = _fed_session(TF1)
    med = _median_alternating(fns, rounds=5 if quick else 15, inner=200 if quick else 1000)
    return {"unit": "us/call", **{k: v * 1e6 for k, v in med.items()}}


# -------------------------------------------------------------------------------------------
# 2. MLP training step (784-256-256-10, Adam, batch 128, feed_dict)
# -------------------------------------------------------------------------------------------

def _mlp_params(rs, sizes):
    return [((rs.randn(a, b) * np.sqrt(2.0 / a)).astype(np.float32), np.zeros(b, np.float32))
            for a, b in zip(sizes[:-1], sizes[1:])]


def _tf_mlp(params, lr=1e-3, tfm=tf):
    x = tfm.placeholder(tfm.float32, [None, params[0][0].shape[0]])
    y = tfm.placeholder(tfm.int64, [None])
    h = x
    for i, (w0, b0) in enumerate(params):
        w, b = tfm.Variable(w0, name=f"w{i}"), tfm.Variable(b0, name=f"b{i}")
        h = tfm.matmul(h, w) + b
        if i < len(params) - 1:
            h = tfm.nn.relu(h)
    loss = tfm.reduce_mean(tfm.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=h))
    train = tfm.train.AdamOptimizer(lr).minimize(loss)
    return x, y, loss, train


def _mlp_session(tfm, params, xb, yb):
    g = tfm.Graph()
    with g.as_default():
        x, y, loss, train = _tf_mlp(params, tfm=tfm)
        sess = tfm.Session(graph=g)
        sess.run(tfm.global_variables_initializer())
    feed = {x: xb, y: yb}
    sess.run(train, feed)

    def step():
        sess.run(train, feed)
        _sync(sess)
    return step


def _jax_mlp(params, lr=1e-3):
    opt = optax.adam(lr)

    def loss_fn(p, x, y):
        h = x
        for i, (w, b) in enumerate(p):
            h = h @ w + b
            if i < len(p) - 1:
                h = jax.nn.relu(h)
        return optax.softmax_cross_entropy_with_integer_labels(h, y).mean()

    # donated, as compat_tf donates its state: the fair hand-written baseline
    @functools.partial(jax.jit, donate_argnums=(0, 1))
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
    step, p, s = _jax_mlp(params)
    state = {"p": p, "s": s}

    def jax_step():
        state["p"], state["s"], _ = step(state["p"], state["s"], xb, yb)
        jax.block_until_ready(state["p"])
    jax_step()
    fns = {"compat_tf": _mlp_session(tf, params, xb, yb), "jax": jax_step}
    if TF1 is not None:
        fns["tf1"] = _mlp_session(TF1, params, xb, yb)
    med = _median_alternating(fns, rounds=5 if quick else 11, inner=20 if quick else 100)
    return {"unit": "us/step", **{k: v * 1e6 for k, v in med.items()}}


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
    opt = optax.adam(1e-3)

    def loss_fn(p, x, y):
        dn = ("NHWC", "HWIO", "NHWC")
        h = jax.lax.conv_general_dilated(x, p["c1"], (1, 1), "SAME", dimension_numbers=dn) + p["b1"]
        h = jax.lax.reduce_window(jax.nn.relu(h), -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME")
        h = jax.lax.conv_general_dilated(h, p["c2"], (1, 1), "SAME", dimension_numbers=dn) + p["b2"]
        h = jax.lax.reduce_window(jax.nn.relu(h), -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME")
        h = jax.nn.relu(h.reshape(-1, 7 * 7 * 64) @ p["f1"] + p["bf1"])
        return optax.softmax_cross_entropy_with_integer_labels(h @ p["f2"] + p["bf2"], y).mean()

    @functools.partial(jax.jit, donate_argnums=(0, 1))
    def step(p, s, x, y):
        loss, gr = jax.value_and_grad(loss_fn)(p, x, y)
        upd, s = opt.update(gr, s, p)
        return optax.apply_updates(p, upd), s, loss
    p = {k: jnp.asarray(v) for k, v in P.items()}
    state = {"p": p, "s": opt.init(p)}

    def jax_step():
        state["p"], state["s"], _ = step(state["p"], state["s"], xb, yb)
        jax.block_until_ready(state["p"])

    jax_step()
    fns = {"compat_tf": _cnn_session(tf, P, xb, yb), "jax": jax_step}
    if TF1 is not None:
        fns["tf1"] = _cnn_session(TF1, P, xb, yb)
    med = _median_alternating(fns, rounds=3 if quick else 7, inner=3 if quick else 10)
    return {"unit": "ms/step", **{k: v * 1e3 for k, v in med.items()}}


def _cnn_session(tfm, P, xb, yb):
    g = tfm.Graph()
    with g.as_default():
        x, y, _, train = _cnn_graph(tfm, P)
        sess = tfm.Session(graph=g)
        sess.run(tfm.global_variables_initializer())
    feed = {x: xb, y: yb}
    sess.run(train, feed)

    def step():
        sess.run(train, feed)
        _sync(sess)
    return step


# -------------------------------------------------------------------------------------------
# 4. first run: trace + compile of the MLP train op
# -------------------------------------------------------------------------------------------

def _first_run(tfm, params, lr, xb, yb):
    g = tfm.Graph()
    with g.as_default():
        x, y, loss, train = _tf_mlp(params, lr=lr, tfm=tfm)
        sess = tfm.Session(graph=g)
        sess.run(tfm.global_variables_initializer())
    _quiesce(tfm)
    t0 = time.perf_counter()
    sess.run(train, {x: xb, y: yb})
    _sync(sess)
    return time.perf_counter() - t0


def _quiesce(tfm):
    """Lets compat_tf's background compiles of earlier rounds finish (a first run is timed alone)."""
    if tfm is tf:
        from compat_tf._src.runtime import tiers
        tiers.drain_background_compiles()


def bench_first_run(quick):
    """Trace + compile + one step of the MLP train op, on a fresh graph each round (new learning
    rates, so no compilation cache is reused)."""
    rs = np.random.RandomState(1)
    xb = rs.rand(128, 784).astype(np.float32)
    yb = rs.randint(0, 10, 128).astype(np.int64)
    times = {"compat_tf": [], "jax": []}
    if TF1 is not None:
        times["tf1"] = []
    for i in range(2 if quick else 5):
        params = _mlp_params(np.random.RandomState(100 + i), [784, 256, 256, 10])
        lr = 1e-3 * (1 + i)
        times["compat_tf"].append(_first_run(tf, params, lr, xb, yb))
        step, p, s = _jax_mlp(params, lr=lr)
        t0 = time.perf_counter()
        jax.block_until_ready(step(p, s, xb, yb))
        times["jax"].append(time.perf_counter() - t0)
        if TF1 is not None:
            times["tf1"].append(_first_run(TF1, params, lr, xb, yb))
    return {"unit": "s", **{k: statistics.median(v) for k, v in times.items()}}


def _cnn_graph(tfm, P):
    x = tfm.placeholder(tfm.float32, [None, 28, 28, 1])
    y = tfm.placeholder(tfm.int64, [None])
    V = {k: tfm.Variable(v, name=k) for k, v in P.items()}
    h = tfm.nn.relu(tfm.nn.conv2d(x, V["c1"], [1, 1, 1, 1], "SAME") + V["b1"])
    h = tfm.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tfm.nn.relu(tfm.nn.conv2d(h, V["c2"], [1, 1, 1, 1], "SAME") + V["b2"])
    h = tfm.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    h = tfm.reshape(h, [-1, 7 * 7 * 64])
    h = tfm.nn.relu(tfm.matmul(h, V["f1"]) + V["bf1"])
    logits = tfm.matmul(h, V["f2"]) + V["bf2"]
    loss = tfm.reduce_mean(tfm.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    return x, y, loss, tfm.train.AdamOptimizer(1e-3).minimize(loss)


def _first_cnn_run(tfm, P, xb, yb):
    g = tfm.Graph()
    with g.as_default():
        x, y, loss, train = _cnn_graph(tfm, P)
        sess = tfm.Session(graph=g)
        sess.run(tfm.global_variables_initializer())
    _quiesce(tfm)
    t0 = time.perf_counter()
    sess.run(train, {x: xb, y: yb})
    _sync(sess)
    return time.perf_counter() - t0


def bench_cnn_first_run(quick):
    """Trace + (interpretation or compile) + one step of the CNN train op, on a fresh graph each round
    (new weights: no in-memory reuse; the persistent cache may hold an earlier round's program, so it
    is disabled for this process by the runner). Five rounds, as for the MLP: the median is a round
    after the first two (the first lowers each op directly, the second traces its cached replay:
    runtime/trace_cache.py)."""
    rs = np.random.RandomState(2)
    xb = rs.rand(64, 28, 28, 1).astype(np.float32)
    yb = rs.randint(0, 10, 64).astype(np.int64)
    times = {"compat_tf": [], "jax": []}
    if TF1 is not None:
        times["tf1"] = []
    opt = optax.adam(1e-3)
    for i in range(2 if quick else 5):
        P = _cnn_params(np.random.RandomState(200 + i))
        times["compat_tf"].append(_first_cnn_run(tf, P, xb, yb))
        step = _jax_cnn_step(opt, lr_scale=1.0 + i)
        p = {k: jnp.asarray(v) for k, v in P.items()}
        t0 = time.perf_counter()
        jax.block_until_ready(step(p, opt.init(p), xb, yb))
        times["jax"].append(time.perf_counter() - t0)
        if TF1 is not None:
            times["tf1"].append(_first_cnn_run(TF1, P, xb, yb))
    return {"unit": "s", **{k: statistics.median(v) for k, v in times.items()}}


def _jax_cnn_step(opt, lr_scale=1.0):
    def loss_fn(p, x, y):
        dn = ("NHWC", "HWIO", "NHWC")
        h = jax.lax.conv_general_dilated(x, p["c1"], (1, 1), "SAME", dimension_numbers=dn) + p["b1"]
        h = jax.lax.reduce_window(jax.nn.relu(h), -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME")
        h = jax.lax.conv_general_dilated(h, p["c2"], (1, 1), "SAME", dimension_numbers=dn) + p["b2"]
        h = jax.lax.reduce_window(jax.nn.relu(h), -jnp.inf, jax.lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "SAME")
        h = jax.nn.relu(h.reshape(-1, 7 * 7 * 64) @ p["f1"] + p["bf1"])
        return optax.softmax_cross_entropy_with_integer_labels(h @ p["f2"] + p["bf2"], y).mean() * lr_scale

    @functools.partial(jax.jit, donate_argnums=(0, 1))
    def step(p, s, x, y):
        loss, gr = jax.value_and_grad(loss_fn)(p, x, y)
        upd, s = opt.update(gr, s, p)
        return optax.apply_updates(p, upd), s, loss
    return step


def _mlp_steady_session(tfm, params, xb, yb, steps=30):
    g = tfm.Graph()
    with g.as_default():
        x, y, loss, train = _tf_mlp(params, tfm=tfm)
        sess = tfm.Session(graph=g)
        sess.run(tfm.global_variables_initializer())
    for _ in range(steps):
        sess.run(train, {x: xb, y: yb})
    _sync(sess)
    if tfm is tf:
        from compat_tf._src.runtime import tiers
        tiers.drain_background_compiles()
        for _ in range(3):
            sess.run(train, {x: xb, y: yb})
        _sync(sess)
    return sess, x, y, train


def bench_new_batch_size(quick):
    """A train op that runs compiled at batch 128, fed one batch of a new size (the short last batch
    of an epoch): the time of that run, and its ratio to the steady step (target: at most 5x)."""
    rs = np.random.RandomState(3)
    params = _mlp_params(rs, [784, 256, 256, 10])
    xb = rs.rand(128, 784).astype(np.float32)
    yb = rs.randint(0, 10, 128).astype(np.int64)
    out = {"unit": "ms"}
    for name, tfm in (("compat_tf", tf), ("tf1", TF1)):
        if tfm is None:
            continue
        sess, x, y, train = _mlp_steady_session(tfm, params, xb, yb)
        steady = []
        for _ in range(20):
            t0 = time.perf_counter()
            sess.run(train, {x: xb, y: yb})
            _sync(sess)
            steady.append(time.perf_counter() - t0)
        new = []
        for n in (100, 101, 102) if not quick else (100,):
            t0 = time.perf_counter()
            sess.run(train, {x: xb[:n], y: yb[:n]})
            _sync(sess)
            new.append(time.perf_counter() - t0)
        out[name] = statistics.median(new) * 1e3
        out[name + "_steady"] = statistics.median(steady) * 1e3
    out["jax"] = None
    out["ratio_to_steady"] = out["compat_tf"] / out["compat_tf_steady"]
    return out


_SECOND_PROCESS_CHILD = r'''
import sys, time, json
sys.path.insert(0, sys.argv[1])
t_start = time.perf_counter()
import numpy as np, jax
import compat_tf as tf
from compat_tf._src.runtime import tiers
sys.path.insert(0, sys.argv[1] + "/benchmarks")
from run import _mlp_params, _tf_mlp
rs = np.random.RandomState(0)
params = _mlp_params(rs, [784, 256, 256, 10])
xb = rs.rand(128, 784).astype(np.float32); yb = rs.randint(0, 10, 128).astype(np.int64)
x, y, loss, train = _tf_mlp(params)
sess = tf.Session(); sess.run(tf.global_variables_initializer())
t0 = time.perf_counter(); sess.run(train, {x: xb, y: yb}); jax.block_until_ready(sess._state)
first = time.perf_counter() - t0
t0 = time.perf_counter()
sess.run(train, {x: xb, y: yb}); tiers.drain_background_compiles(); sess.run(train, {x: xb, y: yb})
jax.block_until_ready(sess._state); to_compiled = time.perf_counter() - t0
print(json.dumps({"first": first, "to_compiled": to_compiled, "process": time.perf_counter() - t_start}))
'''


def _run_child(script, args, env):
    """Runs `script` in a fresh Python process (argv: the repository root, then `args`); returns the
    JSON object its last output line holds."""
    r = subprocess.run([sys.executable, "-c", script, os.path.dirname(HERE), *args], capture_output=True,
                       text=True, timeout=900, env=env)
    if r.returncode != 0:
        raise RuntimeError(r.stderr[-2000:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench_second_process(quick):
    """The MLP script run twice as separate processes sharing the persistent compilation cache: the
    first run of the train op, and the time until it runs compiled (its compile is a cache hit the
    second time)."""
    import tempfile
    cache = tempfile.mkdtemp(prefix="compat_tf_bench_cache_")
    env = dict(os.environ, COMPAT_TF_COMPILATION_CACHE=cache)
    res = []
    for _ in range(2):
        res.append(_run_child(_SECOND_PROCESS_CHILD, [], env))
    return {"unit": "s", "compat_tf": res[1]["to_compiled"], "jax": None,
            "first_process_to_compiled": res[0]["to_compiled"], "first_run_1st": res[0]["first"],
            "first_run_2nd": res[1]["first"], "process_1st": res[0]["process"], "process_2nd": res[1]["process"]}


_FRESH_CHILD = r'''
import sys, json
sys.path.insert(0, sys.argv[1] + "/benchmarks")
import numpy as np
import run as R
backend, model = sys.argv[2], sys.argv[3]
tfm = R.tf if backend == "compat_tf" else R._load_tf1()
rs = np.random.RandomState(2)
if model == "mlp":
    xb = rs.rand(128, 784).astype(np.float32); yb = rs.randint(0, 10, 128).astype(np.int64)
    t = R._first_run(tfm, R._mlp_params(np.random.RandomState(100), [784, 256, 256, 10]), 1e-3, xb, yb)
else:
    xb = rs.rand(64, 28, 28, 1).astype(np.float32); yb = rs.randint(0, 10, 64).astype(np.int64)
    t = R._first_cnn_run(tfm, R._cnn_params(np.random.RandomState(200)), xb, yb)
print(json.dumps({"first": t}))
'''


def _fresh_first_runs(model, quick):
    """The first run of the MLP or CNN train op in a fresh process (each round a new process, the
    two sides alternating): what running a script costs, before any cache of this process is warm.
    The compat_tf child does not import TensorFlow, the TF child freezes no garbage-collector
    generation (compat_tf is imported there too, by this script)."""
    import tempfile
    sides = {"compat_tf": {"BENCH_TF1_MODULE": "compat_tf", "COMPAT_TF_COMPILATION_CACHE": tempfile.mkdtemp()}}
    if TF1 is not None:
        sides["tf1"] = {"COMPAT_TF_GC_FREEZE": "0"}
    times = {k: [] for k in sides}
    for _ in range(1 if quick else 3):
        for side, extra in sides.items():
            times[side].append(_run_child(_FRESH_CHILD, [side, model], dict(os.environ, **extra))["first"])
    return {"unit": "s", "jax": None, **{k: statistics.median(v) for k, v in times.items()}}


def bench_fresh_first_run(quick):
    return _fresh_first_runs("mlp", quick)


def bench_fresh_cnn_first_run(quick):
    return _fresh_first_runs("cnn", quick)


# -------------------------------------------------------------------------------------------
# 5. graph construction
# -------------------------------------------------------------------------------------------

def _build_graph(tfm, n_layers):
    g = tfm.Graph()
    with g.as_default():
        x = tfm.placeholder(tfm.float32, [None, 16])
        h = x
        for _ in range(n_layers):     # 5 ops per layer: two Consts, Mul, Add, Tanh
            h = tfm.tanh(h * 0.5 + 1.0)
    return len(g.get_operations())


def bench_graph_construction(quick):
    n_layers = 120 if quick else 600          # 601 / 3,001 ops
    mods = {"compat_tf": tf}
    if TF1 is not None:
        mods["tf1"] = TF1
    times = {k: [] for k in mods}
    for m in mods.values():
        _build_graph(m, 10)
    for _ in range(3 if quick else 7):
        for k, m in mods.items():
            t0 = time.perf_counter()
            n = _build_graph(m, n_layers)
            times[k].append((time.perf_counter() - t0) / n)
    return {"unit": "us/op", **{k: statistics.median(v) * 1e6 for k, v in times.items()}, "jax": None,
            "ops": n}


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


CASES = {"session_overhead": bench_session_overhead, "session_overhead_feed": bench_session_overhead_feed,
         "mlp_step": bench_mlp_step, "cnn_step": bench_cnn_step,
         "first_run": bench_first_run, "cnn_first_run": bench_cnn_first_run,
         "fresh_first_run": bench_fresh_first_run, "fresh_cnn_first_run": bench_fresh_cnn_first_run,
         "new_batch_size": bench_new_batch_size, "second_process": bench_second_process,
         "graph_construction": bench_graph_construction, "memory_100m": bench_memory_100m}
TARGETS = {"session_overhead": 1.5, "mlp_step": 1.05, "cnn_step": 1.05, "first_run": 1.3,
           "memory_100m": 1.3}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds (a smoke run)")
    ap.add_argument("--only", action="append", help="run only these cases")
    ap.add_argument("--json", default=os.path.join(HERE, "results", "latest.json"))
    args = ap.parse_args()
    global TF1
    TF1 = _load_tf1()
    print(f"{'case':<22} {'compat_tf':>12} {'jax':>12} {'ratio':>8}" + (f" {'tf1':>12}" if TF1 else ""))
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
        if r.get("tf1"):
            r["ratio_tf1"] = r["compat_tf"] / r["tf1"]
        if name in TARGETS and "ratio" in r:
            r["target"] = TARGETS[name]
        if name == "graph_construction" and "compat_tf" in r:
            r["target"] = 30.0
        results[name] = r
        print(_row(name, r), flush=True)
    meta = {"machine": _cpu_model(), "cpus": os.cpu_count(), "tf1_column": TF1 is not None,
            "python": platform.python_version(), "jax": jax.__version__,
            "device": str(jax.devices()[0]), "quick": args.quick}
    os.makedirs(os.path.dirname(args.json), exist_ok=True)
    with open(args.json, "w") as f:
        json.dump({"meta": meta, "results": results}, f, indent=1)
    print(f"wrote {args.json}")


def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _row(name, r):
    if "error" in r:
        return f"{name:<22} ERROR {r['error']}"
    jx = "" if r.get("jax") is None else f"{r['jax']:>12.3f}"
    ratio = "" if "ratio" not in r else f"{r['ratio']:>7.2f}x"
    tf1 = "" if r.get("tf1") is None else f" {r['tf1']:>12.3f} ({r['ratio_tf1']:.2f}x TF1)"
    extra = {k: round(v, 3) for k, v in r.items() if k not in ("unit", "compat_tf", "jax", "tf1", "ratio",
                                                               "ratio_tf1", "target") and isinstance(v, float)}
    return (f"{name:<22} {r['compat_tf']:>12.3f} {jx:>12} {ratio:>8}{tf1}  {r['unit']}  "
            f"(target {r.get('target', '-')}) {extra if extra else ''}")


if __name__ == "__main__":
    main()
