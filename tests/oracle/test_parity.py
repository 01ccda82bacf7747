"""Parity with real TensorFlow (tf.compat.v1): the same graph built with both, values and gradients.

Optional (`nox -s oracle`, or any venv with `tensorflow-cpu` and compat_tf): skipped when
TensorFlow is not installed, so the default test run never needs it. Real TensorFlow must be
imported before compat_tf in the process (both register TF's .proto file names; compat_tf reuses
TF's when it comes second), so run this directory on its own: `pytest tests/oracle`.

Each case is a builder `f(tf, *inputs) -> list of float tensors`, run with both modules on the
same NumPy inputs; the test compares the outputs and `tf.gradients` of a weighted sum of them
with respect to every input (None where TF gives None).
"""
import numpy as np
import pytest

try:
    import tensorflow.compat.v1 as real_tf
    real_tf.disable_v2_behavior()
except ImportError:
    pytest.skip("tensorflow is not installed (optional oracle; nox -s oracle)", allow_module_level=True)
except TypeError as e:  # compat_tf was imported first in this process
    pytest.skip(f"import tensorflow before compat_tf to run the oracle tests ({e})", allow_module_level=True)

import compat_tf  # noqa: E402

pytestmark = pytest.mark.oracle
RS = np.random.RandomState(1234)


def _x(*shape, lo=-2.0, hi=2.0):
    return RS.uniform(lo, hi, size=shape).astype(np.float32)


def _pos(*shape):
    return _x(*shape, lo=0.2, hi=3.0)


def _run(tf, build, inputs):
    graph = tf.Graph()
    with graph.as_default():
        phs = [tf.placeholder(tf.as_dtype(a.dtype), a.shape) for a in inputs]
        outs = build(tf, *phs)
        floats = [o for o in outs if o.dtype.is_floating]
        # a weighted sum, so that a gradient permuted or summed wrongly shows
        total = tf.add_n([tf.reduce_sum(tf.reshape(o, [-1]) * tf.cast(tf.range(1, tf.size(o) + 1), o.dtype))
                          / tf.cast(tf.size(o), o.dtype) for o in floats])
        grads = tf.gradients(total, phs)
        fetch = list(outs) + [g for g in grads if g is not None]
        with tf.Session(graph=graph) as sess:
            vals = sess.run(fetch, dict(zip(phs, inputs)))
    n = len(outs)
    grad_vals, it = [], iter(vals[n:])
    for g in grads:
        grad_vals.append(None if g is None else next(it))
    return vals[:n], grad_vals


