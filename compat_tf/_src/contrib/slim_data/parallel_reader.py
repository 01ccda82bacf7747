"""slim.parallel_reader (TF 1.15 slim/python/slim/data/parallel_reader.py): several readers of one
reader class read the files of a filename queue in parallel and enqueue their (key, value)
records into a common queue (a RandomShuffleQueue when shuffling, else a FIFOQueue).

Mirrors TF 1.15: `parallel_read` opens a name scope "parallel_read" holding the filename queue
(`string_input_producer(..., name="filenames")`, with its local "epochs" counter when num_epochs
is set), the "common_queue" and a "fraction_of_<capacity>_full" scalar summary; each reader's
enqueue op runs in its own QueueRunner thread (one QueueRunner for the common queue in
GraphKeys.QUEUE_RUNNERS), so once every file was read num_epochs times the common queue closes
and a read raises OutOfRangeError. With several readers the order of records across files is
whatever the threads produce, as in TF.
"""
from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import data_flow_ops, math_ops
from compat_tf._src.ops.reader_ops import ReaderBase
from compat_tf._src.platform import gfile
from compat_tf._src.train import input as _input
from compat_tf._src.train import queue_runner_impl

__all__ = ["ParallelReader", "get_data_files", "parallel_read", "single_pass_read"]

_DTYPES_ERROR = "common_queue.dtypes must be [tf.string, tf.string]"


class ParallelReader(ReaderBase):
    """`num_readers` instances of `reader_class(**reader_kwargs)` feeding `common_queue`; read()
    dequeues from the common queue. (Like TF's, it has no reader resource of its own: reset and
    the state methods are not available.)"""

    def __init__(self, reader_class, common_queue, num_readers=4, reader_kwargs=None):  # noqa: D107
        if len(common_queue.dtypes) != 2:
            raise TypeError(_DTYPES_ERROR)
        for dtype in common_queue.dtypes:
            if not dtype.is_compatible_with(_dtypes.string):
                raise TypeError(_DTYPES_ERROR)
        reader_kwargs = reader_kwargs or {}
        self._readers = [reader_class(**reader_kwargs) for _ in range(num_readers)]
        self._common_queue = common_queue

    @property
    def num_readers(self):
        return len(self._readers)

    @property
    def common_queue(self):
        return self._common_queue

    def read(self, queue, name=None):
        """The next (key, value) record from the common queue; the readers read from `queue`."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue(name=name)

    def read_up_to(self, queue, num_records, name=None):
        """Up to num_records (keys, values) from the common queue (dequeue_up_to)."""
        self._configure_readers_by(queue)
        return self._common_queue.dequeue_up_to(num_records, name)

    def _configure_readers_by(self, queue):
        enqueue_ops = [self._common_queue.enqueue(reader.read(queue)) for reader in self._readers]
        queue_runner_impl.add_queue_runner(queue_runner_impl.QueueRunner(self._common_queue, enqueue_ops))

    def num_records_produced(self, name=None):
        return math_ops.add_n([r.num_records_produced() for r in self._readers], name=name)

    def num_work_units_completed(self, name=None):
        return math_ops.add_n([r.num_work_units_completed() for r in self._readers], name=name)

    def reset(self, name=None):
        raise NotImplementedError("slim.parallel_reader.ParallelReader.reset (TF's has no reader resource)")


def parallel_read(data_sources, reader_class, num_epochs=None, num_readers=4, reader_kwargs=None,
                  shuffle=True, dtypes=None, capacity=256, min_after_dequeue=128, seed=None, scope=None):
    """(key, value) of the records of `data_sources` read by `num_readers` readers in parallel;
    shuffled files and records when `shuffle`."""
    from compat_tf._src.summary import summary_ops
    data_files = get_data_files(data_sources)
    with _graph.name_scope(scope, "parallel_read"):
        filename_queue = _input.string_input_producer(data_files, num_epochs=num_epochs, shuffle=shuffle,
                                                      seed=seed, name="filenames")
        dtypes = dtypes or [_dtypes.string, _dtypes.string]
        if shuffle:
            common_queue = data_flow_ops.RandomShuffleQueue(
                capacity=capacity, min_after_dequeue=min_after_dequeue, dtypes=dtypes, seed=seed,
                name="common_queue")
        else:
            common_queue = data_flow_ops.FIFOQueue(capacity=capacity, dtypes=dtypes, name="common_queue")
        summary_ops.scalar(f"fraction_of_{capacity}_full",
                           math_ops.cast(common_queue.size(), _dtypes.float32) * (1.0 / capacity))
        return ParallelReader(reader_class, common_queue, num_readers=num_readers,
                              reader_kwargs=reader_kwargs).read(filename_queue)


def single_pass_read(data_sources, reader_class, reader_kwargs=None, scope=None):
    """(key, value) of the records of `data_sources`, files in order, read once by one reader."""
    data_files = get_data_files(data_sources)
    with _graph.name_scope(scope, "single_pass_read"):
        filename_queue = _input.string_input_producer(data_files, num_epochs=1, shuffle=False, capacity=1,
                                                      name="filenames")
        return reader_class(**(reader_kwargs or {})).read(filename_queue)


def get_data_files(data_sources):
    """The files of `data_sources` (a path, a glob pattern with * ? [, or a list/tuple of them);
    ValueError when none is found."""
    if isinstance(data_sources, (list, tuple)):
        data_files = []
        for source in data_sources:
            data_files += get_data_files(source)
    elif "*" in data_sources or "?" in data_sources or "[" in data_sources:
        data_files = gfile.Glob(data_sources)
    else:
        data_files = [data_sources]
    if not data_files:
        raise ValueError(f"No data files found in {data_sources}")
    return data_files
