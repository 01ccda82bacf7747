"""tf.bitwise (and/or/xor, invert, shifts) and tf.complex/tf.angle against NumPy, including TF's
convention for gradients with respect to complex tensors (dL/dx + i dL/dy)."""

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


A = np.array([-7, -6, -1, 0, 5, 7, 9, 123], np.int32)
B = np.array([2, 4, 3, 5, 2, 3, 4, 2], np.int32)


def test_bitwise_ops():
    a, b = tf.constant(A), tf.constant(B)
    got = run([tf.bitwise.bitwise_and(a, b), tf.bitwise.bitwise_or(a, b), tf.bitwise.bitwise_xor(a, 6),
               tf.bitwise.invert(a), tf.bitwise.left_shift(a, b), tf.bitwise.right_shift(a, b),
               tf.bitwise.invert(tf.constant([0, 5], tf.uint8))])
    np.testing.assert_array_equal(got[0], A & B)
    np.testing.assert_array_equal(got[1], A | B)
    np.testing.assert_array_equal(got[2], A ^ 6)
    np.testing.assert_array_equal(got[3], ~A)
    np.testing.assert_array_equal(got[4], A << B)
    np.testing.assert_array_equal(got[5], A >> B)            # arithmetic for signed types
    np.testing.assert_array_equal(got[6], [255, 250])
    assert [t.op.type for t in (tf.bitwise.bitwise_and(a, b), tf.bitwise.invert(a), tf.bitwise.left_shift(a, b),
                                tf.bitwise.right_shift(a, b))] == ["BitwiseAnd", "Invert", "LeftShift", "RightShift"]


def test_shift_count_is_clamped_like_tf():
    # TF's kernel clamps the shift to [0, bits - 1] (TF 2.21 recorded: 5 << 40 on int32 = INT_MIN,
    # -9 >> 40 = -1, 5 >> -3 = 5)
    got = run([tf.bitwise.left_shift(5, 40), tf.bitwise.right_shift(-9, 40), tf.bitwise.right_shift(5, -3)])
    assert got == [np.iinfo(np.int32).min, -1, 5]


def test_bitwise_type_checks():
    with pytest.raises(TypeError):
        tf.bitwise.bitwise_and(tf.constant([1.]), tf.constant([2.]))
    with pytest.raises(TypeError):
        tf.bitwise.left_shift(tf.constant([1], tf.int64), tf.constant([1], tf.int32))


def test_complex_and_angle_values():
    x, y = np.array([1., -2., 0.5]), np.array([3., 0., -1.])
    c = tf.complex(tf.constant(x, tf.float32), tf.constant(y, tf.float32))
    c2 = tf.complex(x, y)
    assert c.dtype == tf.complex64 and c2.dtype == tf.complex128 and c.op.type == "Complex"
    np.testing.assert_allclose(run(c2), x + 1j * y)
    a = tf.angle(c2)
    assert a.dtype == tf.float64 and a.op.type == "Angle"
    np.testing.assert_allclose(run(a), np.angle(x + 1j * y))
    np.testing.assert_allclose(run(tf.angle(tf.constant([-1.5, 0., 2.]))), [np.pi, 0., 0.])
    np.testing.assert_allclose(run(tf.complex(tf.constant([1., 2.]), 5.)), [1 + 5j, 2 + 5j])  # broadcast
    with pytest.raises(TypeError, match="incorrect types"):
        tf.complex(tf.constant([1.], tf.float64), tf.constant([1.], tf.float32))


def test_complex_gradients_follow_tf_convention():
    # TF 2.21 recorded: d/dz sum(|z|^2 + 2 imag(z)) at z = [1+2j, 3-1j] is [2+6j, 6+0j]
    z = tf.constant(np.array([1 + 2j, 3 - 1j], np.complex64))
    loss = tf.reduce_sum(tf.real(z * tf.conj(z)) + tf.imag(z) * 2.0)
    np.testing.assert_allclose(run(tf.gradients(loss, z))[0], [2 + 6j, 6 + 0j])
    # through tf.complex: L = real(c^2) = x^2 - y^2 -> dL/dx = 2x, dL/dy = -2y; dL/dc = 2x - 2iy
    x, y = tf.constant([1., 2.]), tf.constant([3., -1.])
    c = tf.complex(x, y)
    l3 = tf.reduce_sum(tf.real(c * c))
    gx, gy = run(tf.gradients(l3, [x, y]))
    gc, = run(tf.gradients(l3, c))
    np.testing.assert_allclose(gx, [2., 4.])
    np.testing.assert_allclose(gy, [-6., 2.])
    np.testing.assert_allclose(gc, [2 - 6j, 4 + 2j])
    # angle + abs: TF 2.21 recorded [0.01622775, 1.0944272], [1.0486833, -0.04721358]
    gx, gy = run(tf.gradients(tf.reduce_sum(tf.angle(c) + tf.abs(c)), [x, y]))
    np.testing.assert_allclose(gx, [0.01622775, 1.0944272], rtol=1e-5)
    np.testing.assert_allclose(gy, [1.0486833, -0.04721358], rtol=1e-5)
    # complex grad_ys (TF 2.21 recorded): y = z * [2+1j, 1j], grad_ys [1j, 2] -> [1+2j, -2j]
    w = tf.constant(np.array([2 + 1j, 1j], np.complex64))
    gz, = run(tf.gradients(z * w, z, grad_ys=tf.constant(np.array([1j, 2.], np.complex64))))
    np.testing.assert_allclose(gz, [1 + 2j, -2j])
