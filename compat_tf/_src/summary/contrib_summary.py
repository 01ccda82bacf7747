"""tf.contrib.summary (TF 1.15's eager-friendly summary API), while executing eagerly.

`create_file_writer(logdir)` makes a writer (an events file, through tf.summary.FileWriter);
`writer.set_as_default()` or `with writer.as_default():` selects it; summaries are written
when recording is on: `with always_record_summaries():`, `never_record_summaries()`, or
`record_summaries_every_n_global_steps(n)` (when the global step is a multiple of n).
`scalar`, `histogram`, `image`, `audio` and `generic` write one summary at `step` (default: the
global step) and return whether they wrote (a bool tensor), as TF's eager ops do.

Deviation: graph mode (summary ops, `all_summary_ops`, `summary_writer_initializer_op`) is not
provided: NotImplementedError naming it; use tf.summary.* with a FileWriter in graphs.
"""
import contextlib
import threading

import numpy as np

from compat_tf._src.framework import graph as _graph


class _State(threading.local):
    def __init__(self):
        super().__init__()
        self.writer = None
        self.record = []        # stack of callables -> bool


_STATE = _State()


def _require_eager(what):
    if _graph._eager_graph is None or _graph._default_graph_state.stack:
        raise NotImplementedError(f"tf.contrib.summary.{what} in graph mode is not implemented by compat_tf "
                                  "(TensorFlow 1.15 API); it works while executing eagerly. In graphs use "
                                  "tf.summary.* ops and a tf.summary.FileWriter.")


class SummaryWriter:
    """What create_file_writer returns."""

    def __init__(self, logdir, max_queue=None, flush_millis=None, filename_suffix=None):
        from compat_tf._src.summary.writer import FileWriter
        self._writer = FileWriter(logdir, max_queue=10 if max_queue is None else int(max_queue),
                                  flush_secs=120 if flush_millis is None else max(flush_millis / 1000.0, 0.001),
                                  filename_suffix=filename_suffix)

    def set_as_default(self):
        _STATE.writer = self

    @contextlib.contextmanager
    def as_default(self):
        saved = _STATE.writer
        _STATE.writer = self
        try:
            yield self
        finally:
            self.flush()
            _STATE.writer = saved

    def init(self):
        return None

    def flush(self):
        self._writer.flush()

    def close(self):
        self._writer.close()

    def _write(self, serialized, step):
        self._writer.add_summary(serialized, step)


def create_file_writer(logdir, max_queue=None, flush_millis=None, filename_suffix=None, name=None):
    """tf.contrib.summary.create_file_writer: a SummaryWriter writing events files in `logdir`."""
    _require_eager("create_file_writer")
    return SummaryWriter(logdir, max_queue, flush_millis, filename_suffix)


@contextlib.contextmanager
def _recording(condition):
    _STATE.record.append(condition)
    try:
        yield
    finally:
        _STATE.record.pop()


def always_record_summaries():
    return _recording(lambda: True)


def never_record_summaries():
    return _recording(lambda: False)


def record_summaries_every_n_global_steps(n, global_step=None):
    """Summaries are written when the global step is a multiple of `n`."""
    def condition():
        from compat_tf._src.train import training_util
        step = global_step if global_step is not None else training_util.get_or_create_global_step()
        return int(np.asarray(step)) % int(n) == 0
    return _recording(condition)


def should_record_summaries():
    """Whether summaries would be written now (a default writer and a true recording condition)."""
    return bool(_STATE.writer is not None and _STATE.record and _STATE.record[-1]())


def _write(what, make_summary, step):
    from compat_tf._src.ops import constant
    _require_eager(what)
    if not should_record_summaries():
        return constant.constant(False)
    if step is None:
        from compat_tf._src.train import training_util
        step = training_util.get_or_create_global_step()
    serialized = make_summary()
    _STATE.writer._write(np.asarray(serialized.numpy() if hasattr(serialized, "numpy") else serialized)[()],
                         int(np.asarray(step)))
    return constant.constant(True)


def scalar(name, tensor, family=None, step=None):
    from compat_tf._src.summary import summary_ops
    return _write("scalar", lambda: summary_ops.scalar(name, tensor, family=family), step)


def histogram(name, tensor, family=None, step=None):
    from compat_tf._src.summary import summary_ops
    return _write("histogram", lambda: summary_ops.histogram(name, tensor, family=family), step)


def image(name, tensor, bad_color=None, max_images=3, family=None, step=None):
    from compat_tf._src.summary import summary_ops
    return _write("image", lambda: summary_ops.image(name, tensor, max_outputs=max_images, family=family), step)


def audio(name, tensor, sample_rate, max_outputs, family=None, step=None):
    from compat_tf._src.summary import summary_ops
    return _write("audio", lambda: summary_ops.audio(name, tensor, sample_rate, max_outputs=max_outputs,
                                                     family=family), step)


def generic(name, tensor, metadata=None, family=None, step=None):
    from compat_tf._src.summary import summary_ops
    return _write("generic", lambda: summary_ops.tensor_summary(name, tensor, summary_metadata=metadata), step)


def flush(writer=None, name=None):
    """Flushes `writer` (default: the default writer)."""
    writer = writer or _STATE.writer
    if writer is not None:
        writer.flush()


def all_summary_ops():
    _require_eager("all_summary_ops")
    return []


def initialize(graph=None, session=None):
    _require_eager("initialize")
