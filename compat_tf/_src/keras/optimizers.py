"""tf.keras.optimizers (TF 1.15): the OptimizerV2 classes (optimizer_v2/), get/serialize/
deserialize by name ('adam', 'sgd', ... case-insensitive, default arguments), and TFOptimizer,
the wrapper `compile` puts around a tf.train.Optimizer (its step counter is the int64 variable
"TFOptimizer/iterations", passed as global_step)."""
from compat_tf._src.keras import backend as K
from compat_tf._src.keras.optimizer_v2.algorithms import (  # noqa: F401 - re-exported
    SGD, Adadelta, Adagrad, Adam, Adamax, Ftrl, Nadam, RMSprop)
from compat_tf._src.keras.optimizer_v2.optimizer_v2 import OptimizerV2
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object
from compat_tf._src.ops import state_ops

Optimizer = OptimizerV2

_ALL = {"adadelta": Adadelta, "adagrad": Adagrad, "adam": Adam, "adamax": Adamax, "nadam": Nadam,
        "rmsprop": RMSprop, "sgd": SGD, "ftrl": Ftrl}


class TFOptimizer:
    """Wraps a tf.train.Optimizer for Model.compile (TF 1.15's keras.optimizers.TFOptimizer)."""

    def __init__(self, optimizer, iterations=None):
        self.optimizer = optimizer
        if iterations is None:
            with K.name_scope(type(self).__name__):
                self.iterations = K.variable(0, dtype="int64", name="iterations")
        else:
            self.iterations = iterations
        self.updates = []

    def apply_gradients(self, grads):
        return self.optimizer.apply_gradients(grads, global_step=self.iterations)

    def get_grads(self, loss, params):
        return self.optimizer.compute_gradients(loss, params)

    def get_updates(self, loss, params):
        if not params:
            self.updates = [state_ops.assign_add(self.iterations, 1)]
            return self.updates
        grads = self.optimizer.compute_gradients(loss, params)
        self.updates = [self.optimizer.apply_gradients(grads, global_step=self.iterations)]
        return self.updates

    @property
    def weights(self):
        raise NotImplementedError

    def get_config(self):
        raise NotImplementedError


def serialize(optimizer):
    return serialize_keras_object(optimizer)


def deserialize(config, custom_objects=None):
    config = dict(config)
    if config["class_name"].lower() in _ALL:
        config["class_name"] = config["class_name"].lower()
    return deserialize_keras_object(config, module_objects=_ALL, custom_objects=custom_objects,
                                    printable_module_name="optimizer")


def get(identifier):
    """An OptimizerV2 (as is), a tf.train.Optimizer (wrapped in TFOptimizer), a name or a config."""
    from compat_tf._src.train.optimizer import Optimizer as TFTrainOptimizer
    if isinstance(identifier, (OptimizerV2, TFOptimizer)):
        return identifier
    if isinstance(identifier, TFTrainOptimizer):
        opt = TFOptimizer(identifier)
        K.track_tf_optimizer(opt)
        return opt
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        return deserialize({"class_name": str(identifier), "config": {}})
    raise ValueError("Could not interpret optimizer identifier:", identifier)
