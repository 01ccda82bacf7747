"""tf.train.FtrlOptimizer (TF1's ApplyFtrl / ApplyFtrlV2, on transforms.tf1_ftrl).

FTRL-Proximal with TF1's accumulators: slots "accum" (initialised to
`initial_accumulator_value`, variable `w/Ftrl`) and "linear" (zeros, `w/Ftrl_1`).
With `l2_shrinkage_regularization_strength` > 0 the update is ApplyFtrlV2.
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import _SPARSE_CAPABLE, Optimizer


class FtrlOptimizer(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013) as TF1 implements it."""

    def __init__(self, learning_rate, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0, use_locking=False,
                 name="Ftrl", accum_name=None, linear_name=None, l2_shrinkage_regularization_strength=0.0):
        super().__init__(use_locking, name)
        if initial_accumulator_value < 0.0:
            raise ValueError(f"initial_accumulator_value {initial_accumulator_value:f} needs to be positive "
                             "or zero")
        if learning_rate_power > 0.0:
            raise ValueError(f"learning_rate_power {learning_rate_power:f} needs to be negative or zero")
        if l1_regularization_strength < 0.0:
            raise ValueError(f"l1_regularization_strength {l1_regularization_strength:f} needs to be "
                             "positive or zero")
        if l2_regularization_strength < 0.0:
            raise ValueError(f"l2_regularization_strength {l2_regularization_strength:f} needs to be "
                             "positive or zero")
        if l2_shrinkage_regularization_strength < 0.0:
            raise ValueError(f"l2_shrinkage_regularization_strength {l2_shrinkage_regularization_strength:f} "
                             "needs to be positive or zero")
        self._learning_rate = learning_rate
        self._learning_rate_power = learning_rate_power
        self._initial_accumulator_value = initial_accumulator_value
        self._l1_regularization_strength = l1_regularization_strength
        self._l2_regularization_strength = l2_regularization_strength
        self._l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength
        self._accum_name = accum_name
        self._linear_name = linear_name

    def _create_slots(self, var_list):
        for v in var_list:
            self._constant_slot(v, self._initial_accumulator_value, "accum", self._accum_name or self._name)
            self._zeros_slot(v, "linear", self._linear_name or self._name)

    def _prepare(self):
        conv = _constant.convert_to_tensor
        self._learning_rate_tensor = conv(self._call_if_callable(self._learning_rate), name="learning_rate")
        self._l1_regularization_strength_tensor = conv(self._l1_regularization_strength,
                                                       name="l1_regularization_strength")
        self._l2_regularization_strength_tensor = conv(self._l2_regularization_strength,
                                                       name="l2_regularization_strength")
        self._l2_shrinkage_regularization_strength_tensor = conv(self._l2_shrinkage_regularization_strength,
                                                                 name="l2_shrinkage_regularization_strength")
        self._learning_rate_power_tensor = conv(self._learning_rate_power, name="learning_rate_power")

    def _apply_dense(self, grad, var):
        dtype = var.dtype.base_dtype
        accum, linear = self.get_slot(var, "accum"), self.get_slot(var, "linear")
        lr = math_ops.cast(self._learning_rate_tensor, dtype)
        l1 = math_ops.cast(self._l1_regularization_strength_tensor, dtype)
        l2 = math_ops.cast(self._l2_regularization_strength_tensor, dtype)
        power = math_ops.cast(self._learning_rate_power_tensor, dtype)
        if self._l2_shrinkage_regularization_strength <= 0.0:
            return training_ops.apply_ftrl(var, accum, linear, grad, lr, l1, l2, power,
                                           use_locking=self._use_locking)
        shrinkage = math_ops.cast(self._l2_shrinkage_regularization_strength_tensor, dtype)
        return training_ops.apply_ftrl_v2(var, accum, linear, grad, lr, l1, l2, shrinkage, power,
                                          use_locking=self._use_locking)

    def to_optax(self):
        n = self._number
        return transforms.tf1_ftrl(
            n(self._learning_rate, "learning_rate"), self._l1_regularization_strength,
            self._l2_regularization_strength,
            self._learning_rate_power, l2_shrinkage=self._l2_shrinkage_regularization_strength or None,
            initial_accumulator_value=self._initial_accumulator_value)


_SPARSE_CAPABLE.add(FtrlOptimizer._apply_dense)  # SparseApply* for gathered variables (optimizer.py)
