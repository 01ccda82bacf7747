"""Random ops: distributions (large-sample statistics), TF1's seed rules, shapes, dtypes, errors.

compat_tf cannot reproduce TF's Philox streams, so the values are checked by their
statistics and by the determinism rules of TF1's random_seed.get_seed.
"""
import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.ops import random_ops


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


N = 200_000


# --------------------------------------------------------------------------------------------
# distributions
# --------------------------------------------------------------------------------------------

def test_random_normal_statistics_and_tf1_structure():
    x = tf.random_normal([N], mean=2.0, stddev=3.0, seed=1)
    assert x.op.type == "AddV2" and x.op.name == "random_normal"
    assert [op.type for op in tf.get_default_graph().get_operations()].count("RandomStandardNormal") == 1
    v = run(x)
    assert v.dtype == np.float32 and v.shape == (N,)
    assert abs(v.mean() - 2.0) < 0.05
    assert abs(v.std() - 3.0) < 0.05
    # the normal's tails exist (not a truncated or uniform draw)
    assert np.abs(v - 2.0).max() > 4 * 3.0


def test_random_normal_float64_and_tensor_mean_stddev():
    m = tf.placeholder(tf.float64, [])
    x = tf.random.normal([N], mean=m, stddev=0.5, dtype=tf.float64, seed=3)
    assert x.dtype == tf.float64
    v = run(x, {m: -1.0})
    assert v.dtype == np.float64
    assert abs(v.mean() + 1.0) < 0.01 and abs(v.std() - 0.5) < 0.01


def test_truncated_normal_bounds_and_stddev():
    x = tf.truncated_normal([N], mean=1.0, stddev=2.0, seed=2)
    assert x.op.name == "truncated_normal"
    assert x.op.inputs[0].op.inputs[0].op.type == "TruncatedNormal"
    v = run(x)
    assert np.all(np.abs(v - 1.0) <= 4.0)                   # re-drawn beyond 2 stddev
    assert np.abs(v - 1.0).max() > 3.9                      # ... but reaching the bound
    assert abs(v.mean() - 1.0) < 0.03
    np.testing.assert_allclose(v.std(), 2.0 * 0.87962566103423978, rtol=0.01)


def test_random_uniform_float_bounds_and_moments():
    x = tf.random_uniform([N], minval=-2.0, maxval=3.0, seed=4)
    assert x.op.name == "random_uniform" and x.dtype == tf.float32
    v = run(x)
    assert v.min() >= -2.0 and v.max() < 3.0
    assert v.min() < -1.99 and v.max() > 2.99
    assert abs(v.mean() - 0.5) < 0.03
    np.testing.assert_allclose(v.var(), 25 / 12, rtol=0.02)
    # default range [0, 1)
    w = run(tf.random.uniform([1000], dtype=tf.float64, seed=5))
    assert w.dtype == np.float64 and w.min() >= 0 and w.max() < 1


def test_random_uniform_int_covers_range_exclusive_max():
    x = tf.random_uniform([20000], minval=-3, maxval=4, dtype=tf.int64, seed=6)
    assert x.op.type == "RandomUniformInt" and x.dtype == tf.int64
    v = run(x)
    assert v.dtype == np.int64
    assert set(np.unique(v)) == set(range(-3, 4))
    counts = np.bincount(v + 3)
    np.testing.assert_allclose(counts / len(v), 1 / 7, atol=0.015)


def test_random_uniform_errors():
    with pytest.raises(ValueError, match="Must specify maxval for integer dtype"):
        tf.random_uniform([3], dtype=tf.int32)
    with pytest.raises(ValueError, match="Invalid dtype"):
        tf.random_uniform([3], dtype=tf.bool)
    bad = tf.random_uniform([3], minval=5, maxval=5, dtype=tf.int32)
    with pytest.raises(tf.errors.InvalidArgumentError, match="Need minval < maxval"):
        run(bad)


