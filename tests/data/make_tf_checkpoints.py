"""Writes tests/data/tf_checkpoints/ with REAL TensorFlow (the oracle venv, not compat_tf).

Run: .venv-tf/bin/python tests/data/make_tf_checkpoints.py

Each checkpoint directory gets TF's own files (tensor-bundle V2 `PREFIX.index` SSTable,
`PREFIX.data-00000-of-00001`, the `checkpoint` state file, `.meta` where useful) plus
the values TF saved, for the tests to compare against without TensorFlow:
  expected.npz    numeric tensors by checkpoint name (bfloat16 stored as float32, exact)
  expected.json   {name: {"dtype", "shape"}} for every tensor, string tensors' values
                  as lists of base64 strings, and anything else a test needs.
"""
import base64
import json
import os
import shutil

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_checkpoints")


def _fresh(name):
    d = os.path.join(OUT, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def _record(d, values, extra=None):
    """values: {name: np array or bytes array} as TF reads them back."""
    meta, arrays = {"tensors": {}}, {}
    for name, v in sorted(values.items()):
        v = np.asarray(v)
        if v.dtype.kind == "S":   # a scalar string comes back from get_tensor as bytes
            v = v.astype(object)
        dtype = tf.as_dtype(v.dtype).name if v.dtype != object else "string"
        meta["tensors"][name] = {"dtype": dtype, "shape": list(v.shape)}
        if v.dtype == object:
            meta["tensors"][name]["value"] = [base64.b64encode(x).decode() for x in v.ravel().tolist()]
        elif dtype == "bfloat16":
            arrays[name] = v.astype(np.float32)
        else:
            arrays[name] = v
    meta.update(extra or {})
    np.savez(os.path.join(d, "expected.npz"), **arrays)
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(meta, f, indent=1, sort_keys=True)


def _read_all(prefix):
    reader = tf.train.NewCheckpointReader(prefix)
    return {n: reader.get_tensor(n) for n in reader.get_variable_to_shape_map()}


def dtypes_checkpoint():
    d = _fresh("dtypes")
    rng = np.random.RandomState(0)
    with tf.Graph().as_default():
        vals = {
            "f16": rng.randn(3, 2).astype(np.float16),
            "f32": rng.randn(2, 3, 4).astype(np.float32),
            "scope/inner/f64": np.array([1.0 / 3, 2e-300, -7.25, np.inf]),
            "bf16": np.array([1.5, -2.25, 3e10, 0.0], np.float32),
            "i8": np.array([-128, 0, 127], np.int8),
            "i16": np.array([[-32768, 5], [7, 32767]], np.int16),
            "i32": np.array([-(2 ** 31), 2 ** 31 - 1, 12], np.int32),
            "i64": np.array([2 ** 40 + 3, -5, -(2 ** 63)], np.int64),
            "u8": np.array([0, 200, 255], np.uint8),
            "u16": np.array([65535, 1], np.uint16),
            "u32": np.array([2 ** 32 - 1, 3], np.uint32),
            "u64": np.array([2 ** 64 - 1, 9], np.uint64),
            "flag": np.array([True, False, True, True]),
            "c64": np.array([1 + 2j, -3.5 - 0.25j], np.complex64),
            "c128": np.array([[1e-300 + 1j], [2 - 1e300j]], np.complex128),
            "scalar": np.array(7, np.int32),
            "empty": np.zeros((0, 3), np.float32),
        }
        variables = []
        for name, v in vals.items():
            dtype = tf.bfloat16 if name == "bf16" else tf.as_dtype(v.dtype)
            variables.append(tf.Variable(tf.constant(v, dtype=dtype), name=name))
        strings = np.array([[b"hello", b""], [b"\xff\x00binary", "caf\u00e9".encode() * 60]], dtype=object)
        variables.append(tf.Variable(tf.constant(strings), name="words"))
        variables.append(tf.Variable(tf.constant(b"scalar string"), name="scope/word"))
        saver = tf.train.Saver(save_relative_paths=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            prefix = saver.save(sess, os.path.join(d, "model.ckpt"), write_meta_graph=False)
    got = _read_all(prefix)
    _record(d, got, {"prefix": "model.ckpt"})


def _dense_model(optimizer, hidden=True):
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    w = tf.get_variable("w", [3, 3], initializer=tf.random_normal_initializer(seed=1))
    with tf.variable_scope("dense"):
        kernel = tf.get_variable("kernel", [3, 2], initializer=tf.random_normal_initializer(seed=2))
        bias = tf.get_variable("bias", [2], initializer=tf.zeros_initializer())
    h = tf.tanh(tf.matmul(x, w)) if hidden else tf.matmul(x, w)
    logits = tf.matmul(h, kernel) + bias
    probs = tf.nn.softmax(logits, name="probs")
    loss = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits_v2(labels=y, logits=logits), name="loss")
    global_step = tf.train.get_or_create_global_step()
    train_op = optimizer.minimize(loss, global_step=global_step, name="train_op")
    return x, y, probs, loss, train_op


def _data():
    rng = np.random.RandomState(3)
    xs = rng.randn(8, 3).astype(np.float32)
    ys = np.eye(2, dtype=np.float32)[rng.randint(0, 2, 8)]
    return xs, ys


def adam_checkpoint():
    d = _fresh("adam")
    xs, ys = _data()
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x, y, _, loss, train_op = _dense_model(tf.train.AdamOptimizer(0.05))
        saver = tf.train.Saver(save_relative_paths=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for _ in range(5):
                sess.run(train_op, {x: xs, y: ys})
            prefix = saver.save(sess, os.path.join(d, "model.ckpt"), global_step=5, write_meta_graph=False)
            saved = _read_all(prefix)
            losses = []
            for _ in range(3):
                _, l_ = sess.run([train_op, loss], {x: xs, y: ys})
                losses.append(float(l_))
            after = {v.op.name: sess.run(v) for v in tf.global_variables()}
    _record(d, saved, {"prefix": "model.ckpt-5", "xs": xs.tolist(), "ys": ys.tolist(),
                       "losses_after_restore": losses})
    np.savez(os.path.join(d, "expected_after_3_steps.npz"), **after)


def gd_meta_checkpoint():
    d = _fresh("gd_meta")
    xs, ys = _data()
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x, y, probs, loss, train_op = _dense_model(tf.train.GradientDescentOptimizer(0.5), hidden=False)
        tf.add_to_collection("train_op", train_op)
        saver = tf.train.Saver(save_relative_paths=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train_op, {x: xs, y: ys})
            prefix = saver.save(sess, os.path.join(d, "model.ckpt"), global_step=1)
            saved = _read_all(prefix)
            p, l_ = sess.run([probs, loss], {x: xs, y: ys})
            sess.run(train_op, {x: xs, y: ys})
            l2 = sess.run(loss, {x: xs, y: ys})
    _record(d, saved, {"prefix": "model.ckpt-1", "xs": xs.tolist(), "ys": ys.tolist(), "probs": p.tolist(),
                       "loss": float(l_), "loss_after_one_step": float(l2)})


def partitioned_checkpoint():
    d = _fresh("partitioned")
    with tf.Graph().as_default():
        tf.get_variable("part", [4, 2], initializer=tf.ones_initializer(),
                        partitioner=tf.fixed_size_partitioner(2))
        tf.Variable([1.0, 2.0], name="plain")
        saver = tf.train.Saver(save_relative_paths=True)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            prefix = saver.save(sess, os.path.join(d, "model.ckpt"), write_meta_graph=False)
    reader = tf.train.NewCheckpointReader(prefix)
    _record(d, {"plain": reader.get_tensor("plain")},
            {"prefix": "model.ckpt", "shapes": reader.get_variable_to_shape_map()})


def sharded_checkpoint():
    """Saver(sharded=True) with variables on two devices: two data shards, one merged index."""
    d = _fresh("sharded")
    with tf.Graph().as_default():
        with tf.device("/cpu:0"):
            tf.Variable(np.arange(4.0), name="a")
        with tf.device("/cpu:1"):
            tf.Variable(np.array([b"x", b"yy"], dtype=object), name="b")
            tf.Variable(np.int64(5), name="c")
        saver = tf.train.Saver(sharded=True, save_relative_paths=True)
        with tf.Session(config=tf.ConfigProto(device_count={"CPU": 2})) as sess:
            sess.run(tf.global_variables_initializer())
            prefix = saver.save(sess, os.path.join(d, "model.ckpt"), write_meta_graph=False)
    _record(d, _read_all(prefix), {"prefix": "model.ckpt"})


if __name__ == "__main__":
    dtypes_checkpoint()
    adam_checkpoint()
    gd_meta_checkpoint()
    partitioned_checkpoint()
    sharded_checkpoint()
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print(f"wrote {OUT}: {total} bytes")
