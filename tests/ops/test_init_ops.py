"""Initializers: values, statistics against TF1's formulas, seeds, configs, namespaces."""
import math

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.ops import init_ops, linalg_ops


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


TRUNC_STD = 0.87962566103423978   # std of a unit normal truncated to (-2, 2)


# --------------------------------------------------------------------------------------------
# constant initializers
# --------------------------------------------------------------------------------------------

def test_zeros_ones_values_dtypes_and_config():
    z = tf.zeros_initializer()
    o = tf.ones_initializer(dtype=tf.int32)
    assert z.dtype == tf.float32 and o.dtype == tf.int32
    a, b, c = z([2, 3]), o([4]), z(tf.TensorShape([2, 2]), dtype=tf.float64)
    assert a.dtype == tf.float32 and b.dtype == tf.int32 and c.dtype == tf.float64
    av, bv, cv = run([a, b, c])
    np.testing.assert_array_equal(av, np.zeros((2, 3)))
    np.testing.assert_array_equal(bv, np.ones(4))
    assert cv.dtype == np.float64 and cv.shape == (2, 2)
    assert z.get_config() == {"dtype": "float32"} and o.get_config() == {"dtype": "int32"}
    assert isinstance(init_ops.Zeros.from_config(o.get_config()), init_ops.Zeros)


def test_constant_initializer_tf1_fill_rules():
    value = [0, 1, 2, 3, 4, 5, 6, 7]
    init = tf.constant_initializer(value)
    np.testing.assert_array_equal(run(init([2, 4])), np.arange(8).reshape(2, 4))
    # fewer elements than the shape: padded with the last one (TF1)
    np.testing.assert_array_equal(run(init([3, 4])), [[0, 1, 2, 3], [4, 5, 6, 7], [7, 7, 7, 7]])
    with pytest.raises(ValueError, match="Too many elements provided. Needed at most 6, but received 8"):
        init([2, 3])
    with pytest.raises(TypeError, match=r"Expected Tensor's shape: \(3, 4\), got \(8,\)"):
        tf.constant_initializer(value, verify_shape=True)([3, 4])
    # a scalar fills; an ndarray keeps its values; dtype override
    np.testing.assert_array_equal(run(tf.constant_initializer(2.5)([2, 2])), np.full((2, 2), 2.5))
    arr = np.arange(6.0).reshape(2, 3)
    out = tf.constant_initializer(arr)([2, 3], dtype=tf.float64)
    assert out.dtype == tf.float64
    np.testing.assert_array_equal(run(out), arr)
    with pytest.raises(TypeError, match="Invalid type for initial value"):
        tf.constant_initializer({"a": 1})
    assert tf.constant_initializer(3).get_config() == {"value": 3, "dtype": "float32"}


# --------------------------------------------------------------------------------------------
# random initializers
# --------------------------------------------------------------------------------------------

def test_random_normal_truncated_uniform_initializers():
    shape = [400, 500]
    n = tf.random_normal_initializer(mean=1.0, stddev=0.5, seed=1)(shape)
    t = tf.truncated_normal_initializer(stddev=2.0, seed=2)(shape)
    u = tf.random_uniform_initializer(-3.0, 1.0, seed=3)(shape)
    u01 = tf.random_uniform_initializer(seed=4)([1000])
    nv, tv, uv, u01v = run([n, t, u, u01])
    assert nv.shape == (400, 500) and nv.dtype == np.float32
    assert abs(nv.mean() - 1.0) < 0.01 and abs(nv.std() - 0.5) < 0.01
    assert np.abs(tv).max() <= 4.0 and abs(tv.std() - 2.0 * TRUNC_STD) < 0.02
    assert uv.min() >= -3.0 and uv.max() < 1.0 and abs(uv.mean() + 1.0) < 0.02
    assert u01v.min() >= 0 and u01v.max() < 1
    with pytest.raises(ValueError, match="Expected floating point type"):
        tf.random_normal_initializer(dtype=tf.int32)
    ints = run(tf.random_uniform_initializer(0, 5, dtype=tf.int32, seed=5)([100]))
    assert ints.dtype == np.int32 and set(np.unique(ints)) <= set(range(5))


def test_uniform_unit_scaling_bound():
    init = tf.uniform_unit_scaling_initializer(factor=1.5, seed=1)
    v = run(init([3, 3, 8, 64]))
    limit = 1.5 * math.sqrt(3 / (3 * 3 * 8))
    assert np.abs(v).max() <= limit and np.abs(v).max() > 0.98 * limit
    assert init.get_config() == {"factor": 1.5, "seed": 1, "dtype": "float32"}


def test_compute_fans():
    assert init_ops._compute_fans([]) == (1, 1)
    assert init_ops._compute_fans([7]) == (7, 7)
    assert init_ops._compute_fans([5, 9]) == (5, 9)
    assert init_ops._compute_fans([3, 3, 16, 32]) == (144, 288)
    assert init_ops._compute_fans([2, 3, 3, 16, 32]) == (288, 576)


