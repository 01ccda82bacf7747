"""tf.keras.utils.to_categorical / normalize (TF 1.15's np_utils)."""
import numpy as np


def to_categorical(y, num_classes=None, dtype="float32"):
    """Integer class vector -> one-hot matrix (num_classes defaults to max(y) + 1); a trailing axis of
    size 1 is dropped first, as Keras does."""
    y = np.array(y, dtype="int")
    input_shape = y.shape
    if input_shape and input_shape[-1] == 1 and len(input_shape) > 1:
        input_shape = tuple(input_shape[:-1])
    y = y.ravel()
    if not num_classes:
        num_classes = np.max(y) + 1
    n = y.shape[0]
    categorical = np.zeros((n, num_classes), dtype=dtype)
    categorical[np.arange(n), y] = 1
    return np.reshape(categorical, input_shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """x / ||x||_order along `axis` (zero norms left as 1)."""
    l2 = np.atleast_1d(np.linalg.norm(x, order, axis))
    l2[l2 == 0] = 1
    return x / np.expand_dims(l2, axis)
