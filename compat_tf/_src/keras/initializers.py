"""tf.keras.initializers (TF 1.15): the tf.initializers (init_ops v1) classes, with Keras'
defaults for the random ones (RandomNormal/TruncatedNormal stddev=0.05, RandomUniform in
[-0.05, 0.05)), and get/serialize/deserialize by name or {'class_name', 'config'}."""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object
from compat_tf._src.ops import init_ops
from compat_tf._src.ops.init_ops import (  # noqa: F401 - re-exported names
    Constant, GlorotNormal, GlorotUniform, Identity, Initializer, Ones, Orthogonal, VarianceScaling, Zeros,
    he_normal, he_uniform, lecun_normal, lecun_uniform)


class RandomNormal(init_ops.RandomNormal):
    """tf.keras.initializers.RandomNormal(mean=0.0, stddev=0.05, seed=None)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=_dtypes.float32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


class RandomUniform(init_ops.RandomUniform):
    """tf.keras.initializers.RandomUniform(minval=-0.05, maxval=0.05, seed=None)."""

    def __init__(self, minval=-0.05, maxval=0.05, seed=None, dtype=_dtypes.float32):
        super().__init__(minval=minval, maxval=maxval, seed=seed, dtype=dtype)


class TruncatedNormal(init_ops.TruncatedNormal):
    """tf.keras.initializers.TruncatedNormal(mean=0.0, stddev=0.05, seed=None)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None, dtype=_dtypes.float32):
        super().__init__(mean=mean, stddev=stddev, seed=seed, dtype=dtype)


zero = zeros = Zeros
one = ones = Ones
constant = Constant
uniform = random_uniform = RandomUniform
normal = random_normal = RandomNormal
truncated_normal = TruncatedNormal
identity = Identity
orthogonal = Orthogonal
glorot_normal = GlorotNormal
glorot_uniform = GlorotUniform

_MODULE_OBJECTS = {k: v for k, v in dict(globals()).items() if not k.startswith("_") and callable(v)}


def serialize(initializer):
    return serialize_keras_object(initializer)


def deserialize(config, custom_objects=None):
    """An initializer from its name or {'class_name', 'config'}."""
    return deserialize_keras_object(config, module_objects=_MODULE_OBJECTS, custom_objects=custom_objects,
                                    printable_module_name="initializer")


def get(identifier):
    """None, a callable (returned as is), a name ('glorot_uniform', 'he_normal', ...) or a config."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, str):
        if identifier in ("he_normal", "he_uniform", "lecun_normal", "lecun_uniform"):
            return _MODULE_OBJECTS[identifier]()
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    raise ValueError("Could not interpret initializer identifier: " + str(identifier))
