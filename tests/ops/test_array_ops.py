"""Array-manipulation ops against NumPy: values, TF1 op types/names, static shapes, errors, gradients."""

import numpy as np
import pytest

import compat_tf as tf

needs_gradients = pytest.mark.skipif(not hasattr(tf, "gradients"), reason="tf.gradients not available yet")


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None):
    with tf.Session() as s:
        return s.run(fetches, feed)


def numeric_vjp(np_fn, x, w, eps=1e-6):
    """d/dx sum(w * np_fn(x)) by central differences (float64)."""
    g = np.zeros_like(x)
    for i in np.ndindex(*x.shape):
        xp, xm = x.copy(), x.copy()
        xp[i] += eps
        xm[i] -= eps
        g[i] = (np.sum(w * np_fn(xp)) - np.sum(w * np_fn(xm))) / (2 * eps)
    return g


def check_grad(tf_fn, np_fn, x_val, seed=0, rtol=1e-6, atol=1e-8):
    """tf.gradients of sum(w * tf_fn(x)) against finite differences of the NumPy reference."""
    x = tf.constant(x_val)
    y = tf_fn(x)
    w = np.random.RandomState(seed).randn(*np_fn(x_val).shape)
    g = tf.gradients(y, x, grad_ys=tf.constant(w))[0]
    got_y, got_g = run([y, g])
    np.testing.assert_allclose(got_y, np_fn(x_val), rtol=1e-12)
    np.testing.assert_allclose(got_g, numeric_vjp(np_fn, x_val, w), rtol=rtol, atol=atol)


RS = np.random.RandomState(42)


# --------------------------------------------------------------------------------------------
# shape queries
# --------------------------------------------------------------------------------------------


def test_shape_size_rank_are_consts_when_static_and_ops_otherwise():
    a = tf.zeros([2, 3])
    p = tf.placeholder(tf.float32, [None, 3])
    assert [t.op.type for t in (tf.shape(a), tf.size(a), tf.rank(a))] == ["Const"] * 3
    assert [t.op.type for t in (tf.shape(p), tf.size(p))] == ["Shape", "Size"]
    assert tf.rank(tf.placeholder(tf.float32)).op.type == "Rank"
    assert tf.shape(p).dtype == tf.int32 and tf.shape(p, out_type=tf.int64).dtype == tf.int64
    pv = np.ones((5, 3), np.float32)
    s, n, r = run([tf.shape(p), tf.size(p), tf.rank(p)], {p: pv})
    assert list(s) == [5, 3] and n == 15 and r == 2
    sn = tf.shape_n([a, p])
    assert sn[0].op.type == "ShapeN"
    np.testing.assert_array_equal(run(sn[1], {p: pv}), [5, 3])


# --------------------------------------------------------------------------------------------
# concat / split
# --------------------------------------------------------------------------------------------


def test_concat_values_op_type_and_default_name():
    a, b = RS.randn(2, 3), RS.randn(2, 2)
    c = tf.concat([tf.constant(a), tf.constant(b)], 1)
    assert c.op.type == "ConcatV2" and c.op.name == "concat"
    np.testing.assert_array_equal(run(c), np.concatenate([a, b], 1))
    np.testing.assert_array_equal(run(tf.concat([a, a], -2)), np.concatenate([a, a], 0))


def test_concat_static_shapes_follow_tf1_shape_function():
    x = tf.placeholder(tf.float32, [None, 2])
    y = tf.placeholder(tf.float32, [None, 3])
    assert tf.concat([x, y], 1).shape.as_list() == [None, 5]
    assert tf.concat([x, tf.zeros([4, 2])], 0).shape.as_list() == [None, 2]
    z = tf.placeholder(tf.float32, [None, 10])
    assert tf.concat([z, tf.zeros([32, 5])], 1).shape.as_list() == [32, 15]
    with pytest.raises(ValueError, match="Dimension 0 in both shapes must be equal"):
        tf.concat([tf.zeros([2, 3]), tf.zeros([3, 3])], 1)
    with pytest.raises(TypeError, match="don't all match"):
        tf.concat([tf.zeros([2]), tf.zeros([2], tf.int32)], 0)
    with pytest.raises(ValueError, match="scalars"):
        tf.concat([tf.constant(1.0), tf.constant(2.0)], 0)


def test_concat_single_value_is_identity_and_runtime_mismatch_raises():
    x = tf.constant([1.0, 2.0])
    c = tf.concat([x], 0)
    assert c.op.type == "Identity" and c.op.name == "concat/concat"  # TF 1.15's degenerate case
    np.testing.assert_array_equal(run(c), [1.0, 2.0])
    p = tf.placeholder(tf.float32, [None, None])
    q = tf.placeholder(tf.float32, [None, None])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Dimensions of inputs should match"):
        run(tf.concat([p, q], 0), {p: np.ones((1, 2)), q: np.ones((1, 3))})


@needs_gradients
def test_concat_gradient():
    check_grad(
        lambda t: tf.concat([t, 2.0 * t[:, :1]], 1),
        lambda v: np.concatenate([v, 2.0 * v[:, :1]], 1),
        RS.randn(3, 2),
    )


def test_split_num_and_sizes_with_minus_one():
    v = np.arange(24.0).reshape(4, 6)
    parts = tf.split(tf.constant(v), 3, axis=1)
    assert len(parts) == 3 and parts[0].op.type == "Split" and parts[0].shape.as_list() == [4, 2]
    for got, want in zip(run(parts), np.split(v, 3, axis=1)):
        np.testing.assert_array_equal(got, want)
    sv = tf.split(tf.constant(v), [1, -1, 2], 1)
    assert sv[0].op.type == "SplitV" and [t.shape.as_list() for t in sv] == [[4, 1], [4, 3], [4, 2]]
    for got, want in zip(run(sv), np.split(v, [1, 4], axis=1)):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="evenly divisible by 4"):
        tf.split(tf.constant(v), 4, axis=1)
    with pytest.raises(ValueError, match="Rank-0"):
        tf.split(tf.constant(v), tf.constant(2), axis=1)


