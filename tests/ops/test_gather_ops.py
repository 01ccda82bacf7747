"""Gather / scatter / segment / partition ops against NumPy: values, op types, shapes, errors, gradients."""

import numpy as np
import pytest

import compat_tf as tf

needs_gradients = pytest.mark.skipif(not hasattr(tf, "gradients"), reason="tf.gradients not available yet")


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches, feed=None, init=False):
    with tf.Session() as s:
        if init:
            s.run(tf.global_variables_initializer())
        return s.run(fetches, feed)


def grad_of(y, x, w, feed=None):
    """tf.gradients of sum(w * y) w.r.t. x."""
    return run(tf.gradients(y, x, grad_ys=tf.constant(w, dtype=y.dtype.base_dtype))[0], feed)


RS = np.random.RandomState(7)


# --------------------------------------------------------------------------------------------
# gather
# --------------------------------------------------------------------------------------------


def test_gather_axis_and_nd_indices():
    arr = np.arange(24.0).reshape(4, 6)
    g0 = tf.gather(arr, [3, 0, 0])
    assert g0.op.type == "GatherV2" and g0.op.name == "GatherV2" and g0.shape.as_list() == [3, 6]
    np.testing.assert_array_equal(run(g0), arr[[3, 0, 0]])
    g1 = tf.gather(arr, [[5, 1]], axis=1)
    assert g1.shape.as_list() == [4, 1, 2]
    np.testing.assert_array_equal(run(g1), np.take(arr, [[5, 1]], axis=1))
    np.testing.assert_array_equal(run(tf.gather(arr, [2], axis=-1)), arr[:, [2]])
    np.testing.assert_array_equal(
        run(tf.gather(tf.constant([1, 2, 3, 4]), [[0, 1], [3, 3]])), [[1, 2], [4, 4]]
    )
    p = tf.placeholder(tf.float32, [None, 6])
    i = tf.placeholder(tf.int64, [None])
    gp = tf.gather(p, i)
    assert gp.shape.as_list() == [None, 6]
    np.testing.assert_array_equal(run(gp, {p: arr, i: [1, 1]}), arr[[1, 1]])
    with pytest.raises(TypeError, match="int32, int64"):
        tf.gather(arr, [0.5])


def test_gather_out_of_range_raises_for_static_and_fed_indices():
    # TF1's CPU kernel checks every index (run_checks.py checks fed ones in the compiled step)
    arr = np.arange(6.0).reshape(3, 2)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 3 is not in \[0, 3\)"):
        run(tf.gather(arr, [0, 3]))
    i = tf.placeholder(tf.int32, [None])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[1\] = 5 is not in \[0, 3\)"):
        run(tf.gather(arr, i), {i: [2, 5, -1]})
    np.testing.assert_array_equal(run(tf.gather(arr, i), {i: [2, 0]}), [[4.0, 5.0], [0.0, 1.0]])


def test_gather_batch_dims_and_batch_gather():
    params = RS.randn(2, 3, 4)
    idx = np.array([[0, 2], [1, 1]])
    want = np.stack([params[b][idx[b]] for b in range(2)])
    g = tf.gather(params, idx, batch_dims=1)
    assert g.shape.as_list() == [2, 2, 4]
    np.testing.assert_allclose(run(g), want)
    bg = tf.batch_gather(params, idx)
    np.testing.assert_allclose(run(bg), want)
    ax2 = tf.gather(params, idx, axis=2, batch_dims=1)
    np.testing.assert_allclose(run(ax2), np.stack([params[b][:, idx[b]] for b in range(2)]))
    # batch_dims=-1 counts from the rank of indices; axis defaults to batch_dims, i.e. params' last axis
    np.testing.assert_allclose(
        run(tf.gather(params, idx, batch_dims=-1)), np.stack([params[b][:, idx[b]] for b in range(2)])
    )


