"""File-reading datasets: TFRecordDataset, TextLineDataset, FixedLengthRecordDataset (TF 1.15).

`filenames` is a string, a list of strings, a string tensor (scalar or
vector, evaluated when the iterator is initialised) or a Dataset of file
names. Files are read in order; with `num_parallel_reads` > 1 records are
interleaved one at a time across that many files, TF1's deterministic order.
TFRecord parsing (and DataLossError on corruption) is `compat_tf._src.io.tf_record`.

Errors, as TF1's readers: a read error (DataLossError: a corrupted or truncated
record) fails one element and the reader moves on to the next file; a file that
cannot be opened (NotFoundError, ...) fails every `get_next`, since TF1 retries
opening the same file (so `ignore_errors` after a missing file never ends, in TF1
as here).
"""
import gzip
import zlib

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework.graph import Tensor
from compat_tf._src.data import dataset_ops
from compat_tf._src.data.element_error import ElementError, is_error
from compat_tf._src.data.structure import Spec

_DEFAULT_BUFFER = 256 * 1024


def _compression(value):
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode()
    value = str(value).upper()
    if value not in ("", "ZLIB", "GZIP"):
        raise errors.InvalidArgumentError(None, None, f"Unsupported compression_type: {value}")
    return value


def _str(v):
    return v.decode() if isinstance(v, bytes) else str(v)


class _FileDataset(dataset_ops.DatasetV1):
    """Base: a stream of records (string scalars) from a list of files."""

    def __init__(self, filenames, compression_type=None, num_parallel_reads=None):
        if isinstance(filenames, dataset_ops.DatasetV1):
            if filenames.output_types != _dtypes.string:
                raise TypeError("`filenames` must be a `tf.data.Dataset` of `tf.string` elements.")
            self._files_ds, self._files = filenames, None
        else:
            if isinstance(filenames, Tensor) and filenames.dtype.base_dtype != _dtypes.string:
                raise TypeError("`filenames` must be a `tf.Tensor` of `tf.string`.")
            self._files_ds = None
            self._files = dataset_ops._param(filenames, None if isinstance(filenames, Tensor)
                                             else _dtypes.string)
        self._compression = dataset_ops._param(compression_type if compression_type is not None else "",
                                               _dtypes.string) \
            if not isinstance(compression_type, Tensor) else dataset_ops._param(compression_type)
        self._parallel = num_parallel_reads
        self._spec = Spec(_dtypes.string, [])

    def _children(self):
        return [self._files_ds] if self._files_ds is not None else []

    def _params(self):
        return ([self._files] if self._files is not None else []) + [self._compression]

    def _filenames(self, ictx):
        if self._files_ds is not None:
            for el in self._files_ds._iterate(ictx):
                yield el if is_error(el) else _str(np.asarray(el[0], dtype=object).item())
            return
        value = np.asarray(self._files.get(ictx), dtype=object)
        if value.ndim > 1:
            raise errors.InvalidArgumentError(None, None, "`filenames` must be a scalar or a vector.")
        for f in value.reshape(-1).tolist():
            yield _str(f)

    def _reader(self, ictx):
        """A function (path, compression) -> iterator of record bytes."""
        return self._read_file

    def _read_file(self, path, compression):
        raise NotImplementedError

    def _iterate(self, ictx):
        compression = _compression(np.asarray(self._compression.get(ictx), dtype=object).item())
        files = self._filenames(ictx)
        read = self._reader(ictx)
        n = self._parallel

        def records(f):
            return _file_records(read, f, compression)
        if n is not None and not isinstance(n, Tensor) and int(n) > 1:
            recs = dataset_ops.interleave_iterators(files, records, int(n), 1)
        else:
            recs = (r for f in files for r in ((f,) if is_error(f) else records(f)))
        for r in recs:
            yield r if is_error(r) else (np.asarray(r, dtype=object),)


_OPEN_ERRORS = (errors.NotFoundError, errors.PermissionDeniedError, errors.FailedPreconditionError)


def _file_records(read, path, compression):
    """The records of one file, errors as ElementErrors: a read error ends the file (TF1 moves to
    the next file); an error opening it is given for every pull (TF1 tries to open it again)."""
    while True:
        started = False
        try:
            for r in read(path, compression):
                started = True
                yield r
            return
        except errors.OpError as e:
            yield ElementError(e)
            if started or not isinstance(e, _OPEN_ERRORS):
                return


def _open(path, compression):
    try:
        f = open(path, "rb")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{path}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{path}; Is a directory") from None
    if compression == "GZIP":
        return gzip.GzipFile(fileobj=f)
    if compression == "ZLIB":
        data = f.read()
        f.close()
        import io
        try:
            return io.BytesIO(zlib.decompress(data))
        except zlib.error as e:
            raise errors.DataLossError(None, None, f"{path}: corrupted ZLIB stream: {e}") from None
    return f


class TFRecordDatasetV1(_FileDataset):
    """tf.data.TFRecordDataset(filenames, compression_type=None, buffer_size=None,
    num_parallel_reads=None): the records of TFRecord files, in order."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None):
        super().__init__(filenames, compression_type, num_parallel_reads)

    def _read_file(self, path, compression):
        from compat_tf._src.io import tf_record
        return tf_record.iter_records(path, compression)


class TextLineDatasetV1(_FileDataset):
    """tf.data.TextLineDataset: one string per line, without the line terminator ('\\n' or '\\r\\n')."""

    def __init__(self, filenames, compression_type=None, buffer_size=None):
        super().__init__(filenames, compression_type)

    def _read_file(self, path, compression):
        f = _open(path, compression)
        try:
            for line in f:
                if line.endswith(b"\n"):
                    line = line[:-1]
                    if line.endswith(b"\r"):
                        line = line[:-1]
                yield line
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, f"{path}: {e}") from None
        finally:
            f.close()


class FixedLengthRecordDatasetV1(_FileDataset):
    """tf.data.FixedLengthRecordDataset: records of `record_bytes` bytes after a header, before a footer."""

    def __init__(self, filenames, record_bytes, header_bytes=None, footer_bytes=None, buffer_size=None,
                 compression_type=None):
        super().__init__(filenames, compression_type)
        self._record = dataset_ops._int_param(record_bytes, "record_bytes")
        self._header = dataset_ops._int_param(header_bytes or 0, "header_bytes")
        self._footer = dataset_ops._int_param(footer_bytes or 0, "footer_bytes")
        rb = dataset_ops._static_int(self._record)
        if rb is not None and rb <= 0:
            raise ValueError("record_bytes must be greater than zero.")

    def _params(self):
        return super()._params() + [self._record, self._header, self._footer]

    def _reader(self, ictx):
        sizes = (int(self._record.get(ictx)), int(self._header.get(ictx)), int(self._footer.get(ictx)))
        return lambda path, compression: self._read_fixed(path, compression, *sizes)

    def _read_fixed(self, path, compression, record, header, footer):
        if record <= 0:
            raise errors.InvalidArgumentError(None, None, "record_bytes must be greater than zero.")
        f = _open(path, compression)
        try:
            data = f.read()
        except (OSError, EOFError, zlib.error) as e:
            raise errors.DataLossError(None, None, f"{path}: {e}") from None
        finally:
            f.close()
        body = data[header:len(data) - footer] if footer else data[header:]
        n = len(body) // record
        for i in range(n):
            yield body[i * record:(i + 1) * record]


TFRecordDataset = TFRecordDatasetV1
TextLineDataset = TextLineDatasetV1
FixedLengthRecordDataset = FixedLengthRecordDatasetV1
