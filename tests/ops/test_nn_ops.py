"""tf.nn against NumPy references (loop implementations of conv / pool / LRN) and finite differences."""
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.ops import array_ops, clip_ops, gather_ops, random_ops


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


RS = np.random.RandomState(0)

needs_gather = pytest.mark.skipif(not hasattr(gather_ops, "gather") and not hasattr(array_ops, "gather"),
                                  reason="tf.gather (gather_ops) is not implemented yet")
needs_random = pytest.mark.skipif(not hasattr(random_ops, "random_uniform"),
                                  reason="random_ops.random_uniform is not implemented yet")


def numeric_grad(f, x, eps=1e-6):
    """Central differences of the scalar function f at x (float64)."""
    x = np.array(x, np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (f(xp) - f(xm)) / (2 * eps)
    return g


def check_grad(build, *values, rtol=1e-5, atol=1e-6):
    """build(*placeholders) -> scalar loss; compares tf.gradients with finite differences."""
    phs = [tf.placeholder(tf.float64, np.shape(v)) for v in values]
    loss = build(*phs)
    grads = tf.gradients(loss, phs)
    with tf.Session() as s:
        feed = dict(zip(phs, values))
        got = s.run(grads, feed)
        for i, v in enumerate(values):
            def f(xv, i=i):
                fd = dict(feed)
                fd[phs[i]] = xv
                return s.run(loss, fd)
            np.testing.assert_allclose(got[i], numeric_grad(f, v), rtol=rtol, atol=atol)
    return got


# ------------------------------------------------------------------------------ NumPy references

def tf_pads(n, k, s, d, padding):
    ek = (k - 1) * d + 1
    if padding == "VALID":
        return 0, 0, (n - ek) // s + 1
    out = -(-n // s)
    total = max((out - 1) * s + ek - n, 0)
    return total // 2, total - total // 2, out


def np_conv2d(x, w, strides=(1, 1), padding="SAME", dilations=(1, 1)):
    """NHWC x, HWIO w (groups when in_c is a multiple of w's in depth)."""
    b, h, wd, c = x.shape
    kh, kw, fi, fo = w.shape
    t, _, oh = tf_pads(h, kh, strides[0], dilations[0], padding)
    left, _, ow = tf_pads(wd, kw, strides[1], dilations[1], padding)
    groups = c // fi
    opg = fo // groups
    out = np.zeros((b, oh, ow, fo))
    for i in range(oh):
        for j in range(ow):
            for di in range(kh):
                for dj in range(kw):
                    y = i * strides[0] - t + di * dilations[0]
                    xx = j * strides[1] - left + dj * dilations[1]
                    if 0 <= y < h and 0 <= xx < wd:
                        for gi in range(groups):
                            out[:, i, j, gi * opg:(gi + 1) * opg] += \
                                x[:, y, xx, gi * fi:(gi + 1) * fi] @ w[di, dj, :, gi * opg:(gi + 1) * opg]
    return out


def np_depthwise(x, w, strides=(1, 1), padding="SAME", rate=(1, 1)):
    kh, kw, c, m = w.shape
    outs = [np_conv2d(x[..., ci:ci + 1], w[:, :, ci:ci + 1, :], strides, padding, rate) for ci in range(c)]
    return np.concatenate(outs, axis=-1)  # channel ci * m + mi


def np_pool(x, k, s, padding, kind):
    """NHWC pooling over H, W; AVG divides by the number of valid elements."""
    b, h, w, c = x.shape
    t, _, oh = tf_pads(h, k[0], s[0], 1, padding)
    left, _, ow = tf_pads(w, k[1], s[1], 1, padding)
    out = np.zeros((b, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * s[0] - t, j * s[1] - left
            win = x[:, max(y0, 0):min(y0 + k[0], h), max(x0, 0):min(x0 + k[1], w), :]
            out[:, i, j, :] = win.max(axis=(1, 2)) if kind == "max" else win.mean(axis=(1, 2))
    return out


def np_lrn(x, r, bias, alpha, beta):
    out = np.zeros_like(x)
    d = x.shape[-1]
    for c in range(d):
        sq = np.sum(x[..., max(c - r, 0):min(c + r + 1, d)] ** 2, axis=-1)
        out[..., c] = x[..., c] / (bias + alpha * sq) ** beta
    return out


def log_softmax_np(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=axis, keepdims=True))


# ------------------------------------------------------------------------------ activations

ACT = np.array([-3.0, -1.0, -0.1, 0.0, 0.5, 2.0, 6.0, 7.0])
SELU_SCALE, SELU_ALPHA = 1.0507009873554805, 1.6732632423543772


def test_activation_values_dtypes_and_op_types():
    x = tf.constant(ACT.astype(np.float32))
    cases = {
        "Relu": (tf.nn.relu, np.maximum(ACT, 0)),
        "Relu6": (tf.nn.relu6, np.clip(ACT, 0, 6)),
        "Elu": (tf.nn.elu, np.where(ACT > 0, ACT, np.expm1(ACT))),
        "Selu": (tf.nn.selu, SELU_SCALE * np.where(ACT > 0, ACT, SELU_ALPHA * np.expm1(ACT))),
        "Softplus": (tf.nn.softplus, np.log1p(np.exp(ACT))),
        "Softsign": (tf.nn.softsign, ACT / (1 + np.abs(ACT))),
        "LeakyRelu": (tf.nn.leaky_relu, np.where(ACT > 0, ACT, 0.2 * ACT)),
    }
    outs = {k: fn(x) for k, (fn, _) in cases.items()}
    for k, t in outs.items():
        assert t.op.type == k and t.op.name == k and t.dtype == tf.float32 and t.shape.as_list() == [8]
    vals = run(outs)
    for k, (_, ref) in cases.items():
        np.testing.assert_allclose(vals[k], ref, rtol=1e-6, atol=1e-7, err_msg=k)
    np.testing.assert_allclose(run(tf.nn.leaky_relu(x, alpha=0.1)), np.where(ACT > 0, ACT, 0.1 * ACT),
                               rtol=1e-6)
    assert tf.nn.sigmoid is tf.sigmoid and tf.nn.tanh is tf.tanh


def test_activation_gradients_match_tf_at_kinks():
    x = tf.constant(ACT)
    ops = {"relu": tf.nn.relu, "relu6": tf.nn.relu6, "elu": tf.nn.elu, "selu": tf.nn.selu,
           "softplus": tf.nn.softplus, "softsign": tf.nn.softsign, "leaky": tf.nn.leaky_relu}
    grads = run({k: tf.gradients(tf.reduce_sum(f(x)), x)[0] for k, f in ops.items()})
    np.testing.assert_array_equal(grads["relu"], (ACT > 0).astype(float))            # 0 at x == 0
    np.testing.assert_array_equal(grads["relu6"], ((ACT > 0) & (ACT < 6)).astype(float))  # 0 at 0 and 6
    np.testing.assert_allclose(grads["elu"], np.where(ACT > 0, 1.0, np.exp(ACT)) * (ACT != 0) + (ACT == 0))
    np.testing.assert_allclose(grads["selu"],
                               np.where(ACT >= 0, SELU_SCALE, SELU_SCALE * SELU_ALPHA * np.exp(ACT)))
    np.testing.assert_allclose(grads["softplus"], 1 / (1 + np.exp(-ACT)))
    np.testing.assert_allclose(grads["softsign"], 1 / (1 + np.abs(ACT)) ** 2)
    np.testing.assert_allclose(grads["leaky"], np.where(ACT > 0, 1.0, 0.2))             # alpha at 0


def test_activation_dtype_rules():
    xi = tf.constant([-2, 0, 3, 9])
    r = tf.nn.relu(xi)
    assert r.dtype == tf.int32
    np.testing.assert_array_equal(run(r), [0, 0, 3, 9])
    np.testing.assert_array_equal(run(tf.nn.relu6(xi)), [0, 0, 3, 6])
    lr = tf.nn.leaky_relu(xi)
    assert lr.dtype == tf.float32 and lr.op.name == "LeakyRelu" and lr.op.inputs[0].op.type == "Cast"
    np.testing.assert_allclose(run(lr), [-0.4, 0, 3, 9], rtol=1e-6)
    with pytest.raises(TypeError):
        tf.nn.elu(xi)


def test_softplus_extremes_stay_finite():
    x = tf.constant(np.array([-200.0, -20.0, 0.0, 20.0, 200.0], np.float32))
    v, g = run([tf.nn.softplus(x), tf.gradients(tf.reduce_sum(tf.nn.softplus(x)), x)[0]])
    assert np.all(np.isfinite(v)) and np.all(np.isfinite(g))
    np.testing.assert_allclose(v, [0.0, np.exp(-20.0), np.log(2), 20.0, 200.0], rtol=1e-6, atol=1e-30)
    np.testing.assert_allclose(g, [0.0, np.exp(-20.0), 0.5, 1.0, 1.0], rtol=1e-5, atol=1e-30)


def test_swish_value_and_gradient():
    xv = np.linspace(-3, 3, 7)
    sig = 1 / (1 + np.exp(-xv))
    np.testing.assert_allclose(run(tf.nn.swish(tf.constant(xv))), xv * sig)
    check_grad(lambda x: tf.reduce_sum(tf.nn.swish(x) * tf.constant(xv)), xv)


def test_crelu():
    xv = np.array([[1.0, -2.0], [-0.5, 3.0]])
    out = tf.nn.crelu(tf.constant(xv))
    assert out.shape.as_list() == [2, 4]
    np.testing.assert_allclose(run(out), np.concatenate([np.maximum(xv, 0), np.maximum(-xv, 0)], -1))


# ------------------------------------------------------------------------------ bias_add, l2

def test_bias_add_formats_and_gradient():
    xv = RS.randn(2, 3, 4, 5)
    b5, b3 = np.arange(5.0), np.arange(3.0)
    nhwc = tf.nn.bias_add(tf.constant(xv), tf.constant(b5))
    nchw = tf.nn.bias_add(tf.constant(xv), tf.constant(b3), data_format="NCHW")
    assert nhwc.op.type == "BiasAdd" and nhwc.op.name == "BiasAdd"
    v1, v2 = run([nhwc, nchw])
    np.testing.assert_allclose(v1, xv + b5)
    np.testing.assert_allclose(v2, xv + b3[None, :, None, None])
    coef = RS.randn(2, 3, 4, 5)
    got = check_grad(lambda x, b: tf.reduce_sum(tf.nn.bias_add(x, b) * coef), xv, b5)
    np.testing.assert_allclose(got[1], coef.sum(axis=(0, 1, 2)))
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.nn.bias_add(tf.constant(xv), tf.constant(b3))
    with pytest.raises(ValueError):
        tf.nn.bias_add(tf.constant(b3), tf.constant(b3))


def test_xw_plus_b_l2_loss_l2_normalize():
    xv, wv, bv = RS.randn(3, 4), RS.randn(4, 2), RS.randn(2)
    y = tf.nn.xw_plus_b(tf.constant(xv), tf.constant(wv), tf.constant(bv))
    assert y.op.name == "xw_plus_b" and y.op.type == "BiasAdd"
    assert y.op.inputs[0].op.name == "xw_plus_b/MatMul"
    l2 = tf.nn.l2_loss(tf.constant(xv))
    assert l2.op.type == "L2Loss" and l2.shape.ndims == 0
    zrow = np.vstack([xv, np.zeros((1, 4))])
    n1 = tf.nn.l2_normalize(tf.constant(zrow), axis=1)
    n0 = tf.nn.l2_normalize(tf.constant(zrow), dim=0)
    assert n1.op.name == "l2_normalize"
    r = run([y, l2, n1, n0])
    np.testing.assert_allclose(r[0], xv @ wv + bv)
    np.testing.assert_allclose(r[1], np.sum(xv ** 2) / 2)
    np.testing.assert_allclose(r[2], zrow / np.maximum(np.linalg.norm(zrow, axis=1, keepdims=True), 1e-6))
    np.testing.assert_allclose(r[3], zrow / np.linalg.norm(zrow, axis=0, keepdims=True))
    got = check_grad(lambda x: tf.nn.l2_loss(x), xv)
    np.testing.assert_allclose(got[0], xv)
    check_grad(lambda x: tf.reduce_sum(tf.nn.l2_normalize(x, 1) * tf.constant(xv[::-1])), xv)


# ------------------------------------------------------------------------------ softmax / xent

def test_softmax_axes_and_log_softmax():
    zv = RS.randn(2, 3, 4)
    z = tf.constant(zv)
    s_last, s_0, s_dim, ls = tf.nn.softmax(z), tf.nn.softmax(z, axis=0), tf.nn.softmax(z, dim=1), \
        tf.nn.log_softmax(z, axis=1)
    assert s_last.op.type == "Softmax" and s_last.op.name == "Softmax"
    assert s_0.shape.as_list() == [2, 3, 4] and ls.shape.as_list() == [2, 3, 4]
    r = run([s_last, s_0, s_dim, ls])
    for got, ax in zip(r[:3], (-1, 0, 1)):
        np.testing.assert_allclose(got, np.exp(log_softmax_np(zv, ax)), rtol=1e-12)
    np.testing.assert_allclose(r[3], log_softmax_np(zv, 1), rtol=1e-12)
    big = run(tf.nn.softmax(tf.constant([1000.0, 1001.0, 1002.0])))
    np.testing.assert_allclose(big, np.exp(log_softmax_np(np.array([1000.0, 1001.0, 1002.0]))), rtol=1e-6)
    with pytest.raises(ValueError):
        tf.nn.softmax(z, axis=1, dim=1)
    coef = RS.randn(2, 3, 4)
    check_grad(lambda x: tf.reduce_sum(tf.nn.softmax(x, axis=1) * coef), zv)
    check_grad(lambda x: tf.reduce_sum(tf.nn.log_softmax(x) * coef), zv)


def test_softmax_xent_v1_stops_label_gradient_v2_does_not():
    lv = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
    yv = np.array([[0.2, 0.3, 0.5], [0.0, 1.0, 0.0]])
    logits, labels = tf.constant(lv), tf.constant(yv)
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    assert v1.name == "softmax_cross_entropy_with_logits_sg/Reshape_2:0"
    assert v2.name == "softmax_cross_entropy_with_logits/Reshape_2:0"
    assert v2.shape.as_list() == [2]
    ref = -np.sum(yv * log_softmax_np(lv), -1)
    g1 = tf.gradients(tf.reduce_sum(v1), [labels, logits])
    g2 = tf.gradients(tf.reduce_sum(v2), [labels, logits])
    assert g1[0] is None
    r = run([v1, v2, g1[1], g2[0], g2[1]])
    np.testing.assert_allclose(r[0], ref)
    np.testing.assert_allclose(r[1], ref)
    np.testing.assert_allclose(r[2], np.exp(log_softmax_np(lv)) - yv)
    np.testing.assert_allclose(r[3], -log_softmax_np(lv))
    np.testing.assert_allclose(r[4], np.exp(log_softmax_np(lv)) - yv)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(labels, logits)
    with pytest.raises(ValueError, match="Both labels and logits"):
        tf.nn.softmax_cross_entropy_with_logits(logits=logits)


def test_softmax_xent_gradient_is_tf_kernel_for_unnormalised_labels():
    # TF's kernel backprops softmax - labels even when the labels do not sum to one
    lv = np.array([[1.0, 2.0, 3.0]])
    yv = np.array([[1.0, 1.0, 0.0]])
    logits = tf.constant(lv)
    g = run(tf.gradients(tf.nn.softmax_cross_entropy_with_logits_v2(labels=yv, logits=logits), logits)[0])
    np.testing.assert_allclose(g, np.exp(log_softmax_np(lv)) - yv)


def test_softmax_xent_axis_and_rank3():
    lv, yv = RS.randn(2, 3, 4), np.abs(RS.randn(2, 3, 4))
    yv /= yv.sum(1, keepdims=True)
    out = tf.nn.softmax_cross_entropy_with_logits_v2(labels=yv, logits=lv, axis=1)
    assert out.shape.as_list() == [2, 4]
    np.testing.assert_allclose(run(out), -np.sum(yv * log_softmax_np(lv, 1), 1))
    with pytest.raises(ValueError, match="Dimensions must be equal"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=np.ones((2, 2)), logits=np.ones((2, 3)))


def test_sparse_softmax_xent():
    lv = RS.randn(4, 5)
    yv = np.array([0, 3, 1, 4])
    logits = tf.constant(lv.astype(np.float32))
    out = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant(yv), logits=logits)
    assert out.op.name == "SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits"
    assert out.dtype == tf.float32 and out.shape.as_list() == [4]
    ref = -log_softmax_np(lv)[np.arange(4), yv]
    np.testing.assert_allclose(run(out), ref, rtol=1e-5)
    got = check_grad(lambda z: tf.reduce_sum(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant(yv, dtype=tf.int64), logits=z)), lv)
    np.testing.assert_allclose(got[0], np.exp(log_softmax_np(lv)) - np.eye(5)[yv])
    # rank 3 logits, out-of-range label: InvalidArgumentError as TF1's CPU kernel; NaN (GPU-like)
    # with the run-time checks off
    l3 = RS.randn(2, 3, 4)
    y3 = np.array([[0, 1, 3], [2, 9, 0]])
    o3 = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y3, logits=l3, name="xent")
    assert o3.shape.as_list() == [2, 3]
    with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 9"):
        run(o3)
    from compat_tf._src.runtime import run_checks
    prev = run_checks.set_enabled(False)
    try:
        v3 = run(o3)
    finally:
        run_checks.set_enabled(prev)
    ls = log_softmax_np(l3)
    assert np.isnan(v3[1, 1])
    np.testing.assert_allclose(v3[0], -ls[0, np.arange(3), y3[0]])
    with pytest.raises(ValueError, match="Rank mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.zeros((4, 1), np.int32), logits=lv)
    with pytest.raises(ValueError, match="Shape mismatch"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.zeros(3, np.int32), logits=lv)
    with pytest.raises(TypeError):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=np.zeros(4, np.float32), logits=lv)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(yv, lv)