KERNEL = [8, 8, 16, 32]      # fan_in = 8*8*16 = 1024, fan_out = 8*8*32 = 2048 (receptive field 64)


@pytest.mark.parametrize("mode,n", [("fan_in", 1024), ("fan_out", 2048), ("fan_avg", 1536)])
@pytest.mark.parametrize("distribution", ["truncated_normal", "normal", "untruncated_normal", "uniform"])
def test_variance_scaling_std_formula_on_conv_kernel(mode, n, distribution):
    init = tf.variance_scaling_initializer(scale=2.0, mode=mode, distribution=distribution, seed=1)
    v = run(init(KERNEL))
    assert v.shape == tuple(KERNEL)
    target = math.sqrt(2.0 / n)                       # the std TF1 promises for every distribution
    np.testing.assert_allclose(v.std(), target, rtol=0.02)
    assert abs(v.mean()) < 0.05 * target
    if distribution in ("normal", "truncated_normal"):
        assert np.abs(v).max() <= 2 * target / TRUNC_STD + 1e-6
    elif distribution == "uniform":
        assert np.abs(v).max() <= math.sqrt(3.0) * target + 1e-6
    else:
        assert np.abs(v).max() > 2 * target / TRUNC_STD     # untruncated tails


def test_variance_scaling_defaults_and_errors():
    vs = tf.variance_scaling_initializer()
    assert (vs.scale, vs.mode, vs.distribution, vs.dtype) == (1.0, "fan_in", "truncated_normal", tf.float32)
    assert vs.get_config() == {"scale": 1.0, "mode": "fan_in", "distribution": "truncated_normal",
                               "seed": None, "dtype": "float32"}
    with pytest.raises(ValueError, match="must be positive"):
        tf.variance_scaling_initializer(scale=0.0)
    with pytest.raises(ValueError, match="mode"):
        tf.variance_scaling_initializer(mode="fan_sum")
    with pytest.raises(ValueError, match="distribution"):
        tf.variance_scaling_initializer(distribution="cauchy")


@pytest.mark.parametrize("make,var,bounded", [
    (lambda: tf.glorot_uniform_initializer(seed=1), 2 / (1024 + 2048), True),
    (lambda: tf.glorot_normal_initializer(seed=1), 2 / (1024 + 2048), False),
    (lambda: tf.initializers.he_normal(seed=1), 2 / 1024, False),
    (lambda: tf.initializers.he_uniform(seed=1), 2 / 1024, True),
    (lambda: tf.initializers.lecun_normal(seed=1), 1 / 1024, False),
    (lambda: tf.initializers.lecun_uniform(seed=1), 1 / 1024, True),
])
def test_named_variance_scaling_initializers(make, var, bounded):
    v = run(make()(KERNEL))
    target = math.sqrt(var)
    np.testing.assert_allclose(v.std(), target, rtol=0.02)
    limit = math.sqrt(3) * target if bounded else 2 * target / TRUNC_STD
    assert np.abs(v).max() <= limit + 1e-6 and np.abs(v).max() > 0.9 * limit


def test_glorot_configs():
    assert tf.glorot_uniform_initializer(seed=3).get_config() == {"seed": 3, "dtype": "float32"}
    g = tf.glorot_normal_initializer()
    assert (g.mode, g.distribution) == ("fan_avg", "truncated_normal")


# --------------------------------------------------------------------------------------------
# orthogonal, identity
# --------------------------------------------------------------------------------------------

def _check_orthogonal(init, shape, gain):
    v = run(init(shape))
    assert v.shape == tuple(shape)
    flat = v.reshape(-1, shape[-1])
    if flat.shape[0] >= flat.shape[1]:
        np.testing.assert_allclose(flat.T @ flat, gain ** 2 * np.eye(flat.shape[1]), atol=1e-4)
    else:
        np.testing.assert_allclose(flat @ flat.T, gain ** 2 * np.eye(flat.shape[0]), atol=1e-4)
    return v


def test_orthogonal_shapes_and_gain():
    _check_orthogonal(tf.orthogonal_initializer(seed=1), [20, 8], 1.0)
    _check_orthogonal(tf.orthogonal_initializer(gain=2.0, seed=1), [8, 20], 2.0)
    _check_orthogonal(tf.initializers.orthogonal(seed=2), [3, 3, 4, 8], 1.0)
    with pytest.raises(ValueError, match="at least two-dimensional"):
        tf.orthogonal_initializer()([5])
    assert tf.orthogonal_initializer(gain=0.5, seed=1).get_config() == {
        "gain": 0.5, "seed": 1, "dtype": "float32"}


def test_orthogonal_is_uniform_over_signs(monkeypatch):
    # the sign correction makes Q Haar-distributed: without it, the diagonal of Q for a
    # square matrix would be biased (Householder QR gives R a negative diagonal)
    monkeypatch.delattr(linalg_ops, "qr", raising=False)     # the built-in fallback path
    q = tf.orthogonal_initializer(seed=4)([4, 4])
    with tf.Session() as s:
        vals = np.stack([s.run(q) for _ in range(40)])      # each run draws a new matrix
    for v in vals:
        np.testing.assert_allclose(v.T @ v, np.eye(4), atol=1e-4)
    assert 0.25 < (vals[:, 0, 0] > 0).mean() < 0.75


