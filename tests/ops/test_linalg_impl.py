"""tf.linalg's functions (linalg_impl, tridiagonal_ops, matrix_function_ops) against values and
gradients recorded from real TensorFlow (tests/data/linalg_impl/expected.npz), against NumPy/SciPy,
and their op types and build-time errors."""
import os

import numpy as np
import pytest

import compat_tf as tf
import _gradcheck
import _linalg_impl_cases

FIXTURE = os.path.join(os.path.dirname(__file__), "..", "data", "linalg_impl", "expected.npz")
EXPECTED = dict(np.load(FIXTURE))
INPUTS = {k[3:]: v for k, v in EXPECTED.items() if k.startswith("in_")}

try:
    import scipy.linalg as sla
except ImportError:   # pragma: no cover
    sla = None


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_every_recorded_value_matches_tensorflow():
    fetches = _linalg_impl_cases.fetches(tf, INPUTS)
    got = _gradcheck.run(fetches)
    assert set(got) == {k for k in EXPECTED if not k.startswith("in_")}
    for key, value in got.items():
        want = EXPECTED[key]
        assert np.shape(value) == want.shape, key
        assert np.asarray(value).dtype == want.dtype, key
        np.testing.assert_allclose(value, want, rtol=1e-6, atol=1e-9, err_msg=key)


def test_op_types_are_tf1s():
    a = tf.constant(INPUTS["a"])
    lu, p = tf.linalg.lu(a, output_idx_type=tf.int64)
    assert lu.op.type == "Lu" and p.dtype == tf.int64 and p.shape.as_list() == [2, 4]
    assert tf.linalg.sqrtm(a).op.type == "MatrixSquareRoot"
    assert tf.matrix_square_root(a).op.type == "MatrixSquareRoot"
    assert tf.linalg.logm(tf.cast(a, tf.complex128)).op.type == "MatrixLogarithm"
    d, r = tf.constant(INPUTS["diags"]), tf.constant(INPUTS["rhs"])
    assert tf.linalg.tridiagonal_solve(d, r).op.type == "TridiagonalSolve"
    assert tf.linalg.tridiagonal_matmul(d, r).op.type == "TridiagonalMatMul"
    assert tf.linalg.tensor_diag(tf.constant([1.0, 2.0])).op.type == "Diag"
    assert tf.linalg.global_norm is tf.global_norm
    with pytest.raises(ValueError):    # CG needs the self-adjoint and positive definite hints, as TF
        tf.linalg.experimental.conjugate_gradient(tf.linalg.LinearOperatorFullMatrix(INPUTS["spd"][0]), [1.0] * 4)


def test_graphdef_round_trip_of_the_new_ops():
    a = tf.constant(INPUTS["spd"][0])
    d, r = tf.constant(INPUTS["diags"]), tf.constant(INPUTS["rhs"])
    outs = [tf.linalg.sqrtm(a, name="sq"), tf.linalg.lu(a, name="lu")[0], tf.linalg.tridiagonal_solve(d, r, name="ts"),
            tf.linalg.logm(tf.cast(a, tf.complex128), name="lg")]
    want = _gradcheck.run(outs)
    gd = tf.get_default_graph().as_graph_def()
    with tf.Graph().as_default():
        names = [o.name for o in outs]
        imported = tf.import_graph_def(gd, return_elements=names, name="")
        got = _gradcheck.run(imported)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-12)


@pytest.mark.skipif(sla is None, reason="scipy is not installed")
def test_sqrtm_and_logm_against_scipy_batched_and_float32():
    spd = INPUTS["spd"]
    got, got32, got_log = _gradcheck.run([tf.linalg.sqrtm(spd), tf.linalg.sqrtm(spd.astype(np.float32)),
                                          tf.linalg.logm(spd.astype(np.complex64))])
    want = np.stack([sla.sqrtm(m) for m in spd]).real
    np.testing.assert_allclose(got, want, rtol=1e-10)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, want, rtol=1e-4)
    np.testing.assert_allclose(got_log, np.stack([sla.logm(m) for m in spd]), rtol=1e-4, atol=1e-5)


@pytest.mark.skipif(sla is None, reason="scipy is not installed")
def test_sqrtm_gradient_matches_finite_differences():
    _gradcheck.check(tf.linalg.sqrtm, lambda x: sla.sqrtm(x).real, INPUTS["spd"][0][:3, :3], rtol=1e-5, atol=1e-7,
                     value_rtol=1e-10, value_atol=1e-10)


