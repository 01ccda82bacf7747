"""tf.contrib.training's evaluation helpers (TF 1.15 contrib/training/python/training/evaluation.py,
over tensorflow/python/training/evaluation.py): checkpoints_iterator, wait_for_new_checkpoint,
StopAfterNEvalsHook, SummaryAtEndHook, get_or_create_eval_step, evaluate_once,
evaluate_repeatedly. TF-Slim's evaluation module is built on them.

As TF 1.15: the eval step is an int64 local variable "eval_step" in LOCAL_VARIABLES and
GraphKeys.EVAL_STEP; evaluate_once adds `assign_add(eval_step, 1)` to the eval ops and gives
StopAfterNEvalsHook the step's value read after them, runs a MonitoredSession (a
ChiefSessionCreator restoring `checkpoint_path`, so init_op only runs without a checkpoint and
local variables and tables are initialised by the local init op) until a hook requests a stop or
the input raises OutOfRangeError, and returns the values of `final_ops` fetched by a FinalOpsHook
in end(). SummaryAtEndHook runs the summary op once in end() and writes it at the global step
(it creates a global step if the graph has none, which a checkpoint must then hold).
evaluate_repeatedly evaluates each new checkpoint of checkpoints_iterator; the eval step restarts
at zero in each session (it is a local variable).
"""
import math
import time

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.ops import control_flow_ops, init_ops, state_ops
from compat_tf._src.ops import variable_scope as _vs
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train import basic_session_run_hooks, monitored_session, training_util
from compat_tf._src.train.checkpoint_management import latest_checkpoint
from compat_tf._src.train.session_run_hook import SessionRunArgs, SessionRunHook

__all__ = ["StopAfterNEvalsHook", "SummaryAtEndHook", "checkpoints_iterator", "evaluate_once",
           "evaluate_repeatedly", "get_or_create_eval_step", "wait_for_new_checkpoint"]


def get_or_create_eval_step():
    """The graph's eval step counter (an int64 local variable "eval_step", zero-initialised, in
    GraphKeys.EVAL_STEP); ValueError when that collection holds several tensors."""
    graph = _graph.get_default_graph()
    eval_steps = graph.get_collection(GraphKeys.EVAL_STEP)
    if len(eval_steps) == 1:
        return eval_steps[0]
    if len(eval_steps) > 1:
        raise ValueError("Multiple tensors added to tf.GraphKeys.EVAL_STEP")
    return _vs.get_variable("eval_step", shape=[], dtype=_dtypes.int64,
                            initializer=init_ops.zeros_initializer(), trainable=False,
                            collections=[GraphKeys.LOCAL_VARIABLES, GraphKeys.EVAL_STEP])


def _latest_eval_step_value(update_ops):
    if isinstance(update_ops, dict):
        update_ops = list(update_ops.values())
    with _graph.control_dependencies(update_ops):
        return control_flow_ops.identity(get_or_create_eval_step().read_value())


class StopAfterNEvalsHook(SessionRunHook):
    """Requests a stop once the eval step reaches `num_evals` (None: run until the input ends);
    logs "Evaluation [k/N]" (every N/10 evaluations from 20 on)."""

    def __init__(self, num_evals, log_progress=True):
        self._num_evals = num_evals
        self._evals_completed = None
        self._log_progress = log_progress
        self._log_frequency = 1 if (num_evals is None or num_evals < 20) else math.floor(num_evals / 10.0)

    def _set_evals_completed_tensor(self, updated_eval_step):
        self._evals_completed = updated_eval_step

    def before_run(self, run_context):
        return SessionRunArgs({"evals_completed": self._evals_completed})

    def after_run(self, run_context, run_values):
        evals_completed = run_values.results["evals_completed"]
        if self._log_progress:
            if self._num_evals is None:
                logging.info("Evaluation [%d]", evals_completed)
            elif evals_completed % self._log_frequency == 0 or self._num_evals == evals_completed:
                logging.info("Evaluation [%d/%d]", evals_completed, self._num_evals)
        if self._num_evals is not None and evals_completed >= self._num_evals:
            run_context.request_stop()


class SummaryAtEndHook(SessionRunHook):
    """Runs `summary_op` (default: merge_all() at begin()) once at the end of the session and writes
    it to `summary_writer` or the FileWriterCache writer of `log_dir`, at the global step."""

    def __init__(self, log_dir=None, summary_writer=None, summary_op=None, feed_dict=None):
        self._summary_op = summary_op
        self._replace_summary_op = summary_op is None
        self._feed_dict = feed_dict
        self._summary_writer = summary_writer
        self._log_dir = log_dir
        if self._log_dir is None and self._summary_writer is None:
            raise ValueError("One of log_dir or summary_writer should be used.")

    def begin(self):
        from compat_tf._src.summary import summary_ops
        if self._replace_summary_op:
            self._summary_op = summary_ops.merge_all()
        self._global_step = training_util.get_or_create_global_step()

    def after_create_session(self, session, coord):
        from compat_tf._src.summary.writer import FileWriterCache
        if self._summary_writer is None and self._log_dir:
            self._summary_writer = FileWriterCache.get(self._log_dir)

    def end(self, session):
        if self._summary_op is not None:
            global_step = training_util.global_step(session, self._global_step)
            summary_str = session.run(self._summary_op, self._feed_dict)
            if self._summary_writer:
                self._summary_writer.add_summary(summary_str, global_step)
        if self._summary_writer:
            self._summary_writer.flush()


