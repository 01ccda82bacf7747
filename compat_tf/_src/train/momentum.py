"""tf.train.MomentumOptimizer (TF1's ApplyMomentum, on optax's `trace`).

accum = accum * momentum + grad;  var -= lr * accum
(use_nesterov: var -= lr * grad + lr * momentum * accum). Slot "momentum", variable `w/Momentum`.
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import _SPARSE_CAPABLE, Optimizer


class MomentumOptimizer(Optimizer):
    """Momentum (optionally Nesterov); learning rate and momentum may be floats, tensors or callables."""

    def __init__(self, learning_rate, momentum, use_locking=False, name="Momentum", use_nesterov=False):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._momentum = momentum
        self._use_nesterov = use_nesterov

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        self._learning_rate_tensor = _constant.convert_to_tensor(
            self._call_if_callable(self._learning_rate), name="learning_rate")
        self._momentum_tensor = _constant.convert_to_tensor(self._call_if_callable(self._momentum),
                                                            name="momentum")

    def _apply_dense(self, grad, var):
        dtype = var.dtype.base_dtype
        return training_ops.apply_momentum(
            var, self.get_slot(var, "momentum"), math_ops.cast(self._learning_rate_tensor, dtype), grad,
            math_ops.cast(self._momentum_tensor, dtype), use_locking=self._use_locking,
            use_nesterov=self._use_nesterov).op

    def to_optax(self):
        n = self._number
        return transforms.tf1_momentum(n(self._learning_rate, "learning_rate"), n(self._momentum, "momentum"),
                                       self._use_nesterov)


_SPARSE_CAPABLE.add(MomentumOptimizer._apply_dense)  # SparseApply* for gathered variables (optimizer.py)
