"""tf.Variable (TF1 ref variables), assign ops, collections and initializers against TF 1.15."""
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


# -- construction -----------------------------------------------------------------------


def test_initial_values_of_every_kind(sess):
    a = tf.Variable(tf.constant([1.0, 2.0]))
    b = tf.Variable(np.array([[1, 2]], np.int64))
    c = tf.Variable([1, 2, 3])
    d = tf.Variable(lambda: tf.ones([2]) * 3.0)
    e = tf.Variable(1.5, dtype=tf.float64)
    sess.run(tf.global_variables_initializer())
    assert a.dtype == tf.float32_ref and b.dtype == tf.int64_ref and c.dtype == tf.int32_ref
    assert e.dtype.base_dtype == tf.float64
    np.testing.assert_array_equal(sess.run(a), [1.0, 2.0])
    out = sess.run(b)
    assert out.dtype == np.int64 and out.tolist() == [[1, 2]]
    assert sess.run(c).dtype == np.int32
    np.testing.assert_array_equal(sess.run(d), [3.0, 3.0])
    assert d.initial_value.op.name.startswith("Variable_3/Initializer/")
    assert sess.run(e).dtype == np.float64
    assert a.shape.as_list() == [2] and b.get_shape().as_list() == [1, 2]


def test_initial_value_from_another_variable(sess):
    v = tf.Variable(2.0)
    w = tf.Variable(v * 3.0)
    sess.run(tf.global_variables_initializer())
    assert sess.run(w) == 6.0
    sess.run(v.assign(5.0))
    sess.run(w.initializer)             # the initial value is recomputed from v
    assert sess.run(w) == 15.0


@pytest.mark.skipif(not hasattr(tf, "cond"), reason="initialized_value needs tf.cond")
def test_initialized_value(sess):
    v = tf.Variable(2.0)
    w = tf.Variable(v.initialized_value() * 3.0)
    sess.run(w.initializer)             # v itself is still uninitialized: its initial value is used
    assert sess.run(w) == 6.0
    with pytest.raises(tf.errors.FailedPreconditionError):
        sess.run(v)


def test_variable_requires_initial_value_and_known_shape():
    with pytest.raises(ValueError, match="initial_value must be specified"):
        tf.Variable()
    x = tf.placeholder(tf.float32, [None])
    with pytest.raises(ValueError, match="shape"):
        tf.Variable(x)
    v = tf.Variable(x, validate_shape=False)
    assert v.shape.ndims is None


def test_variable_dtype_is_a_ref_dtype():
    v = tf.Variable(1.0)
    assert v.dtype == tf.float32_ref
    assert v.dtype.base_dtype == tf.float32
    assert v.value().dtype == tf.float32
    assert v.read_value().dtype == tf.float32
    assert v._ref().dtype == tf.float32_ref
    assert tf.convert_to_tensor(v).dtype == tf.float32
    assert repr(v) == "<tf.Variable 'Variable:0' shape=() dtype=float32_ref>"


def test_op_names_and_structure():
    v = tf.Variable([1.0, 2.0], name="w")
    assert v.name == "w:0" and v.op.name == "w" and v.op.type == "VariableV2"
    assert v.initializer.name == "w/Assign" and v.initializer.type == "Assign"
    assert v.value().name == "w/read:0" and v.value().op.type == "Identity"
    assert v.initial_value.name == "w/initial_value:0"
    assert v.graph is tf.get_default_graph()
    # read_value() is a new Identity in the current name scope
    with tf.name_scope("s"):
        r = v.read_value()
    assert r.name == "s/read:0"


def test_variable_created_under_control_dependencies_is_lifted_out():
    # TF1 builds variables under init_scope: no control inputs from the enclosing block
    a = tf.constant(1.0)
    with tf.control_dependencies([a]):
        v = tf.Variable(1.0)
        c = tf.constant(2.0)
    assert v.initializer.control_inputs == []
    assert v.op.control_inputs == []
    assert c.op.control_inputs == [a.op]


# -- reads and updates -------------------------------------------------------------------------


def test_assign_family(sess):
    v = tf.Variable([1.0, 2.0])
    sess.run(v.initializer)
    a = v.assign([5.0, 6.0])
    assert a.dtype == tf.float32_ref
    np.testing.assert_array_equal(sess.run(a), [5.0, 6.0])
    np.testing.assert_array_equal(sess.run(v.assign_add([1.0, 1.0])), [6.0, 7.0])
    np.testing.assert_array_equal(sess.run(v.assign_sub([2.0, 2.0])), [4.0, 5.0])
    op = v.assign([0.0, 0.0], read_value=False)
    assert isinstance(op, tf.Operation) and sess.run(op) is None
    np.testing.assert_array_equal(sess.run(v), [0.0, 0.0])
    assert isinstance(v.assign_add([1.0, 1.0], read_value=False), tf.Operation)
    assert isinstance(v.assign_sub([1.0, 1.0], read_value=False), tf.Operation)
    np.testing.assert_array_equal(sess.run(tf.assign(v, [3.0, 3.0])), [3.0, 3.0])
    np.testing.assert_array_equal(sess.run(tf.assign_add(v, [1.0, 2.0])), [4.0, 5.0])
    np.testing.assert_array_equal(sess.run(tf.assign_sub(v, [1.0, 1.0])), [3.0, 4.0])
    assert tf.assign(v, [1.0, 1.0], name="my_assign").op.name == "my_assign"