CASES = {
    "unary_math": (lambda tf, x: [tf.abs(x), tf.square(x), tf.exp(x), tf.tanh(x), tf.sigmoid(x), tf.sin(x),
                                  tf.nn.softplus(x), tf.math.erf(x), tf.nn.relu(x), tf.nn.elu(x), tf.nn.selu(x),
                                  tf.nn.relu6(x), tf.nn.leaky_relu(x), tf.sign(x), tf.round(x)], [_x(3, 4)]),
    "positive_math": (lambda tf, x: [tf.sqrt(x), tf.rsqrt(x), tf.log(x), tf.log1p(x), tf.reciprocal(x),
                                     tf.lgamma(x), tf.digamma(x), tf.pow(x, 1.7)], [_pos(5)]),
    "binary_broadcast": (lambda tf, a, b: [a + b, a - b, a * b, a / b, tf.maximum(a, b), tf.minimum(a, b),
                                           tf.squared_difference(a, b), tf.atan2(a, b), tf.floormod(a, b)],
                         [_x(2, 3), _pos(3)]),
    "reductions": (lambda tf, x: [tf.reduce_sum(x, 1), tf.reduce_mean(x, 0, keepdims=True), tf.reduce_max(x, 1),
                                  tf.reduce_min(x), tf.reduce_prod(x, 0), tf.reduce_logsumexp(x, 1),
                                  tf.cumsum(x, 1, exclusive=True), tf.cumprod(x, 0, reverse=True)],
                   [_x(3, 4)]),
    "matmul_family": (lambda tf, a, b: [tf.matmul(a, b), tf.matmul(a, b, transpose_a=True, transpose_b=True)[:1],
                                        tf.tensordot(a, b, 1), tf.einsum("ij,jk->ik", a, b)],
                      [_x(3, 3), _x(3, 3)]),
    "softmax_and_losses": (lambda tf, logits, labels: [
        tf.nn.softmax(logits), tf.nn.log_softmax(logits),
        tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax(labels), logits=logits),
        tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.sigmoid(labels), logits=logits),
        tf.losses.mean_squared_error(labels, logits), tf.losses.huber_loss(labels, logits),
        tf.nn.l2_loss(logits)], [_x(4, 5), _x(4, 5)]),
    "conv_pool": (lambda tf, img, w: [
        tf.nn.conv2d(img, w, [1, 1, 1, 1], "SAME"), tf.nn.conv2d(img, w, [1, 2, 2, 1], "VALID"),
        tf.nn.max_pool(img, [1, 2, 2, 1], [1, 2, 2, 1], "SAME"),
        tf.nn.avg_pool(img, [1, 3, 3, 1], [1, 1, 1, 1], "VALID"),
        tf.nn.depthwise_conv2d(img, tf.transpose(w, [0, 1, 2, 3])[:, :, :, :1], [1, 1, 1, 1], "SAME"),
        tf.nn.conv2d_transpose(img, tf.transpose(w, [0, 1, 3, 2])[:, :, :, :], [2, 6, 6, 2], [1, 1, 1, 1],
                               "SAME")[..., :1]],
                  [_x(2, 6, 6, 2), _x(3, 3, 2, 2)]),
    "normalization": (lambda tf, x, scale: [
        tf.nn.batch_normalization(x, *tf.nn.moments(x, [0]), offset=None, scale=scale, variance_epsilon=1e-3),
        tf.nn.l2_normalize(x, 1), tf.nn.lrn(tf.reshape(x, [1, 2, 2, 6]), 2, 1.0, 0.5, 0.75)],
                      [_x(4, 6), _pos(6)]),
    "array_ops": (lambda tf, x: [
        tf.transpose(x, [1, 0, 2]), tf.reshape(x, [6, -1]), tf.concat([x, x * 2], 1), tf.stack([x, -x], 3),
        tf.tile(x, [1, 2, 1]), tf.pad(x, [[1, 0], [0, 2], [1, 1]], mode="REFLECT"), tf.reverse(x, [1]),
        tf.strided_slice(x, [0, 1, 0], [2, 3, 4], [1, 1, 2]), x[:, ::-1, 1:], tf.gather(x, [2, 0], axis=1),
        tf.gather_nd(x, [[0, 1], [1, 2]]), tf.slice(x, [0, 1, 1], [2, 2, 2]), tf.split(x, 2, axis=2)[1]],
                  [_x(2, 3, 4)]),
    "segment_and_scatter": (lambda tf, x: [
        tf.unsorted_segment_sum(x, [0, 2, 0, 1], 3), tf.segment_max(x, [0, 0, 1, 1]),
        tf.scatter_nd([[1], [3]], x[:2], [5, 3]), tf.math.segment_mean(x, [0, 1, 1, 2])],
                            [_x(4, 3)]),
    "cond_and_loop": (lambda tf, x: [
        tf.cond(tf.reduce_sum(x) > 0, lambda: x * 3.0, lambda: tf.sin(x)),
        tf.while_loop(lambda i, a: i < 4, lambda i, a: (i + 1, a * x + 1.0), (0, tf.ones_like(x)),
                      maximum_iterations=4)[1],
        tf.map_fn(lambda r: tf.reduce_sum(r * r), x)], [_x(3, 2)]),
    "clip": (lambda tf, x, y: [tf.clip_by_value(x, -0.5, 0.7), tf.clip_by_norm(x, 1.0),
                               tf.clip_by_global_norm([x, y], 2.0)[0][1], tf.clip_by_average_norm(x, 0.5)],
             [_x(3, 3), _x(4)]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_tensorflow(name):
    build, inputs = CASES[name]
    want_vals, want_grads = _run(real_tf, build, inputs)
    got_vals, got_grads = _run(compat_tf, build, inputs)
    for i, (g, w) in enumerate(zip(got_vals, want_vals)):
        np.testing.assert_allclose(g, w, rtol=2e-5, atol=2e-5, err_msg=f"{name}: output {i}")
    for i, (g, w) in enumerate(zip(got_grads, want_grads)):
        assert (g is None) == (w is None), f"{name}: gradient {i}: compat_tf {g is not None}, TF {w is not None}"
        if w is not None:
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-4, err_msg=f"{name}: gradient {i}")


def test_seeded_shapes_and_names_match_tensorflow():
    """Op names, static shapes and dtypes of a small model agree with TF's."""
    def build(tf):
        x = tf.placeholder(tf.float32, [None, 5], name="x")
        with tf.variable_scope("layer"):
            w = tf.get_variable("w", [5, 3])
            y = tf.nn.relu(tf.matmul(x, w) + 1.0)
        loss = tf.reduce_mean(tf.square(y))
        train = tf.train.AdamOptimizer(0.1).minimize(loss)
        return [(t.name, t.shape.as_list() if t.shape.ndims is not None else None, t.dtype.name)
                for t in (x, w, y, loss)] + [sorted(v.name for v in tf.global_variables()), train.type]
    out = []
    for tf in (real_tf, compat_tf):
        with tf.Graph().as_default():
            out.append(build(tf))
    assert out[0] == out[1]
