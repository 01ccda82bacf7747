"""TF1 multi-tower training (one tower per `tf.device('/gpu:i')`) on however many devices JAX sees.

Run by tests/parallel/test_towers.py with 1 and with 8 host devices; prints `RESULT <json>`:
the numbers of each case, and where its towers ran (the plan's layout, and the compiled programs
XLA dumped to argv[1] when given).
"""
import glob
import json
import os
import re
import sys

import jax
import numpy as np

import compat_tf as tf

R = {"n_devices": jax.device_count()}
rng = np.random.RandomState(7)
BATCH, N_IN, N_HIDDEN, N_CLASSES, STEPS = 40, 6, 8, 3, 4
X = rng.randn(BATCH, N_IN).astype(np.float32)
Y = rng.randint(0, N_CLASSES, BATCH).astype(np.int32)
INIT = [(0.5 * rng.randn(N_IN, N_HIDDEN)).astype(np.float32), (0.5 * rng.randn(N_HIDDEN, N_CLASSES)).astype(np.float32)]


def tower_graph(num_towers, tower_writes=False, tower_prints=False):
    """The TF1 multi-GPU pattern: variables on the CPU, towers on /gpu:i, gradients averaged on the CPU."""
    with tf.device("/cpu:0"):
        x = tf.placeholder(tf.float32, [BATCH, N_IN], name="x")
        y = tf.placeholder(tf.int32, [BATCH], name="y")
        gs = tf.train.get_or_create_global_step()
        opt = tf.train.MomentumOptimizer(0.3, 0.9)
        xs, ys = tf.split(x, num_towers), tf.split(y, num_towers)
        grads, losses = [], []
        for i in range(num_towers):
            with tf.device("/gpu:%d" % i), tf.name_scope("tower_%d" % i):
                with tf.variable_scope("model", reuse=i > 0):
                    with tf.device("/cpu:0"):
                        w1 = tf.get_variable("w1", initializer=tf.constant(INIT[0]))
                        w2 = tf.get_variable("w2", initializer=tf.constant(INIT[1]))
                        counter = tf.get_variable("counter", [], initializer=tf.zeros_initializer())
                logits = tf.matmul(tf.nn.tanh(tf.matmul(xs[i], w1)), w2)
                loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ys[i], logits=logits))
                if tower_writes:
                    loss = tf.identity(loss) + 0.0 * tf.assign_add(counter, 1.0)
                if tower_prints:
                    loss = tf.Print(loss, [loss], "tower loss: ")
                losses.append(loss)
                grads.append(opt.compute_gradients(loss, var_list=[w1, w2]))
        avg = [(tf.reduce_mean(tf.stack([g[k][0] for g in grads]), 0), grads[0][k][1]) for k in range(2)]
        train_op = opt.apply_gradients(avg, global_step=gs)
        mean_loss = tf.reduce_mean(tf.stack(losses))
    return x, y, train_op, mean_loss, (w1, w2, counter)


def model_parallel_graph(_):
    """TF1 model parallelism: the first layer on /gpu:0, the second on /gpu:1 (one after the other)."""
    x = tf.placeholder(tf.float32, [BATCH, N_IN], name="x")
    y = tf.placeholder(tf.int32, [BATCH], name="y")
    w1 = tf.get_variable("w1", initializer=tf.constant(INIT[0]))
    w2 = tf.get_variable("w2", initializer=tf.constant(INIT[1]))
    with tf.device("/gpu:0"):
        h = tf.nn.tanh(tf.matmul(x, w1))
    with tf.device("/gpu:1"):
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=tf.matmul(h, w2)))
    train_op = tf.train.GradientDescentOptimizer(0.5).minimize(loss)
    return x, y, train_op, loss, (w1, w2)


def run_case(name, num_towers, build=tower_graph, **kw):
    with tf.Graph().as_default():
        x, y, train_op, mean_loss, ws = build(num_towers, **kw)
        with tf.Session(config=tf.ConfigProto(allow_soft_placement=True)) as sess:
            sess.run(tf.global_variables_initializer())
            losses = [float(sess.run([train_op, mean_loss], {x: X, y: Y})[1]) for _ in range(STEPS)]
            plan = [p for p in sess._plans.values() if train_op in p.ops][0]
            layouts = plan.tower_layouts() if hasattr(plan, "tower_layouts") else []
            R[name] = {"losses": losses, "weights": [sess.run(w).tolist() for w in ws],
                       "plan": type(plan).__name__,
                       "layouts": [{"towers": lay.towers, "devices": [str(d) for d in lay.devices]}
                                   for lay in layouts]}


def compiled_programs(dump_dir):
    """What XLA compiled: per training-step module, its partitions and which device each tower's ops ran on."""
    out = []
    for path in sorted(glob.glob(os.path.join(dump_dir, "*jit_flat*after_optimizations.txt"))):
        text = open(path).read()
        m = re.search(r"num_partitions=(\d+)", text.splitlines()[0])
        branches = re.findall(r"conditional\(.*?branch_computations=\{([^}]*)\}", text)
        towers = sorted(set(re.findall(r"tower_(\d+)_on_(\w+:\d+)", text)))
        out.append({"partitions": int(m.group(1)) if m else 1,
                    "switch_branches": [len(b.split(",")) for b in branches],
                    "towers": [[int(k), d] for k, d in towers]})
    return out


run_case("two_towers", 2)
run_case("eight_towers", 8)
run_case("ten_towers", 10)                    # more towers than 8 devices: soft placement
run_case("tower_writes", 2, tower_writes=True)   # each tower's write runs on every device
run_case("tower_prints", 2, tower_prints=True)   # a host callback in a tower: not placed
run_case("model_parallel", 2, build=model_parallel_graph)
if len(sys.argv) > 1:
    R["compiled"] = compiled_programs(sys.argv[1])
print("RESULT " + json.dumps(R))
