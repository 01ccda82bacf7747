"""tf.train.warm_start and tf.train.VocabInfo (TF 1.15's training/warm_starting_util.py).

warm_start(ckpt, vars_to_warm_start, var_name_to_vocab_info, var_name_to_prev_var_name) makes the
chosen variables start from a checkpoint's values: their initializers are replaced (as
tf.train.init_from_checkpoint does), so a later restore from the model's own checkpoint still wins,
as in TF. `vars_to_warm_start`: a regular expression over TRAINABLE_VARIABLES (default '.*'), a
list of regular expressions over GLOBAL_VARIABLES, or a list of variables. A VocabInfo remaps the
rows (axis 0) or columns (axis 1) of an embedding or weight matrix from the old vocabulary file to
the new one: an entry of the new vocabulary takes the old row of the same word; new words and
OOV buckets take `backup_initializer` (zeros by default), as TF's load-and-remap initializer does.
"""
import collections

import numpy as np


def _tf():
    import compat_tf
    return compat_tf


class VocabInfo(collections.namedtuple("VocabInfo", ["new_vocab", "new_vocab_size", "num_oov_buckets",
                                                     "old_vocab", "old_vocab_size", "backup_initializer",
                                                     "axis"])):
    """Vocabulary information for warm-starting (tf.train.VocabInfo / tf.estimator.VocabInfo)."""

    def __new__(cls, new_vocab, new_vocab_size, num_oov_buckets, old_vocab, old_vocab_size=-1,
                backup_initializer=None, axis=0):
        if axis not in (0, 1):
            raise ValueError(f"The only supported values for the axis argument are 0 and 1.  Provided axis: {axis}")
        return super().__new__(cls, new_vocab, new_vocab_size, num_oov_buckets, old_vocab, old_vocab_size,
                               backup_initializer, axis)


def _grouped_variables(vars_to_warm_start):
    tf = _tf()
    if isinstance(vars_to_warm_start, str) or vars_to_warm_start is None:
        found = tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES, scope=vars_to_warm_start)
    elif isinstance(vars_to_warm_start, list):
        if all(isinstance(v, str) for v in vars_to_warm_start):
            found = []
            for pattern in vars_to_warm_start:
                found += tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES, scope=pattern)
        elif all(isinstance(v, tf.Variable) for v in vars_to_warm_start):
            found = list(vars_to_warm_start)
        else:
            raise ValueError("If `vars_to_warm_start` is a list, it must be all `Variable` or all `str`.  Given "
                             f"types are {[type(v) for v in vars_to_warm_start]}")
    else:
        raise ValueError(f"`vars_to_warm_start must be a `list` or `str`.  Given type is {type(vars_to_warm_start)}")
    grouped = {}
    for v in found:
        grouped.setdefault(v.op.name, v)
    return grouped


def _vocab(path, size):
    tf = _tf()
    with tf.gfile.GFile(path, "rb") as f:
        words = [line.rstrip(b"\r\n") for line in f]
    return words if size is None or size < 0 else words[:size]


def _remapped_initial_value(var, reader, prev_name, info):
    """The variable's new initial value: old rows/columns moved to the new vocabulary's order, the rest
    from the backup initializer."""
    tf = _tf()
    if not (info.new_vocab and info.new_vocab_size and info.old_vocab):
        raise ValueError("Invalid args: Must provide all of [current_vocab_path, current_vocab_size, prev_ckpt, "
                         "prev_vocab_path}.")
    shape = var.shape.as_list()
    old = reader.get_tensor(prev_name)
    if info.axis == 1:
        old = np.swapaxes(old, 0, 1)
        shape = [shape[1], shape[0]] + shape[2:]
    old_index = {w: i for i, w in enumerate(_vocab(info.old_vocab, info.old_vocab_size))}
    new_words = _vocab(info.new_vocab, info.new_vocab_size)
    value = np.zeros(shape, dtype=var.dtype.base_dtype.as_numpy_dtype)
    found = np.zeros(shape[0], dtype=bool)
    for i, w in enumerate(new_words[:shape[0]]):
        j = old_index.get(w)
        if j is not None and j < old.shape[0]:
            value[i] = old[j]
            found[i] = True
    if info.axis == 1:
        value, found_shape = np.swapaxes(value, 0, 1), [1, shape[0]] + [1] * (len(shape) - 2)
        shape = [shape[1], shape[0]] + shape[2:]
    else:
        found_shape = [shape[0]] + [1] * (len(shape) - 1)
    backup = info.backup_initializer or tf.zeros_initializer()
    with tf.name_scope(f"{var.op.name}/warm_start"):
        fallback = backup(shape, dtype=var.dtype.base_dtype)
        mask = tf.constant(found.reshape(found_shape)) & tf.ones(shape, dtype=tf.bool)
        return tf.where(mask, tf.constant(value), fallback)