def test_split_unknown_dim_and_runtime_error():
    p = tf.placeholder(tf.float32, [None, 4])
    a, b = tf.split(p, 2, axis=0)
    assert a.shape.as_list() == [None, 4]
    ra, rb = run([a, b], {p: np.arange(16.0).reshape(4, 4)})
    np.testing.assert_array_equal(rb, np.arange(8.0, 16.0).reshape(2, 4))
    with pytest.raises(tf.errors.InvalidArgumentError, match="evenly divide"):
        run(a, {p: np.ones((3, 4))})


@needs_gradients
def test_split_gradient():
    check_grad(lambda t: tf.split(t, [2, 1], 0)[0] * 3.0, lambda v: v[:2] * 3.0, RS.randn(3, 2))


# --------------------------------------------------------------------------------------------
# expand_dims / squeeze / tile / pad / reverse
# --------------------------------------------------------------------------------------------


def test_expand_dims_axis_dim_alias_and_errors():
    x = tf.constant([[1, 2, 3]])
    e = tf.expand_dims(x, -1)
    assert e.op.type == "ExpandDims" and e.shape.as_list() == [1, 3, 1]
    assert tf.expand_dims(x, dim=0).shape.as_list() == [1, 1, 3]
    np.testing.assert_array_equal(run(tf.expand_dims(x, 1)), [[[1, 2, 3]]])
    with pytest.raises(ValueError, match="Must specify an axis"):
        tf.expand_dims(x)
    with pytest.raises(ValueError, match="both"):
        tf.expand_dims(x, 0, dim=0)
    with pytest.raises(ValueError):
        tf.expand_dims(x, 4)


