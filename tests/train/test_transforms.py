"""The TF1 update rules as optax GradientTransformations, used directly on pytrees under jax.jit."""
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
import optax
import pytest

import tf1_reference as ref
from compat_tf._src.train import transforms

PARAMS = {"w": np.array([[0.5, -1.0], [2.0, 0.25]], np.float32), "b": np.array([0.1, -0.3], np.float32)}


def _grads(params):
    # gradient of sum(p^3 / 3 - p): p^2 - 1 (changes sign, exercises thresholds and momentum)
    return jax.tree.map(lambda p: p * p - 1.0, params)


def _run(tx, steps=10, state_edit=None):
    params = jax.tree.map(jnp.asarray, PARAMS)
    state = tx.init(params)
    if state_edit:
        state = state_edit(state)

    @jax.jit
    def step(params, state):
        updates, state = tx.update(_grads(params), state, params)
        return optax.apply_updates(params, updates), state

    for _ in range(steps):
        params, state = step(params, state)
    return params, state


def _run_reference(np_step, slots0, steps=10, powers=None):
    params = {k: v.astype(np.float64) for k, v in PARAMS.items()}
    slots = {k: {n: f(v) for n, f in slots0.items()} for k, v in params.items()}
    for _ in range(steps):
        for k in params:
            extra = {}
            if powers:
                extra = {"beta1_power": powers[0], "beta2_power": powers[1]}
            params[k], slots[k] = np_step(params[k], params[k] ** 2 - 1.0, slots[k], **extra)
        if powers:
            powers = [powers[0] * np_step.keywords["beta1"], powers[1] * np_step.keywords["beta2"]]
    return params, slots


def _zeros(v):
    return np.zeros_like(v)


def _full(x):
    return lambda v: np.full_like(v, x)


CASES = [
    ("momentum", transforms.tf1_momentum(0.05, 0.9), partial(ref.step_momentum, lr=0.05, momentum=0.9),
     {"momentum": _zeros}, {"momentum": "trace"}),
    ("adagrad", transforms.tf1_adagrad(0.1, initial_accumulator_value=0.3),
     partial(ref.step_adagrad, lr=0.1), {"accumulator": _full(0.3)}, {"accumulator": "sum_of_squares"}),
    ("adadelta", transforms.tf1_adadelta(1.0, 0.9, 1e-2),
     partial(ref.step_adadelta, lr=1.0, rho=0.9, epsilon=1e-2), {"accum": _zeros, "accum_update": _zeros},
     {"accum": "e_g", "accum_update": "e_x"}),
    ("adam", transforms.tf1_adam(0.05, 0.8, 0.95, 0.1),
     partial(ref.step_adam, lr=0.05, beta1=0.8, beta2=0.95, epsilon=0.1), {"m": _zeros, "v": _zeros},
     {"m": "m", "v": "v"}),
    ("rmsprop_centered", transforms.tf1_rmsprop(0.02, 0.8, 0.5, 0.1, centered=True),
     partial(ref.step_rmsprop, lr=0.02, decay=0.8, momentum=0.5, epsilon=0.1, centered=True),
     {"rms": _full(1.0), "mg": _zeros, "momentum": _zeros}, {"rms": "nu", "mg": "mu", "momentum": "trace"}),
    ("ftrl", transforms.tf1_ftrl(0.3, 0.05, 0.1, -0.5),
     partial(ref.step_ftrl, lr=0.3, l1=0.05, l2=0.1, lr_power=-0.5),
     {"accum": _full(0.1), "linear": _zeros}, {"accum": "accum", "linear": "linear"}),
    ("proximal_adagrad", transforms.tf1_proximal_adagrad(0.3, 0.02, 0.05),
     partial(ref.step_proximal_adagrad, lr=0.3, l1=0.02, l2=0.05), {"accumulator": _full(0.1)},
     {"accumulator": "accum"}),
    ("proximal_sgd", transforms.tf1_proximal_gradient_descent(0.1, 0.02, 0.05),
     partial(ref.step_proximal_gradient_descent, lr=0.1, l1=0.02, l2=0.05), {}, {}),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_transform_matches_tf1_kernel_on_a_pytree(case):
    _, tx, np_step, slots0, fields = case
    powers = [0.8, 0.95] if case[0] == "adam" else None
    params, state = _run(tx)
    want_params, want_slots = _run_reference(np_step, slots0, powers=powers)
    for k in PARAMS:
        np.testing.assert_allclose(params[k], want_params[k], rtol=2e-5, atol=2e-6)
        for slot, field in fields.items():
            got = optax.tree_utils.tree_get(state, field)[k]
            np.testing.assert_allclose(got, want_slots[k][slot], rtol=2e-5, atol=2e-6)


def test_adam_differs_from_optax_adam_by_epsilon_placement():
    ours, _ = _run(transforms.tf1_adam(0.05, 0.9, 0.999, 0.1), steps=3)
    theirs, _ = _run(optax.adam(0.05, b1=0.9, b2=0.999, eps=0.1), steps=3)
    assert not np.allclose(ours["w"], theirs["w"], rtol=1e-3)
    # with a negligible epsilon the two agree: the bias correction is the same algebra
    ours, _ = _run(transforms.tf1_adam(0.05, 0.9, 0.999, 1e-12), steps=3)
    theirs, _ = _run(optax.adam(0.05, b1=0.9, b2=0.999, eps=1e-12), steps=3)
    np.testing.assert_allclose(ours["w"], theirs["w"], rtol=1e-5)


def test_rmsprop_starts_its_mean_square_at_one():
    tx = transforms.tf1_rmsprop(0.1, decay=0.9)
    state = tx.init(PARAMS)
    np.testing.assert_array_equal(optax.tree_utils.tree_get(state, "nu")["w"], np.ones((2, 2)))


def test_momentum_is_optax_sgd_with_momentum():
    ours, _ = _run(transforms.tf1_momentum(0.05, 0.9, use_nesterov=True))
    theirs, _ = _run(optax.sgd(0.05, momentum=0.9, nesterov=True))
    np.testing.assert_allclose(ours["w"], theirs["w"], rtol=1e-6)


def test_ftrl_with_a_traced_learning_rate_power():
    # learning_rate_power only known at run time (a fed tensor in the graph): both branches are traced
    params = jax.tree.map(jnp.asarray, PARAMS)

    @jax.jit
    def step(power):
        tx = transforms.tf1_ftrl(0.3, 0.05, 0.1, power)
        updates, state = tx.update(_grads(params), tx.init(params), params)
        return optax.apply_updates(params, updates)

    for power in (-0.5, -0.3):
        tx = transforms.tf1_ftrl(0.3, 0.05, 0.1, power)
        updates, _ = tx.update(_grads(params), tx.init(params), params)
        np.testing.assert_allclose(step(jnp.float32(power))["w"], optax.apply_updates(params, updates)["w"],
                                   rtol=1e-6)
