"""tf.raw_ops (compat_tf/_src/ops/raw_ops.py, raw_op_wrappers.py): values against NumPy and the public
tf.* functions, TF's type inference and errors, gradients, the result structures, the table."""
import inspect

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.dropin import coverage
from compat_tf._src.dropin.missing import UnimplementedSymbolError
from compat_tf._src.framework import graph_io, registry, tf_raw_op_defs
from compat_tf._src.ops import raw_ops

RS = np.random.RandomState(0)
A = RS.randn(3, 4).astype(np.float32)
B = RS.randn(5, 4).astype(np.float32)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def run(fetches):
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        return s.run(fetches)


# -- values --------------------------------------------------------------------------------------

def test_add_converts_a_python_value_to_the_inferred_dtype_under_the_op_scope():
    x = tf.constant(A)
    z = tf.raw_ops.Add(x=x, y=2)
    assert z.dtype == tf.float32 and z.op.type == "Add" and z.op.name == "Add"
    assert z.op.inputs[1].op.name == "Add/y"          # TF converts inputs inside the op's name scope
    got, public = run([z, tf.add(x, 2.0)])
    np.testing.assert_allclose(got, A + 2)
    np.testing.assert_array_equal(got, public)
    assert tf.raw_ops.Add(x=x, y=x, name="sum").op.name == "sum"


def test_matmul_transpose_attrs():
    a, b = tf.constant(A), tf.constant(B)
    m = tf.raw_ops.MatMul(a=a, b=b, transpose_b=True)
    mt = tf.raw_ops.MatMul(a=b, b=b, transpose_a=True, transpose_b=False)
    assert m.op.get_attr("transpose_b") is True and m.op.get_attr("transpose_a") is False
    got, got_t, public = run([m, mt, tf.matmul(a, b, transpose_b=True)])
    np.testing.assert_allclose(got, A @ B.T, rtol=1e-5)
    np.testing.assert_allclose(got_t, B.T @ B, rtol=1e-5)
    np.testing.assert_allclose(got, public, rtol=1e-6)


def test_relu_and_sum_with_renamed_axis_input():
    x = tf.constant(A)
    r = tf.raw_ops.Relu(features=x)
    s = tf.raw_ops.Sum(input=r, axis=[1], keep_dims=True)     # OpDef: reduction_indices; TF's Python: axis
    got_r, got_s, public = run([r, s, tf.reduce_sum(tf.nn.relu(x), 1, keepdims=True)])
    np.testing.assert_array_equal(got_r, np.maximum(A, 0))
    np.testing.assert_allclose(got_s, np.maximum(A, 0).sum(1, keepdims=True), rtol=1e-6)
    np.testing.assert_allclose(got_s, public, rtol=1e-6)


def test_concat_v2_infers_n_and_t():
    a = tf.constant(A)
    c = tf.raw_ops.ConcatV2(values=[a, A[:1], [[1., 2., 3., 4.]]], axis=0)
    assert c.op.get_attr("N") == 3 and c.op.inputs[1].dtype == tf.float32
    got, public = run([c, tf.concat([a, A[:1], [[1., 2., 3., 4.]]], 0)])
    np.testing.assert_array_equal(got, np.concatenate([A, A[:1], [[1, 2, 3, 4]]]).astype(np.float32))
    np.testing.assert_array_equal(got, public)


def test_pack_cast_reshape():
    p = tf.raw_ops.Pack(values=[A, A * 2], axis=1)
    c = tf.raw_ops.Cast(x=A * 3, DstT=tf.int32)
    r = tf.raw_ops.Reshape(tensor=A, shape=tf.constant([2, -1], tf.int64))      # Tshape inferred: int64
    assert p.op.get_attr("N") == 2 and c.dtype == tf.int32 and r.op.inputs[1].dtype == tf.int64
    got_p, got_c, got_r, pub_p, pub_c = run([p, c, r, tf.stack([A, A * 2], 1), tf.cast(A * 3, tf.int32)])
    np.testing.assert_array_equal(got_p, np.stack([A, A * 2], 1))
    np.testing.assert_array_equal(got_c, (A * 3).astype(np.int32))
    np.testing.assert_array_equal(got_r, A.reshape(2, -1))
    np.testing.assert_array_equal(got_p, pub_p)
    np.testing.assert_array_equal(got_c, pub_c)