def test_assign_converts_to_the_variable_dtype(sess):
    v = tf.Variable(np.zeros(2, np.float64))
    i = tf.Variable(0)
    sess.run(tf.global_variables_initializer())
    out = sess.run(v.assign([1, 2]))
    assert out.dtype == np.float64 and out.tolist() == [1.0, 2.0]
    assert sess.run(i.assign_add(3)) == 3
    with pytest.raises(TypeError):
        i.assign(1.5)


def test_assign_shape_errors():
    v = tf.Variable([1.0, 2.0])
    with pytest.raises(ValueError):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        tf.assign_add(v, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        tf.assign(tf.constant(1.0), 2.0)      # not a reference
    w = tf.Variable([1.0, 2.0], validate_shape=False)
    assert w.assign([1.0, 2.0, 3.0], use_locking=True) is not None


def test_assign_without_validate_shape_changes_the_shape(sess):
    v = tf.Variable([1.0, 2.0])
    sess.run(v.initializer)
    grown = tf.assign(v, [1.0, 2.0, 3.0], validate_shape=False)
    assert sess.run(grown).tolist() == [1.0, 2.0, 3.0]
    assert sess.run(v).tolist() == [1.0, 2.0, 3.0]


def test_load_and_eval(sess):
    v = tf.Variable([1.0, 2.0])
    sess.run(v.initializer)
    v.load([7.0, 8.0], sess)
    np.testing.assert_array_equal(v.eval(sess), [7.0, 8.0])
    with sess.as_default():
        v.load([9.0, 9.0])
        np.testing.assert_array_equal(v.eval(), [9.0, 9.0])
    with pytest.raises(ValueError):
        v.load([1.0, 2.0, 3.0], sess)
    w = tf.Variable(0.0)
    w.load(4.0, sess)                      # load initializes, as running the initializer does
    assert sess.run(w) == 4.0 and sess.run(tf.is_variable_initialized(w))


def test_load_without_session_raises():
    v = tf.Variable(1.0)
    with pytest.raises(ValueError, match="session"):
        v.load(2.0)


def test_control_dependency_orders_read_after_assign(sess):
    v = tf.Variable(1.0)
    sess.run(v.initializer)
    assign = v.assign(5.0)
    with tf.control_dependencies([assign]):
        after = v.read_value()
        plus = v + 0.0
    plain = v.read_value()
    assert sess.run(plain) == 1.0             # no dependency: the assign does not run
    assert sess.run(after) == 5.0
    sess.run(v.assign(2.0))
    assert sess.run(plus) == 5.0
    sess.run(v.assign(3.0))
    assert sess.run(plain) == 3.0


def test_operator_overloads(sess):
    v = tf.Variable([1.0, 2.0])
    m = tf.Variable([[1.0, 0.0], [0.0, 2.0]])
    sess.run(tf.global_variables_initializer())
    np.testing.assert_array_equal(sess.run(v + 1), [2.0, 3.0])
    np.testing.assert_array_equal(sess.run(1 + v), [2.0, 3.0])
    np.testing.assert_array_equal(sess.run(v * v), [1.0, 4.0])
    np.testing.assert_array_equal(sess.run(10 - v), [9.0, 8.0])
    np.testing.assert_array_equal(sess.run(v / 2), [0.5, 1.0])
    np.testing.assert_array_equal(sess.run(v ** 2), [1.0, 4.0])
    assert sess.run(v[0]) == 1.0 and sess.run(v[-1]) == 2.0
    np.testing.assert_array_equal(sess.run(-v), [-1.0, -2.0])
    np.testing.assert_array_equal(sess.run(abs(-v)), [1.0, 2.0])
    np.testing.assert_array_equal(sess.run(m @ m), [[1.0, 0.0], [0.0, 4.0]])
    np.testing.assert_array_equal(sess.run(v > 1.5), [False, True])
    with pytest.raises(TypeError):
        iter(v)
    # a variable is usable wherever a tensor is
    np.testing.assert_array_equal(sess.run(tf.matmul(m, tf.reshape(v, [2, 1]))), [[1.0], [4.0]])


def test_variables_hash_by_identity():
    v = tf.Variable(1.0)
    w = tf.Variable(1.0)
    assert v == v and v != w and len({v, w}) == 2


# -- collections ------------------------------------------------------------------------------


def test_trainable_flag_and_collections():
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(1.0, name="b", trainable=False)
    c = tf.Variable(1.0, name="c", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    d = tf.Variable(1.0, name="d", collections=["custom"], trainable=False)
    with tf.name_scope("scope"):
        e = tf.Variable(1.0, name="e")
    assert a.trainable and not b.trainable and c.trainable
    assert tf.global_variables() == [a, b, e]
    assert tf.all_variables() == [a, b, e]
    assert tf.trainable_variables() == [a, c, e]
    assert tf.local_variables() == [c]
    assert tf.get_collection("custom") == [d]
    assert tf.global_variables(scope="scope") == [e]
    assert tf.trainable_variables("scope/") == [e]
    assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [a, b, e]
    assert tf.model_variables() == []


# -- initialization ------------------------------------------------------------------------------


def test_initializers(sess):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(2.0, name="b")
    loc = tf.Variable(3.0, name="loc", collections=[tf.GraphKeys.LOCAL_VARIABLES])
    init_a = tf.variables_initializer([a])
    assert init_a.type == "NoOp" and init_a.name == "init"
    assert set(init_a.control_inputs) == {a.initializer}
    sess.run(init_a)
    assert sess.run(a) == 1.0
    with pytest.raises(tf.errors.FailedPreconditionError):
        sess.run(b)
    g_init = tf.global_variables_initializer()
    assert g_init.name == "init_1"
    sess.run(g_init)
    assert sess.run(b) == 2.0
    with pytest.raises(tf.errors.FailedPreconditionError):
        sess.run(loc)
    sess.run(tf.local_variables_initializer())
    assert sess.run(loc) == 3.0
    assert sess.run(tf.variables_initializer([])) is None


def test_initialize_all_variables_alias(sess):
    a = tf.Variable(1.0)
    sess.run(tf.initialize_all_variables())
    assert sess.run(a) == 1.0


def test_reinitialising_resets_the_value(sess):
    v = tf.Variable(1.0)
    sess.run(v.initializer)
    sess.run(v.assign(9.0))
    sess.run(v.initializer)
    assert sess.run(v) == 1.0


def test_report_uninitialized_variables(sess):
    a = tf.Variable(1.0, name="a")
    b = tf.Variable(1.0, name="b")
    with tf.name_scope("s"):
        c = tf.Variable(1.0, name="c")
    report = tf.report_uninitialized_variables()
    out = sess.run(report)
    assert out.dtype == object and list(out) == [b"a", b"b", b"s/c"]
    sess.run(b.initializer)
    assert list(sess.run(report)) == [b"a", b"s/c"]
    sess.run([a.initializer, c.initializer])
    out = sess.run(report)
    assert out.shape == (0,) and list(out) == []
    partial = tf.report_uninitialized_variables([a, b])
    assert list(sess.run(partial)) == []


def test_is_variable_initialized(sess):
    v = tf.Variable(1.0)
    flag = tf.is_variable_initialized(v)
    assert flag.dtype == tf.bool
    assert sess.run(flag) == False  # noqa: E712 - a numpy bool
    sess.run(v.initializer)
    assert sess.run(flag) == True  # noqa: E712


def test_uninitialized_read_names_the_variable(sess):
    with tf.name_scope("layer"):
        v = tf.Variable(1.0, name="kernel")
    with pytest.raises(tf.errors.FailedPreconditionError, match="uninitialized value layer/kernel"):
        sess.run(v + 1.0)


def test_variable_state_is_per_session(graph):
    v = tf.Variable(1.0)
    with tf.Session() as s1:
        s1.run(v.initializer)
        s1.run(v.assign(5.0))
        with tf.Session() as s2:
            with pytest.raises(tf.errors.FailedPreconditionError):
                s2.run(v)
        assert s1.run(v) == 5.0


def test_to_proto_and_from_proto_round_trip_with_scopes():
    with tf.name_scope("outer"):
        v = tf.Variable(np.array([1.0, 2.0], np.float32), name="v")
    d = v.to_proto()
    assert (d.variable_name, d.initializer_name, d.snapshot_name, d.initial_value_name, d.trainable) == (
        "outer/v:0", "outer/v/Assign", "outer/v/read:0", "outer/v/initial_value:0", True)
    scoped = v.to_proto(export_scope="outer")
    assert (scoped.variable_name, scoped.initializer_name, scoped.snapshot_name) == ("v:0", "v/Assign", "v/read:0")
    assert v.to_proto(export_scope="elsewhere") is None
    same = tf.Variable.from_proto(d)
    assert (same.name, same.op is v.op, same.initializer is v.initializer, same.value() is v.value()) == (
        "outer/v:0", True, True, True)
    with pytest.raises(ValueError):
        tf.Variable(1.0, variable_def=d)
    # a copy of the graph under an import scope: the VariableDef (scoped names) resolves there
    meta = tf.train.export_meta_graph()
    tf.train.import_meta_graph(meta, import_scope="copy")
    w = tf.Variable(variable_def=scoped, import_scope="copy/outer")
    assert (w.name, w.trainable, w.shape.as_list()) == ("copy/outer/v:0", True, [2])
    with tf.Session() as s:
        s.run(w.initializer)
        s.run(w.assign_add([1.0, 1.0]))
        np.testing.assert_allclose(s.run(w), [2.0, 3.0])
        np.testing.assert_allclose(s.run(tf.get_default_graph().get_tensor_by_name("copy/outer/v/read:0")),
                                   [2.0, 3.0])
        with pytest.raises(tf.errors.FailedPreconditionError):
            s.run(v)                       # the original variable is a different one