def test_xent_rank1_and_unknown_shapes():
    a = tf.nn.softmax_cross_entropy_with_logits_v2(labels=[0.0, 1.0, 0.0], logits=[1.0, 2.0, 3.0])
    b = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=1, logits=[1.0, 2.0, 3.0])
    assert a.shape.ndims == 0 and b.shape.ndims == 0
    x = tf.placeholder(tf.float32, [None, None, 3])
    y = tf.placeholder(tf.int32, [None, None])
    c = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x)
    d = tf.nn.softmax_cross_entropy_with_logits_v2(labels=tf.nn.softmax(x * 2.0), logits=x)
    assert c.shape.as_list() == [None, None] and d.shape.as_list() == [None, None]
    xv, yv = RS.randn(2, 4, 3).astype(np.float32), RS.randint(0, 3, (2, 4))
    r = run([a, b, c, d], {x: xv, y: yv})
    ref = -log_softmax_np(np.array([1.0, 2.0, 3.0]))[1]
    np.testing.assert_allclose([r[0], r[1]], [ref, ref], rtol=1e-6)
    ls = log_softmax_np(xv.astype(np.float64))
    np.testing.assert_allclose(r[2], -np.take_along_axis(ls, yv[..., None], -1)[..., 0], rtol=1e-5)
    np.testing.assert_allclose(r[3], -np.sum(np.exp(log_softmax_np(2.0 * xv)) * ls, -1), rtol=1e-5)


