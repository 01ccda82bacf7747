"""tf.linalg.LinearOperator's base behaviour: TF1's hint rules and error classes (the table in
_operator_cases.ERRORS, checked against real TensorFlow by tests/oracle/test_linear_operator_parity.py),
structured adjoint/inverse/cholesky, operator @ operator, gradients through operators, run-time
asserts, dynamic shapes and name scopes."""
import re

import numpy as np
import pytest

import compat_tf as tf
import _operator_cases
from _operator_cases import DATA

la = tf.linalg


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


@pytest.mark.parametrize("name", sorted(_operator_cases.ERRORS))
def test_bad_construction_or_call_raises_tf1s_error(name):
    build, error = _operator_cases.ERRORS[name]
    with pytest.raises(error):
        build(tf)


def test_incompatible_composition_fails_when_built():
    # deviation: TF builds the composition and fails on use; compat_tf names the mismatch at once
    with pytest.raises(ValueError, match="incompatible"):
        la.LinearOperatorComposition([la.LinearOperatorFullMatrix(DATA["sym"]),
                                      la.LinearOperatorFullMatrix(DATA["a2"])])


def test_hints_are_implied_as_tf1():
    op = la.LinearOperatorFullMatrix(DATA["sym"], is_positive_definite=True)
    assert op.is_non_singular is True and op.is_square is True
    assert la.LinearOperatorFullMatrix(DATA["nonsq"]).is_square is False
    assert la.LinearOperatorDiag(DATA["diag"]).is_self_adjoint is True
    assert la.LinearOperatorDiag(DATA["diag"].astype(np.complex128)).is_self_adjoint is None


def test_structured_adjoint_inverse_and_cholesky():
    diag = la.LinearOperatorDiag(DATA["diag"][0] + 0j)
    assert isinstance(diag.adjoint(), la.LinearOperatorDiag)
    assert isinstance(diag.inverse(), la.LinearOperatorDiag)
    sym = la.LinearOperatorFullMatrix(DATA["sym"], is_self_adjoint=True, is_positive_definite=True)
    assert sym.adjoint() is sym and sym.H is sym
    full = la.LinearOperatorFullMatrix(DATA["full"])
    assert isinstance(full.adjoint(), la.LinearOperatorAdjoint) and full.adjoint().adjoint() is full
    inv = full.inverse()
    assert isinstance(inv, la.LinearOperatorInversion) and inv.inverse() is full
    chol = sym.cholesky()
    assert isinstance(chol, la.LinearOperatorLowerTriangular)
    d_inv, l_dense, inv_dense = run([diag.inverse().to_dense(), chol.to_dense(), inv.to_dense()])
    np.testing.assert_allclose(d_inv, np.diag(1.0 / DATA["diag"][0]), rtol=1e-12)
    np.testing.assert_allclose(l_dense @ l_dense.T, DATA["sym"], rtol=1e-10)
    np.testing.assert_allclose(inv_dense, np.linalg.inv(DATA["full"]), rtol=1e-8)


def test_operator_matmul_operator_is_their_composition():
    a, b = la.LinearOperatorFullMatrix(DATA["tril"]), la.LinearOperatorDiag(DATA["diag"][0])
    ab = a.matmul(b)
    ab_adj = a.matmul(b, adjoint=True)
    assert isinstance(ab, la.LinearOperatorComposition) and isinstance(a @ b, la.LinearOperatorComposition)
    got, got_adj = run([ab.to_dense(), ab_adj.to_dense()])
    np.testing.assert_allclose(got, DATA["tril"] @ np.diag(DATA["diag"][0]), rtol=1e-12)
    np.testing.assert_allclose(got_adj, DATA["tril"].T @ np.diag(DATA["diag"][0]), rtol=1e-12)
    with pytest.raises(ValueError):
        a.matmul(la.LinearOperatorFullMatrix(DATA["a2"]))


def test_gradients_flow_through_operators():
    u = tf.constant(DATA["u"])
    op = la.LinearOperatorLowRankUpdate(la.LinearOperatorDiag(DATA["diag"][0]), u, diag_update=DATA["d_up"],
                                        is_diag_update_positive=True)
    lad = op.log_abs_determinant()
    x = op.solve(tf.constant(DATA["x"][0]))
    g_lad, g_x = run([tf.gradients(lad, u)[0], tf.gradients(tf.reduce_sum(x), u)[0]])

    def dense(uu):
        return np.diag(DATA["diag"][0]) + uu @ np.diag(DATA["d_up"]) @ uu.T

    eps, num_lad, num_x = 1e-6, np.zeros_like(DATA["u"]), np.zeros_like(DATA["u"])
    for i in np.ndindex(*DATA["u"].shape):
        up, um = DATA["u"].copy(), DATA["u"].copy()
        up[i] += eps
        um[i] -= eps
        num_lad[i] = (np.linalg.slogdet(dense(up))[1] - np.linalg.slogdet(dense(um))[1]) / (2 * eps)
        num_x[i] = (np.linalg.solve(dense(up), DATA["x"][0]).sum() - np.linalg.solve(dense(um), DATA["x"][0]).sum()) \
            / (2 * eps)
    np.testing.assert_allclose(g_lad, num_lad, rtol=1e-5, atol=1e-8)
    np.testing.assert_allclose(g_x, num_x, rtol=1e-5, atol=1e-8)


