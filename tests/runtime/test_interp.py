"""The NumPy tier (compat_tf/_src/runtime/interp) against XLA: every rule, every parameter class.

Each case is a JAX function and its inputs: the jaxpr walked with the NumPy rules must give
XLA's values (jax.jit of the same function) and dtypes, without falling back to JAX for any
primitive the rules cover. Integer semantics (division by zero, shifts out of range, float ->
int saturation) and PRNG bits must match exactly.
"""
import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

import compat_tf  # noqa: F401 - enables x64 as compat_tf does
from compat_tf._src.runtime import interp
from compat_tf._src.runtime.interp.eager import numpy_eager
from compat_tf._src.runtime.interp.fold import fold

RS = np.random.RandomState(0)
X = RS.randn(4, 6).astype(np.float32)
IDX = RS.randint(0, 6, (4, 3)).astype(np.int32)
IMG = RS.randn(2, 9, 9, 3).astype(np.float32)
K = RS.randn(3, 3, 3, 5).astype(np.float32)
SPECIAL = np.array([0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3e9, -3e9, np.nan, np.inf, -np.inf], np.float32)
INTS = np.array([7, -7, 7, -7, 0, -2147483648, 5, 9], np.int32)
DIVS = np.array([2, 2, -2, -2, 0, -1, 0, 4], np.int32)
SHIFTS = np.array([1, 31, 32, 33, -1, 0, 5, 2], np.int32)


def _nhwc_conv(a, w, strides, padding, **kw):
    return lax.conv_general_dilated(a, w, strides, padding, dimension_numbers=("NHWC", "HWIO", "NHWC"), **kw)


def _diag_dominant(x):
    return x[:, :4] + 4 * jnp.eye(4, dtype=jnp.float32)


def _spd(x):
    s = x[:, :4].T @ x[:, :4]
    return s + 4 * jnp.eye(4, dtype=s.dtype)


def _maxpool(a, window=(1, 2, 2, 1), strides=(1, 2, 2, 1), padding="SAME"):
    return lax.reduce_window(a, -jnp.inf, lax.max, window, strides, padding)


