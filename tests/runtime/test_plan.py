"""The run planner: pruning, ordering, compilation caching, device-resident state."""
import jax
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import registry
from compat_tf._src.runtime import plan as _plan


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _only_plan(sess):
    plans = list(sess._plans.values())
    assert len(plans) == 1, plans
    return plans[0]


# -- compilation caching ---------------------------------------------------------------


def test_same_signature_traces_once():
    from compat_tf._src.runtime import tiers
    x = tf.placeholder(tf.float32, [None, 3])
    w = tf.constant(np.arange(6, dtype=np.float32).reshape(3, 2))
    y = tf.matmul(x, w) * 2.0
    tiers.drain_background_compiles()
    sym0 = tiers.STATS.symbolic_traces

    def traces(p):       # the foreground traces (the background symbolic one is runtime/tiers.py's)
        tiers.drain_background_compiles()
        return p.trace_count - (tiers.STATS.symbolic_traces - sym0)
    with tf.Session() as s:
        for i in range(5):
            val = np.full((4, 3), float(i), np.float32)
            out = s.run(y, {x: val})
            np.testing.assert_allclose(out, val @ w_value() * 2.0)
        p = _only_plan(s)
        assert traces(p) == 1
        # Python lists and other float dtypes are converted first: still no retrace
        s.run(y, {x: [[1.0, 2.0, 3.0]] * 4})
        s.run(y, {x: np.ones((4, 3), np.float64)})
        assert traces(p) == 1
        # a new feed shape is a new trace of the same plan (or runs from the symbolic one)
        s.run(y, {x: np.ones((7, 3), np.float32)})
        assert traces(p) in (1, 2) and _only_plan(s) is p
        s.run(y, {x: np.ones((7, 3), np.float32)})     # (compiled when it repeats: traced then)
        assert traces(p) == 2
        for _ in range(3):
            s.run(y, {x: np.ones((7, 3), np.float32)})
        assert traces(p) == 2


def w_value():
    return np.arange(6, dtype=np.float32).reshape(3, 2)


def test_feed_dict_order_does_not_change_the_plan():
    a = tf.placeholder(tf.float32, [])
    b = tf.placeholder(tf.float32, [])
    c = a - b
    with tf.Session() as s:
        assert s.run(c, {a: 5.0, b: 2.0}) == 3.0
        assert s.run(c, {b: 2.0, a: 7.0}) == 5.0
        p = _only_plan(s)
        assert p.trace_count == 1


def test_training_step_traces_once_and_state_stays_on_device(compiled_tier):
    v = tf.Variable(np.zeros(4, np.float32), name="v")
    x = tf.placeholder(tf.float32, [4])
    step = tf.assign_add(v, x * 0.5)
    with tf.Session() as s:
        s.run(v.initializer)
        assert isinstance(s._state["v"], jax.Array)
        s._plans.clear()
        for i in range(5):
            s.run(step.op, {x: np.full(4, i, np.float32)})
        p = _only_plan(s)
        assert p.trace_count == 1
        assert isinstance(s._state["v"], jax.Array)
        np.testing.assert_allclose(s.run(v), np.full(4, 5.0))   # 0.5 * (0+1+2+3+4)


def test_writing_run_donates_the_old_buffer(compiled_tier):
    v = tf.Variable(np.zeros(1000, np.float32), name="v")
    inc = tf.assign_add(v, np.ones(1000, np.float32))
    with tf.Session() as s:
        s.run(v.initializer)
        before = s._state["v"]
        s.run(inc.op)
        after = s._state["v"]
        assert after is not before
        if jax.default_backend() in ("cpu", "gpu", "cuda"):
            assert before.is_deleted()          # updated in place, no copy of the variable
        assert float(s.run(v)[0]) == 1.0


def test_a_read_only_run_does_not_touch_state(compiled_tier):
    v = tf.Variable(2.0, name="v")
    y = v * 3.0
    with tf.Session() as s:
        s.run(v.initializer)
        before = s._state["v"]
        assert s.run(y) == 6.0
        assert s._state["v"] is before and not before.is_deleted()


def test_fetching_a_variable_returns_a_copy_of_its_state():
    v = tf.Variable([1.0, 2.0], name="v")
    with tf.Session() as s:
        s.run(v.initializer)
        p = _plan.Plan(s.graph, [v._ref()], [], [])
        out = p.run(s, [])
        assert out[0] is not s._state["v"]


# -- pruning and ordering ------------------------------------------------------------


def test_pruning_runs_only_what_the_fetches_need():
    v = tf.Variable(0.0)
    inc = tf.assign_add(v, 1.0)  # noqa: F841 - never fetched
    unfed = tf.placeholder(tf.float32)
    other = unfed * 2.0  # noqa: F841
    c = tf.constant(3.0) + 1.0
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(c) == 4.0
        assert s.run(v) == 0.0


