"""tf.summary.FileWriter, FileWriterCache and tf.train.summary_iterator (TF1 semantics).

Mirrors tensorflow/python/summary/writer/{writer,event_file_writer,writer_cache}.py and
summary_iterator.py. Event files are written by tensorboardX's `EventsWriter` (its TFRecord
framing and the 'brain.Event:2' file_version record at the start of each file); the queue and
the writer thread are TF1's: `flush()` waits until every queued event is on disk, `close()`
then closes the file, `reopen()` starts a new events file in the same directory.
"""
import atexit
import logging
import os
import socket
import threading
import time
import warnings
import weakref

from tensorboardX.event_file_writer import EventsWriter as _TBXEventsWriter

from compat_tf._src.summary import protos as _pb
from compat_tf._src.io import varint

try:
    import queue as _queue
except ImportError:  # pragma: no cover
    import Queue as _queue


def _use_fast_crc32c():
    """tensorboardX checksums records with a pure-Python CRC32C unless the `crc32c` package is
    installed; compat_tf depends on google-crc32c (same CRC-32C), so use it (checked on a sample)."""
    try:
        import google_crc32c
        from tensorboardX import crc32c as _tbx_crc, record_writer as _tbx_rw
    except ImportError:
        return
    if getattr(_tbx_crc, "_crc32c_native", None) is None and getattr(_tbx_rw, "crc32c", None) is not None:
        sample = b"compat_tf crc32c check \x00\xff" * 3
        if google_crc32c.value(sample) == _tbx_rw.crc32c(sample):
            _tbx_rw.crc32c = google_crc32c.value


_use_fast_crc32c()
_OPEN_WRITERS = weakref.WeakSet()


@atexit.register
def _flush_open_writers():
    """Like TF's C++ writer at exit: queued events of writers never closed reach the file."""
    for w in list(_OPEN_WRITERS):
        try:
            if not w._closed:
                w.flush()
        except Exception:  # noqa: BLE001 - best effort at interpreter exit
            pass


def _new_events_writer(logdir, suffix):
    """tensorboardX's EventsWriter on a new file; never reuses (truncates) an existing file name
    (tensorboardX names files by the second: wait for the next second instead)."""
    prefix = os.path.join(logdir, "events")
    while os.path.exists(prefix + ".out.tfevents." + str(time.time())[:10] + "." + socket.gethostname()
                         + suffix):
        time.sleep(0.05)
    return _TBXEventsWriter(prefix, suffix)


class EventFileWriter:
    """TF1's EventFileWriter: a bounded queue drained by a daemon thread into an events file."""

    def __init__(self, logdir, max_queue=10, flush_secs=120, filename_suffix=None):
        self._logdir = str(logdir)
        os.makedirs(self._logdir, exist_ok=True)
        self._suffix = filename_suffix or ""
        self._event_queue = _queue.Queue(max_queue)
        self._ev_writer = _new_events_writer(self._logdir, self._suffix)
        self._flush_secs = flush_secs
        self._sentinel_event = _pb.Event()
        self._closed = False
        self._worker = _EventLoggerThread(self._event_queue, self, flush_secs, self._sentinel_event)
        self._worker.start()
        _OPEN_WRITERS.add(self)

    def get_logdir(self):
        return self._logdir

    def reopen(self):
        """After close(): a new worker; the next events go to a new file."""
        if self._closed:
            self._ev_writer = _new_events_writer(self._logdir, self._suffix)
            self._worker = _EventLoggerThread(self._event_queue, self, self._flush_secs, self._sentinel_event)
            self._worker.start()
            self._closed = False

    def add_event(self, event):
        if not self._closed:
            self._event_queue.put(event)

    def flush(self):
        """Blocks until all queued events are written, then flushes the file."""
        self._event_queue.join()
        if not self._closed:
            self._ev_writer.flush()

    def close(self):
        if self._closed:
            return
        self.add_event(self._sentinel_event)
        self.flush()
        self._worker.join()
        self._ev_writer.close()
        self._closed = True


