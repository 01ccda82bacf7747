"""Statically unrolled loops rolled into lax.scan (compat_tf/_src/runtime/reroll.py).

The rolled and the unrolled evaluation of the same graph must give the same values, gradients and
training trajectory; the rolled step's program must not grow with the number of steps; and what
does not repeat exactly (different attrs, a block reading two steps back) is left unrolled.
"""
import numpy as np
import pytest

import compat_tf as tf
from _jaxprs import walk as _walk
from compat_tf._src.runtime import reroll


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def unrolled(monkeypatch):
    def off():
        monkeypatch.setattr(reroll, "ENABLED", False)
        reroll._found.clear()
    return off


def _static_lstm(steps, layers=2, units=16, vocab=11, batch=4, seed=0):
    tf.set_random_seed(seed)
    cell = tf.nn.rnn_cell.MultiRNNCell([tf.nn.rnn_cell.BasicLSTMCell(units) for _ in range(layers)])
    ids = tf.placeholder(tf.int32, [batch, steps])
    targets = tf.placeholder(tf.int32, [batch, steps])
    state = cell.zero_state(batch, tf.float32)
    emb = tf.get_variable("emb", [vocab, units])
    inputs = [tf.squeeze(x, [1]) for x in tf.split(tf.nn.embedding_lookup(emb, ids), steps, 1)]
    outputs = []
    with tf.variable_scope("rnn"):
        for t, x in enumerate(inputs):
            if t > 0:
                tf.get_variable_scope().reuse_variables()
            out, state = cell(x, state)
            outputs.append(out)
    w = tf.get_variable("w", [units, vocab])
    logits = tf.matmul(tf.reshape(tf.concat(outputs, 1), [-1, units]), w)
    loss = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.reshape(targets, [-1]),
                                                                         logits=logits))
    tvars = tf.trainable_variables()
    grads, _ = tf.clip_by_global_norm(tf.gradients(loss, tvars), 5.0)
    train = tf.train.AdamOptimizer(0.01).apply_gradients(zip(grads, tvars))
    return ids, targets, loss, train, state, tvars


def _train(steps, n_runs=4):
    ids, targets, loss, train, state, tvars = _static_lstm(steps)
    rs = np.random.RandomState(1)
    losses = []
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(n_runs):
            feed = {ids: rs.randint(0, 11, (4, steps)), targets: rs.randint(0, 11, (4, steps))}
            losses.append(s.run([loss, train], feed)[0])
        last = s.run(state[-1].h, feed)
        return np.array(losses), s.run(tvars), last, s


def _program(sess, op):
    plan = next(p for p in sess._plans.values() if op in p.ops)
    prog = next(iter(plan._layout.fn._programs.values()))
    return prog


