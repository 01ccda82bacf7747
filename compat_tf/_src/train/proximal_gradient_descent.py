"""tf.train.ProximalGradientDescentOptimizer (TF1's ApplyProximalGradientDescent,
on transforms.tf1_proximal_gradient_descent).

prox = var - lr g;  var = sign(prox) max(|prox| - lr l1, 0) / (1 + lr l2)  (l1 > 0),
else prox / (1 + lr l2). No slots.
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import _SPARSE_CAPABLE, Optimizer


class ProximalGradientDescentOptimizer(Optimizer):
    """Gradient descent with a proximal L1/L2 step (FOBOS)."""

    def __init__(self, learning_rate, l1_regularization_strength=0.0, l2_regularization_strength=0.0,
                 use_locking=False, name="ProximalGradientDescent"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _prepare(self):
        conv = _constant.convert_to_tensor
        self._learning_rate_tensor = conv(self._call_if_callable(self._learning_rate), name="learning_rate")
        self._l1_regularization_strength_tensor = conv(self._l1_regularization_strength,
                                                       name="l1_regularization_strength")
        self._l2_regularization_strength_tensor = conv(self._l2_regularization_strength,
                                                       name="l2_regularization_strength")

    def _apply_dense(self, grad, var):
        dtype = var.dtype.base_dtype
        return training_ops.apply_proximal_gradient_descent(
            var, math_ops.cast(self._learning_rate_tensor, dtype),
            math_ops.cast(self._l1_regularization_strength_tensor, dtype),
            math_ops.cast(self._l2_regularization_strength_tensor, dtype), grad,
            use_locking=self._use_locking).op

    def to_optax(self):
        n = self._number
        return transforms.tf1_proximal_gradient_descent(
            n(self._learning_rate, "learning_rate"), self._l1_regularization_strength,
            self._l2_regularization_strength)


_SPARSE_CAPABLE.add(ProximalGradientDescentOptimizer._apply_dense)  # SparseApply* for gathered variables (optimizer.py)
