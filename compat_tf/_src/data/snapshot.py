"""tf.data.experimental.snapshot(path, compression="AUTO", reader_func=None, shard_func=None).

TF's snapshot (SnapshotDatasetV2): the first iteration writes the input's elements under
`path/<fingerprint>/` while passing them through; once a run has finished, iterations of the same
pipeline (in this process or another) read the snapshot instead of the input; a run that did not
finish is ignored and the next iteration writes a new one. The fingerprint is fingerprint.py's
hash of the input pipeline and the `compression` argument, as a decimal uint64 (TF: the hash of
the input dataset's graph, so the directory names differ from TF's).

Layout, as TF's:
  path/<fingerprint>/snapshot.metadata                             which run is current, finished or not
  path/<fingerprint>/<run id>/00000000.shard/00000000.snapshot     the elements
A shard file is a TFRecord file (GZIP-compressed with compression="GZIP") with one record per
element component: a serialized TensorProto (dtype, shape, tensor_content: little-endian bytes, or
for strings the varint lengths followed by the bytes), as TF's TFRecord snapshot writer writes them.
`snapshot.metadata` is compat_tf's own: JSON {"run_id", "finalized", "compression", "dtypes",
"num_elements", "creation_timestamp"} (TF's is a SnapshotMetadataRecord proto), written aside and
renamed into place; the run is marked finished only after its shard file is closed.

Mirrored: a failed input element is passed on and not written; concurrent writers each write their
own run (no lock; the last to finish is read); a reader reads with the compression the metadata
records. Deviations: one shard per run, read back in the order written (TF's default writes one
shard per CPU core and its default reader interleaves them); compression="AUTO" writes uncompressed
(TF picks SNAPPY), "SNAPPY" raises NotImplementedError and anything else ValueError (TF takes any
string); the run directory of an iteration dropped before its end is removed (TF leaves it);
non-default `reader_func` / `shard_func` raise NotImplementedError.
"""
import glob
import json
import os
import secrets
import shutil
import struct
import time

import numpy as np

from compat_tf._src.data import cardinality, dataset_ops, fingerprint, structure
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors

COMPRESSION_GZIP = "GZIP"
COMPRESSION_SNAPPY = "SNAPPY"
COMPRESSION_NONE = None
_AUTO = "AUTO"
_METADATA = "snapshot.metadata"
_SHARD = os.path.join("00000000.shard", "00000000.snapshot")


def snapshot(path, compression=_AUTO, reader_func=None, shard_func=None):
    """Dataset.apply(snapshot(path)): persists the input's elements under `path` (see module doc)."""
    if reader_func is not None:
        raise NotImplementedError("tf.data.experimental.snapshot: a reader_func is not supported by compat_tf "
                                  "(the snapshot is read in the order it was written)")
    if shard_func is not None:
        raise NotImplementedError("tf.data.experimental.snapshot: a shard_func is not supported by compat_tf "
                                  "(every run is written as one shard)")
    file_compression = _file_compression(compression)

    def apply(dataset):
        return SnapshotDataset(dataset, path, compression, file_compression)
    return apply


def _file_compression(compression):
    """The TFRecord compression a run is written with: "" or "GZIP"."""
    if compression is None or compression in ("", _AUTO):
        return ""
    if compression == COMPRESSION_GZIP:
        return COMPRESSION_GZIP
    if compression == COMPRESSION_SNAPPY:
        raise NotImplementedError("tf.data.experimental.snapshot: compression='SNAPPY' is not supported by "
                                  "compat_tf (use 'GZIP', 'AUTO' or None)")
    raise ValueError(f"Unsupported snapshot compression {compression!r}: expected 'GZIP', 'SNAPPY', 'AUTO' or "
                     "None")


@cardinality.same_as_input
class SnapshotDataset(dataset_ops.DatasetV1):
    def __init__(self, input_ds, path, compression, file_compression):
        self._input = input_ds
        self._path = dataset_ops._param(path, _dtypes.string, what="path")
        self._compression = compression
        self._file_compression = file_compression
        self._spec = input_ds._spec

    def _children(self):
        return [self._input]

    def _params(self):
        return [self._path]

    def _iterate(self, ictx):
        path = self._path.get(ictx)
        path = path.item() if isinstance(path, np.ndarray) else path
        path = path.decode() if isinstance(path, bytes) else str(path)
        hash_dir = os.path.join(path, fingerprint.dataset_fingerprint(self._input, ictx, self._compression))
        specs = structure.flatten(self._spec)
        try:
            meta = _read_metadata(hash_dir)
        except errors.OpError as e:
            return _failing(e)
        if meta is not None and meta.get("finalized"):
            return _read_run(hash_dir, meta, specs)
        return _write_run(self._input._iterate(ictx), hash_dir, specs, self._file_compression)


def _failing(error):
    while True:
        yield ElementError(error)


