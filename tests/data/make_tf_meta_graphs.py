"""Writes tests/data/tf_meta_graphs/ with REAL TensorFlow (the oracle venv, not compat_tf).

Run: .venv-tf/bin/python tests/data/make_tf_meta_graphs.py

Each model is a small TF1 training graph built by tf.compat.v1 (ref variables, control flow
v1) whose train op contains TF's symbolic gradient ops (TanhGrad, BiasAddGrad, MaxPoolGrad,
FusedBatchNormGradV3, BroadcastGradientArgs, ApplyAdam, ...). For each, in its directory:
  model.ckpt.meta, model.ckpt.index, model.ckpt.data-00000-of-00001, checkpoint
                 tf.train.Saver's files, written after global_variables_initializer (0 steps)
  expected.npz   the fed batch (feed/<tensor name>), TF's loss before and after each of 3
                 training steps (losses, 4 values: before, after 1, 2, 3) and every global
                 variable after the 3 steps (var/<op name>)
  expected.json  the train op's name, the loss tensor's name, the feed names, the op types of
                 the graph (for information)
"""
import json
import os
import shutil

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.disable_control_flow_v2()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_meta_graphs")
STEPS = 3


def _dense(x, n_out, act, name):
    n_in = int(x.shape[-1])
    with tf.variable_scope(name):
        w = tf.get_variable("w", [n_in, n_out], initializer=tf.glorot_uniform_initializer(seed=1))
        b = tf.get_variable("b", [n_out], initializer=tf.constant_initializer(0.05))
        y = tf.nn.bias_add(tf.matmul(x, w), b)
        return act(y) if act is not None else y


def _write(name, build, feeds_np):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    with tf.Graph().as_default() as g:
        tf.set_random_seed(0)
        feeds, loss, train_op = build()
        tf.add_to_collection("train_op", train_op)
        saver = tf.train.Saver(save_relative_paths=True)
        feed = {feeds[k]: v for k, v in feeds_np.items()}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            saver.save(sess, os.path.join(d, "model.ckpt"))
            losses = [sess.run(loss, feed)]
            for _ in range(STEPS):
                sess.run(train_op, feed)
                losses.append(sess.run(loss, feed))
            after = {v.op.name: sess.run(v) for v in tf.global_variables()}
        types = sorted({op.type for op in g.get_operations()})
    arrays = {"losses": np.array(losses, np.float64)}
    arrays.update({"feed/" + feeds[k].name: v for k, v in feeds_np.items()})
    arrays.update({"var/" + k: v for k, v in after.items()})
    np.savez_compressed(os.path.join(d, "expected.npz"), **arrays)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump({"train_op": train_op.name, "loss": loss.name, "feeds": sorted(t.name for t in feeds.values()),
                   "op_types": types, "steps": STEPS}, f, indent=1, sort_keys=True)
    print(name, "losses", losses)


rng = np.random.RandomState(0)
MLP_X = rng.randn(8, 5).astype(np.float32)
MLP_Y = np.eye(3, dtype=np.float32)[rng.randint(0, 3, 8)]
CNN_X = rng.randn(4, 8, 8, 2).astype(np.float32)
CNN_Y = rng.randint(0, 3, 4).astype(np.int64)
BN_X = rng.randn(6, 5, 5, 3).astype(np.float32)
BN_Y = rng.randint(0, 4, 6).astype(np.int32)
ACT_X = rng.randn(6, 6, 6, 2).astype(np.float32)
ACT_Y = rng.randn(6, 3).astype(np.float32)


def _mlp(opt, global_step=False):
    def build():
        x = tf.placeholder(tf.float32, [None, 5], name="x")
        y = tf.placeholder(tf.float32, [None, 3], name="y")
        h = _dense(x, 6, tf.tanh, "l1")
        h = _dense(h, 6, tf.sigmoid, "l2")
        logits = _dense(h, 3, tf.nn.relu, "out")
        loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits), name="loss")
        gs = tf.train.get_or_create_global_step() if global_step else None
        return {"x": x, "y": y}, loss, opt().minimize(loss, global_step=gs, name="train")
    return build


def _cnn():
    x = tf.placeholder(tf.float32, [None, 8, 8, 2], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    init = tf.truncated_normal_initializer(stddev=0.3, seed=3)
    k1 = tf.get_variable("k1", [3, 3, 2, 4], initializer=init)
    b1 = tf.get_variable("b1", [4], initializer=tf.constant_initializer(0.05))
    h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, k1, [1, 1, 1, 1], "SAME"), b1))
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")                     # 4x4x4
    k2 = tf.get_variable("k2", [3, 3, 4, 5], initializer=init)
    b2 = tf.get_variable("b2", [5], initializer=tf.constant_initializer(-0.02))
    h = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(h, k2, [1, 2, 2, 1], "SAME"), b2))  # 2x2x5
    h = tf.nn.max_pool(h, [1, 2, 2, 1], [1, 1, 1, 1], "VALID")                     # 1x1x5 overlapping
    h = tf.concat([h, tf.nn.avg_pool(h, [1, 1, 1, 1], [1, 1, 1, 1], "SAME")], axis=3)
    k3 = tf.get_variable("k3", [3, 3, 2, 3], initializer=init)
    a = tf.nn.conv2d(x, k3, [1, 3, 3, 1], "VALID")                                   # 2x2x3
    a = tf.nn.avg_pool(a, [1, 2, 2, 1], [1, 1, 1, 1], "SAME")                       # padded windows
    flat = tf.concat([tf.reshape(h, [-1, 10]), tf.reshape(a, [-1, 12])], axis=1)
    logits = _dense(flat, 3, None, "out")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits), name="loss")
    train = tf.train.MomentumOptimizer(0.05, 0.9).minimize(loss, name="train")
    return {"x": x, "y": y}, loss, train


