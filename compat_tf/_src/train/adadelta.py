"""tf.train.AdadeltaOptimizer (TF1's ApplyAdadelta, on optax's `scale_by_adadelta`).

accum = rho accum + (1 - rho) g^2;  u = sqrt(accum_update + eps) / sqrt(accum + eps) * g;
accum_update = rho accum_update + (1 - rho) u^2;  var -= lr * u.
Slots "accum" and "accum_update" (variables `w/Adadelta`, `w/Adadelta_1`).
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import _SPARSE_CAPABLE, Optimizer


class AdadeltaOptimizer(Optimizer):
    """Adadelta (Zeiler, 2012) with TF1's defaults (lr 0.001, rho 0.95, epsilon 1e-8)."""

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-8, use_locking=False, name="Adadelta"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._rho = rho
        self._epsilon = epsilon

    def _create_slots(self, var_list):
        for v in var_list:
            self._zeros_slot(v, "accum", self._name)
            self._zeros_slot(v, "accum_update", self._name)

    def _prepare(self):
        self._lr_t = _constant.convert_to_tensor(self._call_if_callable(self._lr), name="lr")
        self._rho_t = _constant.convert_to_tensor(self._call_if_callable(self._rho), name="rho")
        self._epsilon_t = _constant.convert_to_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        dtype = var.dtype.base_dtype
        return training_ops.apply_adadelta(
            var, self.get_slot(var, "accum"), self.get_slot(var, "accum_update"),
            math_ops.cast(self._lr_t, dtype), math_ops.cast(self._rho_t, dtype),
            math_ops.cast(self._epsilon_t, dtype), grad, use_locking=self._use_locking).op

    def to_optax(self):
        n = self._number
        return transforms.tf1_adadelta(n(self._lr, "learning_rate"), n(self._rho, "rho"),
                                       n(self._epsilon, "epsilon"))


_SPARSE_CAPABLE.add(AdadeltaOptimizer._apply_dense)  # SparseApply* for gathered variables (optimizer.py)
