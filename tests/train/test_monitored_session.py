"""tf.train.MonitoredSession / MonitoredTrainingSession and the basic SessionRunHooks (TF1 semantics)."""
import glob
import logging
import os

import numpy as np
import pytest

import compat_tf as tf


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default() as g:
        yield g
    tf.summary.FileWriterCache.clear()


def _linear_model():
    gs = tf.train.get_or_create_global_step()
    x = tf.constant(np.arange(8, dtype=np.float32).reshape(8, 1))
    y = 3.0 * x + 1.0
    w = tf.Variable(np.zeros((1, 1), np.float32), name="w")
    b = tf.Variable(np.zeros((1,), np.float32), name="b")
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
    train_op = tf.train.GradientDescentOptimizer(0.02).minimize(loss, global_step=gs)
    return gs, loss, train_op, w


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@pytest.fixture
def tf_log():
    logger = tf.logging.get_logger() if hasattr(tf.logging, "get_logger") else logging.getLogger("tensorflow")
    old = logger.level
    handler = _Capture()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield handler.messages
    logger.removeHandler(handler)
    logger.setLevel(old)


def test_train_stops_at_step_checkpoints_and_resumes(tmp_path, _graph):
    ckpt_dir = str(tmp_path)
    gs, loss, train_op, w = _linear_model()
    losses = []
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt_dir, save_checkpoint_steps=4,
                                           hooks=[tf.train.StopAtStepHook(last_step=10)]) as sess:
        assert _graph.finalized
        while not sess.should_stop():
            _, loss_value = sess.run([train_op, loss])
            losses.append(loss_value)
    assert not _graph.finalized           # MonitoredSession unfinalizes a graph it finalized
    assert len(losses) == 10
    assert losses[-1] < losses[0] * 0.5
    assert tf.train.latest_checkpoint(ckpt_dir).endswith("model.ckpt-10")
    # saved at creation (0), every 4 steps (4, 8) and at the end (10)
    steps = sorted(int(p.split("-")[-1].split(".")[0]) for p in glob.glob(os.path.join(ckpt_dir, "model.ckpt-*.index")))
    assert steps == [0, 4, 8, 10]
    w_saved = tf.train.load_variable(ckpt_dir, "w")
    assert tf.train.load_variable(ckpt_dir, "global_step") == 10

    # a second session restores w and the global step, and num_steps counts from there
    n = 0
    with tf.train.MonitoredTrainingSession(checkpoint_dir=ckpt_dir,
                                           hooks=[tf.train.StopAtStepHook(num_steps=5)]) as sess:
        start_step, w_start = sess.run([gs, w])
        assert start_step == 10
        np.testing.assert_allclose(w_start, w_saved)
        while not sess.should_stop():
            sess.run(train_op)
            n += 1
    # the first run above already counted in the hooks' view (no train op): 5 train steps to reach 15
    assert n == 5
    assert tf.train.load_variable(ckpt_dir, "global_step") == 15


def test_hooks_merge_fetches_and_feeds_and_call_order(_graph):
    gs = tf.train.get_or_create_global_step()
    inc = tf.assign_add(gs, 1)
    p = tf.placeholder(tf.float32, [])
    q = tf.placeholder(tf.float32, [])
    out = p * 2.0 + q
    calls = []

    class Hook(tf.train.SessionRunHook):
        def begin(self):
            calls.append("begin")

        def after_create_session(self, session, coord):
            calls.append(("create", int(session.run(gs)), isinstance(coord, tf.train.Coordinator)))

        def before_run(self, run_context):
            calls.append(("before", run_context.original_args.fetches is inc))
            return tf.train.SessionRunArgs({"o": out}, feed_dict={q: 100.0})

        def after_run(self, run_context, run_values):
            calls.append(("after", float(run_values.results["o"])))
            if run_values.results["o"] > 105:
                run_context.request_stop()

        def end(self, session):
            calls.append(("end", int(session.run(gs))))

    with tf.train.MonitoredSession(hooks=[Hook()]) as sess:
        r = sess.run(inc, feed_dict={p: 1.0})
        assert r == 1
        assert not sess.should_stop()
        sess.run(inc, feed_dict={p: 3.0})
        assert sess.should_stop()
        with pytest.raises(RuntimeError, match="should_stop"):
            sess.run(inc, feed_dict={p: 3.0})
    assert calls == ["begin", ("create", 0, True), ("before", True), ("after", 102.0),
                     ("before", True), ("after", 106.0), ("end", 2)]


