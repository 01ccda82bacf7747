"""TF1's readers: TextLineReader, TFRecordReader, FixedLengthRecordReader, WholeFileReader, IdentityReader.

Mirrors tensorflow/python/ops/io_ops.py and core/framework/reader_base.cc. A
reader op (TextLineReaderV2, ...) outputs a `resource` handle; its lowering
returns the session's reader object (`runtime.resources`). `read(queue)`
(ReaderReadV2) takes the next record of the current work unit (a filename);
when the unit is exhausted it dequeues the next filename from `queue`,
blocking like a dequeue, and raises OutOfRangeError once that queue is closed
and empty. `read_up_to` returns at most `num_records` records and never spans
two work units. Keys are TF1's: "file:line" (1-based, header lines counted)
for TextLineReader, "file:offset" for TFRecordReader, "file:index" for
FixedLengthRecordReader, the filename for WholeFileReader, the work string for
IdentityReader.

Deviations: serialize_state/restore_state and LMDBReader are not supported;
only local files (file:// allowed) are read.
"""
import collections
import gzip
import threading
import zlib

import numpy as np

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import errors
from compat_tf._src.framework import graph as _graph
from compat_tf._src.framework.registry import register_op
from compat_tf._src.ops import constant as _constant
from compat_tf._src.runtime import resources

__all__ = ["ReaderBase", "TextLineReader", "TFRecordReader", "FixedLengthRecordReader", "WholeFileReader",
           "IdentityReader", "LMDBReader"]


def _local(path):
    path = path.decode() if isinstance(path, bytes) else str(path)
    return path[len("file://"):] if path.startswith("file://") else path


def _open(path):
    p = _local(path)
    try:
        return open(p, "rb")
    except FileNotFoundError:
        raise errors.NotFoundError(None, None, f"{p}; No such file or directory") from None
    except IsADirectoryError:
        raise errors.FailedPreconditionError(None, None, f"{p}; Is a directory") from None


def _key(work, suffix):
    return work + b":" + str(suffix).encode()


# --------------------------------------------------------------------------------------------
# Record sources: generators of (key bytes, value bytes) over one work unit
# --------------------------------------------------------------------------------------------

def _text_lines(work, skip_header_lines=0, **_):
    with _open(work) as f:
        lineno = 0
        for raw in f:
            lineno += 1
            if lineno <= skip_header_lines:
                continue
            line = raw[:-1] if raw.endswith(b"\n") else raw
            if line.endswith(b"\r"):
                line = line[:-1]
            yield _key(work, lineno), line


def _tf_records(work, compression_type="", **_):
    from compat_tf._src.io import tf_record
    for offset, data in tf_record.iter_records_with_offsets(_local(work), compression_type):
        yield _key(work, offset), data


def _fixed_length(work, header_bytes=0, record_bytes=1, footer_bytes=0, hop_bytes=0, encoding="", **_):
    with _open(work) as f:
        data = f.read()
    if encoding == "ZLIB":
        data = zlib.decompress(data)
    elif encoding == "GZIP":
        data = gzip.decompress(data)
    limit = len(data) - footer_bytes
    pos, index = header_bytes, 0
    step = hop_bytes or record_bytes
    while pos + record_bytes <= limit:
        yield _key(work, index), data[pos:pos + record_bytes]
        index += 1
        pos += step


def _whole_file(work, **_):
    with _open(work) as f:
        data = f.read()
    yield work, data


def _identity(work, **_):
    yield work, work


class _HostReader:
    """One reader's position: the current work unit and its record generator."""

    def __init__(self, source, attrs):
        self._source = source
        self._attrs = attrs
        self._lock = threading.Lock()
        self._records = None
        self.produced = 0
        self.completed = 0

    def _next_work(self, queue, op):
        from compat_tf._src.ops import data_flow_ops
        if not isinstance(queue, data_flow_ops._HostQueue):
            raise errors.InvalidArgumentError(None, op, f"{op.type} expects a queue handle")
        if queue.dtypes[:1] != [_dtypes.string] or len(queue.dtypes) != 1:
            raise errors.InvalidArgumentError(
                None, op, f"Expected the queue of a reader to have one string component, got "
                f"{[d.name for d in queue.dtypes]}")
        work = queue.dequeue()[0]
        work = work.item() if isinstance(work, np.ndarray) else work
        return work.encode() if isinstance(work, str) else bytes(work)

    def read(self, queue, n, op):
        """Up to `n` (key, value) pairs from one work unit (n None: exactly one pair)."""
        want = 1 if n is None else n
        with self._lock:
            out = []
            while len(out) < want:
                if self._records is None:
                    work = self._next_work(queue, op)
                    self._records = self._source(work, **self._attrs)
                try:
                    out.append(next(self._records))
                    self.produced += 1
                except StopIteration:
                    self._records = None
                    self.completed += 1
                    if out:
                        break
            return out

    def reset(self):
        with self._lock:
            if self._records is not None:
                self._records.close()
            self._records = None
            self.produced = 0
            self.completed = 0

    def cancel(self):
        records, self._records = self._records, None
        if records is not None:
            try:
                records.close()
            except Exception:  # noqa: BLE001 - a generator running in another thread
                pass


