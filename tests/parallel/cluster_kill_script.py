"""A cluster task that trains until it is stopped, for test_cluster.py's killed-worker test.

usage: cluster_kill_script.py <ps port,worker ports...> <job> <task index> <operation_timeout_in_ms>
"""
import sys

import numpy as np

import compat_tf as tf


def main():
    ports = sys.argv[1].split(",")
    job, index, timeout_ms = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    cluster = tf.train.ClusterSpec({"ps": ["localhost:" + ports[0]],
                                    "worker": ["localhost:" + p for p in ports[1:]]})
    server = tf.train.Server(cluster, job_name=job, task_index=index,
                             config=tf.ConfigProto(operation_timeout_in_ms=timeout_ms))
    if job == "ps":
        server.join()
        return
    with tf.device(tf.train.replica_device_setter(worker_device="/job:worker/task:%d" % index, cluster=cluster)):
        x = tf.placeholder(tf.float32, [None, 4])
        w = tf.get_variable("w", [4, 1], initializer=tf.zeros_initializer())
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
        train_op = tf.train.GradientDescentOptimizer(0.01).minimize(
            loss, global_step=tf.train.get_or_create_global_step())
    data = np.ones((8, 4), np.float32)
    with tf.train.MonitoredTrainingSession(master=server.target, is_chief=index == 0) as sess:
        step = 0
        while not sess.should_stop():
            sess.run(train_op, {x: data})
            step += 1
            print("step", step, flush=True)


if __name__ == "__main__":
    main()
