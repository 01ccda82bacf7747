"""tf.train.MonitoredSession and friends (TF 1.15's monitored_session.py).

`Scaffold` completes the graph (init/ready/local-init ops, summary op, saver)
and finalizes it; `ChiefSessionCreator` makes a tf.Session, restores the latest
checkpoint of `checkpoint_dir` or runs the init op, then the local init op, and
checks the ready op; `WorkerSessionCreator` waits (up to max_wait_secs) for the
model to be ready. `MonitoredSession` calls the hooks (begin, after_create_session,
before_run/after_run around each run with their fetches/feeds merged into the
caller's, end) and starts the graph's queue runners with a Coordinator.
Leaving its `with` block on OutOfRangeError/StopIteration (an exhausted input) is
a clean end (hooks' end() run, e.g. the final checkpoint); an OutOfRangeError
from run() also makes should_stop() true. AbortedError/UnavailableError from a
run recreate the session (TF1's _RecoverableSession). `master`: "" or a tf.train.Server's
target; on a cluster, the creators make every worker's variables the chief's once the chief's
session is ready (compat_tf/_src/parallel/cluster_session.py).
"""
import sys
import time

from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.graph import GraphKeys
from compat_tf._src.parallel import cluster_session as _cluster_session
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train import basic_session_run_hooks as _hooks
from compat_tf._src.train.session_run_hook import SessionRunArgs, SessionRunContext, SessionRunValues

_PREEMPTION_ERRORS = (errors.AbortedError, errors.UnavailableError)
USE_DEFAULT = object()


class Scaffold:
    """Completes a graph for training: init_op, ready_op, ready_for_local_init_op, local_init_op,
    summary_op and saver default to the graph's collections or TF1's defaults in finalize()."""

    def __init__(self, init_op=None, init_feed_dict=None, init_fn=None, ready_op=None,
                 ready_for_local_init_op=None, local_init_op=None, summary_op=None, saver=None,
                 copy_from_scaffold=None):
        if copy_from_scaffold is not None:
            if not isinstance(copy_from_scaffold, Scaffold):
                raise TypeError("copy_from_scaffold is not a Scaffold instance.")
            coalesce = lambda a, b: a if a is not None else b  # noqa: E731
            init_op = coalesce(init_op, copy_from_scaffold.init_op)
            init_feed_dict = coalesce(init_feed_dict, copy_from_scaffold._init_feed_dict)
            init_fn = coalesce(init_fn, copy_from_scaffold._user_init_fn)
            ready_op = coalesce(ready_op, copy_from_scaffold.ready_op)
            ready_for_local_init_op = coalesce(ready_for_local_init_op, copy_from_scaffold.ready_for_local_init_op)
            local_init_op = coalesce(local_init_op, copy_from_scaffold.local_init_op)
            summary_op = coalesce(summary_op, copy_from_scaffold.summary_op)
            saver = coalesce(saver, copy_from_scaffold.saver)
        self._user_init_fn = init_fn
        self._init_fn = (lambda sess: init_fn(self, sess)) if init_fn else None
        self._init_op = init_op
        self._init_feed_dict = init_feed_dict
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._local_init_op = local_init_op
        self._summary_op = summary_op
        self._saver = saver

    def finalize(self):
        """Creates the missing ops, builds the saver and finalizes the default graph."""
        from compat_tf._src.ops import variables
        from compat_tf._src.summary import summary_ops
        if self._init_op is None:
            self._init_op = Scaffold.get_or_default("init_op", GraphKeys.INIT_OP,
                                                    variables.global_variables_initializer)
        if self._ready_op is None:
            self._ready_op = Scaffold.get_or_default("ready_op", GraphKeys.READY_OP,
                                                     variables.report_uninitialized_variables)
        if self._ready_for_local_init_op is None:
            self._ready_for_local_init_op = Scaffold.get_or_default(
                "ready_for_local_init_op", GraphKeys.READY_FOR_LOCAL_INIT_OP,
                lambda: variables.report_uninitialized_variables(variables.global_variables()))
        if self._local_init_op is None:
            self._local_init_op = Scaffold.get_or_default("local_init_op", GraphKeys.LOCAL_INIT_OP,
                                                          Scaffold.default_local_init_op)
        if self._summary_op is None:
            self._summary_op = Scaffold.get_or_default("summary_op", GraphKeys.SUMMARY_OP, summary_ops.merge_all)
        if self._saver is None:
            self._saver = _get_saver_or_default()
        self._saver.build()
        _graph.get_default_graph().finalize()
        logging.info("Graph was finalized.")
        return self

    @property
    def init_fn(self):
        return self._init_fn

    @property
    def init_op(self):
        return self._init_op

    @property
    def ready_op(self):
        return self._ready_op

    @property
    def ready_for_local_init_op(self):
        return self._ready_for_local_init_op

    @property
    def local_init_op(self):
        return self._local_init_op

    @property
    def summary_op(self):
        return self._summary_op

    @property
    def saver(self):
        return self._saver

    @property
    def init_feed_dict(self):
        return self._init_feed_dict

    @staticmethod
    def get_or_default(arg_name, collection_key, default_constructor):
        """The one element of `collection_key`, or a new default added to it."""
        elements = _graph.get_default_graph().get_collection(collection_key)
        if elements:
            if len(elements) > 1:
                raise RuntimeError(
                    f'More than one item in the collection "{collection_key}". Please indicate which one to use '
                    f"by passing it to the tf.Scaffold constructor as:  tf.Scaffold({arg_name}=item to use)")
            return elements[0]
        op = default_constructor()
        if op is not None:
            _graph.get_default_graph().add_to_collection(collection_key, op)
        return op

    @staticmethod
    def default_local_init_op():
        """Groups the local variables' initializer and the table initializers."""
        from compat_tf._src.ops import control_flow_ops, variables
        tables = _graph.get_default_graph().get_collection(GraphKeys.TABLE_INITIALIZERS)
        return control_flow_ops.group(variables.local_variables_initializer(), *tables)


