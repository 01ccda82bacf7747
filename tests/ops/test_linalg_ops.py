"""Linear-algebra ops against NumPy: values, op types, batching, and gradients (float64, finite differences)."""

import numpy as np
import pytest

import compat_tf as tf
import _gradcheck
from _gradcheck import run


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def check(tf_fn, np_fn, *xs, rtol=1e-5, atol=1e-7, seed=0):
    """Values and tf.gradients of tf_fn against np_fn and central differences."""
    _gradcheck.check(tf_fn, np_fn, *xs, rtol=rtol, atol=atol, value_rtol=1e-8, value_atol=1e-10, seed=seed)


RS = np.random.RandomState(3)


def well_conditioned(*shape):
    return RS.randn(*shape) + 3.0 * np.eye(shape[-1])


def spd_from(x):
    """A symmetric positive definite matrix built from x: x x^T + n I (works for NumPy and tf)."""
    n = int(x.shape[-1])
    if isinstance(x, np.ndarray):
        return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)
    return tf.matmul(x, x, transpose_b=True) + n * tf.eye(n, dtype=tf.float64)


# --------------------------------------------------------------------------------------------
# inverse, determinant, solves
# --------------------------------------------------------------------------------------------

def test_matrix_inverse_values_batch_adjoint_and_gradient():
    a = well_conditioned(2, 3, 3)
    t = tf.matrix_inverse(tf.constant(a))
    assert t.op.type == "MatrixInverse" and t.shape.as_list() == [2, 3, 3]
    got, got_adj = run([t, tf.linalg.inv(tf.constant(a), adjoint=True)])
    np.testing.assert_allclose(got, np.linalg.inv(a), rtol=1e-10)
    np.testing.assert_allclose(got_adj, np.linalg.inv(np.swapaxes(a, -1, -2)), rtol=1e-10)
    check(tf.matrix_inverse, np.linalg.inv, well_conditioned(3, 3))


def test_matrix_determinant_and_slogdet():
    a = RS.randn(2, 3, 3)
    t = tf.matrix_determinant(tf.constant(a))
    assert t.op.type == "MatrixDeterminant" and t.shape.as_list() == [2]
    sign, logdet = tf.linalg.slogdet(tf.constant(a))
    got, s, ld = run([t, sign, logdet])
    np.testing.assert_allclose(got, np.linalg.det(a), rtol=1e-10)
    ws, wl = np.linalg.slogdet(a)
    np.testing.assert_allclose(s, ws)
    np.testing.assert_allclose(ld, wl, rtol=1e-10)
    check(tf.matrix_determinant, np.linalg.det, RS.randn(3, 3))
    check(lambda x: tf.linalg.slogdet(x)[1], lambda x: np.linalg.slogdet(x)[1], well_conditioned(3, 3))


def test_matrix_solve_values_adjoint_and_gradients():
    a, b = well_conditioned(3, 3), RS.randn(3, 2)
    t = tf.matrix_solve(tf.constant(a), tf.constant(b))
    assert t.op.type == "MatrixSolve" and t.shape.as_list() == [3, 2]
    got, adj = run([t, tf.linalg.solve(tf.constant(a), tf.constant(b), adjoint=True)])
    np.testing.assert_allclose(got, np.linalg.solve(a, b), rtol=1e-10)
    np.testing.assert_allclose(adj, np.linalg.solve(a.T, b), rtol=1e-10)
    check(tf.matrix_solve, np.linalg.solve, a, b)
    check(lambda x, y: tf.matrix_solve(x, y, adjoint=True), lambda x, y: np.linalg.solve(x.T, y), a, b)
    ab, bb = well_conditioned(2, 3, 3), RS.randn(2, 3, 1)
    np.testing.assert_allclose(run(tf.matrix_solve(ab, bb)), np.linalg.solve(ab, bb), rtol=1e-10)


