"""The execution tiers (compat_tf/_src/runtime/tiers.py): interpret first, compile what repeats.

Checked functionally (which tier ran, how many compiles), never by timing: a new signature is
interpreted without any XLA compile, a repeated one ends up compiled (once), a new batch size
of a compiled step is interpreted instead of recompiled, and both tiers give the same training
trajectory (dropout masks included), host checks and state semantics.
"""
import time

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.ops import onednn_lib
from compat_tf._src.runtime import interp
from compat_tf._src.runtime import tiers


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _mlp(seed=0, dropout=True):
    rs = np.random.RandomState(seed)
    x = tf.placeholder(tf.float32, [None, 6], name="x")
    y = tf.placeholder(tf.int64, [None], name="y")
    w1 = tf.Variable(rs.randn(6, 16).astype(np.float32) * 0.5, name="w1")
    w2 = tf.Variable(rs.randn(16, 3).astype(np.float32) * 0.5, name="w2")
    h = tf.nn.relu(tf.matmul(x, w1))
    if dropout:
        h = tf.nn.dropout(h, keep_prob=0.7, seed=3)
    logits = tf.matmul(h, w2)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.05).minimize(loss)
    return x, y, loss, train, [w1, w2]


def _batch(n, seed=1):
    rs = np.random.RandomState(seed)
    return rs.randn(n, 6).astype(np.float32), rs.randint(0, 3, n).astype(np.int64)


def _train_at_batch_8(s, x, y, train, drain=False):
    """Initialises and runs `train` 3 times on one batch of 8 (the step ends up compiled)."""
    s.run(tf.global_variables_initializer())
    xb, yb = _batch(8)
    for _ in range(3):
        s.run(train, {x: xb, y: yb})
        if drain:
            tiers.drain_background_compiles()


def _step_fn(sess, op):
    plans = [p for p in sess._plans.values() if op in p.ops]
    assert len(plans) == 1, plans
    return plans[0]._layout.fn


def test_first_run_of_a_signature_is_interpreted_without_any_compile(policy):
    policy(mode="auto", compile_after=2, background=False)
    x, y, loss, train, _ = _mlp()
    xb, yb = _batch(8)
    before = tiers.STATS.as_dict()
    interp.reset_fallback_counts()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run([loss, train], {x: xb, y: yb})
        assert list(_step_fn(s, train).programs().values()) == ["interpreted"]
    after = tiers.STATS.as_dict()
    assert after["compiles"] == before["compiles"]
    assert after["interpreted_calls"] == before["interpreted_calls"] + 2     # initialiser, train step
    assert interp.fallback_counts() == {}     # the whole step ran on NumPy rules, not JAX eager


def test_a_repeated_signature_is_compiled_once_and_then_runs_compiled(policy):
    policy(mode="auto", compile_after=2, background=False)
    x, y, loss, train, _ = _mlp()
    xb, yb = _batch(8)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(train, {x: xb, y: yb})
        fn = _step_fn(s, train)
        assert list(fn.programs().values()) == ["interpreted"]
        compiles = tiers.STATS.compiles
        s.run(train, {x: xb, y: yb})                      # the second call compiles (foreground here)
        assert tiers.STATS.compiles == compiles + 1
        assert list(fn.programs().values()) == ["compiled"]
        traces = tiers.STATS.traces
        for _ in range(3):
            s.run(train, {x: xb, y: yb})
        assert tiers.STATS.compiles == compiles + 1 and tiers.STATS.traces == traces


def test_background_compile_takes_over_when_ready(policy):
    policy(mode="auto", compile_after=2, background=True)
    x, y, loss, train, _ = _mlp()
    xb, yb = _batch(8)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(train, {x: xb, y: yb})
        s.run(train, {x: xb, y: yb})                      # submits the compile, runs interpreted
        fn = _step_fn(s, train)
        prog = next(iter(fn._programs.values()))
        assert prog.future is not None
        prog.future.result(timeout=300)
        s.run(train, {x: xb, y: yb})
        assert list(fn.programs().values()) == ["compiled"]


def _trajectory(mode, policy, steps=5):
    policy(mode=mode, background=False)
    with tf.Graph().as_default():
        tf.set_random_seed(7)
        x, y, loss, train, ws = _mlp()
        losses = []
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            for i in range(steps):
                xb, yb = _batch(8, seed=i)
                losses.append(s.run([loss, train], {x: xb, y: yb})[0])
            return np.array(losses), s.run(ws)


