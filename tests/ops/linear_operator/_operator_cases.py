"""The LinearOperator table shared by the tests (built with compat_tf) and the fixture generator
tests/data/make_linear_operator_fixtures.py (built with real TensorFlow): `cases(tf)` gives
name -> operator, every input a fixed NumPy array, so both sides build the same matrices.
"""
import numpy as np

N = 3


def _data():
    rs = np.random.RandomState(7)
    well = lambda *s: rs.randn(*s) + 3.0 * np.eye(s[-1])  # noqa: E731
    return {
        "full": well(2, N, N), "tril": well(N, N), "diag": rs.rand(2, N) + 0.5,
        "sym": (lambda a: a @ a.T + N * np.eye(N))(rs.randn(N, N)),
        "mult": np.array([1.5, -2.0]), "v": rs.randn(N), "tri": rs.randn(3, N) + np.array([[0.], [4.], [0.]]),
        "col": np.array([4.0, 1.0, 0.5]), "row": np.array([9.0, -1.0, 0.25]),
        "spectrum": np.array([6.0, 1.0 + 2.0j, 3.0 - 1.0j]), "spectrum2": rs.rand(2, 3) + 1.0,
        "spectrum3": rs.rand(2, 1, 2) + 1.0, "a2": well(2, 2), "b2": well(2, 2), "u": rs.randn(N, 2),
        "d_up": np.array([1.0, 2.0]), "off": rs.randn(2, 2), "nonsq": rs.randn(N, 2),
        "x": rs.randn(2, N, 2), "x_c": rs.randn(N, 2) + 1j * rs.randn(N, 2),
    }


DATA = _data()


def cases(tf):
    d, la = DATA, tf.linalg
    c128 = tf.complex128
    return {
        "full": la.LinearOperatorFullMatrix(d["full"]),
        "full_spd": la.LinearOperatorFullMatrix(d["sym"], is_self_adjoint=True, is_positive_definite=True),
        "tril": la.LinearOperatorLowerTriangular(d["tril"]),
        "diag": la.LinearOperatorDiag(d["diag"]),
        "identity": la.LinearOperatorIdentity(N, batch_shape=[2], dtype=tf.float64),
        "scaled_identity": la.LinearOperatorScaledIdentity(N, d["mult"]),
        "householder": la.LinearOperatorHouseholder(d["v"]),
        "permutation": la.LinearOperatorPermutation(np.array([2, 0, 1], np.int32), dtype=tf.float64),
        "tridiag": la.LinearOperatorTridiag(d["tri"]),
        "toeplitz": la.LinearOperatorToeplitz(d["col"], d["row"]),
        "circulant": la.LinearOperatorCirculant(d["spectrum"], input_output_dtype=c128),
        "circulant2d": la.LinearOperatorCirculant2D(d["spectrum2"].astype(np.complex128), input_output_dtype=c128),
        "circulant3d": la.LinearOperatorCirculant3D(d["spectrum3"].astype(np.complex128), input_output_dtype=c128),
        "adjoint": la.LinearOperatorAdjoint(la.LinearOperatorFullMatrix(d["tril"])),
        "inversion": la.LinearOperatorInversion(la.LinearOperatorFullMatrix(d["sym"])),
        "composition": la.LinearOperatorComposition([la.LinearOperatorFullMatrix(d["tril"]),
                                                     la.LinearOperatorDiag(d["diag"][0])]),
        "kronecker": la.LinearOperatorKronecker([la.LinearOperatorFullMatrix(d["a2"]),
                                                 la.LinearOperatorFullMatrix(d["b2"])]),
        "block_diag": la.LinearOperatorBlockDiag([la.LinearOperatorFullMatrix(d["a2"]),
                                                  la.LinearOperatorDiag(d["diag"][0][:1])]),
        "block_lower_triangular": la.LinearOperatorBlockLowerTriangular(
            [[la.LinearOperatorFullMatrix(d["a2"])],
             [la.LinearOperatorFullMatrix(d["off"]), la.LinearOperatorFullMatrix(d["b2"])]]),
        "low_rank_update": la.LinearOperatorLowRankUpdate(la.LinearOperatorDiag(d["diag"][0]), d["u"],
                                                          diag_update=d["d_up"], is_diag_update_positive=True),
        "zeros": la.LinearOperatorZeros(N, batch_shape=[2], dtype=tf.float64),
        "full_nonsquare": la.LinearOperatorFullMatrix(d["nonsq"]),
    }