class _EventLoggerThread(threading.Thread):
    def __init__(self, q, owner, flush_secs, sentinel):
        super().__init__(daemon=True)
        self._queue, self._owner, self._flush_secs, self._sentinel = q, owner, flush_secs, sentinel
        self._next_flush = 0

    def run(self):
        while True:
            event = self._queue.get()
            if event is self._sentinel:
                self._queue.task_done()
                break
            try:
                self._owner._ev_writer.write_event(event)
                now = time.time()
                if now > self._next_flush:
                    self._owner._ev_writer.flush()
                    self._next_flush = now + self._flush_secs
            finally:
                self._queue.task_done()


def _as_summary(summary):
    """A fresh tensorboardX Summary from bytes or any Summary message (the caller's is not modified)."""
    out = _pb.Summary()
    if isinstance(summary, (bytes, bytearray)):
        out.ParseFromString(bytes(summary))
    elif hasattr(summary, "SerializeToString"):
        out.ParseFromString(summary.SerializeToString())
    else:
        import numpy as np
        if isinstance(summary, np.ndarray) and summary.dtype == object and summary.ndim == 0:
            return _as_summary(summary.item())
        raise TypeError(f"add_summary expects a Summary protocol buffer or its serialized bytes, got "
                        f"{type(summary).__name__}")
    return out






def _meta_graph_bytes(graph_def_bytes):
    """A MetaGraphDef with meta_info_def {tensorflow_version, tensorflow_git_version} and graph_def,
    as meta_graph.create_meta_graph_def(graph_def=...) gives (no stripped op list)."""
    try:
        from compat_tf._src.protos import meta_graph_pb2
    except ImportError:
        meta_graph_pb2 = None
    if meta_graph_pb2 is not None and hasattr(meta_graph_pb2, "MetaGraphDef"):
        m = meta_graph_pb2.MetaGraphDef()
        m.meta_info_def.tensorflow_version = "1.15.5"
        m.meta_info_def.tensorflow_git_version = "compat_tf"
        m.graph_def.ParseFromString(graph_def_bytes)
        return m.SerializeToString()
    info = varint.length_delimited(5, b"1.15.5") + varint.length_delimited(6, b"compat_tf")
    return varint.length_delimited(1, info) + varint.length_delimited(2, graph_def_bytes)


def _graph_def_bytes(graph, graph_def):
    from compat_tf._src.framework import graph as _graph
    if graph is not None and graph_def is not None:
        raise ValueError("Please pass only graph, or graph_def (deprecated), but not both.")
    if isinstance(graph, _graph.Graph) or isinstance(graph_def, _graph.Graph):
        if not isinstance(graph, _graph.Graph):
            warnings.warn("When passing a `Graph` object, please use the `graph` named argument instead of "
                          "`graph_def`.")
            graph = graph_def
        return graph.as_graph_def(add_shapes=True).SerializeToString()
    gd = graph if graph is not None else graph_def
    if gd is not None and hasattr(gd, "SerializeToString") and type(gd).__name__ == "GraphDef":
        logging.getLogger("tensorflow").warning(
            "Passing a `GraphDef` to the SummaryWriter is deprecated. Pass a `Graph` object instead, such "
            "as `sess.graph`.")
        return gd.SerializeToString()
    raise TypeError("The passed graph must be an instance of `Graph` or the deprecated `GraphDef`")