def test_shape_rank_and_dtype_errors():
    with pytest.raises(ValueError, match="Shape must be rank 1 but is rank 0"):
        tf.random_normal(3)
    with pytest.raises(TypeError, match="DataType int32 not in list of allowed values"):
        tf.random_normal([2], dtype=tf.int32)
    with pytest.raises(TypeError, match="DataType int32"):
        tf.truncated_normal([2], dtype=tf.int32)


def test_random_shuffle_permutes_first_dimension():
    x = tf.random_shuffle(tf.range(1000), seed=7)
    assert x.op.type == "RandomShuffle" and x.op.name == "RandomShuffle"
    rows = np.arange(30).reshape(10, 3)
    y = tf.random.shuffle(tf.constant(rows), seed=8)
    assert y.shape.as_list() == [10, 3]
    a, b = run([x, y])
    assert sorted(a) == list(range(1000)) and not np.array_equal(a, np.arange(1000))
    # rows move as wholes
    assert sorted(map(tuple, b)) == sorted(map(tuple, rows)) and not np.array_equal(b, rows)


def test_multinomial_and_categorical_frequencies():
    probs = np.array([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]])
    with np.errstate(divide="ignore"):
        logits = tf.constant(np.log(probs), tf.float32)
    m = tf.multinomial(logits, 20000, seed=9)
    c = tf.random.categorical(logits * 1.0, 5, dtype=tf.int32, seed=10)
    assert m.op.type == "Multinomial" and m.dtype == tf.int64 and m.shape.as_list() == [2, 20000]
    assert c.dtype == tf.int32 and c.shape.as_list() == [2, 5]
    mv, cv = run([m, c])
    assert mv.dtype == np.int64 and cv.dtype == np.int32
    for row in range(2):
        freq = np.bincount(mv[row], minlength=3) / mv.shape[1]
        np.testing.assert_allclose(freq, probs[row], atol=0.015)
    assert not (mv[1] == 2).any()                         # a -inf logit is never drawn


