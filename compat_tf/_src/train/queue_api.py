"""The tf.train names of the queue-based input pipeline (re-exported by compat_tf/train.py).

Coordinator/LooperThread, QueueRunner and friends, the input producers and
batchers, and the `tf.train.queue_runner` namespace module of TF1.
"""
import types as _types

from compat_tf._src.train.coordinator import Coordinator, LooperThread  # noqa: F401
from compat_tf._src.train.input import (  # noqa: F401
    batch, batch_join, input_producer, limit_epochs, maybe_batch, maybe_batch_join, maybe_shuffle_batch,
    maybe_shuffle_batch_join, range_input_producer, shuffle_batch, shuffle_batch_join, slice_input_producer,
    string_input_producer)
from compat_tf._src.train.queue_runner_impl import (  # noqa: F401
    QueueRunner, add_queue_runner, start_queue_runners)

queue_runner = _types.ModuleType("compat_tf.train.queue_runner", "tf.train.queue_runner (TF1's namespace).")
queue_runner.QueueRunner = QueueRunner
queue_runner.add_queue_runner = add_queue_runner
queue_runner.start_queue_runners = start_queue_runners

__all__ = ["Coordinator", "LooperThread", "QueueRunner", "add_queue_runner", "start_queue_runners",
           "queue_runner",
           "batch", "batch_join", "input_producer", "limit_epochs", "maybe_batch", "maybe_batch_join",
           "maybe_shuffle_batch", "maybe_shuffle_batch_join", "range_input_producer", "shuffle_batch",
           "shuffle_batch_join", "slice_input_producer", "string_input_producer"]
