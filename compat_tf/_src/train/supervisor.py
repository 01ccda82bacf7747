"""tf.train.Supervisor (TF 1.15's supervisor.py): the pre-MonitoredSession training helper that
slim.learning.train and many TF1 scripts use.

What it mirrors: the init/ready/local-init ops, saver, summary op and global step are taken from
the graph's collections or made by default (and put there); the graph is finalized;
`managed_session()` / `prepare_or_wait_for_session()` restore the latest checkpoint of `logdir`
or initialise (init_op, init_fn), write graph.pbtxt and the graph to the event file, and (chief,
with a logdir) start the standard services: a checkpoint thread saving `logdir/model.ckpt-<step>`
every save_model_secs (the first right away, as TF1's timer loop), a summary thread running
summary_op every save_summaries_secs and a "global_step/sec" counter; queue runners start under
the supervisor's Coordinator. Leaving `managed_session` stops the threads (re-raising an
exception from the body or a thread, except OutOfRangeError, a clean stop) and closes the session.
compat_tf is one process: `master` is ignored and a non-chief waits on its own session.
"""
import contextlib
import os
import time

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train import coordinator as _coordinator
from compat_tf._src.train.session_manager import SessionManager
from compat_tf._src.train.training_util import global_step as _global_step_value

__all__ = ["Supervisor"]


def _session_log(status, checkpoint_path=None):
    from compat_tf._src.summary.protos import SessionLog
    log = SessionLog(status=status)
    if checkpoint_path is not None:
        log.checkpoint_path = checkpoint_path
    return log


