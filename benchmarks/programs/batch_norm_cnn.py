"""A TF1 tutorial-style CNN with `tf.layers.batch_normalization`, whole program.

conv(32) - BN - relu - pool - conv(64) - BN - relu - pool - dense(256) - BN - relu - dense(10),
the `training` flag fed as a placeholder, the moving-average updates run through
UPDATE_OPS control dependencies, Adam 1e-3, batches of 64 for 150 steps, the validation
accuracy (training=False, 1,000 images) every 50 steps, on synthetic MNIST-shaped data.
"""
import numpy as np
import tensorflow as tf

from _timing import phase, report

STEPS, BATCH = 150, 64
rs = np.random.RandomState(0)
protos = rs.rand(10, 28, 28, 1).astype(np.float32)


def synthetic(n):
    labels = rs.randint(0, 10, n)
    images = np.clip(protos[labels] * 0.7 + rs.rand(n, 28, 28, 1).astype(np.float32) * 0.5, 0, 1)
    return images.astype(np.float32), labels.astype(np.int64)


train_x, train_y = synthetic(5000)
val_x, val_y = synthetic(1000)

with phase("total"):
    with phase("build"):
        x = tf.placeholder(tf.float32, [None, 28, 28, 1])
        y = tf.placeholder(tf.int64, [None])
        training = tf.placeholder(tf.bool, [])
        h = x
        for filters in (32, 64):
            h = tf.layers.conv2d(h, filters, 3, padding="same", use_bias=False)
            h = tf.nn.relu(tf.layers.batch_normalization(h, training=training))
            h = tf.layers.max_pooling2d(h, 2, 2)
        h = tf.layers.flatten(h)
        h = tf.nn.relu(tf.layers.batch_normalization(tf.layers.dense(h, 256), training=training))
        logits = tf.layers.dense(h, 10)
        loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
        with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
            train_op = tf.train.AdamOptimizer(1e-3).minimize(loss)
        accuracy = tf.reduce_mean(tf.cast(tf.equal(tf.argmax(logits, 1), y), tf.float32))

    with tf.Session() as sess:
        with phase("init"):
            sess.run(tf.global_variables_initializer())
        for i in range(STEPS):
            lo = (i * BATCH) % (len(train_x) - BATCH)
            with phase("train_steps"):
                sess.run(train_op, {x: train_x[lo:lo + BATCH], y: train_y[lo:lo + BATCH], training: True})
            if (i + 1) % 50 == 0:
                with phase("validation"):
                    acc = sess.run(accuracy, {x: val_x, y: val_y, training: False})
                print(f"step {i + 1}: validation accuracy {acc:g}")

report()