def test_run_time_asserts_raise_invalid_argument():
    good = la.LinearOperatorFullMatrix(DATA["sym"])
    indefinite = la.LinearOperatorFullMatrix(np.diag([1.0, -1.0, 2.0]))
    nonsym = la.LinearOperatorFullMatrix(DATA["tril"])
    singular = la.LinearOperatorFullMatrix(np.ones((3, 3)))
    run([good.assert_positive_definite(), good.assert_self_adjoint(), good.assert_non_singular()])
    # constant inputs fail when the assert is built (TF1's static check), fed ones when it runs
    for bad in (indefinite.assert_positive_definite, nonsym.assert_self_adjoint, singular.assert_non_singular):
        with pytest.raises(tf.errors.InvalidArgumentError):
            run(bad())
    m = tf.placeholder(tf.float64, [3, 3])
    check = la.LinearOperatorFullMatrix(m).assert_self_adjoint()
    run(check, {m: DATA["sym"]})
    with pytest.raises(tf.errors.InvalidArgumentError):
        run(check, {m: DATA["tril"]})


def test_unknown_shapes_and_shape_tensors():
    m = tf.placeholder(tf.float64, [None, None])
    op = la.LinearOperatorFullMatrix(m)
    assert op.shape.as_list() == [None, None] and op.is_square is None and op.tensor_rank == 2
    shape, dom = run([op.shape_tensor(), op.domain_dimension_tensor()], {m: DATA["nonsq"]})
    assert shape.tolist() == [3, 2] and dom == 2
    static = la.LinearOperatorDiag(DATA["diag"])
    assert static.batch_shape.as_list() == [2] and static.range_dimension.value == 3
    assert run(static.batch_shape_tensor()).tolist() == [2]


def test_methods_build_in_the_operators_name_scope():
    # TF 1.15 re-enters `ops.name_scope(self.name)` per method, so the scope is made unique (my_diag_1)
    op = la.LinearOperatorDiag(DATA["diag"], name="my_diag")
    assert re.match(r"my_diag(_\d+)?/matmul/", op.matmul(DATA["x"]).op.name)
    assert re.match(r"my_diag(_\d+)?/log_abs_det/", op.log_abs_determinant().op.name)
    assert la.LinearOperatorFullMatrix(DATA["sym"]).to_dense().name == "LinearOperatorFullMatrix/matrix:0"


def test_eigvals_and_cond():
    sym = la.LinearOperatorFullMatrix(DATA["sym"], is_self_adjoint=True)
    ev, cond = run([sym.eigvals(), sym.cond()])
    np.testing.assert_allclose(ev, np.linalg.eigvalsh(DATA["sym"]), rtol=1e-10)
    np.testing.assert_allclose(cond, np.linalg.cond(DATA["sym"]), rtol=1e-10)
    with pytest.raises(NotImplementedError):
        la.LinearOperatorFullMatrix(DATA["full"]).eigvals()


class _UserMatmulOnly(tf.linalg.LinearOperator):
    """A TF1-style user subclass that defines only the shape and matmul."""

    def __init__(self, matrix):
        self._m = tf.convert_to_tensor(matrix)
        super().__init__(dtype=self._m.dtype, graph_parents=[self._m], is_square=True, name="UserOp")

    def _shape(self):
        return self._m.shape

    def _shape_tensor(self):
        return tf.shape(self._m)

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        return tf.matmul(self._m, x, adjoint_a=adjoint, adjoint_b=adjoint_arg)


def test_a_user_subclass_gets_the_dense_defaults():
    op = _UserMatmulOnly(DATA["full"])
    dense, solved, lad, tr = run([op.to_dense(), op.solve(DATA["x"]), op.log_abs_determinant(), op.trace()])
    np.testing.assert_allclose(dense, DATA["full"], rtol=1e-12)
    np.testing.assert_allclose(solved, np.linalg.solve(DATA["full"], DATA["x"]), rtol=1e-10)
    np.testing.assert_allclose(lad, np.linalg.slogdet(DATA["full"])[1], rtol=1e-10)
    np.testing.assert_allclose(tr, np.trace(DATA["full"], axis1=-2, axis2=-1), rtol=1e-12)
    assert op.graph_parents[0] is op._m and op.batch_shape.as_list() == [2]


def test_circulant_hermitian_spectrum_check_and_kernel():
    spectrum = tf.placeholder(tf.complex128, [3])
    op = la.LinearOperatorCirculant(spectrum, input_output_dtype=tf.complex128)
    check, kernel = op.assert_hermitian_spectrum(), op.convolution_kernel()
    hermitian = np.array([6.0, 1.0 + 2.0j, 1.0 - 2.0j])
    got = run([check, kernel], {spectrum: hermitian})[1]
    np.testing.assert_allclose(got, np.fft.ifft(hermitian), atol=1e-12)
    with pytest.raises(tf.errors.InvalidArgumentError):
        run(check, {spectrum: DATA["spectrum"]})
