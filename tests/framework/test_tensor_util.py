"""make_ndarray on malformed and compactly encoded TensorProtos (compat_tf/_src/framework/tensor_util.py):
TF's kernels' reading of a proto (short value lists repeat the last value, extra values are
ignored), ValueError for what TF's TensorShape / Tensor::FromProto reject, and no memory for a
proto that claims a huge repeated value."""
import tracemalloc

import numpy as np
import pytest

import compat_tf as tf
from compat_tf._src.framework import tensor_util
from compat_tf._src.protos import graph_pb2, tensor_pb2, types_pb2


def _proto(dtype, dims, **fields):
    p = tensor_pb2.TensorProto(dtype=dtype)
    for d in dims:
        p.tensor_shape.dim.add(size=d)
    for k, v in fields.items():
        if k == "tensor_content":
            p.tensor_content = v
        else:
            getattr(p, k).extend(v)
    return p


def test_short_and_long_value_lists():
    np.testing.assert_array_equal(tensor_util.make_ndarray(_proto(1, [5], float_val=[1.5, 2.0])),
                                  [1.5, 2, 2, 2, 2])
    np.testing.assert_array_equal(tensor_util.make_ndarray(_proto(1, [2], float_val=[1, 2, 3, 4])), [1, 2])
    np.testing.assert_array_equal(tensor_util.make_ndarray(_proto(3, [2, 2])), np.zeros((2, 2), np.int32))
    assert list(tensor_util.make_ndarray(_proto(7, [3], string_val=[b"a"]))) == [b"a"] * 3


def test_out_of_range_integers_wrap_as_tf_kernels_cast_them():
    np.testing.assert_array_equal(tensor_util.make_ndarray(_proto(19, [2], half_val=[15360, 15360 + 65536])),
                                  np.array([1.0, 1.0], np.float16))
    q = tensor_util.make_ndarray(_proto(11, [2], int_val=[1, 300]))
    assert q.dtype == tf.qint8.as_numpy_dtype and q.view(np.int8).tolist() == [1, 44]


@pytest.mark.parametrize("proto,match", [
    (_proto(1, [-3], float_val=[1.0]), "negative dimension"),
    (_proto(1, [1 << 40, 1 << 40]), "more than 2\\*\\*63 - 1 elements"),
    (_proto(1, [2], tensor_content=b"\0" * 5), "tensor_content holds 5 bytes"),
    (_proto(7, [2], tensor_content=b"\0" * 8), "tensor_content"),
    (_proto(7, [1 << 30], string_val=[b"a", b"b"]), "too many to expand"),
])
def test_malformed_protos_raise_value_error(proto, match):
    with pytest.raises(ValueError, match=match):
        tensor_util.make_ndarray(proto)


def test_a_huge_repeated_value_is_a_view_and_allocates_nothing():
    tracemalloc.start()
    try:
        a = tensor_util.make_ndarray(_proto(1, [500_000_000], float_val=[1.5]))
        z = tensor_util.make_ndarray(_proto(7, [1 << 40]))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20
    assert a.shape == (500_000_000,) and a.dtype == np.float32 and a[123_456_789] == 1.5
    assert not a.flags.writeable
    assert z.shape == (1 << 40,) and z[-1] == b""
    with pytest.raises(ValueError, match="too many to expand"):
        tensor_util.make_ndarray(_proto(1, [500_000_000], float_val=[1.0, 2.0]), max_elements=1 << 20)


def _const_graph_def(proto):
    gd = graph_pb2.GraphDef()
    n = gd.node.add(name="c", op="Const")
    n.attr["dtype"].type = proto.dtype
    n.attr["value"].tensor.CopyFrom(proto)
    return gd


def test_importing_a_150_byte_graph_def_that_claims_two_gigabytes():
    gd = _const_graph_def(_proto(types_pb2.DT_FLOAT, [500_000_000], float_val=[1.5]))
    assert len(gd.SerializeToString()) < 150
    with tf.Graph().as_default():
        tracemalloc.start()
        try:
            (c,) = tf.import_graph_def(gd, return_elements=["c:0"], name="")
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert c.shape.as_list() == [500_000_000] and c.dtype == tf.float32
    assert peak < 16 << 20


def test_import_rejects_malformed_consts_with_value_error_naming_the_node():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="Node 'c'.*negative dimension"):
            tf.import_graph_def(_const_graph_def(_proto(types_pb2.DT_FLOAT, [-3])))
        assert tf.get_default_graph().get_operations() == []
