"""tf.contrib.eager.Saver: name-based checkpoints of eager variables (TF 1.15's contrib eager Saver).

`Saver(var_list)` (a list of variables, keyed by their names without ":0", or a dict name ->
variable) writes the values with `save(file_prefix, global_step=None)` (to `file_prefix` or
`file_prefix-<global_step>`, recorded in the directory's `checkpoint` state file, as
tf.train.Saver does) and assigns them back with `restore(file_prefix)` (NotFoundError naming a
missing key). The files are compat_tf checkpoints (train/checkpoint_io.py); TF-written ones are
read too, so a TF1 graph Saver's checkpoint restores into eager variables of the same names.
"""
import os

import numpy as np

from compat_tf._src.framework import errors


class Saver:
    """tf.contrib.eager.Saver (see the module docstring)."""

    def __init__(self, var_list):
        if isinstance(var_list, dict):
            self._vars = dict(var_list)
        else:
            self._vars = {}
            for v in var_list:
                name = v.name[:-2] if v.name.endswith(":0") else v.name
                if name in self._vars:
                    raise ValueError(f"At least two variables have the same name: {name}")
                self._vars[name] = v

    def save(self, file_prefix, global_step=None):
        """Writes the variables; returns the checkpoint's path."""
        from compat_tf._src.train import checkpoint_io, checkpoint_management
        file_prefix = os.fspath(file_prefix)
        if global_step is not None:
            file_prefix = f"{file_prefix}-{int(np.asarray(global_step))}"
        checkpoint_io.write_checkpoint(file_prefix, {n: np.asarray(v.numpy()) for n, v in self._vars.items()})
        checkpoint_management.update_checkpoint_state(os.path.dirname(file_prefix) or ".", file_prefix)
        return file_prefix

    def restore(self, file_prefix):
        """Assigns every variable its value in the checkpoint `file_prefix`."""
        from compat_tf._src.train import checkpoint_io
        reader = checkpoint_io.NewCheckpointReader(os.fspath(file_prefix))
        values = {}
        for name, v in self._vars.items():
            if not reader.has_tensor(name):
                raise errors.NotFoundError(None, None, f"Key {name} not found in checkpoint {file_prefix}")
            values[name] = reader.get_tensor(name)
        for name, v in self._vars.items():
            v.assign(values[name])
