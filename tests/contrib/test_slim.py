"""tf.contrib.slim against TF-Slim itself (fixtures from tests/data/make_slim_fixtures.py, written by
TensorFlow + the tf-slim package): variable names, collections, restoring the TF checkpoint,
outputs in inference and training mode, one training step, slim.losses."""
import json
import os

import numpy as np
import pytest

import compat_tf as tf

slim = tf.contrib.slim
DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "slim")
CKPT = os.path.join(DATA, "model.ckpt")


@pytest.fixture(scope="module")
def expected():
    with open(os.path.join(DATA, "expected.json")) as f:
        names = json.load(f)
    return names, dict(np.load(os.path.join(DATA, "expected.npz")))


def model(x, is_training):
    """tests/data/make_slim_fixtures.py's model, unchanged."""
    end = {}
    with slim.arg_scope([slim.conv2d, slim.fully_connected], weights_regularizer=slim.l2_regularizer(0.01),
                        weights_initializer=tf.truncated_normal_initializer(stddev=0.3)):
        with slim.arg_scope([slim.conv2d], padding="SAME", normalizer_fn=slim.batch_norm,
                            normalizer_params={"is_training": is_training, "decay": 0.9,
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


def _build():
    x = tf.placeholder(tf.float32, [2, 8, 8, 3])
    is_training = tf.placeholder_with_default(True, [])
    logits, end = model(x, is_training)
    slim.losses.sparse_softmax_cross_entropy(logits, tf.constant([1, 3]))
    total = slim.losses.get_total_loss()
    train_op = slim.learning.create_train_op(total, tf.train.GradientDescentOptimizer(0.1))
    return x, is_training, end, train_op


def test_variable_names_and_collections_match_tf_slim(expected):
    names, _ = expected
    with tf.Graph().as_default():
        _, _, end, _ = _build()
        assert [v.op.name for v in tf.global_variables()] == names["global"]
        assert [v.op.name for v in slim.get_model_variables()] == names["model"]
        assert [v.op.name for v in tf.trainable_variables()] == names["trainable"]
        assert [v.op.name for v in slim.get_variables_to_restore(exclude=["logits"])] == \
            names["restore_excluding_logits"]
        assert [v.op.name for v in slim.get_variables_by_name("weights")] == names["by_name_weights"]
        assert [v.op.name for v in slim.get_variables_by_suffix("biases")] == names["by_suffix_biases"]
        assert [v.op.name for v in slim.get_variables("fc")] == names["fc_scope"]
        assert [t.op.name for t in tf.losses.get_regularization_losses()] == names["regularization_losses"]
        assert {k: v.op.name for k, v in end.items()}["conv1"] == names["end_points"]["conv1"]


def test_restore_tf_slim_checkpoint_and_outputs(expected):
    _, arrays = expected
    with tf.Graph().as_default():
        x, is_training, end, train_op = _build()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, CKPT)
            infer = sess.run(end, {x: arrays["x"], is_training: False})
            train = sess.run(end, {x: arrays["x"]})
            step_loss = sess.run(train_op, {x: arrays["x"]})
            after = sess.run(end, {x: arrays["x"], is_training: False})
    for k in end:
        np.testing.assert_allclose(infer[k], arrays["infer_" + k], rtol=2e-4, atol=2e-5, err_msg=k)
        np.testing.assert_allclose(train[k], arrays["train_" + k], rtol=2e-4, atol=2e-5, err_msg=k)
        np.testing.assert_allclose(after[k], arrays["after_" + k], rtol=5e-4, atol=5e-5, err_msg=k)
    np.testing.assert_allclose(step_loss, arrays["step_loss"], rtol=1e-5)


def test_assign_from_checkpoint_fn_excluding_a_scope(expected):
    _, arrays = expected
    with tf.Graph().as_default():
        x, is_training, end, _ = _build()
        init_fn = slim.assign_from_checkpoint_fn(CKPT, slim.get_variables_to_restore(exclude=["logits"]))
        with tf.Session() as sess:
            sess.run(tf.variables_initializer(slim.get_variables("logits")))   # (all: a slow XLA compile)
            fresh_logits = sess.run(slim.get_variables("logits"))
            init_fn(sess)
            got = sess.run(end, {x: arrays["x"], is_training: False})
            assert all(np.array_equal(a, b) for a, b in zip(fresh_logits, sess.run(slim.get_variables("logits"))))
            np.testing.assert_allclose(got["fc"], arrays["infer_fc"], rtol=2e-4, atol=2e-5)
            assert not np.allclose(got["logits"], arrays["infer_logits"])
            # the (assign_op, feed_dict) form: placeholders named after the variables
            conv1 = slim.get_model_variables("conv1")
            sess.run([v.assign(tf.zeros_like(v)) for v in conv1])
            op, feed = slim.assign_from_checkpoint(CKPT, conv1)
            assert sorted(t.op.name for t in feed)[0] == "placeholder/conv1/conv1_1/BatchNorm/beta"
            sess.run(op, feed)
            for v, value in zip(conv1, sess.run(conv1)):
                np.testing.assert_array_equal(value, tf.train.load_variable(CKPT, v.op.name))


def test_assign_from_checkpoint_missing_variable():
    with tf.Graph().as_default():
        v = slim.model_variable("not_in_ckpt", shape=[2])
        with pytest.raises(ValueError, match=r"Checkpoint is missing variable \[not_in_ckpt\]"):
            slim.assign_from_checkpoint(CKPT, [v])
        assert slim.assign_from_checkpoint_fn(CKPT, [v], ignore_missing_vars=True) is None
        with pytest.raises(ValueError, match="var_list cannot be empty"):
            slim.assign_from_checkpoint_fn(CKPT, [])


def test_slim_losses_match_tf_slim(expected):
    _, a = expected
    with tf.Graph().as_default():
        logits, onehot, sparse, pred, lab, w = map(tf.constant, (a["logits"], a["onehot"], a["sparse"], a["pred"],
                                                                 a["lab"], a["w"]))
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
            got = sess.run(out)
    for k, v in got.items():
        np.testing.assert_allclose(v, a["loss_" + k], rtol=1e-5, atol=1e-6, err_msg=k)


def test_arg_scope_semantics():
    @slim.add_arg_scope
    def f(a, b=1, c=2):
        return a, b, c

    def g(a, b=0):
        return a, b
    assert f(0) == (0, 1, 2)
    with slim.arg_scope([f], b=10) as sc:
        assert f(0) == (0, 10, 2)
        assert f(0, b=3) == (0, 3, 2)          # an explicit argument wins
        with slim.arg_scope([f], c=20):
            assert f(0) == (0, 10, 20)         # nested scopes merge
    assert f(0) == (0, 1, 2)
    with slim.arg_scope(sc):                   # a scope dict re-entered
        assert f(0) == (0, 10, 2)
    with pytest.raises(ValueError, match="is not decorated with @add_arg_scope"):
        with slim.arg_scope([g], b=1):
            pass
    with pytest.raises(TypeError, match="list_ops_or_scope must either be a list/tuple"):
        with slim.arg_scope(f, b=1):
            pass
    with pytest.raises(ValueError, match="kwargs must be empty"):
        with slim.arg_scope(sc, b=1):
            pass
    assert slim.has_arg_scope(slim.conv2d) and not slim.has_arg_scope(g)
    assert slim.arg_scoped_arguments(f) == ["a", "b", "c"]
    assert tf.contrib.framework.arg_scope is slim.arg_scope
    assert tf.contrib.layers.conv2d is slim.conv2d


def test_repeat_and_stack_default_scopes():
    with tf.Graph().as_default():
        x = tf.zeros([1, 4, 4, 2])
        slim.repeat(x, 2, slim.conv2d, 3, [1, 1])
        slim.stack(slim.flatten(x), slim.fully_connected, [4, (5, )])
        names = [v.op.name for v in tf.global_variables()]
        assert names == ["Repeat/convolution2d_1/weights", "Repeat/convolution2d_1/biases",
                         "Repeat/convolution2d_2/weights", "Repeat/convolution2d_2/biases",
                         "Stack/fully_connected_1/weights", "Stack/fully_connected_1/biases",
                         "Stack/fully_connected_2/weights", "Stack/fully_connected_2/biases"]
        with pytest.raises(ValueError, match="stack_args need to be a list or tuple"):
            slim.stack(x, slim.fully_connected, 4)


def test_one_hot_encoding_and_unit_norm_values():
    with tf.Graph().as_default():
        oh = slim.one_hot_encoding(tf.constant([2, 0], tf.int32), 3)
        v = np.array([[3.0, 4.0], [0.0, 2.0]], np.float32)
        un = slim.unit_norm(tf.constant(v), 1)
        with tf.Session() as sess:
            oh_v, un_v = sess.run([oh, un])
        np.testing.assert_array_equal(oh_v, [[0, 0, 1], [1, 0, 0]])
        assert oh.op.name.startswith("OneHotEncoding/")
        np.testing.assert_allclose(un_v, v / np.sqrt(1e-7 + (v ** 2).sum(1, keepdims=True)), rtol=1e-6)


def test_end_points_collection_and_utils():
    with tf.Graph().as_default():
        with tf.variable_scope("net") as sc:
            end_points_collection = sc.original_name_scope + "_end_points"
            with slim.arg_scope([slim.conv2d, slim.max_pool2d], outputs_collections=end_points_collection):
                net = slim.conv2d(tf.zeros([1, 4, 4, 3]), 2, [3, 3], scope="conv1")
                net = slim.max_pool2d(net, [2, 2], scope="pool1")
            end_points = slim.utils.convert_collection_to_dict(end_points_collection)
        assert list(end_points) == ["net/conv1", "net/pool1"] and end_points["net/pool1"] is net
        assert slim.utils.two_element_tuple(3) == (3, 3) and slim.utils.last_dimension([2, 5]) == 5
        assert slim.utils.n_positive_integers(2, [1, 2]) == (1, 2)
        with pytest.raises(ValueError, match="last dimension shape must be known"):
            slim.utils.last_dimension([2, None])
        assert slim.initializers.xavier_initializer is tf.contrib.layers.xavier_initializer


def test_prefetch_queue_and_queue_runners():
    with tf.Graph().as_default():
        counter = tf.Variable(0, dtype=tf.int64)
        step = tf.assign_add(counter, 1)
        q = slim.prefetch_queue.prefetch_queue({"n": step, "sq": step * step}, capacity=4)
        batch = q.dequeue()
        assert any("fraction_of_4_full" in s.op.name for s in tf.get_collection(tf.GraphKeys.SUMMARIES))
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            with slim.queues.QueueRunners(sess):
                got = [sess.run(batch) for _ in range(3)]
        assert all(g["sq"] == g["n"] ** 2 for g in got) and [g["n"] for g in got] == sorted(g["n"] for g in got)
