"""tf.train.Coordinator and tf.train.LooperThread (TF1's training/coordinator.py).

A Coordinator lets threads stop together: any thread may `request_stop()`
(optionally with the exception that made it stop), the others poll
`should_stop()` or block in `wait_for_stop()`, and `join()` waits for the
registered threads and re-raises the first reported exception. OutOfRangeError
(or the `clean_stop_exception_types` given) counts as a clean stop, as in TF1.
"""
import contextlib
import sys
import threading
import time

from compat_tf._src.framework import errors
from compat_tf._src.platform import tf_logging as logging

__all__ = ["Coordinator", "LooperThread"]


class Coordinator:
    """TF1's tf.train.Coordinator."""

    def __init__(self, clean_stop_exception_types=None):
        if clean_stop_exception_types is None:
            clean_stop_exception_types = (errors.OutOfRangeError,)
        self._clean_stop_exception_types = tuple(clean_stop_exception_types)
        self._lock = threading.Lock()
        self._stop_event = threading.Event()
        self._exc_info_to_raise = None
        self._joined = False
        self._registered_threads = set()

    def _filter_exception(self, ex):
        ex2 = ex[1] if isinstance(ex, tuple) else ex
        if isinstance(ex2, self._clean_stop_exception_types):
            return None
        return ex

    def request_stop(self, ex=None):
        """Asks every thread to stop; `ex` (an exception or an exc_info tuple) is re-raised by join().

        Only the first exception is kept; clean-stop exceptions (OutOfRangeError) are ignored.
        After join() has returned, a reported exception is raised right here instead.
        """
        with self._lock:
            ex = self._filter_exception(ex)
            if self._joined:
                if isinstance(ex, tuple):
                    raise ex[1].with_traceback(ex[2])
                if ex is not None:
                    exc_info = sys.exc_info()
                    if exc_info[1] is not None:
                        raise exc_info[1].with_traceback(exc_info[2])
                    raise ex
            if not self._stop_event.is_set():
                if ex and self._exc_info_to_raise is None:
                    if isinstance(ex, tuple):
                        logging.info("Error reported to Coordinator: %s", ex[1])
                        self._exc_info_to_raise = ex
                    else:
                        logging.info("Error reported to Coordinator: %s, %s", type(ex), ex)
                        info = sys.exc_info()
                        if info[1] is not ex:
                            info = (type(ex), ex, ex.__traceback__)
                        self._exc_info_to_raise = info
                    if (len(self._exc_info_to_raise) != 3 or not self._exc_info_to_raise[0]
                            or not self._exc_info_to_raise[1]):
                        try:
                            raise ValueError("ex must be a tuple or sys.exc_info must return the current "
                                             f"exception: {self._exc_info_to_raise}")
                        except ValueError:
                            self._exc_info_to_raise = sys.exc_info()
                self._stop_event.set()

    def clear_stop(self):
        """Clears the stop flag (and the recorded exception), so the coordinator can be reused."""
        with self._lock:
            self._joined = False
            self._exc_info_to_raise = None
            if self._stop_event.is_set():
                self._stop_event.clear()

    def should_stop(self):
        return self._stop_event.is_set()

    @contextlib.contextmanager
    def stop_on_exception(self):
        """Context manager: an exception raised in the block is reported with request_stop()."""
        try:
            yield
        except:  # noqa: E722 - TF1 reports any exception, including SystemExit
            self.request_stop(ex=sys.exc_info())

    def wait_for_stop(self, timeout=None):
        """Blocks until a stop is requested (or `timeout` seconds); returns whether one was."""
        return self._stop_event.wait(timeout)

    def register_thread(self, thread):
        with self._lock:
            self._registered_threads.add(thread)

    def join(self, threads=None, stop_grace_period_secs=120, ignore_live_threads=False):
        """Waits for `threads` (and the registered ones) to end.

        Waits until they have all ended or a stop is requested; then gives them
        `stop_grace_period_secs` to end. Re-raises the exception passed to
        request_stop(), else raises RuntimeError naming the threads still
        running after the grace period (unless `ignore_live_threads`).
        """
        with self._lock:
            if threads is None:
                threads = self._registered_threads
            else:
                threads = self._registered_threads.union(set(threads))
            threads = list(threads)

        # Until a stop is requested, wait on the threads themselves (short joins, so a
        # stop request is noticed promptly).
        while not self._stop_event.is_set():
            alive = [t for t in threads if t.is_alive()]
            if not alive:
                break
            alive[0].join(0.05)

        deadline = time.monotonic() + max(stop_grace_period_secs, 0)
        for t in threads:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            t.join(remaining)
        stragglers = [t.name for t in threads if t.is_alive()]

        with self._lock:
            self._joined = True
            self._registered_threads = set()
            if self._exc_info_to_raise:
                _, value, tb = self._exc_info_to_raise
                raise value.with_traceback(tb)
            if stragglers:
                if ignore_live_threads:
                    logging.info("Coordinator stopped with threads still running: %s", " ".join(stragglers))
                else:
                    raise RuntimeError("Coordinator stopped with threads still running: "
                                       + " ".join(stragglers))

    @property
    def joined(self):
        return self._joined

    def raise_requested_exception(self):
        """Raises the exception passed to request_stop(), if any."""
        with self._lock:
            if self._exc_info_to_raise:
                _, value, tb = self._exc_info_to_raise
                raise value.with_traceback(tb)


class LooperThread(threading.Thread):
    """TF1's tf.train.LooperThread: calls `target(*args, **kwargs)` every `timer_interval_secs`
    (or back to back when None) until the coordinator stops; exceptions go to the coordinator."""

    def __init__(self, coord, timer_interval_secs, target=None, args=None, kwargs=None):
        if not isinstance(coord, Coordinator):
            raise ValueError(f"'coord' argument must be a Coordinator: {coord}")
        super().__init__()
        self.daemon = True
        self._coord = coord
        self._timer_interval_secs = timer_interval_secs
        self._target = target
        if self._target:
            self._args = args or ()
            self._kwargs = kwargs or {}
        elif args or kwargs:
            raise ValueError("'args' and 'kwargs' argument require that you also pass 'target'")
        self._coord.register_thread(self)

    @staticmethod
    def loop(coord, timer_interval_secs, target, args=None, kwargs=None):
        """Starts a LooperThread that calls `target`; returns it."""
        looper = LooperThread(coord, timer_interval_secs, target=target, args=args, kwargs=kwargs)
        looper.start()
        return looper

    def run(self):
        with self._coord.stop_on_exception():
            self.start_loop()
            if self._timer_interval_secs is None:
                while not self._coord.should_stop():
                    self.run_loop()
            else:
                next_timer_time = time.time()
                while not self._coord.wait_for_stop(next_timer_time - time.time()):
                    next_timer_time += self._timer_interval_secs
                    self.run_loop()
            self.stop_loop()

    def start_loop(self):
        """Called once before the loop (override)."""

    def stop_loop(self):
        """Called once after the loop (override)."""

    def run_loop(self):
        """One iteration: calls the target (override when subclassing)."""
        if self._target:
            self._target(*self._args, **self._kwargs)
