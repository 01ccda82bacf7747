"""tf.keras.optimizers.schedules (TF 1.15): learning rates as functions of the optimizer's step,
built on tf.train's decay functions (same formulas), serializable with get_config."""
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object
from compat_tf._src.train import learning_rate_decay as _decay


class LearningRateSchedule:
    """tf.keras.optimizers.schedules.LearningRateSchedule: `schedule(step)` -> learning rate."""

    def __call__(self, step):
        raise NotImplementedError("Learning rate schedule must override __call__")

    def get_config(self):
        raise NotImplementedError("Learning rate schedule must override get_config")

    @classmethod
    def from_config(cls, config):
        return cls(**config)


def _schedule(name, fn, params, doc):
    """A LearningRateSchedule class calling `fn(**config, global_step=step)`."""
    def __init__(self, *args, **kwargs):
        names = list(params)
        values = dict(params)
        for k, v in zip(names, args):
            values[k] = v
        for k, v in kwargs.items():
            if k not in values:
                raise TypeError(f"{name}() got an unexpected keyword argument '{k}'")
            values[k] = v
        missing = [k for k, v in values.items() if v is _REQUIRED]
        if missing:
            raise TypeError(f"{name}() missing required argument '{missing[0]}'")
        self._config = values

    def __call__(self, step):
        kwargs = {k: v for k, v in self._config.items() if k not in ("name", "initial_learning_rate")}
        return fn(self._config["initial_learning_rate"], step, name=self._config.get("name"), **kwargs)

    def get_config(self):
        return dict(self._config)

    cls = type(name, (LearningRateSchedule,), {"__init__": __init__, "__call__": __call__,
                                                "get_config": get_config, "__doc__": doc,
                                                "__module__": __name__})
    return cls


_REQUIRED = object()

ExponentialDecay = _schedule(
    "ExponentialDecay", _decay.exponential_decay,
    {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED, "decay_rate": _REQUIRED, "staircase": False,
     "name": None},
    "initial_learning_rate * decay_rate ^ (step / decay_steps) (floored with staircase).")
PolynomialDecay = _schedule(
    "PolynomialDecay", _decay.polynomial_decay,
    {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED, "end_learning_rate": 0.0001, "power": 1.0,
     "cycle": False, "name": None},
    "(initial - end) * (1 - step / decay_steps) ^ power + end.")
InverseTimeDecay = _schedule(
    "InverseTimeDecay", _decay.inverse_time_decay,
    {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED, "decay_rate": _REQUIRED, "staircase": False,
     "name": None},
    "initial_learning_rate / (1 + decay_rate * step / decay_steps).")
CosineDecay = _schedule(
    "CosineDecay", _decay.cosine_decay,
    {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED, "alpha": 0.0, "name": None},
    "tf.keras.experimental.CosineDecay: cosine decay to alpha * initial over decay_steps.")
CosineDecayRestarts = _schedule(
    "CosineDecayRestarts", _decay.cosine_decay_restarts,
    {"initial_learning_rate": _REQUIRED, "first_decay_steps": _REQUIRED, "t_mul": 2.0, "m_mul": 1.0,
     "alpha": 0.0, "name": None},
    "tf.keras.experimental.CosineDecayRestarts: SGDR warm restarts.")
LinearCosineDecay = _schedule(
    "LinearCosineDecay", _decay.linear_cosine_decay,
    {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED, "num_periods": 0.5, "alpha": 0.0,
     "beta": 0.001, "name": None},
    "tf.keras.experimental.LinearCosineDecay.")
NoisyLinearCosineDecay = _schedule(
    "NoisyLinearCosineDecay", _decay.noisy_linear_cosine_decay,
    {"initial_learning_rate": _REQUIRED, "decay_steps": _REQUIRED, "initial_variance": 1.0,
     "variance_decay": 0.55, "num_periods": 0.5, "alpha": 0.0, "beta": 0.001, "name": None},
    "tf.keras.experimental.NoisyLinearCosineDecay.")


class PiecewiseConstantDecay(LearningRateSchedule):
    """values[i] while boundaries[i-1] < step <= boundaries[i]."""

    def __init__(self, boundaries, values, name=None):
        if len(boundaries) != len(values) - 1:
            raise ValueError("The length of boundaries should be 1 less than the length of values")
        self.boundaries = boundaries
        self.values = values
        self.name = name

    def __call__(self, step):
        return _decay.piecewise_constant(step, self.boundaries, self.values, name=self.name)

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


_MODULE_OBJECTS = {c.__name__: c for c in (ExponentialDecay, PolynomialDecay, InverseTimeDecay, CosineDecay,
                                            CosineDecayRestarts, LinearCosineDecay, NoisyLinearCosineDecay,
                                            PiecewiseConstantDecay)}


def serialize(learning_rate_schedule):
    return serialize_keras_object(learning_rate_schedule)


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, module_objects=_MODULE_OBJECTS, custom_objects=custom_objects,
                                    printable_module_name="decay")
