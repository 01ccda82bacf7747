"""The reference run for tests/parallel/test_cluster.py: examples/cluster_training.py's model trained
by compat_tf.parallel.data_parallel in ONE process, on the global batch (the workers' batches
concatenated), with a plain AdamOptimizer. Saves a checkpoint; prints `RESULT <json>`.

usage: cluster_reference.py <num_workers> <train_steps> <batch_size> <checkpoint prefix>
"""
import importlib.util
import json
import os
import sys

import numpy as np

import compat_tf as tf
from compat_tf import parallel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
spec = importlib.util.spec_from_file_location("cluster_training", os.path.join(ROOT, "examples",
                                                                                 "cluster_training.py"))
example = importlib.util.module_from_spec(spec)
spec.loader.exec_module(example)


def main():
    num_workers, steps, batch = (int(a) for a in sys.argv[1:4])
    prefix = sys.argv[4]
    images, labels = example.make_data(1024)
    with tf.Graph().as_default():
        x, y, loss, train_op, _, gs = example.build_model(None)
        sess = parallel.data_parallel(tf.Session())
        losses = []
        with sess:
            sess.run(tf.global_variables_initializer())
            for step in range(steps):
                parts = [example.worker_batch(images, labels, step, i, num_workers, batch) for i in range(num_workers)]
                bx = np.concatenate([p[0] for p in parts])
                by = np.concatenate([p[1] for p in parts])
                losses.append(float(sess.run([train_op, loss], {x: bx, y: by})[1]))
            full_loss = float(sess.run(loss, {x: images, y: labels}))
            tf.train.Saver().save(sess, prefix)
            n_devices = len(parallel.mesh_of(sess).devices)
    print("RESULT " + json.dumps({"losses": losses, "full_loss": full_loss, "n_devices": n_devices}))


if __name__ == "__main__":
    main()
