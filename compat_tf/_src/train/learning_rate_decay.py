"""Learning-rate schedules (TF1's tf.train.*_decay): each returns a scalar tensor of the step.

Mirrors TF 1.15 (keras learning_rate_schedule called at `global_step` in
graph mode): the rate has the dtype of `learning_rate` (float32 for a Python
float), the step is cast to it, and the ops sit in a name scope named after
the schedule ("ExponentialDecay", ...). `global_step` is usually the global
step variable, so the rate is read at the start of each step: an optimizer
built on it applies the rate of the step before its increment, as in TF1.
"""
import math

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import array_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import gather_ops
from compat_tf._src.ops import math_ops

__all__ = ["exponential_decay", "piecewise_constant", "piecewise_constant_decay", "polynomial_decay",
           "natural_exp_decay", "inverse_time_decay", "cosine_decay", "cosine_decay_restarts",
           "linear_cosine_decay", "noisy_linear_cosine_decay"]


def _require_step(global_step, fn):
    if global_step is None:
        raise ValueError(f"global_step is required for {fn}.")


def _scope(name, default):
    return _graph.get_default_graph().name_scope(name or default)


def _initial(learning_rate):
    return _constant.convert_to_tensor(learning_rate, name="initial_learning_rate")


def exponential_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """learning_rate * decay_rate ^ (global_step / decay_steps) (floored with `staircase`)."""
    _require_step(global_step, "exponential_decay")
    return _exponential(learning_rate, global_step, decay_steps, decay_rate, staircase, name)


def _exponential(learning_rate, step, decay_steps, decay_rate, staircase, name):
    with _scope(name, "ExponentialDecay") as scope:
        lr = _initial(learning_rate)
        dtype = lr.dtype
        decay_steps = math_ops.cast(decay_steps, dtype)
        decay_rate = math_ops.cast(decay_rate, dtype)
        p = math_ops.truediv(math_ops.cast(step, dtype), decay_steps)
        if staircase:
            p = math_ops.floor(p)
        return math_ops.multiply(lr, math_ops.pow(decay_rate, p), name=scope)


def natural_exp_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """learning_rate * exp(-decay_rate * global_step / decay_steps) (floored with `staircase`)."""
    _require_step(global_step, "natural_exp_decay")
    natural_exp_rate = math_ops.exp(math_ops.negative(_constant.convert_to_tensor(decay_rate)))
    return _exponential(learning_rate, global_step, decay_steps, natural_exp_rate, staircase, name)


def inverse_time_decay(learning_rate, global_step, decay_steps, decay_rate, staircase=False, name=None):
    """learning_rate / (1 + decay_rate * global_step / decay_steps) (floored with `staircase`)."""
    _require_step(global_step, "inverse_time_decay")
    with _scope(name, "InverseTimeDecay") as scope:
        lr = _initial(learning_rate)
        dtype = lr.dtype
        decay_steps = math_ops.cast(decay_steps, dtype)
        decay_rate = math_ops.cast(decay_rate, dtype)
        p = math_ops.truediv(math_ops.cast(global_step, dtype), decay_steps)
        if staircase:
            p = math_ops.floor(p)
        denom = math_ops.add(math_ops.cast(1, dtype), math_ops.multiply(decay_rate, p))
        return math_ops.truediv(lr, denom, name=scope)


def polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001, power=1.0,
                     cycle=False, name=None):
    """(lr - end) * (1 - step / decay_steps) ^ power + end, the step capped at decay_steps
    (with `cycle`, decay_steps grows to the next multiple of itself past the step)."""
    _require_step(global_step, "polynomial_decay")
    with _scope(name, "PolynomialDecay") as scope:
        lr = _initial(learning_rate)
        dtype = lr.dtype
        end = math_ops.cast(end_learning_rate, dtype)
        power = math_ops.cast(power, dtype)
        step = math_ops.cast(global_step, dtype)
        steps = math_ops.cast(decay_steps, dtype)
        if cycle:
            # the first multiple of decay_steps above the step; 1 at step 0 (TF1 uses tf.cond)
            multiplier = array_ops.where(math_ops.equal(step, 0), array_ops.ones_like(step),
                                         math_ops.ceil(step / steps))
            steps = math_ops.multiply(steps, multiplier)
        else:
            step = math_ops.minimum(step, steps)
        p = math_ops.truediv(step, steps)
        # p <= 1 by construction; XLA may compute step / steps as step * (1 / steps) fused into
        # 1 - p, giving -1.5e-8 at p == 1 and NaN from a fractional power: keep 1 - p >= 0.
        remaining = math_ops.maximum(1 - p, 0.0)
        return math_ops.add(math_ops.multiply(lr - end, math_ops.pow(remaining, power)), end, name=scope)


def piecewise_constant(x, boundaries, values, name=None):
    """values[i] for boundaries[i-1] < x <= boundaries[i] (values[0] up to boundaries[0],
    values[-1] past the last boundary)."""
    if len(boundaries) != len(values) - 1:
        raise ValueError("The length of boundaries should be 1 less than the length of values")
    with _scope(name, "PiecewiseConstant"):
        x = _constant.convert_to_tensor(x)
        vals = [_constant.convert_to_tensor(v) for v in values]
        dtype = vals[0].dtype.base_dtype
        for v in vals[1:]:
            if v.dtype.base_dtype != dtype:
                raise ValueError(f"Values must have elements all with the same dtype ({dtype.name} vs "
                                 f"{v.dtype.base_dtype.name}).")
        bounds = []
        for b in boundaries:
            b = _constant.convert_to_tensor(b)
            if b.dtype.base_dtype != x.dtype.base_dtype:
                b = math_ops.cast(b, x.dtype.base_dtype)
            bounds.append(b)
        # the number of boundaries strictly below x selects the value (TF1 builds a tf.case)
        index = math_ops.add_n([math_ops.cast(math_ops.greater(x, b), _dtypes.int32) for b in bounds]) \
            if len(bounds) > 1 else math_ops.cast(math_ops.greater(x, bounds[0]), _dtypes.int32)
        return gather_ops.gather(array_ops.stack(vals), index)


