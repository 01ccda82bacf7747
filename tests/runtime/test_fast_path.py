"""The mechanisms behind Session.run's speed (issue 5), each checked functionally, not by timing.

- one compile per signature, whatever fetch structure names the same tensors;
- donated state: a training step updates variables and slots in place, no extra copies;
- a run with only targets returns without waiting for the device, and a later fetch still
  sees its effect (TF1 ordering);
- feeds converted once (an ndarray of the right dtype not at all);
- no per-op Python work in the steady state: the lowering walk runs only while tracing.

These are properties of the compiled tier, so the tests run with the execution policy set to
compile on the first call (test_tiers.py covers the interpreted tier and the switch between them).
"""
import jax
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import errors
from compat_tf._src.runtime import fetches as _fetches
from compat_tf._src.runtime import lowering
from compat_tf._src.runtime import session as _session
from compat_tf._src.runtime import tiers


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture(autouse=True)
def _compiled(compiled_tier):
    yield


def _only_plan(sess):
    plans = list(sess._plans.values())
    assert len(plans) == 1, plans
    return plans[0]


def _mlp_train_op():
    x = tf.placeholder(tf.float32, [None, 4])
    y = tf.placeholder(tf.int64, [None])
    w = tf.Variable(np.random.RandomState(0).randn(4, 3).astype(np.float32), name="w")
    b = tf.Variable(np.zeros(3, np.float32), name="b")
    logits = tf.matmul(x, w) + b
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=logits))
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    feed = {x: np.ones((5, 4), np.float32), y: np.arange(5) % 3}
    return train, loss, feed


# -- one compile per signature ---------------------------------------------------------------

def test_fetch_structures_over_the_same_tensors_share_one_compiled_step():
    x = tf.placeholder(tf.float32, [2])
    y = x * 2.0
    with tf.Session() as s:
        v = np.array([1.0, 2.0], np.float32)
        assert s.run(y, {x: v}).tolist() == [2.0, 4.0]
        assert s.run([y], {x: v})[0].tolist() == [2.0, 4.0]
        assert s.run({"a": y}, {x.name: v})["a"].tolist() == [2.0, 4.0]
        assert s.run((y, y), {x: v})[1].tolist() == [2.0, 4.0]
        assert _only_plan(s).trace_count == 1


def test_runner_is_built_once_per_fetch_structure(monkeypatch):
    x = tf.placeholder(tf.float32, [])
    y = x + 1.0
    built = []
    real = _fetches.FetchMapper.__init__

    def counting(self, *a, **k):
        built.append(1)
        real(self, *a, **k)
    monkeypatch.setattr(_fetches.FetchMapper, "__init__", counting)
    with tf.Session() as s:
        for i in range(5):
            assert s.run([y, {"k": y}], {x: float(i)})[1]["k"] == i + 1.0
        assert len(built) == 1


# -- donated state -------------------------------------------------------------------------------

@pytest.mark.skipif(jax.default_backend() not in ("cpu", "gpu", "cuda"), reason="donation support")
def test_training_step_donates_every_variable_and_slot():
    train, _, feed = _mlp_train_op()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(train, feed)
        before = dict(s._state)
        s.run(train, feed)
        assert set(s._state) == set(before)
        written = [k for k in before if s._state[k] is not before[k]]
        # the variables, Adam's two slots each, and the beta powers are all written ...
        assert {"w", "b"} <= set(written) and len(written) >= 6
        # ... in place: the old buffers were donated to the step, not kept beside the new ones
        assert all(before[k].is_deleted() for k in written)


def test_training_steps_do_not_accumulate_device_buffers():
    train, _, feed = _mlp_train_op()
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(train, feed)
        s.run(train, feed)
        jax.block_until_ready(s._state)
        n = len(jax.live_arrays())
        for _ in range(5):
            s.run(train, feed)
        jax.block_until_ready(s._state)
        assert len(jax.live_arrays()) <= n


# -- async dispatch ------------------------------------------------------------------------------

