"""tf.constant, tf.convert_to_tensor, tf.placeholder(_with_default) against TF 1.15."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess(graph):
    with tf.Session(graph=graph) as s:
        yield s


# -- dtype inference -----------------------------------------------------------------------


@pytest.mark.parametrize("value, dtype", [
    (1.5, tf.float32),
    ([1.0, 2], tf.float32),
    (1, tf.int32),
    ([1, 2, 3], tf.int32),
    (2 ** 31 - 1, tf.int32),
    (-2 ** 31, tf.int32),
    (2 ** 31, tf.int64),
    ([1, 2 ** 40], tf.int64),
    (True, tf.bool),
    ([True, False], tf.bool),
    ("abc", tf.string),
    (b"abc", tf.string),
    (["a", "b"], tf.string),
    (np.float64(1.5), tf.float64),
    (np.int64(3), tf.int64),
    (np.array([1, 2], np.int16), tf.int16),
    (np.array([1.0], np.float16), tf.float16),
    (1 + 2j, tf.complex128),
])
def test_dtype_inference(value, dtype):
    assert tf.constant(value).dtype == dtype
    assert tf.convert_to_tensor(value).dtype == dtype


def test_values_and_fetched_types(sess):
    f, i, big, b, s, lst = sess.run([tf.constant(1.5), tf.constant(7), tf.constant(2 ** 40),
                                     tf.constant(True), tf.constant("héllo"), tf.constant([["a", "b"]])])
    assert type(f) is np.float32 and f == 1.5
    assert type(i) is np.int32 and i == 7
    assert type(big) is np.int64 and big == 2 ** 40
    assert type(b) is np.bool_ and b
    assert s == "héllo".encode()
    assert lst.shape == (1, 2) and lst.tolist() == [[b"a", b"b"]]


def test_requested_dtypes(sess):
    assert sess.run(tf.constant(1, tf.float32)).dtype == np.float32
    assert sess.run(tf.constant([1, 2], dtype=tf.int64)).dtype == np.int64
    assert sess.run(tf.constant(1.5, tf.float64)) == 1.5
    assert tf.constant(1.5, "float16").dtype == tf.float16
    assert tf.constant(1, np.uint8).dtype == tf.uint8
    assert sess.run(tf.constant(True, tf.int32)) == 1
    # NumPy values are cast to the requested dtype without checks, as TF1's make_tensor_proto
    assert sess.run(tf.constant(np.array([1.7, 2.2]), tf.int32)).tolist() == [1, 2]


def test_dtype_conversion_errors():
    with pytest.raises(TypeError, match="Expected int32"):
        tf.constant(1.5, tf.int32)
    with pytest.raises(TypeError, match="Expected int64"):
        tf.constant([1, 2.5], tf.int64)
    with pytest.raises(TypeError, match="Expected float32"):
        tf.constant("a", tf.float32)
    with pytest.raises(TypeError, match="Expected bool"):
        tf.constant(1, tf.bool)
    with pytest.raises(TypeError, match="Expected string"):
        tf.constant(1, tf.string)
    with pytest.raises(TypeError, match="Expected float32"):
        tf.constant(1 + 2j, tf.float32)


def test_constant_name_and_op(graph):
    c = tf.constant(1.0, name="c")
    assert c.op.type == "Const" and c.name == "c:0"
    assert c.op.get_attr("dtype") == tf.float32
    np.testing.assert_array_equal(c.op.get_attr("value"), 1.0)


# -- shapes ---------------------------------------------------------------------------------


def test_scalar_is_broadcast_to_shape(sess):
    c = tf.constant(7, shape=[2, 3])
    assert c.shape.as_list() == [2, 3]
    np.testing.assert_array_equal(sess.run(c), np.full((2, 3), 7, np.int32))
    z = tf.constant(0.0, shape=(0, 4))
    assert sess.run(z).shape == (0, 4)


def test_values_reshaped_and_padded_with_the_last_element(sess):
    np.testing.assert_array_equal(sess.run(tf.constant([1, 2, 3, 4], shape=[2, 2])), [[1, 2], [3, 4]])
    # TF1: a shorter list is completed with its last element
    np.testing.assert_array_equal(sess.run(tf.constant([1, 2, 3], shape=[2, 3])), [[1, 2, 3], [3, 3, 3]])
    np.testing.assert_array_equal(sess.run(tf.constant([[1.0], [2.0]], shape=[3])), [1.0, 2.0, 2.0])
    with pytest.raises(ValueError, match="Too many elements provided"):
        tf.constant([1, 2, 3, 4, 5], shape=[2, 2])


def test_verify_shape():
    assert tf.constant([1, 2], shape=[2], verify_shape=True).shape.as_list() == [2]
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.constant([1, 2, 3, 4], shape=[2, 2], verify_shape=True)
    with pytest.raises(TypeError, match="Expected Tensor's shape"):
        tf.constant(1, shape=[2], verify_shape=True)


def test_ragged_list_is_rejected():
    with pytest.raises((ValueError, TypeError)):
        tf.constant([[1, 2], [3]])


# -- convert_to_tensor ---------------------------------------------------------------------------


def test_convert_to_tensor_passes_tensors_through():
    t = tf.constant(1.0)
    assert tf.convert_to_tensor(t) is t
    assert tf.convert_to_tensor(t, dtype=tf.float32) is t
    with pytest.raises(ValueError, match="requested dtype int32 for Tensor with dtype float32"):
        tf.convert_to_tensor(t, dtype=tf.int32)
    with pytest.raises(TypeError):
        tf.convert_to_tensor(tf.no_op())


def test_convert_to_tensor_packs_lists_containing_tensors(sess):
    a = tf.constant(1.0)
    b = tf.constant(2.0)
    packed = tf.convert_to_tensor([a, b, 3.0])
    assert packed.op.type == "Pack" and packed.op.name == "packed"
    assert packed.shape.as_list() == [3] and packed.dtype == tf.float32
    np.testing.assert_array_equal(sess.run(packed), [1.0, 2.0, 3.0])
    nested = tf.convert_to_tensor([[a, 0.0], [b, a]])
    assert nested.shape.as_list() == [2, 2]
    np.testing.assert_array_equal(sess.run(nested), [[1.0, 0.0], [2.0, 1.0]])
    # a list with tensors is usable by any op
    np.testing.assert_array_equal(sess.run(tf.reshape(tf.constant([1, 2, 3, 4]), [2, tf.constant(2)])),
                                  [[1, 2], [3, 4]])


def test_convert_to_tensor_dtype_and_preferred_dtype():
    assert tf.convert_to_tensor(1, dtype=tf.float64).dtype == tf.float64
    assert tf.convert_to_tensor(1, preferred_dtype=tf.int64).dtype == tf.int64
    # a preferred dtype that cannot hold the value is ignored
    assert tf.convert_to_tensor(1.5, preferred_dtype=tf.int32).dtype == tf.float32
    assert tf.convert_to_tensor([1, 2], name="named").op.name == "named"


def test_convert_variable_to_tensor():
    v = tf.Variable([1.0, 2.0])
    t = tf.convert_to_tensor(v)
    assert t is v.value()
    with pytest.raises(ValueError):
        tf.convert_to_tensor(v, dtype=tf.int32)


def test_python_scalars_take_the_tensor_dtype(sess):
    x = tf.constant(np.array([1.0], np.float64))
    y = x * 2            # the 2 becomes a float64 constant
    assert y.dtype == tf.float64
    i = tf.constant(np.array([4], np.int64))
    assert (i + 1).dtype == tf.int64
    with pytest.raises(TypeError):
        i + 1.5


# -- placeholders ---------------------------------------------------------------------------------


def test_placeholder_dtype_shape_and_name():
    x = tf.placeholder(tf.float32, [None, 3], name="inp")
    assert x.name == "inp:0" and x.op.type == "Placeholder"
    assert x.dtype == tf.float32 and x.shape.as_list() == [None, 3]
    y = tf.placeholder("int64")
    assert y.dtype == tf.int64 and y.shape.ndims is None and y.op.name == "Placeholder"
    assert tf.placeholder(tf.float32, shape=()).shape.as_list() == []


def test_placeholder_with_default(sess):
    d = tf.placeholder_with_default(tf.constant([1.0, 2.0]), shape=[None], name="pwd")
    y = d * 2.0
    assert d.op.type == "PlaceholderWithDefault" and d.name == "pwd:0"
    assert d.shape.as_list() == [None]
    np.testing.assert_array_equal(sess.run(y), [2.0, 4.0])
    np.testing.assert_array_equal(sess.run(y, {d: [5.0, 6.0, 7.0]}), [10.0, 12.0, 14.0])
    with pytest.raises(ValueError):
        sess.run(y, {d: [[1.0]]})
    with pytest.raises(ValueError):
        tf.placeholder_with_default([1.0, 2.0], shape=[3])


def test_placeholder_with_default_from_python_value(sess):
    flag = tf.placeholder_with_default(False, shape=[])
    assert flag.dtype == tf.bool
    assert sess.run(flag) == False  # noqa: E712
    assert sess.run(flag, {flag: True}) == True  # noqa: E712


# -- Dimensions and TensorShapes --------------------------------------------------------------


def test_dimensions_and_shapes_convert_to_int32(sess):
    x = tf.placeholder(tf.float32, [2, 3])
    c = tf.constant([x.shape[1], 4])
    assert c.dtype == tf.int32 and sess.run(c).tolist() == [3, 4]
    assert tf.convert_to_tensor(x.shape).dtype == tf.int32
    assert sess.run(tf.convert_to_tensor(x.shape)).tolist() == [2, 3]
    assert sess.run(tf.convert_to_tensor(x.shape[0])) == 2
    assert sess.run(tf.constant([x.shape[1], 4], dtype=tf.int64)).dtype == np.int64
    r = tf.reshape(x, [x.shape[0], -1])           # a common TF1 idiom
    assert r.shape.as_list() == [2, 3]
    assert tf.zeros(x.shape).shape.as_list() == [2, 3]


def test_unknown_dimensions_do_not_convert():
    u = tf.placeholder(tf.float32, [None, 3])
    with pytest.raises(ValueError, match="partially known TensorShape"):
        tf.convert_to_tensor(u.shape)
    with pytest.raises(ValueError, match="unknown Dimension"):
        tf.convert_to_tensor(u.shape[0])
    with pytest.raises(TypeError, match="Failed to convert object of type"):
        tf.constant([u.shape[0], -1])


def test_arbitrary_objects_do_not_become_strings():
    with pytest.raises(TypeError, match="Failed to convert object of type"):
        tf.constant([object()])
    with pytest.raises(ValueError, match="None values not supported"):
        tf.constant(None)


def _const_op(value, dtype):
    return tf.get_default_graph().create_op("Const", [], {"value": value, "dtype": dtype}, name="c").outputs[0]


@pytest.mark.parametrize("value,dtype,got", [
    (np.array([1, 2], np.int32), tf.float32, "int32"),
    (np.array([1.5], np.float32), tf.int32, "float32"),
    (np.array([b"a"], dtype=object), tf.float32, "string"),
])
def test_a_const_whose_value_is_not_its_dtype_fails_when_run(value, dtype, got):
    """TF1's Const kernel: InvalidArgumentError 'Type mismatch between value (...) and dtype (...)'
    when the graph runs (building it, or importing it from a GraphDef, succeeds)."""
    c = _const_op(value, dtype)
    v = tf.Variable(1.0)
    with tf.Session() as sess:
        sess.run(v.initializer)
        with pytest.raises(tf.errors.InvalidArgumentError, match=f"Type mismatch between value \\({got}\\)"):
            sess.run([c, v.assign_add(1.0)])
        assert sess.run(v) == 1.0


def test_constant_of_a_tensor_proto_takes_the_proto_dtype():
    """TF1's make_tensor_proto returns a TensorProto as it is, so its dtype wins over `dtype`."""
    p = tf.make_tensor_proto(np.array([1, 2], np.int32))
    c = tf.constant(p, dtype=tf.float32)
    assert c.dtype == tf.int32
    with tf.Session() as sess:
        np.testing.assert_array_equal(sess.run(c), [1, 2])
