"""tfe.defun: one trace per input signature, run through the graph runtime, variables updated."""
import numpy as np
import pytest

import compat_tf as tf

tfe = tf.contrib.eager


def test_traces_once_per_signature_and_reads_variables_when_called():
    w, b = tf.Variable(2.0), tf.Variable(1.0)
    traces = []

    @tfe.defun
    def f(x):
        traces.append(x.shape)
        return w * x + b
    assert f(tf.constant([1.0, 2.0])).numpy().tolist() == [3.0, 5.0]
    assert f(tf.constant([3.0, 4.0])).numpy().tolist() == [7.0, 9.0]
    assert len(traces) == 1                              # same shape and dtype: one trace
    w.assign(3.0)
    assert f(tf.constant([1.0, 2.0])).numpy().tolist() == [4.0, 7.0]   # variables read at call time
    f(tf.constant(1.0))
    f(np.ones(3, np.float32))
    assert len(traces) == 3
    assert isinstance(f.get_concrete_function(tf.constant([1.0, 2.0])).graph, tf.Graph)


def test_python_arguments_are_part_of_the_signature():
    traces = []

    @tfe.defun
    def f(x, power):
        traces.append(power)
        return x ** power
    assert f(tf.constant(2.0), 2).numpy() == 4.0 and f(tf.constant(2.0), 3).numpy() == 8.0
    assert f(tf.constant(5.0), 2).numpy() == 25.0 and traces == [2, 3]


def test_input_signature_accepts_any_batch():
    traces = []

    @tfe.defun(input_signature=[tfe.TensorSpec([None, 2], tf.float32)])
    def f(x):
        traces.append(1)
        return tf.reduce_sum(x, axis=1)
    assert f(tf.ones([3, 2])).numpy().tolist() == [2.0] * 3 and f(tf.ones([1, 2])).numpy().tolist() == [2.0]
    assert len(traces) == 1
    with pytest.raises(ValueError, match="input_signature"):
        f(tf.ones([3, 3]))


def test_a_training_step_in_defun_updates_the_model_like_eager_code():
    def run(use_defun):
        tf.keras.backend.clear_session()
        model = tf.keras.Sequential([tf.keras.layers.Dense(4, activation="relu", input_shape=(3,)),
                                     tf.keras.layers.Dense(1)])
        model.set_weights([np.full(w.shape, 0.1 * (i + 1), np.float32) for i, w in enumerate(model.get_weights())])
        opt = tf.train.AdamOptimizer(0.05)
        step = tf.Variable(0, dtype=tf.int64, trainable=False)
        x = tf.constant(np.linspace(-1, 1, 24, dtype=np.float32).reshape(8, 3))
        y = tf.reduce_sum(x, 1, keepdims=True)

        def train_step(x, y):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(x) - y))
            grads = tape.gradient(loss, model.trainable_variables)
            opt.apply_gradients(zip(grads, model.trainable_variables), global_step=step)
            return loss
        fn = tfe.defun(train_step) if use_defun else train_step
        losses = [float(fn(x, y).numpy()) for _ in range(5)]
        return losses, [w.copy() for w in model.get_weights()], int(step.numpy())
    eager, traced = run(False), run(True)
    np.testing.assert_allclose(traced[0], eager[0], rtol=1e-5)
    for a, b in zip(traced[1], eager[1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert traced[2] == eager[2] == 5


def test_untraceable_python_control_flow_runs_eagerly_and_tapes_see_through():
    @tfe.defun
    def absolute(x):
        return x if x > 0 else -x
    assert absolute(tf.constant(-3.0)).numpy() == 3.0 and absolute(tf.constant(2.0)).numpy() == 2.0
    v = tf.Variable(3.0)

    @tfe.defun
    def square(x):
        return x * v * v
    with tf.GradientTape() as t:
        y = square(tf.constant(2.0))
    assert t.gradient(y, v).numpy() == 12.0


def test_effects_run_without_outputs_and_graph_calls_inline():
    c = tf.Variable(0.0)

    @tfe.defun
    def bump():
        c.assign_add(1.0)
    bump()
    bump()
    assert c.numpy() == 2.0
    with tf.Graph().as_default():
        t = tfe.defun(lambda x: x * 2.0)(tf.constant(3.0))
        assert isinstance(t, tf.Tensor) and t.op.graph is tf.get_default_graph()
