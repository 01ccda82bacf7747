"""Keras' HDF5 layout (TF 1.15's saving/hdf5_format.py), through h5py.

A saved model file has the attributes keras_version ("2.2.4-tf"), backend, model_config (the
architecture JSON) and training_config (optimizer config, loss, metrics, loss_weights,
sample_weight_mode); the group "model_weights" has attribute layer_names and one group per layer
with attribute weight_names ("dense/kernel:0", ...) and a dataset per weight at that path; the
group "optimizer_weights" has the optimizer's variables the same way. save_weights writes the
"model_weights" layout at the file's root. Loading matches layers by order (layers with weights
only) or by name (by_name=True), checking counts and shapes.
"""
import json

import numpy as np

from compat_tf._src.keras import backend as K
from compat_tf._src.keras.saving.model_config import KERAS_VERSION, json_default


def _h5py():
    try:
        import h5py
    except ImportError:
        raise ImportError("`save`/`load_model` and HDF5 weights require h5py (pip install h5py).") from None
    return h5py


def _weights(layer):
    return layer.trainable_weights + layer.non_trainable_weights


def save_attributes(group, name, data):
    """Writes a list of byte strings as an attribute (split into name0, name1, ... when > 64 KB)."""
    data = np.asarray(data) if data else np.asarray([], dtype="S1")
    chunks = 1
    split = np.array_split(data, chunks) if data.size else [data]
    while any(x.nbytes > 64512 for x in split):
        chunks += 1
        split = np.array_split(data, chunks)
    if chunks > 1:
        for i, d in enumerate(split):
            group.attrs["%s%d" % (name, i)] = d
    else:
        group.attrs[name] = data


def load_attributes(group, name):
    def dec(v):
        return v.decode("utf8") if isinstance(v, bytes) else str(v)
    if name in group.attrs:
        return [dec(n) for n in group.attrs[name]]
    out, i = [], 0
    while "%s%d" % (name, i) in group.attrs:
        out.extend(dec(n) for n in group.attrs["%s%d" % (name, i)])
        i += 1
    return out


def save_weights_to_group(f, layers):
    save_attributes(f, "layer_names", [layer.name.encode("utf8") for layer in layers])
    f.attrs["backend"] = K.backend().encode("utf8")
    f.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
    for layer in layers:
        g = f.create_group(layer.name)
        weights = _weights(layer)
        values = K.batch_get_value(weights)
        names = [w.name.encode("utf8") for w in weights]
        save_attributes(g, "weight_names", names)
        for name, val in zip(names, values):
            dset = g.create_dataset(name, val.shape, dtype=val.dtype)
            if not val.shape:
                dset[()] = val
            else:
                dset[:] = val


def load_weights_from_group(f, layers):
    filtered = [layer for layer in layers if _weights(layer)]
    names = load_attributes(f, "layer_names")
    filtered_names = [n for n in names if load_attributes(f[n], "weight_names")]
    if len(filtered_names) != len(filtered):
        raise ValueError(f"You are trying to load a weight file containing {len(filtered_names)} layers into a model "
                         f"with {len(filtered)} layers.")
    tuples = []
    for k, name in enumerate(filtered_names):
        g = f[name]
        values = [np.asarray(g[w]) for w in load_attributes(g, "weight_names")]
        layer = filtered[k]
        symbolic = _weights(layer)
        if len(values) != len(symbolic):
            raise ValueError(f'Layer #{k} (named "{layer.name}" in the current model) was found to correspond to layer '
                             f"{name} in the save file. However the new layer {layer.name} expects {len(symbolic)} "
                             f"weights, but the saved weights have {len(values)} elements.")
        for s, v in zip(symbolic, values):
            if tuple(s.get_shape().as_list()) != v.shape:
                raise ValueError(f"Shape mismatch in layer #{k} (named {layer.name}) for weight {s.name}. Weight "
                                 f"expects shape {tuple(s.get_shape().as_list())}. Received saved weight with shape "
                                 f"{v.shape}")
        tuples += zip(symbolic, values)
    K.batch_set_value(tuples)


def load_weights_from_group_by_name(f, layers, skip_mismatch=False):
    by_name = {}
    for layer in layers:
        if layer.name:
            by_name.setdefault(layer.name, []).append(layer)
    tuples = []
    for k, name in enumerate(load_attributes(f, "layer_names")):
        g = f[name]
        values = [np.asarray(g[w]) for w in load_attributes(g, "weight_names")]
        for layer in by_name.get(name, []):
            symbolic = _weights(layer)
            if len(values) != len(symbolic):
                if skip_mismatch:
                    continue
                raise ValueError(f'Layer #{k} (named "{layer.name}") expects {len(symbolic)} weight(s), but the saved '
                                 f"weights have {len(values)} element(s).")
            for s, v in zip(symbolic, values):
                if tuple(s.get_shape().as_list()) != v.shape:
                    if skip_mismatch:
                        continue
                    raise ValueError(f'Layer #{k} (named "{layer.name}"), weight {s.name} has shape '
                                     f"{tuple(s.get_shape().as_list())}, but the saved weight has shape {v.shape}.")
                tuples.append((s, v))
    K.batch_set_value(tuples)


