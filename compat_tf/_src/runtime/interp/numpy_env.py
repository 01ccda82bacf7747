"""The floating-point and memory settings NumPy runs under while the NumPy tier evaluates a step.

Denormals. XLA's CPU runtime and TF1's CPU kernels run with the FPU's flush-to-zero (FTZ) and
denormals-are-zero (DAZ) modes: a float32 below 1.2e-38 is read and written as 0 (`x * 1.5` of
1e-39 is 0.0 in both). NumPy leaves the modes off, so without them the NumPy tier computes
different numbers for such values, and slowly: the CPU takes a microcode assist per denormal
operand (an add over 3136x1024 denormals: 20 ms against 1.3 ms). `evaluation()` sets both bits of
the calling thread's MXCSR (x86-64; the modes are per thread, and NumPy's element-wise loops run in
the calling thread) through glibc's `fegetenv`/`fesetenv`, and restores them on exit. Elsewhere
(no glibc, another architecture) the modes are left alone and `flushes_denormals()` is False.

Huge pages. NumPy advises the kernel to back arrays of 4 MB and more with transparent huge pages
(madvise MADV_HUGEPAGE). Where the kernel's THP defrag setting is `madvise` (a common default),
a fault on such an array may compact memory synchronously: on this project's 2-core VM a new
12.8 MB result (Adam's `sqrt(v) + eps` over a 3136x1024 dense layer) cost 25-32 ms of system time
instead of ~1 ms, and a CNN's interpreted first step took 130-140 ms instead of 110-115 ms.
`evaluation()` turns NumPy's advice off for its duration (`_set_madvise_hugepage`, NumPy's own
switch, as `NUMPY_MADVISE_HUGEPAGE=0` does for a whole process) and restores the previous setting.
"""
import contextlib
import ctypes
import ctypes.util
import platform
import threading

_FTZ_DAZ = 0x8040                 # MXCSR bits 15 (flush to zero) and 6 (denormals are zero)
_MXCSR_OFFSET = 28                # glibc's x86-64 fenv_t: the SSE control word is its last field
_FENV_SIZE = 64                   # fenv_t is 32 bytes in glibc; room to spare
_local = threading.local()


def _libm():
    if platform.machine() not in ("x86_64", "AMD64") or platform.system() != "Linux":
        return None
    try:
        lib = ctypes.CDLL(ctypes.util.find_library("m") or "libm.so.6")
        lib.fegetenv, lib.fesetenv         # noqa: B018 - both must exist
        return lib
    except (OSError, AttributeError):
        return None


_LIB = _libm()


def _get():
    env = (ctypes.c_ubyte * _FENV_SIZE)()
    if _LIB.fegetenv(env) != 0:
        raise OSError("fegetenv failed")
    return env


def _mxcsr(env):
    return ctypes.c_uint32.from_buffer(env, _MXCSR_OFFSET)


def _works():
    """Whether setting the bits makes NumPy flush (checked once: the fenv_t layout is glibc's)."""
    if _LIB is None:
        return False
    import numpy as np
    try:
        saved = _get()
        if _mxcsr(saved).value & 0xFFFF0000:      # not an MXCSR: another layout
            return False
        env = _get()
        _mxcsr(env).value |= _FTZ_DAZ
        _LIB.fesetenv(env)
        try:
            flushed = float(np.float32(1e-39) * np.float32(1.5)) == 0.0
        finally:
            _LIB.fesetenv(saved)
        return flushed and float(np.float32(1e-39) * np.float32(1.5)) != 0.0
    except OSError:
        return False


_AVAILABLE = _works()


def flushes_denormals():
    return _AVAILABLE


def _madvise_switch():
    try:
        from numpy._core.multiarray import _set_madvise_hugepage
    except ImportError:                          # NumPy < 2
        try:
            from numpy.core.multiarray import _set_madvise_hugepage
        except ImportError:
            return None
    return _set_madvise_hugepage


_set_madvise = _madvise_switch()
_madvise_lock = threading.Lock()
_madvise_users = 0
_madvise_saved = None


@contextlib.contextmanager
def evaluation():
    """FTZ and DAZ on in this thread, NumPy's huge-page advice off in the process, for the block
    (nested blocks keep the outermost's settings; the advice comes back when the last thread
    evaluating leaves)."""
    if getattr(_local, "depth", 0):
        _local.depth += 1
        try:
            yield
        finally:
            _local.depth -= 1
        return
    saved = _get() if _AVAILABLE else None
    if saved is not None:
        env = type(saved).from_buffer_copy(saved)
        _mxcsr(env).value |= _FTZ_DAZ
        _LIB.fesetenv(env)
    _advice(+1)
    _local.depth = 1
    try:
        yield
    finally:
        _local.depth = 0
        _advice(-1)
        if saved is not None:
            _LIB.fesetenv(saved)


def _advice(delta):
    global _madvise_users, _madvise_saved
    if _set_madvise is None:
        return
    with _madvise_lock:
        _madvise_users += delta
        if delta > 0 and _madvise_users == 1:
            _madvise_saved = _set_madvise(False)
        elif delta < 0 and _madvise_users == 0:
            _set_madvise(_madvise_saved)
