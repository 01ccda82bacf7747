"""TF's symbolic gradient op types (compat_tf/_src/ops/tf_gradient_ops.py) and TF-written training graphs.

Part 1 imports training graphs written by REAL TensorFlow (tests/data/tf_meta_graphs, made by
tests/data/make_tf_meta_graphs.py under the oracle venv), restores their checkpoint, runs the
train op 3 times and compares the losses and every variable with what TF computed.
Part 2 checks each gradient op alone against NumPy references (boundary values taken from
TF's kernels) and against compat_tf's own gradients (jax.vjp of the forward lowering).
"""
import json
import os

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.ops._op_util import make_op

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "tf_meta_graphs")
RS = np.random.RandomState(0)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def op(op_type, inputs, n=1, **attrs):
    o = make_op(op_type, inputs, attrs)
    return o.outputs[0] if n == 1 else o.outputs[:n]


def f32(*shape):
    return RS.randn(*shape).astype(np.float32)


# -- part 1: TF-written training graphs ------------------------------------------------------------

# op types each fixture's train op must contain (so the test really runs TF's gradient ops)
FIXTURES = {
    "mlp_gd": {"TanhGrad", "SigmoidGrad", "ReluGrad", "BiasAddGrad", "SoftmaxCrossEntropyWithLogits",
               "ApplyGradientDescent"},
    "mlp_adam": {"TanhGrad", "SigmoidGrad", "ReluGrad", "BiasAddGrad", "ApplyAdam", "AssignAdd"},
    "cnn_momentum": {"Conv2DBackpropInput", "Conv2DBackpropFilter", "MaxPoolGrad", "AvgPoolGrad", "ReluGrad",
                     "BiasAddGrad", "ConcatOffset", "SparseSoftmaxCrossEntropyWithLogits", "ApplyMomentum"},
    "bn_rmsprop": {"FusedBatchNormV3", "FusedBatchNormGradV3", "EluGrad", "ReluGrad", "Conv2DBackpropFilter",
                   "ApplyRMSProp", "AssignSub"},
    "activations_adagrad": {"DepthwiseConv2dNativeBackpropFilter", "LRNGrad", "AvgPoolGrad", "EluGrad",
                            "SeluGrad", "LeakyReluGrad", "Relu6Grad", "SoftsignGrad", "RsqrtGrad", "SqrtGrad",
                            "ReciprocalGrad", "ConcatOffset", "BroadcastGradientArgs", "ApplyAdagrad"},
}


def _load(name):
    d = os.path.join(DATA, name)
    with open(os.path.join(d, "expected.json")) as f:
        meta = json.load(f)
    arrays = np.load(os.path.join(d, "expected.npz"))
    return d, meta, {k: arrays[k] for k in arrays.files}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_tf_written_training_graph_matches_tf(name):
    d, meta, arrays = _load(name)
    saver = tf.train.import_meta_graph(os.path.join(d, "model.ckpt.meta"))
    g = tf.get_default_graph()
    types = {o.type for o in g.get_operations()}
    assert FIXTURES[name] <= types, FIXTURES[name] - types
    train_op = tf.get_collection("train_op")[0]
    assert train_op.name == meta["train_op"]
    feed = {k[len("feed/"):]: v for k, v in arrays.items() if k.startswith("feed/")}
    assert sorted(feed) == meta["feeds"]
    variables = tf.global_variables()
    expected = {k[len("var/"):]: v for k, v in arrays.items() if k.startswith("var/")}
    assert sorted(v.op.name for v in variables) == sorted(expected)
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(d, "model.ckpt"))
        before = {v.op.name: sess.run(v) for v in variables}
        losses = [sess.run(meta["loss"], feed)]
        for _ in range(meta["steps"]):
            sess.run(train_op, feed)
            losses.append(sess.run(meta["loss"], feed))
        after = {v.op.name: sess.run(v) for v in variables}
    np.testing.assert_allclose(losses, arrays["losses"], rtol=1e-4)
    assert abs(losses[-1] - losses[0]) > 1e-3           # the steps changed the model
    moved = 0
    for k, want in expected.items():
        np.testing.assert_allclose(after[k], want, rtol=1e-4, atol=1e-6, err_msg=k)
        moved += not np.allclose(before[k], want, rtol=1e-4, atol=1e-6)
    assert moved >= len(FIXTURES[name] & {"ApplyAdam"}) + 2   # the variables were trained, not just restored