class Supervisor:
    """TF1's tf.train.Supervisor."""

    USE_DEFAULT = 0

    def __init__(self, graph=None, ready_op=USE_DEFAULT, ready_for_local_init_op=USE_DEFAULT, is_chief=True,
                 init_op=USE_DEFAULT, init_feed_dict=None, local_init_op=USE_DEFAULT, logdir=None,
                 summary_op=USE_DEFAULT, saver=USE_DEFAULT, global_step=USE_DEFAULT, save_summaries_secs=120,
                 save_model_secs=600, recovery_wait_secs=30, stop_grace_secs=120,
                 checkpoint_basename="model.ckpt", session_manager=None, summary_writer=USE_DEFAULT,
                 init_fn=None, local_init_run_options=None):
        if graph is None:
            graph = _graph.get_default_graph()
        with graph.as_default():
            self._init_ready_op(ready_op, ready_for_local_init_op)
            self._init_init_op(init_op, init_feed_dict)
            self._init_local_init_op(local_init_op)
            self._init_saver(saver)
            self._init_summary_op(summary_op)
            self._init_global_step(global_step)
        self._graph = graph
        self._is_chief = is_chief
        self._coord = _coordinator.Coordinator()
        self._recovery_wait_secs = recovery_wait_secs
        self._stop_grace_secs = stop_grace_secs
        self._init_fn = init_fn
        self._local_init_run_options = local_init_run_options
        self._logdir = self._save_summaries_secs = self._save_model_secs = None
        self._save_path = self._summary_writer = None
        self._graph_added_to_summary = False
        if is_chief:
            self._logdir = logdir
            self._save_summaries_secs = save_summaries_secs
            self._save_model_secs = save_model_secs
            if logdir:
                self._save_path = os.path.join(logdir, checkpoint_basename)
            if summary_writer is Supervisor.USE_DEFAULT:
                if logdir:
                    from compat_tf._src.summary.writer import FileWriter
                    self._summary_writer = FileWriter(logdir)
            else:
                self._summary_writer = summary_writer
        if session_manager is None:
            session_manager = SessionManager(
                local_init_op=self._local_init_op, ready_op=self._ready_op,
                ready_for_local_init_op=self._ready_for_local_init_op, graph=graph,
                recovery_wait_secs=recovery_wait_secs, local_init_run_options=local_init_run_options)
        self._session_manager = session_manager
        graph.finalize()

    # -- defaults from the graph's collections --------------------------------------------
    def _first_from_collection(self, key):
        items = _graph.get_collection(key)
        if items:
            if len(items) > 1:
                raise RuntimeError(f"More than one item in the collection \"{key}\".  Please indicate which one "
                                   "to use by passing it to the tf.Supervisor constructor.")
            return items[0]
        return None

    def _init_ready_op(self, ready_op, ready_for_local_init_op):
        from compat_tf._src.ops import variables
        if ready_op is Supervisor.USE_DEFAULT:
            ready_op = self._first_from_collection(GraphKeys.READY_OP)
            if ready_op is None:
                ready_op = variables.report_uninitialized_variables()
                _graph.add_to_collection(GraphKeys.READY_OP, ready_op)
        self._ready_op = ready_op
        if ready_for_local_init_op is Supervisor.USE_DEFAULT:
            ready_for_local_init_op = self._first_from_collection(GraphKeys.READY_FOR_LOCAL_INIT_OP)
            if ready_for_local_init_op is None:
                ready_for_local_init_op = variables.report_uninitialized_variables(variables.global_variables())
                _graph.add_to_collection(GraphKeys.READY_FOR_LOCAL_INIT_OP, ready_for_local_init_op)
        self._ready_for_local_init_op = ready_for_local_init_op

    def _init_init_op(self, init_op, init_feed_dict):
        from compat_tf._src.ops import variables
        if init_op is Supervisor.USE_DEFAULT:
            init_op = self._first_from_collection(GraphKeys.INIT_OP)
            if init_op is None:
                init_op = variables.global_variables_initializer()
                _graph.add_to_collection(GraphKeys.INIT_OP, init_op)
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict

    def _init_local_init_op(self, local_init_op):
        from compat_tf._src.ops import control_flow_ops, variables
        if local_init_op is Supervisor.USE_DEFAULT:
            local_init_op = self._first_from_collection(GraphKeys.LOCAL_INIT_OP)
            if local_init_op is None:
                tables = _graph.get_collection(GraphKeys.TABLE_INITIALIZERS)
                local_init_op = control_flow_ops.group(variables.local_variables_initializer(), *tables)
                _graph.add_to_collection(GraphKeys.LOCAL_INIT_OP, local_init_op)
        self._local_init_op = local_init_op

    def _init_saver(self, saver):
        from compat_tf._src.ops import variables
        if saver is Supervisor.USE_DEFAULT:
            saver = self._first_from_collection(GraphKeys.SAVERS)
            if saver is None and variables.global_variables():
                from compat_tf._src.train.saver import Saver
                saver = Saver()
                _graph.add_to_collection(GraphKeys.SAVERS, saver)
        self._saver = saver

    def _init_summary_op(self, summary_op):
        if summary_op is Supervisor.USE_DEFAULT:
            summary_op = self._first_from_collection(GraphKeys.SUMMARY_OP)
            if summary_op is None:
                from compat_tf._src.summary import summary_ops
                summary_op = summary_ops.merge_all()
                if summary_op is not None:
                    _graph.add_to_collection(GraphKeys.SUMMARY_OP, summary_op)
        self._summary_op = summary_op

    def _init_global_step(self, global_step):
        if global_step is Supervisor.USE_DEFAULT:
            global_step = self._first_from_collection(GraphKeys.GLOBAL_STEP)
            if global_step is None:
                try:
                    t = _graph.get_default_graph().get_tensor_by_name("global_step:0")
                    global_step = t if t.dtype.base_dtype.is_integer else None
                except (KeyError, ValueError):
                    global_step = None
        self._global_step = global_step

    # -- properties --------------------------------------------------------------------------
    is_chief = property(lambda self: self._is_chief)
    session_manager = property(lambda self: self._session_manager)
    coord = property(lambda self: self._coord)
    ready_op = property(lambda self: self._ready_op)
    ready_for_local_init_op = property(lambda self: self._ready_for_local_init_op)
    summary_writer = property(lambda self: self._summary_writer)
    summary_op = property(lambda self: self._summary_op)
    save_summaries_secs = property(lambda self: self._save_summaries_secs)
    global_step = property(lambda self: self._global_step)
    saver = property(lambda self: self._saver)
    save_model_secs = property(lambda self: self._save_model_secs)
    save_path = property(lambda self: self._save_path)
    init_op = property(lambda self: self._init_op)
    init_feed_dict = property(lambda self: self._init_feed_dict)
    local_init_op = property(lambda self: self._local_init_op)

    # -- sessions and services ---------------------------------------------------------------
    def _write_graph(self):
        if self._is_chief and self._logdir:
            from compat_tf._src.framework.graph_util import write_graph
            write_graph(self._graph.as_graph_def(add_shapes=True), self._logdir, "graph.pbtxt")
        if self._summary_writer and not self._graph_added_to_summary:
            self._summary_writer.add_graph(self._graph)
            self._graph_added_to_summary = True

    def prepare_or_wait_for_session(self, master="", config=None, wait_for_checkpoint=False,
                                    max_wait_secs=7200, start_standard_services=True):
        self._coord.clear_stop()
        if self._summary_writer:
            self._summary_writer.reopen()
        if self._is_chief:
            sess = self._session_manager.prepare_session(
                master, init_op=self._init_op, saver=self._saver, checkpoint_dir=self._logdir,
                wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs, config=config,
                init_feed_dict=self._init_feed_dict, init_fn=self._init_fn)
            self._write_graph()
            if start_standard_services:
                logging.info("Starting standard services.")
                self.start_standard_services(sess)
        else:
            sess = self._session_manager.wait_for_session(master, config=config, max_wait_secs=max_wait_secs)
        if start_standard_services:
            logging.info("Starting queue runners.")
            self.start_queue_runners(sess)
        return sess

    def start_standard_services(self, sess):
        """Starts the checkpoint, summary and step-counter threads (chief only, needs a logdir)."""
        if not self._is_chief:
            raise RuntimeError("Only chief supervisor can start standard services. Because only chief "
                               "supervisors can write events.")
        if not self._logdir:
            logging.warning("Standard services need a 'logdir' passed to the SessionManager")
            return []
        if self._global_step is not None and self._summary_writer:
            from compat_tf._src.summary.protos import SessionLog
            self._summary_writer.add_session_log(_session_log(SessionLog.START),
                                                 _global_step_value(sess, self._global_step))
        threads = []
        if self._save_summaries_secs and self._summary_writer:
            if self._summary_op is not None:
                threads.append(_SummaryThread(self, sess))
            if self._global_step is not None:
                threads.append(_StepCounterThread(self, sess))
        if self._saver and self._save_model_secs:
            threads.append(_CheckpointThread(self, sess))
        for t in threads:
            t.start()
        return threads

    def start_queue_runners(self, sess, queue_runners=None):
        if queue_runners is None:
            queue_runners = self._graph.get_collection(GraphKeys.QUEUE_RUNNERS)
        threads = []
        for qr in queue_runners:
            threads.extend(qr.create_threads(sess, coord=self._coord, daemon=True, start=True))
        return threads

    def loop(self, timer_interval_secs, target, args=None, kwargs=None):
        """Calls `target(*args, **kwargs)` every timer_interval_secs in a thread until stopped."""
        looper = _coordinator.LooperThread(self._coord, timer_interval_secs, target=target, args=args,
                                           kwargs=kwargs)
        looper.start()
        return looper

    def stop(self, threads=None, close_summary_writer=True, ignore_live_threads=False):
        """Stops and joins the threads (re-raising a reported exception), closes the summary writer."""
        self._coord.request_stop()
        try:
            self._coord.join(threads, stop_grace_period_secs=self._stop_grace_secs,
                             ignore_live_threads=ignore_live_threads)
        finally:
            if close_summary_writer and self._summary_writer:
                from compat_tf._src.summary.protos import SessionLog
                self._summary_writer.add_session_log(_session_log(SessionLog.STOP))
                self._summary_writer.close()
                self._graph_added_to_summary = False

    def request_stop(self, ex=None):
        self._coord.request_stop(ex=ex)

    def should_stop(self):
        return self._coord.should_stop()

    def stop_on_exception(self):
        return self._coord.stop_on_exception()

    def wait_for_stop(self):
        self._coord.wait_for_stop()

    def summary_computed(self, sess, summary, global_step=None):
        """Writes a summary computed by the caller (at the current global step by default)."""
        if not self._summary_writer:
            raise RuntimeError("Writing a summary requires a summary writer.")
        if global_step is None and self._global_step is not None:
            global_step = _global_step_value(sess, self._global_step)
        self._summary_writer.add_summary(summary, global_step)

    @contextlib.contextmanager
    def managed_session(self, master="", config=None, start_standard_services=True, close_summary_writer=True):
        sess = None
        try:
            sess = self.prepare_or_wait_for_session(master=master, config=config,
                                                    start_standard_services=start_standard_services)
            yield sess
        except Exception as e:  # noqa: BLE001 - reported to the coordinator, re-raised by stop()
            self.request_stop(e)
        finally:
            try:
                self.stop(close_summary_writer=close_summary_writer)
            finally:
                if sess is not None:
                    try:
                        sess.close()
                    except Exception:  # noqa: BLE001, S110 - TF1 ignores errors of close()
                        pass

    # TF1's CamelCase aliases
    Loop = loop
    PrepareSession = prepare_or_wait_for_session
    RequestStop = request_stop
    ShouldStop = should_stop
    StartQueueRunners = start_queue_runners
    StartStandardServices = start_standard_services
    Stop = stop
    StopOnException = stop_on_exception
    SummaryComputed = summary_computed
    WaitForStop = wait_for_stop