@needs_gradients
def test_gather_gradient_accumulates_duplicates():
    x = tf.constant(RS.randn(4, 3))
    idx = [3, 0, 3, 3]
    w = RS.randn(4, 3)
    want = np.zeros((4, 3))
    np.add.at(want, idx, w)
    np.testing.assert_allclose(grad_of(tf.gather(x, idx), x, w), want)
    w1 = RS.randn(4, 2)
    want1 = np.zeros((4, 3))
    np.add.at(want1.T, [2, 2], w1.T)
    np.testing.assert_allclose(grad_of(tf.gather(x, [2, 2], axis=1), x, w1), want1)


def test_gather_nd_elements_slices_and_batch_dims():
    arr = np.arange(24.0).reshape(4, 6)
    g = tf.gather_nd(arr, [[0, 1], [3, 5], [2, 2]])
    assert g.op.type == "GatherNd" and g.shape.as_list() == [3]
    np.testing.assert_array_equal(run(g), [1.0, 23.0, 14.0])
    rows = tf.gather_nd(arr, [[[1]], [[3]]])
    assert rows.shape.as_list() == [2, 1, 6]
    np.testing.assert_array_equal(run(rows), arr[[[1], [3]]])
    p3 = np.arange(8).reshape(2, 2, 2)
    np.testing.assert_array_equal(run(tf.gather_nd(p3, [[1], [0]], batch_dims=1)), [p3[0, 1], p3[1, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not index into param shape"):
        run(tf.gather_nd(arr, [[4, 0]]))
    with pytest.raises(ValueError, match="innermost dimension"):
        tf.gather_nd(arr, [[0, 0, 0]])
    if hasattr(tf, "gradients"):
        x = tf.constant(RS.randn(3, 2))
        w = RS.randn(3)
        want = np.zeros((3, 2))
        np.add.at(want, ([0, 2, 0], [1, 1, 1]), w)
        np.testing.assert_allclose(grad_of(tf.gather_nd(x, [[0, 1], [2, 1], [0, 1]]), x, w), want)


# --------------------------------------------------------------------------------------------
# scatter into tensors
# --------------------------------------------------------------------------------------------


def test_scatter_nd_duplicates_add_and_shape():
    s = tf.scatter_nd([[4], [3], [1], [7], [1]], [9.0, 10.0, 11.0, 12.0, 1.0], [8])
    assert s.op.type == "ScatterNd" and s.shape.as_list() == [8] and s.dtype == tf.float32
    np.testing.assert_array_equal(run(s), [0, 12, 0, 10, 9, 0, 0, 12])
    rows = tf.scatter_nd([[0], [2]], [[1, 2], [3, 4]], tf.constant([3, 2]))
    np.testing.assert_array_equal(run(rows), [[1, 2], [0, 0], [3, 4]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not index into"):
        run(tf.scatter_nd([[8]], [1.0], [8]))
    if hasattr(tf, "gradients"):
        u = tf.constant([1.0, 2.0, 3.0])
        w = RS.randn(4)
        np.testing.assert_allclose(grad_of(tf.scatter_nd([[1], [1], [3]], u, [4]), u, w), w[[1, 1, 3]])


def test_tensor_scatter_nd_update_add_sub():
    t = np.arange(8.0).reshape(4, 2)
    idx = [[0], [2]]
    upd = np.array([[10.0, 10.0], [20.0, 20.0]])
    u, a, s = (
        f(t, idx, upd)
        for f in (tf.tensor_scatter_nd_update, tf.tensor_scatter_nd_add, tf.tensor_scatter_nd_sub)
    )
    assert [x.op.type for x in (u, a, s)] == ["TensorScatterUpdate", "TensorScatterAdd", "TensorScatterSub"]
    assert tf.tensor_scatter_update is tf.tensor_scatter_nd_update
    got = run([u, a, s])
    want_u, want_a, want_s = t.copy(), t.copy(), t.copy()
    want_u[[0, 2]] = upd
    want_a[[0, 2]] += upd
    want_s[[0, 2]] -= upd
    for g_, w_ in zip(got, (want_u, want_a, want_s)):
        np.testing.assert_array_equal(g_, w_)
    np.testing.assert_array_equal(
        run(tf.tensor_scatter_nd_add(t, [[1, 1], [1, 1]], [1.0, 1.0])),
        t + np.array([[0, 0], [0, 2.0], [0, 0], [0, 0]]),
    )
    with pytest.raises(ValueError):
        tf.tensor_scatter_nd_update(t, idx, np.ones((2, 3)))


@needs_gradients
def test_tensor_scatter_update_gradients():
    t = tf.constant(RS.randn(4, 2))
    upd = tf.constant(RS.randn(2, 2))
    out = tf.tensor_scatter_nd_update(t, [[0], [2]], upd)
    w = RS.randn(4, 2)
    gt, gu = run(tf.gradients(out, [t, upd], grad_ys=tf.constant(w)))
    want_t = w.copy()
    want_t[[0, 2]] = 0.0
    np.testing.assert_allclose(gt, want_t)
    np.testing.assert_allclose(gu, w[[0, 2]])


# --------------------------------------------------------------------------------------------
# scatter into variables
# --------------------------------------------------------------------------------------------


def test_variable_scatter_updates_modify_the_variable():
    v = tf.Variable([1.0, 2.0, 3.0, 4.0])
    ops = {
        "update": (tf.scatter_update, [1, 3], [10.0, 30.0]),
        "add": (tf.scatter_add, [0, 0, 3], [1.0, 1.0, 10.0]),
        "sub": (tf.scatter_sub, [2], [1.0]),
        "mul": (tf.scatter_mul, [1, 1], [2.0, 3.0]),
        "div": (tf.scatter_div, [3], [4.0]),
        "max": (tf.scatter_max, [0, 1], [5.0, -1.0]),
        "min": (tf.scatter_min, [0, 1], [5.0, -1.0]),
    }
    base = np.array([1.0, 2.0, 3.0, 4.0])
    with tf.Session() as s:
        for key, (fn, idx, upd) in ops.items():
            out = fn(v, idx, upd)
            assert out.op.type == "Scatter" + key.capitalize()
            s.run(v.initializer)
            got = s.run(out)
            want = base.copy()
            if key == "update":
                want[idx] = upd
            elif key in ("add", "sub"):
                np.add.at(want, idx, np.array(upd) * (1 if key == "add" else -1))
            elif key == "mul":
                np.multiply.at(want, idx, upd)
            elif key == "div":
                np.divide.at(want, idx, upd)
            elif key == "max":
                np.maximum.at(want, idx, upd)
            else:
                np.minimum.at(want, idx, upd)
            np.testing.assert_allclose(got, want, err_msg=key)
            np.testing.assert_allclose(s.run(v), want, err_msg=key)


def test_variable_scatter_rows_scalar_updates_nd_and_errors():
    v = tf.Variable(np.zeros((3, 2), np.float32))
    rows = tf.scatter_update(v, [2], [[1.0, 2.0]])
    scal = tf.scatter_add(v, [0, 1], 5.0)
    nd_u = tf.scatter_nd_update(v, [[0, 1], [2, 0]], [7.0, 8.0])
    nd_a = tf.scatter_nd_add(v, [[1, 1], [1, 1]], [1.0, 2.0])
    nd_s = tf.scatter_nd_sub(v, [[0]], [[1.0, 1.0]])
    with tf.Session() as s:
        expected = []
        for out in (rows, scal, nd_u, nd_a, nd_s):
            s.run(v.initializer)
            expected.append(s.run(out))
        np.testing.assert_array_equal(expected[0], [[0, 0], [0, 0], [1, 2]])
        np.testing.assert_array_equal(expected[1], [[5, 5], [5, 5], [0, 0]])
        np.testing.assert_array_equal(expected[2], [[0, 7], [0, 0], [8, 0]])
        np.testing.assert_array_equal(expected[3], [[0, 0], [0, 3], [0, 0]])
        np.testing.assert_array_equal(expected[4], [[-1, -1], [0, 0], [0, 0]])
        s.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match=r"indices\[0\] = 3 is not in \[0, 3\)"):
            s.run(tf.scatter_update(v, [3], [[1.0, 1.0]]))
    with pytest.raises(TypeError, match="mutable tensor"):
        tf.scatter_update(tf.constant([1.0]), [0], [2.0])
    with pytest.raises(ValueError):
        tf.scatter_update(v, [0, 1], [[1.0, 2.0, 3.0]])


def test_variable_scatter_with_fed_indices():
    v = tf.Variable([0, 0, 0, 0])
    i = tf.placeholder(tf.int32, [None])
    add = tf.scatter_add(v, i, tf.ones_like(i))
    with tf.Session() as s:
        s.run(v.initializer)
        s.run(add, {i: [1, 1, 3]})
        np.testing.assert_array_equal(s.run(add, {i: [0, 1]}), [1, 3, 0, 1])


# --------------------------------------------------------------------------------------------
# segment reductions
# --------------------------------------------------------------------------------------------


def _segment_ref(fn, data, ids, n, empty):
    out = np.full((n,) + data.shape[1:], empty, dtype=data.dtype)
    for s in range(n):
        rows = data[ids == s]
        if len(rows):
            out[s] = fn(rows, axis=0)
    return out


def test_sorted_segment_ops_with_constant_ids():
    data = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [0.5, -1.0]])
    ids = np.array([0, 0, 2, 2])
    cases = {
        tf.segment_sum: (np.sum, 0),
        tf.segment_mean: (np.mean, 0),
        tf.segment_max: (np.max, 0),
        tf.segment_min: (np.min, 0),
        tf.segment_prod: (np.prod, 1),
    }
    outs = {fn: fn(data, ids) for fn in cases}
    assert outs[tf.segment_sum].op.type == "SegmentSum"
    assert outs[tf.segment_sum].shape.as_list() == [None, 2]  # TF1: the number of segments is unknown
    got = run(list(outs.values()))
    for (fn, (ref, empty)), g in zip(cases.items(), got):
        np.testing.assert_allclose(g, _segment_ref(ref, data, ids, 3, empty), err_msg=fn.__name__)


def test_sorted_segment_ops_with_runtime_ids_use_host_count():
    d = tf.placeholder(tf.float32, [None, 2])
    ids = tf.placeholder(tf.int32, [None])
    s = tf.segment_sum(d, ids)
    assert s.op.type == "SegmentSum" and s.op.name == "SegmentSum"
    assert s.op.inputs[2].op.type == "_IndexLimit"
    dv = np.arange(8.0).reshape(4, 2)
    np.testing.assert_array_equal(
        run(s, {d: dv, ids: [0, 1, 1, 3]}), _segment_ref(np.sum, dv, np.array([0, 1, 1, 3]), 4, 0)
    )
    np.testing.assert_array_equal(run(tf.segment_mean(d, ids), {d: dv, ids: [0, 0, 0, 0]}), [dv.mean(0)])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
        run(s, {d: dv, ids: [1, 0, 2, 2]})
    with pytest.raises(tf.errors.InvalidArgumentError, match="same size as dimension 0"):
        run(s, {d: dv, ids: [0, 1]})


def test_segment_int_mean_truncates_and_errors():
    np.testing.assert_array_equal(run(tf.segment_mean(tf.constant([1, 2, 4]), [0, 0, 1])), [1, 4])
    with pytest.raises(tf.errors.InvalidArgumentError, match="not increasing"):
        run(tf.segment_sum(tf.constant([1.0, 2.0]), [1, 0]))
    with pytest.raises(ValueError, match="rank 1"):
        tf.segment_sum(tf.zeros([2, 2]), [[0, 0], [1, 1]])


@needs_gradients
def test_segment_gradients_sum_mean_and_max_ties():
    x = tf.constant([[1.0, 2.0], [1.0, 0.0], [0.0, 2.0], [5.0, 5.0]])
    ids = [0, 0, 0, 1]
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(grad_of(tf.segment_sum(x, ids), x, w), w[ids])
    np.testing.assert_allclose(
        grad_of(tf.segment_mean(x, ids), x, w), w[ids] / np.array([[3], [3], [3], [1]])
    )
    # TF1 splits the gradient of a max evenly among tied maxima
    np.testing.assert_allclose(
        grad_of(tf.segment_max(x, ids), x, w), [[0.5, 1.0], [0.5, 0.0], [0.0, 1.0], [3.0, 4.0]]
    )
    np.testing.assert_allclose(
        grad_of(tf.segment_min(x, ids), x, w), [[0.0, 0.0], [0.0, 2.0], [1.0, 0.0], [3.0, 4.0]]
    )
    d = tf.placeholder(tf.float32, [None])
    i = tf.placeholder(tf.int32, [None])
    gd = tf.gradients(tf.segment_sum(d * d, i), d)[0]
    np.testing.assert_allclose(run(gd, {d: [1.0, 2.0, 3.0], i: [0, 0, 4]}), [2.0, 4.0, 6.0])


def test_unsorted_segment_ops_values_negative_ids_and_empty_segments():
    data = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    ids = np.array([2, -1, 2, 0])
    s = tf.unsorted_segment_sum(data, ids, 3)
    assert s.op.type == "UnsortedSegmentSum" and s.shape.as_list() == [3, 2]
    mx, mn, pr = (
        tf.unsorted_segment_max(data, ids, 3),
        tf.unsorted_segment_min(data, ids, 3),
        tf.unsorted_segment_prod(data, ids, 3),
    )
    mean, sqn = tf.unsorted_segment_mean(data, ids, 3), tf.unsorted_segment_sqrt_n(data, ids, 3)
    assert mean.shape.as_list() == [3, 2]
    got = run([s, mx, mn, pr, mean, sqn])
    f32 = np.finfo(np.float64)
    np.testing.assert_allclose(got[0], [[7, 8], [0, 0], [6, 8]])
    np.testing.assert_allclose(got[1], [[7, 8], [f32.min, f32.min], [5, 6]])  # TF1: lowest() when empty
    np.testing.assert_allclose(got[2], [[7, 8], [f32.max, f32.max], [1, 2]])
    np.testing.assert_allclose(got[3], [[7, 8], [1, 1], [5, 12]])
    np.testing.assert_allclose(got[4], [[7, 8], [0, 0], [3, 4]])
    np.testing.assert_allclose(got[5], [[7, 8], [0, 0], [6 / np.sqrt(2), 8 / np.sqrt(2)]])
    multi = tf.unsorted_segment_sum(np.ones((2, 3, 4)), [[0, 1, 0], [1, 1, 1]], 2)
    assert multi.shape.as_list() == [2, 4]
    np.testing.assert_allclose(run(multi), [[2] * 4, [4] * 4])
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of range"):
        run(tf.unsorted_segment_sum(data, [0, 1, 3, 0], 3))


@needs_gradients
def test_unsorted_segment_prod_gradient_handles_zeros():
    xv = np.array([2.0, 0.0, 3.0, 4.0, 0.0, 0.0, 5.0])
    ids = np.array([0, 0, 0, 1, 2, 2, 3])
    x = tf.constant(xv)
    w = np.array([1.0, 2.0, 3.0, 4.0])

    def ref(v):
        return np.array([np.prod(v[ids == s]) for s in range(4)])

    eps = 1e-6
    num = np.array(
        [(np.sum(w * ref(xv + eps * e)) - np.sum(w * ref(xv - eps * e))) / (2 * eps) for e in np.eye(len(xv))]
    )
    np.testing.assert_allclose(grad_of(tf.unsorted_segment_prod(x, ids, 4), x, w), num, atol=1e-6)
    np.testing.assert_allclose(grad_of(tf.unsorted_segment_max(x, ids, 4), x, w), [0, 0, 1, 2, 1.5, 1.5, 4])


# --------------------------------------------------------------------------------------------
# dynamic_partition / dynamic_stitch
# --------------------------------------------------------------------------------------------


def test_dynamic_partition_float_and_int():
    data = np.arange(10.0).reshape(5, 2)
    parts = np.array([0, 2, 0, 1, 2])
    outs = tf.dynamic_partition(data, parts, 3)
    assert len(outs) == 3 and outs[0].shape.as_list() == [None, 2]
    for k, got in enumerate(run(outs)):
        np.testing.assert_array_equal(got, data[parts == k])
    iouts = tf.dynamic_partition(tf.constant([10, 20, 30, 40]), [1, 0, 1, 1], 2)
    assert iouts[0].op.type == "DynamicPartition"
    a, b = run(iouts)
    np.testing.assert_array_equal(a, [20])
    np.testing.assert_array_equal(b, [10, 30, 40])
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"partitions\[1\] = 2 is not in \[0, 2\)"):
        run(tf.dynamic_partition(tf.constant([1, 2]), [0, 2], 2))


@needs_gradients
def test_dynamic_partition_gradient_reaches_data():
    x = tf.placeholder(tf.float32, [None])
    p = tf.placeholder(tf.int32, [None])
    a, b = tf.dynamic_partition(x, p, 2)
    g = tf.gradients([a * 2.0, b * b], x)[0]
    np.testing.assert_allclose(run(g, {x: [1.0, 2.0, 3.0], p: [1, 0, 1]}), [2.0, 2.0, 6.0])


def test_dynamic_stitch_static_and_runtime_indices():
    st = tf.dynamic_stitch(
        [[6], [4, 1], [[5, 2], [0, 3]]], [[61.0], [41.0, 11.0], [[51.0, 21.0], [1.0, 31.0]]]
    )
    assert st.op.type == "DynamicStitch" and st.shape.as_list() == [7]
    np.testing.assert_array_equal(run(st), [1, 11, 21, 31, 41, 51, 61])
    dup = tf.dynamic_stitch([[0, 1], [1]], [[1.0, 2.0], [3.0]])
    np.testing.assert_array_equal(run(dup), [1.0, 3.0])  # later entries win, as in TF1
    i = tf.placeholder(tf.int32, [None])
    d = tf.placeholder(tf.float32, [None, 2])
    rs = tf.dynamic_stitch([tf.constant([0, 2]), i], [tf.constant([[1.0, 1.0], [2.0, 2.0]]), d])
    assert rs.shape.as_list() == [None, 2]
    np.testing.assert_array_equal(
        run(rs, {i: [1, 4], d: [[5, 5], [6, 6]]}), [[1, 1], [5, 5], [2, 2], [0, 0], [6, 6]]
    )


def test_partition_stitch_roundtrip_and_gradient():
    x = tf.placeholder(tf.float32, [None])
    p = tf.placeholder(tf.int32, [None])
    n = tf.size(x)
    idx = tf.dynamic_partition(tf.range(n), p, 2)
    parts = tf.dynamic_partition(x, p, 2)
    back = tf.dynamic_stitch(idx, [parts[0] * 10.0, parts[1]])
    feed = {x: [1.0, 2.0, 3.0, 4.0], p: [1, 0, 0, 1]}
    np.testing.assert_allclose(run(back, feed), [1.0, 20.0, 30.0, 4.0])
    if hasattr(tf, "gradients"):
        np.testing.assert_allclose(run(tf.gradients(back, x)[0], feed), [1.0, 10.0, 10.0, 1.0])
