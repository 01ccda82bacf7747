"""Converting a checkpoint between compat_tf's orbax format and TensorFlow's tensor bundle.

`convert(src, dst, to)` reads every tensor of the checkpoint `src` (either format; every checksum
verified) and writes them as the checkpoint `dst` in format `to` (atomically, see checkpoint_io),
copying `src.meta` to `dst.meta` when there is one. Tensor names, dtypes, shapes and bytes are
kept, so the CRC32C of every tensor is the same on both sides. `verify(prefix)` reads a
checkpoint through and returns {name: (dtype, shape)}. `python -m compat_tf convert-checkpoint`
is the command line of `convert`.
"""
import os
import shutil

from compat_tf._src.train import checkpoint_format
from compat_tf._src.train import checkpoint_io
from compat_tf._src.train import checkpoint_management


def _resolve(path):
    path = os.fspath(path)
    if os.path.isdir(path) and not os.path.exists(path + ".index"):
        latest = checkpoint_management.latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"no checkpoint in directory {path} (no 'checkpoint' state file)")
        return latest
    return path


def convert(src, dst, to):
    """Writes the checkpoint `src` (a prefix, or a directory's latest checkpoint) as `dst` in format `to`
    ("tf" or "orbax"); returns `dst`. DataLossError if `src` does not verify (nothing is written)."""
    fmt = checkpoint_format.normalize(to)
    src = _resolve(src)
    dst = os.fspath(dst)
    if os.path.abspath(src) == os.path.abspath(dst):
        raise ValueError("convert: the source and destination prefixes are the same")
    tensors = checkpoint_io.CheckpointIndex(src).read_all()
    checkpoint_io.write_checkpoint(dst, tensors, fmt=fmt)
    meta = checkpoint_management.meta_graph_filename(src)
    if os.path.isfile(meta):
        tmp = checkpoint_management.meta_graph_filename(dst) + ".tempstate-convert"
        shutil.copyfile(meta, tmp)
        os.replace(tmp, checkpoint_management.meta_graph_filename(dst))
    return dst


def verify(prefix):
    """Reads every tensor of the checkpoint `prefix`, checking all checksums; {name: (DType, shape)}."""
    index = checkpoint_io.CheckpointIndex(_resolve(prefix))
    index.read_all()
    return {n: (index.dtype(n), index.shape(n)) for n in index.names()}
