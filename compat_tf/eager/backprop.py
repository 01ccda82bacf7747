"""tensorflow.python.eager.backprop: GradientTape and the function-style gradients (re-exports)."""
from compat_tf._src.eager.backprop import (  # noqa: F401
    gradients_function, implicit_gradients as implicit_grad, implicit_value_and_gradients as implicit_val_and_grad,
    value_and_gradients_function as val_and_grad_function)
from compat_tf._src.eager.tape import GradientTape  # noqa: F401
