"""slim.evaluation / tf.contrib.training's evaluation helpers: evaluate_once restores a TF-written
checkpoint and gives tf-slim's final values and summary (tests/data/make_slim_data_fixtures.py),
evaluation_loop's stopping rules, checkpoints_iterator / wait_for_new_checkpoint."""
import glob
import json
import os
import shutil

import numpy as np
import pytest

import compat_tf as tf

slim = tf.contrib.slim
DATA = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data", "slim_data")


@pytest.fixture(scope="module")
def expected():
    with open(os.path.join(DATA, "expected.json")) as f:
        return json.load(f)["evaluation"]


@pytest.fixture
def ckpt_dir(tmp_path):
    """A copy of the TF-written checkpoint (global step 7)."""
    path = tmp_path / "train"
    shutil.copytree(os.path.join(DATA, "eval_ckpt"), path)
    return str(path)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def eval_model():
    """tests/data/make_slim_data_fixtures.py's eval_model."""
    x = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 4) / 10.0)
    q = tf.FIFOQueue(3, [tf.float32], shapes=[[4]])
    enq = q.enqueue_many([x])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [enq]))
    batch = q.dequeue()
    w = slim.model_variable("w", shape=[4], initializer=tf.ones_initializer())
    b = slim.model_variable("b", shape=[], initializer=tf.zeros_initializer())
    y = tf.reduce_sum(batch * w) + b
    mean, mean_update = tf.metrics.mean(y)
    total, total_update = tf.metrics.mean(batch)
    return mean, mean_update, total, total_update


def _events(logdir):
    out = []
    for path in sorted(glob.glob(os.path.join(logdir, "events.*"))):
        for e in tf.train.summary_iterator(path):
            for v in e.summary.value:
                out.append([v.tag, int(e.step), v.simple_value])
    return out


class _Recorder(tf.train.SessionRunHook):
    def __init__(self):
        self.runs, self.sessions = 0, 0

    def after_create_session(self, session, coord):
        self.sessions += 1

    def after_run(self, run_context, run_values):
        self.runs += 1


def test_evaluate_once_restores_and_returns_tf_slims_values(expected, ckpt_dir, tmp_path):
    tf.train.get_or_create_global_step()
    mean, mean_update, total, total_update = eval_model()
    tf.summary.scalar("eval/mean", mean)
    recorder = _Recorder()
    logdir = str(tmp_path / "eval")
    final = slim.evaluation.evaluate_once(
        "", tf.train.latest_checkpoint(ckpt_dir), logdir, num_evals=5, eval_op=[mean_update, total_update],
        final_op={"mean": mean, "total": total}, hooks=[recorder])
    assert final.keys() == expected["final"].keys()
    for k, v in expected["final"].items():
        np.testing.assert_allclose(final[k], v, rtol=1e-6)
    assert recorder.runs == 5 and recorder.sessions == 1
    got_events = _events(logdir)
    assert [e[:2] for e in got_events] == [e[:2] for e in expected["events"]]
    np.testing.assert_allclose([e[2] for e in got_events], [e[2] for e in expected["events"]], rtol=1e-6)
    assert sorted(v.op.name for v in tf.local_variables()) == expected["local_variables"]
    assert tf.get_collection(tf.GraphKeys.EVAL_STEP)[0].op.name == "eval_step"


def test_evaluate_once_variables_to_restore_and_no_summary(ckpt_dir, tmp_path):
    mean, mean_update, _, _ = eval_model()
    logdir = str(tmp_path / "eval")
    final = slim.evaluation.evaluate_once(
        "", os.path.join(ckpt_dir, "model.ckpt-7"), logdir, num_evals=1, eval_op=mean_update, final_op=mean,
        summary_op=None, variables_to_restore=slim.get_model_variables())
    # first row 0..0.3 of the input: 0.1 * -1 + 0.2 * 2 + 0.3 * 0.25 + 0.75 (w, b from the checkpoint)
    np.testing.assert_allclose(final, 0.0 * 0.5 - 0.1 + 0.4 + 0.075 + 0.75, rtol=1e-6)
    assert not glob.glob(os.path.join(logdir, "events.*"))