def test_squeeze_shapes_alias_and_errors():
    x = tf.zeros([1, 3, 1, 2])
    assert tf.squeeze(x).shape.as_list() == [3, 2]
    assert tf.squeeze(x, [2]).shape.as_list() == [1, 3, 2]
    assert tf.squeeze(x, squeeze_dims=[0]).shape.as_list() == [3, 1, 2]
    assert tf.squeeze(x, -2).op.type == "Squeeze"
    assert tf.squeeze(tf.placeholder(tf.float32, [None, 1])).shape.ndims is None  # TF1: unknown
    assert tf.squeeze(tf.placeholder(tf.float32, [None, 1]), [1]).shape.as_list() == [None]
    with pytest.raises(ValueError, match="Can not squeeze dim\\[1\\]"):
        tf.squeeze(x, [1])
    p = tf.placeholder(tf.float32, [None, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Can not squeeze"):
        run(tf.squeeze(p, [0]), {p: np.ones((3, 2))})
    np.testing.assert_array_equal(run(tf.squeeze(p), {p: [[1.0, 2.0]]}), [1.0, 2.0])


def test_tile_values_and_gradient():
    v = np.array([[1, 2], [3, 4]])
    t = tf.tile(tf.constant(v), [2, 3])
    assert t.op.type == "Tile" and t.shape.as_list() == [4, 6]
    np.testing.assert_array_equal(run(t), np.tile(v, (2, 3)))
    assert tf.tile(tf.placeholder(tf.float32, [None, 2]), [1, 2]).shape.as_list() == [None, 4]
    with pytest.raises(ValueError):
        tf.tile(tf.constant(v), [2])
    if hasattr(tf, "gradients"):
        check_grad(lambda x: tf.tile(x, [3, 2]), lambda x: np.tile(x, (3, 2)), RS.randn(2, 3))


def test_pad_modes_values_and_op_types():
    v = np.array([[1, 2, 3], [4, 5, 6]])
    x = tf.constant(v)
    p = [[1, 1], [2, 2]]
    c0, c9 = tf.pad(x, p), tf.pad(x, p, constant_values=9)
    r, s = tf.pad(x, p, mode="reflect"), tf.pad(x, p, mode="SYMMETRIC")
    assert [t.op.type for t in (c0, c9, r, s)] == ["Pad", "PadV2", "MirrorPad", "MirrorPad"]
    assert c0.shape.as_list() == [4, 7]
    got = run([c0, c9, r, s])
    np.testing.assert_array_equal(got[0], np.pad(v, p))
    np.testing.assert_array_equal(got[1], np.pad(v, p, constant_values=9))
    np.testing.assert_array_equal(got[2], np.pad(v, p, mode="reflect"))
    np.testing.assert_array_equal(got[3], np.pad(v, p, mode="symmetric"))
    with pytest.raises(ValueError, match="Unknown padding mode"):
        tf.pad(x, p, mode="WRAP")
    with pytest.raises(tf.errors.InvalidArgumentError, match="no greater than"):
        run(tf.pad(x, [[2, 0], [0, 0]], mode="REFLECT"))


@needs_gradients
def test_pad_gradients():
    p = [[1, 2], [2, 1]]
    v = RS.randn(3, 3)
    check_grad(lambda t: tf.pad(t, p), lambda a: np.pad(a, p), v)
    check_grad(lambda t: tf.pad(t, p, constant_values=1.5), lambda a: np.pad(a, p, constant_values=1.5), v)
    check_grad(lambda t: tf.pad(t, p, "REFLECT"), lambda a: np.pad(a, p, mode="reflect"), v)
    check_grad(lambda t: tf.pad(t, p, "SYMMETRIC"), lambda a: np.pad(a, p, mode="symmetric"), v)


def test_reverse_and_reverse_sequence():
    v = np.arange(24).reshape(2, 3, 4)
    r = tf.reverse(tf.constant(v), [0, -1])
    assert r.op.type == "ReverseV2"
    np.testing.assert_array_equal(run(r), v[::-1, :, ::-1])
    np.testing.assert_array_equal(run(tf.reverse_v2(v, [1])), v[:, ::-1])
    lens = np.array([2, 4])
    rs = tf.reverse_sequence(tf.constant(v), lens, seq_axis=2, batch_axis=0)
    assert rs.op.type == "ReverseSequence"
    want = v.copy()
    for b, n in enumerate(lens):
        want[b, :, :n] = v[b, :, :n][:, ::-1]
    np.testing.assert_array_equal(run(rs), want)
    np.testing.assert_array_equal(
        run(tf.reverse_sequence(v, [3, 1, 2], seq_dim=2, batch_dim=1))[0, 0], [2, 1, 0, 3]
    )
    with pytest.raises(tf.errors.InvalidArgumentError, match="axis 0 specified more than once"):
        run(tf.reverse(tf.constant(v), [0, -3]))


@needs_gradients
def test_reverse_sequence_gradient():
    lens = [3, 1]

    def ref(a):
        out = a.copy()
        for b, n in enumerate(lens):
            out[:n, b] = a[:n, b][::-1]
        return out

    check_grad(lambda t: tf.reverse_sequence(t, lens, seq_axis=0, batch_axis=1), ref, RS.randn(4, 2, 2))


# --------------------------------------------------------------------------------------------
# fill / zeros / ones
# --------------------------------------------------------------------------------------------


def test_zeros_ones_consts_when_small_fill_when_large_and_dtypes():
    z = tf.zeros([2, 3])
    assert z.op.type == "Const" and z.op.name == "zeros" and z.dtype == tf.float32
    big = tf.ones([10, 100], tf.int32)
    assert big.op.type == "Fill" and big.op.name == "ones" and big.shape.as_list() == [10, 100]
    assert tf.zeros([2], tf.bool).dtype == tf.bool
    p = tf.placeholder(tf.float32, [None, 5])
    zd = tf.zeros([tf.shape(p)[0], 3], tf.int64)
    assert zd.op.type == "Fill" and zd.shape.as_list() == [None, 3] and zd.dtype == tf.int64
    got = run([z, big, zd], {p: np.ones((4, 5))})
    np.testing.assert_array_equal(got[0], np.zeros((2, 3)))
    assert got[1].dtype == np.int32 and got[1].sum() == 1000
    assert got[2].shape == (4, 3) and got[2].dtype == np.int64


def test_fill_values_shape_and_scalar_check():
    f = tf.fill([2, 3], 7)
    assert f.op.type == "Fill" and f.dtype == tf.int32 and f.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(f), np.full((2, 3), 7))
    p = tf.placeholder(tf.float32, [None, 2])
    assert tf.fill(tf.shape(p), 0.5).shape.as_list() == [None, 2]
    with pytest.raises(ValueError, match="rank 0"):
        tf.fill([2], [1.0, 2.0])


def test_zeros_like_ones_like_optimize_and_dtype():
    small = tf.constant([[1, 2, 3], [4, 5, 6]])
    zl, ol = tf.zeros_like(small), tf.ones_like(small, dtype=tf.float32)
    assert zl.dtype == tf.int32 and zl.op.type == "Const" and zl.op.name == "zeros_like"
    assert ol.dtype == tf.float32 and ol.shape.as_list() == [2, 3]
    p = tf.placeholder(tf.float32, [None, 2])
    zp, op_ = tf.zeros_like(p), tf.ones_like(p)
    assert zp.op.type == "ZerosLike" and zp.shape.as_list() == [None, 2]
    assert op_.shape.as_list() == [None, 2]
    assert tf.zeros_like(p, dtype=tf.int32).dtype == tf.int32
    got = run([zl, ol, zp, op_], {p: np.full((3, 2), 5.0)})
    np.testing.assert_array_equal(got[0], np.zeros((2, 3)))
    np.testing.assert_array_equal(got[1], np.ones((2, 3)))
    np.testing.assert_array_equal(got[2], np.zeros((3, 2)))
    np.testing.assert_array_equal(got[3], np.ones((3, 2)))


# --------------------------------------------------------------------------------------------
# slicing
# --------------------------------------------------------------------------------------------


def test_slice_values_minus_one_and_errors():
    v = np.arange(24.0).reshape(4, 6)
    s = tf.slice(tf.constant(v), [1, 2], [2, -1])
    assert s.op.type == "Slice" and s.shape.as_list() == [2, 4]
    np.testing.assert_array_equal(run(s), v[1:3, 2:])
    with pytest.raises(tf.errors.InvalidArgumentError, match="Expected size"):
        run(tf.slice(tf.constant(v), [3, 0], [2, 1]))


def test_slice_with_runtime_begin_uses_dynamic_slice():
    v = np.arange(24.0).reshape(4, 6)
    i = tf.placeholder(tf.int32, [])
    s = tf.slice(tf.constant(v), tf.stack([i, 1]), [2, 3])
    assert s.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(s, {i: 1}), v[1:3, 1:4])