def save_model(model, filepath, overwrite=True, include_optimizer=True):
    h5py = _h5py()
    import os
    if not overwrite and os.path.isfile(filepath):
        raise IOError(f"{filepath} exists and overwrite=False")
    from compat_tf._src.keras.saving.model_config import model_metadata
    with h5py.File(filepath, mode="w") as f:
        meta = model_metadata(model)
        f.attrs["keras_version"] = KERAS_VERSION.encode("utf8")
        f.attrs["backend"] = K.backend().encode("utf8")
        f.attrs["model_config"] = json.dumps({"class_name": meta["class_name"], "config": meta["config"]},
                                             default=json_default).encode("utf8")
        save_weights_to_group(f.create_group("model_weights"), model.layers)
        from compat_tf._src.keras.optimizers import TFOptimizer
        opt = getattr(model, "optimizer", None)
        if include_optimizer and opt is not None and not isinstance(opt, TFOptimizer) and model._is_compiled:
            args = model._compile_args or {}
            f.attrs["training_config"] = json.dumps({
                "optimizer_config": {"class_name": type(opt).__name__, "config": opt.get_config()},
                "loss": args.get("loss"), "metrics": args.get("metrics"),
                "weighted_metrics": args.get("weighted_metrics"),
                "sample_weight_mode": args.get("sample_weight_mode"), "loss_weights": args.get("loss_weights")},
                default=json_default).encode("utf8")
            weights = opt.weights
            if weights:
                g = f.create_group("optimizer_weights")
                names = [w.name.encode("utf8") for w in weights]
                save_attributes(g, "weight_names", names)
                for name, val in zip(names, K.batch_get_value(weights)):
                    dset = g.create_dataset(name, val.shape, dtype=val.dtype)
                    if not val.shape:
                        dset[()] = val
                    else:
                        dset[:] = val


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras name
    h5py = _h5py()
    from compat_tf._src.keras import optimizers
    from compat_tf._src.keras.saving.model_config import model_from_config
    with h5py.File(filepath, mode="r") as f:
        config = f.attrs.get("model_config")
        if config is None:
            raise ValueError("No model found in config file.")
        config = json.loads(config.decode("utf8") if isinstance(config, bytes) else config)
        model = model_from_config(config, custom_objects=custom_objects)
        load_weights_from_group(f["model_weights"], model.layers)
        if compile:
            training = f.attrs.get("training_config")
            if training is None:
                return model
            training = json.loads(training.decode("utf8") if isinstance(training, bytes) else training)
            opt = optimizers.deserialize(training["optimizer_config"], custom_objects=custom_objects)
            model.compile(optimizer=opt, loss=_convert(training["loss"], custom_objects),
                          metrics=_convert(training.get("metrics"), custom_objects),
                          weighted_metrics=_convert(training.get("weighted_metrics"), custom_objects),
                          loss_weights=training.get("loss_weights"),
                          sample_weight_mode=training.get("sample_weight_mode"))
            if "optimizer_weights" in f and model._is_graph_network:
                model._make_train_function()
                g = f["optimizer_weights"]
                values = [np.asarray(g[n]) for n in load_attributes(g, "weight_names")]
                try:
                    model.optimizer.set_weights(values)
                except ValueError:
                    from compat_tf._src.platform import tf_logging
                    tf_logging.warning("Error in loading the saved optimizer state. As a result, your model is "
                                       "starting with a freshly initialized optimizer.")
    return model


def _convert(obj, custom_objects):
    if obj is None:
        return None
    if isinstance(obj, dict) and "class_name" in obj and "config" in obj:
        from compat_tf._src.keras import losses, metrics
        try:
            return losses.deserialize(obj, custom_objects=custom_objects)
        except ValueError:
            return metrics.deserialize(obj, custom_objects=custom_objects)
    if isinstance(obj, list):
        return [_convert(o, custom_objects) for o in obj]
    if isinstance(obj, dict):
        return {k: _convert(v, custom_objects) for k, v in obj.items()}
    if isinstance(obj, str) and custom_objects and obj in custom_objects:
        return custom_objects[obj]
    return obj