def test_interpreted_and_compiled_tiers_give_the_same_training_run(policy):
    l_int, w_int = _trajectory("interpret", policy)
    l_cmp, w_cmp = _trajectory("compile", policy)
    l_auto, w_auto = _trajectory("auto", policy)
    # dropout draws the same masks in both tiers (threefry bit for bit), so the runs agree to rounding
    np.testing.assert_allclose(l_int, l_cmp, rtol=1e-5)
    np.testing.assert_allclose(l_auto, l_cmp, rtol=1e-5)
    for a, b, c in zip(w_int, w_cmp, w_auto):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
        np.testing.assert_allclose(c, b, rtol=1e-4, atol=1e-6)


def test_a_new_batch_size_of_a_compiled_step_is_not_compiled(policy):
    policy(mode="auto", compile_after=2, background=False)
    x, y, loss, train, ws = _mlp(dropout=False)
    with tf.Session() as s:
        _train_at_batch_8(s, x, y, train)
        compiles = tiers.STATS.compiles
        w1, w2 = s.run(ws)
        xs, ys = _batch(5, seed=9)                       # the short last batch of an epoch
        got = s.run(loss, {x: xs, y: ys})
        assert tiers.STATS.compiles == compiles
        logits = np.maximum(xs @ w1, 0) @ w2
        lse = np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1)) + logits.max(1)
        np.testing.assert_allclose(got, np.mean(lse - logits[np.arange(5), ys]), rtol=1e-5)


def test_mode_compile_compiles_on_the_first_call(policy):
    policy(mode="compile")
    x = tf.placeholder(tf.float32, [3])
    y = tf.reduce_sum(x * 2.0)
    compiles = tiers.STATS.compiles
    with tf.Session() as s:
        assert s.run(y, {x: np.ones(3, np.float32)}) == 6.0
    assert tiers.STATS.compiles == compiles + 1


def test_a_program_with_a_large_array_skips_the_interpreter(policy):
    policy(mode="auto", max_interpreted_elements=1000)
    x = tf.placeholder(tf.float32, [100, 100])
    y = tf.reduce_sum(tf.matmul(x, x))
    compiles = tiers.STATS.compiles
    with tf.Session() as s:
        v = np.full((100, 100), 0.5, np.float32)
        np.testing.assert_allclose(s.run(y, {x: v}), 100 * 100 * 100 * 0.25, rtol=1e-6)
    assert tiers.STATS.compiles == compiles + 1


@pytest.mark.parametrize("flop_limit,compiled", [(1e6, True), (1e8, False)])
def test_a_program_with_much_product_work_skips_the_interpreter(policy, flop_limit, compiled):
    # a 64x64x64 matmul and a 3x3 conv of 8 -> 8 channels over [2, 16, 16]: ~0.5 + ~0.6 MFLOP (the
    # conv in float64: XLA's and the NumPy tier's own, not oneDNN's)
    policy(mode="auto", max_interpreted_flops=flop_limit, interpreted_flops_per_eqn=0)
    x = tf.placeholder(tf.float32, [64, 64])
    img = tf.placeholder(tf.float64, [2, 16, 16, 8])
    y = tf.reduce_sum(tf.matmul(x, x)) + tf.cast(
        tf.reduce_sum(tf.nn.conv2d(img, tf.ones([3, 3, 8, 8], tf.float64), 1, "SAME")), tf.float32)
    compiles = tiers.STATS.compiles
    with tf.Session() as s:
        s.run(y, {x: np.ones((64, 64), np.float32), img: np.zeros((2, 16, 16, 8))})
    assert tiers.STATS.compiles == compiles + int(compiled)


@pytest.mark.skipif(not onednn_lib.available(), reason="oneDNN is not installed")
def test_onednn_convolutions_do_not_count_against_the_interpreter(policy):
    """The NumPy tier calls oneDNN's kernels as the compiled step does (ops/onednn_conv.py): their
    work costs the same in both tiers, so it does not send a program to XLA."""
    policy(mode="auto", max_interpreted_flops=1e5, interpreted_flops_per_eqn=0)
    img = tf.placeholder(tf.float32, [2, 16, 16, 8])
    y = tf.reduce_sum(tf.nn.conv2d(img, tf.ones([3, 3, 8, 8]), 1, "SAME"))      # ~0.6 MFLOP
    compiles = tiers.STATS.compiles
    with tf.Session() as s:
        # each output sums 8 channels over its window's taps inside the image: 46 taps per row
        # summed over the 16 positions of an axis (3 x 16 - 2), for 2 images x 8 filters
        assert s.run(y, {img: np.ones((2, 16, 16, 8), np.float32)}) == pytest.approx(2 * 8 * 8 * 46 ** 2)
    assert tiers.STATS.compiles == compiles


