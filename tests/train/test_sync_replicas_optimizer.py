"""tf.train.SyncReplicasOptimizer in one process against TF 1.15's aggregation (values recorded from TF).

TF's runs were recorded with the fewest initial tokens (`num_tokens=R-N`), the setting in which
TF1's chief applies each update before any worker computes the next gradient (deterministic), so
every run's variables, global step and train-op value are exact. The cluster case (gradients of
several workers per run) is in tests/parallel/test_cluster.py.
"""
import numpy as np
import pytest

import compat_tf as tf
from cluster_fixtures import TF1

X = np.random.RandomState(3).randn(6, 8, 3).astype(np.float32)
Y = np.random.RandomState(4).randn(6, 8, 2).astype(np.float32)
W0 = np.random.RandomState(5).randn(3, 2).astype(np.float32)


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    y = tf.placeholder(tf.float32, [None, 2], name="y")
    w = tf.get_variable("w", initializer=tf.constant(W0))
    b = tf.get_variable("b", [2], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    return x, y, w, b, loss


CASES = {
    "gd_r1": lambda: tf.train.GradientDescentOptimizer(0.2),
    "gd_r3_n1": lambda: tf.train.GradientDescentOptimizer(0.2),
    "adam_r2_n1": lambda: tf.train.AdamOptimizer(0.05),
    "momentum_r2_n1_ema": lambda: tf.train.MomentumOptimizer(0.1, 0.9),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_updates_match_tf(name):
    rec = TF1[f"sync/{name}"]
    with tf.Graph().as_default():
        x, y, w, b, loss = _model()
        gs = tf.train.get_or_create_global_step()
        ema = tf.train.ExponentialMovingAverage(0.5) if name.endswith("ema") else None
        opt = tf.train.SyncReplicasOptimizer(CASES[name](), rec["replicas"], rec["total"], variable_averages=ema,
                                             variables_to_average=[w] if ema else None)
        train_op = opt.minimize(loss, global_step=gs)
        hook = opt.make_session_run_hook(True, num_tokens=rec["num_tokens"])
        with tf.train.MonitoredTrainingSession(hooks=[hook], save_checkpoint_secs=None,
                                               save_summaries_steps=None) as sess:
            for i, want in enumerate(rec["steps"]):
                assert int(sess.run(train_op, {x: X[i], y: Y[i]})) == want["train_op"], i
                assert int(sess.run(gs)) == want["global_step"], i
                np.testing.assert_allclose(sess.run(w), want["w"], rtol=1e-5, atol=1e-6, err_msg=f"run {i}")
                np.testing.assert_allclose(sess.run(b), want["b"], rtol=1e-5, atol=1e-6, err_msg=f"run {i}")
                if ema:
                    np.testing.assert_allclose(sess.run(ema.average(w)), want["w_ema"], rtol=1e-5, atol=1e-6)
        local = sorted(v.op.name for v in tf.local_variables())
        assert set(rec["local_vars"]) <= set(local)
        # compat_tf's accumulators are local variables (not saved), made only when runs accumulate
        assert all(n in rec["local_vars"] or n.startswith("sync_replicas/") for n in local)
        assert not any(v.op.name.startswith("sync_replicas/") for v in tf.global_variables())


def test_errors_match_tf():
    with tf.Graph().as_default():
        x, y, w, b, loss = _model()
        opt = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), replicas_to_aggregate=2)
        for key, call in [("hook_before_apply", lambda: opt.make_session_run_hook(True).begin()),
                          ("tokens_before_apply", opt.get_init_tokens_op),
                          ("no_global_step", lambda: opt.minimize(loss))]:
            cls, msg = TF1[f"sync/err/{key}"]
            with pytest.raises(ValueError) as e:
                call()
            assert cls == "ValueError" and str(e.value) == msg
        with pytest.raises(ValueError, match="Should be called after apply_gradients"):
            opt.get_chief_queue_runner()
        gs = tf.train.get_or_create_global_step()
        opt2 = tf.train.SyncReplicasOptimizer(tf.train.GradientDescentOptimizer(0.1), replicas_to_aggregate=3,
                                              total_num_replicas=1)
        opt2.minimize(loss, global_step=gs)
        with pytest.raises(ValueError) as e:
            opt2.get_init_tokens_op(num_tokens=1)
        assert str(e.value) == TF1["sync/err/too_few_tokens"][1]
        assert opt2.get_slot_names() == TF1["sync/slot_names"]
        assert opt2.get_chief_queue_runner().create_threads(None) == []


def test_wrapped_optimizer_slots_and_plain_session_protocol():
    """A plain Session driving TF1's chief protocol by hand (init, local step init, init tokens)."""
    with tf.Graph().as_default():
        x, y, w, b, loss = _model()
        gs = tf.train.get_or_create_global_step()
        opt = tf.train.SyncReplicasOptimizer(tf.train.MomentumOptimizer(0.1, 0.9), replicas_to_aggregate=2)
        train_op = opt.minimize(loss, global_step=gs)
        assert opt.get_slot(w, "momentum") is not None and opt.get_slot_names() == ["momentum"]
        assert {v.op.name for v in opt.variables()} == {"w/Momentum", "b/Momentum"}
        with tf.Session() as sess:
            sess.run([tf.global_variables_initializer(), tf.local_variables_initializer()])
            sess.run(opt.chief_init_op)
            sess.run(opt.get_init_tokens_op())
            assert sess.run(opt.ready_for_local_init_op).size == 0
            w_before = sess.run(w)
            sess.run(train_op, {x: X[0], y: Y[0]})
            np.testing.assert_array_equal(sess.run(w), w_before)        # 1 of 2 gradients: no update yet
            sess.run(train_op, {x: X[1], y: Y[1]})
            assert sess.run(gs) == 1
            w_after = sess.run(w)
    # the update is one momentum step (accumulator 0 -> g) on the mean of the two runs' gradients
    grads = [2.0 / 16 * X[i].T @ (X[i] @ W0 - Y[i]) for i in range(2)]
    np.testing.assert_allclose(w_before, W0)
    np.testing.assert_allclose(w_after, W0 - 0.1 * (grads[0] + grads[1]) / 2, rtol=1e-5, atol=1e-6)
