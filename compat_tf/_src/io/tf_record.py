"""TFRecord files: TF1's tf.python_io.TFRecordWriter / tf_record_iterator / TFRecordOptions.

Mirrors tensorflow/python/lib/io/tf_record.py and tensorflow/core/lib/io/record_writer.cc:
each record is framed as

    uint64 length (little endian)
    uint32 masked_crc32c(length bytes)
    byte   data[length]
    uint32 masked_crc32c(data)

with masked_crc(c) = ((c >> 15) | (c << 17)) + 0xa282ead8 (mod 2**32). GZIP / ZLIB options
compress the whole stream (zlib window bits 31 / 15, as TF's ZlibOutputBuffer does).

`iter_records(path, compression_type)` is the plain helper the tf.data / reader code uses;
`iter_records_with_offsets` also yields each record's byte offset in the (uncompressed) stream,
which TF1's TFRecordReader uses in its keys ("path:offset").

Deviations: only local paths (file:// allowed); TFRecordOptions' zlib tuning knobs
(flush_mode, buffer sizes, window_bits, compression_level, mem_level, compression_strategy)
are accepted and only compression_level / window_bits are honoured.
"""

import os
import struct
import zlib

from compat_tf._src.framework import errors

__all__ = [
    "TFRecordCompressionType",
    "TFRecordOptions",
    "TFRecordWriter",
    "tf_record_iterator",
    "iter_records",
    "iter_records_with_offsets",
    "crc32c",
    "masked_crc32c",
]

# --------------------------------------------------------------------------------------------
# CRC32C (Castagnoli). google-crc32c (C, hardware accelerated) when installed, else a table.
# --------------------------------------------------------------------------------------------

_CRC_TABLE = None


def _crc_table():
    global _CRC_TABLE
    if _CRC_TABLE is None:
        table = []
        for i in range(256):
            c = i
            for _ in range(8):
                c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
            table.append(c)
        _CRC_TABLE = table
    return _CRC_TABLE