def test_sigmoid_and_weighted_xent():
    xv = np.array([[-100.0, -2.0, 0.0], [0.5, 3.0, 100.0]])
    zv = np.array([[0.0, 1.0, 0.3], [1.0, 0.0, 1.0]])
    out = tf.nn.sigmoid_cross_entropy_with_logits(labels=zv, logits=xv)
    assert out.op.name == "logistic_loss"
    ref = np.maximum(xv, 0) - xv * zv + np.log1p(np.exp(-np.abs(xv)))
    np.testing.assert_allclose(run(out), ref)
    got = check_grad(lambda x: tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=zv[:, 1:],
                                                                                   logits=x)), xv[:, 1:])
    np.testing.assert_allclose(got[0], 1 / (1 + np.exp(-xv[:, 1:])) - zv[:, 1:], atol=1e-12)
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=zv[:, :2], logits=xv)
    with pytest.raises(ValueError, match="named arguments"):
        tf.nn.sigmoid_cross_entropy_with_logits(zv, xv)
    q = 3.0
    # (TF's Abs gradient is 0 at 0 where JAX's is 1: keep away from the kink of |x|)
    xw = np.array([[-2.0, 0.25, 1.5], [0.5, 3.0, -4.0]])
    w = tf.nn.weighted_cross_entropy_with_logits(labels=zv, logits=xw, pos_weight=q)
    sig = 1 / (1 + np.exp(-xw))
    ref_w = -(q * zv * np.log(sig) + (1 - zv) * np.log(1 - sig))
    np.testing.assert_allclose(run(w), ref_w, rtol=1e-10)
    old = tf.nn.weighted_cross_entropy_with_logits(targets=zv, logits=xw, pos_weight=q)
    np.testing.assert_allclose(run(old), ref_w, rtol=1e-10)
    check_grad(lambda x: tf.reduce_sum(tf.nn.weighted_cross_entropy_with_logits(labels=zv, logits=x,
                                                                                pos_weight=q)), xw)


def test_log_poisson_loss():
    c, z = np.array([0.5, -1.0, 2.0]), np.array([0.0, 1.0, 3.0])
    np.testing.assert_allclose(run(tf.nn.log_poisson_loss(z, c)), np.exp(c) - c * z)
    if hasattr(array_ops, "where"):
        stirling = z * np.log(np.where(z > 0, z, 1)) - z + 0.5 * np.log(2 * np.pi * np.where(z > 0, z, 1))
        full = np.exp(c) - c * z + np.where(z > 1, stirling, 0)
        np.testing.assert_allclose(run(tf.nn.log_poisson_loss(z, c, compute_full_loss=True)), full)


# ------------------------------------------------------------------------------ convolutions

@pytest.mark.parametrize("padding,strides,dil", [("SAME", (1, 1), (1, 1)), ("VALID", (1, 1), (1, 1)),
                                                 ("SAME", (2, 2), (1, 1)), ("VALID", (2, 3), (1, 1)),
                                                 ("SAME", (1, 1), (2, 2)), ("VALID", (1, 1), (2, 1))])
def test_conv2d_matches_numpy(padding, strides, dil):
    xv, wv = RS.randn(2, 7, 6, 3), RS.randn(3, 2, 3, 4)
    out = tf.nn.conv2d(tf.constant(xv), tf.constant(wv), [1, *strides, 1], padding, dilations=[1, *dil, 1])
    ref = np_conv2d(xv, wv, strides, padding, dil)
    assert out.op.type == "Conv2D" and out.shape.as_list() == list(ref.shape)
    np.testing.assert_allclose(run(out), ref, rtol=1e-10)


