"""TF 1.x eager mode switches (tf.enable_eager_execution, tf.executing_eagerly, ...).

Defined in compat_tf._src.eager.context; re-exported here for the modules that import them
from the framework package.
"""
from compat_tf._src.eager.context import (  # noqa: F401
    disable_eager_execution, enable_eager_execution, executing_eagerly)

__all__ = ["enable_eager_execution", "executing_eagerly", "disable_eager_execution"]
