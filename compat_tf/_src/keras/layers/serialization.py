"""tf.keras.layers.serialize / deserialize: layers (and models) by their class name."""
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object


def _module_objects():
    from compat_tf._src.keras.engine import input_layer, network, sequential, training
    from compat_tf._src.keras.layers import (advanced_activations, convolutional, core, embeddings, merge, noise,
                                             normalization, pooling, recurrent, wrappers)
    objects = {}
    for mod in (advanced_activations, convolutional, core, embeddings, merge, noise, normalization, pooling,
                recurrent, wrappers):
        objects.update({k: v for k, v in vars(mod).items() if isinstance(v, type) and not k.startswith("_")})
    objects.update(InputLayer=input_layer.InputLayer, Network=network.Network, Model=training.Model,
                   Sequential=sequential.Sequential)
    return objects


def serialize(layer):
    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A layer from {'class_name': ..., 'config': ...}."""
    return deserialize_keras_object(config, module_objects=_module_objects(), custom_objects=custom_objects,
                                    printable_module_name="layer")