def test_run_with_only_targets_does_not_wait_for_the_device():
    # A step of ~1 s of matmuls: the run returns while its result is still being computed.
    # (JAX runs computations with host callbacks synchronously, so a callback gate cannot
    # show this; a long computation can.)
    n = 768
    rs = np.random.RandomState(0)
    v = tf.Variable(rs.rand(n, n).astype(np.float32) / n, name="v")
    m = tf.Variable(rs.rand(n, n).astype(np.float32) / n, name="m")

    def body(i, h):
        return i + 1, tf.tanh(tf.matmul(h, m) + 0.1)
    _, h = tf.while_loop(lambda i, h: i < 20, body, [tf.constant(0), v.read_value()])
    step = tf.assign(v, h)
    with tf.Session() as s:
        s.run([v.initializer, m.initializer])
        s.run(step.op)                                  # traces and compiles
        jax.block_until_ready(s._state)
        expected = s.run(v)
        for _ in range(20):
            expected = np.tanh(expected @ s.run(m) + 0.1)
        assert s.run(step.op) is None
        assert not s._state["v"].is_ready()             # dispatched, not waited for
        # TF1 ordering: a later fetch sees the step's effect
        np.testing.assert_allclose(s.run(v), expected, rtol=1e-4, atol=1e-5)


# -- feeds converted once --------------------------------------------------------------------------

def test_feeds_are_converted_once_and_matching_arrays_not_at_all(monkeypatch):
    x = tf.placeholder(tf.float32, [None, 2])
    n = tf.placeholder(tf.int32, [])
    y = tf.reduce_sum(x) * tf.cast(n, tf.float32)
    calls = []
    real = _fetches.convert_feed_value

    def counting(tensor, value):
        calls.append(tensor.name)
        return real(tensor, value)
    monkeypatch.setattr(_fetches, "convert_feed_value", counting)
    with tf.Session() as s:
        arr = np.ones((3, 2), np.float32)
        for _ in range(3):
            assert s.run(y, {x: arr, n: 2}) == 12.0
        # the Python int is converted once per run, the float32 array never
        assert calls == [n.name] * 3
        calls.clear()
        assert s.run(y, {x: [[1.0, 2.0]], n: np.int32(1)}) == 3.0
        assert calls == [x.name]                    # a NumPy scalar of the dtype is not converted
        calls.clear()
        assert s.run(y, {x: arr, n: np.int64(1)}) == 6.0
        assert calls == [n.name]
    conv = _session._feed_converter(x)
    assert conv(arr) is arr                                  # no copy
    assert conv(np.ones((3, 2), np.float64)).dtype == np.float32
    with pytest.raises(ValueError, match="shape"):
        conv(np.ones((3, 3), np.float32))


# -- no per-op Python work in the steady state ----------------------------------------------------

def test_steady_state_runs_do_no_per_op_python_work(monkeypatch):
    train, loss, feed = _mlp_train_op()
    walks = []
    real = lowering.evaluate

    def counting(ops, env, ctx, **kw):
        walks.append(len(ops))
        return real(ops, env, ctx, **kw)
    monkeypatch.setattr(lowering, "evaluate", counting)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(3):
            s.run(train, feed)
            s.run([loss, train], feed)
        tiers.drain_background_compiles()   # the one-off shape-polymorphic trace (runtime/tiers.py)
        walks.clear()
        for _ in range(5):
            s.run(train, feed)
            s.run([loss, train], feed)
        assert walks == []


# -- the fast path keeps the slow path's semantics --------------------------------------------------

def test_fast_path_fetches_feeds_variables_and_outputs_together():
    v = tf.Variable([1.0, 2.0], name="v")
    x = tf.placeholder(tf.float32, [2])
    inc = tf.assign_add(v, x)
    with tf.Session() as s:
        s.run(v.initializer)
        for i in range(1, 3):
            fed = np.full(2, float(i), np.float32)
            out_x, out_v, out_inc = s.run([x, v, inc], {x: fed})
            assert out_x is not fed and out_x.tolist() == fed.tolist()
            assert out_inc.tolist() == s.run(v).tolist()
            out_v[0] = -1.0                            # the caller's own copy
        assert s.run(v).tolist() == [4.0, 5.0]


