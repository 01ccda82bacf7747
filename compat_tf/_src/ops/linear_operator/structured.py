"""LinearOperators defined by one tensor: FullMatrix, LowerTriangular, Diag, Identity,
ScaledIdentity, Zeros, Permutation, Householder, Tridiag, Toeplitz, Circulant(2D/3D).

Each overrides the base class's dense defaults only where its structure is cheaper (a diagonal
multiplies elementwise, a triangle solves by substitution, a circulant goes through the FFT),
with TF 1.15's constructor signatures, default names and hint errors.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import shape_inference
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import array_ops, fft_ops, linalg_ops, math_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops.linear_operator.base import (LinearOperator, check_hint, convert, float_or_complex,
                                                     matrix_adjoint)
from compat_tf._src.ops.tridiagonal_ops import _split_diagonals, tridiagonal_matmul, tridiagonal_solve


def _name_scope(name):
    return _graph.get_default_graph().name_scope(name)


def _square_of_vector(s):
    """[..., N] -> [..., N, N]: the shape of an operator given by one vector per batch member."""
    return s.concatenate(s[-1:]) if s.ndims is not None else _ts.TensorShape(None)


def _at_least(t, rank, what):
    if t.shape.ndims is not None and t.shape.ndims < rank:
        raise ValueError(f"Argument {what} must have at least {rank} dimensions.  Found: {t}")
    return t


class LinearOperatorFullMatrix(LinearOperator):
    """tf.linalg.LinearOperatorFullMatrix(matrix, ...): a dense [..., M, N] matrix."""

    def __init__(self, matrix, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorFullMatrix"):
        with _name_scope(name):
            self._matrix = _at_least(float_or_complex(convert(matrix, name="matrix"), "matrix"), 2, "matrix")
        super().__init__(self._matrix.dtype, [self._matrix], is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)

    def _shape(self):
        return self._matrix.shape

    def _shape_tensor(self):
        return array_ops.shape(self._matrix)

    def _to_dense(self):
        return self._matrix


class LinearOperatorLowerTriangular(LinearOperator):
    """tf.linalg.LinearOperatorLowerTriangular(tril, ...): the lower triangle of tril (the rest ignored)."""

    def __init__(self, tril, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorLowerTriangular"):
        if is_square is False:
            raise ValueError("Only square lower triangular operators supported at this time.")
        with _name_scope(name):
            self._tril = _at_least(float_or_complex(convert(tril, name="tril"), "tril"), 2, "tril")
            self._lower = array_ops.matrix_band_part(self._tril, -1, 0)
        super().__init__(self._tril.dtype, [self._tril], is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    def _shape(self):
        return self._tril.shape

    def _shape_tensor(self):
        return array_ops.shape(self._tril)

    def _to_dense(self):
        return self._lower

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        return linalg_ops.matrix_triangular_solve(self._lower, rhs, lower=True, adjoint=adjoint)

    def _diag_part(self):
        return array_ops.matrix_diag_part(self._tril)

    def _determinant(self):
        return math_ops.reduce_prod(self._diag_part(), axis=[-1])

    def _log_abs_determinant(self):
        return math_ops.reduce_sum(math_ops.log(math_ops.abs(self._diag_part())), axis=[-1])

    _eigvals = _diag_part


class _DiagonalLike(LinearOperator):
    """Shared by operators whose matrix is diag(d) for a [..., N] tensor `_diag_vector()`."""

    def _to_dense(self):
        return array_ops.matrix_diag(self._diag_vector())

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        d = self._diag_vector()
        d = math_ops.conj(d) if adjoint else d
        x = matrix_adjoint(x) if adjoint_arg else x
        return array_ops.expand_dims(d, -1) * x

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        d = self._diag_vector()
        d = math_ops.conj(d) if adjoint else d
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        return rhs / array_ops.expand_dims(d, -1)

    def _diag_part(self):
        return self._diag_vector()

    def _determinant(self):
        return math_ops.reduce_prod(self._diag_vector(), axis=[-1])

    def _log_abs_determinant(self):
        return math_ops.reduce_sum(math_ops.log(math_ops.abs(self._diag_vector())), axis=[-1])

    def _add_to_tensor(self, x):
        return array_ops.matrix_set_diag(x, array_ops.matrix_diag_part(x) + self._diag_vector())

    def _eigvals(self):
        return self._diag_vector()


class LinearOperatorDiag(_DiagonalLike):
    """tf.linalg.LinearOperatorDiag(diag, ...): diag(d) for d of shape [..., N]."""

    def __init__(self, diag, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorDiag"):
        with _name_scope(name):
            self._diag = _at_least(float_or_complex(convert(diag, name="diag"), "diag"), 1, "diag")
        if not self._diag.dtype.is_complex:
            is_self_adjoint = check_hint(is_self_adjoint, True, "A real diagonal operator is always self adjoint.")
        if is_square is False:
            raise ValueError("Only square diagonal operators currently supported.")
        super().__init__(self._diag.dtype, [self._diag], is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    diag = property(lambda self: self._diag)

    def _diag_vector(self):
        return self._diag

    def _shape(self):
        return _square_of_vector(self._diag.shape)

    def _shape_tensor(self):
        s = array_ops.shape(self._diag)
        return array_ops.concat([s, s[-1:]], 0)

    def _adjoint_operator(self):
        return LinearOperatorDiag(math_ops.conj(self._diag), is_non_singular=self.is_non_singular,
                                  is_self_adjoint=self.is_self_adjoint,
                                  is_positive_definite=self.is_positive_definite, is_square=True)

    def _inverse_operator(self):
        return LinearOperatorDiag(1.0 / self._diag, is_non_singular=self.is_non_singular,
                                  is_self_adjoint=self.is_self_adjoint,
                                  is_positive_definite=self.is_positive_definite, is_square=True)

    def _cholesky_operator(self):
        return LinearOperatorDiag(math_ops.sqrt(self._diag), is_non_singular=True, is_self_adjoint=True,
                                  is_positive_definite=True, is_square=True)


def _num_rows(num_rows, what="num_rows"):
    """A static non-negative int (TF1's checks) or a scalar int32 tensor."""
    if isinstance(num_rows, (int, np.integer)) and not isinstance(num_rows, bool):
        if num_rows < 0:
            raise ValueError(f"Argument {what} must be non-negative.  Found: {num_rows}")
        return int(num_rows)
    t = convert(num_rows, name=what)
    if not t.dtype.is_integer:
        raise TypeError(f"Argument {what} must be integer type.  Found: {t}")
    if t.shape.ndims not in (None, 0):
        raise ValueError(f"Argument {what} must be a 0-D Tensor.  Found: {t}")
    value = shape_inference.constant_value(t)
    return int(value) if value is not None else t


def _batch_list(batch_shape):
    if batch_shape is None:
        return None
    if isinstance(batch_shape, _graph.Tensor):
        raise NotImplementedError("tf.linalg.LinearOperatorIdentity(batch_shape=<Tensor>) is not supported by "
                                  "compat_tf; pass a list of ints")
    out = [int(b) for b in batch_shape]
    if any(b < 0 for b in out):
        raise ValueError(f"Argument batch_shape must be non-negative.  Found: {out}")
    return out


class _SquareByNumRows(LinearOperator):
    """Shared by Identity/ScaledIdentity/Zeros: shape batch + [num_rows, num_cols]."""

    def _dims(self):
        return [self._rows if isinstance(self._rows, int) else None,
                self._cols if isinstance(self._cols, int) else None]

    def _shape(self):
        return _ts.TensorShape(self._batch_static() + self._dims())

    def _shape_tensor(self):
        dims = [convert(d, dtype=_dtypes.int32) for d in (self._rows, self._cols)]
        return array_ops.concat([self._batch_tensor(), array_ops.stack(dims)], 0)

    def _broadcast_batch(self, x):
        """x with this operator's batch shape broadcast in (TF1's _possibly_broadcast_batch_shape)."""
        batch = self._batch_static()
        if not batch:
            return x
        return x + array_ops.zeros(batch + [1, 1], dtype=x.dtype)


class LinearOperatorIdentity(_SquareByNumRows, _DiagonalLike):
    """tf.linalg.LinearOperatorIdentity(num_rows, batch_shape=None, dtype=None, ...)."""

    def __init__(self, num_rows, batch_shape=None, dtype=None, is_non_singular=True, is_self_adjoint=True,
                 is_positive_definite=True, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorIdentity"):
        for hint, what in ((is_non_singular, "non-singular"), (is_self_adjoint, "self-adjoint"),
                           (is_positive_definite, "positive-definite"), (is_square, "square")):
            if not hint:
                raise ValueError(f"An identity operator is always {what}.")
        with _name_scope(name):
            self._rows = self._cols = _num_rows(num_rows)
            self._batch = _batch_list(batch_shape)
        super().__init__(dtype or _dtypes.float32, [], True, True, True, True, name)

    def _batch_static(self):
        return list(self._batch or [])

    def _batch_tensor(self):
        return _constant.constant(self._batch_static(), dtype=_dtypes.int32)

    def _diag_vector(self):
        return array_ops.ones(self._batch_static() + [self._rows], dtype=self.dtype)

    def _to_dense(self):
        return array_ops.eye(self._rows, batch_shape=self._batch or None, dtype=self.dtype)

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        return self._broadcast_batch(matrix_adjoint(x) if adjoint_arg else x)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        return self._matmul(rhs, adjoint_arg=adjoint_arg)

    def _determinant(self):
        return array_ops.ones(self._batch_static(), dtype=self.dtype)

    def _log_abs_determinant(self):
        return array_ops.zeros(self._batch_static(), dtype=self.dtype)

    def _adjoint_operator(self):
        return self

    _inverse_operator = _cholesky_operator = _adjoint_operator


class LinearOperatorScaledIdentity(_SquareByNumRows, _DiagonalLike):
    """tf.linalg.LinearOperatorScaledIdentity(num_rows, multiplier, ...): multiplier * I, the batch
    shape that of multiplier."""

    def __init__(self, num_rows, multiplier, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorScaledIdentity"):
        if is_square is False:
            raise ValueError("A ScaledIdentity operator is always square.")
        with _name_scope(name):
            self._multiplier = float_or_complex(convert(multiplier, name="multiplier"), "multiplier")
            self._rows = self._cols = _num_rows(num_rows)
        super().__init__(self._multiplier.dtype, [self._multiplier], is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    multiplier = property(lambda self: self._multiplier)

    def _batch_static(self):
        return self._multiplier.shape.as_list()

    def _batch_tensor(self):
        return array_ops.shape(self._multiplier)

    def _diag_vector(self):
        return array_ops.expand_dims(self._multiplier, -1) * array_ops.ones([self._rows], dtype=self.dtype)

    def _determinant(self):
        return self._multiplier ** math_ops.cast(self._rows, self.dtype)

    def _log_abs_determinant(self):
        return math_ops.cast(self._rows, self._multiplier.dtype.real_dtype) * \
            math_ops.log(math_ops.abs(self._multiplier))

    def _trace(self):
        return self._multiplier * math_ops.cast(self._rows, self.dtype)

    def _scaled(self, multiplier, **hints):
        return LinearOperatorScaledIdentity(self._rows, multiplier, **hints)

    def _adjoint_operator(self):
        return self._scaled(math_ops.conj(self._multiplier), is_non_singular=self.is_non_singular,
                            is_positive_definite=self.is_positive_definite)

    def _inverse_operator(self):
        return self._scaled(1.0 / self._multiplier, is_non_singular=self.is_non_singular,
                            is_self_adjoint=self.is_self_adjoint, is_positive_definite=self.is_positive_definite)

    def _cholesky_operator(self):
        return self._scaled(math_ops.sqrt(self._multiplier), is_non_singular=True, is_self_adjoint=True,
                            is_positive_definite=True)


class LinearOperatorZeros(_SquareByNumRows):
    """tf.linalg.LinearOperatorZeros(num_rows, num_columns=None, batch_shape=None, dtype=None, ...)."""

    def __init__(self, num_rows, num_columns=None, batch_shape=None, dtype=None, is_non_singular=False,
                 is_self_adjoint=True, is_positive_definite=False, is_square=True, assert_proper_shapes=False,
                 name="LinearOperatorZeros"):
        if is_non_singular:
            raise ValueError("A Zeros operator is always singular.")
        if is_positive_definite:
            raise ValueError("A Zeros operator is always not positive-definite.")
        with _name_scope(name):
            self._rows = _num_rows(num_rows)
            self._cols = self._rows if num_columns is None else _num_rows(num_columns, "num_columns")
            self._batch = _batch_list(batch_shape)
        if isinstance(self._rows, int) and isinstance(self._cols, int) and self._rows != self._cols:
            is_self_adjoint = is_square = None   # TF1's defaults only hold for a square Zeros
        super().__init__(dtype or _dtypes.float32, [], False, is_self_adjoint, False, is_square, name)

    _batch_static = LinearOperatorIdentity._batch_static
    _batch_tensor = LinearOperatorIdentity._batch_tensor

    def _to_dense(self):
        return array_ops.zeros(self._batch_static() + self._dims(), dtype=self.dtype)

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        rows = self._cols if adjoint else self._rows
        x_cols = array_ops.shape(x)[-2 if adjoint_arg else -1]
        zeros = array_ops.zeros(array_ops.concat([array_ops.shape(x)[:-2], [rows, x_cols]], 0), dtype=x.dtype)
        return self._broadcast_batch(zeros)

    def _determinant(self):
        return array_ops.zeros(self._batch_static(), dtype=self.dtype)

    def _log_abs_determinant(self):
        return math_ops.log(self._determinant())

    def _diag_part(self):
        return array_ops.zeros(self._batch_static() + [min(self._dims())], dtype=self.dtype)

    def _add_to_tensor(self, x):
        return self._broadcast_batch(x)


class LinearOperatorPermutation(LinearOperator):
    """tf.linalg.LinearOperatorPermutation(perm, dtype=tf.float32, ...): P with (P x)[i] = x[perm[i]]."""

    def __init__(self, perm, dtype=_dtypes.float32, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorPermutation"):
        is_non_singular = check_hint(is_non_singular, True, "A Permutation operator is always non-singular.")
        is_square = check_hint(is_square, True, "A Permutation operator is always square.")
        with _name_scope(name):
            self._perm = _at_least(convert(perm, name="perm"), 1, "perm")
            if not self._perm.dtype.is_integer:
                raise TypeError(f"Argument perm must have integer dtype. Found: {self._perm.dtype}")
        super().__init__(dtype, [self._perm], is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)

    perm = property(lambda self: self._perm)

    def _shape(self):
        return _square_of_vector(self._perm.shape)

    def _to_dense(self):
        n = self._perm.shape[-1].value
        return array_ops.one_hot(self._perm, n if n is not None else array_ops.shape(self._perm)[-1],
                                 dtype=self.dtype)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        return self._matmul(rhs, adjoint=not adjoint, adjoint_arg=adjoint_arg)   # P^-1 = P^T

    def _log_abs_determinant(self):
        return array_ops.zeros(array_ops.shape(self._perm)[:-1], dtype=self.dtype)


class LinearOperatorHouseholder(LinearOperator):
    """tf.linalg.LinearOperatorHouseholder(reflection_axis, ...): I - 2 v v^H / (v^H v)."""

    def __init__(self, reflection_axis, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorHouseholder"):
        is_self_adjoint = check_hint(is_self_adjoint, True, "A Householder operator is always self adjoint.")
        is_non_singular = check_hint(is_non_singular, True, "A Householder operator is always non-singular.")
        is_square = check_hint(is_square, True, "A Householder operator is always square.")
        if is_positive_definite is True:
            raise ValueError("A Householder operator is always non-positive definite.")
        with _name_scope(name):
            self._v = _at_least(float_or_complex(convert(reflection_axis, name="reflection_axis"),
                                                 "reflection_axis"), 1, "reflection_axis")
        super().__init__(self._v.dtype, [self._v], is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)

    reflection_axis = property(lambda self: self._v)

    def _shape(self):
        return _square_of_vector(self._v.shape)

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        x = matrix_adjoint(x) if adjoint_arg else x
        v = array_ops.expand_dims(self._v, -1)
        vhx = math_ops.matmul(v, x, adjoint_a=True)
        vhv = math_ops.reduce_sum(math_ops.conj(self._v) * self._v, axis=-1)
        return x - 2.0 * v * vhx / array_ops.expand_dims(array_ops.expand_dims(vhv, -1), -1)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        return self._matmul(rhs, adjoint_arg=adjoint_arg)   # H^-1 = H

    def _determinant(self):
        return -array_ops.ones(array_ops.shape(self._v)[:-1], dtype=self.dtype)

    def _log_abs_determinant(self):
        return array_ops.zeros(array_ops.shape(self._v)[:-1], dtype=self.dtype)


class LinearOperatorTridiag(LinearOperator):
    """tf.linalg.LinearOperatorTridiag(diagonals, diagonals_format='compact', ...): a tridiagonal
    matrix in any of tf.linalg.tridiagonal_solve's formats; matmul and solve through
    TridiagonalMatMul/TridiagonalSolve."""

    def __init__(self, diagonals, diagonals_format="compact", is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=None, name="LinearOperatorTridiag"):
        is_square = check_hint(is_square, True, "A tridiagonal operator is always square.")
        with _name_scope(name):
            self._diagonals_format = diagonals_format
            self._diagonals = diagonals
            self._sup, self._main, self._sub = _split_diagonals(diagonals, diagonals_format,
                                                                "tf.linalg.LinearOperatorTridiag")
            float_or_complex(self._main, "diagonals")
        super().__init__(self._main.dtype, [self._main], is_non_singular, is_self_adjoint, is_positive_definite,
                         is_square, name)

    diagonals = property(lambda self: self._diagonals)
    diagonals_format = property(lambda self: self._diagonals_format)

    def _shape(self):
        return _square_of_vector(self._main.shape)

    def _to_dense(self):
        n = self._main.shape[-1].value
        out = array_ops.matrix_diag(self._main)
        if n is None or n > 1:
            out = out + array_ops.matrix_diag(self._sup[..., :-1], k=1) + array_ops.matrix_diag(self._sub[..., 1:],
                                                                                                  k=-1)
        return out

    def _adjoint_diagonals(self):
        pad = [[0, 0]] * (self._main.shape.ndims - 1)
        sup = array_ops.pad(math_ops.conj(self._sub[..., 1:]), pad + [[0, 1]])
        sub = array_ops.pad(math_ops.conj(self._sup[..., :-1]), pad + [[1, 0]])
        return [sup, math_ops.conj(self._main), sub]

    def _diagonals_for(self, adjoint):
        return self._adjoint_diagonals() if adjoint else [self._sup, self._main, self._sub]

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        x = matrix_adjoint(x) if adjoint_arg else x
        return tridiagonal_matmul(self._diagonals_for(adjoint), x, diagonals_format="sequence")

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        return tridiagonal_solve(self._diagonals_for(adjoint), rhs, diagonals_format="sequence")

    def _diag_part(self):
        return self._main


class LinearOperatorToeplitz(LinearOperator):
    """tf.linalg.LinearOperatorToeplitz(col, row, ...): T[i, j] = col[i - j] (i >= j), row[j - i]
    (j > i); row[0] is ignored, as TF1. Deviation: N must be known at graph build time (dense)."""

    def __init__(self, col, row, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorToeplitz"):
        is_square = check_hint(is_square, True, "A Toeplitz operator is always square.")
        with _name_scope(name):
            self._col = _at_least(float_or_complex(convert(col, name="col"), "col"), 1, "col")
            self._row = _at_least(convert(row, name="row", dtype=self._col.dtype.base_dtype), 1, "row")
        super().__init__(self._col.dtype, [self._col, self._row], is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name)

    col = property(lambda self: self._col)
    row = property(lambda self: self._row)

    def _shape(self):
        batch = _ts.TensorShape(self._col.shape[:-1]).merge_with(self._row.shape[:-1]) \
            if self._col.shape.ndims == self._row.shape.ndims else self._col.shape[:-1]
        n = self._col.shape[-1]
        return batch.concatenate([n, n])

    def _to_dense(self):
        n = self._col.shape[-1].value
        if n is None:
            raise NotImplementedError("tf.linalg.LinearOperatorToeplitz with an unknown size N is not supported "
                                      "by compat_tf")
        values = array_ops.concat([array_ops.reverse_v2(self._row[..., 1:], [-1]), self._col], axis=-1)
        idx = np.arange(n)[:, None] - np.arange(n)[None, :] + n - 1     # col[i - j] sits at n - 1 + i - j
        from compat_tf._src.ops import gather_ops
        return gather_ops.gather(values, _constant.constant(idx.astype(np.int32)), axis=-1)


class _BaseCirculant(LinearOperator):
    """Circulant operators of block depth 1, 2, 3: A = IDFT diag(spectrum) DFT, matmul by the FFT."""
    _block_depth = 1
    _ffts = {1: (fft_ops.fft, fft_ops.ifft), 2: (fft_ops.fft2d, fft_ops.ifft2d), 3: (fft_ops.fft3d, fft_ops.ifft3d)}

    def __init__(self, spectrum, input_output_dtype=_dtypes.complex64, is_non_singular=None,
                 is_self_adjoint=None, is_positive_definite=None, is_square=True, name=None):
        if is_square is False:
            raise ValueError("A circulant operator is always square.")
        with _name_scope(name):
            spectrum = float_or_complex(convert(spectrum, name="spectrum"), "spectrum")
            _at_least(spectrum, self._block_depth, "spectrum")
            self._spectrum = spectrum
            complex_dtype = _dtypes.complex128 if spectrum.dtype.base_dtype in (
                _dtypes.float64, _dtypes.complex128) else _dtypes.complex64
            self._complex_spectrum = math_ops.cast(spectrum, complex_dtype)
        super().__init__(input_output_dtype, [self._spectrum], is_non_singular, is_self_adjoint,
                         is_positive_definite, True, name)

    spectrum = property(lambda self: self._spectrum)
    block_depth = property(lambda self: self._block_depth)

    @property
    def block_shape(self):
        return self._spectrum.shape[-self._block_depth:]

    def block_shape_tensor(self):
        return array_ops.shape(self._spectrum)[-self._block_depth:]

    def _shape(self):
        s = self._spectrum.shape
        if s.ndims is None:
            return _ts.TensorShape(None)
        dims = s[-self._block_depth:].as_list()
        n = int(np.prod(dims)) if None not in dims else None
        return s[:-self._block_depth].concatenate([n, n])

    def _n(self):
        n = self.domain_dimension.value
        if n is None:
            raise NotImplementedError(f"tf.linalg.{type(self).__name__} with an unknown block shape is not "
                                      "supported by compat_tf")
        return n

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        x = matrix_adjoint(x) if adjoint_arg else x
        fft, ifft = self._ffts[self._block_depth]
        spectrum = math_ops.conj(self._complex_spectrum) if adjoint else self._complex_spectrum
        xt = math_ops.cast(array_ops.matrix_transpose(x), spectrum.dtype)                # [..., R, N]
        lead = array_ops.shape(xt)[:-1]
        blocks = array_ops.reshape(xt, array_ops.concat([lead, self.block_shape.as_list()], 0))
        y = ifft(_expand_before_block(spectrum, self._block_depth) * fft(blocks))
        y = array_ops.matrix_transpose(array_ops.reshape(y, array_ops.shape(xt)))
        return math_ops.real(y) if not self.dtype.is_complex else math_ops.cast(y, self.dtype)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        inv = type(self)(1.0 / self._complex_spectrum, input_output_dtype=self.dtype)
        return inv._matmul(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _flat_spectrum(self):
        s = self._complex_spectrum
        return array_ops.reshape(s, array_ops.concat([array_ops.shape(s)[:-self._block_depth], [-1]], 0))

    def _cast_out(self, t):
        return math_ops.cast(math_ops.real(t) if not self.dtype.is_complex else t, self.dtype)

    def _determinant(self):
        return self._cast_out(math_ops.reduce_prod(self._flat_spectrum(), axis=[-1]))

    def _log_abs_determinant(self):
        return math_ops.cast(math_ops.reduce_sum(math_ops.log(math_ops.abs(self._flat_spectrum())), axis=[-1]),
                             self.dtype)

    def _diag_part(self):
        mean = math_ops.reduce_mean(self._flat_spectrum(), axis=[-1], keepdims=True)
        return self._cast_out(mean * array_ops.ones([self._n()], dtype=mean.dtype))

    def _to_dense(self):
        return self._matmul(self._eye(-1))

    def _eigvals(self):
        return self._cast_out(self._flat_spectrum())

    def assert_hermitian_spectrum(self, name="assert_hermitian_spectrum"):
        """An op failing (InvalidArgumentError) unless the spectrum is Hermitian, i.e. the matrix real."""
        with self._name_scope(name):
            kernel = self._ffts[self._block_depth][1](self._complex_spectrum)
            eps = float(np.finfo(kernel.dtype.real_dtype.as_numpy_dtype).eps)
            max_err = _constant.constant(eps * self._n(), dtype=kernel.dtype.real_dtype)
            from compat_tf._src.ops import check_ops
            return check_ops.assert_less(math_ops.abs(math_ops.imag(kernel)), max_err,
                                         message="Spectrum was not Hermitian")

    def convolution_kernel(self, name="convolution_kernel"):
        with self._name_scope(name):
            return self._cast_out(self._ffts[self._block_depth][1](self._complex_spectrum))


def _expand_before_block(spectrum, depth):
    """spectrum [..., *block] -> [..., 1, *block]: broadcast over the R right-hand sides."""
    return array_ops.expand_dims(spectrum, -depth - 1)


def _circulant(depth):
    name = "LinearOperatorCirculant" + ("" if depth == 1 else f"{depth}D")

    def __init__(self, spectrum, input_output_dtype=_dtypes.complex64, is_non_singular=None, is_self_adjoint=None,
                 is_positive_definite=None, is_square=True, name=name):
        _BaseCirculant.__init__(self, spectrum, input_output_dtype, is_non_singular, is_self_adjoint,
                                is_positive_definite, is_square, name)
    doc = f"tf.linalg.{name}(spectrum, input_output_dtype=tf.complex64, ...): block depth {depth}."
    return type(name, (_BaseCirculant,), {"_block_depth": depth, "__init__": __init__, "__doc__": doc})


LinearOperatorCirculant = _circulant(1)
LinearOperatorCirculant2D = _circulant(2)
LinearOperatorCirculant3D = _circulant(3)
