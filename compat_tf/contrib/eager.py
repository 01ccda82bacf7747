"""tf.contrib.eager (`tfe`): TF 1.15's eager-mode toolbox (re-exports from compat_tf._src.eager)."""
from compat_tf._src.eager.backprop import (  # noqa: F401
    gradients_function, implicit_gradients, implicit_value_and_gradients, value_and_gradients_function)
from compat_tf._src.eager.context import (  # noqa: F401
    ASYNC, DEVICE_PLACEMENT_EXPLICIT, DEVICE_PLACEMENT_SILENT, DEVICE_PLACEMENT_SILENT_FOR_INT32,
    DEVICE_PLACEMENT_WARN, SYNC, InfOrNanError, enable_eager_execution, executing_eagerly, list_devices,
    num_gpus, run, seterr)
from compat_tf._src.eager import metrics  # noqa: F401 - tfe.metrics.Mean, ...
from compat_tf._src.eager.data import Iterator  # noqa: F401
from compat_tf._src.eager.function import TensorSpec, defun  # noqa: F401
from compat_tf._src.eager.network import Network  # noqa: F401
from compat_tf._src.eager.saver import Saver  # noqa: F401
from compat_tf._src.eager.variable_store import EagerVariableStore  # noqa: F401
from compat_tf._src.eager.tape import GradientTape  # noqa: F401
from compat_tf._src.eager.test_util import (  # noqa: F401
    run_all_tests_in_graph_and_eager_modes, run_test_in_graph_and_eager_modes)
from compat_tf._src.ops.variables import Variable  # noqa: F401 - an eager ResourceVariable when eager
from compat_tf._src.ops.custom_gradient import custom_gradient  # noqa: F401
from compat_tf._src.ops.script_ops import py_function as py_func  # noqa: F401
from compat_tf._src.train.object_checkpoint import Checkpoint, Checkpointable  # noqa: F401
from compat_tf._src.dropin.missing import missing_attr_hook as _hook

in_eager_mode = executing_eagerly


def get_optimizer_variables(optimizer):
    """tfe.get_optimizer_variables: the optimizer's slot and non-slot variables (optimizer.variables())."""
    return optimizer.variables()


def set_execution_mode(mode):
    """tfe.set_execution_mode: accepted (compat_tf runs eager ops synchronously)."""
    if mode not in (None, SYNC, ASYNC):
        raise ValueError("execution_mode must be one of None, tf.contrib.eager.SYNC, tf.contrib.eager.ASYNC")


def execution_mode(mode):
    """tfe.execution_mode: a context in which ops run in `mode` (always synchronously here)."""
    import contextlib
    set_execution_mode(mode)
    return contextlib.nullcontext()


def async_wait():
    """tfe.async_wait: nothing is pending (ops run synchronously)."""


def async_clear_error():
    """tfe.async_clear_error: no asynchronous error can be pending."""

__getattr__ = _hook("tf.contrib.eager")
