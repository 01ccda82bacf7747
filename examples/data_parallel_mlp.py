"""Data-parallel training of an unchanged TF1 graph on every device JAX sees.

The model is plain TF1 (placeholders, tf.layers, AdamOptimizer, Session). One
compat_tf call, `compat_tf.parallel.data_parallel(sess)`, makes the session
compile each step for a 1-D mesh of all devices: variables and Adam slots
replicated, the fed batch split along its first dimension, the gradient
all-reduce inserted by XLA. The numbers are those of a one-device run.

On a CPU-only machine JAX sees one device; to try 8:
    XLA_FLAGS=--xla_force_host_platform_device_count=8 python examples/data_parallel_mlp.py

The script checks itself: it exits with status 1 unless the loss decreases
and (on several devices) the data-parallel run matches a one-device run of
the same graph.
"""
import sys

import jax
import numpy as np

import compat_tf as tf
from compat_tf import parallel

STEPS = 20
N_IN, N_HIDDEN, N_CLASSES = 20, 64, 4


def build_model():
    tf.set_random_seed(0)
    x = tf.placeholder(tf.float32, [None, N_IN], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    hidden = tf.layers.dense(x, N_HIDDEN, activation=tf.nn.relu, name="hidden")
    logits = tf.layers.dense(hidden, N_CLASSES, name="logits")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train_op = tf.train.AdamOptimizer(0.01).minimize(loss)
    return x, y, loss, train_op


def train(data_parallel, images, labels):
    with tf.Graph().as_default():
        x, y, loss, train_op = build_model()
        sess = tf.Session()
        if data_parallel:
            parallel.data_parallel(sess)       # all of jax.devices(); feeds with a batch dim are split
        with sess:
            sess.run(tf.global_variables_initializer())
            losses = [sess.run([train_op, loss], {x: images, y: labels})[1] for _ in range(STEPS)]
            if data_parallel:
                print(f"mesh: {parallel.mesh_of(sess).mesh}")
    return np.array(losses)


def main():
    n = jax.device_count()
    batch = 16 * n                 # a global batch divisible by the device count: 16 rows per device
    rng = np.random.default_rng(0)
    centers = rng.normal(0.0, 0.5, size=(N_CLASSES, N_IN))
    labels = rng.integers(0, N_CLASSES, size=batch).astype(np.int32)
    images = (centers[labels] + rng.normal(size=(batch, N_IN))).astype(np.float32)

    print(f"{n} device(s): {[str(d) for d in jax.devices()]}, global batch {batch}")
    dp_losses = train(True, images, labels)
    print(f"data-parallel loss: {dp_losses[0]:.4f} -> {dp_losses[-1]:.4f}")
    ok = dp_losses[-1] < 0.5 * dp_losses[0]
    if n > 1:                      # with one device the two runs are the same program
        one_losses = train(False, images, labels)
        print(f"one-device loss:    {one_losses[0]:.4f} -> {one_losses[-1]:.4f}")
        ok = ok and np.allclose(dp_losses, one_losses, rtol=1e-4, atol=1e-5)
    print("OK" if ok else "FAILED: the loss did not decrease or the runs differ")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
