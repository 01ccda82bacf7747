"""TF1's failure semantics of Session.run (issue 13): no lost updates, TF1's error classes for
what goes wrong while a step runs, run timeouts, the CPU kernels' run-time checks (in both
execution tiers, with the state left unchanged by a failed step), and a bounded cache of
compiled signatures. Threads are joined with timeouts, so a regression fails instead of hanging.
"""
import threading

import jax
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.runtime import op_errors
from compat_tf._src.runtime import run_checks


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _threads(fn, n, runs):
    errs = []

    def work():
        try:
            for _ in range(runs):
                fn()
        except Exception as e:  # noqa: BLE001 - reported below
            errs.append(e)
    ts = [threading.Thread(target=work, daemon=True) for _ in range(n)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(120)
    assert not any(t.is_alive() for t in ts), "a run is stuck"
    assert not errs, errs


# -- no lost updates ---------------------------------------------------------------------------

def test_concurrent_runs_that_write_then_block_on_a_queue_lose_no_update():
    q = tf.FIFOQueue(100000, [tf.float32], shapes=[[]])
    ctr = tf.Variable(0)
    with tf.control_dependencies([tf.assign_add(ctr, 1)]):
        op = q.enqueue(2.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        _threads(lambda: s.run(op), 4, 150)
        assert s.run(ctr) == 600 and s.run(q.size()) == 600


def test_concurrent_runs_with_a_host_callback_and_a_queue_lose_no_update():
    q = tf.FIFOQueue(100000, [tf.float32], shapes=[[]])
    ctr = tf.Variable(0.0)
    inc = tf.assign_add(ctr, tf.py_func(lambda: np.float32(1.0), [], tf.float32, stateful=True))
    with tf.control_dependencies([inc]):
        op = q.enqueue(1.0)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        _threads(lambda: s.run(op), 4, 100)
        assert s.run(ctr) == 400.0


# -- error classes --------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_bad_fed_shapes_are_invalid_argument_errors_naming_the_node(policy, mode):
    policy(mode=mode)
    a = tf.placeholder(tf.float32, [None, None])
    b = tf.placeholder(tf.float32, [None, None])
    v = tf.placeholder(tf.float32, [None])
    prod = tf.matmul(a, b, name="the_matmul")
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match="the_matmul"):
            s.run(prod, {a: np.ones((2, 3)), b: np.ones((4, 5))})
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(tf.reshape(v, [-1, 3]), {v: np.ones(7)})
        # the session still works afterwards
        assert s.run(prod, {a: np.ones((2, 3)), b: np.ones((3, 1))}).tolist() == [[3.0], [3.0]]


@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_out_of_memory_is_resource_exhausted(policy, mode):
    policy(mode=mode)
    n = tf.placeholder(tf.int64, [])
    z = tf.reduce_sum(tf.zeros(tf.stack([n, n]), tf.float32))
    with tf.Session() as s:
        with pytest.raises(tf.errors.ResourceExhaustedError):
            s.run(z, {n: 2 ** 22})


def test_xla_status_codes_map_to_tf1_classes():
    e = op_errors.from_runtime(jax.errors.JaxRuntimeError("RESOURCE_EXHAUSTED: Out of memory allocating 8 GiB"))
    assert isinstance(e, tf.errors.ResourceExhaustedError)
    e = op_errors.from_runtime(jax.errors.JaxRuntimeError("INVALID_ARGUMENT: bad"))
    assert isinstance(e, tf.errors.InvalidArgumentError)
    assert op_errors.from_runtime(KeyError("a bug")) is None       # not a runtime failure: as it is


# -- timeouts ------------------------------------------------------------------------------------

def test_run_options_timeout_on_an_empty_dequeue():
    q = tf.FIFOQueue(5, [tf.float32], shapes=[[]])
    d = q.dequeue()
    with tf.Session() as s:
        with pytest.raises(tf.errors.DeadlineExceededError):
            s.run(d, options=tf.RunOptions(timeout_in_ms=200))
        s.run(q.enqueue(4.0))                       # the queue is unharmed
        assert s.run(d) == 4.0


def test_session_operation_timeout_and_rows_of_a_timed_out_dequeue_many_kept():
    q = tf.FIFOQueue(5, [tf.float32], shapes=[[]])
    with tf.Session(config=tf.ConfigProto(operation_timeout_in_ms=200)) as s:
        s.run(q.enqueue_many([[1.0, 2.0]]))
        with pytest.raises(tf.errors.DeadlineExceededError):
            s.run(q.dequeue_many(3))                # 2 rows taken, the third never comes
        assert s.run(q.size()) == 2                 # put back
        assert s.run(q.dequeue_many(2)).tolist() == [1.0, 2.0]


# -- run-time checks of TF1's CPU kernels ---------------------------------------------------------

@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_integer_division_by_zero_raises(policy, mode):
    policy(mode=mode)
    i = tf.placeholder(tf.int32, [])
    j = tf.placeholder(tf.int32, [])
    with tf.Session() as s:
        for op in (tf.math.floordiv(i, j), tf.math.floormod(i, j), tf.truncatediv(i, j)):
            with pytest.raises(tf.errors.InvalidArgumentError, match="Integer division by zero"):
                s.run(op, {i: 7, j: 0})
        assert s.run(tf.math.floordiv(i, j), {i: 7, j: -2}) == -4


@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_gather_index_out_of_range_names_the_index(policy, mode):
    policy(mode=mode)
    params = tf.constant([1.0, 2.0, 3.0])
    idx = tf.placeholder(tf.int32, [None])
    g = tf.gather(params, idx, name="lookup")
    with tf.Session() as s:
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"(?s)indices\[1\] = 5 is not in \[0, 3\).*lookup"):
            s.run(g, {idx: [0, 5]})
        assert s.run(g, {idx: [2, 0]}).tolist() == [3.0, 1.0]