@pytest.mark.parametrize("mode", ["interpret", "compile"])
def test_rolled_and_unrolled_training_agree(policy, unrolled, mode):
    policy(mode=mode)
    l1, w1, h1, _ = _train(12)
    unrolled()
    with tf.Graph().as_default():
        l2, w2, h2, _ = _train(12)
    np.testing.assert_allclose(l1, l2, rtol=1e-5)
    for a, b in zip(w1, w2):
        np.testing.assert_allclose(a, b, rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(h1, h2, rtol=1e-4, atol=1e-6)


def test_the_rolled_program_does_not_grow_with_the_steps(policy):
    policy(mode="interpret")
    sizes = {}
    for steps in (8, 32):
        with tf.Graph().as_default():
            ids, targets, loss, train, _, _ = _static_lstm(steps)
            with tf.Session() as s:
                s.run(tf.global_variables_initializer())
                s.run(train, {ids: np.zeros((4, steps), np.int32), targets: np.zeros((4, steps), np.int32)})
                prog = _program(s, train)
                sizes[steps] = _count_scans(prog.traced.jaxpr.jaxpr), _cell_matmuls(prog.traced.jaxpr.jaxpr)
    # the cells are in scans (forward and backward), the same few dot products whatever the length
    assert sizes[8][0] >= 2 and sizes[32][0] >= 2
    assert sizes[8][1] == sizes[32][1]


def _count_scans(jaxpr):
    return sum(1 for e in _walk(jaxpr) if e.primitive.name == "scan")


def _cell_matmuls(jaxpr):
    return sum(1 for e in _walk(jaxpr) if e.primitive.name == "dot_general")


def test_find_covers_the_repeated_blocks_and_classifies_inputs(monkeypatch):
    monkeypatch.setattr(reroll, "MIN_OPS", 8)
    x = tf.placeholder(tf.float32, [3])
    w = tf.constant([0.5, 1.0, 2.0])
    xs = tf.unstack(tf.reshape(tf.range(24.0), [8, 3]))
    h = x
    outs = []
    for t in range(8):
        h = tf.tanh(h * w + xs[t]) + 1.0       # carry h, invariant w, per-step xs[t], constant 1.0
        outs.append(h)
    total = tf.add_n(outs)
    ops = tf.get_default_graph().get_operations()
    from compat_tf._src.runtime import plan as _plan
    order = _plan.prune([total], [], {x})
    region = reroll.find(order, [total])
    assert region is not None and region.n >= 7
    kinds = {kind[0] for slots in region.slots for kind in slots}
    assert {"carry", "inv", "xs", "int"} <= kinds
    with tf.Session() as s:
        v = np.array([0.1, -0.2, 0.3], np.float32)
        want = v
        acc = np.zeros(3, np.float32)
        rows = np.arange(24.0, dtype=np.float32).reshape(8, 3)
        for t in range(8):
            want = np.tanh(want * [0.5, 1.0, 2.0] + rows[t]) + 1.0
            acc = acc + want
        np.testing.assert_allclose(s.run(total, {x: v}), acc, rtol=1e-5)
    assert len(ops) > 8


def test_blocks_reading_two_steps_back_are_left_unrolled(monkeypatch):
    monkeypatch.setattr(reroll, "MIN_OPS", 8)
    a = tf.placeholder(tf.float32, [2])
    vals = [a, a * 2.0]
    for t in range(10):
        vals.append(tf.sin(vals[-1]) + tf.cos(vals[-2]) * 0.5)    # a Fibonacci-like recurrence
    out = vals[-1]
    from compat_tf._src.runtime import plan as _plan
    order = _plan.prune([out], [], {a})
    region = reroll.find(order, [out])
    # a step reads the two steps before it: one step is no block of a loop, two steps are
    assert region is not None and [op.type for op in region.template].count("Sin") == 2
    with tf.Session() as s:
        v = np.array([0.3, -0.4], np.float32)
        vs = [v, v * 2]
        for t in range(10):
            vs.append(np.sin(vs[-1]) + np.cos(vs[-2]) * 0.5)
        np.testing.assert_allclose(s.run(out, {a: v}), vs[-1], rtol=1e-5)


def test_blocks_of_reshapes_alone_are_not_rolled():
    """The per-step inputs' squeezes of a split (tf.split + tf.squeeze over 50 steps) repeat too, but
    a scan of them is a loop of copies; the cell blocks after them are still rolled."""
    steps = 50
    x = tf.placeholder(tf.float32, [4, steps, 3])
    pieces = [tf.squeeze(p, [1]) for p in tf.split(x, steps, 1)]
    from compat_tf._src.runtime import plan as _plan
    total = tf.add_n(pieces)
    order = _plan.prune([total], [], {x})
    assert reroll.regions(order, [total]) == []
    w = tf.constant(np.full([3, 3], 0.1, np.float32))
    h = tf.zeros([4, 3])
    for p in pieces:
        h = tf.tanh(tf.matmul(h, w) + p)
    order = _plan.prune([h], [], {x})
    found = reroll.regions(order, [h])
    assert len(found) == 1 and any(op.type == "MatMul" for op in found[0].template)
    xs = np.random.RandomState(0).randn(4, steps, 3).astype(np.float32)
    want = np.zeros((4, 3), np.float32)
    for t in range(steps):
        want = np.tanh(want @ np.full([3, 3], 0.1, np.float32) + xs[:, t])
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(h, {x: xs}), want, rtol=1e-5, atol=1e-6)
