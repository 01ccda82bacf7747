"""tf.keras.activations (TF 1.15): softmax (tf.nn.softmax for rank 2, so the op is a Softmax the
losses can see through; an exp-normalisation over `axis` otherwise), elu, selu, softplus,
softsign, relu, tanh, sigmoid, exponential, hard_sigmoid, linear; get/serialize/deserialize."""
from compat_tf._src.keras import backend_ops as K
from compat_tf._src.keras.backend import ndim
from compat_tf._src.keras.utils.generic_utils import deserialize_keras_object, serialize_keras_object
from compat_tf._src.ops import math_ops, nn_ops


def softmax(x, axis=-1):
    rank = ndim(x)
    if rank == 2:
        return nn_ops.softmax(x)
    if rank is not None and rank > 2:
        e = math_ops.exp(x - math_ops.reduce_max(x, axis=axis, keepdims=True))
        return e / math_ops.reduce_sum(e, axis=axis, keepdims=True)
    raise ValueError("Cannot apply softmax to a tensor that is 1D. Received input: %s" % (x,))


def elu(x, alpha=1.0):
    return K.elu(x, alpha)


def selu(x):
    alpha = 1.6732632423543772848170429916717
    scale = 1.0507009873554804934193349852946
    return scale * K.elu(x, alpha)


def softplus(x):
    return nn_ops.softplus(x)


def softsign(x):
    return nn_ops.softsign(x)


def relu(x, alpha=0., max_value=None, threshold=0):
    return K.relu(x, alpha=alpha, max_value=max_value, threshold=threshold)


def tanh(x):
    return math_ops.tanh(x)


def sigmoid(x):
    return math_ops.sigmoid(x)


def exponential(x):
    return math_ops.exp(x)


def hard_sigmoid(x):
    return K.hard_sigmoid(x)


def linear(x):
    return x


_MODULE_OBJECTS = {f.__name__: f for f in (softmax, elu, selu, softplus, softsign, relu, tanh, sigmoid,
                                           exponential, hard_sigmoid, linear)}


def serialize(activation):
    return serialize_keras_object(activation)


def deserialize(name, custom_objects=None):
    return deserialize_keras_object(name, module_objects=_MODULE_OBJECTS, custom_objects=custom_objects,
                                    printable_module_name="activation function")


def get(identifier):
    """None -> linear, a name ('relu', ...), or a callable."""
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        return deserialize(identifier)
    if callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return deserialize_keras_object(identifier, printable_module_name="activation")
    raise TypeError("Could not interpret activation function identifier: {}".format(repr(identifier)))
