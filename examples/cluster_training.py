"""A TF1 cluster program: one parameter server and three workers training one model together.

Written as TF1's distributed tutorials write it - tf.train.ClusterSpec, a tf.train.Server per
task, tf.train.replica_device_setter, SyncReplicasOptimizer, MonitoredTrainingSession(master=
server.target, is_chief=...) - and run unchanged on compat_tf, where the cluster is one
jax.distributed job and the workers train synchronously (every step averages the workers'
gradients; see README "Clusters").

One command on one machine starts the whole cluster (the tasks as processes, free ports):

    python examples/cluster_training.py                  # 1 ps + 3 workers
    python examples/cluster_training.py --num_workers=2 --train_steps=50

On several machines, start every task with the same host lists (the first worker is the chief
and hosts the cluster's coordination service on its own address):

    # on ps0:     python examples/cluster_training.py --ps_hosts=ps0:2222 \\
    #                 --worker_hosts=w0:2222,w1:2222 --job_name=ps --task_index=0
    # on w0, w1:  python examples/cluster_training.py --ps_hosts=ps0:2222 \\
    #                 --worker_hosts=w0:2222,w1:2222 --job_name=worker --task_index=0   (1 on w1)

Each worker reads its own shard of the data. The chief writes checkpoints and summaries to
--checkpoint_dir. The parent of a one-command run exits with status 1 if any task failed.
"""
import json
import multiprocessing
import socket
import sys
import tempfile

import numpy as np

import compat_tf as tf

flags = tf.app.flags
flags.DEFINE_string("ps_hosts", "", "Comma-separated host:port pairs of the ps job")
flags.DEFINE_string("worker_hosts", "", "Comma-separated host:port pairs of the worker job")
flags.DEFINE_string("job_name", "", "'ps' or 'worker'; empty: start a whole cluster on this machine")
flags.DEFINE_integer("task_index", 0, "Index of this task within its job")
flags.DEFINE_integer("num_workers", 3, "Workers of the cluster a one-command run starts")
flags.DEFINE_integer("train_steps", 30, "Global steps to train")
flags.DEFINE_integer("batch_size", 16, "Examples per worker and step")
flags.DEFINE_string("checkpoint_dir", "", "Where the chief writes checkpoints (default: a new temp dir)")
flags.DEFINE_string("results", "", "If set, each worker writes its losses and final weights to <results>.<task>.json")
FLAGS = flags.FLAGS

N_IN, N_HIDDEN, N_CLASSES = 10, 32, 3


def make_data(num_examples, seed=0):
    rng = np.random.RandomState(seed)
    centers = rng.normal(0.0, 1.0, size=(N_CLASSES, N_IN))
    labels = rng.randint(0, N_CLASSES, size=num_examples).astype(np.int32)
    images = (centers[labels] + rng.normal(size=(num_examples, N_IN))).astype(np.float32)
    return images, labels


def worker_batch(images, labels, step, task_index, num_workers, batch_size):
    """This worker's share of global step `step`'s batch (the global batch is num_workers * batch_size)."""
    global_batch = num_workers * batch_size
    start = (step * global_batch) % len(images) + task_index * batch_size
    rows = np.arange(start, start + batch_size) % len(images)
    return images[rows], labels[rows]