def _read_metadata(hash_dir):
    """The run metadata of `hash_dir`, or None where there is none (DataLossError if unreadable)."""
    meta_path = os.path.join(hash_dir, _METADATA)
    try:
        with open(meta_path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        return None
    except OSError as e:
        from compat_tf._src.train.checkpoint_commit import oserror_to_tf
        raise oserror_to_tf(e, meta_path) from None
    try:
        meta = json.loads(raw.decode("utf-8"))
        if not isinstance(meta, dict) or not isinstance(meta.get("run_id"), str):
            raise ValueError("no run_id")
    except (ValueError, UnicodeDecodeError) as e:
        raise errors.DataLossError(None, None, f"{meta_path}: not a compat_tf snapshot metadata file ({e})") \
            from None
    return meta


def _write_metadata(hash_dir, meta):
    path = os.path.join(hash_dir, _METADATA)
    temp = f"{path}.tmp{secrets.randbits(63)}"
    with open(temp, "w", encoding="utf-8") as f:
        json.dump(meta, f)
    os.replace(temp, path)


def _write_run(it, hash_dir, specs, compression):
    """A new run: the input's elements written to its shard as they pass; finalized at the end."""
    from compat_tf._src.io.tf_record import TFRecordOptions, TFRecordWriter
    from compat_tf._src.train.checkpoint_commit import oserror_to_tf
    run_id = str(secrets.randbits(64))
    run_dir = os.path.join(hash_dir, run_id)
    meta = {"run_id": run_id, "finalized": False, "compression": compression,
            "dtypes": [s.dtype.name for s in specs], "num_elements": 0,
            "creation_timestamp": int(time.time() * 1e6)}
    writer, finished = None, False
    try:
        try:
            os.makedirs(os.path.dirname(os.path.join(run_dir, _SHARD)), exist_ok=True)
            _write_metadata(hash_dir, meta)
            writer = TFRecordWriter(os.path.join(run_dir, _SHARD), TFRecordOptions(compression or None))
        except OSError as e:
            raise oserror_to_tf(e, run_dir) from None
        count = 0
        for el in it:
            if is_error(el):        # passed on, not written
                yield el
                continue
            try:
                for value, spec in zip(el, specs):
                    writer.write(encode_tensor(structure.as_numpy(value, spec.dtype), spec.dtype))
            except OSError as e:
                raise oserror_to_tf(e, run_dir) from None
            count += 1
            yield el
        try:
            writer.close()
            _write_metadata(hash_dir, dict(meta, finalized=True, num_elements=count))
        except OSError as e:
            raise oserror_to_tf(e, run_dir) from None
        finished = True
    finally:
        if writer is not None:
            writer.close()
        if not finished:
            shutil.rmtree(run_dir, ignore_errors=True)


def _read_run(hash_dir, meta, specs):
    """The elements of the finished run `meta` names, in the order they were written."""
    from compat_tf._src.io.tf_record import iter_records
    run_dir = os.path.join(hash_dir, meta["run_id"])
    dtypes = [s.dtype.name for s in specs]
    if meta.get("dtypes") != dtypes:
        yield from _failing(errors.InvalidArgumentError(
            None, None, f"The snapshot in {run_dir} holds elements of types {meta.get('dtypes')}; the dataset's "
            f"are {dtypes}"))
    files = sorted(glob.glob(os.path.join(glob.escape(run_dir), "*.shard", "*.snapshot")))
    if not files:
        yield from _failing(errors.NotFoundError(None, None, f"The finished snapshot run {run_dir} has no shard "
                                                 "files"))
    n = len(specs)
    for path in files:
        pending = []
        for record in iter_records(path, meta.get("compression") or ""):
            pending.append(decode_tensor(record, path))
            if len(pending) == n:
                yield tuple(pending)
                pending = []


def encode_tensor(arr, dtype):
    """A serialized TensorProto of `arr` with tensor_content, as TF's Tensor::AsProtoTensorContent
    (tf.serialize_tensor's encoding for numbers; strings as varint lengths then bytes)."""
    from compat_tf._src.framework import tensor_util
    from compat_tf._src.io import varint
    from compat_tf._src.ops import serialization_ops
    from compat_tf._src.protos import tensor_pb2
    if dtype != _dtypes.string:
        return serialization_ops._serialize(arr, dtype)
    elems = [x if isinstance(x, bytes) else str(x).encode() for x in arr.ravel().tolist()]
    content = b"".join(varint.encode(len(e)) for e in elems) + b"".join(elems)
    proto = tensor_pb2.TensorProto(dtype=dtype.as_datatype_enum, tensor_content=content)
    proto.tensor_shape.CopyFrom(tensor_util.shape_to_proto(list(arr.shape)))
    return proto.SerializeToString()


def decode_tensor(record, path):
    """The array a serialized TensorProto of encode_tensor's form holds (DataLossError if malformed)."""
    from compat_tf._src.framework import tensor_util
    from compat_tf._src.io import varint
    from google.protobuf.message import DecodeError

    from compat_tf._src.protos import tensor_pb2
    try:
        proto = tensor_pb2.TensorProto.FromString(record)
        if _dtypes.as_dtype(proto.dtype) != _dtypes.string:
            return tensor_util.make_ndarray(proto)
        shape = tuple(d.size for d in proto.tensor_shape.dim)
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        data = proto.tensor_content
        lengths, pos = [], 0
        for _ in range(count):
            n, pos = varint.decode(data, pos, len(data), path)
            lengths.append(n)
        out = np.empty(count, dtype=object)
        for i, n in enumerate(lengths):
            out[i] = data[pos:pos + n]
            pos += n
        if pos != len(data):
            raise ValueError("string lengths do not match the content")
        return out.reshape(shape)
    except (ValueError, TypeError, struct.error, errors.OpError, DecodeError) as e:
        raise errors.DataLossError(None, None, f"{path}: corrupted snapshot record ({e})") from None


__all__ = ["COMPRESSION_GZIP", "COMPRESSION_NONE", "COMPRESSION_SNAPPY", "snapshot"]
