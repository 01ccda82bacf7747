"""TF1's optimizer update rules as optax `GradientTransformation`s.

Each `tf.train.*Optimizer` of compat_tf is an adapter onto one of these: the
graph op of a TF1 update kernel (`ApplyAdam`, `ApplyMomentum`, ...; see
`training_ops.py`) builds the transform from its hyperparameter inputs, puts
the slot values it reads from the session state into the transform's state
(by field name), calls `update`, and writes the new parameter and slots back.

Where TF1's rule is optax's, the transform is optax's own pieces chained:

- GradientDescent    `scale(-lr)`
- Momentum           `trace(momentum, nesterov)` then `scale(-lr)`
- Adagrad            `scale_by_rss(eps=0)` then `scale(-lr)` (TF1 has no epsilon)
- Adadelta           `scale_by_adadelta(rho, eps)` then `scale(-lr)`
- RMSProp            `scale_by_rms(rho, eps)` (or `scale_by_stddev` when centered:
                     epsilon inside the square root, as TF1), `scale(lr)`,
                     `trace(momentum)`, `scale(-1)`: the trace is TF1's `mom` slot.

Where optax differs, the rule is written here in optax's style (an
`init`/`update` pair over pytrees with a NamedTuple state):

- `tf1_adam`: TF1 folds the bias correction into the step size through the
  `beta1_power`/`beta2_power` accumulators and adds epsilon to sqrt(v), not to
  the bias-corrected sqrt(v_hat) as optax.adam does;
- `tf1_ftrl`: FTRL-Proximal with TF1's accumulators (optax has no FTRL);
- `tf1_proximal_gradient_descent`, `tf1_proximal_adagrad`: TF1's proximal
  kernels (optax has none).

The arithmetic follows the order of TF1's CPU kernels (training_ops.cc), so
values agree with TF1 to rounding. The transforms are usable on their own in
JAX code (`tx.init(params)`, `tx.update(grads, state, params)`), which is how
a migrating user carries a TF1 optimizer's exact behaviour over.
"""
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
import optax

from compat_tf._src.runtime.interp import eager as _interp_eager


def _is_concrete(x):
    return _interp_eager.concrete_value(x) is not None


def _static_equal(x, value):
    """True/False when `x` is known at trace time, None when it is only known at run time."""
    c = _interp_eager.concrete_value(x)
    if c is not None:
        return bool(np.all(c == value))
    return None


# ---------------------------------------------------------------------------------------------
# optax chains (TF1's rule is optax's)
# ---------------------------------------------------------------------------------------------

def tf1_gradient_descent(learning_rate):
    """TF1 ApplyGradientDescent: var -= lr * grad."""
    return optax.scale(-learning_rate)


def tf1_momentum(learning_rate, momentum, use_nesterov=False):
    """TF1 ApplyMomentum: accum = accum * momentum + grad; var -= lr * accum
    (nesterov: var -= lr * grad + lr * momentum * accum). State field `trace` is TF1's slot."""
    return optax.chain(optax.trace(decay=momentum, nesterov=use_nesterov), optax.scale(-learning_rate))


def tf1_adagrad(learning_rate, initial_accumulator_value=0.1, update_slots=True):
    """TF1 ApplyAdagrad: accum += grad^2; var -= lr * grad / sqrt(accum) (no epsilon).

    State field `sum_of_squares` is TF1's `accumulator` slot. With
    `update_slots=False` (an attr of the TF op) the accumulator is used as is.
    """
    if update_slots:
        rss = optax.scale_by_rss(initial_accumulator_value=initial_accumulator_value, eps=0.0)
    else:
        rss = _scale_by_fixed_rss(initial_accumulator_value)
    return optax.chain(rss, optax.scale(-learning_rate))


def _scale_by_fixed_rss(initial_accumulator_value):
    def init_fn(params):
        return optax.ScaleByRssState(sum_of_squares=optax.tree.full_like(params, initial_accumulator_value))

    def update_fn(updates, state, params=None):
        del params
        updates = jax.tree.map(lambda g, t: g * jax.lax.rsqrt(t), updates, state.sum_of_squares)
        return updates, state

    return optax.GradientTransformation(init_fn, update_fn)


