"""tf.train.AdamOptimizer (TF1's ApplyAdam, on transforms.tf1_adam).

alpha = lr * sqrt(1 - beta2_power) / (1 - beta1_power);  m += (g - m)(1 - beta1);
v += (g^2 - v)(1 - beta2);  var -= alpha * m / (sqrt(v) + epsilon).
Slots "m", "v" (variables `w/Adam`, `w/Adam_1`); the non-slot variables
`beta1_power`, `beta2_power` start at beta1, beta2 and are multiplied by them
in `_finish`, after every variable's update, as TF1 does.
"""
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import math_ops
from compat_tf._src.train import training_ops
from compat_tf._src.train import transforms
from compat_tf._src.train.optimizer import Optimizer


class AdamOptimizer(Optimizer):
    """Adam (Kingma & Ba) with TF1's epsilon placement and bias correction."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8, use_locking=False,
                 name="Adam"):
        super().__init__(use_locking, name)
        self._lr = learning_rate
        self._beta1 = beta1
        self._beta2 = beta2
        self._epsilon = epsilon
        self._lr_t = self._beta1_t = self._beta2_t = self._epsilon_t = None

    def _get_beta_accumulators(self):
        g = _graph.get_default_graph()
        return self._get_non_slot_variable("beta1_power", graph=g), self._get_non_slot_variable("beta2_power",
                                                                                                graph=g)

    def _create_slots(self, var_list):
        first_var = min(var_list, key=lambda x: x.name)
        self._create_non_slot_variable(initial_value=self._beta1, name="beta1_power", colocate_with=first_var)
        self._create_non_slot_variable(initial_value=self._beta2, name="beta2_power", colocate_with=first_var)
        for v in var_list:
            self._zeros_slot(v, "m", self._name)
            self._zeros_slot(v, "v", self._name)

    def _prepare(self):
        self._lr_t = _constant.convert_to_tensor(self._call_if_callable(self._lr), name="learning_rate")
        self._beta1_t = _constant.convert_to_tensor(self._call_if_callable(self._beta1), name="beta1")
        self._beta2_t = _constant.convert_to_tensor(self._call_if_callable(self._beta2), name="beta2")
        self._epsilon_t = _constant.convert_to_tensor(self._call_if_callable(self._epsilon), name="epsilon")

    def _apply_dense(self, grad, var):
        dtype = var.dtype.base_dtype
        beta1_power, beta2_power = self._get_beta_accumulators()
        return training_ops.apply_adam(
            var, self.get_slot(var, "m"), self.get_slot(var, "v"),
            math_ops.cast(beta1_power, dtype), math_ops.cast(beta2_power, dtype),
            math_ops.cast(self._lr_t, dtype), math_ops.cast(self._beta1_t, dtype),
            math_ops.cast(self._beta2_t, dtype), math_ops.cast(self._epsilon_t, dtype), grad,
            use_locking=self._use_locking).op

    def _finish(self, update_ops, name_scope):
        g = _graph.get_default_graph()
        with g.control_dependencies(update_ops):
            beta1_power, beta2_power = self._get_beta_accumulators()
            update_beta1 = beta1_power.assign(beta1_power * self._beta1_t, use_locking=self._use_locking)
            update_beta2 = beta2_power.assign(beta2_power * self._beta2_t, use_locking=self._use_locking)
        return control_flow_ops.group(*update_ops + [update_beta1, update_beta2], name=name_scope)

    def to_optax(self):
        n = self._number
        return transforms.tf1_adam(n(self._lr, "learning_rate"), n(self._beta1, "beta1"),
                                   n(self._beta2, "beta2"), n(self._epsilon, "epsilon"))