# --------------------------------------------------------------------------------------------
# Ops
# --------------------------------------------------------------------------------------------

def _resource_rule(op):
    return [([], _dtypes.resource)]


def _reader_resource(ctx, source, attrs, shared_name):
    op = ctx.op
    key = ("reader", shared_name) if shared_name else ("reader", op.name)
    return resources.get_or_create(ctx.session, key, lambda: _HostReader(source, attrs))


_REG = dict(shape=_resource_rule, host=True, stateful=True, differentiable=False)


@register_op("TextLineReaderV2", **_REG)
def _text_line_reader_v2(ctx, skip_header_lines=0, container="", shared_name=""):
    return _reader_resource(ctx, _text_lines, {"skip_header_lines": skip_header_lines}, shared_name)


@register_op("TFRecordReaderV2", **_REG)
def _tf_record_reader_v2(ctx, compression_type="", container="", shared_name=""):
    return _reader_resource(ctx, _tf_records, {"compression_type": compression_type}, shared_name)


@register_op("FixedLengthRecordReaderV2", **_REG)
def _fixed_length_record_reader_v2(ctx, header_bytes=0, record_bytes=1, footer_bytes=0, hop_bytes=0,
                                   encoding="", container="", shared_name=""):
    return _reader_resource(ctx, _fixed_length, {
        "header_bytes": header_bytes, "record_bytes": record_bytes, "footer_bytes": footer_bytes,
        "hop_bytes": hop_bytes, "encoding": encoding}, shared_name)


@register_op("WholeFileReaderV2", **_REG)
def _whole_file_reader_v2(ctx, container="", shared_name=""):
    return _reader_resource(ctx, _whole_file, {}, shared_name)


@register_op("IdentityReaderV2", **_REG)
def _identity_reader_v2(ctx, container="", shared_name=""):
    return _reader_resource(ctx, _identity, {}, shared_name)


def _reader(handle, op):
    if not isinstance(handle, _HostReader):
        raise errors.InvalidArgumentError(None, op, f"{op.type} expects a reader handle, got {type(handle)}")
    return handle


def _str(b):
    return np.array(b, dtype=object)


@register_op("ReaderReadV2", shape=lambda op: [([], _dtypes.string), ([], _dtypes.string)], num_outputs=2,
             host=True, stateful=True, differentiable=False)
def _reader_read_v2(ctx, reader_handle, queue_handle):
    (key, value), = _reader(reader_handle, ctx.op).read(queue_handle, None, ctx.op)
    return _str(key), _str(value)


@register_op("ReaderReadUpToV2", shape=lambda op: [([None], _dtypes.string), ([None], _dtypes.string)],
             num_outputs=2, host=True, stateful=True, differentiable=False)
def _reader_read_up_to_v2(ctx, reader_handle, queue_handle, num_records):
    n = int(np.asarray(num_records).reshape(()))
    if n <= 0:
        raise errors.InvalidArgumentError(None, ctx.op, f"num_records ({n}) must be > 0")
    pairs = _reader(reader_handle, ctx.op).read(queue_handle, n, ctx.op)
    keys = np.empty(len(pairs), dtype=object)
    values = np.empty(len(pairs), dtype=object)
    for i, (k, v) in enumerate(pairs):
        keys[i], values[i] = k, v
    return keys, values


@register_op("ReaderNumRecordsProducedV2", shape=lambda op: [([], _dtypes.int64)], host=True, stateful=True,
             differentiable=False)
def _reader_num_records_produced_v2(ctx, reader_handle):
    return np.int64(_reader(reader_handle, ctx.op).produced)


@register_op("ReaderNumWorkUnitsCompletedV2", shape=lambda op: [([], _dtypes.int64)], host=True,
             stateful=True, differentiable=False)
def _reader_num_work_units_completed_v2(ctx, reader_handle):
    return np.int64(_reader(reader_handle, ctx.op).completed)


@register_op("ReaderResetV2", shape=lambda op: [], host=True, stateful=True, differentiable=False)
def _reader_reset_v2(ctx, reader_handle):
    _reader(reader_handle, ctx.op).reset()
    return ()


