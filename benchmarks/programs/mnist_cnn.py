"""TF1's "Deep MNIST for experts" tutorial, whole program, on synthetic MNIST-shaped data.

Two 5x5 conv layers (32, 64 filters) with 2x2 max pooling, a 1024-unit dense layer with
dropout, softmax cross entropy, Adam 1e-4, batches of 50; the training accuracy printed every
25 steps (a second signature: keep_prob 1.0, no train op) and the test accuracy on 10,000
images at the end (a third signature with a new batch size), as the tutorial does.
"""
import time

import numpy as np
import tensorflow as tf

from _timing import phase, record, report

STEPS = 100
rs = np.random.RandomState(0)
protos = rs.rand(10, 784).astype(np.float32)


def synthetic(n):
    labels = rs.randint(0, 10, n)
    images = np.clip(protos[labels] * 0.7 + rs.rand(n, 784).astype(np.float32) * 0.5, 0, 1)
    return images.astype(np.float32), np.eye(10, dtype=np.float32)[labels]


train_x, train_y = synthetic(5000)
test_x, test_y = synthetic(10000)


def weight_variable(shape):
    return tf.Variable(tf.truncated_normal(shape, stddev=0.1))


def bias_variable(shape):
    return tf.Variable(tf.constant(0.1, shape=shape))


def conv2d(x, W):
    return tf.nn.conv2d(x, W, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


with phase("total"):
    with phase("build"):
        x = tf.placeholder(tf.float32, shape=[None, 784])
        y_ = tf.placeholder(tf.float32, shape=[None, 10])
        x_image = tf.reshape(x, [-1, 28, 28, 1])
        h_pool1 = max_pool_2x2(tf.nn.relu(conv2d(x_image, weight_variable([5, 5, 1, 32])) + bias_variable([32])))
        h_pool2 = max_pool_2x2(tf.nn.relu(conv2d(h_pool1, weight_variable([5, 5, 32, 64])) + bias_variable([64])))
        h_fc1 = tf.nn.relu(tf.matmul(tf.reshape(h_pool2, [-1, 7 * 7 * 64]), weight_variable([7 * 7 * 64, 1024]))
                           + bias_variable([1024]))
        keep_prob = tf.placeholder(tf.float32)
        h_fc1_drop = tf.nn.dropout(h_fc1, keep_prob)
        y_conv = tf.matmul(h_fc1_drop, weight_variable([1024, 10])) + bias_variable([10])
        cross_entropy = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y_conv))
        train_step = tf.train.AdamOptimizer(1e-4).minimize(cross_entropy)
        correct_prediction = tf.equal(tf.argmax(y_conv, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

    with tf.Session() as sess:
        with phase("init"):
            sess.run(tf.global_variables_initializer())
        steps = []
        for i in range(STEPS):
            lo = (i * 50) % len(train_x)
            batch = (train_x[lo:lo + 50], train_y[lo:lo + 50])
            if i % 25 == 0:
                with phase("train_accuracy"):
                    train_accuracy = accuracy.eval(feed_dict={x: batch[0], y_: batch[1], keep_prob: 1.0})
                print(f"step {i}, training accuracy {train_accuracy:g}")
            with phase("train_steps"):
                t = time.perf_counter()
                train_step.run(feed_dict={x: batch[0], y_: batch[1], keep_prob: 0.5})
                steps.append(time.perf_counter() - t)
        with phase("test_accuracy"):
            acc = accuracy.eval(feed_dict={x: test_x, y_: test_y, keep_prob: 1.0})
        print(f"test accuracy {acc:g}")
        record("first_step", steps[0])

report()