def wait_for_new_checkpoint(checkpoint_dir, last_checkpoint=None, seconds_to_sleep=1, timeout=None):
    """The latest checkpoint of `checkpoint_dir` once it differs from `last_checkpoint` (polled every
    seconds_to_sleep), or None when `timeout` seconds pass first."""
    logging.info("Waiting for new checkpoint at %s", checkpoint_dir)
    stop_time = time.time() + timeout if timeout is not None else None
    while True:
        checkpoint_path = latest_checkpoint(checkpoint_dir)
        if checkpoint_path is None or checkpoint_path == last_checkpoint:
            if stop_time is not None and time.time() + seconds_to_sleep > stop_time:
                return None
            time.sleep(seconds_to_sleep)
        else:
            logging.info("Found new checkpoint at %s", checkpoint_path)
            return checkpoint_path


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yields each new checkpoint path of `checkpoint_dir`, at most one per min_interval_secs; on a
    `timeout` it stops, unless `timeout_fn` returns False (then it waits again)."""
    checkpoint_path = None
    while True:
        new_checkpoint_path = wait_for_new_checkpoint(checkpoint_dir, checkpoint_path, timeout=timeout)
        if new_checkpoint_path is None:
            if not timeout_fn:
                logging.info("Timed-out waiting for a checkpoint.")
                return
            if timeout_fn():
                return
            continue
        start = time.time()
        checkpoint_path = new_checkpoint_path
        yield checkpoint_path
        time_to_next_eval = start + min_interval_secs - time.time()
        if time_to_next_eval > 0:
            time.sleep(time_to_next_eval)


def _with_eval_step_update(eval_ops, hooks, eval_step, read_after):
    """eval_ops plus `assign_add(eval_step, 1)`; the StopAfterNEvalsHooks get the step's value."""
    update_eval_step = state_ops.assign_add(eval_step, 1, use_locking=True)
    if isinstance(eval_ops, dict):
        eval_ops["update_eval_step"] = update_eval_step
    elif isinstance(eval_ops, (tuple, list)):
        eval_ops = list(eval_ops) + [update_eval_step]
    else:
        eval_ops = [eval_ops, update_eval_step]
    completed = _latest_eval_step_value(eval_ops) if read_after else update_eval_step
    for h in hooks:
        if isinstance(h, StopAfterNEvalsHook):
            h._set_evals_completed_tensor(completed)
    return eval_ops


def _run_evaluation(checkpoint_path, master, scaffold, eval_ops, feed_dict, hooks, config):
    session_creator = monitored_session.ChiefSessionCreator(
        scaffold=scaffold, checkpoint_filename_with_path=checkpoint_path, master=master, config=config)
    with monitored_session.MonitoredSession(session_creator=session_creator, hooks=hooks) as session:
        if eval_ops is not None:
            while not session.should_stop():
                session.run(eval_ops, feed_dict)


def evaluate_once(checkpoint_path, master="", scaffold=None, eval_ops=None, feed_dict=None, final_ops=None,
                  final_ops_feed_dict=None, hooks=None, config=None):
    """Restores `checkpoint_path`, runs `eval_ops` until a hook requests a stop (or the input ends)
    and returns the values of `final_ops` (None without them)."""
    eval_step = get_or_create_eval_step()
    hooks = list(hooks or [])
    if eval_ops is not None:
        eval_ops = _with_eval_step_update(eval_ops, hooks, eval_step, read_after=True)
    logging.info("Starting evaluation at " + time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime()))
    start = time.time()
    final_ops_hook = basic_session_run_hooks.FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final_ops_hook)
    _run_evaluation(checkpoint_path, master, scaffold, eval_ops, feed_dict, hooks, config)
    logging.info("Inference Time : {:0.5f}s".format(time.time() - start))
    logging.info("Finished evaluation at " + time.strftime("%Y-%m-%d-%H:%M:%S", time.localtime()))
    return final_ops_hook.final_ops_values


def evaluate_repeatedly(checkpoint_dir, master="", scaffold=None, eval_ops=None, feed_dict=None,
                        final_ops=None, final_ops_feed_dict=None, eval_interval_secs=60, hooks=None,
                        config=None, max_number_of_evaluations=None, timeout=None, timeout_fn=None):
    """evaluate_once on each new checkpoint of `checkpoint_dir` (checkpoints_iterator), at most
    max_number_of_evaluations times; returns the last evaluation's final_ops values."""
    eval_step = get_or_create_eval_step()
    hooks = hooks or []
    if eval_ops is not None:
        eval_ops = _with_eval_step_update(eval_ops, hooks, eval_step, read_after=False)
    final_ops_hook = basic_session_run_hooks.FinalOpsHook(final_ops, final_ops_feed_dict)
    hooks.append(final_ops_hook)
    num_evaluations = 0
    for checkpoint_path in checkpoints_iterator(checkpoint_dir, min_interval_secs=eval_interval_secs,
                                                timeout=timeout, timeout_fn=timeout_fn):
        logging.info("Starting evaluation at " + time.strftime("%Y-%m-%d-%H:%M:%S", time.gmtime()))
        _run_evaluation(checkpoint_path, master, scaffold, eval_ops, feed_dict, hooks, config)
        logging.info("Finished evaluation at " + time.strftime("%Y-%m-%d-%H:%M:%S", time.gmtime()))
        num_evaluations += 1
        if max_number_of_evaluations is not None and num_evaluations >= max_number_of_evaluations:
            return final_ops_hook.final_ops_values
    return final_ops_hook.final_ops_values
