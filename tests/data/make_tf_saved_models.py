"""Writes tests/data/tf_saved_models/ with REAL TensorFlow (the oracle venv, not compat_tf).

Run: .venv-tf/bin/python tests/data/make_tf_saved_models.py

TF1 SavedModels (tf.compat.v1 graph mode, ref variables, control flow v1), whose variables are set
(Variable.load) to values that no initializer in the graph gives before export:
  mlp_simple_save/   tf.saved_model.simple_save of a 2-layer MLP (inputs {x}, outputs {probs, logits})
  builder_two_tags/  SavedModelBuilder: tags [serve] (signature serving_default: x -> scaled, plus
                     a classification signature) with an asset file `scale.txt` read by the
                     legacy_init_op into a local variable, then add_meta_graph([train]) with a
                     signature `loss` (x, labels -> loss); assets/scale.txt is TF's copy
  linear_pbtxt/      a tiny linear model saved with save(as_text=True): saved_model.pbtxt
Each directory also has expected.npz: the fed batches (feed_*) and TF's outputs for them (out_*),
and expected.json: the tag sets and signature tensor names TF recorded.
"""
import json
import os
import shutil
import tempfile

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()
tf.disable_control_flow_v2()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_saved_models")
rng = np.random.RandomState(0)
X = rng.randn(6, 4).astype(np.float32)
LABELS = rng.randint(0, 3, 6).astype(np.int64)


def _dense(x, n_out, name, seed):
    with tf.variable_scope(name):
        w = tf.get_variable("kernel", [int(x.shape[-1]), n_out], initializer=tf.glorot_uniform_initializer(seed=seed))
        b = tf.get_variable("bias", [n_out], initializer=tf.zeros_initializer())
        return tf.nn.bias_add(tf.matmul(x, w), b)


def _mlp(x):
    h = tf.nn.tanh(_dense(x, 8, "hidden", 1))
    return _dense(h, 3, "logits", 2)


def _set_weights(sess):
    """Initializes, then gives every global variable values no initializer would (Variable.load feeds
    the initializer's Assign: no new nodes), standing in for training."""
    sess.run(tf.global_variables_initializer())
    wrng = np.random.RandomState(42)
    for v in tf.global_variables():
        v.load(wrng.uniform(-1.5, 1.5, v.shape.as_list()).astype(np.float32), sess)


def _meta(d, **extra):
    with open(os.path.join(d, "expected.json"), "w") as f:
        json.dump(extra, f, indent=1, sort_keys=True)


def mlp_simple_save():
    d = os.path.join(OUT, "mlp_simple_save")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        logits = _mlp(x)
        probs = tf.nn.softmax(logits, name="probs")
        with tf.Session() as sess:
            _set_weights(sess)
            out_probs, out_logits = sess.run([probs, logits], {x: X})
            tf.saved_model.simple_save(sess, d, inputs={"x": x}, outputs={"probs": probs, "logits": logits})
    np.savez(os.path.join(d, "expected.npz"), feed_x=X, out_probs=out_probs, out_logits=out_logits)
    _meta(d, tags=[["serve"]], inputs={"x": x.name}, outputs={"probs": probs.name, "logits": logits.name})


def builder_two_tags():
    d = os.path.join(OUT, "builder_two_tags")
    src = tempfile.mkdtemp()     # deleted below: a loader must feed the SavedModel's assets/ copy
    try:
        asset_src = os.path.join(src, "scale.txt")
        with open(asset_src, "w") as f:
            f.write("2.5")
        with tf.Graph().as_default():
            x = tf.placeholder(tf.float32, [None, 4], name="x")
            labels = tf.placeholder(tf.int64, [None], name="labels")
            logits = _mlp(x)
            loss = tf.losses.sparse_softmax_cross_entropy(labels, logits)
            asset_path = tf.constant(asset_src, name="asset_path")
            tf.add_to_collection(tf.GraphKeys.ASSET_FILEPATHS, asset_path)
            scale = tf.Variable(0.0, trainable=False, collections=[tf.GraphKeys.LOCAL_VARIABLES], name="scale")
            init_scale = tf.group(tf.assign(scale, tf.strings.to_number(tf.read_file(asset_path))),
                                  name="init_scale")
            scaled = tf.multiply(logits, scale, name="scaled")
            examples = tf.placeholder(tf.string, [None], name="examples")
            scores = tf.identity(tf.nn.softmax(logits), name="scores")
            with tf.Session() as sess:
                _set_weights(sess)
                sess.run(init_scale)
                out_scaled, out_loss, out_scores = sess.run([scaled, loss, scores], {x: X, labels: LABELS})
                b = tf.saved_model.builder.SavedModelBuilder(d)
                serving = tf.saved_model.signature_def_utils.predict_signature_def(
                    inputs={"x": x}, outputs={"scaled": scaled})
                classify = tf.saved_model.signature_def_utils.build_signature_def(
                    inputs={"inputs": tf.saved_model.utils.build_tensor_info(examples),
                            "x": tf.saved_model.utils.build_tensor_info(x)},
                    outputs={"scores": tf.saved_model.utils.build_tensor_info(scores)},
                    method_name=tf.saved_model.signature_constants.CLASSIFY_METHOD_NAME)
                b.add_meta_graph_and_variables(
                    sess, [tf.saved_model.tag_constants.SERVING],
                    signature_def_map={"serving_default": serving, "classify": classify},
                    assets_collection=tf.get_collection(tf.GraphKeys.ASSET_FILEPATHS),
                    legacy_init_op=init_scale)
                train_sig = tf.saved_model.signature_def_utils.build_signature_def(
                    inputs={"x": tf.saved_model.utils.build_tensor_info(x),
                            "labels": tf.saved_model.utils.build_tensor_info(labels)},
                    outputs={"loss": tf.saved_model.utils.build_tensor_info(loss)}, method_name="train")
                b.add_meta_graph([tf.saved_model.tag_constants.TRAINING], signature_def_map={"loss": train_sig})
                b.save()
    finally:
        shutil.rmtree(src)
    np.savez(os.path.join(d, "expected.npz"), feed_x=X, feed_labels=LABELS, out_scaled=out_scaled,
             out_loss=np.float32(out_loss), out_scores=out_scores)
    _meta(d, tags=[["serve"], ["train"]], asset_src=asset_src, scaled=scaled.name, loss=loss.name)


def linear_pbtxt():
    d = os.path.join(OUT, "linear_pbtxt")
    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, [None, 4], name="x")
        w = tf.get_variable("w", [4, 1], initializer=tf.random_normal_initializer(seed=3))
        b = tf.get_variable("b", [1], initializer=tf.constant_initializer(0.25))
        y = tf.add(tf.matmul(x, w), b, name="y")
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            out_y = sess.run(y, {x: X})
            bld = tf.saved_model.Builder(d)
            bld.add_meta_graph_and_variables(
                sess, ["serve", "gpu"],
                signature_def_map={"serving_default": tf.saved_model.predict_signature_def({"x": x}, {"y": y})},
                strip_default_attrs=True)
            bld.save(as_text=True)
    np.savez(os.path.join(d, "expected.npz"), feed_x=X, out_y=out_y)
    _meta(d, tags=[["serve", "gpu"]])


if __name__ == "__main__":
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)
    mlp_simple_save()
    builder_two_tags()
    linear_pbtxt()
    total = 0
    for root, _, files in os.walk(OUT):
        for name in files:
            total += os.path.getsize(os.path.join(root, name))
    print("wrote", OUT, total, "bytes")