def _get_saver_or_default():
    graph = _graph.get_default_graph()
    savers = graph.get_collection(GraphKeys.SAVERS)
    if savers:
        if len(savers) > 1:
            raise RuntimeError(f"More than one item in collection {GraphKeys.SAVERS}. Please indicate which one "
                               "to use by passing it to the constructor.")
        return savers[0]
    from compat_tf._src.train.saver import Saver
    saver = Saver(sharded=True, allow_empty=True)
    graph.add_to_collection(GraphKeys.SAVERS, saver)
    return saver


# -- session creation ------------------------------------------------------------------------
def _new_session(master, config):
    from compat_tf._src.runtime.session import Session
    return Session(master, graph=_graph.get_default_graph(), config=config)


def _ready(sess, op, msg):
    """(True, None) when `op` (a report_uninitialized_* tensor) gives no names."""
    if op is None:
        return True, None
    try:
        names = sess.run(op)
    except errors.FailedPreconditionError as e:
        return False, f"{msg}: {e}"
    if names is None or getattr(names, "size", len(names)) == 0:
        return True, None
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in list(names.ravel())]
    return False, "Variables not initialized: " + ", ".join(names)


def _run_local_init(sess, scaffold):
    ok, msg = _ready(sess, scaffold.ready_for_local_init_op, "Model not ready for local init")
    if not ok:
        return False, msg
    if scaffold.local_init_op is not None:
        sess.run(scaffold.local_init_op)
    return True, None


class SessionCreator:
    """A factory for tf.Session (TF1's tf.train.SessionCreator)."""

    def create_session(self):
        raise NotImplementedError("create_session is not implemented for {}.".format(self))


class ChiefSessionCreator(SessionCreator):
    """Creates a session that restores the latest checkpoint of `checkpoint_dir` (or
    `checkpoint_filename_with_path`) or initialises the variables."""

    def __init__(self, scaffold=None, master="", config=None, checkpoint_dir=None,
                 checkpoint_filename_with_path=None):
        self._checkpoint_dir = checkpoint_dir
        self._checkpoint_filename_with_path = checkpoint_filename_with_path
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config

    def create_session(self):
        from compat_tf._src.train.checkpoint_management import latest_checkpoint
        self._scaffold.finalize()
        scaffold = self._scaffold
        sess = _new_session(self._master, self._config)
        ckpt = self._checkpoint_filename_with_path
        if ckpt is None and self._checkpoint_dir:
            ckpt = latest_checkpoint(self._checkpoint_dir)
        if ckpt is not None:
            if scaffold.saver is None:
                raise ValueError("When checkpoint_dir is given, a saver is needed to restore it.")
            scaffold.saver.restore(sess, ckpt)
            logging.info("Restoring parameters from %s", ckpt)
        else:
            if scaffold.init_op is None and not scaffold.init_fn and scaffold.local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or local_init_op was given")
            if scaffold.init_op is not None:
                sess.run(scaffold.init_op, feed_dict=scaffold.init_feed_dict)
            if scaffold.init_fn:
                scaffold.init_fn(sess)
        ok, msg = _run_local_init(sess, scaffold)
        if ok:
            ok, msg = _ready(sess, scaffold.ready_op, "Model not ready")
        if not ok:
            sess.close()
            raise RuntimeError(f"Init operations did not make model ready. Init op: {scaffold.init_op}, "
                               f"init fn: {scaffold.init_fn}, local_init_op: {scaffold.local_init_op}, "
                               f"error: {msg}")
        _cluster_session.synchronize(sess)    # a cluster's chief: its variables to every worker
        return sess