@pytest.mark.parametrize("lower", [True, False])
@pytest.mark.parametrize("adjoint", [False, True])
def test_matrix_triangular_solve_reads_one_triangle(lower, adjoint):
    a, b = well_conditioned(3, 3), RS.randn(3, 2)
    tri = np.tril(a) if lower else np.triu(a)

    def np_fn(m, r):
        m = np.tril(m) if lower else np.triu(m)   # TF1 ignores the other triangle
        return np.linalg.solve(m.T if adjoint else m, r)
    t = tf.matrix_triangular_solve(tf.constant(a), tf.constant(b), lower=lower, adjoint=adjoint)
    assert t.op.type == "MatrixTriangularSolve"
    np.testing.assert_allclose(run(t), np.linalg.solve(tri.T if adjoint else tri, b), rtol=1e-10)
    check(lambda m, r: tf.matrix_triangular_solve(m, r, lower=lower, adjoint=adjoint), np_fn, a, b)


def test_cholesky_solve_and_lstsq():
    s = spd_from(RS.randn(3, 3))
    b = RS.randn(3, 2)
    chol = tf.cholesky(tf.constant(s))
    np.testing.assert_allclose(run(tf.linalg.cholesky_solve(chol, tf.constant(b))), np.linalg.solve(s, b),
                               rtol=1e-9)
    a, r = RS.randn(5, 3), RS.randn(5, 2)
    np.testing.assert_allclose(run(tf.matrix_solve_ls(a, r)), np.linalg.lstsq(a, r, rcond=None)[0], rtol=1e-8)


# --------------------------------------------------------------------------------------------
# decompositions
# --------------------------------------------------------------------------------------------

def test_cholesky_values_and_gradient_through_symmetric_input():
    s = spd_from(RS.randn(2, 3, 3))
    t = tf.cholesky(tf.constant(s))
    assert t.op.type == "Cholesky" and t.shape.as_list() == [2, 3, 3]
    np.testing.assert_allclose(run(t), np.linalg.cholesky(s), rtol=1e-10)
    # TF1's Cholesky gradient is the symmetrized one: exact through a symmetric construction
    check(lambda x: tf.cholesky(spd_from(x)), lambda x: np.linalg.cholesky(spd_from(x)), RS.randn(3, 3))