def test_mlp_adam_global_step_and_slots():
    d, meta, arrays = _load("mlp_adam")
    saver = tf.train.import_meta_graph(os.path.join(d, "model.ckpt.meta"))
    feed = {k[len("feed/"):]: v for k, v in arrays.items() if k.startswith("feed/")}
    with tf.Session() as sess:
        saver.restore(sess, os.path.join(d, "model.ckpt"))
        assert sess.run(tf.train.get_global_step()) == 0
        for _ in range(3):
            sess.run(tf.get_collection("train_op")[0], feed)
        assert sess.run(tf.train.get_global_step()) == 3
        np.testing.assert_allclose(sess.run("beta1_power:0"), 0.9 ** 4, rtol=1e-6)
        np.testing.assert_allclose(sess.run("l1/w/Adam_1:0"), arrays["var/l1/w/Adam_1"], rtol=1e-4, atol=1e-9)


# -- part 2: each op alone --------------------------------------------------------------------------

X = np.array([[-2.0, -0.5, 0.0, 0.3], [1.0, 5.9, 6.0, 7.5]], np.float32)
G = np.array([[1.0, -2.0, 3.0, 0.5], [-1.5, 2.5, 0.25, 4.0]], np.float32)


@pytest.mark.parametrize("op_type,forward,ref", [
    ("TanhGrad", np.tanh, lambda y, dy: dy * (1 - y * y)),
    ("SigmoidGrad", lambda x: 1 / (1 + np.exp(-x)), lambda y, dy: dy * y * (1 - y)),
    ("RsqrtGrad", lambda x: 1 / np.sqrt(np.abs(x) + 0.5), lambda y, dy: -0.5 * dy * y ** 3),
    ("SqrtGrad", lambda x: np.sqrt(np.abs(x) + 0.5), lambda y, dy: 0.5 * dy / y),
    ("ReciprocalGrad", lambda x: 1 / (np.abs(x) + 0.5), lambda y, dy: -dy * y * y),
    ("InvGrad", lambda x: 1 / (np.abs(x) + 0.5), lambda y, dy: -dy * y * y),
])
def test_output_based_grads_take_y_then_dy(op_type, forward, ref):
    y = forward(X.astype(np.float64)).astype(np.float32)
    got = run(op(op_type, [y, G]))
    np.testing.assert_allclose(got, ref(y.astype(np.float64), G), rtol=1e-6, atol=1e-7)
    swapped = run(op(op_type, [G, y]))        # the wrong input order gives other numbers
    assert not np.allclose(swapped, got)


def test_output_based_grads_equal_compat_tf_gradients():
    x = tf.constant(X.astype(np.float64))
    pos = tf.abs(x) + 0.5
    for fwd, grad_type in ((tf.tanh, "TanhGrad"), (tf.sigmoid, "SigmoidGrad"), (tf.math.rsqrt, "RsqrtGrad"),
                           (tf.sqrt, "SqrtGrad"), (tf.math.reciprocal, "ReciprocalGrad")):
        arg = x if grad_type in ("TanhGrad", "SigmoidGrad") else pos
        y = fwd(arg)
        want = tf.gradients(y, arg, grad_ys=G.astype(np.float64))[0]
        got = op(grad_type, [y, G.astype(np.float64)])
        a, b = run([got, want])
        np.testing.assert_allclose(a, b, rtol=1e-9, err_msg=grad_type)


def test_feature_based_grads_at_tf_kernel_boundaries():
    ones = np.ones(4, np.float32)
    x = np.array([-1.0, 0.0, 6.0, 3.0], np.float32)
    # values from TF 2.21's kernels (gen_nn_ops.*_grad)
    np.testing.assert_array_equal(run(op("ReluGrad", [ones, x])), [0, 0, 1, 1])
    np.testing.assert_array_equal(run(op("Relu6Grad", [ones, x])), [0, 0, 0, 1])
    np.testing.assert_allclose(run(op("LeakyReluGrad", [ones, x], alpha=0.1)), [0.1, 0.1, 1, 1], rtol=1e-7)
    np.testing.assert_allclose(run(op("LeakyReluGrad", [ones, x])), [0.2, 0.2, 1, 1], rtol=1e-7)  # default
    outs = np.array([-0.5, 0.0, 2.0], np.float32)
    np.testing.assert_allclose(run(op("EluGrad", [ones[:3], outs])), [0.5, 1.0, 1.0], rtol=1e-7)
    np.testing.assert_allclose(run(op("SeluGrad", [ones[:3], outs])), [1.2580993, 1.050701, 1.050701], rtol=1e-6)
    f = np.array([-1.0, 2.0], np.float32)
    np.testing.assert_allclose(run(op("SoftsignGrad", [ones[:2], f])), [0.25, 1 / 9], rtol=1e-6)
    np.testing.assert_allclose(run(op("SoftplusGrad", [ones[:2], f])), [0.26894143, 0.880797], rtol=1e-6)


