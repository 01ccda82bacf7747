"""tf.train.AdagradOptimizer (TF1's ApplyAdagrad, on optax's `scale_by_rss` with eps=0).

accum += grad^2;  var -= lr * grad / sqrt(accum). Slot "accumulator" (variable `w/Adagrad`),
initialised to `initial_accumulator_value`.
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import _SPARSE_CAPABLE, Optimizer


class AdagradOptimizer(Optimizer):
    """Adagrad; `initial_accumulator_value` must be positive (TF1's check)."""

    def __init__(self, learning_rate, initial_accumulator_value=0.1, use_locking=False, name="Adagrad"):
        if initial_accumulator_value <= 0.0:
            raise ValueError(f"initial_accumulator_value must be positive: {initial_accumulator_value}")
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._initial_accumulator_value = initial_accumulator_value
        self._learning_rate_tensor = None

    def _create_slots(self, var_list):
        for v in var_list:
            self._constant_slot(v, self._initial_accumulator_value, "accumulator", self._name)

    def _prepare(self):
        self._learning_rate_tensor = _constant.convert_to_tensor(
            self._call_if_callable(self._learning_rate), name="learning_rate")

    def _apply_dense(self, grad, var):
        return training_ops.apply_adagrad(
            var, self.get_slot(var, "accumulator"),
            math_ops.cast(self._learning_rate_tensor, var.dtype.base_dtype), grad,
            use_locking=self._use_locking).op

    def to_optax(self):
        n = self._number
        return transforms.tf1_adagrad(n(self._learning_rate, "learning_rate"),
                                      self._initial_accumulator_value)


_SPARSE_CAPABLE.add(AdagradOptimizer._apply_dense)  # SparseApply* for gathered variables (optimizer.py)