def test_conv2d_nchw_explicit_padding_groups_and_float32():
    xv, wv = RS.randn(1, 5, 5, 4), RS.randn(3, 3, 4, 2)
    nchw = tf.nn.conv2d(tf.constant(xv.transpose(0, 3, 1, 2)), tf.constant(wv), [1, 1, 2, 2], "SAME",
                        data_format="NCHW")
    explicit = tf.nn.conv2d(tf.constant(xv), tf.constant(wv), 1, [[0, 0], [2, 0], [1, 1], [0, 0]])
    grouped_w = RS.randn(3, 3, 2, 6)
    grouped = tf.nn.conv2d(tf.constant(xv), tf.constant(grouped_w), 1, "VALID")
    f32 = tf.nn.conv2d(tf.constant(xv.astype(np.float32)), tf.constant(wv.astype(np.float32)), 1, "SAME")
    assert explicit.shape.as_list() == [1, 5, 5, 2] and f32.dtype == tf.float32
    r = run([nchw, explicit, grouped, f32])
    np.testing.assert_allclose(r[0].transpose(0, 2, 3, 1), np_conv2d(xv, wv, (2, 2), "SAME"), rtol=1e-10)
    xp = np.pad(xv, [(0, 0), (2, 0), (1, 1), (0, 0)])
    np.testing.assert_allclose(r[1], np_conv2d(xp, wv, (1, 1), "VALID"), rtol=1e-10)
    np.testing.assert_allclose(r[2], np_conv2d(xv, grouped_w, (1, 1), "VALID"), rtol=1e-10)
    np.testing.assert_allclose(r[3], np_conv2d(xv, wv), rtol=1e-5, atol=1e-5)


def test_conv2d_static_shapes_and_errors():
    x = tf.placeholder(tf.float32, [None, 7, None, 3])
    w = tf.constant(np.zeros((3, 3, 3, 5), np.float32))
    out = tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME")
    assert out.shape.as_list() == [None, 4, None, 5]
    with pytest.raises(ValueError, match="Negative dimension size"):
        tf.nn.conv2d(tf.constant(np.zeros((1, 2, 2, 3), np.float32)), w, 1, "VALID")
    with pytest.raises(ValueError, match="not in"):
        tf.nn.conv2d(x, w, 1, "same")
    with pytest.raises(ValueError, match="rank 4"):
        tf.nn.conv2d(tf.constant(np.zeros((2, 2, 3), np.float32)), w, 1, "SAME")
    with pytest.raises(ValueError, match="multiple"):
        tf.nn.conv2d(tf.constant(np.zeros((1, 4, 4, 4), np.float32)), w, 1, "SAME")
    with pytest.raises(TypeError):
        tf.nn.conv2d(x, tf.constant(np.zeros((3, 3, 3, 5))), 1, "SAME")
    with pytest.raises(ValueError, match="length 1, 2 or 4"):
        tf.nn.conv2d(x, w, [1, 1, 1], "SAME")


@pytest.mark.parametrize("padding,strides,dil", [("VALID", (1, 1), (1, 1)), ("VALID", (2, 1), (1, 1)),
                                                 ("VALID", (1, 1), (2, 1))])
def test_conv2d_filter_spanning_the_width_values_and_gradients(padding, strides, dil):
    # a text CNN's filter [k, embedding] over [tokens, embedding]: lowered with the width folded into
    # the channels (nn_ops._conv_folding_last_axis); the same sums as the plain convolution
    xv, wv = RS.randn(2, 7, 5, 3), RS.randn(3, 5, 3, 4)
    out = tf.nn.conv2d(tf.constant(xv), tf.constant(wv), [1, *strides, 1], padding, dilations=[1, *dil, 1])
    ref = np_conv2d(xv, wv, strides, padding, dil)
    assert out.shape.as_list() == list(ref.shape) and ref.shape[2] == 1
    np.testing.assert_allclose(run(out), ref, rtol=1e-10)
    coef = RS.randn(*ref.shape)
    check_grad(lambda x, w: tf.reduce_sum(tf.nn.conv2d(x, w, [1, *strides, 1], padding,
                                                       dilations=[1, *dil, 1]) * coef), xv, wv)


def test_conv2d_gradients():
    xv, wv = RS.randn(1, 5, 4, 2), RS.randn(3, 3, 2, 2)
    coef = RS.randn(1, 3, 2, 2)
    check_grad(lambda x, w: tf.reduce_sum(tf.nn.conv2d(x, w, [1, 2, 2, 1], "SAME") * coef), xv, wv)


def test_conv1d_conv3d():
    xv, wv = RS.randn(2, 9, 3), RS.randn(3, 3, 4)
    c1 = tf.nn.conv1d(tf.constant(xv), tf.constant(wv), 2, "SAME")
    assert c1.shape.as_list() == [2, 5, 4]
    assert any(op.type == "Conv2D" and op.name == "conv1d" for op in tf.get_default_graph().get_operations())
    np.testing.assert_allclose(run(c1), np_conv2d(xv[:, None], wv[None], (1, 2), "SAME")[:, 0], rtol=1e-10)
    x3, w3 = RS.randn(1, 4, 5, 3, 2), RS.randn(2, 3, 2, 2, 3)
    c3 = tf.nn.conv3d(tf.constant(x3), tf.constant(w3), [1, 1, 2, 1, 1], "SAME")
    assert c3.op.type == "Conv3D" and c3.shape.as_list() == [1, 4, 3, 3, 3]
    # reference: sum over depth taps of 2-D convs on the SAME-padded depth axis
    t, _, od = tf_pads(4, 2, 1, 1, "SAME")
    ref = np.zeros((1, od, 3, 3, 3))
    for d in range(od):
        for kd in range(2):
            src = d - t + kd
            if 0 <= src < 4:
                ref[:, d] += np_conv2d(x3[:, src], w3[kd], (2, 1), "SAME")
    np.testing.assert_allclose(run(c3), ref, rtol=1e-10)
    with pytest.raises(ValueError):
        tf.nn.conv3d(tf.constant(x3), tf.constant(w3), [1, 1, 1], "SAME")


def test_depthwise_and_separable():
    xv, dw, pw = RS.randn(2, 6, 5, 3), RS.randn(3, 3, 3, 2), RS.randn(1, 1, 6, 4)
    d1 = tf.nn.depthwise_conv2d(tf.constant(xv), tf.constant(dw), [1, 1, 1, 1], "SAME")
    d2 = tf.nn.depthwise_conv2d(tf.constant(xv), tf.constant(dw), [1, 1, 1, 1], "VALID", rate=[2, 1])
    d3 = tf.nn.depthwise_conv2d_native(tf.constant(xv), tf.constant(dw), [1, 2, 2, 1], "SAME")
    sep = tf.nn.separable_conv2d(tf.constant(xv), tf.constant(dw), tf.constant(pw), [1, 1, 1, 1], "VALID")
    assert d1.op.type == "DepthwiseConv2dNative" and d1.op.name == "depthwise"
    assert d1.shape.as_list() == [2, 6, 5, 6] and sep.shape.as_list() == [2, 4, 3, 4]
    assert sep.op.name == "separable_conv2d" and sep.op.inputs[0].op.name == "separable_conv2d/depthwise"
    r = run([d1, d2, d3, sep])
    np.testing.assert_allclose(r[0], np_depthwise(xv, dw), rtol=1e-10)
    np.testing.assert_allclose(r[1], np_depthwise(xv, dw, padding="VALID", rate=(2, 1)), rtol=1e-10)
    np.testing.assert_allclose(r[2], np_depthwise(xv, dw, (2, 2)), rtol=1e-10)
    np.testing.assert_allclose(r[3], np_conv2d(np_depthwise(xv, dw, padding="VALID"), pw, padding="VALID"),
                               rtol=1e-10)
    with pytest.raises(ValueError, match="strides > 1"):
        tf.nn.depthwise_conv2d(tf.constant(xv), tf.constant(dw), [1, 2, 2, 1], "SAME", rate=[2, 2])


@pytest.mark.parametrize("in_hw,out_hw,padding", [((3, 3), (6, 6), "SAME"), ((3, 3), (7, 7), "VALID"),
                                                  ((3, 4), (5, 7), "SAME"), ((2, 2), (5, 6), "VALID")])