def test_random_gamma_moments_shape_and_gradient():
    alpha = tf.constant([1.0, 4.0])
    beta = tf.constant([1.0, 2.0])
    g = tf.random_gamma([N // 4], alpha, beta=beta, seed=11)
    assert g.shape.as_list() == [N // 4, 2]
    v = run(g)
    assert v.min() > 0
    np.testing.assert_allclose(v.mean(0), [1.0, 2.0], rtol=0.02)
    np.testing.assert_allclose(v.var(0), [1.0, 1.0], rtol=0.05)
    # TF1's RandomGamma gradient: d E[sample] / d alpha = 1 / beta (reparameterised samples)
    a = tf.placeholder(tf.float32, [2])
    s = tf.random_gamma([N // 4], a, beta=[1.0, 2.0], seed=12)
    grad = tf.gradients(tf.reduce_mean(s), a)[0]
    np.testing.assert_allclose(run(grad, {a: [1.0, 4.0]}), [0.5, 0.25], rtol=0.03)


def test_random_poisson_moments_and_shape():
    p = tf.random_poisson([3.0, 10.0], [N // 4], seed=13)
    assert p.op.type == "RandomPoissonV2" and p.dtype == tf.float32
    assert p.shape.as_list() == [N // 4, 2]
    q = tf.random.poisson(2.0, [5], dtype=tf.int64, seed=14)
    assert q.dtype == tf.int64
    v, w = run([p, q])
    assert np.all(v == np.round(v)) and v.min() >= 0
    np.testing.assert_allclose(v.mean(0), [3.0, 10.0], rtol=0.02)
    np.testing.assert_allclose(v.var(0), [3.0, 10.0], rtol=0.05)
    assert w.dtype == np.int64 and w.shape == (5,)


def test_random_crop_is_a_window_of_the_input():
    img = np.arange(8 * 9 * 3).reshape(8, 9, 3)
    crop = tf.random_crop(tf.constant(img), [4, 5, 3], seed=15)
    assert crop.shape.as_list() == [4, 5, 3]
    with tf.Session() as s:
        seen = set()
        for _ in range(8):
            out = s.run(crop)
            i, j = np.argwhere(img[..., 0] == out[0, 0, 0])[0]
            np.testing.assert_array_equal(out, img[i:i + 4, j:j + 5, :])
            seen.add((i, j))
    assert len(seen) > 1                                   # the offset changes between runs


# --------------------------------------------------------------------------------------------
# shapes
# --------------------------------------------------------------------------------------------

def test_static_and_partial_shapes():
    x = tf.placeholder(tf.float32, [None, 3])
    a = tf.random_normal(tf.shape(x), seed=1)
    b = tf.random_uniform([tf.shape(x)[0], 5], seed=2)
    c = tf.truncated_normal(tf.TensorShape([2, 4]), seed=3)
    d = tf.random_uniform(tf.placeholder(tf.int32, [None]))
    e = tf.random_normal([], seed=4)
    assert a.shape.as_list() == [None, 3]
    assert b.shape.as_list() == [None, 5]
    assert c.shape.as_list() == [2, 4]
    assert d.shape.ndims is None
    assert e.shape.as_list() == []
    av, bv, ev = run([a, b, e], {x: np.zeros((6, 3), np.float32)})
    assert av.shape == (6, 3) and bv.shape == (6, 5) and ev.shape == ()


def test_float16_and_empty_shapes():
    h = tf.random_normal([4, 0], dtype=tf.float16, seed=1)
    u = tf.random_uniform([3], dtype=tf.float16, seed=2)
    hv, uv = run([h, u])
    assert hv.dtype == np.float16 and hv.shape == (4, 0)
    assert uv.dtype == np.float16 and (uv >= 0).all() and (uv < 1).all()


# --------------------------------------------------------------------------------------------
# seeds (TF1's random_seed.get_seed)
# --------------------------------------------------------------------------------------------

def test_get_seed_rules(graph):
    assert tf.get_seed(None) == (None, None)
    assert tf.random.get_seed(5) == (random_ops.DEFAULT_GRAPH_SEED, 5)
    tf.set_random_seed(42)
    assert graph.seed == 42
    tf.constant(1.0)
    assert tf.get_seed(None) == (42, graph._last_id)
    assert tf.get_seed(7) == (42, 7)
    assert tf.get_seed(2**31 + 5) == (42, (2**31 + 5) % (2**31 - 1))   # truncated to 31 bits
    tf.random.set_random_seed(0)
    assert tf.get_seed(0) == (0, 2**31 - 1)                 # (0, 0) means "random" to the kernels


def test_seed_attrs_on_ops(graph):
    a = tf.random_uniform([2], seed=3)
    rnd = a.op.inputs[0].op.inputs[0].op
    assert rnd.type == "RandomUniform"
    assert (rnd.get_attr("seed"), rnd.get_attr("seed2")) == (87654321, 3)
    b = tf.random_shuffle([1, 2, 3])
    assert (b.op.get_attr("seed"), b.op.get_attr("seed2")) == (0, 0)    # unseeded, as TF's GraphDef
    graph.seed = 9
    c = tf.random_shuffle([1, 2, 3])
    assert c.op.get_attr("seed") == 9 and c.op.get_attr("seed2") > 0


def _build_seeded(graph_seed, op_seed):
    g = tf.Graph()
    with g.as_default():
        if graph_seed is not None:
            tf.set_random_seed(graph_seed)
        a = tf.random_normal([5], seed=op_seed)
        b = tf.random_uniform([5], seed=op_seed)
    return g, [a, b]


@pytest.mark.parametrize("graph_seed,op_seed", [(1, None), (None, 2), (3, 4)])
def test_seeded_graphs_repeat_across_sessions_and_rebuilds(graph_seed, op_seed):
    g1, t1 = _build_seeded(graph_seed, op_seed)
    g2, t2 = _build_seeded(graph_seed, op_seed)
    with tf.Session(graph=g1) as s:
        first = [s.run(t1) for _ in range(2)]
    with tf.Session(graph=g1) as s:
        again = [s.run(t1) for _ in range(2)]
    with tf.Session(graph=g2) as s:
        rebuilt = [s.run(t2) for _ in range(2)]
    for run_a, run_b, run_c in zip(first, again, rebuilt):
        for x, y, z in zip(run_a, run_b, run_c):
            np.testing.assert_array_equal(x, y)
            np.testing.assert_array_equal(x, z)
    # each run gives new numbers, as TF1's stateful kernels
    assert not np.array_equal(first[0][0], first[1][0])


def test_different_seeds_give_different_values():
    g1, t1 = _build_seeded(1, 5)
    g2, t2 = _build_seeded(1, 6)
    g3, t3 = _build_seeded(2, 5)
    vals = []
    for g, t in ((g1, t1), (g2, t2), (g3, t3)):
        with tf.Session(graph=g) as s:
            vals.append(s.run(t[0]))
    assert not np.array_equal(vals[0], vals[1]) and not np.array_equal(vals[0], vals[2])


def test_graph_seed_only_gives_each_op_its_own_stream():
    tf.set_random_seed(123)
    a = tf.random_normal([100])
    b = tf.random_normal([100])
    av, bv = run([a, b])
    assert not np.array_equal(av, bv)


def test_same_op_seed_without_graph_seed_repeats_between_ops():
    # both ops get (DEFAULT_GRAPH_SEED, 7): TF1 gives them the same numbers
    a = tf.random_uniform([50], seed=7)
    b = tf.random_uniform([50], seed=7)
    av, bv = run([a, b])
    np.testing.assert_array_equal(av, bv)


def test_unseeded_ops_are_nondeterministic():
    def build():
        g = tf.Graph()
        with g.as_default():
            return g, tf.random_normal([100]), tf.random_normal([100])
    g1, a1, b1 = build()
    g2, a2, _ = build()
    with tf.Session(graph=g1) as s:
        va, vb = s.run([a1, b1])
    with tf.Session(graph=g2) as s:
        va2 = s.run(a2)
    assert not np.array_equal(va, vb)          # two unseeded ops differ
    assert not np.array_equal(va, va2)         # identical graphs built twice differ


def test_gradient_sees_the_forward_pass_numbers():
    m = tf.placeholder(tf.float32, [])
    sd = tf.placeholder(tf.float32, [])
    r = tf.random_normal([1000], mean=m, stddev=sd)
    y = tf.reduce_sum(r * r)
    gm, gs = tf.gradients(y, [m, sd])
    rv, gmv, gsv = run([r, gm, gs], {m: 0.5, sd: 2.0})
    z = (rv - 0.5) / 2.0
    np.testing.assert_allclose(gmv, np.sum(2 * rv), rtol=1e-4)
    np.testing.assert_allclose(gsv, np.sum(2 * rv * z), rtol=1e-4)


# --------------------------------------------------------------------------------------------
# stateless ops
# --------------------------------------------------------------------------------------------

def test_stateless_ops_are_functions_of_the_seed():
    seed = tf.placeholder(tf.int64, [2])
    n = tf.random.stateless_normal([N // 4], seed=seed)
    u = tf.random.stateless_uniform([1000], seed=seed, minval=-1.0, maxval=1.0)
    t = tf.random.stateless_truncated_normal([1000], seed=seed)
    i = tf.random.stateless_uniform([1000], seed=seed, minval=0, maxval=10, dtype=tf.int32)
    c = tf.random.stateless_categorical([[0.0, 0.0, 0.0]], 500, seed=seed)
    assert n.shape.as_list() == [N // 4] and i.dtype == tf.int32 and c.dtype == tf.int64
    with tf.Session() as s:
        first = s.run([n, u, t, i, c], {seed: [1, 2]})
        again = s.run([n, u, t, i, c], {seed: [1, 2]})
        other = s.run([n, u, t, i, c], {seed: [1, 3]})
    for x, y, z in zip(first, again, other):
        np.testing.assert_array_equal(x, y)
        assert not np.array_equal(x, z)
    nv, uv, tv, iv, cv = first
    assert abs(nv.mean()) < 0.01 and abs(nv.std() - 1) < 0.01
    assert uv.min() >= -1 and uv.max() < 1
    assert np.abs(tv).max() <= 2
    assert set(np.unique(iv)) == set(range(10))
    assert set(np.unique(cv)) == {0, 1, 2}
