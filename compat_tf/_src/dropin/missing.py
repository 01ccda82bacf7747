"""Clear errors for TF1 names compat_tf does not provide.

Public namespace modules define `__getattr__ = missing_attr_hook("tf.nn")`:
asking for a TF1 name that is not implemented raises
`UnimplementedSymbolError`, a NotImplementedError naming the symbol. It is
also an AttributeError, so `hasattr(tf.nn, "x")` and `getattr(.., default)`
keep working as feature tests do in TF1 programs.
"""
import dis
import functools
import sys


class UnimplementedSymbolError(NotImplementedError, AttributeError):
    """A TF 1.x public name that compat_tf does not implement."""


class UnimplementedImportError(NotImplementedError, ImportError):
    """The same, met by `from tensorflow.contrib import legacy_seq2seq`: Python turns an
    AttributeError raised during a from-import into a bare "cannot import name" ImportError,
    losing the message; this one is an ImportError already, so it propagates as it is (and
    `except ImportError` feature tests still catch it)."""


_IMPORT_FROM = dis.opmap["IMPORT_FROM"]


def _in_from_import(depth=2):
    """Whether the frame `depth` levels up is executing a from-import's IMPORT_FROM."""
    try:
        frame = sys._getframe(depth)
    except ValueError:
        return False
    code, i = frame.f_code.co_code, frame.f_lasti
    return 0 <= i < len(code) and code[i] == _IMPORT_FROM


@functools.lru_cache(maxsize=1)
def _tf1_symbols():
    from compat_tf._src.dropin import coverage
    try:
        return frozenset(coverage.load_symbols())
    except OSError:
        return frozenset()


@functools.lru_cache(maxsize=1)
def _tf1_modules():
    """TF1 namespace paths ('tf.saved_model', 'tf.estimator', ...): the parents of the symbols."""
    # tf.xla is not in the list (tf.keras's names are, from _data/tf1_keras_symbols.txt)
    return frozenset({s.rsplit(".", 1)[0] for s in _tf1_symbols() if "." in s} | {"tf.xla"})


def missing_attr_hook(tf_module_name, package=None):
    """A module `__getattr__` for `tf_module_name` ('tf', 'tf.nn', 'tf.contrib.rnn', ...).

    With `package` (the real package name), a submodule of that name is imported first.
    """
    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(name)
        if package is not None:
            import importlib
            try:
                return importlib.import_module(f"{package}.{name}")
            except ModuleNotFoundError as e:
                if e.name != f"{package}.{name}":
                    raise
        full = f"{tf_module_name}.{name}"
        if full in _tf1_symbols() or full in _tf1_modules() or tf_module_name.startswith("tf.contrib"):
            message = f"{full} is not implemented by compat_tf (TensorFlow 1.15 API)"
            if _in_from_import():
                raise UnimplementedImportError(message)
            raise UnimplementedSymbolError(message)
        raise AttributeError(f"module '{tf_module_name}' has no attribute '{name}'")
    return __getattr__