@pytest.mark.parametrize("op_type,fwd,attrs", [
    ("ReluGrad", lambda x: tf.nn.relu(x), {}),
    ("Relu6Grad", lambda x: tf.nn.relu6(x), {}),
    ("LeakyReluGrad", lambda x: tf.nn.leaky_relu(x, alpha=0.3), {"alpha": 0.3}),
    ("SoftplusGrad", lambda x: tf.nn.softplus(x), {}),
    ("SoftsignGrad", lambda x: tf.nn.softsign(x), {}),
    ("EluGrad", lambda x: tf.nn.elu(x), {}),
    ("SeluGrad", lambda x: tf.nn.selu(x), {}),
])
def test_feature_based_grads_equal_compat_tf_gradients(op_type, fwd, attrs):
    xv = np.array([[-2.0, -0.5, 0.7, 0.3], [1.0, 5.9, 6.5, 7.5]], np.float32)   # off the kinks
    x = tf.constant(xv)
    y = fwd(x)
    want = tf.gradients(y, x, grad_ys=G)[0]
    second = y if op_type in ("EluGrad", "SeluGrad") else x     # Elu/Selu take the outputs
    got = op(op_type, [G, second], **attrs)
    a, b = run([got, want])
    np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert np.abs(a).sum() > 0


@pytest.mark.parametrize("shape,data_format,axes", [
    ((2, 5, 6, 3), "NHWC", (0, 1, 2)), ((2, 5, 6, 3), "NCHW", (0, 2, 3)), ((3, 4), "NHWC", (0,)),
    ((3, 4), "NCHW", (0,)), ((2, 3, 4, 5, 6), "NCHW", (0, 2, 3, 4)),
])
def test_bias_add_grad_sums_all_but_channels(shape, data_format, axes):
    g = f32(*shape)
    got = run(op("BiasAddGrad", [g], data_format=data_format))
    np.testing.assert_allclose(got, g.sum(axis=axes), rtol=1e-5, atol=1e-5)