def test_logging_tensor_hook_logs_every_n_iter(tf_log):
    gs = tf.train.get_or_create_global_step()
    inc = tf.assign_add(gs, 1)
    p = tf.placeholder(tf.float32, [], name="p")
    tf.identity(p * 10, name="ten")
    hook = tf.train.LoggingTensorHook({"x": p, "ten": "ten"}, every_n_iter=3)
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        for i in range(7):
            sess.run(inc, feed_dict={p: float(i)})
    logged = [m for m in tf_log if " = " in m]
    # local iterations 0, 3, 6 log (the first run always logs); tags sorted, later ones with the elapsed time
    assert len(logged) == 3
    assert logged[0] == "ten = 0.0, x = 0.0"
    assert logged[1].startswith("ten = 30.0, x = 3.0 (") and logged[1].endswith(" sec)")
    assert logged[2].startswith("ten = 60.0, x = 6.0 (")


def test_logging_tensor_hook_formatter_and_at_end(tf_log):
    gs = tf.train.get_or_create_global_step()
    inc = tf.assign_add(gs, 1)
    hook = tf.train.LoggingTensorHook([gs.name if hasattr(gs, "name") else gs], at_end=True,
                                      formatter=lambda v: "FINAL %d" % list(v.values())[0])
    with tf.train.SingularMonitoredSession(hooks=[hook]) as sess:
        for _ in range(4):
            sess.run(inc)
    assert [m for m in tf_log if m.startswith("FINAL")] == ["FINAL 4"]
    with pytest.raises(ValueError):
        tf.train.LoggingTensorHook([gs], every_n_iter=2, every_n_secs=3)


def test_nan_tensor_hook_raises_and_can_request_stop():
    gs = tf.train.get_or_create_global_step()
    inc = tf.assign_add(gs, 1)
    loss = tf.placeholder(tf.float32, [])
    values = [1.0, 2.0, np.nan, 4.0]
    n = 0
    with pytest.raises(tf.train.NanLossDuringTrainingError, match="NaN loss during training"):
        with tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(loss)]) as sess:
            while not sess.should_stop():
                sess.run(inc, feed_dict={loss: values[n]})
                n += 1
    assert n == 2          # the third run (NaN) raised
    n = 0
    with tf.train.MonitoredSession(hooks=[tf.train.NanTensorHook(loss, fail_on_nan_loss=False)]) as sess:
        while not sess.should_stop():
            sess.run(inc, feed_dict={loss: values[n]})
            n += 1
    assert n == 3          # the NaN run requested a stop instead


def test_exhausted_dataset_ends_training_cleanly(tmp_path):
    gs = tf.train.get_or_create_global_step()
    ds = tf.data.Dataset.from_tensor_slices(np.arange(7, dtype=np.float32)).batch(2)
    batch = tf.data.make_one_shot_iterator(ds).get_next()
    total = tf.Variable(0.0, name="total")
    step = tf.group(tf.assign_add(total, tf.reduce_sum(batch)), tf.assign_add(gs, 1))
    final = tf.train.FinalOpsHook(total)
    seen = 0
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), hooks=[final]) as sess:
        while not sess.should_stop():
            sess.run(step)
            seen += 1
    assert seen == 4                                 # batches [0,1] [2,3] [4,5] [6]
    assert final.final_ops_values == pytest.approx(21.0)   # end() ran after OutOfRangeError
    assert tf.train.load_variable(str(tmp_path), "global_step") == 4   # final checkpoint at end


