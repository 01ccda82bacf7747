"""The tf.train.Optimizer API: slots and their names, apply_gradients rules, op names, subclassing."""
import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _model():
    w = tf.Variable(np.ones((3, 2), np.float32), name="w")
    b = tf.Variable(np.zeros(2, np.float32), name="b")
    with tf.variable_scope("layer"):
        v = tf.get_variable("v", initializer=tf.constant([0.5, 0.5]))
    loss = tf.reduce_sum(tf.square(tf.matmul(tf.ones([1, 3]), w) + b)) + tf.reduce_sum(tf.square(v))
    return w, b, v, loss


@pytest.mark.parametrize("make, suffixes, non_slot", [
    (lambda: tf.train.AdamOptimizer(0.01), ["Adam", "Adam_1"], ["beta1_power:0", "beta2_power:0"]),
    (lambda: tf.train.MomentumOptimizer(0.01, 0.9), ["Momentum"], []),
    (lambda: tf.train.RMSPropOptimizer(0.01, momentum=0.9), ["RMSProp", "RMSProp_1"], []),
    (lambda: tf.train.RMSPropOptimizer(0.01, centered=True), ["RMSProp", "RMSProp_1", "RMSProp_2"], []),
    (lambda: tf.train.AdagradOptimizer(0.01), ["Adagrad"], []),
    (lambda: tf.train.AdadeltaOptimizer(0.01), ["Adadelta", "Adadelta_1"], []),
    (lambda: tf.train.FtrlOptimizer(0.01), ["Ftrl", "Ftrl_1"], []),
    (lambda: tf.train.ProximalAdagradOptimizer(0.01), ["ProximalAdagrad"], []),
    (lambda: tf.train.GradientDescentOptimizer(0.01), [], []),
])
def test_slot_variables_are_global_non_trainable_and_named_as_tf1(make, suffixes, non_slot):
    w, b, v, loss = _model()
    gs = tf.Variable(0, name="global_step", trainable=False)
    before = [x.name for x in tf.global_variables()]
    opt = make()
    opt.minimize(loss, global_step=gs)
    assert [x.name for x in tf.trainable_variables()] == ["w:0", "b:0", "layer/v:0"]
    slots = [f"{p}/{s}:0" for p in ("w", "b", "layer/v") for s in suffixes]
    assert sorted(x.name for x in tf.global_variables()) == sorted(before + slots + non_slot)
    assert [x.name for x in opt.variables()] == sorted(slots + non_slot)
    # every slot of every variable is reachable through get_slot
    for name in opt.get_slot_names():
        for var in (w, b, v):
            assert opt.get_slot(var, name) in opt.variables()


def test_second_optimizer_gets_uniquified_slots_and_accumulators():
    w, b, v, loss = _model()
    tf.train.AdamOptimizer(0.1).minimize(loss)
    opt2 = tf.train.AdamOptimizer(0.1)
    opt2.minimize(loss)
    assert opt2.get_slot(w, "m").name == "w/Adam_2:0"
    assert opt2.get_slot(w, "v").name == "w/Adam_3:0"
    assert [x.name for x in opt2.variables() if "power" in x.name] == ["beta1_power_1:0", "beta2_power_1:0"]


def test_slots_follow_the_variable_scope_and_accumulators_the_name_scope():
    # TF1: slots are made by variable_scope(None, "<var>/<name>"), Adam's powers by tf.Variable
    w = tf.Variable(1.0, name="w")
    with tf.variable_scope("OptimizeLoss"):
        opt = tf.train.AdamOptimizer(0.1)
        train = opt.minimize(w * w)
    assert opt.get_slot(w, "m").name == "OptimizeLoss/w/Adam:0"
    assert sorted(x.name for x in opt.variables())[:2] == ["OptimizeLoss/beta1_power:0",
                                                           "OptimizeLoss/beta2_power:0"]
    assert train.name == "OptimizeLoss/Adam"


def test_op_names_and_train_op_collection():
    w, b, v, loss = _model()
    train = tf.train.AdamOptimizer(0.1).minimize(loss)
    assert train.name == "Adam" and train.type == "NoOp"
    g = tf.get_default_graph()
    assert g.get_operation_by_name("Adam/update_w/ApplyAdam").type == "ApplyAdam"
    assert g.get_operation_by_name("Adam/update_layer/v/ApplyAdam").type == "ApplyAdam"
    gs = tf.train.get_or_create_global_step()
    train2 = tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss, global_step=gs)
    assert train2.name == "Momentum" and train2.type == "AssignAdd"
    assert g.get_operation_by_name("Momentum/update").type == "NoOp"
    assert tf.get_collection(tf.GraphKeys.TRAIN_OP) == [train, train2]


def test_apply_gradients_skips_none_and_applies_edited_gradients():
    w, b, v, loss = _model()
    opt = tf.train.MomentumOptimizer(1.0, 0.5)
    gv = opt.compute_gradients(loss, var_list=[w, [b]])
    assert [x.name for _, x in gv] == ["w:0", "b:0"]
    step = opt.apply_gradients([(tf.ones_like(gv[0][0]), w), (None, b)])
    assert opt.get_slot(b, "momentum") is None           # no slot for a variable without gradient
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(step)
        s.run(step)
        np.testing.assert_allclose(s.run(w), np.ones((3, 2)) - 1.0 - 1.5)   # accum 1, then 1.5
        np.testing.assert_allclose(s.run(b), np.zeros(2))


