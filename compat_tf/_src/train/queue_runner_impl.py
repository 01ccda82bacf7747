"""tf.train.QueueRunner, add_queue_runner, start_queue_runners (TF1's training/queue_runner_impl.py).

A QueueRunner holds a queue's enqueue ops; `create_threads(sess, coord)` runs
each enqueue op in a loop on its own thread. When an enqueue raises one of
`queue_closed_exception_types` (OutOfRangeError: its input ran out, e.g. an
epoch limit), the thread ends, and the last one to end runs `close_op` (the
queue's consumers then drain it and get OutOfRangeError). Any other error is
reported to the coordinator. With a coordinator, one more thread waits for
the stop request and runs `cancel_op` (close with cancel_pending_enqueues), so
producers blocked on a full queue are released.

Deviations: to_proto/from_proto (QueueRunnerDef) are not supported.
"""
import threading
import weakref

from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.platform import tf_logging as logging

__all__ = ["QueueRunner", "add_queue_runner", "start_queue_runners"]


class QueueRunner:
    """TF1's tf.train.QueueRunner."""

    def __init__(self, queue=None, enqueue_ops=None, close_op=None, cancel_op=None,
                 queue_closed_exception_types=None, queue_runner_def=None, import_scope=None):
        if queue_runner_def is not None:
            raise NotImplementedError("tf.train.QueueRunner(queue_runner_def=...) is not supported by "
                                      "compat_tf")
        if not queue or not enqueue_ops:
            raise ValueError("Must provide queue and enqueue_ops.")
        self._queue = queue
        self._enqueue_ops = list(enqueue_ops)
        self._close_op = close_op
        self._cancel_op = cancel_op
        if queue_closed_exception_types is not None:
            if (not isinstance(queue_closed_exception_types, tuple) or not queue_closed_exception_types
                    or not all(isinstance(t, type) and issubclass(t, errors.OpError)
                               for t in queue_closed_exception_types)):
                raise TypeError("queue_closed_exception_types, when provided, must be a tuple of tf.error "
                                f"types, but saw: {queue_closed_exception_types}")
        self._queue_closed_exception_types = queue_closed_exception_types
        if self._close_op is None:
            self._close_op = self._queue.close()
        if self._cancel_op is None:
            self._cancel_op = self._queue.close(cancel_pending_enqueues=True)
        if not self._queue_closed_exception_types:
            self._queue_closed_exception_types = (errors.OutOfRangeError,)
        else:
            self._queue_closed_exception_types = tuple(self._queue_closed_exception_types)
        self._lock = threading.Lock()
        self._runs_per_session = weakref.WeakKeyDictionary()
        self._exceptions_raised = []

    @property
    def queue(self):
        return self._queue

    @property
    def enqueue_ops(self):
        return self._enqueue_ops

    @property
    def close_op(self):
        return self._close_op

    @property
    def cancel_op(self):
        return self._cancel_op

    @property
    def queue_closed_exception_types(self):
        return self._queue_closed_exception_types

    @property
    def exceptions_raised(self):
        """Exceptions raised by the threads when they ran without a coordinator."""
        return self._exceptions_raised

    @property
    def name(self):
        return self._queue.name

    def _run(self, sess, enqueue_op, coord=None):
        decremented = False
        try:
            enqueue_callable = sess.make_callable(enqueue_op)
            while True:
                if coord and coord.should_stop():
                    break
                try:
                    enqueue_callable()
                except self._queue_closed_exception_types:
                    with self._lock:
                        self._runs_per_session[sess] -= 1
                        decremented = True
                        if self._runs_per_session[sess] == 0:
                            try:
                                sess.run(self._close_op)
                            except Exception as e:  # noqa: BLE001 - TF1 ignores close errors
                                logging.vlog(1, "Ignored exception: %s", str(e))
                        return
        except Exception as e:  # noqa: BLE001 - reported to the coordinator, as TF1
            if coord:
                coord.request_stop(e)
            else:
                logging.error("Exception in QueueRunner: %s", str(e))
                with self._lock:
                    self._exceptions_raised.append(e)
                raise
        finally:
            if not decremented:
                with self._lock:
                    self._runs_per_session[sess] -= 1

    def _close_on_stop(self, sess, cancel_op, coord):
        coord.wait_for_stop()
        try:
            sess.run(cancel_op)
        except Exception as e:  # noqa: BLE001 - the session may already be closed
            logging.vlog(1, "Ignored exception: %s", str(e))

    def create_threads(self, sess, coord=None, daemon=False, start=False):
        """Threads that run the enqueue ops (plus a close-on-stop thread with `coord`).

        Returns [] when threads of this runner are already running for `sess`.
        """
        with self._lock:
            if self._runs_per_session.get(sess, 0) > 0:
                return []
            self._runs_per_session[sess] = len(self._enqueue_ops)
            self._exceptions_raised = []
        threads = [threading.Thread(target=self._run, args=(sess, op, coord),
                                    name=f"QueueRunnerThread-{self.name}-{op.name}")
                   for op in self._enqueue_ops]
        if coord:
            threads.append(threading.Thread(target=self._close_on_stop, args=(sess, self._cancel_op, coord),
                                            name=f"QueueRunnerThread-{self.name}-close_on_stop"))
        for t in threads:
            if coord:
                coord.register_thread(t)
            if daemon:
                t.daemon = True
            if start:
                t.start()
        return threads

    def to_proto(self, export_scope=None):
        raise NotImplementedError("tf.train.QueueRunner.to_proto is not supported by compat_tf")

    @staticmethod
    def from_proto(queue_runner_def, import_scope=None):
        raise NotImplementedError("tf.train.QueueRunner.from_proto is not supported by compat_tf")


def add_queue_runner(qr, collection=_graph.GraphKeys.QUEUE_RUNNERS):
    """Adds `qr` to the graph collection `collection` (default GraphKeys.QUEUE_RUNNERS)."""
    _graph.add_to_collection(collection, qr)


def start_queue_runners(sess=None, coord=None, daemon=True, start=True,
                        collection=_graph.GraphKeys.QUEUE_RUNNERS):
    """Starts the threads of every QueueRunner in `collection` of the session's graph; returns them."""
    from compat_tf._src.runtime.session import BaseSession, get_default_session
    if sess is None:
        sess = get_default_session()
        if not sess:
            raise ValueError("Cannot start queue runners: No default session is registered. Use `with "
                             "sess.as_default()` or pass an explicit session to "
                             "tf.start_queue_runners(sess=sess)")
    if not isinstance(sess, BaseSession):
        if sess.__class__.__name__ in ("MonitoredSession", "SingularMonitoredSession"):
            return []
        raise TypeError(f"sess must be a `tf.Session` object. Given class: {sess.__class__}")
    runners = sess.graph.get_collection(collection)
    if not runners:
        logging.warning("`tf.train.start_queue_runners()` was called when no queue runners were defined. You "
                        "can safely remove the call to this deprecated function.")
    threads = []
    with sess.graph.as_default():
        for qr in runners:
            threads.extend(qr.create_threads(sess, coord=coord, daemon=daemon, start=start))
    return threads
