"""Keras model architectures as JSON/YAML/config dicts (TF 1.15: keras_version "2.2.4-tf",
backend "tensorflow") and back: model_from_config / model_from_json / model_from_yaml."""
import json

import numpy as np

KERAS_VERSION = "2.2.4-tf"


def json_default(obj):
    """TF's get_json_type: Keras objects as {'class_name', 'config'}, NumPy values, names of callables."""
    from compat_tf._src.framework import tensor_shape as _ts
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    if type(obj).__module__ == np.__name__:
        return obj.tolist() if isinstance(obj, np.ndarray) else obj.item()
    if callable(obj):
        return obj.__name__
    if isinstance(obj, _ts.Dimension):
        return obj.value
    if isinstance(obj, _ts.TensorShape):
        return obj.as_list()
    if isinstance(obj, dict):
        return dict(obj)
    if hasattr(obj, "name") and hasattr(obj, "as_numpy_dtype"):
        return obj.name
    raise TypeError("Not JSON Serializable:", obj)


def model_metadata(model):
    return {"class_name": type(model).__name__, "config": model.get_config(), "keras_version": KERAS_VERSION,
            "backend": "tensorflow"}


def model_from_config(config, custom_objects=None):
    """A model (or layer) from {'class_name', 'config'}."""
    if isinstance(config, list):
        raise TypeError("`model_from_config` expects a dictionary, not a list. Maybe you meant to use "
                        "`Sequential.from_config(config)`?")
    from compat_tf._src.keras.layers import serialization
    return serialization.deserialize(config, custom_objects=custom_objects)


def model_from_json(json_string, custom_objects=None):
    """A model from the string of model.to_json() (weights are freshly initialized)."""
    return model_from_config(json.loads(json_string), custom_objects=custom_objects)


def model_from_yaml(yaml_string, custom_objects=None):
    import yaml
    return model_from_config(yaml.safe_load(yaml_string), custom_objects=custom_objects)