def _windows(shape, ksize, strides, padding):
    """(output index, list of in-range input indices of the window, in row-major order)."""
    pads = []
    for n, k, s in zip(shape, ksize, strides):
        if padding == "SAME":
            out = -(-n // s)
            pads.append((out, max((out - 1) * s + k - n, 0) // 2))
        else:
            pads.append(((n - k) // s + 1, 0))
    for o in np.ndindex(*[p[0] for p in pads]):
        ranges = [range(max(oi * s - lo, 0), min(oi * s - lo + k, n))
                  for oi, s, (_, lo), k, n in zip(o, strides, pads, ksize, shape)]
        yield o, [tuple(r[i] for r, i in zip(ranges, ix)) for ix in np.ndindex(*[len(r) for r in ranges])]


def _np_max_pool_grad(x, g, ksize, strides, padding):
    out = np.zeros_like(x)
    for o, window in _windows(x.shape, ksize, strides, padding):
        best = window[0]
        for i in window[1:]:
            if x[i] > x[best]:        # strictly greater: the first maximum wins, as TF's CPU kernel
                best = i
        out[best] += g[o]
    return out


def _np_avg_pool_grad(shape, g, ksize, strides, padding):
    out = np.zeros(shape, np.float64)
    for o, window in _windows(shape, ksize, strides, padding):
        for i in window:
            out[i] += g[o] / len(window)
    return out


POOLS = [((1, 2, 2, 1), (1, 2, 2, 1), "SAME"), ((1, 3, 3, 1), (1, 1, 2, 1), "SAME"),
         ((1, 3, 2, 1), (1, 2, 1, 1), "VALID"), ((1, 2, 2, 1), (1, 1, 1, 1), "VALID"),
         ((1, 3, 3, 1), (1, 2, 2, 1), "SAME")]


@pytest.mark.parametrize("ksize,strides,padding", POOLS)
def test_max_pool_grad_routes_to_first_maximum(ksize, strides, padding):
    x = np.round(f32(2, 5, 6, 3) * 2) / 2          # many ties
    y = tf.nn.max_pool(x, ksize, strides, padding)
    g = f32(*y.shape.as_list())
    want = _np_max_pool_grad(x, g, ksize, strides, padding)
    got = run(op("MaxPoolGrad", [x, y, g], ksize=ksize, strides=strides, padding=padding))
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    got2 = run(op("MaxPoolGradV2", [x, y, g, np.array(ksize, np.int32), np.array(strides, np.int32)],
                  padding=padding))
    np.testing.assert_allclose(got2, want, rtol=1e-5, atol=1e-6)
    # MaxPoolGradGrad gathers a gradient of x's shape at the same positions
    gg = f32(*x.shape)
    got3 = run(op("MaxPoolGradGrad", [x, y, gg], ksize=ksize, strides=strides, padding=padding))
    want3 = np.zeros(y.shape.as_list(), np.float32)
    for o, window in _windows(x.shape, ksize, strides, padding):
        best = window[0]
        for i in window[1:]:
            if x[i] > x[best]:
                best = i
        want3[o] = gg[best]
    np.testing.assert_allclose(got3, want3)


def test_max_pool_grad_tie_goes_to_first_element():
    x = np.full((1, 2, 2, 1), 3.0, np.float32)
    y = tf.nn.max_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    got = run(op("MaxPoolGrad", [x, y, np.full((1, 1, 1, 1), 5.0, np.float32)], ksize=[1, 2, 2, 1],
                 strides=[1, 2, 2, 1], padding="VALID"))
    np.testing.assert_array_equal(got.reshape(-1), [5, 0, 0, 0])


def test_max_pool_grad_equals_compat_tf_gradient():
    x = f32(2, 6, 6, 2)
    xt = tf.constant(x)
    y = tf.nn.max_pool(xt, [1, 3, 3, 1], [1, 2, 2, 1], "SAME")
    g = f32(*y.shape.as_list())
    want = tf.gradients(y, xt, grad_ys=g)[0]
    got = op("MaxPoolGrad", [xt, y, g], ksize=[1, 3, 3, 1], strides=[1, 2, 2, 1], padding="SAME")
    a, b = run([got, want])
    np.testing.assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("ksize,strides,padding", POOLS)
def test_avg_pool_grad_divides_by_valid_elements(ksize, strides, padding):
    shape = (2, 5, 6, 3)
    y = tf.nn.avg_pool(tf.zeros(shape), ksize, strides, padding)
    g = f32(*y.shape.as_list())
    t = op("AvgPoolGrad", [np.array(shape, np.int32), g], ksize=ksize, strides=strides, padding=padding)
    assert t.shape.as_list() == list(shape)
    np.testing.assert_allclose(run(t), _np_avg_pool_grad(shape, g, ksize, strides, padding), rtol=1e-5, atol=1e-6)


def test_avg_pool_grad_with_run_time_shape():
    x = tf.placeholder(tf.float32, [None, 4, 4, 1])
    y = tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID")
    t = op("AvgPoolGrad", [tf.shape(x), tf.ones_like(y)], ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1],
           padding="VALID")
    assert t.shape.as_list()[1:] == [None] * 3 or t.shape.ndims == 4
    got = run(t, {x: np.zeros((3, 4, 4, 1), np.float32)})
    np.testing.assert_allclose(got, np.full((3, 4, 4, 1), 0.25))


def _np_lrn(x, r, bias, alpha, beta):
    sq = np.square(x)
    c = x.shape[-1]
    s = np.stack([sq[..., max(0, d - r):min(c, d + r + 1)].sum(-1) for d in range(c)], -1)
    return x / (bias + alpha * s) ** beta


def test_lrn_grad_matches_finite_differences():
    x = RS.randn(1, 2, 2, 5)
    w = RS.randn(1, 2, 2, 5)
    attrs = dict(depth_radius=1, bias=1.5, alpha=0.3, beta=0.75)
    out = _np_lrn(x, 1, 1.5, 0.3, 0.75)
    got = run(op("LRNGrad", [w, x, out], **attrs))
    eps = 1e-6
    num = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        num[i] = ((_np_lrn(xp, 1, 1.5, 0.3, 0.75) - _np_lrn(xm, 1, 1.5, 0.3, 0.75)) * w).sum() / (2 * eps)
    np.testing.assert_allclose(got, num, rtol=1e-6, atol=1e-8)


def _np_bn_grad(dy, x, scale, mean, var, eps, training, axes):
    shape = [1 if i in axes else x.shape[i] for i in range(x.ndim)]
    inv = 1 / np.sqrt(var + eps)
    xc = x - mean.reshape(shape)
    n = np.prod([x.shape[i] for i in axes])
    d_off = dy.sum(axes)
    d_scale = (dy * xc).sum(axes) * inv
    if training:
        dx = (scale * inv).reshape(shape) * (dy - d_off.reshape(shape) / n
                                             - xc * ((dy * xc).sum(axes) / n / (var + eps)).reshape(shape))
    else:
        dx = dy * (scale * inv).reshape(shape)
    return dx, d_scale, d_off


@pytest.mark.parametrize("version", ["FusedBatchNormGrad", "FusedBatchNormGradV2", "FusedBatchNormGradV3"])
@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("data_format", ["NHWC", "NCHW"])
def test_fused_batch_norm_grad(version, training, data_format):
    x = f32(4, 3, 5, 2) * 2 + 1
    dy = f32(4, 3, 5, 2)
    axes = (0, 1, 2) if data_format == "NHWC" else (0, 2, 3)
    c = x.shape[3] if data_format == "NHWC" else x.shape[1]
    scale = (RS.rand(c) + 0.5).astype(np.float32)
    if training:
        mean, var = x.mean(axes), x.var(axes)          # reserve spaces: batch mean, population variance
    else:
        mean, var = RS.randn(c).astype(np.float32), (RS.rand(c) + 0.5).astype(np.float32)
    ins = [dy, x, scale, mean, var] + ([np.zeros(0, np.float32)] if version.endswith("V3") else [])
    outs = op(version, ins, n=5, epsilon=1e-3, is_training=training, data_format=data_format)
    got = run(outs)
    want = _np_bn_grad(dy.astype(np.float64), x.astype(np.float64), scale, mean.astype(np.float64),
                       var.astype(np.float64), 1e-3, training, axes)
    for a, b, what in zip(got, want, ("x_backprop", "scale_backprop", "offset_backprop")):
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5, err_msg=what)
    assert got[3].shape == (0,) and got[4].shape == (0,)


def test_fused_batch_norm_grad_v3_equals_compat_tf_gradients_of_training_batch_norm():
    x = tf.constant(f32(3, 4, 4, 2))
    scale = tf.constant(np.array([1.3, 0.6], np.float32))
    offset = tf.constant(np.array([0.1, -0.2], np.float32))
    bn = make_op("FusedBatchNormV3", [x, scale, offset, np.zeros(0, np.float32), np.zeros(0, np.float32)],
                 {"epsilon": 1e-3, "is_training": True, "data_format": "NHWC"})
    dy = f32(3, 4, 4, 2)
    want = tf.gradients(bn.outputs[0], [x, scale, offset], grad_ys=dy)
    got = op("FusedBatchNormGradV3", [dy, x, scale, bn.outputs[3], bn.outputs[4], bn.outputs[5]], n=3,
             epsilon=1e-3, is_training=True)
    a, b = run([list(got), want])
    for u, v in zip(a, b):
        np.testing.assert_allclose(u, v, rtol=1e-4, atol=1e-5)


# values from TF 2.21's BroadcastGradientArgs kernel
BGA = [([2, 1, 3], [3], [1], [0, 1]), ([1], [1], [], []), ([], [2, 1], [0, 1], [1]), ([1, 1], [1], [0, 1], [0, 1]),
       ([2, 3], [2, 3], [], []), ([4, 1, 1], [1, 5, 1], [1, 2], [0, 2]), ([3], [2, 3], [0], []),
       ([1, 2], [2, 1], [0], [1]), ([], [], [], []), ([5, 1], [1], [1], [0, 1])]


@pytest.mark.parametrize("s0,s1,r0,r1", BGA)
def test_broadcast_gradient_args(s0, s1, r0, r1):
    a, b = op("BroadcastGradientArgs", [np.array(s0, np.int32), np.array(s1, np.int32)], n=2)
    assert a.dtype == tf.int32 and a.shape.as_list() == [len(r0)] and b.shape.as_list() == [len(r1)]
    got0, got1 = run([a, b])
    assert got0.tolist() == r0 and got1.tolist() == r1
    assert got0.dtype == np.int32


def test_broadcast_gradient_args_int64_run_time_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 1, 3])
    y = tf.placeholder(tf.float32, [3])
    r0, r1 = op("BroadcastGradientArgs", [tf.shape(x, out_type=tf.int64), tf.shape(y, out_type=tf.int64)], n=2)
    assert r0.dtype == tf.int64
    # TF's gradient pattern: reshape(reduce_sum(grad, r), shape)
    grad = tf.ones_like(x + y)
    gy = tf.reshape(tf.reduce_sum(grad, r1), tf.shape(y))
    a, b, gyv = run([r0, r1, gy], {x: np.zeros((4, 1, 3), np.float32), y: np.zeros(3, np.float32)})
    assert a.tolist() == [1] and b.tolist() == [0, 1] and a.dtype == np.int64
    np.testing.assert_array_equal(gyv, [4, 4, 4])
    bad = op("BroadcastGradientArgs", [np.array([2, 3], np.int32), np.array([4], np.int32)], n=2)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Incompatible shapes"):
        run(bad)


def test_concat_offset():
    outs = op("ConcatOffset", [1, np.array([2, 3, 4], np.int32), np.array([2, 5, 4], np.int32),
                               np.array([2, 1, 4], np.int32)], n=3)
    got = run(list(outs))
    assert [g.tolist() for g in got] == [[0, 0, 0], [0, 3, 0], [0, 8, 0]]
    assert got[0].dtype == np.int32
    neg = run(list(op("ConcatOffset", [-1, np.array([2, 3], np.int64), np.array([2, 5], np.int64)], n=2)))
    assert [g.tolist() for g in neg] == [[0, 0], [0, 3]] and neg[0].dtype == np.int64
    with pytest.raises(tf.errors.InvalidArgumentError):
        run(op("ConcatOffset", [0, np.array([2, 3], np.int32), np.array([2, 5], np.int32)], n=2))


def test_strided_slice_grad_scatters_into_zeros():
    dy = f32(2, 6)
    got = run(op("StridedSliceGrad", [np.array([5, 6], np.int32), np.array([1, 0], np.int32),
                                      np.array([4, 6], np.int32), np.array([2, 1], np.int32), dy]))
    want = np.zeros((5, 6), np.float32)
    want[1:4:2] = dy
    np.testing.assert_array_equal(got, want)
    dy1 = f32(4)
    got = run(op("StridedSliceGrad", [np.array([5, 6], np.int32), np.array([1, 2], np.int32),
                                      np.array([2, 6], np.int32), np.array([1, 1], np.int32), dy1],
                 shrink_axis_mask=1))
    want = np.zeros((5, 6), np.float32)
    want[1, 2:6] = dy1
    np.testing.assert_array_equal(got, want)


def test_imported_graph_def_with_gradient_ops_runs():
    """A GraphDef node of each type goes through graph_io like a TF-written one (attrs as TF writes)."""
    gd = tf.GraphDef()
    gd.ParseFromString(_tiny_graph_def())
    with tf.Graph().as_default():
        tf.import_graph_def(gd, name="")
        got = run(["out:0", "bias_grad:0"])
    np.testing.assert_allclose(got[0], [[1.0, 0.0], [0.455, 0.168]], rtol=1e-6)
    np.testing.assert_allclose(got[1], [1.455, 0.168], rtol=1e-6)


def _tiny_graph_def():
    with tf.Graph().as_default() as g:
        tf.constant(np.array([[0.0, 1.0], [0.3, -0.4]], np.float32), name="y")
        tf.constant(np.array([[1.0, 2.0], [0.5, 0.2]], np.float32), name="dy")
    gd = g.as_graph_def()
    node = gd.node.add()
    node.name, node.op = "out", "TanhGrad"
    node.input.extend(["y", "dy"])
    node.attr["T"].type = tf.float32.as_datatype_enum
    node = gd.node.add()
    node.name, node.op = "bias_grad", "BiasAddGrad"
    node.input.extend(["out"])
    node.attr["T"].type = tf.float32.as_datatype_enum
    node.attr["data_format"].s = b"NHWC"
    return gd.SerializeToString()
