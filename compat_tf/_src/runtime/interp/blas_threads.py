"""How many BLAS threads the NumPy tier's matmuls may use.

NumPy's BLAS (OpenBLAS, usually) spins its worker threads while waiting for work; when the
cores are busy (the background compile, other processes) a multi-threaded matmul can take 20x
longer than a single-threaded one: measured on 2 cores, a [50, 256] x [256, 512] product took
16 ms with 2 threads and 0.6 ms with 1. So while compat_tf interprets a step, BLAS gets
`threads()` threads (half the cores less one, at least 1), through threadpoolctl; the
previous setting is restored when the last interpreting thread leaves. Without threadpoolctl
the BLAS setting is left alone.
"""
import os
import threading

_lock = threading.Lock()
_depth = 0
_ctx = None
_controller = None
_unavailable = False


def threads():
    return max(1, ((os.cpu_count() or 2) - 1) // 2)


def _get_controller():
    global _controller, _unavailable
    if _controller is None and not _unavailable:
        try:
            from threadpoolctl import ThreadpoolController
            _controller = ThreadpoolController()
        except Exception:  # noqa: BLE001 - not installed or no BLAS found: leave BLAS alone
            _unavailable = True
    return _controller


class limited:
    """Context manager: BLAS limited to `threads()` while any thread is inside one."""

    def __enter__(self):
        global _depth, _ctx
        with _lock:
            if _depth == 0:
                c = _get_controller()
                if c is not None:
                    _ctx = c.limit(limits=threads(), user_api="blas")
            _depth += 1

    def __exit__(self, *exc):
        global _depth, _ctx
        with _lock:
            _depth -= 1
            if _depth == 0 and _ctx is not None:
                ctx, _ctx = _ctx, None
                ctx.restore_original_limits()
        return False
