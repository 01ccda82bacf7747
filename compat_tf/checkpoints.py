"""compat_tf.checkpoints: which format compat_tf writes checkpoints in, and converting between them.

Not part of TensorFlow's API (compat_tf's own; `import compat_tf.checkpoints`):

    compat_tf.checkpoints.set_format("tf")      # Saver.save writes TF's V2 tensor bundle from now on
    compat_tf.checkpoints.get_format()          # "orbax" (the default) or "tf"
    compat_tf.checkpoints.convert("ckpt/model.ckpt-100", "out/model.ckpt-100", to="tf")
    compat_tf.checkpoints.verify("ckpt/model.ckpt-100")   # every checksum; DataLossError if corrupted
    compat_tf.checkpoints.format_of("ckpt/model.ckpt-100")

Without editing a program: COMPAT_TF_CHECKPOINT_FORMAT=tf, or
`python -m compat_tf run --checkpoint-format tf train.py`; converting from the shell:
`python -m compat_tf convert-checkpoint SRC DST --to tf`. See compat_tf/_src/train/checkpoint_format.py.
"""
from compat_tf._src.train.checkpoint_convert import convert, verify  # noqa: F401
from compat_tf._src.train.checkpoint_format import ENV_VAR, FORMATS, get_format, set_format  # noqa: F401
from compat_tf._src.train.checkpoint_io import checkpoint_format_of as format_of  # noqa: F401

__all__ = ["convert", "verify", "get_format", "set_format", "format_of", "ENV_VAR", "FORMATS"]
