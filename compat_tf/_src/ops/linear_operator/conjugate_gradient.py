"""tf.linalg.experimental.conjugate_gradient: solves A x = rhs for a self-adjoint positive
definite LinearOperator A by (preconditioned) conjugate gradients, as a tf.while_loop.

Mirrors TF's function (listed in tf.compat.v1 though TF 1.15 itself predates it): the loop stops
after max_iter steps or once every batch member's residual norm is at most tol * ||rhs||; the
result is the CGState(i, x, r, p, gamma) namedtuple of the last iteration.
"""
import collections

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops, control_flow_ops, linalg_ops, math_ops
from compat_tf._src.ops import constant as _constant

CGState = collections.namedtuple("CGState", ["i", "x", "r", "p", "gamma"])


def _dot(x, y):
    return math_ops.reduce_sum(math_ops.conj(x) * y, axis=-1)


def conjugate_gradient(operator, rhs, preconditioner=None, x=None, tol=1e-5, max_iter=20,
                       name="conjugate_gradient"):
    """tf.linalg.experimental.conjugate_gradient(operator, rhs, preconditioner=None, x=None, tol=1e-5,
    max_iter=20): CGState of the last iteration (x the solution)."""
    if not (operator.is_self_adjoint and operator.is_positive_definite):
        raise ValueError("Expected a self-adjoint, positive definite operator.")

    def precondition(r):
        return r if preconditioner is None else preconditioner.matvec(r)

    with _graph.get_default_graph().name_scope(name):
        rhs = _constant.convert_to_tensor(rhs, name="rhs")
        batch = array_ops.broadcast_dynamic_shape(array_ops.shape(rhs)[:-1], operator.batch_shape_tensor())
        if preconditioner is not None:
            batch = array_ops.broadcast_dynamic_shape(batch, preconditioner.batch_shape_tensor())
        rhs_shape = array_ops.concat([batch, array_ops.shape(rhs)[-1:]], axis=-1)
        r0 = array_ops.broadcast_to(rhs, rhs_shape)
        tol = tol * linalg_ops.norm(r0, axis=-1)
        if x is None:
            x = array_ops.zeros(rhs_shape, dtype=rhs.dtype.base_dtype)
        else:
            x = _constant.convert_to_tensor(x, name="x")
            r0 = rhs - operator.matvec(x)
        p0 = precondition(r0)
        state = CGState(i=_constant.constant(0, dtype=_dtypes.int32), x=x, r=r0, p=p0, gamma=_dot(r0, p0))

        def keep_going(i, s):
            return math_ops.logical_and(i < max_iter, math_ops.reduce_any(linalg_ops.norm(s.r, axis=-1) > tol))

        def step(i, s):
            z = operator.matvec(s.p)
            alpha = s.gamma / _dot(s.p, z)
            x_new = s.x + array_ops.expand_dims(alpha, -1) * s.p
            r_new = s.r - array_ops.expand_dims(alpha, -1) * z
            q = precondition(r_new)
            gamma = _dot(r_new, q)
            p_new = q + array_ops.expand_dims(gamma / s.gamma, -1) * s.p
            return i + 1, CGState(i + 1, x_new, r_new, p_new, gamma)

        _, final = control_flow_ops.while_loop(keep_going, step, [state.i, state])
        return CGState(*final)