def tf1_adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-8):
    """TF1 ApplyAdadelta: accum = rho accum + (1-rho) g^2;
    u = sqrt(accum_update + eps) / sqrt(accum + eps) * g; accum_update = rho accum_update + (1-rho) u^2;
    var -= lr * u. State fields `e_g`/`e_x` are TF1's `accum`/`accum_update` slots."""
    return optax.chain(optax.scale_by_adadelta(rho=rho, eps=epsilon), optax.scale(-learning_rate))


def tf1_rmsprop(learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, centered=False):
    """TF1 ApplyRMSProp / ApplyCenteredRMSProp.

    ms = rho ms + (1-rho) g^2;  (centered: mg = rho mg + (1-rho) g, denominator ms - mg^2)
    mom = momentum * mom + lr * g / sqrt(ms [- mg^2] + eps);  var -= mom.
    State fields: `nu` is TF1's `rms` slot (initialised to 1.0, not optax's 0),
    `mu` the `mg` slot, `trace` the `momentum` slot (kept even when momentum is 0).
    """
    scale_by = (optax.scale_by_stddev(decay=decay, eps=epsilon, initial_scale=1.0) if centered
                else optax.scale_by_rms(decay=decay, eps=epsilon, initial_scale=1.0))
    return optax.chain(scale_by, optax.scale(learning_rate), optax.trace(decay=momentum), optax.scale(-1.0))


# ---------------------------------------------------------------------------------------------
# TF1 rules written out (optax's differ or do not exist)
# ---------------------------------------------------------------------------------------------

class TF1AdamState(NamedTuple):
    """TF1 Adam: per-parameter `m`, `v` slots and the shared `beta1_power`, `beta2_power`."""
    m: optax.Updates
    v: optax.Updates
    beta1_power: jax.Array
    beta2_power: jax.Array


def tf1_adam(learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_nesterov=False):
    """TF1 ApplyAdam, then the accumulator update of AdamOptimizer._finish:

        alpha = lr * sqrt(1 - beta2_power) / (1 - beta1_power)
        m += (g - m) * (1 - beta1);  v += (g^2 - v) * (1 - beta2)
        var -= m * alpha / (sqrt(v) + epsilon)
        beta1_power *= beta1;  beta2_power *= beta2

    (optax.adam puts epsilon on the bias-corrected sqrt(v_hat); TF1 on sqrt(v).)
    """
    def init_fn(params):
        dtype = jax.tree.leaves(params)[0].dtype if jax.tree.leaves(params) else jnp.float32
        return TF1AdamState(m=optax.tree.zeros_like(params), v=optax.tree.zeros_like(params),
                            beta1_power=jnp.asarray(beta1, dtype), beta2_power=jnp.asarray(beta2, dtype))

    def update_fn(updates, state, params=None):
        del params
        one = 1
        alpha = learning_rate * jnp.sqrt(one - state.beta2_power) / (one - state.beta1_power)
        m = jax.tree.map(lambda g, m: m + (g - m) * (one - beta1), updates, state.m)
        v = jax.tree.map(lambda g, v: v + (g * g - v) * (one - beta2), updates, state.v)
        if use_nesterov:
            step = jax.tree.map(lambda g, m, v: -(((g * (one - beta1) + beta1 * m) * alpha)
                                                  / (jnp.sqrt(v) + epsilon)), updates, m, v)
        else:
            step = jax.tree.map(lambda m, v: -((m * alpha) / (jnp.sqrt(v) + epsilon)), m, v)
        return step, TF1AdamState(m=m, v=v, beta1_power=state.beta1_power * beta1,
                                  beta2_power=state.beta2_power * beta2)

    return optax.GradientTransformation(init_fn, update_fn)


class TF1FtrlState(NamedTuple):
    """TF1 FTRL slots: the squared-gradient `accum` and the `linear` term."""
    accum: optax.Updates
    linear: optax.Updates