class _SummaryThread(_coordinator.LooperThread):
    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        if self._sv.global_step is not None:
            summary, step = self._sess.run([self._sv.summary_op, self._sv.global_step])
        else:
            summary, step = self._sess.run(self._sv.summary_op), None
        if self._sv.summary_writer:
            self._sv.summary_writer.add_summary(summary, step)


class _StepCounterThread(_coordinator.LooperThread):
    """Writes "<global step op name>/sec" every save_summaries_secs."""

    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_summaries_secs)
        self._sv, self._sess = sv, sess
        self._tag = f"{sv.global_step.op.name}/sec"

    def start_loop(self):
        self._last_time = time.time()
        self._last_step = _global_step_value(self._sess, self._sv.global_step)

    def run_loop(self):
        from compat_tf._src.summary.protos import Summary
        now = time.time()
        elapsed = now - self._last_time
        self._last_time = now
        step = _global_step_value(self._sess, self._sv.global_step)
        added, self._last_step = step - self._last_step, step
        rate = added / elapsed if elapsed > 0 else float("inf")
        if self._sv.summary_writer:
            self._sv.summary_writer.add_summary(Summary(value=[Summary.Value(tag=self._tag, simple_value=rate)]),
                                                step)


class _CheckpointThread(_coordinator.LooperThread):
    def __init__(self, sv, sess):
        super().__init__(sv.coord, sv.save_model_secs)
        self._sv, self._sess = sv, sess

    def run_loop(self):
        logging.info("Saving checkpoint to path %s", self._sv.save_path)
        self._sv.saver.save(self._sess, self._sv.save_path, global_step=self._sv.global_step)
        if self._sv.summary_writer and self._sv.global_step is not None:
            from compat_tf._src.summary.protos import SessionLog
            self._sv.summary_writer.add_session_log(
                _session_log(SessionLog.CHECKPOINT, self._sv.save_path),
                _global_step_value(self._sess, self._sv.global_step))
