"""Clear errors for TF1 names compat_tf does not provide.

Public namespace modules define `__getattr__ = missing_attr_hook("tf.nn")`:
asking for a TF1 name that is not implemented raises
`UnimplementedSymbolError`, a NotImplementedError naming the symbol. It is
also an AttributeError, so `hasattr(tf.nn, "x")` and `getattr(.., default)`
keep working as feature tests do in TF1 programs.
"""
import functools


class UnimplementedSymbolError(NotImplementedError, AttributeError):
    """A TF 1.x public name that compat_tf does not implement."""


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
            raise UnimplementedSymbolError(f"{full} is not implemented by compat_tf (TensorFlow 1.15 API)")
        raise AttributeError(f"module '{tf_module_name}' has no attribute '{name}'")
    return __getattr__
