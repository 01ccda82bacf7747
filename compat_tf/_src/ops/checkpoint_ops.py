"""TF's save/restore ops as host ops: SaveV2, RestoreV2, MergeV2Checkpoints, ShardedFilename/Filespec.

TF1's Saver builds these into the graph (`save/SaveV2`, `save/RestoreV2`, `save/Assign_*`,
`save/restore_all`), and graphs written by TF carry them (meta graphs, the Java training sample
graph of TF's docs, which saves and restores by running them). They run here on the host over
compat_tf's checkpoint files (train/checkpoint_io): SaveV2 writes a checkpoint atomically in the
configured format (train/checkpoint_format; "tf" writes TF's bundle), RestoreV2 reads either
format and verifies every checksum, MergeV2Checkpoints merges the per-shard temporary checkpoints
of a sharded Saver into the destination. Deviations: `shape_and_slices` must be empty strings
(partitioned variables are not supported: UnimplementedError); a sharded save writes one data
file.
"""
import os
import shutil

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import tensor_shape as _ts
from compat_tf._src.framework.registry import register_op

__all__ = []


def _strings(value):
    arr = np.asarray(value, dtype=object)
    return arr, [x.decode() if isinstance(x, bytes) else str(x) for x in arr.reshape(-1)]


def _scalar_string(ctx, value, what):
    arr, items = _strings(value)
    if arr.ndim != 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"{what} must be a scalar string, got shape {list(arr.shape)}")
    return items[0]


def _check_slices(ctx, names, slices):
    if len(slices) != len(names):
        raise errors.InvalidArgumentError(
            None, ctx.op, f"shape_and_slices has {len(slices)} entries for {len(names)} tensor names")
    for n, s in zip(names, slices):
        if s:
            raise errors.UnimplementedError(
                None, ctx.op, f"{ctx.op.type} of a slice ({n}: {s!r}) is not supported by compat_tf "
                "(partitioned variables)")


@register_op("SaveV2", num_outputs=0, shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _save_v2(ctx, prefix, tensor_names, shape_and_slices, *tensors, dtypes=None, **_):
    from compat_tf._src.train import checkpoint_io
    path = _scalar_string(ctx, prefix, "prefix")
    _, names = _strings(tensor_names)
    _, slices = _strings(shape_and_slices)
    if len(names) != len(tensors):
        raise errors.InvalidArgumentError(
            None, ctx.op, f"Got {len(tensors)} tensors for {len(names)} tensor names in SaveV2")
    _check_slices(ctx, names, slices)
    values = {}
    for n, t in zip(names, tensors):
        v = np.asarray(t)
        values[n] = v if v.dtype != object else np.asarray(t, dtype=object)
    checkpoint_io.write_checkpoint(path, values)
    return ()


def _restore_shape(op):
    return [(_ts.unknown_shape(), _dtypes.as_dtype(d)) for d in op.get_attr("dtypes")]


@register_op("RestoreV2", num_outputs=lambda attrs, n: len(attrs["dtypes"]), shape=_restore_shape, host=True,
             stateful=True, differentiable=False)
def _restore_v2(ctx, prefix, tensor_names, shape_and_slices, dtypes=(), **_):
    from compat_tf._src.train import checkpoint_io
    path = _scalar_string(ctx, prefix, "prefix")
    _, names = _strings(tensor_names)
    _, slices = _strings(shape_and_slices)
    if len(names) != len(dtypes):
        raise errors.InvalidArgumentError(
            None, ctx.op, f"RestoreV2 has {len(names)} tensor names for {len(dtypes)} dtypes")
    _check_slices(ctx, names, slices)
    index = checkpoint_io.CheckpointIndex(path)
    for n, dt in zip(names, dtypes):
        if n not in index.entries:
            raise errors.NotFoundError(None, ctx.op, f"Key {n} not found in checkpoint")
        if index.dtype(n) != _dtypes.as_dtype(dt).base_dtype:
            raise errors.InvalidArgumentError(
                None, ctx.op, f"tensor_name = {n}; expected dtype {_dtypes.as_dtype(dt).name} does not equal "
                f"original dtype {index.dtype(n).name}")
    values = index.read(names)
    return [values[n] for n in names]


@register_op("MergeV2Checkpoints", num_outputs=0, shape=lambda op: [], host=True, stateful=True,
             differentiable=False)
def _merge_v2(ctx, checkpoint_prefixes, destination_prefix, delete_old_dirs=True, allow_missing_files=False,
              **_):
    from compat_tf._src.train import checkpoint_io, checkpoint_management
    _, sources = _strings(checkpoint_prefixes)
    dest = _scalar_string(ctx, destination_prefix, "destination_prefix")
    merged = {}
    for src in sources:
        if not os.path.exists(src + ".index") and allow_missing_files:
            continue
        index = checkpoint_io.CheckpointIndex(src)
        for name, value in index.read_all().items():
            if name in merged:
                raise errors.InvalidArgumentError(None, ctx.op, f"Duplicate tensor {name} in {src}")
            merged[name] = value
    checkpoint_io.write_checkpoint(dest, merged)
    for src in sources:
        if os.path.abspath(src) == os.path.abspath(dest):
            continue
        checkpoint_management.remove_checkpoint(src)
        parent = os.path.dirname(src)
        if delete_old_dirs and parent and os.path.isdir(parent) and not os.listdir(parent):
            shutil.rmtree(parent, ignore_errors=True)
    return ()


def _string_scalar(s):
    out = np.empty((), object)
    out[()] = s.encode()
    return out


@register_op("ShardedFilename", shape=lambda op: [([], _dtypes.string)], host=True, differentiable=False)
def _sharded_filename(ctx, basename, shard, num_shards, **_):
    return _string_scalar("%s-%05d-of-%05d" % (_scalar_string(ctx, basename, "basename"), int(shard),
                                               int(num_shards)))


@register_op("ShardedFilespec", shape=lambda op: [([], _dtypes.string)], host=True, differentiable=False)
def _sharded_filespec(ctx, basename, num_shards, **_):
    return _string_scalar("%s-?????-of-%05d" % (_scalar_string(ctx, basename, "basename"), int(num_shards)))