CASES = {
    "unary_float": (lambda x: [f(x) for f in (jnp.tanh, jax.nn.sigmoid, jnp.exp, jnp.log1p, jnp.expm1, jnp.sin,
                                              jnp.cos, jnp.arctan, jnp.sinh, jnp.sqrt, lax.rsqrt, jnp.cbrt,
                                              jnp.abs, jnp.floor, jnp.ceil, jnp.sign, lax.erf, lax.erfc,
                                              jnp.isfinite, lax.lgamma)], (X,)),
    "erf_inv": (lambda x: lax.erf_inv(jnp.tanh(x)), (X,)),
    "round": (lambda x: [lax.round(x), lax.round(x, lax.RoundingMethod.TO_NEAREST_EVEN)], (SPECIAL,)),
    "sign_specials": (lambda x: [jnp.sign(x), x != 0, jnp.maximum(x, 1.0), jnp.minimum(x, 1.0)], (SPECIAL,)),
    "binary": (lambda x, y: [x + y, x - y, x * y, x / y, jnp.maximum(x, y), jnp.arctan2(x, y), x ** 2,
                             lax.integer_pow(x, 3), lax.integer_pow(x, -2), jnp.power(jnp.abs(x), y),
                             lax.rem(x, y), x < y, x >= y, x == y], (X, X[::-1])),
    "int_div_rem": (lambda a, b: [lax.div(a, b), lax.rem(a, b), a // jnp.where(b == 0, 1, b)], (INTS, DIVS)),
    "shifts": (lambda a, s: [lax.shift_left(a, s), lax.shift_right_arithmetic(a, s),
                             lax.shift_right_logical(a, s), a & s, a | s, a ^ s, ~a], (INTS, SHIFTS)),
    "float_to_int": (lambda x: [x.astype(jnp.int32), x.astype(jnp.uint8), x.astype(jnp.int64), x.astype(bool)],
                     (SPECIAL,)),
    "bitcast": (lambda x: [lax.bitcast_convert_type(x, jnp.int32), lax.bitcast_convert_type(x, jnp.uint8)], (X,)),
    "select_clamp": (lambda x, i: [jnp.where(x > 0, x, -x), lax.select_n(i[:, :1] % 3, x[:, :1], x[:, 1:2] * 2,
                                                                          x[:, 2:3] * 3),
                                  lax.clamp(np.float32(-0.5), x, np.float32(0.5))],
                     (X, IDX)),
    "complex": (lambda x: [lax.complex(x, x * 2), jnp.abs(lax.complex(x, x)), jnp.conj(lax.complex(x, -x))], (X,)),
    "structural": (lambda x: [x.T, x.reshape(3, 8), x[None, :, :, None].squeeze((0, 3)), jnp.flip(x, 1),
                              jnp.concatenate([x, x], 0), x[1:3, ::2], jnp.broadcast_to(x[:, :1], (4, 6)),
                              lax.broadcasted_iota(jnp.int32, (3, 4), 1), jnp.split(x, [2, 5], axis=1)[1],
                              jnp.expand_dims(x, 1)], (X,)),
    "pad": (lambda x: [lax.pad(x, np.float32(0.5), ((1, -1, 1), (0, 2, 0))), jnp.pad(x, ((1, 2), (0, 1)))], (X,)),
    "dynamic_slices": (lambda x, i: [lax.dynamic_slice(x, (np.int32(1), i[1, 1]), (3, 4)),
                                     lax.dynamic_slice(x, (np.int32(3), np.int32(5)), (3, 4)),   # clamped
                                     lax.dynamic_update_slice(x, jnp.ones((2, 2), x.dtype), (i[0, 0], np.int32(5)))],
                       (X, IDX)),
    "gather": (lambda x, i: [jnp.take(x, i, axis=1), jnp.take_along_axis(x, i, axis=1), x[i[:, 0], i[:, 1]],
                             jnp.take(x, i - 3, axis=1, mode="clip"), jnp.take(x, i + 4, axis=1, mode="fill",
                                                                                fill_value=-1.0)], (X, IDX)),
    "scatter": (lambda x, i: [x.at[:, i[0]].add(1.0), x.at[i[:, 0], i[:, 1]].set(-5.0), x.at[:, i[1]].mul(2.0),
                              x.at[i[:, 0]].max(0.5), x.at[i[:, 0]].min(-0.5), x.at[:, i[0] + 4].add(1.0, mode="drop"),
                              jnp.zeros(6).at[i.ravel()].add(1.0)], (X, IDX)),
    "reductions": (lambda x: [x.sum(0), x.max(1), x.min(), x.prod(1), jnp.argmax(x, 1), jnp.argmin(x, 0),
                              (x > 0).all(1), (x > 0).any(0), lax.reduce_max(x[:0], (0,)),
                              lax.reduce_min(x[:, :0].astype(jnp.int32), (1,))], (X,)),
    "cumulative": (lambda x: [jnp.cumsum(x, 1), jnp.cumprod(x, 0), lax.cummax(x, 1, reverse=True),
                              lax.cummin(x, 0), lax.cumlogsumexp(x, 1)], (X,)),
    "sort_topk": (lambda x: [jnp.sort(x, axis=1), jnp.argsort(x, axis=0), *lax.top_k(x, 3),
                             *lax.sort((x[0], x[1]), num_keys=1)], (X,)),
    "dot": (lambda x: [x @ x.T, jnp.einsum("ab,cb->ac", x, x), jnp.einsum("abc,acd->abd", x.reshape(2, 2, 6),
                                                                         x.reshape(2, 6, 2)),
                       jnp.dot(x.astype(jnp.int32), x.T.astype(jnp.int32))], (X,)),
    "conv": (lambda a, w: [_nhwc_conv(a, w, (2, 1), "SAME"), _nhwc_conv(a, w, (1, 1), "VALID", rhs_dilation=(2, 2)),
                           _nhwc_conv(a, w, (1, 1), ((2, 1), (0, -1)), lhs_dilation=(2, 1))], (IMG, K)),
    "conv_groups": (lambda a, w: [lax.conv_general_dilated(a, w, (1, 1), "SAME", feature_group_count=3,
                                                           dimension_numbers=("NHWC", "HWIO", "NHWC"))],
                    (IMG, K[:, :, :1, :3])),
    "conv_grads": (lambda a, w: jax.grad(lambda a, w: (_nhwc_conv(a, w, (2, 2), "VALID") ** 2).sum(),
                                         argnums=(0, 1))(a, w), (IMG, K)),
    "grouped_conv_grads": (lambda a, w: jax.grad(lambda a, w: (lax.conv_general_dilated(
        a, w, (1, 1), "SAME", feature_group_count=3, dimension_numbers=("NHWC", "HWIO", "NHWC")) ** 2).sum(),
        argnums=(0, 1))(a, w), (IMG, K[:, :, :1, :3])),
    "pooling": (lambda a: [_maxpool(a), lax.reduce_window(a, 0.0, lax.add, (1, 3, 3, 1), (1, 2, 2, 1), "SAME"),
                           lax.reduce_window(a, jnp.inf, lax.min, (1, 3, 2, 1), (1, 1, 2, 1), "VALID"),
                           _maxpool(a, (1, 3, 3, 1), (1, 2, 2, 1))], (IMG,)),
    "pooling_grads": (lambda a: [jax.grad(lambda a: _maxpool(a).sum())(a),
                                 jax.grad(lambda a: (_maxpool(a, (1, 3, 3, 1), (1, 2, 2, 1)) ** 2).sum())(a),
                                 jax.grad(lambda a: lax.reduce_window(a, 0.0, lax.add, (1, 3, 3, 1), (1, 2, 2, 1),
                                                                      "SAME").sum())(a)], (IMG,)),
    "control_flow": (lambda x: [lax.while_loop(lambda c: c[0] < 3, lambda c: (c[0] + 1, c[1] * 2), (0, x))[1],
                                *lax.scan(lambda c, xs: (c + xs, c * xs), x[0], x),
                                lax.scan(lambda c, xs: (c * 0.5 + xs, c), x[0], x, reverse=True)[1],
                                lax.cond(x.sum() > 0, lambda: x * 2, lambda: x - 1),
                                lax.switch(2, [lambda: x, lambda: -x, lambda: x * 3]),
                                jax.checkpoint(lambda y: jnp.sin(y) * 2)(x)], (X,)),
    "custom_derivatives": (lambda x: [jax.nn.relu(x), jax.nn.softplus(x), jax.nn.log_softmax(x, axis=1),
                                      jax.grad(lambda v: jax.nn.logsumexp(v))(x),
                                      jax.grad(lambda v: jnp.linalg.norm(v))(x)], (X,)),
    "linalg": (lambda x: [jnp.linalg.solve(_diag_dominant(x), x), jnp.linalg.inv(_diag_dominant(x)),
                          lax.linalg.triangular_solve(_diag_dominant(x), x[:2, :4], left_side=False, lower=True)],
               (X,)),
    "decompositions": (lambda x: [jnp.linalg.cholesky(_spd(x)), *jnp.linalg.eigh(_spd(x)),
                                  jnp.linalg.svd(x, compute_uv=False), jnp.abs(jnp.linalg.svd(x)[1]),
                                  jnp.abs(jnp.linalg.qr(x)[1]), jnp.linalg.det(_spd(x)),
                                  jnp.linalg.cholesky(-_spd(x))], (X,)),
    "fft": (lambda x: [jnp.fft.fft(x), jnp.fft.ifft(x), jnp.fft.rfft(x), jnp.fft.irfft(jnp.fft.rfft(x), n=6),
                       jnp.fft.fft2(x)], (X,)),
    "stack": (lambda x: [jnp.stack([x, x * 2], axis=1), *jnp.unstack(x, axis=1)], (X,)),
    "prng": (lambda: [jax.random.normal(jax.random.fold_in(jax.random.PRNGKey(3), 7), (5, 3)),
                      jax.random.uniform(jax.random.PRNGKey(1), (4,)),
                      jax.random.bernoulli(jax.random.PRNGKey(2), 0.3, (7,)),
                      jax.random.randint(jax.random.PRNGKey(4), (9,), 0, 100),
                      jax.random.split(jax.random.PRNGKey(5), 3),
                      jax.random.bits(jax.random.PRNGKey(6), (5,), jnp.uint8),
                      jax.random.bits(jax.random.PRNGKey(6), (3,), jnp.uint64),
                      jax.random.truncated_normal(jax.random.PRNGKey(7), -2.0, 2.0, (6,))], ()),
    "prng_traced_seed": (lambda c: [jax.random.normal(jax.random.fold_in(jax.random.PRNGKey(c), c + 1), (4, 2))],
                         (np.uint32(11),)),
}


def _close(got, want, name):
    want = np.asarray(want)
    assert got.dtype == want.dtype, f"{name}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{name}: shape {got.shape} != {want.shape}"
    if np.issubdtype(want.dtype, np.inexact):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-5, equal_nan=True, err_msg=name)
    else:
        np.testing.assert_array_equal(got, want, err_msg=name)


@pytest.mark.parametrize("name", sorted(CASES))
def test_jaxpr_walk_matches_xla(name):
    fn, args = CASES[name]
    want = jax.tree_util.tree_leaves(jax.jit(fn)(*args))
    closed = jax.make_jaxpr(fn)(*args)
    interp.reset_fallback_counts()
    got = interp.eval_closed_jaxpr(closed, list(args))
    assert interp.fallback_counts() == {}
    assert len(got) == len(want)
    for i, (g, w) in enumerate(zip(got, want)):
        _close(g, w, f"{name}[{i}]")


@pytest.mark.parametrize("name", ["unary_float", "binary", "int_div_rem", "gather", "scatter", "conv_grads",
                                  "custom_derivatives", "control_flow", "prng"])
def test_eager_trace_matches_xla(name):
    fn, args = CASES[name]
    want = jax.tree_util.tree_leaves(jax.jit(fn)(*args))
    interp.reset_fallback_counts()
    got = jax.tree_util.tree_leaves(numpy_eager(fn, *args))    # array arguments enter as tracers
    assert interp.fallback_counts() == {}
    for i, (g, w) in enumerate(zip(got, want)):
        _close(np.asarray(g), w, f"{name}[{i}]")


def test_prng_bits_are_exact_for_many_shapes():
    for shape in [(), (1,), (7,), (3, 5), (2, 3, 4), (1025,)]:
        for seed in (0, 1, 2 ** 31 + 5):
            def fn(s, shape=shape):
                k = jax.random.fold_in(jax.random.PRNGKey(s), 99)
                return jax.random.bits(k, shape, jnp.uint32), jax.random.split(k, 2)
            s = np.uint32(seed)
            want = jax.tree_util.tree_leaves(jax.jit(fn)(s))
            got = interp.eval_closed_jaxpr(jax.make_jaxpr(fn)(s), [s])
            for g, w in zip(got, want):
                np.testing.assert_array_equal(g, np.asarray(w))


def test_unsupported_primitive_falls_back_to_jax_and_is_counted():
    fn = lambda x: lax.digamma(x)                      # noqa: E731 - no NumPy rule for digamma
    x = np.abs(X) + 0.5
    interp.reset_fallback_counts()
    got = interp.eval_closed_jaxpr(jax.make_jaxpr(fn)(x), [x])
    assert interp.fallback_counts() == {"digamma": 1}
    np.testing.assert_allclose(got[0], np.asarray(jax.jit(fn)(x)), rtol=1e-6)


def test_failing_rule_raises_interpreter_error_not_a_wrong_answer(monkeypatch):
    from compat_tf._src.runtime.interp import core

    def broken(x, y, **_):
        return np.zeros((1, 1), np.float32)             # wrong shape
    monkeypatch.setitem(core.RULES, "add", broken)
    closed = jax.make_jaxpr(lambda x: x + 1.0)(X)
    core._programs.clear() if hasattr(core._programs, "clear") else None
    with pytest.raises(interp.InterpreterError, match="add"):
        interp.eval_closed_jaxpr(closed, [X])


def test_host_callback_exception_propagates_unchanged():
    class Boom(Exception):
        pass

    def cb(v):
        raise Boom("from the host")

    fn = lambda x: jax.pure_callback(cb, jax.ShapeDtypeStruct(x.shape, x.dtype), x)  # noqa: E731
    with pytest.raises(Boom, match="from the host"):
        interp.eval_closed_jaxpr(jax.make_jaxpr(fn)(X), [X])


def test_fold_reads_concrete_values_and_keeps_jax_semantics():
    def lowering(x, shape):
        # reads `shape` statically, as the Reshape lowering does, and uses JAX operators/indexing
        n = int(np.prod(np.asarray(shape)))
        y = jnp.reshape(x, tuple(int(s) for s in shape)) * 2
        return y.at[0].set(-1.0), y[0, n - 100]           # index clamped as JAX clamps it
    out, clamped = fold(lowering, X, np.array([3, 8], np.int32))
    assert isinstance(out, np.ndarray)
    want = X.reshape(3, 8) * 2
    want[0] = -1.0
    np.testing.assert_allclose(out, want)
    # JAX's indexing: -76 wraps to -68, then is clamped to 0 (NumPy would raise IndexError)
    np.testing.assert_allclose(clamped, np.asarray(jnp.asarray(X.reshape(3, 8) * 2)[0, -76]))
    np.testing.assert_allclose(clamped, X[0, 0] * 2)


def test_fold_needing_a_concrete_intermediate_still_works():
    def lowering(x):
        k = int(jnp.sum(x > 0))                           # concrete only outside a trace
        return jnp.zeros((k,), jnp.float32)
    assert fold(lowering, X).shape == (int((X > 0).sum()),)


def test_float_exponents_are_not_taken_for_integers():
    # jnp.power asks operator.index(y) to tell x ** 3 from x ** 0.333: a concrete 0.333 must refuse
    x = np.abs(X.astype(np.float64)) + 1.0
    got = numpy_eager(lambda v, p: jnp.power(v, p), x, np.float64(1.0 / 3.0))
    np.testing.assert_allclose(got, x ** (1.0 / 3.0), rtol=1e-12)
    np.testing.assert_allclose(numpy_eager(lambda v, p: jnp.power(v, p), x, np.int32(3)), x ** 3, rtol=1e-12)


def test_values_are_dropped_at_their_last_use_and_outputs_kept():
    """Liveness: each intermediate leaves the walker's environment at its last use (NumPy can reuse
    its memory), an output is never dropped even when an equation uses it later, and the results
    stay right."""
    import weakref

    from compat_tf._src.runtime.interp import core

    def f(x):
        a = x * 2.0           # used by b and by c: dies at c's first use of it
        b = a + 1.0           # an output, also used by c: kept
        c = jnp.sin(a) * b
        return b, c
    closed = jax.make_jaxpr(f)(np.ones((3,), np.float32))
    prog = core._program(closed.jaxpr)
    a_var, b_var = closed.jaxpr.eqns[0].outvars[0], closed.jaxpr.eqns[1].outvars[0]
    dying = [step[8] for step in prog.steps]
    last_use_of_a = max(i for i, step in enumerate(prog.steps) if a_var in step[2])
    assert [i for i, d in enumerate(dying) if a_var in d] == [last_use_of_a]
    assert all(b_var not in d for d in dying)
    x = np.arange(3, dtype=np.float32)
    b, c = interp.eval_jaxpr(closed.jaxpr, closed.consts, [x])
    np.testing.assert_allclose(b, x * 2 + 1)
    np.testing.assert_allclose(c, np.sin(x * 2) * (x * 2 + 1), rtol=1e-6)

    refs, alive_at_sum = [], []
    mul, reduce_sum = core.RULES["mul"], core.RULES["reduce_sum"]

    def spy_mul(x, y, **kw):
        refs.append(weakref.ref(x))
        return mul(x, y, **kw)

    def spy_sum(x, **kw):
        alive_at_sum.append(refs[1]() is not None)     # x * 3.0, last used by the second mul
        return reduce_sum(x, **kw)
    core.RULES["mul"], core.RULES["reduce_sum"] = spy_mul, spy_sum
    core._programs.clear()
    try:
        big = jax.make_jaxpr(lambda x: jnp.sum((x * 3.0) * 4.0))(np.ones((1000,), np.float32))
        out = interp.eval_jaxpr(big.jaxpr, big.consts, [np.ones((1000,), np.float32)])
    finally:
        core.RULES["mul"], core.RULES["reduce_sum"] = mul, reduce_sum
        core._programs.clear()
    np.testing.assert_allclose(out[0], 12000.0)
    assert alive_at_sum == [False]


def test_unused_equations_are_not_evaluated_but_effects_are():
    """The walker drops what XLA's compile drops (results nothing reads: an optimizer's unused slot
    initialisers), and keeps equations with effects even when their results are unused."""
    pure_calls, effect_calls = [], []

    def pure(v):
        pure_calls.append(1)
        return v

    def fn(x):
        unused = jax.pure_callback(pure, jax.ShapeDtypeStruct(x.shape, x.dtype), x * 3.0)
        del unused
        jnp.zeros((4096, 4096))                        # a dead initialiser: never built
        jax.debug.callback(lambda v: effect_calls.append(np.asarray(v)), x + 1.0)
        return jnp.tanh(x) * 2.0

    x = np.linspace(-1, 1, 5)
    closed = jax.make_jaxpr(fn)(x)
    assert any(e.primitive.name == "pure_callback" for e in closed.jaxpr.eqns)
    got = interp.eval_closed_jaxpr(closed, [x])
    np.testing.assert_allclose(got[0], np.tanh(x) * 2.0, rtol=1e-12)
    assert pure_calls == []
    assert len(effect_calls) == 1 and np.allclose(effect_calls[0], x + 1.0)


@pytest.mark.skipif(not interp.numpy_env.flushes_denormals(), reason="no FTZ/DAZ control on this platform")
def test_denormals_are_zero_as_in_compiled_steps_and_the_settings_come_back():
    """XLA (and TF1's kernels) flush float32 denormals to zero; the NumPy tier does too, only while
    it evaluates."""
    from numpy._core.multiarray import _set_madvise_hugepage
    tiny = np.full((3,), 1e-39, np.float32)

    def f(x):
        return x * 1.5, jnp.sqrt(x) + 0.0, x + x

    closed = jax.make_jaxpr(f)(tiny)
    seen = {}

    def probe(v):
        seen["madvise"] = _set_madvise_hugepage(False)
        _set_madvise_hugepage(seen["madvise"])
        return v
    got = interp.eval_closed_jaxpr(closed, [tiny])
    want = jax.jit(f)(tiny)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
        assert not np.any(g)                         # all flushed
    assert not np.any(numpy_eager(lambda x: x * 1.5, tiny))      # constant folding's path too
    assert float(np.float32(1e-39) * np.float32(1.5)) != 0.0      # NumPy's own modes are back
    before = _set_madvise_hugepage(True)
    _set_madvise_hugepage(before)
    closed_cb = jax.make_jaxpr(lambda x: jax.pure_callback(probe, jax.ShapeDtypeStruct((3,), jnp.float32), x))(tiny)
    interp.eval_closed_jaxpr(closed_cb, [tiny])
    assert seen["madvise"] is False                  # NumPy's huge-page advice is off inside
    assert _set_madvise_hugepage(before) == before   # and back afterwards
