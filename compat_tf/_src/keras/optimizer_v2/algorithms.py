"""The tf.keras.optimizers of TF 1.15 (OptimizerV2 subclasses) with TF's update rules:

SGD          m = momentum * m - lr * g; w += m (nesterov: w += momentum * m - lr * g); plain: w -= lr g
Adam         TF's ApplyAdam (epsilon 1e-7, bias correction from iterations + 1); amsgrad keeps
             vhat = max(vhat, v) and divides by sqrt(vhat)
RMSprop      rms = rho rms + (1 - rho) g^2 (slot starts at 0); w -= lr g / (sqrt(rms) + eps);
             centered subtracts mg^2; with momentum TF's ApplyRMSProp (eps inside the sqrt)
Adagrad      acc (starts at initial_accumulator_value) += g^2; w -= lr g / (sqrt(acc) + eps)
Adadelta     TF's ApplyAdadelta
Adamax       m = b1 m + (1 - b1) g; v = max(b2 v, |g|); w -= lr / (1 - b1^t) m / (v + eps)
Nadam        Keras' Nadam with the momentum cache (schedule_decay 0.004)
Ftrl         TF's ApplyFtrl / ApplyFtrlV2 (l2 shrinkage)
Slot and variable names are TF 1.15's ("m", "v", "vhat", "momentum", "rms", "mg", "accumulator",
"accum_grad", "accum_var", "linear"; Nadam's "momentum_cache").
"""
from compat_tf._src.keras import backend
from compat_tf._src.keras.optimizer_v2.optimizer_v2 import OptimizerV2
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import math_ops, state_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import init_ops
from compat_tf._src.train import training_ops

__all__ = ["SGD", "Adam", "RMSprop", "Adagrad", "Adadelta", "Adamax", "Nadam", "Ftrl"]


def _const(value, dtype):
    return _constant.constant(value, dtype=dtype)


class SGD(OptimizerV2):
    """tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False)."""

    _config_hypers = ("learning_rate", "decay", "momentum")
    _config_attrs = {"nesterov": "nesterov"}

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, name="SGD", **kwargs):
        super().__init__(name, **kwargs)
        self._set_learning_rate(kwargs.get("lr", learning_rate))
        self._momentum = False
        if isinstance(momentum, (int, float)) and (momentum < 0 or momentum > 1):
            raise ValueError("`momentum` must be between [0, 1].")
        if momentum > 0 or callable(momentum):
            self._momentum = True
        self._set_hyper("momentum", momentum)
        self.nesterov = nesterov

    def _create_slots(self, var_list):
        if self._momentum:
            for var in var_list:
                self.add_slot(var, "momentum")

    def _resource_apply_dense(self, grad, var, c):
        dtype = var.dtype.base_dtype
        if not self._momentum:
            return training_ops.apply_gradient_descent(var, c["lr_t"], grad).op
        m = self.get_slot(var, "momentum")
        momentum = self._get_hyper("momentum", dtype)
        m_t = state_ops.assign(m, momentum * m - c["lr_t"] * grad)
        if self.nesterov:
            return state_ops.assign_add(var, momentum * m_t - c["lr_t"] * grad).op
        return state_ops.assign_add(var, m_t).op


class Adam(OptimizerV2):
    """tf.keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False)."""

    _config_hypers = ("learning_rate", "decay", "beta_1", "beta_2")
    _config_attrs = {"epsilon": "epsilon", "amsgrad": "amsgrad"}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False, name="Adam",
                 **kwargs):
        super().__init__(name, **kwargs)
        self._set_learning_rate(kwargs.get("lr", learning_rate))
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon = epsilon or backend.epsilon()
        self.amsgrad = amsgrad

    def _create_slots(self, var_list):
        for var in var_list:
            self.add_slot(var, "m")
        for var in var_list:
            self.add_slot(var, "v")
        if self.amsgrad:
            for var in var_list:
                self.add_slot(var, "vhat")

    def _prepare_local(self, var_dtype, apply_state):
        super()._prepare_local(var_dtype, apply_state)
        c = apply_state[var_dtype]
        local_step = math_ops.cast(self.iterations + 1, var_dtype)
        c["beta_1_t"] = control_flow_ops.identity(self._get_hyper("beta_1", var_dtype))
        c["beta_2_t"] = control_flow_ops.identity(self._get_hyper("beta_2", var_dtype))
        c["beta_1_power"] = math_ops.pow(c["beta_1_t"], local_step)
        c["beta_2_power"] = math_ops.pow(c["beta_2_t"], local_step)
        c["lr"] = c["lr_t"] * (math_ops.sqrt(1 - c["beta_2_power"]) / (1 - c["beta_1_power"]))
        c["epsilon"] = _const(self.epsilon, var_dtype)

    def _resource_apply_dense(self, grad, var, c):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        if not self.amsgrad:
            return training_ops.apply_adam(var, m, v, c["beta_1_power"], c["beta_2_power"], c["lr_t"],
                                           c["beta_1_t"], c["beta_2_t"], c["epsilon"], grad).op
        m_t = state_ops.assign(m, c["beta_1_t"] * m + (1 - c["beta_1_t"]) * grad)
        v_t = state_ops.assign(v, c["beta_2_t"] * v + (1 - c["beta_2_t"]) * math_ops.square(grad))
        vhat = self.get_slot(var, "vhat")
        vhat_t = state_ops.assign(vhat, math_ops.maximum(vhat, v_t))
        return state_ops.assign_sub(var, c["lr"] * m_t / (math_ops.sqrt(vhat_t) + c["epsilon"])).op