@pytest.mark.parametrize("shape, index, want", [       # static shapes as TF 2.21's compat.v1 infers them
    ([None], np.s_[:3], [None]), ([None], np.s_[1:], [None]), ([None], np.s_[-2:], [None]),
    ([None], np.s_[0], []), ([None, 5, None], np.s_[:3, 1:3, 0], [None, 2]),
    ([None, 5, None], np.s_[..., :2], [None, 5, None]), ([None, 5, None], np.s_[None, 1, ..., 2:4], [1, 5, None]),
    ([None, 5, None], np.s_[:, None, :4], [None, 1, 4, None]), ([7, None], np.s_[:3, :3], [3, None]),
])
def test_strided_slice_of_an_unknown_dimension_is_unknown(shape, index, want):
    """TF's shape function: a dimension sliced out of an unknown one is unknown (x[:3] of n elements
    has min(n, 3)); probing with large sizes saw 3 (tensorflow/nmt's src[:src_max_len] then failed
    in a dataset map for every shorter sentence)."""
    x = tf.placeholder(tf.float32, shape)
    y = x[index]
    assert y.shape.as_list() == want
    if shape == [None]:
        assert run(y, {x: np.arange(2.)}).shape == np.arange(2.)[index].shape


def test_strided_slice_with_runtime_index():
    v = np.arange(24.0).reshape(4, 6)
    x = tf.constant(v)
    i = tf.placeholder(tf.int32, [])
    a, b, c = x[i], x[1:3, i], x[i, ::-2]
    assert a.shape.as_list() == [6] and b.shape.as_list() == [2] and c.shape.as_list() == [3]
    ra, rb, rc = run([a, b, c], {i: 2})
    np.testing.assert_array_equal(ra, v[2])
    np.testing.assert_array_equal(rb, v[1:3, 2])
    np.testing.assert_array_equal(rc, v[2, ::-2])
    with pytest.raises(ValueError, match="out of bounds"):
        x[4]
    if hasattr(tf, "gradients"):
        g = tf.gradients(x[i] * 2.0, x)[0]
        want = np.zeros_like(v)
        want[3] = 2.0
        np.testing.assert_array_equal(run(g, {i: 3}), want)


# --------------------------------------------------------------------------------------------
# masks and selection
# --------------------------------------------------------------------------------------------


def test_sequence_mask_static_and_runtime_maxlen():
    m = tf.sequence_mask([1, 3, 2], 5)
    assert m.dtype == tf.bool and m.shape.as_list() == [3, 5]
    np.testing.assert_array_equal(run(m), np.arange(5) < np.array([[1], [3], [2]]))
    mf = tf.sequence_mask(tf.constant([[2, 0]]), dtype=tf.float32)
    assert mf.dtype == tf.float32 and mf.shape.as_list() == [1, 2, 2]
    np.testing.assert_array_equal(run(mf), [[[1.0, 1.0], [0.0, 0.0]]])
    lens = tf.placeholder(tf.int32, [None])
    md = tf.sequence_mask(lens)
    assert md.shape.as_list() == [None, None]
    np.testing.assert_array_equal(run(md, {lens: [1, 4]}), np.arange(4) < np.array([[1], [4]]))
    with pytest.raises(ValueError, match="maxlen must be scalar"):
        tf.sequence_mask([1], [2, 3])


def test_where_one_argument_gives_int64_coordinates_on_host():
    c = np.array([[True, False], [False, True], [True, True]])
    w = tf.where(tf.constant(c))
    assert w.op.type == "Where" and w.dtype == tf.int64 and w.shape.as_list() == [None, 2]
    np.testing.assert_array_equal(run(w), np.argwhere(c))
    p = tf.placeholder(tf.float32, [None])
    np.testing.assert_array_equal(run(tf.where(p), {p: [0.0, 2.0, 0.0, -1.0]}), [[1], [3]])


def test_where_select_tf1_broadcasting_rule():
    fa = np.array([[1.5, -2.0, 3.0], [0.25, 4.0, -0.5]])
    fb = np.array([[2.0, 3.0, -1.5], [0.5, -3.0, 2.0]])
    rows = tf.where([True, False], fa, fb)
    assert rows.op.type == "Select" and rows.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(rows), [fa[0], fb[1]])
    elem = tf.where(fa > fb, fa, fb)
    np.testing.assert_array_equal(run(elem), np.maximum(fa, fb))
    np.testing.assert_array_equal(run(tf.where(True, fa, fb)), fa)
    with pytest.raises(ValueError):
        tf.where([True, False, True], fa, fb)  # vector must match the first dimension
    with pytest.raises(ValueError):
        tf.where(tf.zeros([3], tf.bool), tf.zeros([3]), tf.zeros([4]))
    with pytest.raises(ValueError, match="both be non-None"):
        tf.where(True, fa)
    wv2 = tf.where_v2([True, False, True], 1.0, tf.zeros([2, 3]))
    assert wv2.op.type == "SelectV2" and wv2.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(wv2), [[1.0, 0.0, 1.0]] * 2)


@needs_gradients
def test_select_gradient_routes_to_chosen_branch():
    x = tf.constant([1.0, 2.0, 3.0])
    y = tf.constant([10.0, 20.0, 30.0])
    out = tf.where([True, False, True], x * x, y * 2.0)
    gx, gy = run(tf.gradients(out, [x, y]))
    np.testing.assert_allclose(gx, [2.0, 0.0, 6.0])
    np.testing.assert_allclose(gy, [0.0, 2.0, 0.0])


