"""tf.queue: TF 1.15's queue namespace (the classes are in compat_tf._src.ops.data_flow_ops)."""
from compat_tf._src.ops.data_flow_ops import (  # noqa: F401
    FIFOQueue, PaddingFIFOQueue, PriorityQueue, QueueBase, RandomShuffleQueue)
from compat_tf._src.dropin.missing import missing_attr_hook as _hook

__getattr__ = _hook("tf.queue")
