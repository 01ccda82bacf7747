"""A worker of a 2-worker cluster driven by plain tf.Session(server.target) (no MonitoredTrainingSession),
for test_cluster.py: only the chief initialises; SyncReplicasOptimizer(replicas_to_aggregate=4), so every
update aggregates the gradients of two runs of both workers. Then a step in which worker 1 feeds an
out-of-range row index fails on both workers (worker 1: InvalidArgumentError, worker 0: UnknownError)
and changes nothing, and the next step runs (no worker waits for the other).

usage: cluster_raw_session_script.py <worker ports> <task index> <results json>
"""
import json
import sys
import time

import numpy as np

import compat_tf as tf

X = np.random.RandomState(3).randn(8, 8, 3).astype(np.float32)     # 4 runs x 2 workers, 8 rows each
Y = np.random.RandomState(4).randn(8, 8, 2).astype(np.float32)
W0 = np.random.RandomState(5).randn(3, 2).astype(np.float32)
RUNS = 4


def main():
    ports = sys.argv[1].split(",")
    index = int(sys.argv[2])
    cluster = tf.train.ClusterSpec({"worker": ["localhost:" + p for p in ports]})
    server = tf.train.Server(cluster, job_name="worker", task_index=index)
    x = tf.placeholder(tf.float32, [None, 3])
    y = tf.placeholder(tf.float32, [None, 2])
    w = tf.get_variable("w", initializer=tf.constant(W0))
    rows = tf.placeholder_with_default(tf.range(tf.shape(x)[0]), [None])
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.gather(x, rows), w) - tf.gather(y, rows)))
    gs = tf.train.get_or_create_global_step()
    opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.2), replicas_to_aggregate=4,
                                         total_num_replicas=2)
    train_op = opt.minimize(loss, global_step=gs)
    out = {"w": [], "global_step": [], "loss": []}
    with tf.Session(server.target) as sess:
        if index == 0:                          # TF1's raw pattern: the chief initialises
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
        else:
            sess.run(tf.local_variables_initializer())
        t = time.perf_counter()
        for r in range(RUNS):
            i = 2 * r + index
            _, lv = sess.run([train_op, loss], {x: X[i], y: Y[i]})
            out["loss"].append(float(lv))
            out["w"].append(sess.run(w).tolist())
            out["global_step"].append(int(sess.run(gs)))
        out["step_ms"] = (time.perf_counter() - t) / RUNS * 1e3
        bad = {x: X[0], y: Y[0], rows: [0, 9] if index == 1 else [0, 1]}
        try:
            sess.run(train_op, bad)
            out["failed_step"] = None
        except tf.errors.OpError as e:
            out["failed_step"] = [type(e).__name__, e.message]
        out["after_failure"] = [sess.run(w).tolist(), int(sess.run(gs))]
        sess.run(train_op, {x: X[0], y: Y[0]})
        out["next_step_ran"] = True
    with open(sys.argv[3], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