def test_fed_tensor_cuts_its_inputs():
    x = tf.placeholder(tf.float32, [])
    y = x * 2.0
    z = y + 1.0
    with tf.Session() as s:
        assert s.run(z, {y: 10.0}) == 11.0      # x is not needed when y is fed


def test_program_order_for_unordered_state_ops():
    v = tf.Variable(1.0)
    read_before = v * 1.0
    assign = tf.assign(v, 5.0)
    read_after = v * 1.0
    with tf.Session() as s:
        s.run(v.initializer)
        # no dependencies between them: ops run in creation order
        assert s.run([read_before, assign, read_after]) == [1.0, 5.0, 5.0]


def test_assign_add_chain_within_one_run():
    v = tf.Variable(0.0)
    a1 = tf.assign_add(v, 1.0)
    with tf.control_dependencies([a1]):
        a2 = tf.assign_add(v, 10.0)
    with tf.Session() as s:
        s.run(v.initializer)
        assert s.run(a2) == 11.0
        assert s.run(v) == 11.0


def test_write_before_read_needs_no_initialization():
    v = tf.Variable(1.0, name="v")
    set_v = tf.assign(v, 7.0)
    inc = tf.assign_add(v, 1.0)
    with tf.Session() as s:
        with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value v"):
            s.run(inc)
        assert s.run(set_v) == 7.0        # Assign does not read its ref
        assert s.run(inc) == 8.0


def test_plan_needs_init_and_writes():
    v = tf.Variable(1.0, name="v")
    w = tf.Variable(1.0, name="w")
    out = tf.assign(w, v * 2.0)
    with tf.Session() as s:
        p = _plan.Plan(s.graph, [out], [], [])
        assert p.needs_init == ["v"]
        assert p.writes == ["w"]


def test_host_and_device_segments():
    v = tf.Variable(1.0, name="v")
    tf.Variable(1.0, name="w")
    report = tf.report_uninitialized_variables()
    doubled = tf.constant(2.0) * 3.0
    with tf.Session() as s:
        s.run(v.initializer)
        names, val = s.run([report, doubled])
        assert list(names) == [b"w"] and val == 6.0
        p = [p for k, p in s._plans.items() if report in k[0]][0]
        assert any(seg.host for seg in p.segments) and any(not seg.host for seg in p.segments)


def test_unregistered_op_type_is_unimplemented(graph):
    assert registry.lookup("_CompatTestNoLowering") is None
    op = graph.create_op("NoOp", [], {}, name="fine")
    op._type = "_CompatTestNoLowering"
    with tf.Session() as s:
        with pytest.raises(tf.errors.UnimplementedError, match="_CompatTestNoLowering"):
            s.run(op)


def test_lowering_using_jax_array_methods_takes_folded_numpy_inputs(graph, monkeypatch):
    # folded values are NumPy arrays (interp.fold); a lowering written with `.at[...]` still runs
    def lower(a, b, **_):
        return a.at[0].add(b[0])
    monkeypatch.setitem(registry._REGISTRY, "_CompatTestAt", registry.OpDef(type="_CompatTestAt", lower=lower))
    folded = tf.constant([1.0, 2.0]) * 2.0
    x = tf.placeholder(tf.float32, [2])
    op = graph.create_op("AddV2", [folded, x], {"T": tf.float32}, name="at")
    op._type = "_CompatTestAt"
    with tf.Session() as s:
        for _ in range(3):                          # interpreted, then compiled
            np.testing.assert_allclose(s.run(op.outputs[0], {x: [10.0, 0.0]}), [12.0, 4.0])


def test_cycle_is_reported():
    a = tf.constant(1.0)
    b = tf.identity(a)
    a.op._add_control_input(b.op)
    with tf.Session() as s:
        with pytest.raises(ValueError, match="cycle"):
            s.run(b)


def test_control_dependency_on_a_fed_placeholder_is_satisfied_by_the_feed():
    with tf.Graph().as_default():
        ph = tf.placeholder(tf.float32, [2])
        with tf.control_dependencies([ph.op]):
            y = tf.constant([1.0, 2.0]) * 3.0
        z = y + ph
        with tf.Session() as sess:
            np.testing.assert_allclose(sess.run(y, {ph: [0.0, 0.0]}), [3.0, 6.0])
            np.testing.assert_allclose(sess.run(z, {ph: [1.0, 1.0]}), [4.0, 7.0])
            with pytest.raises(tf.errors.InvalidArgumentError, match="must feed"):
                sess.run(y)