@pytest.mark.skipif(not hasattr(linalg_ops, "qr"), reason="tf.qr (linalg_ops) is not implemented yet")
def test_orthogonal_through_tf_qr():
    v = _check_orthogonal(tf.orthogonal_initializer(seed=5), [6, 3], 1.0)
    assert any(op.type == "Qr" for op in tf.get_default_graph().get_operations())
    assert v.shape == (6, 3)


def test_identity_initializer():
    np.testing.assert_array_equal(run(tf.initializers.identity()([3, 3])), np.eye(3))
    v = run(tf.initializers.identity(gain=3.0)([2, 4], dtype=tf.float64))
    assert v.dtype == np.float64
    np.testing.assert_array_equal(v, 3.0 * np.eye(2, 4))
    with pytest.raises(ValueError, match="only be used for 2D matrices"):
        tf.initializers.identity()([2, 2, 2])


# --------------------------------------------------------------------------------------------
# seeds, variables, namespaces
# --------------------------------------------------------------------------------------------

def test_seeded_initializer_repeats_across_graphs():
    def build():
        g = tf.Graph()
        with g.as_default():
            tf.set_random_seed(7)
            v = tf.Variable(tf.glorot_uniform_initializer()([4, 5]))
            w = tf.Variable(tf.random_normal_initializer(seed=3)([4, 5]))
            init = tf.global_variables_initializer()
        with tf.Session(graph=g) as s:
            s.run(init)
            return s.run([v, w])
    a, b = build(), build()
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], a[1])


def test_initializer_in_variable_and_get_variable():
    v = tf.Variable(tf.truncated_normal_initializer(stddev=0.1, seed=1)([3, 4]))
    assert v.shape.as_list() == [3, 4] and v.dtype.base_dtype == tf.float32
    if hasattr(tf, "get_variable"):
        w = tf.get_variable("w", shape=[2, 3], initializer=tf.constant_initializer([1, 2, 3, 4, 5, 6]))
        k = tf.get_variable("k", shape=[3, 3, 2, 4], initializer=tf.initializers.he_uniform(seed=2))
    with tf.Session() as s:
        s.run(tf.initializers.global_variables())
        assert np.abs(s.run(v)).max() <= 0.2
        if hasattr(tf, "get_variable"):
            np.testing.assert_array_equal(s.run(w), [[1, 2, 3], [4, 5, 6]])
            assert np.abs(s.run(k)).max() <= math.sqrt(6 / 18)


def test_partition_info_uses_full_shape():
    class PartitionInfo:
        full_shape = [100, 10]
        var_offset = [50, 0]
    v = run(tf.uniform_unit_scaling_initializer(seed=1)([50, 10], partition_info=PartitionInfo()))
    assert v.shape == (50, 10) and np.abs(v).max() <= math.sqrt(3 / 100)
    ident = run(tf.initializers.identity()([2, 4], partition_info=type(
        "P", (), {"full_shape": [4, 4], "var_offset": [2, 0]})()))
    np.testing.assert_array_equal(ident, np.eye(4)[2:])


def test_namespaces():
    assert tf.initializers.zeros is tf.zeros_initializer
    assert tf.initializers.ones is tf.ones_initializer
    assert tf.initializers.constant is tf.constant_initializer
    assert tf.initializers.random_normal is tf.random_normal_initializer
    assert tf.initializers.random_uniform is tf.random_uniform_initializer
    assert tf.initializers.truncated_normal is tf.truncated_normal_initializer
    assert tf.initializers.variance_scaling is tf.variance_scaling_initializer
    assert tf.initializers.glorot_uniform is tf.glorot_uniform_initializer
    assert tf.initializers.glorot_normal is tf.glorot_normal_initializer
    assert tf.initializers.orthogonal is tf.orthogonal_initializer
    assert tf.initializers.uniform_unit_scaling is tf.uniform_unit_scaling_initializer
    assert tf.initializers.global_variables is tf.global_variables_initializer
    assert tf.initializers.local_variables is tf.local_variables_initializer
    assert tf.initializers.variables is tf.variables_initializer
    assert tf.random.normal is tf.random_normal and tf.random.uniform is tf.random_uniform
    assert tf.random.truncated_normal is tf.truncated_normal and tf.random.shuffle is tf.random_shuffle
    assert tf.random.set_random_seed is tf.set_random_seed and tf.random.get_seed is tf.get_seed
    assert tf.random.multinomial is tf.multinomial and tf.random.gamma is tf.random_gamma
    assert tf.random.poisson is tf.random_poisson
    for name in ("zeros", "ones", "constant", "random_normal", "random_uniform", "truncated_normal",
                 "variance_scaling", "glorot_uniform", "glorot_normal", "orthogonal", "identity"):
        init = getattr(tf.initializers, name)()
        assert init.dtype == tf.float32
        assert isinstance(init.get_config(), dict)
        assert type(init).from_config(init.get_config()).get_config() == init.get_config()