def _crc32c_py(data, crc=0):
    table = _crc_table()
    c = crc ^ 0xFFFFFFFF
    for b in bytes(data):
        c = table[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


try:  # pragma: no cover - depends on the environment
    import google_crc32c as _gcrc

    def crc32c(data, crc=0):
        """CRC32C of `data` (bytes-like), continuing from `crc`."""
        if crc:
            return _gcrc.extend(crc, bytes(data))
        return _gcrc.value(bytes(data))
except ImportError:  # pragma: no cover
    crc32c = _crc32c_py

_MASK_DELTA = 0xA282EAD8


def masked_crc32c(data):
    """TF's masked CRC32C of `data` (tensorflow/core/lib/hash/crc32c.h Mask)."""
    c = crc32c(data)
    return (((c >> 15) | (c << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def _unmask(masked):
    rot = (masked - _MASK_DELTA) & 0xFFFFFFFF
    return ((rot >> 17) | (rot << 15)) & 0xFFFFFFFF


# --------------------------------------------------------------------------------------------
# Options
# --------------------------------------------------------------------------------------------


class TFRecordCompressionType:
    """The type of compression for a TFRecord file (NONE, ZLIB, GZIP)."""

    NONE = 0
    ZLIB = 1
    GZIP = 2


_COMPRESSION_STRING = {
    TFRecordCompressionType.NONE: "",
    TFRecordCompressionType.ZLIB: "ZLIB",
    TFRecordCompressionType.GZIP: "GZIP",
}


def _compression_string(compression_type):
    if compression_type is None:
        return ""
    if isinstance(compression_type, bytes):
        compression_type = compression_type.decode()
    if isinstance(compression_type, str):
        if compression_type.upper() in ("", "ZLIB", "GZIP"):
            return compression_type.upper()
        raise ValueError(f"Unsupported compression_type {compression_type!r}: expected '', 'ZLIB' or 'GZIP'")
    if (
        isinstance(compression_type, int)
        and not isinstance(compression_type, bool)
        and compression_type in _COMPRESSION_STRING
    ):
        return _COMPRESSION_STRING[compression_type]
    raise ValueError(f"Not a valid compression_type: {compression_type!r}")


class TFRecordOptions:
    """Options used for manipulating TFRecord files (TF1's tf.python_io.TFRecordOptions)."""

    compression_type_map = {
        TFRecordCompressionType.ZLIB: "ZLIB",
        TFRecordCompressionType.GZIP: "GZIP",
        TFRecordCompressionType.NONE: "",
    }

    def __init__(
        self,
        compression_type=None,
        flush_mode=None,
        input_buffer_size=None,
        output_buffer_size=None,
        window_bits=None,
        compression_level=None,
        compression_method=None,
        mem_level=None,
        compression_strategy=None,
    ):
        # As TF1: a TFRecordCompressionType, a string, or None (=> "" / NONE).
        _compression_string(compression_type)  # validate
        self.compression_type = compression_type
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy

    @classmethod
    def get_compression_type_string(cls, options):
        """'' / 'ZLIB' / 'GZIP' for `options` (a TFRecordOptions, a compression type, or None)."""
        if not options:
            return ""
        if isinstance(options, TFRecordOptions):
            return _compression_string(options.compression_type)
        return _compression_string(options)

    def __repr__(self):
        return f"TFRecordOptions(compression_type={self.compression_type!r})"


def _options_of(options):
    if isinstance(options, TFRecordOptions):
        return options
    return TFRecordOptions(options)


def _local_path(path):
    path = os.fspath(path)
    if isinstance(path, bytes):
        path = path.decode()
    if "://" in path and not path.startswith("file://"):
        raise NotImplementedError(
            f"TFRecord files on {path.split('://')[0]}:// paths are not supported by compat_tf"
        )
    return path[len("file://") :] if path.startswith("file://") else path


def _open(path, mode):
    try:
        return open(path, mode)
    except FileNotFoundError as e:
        raise errors.NotFoundError(
            None, None, f"{path}; {e.strerror or 'No such file or directory'}"
        ) from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None
    except PermissionError as e:
        raise errors.PermissionDeniedError(
            None, None, f"{path}; {e.strerror or 'Permission denied'}"
        ) from None


# --------------------------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------------------------


def _as_bytes(record):
    if isinstance(record, str):
        return record.encode("utf-8")
    if isinstance(record, (bytes, bytearray, memoryview)):
        return bytes(record)
    raise TypeError(f"TFRecordWriter.write expects bytes, got {type(record).__name__}")


def encode_record(data):
    """The framed bytes of one record (no compression)."""
    data = _as_bytes(data)
    header = struct.pack("<Q", len(data))
    return header + struct.pack("<I", masked_crc32c(header)) + data + struct.pack("<I", masked_crc32c(data))


class TFRecordWriter:
    """A class to write records to a TFRecords file (TF1's tf.python_io.TFRecordWriter).

    The file is created (truncated) at construction, as in TF1.
    """

    def __init__(self, path, options=None):
        self._path = _local_path(path)
        opts = _options_of(options)
        self._compression = TFRecordOptions.get_compression_type_string(opts)
        self._f = _open(self._path, "wb")
        self._z = None
        if self._compression:
            level = (
                opts.compression_level if opts.compression_level is not None else zlib.Z_DEFAULT_COMPRESSION
            )
            wbits = opts.window_bits if opts.window_bits is not None else 15
            wbits = abs(wbits) + (16 if self._compression == "GZIP" else 0)
            self._z = zlib.compressobj(level, zlib.DEFLATED, wbits)
        self._closed = False

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.close()

    def _check_open(self):
        if self._closed:
            raise errors.FailedPreconditionError(None, None, f"TFRecordWriter for {self._path} is closed.")

    def write(self, record):
        """Writes a string record to the file."""
        self._check_open()
        framed = encode_record(record)
        self._f.write(self._z.compress(framed) if self._z is not None else framed)

    def flush(self):
        """Flushes the file (and the compressor, with a sync flush)."""
        self._check_open()
        if self._z is not None:
            self._f.write(self._z.flush(zlib.Z_SYNC_FLUSH))
        self._f.flush()

    def close(self):
        """Closes the file (idempotent)."""
        if self._closed:
            return
        if self._z is not None:
            self._f.write(self._z.flush(zlib.Z_FINISH))
        self._f.close()
        self._closed = True

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - best effort, as TF's destructor
            pass


# --------------------------------------------------------------------------------------------
# Reader
# --------------------------------------------------------------------------------------------

_CHUNK = 1 << 16


class _Stream:
    """Reads exact byte counts from a possibly compressed file (concatenated gzip members ok)."""

    def __init__(self, path, compression):
        self._path = path
        self._f = _open(path, "rb")
        self._compression = compression
        self._buf = bytearray()
        self._eof = False
        self._z = self._new_decompressor() if compression else None

    def _new_decompressor(self):
        return zlib.decompressobj(31 if self._compression == "GZIP" else 15)

    def _fill(self, n):
        while len(self._buf) < n and not self._eof:
            raw = self._f.read(_CHUNK)
            if self._z is None:
                if not raw:
                    self._eof = True
                self._buf += raw
                continue
            if not raw:
                # End of file (possibly inside a truncated member: records then come up short).
                self._buf += self._z.flush()
                self._eof = True
                break
            try:
                data = raw
                while data:
                    self._buf += self._z.decompress(data)
                    if self._z.eof:
                        data = self._z.unused_data
                        self._z = self._new_decompressor()
                    else:
                        data = b""
            except zlib.error as e:
                raise errors.DataLossError(
                    None, None, f"{self._path}: corrupted {self._compression} stream: {e}"
                ) from None

    def read(self, n):
        self._fill(n)
        out = bytes(self._buf[:n])
        del self._buf[:n]
        return out

    def close(self):
        self._f.close()


def iter_records_with_offsets(path, compression_type=""):
    """Yields (offset, record bytes) for each record of the TFRecord file `path`.

    `compression_type` is '', 'ZLIB', 'GZIP' (or a TFRecordCompressionType / TFRecordOptions).
    Raises tf.errors.DataLossError on a corrupted or truncated record (the message names the
    file and the offset) and tf.errors.NotFoundError when the file does not exist.
    """
    path = _local_path(path)
    compression = TFRecordOptions.get_compression_type_string(compression_type)
    stream = _Stream(path, compression)
    offset = 0
    try:
        while True:
            header = stream.read(12)
            if not header:
                return
            if len(header) < 12:
                raise errors.DataLossError(None, None, f"{path}: truncated record at {offset}")
            if struct.unpack("<I", header[8:])[0] != masked_crc32c(header[:8]):
                raise errors.DataLossError(None, None, f"{path}: corrupted record at {offset}")
            (length,) = struct.unpack("<Q", header[:8])
            body = stream.read(length + 4)
            if len(body) < length + 4:
                raise errors.DataLossError(None, None, f"{path}: truncated record at {offset}")
            data = body[:length]
            if struct.unpack("<I", body[length:])[0] != masked_crc32c(data):
                raise errors.DataLossError(None, None, f"{path}: corrupted record at {offset}")
            yield offset, data
            offset += 12 + length + 4
    finally:
        stream.close()


def iter_records(path, compression_type=""):
    """Yields the records (bytes) of the TFRecord file `path`; see iter_records_with_offsets."""
    for _, data in iter_records_with_offsets(path, compression_type):
        yield data


def tf_record_iterator(path, options=None):
    """An iterator that reads the records from a TFRecords file (TF1's tf.python_io.tf_record_iterator).

    Yields bytes. Raises tf.errors.DataLossError on a corrupted/truncated record and
    tf.errors.NotFoundError for a missing file (both when iteration starts, as TF1's generator).
    """
    return iter_records(path, TFRecordOptions.get_compression_type_string(options))
