"""Writes the TF-control-flow GraphDef fixtures of tests/framework/test_tf_control_flow_import.py.

Run with the TensorFlow oracle venv (never needed by the default test run; the generated files are
committed):

    .venv-tf/bin/python tests/data/make_tf_graphs.py

Each fixture is `tf_graphs/<name>.pb` (a GraphDef, frozen with convert_variables_to_constants where it
has variables) and `tf_graphs/<name>.npz` with the cases TF ran: for case i, `c{i}/feed/<tensor>` are
the fed values and `c{i}/fetch/<tensor>` TF's results (tensor names as "op:0").

v1 fixtures use TF1 control flow (Switch/Merge/Enter/Exit/NextIteration/LoopCond); `fn_*` fixtures use
control flow v2 (functional If/While over a FunctionDefLibrary). Keras 3 removed tf.layers and the
rnn cells from TF 2.x, so batch norm is built as TF1's tf.layers.batch_normalization(training=<tensor>)
builds it (a smart_cond between the training and inference fused_batch_norm) and the LSTM cell is
TF1's BasicLSTMCell math in a small cell class for tf.nn.dynamic_rnn.
"""
import os

import numpy as np
import tensorflow.compat.v1 as tf

tf.disable_v2_behavior()

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "tf_graphs")
rng = np.random.RandomState(0)


def save(name, graph, sess, fetch_names, cases, freeze=True):
    gd = graph.as_graph_def()
    if freeze:
        gd = tf.graph_util.convert_variables_to_constants(sess, gd, [f.split(":")[0] for f in fetch_names])
    with open(os.path.join(OUT, name + ".pb"), "wb") as f:
        f.write(gd.SerializeToString())
    arrays = {}
    for i, feeds in enumerate(cases):
        outs = sess.run(fetch_names, {graph.get_tensor_by_name(k): v for k, v in feeds.items()})
        for k, v in feeds.items():
            arrays[f"c{i}/feed/{k}"] = np.asarray(v)
        for k, v in zip(fetch_names, outs):
            arrays[f"c{i}/fetch/{k}"] = np.asarray(v)
    np.savez(os.path.join(OUT, name + ".npz"), **arrays)
    print(name, len(gd.node), "nodes", sorted({n.op for n in gd.node} & CF), len(gd.library.function), "functions")


CF = {"Switch", "Merge", "Enter", "Exit", "NextIteration", "LoopCond", "If", "StatelessIf", "While",
      "StatelessWhile", "PartitionedCall", "StatefulPartitionedCall", "RefSwitch", "RefMerge"}


def v1_cond():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [3], name="x")
        p = tf.placeholder(tf.bool, [], name="p")
        q = tf.placeholder(tf.bool, [], name="q")
        w = tf.Variable(np.array([0.5, -1.0, 2.0], np.float32), name="w")

        def true_fn():
            inner = tf.cond(q, lambda: x - w, lambda: x * x, name="inner")
            return x * 2.0 + 1.0, inner

        a, b = tf.cond(p, true_fn, lambda: (tf.square(x) - 3.0, x), name="outer")
        c = tf.cond(p, lambda: tf.reduce_sum(a), lambda: tf.constant(7.0), name="second")  # same pred
        out_a, out_b, out_c = tf.identity(a, "out_a"), tf.identity(b, "out_b"), tf.identity(c, "out_c")
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            xv = np.array([1.5, -2.0, 3.0], np.float32)
            cases = [{"x:0": xv, "p:0": pv, "q:0": qv} for pv in (True, False) for qv in (True, False)]
            save("v1_cond", g, s, [out_a.name, out_b.name, out_c.name], cases)


def batch_norm(x, training, name="batch_normalization"):
    """TF1's tf.layers.batch_normalization(x, training=<bool tensor>, fused) graph, inference part."""
    ch = x.shape[-1].value
    with tf.variable_scope(name):
        gamma = tf.get_variable("gamma", initializer=rng.uniform(0.5, 1.5, ch).astype(np.float32))
        beta = tf.get_variable("beta", initializer=rng.normal(size=ch).astype(np.float32))
        mean = tf.get_variable("moving_mean", initializer=rng.normal(size=ch).astype(np.float32),
                               trainable=False)
        var = tf.get_variable("moving_variance", initializer=rng.uniform(0.5, 2, ch).astype(np.float32),
                              trainable=False)
        out, batch_mean, batch_var = tf.cond(
            training,
            lambda: tf.nn.fused_batch_norm(x, gamma, beta, epsilon=1e-3, is_training=True),
            lambda: tf.nn.fused_batch_norm(x, gamma, beta, mean, var, epsilon=1e-3, is_training=False),
            name="cond")
        # layers' moving-average update factor: smart_cond(training, lambda: momentum, lambda: 1.0)
        momentum = tf.cond(training, lambda: tf.constant(0.99), lambda: tf.constant(1.0), name="cond_1")
        new_mean = mean - (1.0 - momentum) * (mean - batch_mean)
    return out, new_mean


def v1_batch_norm():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 3, 3, 4], name="x")
        training = tf.placeholder(tf.bool, [], name="is_training")
        y, new_mean = batch_norm(x, training)
        y = tf.nn.relu(y, name="out")
        new_mean = tf.identity(new_mean, "new_mean")
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            xv = rng.normal(size=(2, 3, 3, 4)).astype(np.float32)
            save("v1_batch_norm", g, s, [y.name, new_mean.name],
                 [{"x:0": xv, "is_training:0": t} for t in (False, True)])


