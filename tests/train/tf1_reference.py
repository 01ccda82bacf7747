"""NumPy transcriptions of TF 1.15's optimizer kernels (tensorflow/core/kernels/training_ops.cc).

Each `step_*` takes the variable, its gradient and its slots (a dict keyed by
TF1's slot names) and returns the new variable and slots; shared state (Adam's
beta powers) is passed in and updated by the caller, as TF1's `_finish` does.
Computed in float64: the tests compare with a tolerance.
"""
import numpy as np


def step_gradient_descent(var, g, slots, lr):
    return var - lr * g, slots


def step_momentum(var, g, slots, lr, momentum, use_nesterov=False):
    accum = slots["momentum"] * momentum + g
    if use_nesterov:
        var = var - (g * lr + accum * momentum * lr)
    else:
        var = var - accum * lr
    return var, {"momentum": accum}


def step_adagrad(var, g, slots, lr):
    accum = slots["accumulator"] + g * g
    return var - g * lr / np.sqrt(accum), {"accumulator": accum}


def step_adadelta(var, g, slots, lr, rho, epsilon):
    accum = slots["accum"] * rho + g * g * (1 - rho)
    update = np.sqrt(slots["accum_update"] + epsilon) / np.sqrt(accum + epsilon) * g
    accum_update = slots["accum_update"] * rho + update * update * (1 - rho)
    return var - update * lr, {"accum": accum, "accum_update": accum_update}


def step_adam(var, g, slots, lr, beta1, beta2, epsilon, beta1_power, beta2_power):
    alpha = lr * np.sqrt(1 - beta2_power) / (1 - beta1_power)
    m = slots["m"] + (g - slots["m"]) * (1 - beta1)
    v = slots["v"] + (g * g - slots["v"]) * (1 - beta2)
    return var - m * alpha / (np.sqrt(v) + epsilon), {"m": m, "v": v}


def step_rmsprop(var, g, slots, lr, decay, momentum, epsilon, centered=False):
    ms = slots["rms"] + (g * g - slots["rms"]) * (1 - decay)
    out = {"rms": ms}
    if centered:
        mg = slots["mg"] + (g - slots["mg"]) * (1 - decay)
        denom = ms - mg * mg + epsilon
        out["mg"] = mg
    else:
        denom = ms + epsilon
    mom = slots["momentum"] * momentum + g * lr / np.sqrt(denom)
    out["momentum"] = mom
    return var - mom, out


def step_ftrl(var, g, slots, lr, l1, l2, lr_power, l2_shrinkage=0.0):
    accum, linear = slots["accum"], slots["linear"]
    g_s = g + 2 * l2_shrinkage * var
    new_accum = accum + g * g
    linear = linear + g_s - (new_accum ** -lr_power - accum ** -lr_power) / lr * var
    quadratic = new_accum ** -lr_power / lr + 2 * l2
    var = np.where(np.abs(linear) > l1, (np.sign(linear) * l1 - linear) / quadratic, 0.0)
    return var, {"accum": new_accum, "linear": linear}


def _prox(prox, lr, l1, l2):
    if l1 > 0:
        return np.sign(prox) * np.maximum(np.abs(prox) - lr * l1, 0) / (1 + lr * l2)
    return prox / (1 + lr * l2)


def step_proximal_gradient_descent(var, g, slots, lr, l1, l2):
    return _prox(var - lr * g, lr, l1, l2), slots


def step_proximal_adagrad(var, g, slots, lr, l1, l2):
    accum = slots["accumulator"] + g * g
    lr_t = lr / np.sqrt(accum)
    return _prox(var - g * lr_t, lr_t, l1, l2), {"accumulator": accum}
