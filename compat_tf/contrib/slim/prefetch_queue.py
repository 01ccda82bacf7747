"""slim.prefetch_queue: prefetch_queue (compat_tf._src.contrib.queues)."""
from compat_tf._src.contrib.queues import prefetch_queue  # noqa: F401
