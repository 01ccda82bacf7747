"""Reads checkpoints written by real TensorFlow: the tensor-bundle (V2) format.

A TF checkpoint with prefix PREFIX (tensorflow/core/util/tensor_bundle/) is

  PREFIX.index                 an SSTable (LevelDB's table format, TF's copy in
                               tensorflow/core/lib/io/table*) mapping keys to protos:
                               ""            -> BundleHeaderProto (num_shards, endianness, version)
                               tensor name   -> BundleEntryProto (dtype, shape, shard_id,
                                                offset, size, masked crc32c, slices)
                               keys starting with b"\\x00" are the slices of partitioned
                               variables (checkpoint::EncodeTensorNameSlice)
  PREFIX.data-0000i-of-0000N   the tensors' bytes, each at entry.offset, entry.size long.

The SSTable: a 48-byte footer at the end (metaindex BlockHandle, index BlockHandle,
varint64 offset + size each, zero padding to 40 bytes, then the magic
0xdb4775248b80fb57 as a little-endian fixed64). A block is a run of entries
(varint32 shared key length, varint32 unshared length, varint32 value length, the
unshared key bytes, the value) followed by uint32 restart offsets and their uint32
count; each block is followed by a 5-byte trailer: the compression type (0: none,
1: snappy) and the masked CRC32C of the block contents plus that type byte. The index
block maps separator keys to the BlockHandles of the data blocks. TF writes bundles
uncompressed; a snappy-compressed block raises UnimplementedError.

Numeric tensors are their elements' raw bytes in the writer's byte order (the
header's endianness; little on every platform TF ships). A string tensor is
[varint64 length of each element][masked CRC32C of the lengths, 4 bytes][the element
bytes]; the entry's CRC32C covers the lengths (each as a uint32, or a uint64 when
over 2**32 - 1, in the writer's byte order), the 4 checksum bytes, and the element bytes.

Every read verifies the block and tensor checksums; a mismatch, a truncated file or
a malformed proto raises tf.errors.DataLossError naming the tensor and the file.
Partitioned variables (entries with slices) are listed with their full shape and read whole:
each slice is its own entry under an OrderedCode key (io/ordered_code.py), assembled here.
"""
import os
import struct

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.io.ordered_code import decode_tensor_name_slice
from compat_tf._src.io.tf_record import crc32c
from compat_tf._src.io import varint

__all__ = ["BundleReader", "is_tensor_bundle_index", "is_tensor_bundle_prefix", "read_table"]

TABLE_MAGIC = 0xDB4775248B80FB57
FOOTER_SIZE = 48
BLOCK_TRAILER_SIZE = 5
HEADER_KEY = b""
# tensorflow/core/public/version.h: kTensorBundleVersion and its minimum consumer/producer
TENSOR_BUNDLE_VERSION = 1
TENSOR_BUNDLE_MIN_PRODUCER = 0

_MASK_DELTA = 0xA282EAD8


def _unmask(masked):
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


def _mask(crc):
    return ((((crc >> 15) | (crc << 17)) & 0xFFFFFFFF) + _MASK_DELTA) & 0xFFFFFFFF


def _data_loss(msg):
    return errors.DataLossError(None, None, msg)


def is_tensor_bundle_index(raw):
    """Whether `raw` (the bytes of a PREFIX.index file) ends with the SSTable footer magic."""
    return len(raw) >= FOOTER_SIZE and struct.unpack("<Q", raw[-8:])[0] == TABLE_MAGIC


def _block_handle(buf, pos, limit, what):
    offset, pos = varint.decode(buf, pos, limit, what)
    size, pos = varint.decode(buf, pos, limit, what)
    return (offset, size), pos


def _read_block(raw, handle, path):
    offset, size = handle
    end = offset + size
    if end + BLOCK_TRAILER_SIZE > len(raw):
        raise ValueError(f"block at offset {offset} (size {size}) runs past the end of the file")
    contents = raw[offset:end]
    ctype = raw[end]
    stored = struct.unpack("<I", raw[end + 1:end + 5])[0]
    actual = crc32c(raw[offset:end + 1])
    if _unmask(stored) != actual:
        raise ValueError(f"block checksum mismatch at offset {offset}")
    if ctype == 1:
        raise errors.UnimplementedError(
            None, None, f"{path}: the checkpoint index has a snappy-compressed block (at offset {offset}); "
            "compat_tf reads only uncompressed tensor-bundle tables, which is what TensorFlow writes")
    if ctype != 0:
        raise ValueError(f"bad block compression type {ctype} at offset {offset}")
    return contents


