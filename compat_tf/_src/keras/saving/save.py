"""model.save / tf.keras.models.save_model / load_model and save_weights / load_weights: HDF5
(Keras' layout, by the .h5/.hdf5/.keras suffix or save_format='h5') or the TF checkpoint format
(object-based keys, see checkpoint_format.py)."""
import os

from compat_tf._src.keras.saving import checkpoint_format, hdf5_format

_H5 = (".h5", ".hdf5", ".keras")


def _is_h5(filepath):
    return str(filepath).endswith(_H5) or (hasattr(filepath, "create_group"))


def _format(filepath, save_format):
    if save_format is None:
        return "h5" if _is_h5(filepath) else "tf"
    fmt = save_format.lower().strip()
    if fmt in ("h5", "keras"):
        return "h5"
    if fmt in ("tf", "tensorflow"):
        return "tf"
    raise ValueError(f"Unknown format \"{save_format}\". Was expecting one of {{\"tf\", \"h5\"}}.")


def save_model(model, filepath, overwrite=True, include_optimizer=True, save_format=None):
    """tf.keras.models.save_model: the whole model in HDF5 (TF 1.15's default for a .h5 path)."""
    if _format(filepath, save_format) == "tf":
        raise NotImplementedError("tf.keras.models.save_model(save_format='tf') (a SavedModel) is not supported by "
                                  "compat_tf; save to a '.h5' path (HDF5) instead.")
    hdf5_format.save_model(model, filepath, overwrite, include_optimizer)


def load_model(filepath, custom_objects=None, compile=True):  # noqa: A002 - Keras name
    """tf.keras.models.load_model: a model saved in HDF5 (architecture, weights, optimizer state)."""
    if not _is_h5(filepath) and not os.path.isfile(filepath):
        raise IOError(f"Unable to load model. Filepath is not an hdf5 file (or h5py is not available) or SavedModel: "
                      f"{filepath}")
    return hdf5_format.load_model(filepath, custom_objects, compile)


def save_weights(model, filepath, overwrite=True, save_format=None):
    if _format(filepath, save_format) == "h5":
        h5py = hdf5_format._h5py()
        if not overwrite and os.path.isfile(filepath):
            raise IOError(f"{filepath} exists and overwrite=False")
        with h5py.File(filepath, "w") as f:
            hdf5_format.save_weights_to_group(f, model.layers)
        return
    checkpoint_format.save(model, filepath)


def load_weights(model, filepath, by_name=False):
    if _is_h5(filepath) or (os.path.isfile(filepath) and _h5_signature(filepath)):
        h5py = hdf5_format._h5py()
        with h5py.File(filepath, "r") as f:
            if "layer_names" not in f.attrs and "model_weights" in f:
                f = f["model_weights"]
            if by_name:
                hdf5_format.load_weights_from_group_by_name(f, model.layers)
            else:
                hdf5_format.load_weights_from_group(f, model.layers)
        return None
    if by_name:
        raise NotImplementedError("Weights may only be loaded based on topology into Models when loading TensorFlow-"
                                  "formatted weights (got by_name=True to load_weights).")
    checkpoint_format.load(model, filepath)
    return None


def _h5_signature(path):
    with open(path, "rb") as f:
        return f.read(8) == b"\x89HDF\r\n\x1a\n"