def _batch_norm(h, fused, name):
    """What tf.layers.batch_normalization(training=True) writes (tf.layers needs Keras 2)."""
    c = int(h.shape[-1])
    with tf.variable_scope(name):
        gamma = tf.get_variable("gamma", [c], initializer=tf.constant_initializer(1.1))
        beta = tf.get_variable("beta", [c], initializer=tf.zeros_initializer())
        mm = tf.get_variable("moving_mean", [c], initializer=tf.zeros_initializer(), trainable=False)
        mv = tf.get_variable("moving_variance", [c], initializer=tf.ones_initializer(), trainable=False)
        if fused:
            y, mean, var = tf.nn.fused_batch_norm(h, gamma, beta, epsilon=1e-3, is_training=True)
        else:   # rank 2 (not used: the fixtures must stay small)
            mean, var = tf.nn.moments(h, [0])
            y = tf.nn.batch_normalization(h, mean, var, beta, gamma, 1e-3)
        for v, new in ((mm, mean), (mv, var)):
            tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.assign_sub(v, (v - new) * 0.01))
        return y


def _bn():
    x = tf.placeholder(tf.float32, [None, 5, 5, 3], name="x")
    y = tf.placeholder(tf.int32, [None], name="y")
    k = tf.get_variable("k", [3, 3, 3, 4], initializer=tf.glorot_uniform_initializer(seed=4))
    h = tf.nn.conv2d(x, k, [1, 2, 2, 1], "SAME")                                   # 3x3x4
    h = tf.nn.relu(_batch_norm(h, True, "bn1"))
    h = tf.reshape(h, [-1, 36])
    h = _dense(h, 8, None, "l1")
    h = tf.nn.elu(h)
    logits = _dense(h, 4, None, "out")
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits), name="loss")
    with tf.control_dependencies(tf.get_collection(tf.GraphKeys.UPDATE_OPS)):
        train = tf.train.RMSPropOptimizer(0.01, momentum=0.5).minimize(loss, name="train")
    return {"x": x, "y": y}, loss, train


def _activations():
    """Many element-wise gradient ops, depthwise conv, LRN, l2_loss; Adagrad."""
    x = tf.placeholder(tf.float32, [None, 6, 6, 2], name="x")
    y = tf.placeholder(tf.float32, [None, 3], name="y")
    init = tf.random_uniform_initializer(-0.5, 0.5, seed=7)
    dk = tf.get_variable("dk", [3, 3, 2, 2], initializer=init)
    h = tf.nn.depthwise_conv2d(x, dk, [1, 1, 1, 1], "SAME")                       # 6x6x4
    h = tf.nn.lrn(h, depth_radius=1, bias=1.0, alpha=0.3, beta=0.75)
    h = tf.nn.avg_pool(h, [1, 3, 3, 1], [1, 3, 3, 1], "VALID")                     # 2x2x4
    f = tf.reshape(h, [-1, 16])
    w = tf.get_variable("w", [16, 12], initializer=init)
    z = tf.matmul(f, w)
    parts = tf.split(z, 6, axis=1)
    acts = [tf.nn.elu(parts[0]), tf.nn.selu(parts[1]), tf.nn.leaky_relu(parts[2], alpha=0.1),
            tf.nn.softplus(parts[3]), tf.nn.softsign(parts[4]), tf.nn.relu6(parts[5] * 4.0)]
    h = tf.concat(acts, axis=1)
    s = tf.get_variable("s", [12], initializer=tf.random_uniform_initializer(0.5, 1.5, seed=8))
    h = h * tf.math.rsqrt(s) + tf.sqrt(s) - tf.math.reciprocal(s + 1.0)
    w2 = tf.get_variable("w2", [12, 3], initializer=init)
    out = tf.matmul(h, w2)
    loss = tf.add(tf.reduce_mean(tf.squared_difference(out, y)), 1e-3 * tf.nn.l2_loss(w2), name="loss")
    train = tf.train.AdagradOptimizer(0.1).minimize(loss, name="train")
    return {"x": x, "y": y}, loss, train


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    _write("mlp_gd", _mlp(lambda: tf.train.GradientDescentOptimizer(0.5)), {"x": MLP_X, "y": MLP_Y})
    _write("mlp_adam", _mlp(lambda: tf.train.AdamOptimizer(0.05), global_step=True), {"x": MLP_X, "y": MLP_Y})
    _write("cnn_momentum", _cnn, {"x": CNN_X, "y": CNN_Y})
    _write("bn_rmsprop", _bn, {"x": BN_X, "y": BN_Y})
    _write("activations_adagrad", _activations, {"x": ACT_X, "y": ACT_Y})
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {OUT}: {total} bytes")


if __name__ == "__main__":
    main()