def test_strided_slice_masks():
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    # x[1:, ::2, 0]: begin mask on axis 1, end mask on axes 0 and 1, axis 2 shrunk
    s = tf.raw_ops.StridedSlice(input=x, begin=[1, 0, 0], end=[0, 0, 1], strides=[1, 2, 1], begin_mask=2,
                                end_mask=3, shrink_axis_mask=4)
    got, public = run([s, tf.constant(x)[1:, ::2, 0]])
    np.testing.assert_array_equal(got, x[1:, ::2, 0])
    np.testing.assert_array_equal(got, public)


def test_argmax_output_type():
    i64 = tf.raw_ops.ArgMax(input=A, dimension=1)
    i32 = tf.raw_ops.ArgMax(input=A, dimension=1, output_type=tf.int32)
    assert i64.dtype == tf.int64 and i32.dtype == tf.int32            # the OpDef default is int64
    got64, got32, public = run([i64, i32, tf.argmax(A, 1, output_type=tf.int32)])
    np.testing.assert_array_equal(got64, A.argmax(1))
    np.testing.assert_array_equal(got32, public)


def test_unpack_returns_a_list_and_topk_a_namedtuple():
    parts = tf.raw_ops.Unpack(value=A, num=3)
    assert isinstance(parts, list) and len(parts) == 3
    top = tf.raw_ops.TopKV2(input=A, k=2)
    assert type(top).__name__ == "TopKV2" and top._fields == ("values", "indices")
    assert top.indices.dtype == tf.int32 and top[0] is top.values
    got_parts, values, indices = run([parts, top.values, top.indices])
    for i in range(3):
        np.testing.assert_array_equal(got_parts[i], A[i])
    want = np.argsort(-A, axis=1)[:, :2]
    np.testing.assert_array_equal(indices, want)
    np.testing.assert_array_equal(values, np.take_along_axis(A, want, 1))


