"""Which format compat_tf writes checkpoints in: its own (orbax, the default) or TensorFlow's.

- "orbax": compat_tf's format (train/orbax_format): orbax-checkpoint underneath, per-tensor CRC32C.
  The default, as the design asks; only compat_tf reads it.
- "tf": TensorFlow's V2 tensor bundle (io/tensor_bundle_writer), which real TensorFlow (1.x and
  2.x `tf.compat.v1.train.Saver`, `tf.train.load_checkpoint`) restores bit-exact.

Both are read whatever the setting. The choice, without editing the program: the environment
variable COMPAT_TF_CHECKPOINT_FORMAT (`python -m compat_tf run --checkpoint-format tf` sets it),
or in Python `compat_tf.checkpoints.set_format("tf")`, which wins over the variable.
"""
import contextlib
import os
import threading

ENV_VAR = "COMPAT_TF_CHECKPOINT_FORMAT"
FORMATS = ("orbax", "tf")
DEFAULT = "orbax"
_ALIASES = {"orbax": "orbax", "compat_tf": "orbax", "default": "orbax", "tf": "tf", "tensorflow": "tf",
            "bundle": "tf", "v2": "tf"}

_override = None
_scoped = threading.local()      # using(): a format for the writes of one block of one thread


def normalize(fmt):
    """'tf' / 'orbax' for a format name (aliases: tensorflow, bundle, v2 / compat_tf, default)."""
    key = str(fmt).strip().lower()
    if key not in _ALIASES:
        raise ValueError(f"unknown checkpoint format {fmt!r}: use one of {', '.join(FORMATS)}")
    return _ALIASES[key]


def get_format():
    """The format new checkpoints are written in: set_format's, else $COMPAT_TF_CHECKPOINT_FORMAT, else orbax."""
    scoped = getattr(_scoped, "fmt", None)
    if scoped is not None:
        return scoped
    if _override is not None:
        return _override
    env = os.environ.get(ENV_VAR)
    return normalize(env) if env else DEFAULT


def set_format(fmt):
    """Sets the format of the checkpoints written from now on ("orbax" or "tf"); None: back to the default
    rule (the environment variable, else orbax). Returns the previous setting."""
    global _override
    previous = _override
    _override = None if fmt is None else normalize(fmt)
    return previous


@contextlib.contextmanager
def using(fmt):
    """Within the block (this thread), checkpoints are written in `fmt` (SavedModels use "tf")."""
    previous = getattr(_scoped, "fmt", None)
    _scoped.fmt = normalize(fmt)
    try:
        yield
    finally:
        _scoped.fmt = previous
