"""tf.train.GradientDescentOptimizer: var -= learning_rate * grad (TF1's ApplyGradientDescent).

The update op's lowering is optax's `scale(-lr)` (transforms.tf1_gradient_descent).
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import Optimizer


class GradientDescentOptimizer(Optimizer):
    """Plain gradient descent; the learning rate may be a float, a tensor or a callable."""

    def __init__(self, learning_rate, use_locking=False, name="GradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._learning_rate_tensor = None

    def _prepare(self):
        lr = self._call_if_callable(self._learning_rate)
        self._learning_rate_tensor = _constant.convert_to_tensor(lr, name="learning_rate")

    def _apply_dense(self, grad, var):
        return training_ops.apply_gradient_descent(
            var, math_ops.cast(self._learning_rate_tensor, var.dtype.base_dtype), grad,
            use_locking=self._use_locking).op

    def to_optax(self):
        n = self._number
        return transforms.tf1_gradient_descent(n(self._learning_rate, "learning_rate"))