@pytest.mark.parametrize("shape", [(3, 3), (4, 3)])
def test_qr_values_and_gradients(shape):
    a = RS.randn(*shape)
    q, r = tf.qr(tf.constant(a))
    assert q.op.type == "Qr" and q.shape.as_list() == [shape[0], shape[1]] and r.shape.as_list() == [shape[1]] * 2
    gq, gr = run([q, r])
    nq, nr = np.linalg.qr(a)
    np.testing.assert_allclose(gq, nq, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(gr, nr, rtol=1e-9, atol=1e-12)
    fq, fr = run(list(tf.qr(tf.constant(a), full_matrices=True)))
    assert fq.shape == (shape[0], shape[0]) and fr.shape == shape
    np.testing.assert_allclose(fq @ fr, a, atol=1e-12)
    check(lambda x: tf.qr(x)[0], lambda x: np.linalg.qr(x)[0], a)
    check(lambda x: tf.qr(x)[1], lambda x: np.linalg.qr(x)[1], a)


def test_svd_values_layout_and_gradients():
    a = RS.randn(4, 3)
    s = tf.svd(tf.constant(a), compute_uv=False)
    s2, u, v = tf.svd(tf.constant(a))
    assert s.op.type == "Svd" and s.shape.as_list() == [3]
    assert u.shape.as_list() == [4, 3] and v.shape.as_list() == [3, 3]
    gs, gs2, gu, gv = run([s, s2, u, v])
    np.testing.assert_allclose(gs, np.linalg.svd(a, compute_uv=False), rtol=1e-10)
    np.testing.assert_allclose(gs2, gs, rtol=1e-12)
    np.testing.assert_allclose(gu @ np.diag(gs2) @ gv.T, a, atol=1e-12)   # v is returned untransposed
    full_u = run(tf.svd(tf.constant(a), full_matrices=True)[1])
    assert full_u.shape == (4, 4)
    check(lambda x: tf.svd(x, compute_uv=False), lambda x: np.linalg.svd(x, compute_uv=False), a)

    def np_uv(x):   # a sign-invariant function of the singular vectors
        uu, ss, vh = np.linalg.svd(x, full_matrices=False)
        return np.abs(uu) + 2.0 * np.abs(vh.T).sum()
    check(lambda x: tf.abs(tf.svd(x)[1]) + 2.0 * tf.reduce_sum(tf.abs(tf.svd(x)[2])), np_uv, a, rtol=1e-4)


def test_self_adjoint_eig_values_and_gradients():
    s = spd_from(RS.randn(2, 3, 3))
    e, v = tf.self_adjoint_eig(tf.constant(s))
    assert e.op.type == "SelfAdjointEigV2" and e.shape.as_list() == [2, 3] and v.shape.as_list() == [2, 3, 3]
    ge, gv, gev = run([e, v, tf.self_adjoint_eigvals(tf.constant(s))])
    we = np.linalg.eigvalsh(s)
    np.testing.assert_allclose(ge, we, rtol=1e-10)
    np.testing.assert_allclose(gev, we, rtol=1e-10)
    np.testing.assert_allclose(gv @ (ge[..., None] * np.swapaxes(gv, -1, -2)), s, atol=1e-10)
    check(lambda x: tf.self_adjoint_eig(spd_from(x))[0], lambda x: np.linalg.eigvalsh(spd_from(x)), RS.randn(3, 3))
    check(lambda x: tf.abs(tf.self_adjoint_eig(spd_from(x))[1]),
          lambda x: np.abs(np.linalg.eigh(spd_from(x))[1]), RS.randn(3, 3), rtol=1e-4)


# --------------------------------------------------------------------------------------------
# eye, diagonals, band part, trace
# --------------------------------------------------------------------------------------------

def test_eye():
    got = run([tf.eye(3), tf.eye(2, 3), tf.eye(2, batch_shape=[2]), tf.eye(2, dtype=tf.int32)])
    np.testing.assert_array_equal(got[0], np.eye(3))
    np.testing.assert_array_equal(got[1], np.eye(2, 3))
    np.testing.assert_array_equal(got[2], np.broadcast_to(np.eye(2), (2, 2, 2)))
    assert got[0].dtype == np.float32 and got[3].dtype == np.int32
    assert tf.linalg.eye is tf.eye


def test_matrix_diag_part_set_diag_band_part_values_and_gradients():
    a = RS.randn(2, 3, 3)
    d = RS.randn(2, 3)
    got = run([tf.matrix_diag(d), tf.matrix_diag_part(a), tf.matrix_set_diag(a, d),
               tf.matrix_band_part(a, 0, -1), tf.matrix_band_part(a, 1, 0), tf.linalg.band_part(a, 0, 0)])
    np.testing.assert_array_equal(got[0], d[..., None] * np.eye(3))
    np.testing.assert_array_equal(got[1], np.diagonal(a, axis1=-2, axis2=-1))
    want = a.copy()
    want[:, range(3), range(3)] = d
    np.testing.assert_array_equal(got[2], want)
    np.testing.assert_array_equal(got[3], np.triu(a))
    np.testing.assert_array_equal(got[4], np.tril(a) - np.tril(a, -2))
    np.testing.assert_array_equal(got[5], a * np.eye(3))
    check(tf.matrix_diag, lambda v: v[..., None] * np.eye(3), d)
    check(tf.matrix_diag_part, lambda m: np.diagonal(m, axis1=-2, axis2=-1).copy(), a)
    check(lambda m: tf.matrix_band_part(m, 1, 0), lambda m: np.tril(m) - np.tril(m, -2), a)

    def np_set(m, v):
        m = m.copy()
        m[:, range(3), range(3)] = v
        return m
    check(tf.matrix_set_diag, np_set, a, d)


def test_trace_batch_and_gradient():
    a = RS.randn(2, 3, 3)
    np.testing.assert_allclose(run(tf.linalg.trace(tf.constant(a))), np.trace(a, axis1=-2, axis2=-1), rtol=1e-12)
    check(tf.trace, lambda m: np.trace(m, axis1=-2, axis2=-1), a)


# --------------------------------------------------------------------------------------------
# norm
# --------------------------------------------------------------------------------------------

VECTOR_NORMS = [("euclidean", None), (1, None), (2, 0), (np.inf, -1), (3, 1), (0.5, 1), ("euclidean", 1)]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("ord,axis", VECTOR_NORMS, ids=str)
def test_vector_norms_values_and_gradients(ord, axis, keepdims):
    x = RS.randn(3, 4)
    np_ord = 2 if ord == "euclidean" else ord

    def np_fn(v):
        if axis is None:
            out = np.linalg.norm(v.reshape(-1), np_ord)
            return np.reshape(out, (1, 1)) if keepdims else out
        return np.linalg.norm(v, np_ord, axis=axis, keepdims=keepdims)
    t = tf.norm(tf.constant(x), ord=ord, axis=axis, keepdims=keepdims)
    assert t.shape.as_list() == list(np.shape(np_fn(x)))
    check(lambda v: tf.norm(v, ord=ord, axis=axis, keepdims=keepdims), np_fn, x)


@pytest.mark.parametrize("ord", ["fro", "euclidean", 1, 2, np.inf])
def test_matrix_norms_values_and_gradients(ord):
    x = RS.randn(2, 3, 4)
    np_ord = "fro" if ord == "euclidean" else ord
    want = np.linalg.norm(x, np_ord, axis=(1, 2))
    t = tf.norm(tf.constant(x), ord=ord, axis=[-2, -1])
    assert t.shape.as_list() == [2]
    np.testing.assert_allclose(run(t), want, rtol=1e-10)
    kept = run(tf.norm(tf.constant(x), ord=ord, axis=(1, 2), keepdims=True))
    assert kept.shape == (2, 1, 1)
    swapped = run(tf.norm(tf.constant(x), ord=ord, axis=[2, 1]))
    np.testing.assert_allclose(swapped, np.linalg.norm(np.swapaxes(x, 1, 2), np_ord, axis=(1, 2)), rtol=1e-10)
    check(lambda v: tf.norm(v, ord=ord, axis=[0, 1]), lambda v: np.linalg.norm(v, np_ord, axis=(0, 1)), x[0])


def test_norm_argument_errors_and_zero_vector():
    x = tf.constant([3.0, 4.0])
    assert run(tf.norm(x)) == 5.0 and tf.norm(x).dtype == tf.float32
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm"):
        tf.norm(x, ord="fro")
    with pytest.raises(ValueError, match="'ord' must be a supported vector norm"):
        tf.norm(x, ord=-1)
    with pytest.raises(ValueError, match="matrix norm"):
        tf.norm(tf.zeros([2, 2]), ord=3, axis=[0, 1])
    with pytest.raises(ValueError, match="'axis' must be"):
        tf.norm(tf.zeros([2, 2]), axis=[0, 0])
    with pytest.raises(ValueError, match="'axis' must be"):
        tf.norm(tf.zeros([2, 2, 2]), axis=[0, 1, 2])
    z = tf.zeros([3], tf.float64)
    assert run(tf.norm(z)) == 0.0
    assert np.isnan(run(tf.gradients(tf.norm(z), z)[0])).all()   # sqrt at 0, as TF1


# --------------------------------------------------------------------------------------------
# einsum, matvec, cross
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("eq,shapes", [("ij,jk->ik", [(2, 3), (3, 4)]), ("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
                                       ("ij->ji", [(2, 3)]), ("ii->i", [(3, 3)]), ("i,i->", [(3,), (3,)]),
                                       ("ij,kj->ik", [(2, 3), (4, 3)]), ("i,j->ij", [(2,), (3,)]),
                                       ("ijk->k", [(2, 3, 2)])])
def test_einsum_values_and_gradients(eq, shapes):
    xs = [RS.randn(*s) for s in shapes]
    t = tf.einsum(eq, *[tf.constant(x) for x in xs])
    assert t.op.type == "Einsum"
    check(lambda *ts: tf.einsum(eq, *ts), lambda *vs: np.einsum(eq, *vs), *xs)


def test_matvec_and_cross():
    a, v = RS.randn(2, 3, 4), RS.randn(2, 4)
    np.testing.assert_allclose(run(tf.linalg.matvec(a, v)), np.einsum("bij,bj->bi", a, v), rtol=1e-12)
    u, w = RS.randn(2, 3), RS.randn(2, 3)
    np.testing.assert_allclose(run(tf.linalg.cross(u, w)), np.cross(u, w), rtol=1e-12)
    check(tf.linalg.cross, np.cross, u, w)