def test_boolean_mask_values_axis_and_fed_mask():
    arr = np.arange(24.0).reshape(4, 6)
    bm = tf.boolean_mask(tf.constant(arr), [False, True, False, True])
    assert bm.shape.as_list() == [None, 6] and bm.op.type == "GatherV2"
    np.testing.assert_array_equal(run(bm), arr[[1, 3]])
    c2 = np.array([[True, False], [False, True], [True, True]])
    np.testing.assert_array_equal(
        run(tf.boolean_mask(tf.constant([[1, 2], [3, 4], [5, 6]]), c2)), [1, 4, 5, 6]
    )
    ax1 = tf.boolean_mask(tf.constant(arr), [True, False, False, False, True, True], axis=1)
    np.testing.assert_array_equal(run(ax1), arr[:, [0, 4, 5]])
    m = tf.placeholder(tf.bool, [None])
    x = tf.placeholder(tf.float32, [None, 2])
    np.testing.assert_array_equal(
        run(tf.boolean_mask(x, m), {m: [True, False, True], x: arr[:3, :2]}), arr[[0, 2], :2]
    )
    np.testing.assert_array_equal(run(tf.constant(arr)[tf.constant(arr) > 20.0]), [21.0, 22.0, 23.0])
    with pytest.raises(ValueError, match="mask cannot be scalar"):
        tf.boolean_mask(tf.constant(arr), True)
    with pytest.raises(ValueError, match="incompatible"):
        tf.boolean_mask(tf.constant(arr), [True, False])


@needs_gradients
def test_boolean_mask_gradient_reaches_masked_tensor():
    v = tf.placeholder(tf.float32, [None])
    masked = tf.boolean_mask(v, v > 0.0)
    g = tf.gradients(masked * masked, v)[0]
    got_m, got_g = run([masked, g], {v: [1.0, -2.0, 3.0, 0.5]})
    np.testing.assert_allclose(got_m, [1.0, 3.0, 0.5])
    np.testing.assert_allclose(got_g, [2.0, 0.0, 6.0, 1.0])


def test_one_hot_defaults_axis_on_off_and_dtype_errors():
    oh = tf.one_hot([0, 2, -1, 3], depth=4)
    assert oh.op.type == "OneHot" and oh.op.name == "one_hot" and oh.dtype == tf.float32
    np.testing.assert_array_equal(
        run(oh), np.eye(4)[[0, 2, 3]][[0, 1]].tolist() + [[0, 0, 0, 0], [0, 0, 0, 1]]
    )
    np.testing.assert_array_equal(
        run(tf.one_hot([1, 0], 3, on_value=5.0, off_value=-1.0)), [[-1, 5, -1], [5, -1, -1]]
    )
    a0 = tf.one_hot([[1, 2]], 3, axis=1)
    assert a0.shape.as_list() == [1, 3, 2]
    np.testing.assert_array_equal(run(a0)[0], np.eye(3)[[1, 2]].T)
    assert tf.one_hot([0], 2, dtype=tf.int64).dtype == tf.int64
    assert tf.one_hot([0], 2, on_value=True, off_value=False).dtype == tf.bool
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([0], 2, on_value=1, dtype=tf.float32)
    with pytest.raises(TypeError, match="does not match"):
        tf.one_hot([0], 2, on_value=1.0, off_value=0)


def test_unique_and_setdiff1d_on_host():
    u = tf.unique(tf.constant([4, 1, 4, 2, 1, 7, 7, 7]))
    assert u.y.shape.as_list() == [None] and u.idx.shape.as_list() == [8] and u.idx.dtype == tf.int32
    y, idx = run([u.y, u.idx])
    np.testing.assert_array_equal(y, [4, 1, 2, 7])
    np.testing.assert_array_equal(idx, [0, 1, 0, 2, 1, 3, 3, 3])
    uc = tf.unique_with_counts(tf.constant(["b", "a", "b"]), out_idx=tf.int64)
    y, idx, cnt = run(list(uc))
    assert list(y) == [b"b", b"a"] and idx.dtype == np.int64 and list(cnt) == [2, 1]
    d = tf.setdiff1d([1, 2, 3, 4, 5], [2, 4])
    out, ix = run(list(d))
    np.testing.assert_array_equal(out, [1, 3, 5])
    np.testing.assert_array_equal(ix, [0, 2, 4])
    with pytest.raises(ValueError, match="rank 1"):
        tf.unique(tf.zeros([2, 2]))


# --------------------------------------------------------------------------------------------
# diagonals and eye
# --------------------------------------------------------------------------------------------


def test_eye_square_rectangular_batch_dtype():
    e = tf.eye(3)
    e23 = tf.eye(2, 3)
    eb = tf.eye(2, batch_shape=[3], dtype=tf.int32)
    assert e.shape.as_list() == [3, 3] and e23.shape.as_list() == [2, 3] and eb.shape.as_list() == [3, 2, 2]
    assert eb.dtype == tf.int32
    got = run([e, e23, eb])
    np.testing.assert_array_equal(got[0], np.eye(3))
    np.testing.assert_array_equal(got[1], np.eye(2, 3))
    np.testing.assert_array_equal(got[2], np.broadcast_to(np.eye(2), (3, 2, 2)))


def test_matrix_diag_part_set_diag_band_part():
    m = np.arange(24.0).reshape(2, 3, 4)
    d = tf.matrix_diag(tf.constant([[1.0, 2.0], [3.0, 4.0]]))
    assert d.op.type == "MatrixDiag" and d.op.name == "diag" and d.shape.as_list() == [2, 2, 2]
    dp = tf.matrix_diag_part(tf.constant(m))
    assert dp.op.type == "MatrixDiagPart" and dp.shape.as_list() == [2, 3]
    sd = tf.matrix_set_diag(tf.constant(m), tf.zeros([2, 3], tf.float64))
    band = tf.matrix_band_part(tf.constant(m), 1, 0)
    upper = (
        tf.linalg.band_part(tf.constant(m), 0, -1)
        if hasattr(tf, "linalg") and hasattr(tf.linalg, "band_part")
        else tf.matrix_band_part(tf.constant(m), 0, -1)
    )
    got = run([d, dp, sd, band, upper])
    np.testing.assert_array_equal(got[0], [np.diag([1.0, 2.0]), np.diag([3.0, 4.0])])
    np.testing.assert_array_equal(got[1], np.stack([np.diagonal(x) for x in m]))
    want = m.copy()
    want[:, [0, 1, 2], [0, 1, 2]] = 0.0
    np.testing.assert_array_equal(got[2], want)
    r, c = np.arange(3)[:, None], np.arange(4)[None]
    np.testing.assert_array_equal(got[3], np.where((r - c <= 1) & (c - r <= 0), m, 0.0))
    np.testing.assert_array_equal(got[4], np.triu(m))