class WorkerSessionCreator(SessionCreator):
    """Creates a session that waits (up to max_wait_secs) until the model is ready, then runs the
    local init op. On a cluster worker the chief's variables are received first (waiting for the
    chief); a local worker session whose global variables nobody initialises times out with
    DeadlineExceededError."""

    def __init__(self, scaffold=None, master="", config=None, max_wait_secs=30 * 60):
        self._scaffold = scaffold or Scaffold()
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs

    def create_session(self):
        self._scaffold.finalize()
        scaffold = self._scaffold
        deadline = time.time() + self._max_wait_secs
        sess = _new_session(self._master, self._config)
        # a cluster's worker: receives the chief's variables once the chief has initialised them
        _cluster_session.synchronize(sess, self._max_wait_secs)
        while True:
            ok, msg = _run_local_init(sess, scaffold)
            if ok:
                ok, msg = _ready(sess, scaffold.ready_op, "Model not ready")
                if ok:
                    return sess
            if time.time() + 1 > deadline:
                sess.close()
                raise errors.DeadlineExceededError(
                    None, None, f"Session was not ready after waiting {self._max_wait_secs} secs: {msg}")
            logging.info("Waiting for model to be ready.  Ready_for_local_init_op:  %s, ready: %s",
                         scaffold.ready_for_local_init_op, msg)
            time.sleep(1)


# -- wrapped sessions -----------------------------------------------------------------------
class _WrappedSession:
    def __init__(self, sess):
        self._sess = sess
        self._wrapped_is_stoppable = isinstance(sess, _WrappedSession)

    @property
    def graph(self):
        return self._sess.graph

    @property
    def sess_str(self):
        return self._sess.sess_str

    def _check_stop(self):
        return False

    def should_stop(self):
        if self._check_stop():
            return True
        if self._sess:
            return self._wrapped_is_stoppable and self._sess.should_stop()
        return True

    def close(self):
        if self._sess:
            try:
                self._sess.close()
            except _PREEMPTION_ERRORS as e:
                logging.error("An error occurred when attempting to close the session. This may be due to a "
                              "preemption in a connected worker or parameter server. Error: %s", e)
            finally:
                self._sess = None

    def run(self, *args, **kwargs):
        return self._sess.run(*args, **kwargs)


class _HookedSession(_WrappedSession):
    """Calls the hooks' before_run/after_run around each run, merging their fetches and feeds."""

    def __init__(self, sess, hooks):
        super().__init__(sess)
        self._hooks = hooks
        self._should_stop = False

    def _check_stop(self):
        return self._should_stop

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        if self.should_stop():
            raise RuntimeError("Run called even after should_stop requested.")
        actual_fetches = {"caller": fetches}
        run_context = SessionRunContext(original_args=SessionRunArgs(fetches, feed_dict), session=self._sess)
        feed_dict = self._call_hook_before_run(run_context, actual_fetches, feed_dict)
        outputs = self._sess.run(actual_fetches, feed_dict=feed_dict, options=options, run_metadata=run_metadata)
        for hook in self._hooks:
            hook.after_run(run_context, SessionRunValues(results=outputs[hook] if hook in outputs else None,
                                                         options=options, run_metadata=run_metadata))
        self._should_stop = self._should_stop or run_context.stop_requested
        return outputs["caller"]

    def _call_hook_before_run(self, run_context, fetch_dict, user_feed_dict):
        hook_feeds = {}
        for hook in self._hooks:
            request = hook.before_run(run_context)
            if request is not None:
                if request.fetches is not None:
                    fetch_dict[hook] = request.fetches
                if request.feed_dict:
                    self._raise_if_feeds_conflicts(hook_feeds, request.feed_dict)
                    hook_feeds.update(request.feed_dict)
        if not hook_feeds:
            return user_feed_dict
        if not user_feed_dict:
            return hook_feeds
        self._raise_if_feeds_conflicts(user_feed_dict, hook_feeds)
        merged = dict(user_feed_dict)
        merged.update(hook_feeds)
        return merged

    @staticmethod
    def _raise_if_feeds_conflicts(feed_dict1, feed_dict2):
        common = set(feed_dict1) & set(feed_dict2)
        if common:
            raise RuntimeError(f"Same tensor is fed by two hooks: {common}")


