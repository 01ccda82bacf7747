"""TF-Slim's queue helpers (TF 1.15 slim/python/slim/data/prefetch_queue.py, slim/python/slim/queues.py):
prefetch_queue (a FIFOQueue fed by a QueueRunner, with a "fraction_of_N_full" summary) and the
QueueRunners context manager (queue runners started on entry, stopped and joined on exit)."""
import contextlib

from compat_tf._src.framework import dtypes as _dtypes
from compat_tf._src.framework import graph as _graph
from compat_tf._src.ops import data_flow_ops, math_ops
from compat_tf._src.train import coordinator as _coordinator
from compat_tf._src.train import queue_runner_impl

__all__ = ["QueueRunners", "prefetch_queue"]


def prefetch_queue(tensors, capacity=8, num_threads=1, dynamic_pad=False, shared_name=None, name=None):
    """A queue holding up to `capacity` copies of `tensors` (a list or dict), filled by num_threads
    enqueue threads; dequeue() gives them back in the same structure."""
    from compat_tf._src.summary import summary_ops
    if isinstance(tensors, dict):
        names = list(tensors.keys())
        tensor_list = list(tensors.values())
    else:
        names, tensor_list = None, list(tensors)
    with _graph.get_default_graph().name_scope(name or "prefetch_queue"):
        dtypes = [t.dtype for t in tensor_list]
        shapes = [t.get_shape() for t in tensor_list]
        cls = data_flow_ops.PaddingFIFOQueue if dynamic_pad else data_flow_ops.FIFOQueue
        queue = cls(capacity=capacity, dtypes=dtypes, shapes=shapes, names=names, shared_name=shared_name)
        enqueue_op = queue.enqueue(tensors)
        queue_runner_impl.add_queue_runner(queue_runner_impl.QueueRunner(queue, [enqueue_op] * num_threads))
        summary_ops.scalar(f"fraction_of_{capacity}_full",
                           math_ops.cast(queue.size(), _dtypes.float32) * (1.0 / capacity))
        return queue


@contextlib.contextmanager
def QueueRunners(session):  # noqa: N802 - TF-Slim's name
    """Starts the graph's queue runners for `session` in the block; stops and joins them after."""
    coord = _coordinator.Coordinator()
    threads = queue_runner_impl.start_queue_runners(session, coord=coord)
    try:
        yield coord
    finally:
        coord.request_stop()
        coord.join(threads, stop_grace_period_secs=120)