def test_conv2d_transpose_is_adjoint_of_conv2d(in_hw, out_hw, padding):
    wv = RS.randn(3, 3, 2, 4)
    yv = RS.randn(1, *in_hw, 4)
    xv = RS.randn(1, *out_hw, 2)
    tr = tf.nn.conv2d_transpose(tf.constant(yv), tf.constant(wv), [1, *out_hw, 2], [1, 2, 2, 1], padding)
    assert tr.op.type == "Conv2DBackpropInput" and tr.op.name == "conv2d_transpose"
    assert tr.shape.as_list() == [1, *out_hw, 2]
    fwd = np_conv2d(xv, wv, (2, 2), padding)
    assert fwd.shape[1:3] == in_hw
    got = run(tr)
    # <conv(x), y> == <x, conv_transpose(y)>
    np.testing.assert_allclose(np.sum(fwd * yv), np.sum(xv * got), rtol=1e-10)
    # and element-wise: conv_transpose(y) is the gradient of <conv(x), y> w.r.t. x
    bp = tf.nn.conv2d_backprop_input([1, *out_hw, 2], tf.constant(wv), tf.constant(yv), [1, 2, 2, 1], padding)
    np.testing.assert_allclose(run(bp), got, rtol=1e-12)


def test_conv2d_transpose_values_and_filter_backprop():
    wv, yv = RS.randn(2, 2, 1, 1), RS.randn(1, 2, 2, 1)
    tr = run(tf.nn.conv2d_transpose(tf.constant(yv), tf.constant(wv), [1, 4, 4, 1], [1, 2, 2, 1], "VALID"))
    # stride 2, 2x2 kernel, VALID: each input pixel paints a disjoint 2x2 block
    ref = np.kron(yv[0, :, :, 0], np.ones((2, 2))) * np.tile(wv[:, :, 0, 0], (2, 2))
    np.testing.assert_allclose(tr[0, :, :, 0], ref, rtol=1e-12)
    xv, w3 = RS.randn(1, 5, 5, 2), RS.randn(3, 3, 2, 3)
    dy = RS.randn(1, 3, 3, 3)
    gf = tf.nn.conv2d_backprop_filter(tf.constant(xv), [3, 3, 2, 3], tf.constant(dy), [1, 2, 2, 1], "SAME")
    assert gf.shape.as_list() == [3, 3, 2, 3]
    w = tf.constant(w3)
    ref_gf = tf.gradients(tf.reduce_sum(tf.nn.conv2d(tf.constant(xv), w, [1, 2, 2, 1], "SAME") * dy), w)[0]
    a, b = run([gf, ref_gf])
    np.testing.assert_allclose(a, b, rtol=1e-10)


def test_conv2d_transpose_gradients_and_bad_output_shape():
    wv, yv = RS.randn(3, 3, 2, 3), RS.randn(1, 2, 2, 3)
    coef = RS.randn(1, 4, 4, 2)
    check_grad(lambda y, w: tf.reduce_sum(tf.nn.conv2d_transpose(y, w, [1, 4, 4, 2], [1, 2, 2, 1]) * coef),
               yv, wv)
    with pytest.raises(ValueError, match="output channels"):
        tf.nn.conv2d_transpose(tf.constant(yv), tf.constant(wv), [1, 4, 4, 5], [1, 2, 2, 1])
    bad = tf.nn.conv2d_transpose(tf.constant(yv), tf.constant(wv), [1, 9, 9, 2], [1, 2, 2, 1])
    with pytest.raises(Exception, match="out_backprop"):
        run(bad)


def test_conv2d_transpose_dynamic_batch():
    y = tf.placeholder(tf.float32, [None, 3, 3, 4])
    w = tf.constant(RS.randn(3, 3, 2, 4).astype(np.float32))
    tr = tf.nn.conv2d_transpose(y, w, [tf.shape(y)[0], 6, 6, 2], [1, 2, 2, 1])
    assert tr.shape.as_list() == [None, 6, 6, 2] and tr.dtype == tf.float32
    assert run(tr, {y: np.ones((5, 3, 3, 4), np.float32)}).shape == (5, 6, 6, 2)


def test_convolution_and_atrous():
    xv, wv = RS.randn(1, 8, 8, 2), RS.randn(3, 3, 2, 3)
    at = tf.nn.atrous_conv2d(tf.constant(xv), tf.constant(wv), 2, "SAME")
    cv = tf.nn.convolution(tf.constant(xv), tf.constant(wv), "VALID", strides=[2, 2])
    assert at.op.name == "convolution" and cv.op.name == "convolution_1"
    r = run([at, cv])
    np.testing.assert_allclose(r[0], np_conv2d(xv, wv, (1, 1), "SAME", (2, 2)), rtol=1e-10)
    np.testing.assert_allclose(r[1], np_conv2d(xv, wv, (2, 2), "VALID"), rtol=1e-10)
    x1, w1 = RS.randn(2, 7, 2), RS.randn(2, 2, 3)
    c1 = tf.nn.convolution(tf.constant(x1), tf.constant(w1), "SAME", dilation_rate=[2])
    np.testing.assert_allclose(run(c1), np_conv2d(x1[:, None], w1[None], (1, 1), "SAME", (1, 2))[:, 0],
                               rtol=1e-10)
    with pytest.raises(ValueError):
        tf.nn.atrous_conv2d(tf.constant(xv), tf.constant(wv), 0, "SAME")


# ------------------------------------------------------------------------------ pooling

@pytest.mark.parametrize("k,s,padding", [((2, 2), (2, 2), "VALID"), ((3, 3), (2, 2), "SAME"),
                                         ((3, 2), (1, 2), "SAME"), ((2, 3), (2, 1), "VALID")])
def test_pools_match_numpy(k, s, padding):
    xv = RS.randn(2, 5, 6, 3)
    mp = tf.nn.max_pool(tf.constant(xv), [1, *k, 1], [1, *s, 1], padding)
    ap = tf.nn.avg_pool(tf.constant(xv), [1, *k, 1], [1, *s, 1], padding)
    assert mp.op.type == "MaxPool" and mp.op.name == "MaxPool" and ap.op.name == "AvgPool"
    ref_m, ref_a = np_pool(xv, k, s, padding, "max"), np_pool(xv, k, s, padding, "avg")
    assert mp.shape.as_list() == list(ref_m.shape) and ap.shape.as_list() == list(ref_a.shape)
    m, a = run([mp, ap])
    np.testing.assert_allclose(m, ref_m, rtol=1e-12)
    np.testing.assert_allclose(a, ref_a, rtol=1e-12)


def test_pool_gradients_and_formats():
    xv = RS.randn(1, 5, 5, 2)
    coef = RS.randn(1, 3, 3, 2)
    check_grad(lambda x: tf.reduce_sum(tf.nn.avg_pool(x, 3, 2, "SAME") * coef), xv)
    check_grad(lambda x: tf.reduce_sum(tf.nn.max_pool(x, 3, 2, "SAME") * coef), xv)
    nchw = tf.nn.max_pool(tf.constant(xv.transpose(0, 3, 1, 2)), [1, 1, 3, 3], [1, 1, 2, 2], "SAME",
                          data_format="NCHW")
    np.testing.assert_allclose(run(nchw).transpose(0, 2, 3, 1), np_pool(xv, (3, 3), (2, 2), "SAME", "max"))
    with pytest.raises(ValueError, match="Negative dimension"):
        tf.nn.max_pool(tf.constant(xv), 6, 1, "VALID")
    with pytest.raises(ValueError, match="ksize cannot be zero"):
        tf.nn.avg_pool(tf.constant(xv), 0, 1, "VALID")