class RMSprop(OptimizerV2):
    """tf.keras.optimizers.RMSprop(learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False)."""

    _config_hypers = ("learning_rate", "decay", "rho", "momentum")
    _config_attrs = {"epsilon": "epsilon", "centered": "centered"}

    def __init__(self, learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False, name="RMSprop",
                 **kwargs):
        super().__init__(name, **kwargs)
        self._set_learning_rate(kwargs.get("lr", learning_rate))
        self._set_hyper("rho", rho)
        self._momentum = False
        if isinstance(momentum, (int, float)) and (momentum < 0 or momentum > 1):
            raise ValueError("`momentum` must be between [0, 1].")
        if momentum > 0 or callable(momentum):
            self._momentum = True
        self._set_hyper("momentum", momentum)
        self.epsilon = epsilon or backend.epsilon()
        self.centered = centered

    def _create_slots(self, var_list):
        for var in var_list:
            self.add_slot(var, "rms")
        if self._momentum:
            for var in var_list:
                self.add_slot(var, "momentum")
        if self.centered:
            for var in var_list:
                self.add_slot(var, "mg")

    def _prepare_local(self, var_dtype, apply_state):
        super()._prepare_local(var_dtype, apply_state)
        c = apply_state[var_dtype]
        c["rho"] = control_flow_ops.identity(self._get_hyper("rho", var_dtype))
        c["momentum"] = control_flow_ops.identity(self._get_hyper("momentum", var_dtype))
        c["epsilon"] = _const(self.epsilon, var_dtype)
        c["one_minus_rho"] = 1. - c["rho"]

    def _resource_apply_dense(self, grad, var, c):
        rms = self.get_slot(var, "rms")
        if self._momentum:
            mom = self.get_slot(var, "momentum")
            if self.centered:
                mg = self.get_slot(var, "mg")
                return training_ops.apply_centered_rms_prop(var, mg, rms, mom, c["lr_t"], c["rho"], c["momentum"],
                                                            c["epsilon"], grad).op
            return training_ops.apply_rms_prop(var, rms, mom, c["lr_t"], c["rho"], c["momentum"], c["epsilon"],
                                               grad).op
        rms_t = state_ops.assign(rms, c["rho"] * rms + c["one_minus_rho"] * math_ops.square(grad))
        denom_t = rms_t
        if self.centered:
            mg = self.get_slot(var, "mg")
            mg_t = state_ops.assign(mg, c["rho"] * mg + c["one_minus_rho"] * grad)
            denom_t = rms_t - math_ops.square(mg_t)
        return state_ops.assign(var, var - c["lr_t"] * grad / (math_ops.sqrt(denom_t) + c["epsilon"])).op


class Adagrad(OptimizerV2):
    """tf.keras.optimizers.Adagrad(learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7)."""

    _config_hypers = ("learning_rate", "decay")
    _config_attrs = {"initial_accumulator_value": "_initial_accumulator_value", "epsilon": "epsilon"}

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7, name="Adagrad", **kwargs):
        if initial_accumulator_value < 0.0:
            raise ValueError("initial_accumulator_value must be non-negative: %s" % initial_accumulator_value)
        if epsilon is None:
            epsilon = backend.epsilon()
        super().__init__(name, **kwargs)
        self._set_learning_rate(kwargs.get("lr", learning_rate))
        self._initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon

    def _create_slots(self, var_list):
        for var in var_list:
            init = init_ops.constant_initializer(self._initial_accumulator_value, dtype=var.dtype.base_dtype)
            self.add_slot(var, "accumulator", init)

    def _resource_apply_dense(self, grad, var, c):
        acc = self.get_slot(var, "accumulator")
        acc_t = state_ops.assign_add(acc, math_ops.square(grad))
        eps = _const(self.epsilon, var.dtype.base_dtype)
        return state_ops.assign_sub(var, c["lr_t"] * grad / (math_ops.sqrt(acc_t) + eps)).op