@pytest.mark.parametrize("per_eqn, compiled", [(1e3, True), (1e6, False)])
def test_the_flop_budget_grows_with_the_program(policy, per_eqn, compiled):
    """A long program (a training step) costs more to compile, so it may do more product work and still
    be interpreted: the budget is max(max_interpreted_flops, interpreted_flops_per_eqn x equations)."""
    policy(mode="auto", max_interpreted_flops=1e5, interpreted_flops_per_eqn=per_eqn)
    x = tf.placeholder(tf.float32, [64, 64])
    y = tf.reduce_sum(tf.matmul(x, x))          # ~0.5 MFLOP in a few equations
    for _ in range(20):
        y = tf.tanh(y) * 0.5 + 0.25
    compiles = tiers.STATS.compiles
    with tf.Session() as s:
        s.run(y, {x: np.ones((64, 64), np.float32)})
    assert tiers.STATS.compiles == compiles + int(compiled)


def test_a_failing_numpy_rule_falls_back_to_compiling(policy, monkeypatch):
    from compat_tf._src.runtime.interp import core

    def broken(*args, **kw):
        raise RuntimeError("boom")
    policy(mode="auto")
    monkeypatch.setitem(core.RULES, "tanh", broken)
    core._programs.clear()
    x = tf.placeholder(tf.float32, [2])
    y = tf.tanh(x) * 3.0
    failures = tiers.STATS.interpreter_failures
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(y, {x: np.array([0.5, -1.0], np.float32)}),
                                   3 * np.tanh([0.5, -1.0]), rtol=1e-6)
    assert tiers.STATS.interpreter_failures == failures + 1


def test_host_checks_in_the_interpreted_tier_raise_and_leave_state_unchanged(policy):
    policy(mode="interpret")
    v = tf.Variable(1.0)
    x = tf.placeholder(tf.float32, [])
    check = tf.Assert(x > 0, [x])
    with tf.control_dependencies([check]):
        step = tf.assign_add(v, x)
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(step, {x: 2.0})
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(step, {x: -5.0})
        assert s.run(v) == 3.0


def test_py_func_errors_propagate_from_the_interpreted_tier(policy):
    policy(mode="interpret")

    def bad(a):
        raise ValueError("bad input")
    x = tf.placeholder(tf.float32, [2])
    y = tf.py_func(bad, [x], tf.float32)
    with tf.Session() as s:
        with pytest.raises(Exception) as info:
            s.run(y, {x: np.ones(2, np.float32)})
    assert "bad input" in str(info.value)


def test_policy_from_the_environment(monkeypatch):
    monkeypatch.setenv("COMPAT_TF_EXECUTION", "compile")
    monkeypatch.setenv("COMPAT_TF_COMPILE_AFTER", "4")
    monkeypatch.setenv("COMPAT_TF_BACKGROUND_COMPILE", "0")
    p = tiers.Policy()
    assert (p.mode, p.compile_after, p.background) == ("compile", 4, False)
    monkeypatch.setenv("COMPAT_TF_EXECUTION", "sometimes")
    with pytest.raises(ValueError, match="COMPAT_TF_EXECUTION"):
        tiers.Policy()
    with pytest.raises(ValueError, match="execution mode"):
        tiers.set_policy(mode="fast")


def test_a_long_loop_is_compiled_instead_of_walked_for_ever(policy, monkeypatch):
    from compat_tf._src.runtime.interp import core
    policy(mode="auto")
    monkeypatch.setattr(core, "BUDGET", 2000)
    x = tf.placeholder(tf.float32, [3000])
    y = tf.map_fn(lambda v: v * 2.0 + 1.0, x)          # a while loop of 3,000 iterations
    compiles, failures = tiers.STATS.compiles, tiers.STATS.interpreter_failures
    with tf.Session() as s:
        v = np.arange(3000, dtype=np.float32)
        np.testing.assert_allclose(s.run(y, {x: v}), v * 2 + 1)
    assert tiers.STATS.interpreter_failures == failures + 1
    assert tiers.STATS.compiles == compiles + 1