@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_failed_check_in_a_training_step_leaves_every_variable_unchanged(policy, mode):
    policy(mode=mode)
    emb = tf.Variable(np.arange(12, dtype=np.float32).reshape(4, 3))
    ids = tf.placeholder(tf.int32, [None])
    labels = tf.placeholder(tf.int32, [None])
    logits = tf.nn.embedding_lookup(emb, ids)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    step = tf.train.AdamOptimizer(0.1).minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(step, {ids: [0, 1], labels: [0, 2]})
        before = {v.name: s.run(v) for v in tf.global_variables()}
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 9"):
            s.run(step, {ids: [0, 9], labels: [0, 2]})
        with pytest.raises(tf.errors.InvalidArgumentError, match="label value of 7"):
            s.run(step, {ids: [0, 1], labels: [0, 7]})
        for v in tf.global_variables():                  # weights, Adam slots, beta powers
            np.testing.assert_array_equal(s.run(v), before[v.name], err_msg=v.name)
        s.run(step, {ids: [0, 1], labels: [0, 2]})      # and training goes on
        assert not np.array_equal(s.run(emb), before[emb.name])


def test_checks_of_a_shape_polymorphic_step_report_the_run_s_sizes(policy):
    # after the background symbolic trace (runtime/tiers.py) the error messages' sizes are the
    # run's, not the trace's symbols, at a compiled batch size and at a new one
    from compat_tf._src.runtime import tiers
    policy(mode="compile")
    emb = tf.Variable(np.ones((5, 3), np.float32))
    ids = tf.placeholder(tf.int32, [None])
    labels = tf.placeholder(tf.int32, [None])
    logits = tf.nn.embedding_lookup(emb, ids)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=labels, logits=logits))
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for n in (2, 2):
            s.run(step, {ids: np.zeros(n, np.int32), labels: np.zeros(n, np.int32)})
        tiers.drain_background_compiles()        # the symbolic trace is the step's last trace
        for bad in ([0, 9], [0, 1, 9]):
            with pytest.raises(tf.errors.InvalidArgumentError,
                               match=rf"indices\[{len(bad) - 1}\] = 9 is not in \[0, 5\)"):
                s.run(step, {ids: bad, labels: [0] * len(bad)})
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"label value of 4 .*\[0, 3\)"):
            s.run(step, {ids: [0, 1, 1], labels: [0, 4, 0]})


