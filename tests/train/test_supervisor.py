"""tf.train.Supervisor / SessionManager (TF 1.15 semantics) and slim.learning.train on top of them."""
import glob
import os

import numpy as np
import pytest

import compat_tf as tf

X = np.array([[1.0, 2.0], [3.0, -1.0], [0.5, 0.5], [-2.0, 1.0]], np.float32)
Y = np.array([[1.0], [2.0], [0.0], [-1.0]], np.float32)


def _linear_model():
    w = tf.get_variable("w", [2, 1], initializer=tf.zeros_initializer())
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.constant(X), w) - Y))
    return w, loss


def _numpy_gd(steps, lr=0.1):
    w, losses = np.zeros((2, 1)), []
    for _ in range(steps):
        r = X @ w - Y
        losses.append(float(np.mean(r ** 2)))
        w = w - lr * (2.0 / len(X)) * X.T @ r
    return w, losses


def _session_logs(logdir):
    statuses = []
    for path in glob.glob(os.path.join(logdir, "events.out.tfevents.*")):
        for event in tf.train.summary_iterator(path):
            if event.HasField("session_log"):
                statuses.append(event.session_log.status)
    return statuses


def test_managed_session_trains_saves_and_restores(tmp_path):
    logdir = str(tmp_path)
    with tf.Graph().as_default():
        w, loss = _linear_model()
        gs = tf.train.get_or_create_global_step()
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=gs)
        sv = tf.train.Supervisor(logdir=logdir, save_model_secs=600, save_summaries_secs=600)
        assert tf.get_default_graph().finalized
        assert sv.global_step is gs and sv.save_path == os.path.join(logdir, "model.ckpt")
        with sv.managed_session() as sess:
            steps = 0
            while not sv.should_stop():
                sess.run(train)
                steps += 1
                if steps == 4:
                    sv.request_stop()
            trained = sess.run(w)
            sv.saver.save(sess, sv.save_path, global_step=gs)
    np.testing.assert_allclose(trained, _numpy_gd(4)[0], rtol=1e-5)
    # the checkpoint thread saves right away (TF1's timer loop), the script saved step 4
    assert os.path.exists(os.path.join(logdir, "model.ckpt-0.index"))
    assert tf.train.latest_checkpoint(logdir).endswith("model.ckpt-4")
    assert os.path.exists(os.path.join(logdir, "graph.pbtxt"))
    SessionLog = tf.SessionLog
    logs = _session_logs(logdir)
    assert logs[0] == SessionLog.START and SessionLog.CHECKPOINT in logs and logs[-1] == SessionLog.STOP
    # a new Supervisor on the same logdir restores instead of initialising
    with tf.Graph().as_default():
        w, _ = _linear_model()
        tf.train.get_or_create_global_step()
        sv = tf.train.Supervisor(logdir=logdir, save_model_secs=0)
        with sv.managed_session() as sess:
            np.testing.assert_allclose(sess.run(w), trained)
            assert sess.run(sv.global_step) == 4


def test_managed_session_reraises_errors_but_not_out_of_range(tmp_path):
    with tf.Graph().as_default():
        _linear_model()
        ds = tf.data.Dataset.range(2).make_one_shot_iterator().get_next()
        sv = tf.train.Supervisor(logdir=None)
        with pytest.raises(ValueError, match="boom"):
            with sv.managed_session():
                raise ValueError("boom")
        with sv.managed_session() as sess:          # an exhausted input ends the loop cleanly
            assert sv.should_stop() is False
            sess.run(ds), sess.run(ds)
            sess.run(ds)
        assert sv.should_stop()


def test_supervisor_non_chief_and_summary_computed(tmp_path):
    with tf.Graph().as_default():
        _linear_model()
        sv = tf.train.Supervisor(logdir=str(tmp_path), is_chief=False)
        assert sv.summary_writer is None and sv.save_path is None
        with pytest.raises(RuntimeError, match="Only chief supervisor can start standard services"):
            sv.start_standard_services(None)
        with pytest.raises(RuntimeError, match="Writing a summary requires a summary writer"):
            sv.summary_computed(None, b"")


def test_session_manager_prepare_session_errors():
    with tf.Graph().as_default():
        w, _ = _linear_model()
        sm = tf.train.SessionManager(ready_op=tf.report_uninitialized_variables())
        with pytest.raises(RuntimeError, match="Model is not initialized and no init_op"):
            sm.prepare_session("")
        with pytest.raises(RuntimeError, match="Init operations did not make model ready"):
            sm.prepare_session("", init_op=tf.no_op())
        sess = sm.prepare_session("", init_op=tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(w), np.zeros((2, 1)))


def test_slim_learning_train(tmp_path):
    slim = tf.contrib.slim
    logdir = str(tmp_path)
    with tf.Graph().as_default():
        w, loss = _linear_model()
        tf.losses.add_loss(loss)
        train_op = slim.learning.create_train_op(tf.losses.get_total_loss(), tf.train.GradientDescentOptimizer(0.1))
        final_loss = slim.learning.train(train_op, logdir, number_of_steps=5, save_summaries_secs=600,
                                         log_every_n_steps=0)
    expected_w, losses = _numpy_gd(5)
    np.testing.assert_allclose(final_loss, losses[-1], rtol=1e-5)
    # (by name: the Supervisor's checkpoint thread also saves at its start, as TF1's, and may finish last)
    assert tf.train.checkpoint_exists(os.path.join(logdir, "model.ckpt-5"))
    np.testing.assert_allclose(tf.train.load_variable(os.path.join(logdir, "model.ckpt-5"), "w"), expected_w, rtol=1e-5)
    # training again resumes from the checkpoint and stops at once (global step 5 >= 5)
    with tf.Graph().as_default():
        w, loss = _linear_model()
        train_op = slim.learning.create_train_op(loss, tf.train.GradientDescentOptimizer(0.1))
        slim.learning.train(train_op, logdir, number_of_steps=6, save_summaries_secs=600, log_every_n_steps=0)
    np.testing.assert_allclose(tf.train.load_variable(os.path.join(logdir, "model.ckpt-6"), "w"), _numpy_gd(6)[0],
                               rtol=1e-5)
