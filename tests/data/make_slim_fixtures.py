"""Writes tests/data/slim/ with REAL TensorFlow and the tf-slim package (the oracle venv).

Run: /tmp/tfvenv/bin/python tests/data/make_slim_fixtures.py   (needs `pip install tf-slim`)

tf-slim is TF 1.15's tf.contrib.slim as a package: the same layer functions, arg_scope,
variable names and losses. A small model using most slim layers is trained for a few steps
(so the batch-norm moving statistics are not their initial values) and saved as a TF checkpoint
(`model.ckpt`, tensor-bundle V2); expected.npz holds the input, the model's outputs in inference
mode and in training mode (batch statistics), and the values of slim.losses on fixed inputs;
expected.json the variable names by collection.
"""
import json
import os
import shutil

import numpy as np
import tensorflow.compat.v1 as tf
from tensorflow.python.framework import ops as _tf_ops

from tensorflow.python.ops import control_flow_ops as _tf_cf

# tf-slim 1.1 uses names TF 2.21 moved: ops.Tensor, control_flow_ops.cond
_tf_ops.Tensor = getattr(_tf_ops, "Tensor", tf.Tensor)
_tf_cf.cond = getattr(_tf_cf, "cond", tf.cond)
import tf_slim as slim  # noqa: E402

tf.disable_v2_behavior()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "slim")


def model(x, is_training):
    """The model tests/contrib/test_slim.py rebuilds with compat_tf."""
    end = {}
    with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_regularizer=slim.l2_regularizer(0.01),
                        weights_initializer=tf.truncated_normal_initializer(stddev=0.3)):
        with slim.arg_scope([slim.conv2d], padding="SAME", normalizer_fn=slim.batch_norm,
                            normalizer_params={"is_training": is_training, "decay": 0.9,
                                               # a list: the contrib fused path (tf_keras lacks the
                                               # legacy layer the default path needs in TF 2.21)
                                               "updates_collections": [tf.GraphKeys.UPDATE_OPS]}):
            net = end["conv1"] = slim.repeat(x, 2, slim.conv2d, 4, [3, 3], scope="conv1")
            net = slim.max_pool2d(net, [2, 2], scope="pool1")
            net = end["sep"] = slim.separable_conv2d(net, 6, [3, 3], depth_multiplier=2, scope="sep")
            net = end["dw"] = slim.separable_conv2d(net, None, [3, 3], depth_multiplier=1, scope="dw")
            net = end["deconv"] = slim.conv2d_transpose(net, 3, [3, 3], stride=2, scope="deconv")
            net = slim.avg_pool2d(net, [2, 2], scope="pool2")
            net = slim.bias_add(net, scope="bias")
            net = end["ln"] = slim.layer_norm(net, scope="ln")
            net = slim.unit_norm(net, 3)
            net = slim.flatten(net)
            net = slim.dropout(net, 0.5, is_training=False)
            net = end["fc"] = slim.stack(net, slim.fully_connected, [16, 8], scope="fc")
            logits = end["logits"] = slim.fully_connected(net, 5, activation_fn=None, scope="logits")
            end["probs"] = slim.softmax(logits)
    return logits, end


def losses_case():
    rng = np.random.RandomState(3)
    logits = rng.randn(4, 5).astype(np.float32)
    onehot = np.eye(5, dtype=np.float32)[[0, 3, 1, 4]]
    sparse = np.array([0, 3, 1, 4], np.int64)
    pred = rng.rand(4, 3).astype(np.float32)
    lab = (rng.rand(4, 3) > 0.5).astype(np.float32)
    w = np.array([1.0, 0.0, 2.0, 0.5], np.float32)
    vals = {"logits": logits, "onehot": onehot, "sparse": sparse, "pred": pred, "lab": lab, "w": w}
    with tf.Graph().as_default():
        logits, onehot, sparse, pred, lab, w = map(tf.constant, (logits, onehot, sparse, pred, lab, w))
        out = {
            "softmax_ce": slim.losses.softmax_cross_entropy(logits, onehot),
            "softmax_ce_w_ls": slim.losses.softmax_cross_entropy(logits, onehot, weights=w, label_smoothing=0.1),
            "sparse_ce": slim.losses.sparse_softmax_cross_entropy(logits, sparse, weights=w),
            "sigmoid_ce": slim.losses.sigmoid_cross_entropy(pred, lab, label_smoothing=0.2),
            "log_loss": slim.losses.log_loss(pred, lab),
            "mse": slim.losses.mean_squared_error(pred, lab, weights=w[:, None]),
            "absdiff": slim.losses.absolute_difference(pred, lab),
            "hinge": slim.losses.hinge_loss(pred, lab),
            "cosine": slim.losses.cosine_distance(tf.nn.l2_normalize(pred, 1), tf.nn.l2_normalize(lab + 0.1, 1),
                                                  dim=1),
            "pairwise": slim.losses.mean_pairwise_squared_error(pred, lab),
        }
        out["total"] = slim.losses.get_total_loss()
        out["n_losses"] = tf.constant(len(slim.losses.get_losses()))
        with tf.Session() as sess:
            vals.update({"loss_" + k: v for k, v in sess.run(out).items()})
    return vals


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    rng = np.random.RandomState(0)
    x_val = rng.rand(2, 8, 8, 3).astype(np.float32)
    tf.set_random_seed(1)
    x = tf.placeholder(tf.float32, [2, 8, 8, 3])
    is_training = tf.placeholder_with_default(True, [])
    logits, end = model(x, is_training)
    labels = tf.constant([1, 3])
    slim.losses.sparse_softmax_cross_entropy(logits, labels)
    total = slim.losses.get_total_loss()
    train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
    names = {
        "global": [v.op.name for v in tf.global_variables()],
        "model": [v.op.name for v in slim.get_model_variables()],
        "trainable": [v.op.name for v in tf.trainable_variables()],
        "restore_excluding_logits": [v.op.name for v in slim.get_variables_to_restore(exclude=["logits"])],
        "by_name_weights": [v.op.name for v in slim.get_variables_by_name("weights")],
        "by_suffix_biases": [v.op.name for v in slim.get_variables_by_suffix("biases")],
        "fc_scope": [v.op.name for v in slim.get_variables("fc")],
        "regularization_losses": [t.op.name for t in tf.losses.get_regularization_losses()],
        "end_points": {k: v.op.name for k, v in end.items()},
    }
    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train_op, {x: x_val})
        saver.save(sess, os.path.join(OUT, "model.ckpt"), write_meta_graph=False)
        infer = sess.run(end, {x: x_val, is_training: False})
        train = sess.run(end, {x: x_val})
        step_loss = sess.run(train_op, {x: x_val})
        after = sess.run(end, {x: x_val, is_training: False})
    arrays = {"x": x_val, "step_loss": np.float32(step_loss)}
    arrays.update({"infer_" + k: v for k, v in infer.items()})
    arrays.update({"train_" + k: v for k, v in train.items()})
    arrays.update({"after_" + k: v for k, v in after.items()})
    arrays.update(losses_case())
    np.savez(os.path.join(OUT, "expected.npz"), **arrays)
    with open(os.path.join(OUT, "expected.json"), "w") as f:
        json.dump(names, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
