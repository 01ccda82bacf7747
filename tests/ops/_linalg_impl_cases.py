"""The tf.linalg function table shared by tests/ops/test_linalg_impl.py (built with compat_tf)
and tests/data/make_linalg_impl_fixtures.py (built with real TensorFlow): the same inputs and
graph on both sides."""
import numpy as np


def inputs():
    rs = np.random.RandomState(11)
    return {
        "a": rs.randn(2, 4, 4), "b": rs.randn(2, 4, 3), "rank_def": np.outer(rs.randn(4), rs.randn(3)) + 0.0,
        "wide": rs.randn(3, 5), "vec": rs.randn(2, 5),
        "diags": rs.randn(2, 3, 5), "rhs": rs.randn(2, 5, 2), "rhs_t": rs.randn(2, 2, 5), "rhs_v": rs.randn(2, 5),
        "pivot_diags": np.array([[1.0, 2.0, 1.0, 0.0], [1e-9, 1.0, 3.0, 2.0], [0.0, 4.0, 1.0, 1.0]]),
        "pivot_rhs": rs.randn(4, 1),
        "alpha": rs.randn(5), "beta": rs.randn(4),
        "spd": (lambda m: m @ np.swapaxes(m, -1, -2) + 4 * np.eye(4))(rs.randn(2, 4, 4)),
        "c": rs.randn(3, 3) + 1j * rs.randn(3, 3) + 4 * np.eye(3),
        "w": rs.randn(2, 4, 4),
    }


def fetches(tf, x):
    """name -> tensor, built with `tf` (compat_tf or real TensorFlow) from the inputs x."""
    la = tf.linalg
    t = {k: tf.constant(v) for k, v in x.items()}
    lu, p = la.lu(t["a"])
    seq = [t["diags"][:, 0], t["diags"][:, 1], t["diags"][:, 2]]
    dense = la.set_diag(la.set_diag(la.diag(t["diags"][:, 1]), t["diags"][:, 0, :-1], k=1),
                        t["diags"][:, 2, 1:], k=-1)
    sq = la.sqrtm(t["spd"])
    ts = la.tridiagonal_solve(t["diags"], t["rhs"])
    spd_op = la.LinearOperatorFullMatrix(t["spd"], is_self_adjoint=True, is_positive_definite=True)
    jacobi = la.LinearOperatorDiag(1.0 / la.diag_part(t["spd"]), is_self_adjoint=True, is_positive_definite=True)
    cg = la.experimental.conjugate_gradient(spd_op, t["rhs_v"][:, :4])
    cg_pre = la.experimental.conjugate_gradient(spd_op, t["rhs_v"][:, :4], preconditioner=jacobi, max_iter=2)
    cg_x0 = la.experimental.conjugate_gradient(spd_op, t["rhs_v"][:, :4], x=t["rhs_v"][:, 1:], tol=1e-12)
    return {
        "cg_i": cg.i, "cg_x": cg.x, "cg_pre_i": cg_pre.i, "cg_pre_x": cg_pre.x, "cg_pre_r": cg_pre.r,
        "cg_pre_gamma": cg_pre.gamma, "cg_x0_x": cg_x0.x,
        "lu": lu, "p": p, "lu_solve": la.lu_solve(lu, p, t["b"]), "lu_matrix_inverse": la.lu_matrix_inverse(lu, p),
        "lu_reconstruct": la.lu_reconstruct(lu, p),
        "rank_def_rank": la.matrix_rank(t["rank_def"]), "a_rank": la.matrix_rank(t["a"]),
        "rank_tol": la.matrix_rank(t["a"], tol=1.0),
        "pinv_rank_def": la.pinv(t["rank_def"]), "pinv_wide": la.pinv(t["wide"]),
        "pinv_rcond": la.pinv(t["a"], rcond=0.5),
        "normalize": la.normalize(t["vec"], axis=1)[0], "normalize_norm": la.normalize(t["vec"], axis=1)[1],
        "normalize_l1": la.normalize(t["vec"], ord=1)[0],
        "tri_solve": ts,
        "tri_solve_seq": la.tridiagonal_solve(seq, t["rhs"], diagonals_format="sequence"),
        "tri_solve_seq_short": la.tridiagonal_solve([t["diags"][:, 0, :-1], t["diags"][:, 1], t["diags"][:, 2, 1:]],
                                                    t["rhs"], diagonals_format="sequence"),
        "tri_solve_matrix": la.tridiagonal_solve(dense, t["rhs"], diagonals_format="matrix"),
        "tri_solve_vec": la.tridiagonal_solve(t["diags"], t["rhs_v"]),
        "tri_solve_t": la.tridiagonal_solve(t["diags"], t["rhs_t"], transpose_rhs=True),
        "tri_solve_nopivot": la.tridiagonal_solve(t["diags"], t["rhs"], partial_pivoting=False),
        "tri_solve_pivot": la.tridiagonal_solve(t["pivot_diags"], t["pivot_rhs"]),
        "tri_matmul": la.tridiagonal_matmul(t["diags"], t["rhs"]),
        "tri_matmul_seq": la.tridiagonal_matmul(seq, t["rhs"], diagonals_format="sequence"),
        "tri_matmul_matrix": la.tridiagonal_matmul(dense, t["rhs"], diagonals_format="matrix"),
        "eigh_tri": la.eigh_tridiagonal(t["alpha"], t["beta"]),
        "eigh_tri_i": la.eigh_tridiagonal(t["alpha"], t["beta"], select="i", select_range=[1, 3]),
        "eigh_tri_v": la.eigh_tridiagonal(t["alpha"], t["beta"], select="v", select_range=[-1.0, 1.5]),
        "sqrtm": sq, "sqrtm_grad": tf.gradients(sq, t["spd"], grad_ys=t["w"])[0],
        "sqrtm_c": la.sqrtm(t["c"]), "logm_c": la.logm(t["c"]),
        "tri_solve_grad_diags": tf.gradients(ts, t["diags"], grad_ys=t["rhs"] * 0.5 + 1.0)[0],
        "tri_solve_grad_rhs": tf.gradients(ts, t["rhs"], grad_ys=t["rhs"] * 0.5 + 1.0)[0],
        "adjoint_c": la.adjoint(t["c"]), "tensor_diag": la.tensor_diag(t["wide"]),
        "tensor_diag_part": la.tensor_diag_part(la.tensor_diag(t["wide"])),
    }