class _CoordinatedSession(_WrappedSession):
    """Stops (should_stop) when the coordinator is asked to; close() stops and joins its threads."""

    def __init__(self, sess, coord, stop_grace_period_secs=120):
        super().__init__(sess)
        self._coord = coord
        self._stop_grace_period_secs = stop_grace_period_secs

    def _check_stop(self):
        # re-raise an exception reported by a thread, then report its stop
        self._coord.raise_requested_exception()
        return self._coord.should_stop()

    def close(self):
        self._coord.request_stop()
        try:
            self._coord.join(stop_grace_period_secs=self._stop_grace_period_secs, ignore_live_threads=True)
        finally:
            try:
                super().close()
            except Exception:  # pylint: disable=broad-except
                pass

    def run(self, *args, **kwargs):
        try:
            return self._sess.run(*args, **kwargs)
        except _PREEMPTION_ERRORS:
            raise
        except errors.OutOfRangeError:
            # the input is exhausted: training is over (should_stop() becomes true)
            self._coord.request_stop()
            raise
        except Exception:  # pylint: disable=broad-except
            original = sys.exc_info()
            try:
                self._coord.raise_requested_exception()
            except _PREEMPTION_ERRORS:
                raise
            except Exception:  # pylint: disable=broad-except
                pass
            raise original[1].with_traceback(original[2])


class _RecoverableSession(_WrappedSession):
    """Recreates the session when a run raises AbortedError or UnavailableError."""

    def __init__(self, sess_creator):
        self._sess_creator = sess_creator
        super().__init__(self._create_session())

    def _create_session(self):
        while True:
            try:
                return self._sess_creator.create_session()
            except _PREEMPTION_ERRORS as e:
                logging.info("An error was raised while a session was being created. This may be due to a "
                             "preemption of a connected worker or parameter server. A new session will be "
                             "created. This error may also occur due to a gRPC failure caused by high memory "
                             "or network bandwidth usage in the parameter servers. If this error occurs "
                             "repeatedly, try increasing the number of parameter servers assigned to the job. "
                             "Error: %s", e)

    def _check_stop(self):
        try:
            return self._sess.should_stop() if self._sess else True
        except _PREEMPTION_ERRORS as e:
            logging.info("An error was raised while considering whether the session is complete. Error: %s", e)
            self.close()
            self._sess = self._create_session()
            return False

    def should_stop(self):
        return self._check_stop()

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        while True:
            try:
                if not self._sess:
                    self._sess = self._create_session()
                return self._sess.run(fetches, feed_dict=feed_dict, options=options, run_metadata=run_metadata)
            except _PREEMPTION_ERRORS as e:
                logging.info("An error was raised. This may be due to a preemption in a connected worker or "
                             "parameter server. The current session will be closed and a new session will be "
                             "created. Error: %s", e)
                self.close()
                self._sess = None


class _CoordinatedSessionCreator(SessionCreator):
    def __init__(self, session_creator, hooks, stop_grace_period_secs):
        self._session_creator = session_creator
        self._hooks = hooks
        self.coord = None
        self.tf_sess = None
        self._stop_grace_period_secs = stop_grace_period_secs

    def create_session(self):
        from compat_tf._src.train.coordinator import Coordinator
        from compat_tf._src.train.queue_runner_impl import start_queue_runners
        self.tf_sess = self._session_creator.create_session()
        self.coord = Coordinator(clean_stop_exception_types=[])
        if _graph.get_default_graph().get_collection(GraphKeys.QUEUE_RUNNERS):
            start_queue_runners(sess=self.tf_sess, coord=self.coord)
        for hook in self._hooks:
            hook.after_create_session(self.tf_sess, self.coord)
        return _CoordinatedSession(_HookedSession(self.tf_sess, self._hooks), self.coord,
                                   self._stop_grace_period_secs)


