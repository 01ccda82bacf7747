"""slim.queues: the QueueRunners context manager (compat_tf._src.contrib.queues)."""
from compat_tf._src.contrib.queues import QueueRunners  # noqa: F401