def test_matrix_diag_with_k_num_rows_and_padding():
    x = np.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 8, 7, 6]])
    np.testing.assert_array_equal(run(tf.matrix_diag_part(x, k=1)), [2, 7, 6])
    np.testing.assert_array_equal(run(tf.matrix_diag_part(x, k=(-1, 1))), [[2, 7, 6], [1, 6, 7], [5, 8, 0]])
    np.testing.assert_array_equal(
        run(tf.matrix_diag([1, 2], k=-1, num_rows=3, num_cols=4)), [[0, 0, 0, 0], [1, 0, 0, 0], [0, 2, 0, 0]]
    )
    np.testing.assert_array_equal(
        run(tf.matrix_diag([1, 2], k=-1, num_rows=3, padding_value=9)), [[9, 9], [1, 9], [9, 2]]
    )
    np.testing.assert_array_equal(
        run(tf.matrix_set_diag(np.zeros((2, 3), np.int32), [5, 6], k=1)), [[0, 5, 0], [0, 0, 6]]
    )


@needs_gradients
def test_diag_ops_gradients():
    check_grad(
        lambda t: tf.matrix_diag_part(t),
        lambda a: np.diagonal(a, axis1=-2, axis2=-1).copy(),
        RS.randn(2, 3, 3),
    )
    check_grad(lambda t: tf.matrix_diag(t), lambda a: np.stack([np.diag(r) for r in a]), RS.randn(2, 3))

    def set_ref(a):
        out = a.copy()
        out[[0, 1], [0, 1]] = [7.0, 8.0]
        return out

    check_grad(lambda t: tf.matrix_set_diag(t, tf.constant([7.0, 8.0], tf.float64)), set_ref, RS.randn(2, 3))
    check_grad(lambda t: tf.matrix_band_part(t, 0, 1), lambda a: np.triu(a) - np.triu(a, 2), RS.randn(3, 4))


def test_diag_and_diag_part():
    v = np.array([[1.0, 2.0], [3.0, 4.0]])
    d = tf.diag(v)
    assert d.op.type == "Diag" and d.shape.as_list() == [2, 2, 2, 2]
    got = run(d)
    assert got[1, 0, 1, 0] == 3.0 and got.sum() == 10.0
    np.testing.assert_array_equal(run(tf.diag_part(d)), v)


# --------------------------------------------------------------------------------------------
# broadcasting, identity_n, meshgrid, invert_permutation, ensure_shape, space/depth/batch
# --------------------------------------------------------------------------------------------


def test_broadcast_to_and_broadcast_shapes():
    b = tf.broadcast_to(tf.constant([1, 2, 3]), [2, 3])
    assert b.op.type == "BroadcastTo" and b.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(run(b), [[1, 2, 3], [1, 2, 3]])
    with pytest.raises(ValueError):
        tf.broadcast_to(tf.constant([1, 2, 3]), [2, 2])
    bd = tf.broadcast_dynamic_shape(tf.constant([1, 2, 3]), tf.constant([5, 1, 3]))
    assert bd.op.type == "BroadcastArgs"
    np.testing.assert_array_equal(run(bd), [5, 2, 3])
    assert tf.broadcast_static_shape(tf.TensorShape([1, 2, 3]), tf.TensorShape([5, 1, 3])).as_list() == [
        5,
        2,
        3,
    ]
    assert tf.broadcast_static_shape(tf.TensorShape([None, 1]), tf.TensorShape([4])).as_list() == [None, 4]
    with pytest.raises(ValueError, match="Incompatible shapes"):
        tf.broadcast_static_shape(tf.TensorShape([2]), tf.TensorShape([3]))
    if hasattr(tf, "gradients"):
        check_grad(
            lambda t: tf.broadcast_to(t, [4, 2, 3]), lambda a: np.broadcast_to(a, (4, 2, 3)), RS.randn(2, 1)
        )


def test_identity_n_meshgrid_invert_permutation():
    a, b = tf.identity_n([tf.constant(1.0), tf.constant([2, 3])])
    assert a.op is b.op and a.op.type == "IdentityN" and b.dtype == tf.int32
    assert run([a, b])[1].tolist() == [2, 3]
    x, y = [1, 2, 3], [4, 5]
    gx, gy = tf.meshgrid(x, y)
    assert gx.shape.as_list() == [2, 3]
    for got, want in zip(run([gx, gy]), np.meshgrid(x, y)):
        np.testing.assert_array_equal(got, want)
    for got, want in zip(run(tf.meshgrid(x, y, indexing="ij")), np.meshgrid(x, y, indexing="ij")):
        np.testing.assert_array_equal(got, want)
    p = [2, 0, 3, 1]
    np.testing.assert_array_equal(run(tf.invert_permutation(p)), np.argsort(p))
    with pytest.raises(tf.errors.InvalidArgumentError, match="duplicated"):
        run(tf.invert_permutation([0, 0]))