def test_a_new_batch_size_is_interpreted_from_the_symbolic_trace_without_tracing(policy):
    policy(mode="auto", compile_after=2, background=False)
    x, y, loss, train, ws = _mlp(dropout=False)
    with tf.Session() as s:
        _train_at_batch_8(s, x, y, train)
        tiers.drain_background_compiles()              # the symbolic trace is made after the compile
        fn = _step_fn(s, train)
        assert fn._symbolic is not None and fn.poly
        traces, symbolic = tiers.STATS.traces, tiers.STATS.symbolic_calls
        before = s.run(ws)
        xs, ys = _batch(6, seed=6)
        s.run(train, {x: xs, y: ys})                    # a train step of a new size: no trace
        assert tiers.STATS.traces == traces and tiers.STATS.symbolic_calls == symbolic + 1
        after = s.run(ws)
        assert not np.allclose(after[0], before[0])
        # a fetch evaluated at several sizes: its second size asks for the symbolic trace, and the
        # sizes after that are interpreted from it, with the right values
        w1, w2 = s.run(ws)
        for i, n in enumerate((5, 3, 11, 2)):
            xs, ys = _batch(n, seed=n)
            got = s.run(loss, {x: xs, y: ys})
            logits = np.maximum(xs @ w1, 0) @ w2
            lse = np.log(np.exp(logits - logits.max(1, keepdims=True)).sum(1)) + logits.max(1)
            np.testing.assert_allclose(got, np.mean(lse - logits[np.arange(n), ys]), rtol=1e-5)
            tiers.drain_background_compiles()
        assert tiers.STATS.symbolic_calls >= symbolic + 3


def test_a_reshape_to_minus_one_keeps_the_symbolic_trace(policy):
    """tf.reshape(x, [-1, 28, 28, 1]) of a batch-polymorphic x (the MNIST tutorials' first line):
    the reshape's size check stays symbolic, so a new batch size runs from the symbolic trace."""
    policy(mode="auto", compile_after=2, background=False)
    x = tf.placeholder(tf.float32, [None, 12])
    y = tf.reduce_sum(tf.reshape(x, [-1, 3, 4]) * tf.constant([1.0, 2.0, 3.0, 4.0]), [1, 2])
    with tf.Session() as s:
        for _ in range(3):
            s.run(y, {x: np.ones((5, 12), np.float32)})
        s.run(y, {x: np.ones((4, 12), np.float32)})          # a second size asks for the trace
        tiers.drain_background_compiles()
        symbolic = tiers.STATS.symbolic_calls
        v = np.arange(36, dtype=np.float32).reshape(3, 12)
        np.testing.assert_allclose(s.run(y, {x: v}), (v.reshape(3, 3, 4) * [1, 2, 3, 4]).sum((1, 2)))
        assert tiers.STATS.symbolic_calls == symbolic + 1
        with pytest.raises(Exception, match="reshape|compatible|divisible"):
            s.run(tf.reshape(x, [-1, 7]), {x: np.ones((5, 12), np.float32)})


def test_symbolic_trace_instances_must_match_the_template():
    from compat_tf._src.runtime.tiers import _SymbolicTrace
    sym = _SymbolicTrace()
    sym.template = [((4, 3), np.dtype(np.float32)), ((8, 5), np.dtype(np.float32)), ((8,), np.dtype(np.int64))]
    sym.dims = {(1, 0): "d0", (2, 0): "d0"}
    a = np.zeros((4, 3), np.float32)
    assert sym.binding([a, np.zeros((2, 5), np.float32), np.zeros(2, np.int64)]) == {"d0": 2}
    assert sym.binding([a, np.zeros((2, 5), np.float32), np.zeros(3, np.int64)]) is None   # one batch
    assert sym.binding([a, np.zeros((2, 6), np.float32), np.zeros(2, np.int64)]) is None   # fixed dim
    assert sym.binding([a, np.zeros((0, 5), np.float32), np.zeros(0, np.int64)]) is None   # empty
    assert sym.binding([a, np.zeros((2, 5), np.float64), np.zeros(2, np.int64)]) is None   # dtype