# --------------------------------------------------------------------------------------------
# Python classes (TF1's io_ops.ReaderBase and subclasses)
# --------------------------------------------------------------------------------------------

ReaderReadOutput = collections.namedtuple("ReaderReadV2", ["key", "value"])
ReaderReadUpToOutput = collections.namedtuple("ReaderReadUpToV2", ["keys", "values"])


def _queue_ref(queue):
    return queue if isinstance(queue, _graph.Tensor) else queue.queue_ref


class ReaderBase:
    """TF1's tf.ReaderBase: reads records from the work units (filenames) of a queue."""

    def __init__(self, reader_ref, supports_serialize=False):
        self._reader_ref = reader_ref
        self._supports_serialize = supports_serialize

    @property
    def reader_ref(self):
        return self._reader_ref

    @property
    def supports_serialize(self):
        return self._supports_serialize

    def _op(self, op_type, inputs, name):
        g = self._reader_ref.graph
        return g.create_op(op_type, [self._reader_ref] + inputs, {}, name=name or op_type)

    def read(self, queue, name=None):
        """The next (key, value) record; dequeues a new filename from `queue` when needed."""
        op = self._op("ReaderReadV2", [_queue_ref(queue)], name)
        return ReaderReadOutput(*op.outputs)

    def read_up_to(self, queue, num_records, name=None):
        """Up to `num_records` (keys, values) from the current work unit."""
        with self._reader_ref.graph.as_default():
            n = _constant.convert_to_tensor(num_records, dtype=_dtypes.int64)
        op = self._op("ReaderReadUpToV2", [_queue_ref(queue), n], name)
        return ReaderReadUpToOutput(*op.outputs)

    def num_records_produced(self, name=None):
        return self._op("ReaderNumRecordsProducedV2", [], name).outputs[0]

    def num_work_units_completed(self, name=None):
        return self._op("ReaderNumWorkUnitsCompletedV2", [], name).outputs[0]

    def serialize_state(self, name=None):
        raise NotImplementedError("tf.ReaderBase.serialize_state is not supported by compat_tf")

    def restore_state(self, state, name=None):
        raise NotImplementedError("tf.ReaderBase.restore_state is not supported by compat_tf")

    def reset(self, name=None):
        """Restores the reader to its initial state (no work unit, counters zero)."""
        return self._op("ReaderResetV2", [], name)


def _make_reader(op_type, attrs, name):
    g = _graph.get_default_graph()
    attrs = dict(attrs, container="", shared_name="")
    return g.create_op(op_type, [], attrs, name=name or op_type).outputs[0]


class TextLineReader(ReaderBase):
    """TF1's tf.TextLineReader: one record per line ("\\n" stripped, and a trailing "\\r")."""

    def __init__(self, skip_header_lines=None, name=None):
        ref = _make_reader("TextLineReaderV2", {"skip_header_lines": int(skip_header_lines or 0)}, name)
        super().__init__(ref)


class TFRecordReader(ReaderBase):
    """TF1's tf.TFRecordReader: the records of TFRecord files (options: compression)."""

    def __init__(self, name=None, options=None):
        from compat_tf._src.io import tf_record
        compression = tf_record.TFRecordOptions.get_compression_type_string(options)
        ref = _make_reader("TFRecordReaderV2", {"compression_type": compression}, name)
        super().__init__(ref)


class FixedLengthRecordReader(ReaderBase):
    """TF1's tf.FixedLengthRecordReader: records of `record_bytes` after a header, before a footer."""

    def __init__(self, record_bytes, header_bytes=None, footer_bytes=None, hop_bytes=None, name=None,
                 encoding=None):
        if int(record_bytes) <= 0:
            raise ValueError(f"record_bytes must be > 0, got {record_bytes}")
        ref = _make_reader("FixedLengthRecordReaderV2", {
            "record_bytes": int(record_bytes), "header_bytes": int(header_bytes or 0),
            "footer_bytes": int(footer_bytes or 0), "hop_bytes": int(hop_bytes or 0),
            "encoding": encoding or ""}, name)
        super().__init__(ref)


class WholeFileReader(ReaderBase):
    """TF1's tf.WholeFileReader: one record per file, key the filename, value its contents."""

    def __init__(self, name=None):
        super().__init__(_make_reader("WholeFileReaderV2", {}, name), supports_serialize=True)


class IdentityReader(ReaderBase):
    """TF1's tf.IdentityReader: the work string itself as both key and value."""

    def __init__(self, name=None):
        super().__init__(_make_reader("IdentityReaderV2", {}, name), supports_serialize=True)


class LMDBReader(ReaderBase):
    def __init__(self, name=None, options=None):
        raise NotImplementedError("tf.LMDBReader is not supported by compat_tf")

