"""Writes TensorFlow's tensor-bundle (V2 checkpoint) format, which real TensorFlow restores.

The inverse of `tensor_bundle` (whose module doc describes the format): `write_bundle(index_path,
data_path, tensors)` writes the tensors' bytes to one data shard (`PREFIX.data-00000-of-00001`,
tensors in key order, no padding, as TF's BundleWriter with default options) and the SSTable
index that names them (a BundleHeaderProto under key "" and one BundleEntryProto per tensor
with dtype, shape, offset, size and the masked CRC32C of its bytes). The SSTable is what TF's
table builder writes without compression: data blocks of prefix-compressed entries with a
restart point every 16 entries, cut at 256 KiB (table::Options' defaults as TF's
BundleWriter uses them), each with a type byte and masked CRC32C; an empty metaindex
block; an index block mapping each data block's last key to its handle; the 48-byte footer.

The caller chooses the two file paths (compat_tf writes them aside and commits them by rename,
see train/checkpoint_commit). Partitioned tensors (slices) are not written.
"""
import struct
import sys

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.io import tensor_bundle as _tb
from compat_tf._src.io.tf_record import crc32c
from compat_tf._src.io import varint

__all__ = ["write_bundle", "index_bytes", "table_bytes", "tensor_bytes"]

BLOCK_SIZE = 256 * 1024
RESTART_INTERVAL = 16


class _BlockBuilder:
    """One SSTable block: prefix-compressed entries, restart offsets, their count."""

    def __init__(self):
        self.buf = bytearray()
        self.restarts = [0]
        self.counter = 0
        self.last_key = b""
        self.n = 0

    def add(self, key, value):
        shared = 0
        if self.counter < RESTART_INTERVAL:
            limit = min(len(key), len(self.last_key))
            while shared < limit and key[shared] == self.last_key[shared]:
                shared += 1
        else:
            self.restarts.append(len(self.buf))
            self.counter = 0
        self.buf += varint.encode(shared) + varint.encode(len(key) - shared) + varint.encode(len(value))
        self.buf += key[shared:] + value
        self.last_key = key
        self.counter += 1
        self.n += 1

    def size(self):
        return len(self.buf) + 4 * len(self.restarts) + 4

    def finish(self):
        return bytes(self.buf) + b"".join(struct.pack("<I", r) for r in self.restarts) + \
            struct.pack("<I", len(self.restarts))


def _handle(offset, size):
    return varint.encode(offset) + varint.encode(size)


def table_bytes(entries):
    """An uncompressed SSTable of `entries` ([(key bytes, value bytes)], keys strictly increasing)."""
    out = bytearray()

    def emit(contents):
        offset = len(out)
        trailer = b"\x00"
        crc = _tb._mask(crc32c(contents + trailer))
        out.extend(contents + trailer + struct.pack("<I", crc))
        return offset, len(contents)

    index = _BlockBuilder()
    block = _BlockBuilder()
    prev = None
    for key, value in entries:
        if prev is not None and key <= prev:
            raise ValueError(f"SSTable keys must be strictly increasing: {prev!r} then {key!r}")
        prev = key
        block.add(key, value)
        if block.size() >= BLOCK_SIZE:
            index.add(block.last_key, _handle(*emit(block.finish())))
            block = _BlockBuilder()
    if block.n or not index.n:
        index.add(block.last_key, _handle(*emit(block.finish())))
    meta = emit(_BlockBuilder().finish())
    idx = emit(index.finish())
    footer = _handle(*meta) + _handle(*idx)
    footer += b"\x00" * (40 - len(footer)) + struct.pack("<Q", _tb.TABLE_MAGIC)
    out.extend(footer)
    return bytes(out)


def tensor_bytes(arr):
    """(bytes as the bundle stores them, masked CRC32C) of one tensor (strings as TF encodes them)."""
    if arr.dtype == object or arr.dtype.kind in "SU":
        elems = [x if isinstance(x, bytes) else str(x).encode() for x in arr.ravel().tolist()]
        lengths = b"".join(varint.encode(len(e)) for e in elems)
        crc = 0
        for e in elems:
            crc = crc32c(struct.pack("<I" if len(e) <= 0xFFFFFFFF else "<Q", len(e)), crc)
        checksum = struct.pack("<I", _tb._mask(crc))
        crc = crc32c(checksum, crc)
        body = b"".join(elems)
        crc = crc32c(body, crc)
        return lengths + checksum + body, _tb._mask(crc)
    arr = np.ascontiguousarray(arr)
    if sys.byteorder != "little" and arr.dtype.itemsize > 1:   # TF's bundles are little-endian
        arr = arr.byteswap()
    data = arr.tobytes()
    return data, _tb._mask(crc32c(data))


def _dtype_of(arr):
    if arr.dtype == object or arr.dtype.kind in "SU":
        return _dtypes.string
    return _dtypes.as_dtype(arr.dtype)


def write_bundle(index_path, data_path, tensors, opener=open):
    """Writes `tensors` ({name: NumPy array}) as a one-shard bundle: data to `data_path`, then the
    SSTable index to `index_path`. `opener(path, "wb")` opens each file (checkpoint_commit passes
    one that fsyncs)."""
    entries = []
    offset = 0
    with opener(data_path, "wb") as f:
        for name in sorted(tensors):
            arr = np.asarray(tensors[name])
            data, crc = tensor_bytes(arr)
            f.write(data)
            entries.append((name, _dtype_of(arr), arr.shape, offset, len(data), crc))
            offset += len(data)
    with opener(index_path, "wb") as f:
        f.write(index_bytes(entries))


def index_bytes(entries):
    """The SSTable index of a one-shard bundle: TF's header under key "", then one BundleEntryProto per
    (key, DType, shape, offset, size, masked crc32c) of `entries` (keys in increasing order)."""
    from compat_tf._src.framework import tensor_util
    from compat_tf._src.protos import tensor_bundle_pb2
    header = tensor_bundle_pb2.BundleHeaderProto(num_shards=1, endianness=0)
    header.version.producer = _tb.TENSOR_BUNDLE_VERSION
    rows = [(b"", header.SerializeToString())]
    for key, dtype, shape, offset, size, crc in entries:
        e = tensor_bundle_pb2.BundleEntryProto(dtype=dtype.as_datatype_enum, shard_id=0, offset=offset, size=size,
                                               crc32c=crc)
        e.shape.CopyFrom(tensor_util.shape_to_proto(_shape(shape)))
        rows.append((key.encode("utf-8"), e.SerializeToString()))
    return table_bytes(rows)


def _shape(dims):
    from compat_tf._src.framework import tensor_shape
    return tensor_shape.TensorShape(list(dims))