def test_tridiagonal_solve_gradient_matches_finite_differences():
    d, r = INPUTS["diags"][0], INPUTS["rhs"][0]

    def dense(diags):
        return np.diag(diags[1]) + np.diag(diags[0, :-1], 1) + np.diag(diags[2, 1:], -1)

    _gradcheck.check(lambda dd, rr: tf.linalg.tridiagonal_solve(dd, rr),
                     lambda dd, rr: np.linalg.solve(dense(dd), rr), d, r, rtol=1e-5, atol=1e-7,
                     value_rtol=1e-10, value_atol=1e-12)


def test_lu_gradient_of_lu_solve_matches_matrix_solve():
    a, b = tf.constant(INPUTS["a"]), tf.constant(INPUTS["b"])
    lu, p = tf.linalg.lu(a)
    x = tf.linalg.lu_solve(lu, p, b)
    g_lu, g_ref = _gradcheck.run([tf.gradients(x, a)[0], tf.gradients(tf.linalg.solve(a, b), a)[0]])
    np.testing.assert_allclose(g_lu, g_ref, rtol=1e-8, atol=1e-10)


def test_eigh_tridiagonal_complex_hermitian_and_vectors():
    alpha = np.array([1.0, 2.0, 3.0], np.complex128)
    beta = np.array([1.0 + 1.0j, 2.0j])
    values, vectors = tf.linalg.eigh_tridiagonal(alpha, beta, eigvals_only=False)
    w, v = _gradcheck.run([values, vectors])
    dense = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta.conj(), -1)
    assert w.dtype == np.float64
    np.testing.assert_allclose(w, np.linalg.eigvalsh(dense), rtol=1e-10)
    np.testing.assert_allclose(dense @ v, v * w, atol=1e-10)


@pytest.mark.parametrize("build, error", [
    (lambda: tf.linalg.logm(np.eye(2)), TypeError),                                      # complex only, as TF1
    (lambda: tf.linalg.sqrtm(np.eye(2, dtype=np.int32)), TypeError),
    (lambda: tf.linalg.sqrtm(np.ones((2, 3))), ValueError),
    (lambda: tf.linalg.matrix_rank(np.ones(3)), ValueError),
    (lambda: tf.linalg.pinv(np.ones((2, 2), np.int32)), TypeError),
    (lambda: tf.linalg.lu(np.eye(2), output_idx_type=tf.float32), TypeError),
    (lambda: tf.linalg.tridiagonal_solve(np.ones((2, 4)), np.ones((4, 1))), ValueError),
    (lambda: tf.linalg.tridiagonal_solve(np.ones((3, 4)), np.ones((5, 1))), ValueError),
    (lambda: tf.linalg.tridiagonal_solve(np.ones((3, 4)), np.ones((4, 1)), diagonals_format="bad"), ValueError),
    (lambda: tf.linalg.tridiagonal_matmul([np.ones(4)], np.ones((4, 1)), diagonals_format="sequence"), ValueError),
    (lambda: tf.linalg.eigh_tridiagonal(np.ones(3), np.ones(2, np.float32)), ValueError),
    (lambda: tf.linalg.eigh_tridiagonal(np.ones(3), np.ones(2), select="v"), ValueError),
])
def test_bad_input_raises_tf1s_error_class(build, error):
    with pytest.raises(error):
        build()


def test_eigh_tridiagonal_value_range_with_vectors():
    alpha, beta = INPUTS["alpha"], INPUTS["beta"]
    lo_hi = tf.placeholder(tf.float64, [2])
    values, vectors = tf.linalg.eigh_tridiagonal(alpha, beta, eigvals_only=False, select="v",
                                                 select_range=[lo_hi[0], lo_hi[1]])
    dense = np.diag(alpha) + np.diag(beta, 1) + np.diag(beta, -1)
    all_w = np.linalg.eigvalsh(dense)
    with tf.Session() as sess:
        for lo, hi in ((-1.0, 1.5), (all_w[0], all_w[0]), (10.0, 11.0)):
            w, v = sess.run([values, vectors], {lo_hi: [lo, hi]})
            np.testing.assert_allclose(w, all_w[(all_w >= lo) & (all_w <= hi)], rtol=1e-10)
            assert v.shape == (5, len(w))
            np.testing.assert_allclose(dense @ v, v * w, atol=1e-10)
