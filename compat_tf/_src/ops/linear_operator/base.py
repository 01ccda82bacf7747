"""tf.linalg.LinearOperator: TF 1.15's abstract base of structured matrices.

A LinearOperator is a Python object over graph tensors (TF1's is too): every method builds ops
through the public tf functions inside the operator's name scope ("<name>/matmul/..."), so the
graph runs, differentiates and exports as any other. The base class gives dense defaults
(`to_dense` + MatMul/MatrixSolve/LogMatrixDeterminant...); a subclass supplies `_shape` and
`_to_dense` (or `_matmul`) and overrides only what its structure makes cheaper.

Mirrors TF 1.15: the hint rules and their ValueErrors, `is_square` from the static shape, the
dtype TypeError and dimension ValueError of matmul/solve, NotImplementedError for solves and
determinants of operators hinted singular or non-square, `adjoint()`/`inverse()` returning
structured operators where TF1's registrations do (else LinearOperatorAdjoint/Inversion),
`matmul` of two operators giving their composition.
"""
import contextlib

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import array_ops, check_ops, linalg_ops, math_ops
from compat_tf._src.ops import constant as _constant


def convert(x, name=None, dtype=None):
    return _constant.convert_to_tensor(x, dtype=dtype, name=name)


def matrix_adjoint(x):
    return array_ops.matrix_transpose(x, conjugate=True)


