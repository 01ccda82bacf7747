"""tensorflow.examples.tutorials.mnist.mnist: the tutorial's 2-hidden-layer MNIST model builders.

TF 1.15's pip package ships this module beside input_data (fully_connected_feed.py imports it).
Same API and graph as TF1's: `inference(images, hidden1_units, hidden2_units)` builds name scopes
hidden1, hidden2 and softmax_linear, each with variables `weights` (truncated normal, stddev
1/sqrt(fan_in)) and `biases` (zeros), ReLU on the hidden layers; `loss(logits, labels)` is
tf.losses.sparse_softmax_cross_entropy on int64 labels; `training(loss, learning_rate)` adds a
'loss' scalar summary and a GradientDescentOptimizer step that increments a non-trainable
`global_step` variable; `evaluation(logits, labels)` counts tf.nn.in_top_k(k=1) hits as int32.
"""
import math

import compat_tf as tf

NUM_CLASSES = 10
IMAGE_SIZE = 28
IMAGE_PIXELS = IMAGE_SIZE * IMAGE_SIZE


def _fully_connected(scope, inputs, fan_in, fan_out, activation=None):
    with tf.name_scope(scope):
        w = tf.Variable(tf.truncated_normal([fan_in, fan_out], stddev=1.0 / math.sqrt(float(fan_in))),
                        name="weights")
        b = tf.Variable(tf.zeros([fan_out]), name="biases")
        out = tf.matmul(inputs, w) + b
        return activation(out) if activation is not None else out


def inference(images, hidden1_units, hidden2_units):
    """Logits [batch, NUM_CLASSES] of images [batch, IMAGE_PIXELS]."""
    h1 = _fully_connected("hidden1", images, IMAGE_PIXELS, hidden1_units, tf.nn.relu)
    h2 = _fully_connected("hidden2", h1, hidden1_units, hidden2_units, tf.nn.relu)
    return _fully_connected("softmax_linear", h2, hidden2_units, NUM_CLASSES)


def loss(logits, labels):
    """Mean sparse softmax cross-entropy of logits against integer labels [batch]."""
    return tf.losses.sparse_softmax_cross_entropy(labels=tf.cast(labels, tf.int64), logits=logits)


def training(loss, learning_rate):
    """The train op: one gradient-descent step on `loss` that also increments global_step."""
    tf.summary.scalar("loss", loss)
    step = tf.Variable(0, name="global_step", trainable=False)
    return tf.train.GradientDescentOptimizer(learning_rate).minimize(loss, global_step=step)


def evaluation(logits, labels):
    """Number of examples (int32 scalar) whose label is the top logit."""
    return tf.reduce_sum(tf.cast(tf.nn.in_top_k(logits, labels, 1), tf.int32))