def test_check_messages_made_in_a_symbolic_trace_give_the_run_s_sizes():
    # the error makers of a step traced with symbolic sizes (runtime/tiers.py) format the sizes of
    # the run that failed: the sizes travel in the payload
    from jax import export
    from compat_tf._src.ops import gather_ops
    makers = run_checks.MakerTable()

    def step(idx):
        with run_checks.step_scope(0) as scope:
            gather_ops._check_traced_indices(idx.reshape(-1, 2), idx.shape[0] // 2 + 1)
            return run_checks.step_outputs(scope.fused, makers)
    b, = export.symbolic_shape("b")
    exp = export.export(jax.jit(step))(jax.ShapeDtypeStruct((2 * b,), np.int32))
    code, payload = exp.call(np.array([0, 1, 2, 9], np.int32))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1,1\] = 9 is not in \[0, 3\)"):
        run_checks.raise_if_failed(makers, code, payload)


@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_checks_inside_a_while_loop_body(policy, mode):
    policy(mode=mode)
    params = tf.constant([1.0, 2.0, 3.0])
    limit = tf.placeholder(tf.int32, [])
    _, acc = tf.while_loop(lambda i, a: i < limit, lambda i, a: (i + 1, a + tf.gather(params, i)),
                           [tf.constant(0), tf.constant(0.0)])
    with tf.Session() as s:
        assert s.run(acc, {limit: 3}) == 6.0
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[\] = 3 is not in \[0, 3\)"):
            s.run(acc, {limit: 4})


def test_checks_can_be_switched_off_for_gpu_like_results(policy):
    policy(mode="compile")
    prev = run_checks.set_enabled(False)
    try:
        i = tf.placeholder(tf.int32, [])
        j = tf.placeholder(tf.int32, [])
        params = tf.constant([1.0, 2.0, 3.0])
        idx = tf.placeholder(tf.int32, [None])
        with tf.Session() as s:
            assert isinstance(s.run(tf.math.floordiv(i, j), {i: 7, j: 0}), np.int32)   # no error: XLA's number
            assert s.run(tf.gather(params, idx), {idx: [0, 5]}).tolist() == [1.0, 0.0]
    finally:
        run_checks.set_enabled(prev)


# -- bounded signature cache -------------------------------------------------------------------------

def test_signatures_of_a_step_are_bounded_least_recently_used_first(policy):
    policy(mode="compile", max_signatures=4)
    x = tf.placeholder(tf.float32, [None])
    y = tf.reduce_sum(x * 2.0)
    with tf.Session() as s:
        for n in range(1, 11):
            assert s.run(y, {x: np.ones(n, np.float32)}) == 2.0 * n
        fn = next(p for p in s._plans.values())._flat_fns[((), (), ())]
        assert len(fn.programs()) == 4
        assert sorted(k[0][0] for k in fn.programs()) == [7, 8, 9, 10]


@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_each_traced_signature_reports_its_own_checks(policy, mode):
    """A step traced for several input signatures whose checks differ (an empty index vector makes
    no check): a failure reports with the makers of the trace that ran, whichever was traced last."""
    policy(mode=mode, background=False)
    ids = tf.placeholder(tf.int32, [None])
    offset = tf.Variable(0, name="offset")            # ids read state: the check stays in the step
    table = tf.Variable(np.arange(8.0, dtype=np.float32).reshape(4, 2), name="table")
    step = tf.assign_add(offset, tf.reduce_sum(tf.cast(tf.gather(table, ids + offset), tf.int32)) * 0 + 1)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(step, {ids: [0, 1]})
        s.run(step, {ids: np.zeros([0], np.int32)})     # traced last: no check at all
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 6 is not in \[0, 4\)"):
            s.run(step, {ids: [0, 4]})                   # offset is 2 now: [2, 6]
        assert s.run(offset) == 2