def test_out_of_range_sets_should_stop():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(2, dtype=np.int64))
    nxt = tf.data.make_one_shot_iterator(ds).get_next()
    with tf.train.MonitoredSession() as sess:
        assert [sess.run(nxt), sess.run(nxt)] == [0, 1]
        with pytest.raises(tf.errors.OutOfRangeError):
            sess.run(nxt)
        assert sess.should_stop()


def test_summaries_written_to_checkpoint_dir(tmp_path):
    gs, loss, train_op, _ = _linear_model()
    tf.summary.scalar("loss", loss)
    with tf.train.MonitoredTrainingSession(checkpoint_dir=str(tmp_path), save_summaries_steps=3,
                                           log_step_count_steps=2, save_checkpoint_secs=None,
                                           hooks=[tf.train.StopAtStepHook(last_step=7)]) as sess:
        while not sess.should_stop():
            sess.run(train_op)
    tf.summary.FileWriterCache.clear()
    files = glob.glob(os.path.join(str(tmp_path), "events.out.tfevents.*"))
    assert files
    loss_steps, rate_steps, has_graph, start = [], [], False, False
    for f in files:
        for ev in tf.train.summary_iterator(f):
            has_graph |= ev.HasField("graph_def")
            if ev.HasField("session_log") and ev.session_log.status == tf.SessionLog.START:
                start = True
            for v in ev.summary.value:
                if v.tag == "loss":
                    loss_steps.append(ev.step)
                if v.tag == "global_step/sec":
                    rate_steps.append(ev.step)
    # summary fetched at the runs whose post-run global step is 1, 4, 7
    assert loss_steps == [1, 4, 7]
    assert rate_steps == [3, 5, 7]   # first trigger at step 1 (no rate yet), then every 2 steps
    assert start
    assert not glob.glob(os.path.join(str(tmp_path), "*.index"))   # no checkpoint hook


def test_scaffold_uses_collections_and_custom_init_fn():
    v = tf.Variable(5.0, name="v")
    tf.train.get_or_create_global_step()
    assign = tf.assign(v, 42.0)
    scaffold = tf.train.Scaffold(init_fn=lambda sc, sess: sess.run(assign))
    with tf.train.MonitoredSession(session_creator=tf.train.ChiefSessionCreator(scaffold=scaffold)) as sess:
        assert sess.run(v) == 42.0
        assert scaffold.saver is tf.get_collection(tf.GraphKeys.SAVERS)[0]
        assert tf.get_collection(tf.GraphKeys.INIT_OP) == [scaffold.init_op]
    # a model nobody initialises is not ready
    with tf.Graph().as_default():
        tf.Variable(1.0)
        sc = tf.train.Scaffold(init_op=tf.no_op())
        with pytest.raises(RuntimeError, match="not ready|not initialized"):
            tf.train.MonitoredSession(session_creator=tf.train.ChiefSessionCreator(scaffold=sc))


def test_feed_fn_hook_and_second_or_step_timer():
    p = tf.placeholder(tf.float32, [])
    doubled = p * 2
    tf.train.get_or_create_global_step()
    with tf.train.MonitoredSession(hooks=[tf.train.FeedFnHook(lambda: {p: 7.0})]) as sess:
        assert sess.run(doubled) == 14.0
    t = tf.train.SecondOrStepTimer(every_steps=5)
    assert t.should_trigger_for_step(0)
    t.update_last_triggered_step(0)
    assert not t.should_trigger_for_step(4) and t.should_trigger_for_step(5)
    with pytest.raises(ValueError):
        tf.train.SecondOrStepTimer()
    with pytest.raises(ValueError):
        tf.train.StopAtStepHook()


def test_queue_runners_started_with_coordinator():
    tf.train.get_or_create_global_step()
    q = tf.FIFOQueue(10, tf.int32, shapes=[])
    counter = tf.Variable(0, name="c")
    enq = q.enqueue(tf.assign_add(counter, 1))
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [enq]))
    deq = q.dequeue()
    with tf.train.MonitoredSession() as sess:
        got = [sess.run(deq) for _ in range(5)]
    assert got == [1, 2, 3, 4, 5]