def v1_while():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [5], name="x")
        n = tf.placeholder(tf.int32, [], name="n")
        i, s_, p_ = tf.while_loop(lambda i, s, p: i < n,
                                  lambda i, s, p: (i + 1, s + x[i], p * x[i]),
                                  [tf.constant(0), tf.constant(0.0), tf.constant(1.0)], name="loop")
        outs = [tf.identity(i, "out_i"), tf.identity(s_, "out_s"), tf.identity(p_, "out_p")]
        with tf.Session() as s:
            xv = np.array([1.5, -2.0, 3.0, 0.5, 2.5], np.float32)
            save("v1_while", g, s, [t.name for t in outs], [{"x:0": xv, "n:0": k} for k in (0, 3, 5)])


def v1_nested_while():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [4], name="x")
        n = tf.placeholder(tf.int32, [], name="n")

        def outer_body(i, acc):
            def inner_body(j, a):
                # a cond inside the inner loop body
                term = tf.cond(x[j] > 0, lambda: x[i] * x[j], lambda: -x[j], name="pos")
                return j + 1, a + term
            _, a = tf.while_loop(lambda j, a: j <= i, inner_body, [tf.constant(0), acc], name="inner")
            return i + 1, a

        _, acc = tf.while_loop(lambda i, acc: i < n, outer_body, [tf.constant(0), tf.constant(0.0)],
                               name="outer")
        out = tf.identity(acc, "out")
        with tf.Session() as s:
            xv = np.array([1.5, -2.0, 3.0, 0.5], np.float32)
            save("v1_nested_while", g, s, [out.name], [{"x:0": xv, "n:0": k} for k in (0, 2, 4)])


class LSTM:
    """TF1 BasicLSTMCell's math (forget_bias 1.0, gates i, j, f, o) for tf.nn.dynamic_rnn."""

    def __init__(self, units):
        self.units = units

    @property
    def state_size(self):
        return (self.units, self.units)

    @property
    def output_size(self):
        return self.units

    def zero_state(self, batch_size, dtype):
        return (tf.zeros([batch_size, self.units], dtype), tf.zeros([batch_size, self.units], dtype))

    def get_initial_state(self, inputs=None, batch_size=None, dtype=None):
        return self.zero_state(batch_size, dtype)

    def __call__(self, inputs, state, scope=None):
        c, h = state
        with tf.variable_scope("lstm_cell", reuse=tf.AUTO_REUSE):
            depth = inputs.shape[-1].value
            kernel = tf.get_variable("kernel", initializer=rng.normal(
                scale=0.5, size=(depth + self.units, 4 * self.units)).astype(np.float32))
            bias = tf.get_variable("bias", initializer=rng.normal(scale=0.1, size=4 * self.units)
                                   .astype(np.float32))
        gates = tf.nn.bias_add(tf.matmul(tf.concat([inputs, h], 1), kernel), bias)
        i, j, f, o = tf.split(gates, 4, axis=1)
        new_c = c * tf.sigmoid(f + 1.0) + tf.sigmoid(i) * tf.tanh(j)
        new_h = tf.tanh(new_c) * tf.sigmoid(o)
        return new_h, (new_c, new_h)


def v1_dynamic_rnn():
    g = tf.Graph()
    with g.as_default():
        x = tf.placeholder(tf.float32, [2, 4, 3], name="x")
        seq = tf.placeholder(tf.int32, [2], name="seq_len")
        outputs, (c, h) = tf.nn.dynamic_rnn(LSTM(5), x, sequence_length=seq, dtype=tf.float32)
        outs = [tf.identity(outputs, "outputs"), tf.identity(c, "final_c"), tf.identity(h, "final_h")]
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            xv = rng.normal(size=(2, 4, 3)).astype(np.float32)
            save("v1_dynamic_rnn", g, s, [t.name for t in outs],
                 [{"x:0": xv, "seq_len:0": np.array(v, np.int32)} for v in ([4, 2], [1, 3])])


def fn_cond_while():
    """Control flow v2: If/StatelessIf and While/StatelessWhile ops over the graph's function library."""
    tf.enable_control_flow_v2()
    try:
        g = tf.Graph()
        with g.as_default():
            x = tf.placeholder(tf.float32, [3], name="x")
            p = tf.placeholder(tf.bool, [], name="p")
            n = tf.placeholder(tf.int32, [], name="n")
            a, b = tf.cond(p, lambda: (x * 2.0 + 1.0, tf.reduce_sum(x)),
                           lambda: (tf.square(x) - 3.0, tf.constant(-1.0)), name="fcond")
            def body(i, s):
                return i + 1, s * 1.5 + tf.cond(tf.reduce_sum(s) > 2.0, lambda: a, lambda: -a)

            _, s_ = tf.while_loop(lambda i, s: i < n, body, [tf.constant(0), tf.zeros([3])], name="fwhile")
            outs = [tf.identity(a, "out_a"), tf.identity(b, "out_b"), tf.identity(s_, "out_s")]
            with tf.Session() as s:
                xv = np.array([1.5, -2.0, 3.0], np.float32)
                save("fn_cond_while", g, s, [t.name for t in outs],
                     [{"x:0": xv, "p:0": pv, "n:0": k} for pv in (True, False) for k in (0, 3)], freeze=False)
    finally:
        tf.disable_control_flow_v2()


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    tf.disable_control_flow_v2()
    v1_cond()
    v1_batch_norm()
    v1_while()
    v1_nested_while()
    v1_dynamic_rnn()
    fn_cond_while()
