"""Writes tests/data/cluster_tf1.json with REAL TensorFlow (the oracle venv, not compat_tf).

Run: /tmp/tfvenv/bin/python tests/data/make_cluster_fixtures.py

Records what TF1's cluster API gives for tests/train/test_server_lib.py,
test_device_setter.py and test_sync_replicas_optimizer.py:
  clusterspec/*    ClusterSpec queries, as_dict, str, the ClusterDef, errors
  server/*         Server.server_def / target formats and errors
  setter/*         op.device of every op of small graphs under replica_device_setter
  devicespec/*     tf.DeviceSpec parsing and merging
  sync/*           SyncReplicasOptimizer in one process: the variables, global step and train-op
                   value after each run (tokens given so that every run is deterministic)
"""
import json
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cluster_tf1.json")
R = {}


def err(fn):
    try:
        fn()
    except Exception as e:  # noqa: BLE001
        return [type(e).__name__, str(e)]
    return None


def clusterspec():
    dense = tf.train.ClusterSpec({"ps": ["ps0:2222", "ps1:2222"], "worker": ["w0:2222", "w1:2222", "w2:2222"]})
    sparse = tf.train.ClusterSpec({"ps": ["ps0:2222"], "worker": {1: "w1:2222", 3: "w3:2222"}})
    for name, c in (("dense", dense), ("sparse", sparse)):
        R[f"clusterspec/{name}/as_dict"] = {k: (v if isinstance(v, list) else {str(i): a for i, a in v.items()})
                                            for k, v in c.as_dict().items()}
        R[f"clusterspec/{name}/jobs"] = c.jobs
        R[f"clusterspec/{name}/str"] = str(c)
        R[f"clusterspec/{name}/cluster_def"] = str(c.as_cluster_def())
        R[f"clusterspec/{name}/worker_indices"] = c.task_indices("worker")
        R[f"clusterspec/{name}/worker_tasks"] = c.job_tasks("worker")
        R[f"clusterspec/{name}/num_workers"] = c.num_tasks("worker")
        R[f"clusterspec/{name}/bool"] = bool(c)
        R[f"clusterspec/{name}/eq_from_def"] = c == tf.train.ClusterSpec(c.as_cluster_def())
        R[f"clusterspec/{name}/eq_from_spec"] = c == tf.train.ClusterSpec(c)
        R[f"clusterspec/{name}/eq_dict"] = c == {"ps": {0: "ps0:2222"}}
    R["clusterspec/empty_bool"] = bool(tf.train.ClusterSpec({}))
    R["clusterspec/err/no_task"] = err(lambda: sparse.task_address("worker", 0))
    R["clusterspec/err/no_job"] = err(lambda: sparse.num_tasks("chief"))
    R["clusterspec/err/no_job_tasks"] = err(lambda: sparse.job_tasks("chief"))
    R["clusterspec/err/not_a_cluster"] = err(lambda: tf.train.ClusterSpec([1]))
    R["clusterspec/err/bad_tasks"] = err(lambda: tf.train.ClusterSpec({"ps": "a:1"}))


def server():
    s = tf.train.Server.create_local_server(start=False)
    R["server/local/server_def"] = str(s.server_def)
    R["server/local/target_prefix"] = s.target.rsplit(":", 1)[0]
    c = {"ps": ["localhost:0"], "worker": ["localhost:0", "localhost:0"]}
    s = tf.train.Server(c, job_name="worker", task_index=1, start=False,
                        config=tf.ConfigProto(device_filters=["/job:ps", "/job:worker/task:1"]))
    R["server/worker1/server_def"] = str(s.server_def)
    sd = tf.train.ServerDef(cluster=tf.train.ClusterSpec(c).as_cluster_def(), job_name="ps", task_index=0,
                            protocol="grpc")
    R["server/from_server_def"] = str(tf.train.Server(sd, job_name="worker", task_index=0, start=False).server_def)
    R["server/err/no_job_name"] = err(lambda: tf.train.Server(c, task_index=0, start=False))
    R["server/err/no_task_index"] = err(lambda: tf.train.Server(c, job_name="worker", start=False))
    R["server/err/bad_cluster"] = err(lambda: tf.train.Server(42, start=False))


def _devices():
    g = tf.get_default_graph()
    return {op.name: op.device for op in g.get_operations()}


def setter_graph(name, setter, extra=None):
    with tf.Graph().as_default():
        with tf.device(setter):
            gs = tf.train.get_or_create_global_step()
            x = tf.placeholder(tf.float32, [None, 3], name="x")
            w = tf.get_variable("w", [3, 2], initializer=tf.zeros_initializer())
            b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
            with tf.device("/gpu:1"):
                h = tf.matmul(x, w, name="h")
                v_gpu = tf.get_variable("v_gpu", [2], initializer=tf.zeros_initializer())
            with tf.device("/job:worker"):
                v_worker = tf.Variable(1.0, name="v_worker")
            with tf.device("/job:ps/task:0"):
                v_ps0 = tf.Variable(2.0, name="v_ps0")
            y = tf.add(h, b + v_gpu, name="y")
            loss = tf.reduce_sum(y * v_worker * v_ps0, name="loss")
            tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
            if extra:
                extra()
        R[f"setter/{name}"] = _devices()