def methods(name, op, tf):
    """The values recorded for one operator: name -> tensor."""
    dtype = op.dtype
    n = op.domain_dimension.value
    x = (DATA["x_c"] if dtype.is_complex else DATA["x"][0])[:n] if n <= N else np.ones((n, 2))
    x = tf.constant(np.asarray(x).astype(dtype.as_numpy_dtype))
    out = {"to_dense": op.to_dense(), "matmul": op.matmul(x[:n])}
    m = op.range_dimension.value
    xm = tf.constant(np.ones((m, 2), dtype.as_numpy_dtype) * np.arange(1, m + 1)[:, None])
    out["matmul_adjoint"] = op.matmul(xm, adjoint=True)
    out["matvec"] = op.matvec(x[:n, 0])
    if op.is_square is not False:
        out["diag_part"] = op.diag_part()
        out["trace"] = op.trace()
        out["add_to_tensor"] = op.add_to_tensor(tf.constant(np.ones(op.shape.as_list(), dtype.as_numpy_dtype)))
        out["determinant"] = op.determinant()
        out["log_abs_determinant"] = op.log_abs_determinant()
    if op.is_square is not False and op.is_non_singular is not False:
        out["solve"] = op.solve(xm)
        out["solve_adjoint"] = op.solve(xm, adjoint=True)
        out["solvevec"] = op.solvevec(xm[:, 0])
    return out


def _solve_singular(tf):
    tf.linalg.LinearOperatorFullMatrix(DATA["full"], is_non_singular=False).solve(DATA["x"])


def _solve_nonsquare(tf):
    tf.linalg.LinearOperatorFullMatrix(DATA["nonsq"]).solve(DATA["nonsq"])


def _det_nonsquare(tf):
    tf.linalg.LinearOperatorFullMatrix(DATA["nonsq"]).determinant()


# name -> (build with `tf`, the exception class TF 1.15 raises at build time)
ERRORS = {
    "pd_but_singular_hint": (lambda tf: tf.linalg.LinearOperatorFullMatrix(
        DATA["sym"], is_positive_definite=True, is_non_singular=False), ValueError),
    "self_adjoint_but_not_square": (lambda tf: tf.linalg.LinearOperatorFullMatrix(
        DATA["sym"], is_self_adjoint=True, is_square=False), ValueError),
    "square_hint_false_on_square": (lambda tf: tf.linalg.LinearOperatorFullMatrix(
        DATA["sym"], is_square=False).is_square, ValueError),
    "int_matrix": (lambda tf: tf.linalg.LinearOperatorFullMatrix(np.eye(2, dtype=np.int32)), TypeError),
    "matmul_wrong_dtype": (lambda tf: tf.linalg.LinearOperatorFullMatrix(DATA["sym"]).matmul(
        DATA["x"][0].astype(np.float32)), TypeError),
    "matmul_wrong_dim": (lambda tf: tf.linalg.LinearOperatorFullMatrix(DATA["sym"]).matmul(np.ones((2, 2))),
                         ValueError),
    "solve_singular_hint": (_solve_singular, NotImplementedError),
    "solve_nonsquare": (_solve_nonsquare, NotImplementedError),
    "det_nonsquare": (_det_nonsquare, NotImplementedError),
    "cholesky_without_hints": (lambda tf: tf.linalg.LinearOperatorFullMatrix(DATA["sym"]).cholesky(), ValueError),
    "inverse_of_singular": (lambda tf: tf.linalg.LinearOperatorFullMatrix(
        DATA["sym"], is_non_singular=False).inverse(), ValueError),
    "real_diag_not_self_adjoint": (lambda tf: tf.linalg.LinearOperatorDiag(DATA["diag"], is_self_adjoint=False),
                                   ValueError),
    "identity_not_pd": (lambda tf: tf.linalg.LinearOperatorIdentity(3, is_positive_definite=False), ValueError),
    "identity_negative_rows": (lambda tf: tf.linalg.LinearOperatorIdentity(-1), ValueError),
    "zeros_non_singular": (lambda tf: tf.linalg.LinearOperatorZeros(3, is_non_singular=True), ValueError),
    "householder_not_self_adjoint": (lambda tf: tf.linalg.LinearOperatorHouseholder(
        DATA["v"], is_self_adjoint=False), ValueError),
    "householder_pd": (lambda tf: tf.linalg.LinearOperatorHouseholder(DATA["v"], is_positive_definite=True),
                       ValueError),
    "permutation_float_perm": (lambda tf: tf.linalg.LinearOperatorPermutation(np.array([1.0, 0.0])), TypeError),
    "composition_empty": (lambda tf: tf.linalg.LinearOperatorComposition([]), ValueError),
    "composition_dtypes": (lambda tf: tf.linalg.LinearOperatorComposition([
        tf.linalg.LinearOperatorDiag(DATA["diag"][0]),
        tf.linalg.LinearOperatorDiag(DATA["diag"][0].astype(np.float32))]), TypeError),
    "inversion_of_singular": (lambda tf: tf.linalg.LinearOperatorInversion(
        tf.linalg.LinearOperatorFullMatrix(DATA["sym"], is_non_singular=False)), ValueError),
    "block_lower_triangular_ragged": (lambda tf: tf.linalg.LinearOperatorBlockLowerTriangular(
        [[tf.linalg.LinearOperatorFullMatrix(DATA["a2"])], [tf.linalg.LinearOperatorFullMatrix(DATA["a2"])]]),
        ValueError),
    "tridiag_bad_format": (lambda tf: tf.linalg.LinearOperatorTridiag(DATA["tri"], diagonals_format="x"),
                           ValueError),
}