def test_a_training_step_is_queued_for_compile_after_its_first_call(policy):
    """A run that updates variables from their values (an optimizer step) repeats: its first call is
    interpreted, and its compile is queued when that call is done. An initialiser (writes only)
    and an evaluation (reads only) wait for compile_after calls, as any other signature."""
    policy(mode="auto", compile_after=2, training_compile_after=1, background=True)
    x, y, loss, train, _ = _mlp()
    xb, yb = _batch(8)
    with tf.Session() as s:
        interpreted, compiles = tiers.STATS.interpreted_calls, tiers.STATS.compiles
        s.run(tf.global_variables_initializer())
        s.run(loss, {x: xb, y: yb})
        s.run(train, {x: xb, y: yb})
        assert tiers.STATS.interpreted_calls == interpreted + 3        # all three first calls
        tiers.drain_background_compiles()
        assert tiers.STATS.compiles == compiles + 1
        status = sorted(list(p._layout.fn.programs().values()) for p in s._plans.values())
        assert status == [["compiling"], ["interpreted"], ["interpreted"]]
        assert [plan.training for plan in s._plans.values()].count(True) == 1
        s.run(train, {x: xb, y: yb})                        # the second call runs the executable
        assert list(_step_fn(s, train).programs().values()) == ["compiled"]
        assert tiers.STATS.interpreted_calls == interpreted + 3 and tiers.STATS.compiles == compiles + 1


@pytest.mark.parametrize("wait_s, waits", [(1e-9, True), (0, False), (60.0, False)])
def test_a_slow_interpreted_training_step_waits_for_its_compile(policy, monkeypatch, wait_s, waits):
    """A training step whose interpreted call took at least wait_for_compile_s runs its second
    call on the executable, waiting for the background compile; otherwise (a cheap step, or 0)
    the second call is interpreted beside the compile."""
    policy(mode="auto", compile_after=2, training_compile_after=1, background=True, wait_for_compile_s=wait_s)
    compile_ = tiers._compile

    def slow_compile(traced):
        time.sleep(0.5)
        return compile_(traced)
    monkeypatch.setattr(tiers, "_compile", slow_compile)
    x, y, loss, train, ws = _mlp(dropout=False)
    xb, yb = _batch(8)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        tiers.drain_background_compiles()
        interpreted = tiers.STATS.interpreted_calls
        s.run(train, {x: xb, y: yb})
        s.run(train, {x: xb, y: yb})
        assert tiers.STATS.interpreted_calls == interpreted + (1 if waits else 2)
        status = list(_step_fn(s, train).programs().values())
        assert status == (["compiled"] if waits else ["compiling"])
        tiers.drain_background_compiles()


def test_a_new_batch_size_of_a_training_step_is_compiled_only_when_it_repeats(policy):
    """A training step's first signature is queued for compile after one call, but a new batch size
    of it (an epoch's short last batch, back once an epoch) waits for compile_after calls: its
    first run is interpreted from the symbolic trace with no compile beside it."""
    policy(mode="auto", compile_after=2, training_compile_after=1, background=True)
    x, y, loss, train, ws = _mlp(dropout=False)
    with tf.Session() as s:
        _train_at_batch_8(s, x, y, train, drain=True)
        assert _step_fn(s, train)._symbolic is not None
        compiles, symbolic = tiers.STATS.compiles, tiers.STATS.symbolic_calls
        xs, ys = _batch(5, seed=5)
        s.run(train, {x: xs, y: ys})
        tiers.drain_background_compiles()
        assert tiers.STATS.symbolic_calls == symbolic + 1 and tiers.STATS.compiles == compiles
        s.run(train, {x: xs, y: ys})                     # it repeats: compiled in the background
        tiers.drain_background_compiles()
        assert tiers.STATS.compiles == compiles + 1


def test_a_compiled_step_whose_state_changes_shape_takes_the_full_signature_path(policy):
    """The compiled tier calls the executable directly (keyed by the fed shapes only); a variable
    assigned a new shape (validate_shape=False) makes that call refuse its arguments, and the step
    is run for the new signature instead, with the new value."""
    policy(mode="compile")
    v = tf.Variable(np.zeros(3, np.float32), validate_shape=False)
    p = tf.placeholder(tf.float32, [None])
    assign = tf.assign(v, p, validate_shape=False)
    out = v * 2.0
    with tf.Session() as s:
        s.run(v.initializer)
        for _ in range(3):
            np.testing.assert_array_equal(s.run(out), np.zeros(3))
        s.run(assign, {p: np.ones(5, np.float32)})
        np.testing.assert_array_equal(s.run(out), np.full(5, 2.0))
        s.run(assign, {p: np.full(2, 3.0, np.float32)})
        np.testing.assert_array_equal(s.run(out), np.full(2, 6.0))