def setter():
    c = tf.train.ClusterSpec({"ps": ["ps0:1", "ps1:1"], "worker": ["w0:1", "w1:1"]})
    setter_graph("cluster_task1", tf.train.replica_device_setter(worker_device="/job:worker/task:1", cluster=c))
    setter_graph("ps_tasks3", tf.train.replica_device_setter(ps_tasks=3))
    setter_graph("no_merge", tf.train.replica_device_setter(ps_tasks=2, merge_devices=False,
                                                            worker_device="/job:worker/task:0"))
    setter_graph("ps_gpu", tf.train.replica_device_setter(ps_tasks=2, ps_device="/job:ps/device:GPU:0",
                                                          worker_device="/job:worker/task:0/device:GPU:0"))
    calls = []

    def strategy(op):
        calls.append(op.name)
        return len(calls) % 2
    setter_graph("strategy", tf.train.replica_device_setter(ps_tasks=2, ps_strategy=strategy))
    R["setter/strategy_calls"] = calls
    R["setter/none_without_ps"] = tf.train.replica_device_setter(cluster={"worker": ["w0:1"]}) is None
    R["setter/none_ps_tasks0"] = tf.train.replica_device_setter() is None
    R["setter/err/strategy"] = err(lambda: tf.train.replica_device_setter(ps_tasks=1, ps_strategy=3))


def devicespec():
    out = {}
    for s in ["/cpu:0", "/gpu:1", "/job:ps/task:2", "/job:worker/replica:1/task:0/device:GPU:3", "/device:CPU:*",
              "/job:w/cpu", "", "/task:1/gpu:0"]:
        d = tf.DeviceSpec.from_string(s)
        out[s] = [d.job, d.replica, d.task, d.device_type, d.device_index, d.to_string()]
    R["devicespec/parse"] = out
    a = tf.DeviceSpec.from_string("/job:ps/task:1/device:CPU:0")
    b = tf.DeviceSpec.from_string("/task:3/device:GPU:2")
    R["devicespec/merged"] = a.make_merged_spec(b).to_string()
    a.merge_from(b)
    R["devicespec/merge_from"] = a.to_string()
    R["devicespec/replace"] = tf.DeviceSpec.from_string("/job:ps/task:1").replace(task=4).to_string()
    d = tf.DeviceSpec(job="worker", replica=0, task=2, device_type="gpu", device_index=1)
    R["devicespec/ctor"] = d.to_string()
    d.parse_from_string("/cpu:3")
    R["devicespec/parse_from_string"] = d.to_string()
    R["devicespec/err/unknown"] = err(lambda: tf.DeviceSpec.from_string("/foo:1"))
    R["devicespec/err/two_types"] = err(lambda: tf.DeviceSpec.from_string("/cpu:0/gpu:1"))


# -- SyncReplicasOptimizer ---------------------------------------------------------------------
X = np.random.RandomState(3).randn(6, 8, 3).astype(np.float32)     # one batch per run
Y = np.random.RandomState(4).randn(6, 8, 2).astype(np.float32)
W0 = np.random.RandomState(5).randn(3, 2).astype(np.float32)


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    w = tf.get_variable("w", initializer=tf.constant(W0))
    b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    return x, y, w, b, loss


def sync_case(name, make_opt, replicas, total, num_tokens, runs=6, averages=False):
    with tf.Graph().as_default():
        x, y, w, b, loss = _model()
        gs = tf.train.get_or_create_global_step()
        ema = tf.train.ExponentialMovingAverage(0.5, num_updates=None) if averages else None
        opt = tf.train.SyncReplicasOptimizer(make_opt(), replicas_to_aggregate=replicas, total_num_replicas=total,
                                             variable_averages=ema, variables_to_average=[w] if ema else None)
        train_op = opt.minimize(loss, global_step=gs)
        hook = opt.make_session_run_hook(True, num_tokens=num_tokens)
        steps = []
        with tf.train.MonitoredTrainingSession(hooks=[hook], save_checkpoint_secs=None, save_summaries_steps=None,
                                               stop_grace_period_secs=1) as sess:
            for i in range(runs):
                t = sess.run(train_op, {x: X[i], y: Y[i]})
                rec = {"train_op": int(t), "w": sess.run(w).tolist(), "b": sess.run(b).tolist(),
                       "global_step": int(sess.run(gs))}
                if ema:
                    rec["w_ema"] = sess.run(ema.average(w)).tolist()
                steps.append(rec)
        R[f"sync/{name}"] = {"replicas": replicas, "total": total, "num_tokens": num_tokens, "steps": steps,
                             "local_vars": sorted(v.op.name for v in tf.local_variables())}


def sync_errors():
    with tf.Graph().as_default():
        x, y, w, b, loss = _model()
        opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), replicas_to_aggregate=2)
        R["sync/err/hook_before_apply"] = err(lambda: opt.make_session_run_hook(True).begin())
        R["sync/err/tokens_before_apply"] = err(lambda: opt.get_init_tokens_op())
        R["sync/err/no_global_step"] = err(lambda: opt.minimize(loss))
        gs = tf.train.get_or_create_global_step()
        opt2 = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), replicas_to_aggregate=3,
                                              total_num_replicas=1)
        opt2.minimize(loss, global_step=gs)
        R["sync/err/too_few_tokens"] = err(lambda: opt2.get_init_tokens_op(num_tokens=1))
        R["sync/slot_names"] = opt2.get_slot_names()


def main():
    clusterspec()
    server()
    setter()
    devicespec()
    sync_case("gd_r1", lambda: tf.train.GradientDescentOptimizer(0.2), 1, 1, 0)
    sync_case("gd_r3_n1", lambda: tf.train.GradientDescentOptimizer(0.2), 3, 1, 2)
    sync_case("adam_r2_n1", lambda: tf.train.AdamOptimizer(0.05), 2, 1, 1)
    sync_case("momentum_r2_n1_ema", lambda: tf.train.MomentumOptimizer(0.1, 0.9), 2, 1, 1, averages=True)
    sync_errors()
    with open(OUT, "w") as f:
        json.dump(R, f, indent=1, sort_keys=True)
    print("wrote", OUT, len(R), "entries")


if __name__ == "__main__":
    main()
