"""tf.train.RMSPropOptimizer (TF1's ApplyRMSProp / ApplyCenteredRMSProp, on optax's
`scale_by_rms` / `scale_by_stddev` and `trace`).

ms = decay ms + (1 - decay) g^2 (centered: mg likewise with g, denominator ms - mg^2);
mom = momentum mom + lr g / sqrt(ms + epsilon);  var -= mom.
Slots "rms" (initialised to 1.0, as TF1), "mg" when centered, "momentum"
(variables `w/RMSProp`, `w/RMSProp_1`[, `w/RMSProp_2`]).
"""
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import _SPARSE_CAPABLE, Optimizer


class RMSPropOptimizer(Optimizer):
    """RMSProp with TF1's defaults (decay 0.9, momentum 0, epsilon 1e-10)."""

    def __init__(self, learning_rate, decay=0.9, momentum=0.0, epsilon=1e-10, use_locking=False,
                 centered=False, name="RMSProp"):
        super().__init__(use_locking, name)
        self._learning_rate = learning_rate
        self._decay = decay
        self._momentum = momentum
        self._epsilon = epsilon
        self._centered = centered

    def _create_slots(self, var_list):
        for v in var_list:
            self._constant_slot(v, 1.0, "rms", self._name)
            if self._centered:
                self._zeros_slot(v, "mg", self._name)
            self._zeros_slot(v, "momentum", self._name)

    def _prepare(self):
        conv = _constant.convert_to_tensor
        self._learning_rate_tensor = conv(self._call_if_callable(self._learning_rate), name="learning_rate")
        self._decay_tensor = conv(self._call_if_callable(self._decay), name="decay")
        self._momentum_tensor = conv(self._call_if_callable(self._momentum), name="momentum")
        self._epsilon_tensor = conv(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        dtype = var.dtype.base_dtype
        rms, mom = self.get_slot(var, "rms"), self.get_slot(var, "momentum")
        hyper = [math_ops.cast(t, dtype) for t in (self._learning_rate_tensor, self._decay_tensor,
                                                    self._momentum_tensor, self._epsilon_tensor)]
        if self._centered:
            return training_ops.apply_centered_rms_prop(var, self.get_slot(var, "mg"), rms, mom, *hyper, grad,
                                                        use_locking=self._use_locking).op
        return training_ops.apply_rms_prop(var, rms, mom, *hyper, grad, use_locking=self._use_locking).op

    def to_optax(self):
        n = self._number
        return transforms.tf1_rmsprop(n(self._learning_rate, "learning_rate"), n(self._decay, "decay"),
                                      n(self._momentum, "momentum"), n(self._epsilon, "epsilon"),
                                      self._centered)


_SPARSE_CAPABLE.add(RMSPropOptimizer._apply_dense)  # SparseApply* for gathered variables (optimizer.py)