def test_evaluate_once_until_the_input_ends(ckpt_dir, tmp_path):
    """num_evals=None: the eval op runs until the input raises OutOfRangeError (a clean stop)."""
    x = tf.train.limit_epochs(tf.constant([1.0, 2.0, 4.0]), num_epochs=2)
    q = tf.FIFOQueue(8, [tf.float32], shapes=[[]])
    tf.train.add_queue_runner(tf.train.QueueRunner(q, [q.enqueue_many([x])]))
    slim.model_variable("w", shape=[4])
    slim.model_variable("b", shape=[])
    mean, update = tf.metrics.mean(q.dequeue())
    final = slim.evaluation.evaluate_once("", os.path.join(ckpt_dir, "model.ckpt-7"), str(tmp_path / "e"),
                                          num_evals=None, eval_op=update, final_op=mean, summary_op=None)
    np.testing.assert_allclose(final, 7.0 / 3.0, rtol=1e-6)


def test_evaluation_loop_evaluates_each_new_checkpoint_until_timeout(ckpt_dir, tmp_path):
    gs = tf.train.get_or_create_global_step()
    mean, mean_update, _, _ = eval_model()
    seen = []

    class StepHook(tf.train.SessionRunHook):
        def after_create_session(self, session, coord):
            seen.append(int(session.run(gs)))

    calls = []

    def timeout_fn():
        """First timeout: a trainer writes step 9 (w doubled) and training goes on; then it ended."""
        calls.append(1)
        if len(calls) > 1:
            return True
        with tf.Graph().as_default(), tf.Session() as s:
            reader = tf.train.NewCheckpointReader(os.path.join(ckpt_dir, "model.ckpt-7"))
            step = tf.train.get_or_create_global_step()
            w = tf.Variable(2 * reader.get_tensor("w"), name="w")
            b = tf.Variable(reader.get_tensor("b"), name="b")
            s.run(tf.global_variables_initializer())
            s.run(tf.assign(step, 9))
            tf.train.Saver([step, w, b]).save(s, os.path.join(ckpt_dir, "model.ckpt"), global_step=9)
        return False

    final = slim.evaluation.evaluation_loop(
        "", ckpt_dir, str(tmp_path / "eval"), num_evals=1, eval_op=mean_update, final_op=mean,
        eval_interval_secs=0, timeout=0.2, timeout_fn=timeout_fn, hooks=[StepHook()])
    assert seen == [7, 9] and len(calls) == 2
    # the last evaluation's value: row 0 with w doubled (the eval_step and metrics restart each time)
    np.testing.assert_allclose(final, 2 * (-0.1 + 0.4 + 0.075) + 0.75, rtol=1e-6)


def test_evaluation_loop_stops_after_max_number_of_evaluations(ckpt_dir, tmp_path):
    mean, mean_update, _, _ = eval_model()
    recorder = _Recorder()
    final = slim.evaluation.evaluation_loop(
        "", ckpt_dir, str(tmp_path / "eval"), num_evals=2, eval_op=mean_update, final_op=mean,
        eval_interval_secs=0, max_number_of_evaluations=1, hooks=[recorder])
    assert (recorder.sessions, recorder.runs) == (1, 2)
    np.testing.assert_allclose(final, ((-0.1 + 0.4 + 0.075 + 0.75) + (0.2 - 0.5 + 1.2 + 0.175 + 0.75)) / 2,
                               rtol=1e-6)


def test_checkpoint_waiting_helpers(ckpt_dir, tmp_path):
    empty = str(tmp_path / "empty")
    os.makedirs(empty)
    assert slim.evaluation.wait_for_new_checkpoint(empty, seconds_to_sleep=0.05, timeout=0.1) is None
    latest = os.path.join(ckpt_dir, "model.ckpt-7")
    assert slim.evaluation.wait_for_new_checkpoint(ckpt_dir, timeout=0) == latest
    assert slim.evaluation.wait_for_new_checkpoint(ckpt_dir, latest, seconds_to_sleep=0.05, timeout=0.1) is None
    assert list(tf.contrib.training.checkpoints_iterator(ckpt_dir, timeout=0.1)) == [latest]


def test_eval_step_is_one_local_variable():
    step = tf.contrib.training.get_or_create_eval_step()
    assert step is tf.contrib.training.get_or_create_eval_step()
    assert step.dtype.base_dtype == tf.int64 and step in tf.local_variables()
    tf.add_to_collection(tf.GraphKeys.EVAL_STEP, tf.constant(0))
    with pytest.raises(ValueError, match="Multiple tensors added to tf.GraphKeys.EVAL_STEP"):
        tf.contrib.training.get_or_create_eval_step()
    with pytest.raises(ValueError, match="One of log_dir or summary_writer should be used."):
        slim.evaluation.SummaryAtEndHook()