def test_fast_path_follows_variables_initialised_later():
    v = tf.Variable(3.0, name="v")
    w = tf.Variable(0.0, name="w")
    y = v * 2.0
    set_w = tf.assign(w, v)
    with tf.Session() as s:
        with pytest.raises(errors.FailedPreconditionError, match="v"):
            s.run(y)
        s.run(v.initializer)
        assert s.run(y) == 6.0
        assert s.run(set_w) == 3.0                     # w not yet initialised: written, not donated
        assert s.run(set_w) == 3.0                     # now initialised: donated
        assert s.run(w) == 3.0


def test_fast_path_state_is_fresh_after_close():
    v = tf.Variable(1.0, name="v")
    s = tf.Session()
    s.run(v.initializer)
    assert s.run(v + 1.0) == 2.0
    s.close()
    s2 = tf.Session()
    with pytest.raises(errors.FailedPreconditionError):
        s2.run(v + 1.0)
    s2.close()


def test_random_ops_still_differ_between_fast_runs():
    r = tf.random_uniform([4], seed=1)
    with tf.Session() as s:
        a, b = s.run(r), s.run(r)
        assert not np.array_equal(a, b)


def test_fetched_scalar_types_follow_tf_dtypes():
    a = tf.constant(3, tf.int64)
    b = tf.constant(True)
    c = tf.constant(1.5, tf.float16)
    with tf.Session() as s:
        va, vb, vc = s.run(a), s.run(b), s.run(c)
        assert type(va) is np.int64 and type(vb) is np.bool_ and type(vc) is np.float16


# -- large values known at build time stay in the program, not on the host ---------------------

def test_large_fill_from_constants_is_traced_not_embedded():
    v = tf.Variable(tf.zeros([600, 600]), name="v")        # a Fill with concrete inputs
    w = tf.Variable(tf.ones([300], tf.int32), name="w")
    with tf.Session() as s:
        s.run([v.initializer, w.initializer])
        plan = _only_plan(s)
        layout = plan._layout
        args = [s._state[k] for k in layout.keys] + ([np.uint32(0)] if plan.uses_rng else [])
        closed = layout.fn.trace(*args).jaxpr
        assert all(np.size(c) <= 1 << 16 for c in closed.consts)
        assert s.run(v).sum() == 0.0 and s.run(v).shape == (600, 600)
        assert s.run(w).tolist() == [1] * 300


def test_large_float_range_is_still_folded_when_it_must_be():
    r = tf.range(0.0, 100000.0, 1.0)
    with tf.Session() as s:
        out = s.run(r)
        assert out.shape == (100000,) and out[-1] == 99999.0


def test_train_step_fed_by_a_host_get_next_donates_its_state():
    """A host segment (tf.data get_next) then the device step: the last segment donates, and a
    failure in the host segment (end of data) still leaves every variable unchanged."""
    with tf.Graph().as_default():
        data = np.arange(24, dtype=np.float32).reshape(6, 4)
        x = tf.data.Dataset.from_tensor_slices(data).batch(3).make_one_shot_iterator().get_next()
        w = tf.Variable(np.ones([4, 2], np.float32))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        train = tf.train.AdamOptimizer(0.01).minimize(loss)
        with tf.Session() as s:
            s.run(tf.global_variables_initializer())
            before = dict(s._state)
            s.run(train)
            written = [k for k in before if s._state[k] is not before[k]]
            assert "Variable" in written and len(written) >= 5    # w, its two slots, beta powers
            assert all(before[k].is_deleted() for k in written)
            s.run(train)
            after = {k: np.asarray(v) for k, v in s._state.items()}
            with pytest.raises(tf.errors.OutOfRangeError):
                s.run(train)
            for k, v in after.items():
                np.testing.assert_array_equal(np.asarray(s._state[k]), v)


# -- a fed scalar bool specialises the step ----------------------------------------------------

def _programs_of(plan):
    """{values of the specialised inputs: the step's jaxpr text} of a one-segment plan."""
    out = {}
    for (ro, rw, values), fn in plan._flat_fns.items():
        for prog in fn._programs.values():
            if prog.traced is not None:
                out[values] = str(prog.traced.jaxpr)
    return out


