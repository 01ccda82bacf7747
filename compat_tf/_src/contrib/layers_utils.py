"""tf.contrib.layers.utils / slim.utils (TF 1.15 contrib/layers/python/layers/utils.py): output
aliases and collections (the `end_points` of TF-Slim nets), and small shape helpers."""
import collections

from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.layers import base as _base

__all__ = ["append_tensor_alias", "channel_dimension", "collect_named_outputs", "constant_value",
           "convert_collection_to_dict", "gather_tensors_aliases", "get_tensor_aliases", "get_variable_collections",
           "last_dimension", "n_positive_integers", "smart_cond", "static_cond", "two_element_tuple"]

smart_cond = _base.smart_cond


def constant_value(value_or_tensor_or_var, dtype=None):
    """The Python value of a bool/int or constant tensor (TF1: ValueError for a non-constant)."""
    if value_or_tensor_or_var is None:
        raise ValueError("value_or_tensor_or_var cannot be None")
    value = _base.constant_value(value_or_tensor_or_var)
    if value is None and not isinstance(value_or_tensor_or_var, (bool, int)):
        raise ValueError(f"{value_or_tensor_or_var} is not a constant")
    if dtype is not None:
        value = dtype.as_numpy_dtype(value) if hasattr(dtype, "as_numpy_dtype") else value
    return value


def static_cond(pred, fn1, fn2):
    if not callable(fn1):
        raise TypeError("fn1 must be callable.")
    if not callable(fn2):
        raise TypeError("fn2 must be callable.")
    return fn1() if pred else fn2()


def append_tensor_alias(tensor, alias):
    """Adds `alias` (without a trailing '/') to tensor.aliases."""
    if alias[-1] == "/":
        alias = alias[:-1]
    aliases = getattr(tensor, "aliases", None)
    if aliases is None:
        tensor.aliases = [alias]
    else:
        aliases.append(alias)
    return tensor


def collect_named_outputs(collections_, alias, outputs):
    """Aliases `outputs` and adds it to the collections (TF-Slim's end points)."""
    if collections_:
        append_tensor_alias(outputs, alias)
        if isinstance(collections_, str):
            collections_ = [collections_]
        for c in collections_:
            _graph.add_to_collection(c, outputs)
    return outputs


def get_tensor_aliases(tensor):
    aliases = getattr(tensor, "aliases", None)
    if aliases is not None:
        return aliases
    return [tensor.name[:-2] if tensor.name.endswith(":0") else tensor.name]


def gather_tensors_aliases(tensors):
    return [a for t in tensors for a in get_tensor_aliases(t)]


def convert_collection_to_dict(collection, clear_collection=False):
    """{alias: tensor} for the tensors of a collection (TF-Slim nets' end_points)."""
    out = collections.OrderedDict((alias, tensor) for tensor in _graph.get_collection(collection)
                                  for alias in get_tensor_aliases(tensor))
    if clear_collection:
        _graph.get_default_graph().clear_collection(collection)
    return out


def get_variable_collections(variables_collections, name):
    if isinstance(variables_collections, dict):
        return variables_collections.get(name, None)
    return variables_collections


def _dims(shape, min_rank):
    shape = _ts.as_shape(shape)
    if shape.ndims is None:
        raise ValueError("dims of shape must be known but is None")
    if shape.ndims < min_rank:
        raise ValueError(f"rank of shape must be at least {min_rank} not: {shape.ndims}")
    return shape


def last_dimension(shape, min_rank=1):
    value = _dims(shape, min_rank)[-1].value
    if value is None:
        raise ValueError("last dimension shape must be known but is None")
    return value


def channel_dimension(shape, data_format, min_rank=1):
    shape = _dims(shape, min_rank)
    value = shape[1 if data_format == "channels_first" or str(data_format).startswith("NC") else -1].value
    if value is None:
        raise ValueError("channel dimension must be known but is None")
    return value


def two_element_tuple(int_or_tuple):
    """(a, b) from an int, a 2-sequence or a TensorShape."""
    if isinstance(int_or_tuple, (list, tuple)):
        if len(int_or_tuple) != 2:
            raise ValueError(f"Must be a list with 2 elements: {int_or_tuple}")
        return int(int_or_tuple[0]), int(int_or_tuple[1])
    if isinstance(int_or_tuple, int):
        return int(int_or_tuple), int(int_or_tuple)
    if isinstance(int_or_tuple, _ts.TensorShape):
        if len(int_or_tuple) == 2:
            return int_or_tuple[0].value, int_or_tuple[1].value
    raise ValueError("Must be an int, a list with 2 elements or a TensorShape of length 2")


def n_positive_integers(n, value):
    """`value` as a tuple of n positive ints (an int is repeated)."""
    if isinstance(value, int):
        if value > 0:
            return (value,) * n
    else:
        values = tuple(int(v) for v in value)
        if len(values) == n and all(v > 0 for v in values):
            return values
    raise ValueError(f"Expected an integer or a sequence of {n} positive integers, but received: {value}")
