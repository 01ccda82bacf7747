"""tf.linalg: the public names (defined in compat_tf._src.ops)."""
from compat_tf._src.ops.array_ops import eye, matrix_band_part as band_part  # noqa: F401
from compat_tf._src.ops.array_ops import matrix_diag as diag, matrix_diag_part as diag_part  # noqa: F401
from compat_tf._src.ops.array_ops import matrix_set_diag as set_diag  # noqa: F401
from compat_tf._src.ops.array_ops import matrix_transpose, matrix_transpose as transpose  # noqa: F401
from compat_tf._src.ops.linalg_ops import (  # noqa: F401
    cholesky, cholesky_solve, cross, log_matrix_determinant as slogdet, logdet, matrix_determinant as det,
    matrix_inverse as inv, matrix_solve as solve, matrix_solve_ls as lstsq, matrix_triangular_solve as
    triangular_solve, matvec, norm, qr, self_adjoint_eig as eigh, self_adjoint_eigvals as eigvalsh, svd)
from compat_tf._src.ops.array_ops import diag as tensor_diag, diag_part as tensor_diag_part  # noqa: F401
from compat_tf._src.ops.clip_ops import global_norm  # noqa: F401
from compat_tf._src.ops.linear_operator import *  # noqa: F401,F403
from compat_tf._src.ops.linear_operator import experimental  # noqa: F401
from compat_tf._src.ops.linalg_impl import (  # noqa: F401
    adjoint, eigh_tridiagonal, lu, lu_matrix_inverse, lu_reconstruct, lu_solve, matrix_rank, normalize, pinv)
from compat_tf._src.ops.matrix_function_ops import matrix_logarithm as logm, matrix_square_root as sqrtm  # noqa: F401
from compat_tf._src.ops.tridiagonal_ops import tridiagonal_matmul, tridiagonal_solve  # noqa: F401
from compat_tf._src.ops.math_ops import einsum, matmul, tensordot, trace  # noqa: F401
from compat_tf._src.ops.nn_impl import l2_normalize  # noqa: F401
from compat_tf._src.ops.special_math_ops import matrix_exponential as expm  # noqa: F401

from compat_tf._src.dropin.missing import missing_attr_hook as _hook  # noqa: E402

__getattr__ = _hook("tf.linalg")