@pytest.mark.parametrize("shape", [[], None], ids=["declared_scalar", "unshaped"])
def test_fed_scalar_bool_specialises_the_step_and_cond_runs_one_branch(policy, shape):
    """An `is_training` flag fed to tf.cond: each value has its own program holding only its branch
    (no XLA conditional, the flag no argument), the variable update of the untaken branch is not
    made, and the results are those of the branch the value picks. `tf.placeholder(tf.bool)` with
    no shape, the tutorials' usual flag, is specialised while it is fed 0-d values."""
    policy(mode="interpret")
    training = tf.placeholder(tf.bool, shape)
    x = tf.placeholder(tf.float32, [None])
    v = tf.Variable(0.0)
    out = tf.cond(training, lambda: tf.reduce_sum(x) + v.assign_add(1.0), lambda: tf.reduce_sum(x) * 10.0)
    with tf.Session() as s:
        s.run(v.initializer)
        xs = np.array([1.0, 2.0], np.float32)
        assert s.run(out, {training: True, x: xs}) == 4.0          # 3 + the incremented v
        assert s.run(out, {training: np.array(False), x: xs}) == 30.0
        assert s.run(out, {training: np.bool_(True), x: xs}) == 5.0
        assert s.run(v) == 2.0                                      # the False run did not add
        plan = next(p for p in s._plans.values() if p.fetch_tensors == [out])
        progs = _programs_of(plan)
        assert set(progs) == {(True,), (False,)}
        assert all("cond[" not in text for text in progs.values())
        assert "mul" in progs[(False,)] and "mul" not in progs[(True,)]
        for fn in plan._flat_fns.values():
            for prog in fn._programs.values():
                assert all(a.aval.dtype != np.bool_ for a in prog.traced.jaxpr.jaxpr.invars)


def test_fed_scalar_bool_used_as_data_is_specialised_too(policy):
    policy(mode="interpret")
    flag = tf.placeholder(tf.bool, [])
    x = tf.placeholder(tf.float32, [3])
    y = tf.where(tf.logical_not(flag), x * 2.0, x - 1.0)
    with tf.Session() as s:
        xs = np.array([1.0, 2.0, 3.0], np.float32)
        np.testing.assert_allclose(s.run(y, {flag: True, x: xs}), xs - 1.0)
        np.testing.assert_allclose(s.run(y, {flag: False, x: xs}), xs * 2.0)
        np.testing.assert_allclose(s.run([y, flag], {flag: False, x: xs})[0], xs * 2.0)
        plan = next(p for p in s._plans.values() if p.fetch_tensors == [y])
        assert set(_programs_of(plan)) == {(True,), (False,)}          # one program per value
        for fn in plan._flat_fns.values():       # the flag is a constant of each program, not an argument
            for prog in fn._programs.values():
                assert [v.aval.shape for v in prog.traced.jaxpr.jaxpr.invars] == [(3,)]


def test_unshaped_bool_fed_an_array_is_an_argument(policy):
    """The same unknown-rank bool fed a mask is data: the step takes it as an argument, beside the
    programs specialised on its 0-d values, and each run gets its own feed's results."""
    policy(mode="interpret")
    mask = tf.placeholder(tf.bool)
    x = tf.placeholder(tf.float32, [3])
    y = tf.where(mask, x * 2.0, x - 1.0)
    with tf.Session() as s:
        xs = np.array([1.0, 2.0, 3.0], np.float32)
        m = np.array([True, False, True])
        for _ in range(2):           # each program is reused, not remade
            np.testing.assert_allclose(s.run(y, {mask: m, x: xs}), np.where(m, xs * 2.0, xs - 1.0))
            np.testing.assert_allclose(s.run(y, {mask: True, x: xs}), xs * 2.0)
            np.testing.assert_allclose(s.run(y, {mask: ~m, x: xs}), np.where(~m, xs * 2.0, xs - 1.0))
            np.testing.assert_allclose(s.run(y, {mask: False, x: xs}), xs - 1.0)
        plan = next(p for p in s._plans.values() if p.fetch_tensors == [y])
        assert set(_programs_of(plan)) == {(None,), (True,), (False,)}
        shapes = {values: [[a.aval.shape for a in prog.traced.jaxpr.jaxpr.invars]
                           for prog in fn._programs.values()]
                  for (_, _, values), fn in plan._flat_fns.items()}
        assert shapes[(None,)] == [[(3,), (3,)]] and shapes[(True,)] == [[(3,)]]
