"""Eager op kernels: the registered lowerings run at once, interpreted first and compiled when
their signature repeats (no XLA compile for a one-off op), random ops keyed without their seeds."""
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.eager import kernels
from compat_tf._src.runtime import tiers


@pytest.fixture
def sync_compiles(policy):
    policy(mode="auto", compile_after=2, background=False)


def test_first_call_interprets_and_a_repeat_compiles(sync_compiles):
    x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
    before = tiers.STATS.compiles
    y = tf.nn.softplus(x * 0.37 - 1.0)            # new signatures: NumPy, no XLA compile
    assert tiers.STATS.compiles == before
    np.testing.assert_allclose(y.numpy(), np.log1p(np.exp(np.arange(6).reshape(2, 3) * 0.37 - 1.0)), rtol=1e-6)
    tf.nn.softplus(x * 0.37 - 1.0)
    compiled = tiers.STATS.compiles
    assert compiled > before                     # the second call compiled its ops
    z = tf.nn.softplus(x * 0.37 - 1.0)
    assert tiers.STATS.compiles == compiled      # and later calls reuse them
    np.testing.assert_allclose(z.numpy(), y.numpy(), rtol=1e-6)


def test_interpret_policy_never_compiles(policy):
    policy(mode="interpret")
    before = tiers.STATS.compiles
    for _ in range(3):
        out = tf.matmul(tf.ones([3, 4]), tf.ones([4, 2]))
    assert tiers.STATS.compiles == before
    assert out.numpy().tolist() == [[4.0, 4.0]] * 3


def test_static_integer_inputs_are_keyed_by_value(sync_compiles):
    x = tf.constant(np.arange(12, dtype=np.float32))
    outs = [tf.reshape(x, shape).numpy().shape for shape in ([3, 4], [3, 4], [4, 3], [4, 3], [2, -1])]
    assert outs == [(3, 4), (3, 4), (4, 3), (4, 3), (2, 6)]
    assert tf.reduce_sum(tf.reshape(x, [3, 4]), axis=1).numpy().tolist() == [6.0, 22.0, 38.0]


def test_random_ops_share_one_kernel_across_seeds(policy):
    policy(mode="compile")
    tf.random_normal([5])
    tf.random_normal([5])        # (the first call learns that the shape input must be static)
    before = tiers.STATS.compiles
    draws = [tf.random_normal([5]).numpy() for _ in range(4)]
    assert tiers.STATS.compiles == before            # new seeds are arguments, not new programs
    assert len({d.tobytes() for d in draws}) == 4    # and every call draws anew


def test_global_seed_restarts_the_eager_sequence():
    tf.set_random_seed(7)
    a = [tf.random_uniform([3]).numpy(), tf.random_normal([2], seed=3).numpy()]
    tf.set_random_seed(7)
    b = [tf.random_uniform([3]).numpy(), tf.random_normal([2], seed=3).numpy()]
    for x, y in zip(a, b):
        np.testing.assert_array_equal(x, y)
    assert not np.array_equal(tf.random_uniform([3]).numpy(), a[0])


def test_compiled_and_interpreted_tiers_agree(policy):
    x = tf.constant(np.random.RandomState(0).randn(4, 5).astype(np.float32))
    policy(mode="interpret")
    ref = tf.nn.log_softmax(tf.matmul(x, x, transpose_b=True)).numpy()
    kernels.clear()
    policy(mode="compile")
    np.testing.assert_allclose(tf.nn.log_softmax(tf.matmul(x, x, transpose_b=True)).numpy(), ref, rtol=1e-5,
                               atol=1e-6)


def test_string_and_host_ops_run_eagerly():
    s = tf.constant(["a,b", "c"])
    assert tf.string_split(s, ",").values.numpy().tolist() == [b"a", b"b", b"c"]
    assert tf.encode_base64(tf.constant("hello world")).numpy() == b"aGVsbG8gd29ybGQ"
    assert tf.decode_base64(tf.constant("aGVsbG8gd29ybGQ")).numpy() == b"hello world"
    assert tf.unique(tf.constant([3, 1, 3]))[0].numpy().tolist() == [3, 1]
    assert tf.py_func(lambda a: a * 2, [tf.constant([1.5])], tf.float32).numpy().tolist() == [3.0]