class Adadelta(OptimizerV2):
    """tf.keras.optimizers.Adadelta(learning_rate=0.001, rho=0.95, epsilon=1e-7)."""

    _config_hypers = ("learning_rate", "decay", "rho")
    _config_attrs = {"epsilon": "epsilon"}

    def __init__(self, learning_rate=0.001, rho=0.95, epsilon=1e-7, name="Adadelta", **kwargs):
        super().__init__(name, **kwargs)
        self._set_learning_rate(kwargs.get("lr", learning_rate))
        self._set_hyper("rho", rho)
        self.epsilon = epsilon or backend.epsilon()

    def _create_slots(self, var_list):
        for v in var_list:
            self.add_slot(v, "accum_grad")
        for v in var_list:
            self.add_slot(v, "accum_var")

    def _resource_apply_dense(self, grad, var, c):
        dtype = var.dtype.base_dtype
        return training_ops.apply_adadelta(var, self.get_slot(var, "accum_grad"), self.get_slot(var, "accum_var"),
                                           c["lr_t"], self._get_hyper("rho", dtype), _const(self.epsilon, dtype),
                                           grad).op


class Adamax(OptimizerV2):
    """tf.keras.optimizers.Adamax(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)."""

    _config_hypers = ("learning_rate", "decay", "beta_1", "beta_2")
    _config_attrs = {"epsilon": "epsilon"}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="Adamax", **kwargs):
        super().__init__(name, **kwargs)
        self._set_learning_rate(kwargs.get("lr", learning_rate))
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon = epsilon or backend.epsilon()

    def _create_slots(self, var_list):
        for var in var_list:
            self.add_slot(var, "m")
        for var in var_list:
            self.add_slot(var, "v")

    def _resource_apply_dense(self, grad, var, c):
        dtype = var.dtype.base_dtype
        b1, b2 = self._get_hyper("beta_1", dtype), self._get_hyper("beta_2", dtype)
        b1_power = math_ops.pow(b1, math_ops.cast(self.iterations + 1, dtype))
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        m_t = state_ops.assign(m, b1 * m + (1 - b1) * grad)
        v_t = state_ops.assign(v, math_ops.maximum(b2 * v, math_ops.abs(grad)))
        step = c["lr_t"] / (1 - b1_power) * m_t / (v_t + _const(self.epsilon, dtype))
        return state_ops.assign_sub(var, step).op


class Nadam(OptimizerV2):
    """tf.keras.optimizers.Nadam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)."""

    _config_hypers = ("learning_rate", "decay", "beta_1", "beta_2")
    _config_attrs = {"epsilon": "epsilon"}

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, name="Nadam", **kwargs):
        kwargs["decay"] = kwargs.pop("schedule_decay", 0.004)
        learning_rate = kwargs.get("lr", learning_rate)
        from compat_tf._src.keras.optimizer_v2.learning_rate_schedule import LearningRateSchedule
        if isinstance(learning_rate, LearningRateSchedule):
            raise ValueError("The Nadam optimizer does not support tf.keras.optimizers.LearningRateSchedules as "
                             "the learning rate.")
        super().__init__(name, **kwargs)
        self._set_learning_rate(learning_rate)
        self._set_hyper("beta_1", beta_1)
        self._set_hyper("beta_2", beta_2)
        self.epsilon = epsilon or backend.epsilon()
        self._m_cache = None

    def _create_slots(self, var_list):
        if self._m_cache is None:
            self._m_cache = self.add_weight("momentum_cache", shape=[], dtype=var_list[0].dtype.base_dtype,
                                            initializer="ones", trainable=False)
            self._weights.append(self._m_cache)
        for var in var_list:
            self.add_slot(var, "m")
        for var in var_list:
            self.add_slot(var, "v")

    def _decayed_lr(self, var_dtype):
        return self._get_hyper("learning_rate", var_dtype)

    def _prepare(self, var_list):
        self._m_cache_read = control_flow_ops.identity(self._m_cache)
        return super()._prepare(var_list)

    def _prepare_local(self, var_dtype, apply_state):
        c = apply_state[var_dtype]
        c["lr_t"] = control_flow_ops.identity(self._get_hyper("learning_rate", var_dtype))
        c["beta_1_t"] = b1 = control_flow_ops.identity(self._get_hyper("beta_1", var_dtype))
        c["beta_2_t"] = b2 = control_flow_ops.identity(self._get_hyper("beta_2", var_dtype))
        local_step = math_ops.cast(self.iterations + 1, var_dtype)
        next_step = math_ops.cast(self.iterations + 2, var_dtype)
        decay_base = math_ops.cast(0.96, var_dtype)
        m_t = b1 * (1. - 0.5 * math_ops.pow(decay_base, self._initial_decay * local_step))
        m_t_1 = b1 * (1. - 0.5 * math_ops.pow(decay_base, self._initial_decay * next_step))
        m_schedule_new = math_ops.cast(self._m_cache_read, var_dtype) * m_t
        if var_dtype == self._m_cache.dtype.base_dtype:
            m_schedule_new = control_flow_ops.identity(state_ops.assign(self._m_cache, m_schedule_new))
        m_schedule_next = m_schedule_new * m_t_1
        c.update(m_t=m_t, m_t_1=m_t_1, one_minus_m_schedule_new=1. - m_schedule_new,
                 one_minus_m_schedule_next=1. - m_schedule_next,
                 v_t_prime_denominator=1. - math_ops.pow(b2, local_step))

    def _resource_apply_dense(self, grad, var, c):
        m, v = self.get_slot(var, "m"), self.get_slot(var, "v")
        g_prime = grad / c["one_minus_m_schedule_new"]
        m_t = state_ops.assign(m, c["beta_1_t"] * m + (1 - c["beta_1_t"]) * grad)
        m_t_prime = m_t / c["one_minus_m_schedule_next"]
        v_t = state_ops.assign(v, c["beta_2_t"] * v + (1 - c["beta_2_t"]) * math_ops.square(grad))
        v_t_prime = v_t / c["v_t_prime_denominator"]
        m_t_bar = (1. - c["m_t"]) * g_prime + c["m_t_1"] * m_t_prime
        eps = _const(self.epsilon, var.dtype.base_dtype)
        return state_ops.assign(var, var - c["lr_t"] * m_t_bar / (math_ops.sqrt(v_t_prime) + eps)).op


