"""tf.test.compute_gradient / compute_gradient_error (TF 1.15's v1 gradient_checker).

compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3) returns
(theoretical, numerical) Jacobians of shape [x size, y size]: the theoretical one column by
column from tf.gradients(y, x, dy) with dy a one-hot feed, the numerical one row by row by
central differences (y(x + delta) - y(x - delta)) / (2 delta); both run in the default
session, with x fed. A list of xs gives a list of pairs. x_init_value defaults to
np.random.random_sample (NumPy's global RNG), as TF.

Deviation: complex dtypes are not supported (TypeError).
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops, gradients_impl

__all__ = ["compute_gradient", "compute_gradient_error"]

_FLOATS = (_dtypes.float16, _dtypes.bfloat16, _dtypes.float32, _dtypes.float64)


def _session():
    from compat_tf._src.runtime.session import get_default_session
    sess = get_default_session()
    if sess is None:
        raise ValueError("compute_gradient needs a default session (use it inside `with tf.Session():` or "
                         "`self.test_session()`).")
    return sess


def _dx_dy(x, y, y_shape):
    with x.graph.as_default():
        dy_orig = _constant.constant(1.0, shape=y_shape, dtype=y.dtype.base_dtype)
        dy = control_flow_ops.identity(dy_orig)
    grads = gradients_impl.gradients(y, x, dy)
    return grads[0], dy


def _one(x, x_shape, dx, y, y_shape, dy, x_init_value, delta, extra):
    for t, what in ((x, "x"), (y, "y")):
        if t.dtype.base_dtype not in _FLOATS:
            raise TypeError(f"Don't support type {t.dtype.base_dtype.name} for {what}")
    np_dtype = x.dtype.base_dtype.as_numpy_dtype
    if x_init_value is not None:
        if list(x_shape) != list(np.shape(x_init_value)):
            raise ValueError(f"x_shape = {x_shape}, init_data shape = {list(np.shape(x_init_value))}")
        x_data = np.asarray(x_init_value, dtype=np_dtype)
    else:
        x_data = np.random.random_sample(x_shape).astype(np_dtype)
    sess = _session()
    x_size = int(np.prod(x_shape))
    y_size = int(np.prod(y_shape))
    theoretical = np.zeros((x_size, y_size), dtype=np_dtype)
    dy_data = np.zeros(y_shape, dtype=dy.dtype.base_dtype.as_numpy_dtype)
    flat = dy_data.reshape(-1)
    if dx is not None:
        for col in range(y_size):
            flat[col] = 1
            feed = dict(extra)
            feed.update({x: x_data, dy: dy_data})
            theoretical[:, col] = np.asarray(sess.run(dx, feed_dict=feed)).ravel()
            flat[col] = 0
    numerical = np.zeros((x_size, y_size), dtype=np_dtype)
    scale = 2 * delta
    for row in range(x_size):
        x_pos, x_neg = x_data.copy(), x_data.copy()
        x_pos.reshape(-1)[row] += delta
        x_neg.reshape(-1)[row] -= delta
        feed_pos, feed_neg = dict(extra), dict(extra)
        feed_pos[x] = x_pos
        feed_neg[x] = x_neg
        y_pos = np.asarray(sess.run(y, feed_dict=feed_pos), dtype=np.float64)
        y_neg = np.asarray(sess.run(y, feed_dict=feed_neg), dtype=np.float64)
        numerical[row, :] = ((y_pos - y_neg) / scale).ravel()
    return theoretical, numerical


def compute_gradient(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3, init_targets=None,
                     extra_feed_dict=None):
    """(theoretical, numerical) Jacobians of y w.r.t. x (lists of pairs for a list of xs)."""
    extra = extra_feed_dict or {}
    for init in init_targets or ():
        init.run()
    if isinstance(x, list):
        inits = x_init_value if x_init_value is not None else [None] * len(x)
        pairs = [_dx_dy(xi, y, y_shape) for xi in x]
        return [_one(xi, si, dxi, y, y_shape, dyi, ii, delta, extra)
                for xi, si, (dxi, dyi), ii in zip(x, x_shape, pairs, inits)]
    dx, dy = _dx_dy(x, y, y_shape)
    return _one(x, x_shape, dx, y, y_shape, dy, x_init_value, delta, extra)


def compute_gradient_error(x, x_shape, y, y_shape, x_init_value=None, delta=1e-3, init_targets=None,
                           extra_feed_dict=None):
    """The largest |theoretical - numerical| entry over the Jacobians of compute_gradient."""
    grads = compute_gradient(x, x_shape, y, y_shape, x_init_value, delta, init_targets, extra_feed_dict)
    if isinstance(grads, tuple):
        grads = [grads]
    error = 0
    for t, n in grads:
        if t.size or n.size:
            error = max(error, float(np.fabs(t - n).max()))
    return error
