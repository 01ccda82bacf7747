"""Graph construction allocates nothing in proportion to a static shape (shape_inference evaluates
op lowerings abstractly; index arrays and ranges are computed in the program or by formula), as TF1
builds these ops without allocating. Found by tests/fuzz/test_fuzz_graph_def_import.py (an AvgPool of an
imported placeholder of shape [1, 10**6, 10**6, 1] allocated terabytes while being built)."""
import tracemalloc

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


_BIG = 10 ** 6
_CASES = {
    "range": (lambda: tf.range(10 ** 10), [10 ** 10]),
    "range_float": (lambda: tf.range(0.0, 1e9, 0.5), [2 * 10 ** 9]),
    "eye": (lambda: tf.eye(10 ** 5), [10 ** 5, 10 ** 5]),
    "matrix_diag": (lambda: tf.matrix_diag(tf.placeholder(tf.float32, [_BIG])), [_BIG, _BIG]),
    "matrix_diag_part": (lambda: tf.matrix_diag_part(tf.placeholder(tf.float32, [_BIG, _BIG])), [_BIG]),
    "matrix_set_diag": (lambda: tf.matrix_set_diag(tf.placeholder(tf.float32, [_BIG, _BIG]),
                                                   tf.placeholder(tf.float32, [_BIG])), [_BIG, _BIG]),
    "avg_pool": (lambda: tf.nn.avg_pool(tf.placeholder(tf.float32, [1, _BIG, _BIG, 1]), [1, 2, 2, 1],
                                        [1, 1, 1, 1], "SAME"), [1, _BIG, _BIG, 1]),
}


@pytest.mark.parametrize("name", sorted(_CASES))
def test_building_a_huge_op_allocates_nothing(name):
    build, shape = _CASES[name]
    tracemalloc.start()
    try:
        t = build()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert t.shape.as_list() == shape
    assert peak < 4 << 20


def test_the_same_ops_still_compute_small_values():
    x = np.arange(12.0, dtype=np.float32).reshape(1, 3, 4, 1)
    with tf.Session() as sess:
        r, e, p = sess.run([tf.range(1.0, 2.0, 0.25), tf.eye(3, 4),
                            tf.nn.avg_pool(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")])
    np.testing.assert_allclose(r, [1.0, 1.25, 1.5, 1.75])
    np.testing.assert_array_equal(e, np.eye(3, 4))
    np.testing.assert_allclose(p[0, :, :, 0], [[2.5, 4.5], [8.5, 10.5]])
    with pytest.raises(ValueError):
        tf.range(5, 1, 1)       # TF1: Requires start <= limit when delta > 0 (at build time here)