class Ftrl(OptimizerV2):
    """tf.keras.optimizers.Ftrl(learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
    l1_regularization_strength=0.0, l2_regularization_strength=0.0, l2_shrinkage_regularization_strength=0.0)."""

    _config_hypers = ("learning_rate", "decay", "learning_rate_power", "l1_regularization_strength",
                      "l2_regularization_strength")
    _config_attrs = {"initial_accumulator_value": "_initial_accumulator_value",
                     "l2_shrinkage_regularization_strength": "_l2_shrinkage_regularization_strength"}

    def __init__(self, learning_rate=0.001, learning_rate_power=-0.5, initial_accumulator_value=0.1,
                 l1_regularization_strength=0.0, l2_regularization_strength=0.0, name="Ftrl",
                 l2_shrinkage_regularization_strength=0.0, **kwargs):
        super().__init__(name, **kwargs)
        for value, what in ((initial_accumulator_value, "initial_accumulator_value"),
                            (l1_regularization_strength, "l1_regularization_strength"),
                            (l2_regularization_strength, "l2_regularization_strength"),
                            (l2_shrinkage_regularization_strength, "l2_shrinkage_regularization_strength")):
            if value < 0.0:
                raise ValueError(f"{what} {value:f} needs to be positive or zero")
        if learning_rate_power > 0.0:
            raise ValueError("learning_rate_power %f needs to be negative or zero" % learning_rate_power)
        self._set_learning_rate(learning_rate)
        self._set_hyper("learning_rate_power", learning_rate_power)
        self._set_hyper("l1_regularization_strength", l1_regularization_strength)
        self._set_hyper("l2_regularization_strength", l2_regularization_strength)
        self._initial_accumulator_value = initial_accumulator_value
        self._l2_shrinkage_regularization_strength = l2_shrinkage_regularization_strength

    def _create_slots(self, var_list):
        for var in var_list:
            init = init_ops.constant_initializer(self._initial_accumulator_value, dtype=var.dtype.base_dtype)
            self.add_slot(var, "accumulator", init)
            self.add_slot(var, "linear")

    def _resource_apply_dense(self, grad, var, c):
        dtype = var.dtype.base_dtype
        accum, linear = self.get_slot(var, "accumulator"), self.get_slot(var, "linear")
        l1 = self._get_hyper("l1_regularization_strength", dtype)
        l2 = self._get_hyper("l2_regularization_strength", dtype)
        power = self._get_hyper("learning_rate_power", dtype)
        if self._l2_shrinkage_regularization_strength <= 0.0:
            return training_ops.apply_ftrl(var, accum, linear, grad, c["lr_t"], l1, l2, power).op
        shrink = _const(self._l2_shrinkage_regularization_strength, dtype)
        return training_ops.apply_ftrl_v2(var, accum, linear, grad, c["lr_t"], l1, l2, shrink, power).op