def _block_entries(block, what):
    """The (key, value) pairs of one block, keys prefix-decompressed."""
    n = len(block)
    if n < 4:
        raise ValueError(f"{what}: block too short")
    num_restarts = struct.unpack("<I", block[n - 4:])[0]
    restarts_at = n - 4 - 4 * num_restarts
    if num_restarts < 1 or restarts_at < 0:
        raise ValueError(f"{what}: bad restart count {num_restarts}")
    out, pos, key = [], 0, b""
    while pos < restarts_at:
        shared, pos = varint.decode(block, pos, restarts_at, what, 5)
        unshared, pos = varint.decode(block, pos, restarts_at, what, 5)
        vlen, pos = varint.decode(block, pos, restarts_at, what, 5)
        if shared > len(key) or pos + unshared + vlen > restarts_at:
            raise ValueError(f"{what}: corrupted block entry")
        key = key[:shared] + bytes(block[pos:pos + unshared])
        pos += unshared
        out.append((key, bytes(block[pos:pos + vlen])))
        pos += vlen
    return out


def read_table(raw, path="<table>"):
    """All (key, value) pairs of an SSTable given as bytes, in file order.

    Raises DataLossError (naming `path`) for a malformed table, UnimplementedError for a
    compressed block.
    """
    raw = memoryview(raw).tobytes() if not isinstance(raw, bytes) else raw
    try:
        if not is_tensor_bundle_index(raw):
            raise ValueError("not an SSTable (bad magic number)")
        footer_at = len(raw) - FOOTER_SIZE
        meta_handle, pos = _block_handle(raw, footer_at, len(raw) - 8, "footer")
        index_handle, pos = _block_handle(raw, pos, len(raw) - 8, "footer")
        if any(raw[pos:len(raw) - 8]):
            raise ValueError("bad footer padding")
        _block_entries(_read_block(raw, meta_handle, path), "metaindex block")   # unused, but checksummed
        entries = []
        for _, handle_bytes in _block_entries(_read_block(raw, index_handle, path), "index block"):
            handle, _ = _block_handle(handle_bytes, 0, len(handle_bytes), "index block")
            entries.extend(_block_entries(_read_block(raw, handle, path), "data block"))
    except ValueError as e:
        raise _data_loss(f"Unable to open table file {path}: Data loss: {e}: perhaps your file is in a "
                         "different file format and you need to use a different restore operator?") from None
    return entries


def _numpy_dtype(dtype):
    if dtype is None or dtype == _dtypes.string:
        return None
    try:
        np_dtype = np.dtype(dtype.as_numpy_dtype)
    except (TypeError, AttributeError):
        return None
    return np_dtype if np_dtype.kind in "biufcV" and np_dtype.fields is None else None


_SUPPORTED = {"float16", "float32", "float64", "bfloat16", "int8", "int16", "int32", "int64", "uint8", "uint16",
              "uint32", "uint64", "bool", "complex64", "complex128", "string"}


