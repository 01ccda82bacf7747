"""LinearOperators built from other operators: Adjoint, Inversion, Composition, Kronecker,
BlockDiag, BlockLowerTriangular, LowRankUpdate (TF 1.15's signatures, default names and hint
rules). They act through their parts' own (structured) methods where the algebra allows:
a composition solves part by part, a Kronecker product's determinant is the parts' powered,
a block-diagonal operator works block by block, a low-rank update solves by Woodbury and takes
its determinant by the matrix determinant lemma.
"""
import functools

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.ops import array_ops, linalg_ops, math_ops
from compat_tf._src.ops.linear_operator.base import LinearOperator, convert, matrix_adjoint


def _name_scope(name):
    return _graph.get_default_graph().name_scope(name)


def _combined_hint(operator_hint, given, message):
    """An operator's hint carried to a derived operator; a given hint must agree (TF1's ValueError)."""
    if operator_hint is not None and given is not None and operator_hint != given:
        raise ValueError(message)
    return operator_hint if operator_hint is not None else given


def _check_operators(operators, what="operators"):
    operators = list(operators)
    if not operators:
        raise ValueError(f"Expected a non-empty list of {what}. Found: {operators}")
    dtype = operators[0].dtype
    for op in operators:
        if not isinstance(op, LinearOperator):
            raise TypeError(f"Expected a list of LinearOperators. Found: {op!r}")
        if op.dtype != dtype:
            names = [o.dtype.name for o in operators]
            raise TypeError(f"Expected all operators to have the same dtype.  Found {names}")
    return operators


def _broadcast_batch(shapes):
    out = _ts.TensorShape([])
    for s in shapes:
        if s.ndims is None or out.ndims is None:
            return _ts.TensorShape(None)
        a, b = out.as_list(), s.as_list()
        n = max(len(a), len(b))
        a, b = [1] * (n - len(a)) + a, [1] * (n - len(b)) + b
        dims = []
        for x, y in zip(a, b):
            if x is not None and y is not None and 1 not in (x, y) and x != y:
                raise ValueError(f"Incompatible batch shapes {out} and {s}")
            dims.append(y if x == 1 else x if y == 1 else (x if x is not None else y))
        out = _ts.TensorShape(dims)
    return out


