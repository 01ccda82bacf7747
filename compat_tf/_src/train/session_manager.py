"""tf.train.SessionManager (TF 1.15's session_manager.py): creates a Session restored from the
latest checkpoint or initialised by init_op / init_fn, runs local_init_op and checks ready_op.

compat_tf is one process: `master` is accepted and ignored; `wait_for_session` polls the ready
op of its own new session, so a worker whose variables nobody initialises times out.
"""
import time

from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.platform import tf_logging as logging
from compat_tf._src.train import monitored_session as _ms

__all__ = ["SessionManager"]


def _maybe_name(obj):
    if obj is None:
        return None
    return getattr(obj, "name", f"<no name for {type(obj).__name__}>")


class SessionManager:
    """TF1's tf.train.SessionManager."""

    def __init__(self, local_init_op=None, ready_op=None, ready_for_local_init_op=None, graph=None,
                 recovery_wait_secs=30, local_init_run_options=None, local_init_feed_dict=None):
        self._local_init_op = local_init_op
        self._ready_op = ready_op
        self._ready_for_local_init_op = ready_for_local_init_op
        self._graph = graph if graph is not None else _graph.get_default_graph()
        self._recovery_wait_secs = recovery_wait_secs
        self._local_init_run_options = local_init_run_options
        self._local_init_feed_dict = local_init_feed_dict
        if ready_for_local_init_op is not None and local_init_op is None:
            raise ValueError("If you pass a ready_for_local_init_op you must also pass a local_init_op , "
                             f"ready_for_local_init_op [{ready_for_local_init_op}]")

    def _new_session(self, master, config):
        from compat_tf._src.runtime.session import Session
        return Session(master, graph=self._graph, config=config)

    def _restore_checkpoint(self, master, saver=None, checkpoint_dir=None, checkpoint_filename_with_path=None,
                            wait_for_checkpoint=False, max_wait_secs=7200, config=None):
        from compat_tf._src.train.checkpoint_management import latest_checkpoint
        if checkpoint_dir and checkpoint_filename_with_path:
            raise ValueError("Can not provide both checkpoint_dir and checkpoint_filename_with_path.")
        sess = self._new_session(master, config)
        if not saver or not (checkpoint_dir or checkpoint_filename_with_path):
            return sess, False
        if checkpoint_filename_with_path:
            saver.restore(sess, checkpoint_filename_with_path)
            return sess, True
        wait_time = 0
        ckpt = latest_checkpoint(checkpoint_dir)
        while ckpt is None:
            if not wait_for_checkpoint or wait_time >= max_wait_secs:
                return sess, False
            logging.info("Waiting for checkpoint to be available.")
            time.sleep(self._recovery_wait_secs)
            wait_time += self._recovery_wait_secs
            ckpt = latest_checkpoint(checkpoint_dir)
        saver.restore(sess, ckpt)
        return sess, True

    def _try_run_local_init_op(self, sess):
        if self._local_init_op is None:
            return True, None
        ok, msg = _ms._ready(sess, self._ready_for_local_init_op, "Model not ready for local init")
        if not ok:
            return False, msg
        logging.info("Running local_init_op.")
        sess.run(self._local_init_op, feed_dict=self._local_init_feed_dict,
                 options=self._local_init_run_options)
        logging.info("Done running local_init_op.")
        return True, None

    def _model_ready(self, sess):
        return _ms._ready(sess, self._ready_op, "Model not ready")

    def prepare_session(self, master, init_op=None, saver=None, checkpoint_dir=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None, init_feed_dict=None, init_fn=None,
                        checkpoint_filename_with_path=None):
        """A session restored from the checkpoint, else initialised; RuntimeError when not ready."""
        sess, loaded = self._restore_checkpoint(
            master, saver, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs, config=config)
        if not loaded:
            if init_op is None and not init_fn and self._local_init_op is None:
                raise RuntimeError("Model is not initialized and no init_op or init_fn or local_init_op was given")
            if init_op is not None:
                sess.run(init_op, feed_dict=init_feed_dict)
            if init_fn:
                init_fn(sess)
        ok, msg = self._try_run_local_init_op(sess)
        if not ok:
            raise RuntimeError("Init operations did not make model ready for local_init.  Init op: "
                               f"{_maybe_name(init_op)}, init fn: {init_fn}, error: {msg}")
        ok, msg = self._model_ready(sess)
        if not ok:
            raise RuntimeError(f"Init operations did not make model ready.  Init op: {_maybe_name(init_op)}, "
                               f"init fn: {init_fn}, local_init_op: {self._local_init_op}, error: {msg}")
        return sess

    def recover_session(self, master, saver=None, checkpoint_dir=None, wait_for_checkpoint=False,
                        max_wait_secs=7200, config=None, checkpoint_filename_with_path=None):
        """(session, whether it was restored and made ready)."""
        sess, loaded = self._restore_checkpoint(
            master, saver, checkpoint_dir=checkpoint_dir,
            checkpoint_filename_with_path=checkpoint_filename_with_path,
            wait_for_checkpoint=wait_for_checkpoint, max_wait_secs=max_wait_secs, config=config)
        ok, msg = self._try_run_local_init_op(sess)
        if not loaded:
            return sess, False
        if not ok:
            logging.info("Restoring model from %s did not make model ready for local init: %s", checkpoint_dir,
                         msg)
            return sess, False
        ok, msg = self._model_ready(sess)
        if not ok:
            logging.info("Restoring model from %s did not make model ready: %s", checkpoint_dir, msg)
            return sess, False
        logging.info("Restored model from %s", checkpoint_dir)
        return sess, True

    def wait_for_session(self, master, config=None, max_wait_secs=float("Inf")):
        """A session once the model is ready (polling); DeadlineExceededError after max_wait_secs."""
        deadline = time.time() + max_wait_secs
        while True:
            sess = self._new_session(master, config)
            ok, msg = self._try_run_local_init_op(sess)
            if ok:
                ok, msg = self._model_ready(sess)
                if ok:
                    return sess
            sess.close()
            remaining = deadline - time.time()
            if remaining < self._recovery_wait_secs:
                raise errors.DeadlineExceededError(None, None, f"Session was not ready after waiting "
                                                               f"{max_wait_secs} secs.")
            logging.info("Waiting for model to be ready.  Ready_for_local_init_op:  %s, ready: %s",
                         _maybe_name(self._ready_for_local_init_op), msg)
            time.sleep(self._recovery_wait_secs)