class BundleReader:
    """The tensors of one TF-written checkpoint (`prefix`): names, dtypes, shapes, values."""

    def __init__(self, prefix, raw_index=None):
        from compat_tf._src.protos import tensor_bundle_pb2
        self.prefix = prefix
        self.index_path = prefix + ".index"
        if raw_index is None:
            try:
                with open(self.index_path, "rb") as f:
                    raw_index = f.read()
            except FileNotFoundError:
                raise errors.NotFoundError(
                    None, None, f"Unsuccessful TensorSliceReader constructor: Failed to find any matching "
                    f"files for {prefix}") from None
        header, self.entries, self._slices = None, {}, {}
        for key, value in read_table(raw_index, self.index_path):
            try:
                if key == HEADER_KEY:
                    header = tensor_bundle_pb2.BundleHeaderProto.FromString(value)
                elif key.startswith(b"\x00"):   # a slice of a partitioned variable
                    name, extents = decode_tensor_name_slice(key)
                    self._slices[(name, extents)] = tensor_bundle_pb2.BundleEntryProto.FromString(value)
                else:
                    self.entries[key.decode("utf-8")] = tensor_bundle_pb2.BundleEntryProto.FromString(value)
            except Exception as e:  # DecodeError, UnicodeDecodeError, a malformed slice key
                raise _data_loss(f"{self.index_path}: corrupted entry {key!r}: {e}") from None
        if header is None:
            raise _data_loss(f"{self.index_path}: the checkpoint index has no header entry")
        v = header.version
        if v.producer < TENSOR_BUNDLE_MIN_PRODUCER or v.min_consumer > TENSOR_BUNDLE_VERSION or \
                TENSOR_BUNDLE_VERSION in v.bad_consumers:
            raise _data_loss(
                f"{self.index_path}: unsupported tensor bundle version (producer {v.producer}, min consumer "
                f"{v.min_consumer}, bad consumers {list(v.bad_consumers)}); this reader is version "
                f"{TENSOR_BUNDLE_VERSION}")
        self.num_shards = header.num_shards
        self.big_endian = header.endianness == 1
        if self.num_shards < 1:
            raise _data_loss(f"{self.index_path}: bad num_shards {self.num_shards}")
        self._dtypes, self._shapes = {}, {}
        for name, entry in self.entries.items():
            try:
                self._dtypes[name] = _dtypes.as_dtype(entry.dtype)
            except TypeError:
                self._dtypes[name] = None
            dims = [d.size for d in entry.shape.dim]
            if any(d < 0 for d in dims) or entry.shape.unknown_rank:
                raise _data_loss(f"{self.index_path}: tensor {name} has an unknown shape {dims}")
            if _num_elements([max(d, 1) for d in dims]) > _MAX_ELEMENTS:   # what NumPy can hold
                raise _data_loss(f"{self.index_path}: tensor {name} has a shape {dims} of more than 2**63 - 1 "
                                 "elements")
            self._shapes[name] = tuple(dims)
            if not entry.slices and not 0 <= entry.shard_id < self.num_shards:
                raise _data_loss(f"{self.index_path}: tensor {name} is in shard {entry.shard_id} of "
                                 f"{self.num_shards}")

    def shard_path(self, shard_id):
        return f"{self.prefix}.data-{shard_id:05d}-of-{self.num_shards:05d}"

    def names(self):
        return sorted(self.entries)

    def dtype(self, name):
        return self._dtypes[name]

    def shape(self, name):
        return self._shapes[name]

    def read(self, name):
        """The tensor `name` as a NumPy array (strings: an object array of bytes)."""
        entry = self.entries[name]
        dtype, shape = self._dtypes[name], self._shapes[name]
        if entry.slices:
            return self._read_partitioned(name, entry, dtype, shape)
        return self._read_entry(name, entry, dtype, shape)

    def _read_partitioned(self, name, entry, dtype, shape):
        """A partitioned variable: its slices (each a tensor of its own) put together.

        Every slice is read (and size-checked against its data file) before the full tensor is allocated,
        and the slices must hold exactly the full shape's element count: a corrupt index claiming a huge
        full shape is DataLossError, not an allocation of that size.
        """
        parts, held = [], 0
        for sl in entry.slices:
            extents = tuple((e.start, e.length if e.HasField("length") else -1) for e in sl.extent)
            if len(extents) != len(shape):
                raise _data_loss(f"{self.index_path}: slice {extents} of {name} does not match its rank {len(shape)}")
            part = self._slices.get((name, extents))
            if part is None:
                raise _data_loss(f"{self.index_path}: slice {extents} of partitioned tensor {name} is missing")
            region = tuple(slice(s, None) if n < 0 else slice(s, s + n) for s, n in extents)
            if any(s < 0 or (n >= 0 and s + n > d) for (s, n), d in zip(extents, shape)):
                raise _data_loss(f"{self.index_path}: slice {extents} of {name} lies outside its shape {list(shape)}")
            sub_shape = tuple(len(range(*r.indices(d))) for r, d in zip(region, shape))
            value = self._read_entry(f"{name} (slice {extents})", part, dtype, sub_shape)
            parts.append((region, value))
            held += value.size
        if held != _num_elements(shape):
            raise _data_loss(f"{self.index_path}: the slices of partitioned tensor {name} hold {held} elements; "
                             f"its shape {list(shape)} needs {_num_elements(shape)}")
        out = None
        for region, value in parts:
            if out is None:
                out = np.empty(shape, dtype=value.dtype)
            out[region] = value
        return out

    def _read_entry(self, name, entry, dtype, shape):
        if dtype is None or dtype.name not in _SUPPORTED:
            raise errors.UnimplementedError(
                None, None, f"Checkpoint tensor {name} in {self.prefix} has dtype "
                f"{dtype.name if dtype is not None else entry.dtype}, which compat_tf cannot read")
        path = self.shard_path(entry.shard_id)
        data = self._read_bytes(name, path, entry.offset, entry.size)
        if dtype == _dtypes.string:
            values, actual = self._parse_strings(name, path, data, _num_elements(shape))
        else:
            actual = crc32c(data)
        stored = _unmask(entry.crc32c)
        if actual != stored:
            raise _data_loss(f"Checksum does not match for tensor {name} in {path}: stored {stored} vs. "
                             f"calculated on the restored bytes {actual}")
        if dtype == _dtypes.string:
            out = np.empty(len(values), dtype=object)
            out[:] = values
            return out.reshape(shape)
        np_dtype = _numpy_dtype(dtype)
        count = _num_elements(shape)
        if _num_elements([max(d, 1) for d in shape]) * np_dtype.itemsize > _MAX_ELEMENTS:
            raise errors.UnimplementedError(
                None, None, f"Checkpoint tensor {name} in {self.prefix} has shape {list(shape)}, which a NumPy "
                f"array of {dtype.name} cannot have")
        if len(data) != count * np_dtype.itemsize:
            raise _data_loss(f"Tensor {name} in {path} has {len(data)} bytes; its shape {list(shape)} and dtype "
                             f"{dtype.name} need {count * np_dtype.itemsize}")
        arr = np.frombuffer(data, dtype=np_dtype.newbyteorder(">" if self.big_endian else "<"))
        return arr.astype(np_dtype).reshape(shape)   # native byte order, a writable copy

    def _read_bytes(self, name, path, offset, size):
        try:
            with open(path, "rb") as f:
                available = os.fstat(f.fileno()).st_size - offset
                if offset < 0 or size < 0 or size > available:     # checked before allocating `size` bytes
                    raise _data_loss(f"Tensor {name} in {path} is truncated: wanted {size} bytes at offset "
                                     f"{offset}, the file has {max(available, 0)}")
                f.seek(offset)
                data = f.read(size)
        except FileNotFoundError:
            raise _data_loss(f"Unable to read tensor {name}: the checkpoint data file {path} is missing") from None
        except OSError as e:
            raise _data_loss(f"Unable to read tensor {name} from {path}: {e}") from None
        if len(data) != size:
            raise _data_loss(f"Tensor {name} in {path} is truncated: wanted {size} bytes at offset {offset}, "
                             f"got {len(data)}")
        return data

    def _parse_strings(self, name, path, data, count):
        order = ">" if self.big_endian else "<"
        where = f"string tensor {name} in {path}"
        try:
            pos, lengths, crc = 0, [], 0
            for _ in range(count):
                n, pos = varint.decode(data, pos, len(data), where)
                lengths.append(n)
                crc = crc32c(struct.pack(order + ("I" if n <= 0xFFFFFFFF else "Q"), n), crc)
            if pos + 4 > len(data):
                raise ValueError("truncated before its length checksum")
            checksum_bytes = data[pos:pos + 4]
            if struct.unpack(order + "I", checksum_bytes)[0] != _mask(crc):
                raise ValueError("the checksum of its element lengths does not match")
            crc = crc32c(checksum_bytes, crc)
            pos += 4
            if pos + sum(lengths) != len(data):
                raise ValueError(f"its lengths add up to {sum(lengths)} bytes, it has {len(data) - pos}")
            crc = crc32c(data[pos:], crc)
            values = []
            for n in lengths:
                values.append(data[pos:pos + n])
                pos += n
        except ValueError as e:
            raise _data_loss(f"Corrupted {where}: {e}") from None
        return values, crc


_MAX_ELEMENTS = (1 << 63) - 1


def _num_elements(dims):
    """The exact element count of `dims` (NumPy's int64 product would wrap around)."""
    n = 1
    for d in dims:
        n *= int(d)
    return n


def is_tensor_bundle_prefix(prefix):
    """Whether PREFIX.index exists and is a tensor-bundle SSTable (TF's format, not compat_tf's JSON)."""
    try:
        with open(os.fspath(prefix) + ".index", "rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() < FOOTER_SIZE:
                return False
            f.seek(-8, os.SEEK_END)
            return struct.unpack("<Q", f.read(8))[0] == TABLE_MAGIC
    except OSError:
        return False
