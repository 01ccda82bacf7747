"""Run timeouts: `RunOptions(timeout_in_ms=...)` and `ConfigProto(operation_timeout_in_ms=...)`.

TF1 cancels a run that is still blocked after its timeout and raises DeadlineExceededError. In
compat_tf the only waits are host ops waiting on another thread (queues, barriers, staging
areas); `Session.run` sets the run's deadline for its thread (`limit`), and every blocking wait
goes through `wait(cv)`, which raises DeadlineExceededError once the deadline has passed. A
timeout of 0 or less means no timeout, as in TF1.
"""
import contextlib
import threading
import time

from compat_tf._src.framework import errors

_local = threading.local()


def run_timeout_seconds(options, config):
    """The timeout of a run from its RunOptions, else the session's ConfigProto; None for none."""
    ms = (getattr(options, "timeout_in_ms", 0) or 0) if options is not None else 0
    if ms <= 0 and config is not None:
        ms = getattr(config, "operation_timeout_in_ms", 0) or 0
    return ms / 1000.0 if ms > 0 else None


@contextlib.contextmanager
def limit(seconds):
    """Blocking waits in this thread fail with DeadlineExceededError after `seconds` (None: never)."""
    prev = getattr(_local, "deadline", None)
    _local.deadline = None if seconds is None else time.monotonic() + seconds
    try:
        yield
    finally:
        _local.deadline = prev


def wait(cv):
    """cv.wait() (lock held), bounded by this thread's run deadline."""
    deadline = getattr(_local, "deadline", None)
    if deadline is None:
        cv.wait()
        return
    left = deadline - time.monotonic()
    if left <= 0 or not cv.wait(left) and time.monotonic() >= deadline:
        raise errors.DeadlineExceededError(None, None, "Timed out waiting for notification")
