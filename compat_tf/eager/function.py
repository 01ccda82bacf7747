"""tensorflow.python.eager.function: defun (re-export)."""
from compat_tf._src.eager.function import ConcreteFunction, Function, defun  # noqa: F401
