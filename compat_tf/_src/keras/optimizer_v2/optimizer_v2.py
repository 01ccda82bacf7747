"""tf.keras.optimizers.Optimizer (TF 1.15's OptimizerV2, graph mode).

What it mirrors:
- hyperparameters (`learning_rate`, `decay`, `beta_1`, ...) become float32 variables named after
  them, created on the first `apply_gradients` in the name scope the optimizer is used in
  (Model.fit: "training/Adam/learning_rate"); the step counter is the int64 variable "iter";
  `optimizer.lr = 0.1` / `K.set_value(optimizer.lr, ...)` assign the variable;
- slots are variables "<scope>/<variable op name>/<slot>" (e.g. "training/Adam/dense/kernel/m")
  made by `add_slot`; all are tracked so the Keras session initializes them;
- `get_updates(loss, params)` = gradients under "<name>/gradients" (clipnorm/clipvalue applied,
  ValueError naming a variable without gradient) + `apply_gradients`, which updates every
  variable under "<name>/update_<var>" (then its constraint) and increments `iterations`
  after all of them;
- `decay` (time-based): lr / (1 + decay * iterations); a LearningRateSchedule learning rate is
  evaluated at `iterations`.

Deviations: sparse (IndexedSlices) updates are applied densely; distribution strategies are
not modelled; `minimize` also accepts a loss tensor (graph mode) besides a callable.
"""
import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.keras import backend
from compat_tf._src.keras import initializers
from compat_tf._src.keras.engine.base_layer import make_variable
from compat_tf._src.keras.optimizer_v2 import learning_rate_schedule
from compat_tf._src.keras.utils import generic_utils
from compat_tf._src.ops import control_flow_ops
from compat_tf._src.ops import clip_ops, gradients_impl, math_ops, state_ops
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops import variables as _variables