def test_sparse_softmax_cross_entropy_outputs():
    labels = np.array([0, 3, 1], np.int64)
    out = tf.raw_ops.SparseSoftmaxCrossEntropyWithLogits(features=A, labels=labels)
    assert out._fields == ("loss", "backprop")
    loss, backprop, public = run([out.loss, out.backprop, tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=labels, logits=A)])
    p = np.exp(A - A.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    np.testing.assert_allclose(loss, -np.log(p[np.arange(3), labels]), rtol=1e-5)
    np.testing.assert_allclose(backprop, p - np.eye(4)[labels], rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(loss, public, rtol=1e-6)


def test_ops_without_outputs_return_the_operation_and_resource_ops_run():
    no = tf.raw_ops.NoOp(name="nothing")
    assert isinstance(no, tf.Operation) and no.name == "nothing"
    h = tf.raw_ops.VarHandleOp(dtype=tf.float32, shape=[2], shared_name="v")
    assign = tf.raw_ops.AssignVariableOp(resource=h, value=[5., 6.])
    assert isinstance(assign, tf.Operation) and assign.type == "AssignVariableOp"
    with tf.control_dependencies([assign]):
        read = tf.raw_ops.ReadVariableOp(resource=h, dtype=tf.float32)
    np.testing.assert_array_equal(run(read), [5., 6.])


def test_ref_input_takes_the_variable():
    v = tf.Variable([1., 2.])
    up = tf.raw_ops.AssignAdd(ref=v, value=[10, 20])           # value converted to the variable's float32
    with tf.Session() as s:
        s.run(v.initializer)
        np.testing.assert_array_equal(s.run(up), [11., 22.])
        np.testing.assert_array_equal(s.run(v), [11., 22.])
    with pytest.raises(TypeError, match="'AssignAdd' Op requires that input 'ref' be a mutable tensor"):
        tf.raw_ops.AssignAdd(ref=tf.constant([1., 2.]), value=[1., 1.])


def test_aliased_op_type_returns_tfs_outputs():
    """FusedBatchNorm runs as FusedBatchNormV3 (as imported); the raw op returns TF's five outputs."""
    x = RS.randn(2, 3, 3, 2).astype(np.float32)
    out = tf.raw_ops.FusedBatchNorm(x=x, scale=[1., 2.], offset=[0., 1.], mean=[], variance=[], is_training=True)
    assert out._fields == ("y", "batch_mean", "batch_variance", "reserve_space_1", "reserve_space_2")
    y, mean = run([out.y, out.batch_mean])
    m, var = x.mean((0, 1, 2)), x.var((0, 1, 2))
    np.testing.assert_allclose(mean, m, rtol=1e-5)
    np.testing.assert_allclose(y, (x - m) / np.sqrt(var + 1e-4) * [1, 2] + [0, 1], rtol=1e-3, atol=1e-4)


def test_raw_op_node_exports_and_reimports_like_tfs():
    m = tf.raw_ops.MatMul(a=A, b=B, transpose_b=True, name="mm")
    gd = tf.get_default_graph().as_graph_def()
    node = next(n for n in gd.node if n.name == "mm")
    assert node.attr["T"].type == tf.float32.as_datatype_enum and node.attr["transpose_b"].b
    want = run(m)
    with tf.Graph().as_default():
        out, = tf.import_graph_def(gd, return_elements=["mm:0"], name="")
        np.testing.assert_array_equal(run(out), want)


# -- gradients -----------------------------------------------------------------------------------

def test_gradients_through_raw_ops_equal_the_public_ops():
    a, b = tf.constant(A), tf.constant(B)
    raw = tf.raw_ops.Sum(input=tf.raw_ops.Relu(features=tf.raw_ops.MatMul(a=a, b=b, transpose_b=True)),
                         axis=[0, 1])
    pub = tf.reduce_sum(tf.nn.relu(tf.matmul(a, b, transpose_b=True)))
    g_raw = tf.gradients(raw, [a, b])
    g_pub = tf.gradients(pub, [a, b])
    got_raw, got_pub = run([g_raw, g_pub])
    mask = (A @ B.T > 0).astype(np.float32)
    np.testing.assert_allclose(got_raw[0], mask @ B, rtol=1e-5)
    for r, p in zip(got_raw, got_pub):
        np.testing.assert_allclose(r, p, rtol=1e-6)


# -- errors --------------------------------------------------------------------------------------

def test_argument_errors_are_typeerrors_as_tf():
    x = tf.constant(A)
    with pytest.raises(TypeError, match="missing a required argument: 'y'"):
        tf.raw_ops.Add(x=x)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        tf.raw_ops.Add(x=x, y=x, z=1)
    with pytest.raises(TypeError, match="unexpected keyword argument 'T'"):   # inferred attrs are no parameter
        tf.raw_ops.Add(x=x, y=x, T=tf.float32)
    with pytest.raises(TypeError, match="add only takes keyword args"):
        tf.raw_ops.Add(x, x)


def test_dtype_errors_are_typeerrors_as_tf():
    x = tf.constant(A)
    with pytest.raises(TypeError, match="Input 'y' of 'Add' Op has type int32 that does not match type float32 "
                                        "of argument 'x'"):
        tf.raw_ops.Add(x=x, y=tf.constant(1))
    with pytest.raises(TypeError, match="Value passed to parameter 'features' has DataType string not in list"):
        tf.raw_ops.Relu(features=tf.constant("a"))
    with pytest.raises(TypeError, match="Tensors in list passed to 'values' of 'ConcatV2' Op have types "
                                        r"\[float32, int32\] that don't all match"):
        tf.raw_ops.ConcatV2(values=[x, tf.constant([[1, 2, 3, 4]])], axis=0)
    with pytest.raises(TypeError, match="Expected bool for argument 'transpose_a'"):
        tf.raw_ops.MatMul(a=x, b=x, transpose_a=1)
    with pytest.raises(ValueError, match="Attr 'padding' of 'Conv2D' Op passed string 'FULL' not in"):
        tf.raw_ops.Conv2D(input=tf.ones([1, 3, 3, 1]), filter=tf.ones([2, 2, 1, 1]), strides=[1, 1, 1, 1],
                          padding="FULL")
    with pytest.raises(ValueError, match="List argument 'values' to 'Pack' Op with length 0 shorter than minimum"):
        tf.raw_ops.Pack(values=[])


def test_unlowered_op_raises_unimplemented_naming_it():
    with pytest.raises(UnimplementedSymbolError, match=r"tf\.raw_ops\.Abort is not implemented by compat_tf"):
        tf.raw_ops.Abort
    assert not hasattr(tf.raw_ops, "Abort")                 # also an AttributeError: feature tests work
    with pytest.raises(AttributeError) as e:
        tf.raw_ops.NoSuchOpAtAll
    assert not isinstance(e.value, NotImplementedError)
    with pytest.raises(AttributeError):                     # compat_tf's own If: not TF's raw op
        tf.raw_ops.If



def test_non_default_attr_the_lowering_ignores_is_refused():
    """TridiagonalSolve's lowering does not read perturb_singular: a True is refused, not dropped."""
    diags, rhs = np.ones((3, 4), np.float32), np.ones((4, 1), np.float32)
    with pytest.raises(NotImplementedError, match=r"TridiagonalSolve\(perturb_singular=True\)"):
        tf.raw_ops.TridiagonalSolve(diagonals=diags, rhs=rhs, perturb_singular=True)
    assert tf.raw_ops.TridiagonalSolve(diagonals=diags, rhs=rhs, perturb_singular=False).shape == (4, 1)

# -- the table -----------------------------------------------------------------------------------

def test_every_table_op_has_a_lowering_and_a_keyword_only_wrapper():
    for op_type in tf_raw_op_defs.OPS:
        sp = raw_ops.spec(op_type)
        reg = graph_io._ALIASES.get(op_type, op_type)
        assert registry.lookup(reg) is not None, op_type
        fn = getattr(tf.raw_ops, op_type)
        params = inspect.signature(fn).parameters
        assert list(params) == list(sp.params) + ["name"], op_type
        assert all(p.kind is p.KEYWORD_ONLY for p in params.values()), op_type
        # the lowering's required attrs are TF attrs the raw op sets (else it could not be built)
        names, required, _ = graph_io._lowering_params(registry.get(reg), len(sp.inputs))
        assert required <= set(sp.attrs), (op_type, required - set(sp.attrs))


def test_signature_follows_tfs_generated_order():
    """inputs, attrs without a default, attrs with one (TF 2.21's conv2d minus nothing: 1.15's order)."""
    assert list(inspect.signature(tf.raw_ops.Conv2D).parameters) == [
        "input", "filter", "strides", "padding", "use_cudnn_on_gpu", "explicit_paddings", "data_format",
        "dilations", "name"]
    assert inspect.signature(tf.raw_ops.Conv2D).parameters["data_format"].default == "NHWC"
    assert list(inspect.signature(tf.raw_ops.Squeeze).parameters) == ["input", "axis", "name"]


def test_coverage_counts_the_raw_ops():
    raw = [s for s in coverage.load_symbols() if s.startswith("tf.raw_ops.")]
    table = coverage.coverage_table(raw)
    provided, total = table["tf.raw_ops"]
    assert total == len(raw) and provided == len(set(tf_raw_op_defs.OPS) & {s[len("tf.raw_ops."):] for s in raw})
    assert provided >= 530
    assert coverage.coverage_table(["tf.raw_ops.Add", "tf.raw_ops.Abort"])["tf.raw_ops"] == (1, 2)
