"""Whole-file host ops: tf.read_file, tf.write_file, tf.matching_files (TF1's io_ops.py).

ReadFile / WriteFile / MatchingFiles run in NumPy on the host (string tensors), on local
paths (file:// allowed). As TF1: reading a missing file raises NotFoundError, WriteFile
creates missing parent directories, MatchingFiles returns the sorted matches of one or
more glob patterns (an empty vector when nothing matches).
"""

import glob
import os

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.ops._op_util import make_op, make_tensor

__all__ = ["matching_files", "read_file", "write_file"]


def _path(ctx, value, what):
    arr = np.asarray(value, dtype=object)
    if arr.ndim != 0:
        raise errors.InvalidArgumentError(
            None, ctx.op, f"{what} must be a scalar, got shape [{','.join(str(d) for d in arr.shape)}]"
        )
    p = arr.item()
    p = p.decode() if isinstance(p, bytes) else str(p)
    if "://" in p and not p.startswith("file://"):
        raise errors.UnimplementedError(
            None, ctx.op, f"File system scheme '{p.split('://')[0]}' not implemented (file: '{p}')"
        )
    return p[len("file://") :] if p.startswith("file://") else p


@register_op(
    "ReadFile", shape=lambda op: [([], _dtypes.string)], host=True, stateful=True, differentiable=False
)
def _read_file_np(ctx, filename, **_):
    path = _path(ctx, filename, "Input filename tensor")
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise errors.NotFoundError(None, ctx.op, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, ctx.op, f"{path}; Is a directory") from None
    except PermissionError:
        raise errors.PermissionDeniedError(None, ctx.op, f"{path}; Permission denied") from None
    out = np.empty((), object)
    out[()] = data
    return out


def read_file(filename, name=None):
    """tf.read_file (op ReadFile): the whole contents of the file `filename` as a scalar string."""
    filename = _constant.convert_to_tensor(filename, dtype=_dtypes.string)
    return make_tensor("ReadFile", [filename], name=name or "ReadFile")


@register_op("WriteFile", num_outputs=0, shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _write_file_np(ctx, filename, contents, **_):
    path = _path(ctx, filename, "Input filename tensor")
    data = np.asarray(contents, dtype=object)
    if data.ndim != 0:
        raise errors.InvalidArgumentError(
            None,
            ctx.op,
            f"Contents tensor must be scalar, but had shape: [{','.join(str(d) for d in data.shape)}]",
        )
    data = data.item()
    data = data.encode() if isinstance(data, str) else bytes(data)
    d = os.path.dirname(path)
    if d:
        os.makedirs(d, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return ()


def write_file(filename, contents, name=None):
    """tf.write_file (op WriteFile): writes `contents` to `filename` (an Operation, run it)."""
    filename = _constant.convert_to_tensor(filename, dtype=_dtypes.string)
    contents = _constant.convert_to_tensor(contents, dtype=_dtypes.string)
    return make_op("WriteFile", [filename, contents], name=name or "WriteFile")


@register_op(
    "MatchingFiles",
    shape=lambda op: [([None], _dtypes.string)],
    host=True,
    stateful=True,
    differentiable=False,
)
def _matching_files_np(ctx, pattern, **_):
    pats = np.asarray(pattern, dtype=object)
    if pats.ndim > 1:
        raise errors.InvalidArgumentError(
            None,
            ctx.op,
            "Input pattern tensor must be scalar or vector, but had "
            f"shape: [{','.join(str(d) for d in pats.shape)}]",
        )
    found = []
    for p in pats.reshape(-1):
        p = p.decode() if isinstance(p, bytes) else str(p)
        if p.startswith("file://"):
            p = p[len("file://") :]
        found.extend(glob.glob(p, include_hidden=True))
    found = sorted(found)
    out = np.empty((len(found),), object)
    out[:] = [f.encode() for f in found]
    return out


def matching_files(pattern, name=None):
    """tf.matching_files (op MatchingFiles): the sorted file names matching the glob pattern(s)."""
    pattern = _constant.convert_to_tensor(pattern, dtype=_dtypes.string)
    return make_tensor("MatchingFiles", [pattern], name=name or "MatchingFiles")