class FileWriter:
    """tf.summary.FileWriter(logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
    filename_suffix=None, session=None): writes Event protos to an events file in logdir.

    With a graph it writes a graph_def event and a meta_graph_def event first (as TF1).
    add_summary drops the SummaryMetadata of a tag already written once (as TF1).
    `session=` (TF's summary-v2 writer resource) is not supported.
    """

    def __init__(self, logdir, graph=None, max_queue=10, flush_secs=120, graph_def=None,
                 filename_suffix=None, session=None):
        if session is not None:
            raise NotImplementedError("tf.summary.FileWriter(session=...) is not supported by compat_tf")
        self.event_writer = EventFileWriter(logdir, max_queue, flush_secs, filename_suffix)
        self._closed = False
        self._session_run_tags = {}
        self._seen_summary_tags = set()
        if graph is not None or graph_def is not None:
            gd = _graph_def_bytes(graph, graph_def)
            self._add_event(_pb.Event(graph_def=gd), None)
            self._add_event(_pb.Event(meta_graph_def=_meta_graph_bytes(gd)), None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def get_logdir(self):
        """The directory the events file is in."""
        return self.event_writer.get_logdir()

    def _warn_if_event_writer_is_closed(self):
        if self._closed:
            warnings.warn("Attempting to use a closed FileWriter. The operation will be a noop unless the "
                          "FileWriter is explicitly reopened.")

    def _add_event(self, event, step):
        self._warn_if_event_writer_is_closed()
        event.wall_time = time.time()
        if step is not None:
            event.step = int(step)
        self.add_event(event)

    def add_event(self, event):
        """Writes an Event proto as is."""
        if not self._closed:
            if not isinstance(event, _pb.Event):
                event = _pb.Event.FromString(event.SerializeToString())
            self.event_writer.add_event(event)

    def add_summary(self, summary, global_step=None):
        """Writes a Summary (proto or the bytes a summary op returns) at global_step."""
        summary = _as_summary(summary)
        for value in summary.value:
            if not value.HasField("metadata"):
                continue
            if value.tag in self._seen_summary_tags:
                value.ClearField("metadata")
                continue
            self._seen_summary_tags.add(value.tag)
        self._add_event(_pb.Event(summary=summary), global_step)

    def add_session_log(self, session_log, global_step=None):
        """Writes a SessionLog (START / STOP / CHECKPOINT)."""
        ev = _pb.Event()
        ev.session_log.ParseFromString(session_log.SerializeToString())
        self._add_event(ev, global_step)

    def add_graph(self, graph, global_step=None, graph_def=None):
        """Writes a graph_def event: graph.as_graph_def(add_shapes=True), or a GraphDef proto."""
        self._add_event(_pb.Event(graph_def=_graph_def_bytes(graph, graph_def)), global_step)

    def add_meta_graph(self, meta_graph_def, global_step=None):
        """Writes a meta_graph_def event (a MetaGraphDef proto)."""
        if not hasattr(meta_graph_def, "SerializeToString"):
            raise TypeError(f"meta_graph_def must be type MetaGraphDef, saw type: {type(meta_graph_def)}")
        self._add_event(_pb.Event(meta_graph_def=meta_graph_def.SerializeToString()), global_step)

    def add_run_metadata(self, run_metadata, tag, global_step=None):
        """Writes a tagged_run_metadata event (RunMetadata bytes); a tag may be used once."""
        if tag in self._session_run_tags:
            raise ValueError("The provided tag was already used for this event type")
        self._session_run_tags[tag] = True
        ev = _pb.Event()
        ev.tagged_run_metadata.tag = tag
        ev.tagged_run_metadata.run_metadata = run_metadata.SerializeToString()
        self._add_event(ev, global_step)

    def flush(self):
        """Writes every pending event to disk."""
        self._warn_if_event_writer_is_closed()
        self.event_writer.flush()

    def close(self):
        """Flushes and closes the events file; later events are dropped until reopen()."""
        self.event_writer.close()
        self._closed = True

    def reopen(self):
        """After close(): further events go to a new events file in the same logdir."""
        self.event_writer.reopen()
        self._closed = False


class FileWriterCache:
    """tf.summary.FileWriterCache: one FileWriter per logdir (created with the default graph)."""
    _cache = {}
    _lock = threading.RLock()

    @staticmethod
    def clear():
        with FileWriterCache._lock:
            for item in FileWriterCache._cache.values():
                item.close()
            FileWriterCache._cache = {}

    @staticmethod
    def get(logdir):
        from compat_tf._src.framework import graph as _graph
        with FileWriterCache._lock:
            if logdir not in FileWriterCache._cache:
                FileWriterCache._cache[logdir] = FileWriter(logdir, graph=_graph.get_default_graph())
            return FileWriterCache._cache[logdir]


def summary_iterator(path):
    """tf.train.summary_iterator: the Event protos of an events file, in order."""
    from compat_tf._src.io import tf_record
    for record in tf_record.tf_record_iterator(path):
        yield _pb.Event.FromString(record)
