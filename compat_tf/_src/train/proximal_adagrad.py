"""tf.train.ProximalAdagradOptimizer (TF1's ApplyProximalAdagrad, on transforms.tf1_proximal_adagrad).

accum += g^2;  lr_t = lr / sqrt(accum);  then the proximal step of
ProximalGradientDescent with lr_t. Slot "accumulator" (variable `w/ProximalAdagrad`),
initialised to `initial_accumulator_value`.
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import _SPARSE_CAPABLE, Optimizer


class ProximalAdagradOptimizer(Optimizer):
    """Adagrad with a proximal L1/L2 step; `initial_accumulator_value` must be positive."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, l1_regularization_strength=0.0,
                 l2_regularization_strength=0.0, use_locking=False, name="ProximalAdagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength

    def _create_slots(self, var_list):
        for v in var_list:
            self._constant_slot(v, self._initial_accumulator_value, "accumulator", self._name)

    def _prepare(self):
        conv = _constant.convert_to_tensor
        self._learning_rate_tensor = conv(self._call_if_callable(self._learning_rate), name="learning_rate")
        self._l1_regularization_strength_tensor = conv(self._l1_regularization_strength,
                                                       name="l1_regularization_strength")
        self._l2_regularization_strength_tensor = conv(self._l2_regularization_strength,
                                                       name="l2_regularization_strength")

    def _apply_dense(self, grad, var):
        # TF1 passes these tensors uncast; casting to the variable's dtype only differs for
        # non-float32 variables, where TF1 would raise a dtype error instead.
        dtype = var.dtype.base_dtype
        return training_ops.apply_proximal_adagrad(
            var, self.get_slot(var, "accumulator"), math_ops.cast(self._learning_rate_tensor, dtype),
            math_ops.cast(self._l1_regularization_strength_tensor, dtype),
            math_ops.cast(self._l2_regularization_strength_tensor, dtype), grad,
            use_locking=self._use_locking).op

    def to_optax(self):
        n = self._number
        return transforms.tf1_proximal_adagrad(
            n(self._learning_rate, "learning_rate"), self._l1_regularization_strength,
            self._l2_regularization_strength,
            self._initial_accumulator_value)


_SPARSE_CAPABLE.add(ProximalAdagradOptimizer._apply_dense)  # SparseApply* for gathered variables (optimizer.py)