def warm_start(ckpt_to_initialize_from, vars_to_warm_start=".*", var_name_to_vocab_info=None,
               var_name_to_prev_var_name=None):
    """TF 1.15's tf.train.warm_start (see the module docstring)."""
    tf = _tf()
    from compat_tf._src.train import checkpoint_utils
    grouped = _grouped_variables(vars_to_warm_start)
    vocab_infos = dict(var_name_to_vocab_info or {})
    prev_names = dict(var_name_to_prev_var_name or {})
    used_prev, used_vocab, plain = set(), set(), {}
    reader = None
    for name, var in grouped.items():
        prev = prev_names.get(name)
        if prev:
            used_prev.add(name)
        info = vocab_infos.get(name)
        if info:
            used_vocab.add(name)
            if reader is None:
                reader = tf.train.load_checkpoint(ckpt_to_initialize_from)
            init = _remapped_initial_value(var, reader, prev or name, info)
            checkpoint_utils.set_initial_value(var, init)
        elif vars_to_warm_start:
            plain[prev or name] = var
    if plain:
        tf.train.init_from_checkpoint(ckpt_to_initialize_from, plain)
    unused_prev, unused_vocab = set(prev_names) - used_prev, set(vocab_infos) - used_vocab
    if unused_prev:
        raise ValueError(f"You provided the following variables in var_name_to_prev_var_name that were not used: "
                         f"{unused_prev}.  Perhaps you misspelled them?  Here is the list of viable variable names: "
                         f"{list(grouped)}")
    if unused_vocab:
        raise ValueError(f"You provided the following variables in var_name_to_vocab_info that were not used: "
                         f"{unused_vocab}.  Perhaps you misspelled them?  Here is the list of viable variable "
                         f"names: {list(grouped)}")


class WarmStartSettings(collections.namedtuple("WarmStartSettings", [
        "ckpt_to_initialize_from", "vars_to_warm_start", "var_name_to_vocab_info", "var_name_to_prev_var_name"])):
    """tf.estimator.WarmStartSettings (TF 1.15): what Estimator(warm_start_from=...) warm-starts."""

    def __new__(cls, ckpt_to_initialize_from, vars_to_warm_start=".*", var_name_to_vocab_info=None,
                var_name_to_prev_var_name=None):
        if not ckpt_to_initialize_from:
            raise ValueError("`ckpt_to_initialize_from` MUST be set in WarmStartSettings")
        return super().__new__(cls, ckpt_to_initialize_from, vars_to_warm_start, var_name_to_vocab_info or {},
                               var_name_to_prev_var_name or {})


def settings_from(warm_start_from):
    """Estimator's warm_start_from (a checkpoint path, a SavedModel directory or WarmStartSettings) as
    WarmStartSettings or None (TF 1.15's _get_default_warm_start_settings)."""
    import os
    if warm_start_from is None:
        return None
    if isinstance(warm_start_from, (str, bytes, os.PathLike)):
        path = os.fsdecode(warm_start_from)
        variables = os.path.join(path, "variables", "variables")
        if os.path.exists(variables + ".index"):
            return WarmStartSettings(ckpt_to_initialize_from=variables)
        return WarmStartSettings(ckpt_to_initialize_from=path)
    if isinstance(warm_start_from, WarmStartSettings):
        return warm_start_from
    raise ValueError(f"warm_start_from must be a string or a WarmStartSettings, instead got {type(warm_start_from)}")


__all__ = ["VocabInfo", "WarmStartSettings", "warm_start"]