def test_ensure_shape_static_merge_and_runtime_check():
    p = tf.placeholder(tf.float32, [None, 2])
    e = tf.ensure_shape(p, [3, None])
    assert e.op.type == "EnsureShape" and e.shape.as_list() == [3, 2]
    np.testing.assert_array_equal(run(e, {p: np.ones((3, 2))}), np.ones((3, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not compatible"):
        run(e, {p: np.ones((4, 2))})
    with pytest.raises(ValueError):
        tf.ensure_shape(p, [3, 3])


def _space_to_depth_ref(x, b):
    n, h, w, c = x.shape
    return (
        x.reshape(n, h // b, b, w // b, b, c)
        .transpose(0, 1, 3, 2, 4, 5)
        .reshape(n, h // b, w // b, b * b * c)
    )


def test_space_to_depth_depth_to_space_roundtrip_and_nchw():
    v = np.arange(2 * 4 * 6 * 3, dtype=np.float32).reshape(2, 4, 6, 3)
    s2d = tf.space_to_depth(v, 2)
    assert s2d.op.type == "SpaceToDepth" and s2d.shape.as_list() == [2, 2, 3, 12]
    got = run(s2d)
    np.testing.assert_array_equal(got, _space_to_depth_ref(v, 2))
    np.testing.assert_array_equal(run(tf.depth_to_space(got, 2)), v)
    nchw = run(tf.space_to_depth(v.transpose(0, 3, 1, 2), 2, data_format="NCHW"))
    np.testing.assert_array_equal(nchw, _space_to_depth_ref(v, 2).transpose(0, 3, 1, 2))
    with pytest.raises(tf.errors.InvalidArgumentError, match="divisible"):
        run(tf.space_to_depth(v[:, :3], 2))


def test_space_to_batch_nd_and_back():
    v = np.arange(1 * 4 * 4 * 1, dtype=np.float32).reshape(1, 4, 4, 1)
    s2b = tf.space_to_batch_nd(v, [2, 2], [[0, 0], [0, 0]])
    assert s2b.shape.as_list() == [4, 2, 2, 1]
    got = run(s2b)
    # TF1 documentation example: batch b takes pixels (b // 2 + 2i, b % 2 + 2j)
    for b in range(4):
        np.testing.assert_array_equal(got[b, :, :, 0], v[0, b // 2 :: 2, b % 2 :: 2, 0])
    np.testing.assert_array_equal(run(tf.batch_to_space_nd(got, [2, 2], [[0, 0], [0, 0]])), v)
    padded = run(tf.space_to_batch(v[:, :3, :3], [[0, 1], [0, 1]], block_size=2))
    assert padded.shape == (4, 2, 2, 1) and padded[3, 1, 1, 0] == 0.0
    np.testing.assert_array_equal(run(tf.batch_to_space(padded, [[0, 1], [0, 1]], 2)), v[:, :3, :3])


@needs_gradients
def test_stop_gradient_gives_zero_path():
    x = tf.constant([1.0, 2.0])
    y = x * x + tf.stop_gradient(x * x)
    np.testing.assert_allclose(run(tf.gradients(y, x)[0]), [2.0, 4.0])


def test_string_tensors_go_through_numpy_lowerings():
    s = tf.constant(["a", "b", "c"])
    m = tf.constant([True, False, True])
    got = run([tf.concat([s, ["d"]], 0), tf.gather(s, [2, 0]), tf.boolean_mask(s, m),
               tf.where(m, s, tf.reverse(s, [0])), tf.fill([2], "x"), tf.zeros([2], tf.string),
               tf.pad(s, [[1, 0]], constant_values="z"), tf.tile(s, [2])])
    assert list(got[0]) == [b"a", b"b", b"c", b"d"]
    assert list(got[1]) == [b"c", b"a"]
    assert list(got[2]) == [b"a", b"c"]
    assert list(got[3]) == [b"a", b"b", b"c"]
    assert list(got[4]) == [b"x", b"x"] and list(got[5]) == [b"", b""]
    assert list(got[6]) == [b"z", b"a", b"b", b"c"] and len(got[7]) == 6


def test_zeros_ones_fill_with_a_shape_known_only_at_run_time_run_on_the_host():
    from compat_tf._src.runtime import plan

    n = tf.placeholder(tf.int32, [], name="n")
    dims = tf.placeholder(tf.int32, [2], name="dims")
    x = tf.placeholder(tf.float32, [None, 3])
    z = tf.zeros([n, 4])
    o = tf.ones([n, 2], dtype=tf.int32)
    f = tf.fill(dims, 7.5)
    after = tf.reduce_sum(z + 1.0, axis=1)                  # device ops after the host fill
    assert z.shape.as_list() == [None, 4] and o.shape.as_list() == [None, 2]
    assert f.shape.as_list() == [None, None] and f.dtype == tf.float32
    assert all(plan.is_host_op(t.op) for t in (z, o, f))
    # computed from a shape: still a device Fill (static when the step is traced)
    zs = tf.zeros(tf.shape(x))
    os_ = tf.ones([tf.shape(x)[0], 2])
    assert zs.op.type == os_.op.type == "Fill"
    assert not plan.is_host_op(zs.op) and not plan.is_host_op(os_.op)
    gx = tf.gradients(tf.reduce_sum((zs + 2.0) * x * x), x)[0]
    with tf.Session() as s:
        for k in (2, 5):
            zv, ov, av = s.run([z, o, after], {n: k})
            np.testing.assert_array_equal(zv, np.zeros((k, 4), np.float32))
            np.testing.assert_array_equal(ov, np.ones((k, 2), np.int32))
            np.testing.assert_array_equal(av, np.full(k, 4.0, np.float32))
        np.testing.assert_array_equal(s.run(f, {dims: [3, 1]}), np.full((3, 1), 7.5, np.float32))
        xv = np.arange(6, dtype=np.float32).reshape(2, 3)
        zsv, osv, gv = s.run([zs, os_, gx], {x: xv})
        np.testing.assert_array_equal(zsv, np.zeros((2, 3)))
        np.testing.assert_array_equal(osv, np.ones((2, 2)))
        np.testing.assert_allclose(gv, 4.0 * xv)
        with pytest.raises(tf.errors.InvalidArgumentError):
            s.run(z, {n: -1})


def test_range_with_a_limit_from_a_partly_unknown_shape_is_1d():
    # TF1's Range shape function: rank 1 even when the length is only known at run time, so
    # tf.range(0, tf.shape(x)[0]) * n + lengths (the "last relevant output" indexing) stays [?]
    x = tf.placeholder(tf.float32, [None, 3])
    lengths = tf.placeholder(tf.int32, [None])
    r = tf.range(0, tf.shape(x)[0])
    assert r.op.type == "Range" and r.shape.as_list() == [None] and r.dtype == tf.int32
    idx = r * 3 + (lengths - 1)
    assert idx.shape.as_list() == [None]
    assert tf.gather(tf.reshape(x, [-1, 1]), idx).shape.as_list() == [None, 1]
    assert tf.range(5).shape.as_list() == [5] and tf.range(1, 7, 2).shape.as_list() == [3]
    assert tf.range(0., 1., 0.25).shape.as_list() == [4]
    np.testing.assert_array_equal(run(idx, {x: np.zeros((4, 3)), lengths: [1, 2, 3, 1]}), [0, 4, 8, 9])


# Static shapes recorded from TF 2.21's tf.compat.v1 for partially known inputs.
def test_static_shapes_of_partially_known_inputs_match_tf1():
    a = tf.placeholder(tf.float32, [None, 3])
    b = tf.placeholder(tf.float32, [2, None])
    assert tf.stack([a, b], 1).shape.as_list() == [2, 2, 3]
    assert tf.stack([a, b]).shape.as_list() == [2, 2, 3]
    unknown = tf.placeholder(tf.float32, None)
    assert tf.shape(unknown).shape.as_list() == [None]
    assert tf.rank(unknown).shape.as_list() == []
    values, indices = tf.nn.top_k(tf.placeholder(tf.float32, [None, 7]), tf.placeholder(tf.int32, []))
    assert values.shape.as_list() == [None, None] and indices.dtype == tf.int32
    assert tf.nn.top_k(a, 2).indices.shape.as_list() == [None, 2]
    assert tf.nn.bias_add(tf.placeholder(tf.float32, [None, None]), tf.zeros([4])).shape.as_list() == [None, 4]


def test_eye_with_a_tensor_size():
    n = tf.placeholder(tf.int32, [])
    e = tf.eye(n)
    assert e.shape.as_list() == [None, None]
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(e, {n: 3}), np.eye(3, dtype=np.float32))


_P = lambda *dims: tf.placeholder(tf.float32, list(dims))  # noqa: E731

# (input, requested shape, static output shape or the start of TF1's ValueError), from TF's
# Reshape shape function (tensorflow.compat.v1, graph construction)
_RESHAPE_STATIC = [
    (lambda: tf.zeros([6]), [4, -1], "Dimension size must be evenly divisible by 4 but is 6"),
    (lambda: tf.constant(1.0), [-1, 3], "Dimension size must be evenly divisible by 3 but is 1"),
    (lambda: tf.zeros([6]), [4, 2], "Cannot reshape a tensor with 6 elements to shape [4,2] (8 elements)"),
    (lambda: tf.zeros([6]), [], "Cannot reshape a tensor with 6 elements to shape [] (1 elements)"),
    (lambda: tf.zeros([2, 3]), [0, -1], "Cannot reshape a tensor with 6 elements to shape [0,?] (0 elements)"),
    (lambda: _P(None, 4), [3, 5], "Dimension size must be evenly divisible by 4 but is 15"),
    (lambda: tf.zeros([6]), [-2, 3], "Dimension -2 must be >= -1"),
    (lambda: tf.zeros([6]), [-1, -1], [None, None]),
    (lambda: tf.zeros([6]), [-1, 3], [2, 3]),
    (lambda: tf.zeros([0]), [0, -1], [0, None]),
    (lambda: tf.zeros([0]), [-1, 5], [0, 5]),
    (lambda: tf.zeros([0, 3]), [3, -1], [3, 0]),
    (lambda: tf.zeros([1]), [], []),
    (lambda: _P(None, 4), [3, -1], [3, None]),
    (lambda: _P(None, 4), [-1, 3], [None, 3]),
    (lambda: _P(None, 4), [2, 6], [2, 6]),
    (lambda: _P(None, None), [2, 3], [2, 3]),
    (lambda: tf.placeholder(tf.float32), [2, 3], [2, 3]),
]


@pytest.mark.parametrize("case", range(len(_RESHAPE_STATIC)))
def test_reshape_static_shape_and_build_time_errors_as_tf1(case):
    make_input, shape, expected = _RESHAPE_STATIC[case]
    x = make_input()
    if isinstance(expected, str):
        n = len(tf.get_default_graph().get_operations())
        with pytest.raises(ValueError) as e:
            tf.reshape(x, shape)
        assert str(e.value).startswith(expected)
        assert len(tf.get_default_graph().get_operations()) <= n + 1     # at most the shape Const
    else:
        assert tf.reshape(x, shape).shape.as_list() == expected


def test_reshape_to_a_partially_known_shape_tensor():
    x = _P(None, 6)
    n = tf.shape(_P(None))[0]
    assert tf.reshape(x, tf.stack([n, 2, 3])).shape.as_list() == [None, 2, 3]
    with pytest.raises(ValueError, match="evenly divisible by 5 but is 12"):
        tf.reshape(_P(2, 6), tf.stack([n, 5]))
    assert tf.reshape(x, tf.placeholder(tf.int32, [2])).shape.as_list() == [None, None]
    assert tf.reshape(x, tf.placeholder(tf.int32, [None])).shape.ndims is None