def test_apply_gradients_errors():
    w, b, v, loss = _model()
    opt = tf.train.GradientDescentOptimizer(0.1)
    with pytest.raises(ValueError, match="No variables provided"):
        opt.apply_gradients([])
    with pytest.raises(ValueError, match="No gradients provided for any variable"):
        opt.apply_gradients([(None, w), (None, b)])
    with pytest.raises(NotImplementedError, match="unsupported type"):
        opt.apply_gradients([(tf.ones([2]), tf.ones([2]))])
    with pytest.raises(ValueError, match="gate_gradients"):
        opt.compute_gradients(loss, gate_gradients=7)
    with pytest.raises(ValueError, match="No variables to optimize"):
        opt.compute_gradients(loss, var_list=[])
    with pytest.raises(ValueError, match="Invalid type int32"):
        opt.compute_gradients(tf.constant(1))


@pytest.mark.parametrize("gate", [tf.train.Optimizer.GATE_NONE, tf.train.Optimizer.GATE_OP,
                                  tf.train.Optimizer.GATE_GRAPH])
def test_gate_gradients_all_give_the_same_step(gate):
    w, b, v, loss = _model()
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, gate_gradients=gate)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        s.run(train)
        # d/dw sum((1·w + b)^2) = 2 * (sum_i w_ij + b_j) = 6 for every entry
        np.testing.assert_allclose(s.run(w), np.full((3, 2), 1 - 0.1 * 6.0), rtol=1e-6)


def test_grad_loss_scales_the_gradient():
    w = tf.Variable([1.0, 2.0], name="w")
    train = tf.train.GradientDescentOptimizer(0.1).minimize(w * w, grad_loss=tf.constant([2.0, 0.5]))
    with tf.Session() as s:
        s.run(w.initializer)
        s.run(train)
        np.testing.assert_allclose(s.run(w), [1 - 0.1 * 2 * 2.0, 2 - 0.1 * 4 * 0.5])


def test_variable_constraint_is_applied_after_the_update():
    w = tf.Variable([1.0, -1.0], name="w", constraint=lambda x: tf.minimum(tf.maximum(x, -0.5), 0.5))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(w))
    with tf.Session() as s:
        s.run(w.initializer)
        s.run(train)
        np.testing.assert_allclose(s.run(w), [0.5, -0.5])


def test_adam_accumulators_advance_after_all_updates():
    w, b, v, loss = _model()
    opt = tf.train.AdamOptimizer(0.1, beta1=0.5, beta2=0.25)
    train = opt.minimize(loss)
    b1, b2 = (x for x in opt.variables() if "power" in x.name)
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        assert s.run([b1, b2]) == [0.5, 0.25]
        s.run(train)
        # the first step used the powers (0.5, 0.25), not their next values: alpha = 0.1 sqrt(0.75) / 0.5,
        # m = g / 2, v = 3 g^2 / 4, so every entry moved by alpha m / sqrt(v) = 0.1 against its gradient
        np.testing.assert_allclose(s.run(w), np.full((3, 2), 0.9), rtol=1e-6)
        np.testing.assert_allclose(s.run(v), [0.4, 0.4], rtol=1e-6)
        s.run(train)
        np.testing.assert_allclose(s.run([b1, b2]), [0.125, 0.25 ** 3])


def test_custom_optimizer_subclass_with_tf_ops():
    class SignSGD(tf.train.Optimizer):
        def __init__(self, lr):
            super().__init__(False, "SignSGD")
            self._lr = lr

        def _create_slots(self, var_list):
            for v in var_list:
                self._zeros_slot(v, "count", self._name)

        def _apply_dense(self, grad, var):
            count = self.get_slot(var, "count")
            return tf.group(tf.assign_sub(var, self._lr * tf.sign(grad)),
                            tf.assign_add(count, tf.ones_like(count)))

    w = tf.Variable([1.0, -2.0], name="w")
    opt = SignSGD(0.25)
    train = opt.minimize(tf.reduce_sum(w * w))
    assert opt.get_slot(w, "count").name == "w/SignSGD:0"
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        for _ in range(3):
            s.run(train)
        np.testing.assert_allclose(s.run(w), [0.25, -1.25])
        np.testing.assert_allclose(s.run(opt.get_slot(w, "count")), [3.0, 3.0])


def test_get_name_and_slot_names():
    assert tf.train.AdamOptimizer(name="MyAdam").get_name() == "MyAdam"
    with pytest.raises(ValueError):
        tf.train.GradientDescentOptimizer(0.1, name="")
    w = tf.Variable(1.0, name="w")
    opt = tf.train.RMSPropOptimizer(0.1, centered=True)
    assert opt.get_slot_names() == []
    opt.minimize(w * w)
    assert opt.get_slot_names() == ["mg", "momentum", "rms"]


def test_var_list_may_be_a_dict_view():
    # TF1's nest.flatten takes dict views: minimize(loss, var_list=weights.values()) (a common GAN idiom)
    w, b, v, loss = _model()
    weights = {"w": w, "b": b}
    gv = tf.train.GradientDescentOptimizer(0.1).compute_gradients(loss, var_list=weights.values())
    assert [var for _, var in gv] == [w, b]
    step = tf.train.GradientDescentOptimizer(0.1).minimize(loss, var_list=weights.values())
    with tf.Session() as s:
        s.run(tf.global_variables_initializer())
        v0 = s.run(v)
        s.run(step)
        assert not np.allclose(s.run(w), 1.0) and np.allclose(s.run(v), v0)   # v is not in var_list