def test_max_pool_gradient_goes_to_first_max_on_ties():
    x = tf.constant(np.array([[1.0, 3.0], [3.0, 0.0]]).reshape(1, 2, 2, 1))
    g = run(tf.gradients(tf.nn.max_pool(x, 2, 2, "VALID"), x)[0])
    np.testing.assert_array_equal(g.reshape(2, 2), [[0.0, 1.0], [0.0, 0.0]])


def test_max_pool_with_argmax():
    xv = RS.randn(2, 4, 5, 3).astype(np.float32)
    out, arg = tf.nn.max_pool_with_argmax(tf.constant(xv), [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    assert arg.dtype == tf.int64 and out.shape.as_list() == [2, 2, 3, 3]
    o, a = run([out, arg])
    np.testing.assert_allclose(o, np_pool(xv, (2, 2), (2, 2), "SAME", "max"))
    flat = xv.reshape(2, -1)
    for b in range(2):
        np.testing.assert_array_equal(flat[b][a[b]], o[b])  # index without the batch
    _, a_b = run(tf.nn.max_pool_with_argmax(tf.constant(xv), [1, 2, 2, 1], [1, 2, 2, 1], "SAME",
                                            include_batch_in_index=True))
    np.testing.assert_array_equal(xv.reshape(-1)[a_b], o)


def test_pool3d_pool1d_and_pool():
    x3 = RS.randn(1, 4, 4, 4, 2)
    mp3 = tf.nn.max_pool3d(tf.constant(x3), [1, 2, 2, 2, 1], [1, 2, 2, 2, 1], "VALID")
    ap3 = tf.nn.avg_pool3d(tf.constant(x3), [1, 3, 3, 3, 1], [1, 2, 2, 2, 1], "SAME")
    assert mp3.op.type == "MaxPool3D" and ap3.shape.as_list() == [1, 2, 2, 2, 2]
    ref_m3 = x3.reshape(1, 2, 2, 2, 2, 2, 2, 2).max(axis=(2, 4, 6))
    # SAME 3x3x3 stride 2 on 4: pad (0, 1); windows [0:3] and [2:4] per axis
    sl = [slice(0, 3), slice(2, 4)]
    ref_a3 = np.array([[[x3[0, sl[i], sl[j], sl[k]].mean(axis=(0, 1, 2)) for k in range(2)] for j in range(2)]
                       for i in range(2)])[None]
    m3, a3 = run([mp3, ap3])
    np.testing.assert_allclose(m3, ref_m3)
    np.testing.assert_allclose(a3, ref_a3)
    x1 = RS.randn(2, 7, 3)
    p1 = tf.nn.max_pool1d(tf.constant(x1), 3, 2, "SAME")
    pp = tf.nn.pool(tf.constant(RS.randn(1, 5, 5, 2)), [2, 2], "AVG", "VALID", strides=[2, 2])
    assert p1.shape.as_list() == [2, 4, 3] and pp.shape.as_list() == [1, 2, 2, 2]
    np.testing.assert_allclose(run(p1), np_pool(x1[:, None], (1, 3), (1, 2), "SAME", "max")[:, 0])
    with pytest.raises(NotImplementedError):
        tf.nn.pool(tf.constant(x1), [2], "MAX", "VALID", dilation_rate=[2])


# ------------------------------------------------------------------------------ normalization

def test_moments_and_sufficient_statistics():
    xv = RS.randn(4, 3, 2) * 2 + 1
    mean, var = tf.nn.moments(tf.constant(xv), axes=[0, 1])
    mk, vk = tf.nn.moments(tf.constant(xv), axes=[0], keep_dims=True)
    assert mean.shape.as_list() == [2] and mk.shape.as_list() == [1, 3, 2]
    assert mean.op.name.startswith("moments")
    c, m_ss, v_ss, _ = tf.nn.sufficient_statistics(tf.constant(xv), [0, 2])
    nm, nv = tf.nn.normalize_moments(c, m_ss, v_ss, None)
    wv = np.abs(RS.randn(4, 1, 1))
    wm, wvar = tf.nn.weighted_moments(tf.constant(xv), [0], tf.constant(wv))
    r = run([mean, var, mk, vk, c, nm, nv, wm, wvar])
    np.testing.assert_allclose(r[0], xv.mean((0, 1)))
    np.testing.assert_allclose(r[1], xv.var((0, 1)))
    np.testing.assert_allclose(r[2], xv.mean(0, keepdims=True))
    np.testing.assert_allclose(r[3], xv.var(0, keepdims=True))
    assert r[4] == 8
    np.testing.assert_allclose(r[5], xv.mean((0, 2)))
    np.testing.assert_allclose(r[6], xv.var((0, 2)))
    ref_wm = (wv * xv).sum(0) / wv.sum()
    np.testing.assert_allclose(r[7], ref_wm)
    np.testing.assert_allclose(r[8], (wv * (xv - ref_wm) ** 2).sum(0) / wv.sum())
    # gradient of the variance w.r.t. x (through the stop_gradient'ed mean) is still exact
    check_grad(lambda x: tf.reduce_sum(tf.nn.moments(x, [0])[1] * np.array([1.0, 2.0, 3.0])), xv[:, :, 0])


def test_batch_normalization():
    xv = RS.randn(5, 3)
    m, v, off, sc = RS.randn(3), np.abs(RS.randn(3)), RS.randn(3), RS.randn(3)
    bn = tf.nn.batch_normalization(tf.constant(xv), m, v, off, sc, 1e-3)
    bn0 = tf.nn.batch_normalization(tf.constant(xv), m, v, None, None, 1e-3)
    assert bn.op.name.startswith("batchnorm/")
    a, b = run([bn, bn0])
    np.testing.assert_allclose(a, (xv - m) / np.sqrt(v + 1e-3) * sc + off)
    np.testing.assert_allclose(b, (xv - m) / np.sqrt(v + 1e-3))


def test_fused_batch_norm_training_and_inference():
    xv = RS.randn(2, 3, 4, 3).astype(np.float32)
    sc, off = RS.randn(3).astype(np.float32), RS.randn(3).astype(np.float32)
    y, bm, bv = tf.nn.fused_batch_norm(tf.constant(xv), sc, off, epsilon=1e-3)
    assert y.op.type == "FusedBatchNormV3" and y.shape.as_list() == [2, 3, 4, 3] and bm.shape.as_list() == [3]
    mv, vv = xv.mean((0, 1, 2)), xv.var((0, 1, 2))
    yi, im, iv = tf.nn.fused_batch_norm(tf.constant(xv), sc, off, mean=mv, variance=vv * 2, is_training=False)
    r = run([y, bm, bv, yi, im, iv])
    np.testing.assert_allclose(r[0], (xv - mv) / np.sqrt(vv + 1e-3) * sc + off, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(r[1], mv, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(r[2], xv.var((0, 1, 2), ddof=1), rtol=1e-5)  # Bessel-corrected
    np.testing.assert_allclose(r[3], (xv - mv) / np.sqrt(2 * vv + 1e-3) * sc + off, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(r[4], mv)
    np.testing.assert_allclose(r[5], vv * 2)
    with pytest.raises(ValueError, match="must be None"):
        tf.nn.fused_batch_norm(tf.constant(xv), sc, off, mean=mv, variance=vv)
    # the training gradient is the full batch-norm gradient: compare with the composite version
    x = tf.constant(xv)
    coef = RS.randn(2, 3, 4, 3).astype(np.float32)
    yf = tf.nn.fused_batch_norm(x, sc, off, epsilon=1e-3)[0]
    mean, var = tf.nn.moments(x, [0, 1, 2])
    yc = tf.nn.batch_normalization(x, mean, var, off, sc, 1e-3)
    gf, gc = run([tf.gradients(tf.reduce_sum(yf * coef), x)[0], tf.gradients(tf.reduce_sum(yc * coef), x)[0]])
    np.testing.assert_allclose(gf, gc, rtol=1e-3, atol=1e-4)


def test_lrn():
    xv = RS.rand(1, 2, 2, 7) * 3
    lrn_in = tf.constant(xv.astype(np.float32))
    d = tf.nn.lrn(lrn_in)
    o = tf.nn.local_response_normalization(lrn_in, depth_radius=2, bias=2.0, alpha=0.5, beta=0.75)
    assert d.op.type == "LRN" and d.op.name == "LRN"
    a, b = run([d, o])
    np.testing.assert_allclose(a, np_lrn(xv, 5, 1.0, 1.0, 0.5), rtol=1e-5)
    np.testing.assert_allclose(b, np_lrn(xv, 2, 2.0, 0.5, 0.75), rtol=1e-5)
    x = tf.placeholder(tf.float32, [1, 2, 2, 7])
    coef = RS.randn(1, 2, 2, 7)
    loss = tf.reduce_sum(tf.nn.lrn(x, 2, 1.0, 0.3, 0.75) * coef.astype(np.float32))
    g = run(tf.gradients(loss, x)[0], {x: xv})
    num = numeric_grad(lambda v: np.sum(np_lrn(v, 2, 1.0, 0.3, 0.75) * coef), xv)
    np.testing.assert_allclose(g, num, rtol=1e-3, atol=1e-4)
    with pytest.raises(TypeError):
        tf.nn.lrn(tf.constant(xv))  # float64 is not an LRN type


# ------------------------------------------------------------------------------ top_k, in_top_k

def test_top_k_and_gradient():
    xv = np.array([[1.0, 9.0, 3.0, 9.0, 5.0], [6.0, 2.0, 8.0, 0.0, 4.0]])
    x = tf.constant(xv)
    tk = tf.nn.top_k(x, k=3)
    assert tk.values.op.type == "TopKV2" and tk.indices.dtype == tf.int32
    assert tk.values.shape.as_list() == [2, 3]
    v, i = run(list(tk))
    np.testing.assert_array_equal(i, [[1, 3, 4], [2, 0, 4]])  # ties: lower index first
    np.testing.assert_array_equal(v, [[9, 9, 5], [8, 6, 4]])
    g = run(tf.gradients(tf.reduce_sum(tk.values * np.array([[1.0, 2.0, 3.0]])), x)[0])
    np.testing.assert_array_equal(g, [[0, 1, 0, 2, 3], [2, 0, 1, 0, 3]])
    with pytest.raises(ValueError, match="at least k columns"):
        tf.nn.top_k(x, 6)
    assert run(tf.nn.top_k(tf.constant([0.3, 0.1, 0.7]))).indices.tolist() == [2]


def test_in_top_k():
    p = tf.constant(np.array([[0.1, 0.9, 0.0], [0.5, 0.3, 0.3], [0.2, np.nan, 0.1], [0.2, 0.1, 0.3]],
                             np.float32))
    out = tf.nn.in_top_k(p, tf.constant([1, 1, 0, 7]), 1)
    out2 = tf.nn.in_top_k(p, tf.constant([0, 2, 0, 0], tf.int64), 2)
    assert out.dtype == tf.bool and out.op.name == "in_top_k/InTopKV2"
    a, b = run([out, out2])
    np.testing.assert_array_equal(a, [True, False, False, False])  # NaN row and out-of-range -> False
    np.testing.assert_array_equal(b, [True, True, False, True])     # ties count as in the top k


# ------------------------------------------------------------------------------ embedding, dropout, misc

@needs_gather
def test_embedding_lookup_single_and_gradient():
    pv = RS.randn(6, 3)
    params = tf.constant(pv)
    e = tf.nn.embedding_lookup(params, [5, 0, 2])
    e2 = tf.nn.embedding_lookup(params, tf.constant([[1, 1], [4, 3]]))
    assert e.shape.as_list() == [3, 3] and e2.shape.as_list() == [2, 2, 3]
    assert e.op.type == "Identity"
    a, b = run([e, e2])
    np.testing.assert_allclose(a, pv[[5, 0, 2]])
    np.testing.assert_allclose(b, pv[[[1, 1], [4, 3]]])
    g = run(tf.convert_to_tensor(tf.gradients(tf.reduce_sum(e2), params)[0]))
    np.testing.assert_allclose(g, np.bincount([1, 1, 4, 3], minlength=6)[:, None] * np.ones((1, 3)))


@needs_gather
@pytest.mark.parametrize("strategy", ["mod", "div"])
def test_embedding_lookup_partitioned(strategy):
    full = RS.randn(7, 2)
    n = 3
    if strategy == "mod":
        parts = [full[p::n] for p in range(n)]
    else:  # 7 ids over 3 partitions: sizes 3, 2, 2
        parts = [full[0:3], full[3:5], full[5:7]]
    ids = np.array([[0, 6], [3, 4], [5, 1]])
    e = tf.nn.embedding_lookup([tf.constant(p) for p in parts], ids, partition_strategy=strategy)
    np.testing.assert_allclose(run(e), full[ids])


@needs_gather
@pytest.mark.skipif(not hasattr(clip_ops, "clip_by_norm"), reason="tf.clip_by_norm is not implemented yet")
def test_embedding_lookup_max_norm():
    pv = np.array([[3.0, 4.0], [0.3, 0.4]])
    e = run(tf.nn.embedding_lookup(tf.constant(pv), [0, 1], max_norm=1.0))
    np.testing.assert_allclose(e, [[0.6, 0.8], [0.3, 0.4]])


def test_dropout_keep_one_and_errors():
    x = tf.constant(np.ones((2, 3), np.float32))
    assert tf.nn.dropout(x, keep_prob=1.0) is x
    assert tf.nn.dropout(x, rate=0.0) is x
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(x)
    with pytest.raises(ValueError, match="range"):
        tf.nn.dropout(x, rate=1.0)
    with pytest.raises(ValueError, match="floating point"):
        tf.nn.dropout(tf.constant([1, 2]), 0.5)
    with pytest.raises(ValueError):
        tf.nn.dropout(x, keep_prob=0.5, rate=0.5)


@needs_random
def test_dropout_mask_scale_seed_and_noise_shape():
    xv = np.arange(1.0, 4001.0, dtype=np.float32).reshape(40, 100)
    x = tf.constant(xv)
    d = tf.nn.dropout(x, keep_prob=0.75, seed=3)
    assert d.shape.as_list() == [40, 100] and d.op.name.startswith("dropout")
    v = run(d)
    kept = v != 0
    np.testing.assert_allclose(v[kept], xv[kept] / 0.75, rtol=1e-6)
    assert 0.70 < kept.mean() < 0.80
    # same graph seed + op seed -> the same mask in a new session
    np.testing.assert_array_equal(run(d), v)
    dn = tf.nn.dropout(x, rate=0.5, noise_shape=[40, 1], seed=4)
    vn = run(dn)
    rows = (vn != 0).all(axis=1) | (vn == 0).all(axis=1)
    assert rows.all() and 0 < (vn[:, 0] != 0).sum() < 40
    kp = tf.placeholder(tf.float32)
    dp = tf.nn.dropout(x, kp)
    np.testing.assert_allclose(run(dp, {kp: 1.0}), xv)
    g = run(tf.gradients(tf.reduce_sum(d), x)[0])
    np.testing.assert_allclose(g, kept / 0.75, rtol=1e-6)


def test_zero_fraction():
    z = tf.nn.zero_fraction(tf.constant([[0.0, 1.0, 0.0], [2.0, 0.0, 0.0]]))
    assert z.dtype == tf.float32 and z.op.name == "zero_fraction/fraction"
    np.testing.assert_allclose(run(z), 4 / 6)


def test_unsupported_functions_raise_not_implemented():
    with pytest.raises(NotImplementedError, match="ctc_beam_search_decoder"):
        tf.nn.ctc_beam_search_decoder(None, None)


# --------------------------------------------------------------------------------------------
# candidate sampling, nce_loss, sampled_softmax_loss
# --------------------------------------------------------------------------------------------

def _np_sampled_logits(W, B, L, X, S, TC, SC, remove_hits):
    true_logits = np.einsum("bd,btd->bt", X, W[L]) + B[L] - np.log(TC)
    sampled_logits = X @ W[S].T + B[S] - np.log(SC)
    if remove_hits:
        hits = (L[:, :, None] == S[None, None, :]).any(1)
        sampled_logits = sampled_logits + hits * -np.finfo(np.float32).max
    logits = np.concatenate([true_logits, sampled_logits], 1)
    labels = np.concatenate([np.full(true_logits.shape, 1.0 / L.shape[1]), np.zeros(sampled_logits.shape)], 1)
    return logits, labels


def test_nce_and_sampled_softmax_loss_match_tf1_formulas():
    rng = np.random.RandomState(0)
    W, B = rng.randn(20, 5).astype(np.float32), rng.randn(20).astype(np.float32)
    X = rng.randn(3, 5).astype(np.float32)
    L = np.array([[2, 5], [7, 1], [0, 3]], np.int64)
    S = np.array([5, 9, 0, 12], np.int64)     # 5 and 0 are accidental hits of rows 0 and 2
    TC, SC = rng.uniform(0.1, 1, (3, 2)).astype(np.float32), rng.uniform(0.1, 1, 4).astype(np.float32)
    w, b, x = tf.constant(W), tf.constant(B), tf.constant(X)
    sv = (tf.constant(S), tf.constant(TC), tf.constant(SC))
    nce = tf.nn.nce_loss(w, b, L, x, 4, 20, num_true=2, sampled_values=sv)
    nce_r = tf.nn.nce_loss(w, b, L, x, 4, 20, num_true=2, sampled_values=sv, remove_accidental_hits=True)
    ssm = tf.nn.sampled_softmax_loss(w, b, L, x, 4, 20, num_true=2, sampled_values=sv)
    assert nce.shape.as_list() == [3] and ssm.shape.as_list() == [3]
    gx = tf.gradients(tf.reduce_sum(nce) + tf.reduce_sum(ssm), x)[0]
    got = run([nce, nce_r, ssm, gx])

    def np_losses(Xv):
        lg, lb = _np_sampled_logits(W, B, L, Xv, S, TC, SC, False)
        n = (np.maximum(lg, 0) - lg * lb + np.log1p(np.exp(-np.abs(lg)))).sum(1)
        lg, lb = _np_sampled_logits(W, B, L, Xv, S, TC, SC, True)
        m = lg.max(1, keepdims=True)
        s = -(lb * (lg - m - np.log(np.exp(lg - m).sum(1, keepdims=True)))).sum(1)
        return n, s

    n, s = np_losses(X.astype(np.float64))
    lg, lb = _np_sampled_logits(W, B, L, X.astype(np.float64), S, TC, SC, True)
    nr = (np.maximum(lg, 0) - lg * lb + np.log1p(np.exp(-np.abs(lg)))).sum(1)
    np.testing.assert_allclose(got[0], n, rtol=1e-5)
    np.testing.assert_allclose(got[1], nr, rtol=1e-5)
    np.testing.assert_allclose(got[2], s, rtol=1e-5)
    eps, num = 1e-4, np.zeros_like(X, np.float64)
    for i in np.ndindex(*X.shape):
        xp, xm = X.astype(np.float64), X.astype(np.float64)
        xp[i] += eps
        xm[i] -= eps
        num[i] = (sum(v.sum() for v in np_losses(xp)) - sum(v.sum() for v in np_losses(xm))) / (2 * eps)
    np.testing.assert_allclose(got[3], num, rtol=1e-3, atol=1e-3)


@pytest.mark.parametrize("sampler, prob", [
    (tf.nn.log_uniform_candidate_sampler, lambda c, n: (np.log(c + 2.0) - np.log(c + 1.0)) / np.log(n + 1.0)),
    (tf.nn.uniform_candidate_sampler, lambda c, n: np.full(np.shape(c), 1.0 / n)),
])
def test_candidate_samplers(sampler, prob):
    labels = np.array([[0, 4], [3, 9]], np.int64)
    s, tc, sc = sampler(labels, 2, 6, False, 20, seed=3)
    assert s.dtype == tf.int64 and s.shape.as_list() == [6] and tc.shape.as_list() == [2, 2]
    su, tcu, scu = sampler(labels, 2, 15, True, 20, seed=3)
    a, b = run([[s, tc, sc], [su, tcu, scu]])
    assert ((a[0] >= 0) & (a[0] < 20)).all()
    np.testing.assert_allclose(a[1], prob(labels, 20) * 6, rtol=1e-6)   # no rejection: p * num_sampled
    np.testing.assert_allclose(a[2], prob(a[0], 20) * 6, rtol=1e-6)
    assert len(set(b[0].tolist())) == 15 and ((b[0] >= 0) & (b[0] < 20)).all()
    # unique: -expm1(num_tries * log1p(-p)) with one num_tries >= num_sampled for all candidates
    p = prob(b[0], 20)
    tries = np.log1p(-b[2].astype(np.float64)) / np.log1p(-p)
    if not np.allclose(b[2], p * 15, rtol=1e-5):
        assert np.allclose(tries, tries[0], rtol=1e-3) and tries[0] >= 15 - 1e-3
    with pytest.raises(tf.errors.InvalidArgumentError, match="range is too small"):
        run(sampler(labels, 2, 25, True, 20)[0])


def test_compute_accidental_hits():
    labels = np.array([[0, 4], [3, 9]], np.int64)
    idx, ids, w = run(tf.nn.compute_accidental_hits(labels, np.array([4, 3, 7, 0], np.int64), num_true=2))
    np.testing.assert_array_equal(idx, [0, 0, 1])
    np.testing.assert_array_equal(ids, [4, 0, 3])
    assert idx.dtype == np.int32 and (w == -np.finfo(np.float32).max).all()


def test_nce_loss_with_unknown_batch_size():
    # labels/inputs with an unknown batch dimension (placeholders [None, 1], [None, dim])
    labels = tf.placeholder(tf.int32, [None, 1])
    inputs = tf.placeholder(tf.float32, [None, 4])
    w = tf.Variable(tf.random_normal([30, 4]))
    b = tf.Variable(tf.zeros([30]))
    nce = tf.nn.nce_loss(weights=w, biases=b, labels=labels, inputs=inputs, num_sampled=5, num_classes=30)
    ssm = tf.nn.sampled_softmax_loss(w, b, labels, inputs, 5, 30)
    assert nce.shape.as_list() == [None] and ssm.shape.as_list() == [None]
    step = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_mean(nce) + tf.reduce_mean(ssm))
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        feed = {labels: [[1], [7], [29]], inputs: np.ones((3, 4))}
        n, m = s.run([nce, ssm], feed)
        s.run(step, feed)
    assert n.shape == (3,) and m.shape == (3,) and np.isfinite(n).all() and np.isfinite(m).all()


@pytest.mark.parametrize("pool", [tf.nn.max_pool, tf.nn.avg_pool])
def test_pooling_with_a_zero_stride_is_rejected(pool):
    """TF's shape functions reject a stride below 1 (ValueError when built); an imported node with
    one fails when run (InvalidArgumentError), no division by zero in the window arithmetic."""
    with tf.Graph().as_default() as g:
        x = tf.placeholder(tf.float32, [1, None, 8, 1], name="x")
        with pytest.raises(ValueError, match="Stride must be > 0"):
            pool(x, [1, 2, 2, 1], [1, 0, 2, 1], "VALID")
        pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "VALID", name="p")
        gd = g.as_graph_def()
    for n in gd.node:
        if n.name == "p":
            n.attr["strides"].list.i[1] = 0
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        with tf.Session() as s, pytest.raises(tf.errors.InvalidArgumentError, match="stride must be positive"):
            s.run(g2.get_tensor_by_name("p:0"), {"x:0": np.zeros((1, 8, 8, 1), np.float32)})