class OptimizerV2:
    """Base class of the Keras optimizers (subclasses: `_create_slots`, `_prepare_local`,
    `_resource_apply_dense`, `get_config`)."""

    def __init__(self, name, **kwargs):
        allowed = {"clipnorm", "clipvalue", "lr", "decay"}
        for k in kwargs:
            if k not in allowed:
                raise TypeError("Unexpected keyword argument passed to optimizer: " + str(k))
            if kwargs[k] < 0:
                raise ValueError("Expected {} >= 0, received: {}".format(k, kwargs[k]))
        object.__setattr__(self, "_hyper", {})
        self._use_locking = True
        self._init_set_name(name)
        self._slots = {}
        self._slot_names = []
        self._weights = []
        self._iterations = None
        decay = kwargs.pop("decay", 0.0)
        if decay < 0.:
            raise ValueError("decay cannot be less than 0: {}".format(decay))
        self._initial_decay = decay
        if "clipnorm" in kwargs:
            self.clipnorm = kwargs.pop("clipnorm")
        if "clipvalue" in kwargs:
            self.clipvalue = kwargs.pop("clipvalue")
        self._hypers_created = False

    def _init_set_name(self, name, zero_based=True):
        self._name = name or backend.unique_object_name(generic_utils.to_snake_case(type(self).__name__),
                                                        zero_based=zero_based)

    # -- hyperparameters -----------------------------------------------------------------------
    def _set_hyper(self, name, value):
        if name not in self._hyper:
            self._hyper[name] = value
            return
        prev = self._hyper[name]
        if callable(prev) or isinstance(prev, (_graph.Tensor, int, float,
                                               learning_rate_schedule.LearningRateSchedule)) or \
                isinstance(value, learning_rate_schedule.LearningRateSchedule):
            self._hyper[name] = value
        else:
            backend.set_value(prev, value)

    def _get_hyper(self, name, dtype=None):
        if not self._hypers_created:
            self._create_hypers()
        value = self._hyper[name]
        if isinstance(value, learning_rate_schedule.LearningRateSchedule):
            return value
        if callable(value) and not isinstance(value, _variables.Variable):
            value = value()
        if dtype:
            return math_ops.cast(value, dtype)
        return value

    def __getattr__(self, name):
        if name.startswith("__") or name == "_hyper":
            raise AttributeError(name)
        hyper = self.__dict__.get("_hyper", {})
        if name == "lr":
            name = "learning_rate"
        if name in hyper:
            return self._get_hyper(name)
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def __setattr__(self, name, value):
        if name == "lr":
            name = "learning_rate"
        hyper = self.__dict__.get("_hyper")
        if hyper is not None and name in hyper:
            self._set_hyper(name, value)
        else:
            object.__setattr__(self, name, value)

    def _serialize_hyperparameter(self, name):
        value = self._hyper[name]
        if isinstance(value, learning_rate_schedule.LearningRateSchedule):
            return learning_rate_schedule.serialize(value)
        if isinstance(value, _variables.Variable) or isinstance(value, _graph.Tensor):
            return float(backend.get_value(value))
        if callable(value):
            return value()
        return value

    def _create_hypers(self):
        if self._hypers_created:
            return
        for name, value in sorted(self._hyper.items()):
            if isinstance(value, (_graph.Tensor, _variables.Variable)) or callable(value):
                continue
            self._hyper[name] = self.add_weight(name, shape=[], trainable=False, initializer=value)
        self._hypers_created = True

    # -- variables -------------------------------------------------------------------------------
    @property
    def iterations(self):
        """The int64 step counter variable "iter"."""
        if self._iterations is None:
            self._iterations = self.add_weight("iter", shape=[], dtype=_dtypes.int64, trainable=False)
            self._weights.append(self._iterations)
        return self._iterations

    @iterations.setter
    def iterations(self, variable):
        if self._iterations is not None:
            raise RuntimeError("Cannot set `iterations` to a new Variable after the Optimizer weights have been "
                               "created")
        self._iterations = variable
        self._weights.append(variable)

    def add_weight(self, name, shape, dtype=None, initializer="zeros", trainable=None, synchronization=None,
                   aggregation=None):
        dtype = _dtypes.float32 if dtype is None else dtype
        if isinstance(initializer, str) or callable(initializer):
            initializer = initializers.get(initializer)
        with _graph.get_default_graph().control_dependencies(None):
            v = make_variable(name, shape=shape, dtype=dtype, initializer=initializer,
                              trainable=bool(trainable))
        backend.track_variable(v)
        return v

    def add_slot(self, var, slot_name, initializer="zeros"):
        """The slot variable "<var op name>/<slot_name>" of `var` (created once)."""
        if slot_name not in self._slot_names:
            self._slot_names.append(slot_name)
        slot_dict = self._slots.setdefault(_var_key(var), {})
        weight = slot_dict.get(slot_name)
        if weight is None:
            if isinstance(initializer, str) or callable(initializer):
                init = initializers.get(initializer)
                shape = var.get_shape().as_list()
                dtype = var.dtype.base_dtype

                def initial_value():
                    return init(shape, dtype=dtype)
            else:
                initial_value = initializer
            with _graph.get_default_graph().control_dependencies(None):
                weight = _variables.Variable(initial_value=initial_value, name=f"{var.op.name}/{slot_name}",
                                             dtype=var.dtype.base_dtype, trainable=False)
            backend.track_variable(weight)
            slot_dict[slot_name] = weight
            self._weights.append(weight)
        return weight

    def get_slot(self, var, slot_name):
        return self._slots[_var_key(var)][slot_name]

    def get_slot_names(self):
        return self._slot_names

    def variables(self):
        return self._weights

    @property
    def weights(self):
        return self._weights

    def get_weights(self):
        return backend.batch_get_value(self.weights)

    def set_weights(self, weights):
        params = self.weights
        if len(params) != len(weights):
            raise ValueError(f"You called `set_weights(weights)` on optimizer {self._name} with a  weight list of "
                             f"length {len(weights)}, but the optimizer was expecting {len(params)} weights. "
                             f"Provided weights: {str(weights)[:50]}...")
        if not params:
            return
        tuples = []
        for p, w in zip(params, weights):
            w = np.asarray(w)
            if tuple(p.get_shape().as_list()) != w.shape:
                raise ValueError(f"Optimizer weight shape {tuple(p.get_shape().as_list())} not compatible with "
                                 f"provided weight shape {w.shape}")
            tuples.append((p, w))
        backend.batch_set_value(tuples)

    # -- updates ---------------------------------------------------------------------------------
    def _clip(self, grads):
        if hasattr(self, "clipnorm"):
            grads = [clip_ops.clip_by_norm(g, self.clipnorm) for g in grads]
        if hasattr(self, "clipvalue"):
            grads = [math_ops.clip_by_value(g, -self.clipvalue, self.clipvalue) for g in grads]
        return grads

    def get_gradients(self, loss, params):
        """d loss / d params (ValueError for a parameter the loss does not reach)."""
        params = list(params)
        with backend.name_scope(self._name + "/gradients"):
            grads = gradients_impl.gradients(loss, params)
            for grad, param in zip(grads, params):
                if grad is None:
                    raise ValueError(f"Variable {param} has `None` for gradient. Please make sure that all of your "
                                     "ops have a gradient defined (i.e. are differentiable). Common ops without "
                                     "gradient: K.argmax, K.round, K.eval.")
            grads = self._clip(grads)
        return grads

    def get_updates(self, loss, params):
        grads = self.get_gradients(loss, params)
        return [self.apply_gradients(list(zip(grads, params)))]

    def _compute_gradients(self, loss, var_list, grad_loss=None):
        if callable(var_list):
            var_list = var_list()
        var_list = list(var_list)
        loss_value = loss() if callable(loss) else loss
        with backend.name_scope(self._name + "/gradients"):
            grads = gradients_impl.gradients(loss_value, var_list, grad_ys=grad_loss)
            present = self._clip([g for g in grads if g is not None])
        it = iter(present)
        return [(None if g is None else next(it), v) for g, v in zip(grads, var_list)]

    def minimize(self, loss, var_list, grad_loss=None, name=None):
        """compute gradients of `loss` (a callable, or a tensor in graph mode) and apply them."""
        grads_and_vars = self._compute_gradients(loss, var_list=var_list, grad_loss=grad_loss)
        return self.apply_gradients(grads_and_vars, name=name)

    def _prepare(self, var_list):
        apply_state = {}
        for dtype in {v.dtype.base_dtype for v in var_list}:
            apply_state[dtype] = {}
            self._prepare_local(dtype, apply_state)
        return apply_state

    def _prepare_local(self, var_dtype, apply_state):
        if "learning_rate" in self._hyper:
            apply_state[var_dtype]["lr_t"] = control_flow_ops.identity(self._decayed_lr(var_dtype))

    def _decayed_lr(self, var_dtype):
        lr_t = self._get_hyper("learning_rate", var_dtype)
        if isinstance(lr_t, learning_rate_schedule.LearningRateSchedule):
            local_step = math_ops.cast(self.iterations, var_dtype)
            lr_t = math_ops.cast(lr_t(local_step), var_dtype)
        if self._initial_decay > 0.:
            local_step = math_ops.cast(self.iterations, var_dtype)
            decay_t = self._get_hyper("decay", var_dtype)
            lr_t = lr_t / (1. + decay_t * local_step)
        return lr_t

    def _create_slots(self, var_list):
        pass

    def apply_gradients(self, grads_and_vars, name=None):
        """Applies (gradient, variable) pairs (None gradients skipped; ValueError if none is left)."""
        grads_and_vars = _filter_grads(grads_and_vars)
        var_list = [v for _, v in grads_and_vars]
        g = _graph.get_default_graph()
        with backend.name_scope(self._name):
            with g.control_dependencies(None):
                _ = self.iterations
                self._create_hypers()
                self._create_slots(var_list)
            apply_state = self._prepare(var_list)
            update_ops = []
            with backend.name_scope(name or self._name):
                for grad, var in grads_and_vars:
                    with backend.name_scope("update_" + var.op.name):
                        op = self._resource_apply_dense(grad, var, apply_state[var.dtype.base_dtype])
                        if var.constraint is not None:
                            with g.control_dependencies([op]):
                                op = state_ops.assign(var, var.constraint(var))
                        update_ops.append(op)
                with g.control_dependencies(update_ops):
                    return state_ops.assign_add(self.iterations, _constant.constant(1, dtype=_dtypes.int64)).op

    def _resource_apply_dense(self, grad, var, coefficients):
        raise NotImplementedError()

    # a subclass's get_config entries: its hyperparameters (serialized) and its plain attributes
    # ({config key: attribute name})
    _config_hypers = ()
    _config_attrs = {}

    def _set_learning_rate(self, learning_rate):
        """The 'learning_rate' and 'decay' hyperparameters every built-in optimizer has."""
        self._set_hyper("learning_rate", learning_rate)
        self._set_hyper("decay", self._initial_decay)

    def get_config(self):
        config = {"name": self._name}
        if hasattr(self, "clipnorm"):
            config["clipnorm"] = self.clipnorm
        if hasattr(self, "clipvalue"):
            config["clipvalue"] = self.clipvalue
        config.update({k: self._serialize_hyperparameter(k) for k in self._config_hypers})
        config.update({k: getattr(self, attr) for k, attr in self._config_attrs.items()})
        return config

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if "lr" in config:
            config["learning_rate"] = config.pop("lr")
        if isinstance(config.get("learning_rate"), dict):
            config["learning_rate"] = learning_rate_schedule.deserialize(config["learning_rate"],
                                                                         custom_objects=custom_objects)
        return cls(**config)


def _filter_grads(grads_and_vars):
    grads_and_vars = list(grads_and_vars)
    if not grads_and_vars:
        return grads_and_vars
    filtered = [(g, v) for g, v in grads_and_vars if g is not None]
    if not filtered:
        raise ValueError("No gradients provided for any variable: %s." % ([v.name for _, v in grads_and_vars],))
    return filtered


def _var_key(var):
    return var.op.name

