"""tf.RegisterGradient / tf.NotDifferentiable with Graph.gradient_override_map through tf.gradients
(values recorded from tf.compat.v1 graph mode for the same programs)."""
import itertools

import numpy as np
import pytest

import compat_tf as tf

_ids = itertools.count()
X = np.array([-2.0, 0.5, 3.0], np.float32)


def _unique(name):
    return f"{name}_{next(_ids)}"


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def test_straight_through_estimator_overrides_sign_with_identity(graph):
    x = tf.placeholder(tf.float32, [3])
    with graph.gradient_override_map({"Sign": "Identity"}):
        y = tf.sign(x)
    plain = tf.sign(x)                      # built outside the map: its own (zero) gradient
    gy, gp = tf.gradients(tf.reduce_sum(y * y), x)[0], tf.gradients(tf.reduce_sum(plain * x), x)[0]
    with tf.Session() as s:
        yv, gyv, gpv = s.run([y, gy, gp], {x: X})
    np.testing.assert_array_equal(yv, np.sign(X))
    np.testing.assert_allclose(gyv, 2 * np.sign(X))       # TF: [-2, 2, 2]
    np.testing.assert_allclose(gpv, np.sign(X))


def test_registered_python_gradient_reads_the_op_and_clips(graph):
    name = _unique("ClipGrad")

    @tf.RegisterGradient(name)
    def _clip(op, grad):
        return tf.clip_by_value(grad, -0.5, 0.5) * op.inputs[0]
    x = tf.placeholder(tf.float32, [3])
    w = tf.Variable([1.0, 2.0, 3.0])
    with graph.gradient_override_map({"Identity": name}):
        z = tf.identity(x * w)
    gx, gw = tf.gradients(tf.reduce_sum(3.0 * z), [x, w])
    assert any(op.name.startswith("gradients/Identity_grad/") for op in graph.get_operations())
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        gxv, gwv = s.run([gx, gw], {x: X})
    up = 0.5 * X * np.array([1, 2, 3], np.float32)            # clipped 3 -> 0.5, times the op's input
    np.testing.assert_allclose(gxv, up * [1, 2, 3])
    np.testing.assert_allclose(gwv, up * X)


def test_py_func_gradient_through_override_map(graph):
    name = _unique("PyFuncGrad")

    @tf.RegisterGradient(name)
    def _grad(op, grad):
        return grad * 2.0
    x = tf.placeholder(tf.float32, [3])
    with graph.gradient_override_map({"PyFunc": name}):
        p = tf.py_func(lambda a: (a * 2).astype(np.float32), [x], tf.float32)
    p.set_shape([3])
    g = tf.gradients(tf.reduce_sum(p * x), x)[0]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(g, {x: X}), 4 * X)          # TF: [-8, 2, 12]


def test_not_differentiable_and_none_gradients(graph):
    name = _unique("NoGrad")
    tf.NotDifferentiable(name)
    partial = _unique("FirstOnly")

    @tf.RegisterGradient(partial)
    def _first(op, grad):
        return grad, None
    x = tf.placeholder(tf.float32, [3])
    with graph.gradient_override_map({"Square": name, "Mul": partial}):
        sq = tf.square(x)
        m = x * tf.constant(3.0)
    assert tf.gradients(tf.reduce_sum(sq), x) == [None]
    g = tf.gradients(tf.reduce_sum(m + x), x)[0]
    with tf.Session() as s:
        np.testing.assert_allclose(s.run(g, {x: X}), np.full(3, 2.0))


def test_registry_errors_as_tf1(graph):
    name = _unique("Twice")
    tf.RegisterGradient(name)(lambda op, g: g)
    with pytest.raises(KeyError, match="Registering two gradient with name"):
        tf.RegisterGradient(name)(lambda op, g: g)
    with pytest.raises(KeyError):
        tf.NotDifferentiable("MatMul")          # TF has a gradient for its own op types
    with pytest.raises(TypeError):
        tf.RegisterGradient(3)
    with pytest.raises(TypeError, match="op_type_map must be a dictionary mapping strings to strings"):
        with graph.gradient_override_map({"Sign": 1}):
            pass
    x = tf.placeholder(tf.float32, [3])
    with graph.gradient_override_map({"Sign": _unique("Unregistered")}):
        y = tf.sign(x)
    with pytest.raises(LookupError, match="No gradient defined for operation 'Sign'"):
        tf.gradients(y, x)
    bad = _unique("WrongCount")
    tf.RegisterGradient(bad)(lambda op, g: [g, g])
    with graph.gradient_override_map({"Neg": bad}):
        n = tf.negative(x)
    with pytest.raises(ValueError, match="Num gradients 2 generated for op Neg do not match num inputs 1"):
        tf.gradients(n, x)


def test_override_survives_graph_def_round_trip(graph):
    name = _unique("Triple")
    tf.RegisterGradient(name)(lambda op, grad: grad * 3.0)
    x = tf.placeholder(tf.float32, [3], name="x")
    with graph.gradient_override_map({"Sign": "Identity", "Square": name}):
        s, sq = tf.sign(x), tf.square(x)
    g = tf.gradients(tf.reduce_sum(s * s + sq), x)[0]
    gd = graph.as_graph_def()
    assert gd.node[[n.name for n in gd.node].index("Sign")].attr["_gradient_op_type"].s == b"Identity"
    with tf.Graph().as_default() as g2:
        tf.import_graph_def(gd, name="")
        x2 = g2.get_tensor_by_name("x:0")
        # the Gradients op built before export, and a new tf.gradients over the imported Sign
        again = tf.gradients(tf.reduce_sum(g2.get_tensor_by_name("Sign:0") * x2), x2)[0]
        with tf.Session() as s2:
            old, new = s2.run([g.name, again], {x2: X})
    np.testing.assert_allclose(old, 2 * np.sign(X) + 3)
    np.testing.assert_allclose(new, np.sign(X) + X)


def test_override_inside_a_loop_body_is_refused_clearly(graph):
    x = tf.placeholder(tf.float32, [3])

    def body(i, acc):
        with graph.gradient_override_map({"Sign": "Identity"}):
            return i + 1, acc + tf.sign(x)
    _, out = tf.while_loop(lambda i, acc: i < 2, body, [0, tf.zeros([3])])
    with pytest.raises(NotImplementedError, match="overridden gradient"):
        tf.gradients(tf.reduce_sum(out), x)


def test_tf_vocabulary_export_names_the_registered_gradient(graph):
    from compat_tf._src.framework import tf_export
    x = tf.placeholder(tf.float32, [3])
    with graph.gradient_override_map({"Sign": "Identity"}):
        y = tf.sign(x)
    tf.gradients(tf.reduce_sum(y), x)
    with pytest.raises(tf_export.NotExportableError, match="registered gradient"):
        tf_export.to_tf_graph_def(graph)
