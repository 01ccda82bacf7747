"""A persistent compilation cache, on by default: running a script or notebook again does not
recompile what the last run compiled.

This is JAX's own persistent cache (`jax_compilation_cache_dir`), switched on when compat_tf
is imported, in a per-user directory:

  $COMPAT_TF_COMPILATION_CACHE            a directory to use instead, or 0/off/false to disable
  default: $XDG_CACHE_HOME/compat_tf/xla  (~/.cache/compat_tf/xla)

Programs that took at least `MIN_COMPILE_SECONDS` to compile are written (smaller ones are
quicker to compile than to read back); the directory is bounded to `MAX_BYTES` (JAX evicts the
least recently used entries). A cache directory a program already gave JAX
(`jax.config.update("jax_compilation_cache_dir", ...)` before importing compat_tf) is left
as it is. An unwritable directory disables the cache with a warning instead of failing.
"""
import logging
import os

import jax

ENV = "COMPAT_TF_COMPILATION_CACHE"
MIN_COMPILE_SECONDS = 0.05
MAX_BYTES = 2 * 1024 ** 3
_OFF = frozenset({"0", "off", "false", "no", "none", "disable", "disabled"})
_log = logging.getLogger("compat_tf.runtime")


def default_dir():
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "compat_tf", "xla")


def configure(environ=None):
    """Switches JAX's persistent cache on per the environment; returns the directory, or None."""
    environ = os.environ if environ is None else environ
    value = environ.get(ENV)
    if value is not None and value.strip().lower() in _OFF:
        return None
    current = jax.config.jax_compilation_cache_dir
    if current and value is None:
        return current                      # the program's own choice
    path = os.path.abspath(os.path.expanduser(value.strip())) if value else default_dir()
    try:
        os.makedirs(path, exist_ok=True)
        probe = os.path.join(path, f".probe-{os.getpid()}")
        with open(probe, "w"):
            pass
        os.remove(probe)
    except OSError as e:
        _log.warning("compat_tf: compilation cache disabled (%s is not writable: %s); set %s to "
                     "another directory or to 0", path, e, ENV)
        return None
    jax.config.update("jax_compilation_cache_dir", path)
    jax.config.update("jax_persistent_cache_min_compile_time_secs", MIN_COMPILE_SECONDS)
    jax.config.update("jax_compilation_cache_max_size", MAX_BYTES)
    return path