piecewise_constant_decay = piecewise_constant


def cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0, name=None):
    """learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * min(step, decay_steps) / decay_steps)) + alpha)."""
    _require_step(global_step, "cosine_decay")
    with _scope(name, "CosineDecay") as scope:
        lr = _initial(learning_rate)
        dtype = lr.dtype
        steps = math_ops.cast(decay_steps, dtype)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), steps)
        fraction = step / steps
        cosine = 0.5 * (1.0 + math_ops.cos(_constant.constant(math.pi, dtype=dtype) * fraction))
        decayed = (1 - alpha) * cosine + alpha
        return math_ops.multiply(lr, decayed, name=scope)


def cosine_decay_restarts(learning_rate, global_step, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0,
                          name=None):
    """Cosine decay with warm restarts (SGDR): periods grow by t_mul, restart peaks by m_mul."""
    _require_step(global_step, "cosine_decay_restarts")
    with _scope(name, "SGDRDecay") as scope:
        lr = _initial(learning_rate)
        dtype = lr.dtype
        first = math_ops.cast(first_decay_steps, dtype)
        alpha = math_ops.cast(alpha, dtype)
        t_mul = math_ops.cast(t_mul, dtype)
        m_mul = math_ops.cast(m_mul, dtype)
        completed = math_ops.cast(global_step, dtype) / first

        def compute_step(fraction, geometric):
            if geometric:
                i_restart = math_ops.floor(math_ops.log(1.0 - fraction * (1.0 - t_mul)) / math_ops.log(t_mul))
                sum_r = (1.0 - t_mul ** i_restart) / (1.0 - t_mul)
                return i_restart, (fraction - sum_r) / t_mul ** i_restart
            i_restart = math_ops.floor(fraction)
            return i_restart, fraction - i_restart

        static_t_mul = _constant_value(t_mul)
        if static_t_mul is not None:
            i_restart, completed = compute_step(completed, geometric=static_t_mul != 1.0)
        else:   # TF1 builds a tf.cond on t_mul == 1; both branches are cheap scalars here
            same = math_ops.equal(t_mul, 1.0)
            (i_a, c_a), (i_g, c_g) = compute_step(completed, False), compute_step(completed, True)
            i_restart, completed = array_ops.where(same, i_a, i_g), array_ops.where(same, c_a, c_g)
        m_fac = m_mul ** i_restart
        cosine = 0.5 * m_fac * (1.0 + math_ops.cos(_constant.constant(math.pi, dtype=dtype) * completed))
        decayed = (1 - alpha) * cosine + alpha
        return math_ops.multiply(lr, decayed, name=scope)


def linear_cosine_decay(learning_rate, global_step, decay_steps, num_periods=0.5, alpha=0.0, beta=0.001,
                        name=None):
    """lr * ((alpha + linear) * cosine + beta), linear = (decay_steps - step) / decay_steps."""
    _require_step(global_step, "linear_cosine_decay")
    with _scope(name, "LinearCosineDecay") as scope:
        lr = _initial(learning_rate)
        dtype = lr.dtype
        steps = math_ops.cast(decay_steps, dtype)
        num_periods = math_ops.cast(num_periods, dtype)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), steps)
        linear = (steps - step) / steps
        completed = step / steps
        fraction = 2.0 * num_periods * completed
        cosine = 0.5 * (1.0 + math_ops.cos(_constant.constant(math.pi, dtype=dtype) * fraction))
        decayed = (alpha + linear) * cosine + beta
        return math_ops.multiply(lr, decayed, name=scope)


def noisy_linear_cosine_decay(learning_rate, global_step, decay_steps, initial_variance=1.0,
                              variance_decay=0.55, num_periods=0.5, alpha=0.0, beta=0.001, name=None):
    """linear_cosine_decay with Gaussian noise of variance initial_variance / (1 + step)^variance_decay."""
    _require_step(global_step, "noisy_linear_cosine_decay")
    from compat_tf._src.ops import random_ops
    with _scope(name, "NoisyLinearCosineDecay") as scope:
        lr = _initial(learning_rate)
        dtype = lr.dtype
        steps = math_ops.cast(decay_steps, dtype)
        step = math_ops.minimum(math_ops.cast(global_step, dtype), steps)
        linear = (steps - step) / steps
        variance = initial_variance / math_ops.pow(1.0 + step, math_ops.cast(variance_decay, dtype))
        noisy_linear = linear + random_ops.random_normal(linear.shape, stddev=math_ops.sqrt(variance))
        fraction = 2.0 * math_ops.cast(num_periods, dtype) * step / steps
        cosine = 0.5 * (1.0 + math_ops.cos(_constant.constant(math.pi, dtype=dtype) * fraction))
        decayed = (alpha + noisy_linear) * cosine + beta
        return math_ops.multiply(lr, decayed, name=scope)


def _constant_value(t):
    op = t.op
    if op.type == "Const":
        import numpy as np
        return float(np.asarray(op.get_attr("value")))
    return None