class _StopRequested(Exception):
    """Raised by StepContext.request_stop to leave run_step_fn."""


class _MonitoredSession:
    def __init__(self, session_creator, hooks, should_recover, stop_grace_period_secs=120):
        graph = _graph.get_default_graph()
        self._graph = graph
        self._graph_was_finalized = graph.finalized
        self._hooks = list(hooks or [])
        for h in self._hooks:
            h.begin()
        self._coordinated_creator = _CoordinatedSessionCreator(
            session_creator=session_creator or ChiefSessionCreator(), hooks=self._hooks,
            stop_grace_period_secs=stop_grace_period_secs)
        try:
            if should_recover:
                self._sess = _RecoverableSession(self._coordinated_creator)
            else:
                self._sess = self._coordinated_creator.create_session()
        except BaseException:
            if not self._graph_was_finalized:
                graph._unsafe_unfinalize()
            raise

    @property
    def graph(self):
        return self._graph

    def run(self, fetches, feed_dict=None, options=None, run_metadata=None):
        """Runs `fetches` with the hooks' before_run/after_run around it."""
        if self._sess is None:
            raise RuntimeError("Session is already closed.")
        return self._sess.run(fetches, feed_dict=feed_dict, options=options, run_metadata=run_metadata)

    def run_step_fn(self, step_fn):
        """Calls step_fn(step_context): step_context.session is the raw session,
        run_with_hooks() runs through the hooks, request_stop() ends training."""
        step_context = _MonitoredSession.StepContext(self._tf_sess(), self.run)
        try:
            return step_fn(step_context)
        except _StopRequested:
            self._step_stop_requested = True
            return None

    class StepContext:
        def __init__(self, session, run_with_hooks_fn):
            self._session = session
            self._run_with_hooks_fn = run_with_hooks_fn

        @property
        def session(self):
            return self._session

        def run_with_hooks(self, *args, **kwargs):
            return self._run_with_hooks_fn(*args, **kwargs)

        def request_stop(self):
            raise _StopRequested()

    def should_stop(self):
        return self._sess is None or getattr(self, "_step_stop_requested", False) or self._sess.should_stop()

    def close(self):
        self._close_internal()

    def __enter__(self):
        return self

    def __exit__(self, exception_type, exception_value, traceback):
        if exception_type in (errors.OutOfRangeError, StopIteration):
            exception_type = None
        self._close_internal(exception_type)
        return exception_type is None

    def _close_internal(self, exception_type=None):
        try:
            if not exception_type:
                for h in self._hooks:
                    h.end(self._coordinated_creator.tf_sess)
        finally:
            try:
                if self._sess is None:
                    raise RuntimeError("Session is already closed.")
                self._sess.close()
            finally:
                self._sess = None
                self._coordinated_creator.tf_sess = None
                self._coordinated_creator.coord = None
                if not self._graph_was_finalized:
                    self._graph._unsafe_unfinalize()

    def _tf_sess(self):
        return self._coordinated_creator.tf_sess


class MonitoredSession(_MonitoredSession):
    """TF1's tf.train.MonitoredSession: a session with hooks that recovers from preemption errors."""

    def __init__(self, session_creator=None, hooks=None, stop_grace_period_secs=120):
        super().__init__(session_creator, hooks, should_recover=True, stop_grace_period_secs=stop_grace_period_secs)


class SingularMonitoredSession(_MonitoredSession):
    """A MonitoredSession for single-process training: a chief session without recovery; raw_session()."""

    def __init__(self, hooks=None, scaffold=None, master="", config=None, checkpoint_dir=None,
                 stop_grace_period_secs=120, checkpoint_filename_with_path=None):
        session_creator = ChiefSessionCreator(scaffold=scaffold, master=master, config=config,
                                              checkpoint_dir=checkpoint_dir,
                                              checkpoint_filename_with_path=checkpoint_filename_with_path)
        super().__init__(session_creator, hooks, should_recover=False, stop_grace_period_secs=stop_grace_period_secs)

    def raw_session(self):
        return self._tf_sess()