def build_model(num_workers=None):
    """The model; with `num_workers`, its optimizer aggregates that many workers' gradients per step."""
    tf.set_random_seed(1)
    global_step = tf.train.get_or_create_global_step()
    x = tf.placeholder(tf.float32, [None, N_IN], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    hidden = tf.layers.dense(x, N_HIDDEN, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, N_CLASSES, name="logits")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    tf.summary.scalar("loss", loss)
    opt = tf.train.AdamOptimizer(0.01)
    if num_workers:
        opt = tf.train.SyncReplicasOptimizer(opt, replicas_to_aggregate=num_workers, total_num_replicas=num_workers)
    train_op = opt.minimize(loss, global_step=global_step)
    return x, y, loss, train_op, opt, global_step


def run_task(cluster, job_name, task_index, checkpoint_dir, train_steps, batch_size, results):
    server = tf.train.Server(cluster, job_name=job_name, task_index=task_index)
    if job_name == "ps":
        server.join()             # returns once the workers are done
        return
    num_workers = cluster.num_tasks("worker")
    is_chief = task_index == 0
    with tf.device(tf.train.replica_device_setter(worker_device="/job:worker/task:%d" % task_index,
                                                  cluster=cluster)):
        x, y, loss, train_op, opt, global_step = build_model(num_workers)
    images, labels = make_data(1024)
    # the final weights and the loss on all the data, read when the session ends
    final_hook = tf.train.FinalOpsHook([tf.trainable_variables(), loss], {x: images, y: labels})
    hooks = [opt.make_session_run_hook(is_chief), tf.train.StopAtStepHook(last_step=train_steps), final_hook]
    losses = []
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=is_chief, hooks=hooks,
                                           checkpoint_dir=checkpoint_dir if is_chief else None,
                                           save_summaries_steps=10, save_checkpoint_secs=None,
                                           save_checkpoint_steps=train_steps) as sess:
        step = 0
        while not sess.should_stop():
            bx, by = worker_batch(images, labels, step, task_index, num_workers, batch_size)
            _, value = sess.run([train_op, loss], {x: bx, y: by})
            losses.append(float(value))
            step += 1
    weights, full_loss = final_hook.final_ops_values
    final = {v.op.name: w.tolist() for v, w in zip(tf.trainable_variables(), weights)}
    full_loss = float(full_loss)
    print("worker %d: %d steps, loss %.4f -> %.4f, loss on all data %.4f"
          % (task_index, len(losses), losses[0], losses[-1], full_loss), flush=True)
    if results:
        with open("%s.%d.json" % (results, task_index), "w") as f:
            json.dump({"losses": losses, "final": final, "full_loss": full_loss}, f)


def _free_port():
    with socket.socket() as s:
        s.bind(("localhost", 0))
        return s.getsockname()[1]


def run_local_cluster():
    """Starts 1 ps + FLAGS.num_workers workers on this machine and waits for them."""
    cluster = tf.train.ClusterSpec({"ps": ["localhost:%d" % _free_port()],
                                    "worker": ["localhost:%d" % _free_port() for _ in range(FLAGS.num_workers)]})
    checkpoint_dir = FLAGS.checkpoint_dir or tempfile.mkdtemp(prefix="cluster_training_")
    tasks = [("ps", 0)] + [("worker", i) for i in range(FLAGS.num_workers)]
    procs = [multiprocessing.Process(target=run_task, args=(cluster, job, i, checkpoint_dir, FLAGS.train_steps,
                                                            FLAGS.batch_size, FLAGS.results))
             for job, i in tasks]
    for p in procs:
        p.start()
    for p in procs:
        p.join()
    failed = [f"{job}:{i} (exit {p.exitcode})" for (job, i), p in zip(tasks, procs) if p.exitcode != 0]
    if failed:
        print("tasks failed: " + ", ".join(failed), file=sys.stderr)
        return 1
    print("checkpoints in", checkpoint_dir, "latest:", tf.train.latest_checkpoint(checkpoint_dir))
    return 0


def main(_):
    if not FLAGS.job_name:
        sys.exit(run_local_cluster())
    cluster = tf.train.ClusterSpec({"ps": FLAGS.ps_hosts.split(","), "worker": FLAGS.worker_hosts.split(",")})
    run_task(cluster, FLAGS.job_name, FLAGS.task_index, FLAGS.checkpoint_dir or None, FLAGS.train_steps,
             FLAGS.batch_size, FLAGS.results)


if __name__ == "__main__":
    tf.app.run()