def tf1_ftrl(learning_rate, l1=0.0, l2=0.0, learning_rate_power=-0.5, l2_shrinkage=None,
             initial_accumulator_value=0.1):
    """TF1 ApplyFtrl (ApplyFtrlV2 with `l2_shrinkage`), FTRL-Proximal (McMahan et al., 2013):

        g_s = g (+ 2 * l2_shrinkage * var)
        accum_new = accum + g^2
        linear += g_s - (accum_new^-p - accum^-p) / lr * var
        quadratic = accum_new^-p / lr + 2 * l2
        var = (sign(linear) * l1 - linear) / quadratic  if |linear| > l1  else 0

    with p = learning_rate_power (sqrt when p is -0.5, as TF1's kernel special-cases).
    The update replaces the parameter, so it needs `params`.
    """
    def init_fn(params):
        return TF1FtrlState(accum=optax.tree.full_like(params, initial_accumulator_value),
                            linear=optax.tree.zeros_like(params))

    def power(x):
        half = _static_equal(learning_rate_power, -0.5)
        if half is True:
            return jnp.sqrt(x)
        if half is False:
            return jnp.power(x, -learning_rate_power)
        return jnp.where(learning_rate_power == -0.5, jnp.sqrt(x), jnp.power(x, -learning_rate_power))

    def leaf(g, var, accum, linear):
        g_s = g if l2_shrinkage is None else g + 2 * l2_shrinkage * var
        new_accum = accum + g * g
        new_linear = linear + (g_s - (power(new_accum) - power(accum)) / learning_rate * var)
        x = l1 * jnp.sign(new_linear) - new_linear
        y = power(new_accum) / learning_rate + 2 * l2
        new_var = jnp.where(jnp.abs(new_linear) > l1, x / y, jnp.zeros_like(var))
        return new_var - var, new_accum, new_linear

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError(optax.NO_PARAMS_MSG)
        out = jax.tree.map(leaf, updates, params, state.accum, state.linear)
        treedef = jax.tree.structure(updates)
        leaves = treedef.flatten_up_to(out)
        step, accum, linear = (treedef.unflatten([lf[i] for lf in leaves]) for i in range(3))
        return step, TF1FtrlState(accum=accum, linear=linear)

    return optax.GradientTransformation(init_fn, update_fn)


def _proximal(prox, lr, l1, l2):
    """TF1's proximal step: soft-threshold by lr*l1 (when l1 > 0), shrink by 1 + lr*l2."""
    shrunk = jnp.sign(prox) * jnp.maximum(jnp.abs(prox) - lr * l1, 0) / (1 + l2 * lr)
    plain = prox / (1 + l2 * lr)
    positive = None if not _is_concrete(l1) else bool(np.all(np.asarray(l1) > 0))
    if positive is True:
        return shrunk
    if positive is False:
        return plain
    return jnp.where(l1 > 0, shrunk, plain)


def tf1_proximal_gradient_descent(learning_rate, l1=0.0, l2=0.0):
    """TF1 ApplyProximalGradientDescent: prox = var - lr * g;
    var = sign(prox) max(|prox| - lr l1, 0) / (1 + lr l2)  (l1 > 0), else prox / (1 + lr l2)."""
    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError(optax.NO_PARAMS_MSG)
        step = jax.tree.map(
            lambda g, var: _proximal(var - g * learning_rate, learning_rate, l1, l2) - var, updates, params)
        return step, state

    return optax.GradientTransformation(optax.init_empty_state, update_fn)


class TF1ProximalAdagradState(NamedTuple):
    """TF1 ProximalAdagrad's `accumulator` slot."""
    accum: optax.Updates


def tf1_proximal_adagrad(learning_rate, l1=0.0, l2=0.0, initial_accumulator_value=0.1):
    """TF1 ApplyProximalAdagrad: accum += g^2; lr_t = lr / sqrt(accum); then the proximal
    step of ProximalGradientDescent with lr_t."""
    def init_fn(params):
        return TF1ProximalAdagradState(accum=optax.tree.full_like(params, initial_accumulator_value))

    def leaf(g, var, accum):
        accum = accum + g * g
        lr_t = learning_rate * jax.lax.rsqrt(accum)
        return _proximal(var - g * lr_t, lr_t, l1, l2) - var, accum

    def update_fn(updates, state, params=None):
        if params is None:
            raise ValueError(optax.NO_PARAMS_MSG)
        out = jax.tree.map(leaf, updates, params, state.accum)
        treedef = jax.tree.structure(updates)
        leaves = treedef.flatten_up_to(out)
        step, accum = (treedef.unflatten([lf[i] for lf in leaves]) for i in range(2))
        return step, TF1ProximalAdagradState(accum=accum)

    return optax.GradientTransformation(init_fn, update_fn)