def MonitoredTrainingSession(master="", is_chief=True, checkpoint_dir=None, scaffold=None, hooks=None,  # noqa: N802
                             chief_only_hooks=None, save_checkpoint_secs=USE_DEFAULT,
                             save_summaries_steps=USE_DEFAULT, save_summaries_secs=USE_DEFAULT, config=None,
                             stop_grace_period_secs=120, log_step_count_steps=100, max_wait_secs=7200,
                             save_checkpoint_steps=USE_DEFAULT, summary_dir=None):
    """TF1's tf.train.MonitoredTrainingSession: a MonitoredSession with the chief's standard hooks
    (StepCounterHook, SummarySaverHook every 100 steps, CheckpointSaverHook every 600 s by default)."""
    if save_summaries_steps is USE_DEFAULT and save_summaries_secs is USE_DEFAULT:
        save_summaries_steps, save_summaries_secs = 100, None
    elif save_summaries_secs is USE_DEFAULT:
        save_summaries_secs = None
    elif save_summaries_steps is USE_DEFAULT:
        save_summaries_steps = None
    if save_checkpoint_steps is USE_DEFAULT and save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_steps, save_checkpoint_secs = None, 600
    elif save_checkpoint_secs is USE_DEFAULT:
        save_checkpoint_secs = None
    elif save_checkpoint_steps is USE_DEFAULT:
        save_checkpoint_steps = None
    scaffold = scaffold or Scaffold()
    if not is_chief:
        creator = WorkerSessionCreator(scaffold=scaffold, master=master, config=config, max_wait_secs=max_wait_secs)
        return MonitoredSession(session_creator=creator, hooks=hooks or [],
                                stop_grace_period_secs=stop_grace_period_secs)
    all_hooks = list(chief_only_hooks or [])
    creator = ChiefSessionCreator(scaffold=scaffold, checkpoint_dir=checkpoint_dir, master=master, config=config)
    summary_dir = summary_dir or checkpoint_dir
    if summary_dir:
        if log_step_count_steps and log_step_count_steps > 0:
            all_hooks.append(_hooks.StepCounterHook(output_dir=summary_dir, every_n_steps=log_step_count_steps))
        if (save_summaries_steps and save_summaries_steps > 0) or (save_summaries_secs and save_summaries_secs > 0):
            all_hooks.append(_hooks.SummarySaverHook(scaffold=scaffold, save_steps=save_summaries_steps,
                                                     save_secs=save_summaries_secs, output_dir=summary_dir))
    if checkpoint_dir:
        if (save_checkpoint_secs and save_checkpoint_secs > 0) or (save_checkpoint_steps and save_checkpoint_steps > 0):
            all_hooks.append(_hooks.CheckpointSaverHook(checkpoint_dir, save_steps=save_checkpoint_steps,
                                                        save_secs=save_checkpoint_secs, scaffold=scaffold))
    if hooks:
        all_hooks.extend(hooks)
    return MonitoredSession(session_creator=creator, hooks=all_hooks, stop_grace_period_secs=stop_grace_period_secs)


# tf.train's hook names are exported from here too (compat_tf/train.py star-imports this module)
from compat_tf._src.train.basic_session_run_hooks import (  # noqa: E402,F401
    CheckpointSaverHook, CheckpointSaverListener, FeedFnHook, FinalOpsHook, GlobalStepWaiterHook, LoggingTensorHook,
    NanLossDuringTrainingError, NanTensorHook, ProfilerHook, SecondOrStepTimer, StepCounterHook, StopAtStepHook,
    SummarySaverHook)
from compat_tf._src.train.session_run_hook import SessionRunHook  # noqa: E402,F401
from compat_tf._src.summary.writer import FileWriterCache as SummaryWriterCache  # noqa: E402,F401

__all__ = ["ChiefSessionCreator", "MonitoredSession", "MonitoredTrainingSession", "Scaffold", "SessionCreator",
           "SingularMonitoredSession", "WorkerSessionCreator",
           "SessionRunArgs", "SessionRunContext", "SessionRunHook", "SessionRunValues", "SummaryWriterCache",
           "CheckpointSaverHook", "CheckpointSaverListener", "FeedFnHook", "FinalOpsHook", "GlobalStepWaiterHook",
           "LoggingTensorHook", "NanLossDuringTrainingError", "NanTensorHook", "ProfilerHook", "SecondOrStepTimer",
           "StepCounterHook", "StopAtStepHook", "SummarySaverHook"]