class LinearOperator(object):
    """tf.linalg.LinearOperator(dtype, graph_parents=None, is_non_singular=None, is_self_adjoint=None,
    is_positive_definite=None, is_square=None, name=None)."""

    def __init__(self, dtype, graph_parents=None, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name=None):
        if is_positive_definite:
            if is_non_singular is False:
                raise ValueError("A positive definite matrix is always non-singular.")
            is_non_singular = True
        if is_non_singular:
            if is_square is False:
                raise ValueError("A non-singular matrix is always square.")
            is_square = True
        if is_self_adjoint:
            if is_square is False:
                raise ValueError("A self-adjoint matrix is always square.")
            is_square = True
        self._dtype = _dtypes.as_dtype(dtype).base_dtype if dtype is not None else None
        self._graph_parents = list(graph_parents or [])
        self._is_non_singular = is_non_singular
        self._is_self_adjoint = is_self_adjoint
        self._is_positive_definite = is_positive_definite
        self._is_square_set_or_implied_by_hints = is_square
        self._name = name or type(self).__name__

    # ---------------------------------------------------------------- naming, hints
    @contextlib.contextmanager
    def _name_scope(self, name=None):
        g = _graph.get_default_graph()
        with g.name_scope(self.name):
            if name is None:
                yield
            else:
                with g.name_scope(name) as scope:
                    yield scope

    name = property(lambda self: self._name)
    dtype = property(lambda self: self._dtype)
    graph_parents = property(lambda self: self._graph_parents)
    is_non_singular = property(lambda self: self._is_non_singular)
    is_self_adjoint = property(lambda self: self._is_self_adjoint)
    is_positive_definite = property(lambda self: self._is_positive_definite)

    @property
    def is_square(self):
        auto = self.domain_dimension.value is not None and self.range_dimension.value is not None and \
            self.domain_dimension.value == self.range_dimension.value
        hint = self._is_square_set_or_implied_by_hints
        if hint is False and auto:
            raise ValueError("User set is_square hint to False, but the operator was square.")
        if hint is None:
            known = self.domain_dimension.value is not None and self.range_dimension.value is not None
            return auto if known else None
        return hint

    def _can_use_cholesky(self):
        return self.is_self_adjoint and self.is_positive_definite

    # ---------------------------------------------------------------- shapes
    @property
    def shape(self):
        return _ts.TensorShape(self._shape())

    batch_shape = property(lambda self: self.shape[:-2])
    tensor_rank = property(lambda self: self.shape.ndims)
    domain_dimension = property(lambda self: self.shape[-1] if self.shape.ndims is not None else _ts.Dimension(None))
    range_dimension = property(lambda self: self.shape[-2] if self.shape.ndims is not None else _ts.Dimension(None))

    def _shape_tensor(self):
        return array_ops.shape(self.to_dense())

    def shape_tensor(self, name="shape_tensor"):
        with self._name_scope(name):
            if self.shape.is_fully_defined():
                return _constant.constant(self.shape.as_list(), dtype=_dtypes.int32, name="shape")
            return self._shape_tensor()

    def batch_shape_tensor(self, name="batch_shape_tensor"):
        with self._name_scope(name):
            if self.batch_shape.is_fully_defined():
                return _constant.constant(self.batch_shape.as_list(), dtype=_dtypes.int32, name="batch_shape")
            return self.shape_tensor()[:-2]

    def tensor_rank_tensor(self, name="tensor_rank_tensor"):
        with self._name_scope(name):
            if self.tensor_rank is not None:
                return _constant.constant(self.tensor_rank, dtype=_dtypes.int32)
            return array_ops.size(self.shape_tensor())

    def domain_dimension_tensor(self, name="domain_dimension_tensor"):
        with self._name_scope(name):
            if self.domain_dimension.value is not None:
                return _constant.constant(self.domain_dimension.value, dtype=_dtypes.int32)
            return self.shape_tensor()[-1]

    def range_dimension_tensor(self, name="range_dimension_tensor"):
        with self._name_scope(name):
            if self.range_dimension.value is not None:
                return _constant.constant(self.range_dimension.value, dtype=_dtypes.int32)
            return self.shape_tensor()[-2]

    def _static_or_dynamic(self, dim, getter):
        return dim.value if dim.value is not None else getter()

    def _eye(self, dim_index=-1):
        """The identity of the domain (or range) with this operator's batch shape."""
        n = self._static_or_dynamic(self.shape[dim_index], lambda: self.shape_tensor()[dim_index])
        batch = self.batch_shape.as_list() if self.batch_shape.is_fully_defined() else self.batch_shape_tensor()
        return array_ops.eye(n, batch_shape=batch if self.batch_shape.ndims != 0 else None, dtype=self.dtype)

    # ---------------------------------------------------------------- checks
    def _check_input_dtype(self, arg):
        if arg.dtype.base_dtype != self.dtype:
            raise TypeError(f"Expected argument to have dtype {self.dtype}.  Found: {arg.dtype} in tensor {arg}")

    def _check_dim(self, x, self_dim, arg_dim):
        self.shape[self_dim].assert_is_compatible_with(x.shape[arg_dim])

    def _check_solvable(self):
        if self.is_non_singular is False:
            raise NotImplementedError("Exact solve not implemented for an operator that is expected to be singular.")
        if self.is_square is False:
            raise NotImplementedError(
                "Exact solve not implemented for an operator that is expected to not be square.")

    def _check_square_for(self, what):
        if self.is_square is False:
            raise NotImplementedError(f"{what} not implemented for an operator that is expected to not be square.")

    # ---------------------------------------------------------------- public methods
    def to_dense(self, name="to_dense"):
        with self._name_scope(name):
            return self._to_dense()

    def matmul(self, x, adjoint=False, adjoint_arg=False, name="matmul"):
        if isinstance(x, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = x.adjoint() if adjoint_arg else x
            if right.range_dimension.value is not None and left.domain_dimension.value is not None and \
                    right.range_dimension.value != left.domain_dimension.value:
                raise ValueError(f"Operators are incompatible. Expected `x` to have dimension "
                                 f"{left.domain_dimension} but got {right.range_dimension}.")
            from compat_tf._src.ops.linear_operator.composite import LinearOperatorComposition
            with self._name_scope(name):
                return LinearOperatorComposition([left, right])
        with self._name_scope(name):
            x = convert(x, name="x")
            self._check_input_dtype(x)
            self._check_dim(x, -2 if adjoint else -1, -1 if adjoint_arg else -2)
            return self._matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def __matmul__(self, other):
        return self.matmul(other)

    def matvec(self, x, adjoint=False, name="matvec"):
        with self._name_scope(name):
            x = convert(x, name="x")
            self._check_input_dtype(x)
            self._check_dim(x, -2 if adjoint else -1, -1)
            return array_ops.squeeze(self._matmul(array_ops.expand_dims(x, -1), adjoint=adjoint), [-1])

    def solve(self, rhs, adjoint=False, adjoint_arg=False, name="solve"):
        self._check_solvable()
        if isinstance(rhs, LinearOperator):
            left = self.adjoint() if adjoint else self
            right = rhs.adjoint() if adjoint_arg else rhs
            from compat_tf._src.ops.linear_operator.composite import LinearOperatorComposition
            with self._name_scope(name):
                return LinearOperatorComposition([left.inverse(), right])
        with self._name_scope(name):
            rhs = convert(rhs, name="rhs")
            self._check_input_dtype(rhs)
            self._check_dim(rhs, -1 if adjoint else -2, -1 if adjoint_arg else -2)
            return self._solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def solvevec(self, rhs, adjoint=False, name="solve"):
        self._check_solvable()
        with self._name_scope(name):
            rhs = convert(rhs, name="rhs")
            self._check_input_dtype(rhs)
            self._check_dim(rhs, -1 if adjoint else -2, -1)
            return array_ops.squeeze(self._solve(array_ops.expand_dims(rhs, -1), adjoint=adjoint), [-1])

    def determinant(self, name="det"):
        self._check_square_for("Determinant")
        with self._name_scope(name):
            return self._determinant()

    def log_abs_determinant(self, name="log_abs_det"):
        self._check_square_for("Determinant")
        with self._name_scope(name):
            return self._log_abs_determinant()

    def diag_part(self, name="diag_part"):
        with self._name_scope(name):
            return self._diag_part()

    def trace(self, name="trace"):
        with self._name_scope(name):
            return self._trace()

    def add_to_tensor(self, x, name="add_to_tensor"):
        with self._name_scope(name):
            x = convert(x, name="x")
            self._check_input_dtype(x)
            return self._add_to_tensor(x)

    def eigvals(self, name="eigvals"):
        if not self.is_self_adjoint:
            raise NotImplementedError("Only self-adjoint matrices are supported.")
        with self._name_scope(name):
            return self._eigvals()

    def cond(self, name="cond"):
        with self._name_scope(name):
            s = linalg_ops.svd(self.to_dense(), compute_uv=False)
            return math_ops.reduce_max(s, axis=-1) / math_ops.reduce_min(s, axis=-1)

    def adjoint(self, name="adjoint"):
        if self.is_self_adjoint is True:
            return self
        with self._name_scope(name):
            return self._adjoint_operator()

    H = property(lambda self: self.adjoint())

    def inverse(self, name="inverse"):
        if self.is_square is False:
            raise ValueError("Cannot take the Inverse: This operator represents a non square matrix.")
        if self.is_non_singular is False:
            raise ValueError("Cannot take the Inverse: This operator represents a singular matrix.")
        with self._name_scope(name):
            return self._inverse_operator()

    def cholesky(self, name="cholesky"):
        if not self._can_use_cholesky():
            raise ValueError("Cannot take the Cholesky decomposition: Not a positive definite self adjoint matrix.")
        with self._name_scope(name):
            return self._cholesky_operator()

    def assert_non_singular(self, name="assert_non_singular"):
        with self._name_scope(name):
            return self._assert_non_singular()

    def assert_positive_definite(self, name="assert_positive_definite"):
        with self._name_scope(name):
            return self._assert_positive_definite()

    def assert_self_adjoint(self, name="assert_self_adjoint"):
        with self._name_scope(name):
            return self._assert_self_adjoint()

    # ---------------------------------------------------------------- dense defaults
    def _shape(self):
        raise NotImplementedError(f"{type(self).__name__} must define _shape")

    def _to_dense(self):
        return self._matmul(self._eye(-1))

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        return math_ops.matmul(self._to_dense(), x, adjoint_a=adjoint, adjoint_b=adjoint_arg)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        if self._can_use_cholesky():
            return linalg_ops.cholesky_solve(linalg_ops.cholesky(self._to_dense()), rhs)
        return linalg_ops.matrix_solve(self._to_dense(), rhs, adjoint=adjoint)

    def _log_abs_determinant(self):
        if self._can_use_cholesky():
            diag = array_ops.matrix_diag_part(linalg_ops.cholesky(self._to_dense()))
            return 2.0 * math_ops.reduce_sum(math_ops.log(math_ops.abs(diag)), axis=[-1])
        return linalg_ops.log_matrix_determinant(self._to_dense())[1]

    def _determinant(self):
        if self._can_use_cholesky():
            return math_ops.exp(self._log_abs_determinant())
        return linalg_ops.matrix_determinant(self._to_dense())

    def _diag_part(self):
        return array_ops.matrix_diag_part(self._to_dense())

    def _trace(self):
        return math_ops.reduce_sum(self._diag_part(), axis=-1)

    def _add_to_tensor(self, x):
        return self._to_dense() + x

    def _eigvals(self):
        return linalg_ops.self_adjoint_eigvals(self._to_dense())

    def _adjoint_operator(self):
        from compat_tf._src.ops.linear_operator.composite import LinearOperatorAdjoint
        return LinearOperatorAdjoint(self)

    def _inverse_operator(self):
        from compat_tf._src.ops.linear_operator.composite import LinearOperatorInversion
        return LinearOperatorInversion(self)

    def _cholesky_operator(self):
        from compat_tf._src.ops.linear_operator.structured import LinearOperatorLowerTriangular
        return LinearOperatorLowerTriangular(linalg_ops.cholesky(self._to_dense()), is_non_singular=True,
                                             is_self_adjoint=False, is_square=True)

    def _assert_non_singular(self):
        if self._can_use_cholesky():
            return self._assert_positive_definite()
        s = linalg_ops.svd(self._to_dense(), compute_uv=False)
        real = self.dtype.real_dtype if self.dtype.is_complex else self.dtype
        eps = float(np.finfo(real.as_numpy_dtype).eps)
        cond = math_ops.reduce_max(s, axis=-1) / math_ops.reduce_min(s, axis=-1)
        dims = [d for d in (self.domain_dimension.value, self.range_dimension.value) if d is not None]
        threshold = _constant.constant(100.0 * max(dims or [1]) / eps, dtype=cond.dtype)
        return check_ops.assert_less(cond, threshold, message="Singular matrix up to precision epsilon.")

    def _assert_positive_definite(self):
        diag = array_ops.matrix_diag_part(linalg_ops.cholesky(self._to_dense()))
        return check_ops.assert_positive(math_ops.real(diag) if diag.dtype.is_complex else diag,
                                         message="Matrix was not positive definite.")

    def _assert_self_adjoint(self):
        dense = self._to_dense()
        return check_ops.assert_equal(dense, matrix_adjoint(dense), message="Matrix was not equal to its adjoint.")


def check_hint(value, required, message):
    """The hint a structure fixes: `value` must not contradict `required` (TF1's ValueError)."""
    if value is not None and value != required:
        raise ValueError(message)
    return required


def float_or_complex(t, what):
    allowed = (_dtypes.float16, _dtypes.float32, _dtypes.float64, _dtypes.complex64, _dtypes.complex128)
    if t.dtype.base_dtype not in allowed:
        raise TypeError(f"Argument {what} must have dtype in {[d.name for d in allowed]}. Found: {t.dtype.name}")
    return t
