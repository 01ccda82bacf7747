"""tf.keras.regularizers (TF 1.15): L1L2 (`l1 * sum|x| + l2 * sum x^2`, the factors cast to
floatx), l1/l2/l1_l2 (default factor 0.01), get/serialize/deserialize."""
from compat_tf._src.keras import backend as K
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object
from compat_tf._src.ops import math_ops


class Regularizer:
    """tf.keras.regularizers.Regularizer: `__call__(x)` returns a scalar loss."""

    def __call__(self, x):
        return 0.

    @classmethod
    def from_config(cls, config):
        return cls(**config)


class L1L2(Regularizer):
    """tf.keras.regularizers.L1L2(l1=0., l2=0.)."""

    def __init__(self, l1=0., l2=0.):  # noqa: E741
        self.l1 = K.cast_to_floatx(l1)
        self.l2 = K.cast_to_floatx(l2)

    def __call__(self, x):
        if not self.l1 and not self.l2:
            return K.constant(0.)
        regularization = 0.
        if self.l1:
            regularization += self.l1 * math_ops.reduce_sum(math_ops.abs(x))
        if self.l2:
            regularization += self.l2 * math_ops.reduce_sum(math_ops.square(x))
        return regularization

    def get_config(self):
        return {"l1": float(self.l1), "l2": float(self.l2)}


def l1(l=0.01):  # noqa: E741 - Keras' argument name
    return L1L2(l1=l)


def l2(l=0.01):  # noqa: E741
    return L1L2(l2=l)


def l1_l2(l1=0.01, l2=0.01):
    return L1L2(l1=l1, l2=l2)


_MODULE_OBJECTS = {"Regularizer": Regularizer, "L1L2": L1L2, "l1": l1, "l2": l2, "l1_l2": l1_l2}


def serialize(regularizer):
    return serialize_keras_object(regularizer)


def deserialize(config, custom_objects=None):
    return deserialize_keras_object(config, module_objects=_MODULE_OBJECTS, custom_objects=custom_objects,
                                    printable_module_name="regularizer")


def get(identifier):
    """None, a callable, 'l1'/'l2'/'l1_l2' (factor 0.01) or a config dict."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in ("l1", "l2", "l1_l2"):
            return _MODULE_OBJECTS[identifier]()
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret regularizer identifier:", identifier)
