"""tf.train.SessionRunHook and its argument types (TF 1.15's session_run_hook.py).

A hook is called by MonitoredSession around every `run()`:
`begin()` before the graph is finalized, `after_create_session(session, coord)`
once the session exists (variables initialised or restored), then per run
`before_run(run_context) -> SessionRunArgs | None` (extra fetches / feeds merged
into the caller's run) and `after_run(run_context, run_values)` (with the
hook's own fetched values), and `end(session)` when the session closes
without an error.
"""
import collections


class SessionRunHook:
    """Hook to extend calls to MonitoredSession.run() (TF1's tf.train.SessionRunHook)."""

    def begin(self):
        """Called once before the session is created; the graph can still be changed."""

    def after_create_session(self, session, coord):  # pylint: disable=unused-argument
        """Called when the session has been created (and initialised or restored)."""

    def before_run(self, run_context):  # pylint: disable=unused-argument
        """Called before each run(); may return a SessionRunArgs to add fetches and feeds."""
        return None

    def after_run(self, run_context, run_values):  # pylint: disable=unused-argument
        """Called after each run() with the values of what before_run() requested."""

    def end(self, session):  # pylint: disable=unused-argument
        """Called at the end of the session (not when the session ends with an exception)."""


class SessionRunArgs(collections.namedtuple("SessionRunArgs", ["fetches", "feed_dict", "options"])):
    """What a hook adds to a run: fetches (any fetch structure), a feed_dict and RunOptions."""

    def __new__(cls, fetches, feed_dict=None, options=None):
        return super().__new__(cls, fetches, feed_dict, options)


class SessionRunContext:
    """The context of a run() passed to before_run/after_run (original_args, session, request_stop)."""

    def __init__(self, original_args, session):
        self._original_args = original_args
        self._session = session
        self._stop_requested = False

    @property
    def original_args(self):
        """The SessionRunArgs of the caller's run() (its fetches and feed_dict)."""
        return self._original_args

    @property
    def session(self):
        """The raw session (running it does not call the hooks)."""
        return self._session

    @property
    def stop_requested(self):
        return self._stop_requested

    def request_stop(self):
        """Asks the MonitoredSession to stop: its should_stop() becomes True after this run."""
        self._stop_requested = True


class SessionRunValues(collections.namedtuple("SessionRunValues", ["results", "options", "run_metadata"])):
    """What after_run() receives: `results` has the structure of the hook's SessionRunArgs.fetches."""


__all__ = ["SessionRunHook", "SessionRunArgs", "SessionRunContext", "SessionRunValues"]