class LinearOperatorAdjoint(LinearOperator):
    """tf.linalg.LinearOperatorAdjoint(operator, ...): operator^H."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self._operator = operator
        is_non_singular = _combined_hint(operator.is_non_singular, is_non_singular,
                                         "An operator is non-singular iff its adjoint is non-singular.")
        is_self_adjoint = _combined_hint(operator.is_self_adjoint, is_self_adjoint,
                                         "An operator is self-adjoint iff its adjoint is self-adjoint.")
        is_positive_definite = _combined_hint(operator.is_positive_definite, is_positive_definite,
                                              "An operator is positive-definite iff its adjoint is positive-definite.")
        is_square = _combined_hint(operator.is_square, is_square, "An operator is square iff its adjoint is square.")
        super().__init__(operator.dtype, operator.graph_parents, is_non_singular, is_self_adjoint,
                         is_positive_definite, is_square, name or operator.name + "_adjoint")

    operator = property(lambda self: self._operator)

    def _shape(self):
        s = self._operator.shape
        return s[:-2].concatenate([s[-1], s[-2]]) if s.ndims is not None else s

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        return self._operator.matmul(x, adjoint=not adjoint, adjoint_arg=adjoint_arg)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        return self._operator.solve(rhs, adjoint=not adjoint, adjoint_arg=adjoint_arg)

    def _determinant(self):
        det = self._operator.determinant()
        return math_ops.conj(det) if self.dtype.is_complex else det

    def _log_abs_determinant(self):
        return self._operator.log_abs_determinant()

    def _diag_part(self):
        d = self._operator.diag_part()
        return math_ops.conj(d) if self.dtype.is_complex else d

    def _to_dense(self):
        return matrix_adjoint(self._operator.to_dense())

    def _adjoint_operator(self):
        return self._operator


class LinearOperatorInversion(LinearOperator):
    """tf.linalg.LinearOperatorInversion(operator, ...): operator^-1 (matmul is the operator's solve)."""

    def __init__(self, operator, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self._operator = operator
        if operator.is_non_singular is False or is_non_singular is False:
            raise ValueError(f"operator and supplied hints must have is_non_singular equal to True/None.  "
                             f"Found operator.is_non_singular = {operator.is_non_singular}, "
                             f"is_non_singular = {is_non_singular}.")
        if operator.is_square is False or is_square is False:
            raise ValueError(f"operator and supplied hints must have is_square equal to True/None.  Found "
                             f"operator.is_square = {operator.is_square}, is_square = {is_square}.")
        is_self_adjoint = _combined_hint(operator.is_self_adjoint, is_self_adjoint,
                                         "An operator is self-adjoint iff its inverse is self-adjoint.")
        is_positive_definite = _combined_hint(operator.is_positive_definite, is_positive_definite,
                                              "An operator is positive-definite iff its inverse is positive-definite.")
        super().__init__(operator.dtype, operator.graph_parents, True, is_self_adjoint, is_positive_definite,
                         True, name or operator.name + "_inv")

    operator = property(lambda self: self._operator)

    def _shape(self):
        return self._operator.shape

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        return self._operator.solve(x, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        return self._operator.matmul(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)

    def _determinant(self):
        return 1.0 / self._operator.determinant()

    def _log_abs_determinant(self):
        return -self._operator.log_abs_determinant()

    def _inverse_operator(self):
        return self._operator


class LinearOperatorComposition(LinearOperator):
    """tf.linalg.LinearOperatorComposition(operators, ...): operators[0] @ operators[1] @ ..."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self._operators = _check_operators(operators)
        for left, right in zip(self._operators, self._operators[1:]):
            if not left.domain_dimension.is_compatible_with(right.range_dimension):
                raise ValueError(f"Operators are incompatible. Expected `x` to have dimension "
                                 f"{left.domain_dimension} but got {right.range_dimension}.")
        if is_non_singular is None and all(op.is_non_singular for op in self._operators):
            is_non_singular = True
        super().__init__(self._operators[0].dtype, [p for op in self._operators for p in op.graph_parents],
                         is_non_singular, is_self_adjoint, is_positive_definite, is_square,
                         name or "_o_".join(op.name for op in self._operators))

    operators = property(lambda self: list(self._operators))

    def _shape(self):
        first, last = self._operators[0].shape, self._operators[-1].shape
        batch = _broadcast_batch([op.batch_shape for op in self._operators])
        if first.ndims is None or last.ndims is None or batch.ndims is None:
            return _ts.TensorShape(None)
        return batch.concatenate([first[-2], last[-1]])

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        ops = self._operators if adjoint else self._operators[::-1]
        out = ops[0].matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)
        for op in ops[1:]:
            out = op.matmul(out, adjoint=adjoint)
        return out

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        ops = self._operators[::-1] if adjoint else self._operators
        out = ops[0].solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)
        for op in ops[1:]:
            out = op.solve(out, adjoint=adjoint)
        return out

    def _determinant(self):
        if all(op.is_square for op in self._operators):
            return functools.reduce(lambda a, b: a * b, [op.determinant() for op in self._operators])
        return super()._determinant()

    def _log_abs_determinant(self):
        if all(op.is_square for op in self._operators):
            return functools.reduce(lambda a, b: a + b, [op.log_abs_determinant() for op in self._operators])
        return super()._log_abs_determinant()


def _dim(op, i):
    d = op.shape[i].value
    if d is None:
        raise NotImplementedError(f"tf.linalg.{type(op).__name__}: compat_tf needs the operators' sizes at graph "
                                  "build time for block and Kronecker structure")
    return d


def _kron_dense(a, b):
    """kron over the last two dims: [..., m1, n1] x [..., m2, n2] -> [..., m1 m2, n1 n2]."""
    m1, n1 = a.shape[-2].value, a.shape[-1].value
    m2, n2 = b.shape[-2].value, b.shape[-1].value
    prod = array_ops.expand_dims(array_ops.expand_dims(a, -1), -3) * \
        array_ops.expand_dims(array_ops.expand_dims(b, -2), -4)                # [..., m1, m2, n1, n2]
    shape = array_ops.concat([array_ops.shape(prod)[:-4], [m1 * m2, n1 * n2]], 0)
    return array_ops.reshape(prod, shape)


class LinearOperatorKronecker(LinearOperator):
    """tf.linalg.LinearOperatorKronecker(operators, ...): operators[0] (x) operators[1] (x) ..."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name=None):
        self._operators = _check_operators(operators)
        if all(op.is_non_singular for op in self._operators):
            is_non_singular = _combined_hint(True, is_non_singular,
                                             "The Kronecker product of non-singular operators is always non-singular.")
        if all(op.is_self_adjoint for op in self._operators):
            is_self_adjoint = _combined_hint(True, is_self_adjoint,
                                             "The Kronecker product of self-adjoint operators is always self-adjoint.")
        super().__init__(self._operators[0].dtype, [p for op in self._operators for p in op.graph_parents],
                         is_non_singular, is_self_adjoint, is_positive_definite, is_square,
                         name or "_x_".join(op.name for op in self._operators))

    operators = property(lambda self: list(self._operators))

    def _shape(self):
        batch = _broadcast_batch([op.batch_shape for op in self._operators])
        rows = cols = 1
        for op in self._operators:
            r, c = op.range_dimension.value, op.domain_dimension.value
            rows = None if rows is None or r is None else rows * r
            cols = None if cols is None or c is None else cols * c
        return batch.concatenate([rows, cols]) if batch.ndims is not None else _ts.TensorShape(None)

    def _to_dense(self):
        return functools.reduce(_kron_dense, [op.to_dense() for op in self._operators])

    def _sizes(self):
        return [_dim(op, -1) for op in self._operators]

    def _determinant(self):
        sizes, total = self._sizes(), self.domain_dimension.value
        factors = [op.determinant() ** math_ops.cast(total // n, op.dtype) for op, n in zip(self._operators, sizes)]
        return functools.reduce(lambda a, b: a * b, factors)

    def _log_abs_determinant(self):
        sizes, total = self._sizes(), self.domain_dimension.value
        terms = [float(total // n) * op.log_abs_determinant() for op, n in zip(self._operators, sizes)]
        return functools.reduce(lambda a, b: a + b, terms)

    def _diag_part(self):
        diags = [op.diag_part() for op in self._operators]
        out = diags[0]
        for d in diags[1:]:
            outer = array_ops.expand_dims(out, -1) * array_ops.expand_dims(d, -2)
            out = array_ops.reshape(outer, array_ops.concat([array_ops.shape(outer)[:-2], [-1]], 0))
        return out

    def _trace(self):
        return functools.reduce(lambda a, b: a * b, [op.trace() for op in self._operators])


def _split_rows(x, sizes, axis=-2):
    return array_ops.split(x, sizes, axis=axis)


class LinearOperatorBlockDiag(LinearOperator):
    """tf.linalg.LinearOperatorBlockDiag(operators, ...): square blocks on the diagonal."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=True, name=None):
        self._operators = _check_operators(operators)
        if any(op.is_square is False for op in self._operators):
            raise ValueError("The direct sum of non-square operators is not supported: all operators must be square.")
        if is_square is False:
            raise ValueError("A blockdiag of square operators is always square.")
        for attr, msg in (("is_non_singular", "non-singular"), ("is_self_adjoint", "self-adjoint"),
                          ("is_positive_definite", "positive-definite")):
            if all(getattr(op, attr) for op in self._operators):
                given = {"is_non_singular": is_non_singular, "is_self_adjoint": is_self_adjoint,
                         "is_positive_definite": is_positive_definite}[attr]
                value = _combined_hint(True, given, f"The direct sum of {msg} operators is always {msg}.")
                if attr == "is_non_singular":
                    is_non_singular = value
                elif attr == "is_self_adjoint":
                    is_self_adjoint = value
                else:
                    is_positive_definite = value
        super().__init__(self._operators[0].dtype, [p for op in self._operators for p in op.graph_parents],
                         is_non_singular, is_self_adjoint, is_positive_definite, True,
                         name or "_ds_".join(op.name for op in self._operators))

    operators = property(lambda self: list(self._operators))

    def _shape(self):
        batch = _broadcast_batch([op.batch_shape for op in self._operators])
        dims = [op.domain_dimension.value for op in self._operators]
        n = None if None in dims else sum(dims)
        return batch.concatenate([n, n]) if batch.ndims is not None else _ts.TensorShape(None)

    def _sizes(self):
        return [_dim(op, -1) for op in self._operators]

    def _blockwise(self, method, x, adjoint, adjoint_arg):
        x = matrix_adjoint(x) if adjoint_arg else x
        parts = [getattr(op, method)(p, adjoint=adjoint) for op, p in zip(self._operators,
                                                                         _split_rows(x, self._sizes()))]
        return array_ops.concat(_broadcast_all(parts), axis=-2)

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        return self._blockwise("matmul", x, adjoint, adjoint_arg)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        return self._blockwise("solve", rhs, adjoint, adjoint_arg)

    def _to_dense(self):
        sizes, total = self._sizes(), sum(self._sizes())
        rows, start = [], 0
        for op, n in zip(self._operators, sizes):
            d = op.to_dense()
            pad = [[0, 0]] * (d.shape.ndims - 2) + [[0, 0], [start, total - start - n]]
            rows.append(array_ops.pad(d, pad))
            start += n
        return array_ops.concat(_broadcast_all(rows), axis=-2)

    def _determinant(self):
        return functools.reduce(lambda a, b: a * b, [op.determinant() for op in self._operators])

    def _log_abs_determinant(self):
        return functools.reduce(lambda a, b: a + b, [op.log_abs_determinant() for op in self._operators])

    def _diag_part(self):
        return array_ops.concat(_broadcast_all([op.diag_part() for op in self._operators], keep=1), axis=-1)


def _broadcast_all(tensors, keep=2):
    """Broadcasts the batch dims (all but the last `keep`) of `tensors` to one shape, for concat."""
    shapes = [t.shape for t in tensors]
    if all(s.ndims is not None and s[:-keep] == shapes[0][:-keep] for s in shapes):
        return tensors
    batch = _broadcast_batch([s[:-keep] for s in shapes])
    if not batch.is_fully_defined():
        raise NotImplementedError("compat_tf: block operators with differing, unknown batch shapes")
    return [t + array_ops.zeros(batch.as_list() + [1] * keep, dtype=t.dtype) for t in tensors]


class LinearOperatorBlockLowerTriangular(LinearOperator):
    """tf.linalg.LinearOperatorBlockLowerTriangular(operators, ...): operators[i][j] is block (i, j),
    j <= i (row i holds i + 1 operators), the diagonal blocks square."""

    def __init__(self, operators, is_non_singular=None, is_self_adjoint=None, is_positive_definite=None,
                 is_square=None, name="LinearOperatorBlockLowerTriangular"):
        rows = [list(r) for r in operators]
        if not rows:
            raise ValueError(f"Expected a non-empty list of operators. Found: {operators}")
        for i, row in enumerate(rows):
            if len(row) != i + 1:
                raise ValueError(f"Argument `operators[{i}]` must contain `{i + 1}` blocks. Found: {len(row)} blocks.")
        _check_operators([op for row in rows for op in row])
        if any(row[-1].is_square is False for row in rows):
            raise ValueError("Diagonal blocks of a block lower triangular operator must be square.")
        is_square = _combined_hint(True, is_square, "A block lower triangular operator is always square.")
        if all(row[-1].is_non_singular for row in rows):
            is_non_singular = _combined_hint(True, is_non_singular, "A block lower triangular operator with "
                                             "non-singular diagonal blocks is always non-singular.")
        self._operators = rows
        super().__init__(rows[0][0].dtype, [p for row in rows for op in row for p in op.graph_parents],
                         is_non_singular, is_self_adjoint, is_positive_definite, is_square, name)

    operators = property(lambda self: [list(r) for r in self._operators])

    def _sizes(self):
        return [_dim(row[-1], -1) for row in self._operators]

    def _shape(self):
        batch = _broadcast_batch([op.batch_shape for row in self._operators for op in row])
        dims = [row[-1].domain_dimension.value for row in self._operators]
        n = None if None in dims else sum(dims)
        return batch.concatenate([n, n]) if batch.ndims is not None else _ts.TensorShape(None)

    def _to_dense(self):
        sizes, total = self._sizes(), sum(self._sizes())
        rows = []
        for i, row in enumerate(self._operators):
            blocks = _broadcast_all([op.to_dense() for op in row])
            filled = array_ops.concat(blocks, axis=-1)
            pad = [[0, 0]] * (filled.shape.ndims - 2) + [[0, 0], [0, total - sum(sizes[:i + 1])]]
            rows.append(array_ops.pad(filled, pad))
        return array_ops.concat(_broadcast_all(rows), axis=-2)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        if adjoint:
            return super()._solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        parts, xs = _split_rows(rhs, self._sizes()), []
        for i, row in enumerate(self._operators):       # forward substitution over the blocks
            acc = parts[i]
            for j, op in enumerate(row[:-1]):
                acc = acc - op.matmul(xs[j])
            xs.append(row[-1].solve(acc))
        return array_ops.concat(_broadcast_all(xs), axis=-2)

    def _determinant(self):
        return functools.reduce(lambda a, b: a * b, [row[-1].determinant() for row in self._operators])

    def _log_abs_determinant(self):
        return functools.reduce(lambda a, b: a + b, [row[-1].log_abs_determinant() for row in self._operators])

    def _diag_part(self):
        return array_ops.concat(_broadcast_all([row[-1].diag_part() for row in self._operators], keep=1), axis=-1)


class LinearOperatorLowRankUpdate(LinearOperator):
    """tf.linalg.LinearOperatorLowRankUpdate(base_operator, u, diag_update=None, v=None, ...):
    A = L + U D V^H (V = U when v is None, D = I when diag_update is None)."""

    def __init__(self, base_operator, u, diag_update=None, v=None, is_diag_update_positive=None,
                 is_non_singular=None, is_self_adjoint=None, is_positive_definite=None, is_square=None,
                 name="LinearOperatorLowRankUpdate"):
        dtype = base_operator.dtype
        if is_square is False:
            raise ValueError("A LinearOperatorLowRankUpdate is always square.")
        with _name_scope(name):
            self._u = convert(u, name="u")
            self._v = self._u if v is None else convert(v, name="v")
            self._diag_update = None if diag_update is None else convert(diag_update, name="diag_update")
            for t in (self._u, self._v) + ((self._diag_update,) if self._diag_update is not None else ()):
                if t.dtype.base_dtype != dtype:
                    raise TypeError(f"Expected argument to have dtype {dtype}.  Found: {t.dtype} in tensor {t}")
        self._base_operator = base_operator
        self._is_diag_update_positive = is_diag_update_positive
        symmetric = v is None and base_operator.is_self_adjoint
        if symmetric and not dtype.is_complex and is_self_adjoint is None:
            is_self_adjoint = True
        if symmetric and base_operator.is_positive_definite and (diag_update is None or is_diag_update_positive):
            if is_positive_definite is False:
                raise ValueError("Operator is positive definite, but is_positive_definite was set to False.")
            is_positive_definite = True
        super().__init__(dtype, list(base_operator.graph_parents) + [self._u, self._v],
                         is_non_singular, is_self_adjoint, is_positive_definite, True, name)

    base_operator = property(lambda self: self._base_operator)
    u = property(lambda self: self._u)
    v = property(lambda self: self._v)
    diag_update = property(lambda self: self._diag_update)
    is_diag_update_positive = property(lambda self: self._is_diag_update_positive)

    def _shape(self):
        return self._base_operator.shape

    def _diag_operator(self):
        from compat_tf._src.ops.linear_operator.structured import LinearOperatorDiag, LinearOperatorIdentity
        if self._diag_update is None:
            k = self._u.shape[-1].value
            return LinearOperatorIdentity(k if k is not None else array_ops.shape(self._u)[-1], dtype=self.dtype)
        return LinearOperatorDiag(self._diag_update, is_positive_definite=self._is_diag_update_positive)

    def _matmul(self, x, adjoint=False, adjoint_arg=False):
        u, v = (self._v, self._u) if adjoint else (self._u, self._v)
        base = self._base_operator.matmul(x, adjoint=adjoint, adjoint_arg=adjoint_arg)
        x = matrix_adjoint(x) if adjoint_arg else x
        vhx = math_ops.matmul(v, x, adjoint_a=True)
        return base + math_ops.matmul(u, self._diag_operator().matmul(vhx, adjoint=adjoint))

    def _to_dense(self):
        d = self._diag_operator()
        return self._base_operator.to_dense() + math_ops.matmul(self._u, d.matmul(self._v, adjoint_arg=True))

    def _capacitance(self):
        """C = D^-1 + V^H L^-1 U, the k x k matrix of Woodbury's identity."""
        linv_u = self._base_operator.solve(self._u)
        return self._diag_operator().inverse().to_dense() + math_ops.matmul(self._v, linv_u, adjoint_a=True)

    def _solve(self, rhs, adjoint=False, adjoint_arg=False):
        if adjoint:
            return super()._solve(rhs, adjoint=adjoint, adjoint_arg=adjoint_arg)
        rhs = matrix_adjoint(rhs) if adjoint_arg else rhs
        linv_rhs = self._base_operator.solve(rhs)
        linv_u = self._base_operator.solve(self._u)
        inner = linalg_ops.matrix_solve(self._capacitance(), math_ops.matmul(self._v, linv_rhs, adjoint_a=True))
        return linv_rhs - math_ops.matmul(linv_u, inner)

    def _log_abs_determinant(self):
        _, lad_c = linalg_ops.log_matrix_determinant(self._capacitance())
        return lad_c + self._diag_operator().log_abs_determinant() + self._base_operator.log_abs_determinant()

    def _determinant(self):
        return linalg_ops.matrix_determinant(self._capacitance()) * self._diag_operator().determinant() * \
            self._base_operator.determinant()
